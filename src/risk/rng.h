/* rng.h: the Monte Carlo random number generator of the FAIR engine.
 *
 * xoshiro256++ (Blackman and Vigna), seeded through splitmix64. Every
 * simulation draws from many short independent streams, one per
 * (seed, risk, block of iterations, factor): the iterations of a run are cut
 * into fixed-size blocks, and a block's numbers depend only on that key, never
 * on which thread computes it or in which order. That is what makes a run
 * bit-identical whatever the thread count, and what gives common random
 * numbers between scenarios (inherent, residual, with and without a control):
 * a factor draws the same numbers in every scenario.
 *
 * Pure computation, no global state: an rng is a value the caller owns. */
#ifndef ISMS_RISK_RNG_H
#define ISMS_RISK_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng;

/* splitmix64's finaliser: a bijective 64-bit mix with full avalanche. */
static inline uint64_t rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rng_rotl(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return out;
}

/* A uniform in the open interval (0, 1) from the top 53 bits of x: the
 * midpoints (k + 1/2)·2^-53, so neither 0 nor 1 ever comes out and the set
 * is symmetric (1 - u is exactly representable and also a possible u). */
static inline double rng_u01(uint64_t x)
{
    return ((double)(x >> 11) + 0.5) * 0x1p-53;
}

/* 1 - rng_u01(x), computed exactly (no cancellation near u = 1). */
static inline double rng_u01_complement(uint64_t x)
{
    return ((double)((x >> 11) ^ 0x1fffffffffffffu) + 0.5) * 0x1p-53;
}

static inline double rng_uniform(rng *r)
{
    return rng_u01(rng_next(r));
}

/* Hashes a stream's coordinates into one 64-bit key. Different tuples give
 * different keys except with probability ~2^-64. */
uint64_t rng_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

/* Seeds `r` from a key (splitmix64 sequence, as the xoshiro authors advise). */
void rng_init(rng *r, uint64_t key);

/* rng_init(r, rng_key(seed, a, b, c)). */
void rng_stream(rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

void rng_fill(rng *r, uint64_t *out, size_t n);
void rng_fill_u01(rng *r, double *out, size_t n);   /* open (0, 1) */

#endif
