/* tallies.h: the dashboard's figures that follow from what a record says
 * of itself, kept in the store (0010_tallies.sql) as records are written.
 *
 * Each active risk, control and objective adds to a few named figures
 * (tallies_note): active risks, their residual cells ("risk.cell.L.I":
 * the bands follow from the cells at any matrix size), quantified, tied
 * to no objective, to treat or accepted, their review dates, and per
 * objective how many of its risks are quantified or not; controls by
 * status, in place by effectiveness, their cost; objectives and their
 * value. A write adds what the record adds now and takes away what it
 * added before, in the write's own transaction (dom_tallies_changed), so a
 * rolled-back write (or savepoint) leaves them as they were. The upgrade
 * to schema 10 and an import count them from the records
 * (dom_tallies_rebuild); `isms verify --full` counts them again and
 * names any figure that differs. From schema 26 every register counts its
 * active records, and every register with an owner what each person owns;
 * the people count their roles. */
#ifndef ISMS_DOMAIN_TALLIES_H
#define ISMS_DOMAIN_TALLIES_H

#include "core/err.h"
#include "core/record.h"
#include "core/strmap.h"

#include <stdint.h>

struct dom;
struct store;
struct store_query;

/* Who owns how many active records of a register:
 * "owner.REGISTER.PERSON-ID"; and how many active people hold a role:
 * "person.role.ROLE" (how many people: "records.person"). */
#define TALLY_OWNER_PREFIX "owner."
#define TALLY_ROLE_PREFIX "person.role."
/* How many active records each register holds: "records.REGISTER" (0026). */
#define TALLY_RECORDS_PREFIX "records."
/* "acceptance.expires.DATE": active acceptances lapsing on DATE;
 * "risk.accepted_until.DATE": active risks treated by acceptance whose
 * active acceptances run until DATE at the latest (STORE_NEVER: one never
 * lapses) (0029). */
#define TALLY_ACCEPTANCE_EXPIRES "acceptance.expires."
#define TALLY_ACCEPTED_UNTIL "risk.accepted_until."
/* "risk.review.DATE": active risks due for review on DATE. */
#define TALLY_REVIEW "risk.review."

/* Figures by name (values int64_t, in the map's arena). */
typedef struct tallies {
    strmap m;
} tallies;

void tallies_init(tallies *t);
/* Adds n to figure `name`. */
void tallies_put(tallies *t, const char *name, int64_t n);
void tallies_reset(tallies *t);
/* Adds what `r` counts for, times sign (+1 or -1); nothing when it is
 * retired or of a register the dashboard does not count. */
void tallies_note(tallies *t, const record *r, int sign);
int64_t tallies_get(const tallies *t, const char *name);
/* The figures of t that are not 0 added to the store's (waiting for the
 * commit in a write transaction). */
int tallies_store(struct store *s, const tallies *t, isms_err *e);
/* Adds every figure of `more` to t's (counts made in parts). */
void tallies_add(tallies *t, const tallies *more);
/* The store's figures; with `after` (YYYY-MM-DD), those counted by the day
 * (named "day.YYYY-MM-DD.what") only of the days after it. */
int tallies_read(struct dom *d, const char *after, tallies *t, isms_err *e);
/* The same, but none whose name starts with one of skips (NULL-terminated,
 * in name order; the dashboard's read, which needs no owner's figures nor
 * an objective's: a row per owner and register, per objective). */
int tallies_read_but(struct dom *d, const char *after, const char *const *skips, tallies *t,
                     isms_err *e);
/* Only the figures whose names start with prefix ("coverage."). */
int tallies_read_prefix(struct dom *d, const char *prefix, tallies *t, isms_err *e);
/* An `after` that leaves out every figure by the day. */
#define TALLIES_NO_DAYS "9999-12-31"
/* How many active records reg holds, from the kept figures (any register
 * from schema 26; before it risks, controls, objectives): *known 0 when
 * they do not say (another register on an older schema, inside a write),
 * and the caller counts. */
int dom_active_count(struct dom *d, const regdef *reg, int64_t *n, int *known, isms_err *e);
/* The register's active records: the kept figure, or counted where the
 * schema keeps none (an older one read without upgrading). */
int dom_count_active(struct dom *d, const regdef *reg, int64_t *n, isms_err *e);

/* Does the store keep, from schema 37, a figure of the active records of
 * each value of f ("value.REGISTER.FIELD.VALUE"): a choice, a set of
 * choices (each member), yes or no, a whole number of at most 16 values
 * (a level)? Their values are few, and so are their figures. */
int tallies_by_value(const fielddef *f);
/* The records q selects, as a list's total, from the kept figures (a
 * read or two, whatever the register's size) where they count it: every
 * active record; those of one filter equal to an owner or to a value
 * tallies_by_value keeps; the risks of one residual cell (both levels);
 * those in one risk state (states.h: to treat less treated, accepted less
 * those with an acceptance in force, no objective, outside appetite); or
 * those whose date counted by the day (a risk's review, an acceptance's
 * expiry) lies before a day. *known 0: none counts q (or inside a write,
 * whose changes wait for its commit), and nothing was counted. */
int dom_kept_count(struct dom *d, const regdef *reg, const struct store_query *q, int64_t *n,
                   int *known, isms_err *e);
/* The same, any other query counted by the store. */
int dom_count_query(struct dom *d, const regdef *reg, const struct store_query *q, int64_t *n,
                    isms_err *e);

/* In the write's transaction: what `after` counts for replaces what
 * `before` did (either may be NULL). No-op on an older schema. */
int dom_tallies_changed(struct dom *d, const record *before, const record *after, isms_err *e);
/* In the caller's transaction: the n records rs, written by a bulk road
 * that is not the domain's write (the built-in catalogues, an OSCAL
 * import), counted as added. */
