/* owner_gaps.c: a person's gaps in the responsibility matrix, and the
 * figures kept of them (see owner_gaps.h). */
#include "domain/registers/owner_gaps.h"
#include "domain/registers/people.h"
#include "domain/registers/registers.h"
#include "core/arena.h"
#include "core/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const og_registers[OG_KINDS] = { "risk", "control", "asset", "objective" };
const char *const og_roles[OG_OWNING] = { "risk-owner", "control-owner", "asset-owner" };

const og_needed og_needed_roles[OG_NEEDED] = {
    { "management-body", "the management body approves the scope and the risk appetite and answers "
                         "for the ISMS (ISO/IEC 27001 Cl. 5.1; NIS2 Art. 20(1); DORA Art. 5(2))" },
    { "isms-lead", "someone must be assigned to make the ISMS conform and to report on its "
                   "performance to top management (Cl. 5.3 a, b)" },
    { "internal-auditor", "internal audits at planned intervals need auditors (Cl. 9.2)" },
};

#define OG_GAPS TALLY_GAPS_PREFIX
#define OG_GAPPED TALLY_OWNER_PREFIX "gapped."
#define OG_HIST TALLY_OWNER_PREFIX "hist."
#define OG_TOUCH TALLY_OWNER_PREFIX "touch."
#define OG_FIGURE "accountability."

/* The gap figures by og_mask's bits: each counts the bits of its group. */
static const struct {
    const char *name;
    int bits;
} groups[] = {
    { OG_FIGURE "without-role", OG_WITHOUT_ROLE(0) | OG_WITHOUT_ROLE(1) | OG_WITHOUT_ROLE(2) },
    { OG_FIGURE "auditor-owns", OG_AUDITOR_OWNS(0) | OG_AUDITOR_OWNS(1) | OG_AUDITOR_OWNS(2) },
    { OG_FIGURE "without-budget", OG_WITHOUT_BUDGET },
    { OG_FIGURE "risk-owners", OG_RISK_OWNER },
    { OG_FIGURE "budgeted-risk-owners", OG_BUDGETED },
};
enum { NGROUPS = sizeof groups / sizeof *groups, NAME_MAX_LEN = 64 };

void og_owned_registers(og_owned *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; registers[i] && out->n < OG_MAX_OWNED; i++) {
        int f = regdef_field(registers[i], "owner");
        if (f >= 0 && registers[i]->fields[f].type == FT_REF)
            out->reg[out->n++] = registers[i];
    }
    for (int k = 0; k < OG_KINDS; k++) {
        out->of_kind[k] = -1;
        for (int c = 0; c < out->n; c++)
            if (!strcmp(out->reg[c]->name, og_registers[k]))
                out->of_kind[k] = c;
    }
}

/* The column of the register named by the len bytes at name, or -1. */
static int owned_column(const og_owned *os, const char *name, size_t len)
{
    for (int c = 0; c < os->n; c++)
        if (strlen(os->reg[c]->name) == len && !strncmp(os->reg[c]->name, name, len))
            return c;
    return -1;
}

int og_holds(const record *person, const char *role)
{
    const value *roles = record_cval(person, F_PERSON_ROLES);
    for (int k = 0; k < roles->n; k++)
        if (!strcmp(roles->keys[k], role))
            return 1;
    return 0;
}

int og_mask(const int64_t owns[OG_KINDS], const record *person)
{
    int mask = 0, auditor = og_holds(person, "internal-auditor");
    for (int k = 0; k < OG_OWNING; k++) {
        if (owns[k] && !og_holds(person, og_roles[k]))
            mask |= OG_WITHOUT_ROLE(k);
        if (owns[k] && auditor)
            mask |= OG_AUDITOR_OWNS(k);
    }
    int budget = record_int(person, F_PERSON_BUDGET_AUTHORITY) > 0;
    if ((owns[OG_RISK] || owns[OG_OBJECTIVE]) && !budget)
        mask |= OG_WITHOUT_BUDGET;
    if (owns[OG_RISK])
        mask |= OG_RISK_OWNER | (budget ? OG_BUDGETED : 0);
    return mask;
}

int og_concentrated(int64_t most, int64_t owned)
{
    return owned >= OG_CONCENTRATION_MIN && 2 * most > owned;
}

static int64_t figure(const tallies *t, const char *prefix, const char *what)
{
    char name[NAME_MAX_LEN];
    snprintf(name, sizeof name, "%s%s", prefix, what);
    return tallies_get(t, name);
}

