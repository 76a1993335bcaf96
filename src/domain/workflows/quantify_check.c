/* quantify_check.c: are the figures current? An analysis keeps the hash
 * of the register inputs it ran on; today's inputs, hashed alike (no
 * simulation), tell whether it is stale, and the records changed since it
 * ran tell since when. */
#include "domain/workflows/quantify_impl.h"
#include "domain/registers/registers.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A change to a record an analysis may depend on: when, and which risks
 * it touches (a risk itself, a control the risks it treats; an appetite
 * every risk). */
typedef struct qchange {
    const char *at;
    int64_t *risks; /* NULL: every risk */
    int nrisks;
} qchange;

struct quant_check {
    dom *d;
    const record *risk; /* the one risk whose analyses are checked */
    qmodel m;
    qchange *changes;
    size_t nchanges;
    int changes_read; /* note_changes_of done: only once an analysis is stale */
};

static const char *later(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

/* A change at `at`, to every risk until the caller names some. */
static qchange *change_at(quant_check *c, const char *at)
{
    c->changes = xrealloc(c->changes, (c->nchanges + 1) * sizeof *c->changes);
    qchange *ch = &c->changes[c->nchanges++];
    memset(ch, 0, sizeof *ch);
    ch->at = arena_strdup(dom_arena(c->d), at);
    return ch;
}

static int note_change(const record *r, void *ctx)
{
    quant_check *c = ctx;
    qchange *ch = change_at(c, later(r->updated_at, r->retired_at));
    if (r->reg == &reg_risk) {
        ch->risks = xmalloc(sizeof *ch->risks);
        ch->risks[0] = r->id;
        ch->nrisks = 1;
    } else if (r->reg == &reg_control) {
        ch->risks = qmodel_copy_ids(record_cval(r, F_CONTROL_TREATS));
        ch->nrisks = record_cval(r, F_CONTROL_TREATS)->n;
    }
    return 0;
}

/* The changes what `risk`'s analyses depend on: the risk, the controls
 * that treat or treated it (retired ones too: a retirement is a change)
 * and the latest to the appetites its threshold is chosen from (the
 * organisation's and its objectives', any version: "since when" is the
 * latest change, and an appetite's touches every risk it bears on), read
 * by key and index. */
static int note_changes_of(dom *d, quant_check *c, const record *risk, isms_err *e)
{
    store_filter treats = { .field = field_def(&reg_control, F_CONTROL_TREATS), .ival = risk->id };
    store_query controls = { .include_retired = 1, .filters = &treats, .nfilters = 1 };
    note_change(risk, c);
    int rc = store_scan(dom_store(d), &reg_control, &controls, note_change, c, e);
    char at[64];
    if (!rc)
        rc = dom_risk_appetites_changed(d, risk, at, sizeof at, e);
    if (!rc && *at)
        change_at(c, at);
    return rc;
}

/* A checker of `risk`'s analyses, at the cost of that risk: its model
 * (and, once an analysis is stale, the changes it depends on), read by key
 * and index. */
int quant_check_open(dom *d, const record *risk, quant_check **out, isms_err *e)
{
    quant_check *c = xcalloc(1, sizeof *c);
    c->d = d;
    c->risk = risk;
    int rc = qmodel_load(d, risk, &c->m, e);
    if (rc) {
        quant_check_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void quant_check_free(quant_check *c)
{
    if (c) {
        for (size_t k = 0; k < c->nchanges; k++)
            free(c->changes[k].risks);
        free(c->changes);
        if (c->m.d)
            qmodel_reset(&c->m);
    }
    free(c);
}

static int touches(const qchange *ch, int64_t risk)
{
    if (!ch->risks)
        return 1;
    for (int k = 0; k < ch->nrisks; k++)
        if (ch->risks[k] == risk)
            return 1;
    return 0;
}

/* The latest change at or after `after` to what the analyses of `risk`
 * depend on. */
static const char *changed_since(const quant_check *c, int64_t risk, const char *after)
{
    const char *at = NULL;
    for (size_t k = 0; k < c->nchanges; k++)
        if (strcmp(c->changes[k].at, after) >= 0 && touches(&c->changes[k], risk))
            at = later(at, c->changes[k].at);
    return at;
}

int quant_check_analysis(quant_check *c, const record *a, quant_freshness *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    const char *stored = record_text(a, F_ANALYSIS_INPUTS_HASH), *now = NULL;
    if (!stored) {
        out->unknown = 1;
        return 0;
    }
    size_t i = qmodel_risk_index(&c->m, record_text(a, F_ANALYSIS_SUBJECT));
    if (i != (size_t)-1) {
        quant_threshold t =
            qmodel_threshold_for(&c->m, c->m.risk_objectives[i], c->m.nrisk_objectives[i]);
        inputs_spec spec = { .risks = &i, .nrisks = 1, .threshold = &t };
        now = quant_inputs_hash(c->d, &c->m, &spec);
    } else {
        out->orphan = 1; /* its FAIR inputs removed: nothing to re-run */
    }
    out->stale = !now || strcmp(now, stored);
    if (!out->stale)
        return 0;
    /* since when: the changes are read once one of its analyses is stale
     * (a current one, most of those shown, needs none) */
    if (!c->changes_read) {
        int rc = note_changes_of(c->d, c, c->risk, e);
        if (rc)
            return rc;
        c->changes_read = 1;
    }
    out->since = changed_since(c, c->risk->id, a->created_at);
    return 0;
}

/* The latest analysis of each subject: their keys first (analyses come
 * in id order, so the last one seen is the latest), then only those read
 * whole, not every analysis's inputs and results. */
typedef struct latest_scan {
    arena *a;
    const char **subjects, **keys;
    size_t n;
    strmap seen; /* subject -> its index + 1 (a scan, not a search per analysis) */
} latest_scan;

static int note_latest(const record *r, void *ctx)
{
    latest_scan *s = ctx;
    const char *subject = record_text(r, F_ANALYSIS_SUBJECT);
    void **slot = strmap_slot_for(&s->seen, subject);
    size_t k = (size_t)(uintptr_t)*slot;
    if (!k) {
        s->subjects = xrealloc(s->subjects, (s->n + 1) * sizeof *s->subjects);
        s->keys = xrealloc(s->keys, (s->n + 1) * sizeof *s->keys);
        s->subjects[s->n++] = arena_strdup(s->a, subject);
        *slot = (void *)(uintptr_t)(k = s->n);
    }
    s->keys[k - 1] = arena_strdup(s->a, r->key);
    return 0;
}

void quant_latest_fill(quant_latest *q, const record *r)
{
    memset(q, 0, sizeof *q);
    q->key = r->key;
    q->subject = record_text(r, F_ANALYSIS_SUBJECT);
    q->kind = record_text(r, F_ANALYSIS_KIND);
    q->iterations = (size_t)record_int(r, F_ANALYSIS_ITERATIONS);
    q->seed = strtoull(record_text(r, F_ANALYSIS_SEED), NULL, 10);
    q->inputs = record_text(r, F_ANALYSIS_INPUTS);
    q->rec = r;
}

static int read_latest(dom *d, const char *key, quant_latest *q, isms_err *e)
{
    record *r = arena_alloc(dom_arena(d), sizeof *r);
    int rc = dom_get(d, &reg_analysis, key, r, e);
    if (!rc)
        quant_latest_fill(q, r);
    return rc;
}

int quant_last_input_change(dom *d, const char **out, isms_err *e)
{
    const regdef *regs[] = { &reg_risk, &reg_control, &reg_appetite, &reg_objective, &reg_org };
    *out = NULL;
    for (size_t k = 0; k < sizeof regs / sizeof *regs; k++) {
        char *at;
        int rc = store_last_change(dom_store(d), regs[k], &at, dom_arena(d), e);
        if (rc)
            return rc;
        *out = later(*out, at);
    }
    return 0;
}

int dom_latest_analyses(dom *d, quant_latest **out, size_t *n, isms_err *e)
{
    latest_scan s = { .a = dom_arena(d) };
    strmap_init(&s.seen);
    *out = NULL;
    *n = 0;
    int rc = dom_list(d, &reg_analysis, NULL, note_latest, &s, e);
    quant_latest *rows = arena_alloc(dom_arena(d), sizeof *rows * (s.n + 1));
    const char *last = NULL;
    if (!rc && s.n)
        rc = quant_last_input_change(d, &last, e);
    for (size_t k = 0; k < s.n && !rc; k++) {
        rc = read_latest(d, s.keys[k], &rows[k], e);
        if (!rc)
            rc = quant_check_of(d, last, rows[k].rec, &rows[k].fresh, e);
    }
    if (!rc) {
        *out = rows;
        *n = s.n;
    }
    free(s.subjects);
    free(s.keys);
    strmap_reset(&s.seen);
    return rc;
}

/* The last analysis whose subject is the risk (analyses come in id order). */
typedef struct last_of {
    arena *a;
    const char *key;
} last_of;

static int note_last(const record *r, void *ctx)
{
    last_of *l = ctx;
    if (!strcmp(record_text(r, F_ANALYSIS_KIND), "risk"))
        l->key = arena_strdup(l->a, r->key);
    return 0;
}

/* The key of the latest analysis of the risk `risk_key` (NULL: none). */
static int latest_key(dom *d, const char *risk_key, const char **key, isms_err *e)
{
    last_of last = { .a = dom_arena(d) };
    store_filter subject = { .field = field_def(&reg_analysis, F_ANALYSIS_SUBJECT),
                             .sval = risk_key };
    store_query q = { .filters = &subject, .nfilters = 1, .ids_only = 1 };
    int rc = dom_list(d, &reg_analysis, &q, note_last, &last, e);
    *key = rc ? NULL : last.key;
    return rc;
}

int dom_risk_analysis(dom *d, const char *risk_key, record *out, int *found, isms_err *e)
{
    const char *key;
    int rc = latest_key(d, risk_key, &key, e);
    *found = !rc && key;
    if (!*found)
        return rc;
    return dom_get(d, &reg_analysis, key, out, e);
}

int dom_latest_analysis_of(dom *d, const record *risk, quant_latest *out, int *found, isms_err *e)
{
    *found = 0;
    const char *key;
    int rc = latest_key(d, risk->key, &key, e);
    if (rc || !key)
        return rc;
    quant_check *c = NULL;
    rc = read_latest(d, key, out, e);
    if (!rc)
        rc = quant_check_open(d, risk, &c, e);
    if (!rc)
        rc = quant_check_analysis(c, out->rec, &out->fresh, e);
    quant_check_free(c);
    *found = !rc;
    return rc;
}

typedef struct latest_set {
    quant_latest *rows;
    size_t n;
} latest_set;

static int compute_latest(dom *d, void *ctx, void **out, isms_err *e)
{
    (void)ctx;
    latest_set *s = arena_alloc(dom_arena(d), sizeof *s);
    *out = s;
    return dom_latest_analyses(d, &s->rows, &s->n, e);
}

int dom_latest_analyses_kept(dom *d, const quant_latest **out, size_t *n, isms_err *e)
{
    void *v;
    *out = NULL;
    *n = 0;
    int rc = dom_cached(d, "latest-analyses", compute_latest, NULL, &v, e);
    if (!rc) {
        const latest_set *s = v;
        *out = s->rows;
        *n = s->n;
    }
    return rc;
}
