/* accountability.c: the responsibility matrix and its gaps (see
 * accountability.h): the query, the gaps judged and written in words, the
 * rows, and the road that reads every owner's figures and judges each
 * (inside a write, before 0045, or asked to); the road from the kept
 * figures is accountability_kept.c. */
#include "domain/views/accountability.h"
#include "domain/views/accountability_internal.h"
#include "domain/registers/owner_gaps.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const acc_gap_names[] = { "role-vacant",  "without-role",  "without-budget",
                                      "auditor-owns", "concentration", NULL };

static int kind_of(const dom_accountability *m, const char *reg_name, size_t len)
{
    for (int k = 0; k < m->nkinds; k++)
        if (strlen(m->kinds[k].reg->name) == len && !strncmp(m->kinds[k].reg->name, reg_name, len))
            return k;
    return -1;
}

int acc_role_of(const char *role)
{
    for (int k = 0; role_names[k] && k < ACC_MAX_ROLES; k++)
        if (!strcmp(role_names[k], role))
            return k;
    return -1;
}

acc_owner *acc_owner_add(acc_gather *g, int64_t id)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->owners = xrealloc(g->owners, g->cap * sizeof *g->owners);
    }
    acc_owner *o = &g->owners[g->n++];
    memset(o, 0, sizeof *o);
    o->id = id;
    return o;
}

/* "owner.REGISTER.ID", "owner.gaps.ID", "person.role.ROLE" and
 * "records.person" (tallies.h, owner_gaps.h); the rest is not the
 * matrix's. */
static int figure(const char *name, int64_t n, void *ctx)
{
    acc_gather *g = ctx;
    dom_accountability *m = g->out;
    if (!strcmp(name, TALLY_RECORDS_PREFIX "person")) {
        m->people = n;
    } else if (!strncmp(name, TALLY_ROLE_PREFIX, sizeof TALLY_ROLE_PREFIX - 1)) {
        int r = acc_role_of(name + sizeof TALLY_ROLE_PREFIX - 1);
        if (r >= 0)
            m->holders[r] = n;
    } else if (!strncmp(name, TALLY_OWNER_PREFIX, sizeof TALLY_OWNER_PREFIX - 1)) {
        const char *reg = name + sizeof TALLY_OWNER_PREFIX - 1, *dot = strchr(reg, '.');
        int k = dot ? kind_of(m, reg, (size_t)(dot - reg)) : -1;
        int mask = !strncmp(name, TALLY_GAPS_PREFIX, sizeof TALLY_GAPS_PREFIX - 1);
        if (k < 0 && !mask)
            return 0;
        acc_owner *o = acc_owner_add(g, strtoll(dot + 1, NULL, 10));
        if (mask) {
            o->kept_mask = (int)n;
        } else {
            o->owns[k] = n;
            m->kinds[k].total += n;
        }
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const acc_owner *)a)->id, y = ((const acc_owner *)b)->id;
    return (x > y) - (x < y);
}

/* One entry per owner, their counts summed. */
static void merge_owners(acc_gather *g)
{
    if (g->n)
        qsort(g->owners, g->n, sizeof *g->owners, by_id);
    size_t w = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (w && g->owners[w - 1].id == g->owners[i].id) {
            for (int k = 0; k < ACC_MAX_KINDS; k++)
                g->owners[w - 1].owns[k] += g->owners[i].owns[k];
            g->owners[w - 1].kept_mask |= g->owners[i].kept_mask;
        } else {
            g->owners[w++] = g->owners[i];
        }
    }
    g->n = w;
    g->out->owners = (int64_t)w;
}

static acc_owner *counts_of(const acc_gather *g, int64_t id)
{
    acc_owner key = { .id = id };
    return g->n ? bsearch(&key, g->owners, g->n, sizeof *g->owners, by_id) : NULL;
}

/* Whether the query asks for a gap of this kind and person. */
static int asked(const dom_accountability *m, acc_gap_kind kind, const record *person)
{
    if (m->gap_kind >= 0 && (int)kind != m->gap_kind)
        return 0;
    return !m->gap_person || (person && !strcmp(person->key, m->gap_person));
}

/* A gap (of `owner`, or of no one when NULL): counted, and kept when the
 * query asks for it, past its gap offset, while fewer than ACC_MAX_GAPS
 * are (NULL otherwise: the caller writes no text). */
