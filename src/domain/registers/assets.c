/* assets.c: the asset register, its rules (no dependency cycles), and the
 * protection needs inherited along its dependencies. */
#include "domain/registers/assets.h"
#include "domain/engine/dom_internal.h"
#include "domain/engine/graph.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/idset.h"
#include "core/xalloc.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const protection_levels[] = { "normal", "high", "very-high", NULL };

static const char *const asset_types[] = { "information", "process",   "system",
                                           "application", "service",   "site",
                                           "person",      "ai-system", NULL };

REGISTER(asset, ASSET, "assets", "AST", F_ASSET_NAME,
         "assets with protection needs and dependencies (maximum principle)", .check = rules_asset);

/* ---- rules: no dependency cycles ---- */

int rules_asset(dom *d, record *r, const record *old, isms_err *e)
{
    const value *deps = record_cval(r, F_ASSET_DEPENDS_ON);
    if (!deps->given || !deps->n)
        return 0;
    int rc = 0, cycle = 0;
    for (int k = 0; !rc && k < deps->n; k++) {
        if (deps->ids[k] == r->id)
            rc = err_set(e, E_INVALID, "depends_on", "depends_on: %s cannot depend on itself",
                         r->key);
        else if (r->id && !(rc = store_asset_reaches(d->st, deps->ids[k], r->id, &cycle, e)) &&
                 cycle)
            rc = err_set(e, E_INVALID, "depends_on",
                         "depends_on: %s already depends, directly or not, on %s: this would "
                         "make a dependency cycle",
                         deps->keys[k], r->key);
    }
    (void)old;
    return rc;
}

/* ---- protection needs ---- */

static const int need_fields[NEED_COUNT] = { F_ASSET_CONFIDENTIALITY, F_ASSET_INTEGRITY,
                                             F_ASSET_AVAILABILITY };

const char *need_name(int level)
{
    return level >= 0 && level <= 2 ? protection_levels[level] : "none";
}

int asset_effective(const asset_need *n, int which)
{
    return n->inherited[which] > n->stated[which] ? n->inherited[which] : n->stated[which];
}

typedef struct needs_ctx {
    asset_need *v;
    size_t n, cap;
} needs_ctx;

static int collect_asset(const record *r, void *ctx)
{
    needs_ctx *c = ctx;
    XGROW(c->v, c->n, c->cap, 64);
    asset_need *a = &c->v[c->n++];
    memset(a, 0, sizeof *a);
    a->id = r->id;
    snprintf(a->key, sizeof a->key, "%s", r->key);
    for (int k = 0; k < NEED_COUNT; k++) {
        const char *level = record_text(r, need_fields[k]);
        int stated = level ? choice_index(protection_levels, level) : 0;
        a->stated[k] = stated > 0 ? stated : 0; /* unknown: normal, as asset_needs.c reads it */
        a->inherited[k] = -1;
    }
    a->critical = (int)record_int(r, F_ASSET_CRITICAL_FUNCTION);
    return 0;
}

const asset_need *asset_need_find(const asset_need *all, size_t n, int64_t id)
{
    size_t at = ids_lower_bound_at(all, n, sizeof *all, offsetof(asset_need, id), id);
    return at < n && all[at].id == id ? &all[at] : NULL;
}

/* Takes in what `from` (final) passes on to `to`: the highest need, from
 * the dependent with the smallest id among those giving it (the rule
 * asset_needs.c keeps one asset at a time). */
static void pass_on(const asset_need *from, asset_need *to, int64_t *provider)
{
    for (int k = 0; k < NEED_COUNT; k++) {
        int eff = asset_effective(from, k);
        if (eff > to->inherited[k] || (eff == to->inherited[k] && from->id < provider[k])) {
            to->inherited[k] = eff;
            provider[k] = from->id;
            to->source[k] = from->inherited[k] > from->stated[k] ? from->source[k] : from->id;
        }
    }
    to->critical_inherited |= from->critical || from->critical_inherited;
}

/* Dependents before dependencies (Kahn's order), each asset final when it
 * passes its needs on. Edges from or to a retired asset pass nothing;
 * assets on a cycle (only a tampered store has one) are left where the
 * walk could not reach them. */
static void propagate(asset_need *v, size_t n, const graph *l)
{
    size_t *above = xcalloc(n + 1, sizeof *above), *order = xmalloc((n + 1) * sizeof *order);
    int64_t *provider = xmalloc((n + 1) * NEED_COUNT * sizeof *provider);
    size_t *to = xmalloc((l->n + 1) * sizeof *to);
    for (size_t i = 0; i < n * NEED_COUNT; i++)
        provider[i] = INT64_MAX;
    for (size_t i = 0; i < l->n; i++) {
        const asset_need *f = asset_need_find(v, n, l->src[i]),
                         *t = asset_need_find(v, n, l->dst[i]);
        to[i] = t && f ? (size_t)(t - v) : n;
        if (f && t)
            above[to[i]]++;
    }
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++)
        if (!above[i])
            order[tail++] = i;
    while (head < tail) {
        size_t at = order[head++];
        /* the edges leaving it are contiguous (sorted by source) */
        for (size_t i = graph_first(l, v[at].id); i < l->n && l->src[i] == v[at].id; i++) {
            if (to[i] == n)
                continue;
            pass_on(&v[at], &v[to[i]], &provider[to[i] * NEED_COUNT]);
            if (--above[to[i]] == 0)
                order[tail++] = to[i];
        }
    }
    free(above);
    free(order);
    free(provider);
    free(to);
}

int dom_asset_needs(dom *d, asset_need **out, size_t *n, isms_err *e)
{
    needs_ctx c = { 0 };
    graph l = { 0 };
    static const int fields[] = { F_ASSET_CONFIDENTIALITY, F_ASSET_INTEGRITY, F_ASSET_AVAILABILITY,
                                  F_ASSET_CRITICAL_FUNCTION };
    store_query q = { .ids_only = 1, .fields = fields, .nfields = 4 };
    int rc = store_scan(d->st, &reg_asset, &q, collect_asset, &c, e);
    if (!rc)
        rc = graph_load(d, &reg_asset, F_ASSET_DEPENDS_ON, &l, e);
    if (!rc)
        propagate(c.v, c.n, &l);
    graph_free(&l);
    if (rc) {
        free(c.v);
        return rc;
    }
    *out = c.v;
    *n = c.n;
    return 0;
}
