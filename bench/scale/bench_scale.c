/* bench_scale: builds a repository of N risks quickly, for bench/scale/run.sh.
 *
 *   bench_scale REPO N
 *
 * REPO must not exist (a SQLite path or a postgres:// URI of an empty
 * database). A few people, objectives and assets, then 25 template risks
 * through the domain layer (every rule, one per cell of the 5x5 matrix);
 * the other risks are clones of the templates with their own id, key and
 * title, written straight through the store with their ledger entries
 * (record_canonical + ledger_append, as dom_add does), 10,000 per
 * transaction. The result is a repository that `isms verify` accepts, of
 * N risks and about N + 70 ledger entries, at some 20 times the rate of
 * the full domain path (bench/load measures that one). Output: one JSON
 * line. */
#include "bench/support/util.h"
#include "core/text.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TEMPLATES = 25, BATCH = 10000 };

/* Risk number i (from 1) as the domain layer would write it. */
static void add_template(dom *d, int i, record *out)
{
    arena *a = dom_arena(d);
    bench_record(d, &reg_risk, out, F_RISK_TITLE,
                 arena_printf(a, "Risk %d: loss of service through supplier failure", i),
                 F_RISK_OWNER, "omar@bench.example", F_RISK_OBJECTIVES,
                 arena_printf(a, "OBJ-%d", i % 10 + 1), F_RISK_ASSETS,
                 arena_printf(a, "AST-%d,AST-%d", i % 10 + 1, (i + 3) % 10 + 1), F_RISK_THREATS,
                 arena_printf(a, "T-IS-%03d", i % 15 + 1), F_RISK_LIKELIHOOD,
                 arena_printf(a, "%d", (i - 1) % 5 + 1), F_RISK_IMPACT,
                 arena_printf(a, "%d", (i - 1) / 5 % 5 + 1), F_RISK_TREATMENT, "mitigate", -1);
}

/* A template with id `id` and key RISK-<number>. */
static void add_clone(dom *d, const record *tmpl, int64_t id, int64_t number, int title, arena *a)
{
    record r;
    record_copy(&r, tmpl, a);
    r.id = id;
    r.key = arena_printf(a, "RISK-%lld", (long long)number);
    r.v[title].s =
        arena_printf(a, "Risk %lld: loss of service through supplier failure", (long long)number);
    bench_insert_logged(d, &r);
}

int main(int argc, char **argv)
{
    if (argc < 3 || atoll(argv[2]) < TEMPLATES) {
        fprintf(stderr, "usage: bench_scale REPO N (N >= %d)\n", TEMPLATES);
        return 2;
    }
    long long n = atoll(argv[2]);
    double t0 = bench_now();
    isms_err e = { 0 };
    dom *d;
    if (dom_create(argv[1], &(principal){ .actor = "bench" }, 0, &d, &e))
        bench_die("create", &e);
    bench_seed(d, 10, "1000000", 10);
    record tmpl[TEMPLATES];
    arena keep;
    arena_init(&keep);
    for (int i = 0; i < TEMPLATES; i++) {
        record out;
        add_template(d, i + 1, &out);
        record_copy(&tmpl[i], &out, &keep);
    }
    int title = field_index(&reg_risk, F_RISK_TITLE);
    arena a;
    arena_init(&a);
    /* Risk ids continue from the last template's, key numbers with them
     * (the built-in threats took ids before RISK-1). */
    int64_t offset = tmpl[0].id - 1, first = tmpl[TEMPLATES - 1].id + 1, last = offset + n;
    for (int64_t id = first; id <= last; id += BATCH) {
        if (dom_txn_begin(d, &e))
            bench_die("begin", &e);
        for (int64_t k = id; k < id + BATCH && k <= last; k++)
            add_clone(d, &tmpl[k % TEMPLATES], k, k - offset, title, &a);
        if (dom_txn_end(d, 0, &e))
            bench_die("commit", &e);
        arena_reset(&a);
    }
    /* The clones went in through the store: the dashboard's kept figures
     * are counted from the records once, as an upgrade does. */
    if (dom_txn_begin(d, &e) || dom_txn_end(d, dom_tallies_rebuild(d, &e), &e))
        bench_die("tallies", &e);
    arena_free(&a);
    arena_free(&keep);
    dom_close(d);
    double s = bench_now() - t0;
    printf("{\"phase\":\"build\",\"risks\":%lld,\"seconds\":%.3f,\"per_second\":%.0f}\n", n, s,
           (double)n / s);
    return 0;
}
