/* asset_needs.c: each asset's inherited protection needs kept (0031).
 *
 * An asset inherits, for each protection goal, the highest need among the
 * active assets that depend on it directly, each taken at its own stated
 * or inherited need, whichever is higher (so a need passes down a chain);
 * the asset it comes from is that of the dependent with the smallest id
 * among those giving the highest need. dom_asset_needs (assets.c) works
 * this out for every asset at once; a write works it out again only for
 * the assets below the one written, dependents before dependencies, and
 * stops where nothing changes. */
#include "domain/registers/asset_needs.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A stated level as a number (none or unknown: normal). */
static int level_of(const char *text)
{
    int k = text && *text ? choice_index(protection_levels, text) : 0;
    return k > 0 ? k : 0;
}

/* What an asset inherits, as kept. */
typedef struct inherit {
    int level[NEED_COUNT]; /* -1: none */
    int64_t source[NEED_COUNT];
    int critical;
} inherit;

static const inherit none = { { -1, -1, -1 }, { 0, 0, 0 }, 0 };

static inherit kept_of(const store_asset_row *r)
{
    inherit in = none;
    memcpy(in.level, r->inherited, sizeof in.level);
    memcpy(in.source, r->source, sizeof in.source);
    in.critical = r->critical_inherited;
    return in;
}

static int same(const inherit *a, const inherit *b)
{
    return !memcmp(a->level, b->level, sizeof a->level) &&
           !memcmp(a->source, b->source, sizeof a->source) && a->critical == b->critical;
}

/* An active asset with stated needs `stated` is raised by `in`. */
static int raised(const int *stated, const inherit *in)
{
    for (int k = 0; k < NEED_COUNT; k++)
        if (in->level[k] > stated[k])
            return 1;
    return 0;
}

static void stated_of(const store_asset_row *r, int *stated)
{
    for (int k = 0; k < NEED_COUNT; k++)
        stated[k] = level_of(r->stated[k]);
}

/* One dependent taken in (they come by id: the first with the highest
 * need is where it comes from). */
static int take_dependent(const store_asset_row *r, void *ctx)
{
    inherit *in = ctx;
    int stated[NEED_COUNT];
    stated_of(r, stated);
    for (int k = 0; k < NEED_COUNT; k++) {
        int eff = r->inherited[k] > stated[k] ? r->inherited[k] : stated[k];
        if (eff > in->level[k]) {
            in->level[k] = eff;
            in->source[k] = r->inherited[k] > stated[k] ? r->source[k] : r->id;
        }
    }
    in->critical |= r->critical || r->critical_inherited;
    return 0;
}

/* ---- the assets below a write ---- */

typedef struct below {
    strmap index; /* decimal id -> node number + 1 */
    int64_t *ids; /* node ids, in the order found */
    size_t n, cap;
    int64_t *from, *to; /* edges between nodes, from depends on to (node numbers),
                         * in the order of `from` (find_below reads node by node) */
    size_t nedges, edges_cap;
    int64_t at; /* the node whose dependencies are being read */
} below;

static size_t node_of(below *b, int64_t id, int *added)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    void **slot = strmap_slot_for(&b->index, key);
    *added = !*slot;
    if (*added) {
        XGROW(b->ids, b->n, b->cap, 16);
        b->ids[b->n++] = id;
        *slot = (void *)(uintptr_t)b->n;
    }
    return (size_t)(uintptr_t)*slot - 1;
}

static int take_edge(int64_t from, int64_t to, void *ctx)
{
    below *b = ctx;
    int added;
    size_t f = node_of(b, from, &added), t = node_of(b, to, &added);
    if (b->nedges == b->edges_cap) {
        b->edges_cap = b->edges_cap ? 2 * b->edges_cap : 16;
        b->from = xrealloc(b->from, b->edges_cap * sizeof *b->from);
        b->to = xrealloc(b->to, b->edges_cap * sizeof *b->to);
    }
    b->from[b->nedges] = (int64_t)f;
    b->to[b->nedges++] = (int64_t)t;
    return 0;
}

/* Every asset the starting ones depend on, directly or not, and the
 * dependencies between them. */
static int find_below(dom *d, below *b, isms_err *e)
{
    return store_asset_below(dom_store(d), b->ids, b->n, take_edge, b, e);
}

static void below_free(below *b)
{
    strmap_reset(&b->index);
    free(b->ids);
    free(b->from);
    free(b->to);
}

/* Asset #id inherits again from its dependents; *changed when what it
 * keeps moved. `written` is the asset of the write, whose count in the
 * raised the caller moves itself. */