static acc_gap *gap_add(acc_gather *g, acc_gap_kind kind, const record *person, acc_owner *owner)
{
    dom_accountability *m = g->out;
    if (g->counting) {
        m->gaps_total++;
        m->gaps_of_kind[kind]++;
        if (owner)
            owner->gaps++;
    }
    if (!asked(m, kind, person) || g->seen++ < m->gap_offset || m->ngaps >= ACC_MAX_GAPS)
        return NULL;
    acc_gap *x = &m->gaps[m->ngaps++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    if (person) {
        x->person = arena_strdup(g->a, person->key);
        x->person_name = arena_strdup(g->a, record_text(person, F_PERSON_NAME));
    }
    return x;
}

static const char *plural_of(const dom_accountability *m, int k, int64_t n)
{
    return n == 1 ? m->kinds[k].reg->name : m->kinds[k].reg->plural;
}

/* A gap of owner c about n of the `of` records of column k (and `role`,
 * or NULL), its text for the caller to write; NULL past the list. */
static acc_gap *owning_gap(acc_gather *g, acc_gap_kind kind, const record *p, acc_owner *c,
                           const char *role, int k, int64_t n, int64_t of)
{
    acc_gap *x = gap_add(g, kind, p, c);
    if (x) {
        x->role = role;
        x->registers = g->out->kinds[k].reg->plural;
        x->n = n;
        x->of = of;
    }
    return x;
}

/* What owner c owns of og_registers[k] (0: the register has no owner). */
static int64_t owned(const dom_accountability *m, const acc_owner *c, const char *reg, int *col)
{
    *col = kind_of(m, reg, strlen(reg));
    return *col >= 0 ? c->owns[*col] : 0;
}

/* Owns records of a register whose role they do not hold; an internal
 * auditor who owns any of them; more than half of them on one person. */
static void owning_gaps(acc_gather *g, const record *p, acc_owner *c, int mask)
{
    dom_accountability *m = g->out;
    const char *who = record_text(p, F_PERSON_NAME);
    for (int j = 0; j < OG_OWNING; j++) {
        const char *role = og_roles[j];
        int k;
        int64_t n = owned(m, c, og_registers[j], &k), of = k >= 0 ? m->kinds[k].total : 0;
        if (!n)
            continue;
        const char *what = plural_of(m, k, n);
        acc_gap *x;
        if ((mask & OG_WITHOUT_ROLE(j)) &&
            (x = owning_gap(g, ACC_WITHOUT_ROLE, p, c, role, k, n, of)))
            x->text = arena_printf(g->a,
                                   "%s owns %lld %s without the role %s: give them the role, "
                                   "or give the %s to someone who holds it",
                                   who, (long long)n, what, role, what);
        if ((mask & OG_AUDITOR_OWNS(j)) &&
            (x = owning_gap(g, ACC_AUDITOR_OWNS, p, c, "internal-auditor", k, n, of)))
            x->text = arena_printf(g->a,
                                   "%s is an internal auditor and owns %lld %s: an audit of "
                                   "one's own work is not objective (ISO/IEC 27001 Cl. 9.2.2 "
                                   "c); give the %s to someone else, or leave %s out of "
                                   "auditing them",
                                   who, (long long)n, what, what, who);
        if (of >= OG_CONCENTRATION_MIN && 2 * n > of &&
            (x = owning_gap(g, ACC_CONCENTRATION, p, c, NULL, k, n, of)))
            x->text = arena_printf(g->a,
                                   "%s owns %lld of the %lld %s (%lld%%): the ISMS depends on "
                                   "one person for them; share them out, or name a deputy",
                                   who, (long long)n, (long long)of, m->kinds[k].reg->plural,
                                   (long long)(100 * n / of));
    }
}

/* Owns risks or objectives, and may commit no money. */
static void budget_gap(acc_gather *g, const record *p, acc_owner *c, int mask)
{
    dom_accountability *m = g->out;
    int kr, ko;
    int64_t risks = owned(m, c, "risk", &kr), objectives = owned(m, c, "objective", &ko);
    if (g->counting) {
        m->risk_owners += (mask & OG_RISK_OWNER) != 0;
        m->risk_owners_with_budget += (mask & OG_BUDGETED) != 0;
    }
    if (!(mask & OG_WITHOUT_BUDGET))
        return;
    acc_gap *x = gap_add(g, ACC_WITHOUT_BUDGET, p, c);
    if (!x)
        return;
    x->registers = risks && objectives ? "risks, objectives" : risks ? "risks" : "objectives";
    x->n = risks + objectives;
    const char *what = arena_printf(
        g->a, "%s%s%s",
        risks ? arena_printf(g->a, "%lld %s", (long long)risks, plural_of(m, kr, risks)) : "",
        risks && objectives ? " and " : "",
        objectives
            ? arena_printf(g->a, "%lld %s", (long long)objectives, plural_of(m, ko, objectives))
            : "");
    x->text = arena_printf(g->a,
                           "%s owns %s and holds no budget authority: an owner who cannot "
                           "commit money cannot fund the treatment or the objective they "
                           "answer for; set their budget_authority, or give them to someone "
                           "who holds a budget",
                           record_text(p, F_PERSON_NAME), what);
}

void acc_vacant_roles(acc_gather *g)
{
    for (int j = 0; j < OG_NEEDED; j++) {
        const og_needed *need = &og_needed_roles[j];
        int r = acc_role_of(need->role);
        acc_gap *x;
        if (r < 0 || g->out->holders[r] || !(x = gap_add(g, ACC_ROLE_VACANT, NULL, NULL)))
            continue;
        x->role = need->role;
        x->text = arena_printf(g->a, "No one holds the role %s: %s; give it to someone", need->role,
                               need->why);
    }
}

int acc_owner_gap(const record *p, void *ctx)
{
    acc_gather *g = ctx;
    acc_owner *c = counts_of(g, p->id);
    if (c) {
        int64_t owns[OG_KINDS];
        for (int j = 0, k; j < OG_KINDS; j++)
            owns[j] = owned(g->out, c, og_registers[j], &k);
        int mask = og_mask(owns, p);
        owning_gaps(g, p, c, mask);
        budget_gap(g, p, c, mask);
    }
    return 0;
}

/* Does owner c own more than half of a register judged for it? */
static int concentrates(const dom_accountability *m, const acc_owner *c)
{
    for (int j = 0, k; j < OG_OWNING; j++) {
        int64_t n = owned(m, c, og_registers[j], &k), of = k >= 0 ? m->kinds[k].total : 0;
        if (of >= OG_CONCENTRATION_MIN && 2 * n > of)
            return 1;
    }
    return 0;
}

/* The owners with a gap read once each, by id: the gaps of what they own;
 * the others counted as risk owners by their kept mask. Before 0041 (or
 * inside a write, whose masks move at its commit) every owner is read.
 * (On SQLite a read of each by its key costs less than a scan of them a
 * thousand ids to a statement with their roles: 44 against 52 million
 * instructions for 2,000 owners; on PostgreSQL a read is a round trip,
 * 1.7 s for 8,600 owners, and the thousand to a statement win:
 * store_get_each.) */
static int owner_gaps(acc_gather *g, int count_all, isms_err *e)
{
    store *s = dom_store(g->d);
    int kept = store_keeps_owner_gaps(s) && !store_in_write_txn(s) && !count_all;
    int64_t *ids = xmalloc(sizeof *ids * (g->n ? g->n : 1)), n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const acc_owner *c = &g->owners[i];
        if (!kept || (c->kept_mask & OG_GAP_BITS) || concentrates(g->out, c)) {
            ids[n++] = c->id;
        } else { /* (budget_gap counts those read) */
            g->out->risk_owners += (c->kept_mask & OG_RISK_OWNER) != 0;
            g->out->risk_owners_with_budget += (c->kept_mask & OG_BUDGETED) != 0;
        }
    }
    int rc = store_get_each(s, &reg_person, ids, n, acc_owner_gap, g, g->a, e);
    free(ids);
    return rc;
}

