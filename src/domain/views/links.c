/* links.c: what points at a record (see links.h). */
#include "domain/views/links.h"
#include "domain/engine/lifecycle.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"

#include <stdlib.h>
#include <string.h>

typedef struct collect {
    dom *d;
    dom_backlinks *out;
    size_t cap;
} collect;

static int add_link(const regdef *reg, const fielddef *f, const char *key, void *ctx)
{
    collect *c = ctx;
    dom_backlinks *o = c->out;
    if (!key) { /* the field has more than the limit: its last listed says so */
        o->links[o->n - 1].more = 1;
        return 0;
    }
    arena *a = dom_arena(c->d);
    ARENA_GROW(a, o->links, (size_t)o->n, c->cap, 16);
    o->links[o->n++] = (dom_backlink){ reg, f, arena_strdup(a, key), NULL, 0 };
    return 0;
}

/* A requirement as people cite it: "iso27001-2022:A.8.8 Management of
 * technical vulnerabilities" (dom_label). */
static const char *requirement_text(dom *d, const char *key)
{
    const char *label = key ? dom_label(d, &reg_requirement, key) : NULL;
    return label ? label : key ? key : "";
}

/* What a mapping maps: its control ("CTL-1 Immutable offline backups")
 * or, in a crosswalk, its source requirement. */
static const char *mapped_from(dom *d, const record *m)
{
    const char *ctl = record_text(m, F_MAPPING_CONTROL);
    if (!ctl)
        return requirement_text(d, record_text(m, F_MAPPING_SOURCE));
    const char *label = dom_label(d, &reg_control, ctl);
    return label ? arena_printf(dom_arena(d), "%s %s", ctl, label) : ctl;
}

/* A mapping has no name of its own: it is called by what it links on the
 * other side from the record shown, and how ("onto iso27001-2022:A.8.8
 * Management of technical vulnerabilities (subset-of)" on a control's
 * page; the control on a requirement's); both sides where it is shown
 * itself (through NULL). */
static const char *mapping_text(dom *d, const record *m, const fielddef *through)
{
    arena *a = dom_arena(d);
    const char *how = record_text(m, F_MAPPING_RELATIONSHIP);
    const char *onto = requirement_text(d, record_text(m, F_MAPPING_TARGET));
    const char *side;
    if (!through)
        side = arena_printf(a, "%s onto %s", mapped_from(d, m), onto);
    else if (through != field_def(&reg_mapping, F_MAPPING_TARGET))
        side = arena_printf(a, "onto %s", onto);
    else
        side = arena_printf(a, "%s%s", record_text(m, F_MAPPING_CONTROL) ? "" : "from ",
                            mapped_from(d, m));
    return how ? arena_printf(a, "%s (%s)", side, how) : side;
}

/* "NAME (state) LABEL": what a record is called, with a state put
 * where a line cut at its end keeps it. */
static const char *named_with(dom *d, const regdef *reg, const char *key, const char *state)
{
    const char *name = dom_known_as(d, reg, key), *label = NULL;
    isms_err quiet = { 0 };
    if (store_label_of(dom_store(d), reg, key, &label, dom_arena(d), &quiet))
        label = NULL;
    return arena_printf(dom_arena(d), "%s (%s)%s%s", name ? name : key, state, label ? " " : "",
                        label ? label : "");
}

/* An applicability is named by its requirement and its statement, the
 * side not shown, with its state first ("iso27001-2022:A.8.13 (applicable,
 * implemented) Information backup" on its statement's page, "SOA-1
 * (applicable, implemented) Statement of Applicability, ..." on its
 * requirement's): its justification says why, on its own page. */
static const char *applicability_text(dom *d, const record *p, const fielddef *through)
{
    arena *a = dom_arena(d);
    const char *req = record_text(p, F_APPLICABILITY_REQUIREMENT);
    const char *soa = record_text(p, F_APPLICABILITY_SOA);
    const char *impl = record_text(p, F_APPLICABILITY_IMPLEMENTATION);
    const char *state = arena_printf(
        a, "%s%s%s", record_int(p, F_APPLICABILITY_APPLICABLE) ? "applicable" : "not applicable",
        impl ? ", " : "", impl ? impl : "");
    if (through == field_def(&reg_applicability, F_APPLICABILITY_REQUIREMENT))
        return soa ? named_with(d, &reg_soa, soa, state) : state;
    const char *named = req ? named_with(d, &reg_requirement, req, state) : state;
    if (through == field_def(&reg_applicability, F_APPLICABILITY_SOA) || !soa)
        return named;
    return arena_printf(a, "%s, in %s", named, soa);
}

