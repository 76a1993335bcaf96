/* profile_gap.h: a NIST CSF 2.0 current profile against its target
 * profile (issue 18, point 4).
 *
 * Both are versions of the soa register (`isms soa generate --profile
 * current|target --tier N`), each a series of its own; the one in force of
 * each (approved, else the newest draft) is compared per requirement
 * (subcategory): the implementation the current profile states against
 * the one the target profile asks of a requirement it holds applicable.
 * A requirement is short of its target when the target's implementation
 * is further along (planned < partial < implemented) than the current
 * one's; the tiers are compared likewise. */
#ifndef ISMS_DOMAIN_PROFILE_GAP_H
#define ISMS_DOMAIN_PROFILE_GAP_H

#include "domain/engine/dom.h"

typedef struct gap_row {
    const char *code, *ref, *title;
    const char *current; /* implementation in the current profile, NULL when it lacks it */
    const char *target;  /* the implementation the target asks, NULL when not applicable */
    int short_of;        /* the current implementation falls short of the target */
} gap_row;

typedef struct gap_report {
    const char *framework;                /* its name */
    const char *current_soa, *target_soa; /* keys of the profiles compared */
    int current_tier, target_tier;        /* 0 when none is set */
    gap_row *rows;                        /* the target's order */
    int n, gaps;
} gap_report;

/* The current and the target profile in force of framework (name or
 * key) compared; E_NOT_FOUND naming the profile that is missing. */
int dom_profile_gap(dom *d, const char *framework, gap_report *out, isms_err *e);

#endif
