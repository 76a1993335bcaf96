/* stats.c: the public summaries: a sample's summary (made by a stream,
 * stats_stream.c), quantiles at any levels (stats_select.c), exceedance
 * probabilities and the loss exceedance curve. */
#include "risk/stats_impl.h"

#include "core/xalloc.h"
#include "risk/par.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t add_rank(levels_plan *p, size_t rank)
{
    for (size_t i = 0; i < p->nranks; i++)
        if (p->ranks[i] == rank)
            return i;
    p->ranks[p->nranks] = rank;
    return p->nranks++;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static size_t floor_rank(double level, size_t n, double *frac)
{
    double h = level * (double)(n - 1);
    size_t lo = (size_t)h;
    lo = lo > n - 1 ? n - 1 : lo;
    *frac = h - (double)lo;
    return lo;
}

/* Ranks floor(h) and floor(h)+1 of `nlevels` (<= STATS_MAX_LEVELS)
 * levels, plus the minimum and the maximum. */
void stats_plan_levels(levels_plan *p, const double *levels, size_t nlevels, size_t n)
{
    p->nranks = 0;
    add_rank(p, 0);
    add_rank(p, n - 1);
    for (size_t i = 0; i < nlevels; i++) {
        size_t lo = floor_rank(levels[i], n, &p->frac[i]);
        add_rank(p, lo);
        if (lo + 1 < n)
            add_rank(p, lo + 1);
    }
    qsort(p->ranks, p->nranks, sizeof *p->ranks, cmp_size);
    for (size_t i = 0; i < nlevels; i++) {
        double frac;
        p->lo[i] = add_rank(p, floor_rank(levels[i], n, &frac)); /* finds it */
    }
}

double stats_interpolate(const levels_plan *p, const uint64_t *keys, size_t i)
{
    size_t r = p->lo[i];
    double a = stats_value(keys[r]);
    if (p->frac[i] == 0.0 || r + 1 >= p->nranks)
        return a;
    double b = stats_value(keys[r + 1]);
    return a + p->frac[i] * (b - a);
}

static int check_sample(const double *x, size_t n, isms_err *e)
{
    if (!x || n == 0)
        return err_set(e, E_INVALID, "sample", "sample: no values to summarise");
    return E_OK;
}

static int nan_error(isms_err *e)
{
    return err_set(e, E_INVALID, "sample", "sample: contains a NaN");
}

int stats_quantiles(const double *x, size_t n, const double *levels, size_t nlevels,
                    unsigned threads, double *out, isms_err *e)
{
    int rc = check_sample(x, n, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < nlevels; i++)
        if (!(levels[i] >= 0.0 && levels[i] <= 1.0))
            return err_set(e, E_INVALID, "levels", "levels: quantile level %g is outside [0, 1]",
                           levels[i]);
    for (size_t done = 0; done < nlevels; done += STATS_MAX_LEVELS) {
        size_t m = nlevels - done < STATS_MAX_LEVELS ? nlevels - done : STATS_MAX_LEVELS;
        levels_plan p;
        stats_plan_levels(&p, levels + done, m, n);
        uint64_t keys[STATS_MAX_RANKS];
        order_query q = { .ranks = p.ranks, .nranks = p.nranks, .keys = keys, .es_rank = n };
        if (stats_order_exact(x, n, threads, &q))
            return nan_error(e);
        for (size_t i = 0; i < m; i++)
            out[done + i] = stats_interpolate(&p, keys, i);
    }
    return E_OK;
}

typedef struct summary_job {
    stats_stream *stream;
    const double *x;
} summary_job;

static int summary_unit(void *ctx, size_t block, unsigned worker)
{
    const summary_job *job = ctx;
    stats_stream_block(job->stream, job->x, block, worker);
    return E_OK;
}

/* A stream over a sample that is already there. */
int stats_summarize(const double *x, size_t n, const stats_opts *o, stats_summary *out, isms_err *e)
{
    int rc = check_sample(x, n, e);
    if (rc)
        return rc;
    stats_stream *s;
    rc = stats_stream_new(&s, n, o, e);
    if (rc)
        return rc;
    size_t nblocks = (n + STATS_BLOCK - 1) / STATS_BLOCK;
    unsigned threads = o->threads ? o->threads : par_cpus();
    par *pool = par_new(threads < nblocks ? threads : (unsigned)nblocks);
    stats_stream_plan(s, x, par_workers(pool));
    summary_job job = { s, x };
    par_run(pool, nblocks, summary_unit, &job, NULL, NULL, NULL);
    par_free(pool);
    rc = stats_stream_finish(s, x, out, e);
    stats_stream_free(s);
    return rc;
}

static double count_above(const double *x, size_t n, double t)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += x[i] > t;
    return (double)c / (double)n;
}

