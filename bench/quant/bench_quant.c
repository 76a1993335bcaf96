/* bench_quant: a repository for the quantification and list benchmark
 * (bench/quant/run.sh, issue 16): RISKS risks with FAIR inputs and as
 * many controls, each treating three risks (control i treats risk i and
 * two drawn at random), so that a risk has three controls on average and
 * RISK-1 at least one. Loaded through the domain layer: the same rules
 * and ledger entries as the CLI.
 *
 *   bench_quant REPO RISKS                 REPO must not exist */
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"

#include <stdio.h>
#include <stdlib.h>

static void die(const char *what, const isms_err *e)
{
    fprintf(stderr, "bench_quant: %s: %s\n", what, e->msg);
    exit(1);
}

static void set(dom *d, record *r, int fid, const char *text)
{
    isms_err e = { 0 };
    if (dom_set_text(d, r, field_index(r->reg, fid), text, &e))
        die(field_def(r->reg, fid)->name, &e);
}

static void add(dom *d, record *r)
{
    isms_err e = { 0 };
    record out;
    if (dom_add(d, r, &out, &e))
        die("add", &e);
}

static uint64_t rng_state = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void seed(dom *d)
{
    arena *a = dom_arena(d);
    record r;
    record_init(&r, &reg_person, a);
    set(d, &r, F_PERSON_NAME, "Omar Owner");
    set(d, &r, F_PERSON_EMAIL, "omar@bench.example");
    set(d, &r, F_PERSON_ROLES, "risk-owner,control-owner");
    add(d, &r);
    for (int i = 0; i < 10; i++) {
        record_init(&r, &reg_objective, a);
        set(d, &r, F_OBJECTIVE_TITLE, arena_printf(a, "Objective %d", i + 1));
        set(d, &r, F_OBJECTIVE_OWNER, "PER-1");
        set(d, &r, F_OBJECTIVE_VALUE_AT_STAKE, "10000000");
        add(d, &r);
    }
}

static void add_risk(dom *d, long i, long risks)
{
    (void)risks;
    arena *a = dom_arena(d);
    record r;
    record_init(&r, &reg_risk, a);
    set(d, &r, F_RISK_TITLE,
        arena_printf(a, "Risk %ld: loss of service through supplier failure", i));
    set(d, &r, F_RISK_OWNER, "PER-1");
    set(d, &r, F_RISK_OBJECTIVES, arena_printf(a, "OBJ-%u", rnd(10) + 1));
    set(d, &r, F_RISK_LIKELIHOOD, arena_printf(a, "%u", rnd(5) + 1));
    set(d, &r, F_RISK_IMPACT, arena_printf(a, "%u", rnd(5) + 1));
    set(d, &r, F_RISK_TREATMENT, "mitigate");
    set(d, &r, F_RISK_LEF, arena_printf(a, "pert(0.1,%u,8)", rnd(4) + 1));
    set(d, &r, F_RISK_PRIMARY_LOSS, arena_printf(a, "lognormal90(%u000,2000000)", rnd(90) + 10));
    add(d, &r);
}

static void add_control(dom *d, long i, long risks)
{
    static const char *const targets[] = { "lef", "primary-loss" };
    arena *a = dom_arena(d);
    record r;
    record_init(&r, &reg_control, a);
    set(d, &r, F_CONTROL_TITLE, arena_printf(a, "Control %ld", i));
    set(d, &r, F_CONTROL_OWNER, "PER-1");
    set(d, &r, F_CONTROL_STATUS, "operating");
    set(d, &r, F_CONTROL_COST, "25000");
    set(d, &r, F_CONTROL_ACTS_ON, targets[rnd(2)]);
    set(d, &r, F_CONTROL_REDUCTION, "pert(0.1,0.3,0.5)");
    set(d, &r, F_CONTROL_TREATS,
        arena_printf(a, "RISK-%ld,RISK-%ld,RISK-%ld", i % risks + 1, (long)rnd((unsigned)risks) + 1,
                     (long)rnd((unsigned)risks) + 1));
    add(d, &r);
}

static void phase(dom *d, void (*fn)(dom *, long, long), long n, long risks)
{
    isms_err e = { 0 };
    for (long i = 0; i < n; i += 1000) {
        if (dom_txn_begin(d, &e))
            die("begin", &e);
        for (long k = i; k < i + 1000 && k < n; k++)
            fn(d, k, risks);
        if (dom_txn_end(d, 0, &e))
            die("commit", &e);
        arena_reset(dom_arena(d));
    }
}

int main(int argc, char **argv)
{
    if (argc != 3 || atol(argv[2]) < 1) {
        fprintf(stderr, "usage: bench_quant REPO RISKS\n");
        return 2;
    }
    long risks = atol(argv[2]);
    isms_err e = { 0 };
    dom *d;
    if (dom_create(argv[1], &(principal){ .actor = "bench" }, 0, &d, &e))
        die("create", &e);
    seed(d);
    phase(d, add_risk, risks, risks);
    phase(d, add_control, risks, risks);
    dom_close(d);
    return 0;
}