/* "isms-lead, risk-owner" */
static const char *roles_text(arena *a, const char *const *roles, int n)
{
    buf b;
    buf_init(&b);
    for (int k = 0; k < n; k++)
        buf_printf(&b, "%s%s", k ? ", " : "", roles[k]);
    const char *s = arena_strdup(a, buf_str(&b));
    buf_reset(&b);
    return s;
}

static void fill_row(acc_gather *g, const record *p, acc_row *row)
{
    dom_accountability *m = g->out;
    memset(row, 0, sizeof *row);
    row->key = arena_strdup(g->a, p->key);
    row->name = arena_strdup(g->a, record_text(p, F_PERSON_NAME));
    row->email = arena_strdup(g->a, record_text(p, F_PERSON_EMAIL));
    const value *roles = record_cval(p, F_PERSON_ROLES);
    row->nroles = roles->n;
    row->role_list = arena_alloc(g->a, sizeof *row->role_list * (size_t)(roles->n + 1));
    for (int k = 0; k < roles->n; k++)
        row->role_list[k] = arena_strdup(g->a, roles->keys[k]);
    row->roles = roles_text(g->a, row->role_list, row->nroles);
    if (!record_cval(p, F_PERSON_BUDGET_AUTHORITY)->null) {
        row->budget = record_int(p, F_PERSON_BUDGET_AUTHORITY);
        row->budget_text = dom_money_text(g->d, row->budget, " ");
    }
    const acc_owner *c = counts_of(g, p->id);
    for (int k = 0; c && k < m->nkinds; k++) {
        row->owns[k] = c->owns[k];
        row->total += c->owns[k];
    }
    row->gaps = c ? c->gaps : 0; /* (who owns nothing has none) */
}