static int inherit_again(dom *d, int64_t id, int64_t written, int *changed, int64_t *raised_by,
                         isms_err *e)
{
    store_asset_row row;
    int rc = store_asset_get(dom_store(d), id, &row, e);
    if (rc)
        return rc;
    inherit was = kept_of(&row), now = none;
    if (!row.retired)
        rc = store_asset_dependents(dom_store(d), id, take_dependent, &now, e);
    *changed = !rc && !same(&was, &now);
    if (rc || !*changed)
        return rc;
    if (id != written && !row.retired) {
        int stated[NEED_COUNT];
        stated_of(&row, stated);
        *raised_by += raised(stated, &now) - raised(stated, &was);
    }
    return store_asset_inherit(dom_store(d), id, now.level, now.source, now.critical, e);
}

/* Kahn's order over the nodes found: dependents before dependencies; a
 * node is worked out again when it started the walk or one above it
 * changed. Nodes on a cycle (only a tampered store has one) are left. */
static int walk_down(dom *d, below *b, size_t starting, int64_t written, int64_t *raised_by,
                     isms_err *e)
{
    int *above = xcalloc(b->n + 1, sizeof *above);
    unsigned char *dirty = xcalloc(b->n + 1, 1);
    size_t *order = xmalloc((b->n + 1) * sizeof *order), head = 0, tail = 0;
    /* node k's edges: down[first[k] .. first[k+1]), a counting sort */
    size_t *first = xcalloc(b->n + 2, sizeof *first), *fill = xmalloc((b->n + 1) * sizeof *fill);
    size_t *down = xmalloc((b->nedges + 1) * sizeof *down);
    for (size_t k = 0; k < b->nedges; k++) {
        above[b->to[k]]++;
        first[b->from[k] + 1]++;
    }
    for (size_t k = 0; k < b->n; k++)
        first[k + 1] += first[k];
    memcpy(fill, first, b->n * sizeof *fill);
    for (size_t k = 0; k < b->nedges; k++)
        down[fill[b->from[k]]++] = (size_t)b->to[k];
    for (size_t k = 0; k < b->n; k++) {
        dirty[k] = k < starting;
        if (!above[k])
            order[tail++] = k;
    }
    int rc = 0;
    while (head < tail && !rc) {
        size_t k = order[head++];
        int changed = 0;
        if (dirty[k])
            rc = inherit_again(d, b->ids[k], written, &changed, raised_by, e);
        for (size_t j = first[k]; j < first[k + 1] && !rc; j++) {
            dirty[down[j]] |= (unsigned char)changed;
            if (--above[down[j]] == 0)
                order[tail++] = down[j];
        }
    }
    free(first);
    free(fill);
    free(down);
    free(above);
    free(dirty);
    free(order);
    return rc;
}

/* ---- a write ---- */

static void add_links(below *b, const record *r)
{
    const value *v = r ? record_cval(r, F_ASSET_DEPENDS_ON) : NULL;
    int added;
    for (int k = 0; v && k < v->n; k++)
        node_of(b, v->ids[k], &added);
}

/* Did the write change what the asset passes on or inherits? */
static int passes_on(const record *before, const record *after)
{
    static const int fields[] = { F_ASSET_CONFIDENTIALITY, F_ASSET_INTEGRITY, F_ASSET_AVAILABILITY,
                                  F_ASSET_CRITICAL_FUNCTION, F_ASSET_DEPENDS_ON };
    if (!before || !!before->retired_at != !!after->retired_at)
        return 1;
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
        int i = field_index(after->reg, fields[k]);
        if (!dom_same_value(&after->reg->fields[i], &before->v[i], &after->v[i]))
            return 1;
    }
    return 0;
}

static void stated_of_record(const record *r, int *stated)
{
    static const int fields[NEED_COUNT] = { F_ASSET_CONFIDENTIALITY, F_ASSET_INTEGRITY,
                                            F_ASSET_AVAILABILITY };
    for (int k = 0; k < NEED_COUNT; k++)
        stated[k] = level_of(record_text(r, fields[k]));
}

/* Whether version r of the asset counts among the raised with what the
 * asset keeps now. */
static int raised_as(dom *d, const record *r, int *out, isms_err *e)
{
    *out = 0;
    if (!r || r->retired_at)
        return 0;
    store_asset_row row;
    int rc = store_asset_get(dom_store(d), r->id, &row, e);
    if (!rc) {
        int stated[NEED_COUNT];
        stated_of_record(r, stated);
        inherit in = kept_of(&row);
        *out = raised(stated, &in);
    }
    return rc;
}