int dom_tallies_added(struct dom *d, const record *rs, int n, isms_err *e);
/* Counts every active record again into *t (t initialised by the caller). */
int dom_tallies_recount(struct dom *d, tallies *t, isms_err *e);
/* Into t: the figures that follow from what the store keeps beside the
 * records, counted from it (the latest analyses' marks and flags, the
 * assets raised by their kept needs); part of dom_tallies_recount. */
int tallies_kept_recount(struct dom *d, tallies *t, isms_err *e);
/* In the caller's transaction: the store's figures counted again from the
 * records (an upgrade, an import, a bulk load through the store). */
int dom_tallies_rebuild(struct dom *d, isms_err *e);

/* ---- the figures that follow from links (0016, tallies_links.c) ----
 *
 * Per requirement ID, the active mappings of controls onto it
 * ("coverage.ID") and those whose control covers it all ("coverage.ID.full")
 * or in part ("coverage.ID.part"), as cov_contribution judges; and the
 * active risks to treat that an active control in place treats
 * ("risk.treated"). A write moves them from what it reads of the records
 * around it (the control of a mapping, the mappings of a control whose
 * state changed, the other controls of a risk): a few indexed reads. */

#define TALLY_COVERAGE_PREFIX "coverage."
/* Figure "coverage.ID" + suffix ("", ".full", ".part") of t. */
int64_t tallies_coverage(const tallies *t, int64_t requirement, const char *suffix);
/* Into t: what the write of `after` over `before` moves them by. */
int tallies_links_changed(struct dom *d, tallies *t, const record *before, const record *after,
                          isms_err *e);
/* Into t: them, counted from the records; with `progress`, saying how far
 * it is (store_progress) when that takes long (an upgrade). */
int tallies_links_recount(struct dom *d, tallies *t, int progress, isms_err *e);
/* In the caller's transaction: them, counted and added to the store's
 * (the upgrade to 0016, which found none). */
int dom_tallies_links_fill(struct dom *d, isms_err *e);

/* ---- the objectives not quantified (0042, tallies_objectives.c) ----
 *
 * Per active objective, whether none of its active risks is quantified
 * ("risk.objective.nq.0000000000042": 1, the id zero-padded so that the
 * names sort as the ids do) and the value at stake it counts as not
 * quantified where one of them is not ("risk.objective.uv.ID"); their sums
 * "objective.unquantified" and "objective.value_unquantified". They follow
 * from the per-objective figures of its risks ("risk.objective.q.ID",
 * "risk.objective.u.ID") and the objective itself, and move at each commit
 * for the objectives whose risks' figures or record it changed. The
 * dashboard reads the sums and the first names, not every objective. */
#define TALLY_OBJECTIVE_PREFIX "risk.objective."
#define TALLY_UNQUANTIFIED_PREFIX TALLY_OBJECTIVE_PREFIX "nq."
/* In a write transaction: into t, what its commit moves them by. */
int tallies_objectives_moves(struct store *s, tallies *t, isms_err *e);
/* In a write transaction: objective #id was written. */
int tallies_objective_touch(struct store *s, int64_t id, isms_err *e);
/* ... every active objective (a rebuild, which counts them anew). */
int tallies_objectives_touch_all(struct store *s, isms_err *e);
/* Into out: them counted from nothing, the risks' per-objective figures
 * from `figures` (verify's recount). */
int tallies_objectives_recount(struct store *s, const tallies *figures, tallies *out, isms_err *e);
/* In the caller's transaction: the figures `count` counts from those
 * whose names start with prefix, counted from the store's and added to
 * them (an upgrade that brings them: 0041 og_recount from "owner.", 0042
 * tallies_objectives_recount from "risk.objective."). */
typedef int (*tallies_recount_fn)(struct store *s, const tallies *figures, tallies *out,
                                  isms_err *e);
int tallies_fill(struct store *s, const char *prefix, tallies_recount_fn count, isms_err *e);
/* The ids of the first `max` (at most) active objectives none of whose
 * risks is quantified, in id order, into ids[]; *n of them. E_RETRY inside
 * a write whose figures wait for its commit. */
int tallies_unquantified_first(struct store *s, int max, int64_t *ids, int *n, isms_err *e);

/* ---- moved at a commit ---- */

/* Into t: what the write transaction's commit moves the figures that
 * follow from others by (the objectives not quantified, the
 * responsibility matrix's gaps: owner_gaps.h): a verification inside it
 * adds them to those it reads. */
int tallies_commit_moves(struct store *s, tallies *t, isms_err *e);
/* store_schema's before_flush: them, added to the store's. */
int tallies_before_flush(struct store *s, void *ctx, isms_err *e);

/* Each figure that differs between `counted` and `kept` (the store's):
 * fn(name, counted, kept, ctx). Returns how many differ. */
typedef void (*tallies_diff_fn)(const char *name, int64_t counted, int64_t kept, void *ctx);
int tallies_compare(const tallies *counted, const tallies *kept, tallies_diff_fn fn, void *ctx);

/* The latest analysis of each subject, kept by the store (store_latest_*,
 * registers/analyses_kept.c): in the write's transaction, an analysis
 * saved becomes its subject's latest; a record written that an analysis's
 * inputs come from (a risk, a control, an appetite, an objective, the
 * organisation) marks the latest analyses that draw on it as written
 * since they ran, and a risk's cell or the matrix size set anew compares
 * the cells again. No-op on an older schema. */
int dom_latest_changed(struct dom *d, const record *before, const record *after, isms_err *e);
/* In the caller's transaction: every subject's latest again from the
 * analyses (the upgrade to schema 17, an import). */
int dom_latest_rebuild(struct dom *d, isms_err *e);

#endif
