/* accountability_kept.c: the responsibility matrix from the kept figures
 * (0045, owner_gaps.h): the totals and the counts of each kind of gap as
 * kept; the people with a gap walked in id order from the front of their
 * key range, only as far as the page of gaps asked for; the people listed
 * and those of the page read with their own figures; the holder of "more
 * than half" found among that register's owners only when there is one.
 * The cost is the page's, not the number of owners. */
#include "domain/views/accountability_internal.h"
#include "domain/registers/owner_gaps.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The gap bits of og_mask that are gaps of kind (-1: of every kind). */
static int kind_bits(int kind)
{
    switch (kind) {
    case -1: return OG_GAP_BITS;
    case ACC_WITHOUT_ROLE: return OG_WITHOUT_ROLE(0) | OG_WITHOUT_ROLE(1) | OG_WITHOUT_ROLE(2);
    case ACC_AUDITOR_OWNS: return OG_AUDITOR_OWNS(0) | OG_AUDITOR_OWNS(1) | OG_AUDITOR_OWNS(2);
    case ACC_WITHOUT_BUDGET: return OG_WITHOUT_BUDGET;
    default: return 0;
    }
}

/* Of person #id's gaps (gap bits `bits`, and the concentrations they
 * hold), how many; those the query asks for when asked is set. */
static int64_t gaps_of(const acc_gather *g, int64_t id, int bits, int asked_only)
{
    const dom_accountability *m = g->out;
    int kind = asked_only ? m->gap_kind : -1;
    if (asked_only && g->person && id != g->person)
        return 0;
    int64_t n = __builtin_popcount((unsigned)(bits & kind_bits(kind)));
    for (int k = 0; k < OG_OWNING && (kind < 0 || kind == ACC_CONCENTRATION); k++)
        n += g->conc[k] == id;
    return n;
}

/* Who holds each role, the people, the columns' totals, the counts of
 * each kind of gap, and who holds more than half of a register. */
static int kept_totals(acc_gather *g, isms_err *e)
{
    dom_accountability *m = g->out;
    store *s = dom_store(g->d);
    const char *names[1 + ACC_MAX_ROLES];
    int64_t v[1 + ACC_MAX_ROLES];
    names[0] = TALLY_RECORDS_PREFIX "person";
    for (int r = 0; r < m->nroles; r++)
        names[1 + r] = arena_printf(g->a, TALLY_ROLE_PREFIX "%s", role_names[r]);
    og_kept k;
    int rc = store_tally_stored(s, names, (size_t)(1 + m->nroles), v, e);
    if (!rc)
        rc = og_kept_read(s, &g->os, &k, e);
    if (rc)
        return rc;
    m->people = v[0];
    memcpy(m->holders, v + 1, sizeof *v * (size_t)m->nroles);
    for (int c = 0; c < m->nkinds; c++)
        m->kinds[c].total = k.owned[c];
    m->owners = k.owners;
    m->risk_owners = k.risk_owners;
    m->risk_owners_with_budget = k.budgeted;
    for (int j = 0; j < OG_NEEDED; j++) {
        int r = acc_role_of(og_needed_roles[j].role);
        m->gaps_of_kind[ACC_ROLE_VACANT] += r >= 0 && !m->holders[r];
    }
    m->gaps_of_kind[ACC_WITHOUT_ROLE] = k.without_role;
    m->gaps_of_kind[ACC_AUDITOR_OWNS] = k.auditor_owns;
    m->gaps_of_kind[ACC_WITHOUT_BUDGET] = k.without_budget;
    for (int j = 0; j < OG_OWNING && !rc; j++) {
        int c = g->os.of_kind[j];
        if (c >= 0 && og_concentrated(k.most[j], k.owned[c]) &&
            !(rc = og_holder(s, j, k.most[j], &g->conc[j], e)))
            m->gaps_of_kind[ACC_CONCENTRATION] += g->conc[j] != 0;
    }
    for (int j = 0; j < ACC_NKINDS; j++)
        m->gaps_total += m->gaps_of_kind[j];
    return rc;
}

/* The people whose gaps are listed, in id order: those past the gaps
 * before the gap offset, until ACC_MAX_GAPS from it are covered. */
typedef struct listing {
    acc_gather *g;
    int64_t pos, first, need; /* gaps asked, so far; where the first read starts */
    int64_t *ids, after;      /* read; the last id walked */
    size_t n, cap;
    int64_t walked;              /* people with a gap walked */
    int64_t conc[OG_OWNING + 1]; /* holders not yet walked, ascending, 0-ended */
} listing;

static int walk(listing *l, int64_t id, int bits)
{
    int64_t n = gaps_of(l->g, id, bits, 1);
    l->after = id;
    if (!n)
        return 0;
    if (l->pos + n <= l->g->out->gap_offset) {
        l->pos += n;
        return 0;
    }
    if (l->first < 0)
        l->first = l->pos;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 32;
        l->ids = xrealloc(l->ids, sizeof *l->ids * l->cap);
    }
    l->ids[l->n++] = id;
    l->pos += n;
    return l->pos >= l->need;
}

