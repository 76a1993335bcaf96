/* sha256.c: SHA-256 from OpenSSL's libcrypto.
 *
 * libcrypto picks, at its start, the fastest compression the CPU has (the
 * SHA extensions, AVX2, SSSE3 or plain C) and computes a 400-byte ledger
 * entry in about 0.3 us here, where libsodium's portable C takes 1.3 us.
 * The low-level calls are used: OpenSSL 3 marks them deprecated in favour
 * of EVP, whose per-call context and algorithm fetch would cost more than
 * the hash of a short entry. They remain in OpenSSL 3's API. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/sha256.h"

#include "core/xalloc.h"

#include <openssl/sha.h>
#include <stdlib.h>

/* Not SHA256(): in OpenSSL 3 that one-shot goes through EVP and fetches
 * the algorithm, under a lock, on every call. */
void sha256(const void *p, size_t n, unsigned char out[32])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, p, n);
    SHA256_Final(out, &c);
}

void sha256_after_block(const unsigned char block[64], const void *p, size_t n,
                        unsigned char out[32])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, block, 64);
    SHA256_Update(&c, p, n);
    SHA256_Final(out, &c);
}

struct sha256_stream {
    SHA256_CTX c;
};

sha256_stream *sha256_stream_new(void)
{
    sha256_stream *s = xmalloc(sizeof *s);
    SHA256_Init(&s->c);
    return s;
}

void sha256_stream_add(sha256_stream *s, const void *p, size_t n) { SHA256_Update(&s->c, p, n); }

void sha256_stream_end(sha256_stream *s, unsigned char out[32])
{
    SHA256_Final(out, &s->c);
    free(s);
}
