/* tallies_objectives.c: the objectives whose risks are not quantified,
 * kept among the figures (0042; tallies.h). */
#include "domain/registers/tallies.h"
#include "domain/registers/registers.h"
#include "core/arena.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Q_PREFIX TALLY_OBJECTIVE_PREFIX "q."   /* its active risks quantified */
#define U_PREFIX TALLY_OBJECTIVE_PREFIX "u."   /* ... and not */
#define UV_PREFIX TALLY_OBJECTIVE_PREFIX "uv." /* the value it counts as not quantified */
#define TOUCH_PREFIX TALLY_OBJECTIVE_PREFIX "touch."
#define UNQUANTIFIED "objective.unquantified"
#define VALUE_UNQUANTIFIED "objective.value_unquantified"

enum { NAME_LEN = 64 };

/* One objective: its figures as the table holds them (was) and as the
 * commit leaves them (now). */
typedef struct objective_state {
    int64_t id;
    int64_t q, u; /* its risks quantified and not: the change, then now */
    int64_t nq_was, uv_was;
    int64_t nq_now, uv_now;
} objective_state;

typedef struct objectives {
    objective_state *o; /* by id once sorted */
    size_t n, cap;
} objectives;

static objective_state *objective_add(objectives *os, int64_t id)
{
    if (os->n == os->cap) {
        os->cap = os->cap ? 2 * os->cap : 16;
        os->o = xrealloc(os->o, os->cap * sizeof *os->o);
    }
    objective_state *o = &os->o[os->n++];
    memset(o, 0, sizeof *o);
    o->id = id;
    return o;
}

static int starts(const char *name, const char *prefix)
{
    return !strncmp(name, prefix, strlen(prefix));
}

/* "risk.objective.q.ID", ".u.ID" or ".touch.ID": an objective, with n as
 * what its risks' figure changes by. */
static int objective_named(const char *name, int64_t n, void *ctx)
{
    int q = starts(name, Q_PREFIX), u = starts(name, U_PREFIX);
    if (!q && !u && !starts(name, TOUCH_PREFIX))
        return 0;
    objective_state *o = objective_add(ctx, strtoll(strrchr(name, '.') + 1, NULL, 10));
    o->q = q ? n : 0;
    o->u = u ? n : 0;
    return 0;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const objective_state *)a)->id, y = ((const objective_state *)b)->id;
    return (x > y) - (x < y);
}

static void objectives_merge(objectives *os)
{
    if (os->n)
        qsort(os->o, os->n, sizeof *os->o, by_id);
    size_t w = 0;
    for (size_t i = 0; i < os->n; i++) {
        if (w && os->o[w - 1].id == os->o[i].id) {
            os->o[w - 1].q += os->o[i].q;
            os->o[w - 1].u += os->o[i].u;
        } else {
            os->o[w++] = os->o[i];
        }
    }
    os->n = w;
}

/* An active objective: whether none of its risks is quantified, and the
 * value it counts as not quantified (its value at stake, when one is
 * not). */
static void judge(objective_state *o, const record *r)
{
    if (!r->retired_at) {
        o->nq_now = o->q == 0;
        o->uv_now = o->u > 0 ? record_int(r, F_OBJECTIVE_VALUE_AT_STAKE) : 0;
    }
}

static int objective_read(const record *r, void *ctx)
{
    objectives *os = ctx;
    objective_state key = { .id = r->id };
    objective_state *o = bsearch(&key, os->o, os->n, sizeof *os->o, by_id);
    if (o)
        judge(o, r);
    return 0;
}

static int objectives_read(store *s, objectives *os, isms_err *e)
{
    int64_t *ids = xmalloc(sizeof *ids * (os->n + 1));
    for (size_t i = 0; i < os->n; i++)
        ids[i] = os->o[i].id;
    arena a;
    arena_init(&a);
    int rc = store_get_each(s, &reg_objective, ids, (int64_t)os->n, objective_read, os, &a, e);
    arena_reset(&a);
    free(ids);
    return rc;
}

/* "risk.objective.nq.0000000000042": the id zero-padded, so that the
 * names sort as the ids do. */
static void nq_name(char *name, int64_t id)
{
    snprintf(name, NAME_LEN, TALLY_UNQUANTIFIED_PREFIX "%013lld", (long long)id);
}

/* Into t: what objective o moves the figures by. */
static void objective_moves(tallies *t, const objective_state *o)
{
    char name[NAME_LEN];
    if (o->nq_now != o->nq_was) {
        nq_name(name, o->id);
        tallies_put(t, name, o->nq_now - o->nq_was);
        tallies_put(t, UNQUANTIFIED, o->nq_now - o->nq_was);
    }
    if (o->uv_now != o->uv_was) {
        snprintf(name, sizeof name, UV_PREFIX "%lld", (long long)o->id);
        tallies_put(t, name, o->uv_now - o->uv_was);
        tallies_put(t, VALUE_UNQUANTIFIED, o->uv_now - o->uv_was);
    }
}