void og_counted(const tallies *t, og_counts *out)
{
    memset(out, 0, sizeof *out);
    for (int j = 0; j < OG_NEEDED; j++)
        out->gaps += !figure(t, TALLY_ROLE_PREFIX, og_needed_roles[j].role);
    for (int j = 0; j < 3; j++) /* those gaps are the groups' first three */
        out->gaps += tallies_get(t, groups[j].name);
    for (int k = 0; k < OG_OWNING; k++) {
        int64_t owned = figure(t, OG_FIGURE "owned.", og_registers[k]);
        int64_t most = figure(t, OG_FIGURE "most.", og_registers[k]);
        out->gaps += og_concentrated(most, owned);
    }
    out->risk_owners = tallies_get(t, groups[3].name);
    out->budgeted = tallies_get(t, groups[4].name);
}

/* ---- the people a commit changed ---- */

/* One person: what they owned of each register with an owner (og_owned's
 * columns) and their gaps as the table holds them (was), and as the
 * commit leaves them (now). */
typedef struct og_person {
    int64_t id;
    int64_t was[OG_MAX_OWNED], now[OG_MAX_OWNED];
    int64_t mask_was;
    int mask_now;
    int read; /* their gaps may move: their record is read */
} og_person;

typedef struct people {
    og_owned os;
    og_person *p; /* by id once sorted */
    size_t n, cap;
} people;

static og_person *people_add(people *ps, int64_t id)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 16;
        ps->p = xrealloc(ps->p, ps->cap * sizeof *ps->p);
    }
    og_person *p = &ps->p[ps->n++];
    memset(p, 0, sizeof *p);
    p->id = id;
    return p;
}

/* Whether column c is one of og_registers (what a person's gaps follow). */
static int gives_gaps(const og_owned *os, int c)
{
    for (int k = 0; k < OG_KINDS; k++)
        if (os->of_kind[k] == c)
            return 1;
    return 0;
}

/* "owner.REGISTER.ID" of a register with an owner, or "owner.touch.ID": a
 * person, with n as what they own now of it (a touch: nothing). Their
 * record is read when it may move their gaps. */
static int person_named(const char *name, int64_t n, void *ctx)
{
    people *ps = ctx;
    const char *reg = name + sizeof TALLY_OWNER_PREFIX - 1, *dot = strchr(reg, '.');
    int c = dot ? owned_column(&ps->os, reg, (size_t)(dot - reg)) : -1;
    if (c < 0 && strncmp(name, OG_TOUCH, sizeof OG_TOUCH - 1))
        return 0;
    og_person *p = people_add(ps, strtoll(dot + 1, NULL, 10));
    if (c >= 0)
        p->now[c] = n;
    p->read = c < 0 || gives_gaps(&ps->os, c);
    return 0;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const og_person *)a)->id, y = ((const og_person *)b)->id;
    return (x > y) - (x < y);
}

/* One entry a person, what they own summed. */
static void people_merge(people *ps)
{
    if (ps->n)
        qsort(ps->p, ps->n, sizeof *ps->p, by_id);
    size_t w = 0;
    for (size_t i = 0; i < ps->n; i++) {
        if (w && ps->p[w - 1].id == ps->p[i].id) {
            for (int c = 0; c < ps->os.n; c++)
                ps->p[w - 1].now[c] += ps->p[i].now[c];
            ps->p[w - 1].read |= ps->p[i].read;
        } else {
            ps->p[w++] = ps->p[i];
        }
    }
    ps->n = w;
}

static int person_read(const record *r, void *ctx)
{
    people *ps = ctx;
    og_person key = { .id = r->id };
    og_person *p = bsearch(&key, ps->p, ps->n, sizeof *ps->p, by_id);
    if (p) {
        int64_t owns[OG_KINDS];
        for (int k = 0; k < OG_KINDS; k++)
            owns[k] = ps->os.of_kind[k] >= 0 ? p->now[ps->os.of_kind[k]] : 0;
        p->mask_now = og_mask(owns, r);
    }
    return 0;
}

/* Each person's gaps now: from their record where what they own of
 * og_registers or their record changed (none found: none), as they were
 * for the others. */
