/* sha256.c: SHA-256 on the CPU's SHA extensions when it has them, else
 * libsodium. The SHA-NI compression follows Intel's "Intel SHA Extensions"
 * white paper (2013): four rounds per step, two per sha256rnds2, with the
 * message schedule computed four words at a time (sha256msg1/msg2). */
#include "core/sha256.h"
#include "core/cpu.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Compresses `blocks` 64-byte blocks into state (a..h). */
SHA_TARGET static void compress_ni(uint32_t state[8], const unsigned char *data, size_t blocks)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    /* The instructions want the state as ABEF and CDGH. */
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);
    s1 = _mm_blend_epi16(s1, t, 0xF0);
    for (; blocks; blocks--, data += 64) {
        __m128i abef = s0, cdgh = s1, w[4];
        for (int i = 0; i < 16; i++) {
            if (i < 4)
                w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), swap);
            __m128i msg = _mm_add_epi32(w[i % 4], _mm_loadu_si128((const __m128i *)&K[4 * i]));
            s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
            if (i >= 3 && i <= 14) {
                /* W[i+1] = sigma terms of the words 16, 15, 7 and 2 back. */
                __m128i next =
                    _mm_add_epi32(w[(i + 1) % 4], _mm_alignr_epi8(w[i % 4], w[(i + 3) % 4], 4));
                w[(i + 1) % 4] = _mm_sha256msg2_epu32(next, w[i % 4]);
            }
            s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0E));
            if (i >= 1 && i <= 12)
                w[(i + 3) % 4] = _mm_sha256msg1_epu32(w[(i + 3) % 4], w[i % 4]);
        }
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    t = _mm_shuffle_epi32(s0, 0x1B);
    s1 = _mm_shuffle_epi32(s1, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(t, s1, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(s1, t, 8));
}

/* SHA-256 of n bytes at p, compressed into state after `before` bytes
 * (a whole number of blocks) already were. */
static void sha256_ni_from(uint32_t state[8], uint64_t before, const unsigned char *p, size_t n,
                           unsigned char out[32])
{
    compress_ni(state, p, n / 64);
    /* The tail, 0x80, zeros, and the length in bits: one or two blocks. */
    unsigned char last[128] = { 0 };
    size_t rest = n % 64, len = rest < 56 ? 64 : 128;
    if (rest)
        memcpy(last, p + n - rest, rest);
    last[rest] = 0x80;
    uint64_t bits = ((uint64_t)n + before) * 8;
    for (int i = 0; i < 8; i++)
        last[len - 1 - i] = (unsigned char)(bits >> (8 * i));
    compress_ni(state, last, len / 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(state[i] >> 24);
        out[4 * i + 1] = (unsigned char)(state[i] >> 16);
        out[4 * i + 2] = (unsigned char)(state[i] >> 8);
        out[4 * i + 3] = (unsigned char)state[i];
    }
}

static const uint32_t H0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
#endif

void sha256(const void *p, size_t n, unsigned char out[32])
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (cpu_has_sha()) {
        uint32_t state[8];
        memcpy(state, H0, sizeof state);
        sha256_ni_from(state, 0, p, n, out);
        return;
    }
#endif
    crypto_hash_sha256(out, p, n);
}

void sha256_after_block(const unsigned char block[64], const void *p, size_t n,
                        unsigned char out[32])
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (cpu_has_sha()) {
        uint32_t state[8];
        memcpy(state, H0, sizeof state);
        compress_ni(state, block, 1);
        sha256_ni_from(state, 64, p, n, out);
        return;
    }
#endif
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, block, 64);
    crypto_hash_sha256_update(&st, p, n);
    crypto_hash_sha256_final(&st, out);
}