/* A holder of a concentration before id (INT64_MAX: every one left) walked
 * first; 1 when the listing is complete. */
static int walk_holders(listing *l, int64_t id)
{
    int done = 0;
    while (!done && l->conc[0] && l->conc[0] < id) {
        int64_t h = l->conc[0];
        memmove(l->conc, l->conc + 1, sizeof l->conc - sizeof *l->conc);
        done = walk(l, h, 0);
    }
    if (l->conc[0] == id) /* (walked with their gap bits) */
        memmove(l->conc, l->conc + 1, sizeof l->conc - sizeof *l->conc);
    return done;
}

static int gapped(int64_t id, int bits, void *ctx)
{
    listing *l = ctx;
    l->walked++;
    return walk_holders(l, id) || walk(l, id, bits);
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Into l->ids: whose gaps are listed; g->seen: the gaps asked before them. */
static int listed_people(acc_gather *g, listing *l, isms_err *e)
{
    enum { BATCH = 256 };
    *l = (listing){ .g = g, .pos = g->seen, .first = -1 };
    l->need = g->out->gap_offset > INT64_MAX - ACC_MAX_GAPS ? INT64_MAX
                                                            : g->out->gap_offset + ACC_MAX_GAPS;
    int nc = 0, rc = 0;
    for (int k = 0; k < OG_OWNING; k++)
        if (g->conc[k])
            l->conc[nc++] = g->conc[k];
    qsort(l->conc, (size_t)nc, sizeof *l->conc, by_value);
    int w = 0; /* (one may hold more than half of two registers) */
    for (int k = 0; k < nc; k++)
        if (!w || l->conc[k] != l->conc[w - 1])
            l->conc[w++] = l->conc[k];
    memset(l->conc + w, 0, sizeof *l->conc * (size_t)(nc - w));
    if (g->person) { /* their gap bits, as kept */
        int64_t owns[OG_MAX_OWNED];
        int bits = 0;
        rc = og_people_figures(dom_store(g->d), &g->os, &g->person, 1, owns, &bits, e);
        if (!rc)
            walk(l, g->person, bits & OG_GAP_BITS);
        if (!rc)
            g->out->gaps_asked = gaps_of(g, g->person, bits & OG_GAP_BITS, 1);
    } else if (g->out->gap_offset < g->out->gaps_asked) {
        int64_t walked;
        do { /* (a batch not full: the last) */
            walked = l->walked;
            rc = og_gapped_next(dom_store(g->d), l->after, BATCH, gapped, l, e);
        } while (!rc && l->walked - walked == BATCH);
        if (!rc) /* (1: complete) */
            walk_holders(l, INT64_MAX);
        rc = rc == 1 ? 0 : rc;
    }
    g->seen = l->first >= 0 ? l->first : l->pos;
    return rc;
}

/* Into g->owners: the figures of the people listed and of the page, as
 * kept. */
static int kept_owners(acc_gather *g, const int64_t *listed, size_t nl, const int64_t *shown,
                       int64_t np, isms_err *e)
{
    size_t n = nl + (size_t)np;
    int64_t *ids = xmalloc(sizeof *ids * (n + 1)),
            *owns = xmalloc(sizeof *owns * OG_MAX_OWNED * (n + 1));
    int *masks = xmalloc(sizeof *masks * (n + 1));
    if (nl) /* (none listed, or no one on the page: no array) */
        memcpy(ids, listed, sizeof *ids * nl);
    if (np)
        memcpy(ids + nl, shown, sizeof *ids * (size_t)np);
    qsort(ids, n, sizeof *ids, by_value);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || ids[w - 1] != ids[i])
            ids[w++] = ids[i];
    int rc = og_people_figures(dom_store(g->d), &g->os, ids, w, owns, masks, e);
    for (size_t i = 0; i < w && !rc; i++) {
        acc_owner *o = acc_owner_add(g, ids[i]);
        memcpy(o->owns, owns + i * OG_MAX_OWNED, sizeof o->owns);
        o->kept_mask = masks[i];
        o->gaps = (int)gaps_of(g, ids[i], masks[i] & OG_GAP_BITS, 0);
    }
    free(ids);
    free(owns);
    free(masks);
    return rc;
}

/* The totals and counts as kept; the gaps listed and the page's people
 * read, with their figures. */
int acc_as_kept(acc_gather *g, isms_err *e)
{
    dom_accountability *m = g->out;
    int rc = kept_totals(g, e);
    if (rc)
        return rc;
    acc_vacant_roles(g);
    if (!g->person)
        m->gaps_asked = m->gap_kind >= 0 ? m->gaps_of_kind[m->gap_kind] : m->gaps_total;
    listing l;
    int64_t *ids, n;
    rc = listed_people(g, &l, e);
    if (!rc)
        rc = acc_page_ids(g, &ids, &n, e);
    if (!rc)
        rc = kept_owners(g, l.ids, l.n, ids, n, e);
    if (!rc)
        rc = store_get_each(dom_store(g->d), &reg_person, l.ids, (int64_t)l.n, acc_owner_gap, g,
                            g->a, e);
    free(l.ids);
    return rc ? rc : acc_page(g, ids, n, e);
}
