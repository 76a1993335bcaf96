/* owner_gaps.h: the gaps of the responsibility matrix that follow from
 * one person (what they own, the roles they hold, their budget), and the
 * figures kept of them (0041), so that the dashboard counts every gap in
 * one read of a few figures, however many people own records.
 *
 * The matrix (views/accountability.h) lists the gaps; the kinds it judges
 * one person by are these: owning risks, controls or assets without the
 * role to; an internal auditor owning any of them; owning risks or
 * objectives without a budget. A role nobody holds is read from the
 * figures of who holds each role; one person owning more than half of a
 * register's records from the most anyone owns of it.
 *
 * The figures (tallies.h), moved at each commit by what it changed of
 * who owns what and of the people it wrote (og_moves, from
 * tallies_before_flush):
 *
 *   owner.gaps.ID                       og_mask of person ID (absent: 0)
 *   owner.hist.REGISTER.N               people owning exactly N active
 *                                       REGISTER records (risk, control,
 *                                       asset)
 *   accountability.without-role         gaps of each kind, as the matrix
 *   accountability.auditor-owns         counts them
 *   accountability.without-budget
 *   accountability.risk-owners          people owning an active risk
 *   accountability.budgeted-risk-owners of them, with a budget above zero
 *   accountability.owned.REGISTER       active REGISTER records owned, in
 *                                       every register whose records have
 *                                       an owner (0045; 0041: the three)
 *   accountability.most.REGISTER        the most any one person owns
 *   accountability.owners               people who own a record (0045)
 *   owner.gapped.0000000000042          person #42's gap bits (absent:
 *                                       none), by zero-padded id: the
 *                                       people with a gap in id order are
 *                                       the front of a key range (0045)
 *
 * Those under "owner." are a row per person (or per count) and stay out
 * of the dashboard's read; the "accountability." ones are in it. The most
 * is found again from the counts when its holder owns fewer: a read of
 * the counts between, as many as the records they gave up. The matrix's
 * page reads them (og_kept_read, og_people_figures, og_gapped_next) and
 * the figures of the people it shows, not every owner's. */
#ifndef ISMS_DOMAIN_OWNER_GAPS_H
#define ISMS_DOMAIN_OWNER_GAPS_H

#include "core/err.h"
#include "core/record.h"
#include "domain/registers/tallies.h"
#include "store/store.h"

/* The registers a person's gaps come from; the first OG_OWNING need a role
 * to own (and are judged for concentration). */
enum { OG_RISK, OG_CONTROL, OG_ASSET, OG_OBJECTIVE, OG_KINDS, OG_OWNING = 3 };
extern const char *const og_registers[OG_KINDS]; /* "risk", "control", ... */
extern const char *const og_roles[OG_OWNING];    /* "risk-owner", ... */

/* Every register whose records have an owner (a reference to a person),
 * in the registers' order: the matrix's columns; where og_registers[k]
 * is among them, at of_kind[k]. */
enum { OG_MAX_OWNED = 16 };
typedef struct og_owned {
    const regdef *reg[OG_MAX_OWNED];
    int n;
    int of_kind[OG_KINDS];
} og_owned;
void og_owned_registers(og_owned *out);

/* og_mask's bits. */
#define OG_WITHOUT_ROLE(k) (1 << (k))               /* owns of og_registers[k] without its role */
#define OG_AUDITOR_OWNS(k) (1 << (OG_OWNING + (k))) /* an internal auditor owning of them */
enum {
    OG_WITHOUT_BUDGET = 1 << 6, /* owns risks or objectives, holds no budget */
    OG_RISK_OWNER = 1 << 7,     /* owns an active risk */
    OG_BUDGETED = 1 << 8,       /* ... and holds a budget above zero */
};

