/* dist.h: the probability distributions of FAIR inputs.
 *
 * A `dist` is a small value (parameters only) that callers build, validate,
 * store as text and read back:
 *
 *   const(x)                      a certain value
 *   uniform(min,max)
 *   triangular(min,mode,max)
 *   pert(min,mode,max[,gamma=4][,vose])
 *                                 beta-PERT on [min, max]. Default: pyfair's
 *                                 parametrisation (mean (min+g·mode+max)/(g+2),
 *                                 sd (max-min)/(g+2)), the one the numpy
 *                                 baseline and pyfair use; `vose` selects the
 *                                 standard modified PERT, alpha = 1+g(mode-min)/r,
 *                                 beta = 1+g(max-mode)/r. Both have the same
 *                                 mean; they differ in spread.
 *   lognormal90(low,high)         lognormal with P5 = low and P95 = high
 *                                 (Z = 1.6448536269514722, as riskquant)
 *   lognormal(mu=..,sigma=..)     lognormal from the mean and sd of ln X
 *   normal(mean,sd)               normal truncated at zero (non-negative)
 *   beta(a,b)                     beta on [0, 1], for probabilities and shares
 *   empirical(x1,x2,...)          resampling of observed values (bootstrap)
 *
 * Sampling goes through a `dist_sampler`, the distribution prepared once
 * (a quantile table for the continuous shapes), then drawn from by inverse
 * transform: every sample is a non-decreasing function of one 64-bit random
 * word, which is what couples scenarios under common random numbers. */
#ifndef ISMS_RISK_DIST_H
#define ISMS_RISK_DIST_H

#include "core/buf.h"
#include "core/err.h"
#include "risk/qtab.h"
#include "risk/rng.h"

#include <stddef.h>

typedef enum dist_kind {
    DIST_NONE = 0, /* absent: a zeroed dist means "not given" */
    DIST_CONST,
    DIST_UNIFORM,
    DIST_TRIANGULAR,
    DIST_PERT,
    DIST_LOGNORMAL,   /* from mu, sigma */
    DIST_LOGNORMAL90, /* from a 90% interval; mu, sigma derived */
    DIST_NORMAL,      /* truncated at zero */
    DIST_BETA,
    DIST_EMPIRICAL,
} dist_kind;

typedef enum dist_pert_param {
    DIST_PERT_PYFAIR = 0, /* default */
    DIST_PERT_VOSE,
} dist_pert_param;

/* Z of a 90% interval: Phi^-1(0.95). */
#define DIST_Z90 1.6448536269514722

typedef struct dist {
    dist_kind kind;
    double value;          /* const */
    double min, mode, max; /* uniform (no mode), triangular, pert */
    double gamma;          /* pert: weight of the mode, default 4 */
    dist_pert_param pert;
    double low90, high90; /* lognormal90 */
    double mu, sigma;     /* lognormal: of ln X; normal: mean and sd */
    double alpha, beta;   /* beta */
    double *data;         /* empirical: sorted, owned (dist_reset frees) */
    size_t ndata;
} dist;

dist dist_const(double x);
dist dist_uniform(double min, double max);
dist dist_triangular(double min, double mode, double max);
dist dist_pert(double min, double mode, double max, double gamma, dist_pert_param p);
dist dist_lognormal(double mu, double sigma);
dist dist_lognormal90(double low, double high);
dist dist_normal(double mean, double sd);
dist dist_beta(double alpha, double beta);
/* Copies and sorts the data; E_INVALID for an empty set or a non-finite value. */
int dist_empirical(dist *d, const double *x, size_t n, const char *field, isms_err *e);

void dist_reset(dist *d);                   /* frees empirical data; kind NONE */
void dist_copy(dist *dst, const dist *src); /* deep copy; dst is overwritten */

/* E_INVALID with `field` named unless the parameters make a distribution. */
int dist_validate(const dist *d, const char *field, isms_err *e);

/* Smallest interval holding all the mass: [lo, hi], hi may be +inf. */
void dist_support(const dist *d, double *lo, double *hi);

/* Closed forms. */
double dist_mean(const dist *d);
double dist_var(const dist *d);
double dist_cdf(const dist *d, double x);
double dist_quantile(const dist *d, double u); /* exact, slow: not per sample */

/* The beta shape of a PERT (or of a beta): alpha and beta on [0, 1]. */
void dist_pert_shape(const dist *d, double *alpha, double *beta);
/* mu and sigma of ln X for both lognormal kinds. */
void dist_lognormal_params(const dist *d, double *mu, double *sigma);

/* Text syntax (see the top of this file). dist_parse validates; `field`
 * names the input in error messages. dist_format writes the shortest text
 * that parses back to the same parameters. */
int dist_parse(const char *text, dist *out, const char *field, isms_err *e);
void dist_format(const dist *d, buf *out);

/* ---- sampling ---- */

typedef struct dist_sampler {
    dist_kind kind;
    double lo, hi;             /* const: lo is the value */
    double lo_scale, hi_scale; /* uniform: lo + lo_scale·u; triangular: see dist_sample.c */
    double split;              /* triangular: F(mode) */
    qtab *table;               /* owned; NULL for closed forms */
    const double *data;        /* empirical: borrowed from the dist */
    size_t ndata;
} dist_sampler;

/* Prepares `d` (validated first) for sampling. The sampler borrows an
 * empirical dist's data: keep the dist alive while the sampler is. */
int dist_sampler_init(dist_sampler *s, const dist *d, const char *field, isms_err *e);

/* Quantile tables by shape, for the samplers of one run: a PERT's table is
 * its beta shape's unit table moved and stretched, so PERTs that differ
 * only in location and scale (pert(l/4, l, 4l) for every rate l, say)
 * build one table between them. Thread-safe; holds up to 256 shapes.
 * Samples are the same with or without a cache. */
typedef struct dist_cache dist_cache;
dist_cache *dist_cache_new(void);
void dist_cache_free(dist_cache *c);

/* dist_sampler_init through a cache (NULL: none). */
int dist_sampler_init_cached(dist_sampler *s, const dist *d, dist_cache *c, const char *field,
                             isms_err *e);
void dist_sampler_reset(dist_sampler *s);

/* The sample for the uniform rng_u01(x). */
double dist_sampler_at(const dist_sampler *s, uint64_t x);

/* n samples from the stream. */
void dist_sampler_draw(const dist_sampler *s, rng *r, double *out, size_t n);

#endif
