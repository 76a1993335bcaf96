/* core/sha256.c (OpenSSL's libcrypto) against libsodium's SHA-256 and the
 * FIPS 180-2 examples: every length from 0 to 300 bytes (one and two final
 * blocks, each boundary of the padding), and long messages. Two libraries
 * that agree on every length keep a mistake in how isms calls either one
 * (a length, an offset) from passing. */
#include "support/testutil.h"
#include "core/sha256.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char h[32], char out[65]) { sodium_bin2hex(out, 65, h, 32); }

static void fips_examples(void **state)
{
    (void)state;
    unsigned char h[32];
    char x[65];
    sha256("abc", 3, h);
    hex(h, x);
    assert_string_equal(x, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256(two, strlen(two), h);
    hex(h, x);
    assert_string_equal(x, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha256("", 0, h);
    hex(h, x);
    assert_string_equal(x, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void agrees_with_libsodium(void **state)
{
    (void)state;
    enum { BIG = 1 << 20 };
    unsigned char *msg = malloc(BIG);
    randombytes_buf(msg, BIG);
    unsigned char a[32], b[32];
    for (size_t n = 0; n <= 300; n++) {
        sha256(msg + n % 7, n, a); /* unaligned starts too */
        crypto_hash_sha256(b, msg + n % 7, n);
        if (memcmp(a, b, 32))
            fail_msg("SHA-256 of %zu bytes differs from libsodium's", n);
    }
    size_t sizes[] = { 1000, 4095, 4096, 65537, BIG };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        sha256(msg, sizes[i], a);
        crypto_hash_sha256(b, msg, sizes[i]);
        if (memcmp(a, b, 32))
            fail_msg("SHA-256 of %zu bytes differs from libsodium's", sizes[i]);
    }
    free(msg);
}

/* A block then the bytes (verify's keyed digests) is the digest of the
 * two one after the other, whatever the bytes' length. */
static void after_block_is_the_concatenation(void **state)
{
    (void)state;
    unsigned char msg[64 + 300], a[32], b[32];
    randombytes_buf(msg, sizeof msg);
    for (size_t n = 0; n <= 300; n++) {
        sha256_after_block(msg, msg + 64, n, a);
        crypto_hash_sha256(b, msg, 64 + n);
        if (memcmp(a, b, 32))
            fail_msg("a block then %zu bytes: not SHA-256 of the two", n);
    }
    msg[0] ^= 1; /* the block counts */
    sha256_after_block(msg, msg + 64, 10, a);
    crypto_hash_sha256(b, msg, 64 + 10);
    assert_memory_equal(a, b, 32);
    msg[0] ^= 1;
    sha256_after_block(msg, msg + 64, 10, b);
    assert_memory_not_equal(a, b, 32);
}

TU_MAIN(tu_setup_sodium, NULL, cmocka_unit_test(fips_examples),
        cmocka_unit_test(agrees_with_libsodium), cmocka_unit_test(after_block_is_the_concatenation))
