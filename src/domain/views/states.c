/* states.c: derived states as list filters (see states.h). */
#include "domain/views/states.h"
#include "domain/registers/registers.h"
#include "core/strmap.h"
#include "core/text.h"

#include <string.h>

/* What the tests of a scan share: what other registers say about risks,
 * gathered once, by risk key. */
typedef struct state_scan {
    dom *d;
    const regdef *reg;
    const int *states;
    int nstates;
    char today[11];
    strmap treated;     /* risks with a control in place */
    strmap accepted;    /* risks with a valid acceptance */
    strmap outside;     /* risk -> "1"/"0": its latest analysis */
    int64_t skip, left; /* offset and limit still to apply (left < 0: no limit) */
    int driver;         /* the index in states of the state whose ids are read, or -1 */
    store_record_fn fn;
    void *ctx;
} state_scan;

typedef int (*state_test)(const state_scan *s, const record *r);

static int date_passed(const state_scan *s, const char *date)
{
    return date && strcmp(date, s->today) < 0;
}

static int risk_untreated(const state_scan *s, const record *r)
{
    const char *t = record_text(r, F_RISK_TREATMENT);
    return strcmp(t, "accept") && strcmp(t, "avoid") && !strmap_get(&s->treated, r->key);
}

static int risk_unaccepted(const state_scan *s, const record *r)
{
    return !strcmp(record_text(r, F_RISK_TREATMENT), "accept") && !strmap_get(&s->accepted, r->key);
}

static int risk_no_objective(const state_scan *s, const record *r)
{
    (void)s;
    return !record_cval(r, F_RISK_OBJECTIVES)->n;
}

static int risk_outside(const state_scan *s, const record *r)
{
    const char *v = strmap_get(&s->outside, r->key);
    return v && *v == '1';
}

/* What a state's test needs read from other registers first. */
enum { NEEDS_CONTROLS = 1, NEEDS_ACCEPTANCES = 2, NEEDS_ANALYSES = 4 };

/* The ids of the records in a state, by id from the offset-th, at most
 * limit (key, id) to fn, from an index the store keeps; E_RETRY where this
 * repository keeps none (its schema is older). */
typedef int (*state_listed)(dom *d, int64_t offset, int64_t limit, store_tally_fn fn, void *ctx,
                            isms_err *e);

/* A state: a test of each record, or a date that has passed (before
 * today), which the store selects from the date's index: a page of overdue
 * risks costs the page, not the register. A state the store lists (`listed`)
 * drives the scan: the records read are its own, not the register's. */
typedef struct state_def {
    state_test test;     /* NULL: `passed` says */
    int passed;          /* F_ id of the date */
    unsigned needs;      /* of its test */
    state_listed listed; /* or NULL */
} state_def;

static int untreated_listed(dom *d, int64_t offset, int64_t limit, store_tally_fn fn, void *ctx,
                            isms_err *e)
{
    return store_risks_untreated(dom_store(d), offset, limit, fn, ctx, e);
}

static int outside_listed(dom *d, int64_t offset, int64_t limit, store_tally_fn fn, void *ctx,
                          isms_err *e)
{
    int64_t total;
    if (!store_keeps_latest(dom_store(d)))
        return E_RETRY;
    return store_latest_flagged(dom_store(d), 0, offset, limit, fn, ctx, &total, e);
}

static const dom_state risk_states[] = {
    { "overdue", "risks whose review date has passed" },
    { "untreated", "risks with no control in place and no accept or avoid decision" },
    { "unaccepted", "risks marked accept without a valid acceptance" },
    { "no-objective", "risks tied to no business objective" },
    { "outside-appetite", "risks outside appetite by their latest analysis" },
};
static const state_def risk_defs[] = {
    { NULL, F_RISK_REVIEW_DATE, 0, NULL },
    { risk_untreated, 0, NEEDS_CONTROLS, untreated_listed },
    { risk_unaccepted, 0, NEEDS_ACCEPTANCES, NULL },
    { risk_no_objective, 0, 0, NULL },
    { risk_outside, 0, NEEDS_ANALYSES, outside_listed },
};
static const dom_state acceptance_states[] = {
    { "lapsed", "acceptances past their expiry date: the risk is back for review" },
};
static const state_def acceptance_defs[] = { { NULL, F_ACCEPTANCE_EXPIRES_ON, 0, NULL } };

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

