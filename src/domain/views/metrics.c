/* metrics.c: each measure read from the dashboard, and the measurements
 * kept (metrics.h). */
#include "domain/views/metrics.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

/* ---- reading a measure ---- */

/* A share, rounded down: "6 of 13 controls in place" (none: no value). */
static void share(arena *a, int64_t part, int64_t whole, const char *of, metric_reading *out)
{
    out->known = whole > 0;
    out->value = out->known ? part * 100 / whole : 0;
    out->basis = out->known
                     ? arena_printf(a, "%lld of %lld %s", (long long)part, (long long)whole, of)
                     : arena_printf(a, "no %s", of);
}

/* A count, with the first keys the dashboard names ("RISK-5, RISK-9 and
 * 3 more"). */
static void count(arena *a, int64_t n, const char *what, const dash_keys *k, metric_reading *out)
{
    out->known = 1;
    out->value = n;
    if (!k || !k->n) {
        out->basis = arena_printf(a, "%lld %s", (long long)n, what);
        return;
    }
    const char *keys = k->keys[0];
    for (size_t i = 1; i < k->n; i++)
        keys = arena_printf(a, "%s, %s", keys, k->keys[i]);
    out->basis = n > (int64_t)k->n ? arena_printf(a, "%lld %s: %s and %lld more", (long long)n,
                                                  what, keys, (long long)(n - (int64_t)k->n))
                                   : arena_printf(a, "%lld %s: %s", (long long)n, what, keys);
}

/* Minor units in one unit of the organisation's currency (100 for EUR). */
static int64_t minor_per_unit(dom *d)
{
    int64_t unit = 1;
    for (int k = dom_currency_exponent(d); k > 0; k--)
        unit *= 10;
    return unit;
}