/* The ids of the page of people, by name. */
int acc_page_ids(acc_gather *g, int64_t **ids, int64_t *n, isms_err *e)
{
    store_query q = { .limit = g->out->limit, .offset = g->out->offset };
    return store_ids(dom_store(g->d), &reg_person, &q, field_def(&reg_person, F_PERSON_NAME), 0,
                     ids, n, g->a, e);
}

/* The page's rows, of the people ids[0 .. n). */
int acc_page(acc_gather *g, const int64_t *ids, int64_t n, isms_err *e)
{
    g->out->rows = arena_alloc(g->a, sizeof *g->out->rows * (size_t)(n ? n : 1));
    int rc = 0;
    for (int64_t i = 0; i < n && !rc; i++) {
        record p;
        rc = store_get_id(dom_store(g->d), &reg_person, ids[i], &p, g->a, e);
        if (!rc)
            fill_row(g, &p, &g->out->rows[g->out->n++]);
    }
    return rc;
}

static void columns(acc_gather *g)
{
    dom_accountability *m = g->out;
    og_owned_registers(&g->os);
    for (m->nkinds = 0; m->nkinds < g->os.n; m->nkinds++)
        m->kinds[m->nkinds].reg = g->os.reg[m->nkinds];
    for (m->nroles = 0; role_names[m->nroles] && m->nroles < ACC_MAX_ROLES; m->nroles++)
        ;
}

int acc_gap_kind_parse(dom *d, const char *name, int *kind, isms_err *e)
{
    *kind = choice_index(acc_gap_names, name);
    return *kind >= 0 ? 0
                      : err_set(e, E_INVALID, "gap", "gap %s: give %s", name,
                                choices_text(dom_arena(d), acc_gap_names));
}

/* The query checked, and what it asks for kept in the answer (the gap
 * person's id in *person). */
static int ask(dom *d, const acc_query *q, dom_accountability *out, int64_t *person, isms_err *e)
{
    if (q->limit < 0 || q->limit > 500)
        return err_set(e, E_INVALID, "limit", "limit %d: give 1 to 500 people a page", q->limit);
    if (q->offset < 0)
        return err_set(e, E_INVALID, "offset", "offset %lld: give 0 or more", (long long)q->offset);
    if (q->gap_offset < 0)
        return err_set(e, E_INVALID, "gap_offset", "gap offset %lld: give 0 or more",
                       (long long)q->gap_offset);
    if (q->gap_kind < -1 || q->gap_kind >= ACC_NKINDS)
        return err_set(e, E_INVALID, "gap", "gap kind %d: no such kind", q->gap_kind);
    out->offset = q->offset;
    out->limit = q->limit ? q->limit : ACC_PAGE;
    out->gap_kind = q->gap_kind;
    out->gap_offset = q->gap_offset;
    if (!q->gap_person)
        return 0;
    const char *key;
    int rc = dom_find_person(d, q->gap_person, person, &key, e);
    if (!rc && !*person)
        rc = err_set(e, E_NOT_FOUND, "gap_person", "gap person %s: there is no such person",
                     q->gap_person);
    out->gap_person = key;
    return rc;
}

/* Every owner's figures read, and each owner judged. */
static int count_all(acc_gather *g, const acc_query *q, isms_err *e)
{
    g->counting = 1;
    int rc = store_tally_scan(dom_store(g->d), TALLIES_NO_DAYS, NULL, figure, g, e);
    if (!rc) {
        merge_owners(g);
        acc_vacant_roles(g);
        rc = owner_gaps(g, q->count_all, e);
    }
    g->out->gaps_asked = g->seen;
    int64_t *ids, n;
    if (!rc)
        rc = acc_page_ids(g, &ids, &n, e);
    return rc ? rc : acc_page(g, ids, n, e);
}

int dom_accountability_read(dom *d, const acc_query *q, dom_accountability *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    acc_gather g = { .d = d, .a = dom_arena(d), .out = out };
    int rc = ask(d, q, out, &g.person, e);
    if (rc)
        return rc;
    store *s = dom_store(d);
    if (!store_keeps_accountability(s))
        return err_set(e, E_CONFLICT, "repository",
                       "this repository's schema does not count who owns what; open it once "
                       "with write access to upgrade it");
    now_timestamp(out->computed_at);
    columns(&g);
    out->gaps = arena_alloc(g.a, sizeof *out->gaps * ACC_MAX_GAPS);
    if (store_keeps_owner_totals(s) && !store_in_write_txn(s) && !q->count_all)
        rc = acc_as_kept(&g, e);
    else
        rc = count_all(&g, q, e);
    free(g.owners);
    return rc;
}
