/* The Merkle tree (src/ledger/merkle.c) against the RFC 6962 test vectors
 * of transparency-dev/merkle (tests/data/merkle: every happy path must
 * verify, every mutant must be refused), and against a naive, recursive
 * reading of RFC 9162 for tree heads and for proofs of every (k, n). */
#include "support/testutil.h"
#include "ledger/merkle.h"

#include <ftw.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VECTORS ISMS_SOURCE_DIR "/tests/data/merkle"

/* The vector set as published (README.md there): 98 of each kind, 12 of
 * them positive. A missing or partial directory fails here. */
enum { INCLUSION_FILES = 98, CONSISTENCY_FILES = 98, POSITIVE_FILES = 12 };

/* ---- reading the vectors ---- */

typedef struct tally {
    int inclusion, consistency, positive, failures;
} tally;

static tally seen;

/* Decodes one base64 value into a hash; returns whether it was one (32
 * bytes). The vectors hold values that are not SHA-256 hashes at all:
 * "don't care" roots of 12 bytes, empty leaves. The API takes 32-byte
 * hashes only, so:
 *  - a leaf or proof element of another length cannot be given to it: the
 *    vector counts as refused (as Go's verifier refuses a leaf hash of the
 *    wrong size);
 *  - a root of another length stands for a root no tree has: it becomes a
 *    digest of its own bytes under a label no tree hash uses. Equal values
 *    stay equal (the roots of two equal size-1 trees), different ones stay
 *    different, and none matches a real root. */
static int decode_hash(const char *file, const json_t *j, merkle_hash out)
{
    const char *b64 = json_string_value(j);
    if (!b64)
        b64 = "";
    unsigned char raw[256];
    size_t n = 0;
    if (sodium_base642bin(raw, sizeof raw, b64, strlen(b64), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL))
        fail_msg("%s: not base64: %s", file, b64);
    if (n == MERKLE_HASH_SIZE) {
        memcpy(out, raw, MERKLE_HASH_SIZE);
        return 1;
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"not a hash:", 11);
    crypto_hash_sha256_update(&st, raw, n);
    crypto_hash_sha256_final(&st, out);
    return 0;
}

/* Sizes and indexes are unsigned 64-bit in the vectors; one is 2^64 - 1
 * (an index of 0 minus one), which jansson reads only as a real. */
static uint64_t get_u64(const json_t *o, const char *name)
{
    double d = json_number_value(json_object_get(o, name));
    return d >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)d;
}

/* *hashes (may be NULL) is cleared when an element is not a hash. */
static merkle_hash *decode_proof(const char *file, const json_t *arr, size_t *n, int *hashes)
{
    *n = json_array_size(arr); /* 0 for null */
    merkle_hash *p = calloc(*n + 1, sizeof *p);
    for (size_t i = 0; i < *n; i++)
        if (!decode_hash(file, json_array_get(arr, i), p[i]))
            *hashes = 0;
    return p;
}

static void tally_result(const char *file, int rc, int want_ok)
{
    if ((rc == 0) != want_ok) {
        print_error("%s: expected %s, got %s\n", file, want_ok ? "ok" : "an error",
                    rc ? "an error" : "ok");
        seen.failures++;
    }
}

static void check_inclusion(const char *file, const json_t *v, int want_ok)
{
    merkle_hash root, leaf;
    size_t n;
    decode_hash(file, json_object_get(v, "root"), root);
    int hashes = decode_hash(file, json_object_get(v, "leafHash"), leaf);
    merkle_hash *proof = decode_proof(file, json_object_get(v, "proof"), &n, &hashes);
    int rc = !hashes ? E_INVALID
                     : merkle_verify_inclusion(get_u64(v, "leafIdx"), get_u64(v, "treeSize"), leaf,
                                               proof, n, root, NULL);
    free(proof);
    tally_result(file, rc, want_ok);
    seen.inclusion++;
}

static void check_consistency(const char *file, const json_t *v, int want_ok)
{
    merkle_hash root1, root2;
    size_t n;
    decode_hash(file, json_object_get(v, "root1"), root1);
    decode_hash(file, json_object_get(v, "root2"), root2);
    int hashes = 1;
    merkle_hash *proof = decode_proof(file, json_object_get(v, "proof"), &n, &hashes);
    int rc = !hashes ? E_INVALID
                     : merkle_verify_consistency(get_u64(v, "size1"), get_u64(v, "size2"), proof, n,
                                                 root1, root2, NULL);
    free(proof);
    tally_result(file, rc, want_ok);
    seen.consistency++;
}

