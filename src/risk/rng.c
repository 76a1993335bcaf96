#include "risk/rng.h"

/* Weyl increment of splitmix64 (the odd integer nearest 2^64/phi). */
#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

uint64_t rng_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    /* Each coordinate is folded in through a full mix, so coordinates that
     * differ in one low bit land on unrelated keys. */
    uint64_t h = rng_mix64(seed ^ UINT64_C(0x6a09e667f3bcc909));
    h = rng_mix64(h + GOLDEN * (a + 1));
    h = rng_mix64(h ^ (GOLDEN * (b + UINT64_C(0x3c6ef372fe94f82b))));
    h = rng_mix64(h + GOLDEN * (c + UINT64_C(0xa54ff53a5f1d36f1)));
    return h;
}

void rng_init(rng *r, uint64_t key) { r->s = key; }

void rng_stream(rng *r, uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    rng_init(r, rng_key(seed, a, b, c));
}

void rng_fill(rng *r, uint64_t *out, size_t n)
{
    rng g = *r; /* a local copy lets the compiler keep the state in a register */
    for (size_t i = 0; i < n; i++)
        out[i] = rng_next(&g);
    *r = g;
}

void rng_fill_u01(rng *r, double *out, size_t n)
{
    rng g = *r;
    for (size_t i = 0; i < n; i++)
        out[i] = rng_u01(rng_next(&g));
    *r = g;
}
