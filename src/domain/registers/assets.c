#include "domain/registers/assets.h"
#include "domain/engine/dom_internal.h"
#include "domain/engine/graph.h"
#include "domain/registers/registers.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const need_fields[NEED_COUNT] = {"confidentiality", "integrity", "availability"};

const char *need_name(int level) { return level >= 0 && level <= 2 ? protection_levels[level] : "none"; }

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
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    asset_need *a = &c->v[c->n++];
    memset(a, 0, sizeof *a);
    a->id = r->id;
    snprintf(a->key, sizeof a->key, "%s", r->key);
    for (int k = 0; k < NEED_COUNT; k++) {
        const char *level = record_text(r, need_fields[k]);
        a->stated[k] = level ? choice_index(protection_levels, level) : 0;
        a->inherited[k] = -1;
    }
    a->critical = (int)record_int(r, "critical_function");
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
                continue;   /* a retired asset passes nothing on */
            for (int k = 0; k < NEED_COUNT; k++) {
                int eff = asset_effective(from, k);
                if (eff > to->inherited[k]) {
                    to->inherited[k] = eff;
                    to->source[k] = from->inherited[k] > from->stated[k] ? from->source[k] : from->id;
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
    needs_ctx c = {0};
    graph l = {0};
    int rc = store_scan(d->st, &reg_asset, NULL, collect_asset, &c, e);
    if (!rc)
        rc = graph_load(d, &reg_asset, "depends_on", &l, e);
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
