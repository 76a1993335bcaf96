#include "risk/corr.h"

#include "core/xalloc.h"
#include "risk/rng.h"
#include "risk/special.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The stream coordinate of the score permutations. */
#define IC_STREAM UINT64_C(0x1c0)

int ic_cholesky(const double *a, size_t k, double *l)
{
    memset(l, 0, k * k * sizeof *l);
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j <= i; j++) {
            double s = a[i * k + j];
            for (size_t m = 0; m < j; m++)
                s -= l[i * k + m] * l[j * k + m];
            if (i == j) {
                if (!(s > 1e-12))
                    return 0;
                l[i * k + i] = sqrt(s);
            } else {
                l[i * k + j] = s / l[j * k + j];
            }
        }
    }
    return 1;
}

/* Sorting indices by value, ties by index: a total order, so the result does
 * not depend on qsort's internals. */
typedef struct keyed {
    double v;
    uint32_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static void argsort(const double *x, size_t n, size_t stride, uint32_t *order)
{
    keyed *t = xmalloc(n * sizeof *t);
    for (size_t i = 0; i < n; i++)
        t[i] = (keyed){ x[i * stride], (uint32_t)i };
    qsort(t, n, sizeof *t, cmp_keyed);
    for (size_t i = 0; i < n; i++)
        order[i] = t[i].i;
    free(t);
}

/* Scores: column j is a permutation of Phi^-1(r/(n+1)), shuffled from its
 * own stream (Fisher-Yates). */
static double *score_matrix(size_t n, size_t k, uint64_t seed)
{
    double *m = xmalloc(n * k * sizeof *m);
    for (size_t j = 0; j < k; j++) {
        rng r;
        rng_stream(&r, seed, IC_STREAM, j, 0);
        for (size_t i = 0; i < n; i++)
            m[i * k + j] = sp_norm_quantile((double)(i + 1) / (double)(n + 1));
        for (size_t i = n - 1; i > 0; i--) {
            size_t s = (size_t)(((rng_next(&r) >> 32) * (uint64_t)(i + 1)) >> 32);
            double t = m[i * k + j];
            m[i * k + j] = m[s * k + j];
            m[s * k + j] = t;
        }
    }
    return m;
}

static void sample_correlation(const double *m, size_t n, size_t k, double *c)
{
    /* Scores have mean zero and equal variance by construction. */
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b <= a; b++) {
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += m[i * k + a] * m[i * k + b];
            c[a * k + b] = c[b * k + a] = s;
        }
    double *d = xmalloc(k * sizeof *d);
    for (size_t a = 0; a < k; a++)
        d[a] = sqrt(c[a * k + a]);
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++)
            c[a * k + b] /= d[a] * d[b];
    free(d);
}

/* Each row t = P F^-1 m, with E = F F^T (scores) and C = P P^T (target). */
static void correlate_rows(double *m, size_t n, size_t k, const double *f, const double *p)
{
    double *y = xmalloc(2 * k * sizeof *y), *t = y + k;
    for (size_t i = 0; i < n; i++) {
        double *row = m + i * k;
        for (size_t a = 0; a < k; a++) { /* forward substitution: F y = row */
            double s = row[a];
            for (size_t b = 0; b < a; b++)
                s -= f[a * k + b] * y[b];
            y[a] = s / f[a * k + a];
        }
        for (size_t a = 0; a < k; a++) {
            double s = 0.0;
            for (size_t b = 0; b <= a; b++)
                s += p[a * k + b] * y[b];
            t[a] = s;
        }
        memcpy(row, t, k * sizeof *t);
    }
    free(y);
}

int ic_plan_init(ic_plan *pl, size_t n, size_t k, const double *target, uint64_t seed, isms_err *e)
{
    memset(pl, 0, sizeof *pl);
    double *p = xmalloc(3 * k * k * sizeof *p), *c = p + k * k, *f = c + k * k;
    if (!ic_cholesky(target, k, p)) {
        free(p);
        return err_set(e, E_INVALID, "correlation",
                       "correlation: the rank correlations given are inconsistent "
                       "(the matrix is not positive definite)");
    }
    double *m = score_matrix(n, k, seed);
    sample_correlation(m, n, k, c);
    if (!ic_cholesky(c, k, f)) {
        free(m);
        free(p);
        return err_set(e, E_INVALID, "iterations",
                       "iterations: %zu are too few to correlate %zu risks", n, k);
    }
    correlate_rows(m, n, k, f, p);
    pl->n = n;
    pl->k = k;
    pl->slot = xmalloc(n * k * sizeof *pl->slot);
    for (size_t j = 0; j < k; j++)
        argsort(m + j, n, k, pl->slot + j * n);
    free(m);
    free(p);
    return E_OK;
}

void ic_plan_reset(ic_plan *pl)
{
    free(pl->slot);
    memset(pl, 0, sizeof *pl);
}

void ic_permutation(const ic_plan *pl, size_t j, const double *x, uint32_t *perm)
{
    uint32_t *order = xmalloc(pl->n * sizeof *order);
    argsort(x, pl->n, 1, order);
    /* The iteration of rank r moves to where the score of rank r sits. */
    for (size_t r = 0; r < pl->n; r++)
        perm[order[r]] = pl->slot[j * pl->n + r];
    free(order);
}
