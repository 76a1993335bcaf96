/* rng.h: the Monte Carlo random number generator of the FAIR engine.
 *
 * A counter-based generator: the i-th number of a stream is
 *     mix(key + i·W),  mix(s) = hi ^ lo of the 128-bit product s·(s ^ M),
 * W and M the constants of Wang Yi's wyrand, whose output function this is
 * (it passes BigCrush and PractRand). A stream is a 64-bit key; one step is
 * an add and a multiply, about a third of the work of xoshiro256++ on the
 * machines this project runs on, and any position of a stream can be
 * reached directly (rng_seek).
 *
 * Every simulation draws from many short independent streams, one per
 * (seed, risk, block of iterations, factor): the iterations of a run are cut
 * into fixed-size blocks, and a block's numbers depend only on that key,
 * never on which thread computes it or in which order. That is what makes a
 * run bit-identical whatever the thread count, and what gives common random
 * numbers between scenarios (inherent, residual, with and without a control):
 * a factor draws the same numbers in every scenario. All streams are windows
 * on one sequence of period 2^64 starting at hashed keys; two windows of a
 * run overlap with probability (sum of lengths)/2^64 per pair, ~1e-5 for a
 * run of a million streams of 4096 numbers.
 *
 * Pure computation, no global state: an rng is a value the caller owns. */
#ifndef ISMS_RISK_RNG_H
#define ISMS_RISK_RNG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct rng {
    uint64_t s;
} rng;

#define RNG_STEP UINT64_C(0xa0761d6478bd642f)
#define RNG_MIX UINT64_C(0xe7037ed1a0b428db)

/* splitmix64's finaliser: a bijective 64-bit mix with full avalanche. */
static inline uint64_t rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* hi ^ lo of the full product a·b. */
static inline uint64_t rng_mum(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    __extension__ unsigned __int128 t = (unsigned __int128)a * b;
    return (uint64_t)(t >> 64) ^ (uint64_t)t;
#else
    uint64_t ah = a >> 32, al = (uint32_t)a, bh = b >> 32, bl = (uint32_t)b;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    uint64_t lo = (mid << 32) | (uint32_t)ll;
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return hi ^ lo;
#endif
}

static inline uint64_t rng_next(rng *r)
{
    r->s += RNG_STEP;
    return rng_mum(r->s, r->s ^ RNG_MIX);
}

/* Jumps to position i of the stream that started at `key`. */
static inline void rng_seek(rng *r, uint64_t key, uint64_t i) { r->s = key + i * RNG_STEP; }

static inline double rng_bits_to_double(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* A uniform in the open interval (0, 1) from the top 52 bits of x: the
 * midpoints (v + 1/2)·2^-52, so neither 0 nor 1 ever comes out and the set
 * is symmetric (1 - u is exactly a possible u). Built by planting the bits
 * in the mantissa of [1, 2) and subtracting 1 - 2^-53 (exact, Sterbenz).
 * Every sampler reads only these top 52 bits of its word, which leaves the
 * low 12 for a second use (the year of a compound-model event). */
static inline double rng_u01(uint64_t x)
{
    return rng_bits_to_double((x >> 12) | UINT64_C(0x3ff0000000000000)) - (1.0 - 0x1p-53);
}

/* 1 - rng_u01(x), computed exactly (no cancellation near u = 1). */
static inline double rng_u01_complement(uint64_t x) { return rng_u01(~x); }

static inline double rng_uniform(rng *r) { return rng_u01(rng_next(r)); }

/* Hashes a stream's coordinates into one 64-bit key. Different tuples give
 * different keys except with probability ~2^-64. */
uint64_t rng_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

/* Starts the stream `key`. */
void rng_init(rng *r, uint64_t key);

/* rng_init(r, rng_key(seed, a, b, c)). */
void rng_stream(rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

void rng_fill(rng *r, uint64_t *out, size_t n);
void rng_fill_u01(rng *r, double *out, size_t n); /* open (0, 1) */

#endif
