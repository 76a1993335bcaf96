/* lifecycle.c: moving records along their register's lifecycle table
 * (core/record.h), and the rules every change of such a record obeys.
 *
 * A transition is done by the principal: they must hold the role it
 * names (or the role the record's value chooses), must not have made the
 * record when it asks for four eyes, and are stamped as who did it. The
 * ledger entry of the change carries the transition's verb as its op and
 * the principal as its actor. What a transition freezes (the record, and
 * the records that belong to it) no longer changes; a new version that
 * supersedes it is a new record. */
#include "domain/engine/dom_internal.h"
#include "domain/engine/lifecycle.h"
#include "domain/registers/registers.h"
#include "core/buf.h"
#include "core/text.h"

#include <string.h>

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The index of field `fid` in reg, when it is reg's own; -1 otherwise. */
static int own_field(const regdef *reg, int fid)
{
    int i = fid & (FIELD_MAX - 1);
    return reg && fid && FIELD_REGNUM(fid) == reg->num && i < reg->nfields ? i : -1;
}

/* A field's name for messages: a table checked without its register
 * (lifecycle_check with reg NULL) names its state field "state". */
static const char *fname(const regdef *reg, int fid)
{
    int i = own_field(reg, fid);
    return i < 0 ? "state" : reg->fields[i].name;
}

int lifecycle_frozen(const lifecycle *lc, const char *state)
{
    if (!state)
        return 0;
    if (lc->superseded && !strcmp(state, lc->superseded))
        return 1;
    for (int i = 0; i < lc->ntransitions; i++)
        if ((lc->transitions[i].flags & LC_FREEZES) && !strcmp(lc->transitions[i].to, state))
            return 1;
    return 0;
}

int lifecycle_final(const lifecycle *lc, const char *state)
{
    for (int i = 0; i < lc->ntransitions; i++) {
        const transition *t = &lc->transitions[i];
        if (!strcmp(t->from, state) || ((t->flags & LC_SUPERSEDES) && !strcmp(t->to, state)))
            return 0;
    }
    return 1;
}

/* ---- the guard every change passes (mutate.c) ---- */

/* A record that belongs to a frozen one (FF_PARENT) is frozen with it:
 * it can be neither added to it, changed, moved away nor retired. */
static int parent_open(dom *d, const fielddef *f, int64_t id, isms_err *e)
{
    const regdef *preg = register_find(f->target);
    if (!id || !preg || !preg->lifecycle)
        return 0;
    record parent;
    int rc = store_get_id(d->st, preg, id, &parent, &d->a, e);
    if (rc)
        return rc;
    const char *state = record_text(&parent, preg->lifecycle->field);
    if (lifecycle_frozen(preg->lifecycle, state))
        return err_set(e, E_CONFLICT, f->name,
                       "%s: %s is %s and can no longer change, nor can what belongs to it", f->name,
                       parent.key, state);
    return 0;
}

static int parents_open(dom *d, const record *r, const record *old, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *f = &r->reg->fields[i];
        if (!(f->flags & FF_PARENT) || f->type != FT_REF)
            continue;
        int64_t now = r->v[i].null ? 0 : r->v[i].i,
                before = old && !old->v[i].null ? old->v[i].i : 0;
        int rc = parent_open(d, f, now, e);
        if (!rc && before != now)
            rc = parent_open(d, f, before, e);
        if (rc)
            return rc;
    }
    return 0;
}

int dom_record_frozen(dom *d, const record *r, int *by_parent)
{
    isms_err quiet = { 0 };
    *by_parent = parents_open(d, r, r, &quiet) != 0;
    const lifecycle *lc = r->reg->lifecycle;
    return *by_parent || (lc && lifecycle_frozen(lc, record_text(r, lc->field)));
}

int lifecycle_guard(dom *d, const record *r, const record *old, isms_err *e)
{
    int rc = parents_open(d, r, old, e);
    const lifecycle *lc = r->reg->lifecycle;
    if (rc || !lc)
        return rc;
    const char *state = record_text(r, lc->field);
    if (!old) {
        if (!same_text(state, lc->states[0]))
            return err_set(e, E_INVALID, fname(r->reg, lc->field),
                           "%s: a new %s starts as %s, not %s", fname(r->reg, lc->field),
                           r->reg->name, lc->states[0], state ? state : "nothing");
        return 0;
    }
    if (d->transitioning)
        return 0;
    const char *was = record_text(old, lc->field);
    if (!same_text(state, was))
        return err_set(e, E_INVALID, fname(r->reg, lc->field),
                       "%s: %s changes only through its verbs (isms %s --help)",
                       fname(r->reg, lc->field), r->key, r->reg->name);
    if (lifecycle_frozen(lc, was) && !rules_is_retiring(r, old))
        return err_set(e, E_CONFLICT, fname(r->reg, lc->field),
                       "%s is %s and can no longer change%s%s%s", r->key, was,
                       lc->superseded ? "; add a new version with `isms " : "",
                       lc->superseded ? r->reg->name : "", lc->superseded ? " add`" : "");
    return 0;
}