static int visit(const char *file, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t len = strlen(file);
    if (type != FTW_F || len < 5 || strcmp(file + len - 5, ".json"))
        return 0;
    json_error_t err;
    json_t *v = json_load_file(file, JSON_DECODE_INT_AS_REAL, &err);
    if (!v)
        fail_msg("%s:%d: %s", file, err.line, err.text);
    const json_t *want_err = json_object_get(v, "wantErr");
    if (!json_is_boolean(want_err))
        fail_msg("%s: no wantErr", file);
    int want_ok = json_is_false(want_err);
    seen.positive += want_ok;
    if (strstr(file, "/inclusion/"))
        check_inclusion(file, v, want_ok);
    else
        check_consistency(file, v, want_ok);
    json_decref(v);
    return 0;
}

static void vectors_all_agree(void **state)
{
    (void)state;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(nftw(VECTORS "/inclusion", visit, 16, FTW_PHYS), 0);
    assert_int_equal(nftw(VECTORS "/consistency", visit, 16, FTW_PHYS), 0);
    assert_int_equal(seen.inclusion, INCLUSION_FILES);
    assert_int_equal(seen.consistency, CONSISTENCY_FILES);
    assert_int_equal(seen.positive, POSITIVE_FILES);
    assert_int_equal(seen.failures, 0);
}

/* ---- against a naive reading of RFC 9162 ---- */

enum { NAIVE_MAX = 300, PROOF_MAX = 64 };

static merkle_hash entries[NAIVE_MAX];

static int make_entries(void **state)
{
    (void)state;
    for (int i = 0; i < NAIVE_MAX; i++) {
        char text[32];
        snprintf(text, sizeof text, "ledger entry %d", i + 1);
        crypto_hash_sha256(entries[i], (const unsigned char *)text, strlen(text));
    }
    return 0;
}

/* MTH(D[n]) exactly as the RFC writes it: recursion at the split point. */
static void naive_mth(const merkle_hash *d, uint64_t n, merkle_hash out)
{
    if (n == 0) {
        crypto_hash_sha256(out, (const unsigned char *)"", 0);
        return;
    }
    if (n == 1) {
        unsigned char in[33] = { 0 };
        memcpy(in + 1, d[0], 32);
        crypto_hash_sha256(out, in, sizeof in);
        return;
    }
    uint64_t k = 1;
    while (2 * k < n)
        k *= 2;
    unsigned char in[65];
    in[0] = 1;
    naive_mth(d, k, in + 1);
    naive_mth(d + k, n - k, in + 33);
    crypto_hash_sha256(out, in, sizeof in);
}

static void heads_match_the_naive_tree(void **state)
{
    (void)state;
    merkle_builder b;
    merkle_builder_init(&b);
    for (uint64_t n = 0; n <= NAIVE_MAX; n++) {
        merkle_hash want, got, grown;
        naive_mth(entries, n, want);
        merkle_root(entries, n, got);
        merkle_builder_root(&b, grown);
        assert_memory_equal(got, want, 32);
        assert_memory_equal(grown, want, 32);
        if (n < NAIVE_MAX)
            merkle_builder_add(&b, entries[n]);
    }
    /* The empty tree's head is SHA-256 of nothing. */
    merkle_hash empty;
    merkle_root(entries, 0, empty);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, empty, 32);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static int ceil_log2(uint64_t n)
{
    int l = 0;
    while ((1ull << l) < n)
        l++;
    return l;
}

static void inclusion_proofs_for_every_leaf(void **state)
{
    (void)state;
    for (uint64_t n = 1; n <= PROOF_MAX; n++) {
        merkle_hash root;
        naive_mth(entries, n, root);
        for (uint64_t k = 0; k < n; k++) {
            merkle_proof p;
            merkle_hash leaf;
            assert_int_equal(merkle_inclusion_proof(entries, n, k, &p, NULL), 0);
            assert_true(p.n <= (size_t)ceil_log2(n));
            merkle_leaf_hash(entries[k], leaf);
            assert_int_equal(merkle_verify_inclusion(k, n, leaf, p.h, p.n, root, NULL), 0);
            merkle_hash derived;
            assert_int_equal(merkle_inclusion_root(k, n, leaf, p.h, p.n, derived, NULL), 0);
            assert_memory_equal(derived, root, 32);
            /* Another leaf, another position, a changed proof: refused. */
            merkle_leaf_hash(entries[(k + 1) % NAIVE_MAX], leaf);
            assert_int_not_equal(merkle_verify_inclusion(k, n, leaf, p.h, p.n, root, NULL), 0);
            merkle_leaf_hash(entries[k], leaf);
            if (n > 1)
                assert_int_not_equal(
                    merkle_verify_inclusion((k + 1) % n, n, leaf, p.h, p.n, root, NULL), 0);
            for (size_t i = 0; i < p.n; i++) {
                p.h[i][i % 32] ^= 0x10;
                assert_int_equal(merkle_verify_inclusion(k, n, leaf, p.h, p.n, root, NULL),
                                 E_TAMPERED);
                p.h[i][i % 32] ^= 0x10;
            }
            if (p.n)
                assert_int_equal(merkle_verify_inclusion(k, n, leaf, p.h, p.n - 1, root, NULL),
                                 E_INVALID);
        }
        merkle_proof p;
        assert_int_equal(merkle_inclusion_proof(entries, n, n, &p, NULL), E_INVALID);
    }
}