static const state_def *def_of(const regdef *reg, int state)
{
    return reg == &reg_risk ? &risk_defs[state] : &acceptance_defs[state];
}

/* ---- what other registers say ---- */

static int note_control(const record *r, void *ctx)
{
    state_scan *s = ctx;
    if (!strcmp(record_text(r, F_CONTROL_STATUS), "planned")) /* a plan treats nothing yet */
        return 0;
    const value *t = record_cval(r, F_CONTROL_TREATS);
    for (int k = 0; k < t->n; k++)
        *strmap_slot_for(&s->treated, t->keys[k]) = "1";
    return 0;
}

static int note_acceptance(const record *r, void *ctx)
{
    state_scan *s = ctx;
    if (!date_passed(s, record_text(r, F_ACCEPTANCE_EXPIRES_ON)))
        *strmap_slot_for(&s->accepted, record_text(r, F_ACCEPTANCE_RISK)) = "1";
    return 0;
}

static int note_analysis(const record *r, void *ctx)
{
    state_scan *s = ctx;
    if (!strcmp(record_text(r, F_ANALYSIS_KIND), "risk")) /* in id order: the last is the latest */
        *strmap_slot_for(&s->outside, record_text(r, F_ANALYSIS_SUBJECT)) =
            record_int(r, F_ANALYSIS_OUTSIDE_APPETITE) ? "1" : "0";
    return 0;
}

/* What the states' tests need, read once. */
static int gather(state_scan *s, isms_err *e)
{
    unsigned needs = 0;
    for (int k = 0; k < s->nstates; k++)
        if (k != s->driver) /* (its records are those it lists) */
            needs |= def_of(s->reg, s->states[k])->needs;
    int rc = needs & NEEDS_CONTROLS ? dom_list(s->d, &reg_control, NULL, note_control, s, e) : 0;
    if (!rc && needs & NEEDS_ACCEPTANCES)
        rc = dom_list(s->d, &reg_acceptance, NULL, note_acceptance, s, e);
    if (!rc && needs & NEEDS_ANALYSES)
        rc = dom_list(s->d, &reg_analysis, NULL, note_analysis, s, e);
    return rc;
}

static int in_states(const record *r, void *ctx)
{
    state_scan *s = ctx;
    for (int k = 0; k < s->nstates; k++) {
        state_test test = def_of(s->reg, s->states[k])->test;
        if (k != s->driver && test && !test(s, r))
            return 0;
    }
    if (s->skip > 0) {
        s->skip--;
        return 0;
    }
    if (s->left == 0)
        return 0;
    if (s->left > 0)
        s->left--;
    return s->fn(r, s->ctx);
}

/* q's filters and, for each state that is a date passed, the date before
 * today; the number of states left to test a record by. */
static int with_dates_passed(dom *d, const regdef *reg, store_query *q, const int *states,
                             int nstates, const char *today)
{
    store_filter *f = arena_alloc(dom_arena(d), sizeof *f * (size_t)(q->nfilters + nstates));
    int n = q->nfilters, tested = 0;
    if (n)
        memcpy(f, q->filters, sizeof *f * (size_t)n);
    for (int k = 0; k < nstates; k++) {
        const state_def *def = def_of(reg, states[k]);
        if (def->test)
            tested++;
        else
            f[n++] = (store_filter){ .field = field_def(reg, def->passed),
                                     .sval = arena_strdup(dom_arena(d), today),
                                     .below = 1 };
    }
    q->filters = f;
    q->nfilters = n;
    return tested;
}

/* Records a query for a driven page's ids reads at a time; the largest
 * page driven (a page's ids are held: a larger --limit scans). */