int dom_asset_needs_changed(dom *d, const record *before, const record *after, isms_err *e)
{
    if (!after || after->reg != &reg_asset || !store_keeps_asset_needs(dom_store(d)) ||
        !passes_on(before, after))
        return 0;
    below b = { 0 };
    strmap_init(&b.index);
    int added, was = 0, now = 0;
    if (!before || !!before->retired_at != !!after->retired_at)
        node_of(&b, after->id, &added); /* it inherits again itself */
    add_links(&b, before);
    add_links(&b, after);
    size_t starting = b.n;
    int64_t raised_by = 0;
    int rc = raised_as(d, before, &was, e);
    if (!rc)
        rc = find_below(d, &b, e);
    if (!rc)
        rc = walk_down(d, &b, starting, after->id, &raised_by, e);
    if (!rc)
        rc = raised_as(d, after, &now, e);
    raised_by += now - was;
    store_tally t = { STORE_RAISED_TALLY, raised_by };
    if (!rc && raised_by)
        rc = store_tally_add(dom_store(d), &t, 1, e);
    below_free(&b);
    return rc;
}

/* ---- every asset at once ---- */

typedef struct compare {
    const asset_need *all; /* the whole graph's, by id */
    size_t n, at;
    int64_t wrong, raised, kept_raised;
    int64_t *fix; /* ids whose kept needs differ */
    size_t nfix, fix_cap;
} compare;

static inherit from_graph(const asset_need *a)
{
    inherit in = none;
    memcpy(in.level, a->inherited, sizeof in.level);
    memcpy(in.source, a->source, sizeof in.source);
    in.critical = a->critical_inherited;
    return in;
}

static int compare_row(const store_asset_row *r, void *ctx)
{
    compare *c = ctx;
    while (c->at < c->n && c->all[c->at].id < r->id)
        c->at++;
    const asset_need *a = c->at < c->n && c->all[c->at].id == r->id ? &c->all[c->at] : NULL;
    inherit kept = kept_of(r), should = a ? from_graph(a) : none;
    int stated[NEED_COUNT];
    stated_of(r, stated);
    if (!r->retired) {
        c->kept_raised += raised(stated, &kept);
        c->raised += raised(stated, &should);
    }
    if (!same(&kept, &should)) {
        c->wrong++;
        XGROW(c->fix, c->nfix, c->fix_cap, 64);
        c->fix[c->nfix++] = r->id;
    }
    return 0;
}

static int compare_all(dom *d, compare *c, asset_need **all, isms_err *e)
{
    int rc = dom_asset_needs(d, all, &c->n, e);
    c->all = *all;
    return rc ? rc : store_assets_kept(dom_store(d), compare_row, c, e);
}

int dom_asset_needs_check(dom *d, int64_t *wrong, int64_t *raised_n, isms_err *e)
{
    compare c = { 0 };
    asset_need *all = NULL;
    int rc = compare_all(d, &c, &all, e);
    *wrong = c.wrong;
    *raised_n = c.raised;
    free(all);
    free(c.fix);
    return rc;
}

int dom_asset_needs_rebuild(dom *d, isms_err *e)
{
    if (!store_keeps_asset_needs(dom_store(d)))
        return 0;
    compare c = { 0 };
    asset_need *all = NULL;
    int rc = compare_all(d, &c, &all, e);
    for (size_t k = 0; k < c.nfix && !rc; k++) {
        const asset_need *a = asset_need_find(all, c.n, c.fix[k]);
        inherit in = a ? from_graph(a) : none;
        rc = store_asset_inherit(dom_store(d), c.fix[k], in.level, in.source, in.critical, e);
    }
    store_tally t = { STORE_RAISED_TALLY, c.raised - c.kept_raised };
    if (!rc && t.n)
        rc = store_tally_add(dom_store(d), &t, 1, e);
    free(all);
    free(c.fix);
    return rc;
}

int dom_asset_need_kept(dom *d, int64_t id, asset_need *out, isms_err *e)
{
    store_asset_row row;
    int rc = store_asset_get(dom_store(d), id, &row, e);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->id = id;
    stated_of(&row, out->stated);
    memcpy(out->inherited, row.inherited, sizeof out->inherited);
    memcpy(out->source, row.source, sizeof out->source);
    out->critical = row.critical;
    out->critical_inherited = row.critical_inherited;
    return 0;
}