/* The bits that are gaps (the others say what a person is). */
#define OG_GAP_BITS                                                                      \
    (OG_WITHOUT_ROLE(0) | OG_WITHOUT_ROLE(1) | OG_WITHOUT_ROLE(2) | OG_AUDITOR_OWNS(0) | \
     OG_AUDITOR_OWNS(1) | OG_AUDITOR_OWNS(2) | OG_WITHOUT_BUDGET)
/* A person's og_mask as kept: "owner.gaps.ID". */
#define TALLY_GAPS_PREFIX "owner.gaps."

/* Records of a register before one owner's share is judged. */
enum { OG_CONCENTRATION_MIN = 10 };

/* The roles the standard needs held, and why (a role nobody holds is a
 * gap); OG_NEEDED of them. */
enum { OG_NEEDED = 3 };
typedef struct og_needed {
    const char *role, *why;
} og_needed;
extern const og_needed og_needed_roles[OG_NEEDED];

/* Does person hold role? */
int og_holds(const record *person, const char *role);
/* The gaps of a person who owns owns[k] active records of og_registers[k]
 * (OG_* bits; 0 for none). */
int og_mask(const int64_t owns[OG_KINDS], const record *person);
/* Whether one person owning `most` of `owned` records is a gap (more than
 * half, of at least OG_CONCENTRATION_MIN). */
int og_concentrated(int64_t most, int64_t owned);

/* The matrix's gap counts as the kept figures t say them (the dashboard's
 * read, which holds every "accountability." and "person.role." figure). */
typedef struct og_counts {
    int64_t gaps;        /* every gap: dom_accountability's gaps_total */
    int64_t risk_owners; /* people owning an active risk */
    int64_t budgeted;    /* of them, with a budget above zero */
} og_counts;
void og_counted(const tallies *t, og_counts *out);

/* The matrix's figures as kept (0045), outside a write transaction. */
typedef struct og_kept {
    int64_t owned[OG_MAX_OWNED];                        /* by og_owned's column */
    int64_t owners;                                     /* people who own a record */
    int64_t without_role, auditor_owns, without_budget; /* gaps, by kind */
    int64_t risk_owners, budgeted;                      /* as og_counts */
    int64_t most[OG_OWNING]; /* the most one person owns of og_registers[k] */
} og_kept;
int og_kept_read(store *s, const og_owned *os, og_kept *out, isms_err *e);
/* Into *id: a person who owns `most` of og_registers[k] (0: none), read
 * from that register's owners' figures (those of one register only: a
 * concentration's holder, found only when there is one). */
int og_holder(store *s, int k, int64_t most, int64_t *id, isms_err *e);
/* Into owns[i * OG_MAX_OWNED + c] what person ids[i] owns of og_owned's
 * column c, into masks[i] their og_mask: their figures as kept. */
int og_people_figures(store *s, const og_owned *os, const int64_t *ids, size_t n, int64_t *owns,
                      int *masks, isms_err *e);
/* The people with a gap after person #after (0: from the first), in id
 * order, at most limit: fn(id, gap bits, ctx) each; fn returns non-zero
 * to stop. */
typedef int (*og_gapped_fn)(int64_t id, int bits, void *ctx);
int og_gapped_next(store *s, int64_t after, int64_t limit, og_gapped_fn fn, void *ctx, isms_err *e);

/* In a write transaction: into t, what its commit will move the figures
 * by, for the people whose ownership ("owner.REGISTER.ID") or record
 * ("owner.touch.ID", og_touch) it changed (a verification inside it adds
 * them to the figures it reads). Nothing on an older schema. */
int og_moves(store *s, tallies *t, isms_err *e);
/* In a write transaction: person #id was written (their roles or budget
 * may have changed). */
int og_touch(store *s, int64_t id, isms_err *e);
/* Into out: the figures counted from nothing, from the owners' figures in
 * `owners` (verify's recount; the upgrade to 0041: tallies_fill). */
int og_recount(store *s, const tallies *owners, tallies *out, isms_err *e);

#endif