const char *dom_record_title(dom *d, const record *r)
{
    if (r->reg == &reg_mapping)
        return mapping_text(d, r, NULL);
    if (r->reg == &reg_applicability)
        return applicability_text(d, r, NULL);
    const char *label = r->reg->label ? record_text(r, r->reg->label) : NULL;
    if (label && (!*label || strchr(label, '\n')))
        label = NULL;
    return dom_named(d, dom_known_as(d, r->reg, r->key), label);
}

/* What people call the record `key` of reg, linking here through field
 * `through` ("" when it has no label). */
static const char *label_of(dom *d, const regdef *reg, const char *key, const fielddef *through)
{
    record r;
    if (dom_get(d, reg, key, &r, NULL))
        return "";
    if (reg == &reg_mapping)
        return mapping_text(d, &r, through);
    if (reg == &reg_applicability)
        return applicability_text(d, &r, through);
    const char *label = record_text(&r, reg->label);
    return label ? label : "";
}

/* ---- a risk's latest analysis ---- */

static int latest_analysis(collect *c, const record *risk, isms_err *e)
{
    record r;
    int found;
    int rc = dom_risk_analysis(c->d, risk->key, &r, &found, e);
    if (rc || !found)
        return rc;
    dom_backlinks *o = c->out;
    o->analysis = r.key;
    o->analysed_at = r.created_at;
    o->mean_loss = record_int(&r, F_ANALYSIS_MEAN_LOSS);
    o->p95_loss = record_int(&r, F_ANALYSIS_P95_LOSS);
    o->outside_appetite = (int)record_int(&r, F_ANALYSIS_OUTSIDE_APPETITE);
    return 0;
}

/* ---- a person's open approvals ---- */

typedef struct pending {
    collect *c;
    const principal *who;
    const transition *t;
    const fielddef *state;
    int limit, n; /* listed of this transition */
    size_t cap;
} pending;

enum { SCAN_STOP = -1 };

/* May the person make t on r? Their roles against the role it needs. */
static int may_make(const principal *who, const record *r, const transition *t)
{
    if (t->role)
        return principal_has_role(who, t->role);
    const char *chosen = t->role_field ? record_text(r, t->role_field) : NULL;
    for (const lc_role_by *b = t->role_by; chosen && b && b->value; b++)
        if (!strcmp(b->value, chosen))
            return principal_has_role(who, b->role);
    return 0;
}

/* May the person make t on any record? Without one of the roles it may
 * need, its records are not read at all. */
static int may_make_any(const principal *who, const transition *t)
{
    if (t->role)
        return principal_has_role(who, t->role);
    for (const lc_role_by *b = t->role_by; t->role_field && b && b->value; b++)
        if (principal_has_role(who, b->role))
            return 1;
    return 0;
}

static int note_pending(const record *r, void *ctx)
{
    pending *p = ctx;
    dom_backlinks *o = p->c->out;
    if (!may_make(p->who, r, p->t))
        return 0;
    if (p->limit && p->n == p->limit) {
        o->approvals[o->napprovals - 1].more = 1;
        return SCAN_STOP;
    }
    arena *a = dom_arena(p->c->d);
    ARENA_GROW(a, o->approvals, (size_t)o->napprovals, p->cap, 16);
    const char *label = record_text(r, r->reg->label);
    o->approvals[o->napprovals++] = (dom_approval){ r->reg,
                                                    arena_strdup(a, r->key),
                                                    arena_strdup(a, label ? label : ""),
                                                    p->t->verb,
                                                    0,
                                                    p->state,
                                                    p->t->from };
    p->n++;
    return 0;
}

/* Records in a transition's starting state that the person may move on,
 * for every register with a lifecycle, the first `limit` of each; a
 * transition that needs no role is anyone's business, not an approval. */
static int open_approvals(collect *c, const record *person, int limit, isms_err *e)
{
    principal who;
    int rc = dom_principal(c->d, person->key, &who, NULL);
    if (rc)
        return 0; /* a retired person approves nothing */
    size_t cap = 0;
    for (int i = 0; registers[i] && !rc; i++) {
        const lifecycle *lc = registers[i]->lifecycle;
        for (int k = 0; lc && k < lc->ntransitions && !rc; k++) {
            const transition *t = &lc->transitions[k];
            if ((!t->role && !t->role_field) || !may_make_any(&who, t))
                continue;
            const fielddef *state = field_def(registers[i], lc->field);
            store_filter f = { .field = state, .sval = t->from };
            /* a role the person holds: each record waits for them, so
             * one past `limit` is read, links too; a role a field of the
             * record names: read on until `limit` of theirs */
            store_query q = { .filters = &f,
                              .nfilters = 1,
                              .limit = t->role && limit ? limit + 1 : 0 };
            pending p = { c, &who, t, state, limit, 0, cap };
            rc = dom_list(c->d, registers[i], &q, note_pending, &p, e);
            cap = p.cap;
            if (rc == SCAN_STOP)
                rc = 0;
        }
    }
    return rc;
}

