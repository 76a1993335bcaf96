/* bench_load: loads N risks and M controls through the domain layer (the
 * same validation, rules and ledger entries as the CLI) and reports
 * inserts per second, in batches and one transaction per insert.
 *
 *   bench_load REPO [RISKS [CONTROLS [SINGLE]]]      defaults 100000 10000 1000
 *   bench_load --append REPO [RISKS [SINGLE]]         defaults 20000 200
 *
 * REPO must not exist (a SQLite path or a postgres:// URI of an empty
 * database). Output: one JSON line per phase. bench/load/run.sh adds the
 * timing of `isms risk list --json` on the loaded repository.
 *
 * --append adds risks to an existing repository made by bench_scale (10
 * objectives and assets): the rate of loading at that repository's size,
 * which a load from empty averages over every size it passes. */
#include "bench/support/util.h"
#include "core/text.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How many objectives and assets the repository has to draw from. */
static unsigned seeded = 20;

static void add_risk(dom *d, long i)
{
    arena *a = dom_arena(d);
    const unsigned limit[] = { seeded, seeded, 15, 5, 5 }; /* objective asset threat levels */
    unsigned n[5];
    bench_draw(n, limit, 5);
    bench_risk(d, i, n[0], n[3], n[4], F_RISK_ASSETS, arena_printf(a, "AST-%u", n[1]),
               F_RISK_THREATS, arena_printf(a, "T-IS-%03u", n[2]), -1);
}

static void add_control(dom *d, long i, long risks)
{
    arena *a = dom_arena(d);
    long first = (long)bench_rand((unsigned)risks) + 1;
    long second = (long)bench_rand((unsigned)risks) + 1;
    bench_record(d, &reg_control, NULL, F_CONTROL_TITLE, arena_printf(a, "Control %ld", i),
                 F_CONTROL_OWNER, "PER-3", F_CONTROL_STATUS, "operating", F_CONTROL_COST, "25000",
                 F_CONTROL_TREATS, arena_printf(a, "RISK-%ld,RISK-%ld", first, second), -1);
}

typedef void (*adder)(dom *d, long i, long risks);
static void risk_adder(dom *d, long i, long risks)
{
    (void)risks;
    add_risk(d, i);
}

/* Adds n records in batches of `batch` per transaction (1: one each). */
static void phase(dom *d, const char *name, adder fn, long n, long batch, long risks)
{
    isms_err e = { 0 };
    double t0 = bench_now();
    for (long i = 0; i < n; i += batch) {
        if (batch > 1 && dom_txn_begin(d, &e))
            bench_die("begin", &e);
        for (long k = i; k < i + batch && k < n; k++)
            fn(d, k, risks);
        if (batch > 1 && dom_txn_end(d, 0, &e))
            bench_die("commit", &e);
        arena_reset(dom_arena(d));
    }
    double s = bench_now() - t0;
    printf(
        "{\"phase\":\"%s\",\"records\":%ld,\"batch\":%ld,\"seconds\":%.3f,\"per_second\":%.0f}\n",
        name, n, batch, s, (double)n / s);
    fflush(stdout);
}

/* bench_load --append REPO [RISKS [SINGLE]] */
static int append(int argc, char **argv)
{
    long risks = argc > 3 ? atol(argv[3]) : 20000;
    long single = argc > 4 ? atol(argv[4]) : 200;
    isms_err e = { 0 };
    dom *d;
    if (dom_open(argv[2], &d, &e))
        bench_die("open", &e);
    seeded = 10;
    phase(d, "risks", risk_adder, risks, 1000, risks);
    phase(d, "risks_single_txn", risk_adder, single, 1, risks);
    dom_close(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "--append"))
        return append(argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: bench_load REPO [RISKS [CONTROLS [SINGLE]]]\n");
        return 2;
    }
    long risks = argc > 2 ? atol(argv[2]) : 100000;
    long controls = argc > 3 ? atol(argv[3]) : 10000;
    long single = argc > 4 ? atol(argv[4]) : 1000;
    isms_err e = { 0 };
    dom *d;
    if (dom_create(argv[1], &(principal){ .actor = "bench" }, 0, &d, &e))
        bench_die("create", &e);
    bench_seed(d, 20, "1000000", 20);
    phase(d, "risks", risk_adder, risks, 1000, risks);
    phase(d, "controls", add_control, controls, 1000, risks);
    /* One transaction (and one fsync) per insert, as separate CLI commands do. */
    phase(d, "risks_single_txn", risk_adder, single, 1, risks);
    dom_close(d);
    return 0;
}
