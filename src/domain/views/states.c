/* states.c: derived states as list filters (see states.h).
 *
 * Each state is a condition the store writes into the list's query (a
 * date passed, read from the date's index; or a risk state the store tells
 * from its own tables, store_filter.risk_state): the database selects,
 * sorts, counts and pages the records in a state with the query's other
 * filters and its search, so a page of them costs the page where an index
 * holds the state (untreated, outside appetite, overdue), and never reads
 * a record only to drop it. */
#include "domain/views/states.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/text.h"

#include <string.h>

/* A state: a risk state the store tells (`risk_state`), or a date field
 * (`passed`) whose value lies before today. */
typedef struct state_def {
    int risk_state;
    int passed;
} state_def;

static const dom_state risk_states[] = {
    { "overdue", "risks whose review date has passed" },
    { "untreated", "risks with no control in place and no accept or avoid decision" },
    { "unaccepted", "risks marked accept without a valid acceptance" },
    { "no-objective", "risks tied to no business objective" },
    { "outside-appetite", "risks outside appetite by their latest analysis" },
};
static const state_def risk_defs[] = {
    { 0, F_RISK_REVIEW_DATE },          { STORE_RISK_UNTREATED, 0 },
    { STORE_RISK_UNACCEPTED, 0 },       { STORE_RISK_NO_OBJECTIVE, 0 },
    { STORE_RISK_OUTSIDE_APPETITE, 0 },
};
static const dom_state acceptance_states[] = {
    { "lapsed", "acceptances past their expiry date: the risk is back for review" },
};
static const state_def acceptance_defs[] = { { 0, F_ACCEPTANCE_EXPIRES_ON } };

const dom_state *dom_states(const regdef *reg, int *n)
{
    if (reg == &reg_risk) {
        *n = (int)(sizeof risk_states / sizeof *risk_states);
        return risk_states;
    }
    if (reg == &reg_acceptance) {
        *n = (int)(sizeof acceptance_states / sizeof *acceptance_states);
        return acceptance_states;
    }
    *n = 0;
    return NULL;
}

/* The store's filter of one state: a risk state the store tells, or a
 * date before today, given as the list of its ids when it holds few
 * active records (so that no other filter's index is read whole for
 * them, nor every row for a date), else as a condition. How many: the
 * kept figures say (dom_kept_count), else a bounded count of a state's
 * index; a date they do not count stays a list. */
static int state_filter(dom *d, const regdef *reg, const store_query *q, const state_def *def,
                        const char *today, store_filter *to, isms_err *e)
{
    *to = (store_filter){ .field = def->passed ? field_def(reg, def->passed) : NULL,
                          .risk_state = def->risk_state,
                          .sval = today,
                          .below = def->passed != 0,
                          .as_list = def->passed != 0 };
    if (q->include_retired || q->only_retired)
        return 0;
    int64_t n;
    int known,
        rc = dom_kept_count(d, reg, &(store_query){ .filters = to, .nfilters = 1 }, &n, &known, e);
    if (rc || known) {
        to->as_list = n <= STORE_STATE_FEW && def->risk_state != STORE_RISK_OUTSIDE_APPETITE;
        return rc;
    }
    return def->risk_state
               ? store_risk_state_few(dom_store(d), def->risk_state, today, &to->as_list, e)
               : 0;
}

int dom_query_states(dom *d, const regdef *reg, store_query *q, const int *states, int nstates,
                     isms_err *e)
{
    int n;
    dom_states(reg, &n);
    if (!nstates)
        return 0;
    char today[11];
    now_date(today);
    arena *a = dom_arena(d);
    store_filter *f = arena_alloc(a, sizeof *f * (size_t)(q->nfilters + nstates));
    int have = q->nfilters;
    if (have)
        memcpy(f, q->filters, sizeof *f * (size_t)have);
    for (int k = 0; k < nstates; k++) {
        if (states[k] < 0 || states[k] >= n)
            return err_set(e, E_INTERNAL, reg->name, "%s has no state %d", reg->name, states[k]);
        const state_def *def =
            reg == &reg_risk ? &risk_defs[states[k]] : &acceptance_defs[states[k]];
        int rc = state_filter(d, reg, q, def, arena_strdup(a, today), &f[have++], e);
        if (rc)
            return rc;
    }
    q->filters = f;
    q->nfilters = have;
    return 0;
}

int dom_list_in_states(dom *d, const regdef *reg, const store_query *q, const int *states,
                       int nstates, store_record_fn fn, void *ctx, isms_err *e)
{
    store_query all = q ? *q : (store_query){ 0 };
    int rc = dom_query_states(d, reg, &all, states, nstates, e);
    return rc ? rc : dom_list(d, reg, &all, fn, ctx, e);
}
