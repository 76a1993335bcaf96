/* page_metric.c: a metric's page shows its measurements as a chart: the
 * latest twelve, oldest to newest, against its target and threshold, each
 * point coloured by its state (domain/views/metrics.h, formats/svg.h). */
#include "domain/registers/registers.h"
#include "domain/views/metrics.h"
#include "formats/svg.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <math.h>
#include <string.h>

static const char *state_color(const char *status)
{
    if (!status)
        return "#888";
    if (!strcmp(status, "on-target"))
        return "#1e7b34";
    if (!strcmp(status, "warning"))
        return "#b9770e";
    return strcmp(status, "off-target") ? "#888" : "#b03a2e";
}

/* A value as the chart labels it: an amount short ("EUR 227k"). */
static const char *chart_value(web_req *r, const metric_measure *m, int64_t v)
{
    if (m->unit != MU_MONEY)
        return dom_metric_value_text(r->d, m, v);
    char s[48];
    svg_amount(s, sizeof s, dom_currency(r->d), (double)v);
    return arena_strdup(dom_arena(r->d), s);
}

/* The chart's points, oldest first, from the trend (newest first). */
static svg_trend_point *points_of(web_req *r, const metric_measure *m, const metric_trend *t)
{
    arena *a = dom_arena(r->d);
    svg_trend_point *p = arena_alloc(a, sizeof *p * (size_t)(t->n ? t->n : 1));
    int same_day = 0; /* then the dates say the time too */
    for (int k = 1; k < t->n; k++)
        same_day |= !strncmp(t->points[k].measured_at, t->points[k - 1].measured_at, 10);
    for (int k = 0; k < t->n; k++) {
        const metric_point *q = &t->points[t->n - 1 - k];
        const char *label = same_day
                                ? arena_printf(a, "%.10s %.5s", q->measured_at, q->measured_at + 11)
                                : arena_printf(a, "%.10s", q->measured_at);
        p[k] = (svg_trend_point){ label, (double)q->value, q->known, state_color(q->status),
                                  q->known ? chart_value(r, m, q->value) : "-" };
    }
    return p;
}

int web_metric_trend(web_req *r, const record *metric, isms_err *e)
{
    const metric_measure *m = metric_measure_find(record_text(metric, F_METRIC_MEASURE));
    metric_trend t;
    int rc = m ? dom_metric_trend(r->d, metric, &t, e) : 0;
    if (rc || !m)
        return rc;
    arena *a = dom_arena(r->d);
    const value *th = record_cval(metric, F_METRIC_THRESHOLD);
    int64_t target = record_int(metric, F_METRIC_TARGET);
    svg_trend_chart c = {
        .title = record_text(metric, F_METRIC_TITLE),
        .subtitle = arena_printf(a, "%s (%s; %s is better)", m->what, m->kind,
                                 m->higher_better ? "higher" : "lower"),
        .footer = t.n > 1 ? arena_printf(a,
                                         "The latest %d measurements, oldest first; colour: "
                                         "each one's state against the target and threshold "
                                         "of its moment.",
                                         t.n)
                          : NULL,
        .points = points_of(r, m, &t),
        .n = (size_t)t.n,
        .target = (double)target,
        .has_threshold = !th->null,
        .threshold = (double)th->i,
        .target_text = arena_printf(a, "target %s", chart_value(r, m, target)),
        .threshold_text =
            th->null ? NULL : arena_printf(a, "threshold %s", chart_value(r, m, th->i)),
        .floor = m->unit == MU_PERCENT || !m->higher_better ? 0 : NAN,
        .ceiling = m->unit == MU_PERCENT ? 100 : NAN,
        .min_step = 1, /* every measure is a whole number */
    };
    buf svg;
    buf_init(&svg);
    svg_trend(&svg, &c);
    /* the drawing is text escaped by formats/svg_trend.c: markup of the program */
    html_f(&r->out,
           "<figure class=\"chart\">%r<figcaption>Its measurements against the target (green) "
           "and the threshold (amber): green on target, amber a warning, red off "
           "target.</figcaption></figure>",
           buf_str(&svg));
    buf_reset(&svg);
    return 0;
}