/* ---- who may ---- */

/* The role transition t needs on record r (NULL: none). */
static int role_needed(const record *r, const transition *t, const char **role, isms_err *e)
{
    *role = t->role;
    if (!t->role_field)
        return 0;
    const char *v = record_text(r, t->role_field);
    for (const lc_role_by *b = t->role_by; v && b->value; b++)
        if (!strcmp(b->value, v)) {
            *role = b->role;
            return 0;
        }
    return err_set(e, E_CONFLICT, fname(r->reg, t->role_field),
                   "%s %s: its %s (%s) does not say who may %s it", t->verb, r->key,
                   fname(r->reg, t->role_field), v ? v : "not set", t->verb);
}

enum { SCAN_STOP = -1 };

typedef struct first_actor {
    const char *actor;
    arena *a;
} first_actor;

static int take_actor(const ledger_row *row, void *ctx)
{
    first_actor *f = ctx;
    f->actor = arena_strdup(f->a, row->actor);
    return SCAN_STOP;
}

/* Who made the record: the actor of its first ledger entry. */
static int maker_of(dom *d, const record *r, const char **maker, isms_err *e)
{
    first_actor f = { .a = &d->a };
    int rc = store_ledger_scan(d->st, r->key, take_actor, &f, e);
    if (rc && rc != SCAN_STOP)
        return rc;
    *maker = f.actor;
    return 0;
}

static int not_a_person(dom *d, const record *r, const transition *t, const char *what, isms_err *e)
{
    return err_set(e, E_DENIED, "as",
                   "%s %s %s; %s is not a person of the repository: act as one "
                   "(--as PERSON)",
                   t->verb, r->key, what, dom_actor(d));
}

static int permitted(dom *d, const record *r, const transition *t, isms_err *e)
{
    const principal *who = dom_who(d);
    const char *role;
    int rc = role_needed(r, t, &role, e);
    if (rc)
        return rc;
    if (role && !who->person)
        return not_a_person(d, r, t, arena_printf(&d->a, "needs the role %s", role), e);
    if (role && !principal_has_role(who, role))
        return err_set(e, E_DENIED, "as",
                       "%s %s: %s (%s) does not have the role %s, which this "
                       "needs (%s)",
                       t->verb, r->key, who->person_key, who->actor, role, t->help);
    if (t->stamp_by && !who->person)
        return not_a_person(d, r, t, "is signed by the person who does it", e);
    if (t->flags & LC_BY_OWNER) {
        rc = principal_may_write(who, r->reg, r, r, e);
        if (rc)
            return rc;
    }
    if (t->flags & LC_FOUR_EYES) {
        const char *maker;
        rc = maker_of(d, r, &maker, e);
        if (rc)
            return rc;
        if (maker && !strcmp(maker, who->actor))
            return err_set(e, E_DENIED, "as",
                           "%s %s: %s made it, and may not also %s it (four eyes)", t->verb, r->key,
                           who->actor, t->verb);
    }
    return 0;
}

/* Is r ready for t: the field t needs is set, the one it awaits empty? */
static int ready(const record *r, const transition *t, isms_err *e)
{
    if (t->needs && record_cval(r, t->needs)->null) {
        const char *name = fname(r->reg, t->needs);
        return err_set(e, E_CONFLICT, name, "%s %s: its %s is not set yet (%s)", t->verb, r->key,
                       name, t->help);
    }
    if (t->awaits && !record_cval(r, t->awaits)->null) {
        const char *name = fname(r->reg, t->awaits);
        const char *what = record_text(r, t->awaits);
        return err_set(e, E_CONFLICT, name, "%s %s: not while %s is set (%s): %s", t->verb, r->key,
                       name, what ? what : "set", t->help);
    }
    return 0;
}