enum { DRIVEN_CHUNK = 500, DRIVEN_MAX = 10000 };

typedef struct page_ids {
    int64_t *ids;
    int64_t n;
} page_ids;

static int take_page_id(const char *key, int64_t id, void *ctx)
{
    (void)key;
    page_ids *p = ctx;
    p->ids[p->n++] = id;
    return 0;
}

/* A page of one state the store lists, and nothing else to select by:
 * the page's ids from the state's index (its offset walked there), then
 * their records, DRIVEN_CHUNK at a time: the cost of the page, however
 * large the register. *listed 0: the store keeps no such index here. */
static int scan_driven(state_scan *s, const store_query *all, int *listed, isms_err *e)
{
    state_listed list = def_of(s->reg, s->states[s->driver])->listed;
    page_ids p = { arena_alloc(dom_arena(s->d), sizeof *p.ids * (size_t)s->left), 0 };
    int rc = list(s->d, s->skip, s->left, take_page_id, &p, e);
    *listed = rc != E_RETRY;
    if (rc)
        return *listed ? rc : 0;
    s->skip = 0;
    s->left = -1;
    for (int64_t at = 0; at < p.n && !rc; at += DRIVEN_CHUNK) {
        store_query q = *all;
        q.ids = p.ids + at;
        q.nids = (int)(p.n - at < DRIVEN_CHUNK ? p.n - at : DRIVEN_CHUNK);
        rc = dom_list(s->d, s->reg, &q, in_states, s, e);
    }
    return rc;
}

static int scan_states(dom *d, const regdef *reg, const store_query *q, const int *states,
                       int nstates, store_record_fn fn, void *ctx, isms_err *e)
{
    int n;
    dom_states(reg, &n);
    for (int k = 0; k < nstates; k++)
        if (states[k] < 0 || states[k] >= n)
            return err_set(e, E_INTERNAL, reg->name, "%s has no state %d", reg->name, states[k]);
    state_scan s = { .d = d,
                     .reg = reg,
                     .states = states,
                     .nstates = nstates,
                     .fn = fn,
                     .ctx = ctx,
                     .skip = q ? q->offset : 0,
                     .left = q && q->limit ? q->limit : -1 };
    now_date(s.today);
    strmap_init(&s.treated);
    strmap_init(&s.accepted);
    strmap_init(&s.outside);
    store_query all = q ? *q : (store_query){ 0 };
    int tested = with_dates_passed(d, reg, &all, states, nstates, s.today);
    if (tested) { /* counted here, among the records in the states */
        all.limit = all.offset = 0;
    } else { /* the store selects them all: its limit and offset */
        s.skip = 0;
        s.left = -1;
    }
    /* one state the store lists (its active records), a page, nothing else
     * selecting: driven */
    int alone = tested == 1 && s.left > 0 && s.left <= DRIVEN_MAX && !all.nfilters && !all.text &&
                !all.ids && !all.include_retired && !all.only_retired;
    s.driver = -1;
    for (int k = 0; k < nstates && alone; k++)
        if (def_of(reg, states[k])->listed)
            s.driver = k;
    int listed = 0, rc = gather(&s, e);
    if (!rc && s.driver >= 0)
        rc = scan_driven(&s, &all, &listed, e);
    if (!rc && !listed && s.driver >= 0) { /* no index here: gathered without its needs */
        s.driver = -1;
        rc = gather(&s, e);
    }
    if (!rc && !listed)
        rc = dom_list(d, reg, &all, in_states, &s, e);
    strmap_reset(&s.treated);
    strmap_reset(&s.accepted);
    strmap_reset(&s.outside);
    return rc;
}

int dom_list_in_states(dom *d, const regdef *reg, const store_query *q, const int *states,
                       int nstates, store_record_fn fn, void *ctx, isms_err *e)
{
    if (!nstates)
        return dom_list(d, reg, q, fn, ctx, e);
    return scan_states(d, reg, q, states, nstates, fn, ctx, e);
}
