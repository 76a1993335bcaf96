/* The Merkle tree the repository keeps as its ledger grows (ledger/nodes.h)
 * against the tree built in memory from the entries (ledger/merkle.h, held
 * to the RFC 6962 vectors in test_merkle.c): the same heads and the same
 * proofs at every size; the tree filled for an older ledger is the tree
 * grown entry by entry; and `isms verify` reports a stored node that was
 * altered, removed or added. On the backend under test. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "domain/integrity/tree.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Crosses the powers of two up to 128, and a few odd shapes above. */
enum { ENTRIES = 150 };

static merkle_hash hashes[ENTRIES];

/* The fixture of the tests of the stored tree: a new bare repository (no catalogues, so the
 * ledger is the test's alone), open in `bare`. */
static const char *bare_target;
static dom *bare;

static int bare_repository(void **state)
{
    (void)state;
    static int made;
    char name[32];
    snprintf(name, sizeof name, "nodes-%d", ++made);
    bare_target = tu_repo(name);
    isms_err e = { 0 };
    if (dom_create(bare_target, &(principal){ .actor = "test" }, DOM_CREATE_BARE, &bare, &e))
        fail_msg("create: %s", e.msg);
    return 0;
}

static int close_repository(void **state)
{
    (void)state;
    dom_close(bare);
    bare = NULL;
    return 0;
}

/* Fills the stored tree of the open repository (`what` names the step in a failure). */
static void fill_tree(const char *what)
{
    isms_err e = { 0 };
    if (store_begin(dom_store(bare), 1, &e) || ledger_tree_fill(dom_store(bare), &e) ||
        store_commit(dom_store(bare), &e))
        fail_msg("%s: %s", what, e.msg);
}

/* Appends entries #1..#n through ledger_append, one transaction each. */
static void append_entries(int n)
{
    for (int i = 0; i < n; i++) {
        isms_err e = { 0 };
        char key[32], data[64];
        snprintf(key, sizeof key, "TEST-%d", i + 1);
        snprintf(data, sizeof data, "{\"n\":%d}", i + 1);
        ledger_change c = { .actor = "test",
                            .entity = "test",
                            .key = key,
                            .op = "add",
                            .data = data,
                            .ts = "2026-01-01T00:00:00Z" };
        if (store_begin(dom_store(bare), 1, &e) || ledger_append(dom_store(bare), &c, NULL, &e) ||
            store_commit(dom_store(bare), &e))
            fail_msg("append #%d: %s", i + 1, e.msg);
    }
}

static int take_hash(int64_t seq, const char *hex, void *ctx)
{
    (void)ctx;
    assert_true(seq >= 1 && seq <= ENTRIES);
    assert_int_equal(sodium_hex2bin(hashes[seq - 1], MERKLE_HASH_SIZE, hex, 64, NULL, NULL, NULL),
                     0);
    return 0;
}

static void read_hashes(void)
{
    isms_err e = { 0 };
    if (store_ledger_hashes(dom_store(bare), 0, take_hash, NULL, &e))
        fail_msg("hashes: %s", e.msg);
}

static void same_proof(const merkle_proof *a, const merkle_proof *b, const char *what, int m, int n)
{
    if (a->n != b->n || memcmp(a->h, b->h, a->n * MERKLE_HASH_SIZE))
        fail_msg("%s proof (%d, %d): the stored tree gives another path than the entries", what, m,
                 n);
}

/* Every size's head; inclusion and consistency proofs at the edges and in
 * the middle of each size (all of them would be some 20,000 proofs, too
 * many round trips for PostgreSQL). */
static void check_size(const merkle_source *src, int n)
{
    isms_err e = { 0 };
    merkle_hash want, got;
    merkle_root(hashes, (uint64_t)n, want);
    assert_int_equal(merkle_source_root(src, (uint64_t)n, got, &e), 0);
    if (memcmp(want, got, MERKLE_HASH_SIZE))
        fail_msg("the stored tree's head at size %d is not the entries' head", n);
    int at[] = { 0, 1, n / 3, n / 2, n - 2, n - 1 };
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        if (at[k] < 0 || at[k] >= n)
            continue;
        merkle_proof a, b;
        assert_int_equal(merkle_inclusion_proof(hashes, (uint64_t)n, (uint64_t)at[k], &a, &e), 0);
        assert_int_equal(merkle_source_inclusion(src, (uint64_t)n, (uint64_t)at[k], &b, &e), 0);
        same_proof(&a, &b, "inclusion", at[k], n);
        int m = at[k] + 1;
        assert_int_equal(merkle_consistency_proof(hashes, (uint64_t)n, (uint64_t)m, &a, &e), 0);
        assert_int_equal(merkle_source_consistency(src, (uint64_t)n, (uint64_t)m, &b, &e), 0);
        same_proof(&a, &b, "consistency", m, n);
    }
}

static void stored_tree_equals_the_entries_tree(void **state)
{
    (void)state;
    append_entries(ENTRIES);
    read_hashes();
    ledger_tree_reader r;
    merkle_source src;
    ledger_tree_source(&r, dom_store(bare), &src);
    for (int n = 1; n <= ENTRIES; n++)
        check_size(&src, n);
    /* One node per entry that completes one: n minus the set bits of n. */
    char *count = tu_sql_value(bare_target, "SELECT COUNT(*) FROM ledger_node");
    assert_int_equal(atoi(count), ENTRIES - __builtin_popcount(ENTRIES));
    free(count);
}