int dom_may_transition(dom *d, const record *r, const transition *t, isms_err *e)
{
    const lifecycle *lc = r->reg->lifecycle;
    const char *state = lc ? record_text(r, lc->field) : NULL;
    if (r->retired_at || !state || strcmp(state, t->from))
        return err_set(e, E_CONFLICT, fname(r->reg, lc ? lc->field : 0), "%s %s: it is %s, not %s",
                       t->verb, r->key,
                       r->retired_at ? "retired"
                       : state       ? state
                                     : "in no state",
                       t->from);
    int rc = permitted(d, r, t, e);
    return rc ? rc : ready(r, t, e);
}

/* ---- the transition ---- */

typedef struct move {
    const lifecycle *lc;
    const transition *t;
    const principal *who;
    const char *now;
} move;

static int mutate_move(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)e;
    const move *m = arg;
    record_set_text(r, m->lc->field, m->t->to, &d->a);
    if (m->t->stamp_by) {
        value *by = record_val(r, m->t->stamp_by);
        by->null = 0;
        by->given = 1;
        by->i = m->who->person;
        by->s = m->who->person_key;
    }
    if (m->t->stamp_at)
        record_set_text(r, m->t->stamp_at, m->now, &d->a);
    return 0;
}

static int mutate_supersede(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)e;
    const lifecycle *lc = arg;
    record_set_text(r, lc->field, lc->superseded, &d->a);
    return 0;
}

/* The records of the target's group that are in the state it moves to:
 * those it supersedes. */
typedef struct group_scan {
    const record *target;
    int group; /* field index, or -1: the whole register */
    const char **keys;
    int n;
    size_t cap;
    arena *a;
} group_scan;

/* A reference groups by the record it names; a text (a series that is
 * several values in one, as an SoA's framework and profile) by its text. */
static int same_group(const record *a, const record *b, int f)
{
    if (f < 0)
        return 1;
    const value *x = &a->v[f], *y = &b->v[f];
    if (x->null || y->null)
        return x->null == y->null;
    return a->reg->fields[f].type == FT_TEXT ? !strcmp(x->s, y->s) : x->i == y->i;
}

static int collect_group(const record *r, void *ctx)
{
    group_scan *g = ctx;
    if (r->id == g->target->id || !same_group(r, g->target, g->group))
        return 0;
    ARENA_GROW(g->a, g->keys, (size_t)g->n, g->cap, 4);
    g->keys[g->n++] = arena_strdup(g->a, r->key);
    return 0;
}

static int supersede(dom *d, const record *target, const move *m, isms_err *e)
{
    group_scan g = { .target = target,
                     .a = &d->a,
                     .group = m->lc->group ? field_index(target->reg, m->lc->group) : -1 };
    store_filter f = { .field = field_def(target->reg, m->lc->field), .sval = m->t->to };
    store_query q = { .filters = &f, .nfilters = 1 };
    int rc = store_scan(d->st, target->reg, &q, collect_group, &g, e);
    record tmp;
    for (int k = 0; k < g.n && !rc; k++)
        rc = dom_change_in_txn(d, target->reg, g.keys[k], 0, mutate_supersede, m->lc, "supersede",
                               &tmp, e);
    return rc;
}

/* Which states `verb` leaves, for the message when it does not apply. */
static const char *from_states(dom *d, const lifecycle *lc, const char *verb)
{
    buf b;
    buf_init(&b);
    int n = 0;
    for (int i = 0; i < lc->ntransitions; i++)
        if (!strcmp(lc->transitions[i].verb, verb))
            buf_printf(&b, "%s%s", n++ ? " or " : "", lc->transitions[i].from);
    const char *s = arena_strdup(&d->a, buf_str(&b));
    buf_reset(&b);
    return s;
}

static int transition_in_txn(dom *d, const regdef *reg, const char *key, const char *verb,
                             record *out, isms_err *e)
{
    const lifecycle *lc = reg->lifecycle;
    record r;
    int rc = store_get(d->st, reg, key, &r, &d->a, e);
    if (rc)
        return rc;
    if (r.retired_at)
        return err_set(e, E_CONFLICT, reg->name, "%s was retired on %.10s and cannot be changed",
                       key, r.retired_at);
    const char *state = record_text(&r, lc->field);
    const transition *t = regdef_transition(reg, verb, state ? state : "");
    if (!t)
        return err_set(e, E_CONFLICT, fname(reg, lc->field),
                       "%s is %s; %s applies only when it is %s", key,
                       state ? state : "in no state", verb, from_states(d, lc, verb));
    rc = permitted(d, &r, t, e);
    if (!rc)
        rc = ready(&r, t, e);
    if (rc)
        return rc;
    char now[21];
    now_timestamp(now);
    move m = { .lc = lc, .t = t, .who = dom_who(d), .now = now };
    d->transitioning = 1;
    rc = dom_change_in_txn(d, reg, key, 0, mutate_move, &m, t->verb, out, e);
    if (!rc && (t->flags & LC_SUPERSEDES))
        rc = supersede(d, &r, &m, e);
    d->transitioning = 0;
    return rc;
}

