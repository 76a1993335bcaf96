#include "risk/qtab.h"

#include "risk/rng.h"

#include <math.h>

#define LN2 0.69314718055994530942

/* Cubic Hermite coefficients on s in [0, 1] from end values and slopes. */
static void hermite(double c[4], double y0, double d0, double y1, double d1)
{
    c[0] = y0;
    c[1] = d0;
    c[2] = 3.0 * (y1 - y0) - 2.0 * d0 - d1;
    c[3] = 2.0 * (y0 - y1) + d0 + d1;
}

/* A Hermite cubic of a monotone function can still wiggle where the data
 * are extreme; then the chord is used, which cannot. */
static void keep_monotone(double c[4])
{
    double rise = c[1] + c[2] + c[3];   /* y1 - y0 */
    double d0 = c[1], d1 = c[1] + 2.0 * c[2] + 3.0 * c[3];
    int ok = d0 * rise >= 0.0 && d1 * rise >= 0.0;
    if (ok && c[3] != 0.0) {
        double s = -c[2] / (3.0 * c[3]);   /* where the slope turns */
        if (s > 0.0 && s < 1.0)
            ok = (c[1] + s * (2.0 * c[2] + 3.0 * c[3] * s)) * rise >= 0.0;
    }
    if (!ok || !isfinite(c[1] + c[2] + c[3])) {
        c[1] = rise;
        c[2] = c[3] = 0.0;
    }
}

static void build_body(qtab *t, qtab_node_fn node, const void *ctx)
{
    /* Nodes left of the middle come from the lower tail probability, right
     * of it from the upper one, so each is computed where it is accurate. */
    qtab_node nodes[QTAB_N + 1], *prev = NULL;
    for (int k = QTAB_N / 2; k >= QTAB_EDGE; k--) {
        node(ctx, (double)k / QTAB_N, 0, prev, &nodes[k]);
        prev = &nodes[k];
    }
    prev = NULL;
    for (int k = QTAB_N / 2 + 1; k <= QTAB_N - QTAB_EDGE; k++) {
        node(ctx, (double)(QTAB_N - k) / QTAB_N, 1, prev, &nodes[k]);
        prev = &nodes[k];
    }
    for (int k = QTAB_EDGE; k < QTAB_N - QTAB_EDGE; k++) {
        const qtab_node *a = &nodes[k], *b = &nodes[k + 1];
        hermite(t->body[k], a->q, 1.0 / (QTAB_N * a->pdf), b->q, 1.0 / (QTAB_N * b->pdf));
        keep_monotone(t->body[k]);
    }
}

/* In tail coordinates, t = ln w and y = ln(dist); dy/ds with s = t / ln 2. */
static double tail_slope(const qtab *t, int upper, double w, const qtab_node *n)
{
    double dydt = w / (n->pdf * n->dist);
    return LN2 * (upper && t->upper_from_lo ? -dydt : dydt);
}

static void build_tail(qtab *t, int upper, qtab_node_fn node, const void *ctx)
{
    qtab_node nodes[QTAB_OCTAVES + 1];
    /* Node i sits at w = 2^-(J0 + i); octave i spans [node i+1, node i]. */
    for (int i = 0; i <= QTAB_OCTAVES; i++)
        node(ctx, ldexp(1.0, -(QTAB_J0 + i)), upper, i ? &nodes[i - 1] : NULL, &nodes[i]);
    for (int i = 0; i < QTAB_OCTAVES; i++) {
        const qtab_node *left = &nodes[i + 1], *right = &nodes[i];
        double wl = ldexp(1.0, -(QTAB_J0 + i + 1)), wr = ldexp(1.0, -(QTAB_J0 + i));
        hermite(t->tail[upper][i], left->ldist, tail_slope(t, upper, wl, left),
                right->ldist, tail_slope(t, upper, wr, right));
        keep_monotone(t->tail[upper][i]);
    }
}

void qtab_build(qtab *t, double lo, double hi, qtab_node_fn node, const void *ctx)
{
    t->lo = lo;
    t->hi = hi;
    t->upper_from_lo = isinf(hi);
    build_body(t, node, ctx);
    build_tail(t, 0, node, ctx);
    build_tail(t, 1, node, ctx);
}

double qtab_tail(const qtab *t, uint64_t x)
{
    int upper = (x >> 63) != 0;   /* k >= N - EDGE: the upper tail */
    double w = upper ? rng_u01_complement(x) : rng_u01(x);
    int e;
    double m = frexp(w, &e);      /* w = m 2^e, m in [1/2, 1): octave j = -e */
    int i = -e - QTAB_J0;
    double s = log2(2.0 * m);
    const double *c = t->tail[upper][i];
    double d = exp(c[0] + s * (c[1] + s * (c[2] + s * c[3])));
    if (!upper || t->upper_from_lo)
        return t->lo + d;
    return t->hi - d;
}
