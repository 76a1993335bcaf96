/* lifecycle.h: what the domain says about lifecycle tables (core/record.h)
 * beyond performing their transitions (dom_transition). */
#ifndef ISMS_DOMAIN_LIFECYCLE_H
#define ISMS_DOMAIN_LIFECYCLE_H

#include "core/err.h"
#include "core/record.h"

/* Does the table make sense? Its states are distinct and each is
 * reachable from the first; each transition joins two of them, by a verb
 * no generic verb (add, update, ...) shadows and that leaves a state once;
 * roles are role names, a role chosen by value covers every value; no
 * transition thaws a frozen record. With `reg` (NULL: the table alone) the
 * fields it names exist with the right types. E_INTERNAL naming the fault. */
int lifecycle_check(const lifecycle *lc, const regdef *reg, isms_err *e);

/* Is a record in `state` frozen (reached by an LC_FREEZES transition, or
 * superseded)? */
int lifecycle_frozen(const lifecycle *lc, const char *state);

/* Is `state` final: no transition leaves it, and none moves a record into
 * it only for a newer version to supersede it later? Nothing is due of a
 * record in a final state (a decision carried out, a version superseded). */
int lifecycle_final(const lifecycle *lc, const char *state);

/* May the one acting now (dom_who) make transition t on record r as it
 * stands: r is in t's starting state and they hold the authority t needs?
 * 0, or the refusal dom_transition would give (E_DENIED, E_CONFLICT): so
 * that a front end offers only what the domain would do. */
struct dom;
int dom_may_transition(struct dom *d, const record *r, const transition *t, isms_err *e);

/* Can record r no longer change: it is frozen (approved, superseded), or
 * it belongs to a record that is (*by_parent 1: then it cannot be retired
 * either)? So that a front end offers no edit the domain would refuse. */
int dom_record_frozen(struct dom *d, const record *r, int *by_parent);

#endif