int dom_transition(dom *d, const regdef *reg, const char *key, const char *verb, record *out,
                   isms_err *e)
{
    if (!regdef_transition(reg, verb, NULL))
        return err_set(e, E_USAGE, reg->name, "%s records have no verb %s", reg->name, verb);
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    return dom_txn_end(d, transition_in_txn(d, reg, dom_key(d, key), verb, out, e), e);
}

/* ---- checking a table ---- */

static int bad(isms_err *e, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(isms_err *e, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, E_INTERNAL, what, fmt, ap);
    va_end(ap);
    return E_INTERNAL;
}

static const char *const generic_verbs[] = {
    "add", "list", "show", "update", "retire", "set", NULL
};

static int check_role(const char *role, const transition *t, isms_err *e)
{
    int i = choice_index(role_names, role);
    if (i < 0 || i >= 32)
        return bad(e, t->verb, "%s: %s is not a role", t->verb, role);
    return 0;
}

static int check_transition(const lifecycle *lc, int k, isms_err *e)
{
    const transition *t = &lc->transitions[k];
    if (!t->verb || !*t->verb || choice_index(generic_verbs, t->verb) >= 0)
        return bad(e, "verb", "transition %d: \"%s\" cannot be a verb", k, t->verb ? t->verb : "");
    if (choice_index(lc->states, t->from) < 0 || choice_index(lc->states, t->to) < 0 ||
        !strcmp(t->from, t->to))
        return bad(e, t->verb, "%s: %s -> %s does not join two states", t->verb, t->from, t->to);
    for (int j = 0; j < k; j++)
        if (!strcmp(lc->transitions[j].verb, t->verb) && !strcmp(lc->transitions[j].from, t->from))
            return bad(e, t->verb, "%s leaves %s twice", t->verb, t->from);
    if (!t->help || !*t->help)
        return bad(e, t->verb, "%s: no help", t->verb);
    if (t->role && t->role_field)
        return bad(e, t->verb, "%s: a role, or a role by value, not both", t->verb);
    if (!t->role_field != !t->role_by)
        return bad(e, t->verb, "%s: a role by value needs its field and its table", t->verb);
    int rc = t->role ? check_role(t->role, t, e) : 0;
    for (const lc_role_by *b = t->role_by; !rc && b && b->value; b++)
        rc = check_role(b->role, t, e);
    if (!rc && (t->flags & LC_SUPERSEDES) && !lc->superseded)
        return bad(e, t->verb, "%s supersedes, but the lifecycle has no superseded state", t->verb);
    if (!rc && lifecycle_frozen(lc, t->from) && !lifecycle_frozen(lc, t->to))
        return bad(e, t->verb, "%s would thaw a frozen record (%s -> %s)", t->verb, t->from, t->to);
    if (!rc && !(t->flags & LC_FREEZES) && lifecycle_frozen(lc, t->to) &&
        !(lc->superseded && !strcmp(lc->superseded, t->to)))
        return bad(e, t->verb, "%s leads to %s, which other transitions freeze; say so here too",
                   t->verb, t->to);
    return rc;
}

/* Every state can be reached from the first. */
static int check_reachable(const lifecycle *lc, const regdef *reg, isms_err *e)
{
    int n = 0;
    while (lc->states[n])
        n++;
    unsigned char seen[64] = { 1 };
    if (n > 64)
        return bad(e, fname(reg, lc->field), "%s: more than 64 states", fname(reg, lc->field));
    for (int grew = 1; grew;) {
        grew = 0;
        for (int i = 0; i < lc->ntransitions; i++) {
            const transition *t = &lc->transitions[i];
            int from = choice_index(lc->states, t->from), to = choice_index(lc->states, t->to);
            int sup = (t->flags & LC_SUPERSEDES) ? choice_index(lc->states, lc->superseded) : -1;
            if (seen[from] && !seen[to])
                seen[to] = grew = 1;
            if (seen[from] && sup >= 0 && !seen[sup])
                seen[sup] = grew = 1;
        }
    }
    for (int i = 0; i < n; i++)
        if (!seen[i])
            return bad(e, lc->states[i], "%s: state %s cannot be reached from %s",
                       fname(reg, lc->field), lc->states[i], lc->states[0]);
    return 0;
}

