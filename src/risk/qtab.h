/* qtab.h: fast inverse-transform sampling from a precomputed quantile table.
 *
 * Beta-family (PERT) and normal-family quantile functions cost a special
 * function evaluation and a root finder each; the engine needs hundreds of
 * millions of samples a second. So a continuous distribution is prepared
 * once into a piecewise cubic Hermite interpolant of its quantile function
 * Q(u), with the exact value and exact slope Q'(u) = 1/f(Q(u)) at every node.
 * One random 64-bit word gives u (its top 52 bits; see rng_u01); its top 9
 * bits pick one of N = 512 equal slices of (0, 1):
 *
 *   body   slices 4 .. N-5: one cubic each, the position within the slice
 *          from the next 43 bits, three multiply-adds; 16 KiB, cache-resident.
 *   edge   slices 1-3 and N-4 .. N-2, where Q starts to bend: four cubics
 *          per slice, so that the error there stays as small as in the body.
 *   tails  slices 0 and N-1 (u or 1 - u below 2^-9), where Q is a power law
 *          at a bounded end and grows like sqrt(-2 ln u) at an unbounded
 *          one: one cubic per octave of the tail probability w (down to
 *          2^-53, the smallest u the generator yields), interpolating
 *          y = ln(distance to the tail's end) against ln w, coordinates in
 *          which both shapes are nearly straight. A log and an exp, for 1
 *          sample in 256.
 *
 * A segment whose cubic would not be monotone falls back to its chord, so
 * samples are a non-decreasing function of the random word and never leave
 * the support. Interpolation error is far below Monte Carlo error
 * (tests/risk check it against exact quantiles); monotone sampling means
 * common random numbers couple scenarios as tightly as exact inversion. */
#ifndef ISMS_RISK_QTAB_H
#define ISMS_RISK_QTAB_H

#include "risk/rng.h"

#include <stddef.h>
#include <stdint.h>

#define QTAB_BITS 9
#define QTAB_N (1 << QTAB_BITS)
#define QTAB_EDGE 4  /* slices [1, EDGE) per side are edge slices */
#define QTAB_SPLIT 4 /* cubics per edge slice */
#define QTAB_FINE ((QTAB_EDGE - 1) * QTAB_SPLIT)
#define QTAB_J0 QTAB_BITS /* first tail octave: w < 2^-9 */
#define QTAB_J1 52        /* last: w in [2^-53, 2^-52) */
#define QTAB_OCTAVES (QTAB_J1 - QTAB_J0 + 1)

/* What a distribution tells the table builder about one node. */
typedef struct qtab_node {
    double w;     /* the tail probability it was computed for */
    double q;     /* the quantile */
    double dist;  /* its distance from the tail's origin: q - lo, or hi - q */
    double ldist; /* ln(dist), which some shapes know more cheaply */
    double pdf;   /* the density at q */
} qtab_node;

/* Fills `out` for tail probability w of the lower (upper = 0) or upper tail,
 * i.e. for u = w or u = 1 - w. `prev` is the node computed just before on
 * the same side (NULL for the first), a starting point for root finders. */
typedef void (*qtab_node_fn)(const void *ctx, double w, int upper, const qtab_node *prev,
                             qtab_node *out);

typedef struct qtab {
    /* First, and the table 64-byte aligned (dist_sampler_init): a row is
     * then never split between two cache lines. */
    double body[QTAB_N][4];
    double lo, hi;     /* support; hi is +inf for lognormal and normal */
    int upper_from_lo; /* upper tail measured as q - lo (unbounded above) */
    double fine[2][QTAB_FINE][4];
    double tail[2][QTAB_OCTAVES][4];
} qtab;

/* Builds the table. lo finite; hi finite or +INFINITY. */
void qtab_build(qtab *t, double lo, double hi, qtab_node_fn node, const void *ctx);

/* Maps a table of X to one of lo + scale·X (scale > 0): how one unit-beta
 * table serves every PERT of its shape. hi is the new upper end. */
void qtab_scale(qtab *t, double lo, double scale, double hi);

/* out[i] = the quantile at rng_u01(x[i]): qtab_at's bits, four at a time
 * where the CPU has AVX2. qtab_fill_plain is one at a time, always. */
void qtab_fill(const qtab *t, const uint64_t *x, double *out, size_t n);
void qtab_fill_plain(const qtab *t, const uint64_t *x, double *out, size_t n);

/* Edge slices and tails: the rare path. */
double qtab_outer(const qtab *t, uint64_t x);

/* The position within a slice, from the bits of x below the slice index
 * down to bit 12, as a uniform in (0, 1). Like rng_u01, it leaves bits
 * 0-11 alone: the compound model takes an event's year from them. */
static inline double qtab_position(uint64_t x, int index_bits)
{
    return rng_u01((x << index_bits) & ~((UINT64_C(1) << (index_bits + 12)) - 1));
}

static inline double qtab_cubic(const double *c, double s)
{
    return c[0] + s * (c[1] + s * (c[2] + s * c[3]));
}

/* The quantile at u = rng_u01(x). */
static inline double qtab_at(const qtab *t, uint64_t x)
{
    unsigned k = (unsigned)(x >> (64 - QTAB_BITS));
    if (k - QTAB_EDGE >= QTAB_N - 2 * QTAB_EDGE) /* unsigned: k < EDGE wraps */
        return qtab_outer(t, x);
    return qtab_cubic(t->body[k], qtab_position(x, QTAB_BITS));
}

#endif