double stats_mean(const double *x, size_t n)
{
    double s[4] = { 0, 0, 0, 0 };
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            s[k] += x[i + k];
    for (; i < n; i++)
        s[0] += x[i];
    return n ? ((s[0] + s[1]) + (s[2] + s[3])) / (double)n : NAN;
}

double stats_prob_within(const double *x, size_t n, double threshold)
{
    return n ? 1.0 - count_above(x, n, threshold) : NAN;
}

/* The binomial (order-statistic) interval: the rank of the p-quantile in
 * a sample of n has standard deviation sqrt(n p (1-p)), so the quantiles
 * one such standard deviation either side bracket it by about one
 * standard error; half their distance estimates it, whatever the shape of
 * the distribution. */
int stats_quantile_se(const double *x, size_t n, const double *levels, size_t nlevels,
                      unsigned threads, double *se, isms_err *e)
{
    if (!n || !nlevels)
        return err_set(e, E_INVALID, "sample", "sample: no values");
    double *at = xmalloc(sizeof *at * 4 * nlevels), *q = at + 2 * nlevels;
    for (size_t k = 0; k < nlevels; k++) {
        double p = levels[k], s = sqrt(p * (1.0 - p) / (double)n);
        at[2 * k] = fmax(0.0, p - s);
        at[2 * k + 1] = fmin(1.0, p + s);
    }
    int rc = stats_quantiles(x, n, at, 2 * nlevels, threads, q, e);
    for (size_t k = 0; !rc && k < nlevels; k++)
        se[k] = (q[2 * k + 1] - q[2 * k]) / 2.0;
    free(at);
    return rc;
}

/* ---- loss exceedance curve ---- */

static double grid_point(double lo, double hi, size_t k, size_t m, int log_scale)
{
    double t = m > 1 ? (double)k / (double)(m - 1) : 0.0;
    return log_scale ? lo * pow(hi / lo, t) : lo + (hi - lo) * t;
}

/* How many grid points lie strictly below v (g increasing): a binary
 * search, cheaper than a log per sample on the tens of millions of a long
 * run. */
static size_t points_below(const double *g, size_t m, double v)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int stats_lec(const double *x, size_t n, size_t npoints, double lo, double hi, int log_scale,
              const volatile sig_atomic_t *cancel, stats_lec_point *out, isms_err *e)
{
    int rc = check_sample(x, n, e);
    if (rc)
        return rc;
    if (npoints < 2)
        return err_set(e, E_INVALID, "points", "points: a curve needs at least 2, not %zu",
                       npoints);
    if (lo == 0.0 && hi == 0.0) {
        double level = 0.999, max;
        rc = stats_quantiles(x, n, &level, 1, 0, &hi, e);
        if (rc)
            return rc;
        level = 1.0;
        stats_quantiles(x, n, &level, 1, 0, &max, e);
        if (!(hi > 0.0))
            hi = max > 0.0 ? max : 1.0; /* no loss at all: a flat curve */
        lo = log_scale ? hi / 1000.0 : 0.0;
    }
    if (!(isfinite(lo) && isfinite(hi) && hi > lo && (!log_scale || lo > 0.0)))
        return err_set(e, E_INVALID, "range", "range: [%g, %g] is not an increasing%s range", lo,
                       hi, log_scale ? " positive" : "");
    double *g = xmalloc(npoints * sizeof *g);
    size_t *below = xcalloc(npoints + 1, sizeof *below);
    for (size_t k = 0; k < npoints; k++)
        g[k] = grid_point(lo, hi, k, npoints, log_scale);
    for (size_t i = 0; i < n && !rc; i++) {
        /* Tens of millions of samples take a while: look at *cancel. */
        if (i % STATS_CANCEL_EVERY == 0 && cancel && *cancel)
            rc = err_set(e, E_INTERRUPTED, "iterations", "the simulation was interrupted");
        below[points_below(g, npoints, x[i])]++;
    }
    /* x exceeds point k iff more than k points lie below x. */
    size_t exceed = 0;
    for (size_t k = npoints; k-- > 0;) {
        exceed += below[k + 1];
        out[k] = (stats_lec_point){ g[k], (double)exceed / (double)n };
    }
    free(below);
    free(g);
    return rc;
}
