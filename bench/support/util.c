#define _GNU_SOURCE /* program_invocation_short_name */
#include "bench/support/util.h"
#include "domain/registers/registers.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "store/store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

_Noreturn void bench_die(const char *what, const isms_err *e)
{
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, e ? e->msg : "failed");
    exit(1);
}

void bench_set(dom *d, record *r, int fid, const char *text)
{
    isms_err e = { 0 };
    if (dom_set_text(d, r, field_index(r->reg, fid), text, &e))
        bench_die(field_def(r->reg, fid)->name, &e);
}

void bench_insert_logged(dom *d, const record *r)
{
    isms_err e = { 0 };
    if (store_insert(dom_store(d), r, &e))
        bench_die(r->reg->name, &e);
    char *data = record_canonical(r);
    ledger_change c = { .actor = dom_actor(d),
                        .entity = r->reg->name,
                        .key = r->key,
                        .op = "add",
                        .data = data,
                        .ts = r->updated_at };
    if (ledger_append(dom_store(d), &c, NULL, &e))
        bench_die("ledger", &e);
    free(data);
}

void bench_add(dom *d, record *r, record *out)
{
    isms_err e = { 0 };
    record ignored;
    if (dom_add(d, r, out ? out : &ignored, &e))
        bench_die("add", &e);
}

unsigned bench_rand(unsigned n)
{
    static uint64_t state = 88172645463325252ull;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}

void bench_draw(unsigned *out, const unsigned *limit, int n)
{
    for (int k = 0; k < n; k++)
        out[k] = bench_rand(limit[k]) + 1;
}

/* The (field id, text) pairs of ap, ended by -1, into r. */
static void set_pairs(dom *d, record *r, va_list ap)
{
    for (int fid = va_arg(ap, int); fid >= 0; fid = va_arg(ap, int))
        bench_set(d, r, fid, va_arg(ap, const char *));
}

void bench_record(dom *d, const regdef *reg, record *out, ...)
{
    record r;
    record_init(&r, reg, dom_arena(d));
    va_list ap;
    va_start(ap, out);
    set_pairs(d, &r, ap);
    va_end(ap);
    bench_add(d, &r, out);
}

void bench_risk(dom *d, long i, unsigned objective, unsigned likelihood, unsigned impact, ...)
{
    arena *a = dom_arena(d);
    record r;
    record_init(&r, &reg_risk, a);
    bench_set(d, &r, F_RISK_TITLE,
              arena_printf(a, "Risk %ld: loss of service through supplier failure", i));
    bench_set(d, &r, F_RISK_OWNER, "omar@bench.example");
    bench_set(d, &r, F_RISK_OBJECTIVES, arena_printf(a, "OBJ-%u", objective));
    bench_set(d, &r, F_RISK_LIKELIHOOD, arena_printf(a, "%u", likelihood));
    bench_set(d, &r, F_RISK_IMPACT, arena_printf(a, "%u", impact));
    bench_set(d, &r, F_RISK_TREATMENT, "mitigate");
    va_list ap;
    va_start(ap, impact);
    set_pairs(d, &r, ap);
    va_end(ap);
    bench_add(d, &r, NULL);
}

void bench_seed(dom *d, int objectives, const char *value_at_stake, int assets)
{
    static const char *const people[][3] = {
        { "Dana Board", "dana@bench.example", "management-body" },
        { "Omar Owner", "omar@bench.example", "risk-owner,asset-owner,control-owner" },
        { "Cleo Control", "cleo@bench.example", "control-owner" },
    };
    arena *a = dom_arena(d);
    for (size_t i = 0; i < sizeof people / sizeof *people; i++)
        bench_record(d, &reg_person, NULL, F_PERSON_NAME, people[i][0], F_PERSON_EMAIL,
                     people[i][1], F_PERSON_ROLES, people[i][2], -1);
    for (int i = 1; i <= objectives; i++)
        bench_record(d, &reg_objective, NULL, F_OBJECTIVE_TITLE, arena_printf(a, "Objective %d", i),
                     F_OBJECTIVE_OWNER, "PER-1", F_OBJECTIVE_VALUE_AT_STAKE, value_at_stake, -1);
    for (int i = 1; i <= assets; i++)
        bench_record(d, &reg_asset, NULL, F_ASSET_NAME, arena_printf(a, "Asset %d", i),
                     F_ASSET_TYPE, "system", F_ASSET_OWNER, "PER-2", -1);
}
