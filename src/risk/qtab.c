#include "risk/qtab.h"

#include "core/cpu.h"
#include "risk/qtab_avx2.h"
#include "risk/rng.h"

#include <math.h>
#include <stdlib.h>

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
    double rise = c[1] + c[2] + c[3]; /* y1 - y0 */
    double d0 = c[1], d1 = c[1] + 2.0 * c[2] + 3.0 * c[3];
    int ok = d0 * rise >= 0.0 && d1 * rise >= 0.0;
    if (ok && c[3] != 0.0) {
        double s = -c[2] / (3.0 * c[3]); /* where the slope turns */
        if (s > 0.0 && s < 1.0)
            ok = (c[1] + s * (2.0 * c[2] + 3.0 * c[3] * s)) * rise >= 0.0;
    }
    if (!ok || !isfinite(c[1] + c[2] + c[3])) {
        c[1] = rise;
        c[2] = c[3] = 0.0;
    }
}

/* Every node of one side, computed from the middle outwards (so that each
 * starts its root finder from its neighbour), at tail probabilities
 *   body  w = k/N,         k = N/2 .. EDGE  (upper side: from N/2 - 1)
 *   fine  w = m/(N SPLIT), m = EDGE SPLIT .. SPLIT
 *   tail  w = 2^-j,        j = J0 .. J1 + 1
 * where the last node of one range is the first of the next. */
typedef struct side_nodes {
    qtab_node body[QTAB_N / 2 + 1];             /* by k */
    qtab_node fine[QTAB_EDGE * QTAB_SPLIT + 1]; /* by m */
    qtab_node tail[QTAB_OCTAVES + 1];           /* by j - J0 */
} side_nodes;

static void compute_side(side_nodes *sn, int upper, qtab_node_fn node, const void *ctx)
{
    const qtab_node *prev = NULL;
    for (int k = upper ? QTAB_N / 2 - 1 : QTAB_N / 2; k >= QTAB_EDGE; k--) {
        node(ctx, (double)k / QTAB_N, upper, prev, &sn->body[k]);
        prev = &sn->body[k];
    }
    sn->fine[QTAB_EDGE * QTAB_SPLIT] = sn->body[QTAB_EDGE];
    for (int m = QTAB_EDGE * QTAB_SPLIT - 1; m >= QTAB_SPLIT; m--) {
        node(ctx, (double)m / (QTAB_N * QTAB_SPLIT), upper, prev, &sn->fine[m]);
        prev = &sn->fine[m];
    }
    sn->tail[0] = sn->fine[QTAB_SPLIT];
    for (int i = 1; i <= QTAB_OCTAVES; i++) {
        node(ctx, ldexp(1.0, -(QTAB_J0 + i)), upper, prev, &sn->tail[i]);
        prev = &sn->tail[i];
    }
}

/* A cubic in u between two nodes (a left of b in u), `width` apart. */
static void u_segment(double c[4], const qtab_node *a, const qtab_node *b, double width)
{
    hermite(c, a->q, width / a->pdf, b->q, width / b->pdf);
    keep_monotone(c);
}

static void build_u_segments(qtab *t, const side_nodes *lower, const side_nodes *upper)
{
    for (int k = QTAB_EDGE; k < QTAB_N - QTAB_EDGE; k++) {
        /* Node k of the table is lower node k, or upper node N - k. */
        const qtab_node *a = k <= QTAB_N / 2 ? &lower->body[k] : &upper->body[QTAB_N - k];
        const qtab_node *b =
            k + 1 <= QTAB_N / 2 ? &lower->body[k + 1] : &upper->body[QTAB_N - k - 1];
        u_segment(t->body[k], a, b, 1.0 / QTAB_N);
    }
    double width = 1.0 / (QTAB_N * QTAB_SPLIT);
    for (int f = 0; f < QTAB_FINE; f++) {
        int m = QTAB_SPLIT + f; /* lower: from w = m/(N SPLIT) up */
        u_segment(t->fine[0][f], &lower->fine[m], &lower->fine[m + 1], width);
        m = QTAB_EDGE * QTAB_SPLIT - f; /* upper: from w = m/(N SPLIT) down */
        u_segment(t->fine[1][f], &upper->fine[m], &upper->fine[m - 1], width);
    }
}