static void consistency_proofs_for_every_pair(void **state)
{
    (void)state;
    for (uint64_t n2 = 1; n2 <= PROOF_MAX; n2++) {
        merkle_hash root2;
        naive_mth(entries, n2, root2);
        for (uint64_t n1 = 1; n1 <= n2; n1++) {
            merkle_hash root1;
            merkle_proof p;
            naive_mth(entries, n1, root1);
            assert_int_equal(merkle_consistency_proof(entries, n2, n1, &p, NULL), 0);
            assert_true(p.n <= (size_t)ceil_log2(n2) + 1);
            assert_int_equal(merkle_verify_consistency(n1, n2, p.h, p.n, root1, root2, NULL), 0);
            if (n1 < n2) {
                /* The heads follow from the path (and root1 when it is a perfect tree). */
                merkle_hash d1, d2;
                assert_int_equal(merkle_consistency_roots(n1, n2, p.h, p.n, root1, d1, d2, NULL),
                                 0);
                assert_memory_equal(d1, root1, 32);
                assert_memory_equal(d2, root2, 32);
            }
            /* A rewritten old tree (another root1) does not extend to root2. */
            merkle_hash other;
            naive_mth(entries + 1, n1, other);
            assert_int_not_equal(merkle_verify_consistency(n1, n2, p.h, p.n, other, root2, NULL),
                                 0);
            assert_int_not_equal(merkle_verify_consistency(n1, n2, p.h, p.n, root1, other, NULL),
                                 0);
            for (size_t i = 0; i < p.n; i++) {
                p.h[i][31 - i % 32] ^= 0x01;
                assert_int_not_equal(
                    merkle_verify_consistency(n1, n2, p.h, p.n, root1, root2, NULL), 0);
                p.h[i][31 - i % 32] ^= 0x01;
            }
        }
        merkle_proof p;
        assert_int_equal(merkle_consistency_proof(entries, n2, 0, &p, NULL), E_INVALID);
        assert_int_equal(merkle_consistency_proof(entries, n2, n2 + 1, &p, NULL), E_INVALID);
    }
}

/* A proof of a big tree is short: the ledger of an organisation with
 * years of history still fits in an evidence pack. */
static void big_tree_proofs_are_short(void **state)
{
    (void)state;
    enum { N = 100000 };
    merkle_hash *d = malloc(sizeof *d * N);
    for (int i = 0; i < N; i++) {
        char text[32];
        snprintf(text, sizeof text, "entry %d", i);
        crypto_hash_sha256(d[i], (const unsigned char *)text, strlen(text));
    }
    merkle_hash root, leaf;
    merkle_root(d, N, root);
    merkle_proof p;
    assert_int_equal(merkle_inclusion_proof(d, N, 77777, &p, NULL), 0);
    assert_int_equal((int)p.n, 17);
    merkle_leaf_hash(d[77777], leaf);
    assert_int_equal(merkle_verify_inclusion(77777, N, leaf, p.h, p.n, root, NULL), 0);
    merkle_hash root1;
    merkle_root(d, 65537, root1);
    assert_int_equal(merkle_consistency_proof(d, N, 65537, &p, NULL), 0);
    assert_true(p.n <= 18);
    assert_int_equal(merkle_verify_consistency(65537, N, p.h, p.n, root1, root, NULL), 0);
    free(d);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(vectors_all_agree),
        cmocka_unit_test_setup(heads_match_the_naive_tree, make_entries),
        cmocka_unit_test_setup(inclusion_proofs_for_every_leaf, make_entries),
        cmocka_unit_test_setup(consistency_proofs_for_every_pair, make_entries),
        cmocka_unit_test_setup(big_tree_proofs_are_short, make_entries))
