/* mc.h: Monte Carlo assertions shared by the risk engine's tests.
 *
 * A sample statistic is compared with its exact value within a tolerance
 * derived from the sample size: k standard errors. k = 5 makes a false
 * failure a one-in-a-million event, while a wrong formula or a biased
 * sampler is off by far more than 5 standard errors at these sizes. */
#ifndef ISMS_TESTS_RISK_MC_H
#define ISMS_TESTS_RISK_MC_H

#include "support/testutil.h"
#include "risk/fair.h"

#include <math.h>
#include <stdio.h>

#define MC_SIGMAS 5.0

static inline double mc_mean(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

static inline double mc_var(const double *x, size_t n)
{
    double m = mc_mean(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return s / (double)(n - 1);
}

/* The fourth central moment, estimated from the sample itself: enough for
 * the standard error of a sample variance. */
static inline double mc_mu4(const double *x, size_t n)
{
    double m = mc_mean(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = (x[i] - m) * (x[i] - m);
        s += d * d;
    }
    return s / (double)n;
}

/* The sample mean of x is within MC_SIGMAS standard errors of `mean`,
 * `var` being the exact variance of one draw. */
#define assert_mean_near(x, n, mean, var) \
    mc_assert_mean_((x), (n), (mean), (var), #x, __FILE__, __LINE__)

static inline void mc_assert_mean_(const double *x, size_t n, double mean, double var,
                                   const char *what, const char *file, int line)
{
    double m = mc_mean(x, n), se = sqrt(var / (double)n);
    if (!(fabs(m - mean) <= MC_SIGMAS * se + 1e-12 * fabs(mean))) {
        fprintf(stderr, "%s:%d: mean of %s is %.10g, expected %.10g (se %.3g, %.1f se off)\n", file,
                line, what, m, mean, se, fabs(m - mean) / se);
        _fail(file, line);
    }
}

/* The sample variance: its standard error from the fourth central moment
 * mu4 (var(s^2) ~ (mu4 - var^2)/n). */
#define assert_var_near(x, n, var, mu4) \
    mc_assert_var_((x), (n), (var), (mu4), #x, __FILE__, __LINE__)

static inline void mc_assert_var_(const double *x, size_t n, double var, double mu4,
                                  const char *what, const char *file, int line)
{
    double v = mc_var(x, n), se = sqrt((mu4 - var * var) / (double)n);
    if (!(fabs(v - var) <= MC_SIGMAS * se + 1e-12 * var)) {
        fprintf(stderr, "%s:%d: variance of %s is %.10g, expected %.10g (se %.3g, %.1f se off)\n",
                file, line, what, v, var, se, fabs(v - var) / se);
        _fail(file, line);
    }
}

/* The share of x at or below q is p within MC_SIGMAS binomial standard
 * errors: how a sample's p-quantile is checked against an exact (or a far
 * larger reference sample's) quantile q without assuming a density. */
#define assert_quantile_near(x, n, p, q, ref_n) \
    mc_assert_quantile_((x), (n), (p), (q), (ref_n), #x, __FILE__, __LINE__)

static inline void mc_assert_quantile_(const double *x, size_t n, double p, double q, double ref_n,
                                       const char *what, const char *file, int line)
{
    size_t below = 0;
    for (size_t i = 0; i < n; i++)
        below += x[i] <= q;
    double share = (double)below / (double)n;
    double se = sqrt(p * (1.0 - p) / (double)n);
    if (ref_n > 0.0)
        se = sqrt(se * se + p * (1.0 - p) / ref_n); /* the reference's own error */
    if (!(fabs(share - p) <= MC_SIGMAS * se)) {
        fprintf(stderr, "%s:%d: %s: %.5f of the sample is <= %.10g, expected %.5f (se %.2g)\n",
                file, line, what, share, q, p, se);
        _fail(file, line);
    }
}

/* The risk most of the engine's tests draw: "R", of `mode`, `lef` events a year
 * of `plm` each, with the controls' effects fx[0..nfx), from stream `stream`.
 * Other factors are set on the result. */
static inline fair_risk mc_risk(uint64_t stream, fair_mode mode, dist lef, dist plm,
                                const fair_effect *fx, size_t nfx)
{
    return (fair_risk){ .name = "R",
                        .stream_id = stream,
                        .mode = mode,
                        .lef = lef,
                        .plm = plm,
                        .effects = fx,
                        .neffects = nfx };
}

#endif
