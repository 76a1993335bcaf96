/* bench_quant: a repository for the quantification and list benchmark
 * (bench/quant/run.sh, issue 16): RISKS risks with FAIR inputs and as
 * many controls, each treating three risks (control i treats risk i and
 * two drawn at random), so that a risk has three controls on average and
 * RISK-1 at least one. Loaded through the domain layer: the same rules
 * and ledger entries as the CLI.
 *
 *   bench_quant REPO RISKS                 REPO must not exist
 *   bench_quant --analyses REPO            REPO made as above: an analysis
 *       of each risk saved (100 iterations each), then one portfolio by
 *       objective, then RISK-1's loss event frequency changed: the
 *       dashboard then has every risk's latest analysis, RISK-1's and the
 *       portfolio's stale (bench/quant/run.sh analyses, issue 16 point 1). */
#include "bench/support/util.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_risk(dom *d, long i, long risks)
{
    (void)risks;
    arena *a = dom_arena(d);
    static const unsigned limit[] = { 10, 5, 5, 4, 90 }; /* objective levels lef loss */
    unsigned n[5];
    bench_draw(n, limit, 5);
    bench_risk(d, i, n[0], n[1], n[2], F_RISK_LEF, arena_printf(a, "pert(0.1,%u,8)", n[3]),
               F_RISK_PRIMARY_LOSS, arena_printf(a, "lognormal90(%u000,2000000)", n[4] + 9), -1);
}

static void add_control(dom *d, long i, long risks)
{
    static const char *const targets[] = { "lef", "primary-loss" };
    arena *a = dom_arena(d);
    const char *target = targets[bench_rand(2)];
    long second = (long)bench_rand((unsigned)risks) + 1;
    long third = (long)bench_rand((unsigned)risks) + 1;
    bench_record(d, &reg_control, NULL, F_CONTROL_TITLE, arena_printf(a, "Control %ld", i),
                 F_CONTROL_OWNER, "omar@bench.example", F_CONTROL_STATUS, "operating",
                 F_CONTROL_COST, "25000", F_CONTROL_ACTS_ON, target, F_CONTROL_REDUCTION,
                 "pert(0.1,0.3,0.5)", F_CONTROL_TREATS,
                 arena_printf(a, "RISK-%ld,RISK-%ld,RISK-%ld", i % risks + 1, second, third), -1);
}

static void phase(dom *d, void (*fn)(dom *, long, long), long n, long risks)
{
    isms_err e = { 0 };
    for (long i = 0; i < n; i += 1000) {
        if (dom_txn_begin(d, &e))
            bench_die("begin", &e);
        for (long k = i; k < i + 1000 && k < n; k++)
            fn(d, k, risks);
        if (dom_txn_end(d, 0, &e))
            bench_die("commit", &e);
        arena_reset(dom_arena(d));
    }
}

static void quantify_risk(dom *d, long i, long risks)
{
    (void)risks;
    isms_err e = { 0 };
    quant_opts o = { .iterations = 100, .seed = 1, .threads = 1, .save = 1 };
    risk_quant q;
    char key[32];
    snprintf(key, sizeof key, "RISK-%ld", i + 1);
    if (dom_risk_quantify(d, key, &o, &q, &e))
        bench_die(key, &e);
}

/* Every risk's analysis, a portfolio's, then a change after them. */
static int analyses(const char *repo)
{
    isms_err e = { 0 };
    dom *d;
    int64_t risks = 0;
    if (dom_open(repo, &d, &e) || store_count(dom_store(d), &reg_risk, NULL, &risks, &e))
        bench_die("open", &e);
    phase(d, quantify_risk, (long)risks, (long)risks);
    quant_opts o = { .iterations = 100, .seed = 1, .threads = 1, .save = 1 };
    portfolio_quant p;
    if (dom_portfolio_quantify(d, &o, 1, &p, &e))
        bench_die("portfolio", &e);
    record changes, out;
    record_init(&changes, &reg_risk, dom_arena(d));
    bench_set(d, &changes, F_RISK_LEF, "pert(0.1,2,9)");
    if (dom_update(d, &reg_risk, "RISK-1", &changes, 0, &out, NULL, &e))
        bench_die("RISK-1", &e);
    dom_close(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--analyses"))
        return analyses(argv[2]);
    if (argc != 3 || atol(argv[2]) < 1) {
        fprintf(stderr, "usage: bench_quant REPO RISKS\n");
        return 2;
    }
    long risks = atol(argv[2]);
    isms_err e = { 0 };
    dom *d;
    if (dom_create(argv[1], &(principal){ .actor = "bench" }, 0, &d, &e))
        bench_die("create", &e);
    bench_seed(d, 10, "10000000", 0);
    phase(d, add_risk, risks, risks);
    phase(d, add_control, risks, risks);
    dom_close(d);
    return 0;
}
