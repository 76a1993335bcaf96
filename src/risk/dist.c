/* dist.c: construction, validation and closed forms of the distributions. */
#include "risk/dist.h"

#include "core/xalloc.h"
#include "risk/special.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this many standard deviations below zero a truncated normal has no
 * representable mass left above zero. */
#define NORMAL_MAX_TRUNCATION 37.0

dist dist_const(double x) { return (dist){ .kind = DIST_CONST, .value = x }; }

dist dist_uniform(double min, double max)
{
    return (dist){ .kind = DIST_UNIFORM, .min = min, .max = max };
}

dist dist_triangular(double min, double mode, double max)
{
    return (dist){ .kind = DIST_TRIANGULAR, .min = min, .mode = mode, .max = max };
}

dist dist_pert(double min, double mode, double max, double gamma, dist_pert_param p)
{
    return (
        dist){ .kind = DIST_PERT, .min = min, .mode = mode, .max = max, .gamma = gamma, .pert = p };
}

dist dist_lognormal(double mu, double sigma)
{
    return (dist){ .kind = DIST_LOGNORMAL, .mu = mu, .sigma = sigma };
}

dist dist_lognormal90(double low, double high)
{
    return (dist){ .kind = DIST_LOGNORMAL90, .low90 = low, .high90 = high };
}

dist dist_normal(double mean, double sd)
{
    return (dist){ .kind = DIST_NORMAL, .mu = mean, .sigma = sd };
}

