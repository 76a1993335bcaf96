/* bench_mixed: grows every register of a repository to N records, for
 * bench/sweep/run.sh.
 *
 *   bench_mixed REPO N
 *
 * REPO is an existing repository (the demo: `isms demo`), whose records
 * are the templates. Every register but the organisation profile, the
 * framework catalogs (frameworks, their requirements: a catalog is what it
 * is, not a register that grows) and the signing keys gets clones of its
 * active records, in turn, until it holds N: each with its own id and key,
 * its label numbered ("Risk title 1234"), each unique text prefixed
 * ("c1234-"), written straight through the store with its ledger entry as
 * bench_scale writes its risks, 10,000 a transaction. The k-th copy of
 * the demo's records (a round) refers to the k-th copies of what its
 * template refers to (refer_within_round), so the repository is the demo
 * organisation many times over, each record named by as many as in the
 * demo; of the copies of a version in force (an approved scope, appetite
 * or SoA) the last round's are in force too, the others superseded. The
 * kept figures are then counted from the records once
 * (dom_tallies_rebuild), as an upgrade does. Output: one JSON line a
 * register. */
#include "bench/support/util.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 10000, REGISTERS_MAX = 64 };

/* The registers that do not grow by copies: the singleton, the catalogs
 * (a requirement is unique by its framework and code), the keys (a key is
 * unique by its public key, which a copy could not sign with). */
static int grows(const regdef *reg)
{
    static const char *const fixed[] = { "framework", "requirement", "key" };
    if (reg->flags & REG_SINGLETON)
        return 0;
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (!strcmp(reg->name, fixed[i]))
            return 0;
    return 1;
}

/* A register's templates and what became of them: clone m (from 0) is a
 * copy of template m % n, with id first_id + m and number first_no + m. */
typedef struct grown {
    record *r;
    int n, cap;
    int64_t first_id, first_no, made, total; /* total: clones to make */
} grown;

static grown grown_of[REGISTERS_MAX]; /* by regdef.num */

static arena kept; /* the templates, for the whole run */

static int keep(const record *r, void *ctx)
{
    grown *t = ctx;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->r = realloc(t->r, (size_t)t->cap * sizeof *t->r);
        if (!t->r)
            abort();
    }
    record_copy(&t->r[t->n++], r, &kept);
    return 0;
}

/* The record that template target `id` of register `target` became in
 * round `round` (clones round * n to round * n + n - 1; the rounds made
 * taken in turn where it made fewer), as *id and *key; kept where it made
 * no whole round. A set's members are all of one round, so their ids stay
 * ascending. */
static void same_round(const regdef *target, int64_t round, int64_t *id, const char **key, arena *a)
{
    const grown *t = &grown_of[target->num];
    int64_t rounds = t->n ? t->made / t->n : 0; /* whole rounds made */
    if (!rounds)
        return;
    for (int j = 0; j < t->n; j++)
        if (t->r[j].id == *id) {
            int64_t m = round % rounds * t->n + j;
            *id = t->first_id + m;
            *key = arena_printf(a, "%s-%lld", target->key_prefix, (long long)(t->first_no + m));
            return;
        }
}

/* A clone's references name the clones of the same round where there are
 * (a copied control treats the copied risks, a copied risk has copied
 * owners), so that no record is named by more than its template was: the
 * demo organisation again, not one objective under a million risks. */
static void refer_within_round(record *r, int64_t round, arena *a)
{
    for (int f = 0; f < r->reg->nfields; f++) {
        const fielddef *fd = &r->reg->fields[f];
        value *v = &r->v[f];
        const regdef *target = fd->target ? register_find(fd->target) : NULL;
        if (v->null || !target || target == r->reg)
            continue;
        if (fd->type == FT_REF) {
            same_round(target, round, &v->i, &v->s, a);
        } else if (fd->type == FT_LINKS && v->n) {
            int64_t *ids = arena_alloc(a, (size_t)v->n * sizeof *ids);
            const char **keys = arena_alloc(a, (size_t)v->n * sizeof *keys);
            for (int k = 0; k < v->n; k++) {
                ids[k] = v->ids[k];
                keys[k] = v->keys[k];
                same_round(target, round, &ids[k], &keys[k], a);
            }
            v->ids = ids;
            v->keys = keys;
        }
    }
}

