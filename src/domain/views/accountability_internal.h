/* accountability_internal.h: what the two roads to the responsibility
 * matrix share (accountability.c: every owner read and judged, and the
 * gaps' texts; accountability_kept.c: the totals and the people with a gap
 * as kept, only the people shown read). Not for other modules. */
#ifndef ISMS_DOMAIN_VIEWS_ACCOUNTABILITY_INTERNAL_H
#define ISMS_DOMAIN_VIEWS_ACCOUNTABILITY_INTERNAL_H

#include "domain/views/accountability.h"

/* One owner's counts, gathered from the figures. */
typedef struct acc_owner {
    int64_t id;
    int64_t owns[ACC_MAX_KINDS];
    int gaps;      /* found of them, listed or not */
    int kept_mask; /* their og_mask as kept (0041: "owner.gaps.ID"), 0 before */
} acc_owner;

typedef struct acc_gather {
    dom *d;
    arena *a;
    dom_accountability *out;
    acc_owner *owners; /* by id once sorted */
    size_t n, cap;
    og_owned os;             /* the columns */
    int counting;            /* every gap counted as found (not read as kept) */
    int64_t seen;            /* gaps asked for, so far, listed or not */
    int64_t person;          /* the gap person's id, or 0 */
    int64_t conc[OG_OWNING]; /* who holds more than half of og_registers[k] (0: no one) */
} acc_gather;

/* role_names' index of role, or -1. */
int acc_role_of(const char *role);
/* A new owner entry of g (its counts 0), valid until the next add. */
acc_owner *acc_owner_add(acc_gather *g, int64_t id);
/* The gaps of the roles the standard needs that nobody holds. */
void acc_vacant_roles(acc_gather *g);
/* store_record_fn: the gaps of person p, an owner in g (their figures
 * found by id). */
int acc_owner_gap(const record *p, void *ctx);
/* The ids of the page of people, by name (in the dom's arena). */
int acc_page_ids(acc_gather *g, int64_t **ids, int64_t *n, isms_err *e);
/* The page's rows, of the people ids[0 .. n). */
int acc_page(acc_gather *g, const int64_t *ids, int64_t n, isms_err *e);
/* The matrix from the kept figures (0045): accountability_kept.c. */
int acc_as_kept(acc_gather *g, isms_err *e);

#endif