dist dist_beta(double alpha, double beta)
{
    return (dist){ .kind = DIST_BETA, .alpha = alpha, .beta = beta };
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int dist_empirical(dist *d, const double *x, size_t n, const char *field, isms_err *e)
{
    if (n == 0)
        return err_set(e, E_INVALID, field, "%s: empirical needs at least one value", field);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return err_set(e, E_INVALID, field,
                           "%s: empirical value %zu is %g, not a finite number", field, i + 1,
                           x[i]);
    *d = (dist){ .kind = DIST_EMPIRICAL, .ndata = n };
    d->data = xmalloc(n * sizeof *d->data);
    memcpy(d->data, x, n * sizeof *d->data);
    /* Sorted, so that the sample is a non-decreasing function of u. */
    qsort(d->data, n, sizeof *d->data, cmp_double);
    return E_OK;
}

void dist_reset(dist *d)
{
    free(d->data);
    *d = (dist){ 0 };
}

void dist_copy(dist *dst, const dist *src)
{
    *dst = *src;
    if (src->data) {
        dst->data = xmalloc(src->ndata * sizeof *dst->data);
        memcpy(dst->data, src->data, src->ndata * sizeof *dst->data);
    }
}

/* ---- validation ---- */

static const char *kind_name(dist_kind k)
{
    static const char *const names[] = {
        [DIST_NONE] = "none",
        [DIST_CONST] = "const",
        [DIST_UNIFORM] = "uniform",
        [DIST_TRIANGULAR] = "triangular",
        [DIST_PERT] = "pert",
        [DIST_LOGNORMAL] = "lognormal",
        [DIST_LOGNORMAL90] = "lognormal90",
        [DIST_NORMAL] = "normal",
        [DIST_BETA] = "beta",
        [DIST_EMPIRICAL] = "empirical",
    };
    return k <= DIST_EMPIRICAL ? names[k] : "unknown";
}

static int need_finite(double v, const char *field, dist_kind k, const char *param, isms_err *e)
{
    if (isfinite(v))
        return E_OK;
    return err_set(e, E_INVALID, field, "%s: %s %s is %g, not a finite number", field, kind_name(k),
                   param, v);
}

static int need_positive(double v, const char *field, dist_kind k, const char *param, isms_err *e)
{
    int rc = need_finite(v, field, k, param, e);
    if (rc)
        return rc;
    if (v > 0.0)
        return E_OK;
    return err_set(e, E_INVALID, field, "%s: %s %s is %g; it must be greater than 0", field,
                   kind_name(k), param, v);
}

static int check_range(const dist *d, const char *field, int with_mode, isms_err *e)
{
    int rc = need_finite(d->min, field, d->kind, "min", e);
    if (!rc && with_mode)
        rc = need_finite(d->mode, field, d->kind, "mode", e);
    if (!rc)
        rc = need_finite(d->max, field, d->kind, "max", e);
    if (rc)
        return rc;
    if (d->min > d->max)
        return err_set(e, E_INVALID, field, "%s: %s min %g is greater than max %g", field,
                       kind_name(d->kind), d->min, d->max);
    if (d->min == d->max)
        return err_set(e, E_INVALID, field,
                       "%s: %s min and max are both %g; use const(%g) for a certain value", field,
                       kind_name(d->kind), d->min, d->min);
    if (with_mode && (d->mode < d->min || d->mode > d->max))
        return err_set(e, E_INVALID, field,
                       "%s: %s most likely value %g is outside [min %g, max %g]", field,
                       kind_name(d->kind), d->mode, d->min, d->max);
    return E_OK;
}

int dist_validate(const dist *d, const char *field, isms_err *e)
{
    int rc;
    switch (d->kind) {
    case DIST_NONE: return err_set(e, E_INVALID, field, "%s: no distribution given", field);
    case DIST_CONST: return need_finite(d->value, field, d->kind, "value", e);
    case DIST_UNIFORM: return check_range(d, field, 0, e);
    case DIST_TRIANGULAR: return check_range(d, field, 1, e);
    case DIST_PERT:
        rc = check_range(d, field, 1, e);
        if (rc)
            return rc;
        return need_positive(d->gamma, field, d->kind, "gamma", e);
    case DIST_LOGNORMAL:
        rc = need_finite(d->mu, field, d->kind, "mu", e);
        if (rc)
            return rc;
        return need_positive(d->sigma, field, d->kind, "sigma", e);
    case DIST_LOGNORMAL90:
        rc = need_positive(d->low90, field, d->kind, "low (P5)", e);
        if (rc)
            return rc;
        rc = need_positive(d->high90, field, d->kind, "high (P95)", e);
        if (rc)
            return rc;
        if (d->low90 >= d->high90)
            return err_set(e, E_INVALID, field,
                           "%s: lognormal90 low (P5) %g must be less than high (P95) %g", field,
                           d->low90, d->high90);
        return E_OK;
    case DIST_NORMAL:
        rc = need_finite(d->mu, field, d->kind, "mean", e);
        if (rc)
            return rc;
        rc = need_positive(d->sigma, field, d->kind, "sd", e);
        if (rc)
            return rc;
        if (d->mu < -NORMAL_MAX_TRUNCATION * d->sigma)
            return err_set(
                e, E_INVALID, field,
                "%s: normal mean %g is %g sd below zero; truncated at zero nothing is left", field,
                d->mu, -d->mu / d->sigma);
        return E_OK;
    case DIST_BETA:
        rc = need_positive(d->alpha, field, d->kind, "a", e);
        if (rc)
            return rc;
        return need_positive(d->beta, field, d->kind, "b", e);
    case DIST_EMPIRICAL:
        if (!d->data || d->ndata == 0)
            return err_set(e, E_INVALID, field, "%s: empirical needs at least one value", field);
        for (size_t i = 0; i < d->ndata; i++) {
            rc = need_finite(d->data[i], field, d->kind, "value", e);
            if (rc)
                return rc;
        }
        return E_OK;
    }
    return err_set(e, E_INVALID, field, "%s: unknown distribution kind %d", field, (int)d->kind);
}

/* ---- closed forms ---- */

void dist_pert_shape(const dist *d, double *alpha, double *beta)
{
    if (d->kind == DIST_BETA) {
        *alpha = d->alpha;
        *beta = d->beta;
        return;
    }
    double r = d->max - d->min, g = d->gamma;
    if (d->pert == DIST_PERT_VOSE) {
        *alpha = 1.0 + g * (d->mode - d->min) / r;
        *beta = 1.0 + g * (d->max - d->mode) / r;
        return;
    }
    /* pyfair: match mean (min + g·mode + max)/(g + 2) and sd r/(g + 2). */
    double mean = (d->min + g * d->mode + d->max) / (g + 2.0);
    double sd = r / (g + 2.0);
    double below = mean - d->min, above = d->max - mean;
    *alpha = below / r * (below * above / (sd * sd) - 1.0);
    *beta = *alpha * above / below;
}

void dist_lognormal_params(const dist *d, double *mu, double *sigma)
{
    if (d->kind == DIST_LOGNORMAL90) {
        *mu = 0.5 * (log(d->low90) + log(d->high90));
        *sigma = (log(d->high90) - log(d->low90)) / (2.0 * DIST_Z90);
    } else {
        *mu = d->mu;
        *sigma = d->sigma;
    }
}

static double empirical_mean(const dist *d)
{
    double s = 0.0;
    for (size_t i = 0; i < d->ndata; i++)
        s += d->data[i];
    return s / (double)d->ndata;
}

/* Truncated normal: alpha = -mean/sd is where zero falls; lambda is the
 * inverse Mills ratio at it. */
static double normal_lambda(const dist *d, double *alpha)
{
    *alpha = -d->mu / d->sigma;
    return sp_norm_pdf(*alpha) / sp_norm_sf(*alpha);
}

double dist_mean(const dist *d)
{
    double a, b, mu, sigma;
    switch (d->kind) {
    case DIST_CONST: return d->value;
    case DIST_UNIFORM: return 0.5 * (d->min + d->max);
    case DIST_TRIANGULAR: return (d->min + d->mode + d->max) / 3.0;
    case DIST_PERT: dist_pert_shape(d, &a, &b); return d->min + (d->max - d->min) * a / (a + b);
    case DIST_BETA: return d->alpha / (d->alpha + d->beta);
    case DIST_LOGNORMAL:
    case DIST_LOGNORMAL90:
        dist_lognormal_params(d, &mu, &sigma);
        return exp(mu + 0.5 * sigma * sigma);
    case DIST_NORMAL: return d->mu + d->sigma * normal_lambda(d, &a);
    case DIST_EMPIRICAL: return empirical_mean(d);
    case DIST_NONE: break;
    }
    return NAN;
}

static double beta_var(double a, double b) { return a * b / ((a + b) * (a + b) * (a + b + 1.0)); }

double dist_var(const dist *d)
{
    double a, b, mu, sigma, r = d->max - d->min, lambda, m, s;
    switch (d->kind) {
    case DIST_CONST: return 0.0;
    case DIST_UNIFORM: return r * r / 12.0;
    case DIST_TRIANGULAR:
        a = d->min, b = d->max, m = d->mode;
        return (a * a + b * b + m * m - a * b - a * m - b * m) / 18.0;
    case DIST_PERT: dist_pert_shape(d, &a, &b); return r * r * beta_var(a, b);
    case DIST_BETA: return beta_var(d->alpha, d->beta);
    case DIST_LOGNORMAL:
    case DIST_LOGNORMAL90:
        dist_lognormal_params(d, &mu, &sigma);
        return expm1(sigma * sigma) * exp(2.0 * mu + sigma * sigma);
    case DIST_NORMAL:
        lambda = normal_lambda(d, &a);
        return d->sigma * d->sigma * (1.0 + a * lambda - lambda * lambda);
    case DIST_EMPIRICAL:
        m = empirical_mean(d), s = 0.0;
        for (size_t i = 0; i < d->ndata; i++)
            s += (d->data[i] - m) * (d->data[i] - m);
        return s / (double)d->ndata;
    case DIST_NONE: break;
    }
    return NAN;
}

void dist_support(const dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case DIST_CONST: *lo = *hi = d->value; return;
    case DIST_UNIFORM:
    case DIST_TRIANGULAR:
    case DIST_PERT: *lo = d->min, *hi = d->max; return;
    case DIST_BETA: *lo = 0.0, *hi = 1.0; return;
    case DIST_LOGNORMAL:
    case DIST_LOGNORMAL90:
    case DIST_NORMAL: *lo = 0.0, *hi = INFINITY; return;
    case DIST_EMPIRICAL: *lo = d->data[0], *hi = d->data[d->ndata - 1]; return;
    case DIST_NONE: break;
    }
    *lo = *hi = NAN;
}

