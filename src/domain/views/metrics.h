/* metrics.h: measuring the metrics (domain/registers/metrics.h): each
 * measure read from the dashboard's figures, and the measurements kept.
 *
 * A measure is the dashboard's own figure (dashboard.h), so a metric and
 * the dashboard never disagree, and measuring costs one dashboard (its
 * cost does not grow with the repository) and two writes a metric. A
 * percent is rounded down and an amount or a mean rounded up, so that the
 * whole number kept is on target exactly when the exact figure is (a
 * higher-is-better share of 94.6 % is 94, short of a target of 95). */
#ifndef ISMS_DOMAIN_VIEWS_METRICS_H
#define ISMS_DOMAIN_VIEWS_METRICS_H

#include "domain/engine/dom.h"
#include "domain/registers/metrics.h"
#include "domain/views/dashboard.h"

/* One measure's value as the dashboard has it. */
typedef struct metric_reading {
    int known;         /* 0: nothing to measure (a share of none) */
    int64_t value;     /* in the measure's unit */
    const char *basis; /* what it counted, in words (the dom's arena) */
} metric_reading;

/* Measure `measure` (an index of metric_measures) of dashboard `s`. */
void dom_metric_read(dom *d, const dom_dash *s, int measure, metric_reading *out);

/* A value of measure m as people read it: "46%", "3", "40 h", "EUR
 * 227,000.00" (the dom's arena). */
const char *dom_metric_value_text(dom *d, const metric_measure *m, int64_t v);

/* A metric's latest measurements, newest first. */
enum { METRIC_TREND = 12 };
typedef struct metric_point {
    const char *key, *measured_at, *status;
    int known;
    int64_t value;
} metric_point;
typedef struct metric_trend {
    metric_point points[METRIC_TREND];
    int n;
} metric_trend;
/* The latest METRIC_TREND measurements of `metric` (by the index on the
 * metric: the cost is the rows read). */
int dom_metric_trend(dom *d, const record *metric, metric_trend *out, isms_err *e);
/* The latest against the one before, in words: "up 6 points since
 * 2026-09-05: better", "unchanged since ...", NULL with fewer than two
 * measured. */
const char *dom_metric_change(dom *d, const metric_measure *m, const metric_trend *t);

typedef struct dom_measured_item {
    const char *metric, *measurement; /* keys */
    const char *status;               /* the measurement's */
    int known;
    int64_t value;
} dom_measured_item;

typedef struct dom_measured {
    dom_measured_item *items; /* in key order of the metrics */
    size_t n;
    int64_t not_due;   /* active metrics left out: not yet due */
    int64_t not_yours; /* left out: the one acting may not measure them */
    char at[21];       /* when */
} dom_measured;

/* Measures metrics `keys` (nkeys of them) or, with none, every active one
 * due by today (`all`: every active one) that the one acting may measure,
 * as the one acting: its owner or the ISMS lead (E_DENIED for a key given
 * that they may not). In one transaction: a measurement each, and the
 * metric's latest value, state and next due date. */
int dom_metrics_measure(dom *d, const char *const *keys, int nkeys, int all, dom_measured *out,
                        isms_err *e);

#endif