/* The nodes as text, "seq level hash" per line, in order. */
static int dump_node(int64_t seq, int level, const char *hash, void *ctx)
{
    buf_printf(ctx, "%lld %d %s\n", (long long)seq, level, hash);
    return 0;
}

static char *dump(void)
{
    buf b;
    buf_init(&b);
    isms_err e = { 0 };
    if (store_tree_scan(dom_store(bare), 0, INT64_MAX, dump_node, &b, &e))
        fail_msg("scan: %s", e.msg);
    return buf_detach(&b);
}

static void filled_tree_equals_grown_tree(void **state)
{
    (void)state;
    append_entries(77);
    char *grown = dump();
    dom_close(bare);
    /* A ledger from before the stored tree: the entries, no nodes. */
    tu_sql(bare_target, "DELETE FROM ledger_node");
    isms_err e = { 0 };
    if (dom_open(bare_target, &bare, &e))
        fail_msg("open: %s", e.msg);
    char *none = dump();
    assert_string_equal(none, "");
    fill_tree("fill");
    char *filled = dump();
    assert_string_equal(filled, grown);
    /* Filling again finds the tree there and leaves it alone. */
    fill_tree("fill again");
    char *again = dump();
    assert_string_equal(again, grown);
    free(grown), free(none), free(filled), free(again);
}

/* ---- verify holds the stored tree to the entries ---- */

static const char *repository_with_entries(const char *name)
{
    const char *target = tu_repo(name);
    free(tu_isms_ok(NULL, "init", target));
    for (int i = 0; i < 6; i++) {
        char who[64];
        snprintf(who, sizeof who, "p%d@acme.example", i);
        free(tu_isms_ok(target, "person", "add", "--name", "Person", "--email", who));
    }
    return target;
}

static void verify_fails_with(const char *target, const char *needle1, const char *needle2)
{
    tu_result r;
    tu_isms(&r, target, NULL, "verify", "--full", (const char *)NULL);
    if (r.status != 10)
        fail_msg("verify exited %d, expected 10: %s%s", r.status, r.out, r.err);
    assert_contains(r.out, needle1);
    assert_contains(r.out, needle2);
    tu_result_free(&r);
}

static void verify_reports_tampered_nodes(void **state)
{
    (void)state;
    const char *target = repository_with_entries("nodes-tampered");
    char *ok = tu_isms_ok(target, "verify");
    assert_contains(ok, "ok:");
    free(ok);
    char *root = tu_isms_ok(target, "ledger", "root");
    char *proof = tu_isms_ok(target, "ledger", "proof", "5");

    /* Altered: the head of entries #1..#4 says something else, and the
     * proof of entry #5 read from it with it (which verify must catch). */
    tu_sql(target, "UPDATE ledger_node SET hash = "
                   "'00000000000000000000000000000000000000000000000000000000000000aa' "
                   "WHERE seq = 4 AND level = 2");
    char *false_proof = tu_isms_ok(target, "ledger", "proof", "5");
    assert_string_not_equal(proof, false_proof);
    verify_fails_with(target, "node of level 2 ending at entry #4 (entries #1 to #4)",
                      "was altered");
    free(false_proof);

    /* Removed. */
    tu_sql(target, "DELETE FROM ledger_node WHERE seq = 4 AND level = 2");
    verify_fails_with(target, "node of level 2 ending at entry #4 (entries #1 to #4)",
                      "is missing");
    tu_result r;
    tu_isms(&r, target, NULL, "ledger", "proof", "5", (const char *)NULL);
    assert_int_not_equal(r.status, 0);
    assert_contains(r.err, "run isms verify");
    tu_result_free(&r);

    /* Put back as it was, and the tree is whole again. */
    dom *d;
    isms_err e = { 0 };
    tu_sql(target, "DELETE FROM ledger_node");
    if (dom_open(target, &d, &e) || store_begin(dom_store(d), 1, &e) ||
        ledger_tree_fill(dom_store(d), &e) || store_commit(dom_store(d), &e))
        fail_msg("refill: %s", e.msg);
    dom_close(d);
    char *back = tu_isms_ok(target, "ledger", "root");
    assert_string_equal(back, root);
    free(back);
    back = tu_isms_ok(target, "ledger", "proof", "5");
    assert_string_equal(back, proof);
    free(back);

    /* Added: a node no tree of this ledger has, and one past its end. */
    tu_sql(target, "INSERT INTO ledger_node (seq, level, hash) VALUES (6, 3, "
                   "'00000000000000000000000000000000000000000000000000000000000000bb')");
    verify_fails_with(target, "node of level 3 ending at entry #6 is stored", "no such node");
    tu_sql(target, "DELETE FROM ledger_node WHERE level = 3 AND seq = 6;"
                   "INSERT INTO ledger_node (seq, level, hash) VALUES (1000000, 1, "
                   "'00000000000000000000000000000000000000000000000000000000000000cc')");
    /* (past the end of a new repository's ledger, built-in catalogues and all) */
    verify_fails_with(target, "node of level 1 ending at entry #1000000", "removed from its end");
    free(root);
    free(proof);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stored_tree_equals_the_entries_tree, bare_repository,
                                        close_repository),
        cmocka_unit_test_setup_teardown(filled_tree_equals_grown_tree, bare_repository,
                                        close_repository),
        cmocka_unit_test(verify_reports_tampered_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