static int people_read(store *s, people *ps, isms_err *e)
{
    int64_t *ids = xmalloc(sizeof *ids * (ps->n + 1)), n = 0;
    for (size_t i = 0; i < ps->n; i++) {
        ps->p[i].mask_now = ps->p[i].read ? 0 : (int)ps->p[i].mask_was;
        if (ps->p[i].read)
            ids[n++] = ps->p[i].id;
    }
    arena a;
    arena_init(&a);
    int rc = store_get_each(s, &reg_person, ids, n, person_read, ps, &a, e);
    arena_reset(&a);
    free(ids);
    return rc;
}

/* Adds n to the figure fmt names (not 0: no figure made). */
static void put(tallies *t, int64_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(tallies *t, int64_t n, const char *fmt, ...)
{
    char name[NAME_MAX_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    if (n)
        tallies_put(t, name, n);
}

static int bits(int mask, int group) { return __builtin_popcount((unsigned)(mask & group)); }

/* Into t: what person p moves the figures by (but the most). */
static void person_moves(tallies *t, const og_owned *os, const og_person *p)
{
    if (p->mask_now != p->mask_was) {
        put(t, p->mask_now - p->mask_was, OG_GAPS "%lld", (long long)p->id);
        for (int j = 0; j < NGROUPS; j++)
            put(t, bits(p->mask_now, groups[j].bits) - bits((int)p->mask_was, groups[j].bits), "%s",
                groups[j].name);
        put(t, (p->mask_now & OG_GAP_BITS) - ((int)p->mask_was & OG_GAP_BITS), OG_GAPPED "%013lld",
            (long long)p->id);
    }
    int64_t all_was = 0, all_now = 0;
    for (int c = 0; c < os->n; c++) {
        put(t, p->now[c] - p->was[c], OG_FIGURE "owned.%s", os->reg[c]->name);
        all_was += p->was[c];
        all_now += p->now[c];
    }
    put(t, (all_now > 0) - (all_was > 0), OG_FIGURE "owners");
    for (int k = 0; k < OG_OWNING; k++) {
        int c = os->of_kind[k];
        if (c < 0 || p->was[c] == p->now[c])
            continue;
        if (p->was[c])
            put(t, -1, OG_HIST "%s.%lld", og_registers[k], (long long)p->was[c]);
        if (p->now[c])
            put(t, 1, OG_HIST "%s.%lld", og_registers[k], (long long)p->now[c]);
    }
}

/* ---- counted from nothing ---- */

static int owner_figure(const char *name, int64_t n, void *ctx)
{
    return strncmp(name, OG_TOUCH, sizeof OG_TOUCH - 1) ? person_named(name, n, ctx) : 0;
}

int og_recount(store *s, const tallies *owners, tallies *out, isms_err *e)
{
    people ps = { 0 };
    og_owned_registers(&ps.os);
    for (size_t i = 0; i < owners->m.cap; i++) {
        const char *name = owners->m.slots[i].key;
        if (name && !strncmp(name, TALLY_OWNER_PREFIX, sizeof TALLY_OWNER_PREFIX - 1))
            owner_figure(name, *(const int64_t *)owners->m.slots[i].value, &ps);
    }
    people_merge(&ps);
    int rc = people_read(s, &ps, e);
    int64_t most[OG_OWNING] = { 0 };
    for (size_t i = 0; i < ps.n && !rc; i++) {
        person_moves(out, &ps.os, &ps.p[i]);
        for (int k = 0, c; k < OG_OWNING; k++)
            if ((c = ps.os.of_kind[k]) >= 0 && ps.p[i].now[c] > most[k])
                most[k] = ps.p[i].now[c];
    }
    for (int k = 0; k < OG_OWNING && !rc; k++)
        put(out, most[k], OG_FIGURE "most.%s", og_registers[k]);
    free(ps.p);
    return rc;
}

/* ---- moved at a commit ---- */

int og_touch(store *s, int64_t id, isms_err *e)
{
    if (!store_keeps_owner_gaps(s) || !store_in_write_txn(s))
        return 0;
    char name[NAME_MAX_LEN];
    snprintf(name, sizeof name, OG_TOUCH "%lld", (long long)id);
    return store_tally_add(s, &(store_tally){ name, 0 }, 1, e);
}

/* Into names[0 .. os->n]: person #id's figures, what they own of each
 * column and their og_mask. */
static void person_names(arena *a, const og_owned *os, int64_t id, const char **names)
{
    for (int c = 0; c < os->n; c++)
        names[c] = arena_printf(a, TALLY_OWNER_PREFIX "%s.%lld", os->reg[c]->name, (long long)id);
    names[os->n] = arena_printf(a, OG_GAPS "%lld", (long long)id);
}

/* Each person's figures as the table holds them (was), what the commit
 * adds to what they own (now, so far the change alone) put on them; and
 * the most of each register held, into most[]. */
static int people_stored(store *s, people *ps, int64_t most[OG_OWNING], isms_err *e)
{
    size_t n = ps->n;
    int64_t *ids = xmalloc(sizeof *ids * (n + 1)),
            *owns = xmalloc(sizeof *owns * OG_MAX_OWNED * (n + 1));
    int *masks = xmalloc(sizeof *masks * (n + 1));
    for (size_t i = 0; i < n; i++)
        ids[i] = ps->p[i].id;
    int rc = og_people_figures(s, &ps->os, ids, n, owns, masks, e);
    for (size_t i = 0; i < n && !rc; i++) {
        og_person *p = &ps->p[i];
        for (int c = 0; c < ps->os.n; c++) {
            p->was[c] = owns[i * OG_MAX_OWNED + (size_t)c];
            p->now[c] += p->was[c];
        }
        p->mask_was = masks[i];
    }
    char names[OG_OWNING][NAME_MAX_LEN];
    const char *ptr[OG_OWNING];
    for (int k = 0; k < OG_OWNING; k++) {
        snprintf(names[k], sizeof names[k], OG_FIGURE "most.%s", og_registers[k]);
        ptr[k] = names[k];
    }
    if (!rc)
        rc = store_tally_stored(s, ptr, OG_OWNING, most, e);
    free(ids);
    free(owns);
    free(masks);
    return rc;
}

/* The highest count in (floor, top] that someone owns of register k as
 * the commit leaves them (the table's counts and t's moves), or floor: the
 * counts read from the top down, a statement for each 200. */
static int highest_held(store *s, int k, int64_t top, int64_t floor, const tallies *t,
                        int64_t *most, isms_err *e)
{
    enum { BATCH = 200 };
    char names[BATCH][NAME_MAX_LEN];
    const char *ptr[BATCH];
    int64_t v[BATCH];
    *most = floor;
    for (int64_t hi = top; hi > floor; hi -= BATCH) {
        size_t nb = hi - floor < BATCH ? (size_t)(hi - floor) : BATCH;
        for (size_t j = 0; j < nb; j++) {
            snprintf(names[j], sizeof names[j], OG_HIST "%s.%lld", og_registers[k],
                     (long long)(hi - (int64_t)j));
            ptr[j] = names[j];
        }
        int rc = store_tally_stored(s, ptr, nb, v, e);
        for (size_t j = 0; j < nb && !rc; j++)
            if (v[j] + tallies_get(t, names[j]) > 0) {
                *most = hi - (int64_t)j;
                return 0;
            }
        if (rc)
            return rc;
    }
    return 0;
}

/* Into t: the most anyone owns of each register whose counts the commit
 * changed, from most_was: a count now above it, or the highest still held
 * from it down to the highest the commit left to anyone it changed. */
static int most_moves(store *s, const people *ps, const int64_t most_was[OG_OWNING], tallies *t,
                      isms_err *e)
{
    int rc = 0;
    for (int k = 0; k < OG_OWNING && !rc; k++) {
        int64_t touched = 0, changed = 0, most;
        int c = ps->os.of_kind[k];
        for (size_t i = 0; i < ps->n && c >= 0; i++) {
            changed |= ps->p[i].now[c] != ps->p[i].was[c];
            touched = ps->p[i].now[c] > touched ? ps->p[i].now[c] : touched;
        }
        if (!changed)
            continue;
        rc =
            highest_held(s, k, most_was[k] > touched ? most_was[k] : touched, touched, t, &most, e);
        if (!rc)
            put(t, most - most_was[k], OG_FIGURE "most.%s", og_registers[k]);
    }
    return rc;
}

int og_moves(store *s, tallies *t, isms_err *e)
{
    if (!store_keeps_owner_gaps(s))
        return 0;
    people ps = { 0 };
    og_owned_registers(&ps.os);
    store_tally_waiting(s, TALLY_OWNER_PREFIX, person_named, &ps);
    people_merge(&ps);
    int64_t most[OG_OWNING];
    int rc = ps.n ? people_stored(s, &ps, most, e) : 0;
    if (!rc && ps.n)
        rc = people_read(s, &ps, e);
    for (size_t i = 0; i < ps.n && !rc; i++)
        person_moves(t, &ps.os, &ps.p[i]);
    if (!rc && ps.n)
        rc = most_moves(s, &ps, most, t, e);
    free(ps.p);
    return rc;
}

/* ---- read by the matrix (0045) ---- */

int og_kept_read(store *s, const og_owned *os, og_kept *out, isms_err *e)
{
    enum { FIXED = 6 };
    const char *names[FIXED + OG_MAX_OWNED + OG_OWNING] = {
        groups[0].name, groups[1].name, groups[2].name,
        groups[3].name, groups[4].name, OG_FIGURE "owners",
    };
    int64_t v[FIXED + OG_MAX_OWNED + OG_OWNING];
    arena a;
    arena_init(&a);
    for (int c = 0; c < os->n; c++)
        names[FIXED + c] = arena_printf(&a, OG_FIGURE "owned.%s", os->reg[c]->name);
    for (int k = 0; k < OG_OWNING; k++)
        names[FIXED + os->n + k] = arena_printf(&a, OG_FIGURE "most.%s", og_registers[k]);
    int rc = store_tally_stored(s, names, (size_t)(FIXED + os->n + OG_OWNING), v, e);
    memset(out, 0, sizeof *out);
    if (!rc) {
        out->without_role = v[0];
        out->auditor_owns = v[1];
        out->without_budget = v[2];
        out->risk_owners = v[3];
        out->budgeted = v[4];
        out->owners = v[5];
        memcpy(out->owned, v + FIXED, sizeof *v * (size_t)os->n);
        memcpy(out->most, v + FIXED + os->n, sizeof out->most);
    }
    arena_reset(&a);
    return rc;
}

typedef struct holding {
    int64_t most, id;
} holding;

static int holds_most(const char *name, int64_t n, void *ctx)
{
    holding *h = ctx;
    if (n != h->most)
        return 0;
    h->id = strtoll(strrchr(name, '.') + 1, NULL, 10);
    return 1; /* (more than half: no one else) */
}

int og_holder(store *s, int k, int64_t most, int64_t *id, isms_err *e)
{
    char prefix[NAME_MAX_LEN];
    snprintf(prefix, sizeof prefix, TALLY_OWNER_PREFIX "%s.", og_registers[k]);
    holding h = { .most = most };
    int rc = store_tally_prefix(s, prefix, holds_most, &h, e);
    *id = h.id;
    return rc == 1 ? 0 : rc;
}

int og_people_figures(store *s, const og_owned *os, const int64_t *ids, size_t n, int64_t *owns,
                      int *masks, isms_err *e)
{
    size_t per = (size_t)os->n + 1;
    arena a;
    arena_init(&a);
    const char **names = xmalloc(sizeof *names * (n * per + 1));
    int64_t *v = xmalloc(sizeof *v * (n * per + 1));
    for (size_t i = 0; i < n; i++)
        person_names(&a, os, ids[i], names + i * per);
    int rc = store_tally_stored(s, names, n * per, v, e);
    for (size_t i = 0; i < n && !rc; i++) {
        memset(owns + i * OG_MAX_OWNED, 0, sizeof *owns * OG_MAX_OWNED);
        memcpy(owns + i * OG_MAX_OWNED, v + i * per, sizeof *v * (size_t)os->n);
        masks[i] = (int)v[i * per + (size_t)os->n];
    }
    free(names);
    free(v);
    arena_reset(&a);
    return rc;
}

typedef struct gapped_read {
    og_gapped_fn fn;
    void *ctx;
} gapped_read;

static int gapped_row(const char *name, int64_t n, void *ctx)
{
    gapped_read *g = ctx;
    return g->fn(strtoll(name + sizeof OG_GAPPED - 1, NULL, 10), (int)n, g->ctx);
}

int og_gapped_next(store *s, int64_t after, int64_t limit, og_gapped_fn fn, void *ctx, isms_err *e)
{
    char from[NAME_MAX_LEN];
    snprintf(from, sizeof from, OG_GAPPED "%013lld", (long long)after);
    gapped_read g = { fn, ctx };
    return store_tally_first(s, OG_GAPPED, after ? from : NULL, limit, gapped_row, &g, e);
}