double dist_cdf(const dist *d, double x)
{
    double a, b, mu, sigma, r = d->max - d->min, u;
    switch (d->kind) {
    case DIST_CONST: return x >= d->value ? 1.0 : 0.0;
    case DIST_UNIFORM: return x <= d->min ? 0.0 : x >= d->max ? 1.0 : (x - d->min) / r;
    case DIST_TRIANGULAR:
        if (x <= d->min)
            return 0.0;
        if (x >= d->max)
            return 1.0;
        if (x <= d->mode)
            return (x - d->min) * (x - d->min) / (r * (d->mode - d->min));
        return 1.0 - (d->max - x) * (d->max - x) / (r * (d->max - d->mode));
    case DIST_PERT:
    case DIST_BETA:
        dist_pert_shape(d, &a, &b);
        u = d->kind == DIST_BETA ? x : (x - d->min) / r;
        return sp_beta_cdf(u, a, b, sp_lbeta(a, b));
    case DIST_LOGNORMAL:
    case DIST_LOGNORMAL90:
        dist_lognormal_params(d, &mu, &sigma);
        return x <= 0.0 ? 0.0 : sp_norm_cdf((log(x) - mu) / sigma);
    case DIST_NORMAL:
        if (x <= 0.0)
            return 0.0;
        a = -d->mu / d->sigma;
        return 1.0 - sp_norm_sf((x - d->mu) / d->sigma) / sp_norm_sf(a);
    case DIST_EMPIRICAL: {
        size_t lo = 0, hi = d->ndata; /* count of values <= x */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->data[mid] <= x)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (double)lo / (double)d->ndata;
    }
    case DIST_NONE: break;
    }
    return NAN;
}
