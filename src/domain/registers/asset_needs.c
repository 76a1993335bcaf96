/* asset_needs.c: each asset's inherited protection needs kept (0031).
 *
 * An asset inherits, for each protection goal, the highest need among the
 * active assets that depend on it directly, each taken at its own stated
 * or inherited need, whichever is higher (so a need passes down a chain);
 * the asset it comes from is that of the dependent with the smallest id
 * among those giving the highest need. dom_asset_needs (assets.c) works
 * this out for every asset at once; a write works it out again only for
 * the assets its change reaches: those it links to, then what each that
 * changed depends on, a level at a time, stopping where nothing changes. */
#include "domain/registers/asset_needs.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/idset.h"
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

static int take_dependency(int64_t from, int64_t to, void *ctx)
{
    (void)from;
    idset_add(ctx, to);
    return 0;
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

/* Works out again the assets in `start`, then, a level at a time, what
 * the changed ones depend on, until nothing changes: a write reads and
 * writes the assets its change reaches, not all those below it. Where two
 * paths meet, an asset can be worked out again at a later level than a
 * dependent it took first; it then reads that dependent's newer needs, so
 * the end is what the whole graph gives, and each count of the raised
 * moves from what was kept to what is. In a graph without cycles a level
 * reached is at most the number of assets seen; past that only a cycle
 * (a tampered store) keeps it going, and the walk stops there. */
static int walk_down(dom *d, id_set *start, int64_t written, int64_t *raised_by, isms_err *e)
{
    id_set level = *start, changed = { 0 }, next = { 0 };
    *start = (id_set){ 0 };
    strmap seen;
    strmap_init(&seen);
    size_t levels = 0;
    int rc = 0;
    while (level.n && !rc && levels++ <= seen.len) {
        idset_seal(&level);
        changed.n = next.n = 0;
        for (size_t k = 0; k < level.n && !rc; k++) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)level.ids[k]);
            *strmap_slot_for(&seen, key) = (void *)1;
            int moved = 0;
            rc = inherit_again(d, level.ids[k], written, &moved, raised_by, e);
            if (moved)
                idset_add(&changed, level.ids[k]);
        }
        if (!rc)
            rc = store_asset_depends(dom_store(d), changed.ids, changed.n, take_dependency, &next,
                                     e);
        id_set swap = level;
        level = next;
        next = swap;
    }
    strmap_reset(&seen);
    idset_free(&level);
    idset_free(&changed);
    idset_free(&next);
    return rc;
}

/* ---- a write ---- */

static void add_links(id_set *l, const record *r)
{
    const value *v = r ? record_cval(r, F_ASSET_DEPENDS_ON) : NULL;
    for (int k = 0; v && k < v->n; k++)
        idset_add(l, v->ids[k]);
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
    id_set start = { 0 };
    int was = 0, now = 0;
    if (!before || !!before->retired_at != !!after->retired_at)
        idset_add(&start, after->id); /* it inherits again itself */
    add_links(&start, before);
    add_links(&start, after);
    int64_t raised_by = 0;
    int rc = raised_as(d, before, &was, e);
    if (!rc)
        rc = walk_down(d, &start, after->id, &raised_by, e);
    if (!rc)
        rc = raised_as(d, after, &now, e);
    raised_by += now - was;
    store_tally t = { STORE_RAISED_TALLY, raised_by };
    if (!rc && raised_by)
        rc = store_tally_add(dom_store(d), &t, 1, e);
    idset_free(&start);
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