/* a / b rounded up (b > 0, a >= 0). */
static int64_t up(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* Measures read from the dashboard as counts, with what they count. */
static int read_count(dom *d, const dom_dash *s, int measure, metric_reading *out)
{
    arena *a = dom_arena(d);
    const dash_keys *late = &s->reports_late;
    switch (measure) {
    case M_OUTSIDE_APPETITE:
        count(a, s->outside_appetite, "outside appetite", &s->outside, out);
        return 1;
    case M_HIGH_RISKS:
        out->known = 1;
        out->value = s->bands[2] + s->bands[3];
        out->basis = arena_printf(a, "%d high, %d critical of %lld active risks", s->bands[2],
                                  s->bands[3], (long long)s->risks);
        return 1;
    case M_UNTREATED: count(a, s->untreated, "untreated", &s->untreated_keys, out); return 1;
    case M_REVIEWS_OVERDUE: count(a, s->overdue, "risk reviews overdue", NULL, out); return 1;
    case M_ACCEPTANCES_LAPSED: count(a, s->acceptances_lapsed, "lapsed", NULL, out); return 1;
    case M_ANALYSES_STALE: count(a, s->stale_total, "stale", NULL, out); return 1;
    case M_CONTROLS_FAILING:
        out->known = 1;
        out->value = s->ineffective + s->partial;
        out->basis = arena_printf(a, "%lld ineffective, %lld partially effective of %lld in place",
                                  (long long)s->ineffective, (long long)s->partial,
                                  (long long)(s->controls[1] + s->controls[2]));
        return 1;
    case M_DECISIONS_OVERDUE: count(a, s->decisions_overdue, "overdue", NULL, out); return 1;
    case M_CONTROLS_OVERDUE: count(a, s->controls_overdue, "overdue", NULL, out); return 1;
    case M_RESPONSIBILITY_GAPS:
        if (s->responsibility_gaps >= 0)
            count(a, s->responsibility_gaps, "gaps (isms person matrix)", NULL, out);
        return 1;
    case M_REPORTS_LATE:
        if (late->total < 0) /* more than the dashboard reads */
            count(a, DASH_REPORTS_READ, "late at least (more were not read)", late, out);
        else
            count(a, late->total, "late", late, out);
        return 1;
    case M_INCIDENTS_YEAR: count(a, s->incidents_year, "detected", NULL, out); return 1;
    case M_REVIEWS_HELD:
        count(a, s->reviews_last_year, "held", NULL, out);
        if (*s->last_review)
            out->basis = arena_printf(a, "%s, the latest on %s", out->basis, s->last_review);
        return 1;
    }
    return 0;
}

void dom_metric_read(dom *d, const dom_dash *s, int measure, metric_reading *out)
{
    arena *a = dom_arena(d);
    const dash_share *h = s->health;
    memset(out, 0, sizeof *out);
    if (read_count(d, s, measure, out))
        return;
    /* the health figures' shares, with what each counts */
    static const struct {
        int measure, health;
        const char *of;
    } shares[] = {
        { M_RISKS_ON_OBJECTIVES, DASH_RISKS_ON_OBJECTIVES, "active risks" },
        { M_OWNERS_WITH_BUDGET, DASH_OWNERS_WITH_BUDGET, "risk owners" },
        { M_CONTROLS_ON_RISKS, DASH_CONTROLS_ON_RISKS, "active controls" },
        { M_CONTROLS_ASSESSED, DASH_CONTROLS_ASSESSED, "controls in place" },
        { M_DECISIONS_ON_RISK, DASH_DECISIONS_ON_RISK, "decisions taken" },
        { M_INCIDENTS_FORESEEN, DASH_INCIDENTS_ON_RISKS, "incidents of the last 365 days" },
    };
    for (size_t k = 0; k < sizeof shares / sizeof *shares; k++)
        if (shares[k].measure == measure) {
            share(a, h[shares[k].health].part, h[shares[k].health].whole, shares[k].of, out);
            return;
        }
    switch (measure) {
    case M_RISKS_QUANTIFIED: share(a, s->quantified, s->risks, "active risks", out); break;
    case M_INCIDENT_LOSS:
        out->known = 1;
        out->value = up(s->incident_loss_year, minor_per_unit(d));
        out->basis = arena_printf(a, "%s, %lld incidents of the last 365 days",
                                  dom_money_text(d, s->incident_loss_year, " "),
                                  (long long)s->incidents_year);
        break;
    case M_HOURS_TO_RESOLVE:
        out->known = s->incidents_year_resolved > 0;
        out->value = out->known ? up(s->incident_minutes_year, 60 * s->incidents_year_resolved) : 0;
        out->basis = out->known ? arena_printf(a, "%lld incidents resolved, %lld minutes in all",
                                               (long long)s->incidents_year_resolved,
                                               (long long)s->incident_minutes_year)
                                : "no incident of the last 365 days resolved";
        break;
    }
}

/* ---- what the measurements say ---- */

const char *dom_metric_value_text(dom *d, const metric_measure *m, int64_t v)
{
    arena *a = dom_arena(d);
    switch (m->unit) {
    case MU_PERCENT: return arena_printf(a, "%lld%%", (long long)v);
    case MU_HOURS: return arena_printf(a, "%lld h", (long long)v);
    case MU_MONEY: return dom_money_text(d, v * minor_per_unit(d), " ");
    case MU_COUNT: break;
    }
    return arena_printf(a, "%lld", (long long)v);
}

typedef struct trend_read {
    dom *d;
    metric_trend *out;
} trend_read;

static int trend_point(const char *key, int64_t id, void *ctx)
{
    trend_read *t = ctx;
    record r;
    isms_err quiet = { 0 };
    if (store_get_id(dom_store(t->d), &reg_measurement, id, &r, dom_arena(t->d), &quiet))
        return 0; /* (read in the same snapshot: not expected) */
    const value *v = record_cval(&r, F_MEASUREMENT_VALUE);
    t->out->points[t->out->n++] =
        (metric_point){ arena_strdup(dom_arena(t->d), key),
                        record_text(&r, F_MEASUREMENT_MEASURED_AT),
                        record_text(&r, F_MEASUREMENT_STATUS), !v->null, v->i };
    return 0;
}

int dom_metric_trend(dom *d, const record *metric, metric_trend *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    if (!store_keeps_metrics(dom_store(d)))
        return 0;
    trend_read t = { d, out };
    store_filter of = { .field = field_def(&reg_measurement, F_MEASUREMENT_METRIC),
                        .ival = metric->id };
    return store_newest_where(dom_store(d), &reg_measurement, &of, 1, METRIC_TREND, trend_point, &t,
                              e);
}

const char *dom_metric_change(dom *d, const metric_measure *m, const metric_trend *t)
{
    if (t->n < 2 || !t->points[0].known || !t->points[1].known)
        return NULL;
    arena *a = dom_arena(d);
    int64_t now = t->points[0].value, was = t->points[1].value, by = now - was;
    const char *was_at = t->points[1].measured_at;
    const char *since = arena_printf(a, "%.10s %.5s UTC", was_at, was_at + 11);
    if (!by)
        return arena_printf(a, "unchanged since %s", since);
    const char *amount = m->unit == MU_PERCENT
                             ? arena_printf(a, "%lld point%s", (long long)(by < 0 ? -by : by),
                                            by == 1 || by == -1 ? "" : "s")
                             : dom_metric_value_text(d, m, by < 0 ? -by : by);
    int better = m->higher_better ? by > 0 : by < 0;
    return arena_printf(a, "%s %s since %s: %s", by > 0 ? "up" : "down", amount, since,
                        better ? "better" : "worse");
}

/* ---- measuring ---- */

typedef struct measuring {
    dom *d;
    int all;
    char today[11];
    const char **keys; /* the metrics to measure */
    size_t n, cap, items_cap;
    dom_measured *out;
} measuring;

static int take_due(const record *r, void *ctx)
{
    measuring *m = ctx;
    const char *due = record_text(r, F_METRIC_MEASURE_DUE);
    isms_err quiet = { 0 };
    if (!m->all && due && strcmp(due, m->today) > 0)
        m->out->not_due++;
    else if (principal_may_write(dom_who(m->d), &reg_metric, r, r, &quiet))
        m->out->not_yours++;
    else {
        arena *a = dom_arena(m->d);
        ARENA_GROW(a, m->keys, m->n, m->cap, 8);
        m->keys[m->n++] = arena_strdup(a, r->key);
    }
    return 0;
}

/* The metrics given, each active and the one acting's to measure. */
static int take_given(measuring *m, const char *const *keys, int nkeys, isms_err *e)
{
    arena *a = dom_arena(m->d);
    m->keys = arena_alloc(a, sizeof *m->keys * (size_t)nkeys);
    for (int k = 0; k < nkeys; k++) {
        record r;
        int rc = dom_get(m->d, &reg_metric, dom_key(m->d, keys[k]), &r, e);
        if (!rc && r.retired_at)
            rc = err_set(e, E_CONFLICT, "metric", "metric: %s is retired", r.key);
        if (!rc)
            rc = principal_may_write(dom_who(m->d), &reg_metric, &r, &r, e);
        if (rc)
            return rc;
        m->keys[m->n++] = arena_strdup(a, r.key);
    }
    return 0;
}

typedef struct latest {
    const metric_reading *got;
    const char *status, *at, *today;
} latest;

static int set_latest(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)e;
    const latest *l = arg;
    arena *a = dom_arena(d);
    value *v = record_val(r, F_METRIC_LAST_VALUE);
    v->null = !l->got->known;
    v->i = l->got->value;
    v->given = 1;
    record_set_text(r, F_METRIC_LAST_STATUS, l->status, a);
    record_set_text(r, F_METRIC_LAST_MEASURED_AT, l->at, a);
    char due[11];
    metric_next_due(due, l->today, record_text(r, F_METRIC_FREQUENCY));
    record_set_text(r, F_METRIC_MEASURE_DUE, due, a);
    return 0;
}

