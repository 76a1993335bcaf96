/* stats.h: what a board report says about a sample of annual losses.
 *
 * Percentiles follow numpy's default ("linear": the order statistics around
 * h = q·(n-1), interpolated), so figures compare with the numpy baseline and
 * with pyfair/riskquant. They are exact order statistics, found by
 * selection, never by sorting.
 *
 * Value at risk at level a is the a-quantile; expected shortfall at level a
 * is the mean of the k = n - floor(a·n) largest losses (the worst (1-a)
 * share of years).
 *
 * A summary is made by a stream (below) in one pass over the sample, on
 * several threads over fixed blocks whose partial sums are added in block
 * order: same sample, same answer, bit for bit, whatever the thread count
 * and whether the sample was summarised while it was made or afterwards. */
#ifndef ISMS_RISK_STATS_H
#define ISMS_RISK_STATS_H

#include "core/err.h"

#include <signal.h>
#include <stddef.h>

typedef struct stats_opts {
    double var_level; /* VaR and ES level; 0 means 0.95 */
    double appetite;  /* thresholds for P(loss > threshold) */
    double tolerance;
    unsigned threads; /* 0: one per online CPU; results do not depend on it */
} stats_opts;

typedef struct stats_summary {
    size_t n;
    double mean, sd, min, max; /* sd with divisor n - 1 */
    double p50, p90, p95, p99;
    double var_level;
    double var, es;           /* value at risk, expected shortfall */
    double p_above_appetite;  /* P(loss > appetite) */
    double p_above_tolerance; /* P(loss > tolerance) */
} stats_summary;

/* E_INVALID for n = 0, a NaN in the sample, or var_level outside (0, 1). */
int stats_summarize(const double *x, size_t n, const stats_opts *o, stats_summary *out,
                    isms_err *e);

/* ---- a summary made while the sample is produced ----
 *
 * A producer that makes its sample in blocks of STATS_BLOCK values (the FAIR
 * engine) can have each block summarised while it is still in cache, not
 * read again once the sample is done. The first stats_stream_pilot() blocks
 * are a pilot: from them the stream plans narrow value ranges (brackets)
 * that should hold the wanted order statistics, four standard errors
 * either side.
 * Every block is then scanned once: moments, counts below each bracket, and
 * a copy of the few values inside. A rank that falls outside its bracket
 * after all (about once in a thousand summaries, or when the pilot is not
 * like the rest, as in a sorted sample) is found by an exact selection over
 * the whole sample instead: the result is always exact.
 *
 *   stats_stream_new(&s, n, &opts, e)
 *   make blocks 0 .. stats_stream_pilot(s) - 1 of x
 *   stats_stream_plan(s, x, workers)
 *   every block b, once, in any order, on worker w < workers:
 *       make it if not made yet, then stats_stream_block(s, x, b, w)
 *   stats_stream_finish(s, x, &summary, e), stats_stream_free(s)
 *
 * A sample shorter than STATS_STREAM_MIN has no brackets (its pilot is
 * block 0, whose first value the sums of squares are taken about): its
 * blocks only add up moments, and finish selects exactly. */
#define STATS_BLOCK 4096
#define STATS_STREAM_MIN (8 * STATS_BLOCK)

typedef struct stats_stream stats_stream;

/* E_INVALID for n = 0 or a var_level outside (0, 1). */
int stats_stream_new(stats_stream **out, size_t n, const stats_opts *o, isms_err *e);
size_t stats_stream_pilot(const stats_stream *s); /* blocks, at least 1 */
void stats_stream_plan(stats_stream *s, const double *x, unsigned workers);
void stats_stream_block(stats_stream *s, const double *x, size_t block, unsigned worker);
/* E_INVALID when the sample holds a NaN. */
int stats_stream_finish(stats_stream *s, const double *x, stats_summary *out, isms_err *e);
void stats_stream_free(stats_stream *s);

/* out[i] = the levels[i]-quantile (levels within [0, 1]). */
int stats_quantiles(const double *x, size_t n, const double *levels, size_t nlevels,
                    unsigned threads, double *out, isms_err *e);

/* se[i] = the standard error of the levels[i]-quantile as an estimate of
 * the population's, from the order statistics around it (binomial
 * interval, distribution-free). */
int stats_quantile_se(const double *x, size_t n, const double *levels, size_t nlevels,
                      unsigned threads, double *se, isms_err *e);

double stats_mean(const double *x, size_t n);
double stats_prob_within(const double *x, size_t n, double threshold); /* P(x <= t) */

/* A loss exceedance curve: npoints losses evenly spaced from lo to hi
 * (geometrically when log_scale), each with P(annual loss > it). lo = hi = 0
 * picks the range: [0, P99.9] (log scale: [P99.9/1000, P99.9]). */
typedef struct stats_lec_point {
    double loss, p_exceed;
} stats_lec_point;

/* *cancel (may be NULL) is looked at every STATS_CANCEL_EVERY samples:
 * E_INTERRUPTED. */
#define STATS_CANCEL_EVERY 65536
int stats_lec(const double *x, size_t n, size_t npoints, double lo, double hi, int log_scale,
              const volatile sig_atomic_t *cancel, stats_lec_point *out, isms_err *e);

#endif
