/* qtab_avx2.h: qtab_at four samples at a time, for the loops that have an
 * AVX2 version: they are compiled with __attribute__((target("avx2"))) and
 * called only when cpu_has_avx2(). Same bits as qtab_at: the position in
 * the slice by vector shifts, each slice's four coefficients loaded as one
 * row (rows never straddle cache lines: see qtab) and transposed, the cubic
 * in Horner form with separate multiplies and adds (a fused multiply-add
 * rounds once instead of twice). Samples of edge slices and tails are
 * redone one at a time. */
#ifndef ISMS_RISK_QTAB_AVX2_H
#define ISMS_RISK_QTAB_AVX2_H

#include "risk/qtab.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QTAB_HAVE_AVX2 1
#include <immintrin.h>

static inline int qtab_outer_slice(uint64_t x)
{
    unsigned k = (unsigned)(x >> (64 - QTAB_BITS));
    return k - QTAB_EDGE >= QTAB_N - 2 * QTAB_EDGE;
}

__attribute__((target("avx2"))) static inline __m256d qtab_at4(const qtab *t, uint64_t x0,
                                                               uint64_t x1, uint64_t x2,
                                                               uint64_t x3)
{
    const __m256i keep = _mm256_set1_epi64x((long long)~((UINT64_C(1) << (QTAB_BITS + 12)) - 1));
    const __m256i one = _mm256_set1_epi64x(0x3ff0000000000000LL);
    const __m256d below_one = _mm256_set1_pd(1.0 - 0x1p-53);
    __m256i w = _mm256_set_epi64x((long long)x3, (long long)x2, (long long)x1, (long long)x0);
    __m256i bits = _mm256_srli_epi64(_mm256_and_si256(_mm256_slli_epi64(w, QTAB_BITS), keep), 12);
    __m256d s = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(bits, one)), below_one);
    /* An outer slice's index still names a body row: read, then redone. */
    __m256d r0 = _mm256_loadu_pd(t->body[x0 >> (64 - QTAB_BITS)]);
    __m256d r1 = _mm256_loadu_pd(t->body[x1 >> (64 - QTAB_BITS)]);
    __m256d r2 = _mm256_loadu_pd(t->body[x2 >> (64 - QTAB_BITS)]);
    __m256d r3 = _mm256_loadu_pd(t->body[x3 >> (64 - QTAB_BITS)]);
    __m256d lo01 = _mm256_unpacklo_pd(r0, r1), hi01 = _mm256_unpackhi_pd(r0, r1);
    __m256d lo23 = _mm256_unpacklo_pd(r2, r3), hi23 = _mm256_unpackhi_pd(r2, r3);
    __m256d c0 = _mm256_permute2f128_pd(lo01, lo23, 0x20);
    __m256d c1 = _mm256_permute2f128_pd(hi01, hi23, 0x20);
    __m256d c2 = _mm256_permute2f128_pd(lo01, lo23, 0x31);
    __m256d c3 = _mm256_permute2f128_pd(hi01, hi23, 0x31);
    __m256d v = _mm256_add_pd(c2, _mm256_mul_pd(s, c3));
    v = _mm256_add_pd(c1, _mm256_mul_pd(s, v));
    v = _mm256_add_pd(c0, _mm256_mul_pd(s, v));
    if (__builtin_expect(qtab_outer_slice(x0) | qtab_outer_slice(x1) | qtab_outer_slice(x2) |
                             qtab_outer_slice(x3),
                         0)) {
        const uint64_t x[4] = { x0, x1, x2, x3 };
        double out[4];
        _mm256_storeu_pd(out, v);
        for (int k = 0; k < 4; k++)
            if (qtab_outer_slice(x[k]))
                out[k] = qtab_outer(t, x[k]);
        v = _mm256_loadu_pd(out);
    }
    return v;
}

#endif
#endif
