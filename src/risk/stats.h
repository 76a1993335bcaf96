/* stats.h: what a board report says about a sample of annual losses.
 *
 * Percentiles follow numpy's default ("linear": the order statistics around
 * h = q·(n-1), interpolated), so figures compare with the numpy baseline and
 * with pyfair/riskquant. They are found by selection, not sorting: one pass
 * histograms the top 16 bits of each value (an order-preserving integer
 * key), a second pass gathers the few buckets holding the wanted ranks, and
 * a quickselect inside those finishes; two linear passes for any number of
 * percentiles.
 *
 * Value at risk at level a is the a-quantile; expected shortfall at level a
 * is the mean of the k = n - floor(a·n) largest losses (the worst (1-a)
 * share of years).
 *
 * Both passes run on several threads over fixed chunks whose partial sums
 * are added in chunk order: same sample, same answer, bit for bit, whatever
 * the thread count. */
#ifndef ISMS_RISK_STATS_H
#define ISMS_RISK_STATS_H

#include "core/err.h"

#include <stddef.h>

typedef struct stats_opts {
    double var_level;        /* VaR and ES level; 0 means 0.95 */
    double appetite;         /* thresholds for P(loss > threshold) */
    double tolerance;
    unsigned threads;        /* 0: one per online CPU; results do not depend on it */
} stats_opts;

typedef struct stats_summary {
    size_t n;
    double mean, sd, min, max;       /* sd with divisor n - 1 */
    double p50, p90, p95, p99;
    double var_level;
    double var, es;                  /* value at risk, expected shortfall */
    double p_above_appetite;         /* P(loss > appetite) */
    double p_above_tolerance;        /* P(loss > tolerance) */
} stats_summary;

/* E_INVALID for n = 0, a NaN in the sample, or var_level outside (0, 1). */
int stats_summarize(const double *x, size_t n, const stats_opts *o, stats_summary *out,
                    isms_err *e);

/* out[i] = the levels[i]-quantile (levels within [0, 1]). */
int stats_quantiles(const double *x, size_t n, const double *levels, size_t nlevels,
                    unsigned threads, double *out, isms_err *e);

double stats_mean(const double *x, size_t n);
double stats_prob_above(const double *x, size_t n, double threshold);   /* P(x > t) */
double stats_prob_within(const double *x, size_t n, double threshold);  /* P(x <= t) */

/* A loss exceedance curve: npoints losses evenly spaced from lo to hi
 * (geometrically when log_scale), each with P(annual loss > it). lo = hi = 0
 * picks the range: [0, P99.9] (log scale: [P99.9/1000, P99.9]). */
typedef struct stats_lec_point {
    double loss, p_exceed;
} stats_lec_point;

int stats_lec(const double *x, size_t n, size_t npoints, double lo, double hi, int log_scale,
              stats_lec_point *out, isms_err *e);

#endif