int dom_backlinks_of(dom *d, const record *r, int limit, dom_backlinks *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    collect c = { d, out, 0 };
    int rc = store_referrers(dom_store(d), r->reg, r->id, limit, add_link, &c, e);
    for (int k = 0; !rc && k < out->n; k++)
        out->links[k].label =
            label_of(d, out->links[k].reg, out->links[k].key, out->links[k].field);
    if (!rc && r->reg == &reg_risk)
        rc = latest_analysis(&c, r, e);
    if (!rc && r->reg == &reg_person && !r->retired_at)
        rc = open_approvals(&c, r, limit, e);
    return rc;
}

/* ---- what of a person's is due ---- */

int dom_field_is_due(const fielddef *f)
{
    if (f->type == FT_TIME) /* a deadline by the hour: an authority's report */
        return strstr(f->name, "due") != NULL;
    return f->type == FT_DATE && (strstr(f->name, "review") || strstr(f->name, "target") ||
                                  strstr(f->name, "expires") || strstr(f->name, "due"));
}

typedef struct due_collect {
    dom *d;
    dom_due *out;
    size_t cap;
    const regdef *reg;
    const fielddef *who, *when;
} due_collect;

static int add_due(const char *key, const char *date, void *ctx)
{
    due_collect *c = ctx;
    dom_due *o = c->out;
    if (!key) {
        o->more = 1;
        return 0;
    }
    arena *a = dom_arena(c->d);
    ARENA_GROW(a, o->items, (size_t)o->n, c->cap, 16);
    o->items[o->n++] = (dom_due_item){ c->reg,  c->who,
                                       c->when, arena_strdup(a, key),
                                       NULL,    arena_strdup(a, date) };
    return 0;
}

/* By date; on one day by register, then by key as people count (RISK-9
 * before RISK-10). */
static int by_date(const void *a, const void *b)
{
    const dom_due_item *x = a, *y = b;
    int c = strcmp(x->date, y->date);
    if (!c)
        c = (x->reg->num > y->reg->num) - (x->reg->num < y->reg->num);
    if (!c)
        c = (strlen(x->key) > strlen(y->key)) - (strlen(x->key) < strlen(y->key));
    return c ? c : strcmp(x->key, y->key);
}

/* The states of reg's lifecycle in which nothing is due (NULL-terminated,
 * in the arena), or NULL. */
static const char *const *done_states(arena *a, const regdef *reg)
{
    const lifecycle *lc = reg->lifecycle;
    if (!lc)
        return NULL;
    size_t n = 0;
    while (lc->states[n])
        n++;
    const char **done = arena_alloc(a, (n + 1) * sizeof *done);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (lifecycle_final(lc, lc->states[i]))
            done[k++] = lc->states[i];
    done[k] = NULL;
    return done;
}

/* The first `limit` of each of one register's person fields and due
 * dates. A person a workflow stamps (approved_by, decided_by) is who acted,
 * not who must act: their fields are passed over. */
static int due_pairs(due_collect *c, const record *person, const char *upto, int limit, isms_err *e)
{
    const regdef *reg = c->reg;
    store_due_query q = { .person = person->id, .upto = upto, .limit = limit };
    if (reg->lifecycle) {
        q.state = &reg->fields[field_index(reg, reg->lifecycle->field)];
        q.done = done_states(dom_arena(c->d), reg);
    }
    int rc = 0;
    for (int i = 0; !rc && i < reg->nfields; i++) {
        const fielddef *who = &reg->fields[i];
        if (who->type != FT_REF || strcmp(who->target, reg_person.name) || (who->flags & FF_SYSTEM))
            continue;
        for (int k = 0; !rc && k < reg->nfields; k++) {
            if (!dom_field_is_due(&reg->fields[k]))
                continue;
            c->who = q.who = who;
            c->when = q.when = &reg->fields[k];
            rc = store_due(dom_store(c->d), reg, &q, add_due, c, e);
        }
    }
    return rc;
}

int dom_due_of(dom *d, const record *person, const char *upto, int limit, dom_due *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    due_collect c = { .d = d, .out = out };
    int rc = 0;
    for (int i = 0; !rc && registers[i]; i++) {
        c.reg = registers[i];
        rc = due_pairs(&c, person, upto, limit, e);
    }
    if (rc)
        return rc;
    /* the earliest `limit` of every register's first `limit` */
    if (out->n > 1) /* (none: no array at all, which qsort may not be given) */
        qsort(out->items, (size_t)out->n, sizeof *out->items, by_date);
    if (out->n > limit) {
        out->n = limit;
        out->more = 1;
    }
    for (int k = 0; k < out->n; k++)
        out->items[k].label = label_of(d, out->items[k].reg, out->items[k].key, NULL);
    return 0;
}