/* In tail coordinates, t = ln w and y = ln(dist); dy/ds with s = t / ln 2. */
static double tail_slope(const qtab *t, int upper, const qtab_node *n)
{
    double dydt = n->w / (n->pdf * n->dist);
    return LN2 * (upper && t->upper_from_lo ? -dydt : dydt);
}

static void build_tail(qtab *t, int upper, const side_nodes *sn)
{
    /* Octave i spans w in [2^-(J0+i+1), 2^-(J0+i)]: s = 0 at the left. */
    for (int i = 0; i < QTAB_OCTAVES; i++) {
        const qtab_node *left = &sn->tail[i + 1], *right = &sn->tail[i];
        hermite(t->tail[upper][i], left->ldist, tail_slope(t, upper, left), right->ldist,
                tail_slope(t, upper, right));
        keep_monotone(t->tail[upper][i]);
    }
}

void qtab_build(qtab *t, double lo, double hi, qtab_node_fn node, const void *ctx)
{
    t->lo = lo;
    t->hi = hi;
    t->upper_from_lo = isinf(hi);
    side_nodes *sides = malloc(2 * sizeof *sides);
    if (!sides)
        abort();
    compute_side(&sides[0], 0, node, ctx);
    compute_side(&sides[1], 1, node, ctx);
    build_u_segments(t, &sides[0], &sides[1]);
    build_tail(t, 0, &sides[0]);
    build_tail(t, 1, &sides[1]);
    free(sides);
}

static void scale_cubics(double (*c)[4], int n, double lo, double scale)
{
    for (int i = 0; i < n; i++) {
        c[i][0] = lo + scale * c[i][0];
        for (int k = 1; k < 4; k++)
            c[i][k] *= scale;
    }
}

void qtab_scale(qtab *t, double lo, double scale, double hi)
{
    scale_cubics(t->body, QTAB_N, lo, scale);
    scale_cubics(t->fine[0], QTAB_FINE, lo, scale);
    scale_cubics(t->fine[1], QTAB_FINE, lo, scale);
    /* Tails hold ln(distance to the end): distances scale, logs shift. */
    double shift = log(scale);
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < QTAB_OCTAVES; i++)
            t->tail[side][i][0] += shift;
    t->lo = lo + scale * t->lo;
    t->hi = hi;
}

/* ---- many samples at once (four at a time on AVX2: qtab_avx2.h) ---- */

void qtab_fill_plain(const qtab *t, const uint64_t *x, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = qtab_at(t, x[i]);
}

#ifdef QTAB_HAVE_AVX2

__attribute__((target("avx2"))) static void fill_avx2(const qtab *t, const uint64_t *x, double *out,
                                                      size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(out + i, qtab_at4(t, x[i], x[i + 1], x[i + 2], x[i + 3]));
    qtab_fill_plain(t, x + i, out + i, n - i);
}

void qtab_fill(const qtab *t, const uint64_t *x, double *out, size_t n)
{
    if (cpu_has_avx2())
        fill_avx2(t, x, out, n);
    else
        qtab_fill_plain(t, x, out, n);
}

#else

void qtab_fill(const qtab *t, const uint64_t *x, double *out, size_t n)
{
    qtab_fill_plain(t, x, out, n);
}

#endif

double qtab_outer(const qtab *t, uint64_t x)
{
    unsigned k = (unsigned)(x >> (64 - QTAB_BITS));
    if (k != 0 && k != QTAB_N - 1) {
        /* An edge slice: its quarter from the next two bits. */
        unsigned f = (unsigned)(x >> (64 - QTAB_BITS - 2));
        double s = qtab_position(x, QTAB_BITS + 2);
        if (k < QTAB_EDGE)
            return qtab_cubic(t->fine[0][f - QTAB_SPLIT], s);
        return qtab_cubic(t->fine[1][f - QTAB_SPLIT * (QTAB_N - QTAB_EDGE)], s);
    }
    int upper = k != 0;
    double w = upper ? rng_u01_complement(x) : rng_u01(x);
    int e;
    double m = frexp(w, &e); /* w = m 2^e, m in [1/2, 1): octave j = -e */
    double s = log2(2.0 * m);
    double d = exp(qtab_cubic(t->tail[upper][-e - QTAB_J0], s));
    if (!upper || t->upper_from_lo)
        return t->lo + d;
    return t->hi - d;
}
