/* assets.c: the asset register, its rules (no dependency cycles), and the
 * protection needs inherited along its dependencies. */
#include "domain/registers/assets.h"
#include "domain/engine/dom_internal.h"
#include "domain/engine/graph.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/xalloc.h"

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

/* Is `to` reachable from `from` along the edges (ignoring those leaving
 * `skip`, whose edges the change replaces)? Each edge is followed once. */
static int reachable(const graph *g, int64_t from, int64_t to, int64_t skip)
{
    int64_t *stack = xmalloc((g->n + 1) * sizeof *stack);
    unsigned char *seen = xcalloc(g->n + 1, 1);
    size_t top = 0;
    int found = 0;
    stack[top++] = from;
    while (top && !found) {
        int64_t at = stack[--top];
        found = at == to;
        if (at == skip)
            continue;
        for (size_t i = graph_first(g, at); i < g->n && g->src[i] == at; i++)
            if (!seen[i]) {
                seen[i] = 1;
                stack[top++] = g->dst[i];
            }
    }
    free(stack);
    free(seen);
    return found;
}

int rules_asset(dom *d, record *r, const record *old, isms_err *e)
{
    const value *deps = record_cval(r, F_ASSET_DEPENDS_ON);
    if (!deps->given || !deps->n)
        return 0;
    graph g;
    int rc = graph_load(d, &reg_asset, F_ASSET_DEPENDS_ON, &g, e);
    for (int k = 0; !rc && k < deps->n; k++) {
        if (deps->ids[k] == r->id)
            rc = err_set(e, E_INVALID, "depends_on", "depends_on: %s cannot depend on itself",
                         r->key);
        else if (r->id && reachable(&g, deps->ids[k], r->id, r->id))
            rc = err_set(e, E_INVALID, "depends_on",
                         "depends_on: %s already depends, directly or not, on %s: this would "
                         "make a dependency cycle",
                         deps->keys[k], r->key);
    }
    (void)old;
    graph_free(&g);
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
        a->stated[k] = level ? choice_index(protection_levels, level) : 0;
        a->inherited[k] = -1;
    }
    a->critical = (int)record_int(r, F_ASSET_CRITICAL_FUNCTION);
    return 0;
}

const asset_need *asset_need_find(const asset_need *all, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (all[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && all[lo].id == id ? &all[lo] : NULL;
}

/* Pushes needs from each asset to what it depends on until nothing
 * changes. The graph has no cycles (rules_asset refuses them), so at most
 * depth rounds are needed; the bound guards against a tampered store. */
static void propagate(asset_need *v, size_t n, const graph *l)
{
    for (size_t round = 0; round <= n; round++) {
        int changed = 0;
        for (size_t i = 0; i < l->n; i++) {
            asset_need *from = (asset_need *)asset_need_find(v, n, l->src[i]);
            asset_need *to = (asset_need *)asset_need_find(v, n, l->dst[i]);
            if (!from || !to)
                continue; /* a retired asset passes nothing on */
            for (int k = 0; k < NEED_COUNT; k++) {
                int eff = asset_effective(from, k);
                if (eff > to->inherited[k]) {
                    to->inherited[k] = eff;
                    to->source[k] =
                        from->inherited[k] > from->stated[k] ? from->source[k] : from->id;
                    changed = 1;
                }
            }
            if ((from->critical || from->critical_inherited) && !to->critical_inherited) {
                to->critical_inherited = 1;
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
}

int dom_asset_needs(dom *d, asset_need **out, size_t *n, isms_err *e)
{
    needs_ctx c = { 0 };
    graph l = { 0 };
    int rc = store_scan(d->st, &reg_asset, NULL, collect_asset, &c, e);
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
