/* qtab.h: fast inverse-transform sampling from a precomputed quantile table.
 *
 * Beta-family (PERT) and normal-family quantile functions cost a special
 * function evaluation and a root finder each; the engine needs hundreds of
 * millions of samples a second. So a continuous distribution is prepared
 * once into a piecewise cubic Hermite interpolant of its quantile function
 * Q(u), with the exact value and exact slope Q'(u) = 1/f(Q(u)) at every node:
 *
 *   body   u in [4/N, 1 - 4/N]: N = 1024 equal segments in u; one random
 *          64-bit word gives the segment (top 10 bits) and the position in
 *          it (the next 52), then three multiply-adds. A segment whose cubic
 *          would not be monotone falls back to a straight line, so samples
 *          never leave [Q(k/N), Q((k+1)/N)], nor the support.
 *   tails  the outer 4/N on each side, where Q bends sharply (a power law
 *          at a bounded end, sqrt(-2 ln u) at an unbounded one): one
 *          segment per octave of the tail probability w (down to 2^-53,
 *          the smallest u the generator yields), interpolating
 *          y = ln(distance to the tail's origin) against ln w, in which
 *          coordinates both shapes are nearly straight lines. Costs a log
 *          and an exp, for 1 sample in 128.
 *
 * Interpolation error is far below Monte Carlo error (tests/risk check it
 * against the exact quantiles), and sampling is monotone in the random word,
 * so common random numbers couple scenarios as tightly as exact inversion. */
#ifndef ISMS_RISK_QTAB_H
#define ISMS_RISK_QTAB_H

#include "risk/rng.h"

#include <stdint.h>

#define QTAB_BITS 10
#define QTAB_N (1 << QTAB_BITS)
#define QTAB_EDGE 4                       /* body segments given to each tail */
#define QTAB_J0 (QTAB_BITS - 2)            /* first tail octave: w < EDGE/N = 2^-8 */
#define QTAB_J1 52                         /* last: w in [2^-53, 2^-52) */
#define QTAB_OCTAVES (QTAB_J1 - QTAB_J0 + 1)

/* What a distribution tells the table builder about one node. */
typedef struct qtab_node {
    double w;      /* the tail probability it was computed for */
    double q;      /* the quantile */
    double dist;   /* its distance from the tail's origin: q - lo, or hi - q */
    double ldist;  /* ln(dist), which some shapes know more cheaply */
    double pdf;    /* the density at q */
} qtab_node;

/* Fills `out` for tail probability w of the lower (upper = 0) or upper tail,
 * i.e. for u = w or u = 1 - w. `prev` is the node computed just before on
 * the same side (NULL for the first), a starting point for root finders. */
typedef void (*qtab_node_fn)(const void *ctx, double w, int upper,
                             const qtab_node *prev, qtab_node *out);

typedef struct qtab {
    double lo, hi;        /* support; hi is +inf for lognormal and normal */
    int upper_from_lo;    /* upper tail measured as q - lo (unbounded above) */
    double body[QTAB_N][4];
    double tail[2][QTAB_OCTAVES][4];
} qtab;

/* Builds the table. lo finite; hi finite or +INFINITY. */
void qtab_build(qtab *t, double lo, double hi, qtab_node_fn node, const void *ctx);

double qtab_tail(const qtab *t, uint64_t x);

/* The quantile at u = rng_u01(x). */
static inline double qtab_at(const qtab *t, uint64_t x)
{
    unsigned k = (unsigned)(x >> (64 - QTAB_BITS));
    if (k - QTAB_EDGE >= QTAB_N - 2 * QTAB_EDGE)   /* unsigned: k < EDGE wraps */
        return qtab_tail(t, x);
    double s = rng_u01(x << QTAB_BITS);           /* position within segment k */
    const double *c = t->body[k];
    return c[0] + s * (c[1] + s * (c[2] + s * c[3]));
}

#endif