/* Clone m of register t: its template's copy, with its own id and key. */
static void add_clone(dom *d, const grown *t, int64_t m, arena *a)
{
    const record *tmpl = &t->r[m % t->n];
    const regdef *reg = tmpl->reg;
    int64_t no = t->first_no + m;
    record r;
    record_copy(&r, tmpl, a);
    r.id = t->first_id + m;
    r.key = arena_printf(a, "%s-%lld", reg->key_prefix, (long long)no);
    for (int f = 0; f < reg->nfields; f++) {
        const fielddef *fd = &reg->fields[f];
        value *v = &r.v[f];
        if (fd->type != FT_TEXT || v->null || !v->s)
            continue;
        if (fd->flags & FF_UNIQUE)
            v->s = arena_printf(a, "c%lld-%s", (long long)no, v->s);
        else if (reg->label && f == field_index(reg, reg->label))
            v->s = arena_printf(a, "%s %lld", v->s, (long long)no);
    }
    refer_within_round(&r, m / t->n, a);
    /* A version replaced by a newer one (a scope, an appetite, an SoA
     * approved again): a decade's approvals leave the newest in force and
     * the older superseded, so the last round's copies keep their
     * template's state and the others are superseded (the template, the
     * oldest, stays as it was). */
    const lifecycle *lc = reg->lifecycle;
    if (lc && lc->superseded && m < t->total - t->n) {
        value *state = &r.v[field_index(reg, lc->field)];
        if (!state->null && strcmp(state->s, lc->states[0]))
            state->s = lc->superseded;
    }
    bench_insert_logged(d, &r);
}

static void grow(dom *d, const regdef *reg, int64_t n)
{
    isms_err e = { 0 };
    arena a;
    arena_init(&a);
    grown *t = &grown_of[reg->num];
    if (store_scan(dom_store(d), reg, &(store_query){ 0 }, keep, t, &e))
        bench_die(reg->name, &e);
    int64_t have = 0;
    if (store_count(dom_store(d), reg, &(store_query){ .include_retired = 1 }, &have, &e))
        bench_die(reg->name, &e);
    double t0 = bench_now();
    t->total = have < n ? n - have : 0;
    if (t->n && have < n) {
        char *key;
        if (store_next_key(dom_store(d), reg, &key, &t->first_id, &a, &e))
            bench_die(reg->name, &e);
        t->first_no = atoll(key + strlen(reg->key_prefix) + 1); /* PREFIX-<number> */
    }
    while (t->n && have + t->made < n) {
        if (dom_txn_begin(d, &e))
            bench_die("begin", &e);
        for (int k = 0; k < BATCH && have + t->made < n; k++, t->made++)
            add_clone(d, t, t->made, &a);
        if (dom_txn_end(d, 0, &e))
            bench_die("commit", &e);
        arena_reset(&a);
    }
    printf("{\"register\":\"%s\",\"templates\":%d,\"before\":%lld,\"added\":%lld,"
           "\"seconds\":%.3f}\n",
           reg->name, t->n, (long long)have, (long long)t->made, bench_now() - t0);
    fflush(stdout);
    arena_free(&a);
}

int main(int argc, char **argv)
{
    if (argc < 3 || atoll(argv[2]) < 1) {
        fprintf(stderr, "usage: bench_mixed REPO N\n");
        return 2;
    }
    isms_err e = { 0 };
    dom *d;
    arena_init(&kept);
    if (dom_open(argv[1], &d, &e))
        bench_die("open", &e);
    for (const regdef *const *reg = registers; *reg; reg++)
        if ((*reg)->num < REGISTERS_MAX && grows(*reg))
            grow(d, *reg, atoll(argv[2]));
    if (dom_txn_begin(d, &e) || dom_txn_end(d, dom_tallies_rebuild(d, &e), &e))
        bench_die("tallies", &e);
    dom_close(d);
    for (int k = 0; k < REGISTERS_MAX; k++)
        free(grown_of[k].r);
    arena_free(&kept);
    return 0;
}
