/* sha256.h: SHA-256 (FIPS 180-4), one call per message (or a stream of pieces).
 *
 * The ledger hashes every entry when it is written and again, with every
 * record, on each `isms verify`; the Merkle tree hashes each entry once
 * more. OpenSSL's libcrypto computes it, on the CPU's SHA extensions where
 * it has them (several times faster than libsodium's portable C);
 * tests/core/test_sha256.c holds it to libsodium's digest and FIPS 180's
 * examples. */
#ifndef ISMS_CORE_SHA256_H
#define ISMS_CORE_SHA256_H

#include <stddef.h>

void sha256(const void *p, size_t n, unsigned char out[32]);
/* SHA-256 of a 64-byte block followed by n bytes at p, without copying
 * them behind it (a keyed digest: the block holds the key). */
void sha256_after_block(const unsigned char block[64], const void *p, size_t n,
                        unsigned char out[32]);

/* A message hashed as it comes, in pieces (a portfolio's inputs, a
 * risk at a time, never whole in memory): new, add as often as needed,
 * end (gives the digest and frees the stream). */
typedef struct sha256_stream sha256_stream;
sha256_stream *sha256_stream_new(void);
void sha256_stream_add(sha256_stream *s, const void *p, size_t n);
void sha256_stream_end(sha256_stream *s, unsigned char out[32]);

#endif
