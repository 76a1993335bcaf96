/* states.h: the states a record is in, derived from the registers, as list
 * filters: what the dashboard counts, selectable by name, so that "3 risk
 * reviews overdue" on the dashboard leads to the three risks
 * (`isms risk list --overdue`) and the web's `?state=overdue` selects the
 * same records.
 *
 *   risk        overdue            review date passed
 *               untreated          no control in place, no accept or avoid decision
 *               unaccepted         marked accept without a valid acceptance
 *               no-objective       tied to no business objective
 *               outside-appetite   outside appetite by its latest analysis
 *   acceptance  lapsed             its expiry date has passed
 *
 * A control counts as in place once it is implemented or operating (a
 * plan treats nothing yet); an acceptance is valid until it lapses. */
#ifndef ISMS_DOMAIN_STATES_H
#define ISMS_DOMAIN_STATES_H

#include "domain/engine/dom.h"

typedef struct dom_state {
    const char *name; /* "overdue": the CLI flag, the API's state */
    const char *help;
} dom_state;

/* The states records of reg can be in (*n of them; none: n = 0). */
const dom_state *dom_states(const regdef *reg, int *n);

/* Adds to q's filters (copied into the request's arena) those of the
 * states given (indexes into dom_states(reg)): the records q selects then
 * are those in every one of them, counted, sorted and paged by the store
 * as any filter is. */
int dom_query_states(dom *d, const regdef *reg, store_query *q, const int *states, int nstates,
                     isms_err *e);

/* Calls fn for each record of reg that q selects and that is in every state
 * of `states` (indexes into dom_states(reg)); q's limit and offset count
 * the records in those states. No states: dom_list. */
int dom_list_in_states(dom *d, const regdef *reg, const store_query *q, const int *states,
                       int nstates, store_record_fn fn, void *ctx, isms_err *e);

#endif