/* Each objective's figures as the table holds them; what its risks'
 * change by put on them. */
static int objectives_stored(store *s, objectives *os, isms_err *e)
{
    enum { PER = 4 };
    arena a;
    arena_init(&a);
    const char **names = xmalloc(sizeof *names * (os->n * PER + 1));
    int64_t *v = xmalloc(sizeof *v * (os->n * PER + 1));
    for (size_t i = 0; i < os->n; i++) {
        long long id = (long long)os->o[i].id;
        char *nq = arena_alloc(&a, NAME_LEN);
        nq_name(nq, os->o[i].id);
        names[i * PER] = arena_printf(&a, Q_PREFIX "%lld", id);
        names[i * PER + 1] = arena_printf(&a, U_PREFIX "%lld", id);
        names[i * PER + 2] = nq;
        names[i * PER + 3] = arena_printf(&a, UV_PREFIX "%lld", id);
    }
    int rc = store_tally_stored(s, names, os->n * PER, v, e);
    for (size_t i = 0; i < os->n && !rc; i++) {
        objective_state *o = &os->o[i];
        o->q += v[i * PER];
        o->u += v[i * PER + 1];
        o->nq_was = v[i * PER + 2];
        o->uv_was = v[i * PER + 3];
    }
    free(names);
    free(v);
    arena_reset(&a);
    return rc;
}

int tallies_objectives_moves(store *s, tallies *t, isms_err *e)
{
    if (!store_keeps_objective_figures(s))
        return 0;
    objectives os = { 0 };
    store_tally_waiting(s, TALLY_OBJECTIVE_PREFIX, objective_named, &os);
    objectives_merge(&os);
    int rc = os.n ? objectives_stored(s, &os, e) : 0;
    if (!rc && os.n)
        rc = objectives_read(s, &os, e);
    for (size_t i = 0; i < os.n && !rc; i++)
        objective_moves(t, &os.o[i]);
    free(os.o);
    return rc;
}

int tallies_objective_touch(store *s, int64_t id, isms_err *e)
{
    if (!store_keeps_objective_figures(s) || !store_in_write_txn(s))
        return 0;
    char name[NAME_LEN];
    snprintf(name, sizeof name, TOUCH_PREFIX "%lld", (long long)id);
    return store_tally_add(s, &(store_tally){ name, 0 }, 1, e);
}

/* ---- counted from nothing ---- */

/* Every active objective listed; with figures, judged by them and its
 * value as the scan reads it. */
typedef struct listing {
    objectives *os;
    const tallies *figures;
} listing;

static int objective_listed(const record *r, void *ctx)
{
    listing *l = ctx;
    objective_state *o = objective_add(l->os, r->id);
    if (l->figures) {
        char name[NAME_LEN];
        snprintf(name, sizeof name, Q_PREFIX "%lld", (long long)r->id);
        o->q = tallies_get(l->figures, name);
        snprintf(name, sizeof name, U_PREFIX "%lld", (long long)r->id);
        o->u = tallies_get(l->figures, name);
        judge(o, r);
    }
    return 0;
}

static int active_objectives(store *s, const tallies *figures, objectives *os, isms_err *e)
{
    store_query q = { .ids_only = 1,
                      .fields = (const int[]){ F_OBJECTIVE_VALUE_AT_STAKE },
                      .nfields = 1 };
    listing l = { os, figures };
    return store_scan(s, &reg_objective, &q, objective_listed, &l, e);
}

int tallies_objectives_recount(store *s, const tallies *figures, tallies *out, isms_err *e)
{
    objectives os = { 0 };
    int rc = active_objectives(s, figures, &os, e);
    for (size_t i = 0; i < os.n && !rc; i++)
        objective_moves(out, &os.o[i]);
    free(os.o);
    return rc;
}

int tallies_objectives_touch_all(store *s, isms_err *e)
{
    objectives os = { 0 };
    int rc = active_objectives(s, NULL, &os, e);
    for (size_t i = 0; i < os.n && !rc; i++)
        rc = tallies_objective_touch(s, os.o[i].id, e);
    free(os.o);
    return rc;
}

/* ---- read ---- */

typedef struct first_ids {
    int64_t *ids;
    int n, max;
} first_ids;

static int first_id(const char *name, int64_t n, void *ctx)
{
    first_ids *f = ctx;
    if (n && f->n < f->max)
        f->ids[f->n++] = strtoll(name + sizeof TALLY_UNQUANTIFIED_PREFIX - 1, NULL, 10);
    return 0;
}

int tallies_unquantified_first(store *s, int max, int64_t *ids, int *n, isms_err *e)
{
    first_ids f = { .ids = ids, .max = max };
    int rc = store_tally_first(s, TALLY_UNQUANTIFIED_PREFIX, NULL, max, first_id, &f, e);
    *n = f.n;
    return rc;
}