/* Field `fid` is reg's own, of type `type`, and set by isms only. */
static const fielddef *system_field(const regdef *reg, int fid, ftype type, isms_err *e)
{
    int i = own_field(reg, fid);
    if (i < 0 || reg->fields[i].type != type || !(reg->fields[i].flags & FF_SYSTEM)) {
        bad(e, fname(reg, fid), "%s: %s is not a workflow-only field of the right type", reg->name,
            fname(reg, fid));
        return NULL;
    }
    return &reg->fields[i];
}

static int check_fields(const lifecycle *lc, const regdef *reg, isms_err *e)
{
    const fielddef *state = system_field(reg, lc->field, FT_ENUM, e);
    if (!state)
        return E_INTERNAL;
    for (int i = 0; state->choices[i] || lc->states[i]; i++)
        if (!state->choices[i] || !lc->states[i] || strcmp(state->choices[i], lc->states[i]))
            return bad(e, state->name, "%s.%s: its choices are not the lifecycle's states",
                       reg->name, state->name);
    if (!state->deflt || strcmp(state->deflt, lc->states[0]))
        return bad(e, state->name, "%s.%s: records must start as %s", reg->name, state->name,
                   lc->states[0]);
    if (lc->group && own_field(reg, lc->group) < 0)
        return bad(e, "group", "%s: the group field is not one of its fields", reg->name);
    for (int k = 0; k < lc->ntransitions; k++) {
        const transition *t = &lc->transitions[k];
        const fielddef *by = t->stamp_by ? system_field(reg, t->stamp_by, FT_REF, e) : NULL;
        if (t->stamp_by && (!by || strcmp(by->target, "person")))
            return bad(e, fname(reg, t->stamp_by), "%s: %s must name a person", t->verb,
                       fname(reg, t->stamp_by));
        if (t->stamp_at && !system_field(reg, t->stamp_at, FT_TIME, e))
            return E_INTERNAL;
        if (t->needs && own_field(reg, t->needs) < 0)
            return bad(e, t->verb, "%s: the field it needs is not one of %s's", t->verb, reg->name);
        if (t->awaits && own_field(reg, t->awaits) < 0)
            return bad(e, t->verb, "%s: the field it awaits is not one of %s's", t->verb,
                       reg->name);
        int owner = regdef_field(reg, "owner");
        if ((t->flags & LC_BY_OWNER) && (owner < 0 || reg->fields[owner].type != FT_REF))
            return bad(e, t->verb, "%s: only its owner may, but %s records have no owner", t->verb,
                       reg->name);
        if (!t->role_field)
            continue;
        int f = own_field(reg, t->role_field);
        if (f < 0 || reg->fields[f].type != FT_ENUM)
            return bad(e, fname(reg, t->role_field), "%s: %s is not a field of fixed values",
                       t->verb, fname(reg, t->role_field));
        for (int c = 0; reg->fields[f].choices[c]; c++) {
            const lc_role_by *b = t->role_by;
            while (b->value && strcmp(b->value, reg->fields[f].choices[c]))
                b++;
            if (!b->value)
                return bad(e, reg->fields[f].name, "%s: nobody may when %s is %s", t->verb,
                           reg->fields[f].name, reg->fields[f].choices[c]);
        }
    }
    return 0;
}

int lifecycle_check(const lifecycle *lc, const regdef *reg, isms_err *e)
{
    if (!lc->field || !lc->states || !lc->states[0] || lc->ntransitions < 1)
        return bad(e, "lifecycle", "a lifecycle needs a state field, states and transitions");
    for (int i = 0; lc->states[i]; i++)
        if (choice_index(lc->states, lc->states[i]) != i)
            return bad(e, lc->states[i], "%s: state %s is listed twice", fname(reg, lc->field),
                       lc->states[i]);
    if (lc->superseded && choice_index(lc->states, lc->superseded) < 0)
        return bad(e, lc->superseded, "%s: superseded state %s is not a state",
                   fname(reg, lc->field), lc->superseded);
    for (int k = 0; k < lc->ntransitions; k++) {
        int rc = check_transition(lc, k, e);
        if (rc)
            return rc;
    }
    int rc = check_reachable(lc, reg, e);
    return rc || !reg ? rc : check_fields(lc, reg, e);
}
