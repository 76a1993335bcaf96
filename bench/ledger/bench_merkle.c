/* bench_merkle: the ledger's Merkle tree at scale (docs/PERFORMANCE.md,
 * "Ledger proofs").
 *
 *   bench_merkle [N [REPO]]        default N = 1000000
 *
 * In memory: the tree head of N entry hashes, an inclusion proof, a
 * consistency proof from N/2, and checking each (median of 5 runs; checks
 * are averaged over many). With REPO (a path or postgres:// URI that does
 * not exist yet): a repository whose ledger is made to hold N entries
 * (a valid chain and its stored tree, written straight through the
 * store), then what `isms ledger root` and `isms ledger proof` do on it:
 * read O(log N) stored nodes.
 * Output: one JSON line per measurement. */
#include "bench/support/util.h"
#include "core/text.h"
#include "domain/integrity/tree.h"
#include "domain/engine/dom.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/nodes.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RUNS = 5, CHECKS = 20000 };

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, by_value);
    return t[n / 2];
}

static void report(const char *what, long long n, double seconds, size_t proof_len)
{
    printf("{\"measure\": \"%s\", \"entries\": %lld, \"seconds\": %.6f, \"proof_hashes\": %zu}\n",
           what, n, seconds, proof_len);
    fflush(stdout);
}

/* ---- in memory ---- */

static void in_memory(const merkle_hash *d, uint64_t n)
{
    double t[RUNS];
    merkle_hash root, half_root, leaf;
    merkle_proof incl, cons;
    uint64_t index = n / 9 * 7, half = n / 2;
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        merkle_root(d, n, root);
        t[r] = bench_now() - t0;
    }
    report("tree head", (long long)n, median(t, RUNS), 0);
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        if (merkle_inclusion_proof(d, n, index, &incl, NULL))
            bench_die("inclusion proof", NULL);
        t[r] = bench_now() - t0;
    }
    report("inclusion proof", (long long)n, median(t, RUNS), incl.n);
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        if (merkle_consistency_proof(d, n, half, &cons, NULL))
            bench_die("consistency proof", NULL);
        t[r] = bench_now() - t0;
    }
    report("consistency proof from n/2", (long long)n, median(t, RUNS), cons.n);

    merkle_root(d, half, half_root);
    merkle_leaf_hash(d[index], leaf);
    double t0 = bench_now();
    for (int i = 0; i < CHECKS; i++)
        if (merkle_verify_inclusion(index, n, leaf, incl.h, incl.n, root, NULL))
            bench_die("inclusion check", NULL);
    report("inclusion check", (long long)n, (bench_now() - t0) / CHECKS, incl.n);
    t0 = bench_now();
    for (int i = 0; i < CHECKS; i++)
        if (merkle_verify_consistency(half, n, cons.h, cons.n, half_root, root, NULL))
            bench_die("consistency check", NULL);
    report("consistency check", (long long)n, (bench_now() - t0) / CHECKS, cons.n);
}

/* ---- through a repository ---- */

/* Appends entries until the ledger holds n, chained like real ones, in one
 * transaction (a bulk load; isms itself writes one entry per change). */
static void fill_ledger(dom *d, int64_t n)
{
    isms_err e = { 0 };
    int64_t head = 0;
    char *prev = NULL;
    if (store_begin(dom_store(d), 1, &e) ||
        store_ledger_head(dom_store(d), &head, &prev, dom_arena(d), &e))
        bench_die("ledger head", &e);
    char hash[65], link[65], key[32], data[64];
    snprintf(link, sizeof link, "%s", prev);
    for (int64_t seq = head + 1; seq <= n; seq++) {
        snprintf(key, sizeof key, "BENCH-%lld", (long long)seq);
        snprintf(data, sizeof data, "{\"n\":%lld}", (long long)seq);
        ledger_row r = { .seq = seq,
                         .ts = "2026-01-01T00:00:00Z",
                         .actor = "bench",
                         .entity = "bench",
                         .key = key,
                         .op = "add",
                         .data = data,
                         .prev_hash = link };
        if (ledger_entry_hash(&r, hash, &e))
            bench_die("ledger hash", &e);
        r.hash = hash;
        if (ledger_insert_grown(dom_store(d), &r, &e))
            bench_die("ledger insert", &e);
        memcpy(link, hash, sizeof link);
    }
    if (store_commit(dom_store(d), &e))
        bench_die("commit", &e);
}

static void through_store(const char *target, int64_t n)
{
    isms_err e = { 0 };
    dom *d;
    if (dom_create(target, &(principal){ .actor = "bench" }, 0, &d, &e))
        bench_die("create", &e);
    double t0 = bench_now();
    fill_ledger(d, n);
    report("bulk load of the ledger", (long long)n, bench_now() - t0, 0);
    double t[RUNS];
    ledger_view v;
    merkle_hash root;
    for (int r = 0; r < RUNS; r++) {
        t0 = bench_now();
        if (ledger_view_load(d, 0, &v, &e) || ledger_view_root(&v, v.entries, root, &e))
            bench_die("view", &e);
        t[r] = bench_now() - t0;
        ledger_view_free(&v);
    }
    report("isms ledger root (tree head from the stored nodes)", (long long)n, median(t, RUNS), 0);
    ledger_proof p;
    for (int r = 0; r < RUNS; r++) {
        t0 = bench_now();
        if (ledger_view_load(d, 0, &v, &e) || ledger_view_inclusion(&v, n / 9 * 7, n, &p, &e))
            bench_die("proof", &e);
        t[r] = bench_now() - t0;
        ledger_view_free(&v);
    }
    report("isms ledger proof (inclusion proof from the stored nodes)", (long long)n,
           median(t, RUNS), p.path.n);
    dom_close(d);
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0)
        return 1;
    long long n = argc > 1 ? atoll(argv[1]) : 1000000;
    if (n < 2) {
        fprintf(stderr, "usage: bench_merkle [N >= 2 [REPO]]\n");
        return 2;
    }
    merkle_hash *d = malloc(sizeof *d * (size_t)n);
    for (long long i = 0; i < n; i++)
        crypto_hash_sha256(d[i], (const unsigned char *)&i, sizeof i);
    in_memory((const merkle_hash *)d, (uint64_t)n);
    free(d);
    if (argc > 2)
        through_store(argv[2], n);
    return 0;
}