static const char *int_text(dom *d, int64_t n)
{
    return arena_printf(dom_arena(d), "%lld", (long long)n);
}

/* One metric measured: its measurement, then its latest. */
static int measure_one(measuring *m, const dom_dash *s, const char *key, isms_err *e)
{
    dom *d = m->d;
    record metric, in, out;
    int rc = dom_get(d, &reg_metric, key, &metric, e);
    if (rc)
        return rc;
    const metric_measure *mm = metric_measure_find(record_text(&metric, F_METRIC_MEASURE));
    metric_reading got;
    dom_metric_read(d, s, (int)(mm - metric_measures), &got);
    const value *th = record_cval(&metric, F_METRIC_THRESHOLD);
    int64_t target = record_int(&metric, F_METRIC_TARGET);
    const char *status =
        got.known ? metric_status(mm, got.value, target, !th->null, th->i) : "no-data";
    record_init(&in, &reg_measurement, dom_arena(d));
    const char *texts[][2] = {
        { "metric", key },
        { "measured_at", m->out->at },
        { "value", got.known ? int_text(d, got.value) : NULL },
        { "status", status },
        { "target", int_text(d, target) },
        { "threshold", th->null ? NULL : int_text(d, th->i) },
        { "basis", got.basis },
    };
    for (size_t k = 0; !rc && k < sizeof texts / sizeof *texts; k++)
        if (texts[k][1])
            rc = dom_set_value(d, &in, regdef_field(&reg_measurement, texts[k][0]), texts[k][1], e);
    if (!rc)
        rc = dom_add_in_txn(d, &in, &out, e);
    if (rc)
        return rc;
    arena *a = dom_arena(d);
    ARENA_GROW(a, m->out->items, m->out->n, m->items_cap, 8);
    m->out->items[m->out->n++] =
        (dom_measured_item){ arena_strdup(a, key), arena_strdup(a, out.key), status, got.known,
                             got.value };
    latest l = { &got, status, m->out->at, m->today };
    return dom_change_in_txn(d, &reg_metric, key, 0, set_latest, &l, "measure", &metric, e);
}

static int measure_in_txn(measuring *m, const char *const *keys, int nkeys, isms_err *e)
{
    /* with none given, those due of the one acting's; readers own none */
    int rc = nkeys ? take_given(m, keys, nkeys, e)
                   : principal_may_write(dom_who(m->d), &reg_metric, NULL, NULL, e);
    if (!rc && !nkeys)
        rc = dom_list(m->d, &reg_metric, &(store_query){ 0 }, take_due, m, e);
    if (rc || !m->n)
        return rc;
    dom_dash s;
    rc = dom_dashboard(m->d, &s, e);
    for (size_t k = 0; !rc && k < m->n; k++)
        rc = measure_one(m, &s, m->keys[k], e);
    return rc;
}

int dom_metrics_measure(dom *d, const char *const *keys, int nkeys, int all, dom_measured *out,
                        isms_err *e)
{
    memset(out, 0, sizeof *out);
    if (!store_keeps_metrics(dom_store(d)))
        return err_set(e, E_CONFLICT, "metric", "this repository's schema keeps no metrics");
    measuring m = { .d = d, .all = all, .out = out };
    now_date(m.today);
    now_timestamp(out->at);
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    return dom_txn_end(d, measure_in_txn(&m, keys, nkeys, e), e);
}
