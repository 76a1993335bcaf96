/* mutate.c: add, update and retire, for every register.
 *
 * The order of work is the same for each mutation:
 *   1. the caller has already parsed text into values (input.c), and the
 *      values pass validation (registers/validate.c) before anything
 *      else, so bad input never reaches a transaction;
 *   2. begin the write transaction;
 *   3. generic checks: required fields, references and links that exist
 *      (and are active when newly set), unique values;
 *   4. the lifecycle's rules (lifecycle.c), then the register's own (its check hook, domain/registers/);
 *   5. write, read the record back, append its canonical form to the ledger;
 *   6. commit, or roll back everything on any failure. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/asset_needs.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/registers/validate.h"
#include "core/buf.h"
#include "core/idset.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "formats/json.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

int dom_find_person(dom *d, const char *who, int64_t *id, const char **key, isms_err *e)
{
    if (strchr(who, '@'))
        return store_lookup_by(d->st, &reg_person, field_def(&reg_person, F_PERSON_EMAIL), who, id,
                               key, &d->a, e);
    int retired;
    int rc = store_lookup(d->st, &reg_person, who, id, &retired, e);
    if (key)
        *key = *id ? who : NULL;
    return rc;
}

int dom_person_id(dom *d, const char *who, int64_t *id, isms_err *e)
{
    const char *key;
    int rc = dom_find_person(d, dom_key(d, who), id, &key, e);
    if (!rc && !*id)
        rc =
            err_set(e, E_NOT_FOUND, "person", "person: %s is not a person of this repository", who);
    return rc;
}

/* Resolves a key (or a person's e-mail) of register `target` to its id and
 * key; *retired tells whether that record is retired. */
static int resolve(dom *d, const fielddef *f, const char *typed, int64_t *id, const char **key,
                   int *retired, isms_err *e)
{
    const regdef *target = register_find(f->target);
    int rc = dom_find(d, target, typed, id, key, retired, e);
    if (!rc && !*id)
        rc = err_set(e, E_INVALID, f->name, "%s: there is no %s %s", f->name, target->name, typed);
    return rc;
}

static int retired_error(const fielddef *f, const char *key, isms_err *e)
{
    return err_set(e, E_INVALID, f->name, "%s: %s %s is retired", f->name, f->target, key);
}

/* Where record id is in set v (-1: not there). By halves: a set read from
 * the store or resolved ascends by id; one by one for one that does not. */
static int index_of(const value *v, int64_t id)
{
    if (!v || !v->n)
        return -1;
    size_t at = ids_lower_bound(v->ids, (size_t)v->n, id);
    if (at < (size_t)v->n && v->ids[at] == id)
        return (int)at;
    for (int k = 0; k < v->n; k++)
        if (v->ids[k] == id)
            return k;
    return -1;
}

/* Is member k of v one kept from the set as it stood? A change by members
 * carries those with their ids and keys (apply_delta): they need no
 * finding again, so adding one to a set of thousands finds one. */
static int kept_member(const value *v, int k, const value *old)
{
    int at = v->ids && v->ids[k] ? index_of(old, v->ids[k]) : -1;
    return at >= 0 && !strcmp(old->keys[at], v->keys[k]);
}

typedef struct member {
    int64_t id;
    const char *key;
} member;

static int cmp_member(const void *a, const void *b)
{
    const member *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Resolves, de-duplicates and orders a set of links by id. Members kept
 * from before may since have been retired; new ones may not. */
static int resolve_links(dom *d, const fielddef *f, value *v, const value *old, isms_err *e)
{
    member *m = arena_alloc(&d->a, sizeof *m * (size_t)(v->n + 1));
    for (int k = 0; k < v->n; k++) {
        if (kept_member(v, k, old)) {
            m[k] = (member){ v->ids[k], v->keys[k] };
            continue;
        }
        int retired;
        int rc = resolve(d, f, v->keys[k], &m[k].id, &m[k].key, &retired, e);
        if (!rc && retired && index_of(old, m[k].id) < 0)
            rc = retired_error(f, m[k].key, e);
        if (rc)
            return rc;
    }
    qsort(m, (size_t)v->n, sizeof *m, cmp_member);
    int n = 0;
    for (int k = 0; k < v->n; k++)
        if (!n || m[n - 1].id != m[k].id)
            m[n++] = m[k];
    v->n = n;
    for (int k = 0; k < n; k++) {
        v->ids[k] = m[k].id;
        v->keys[k] = m[k].key;
    }
    return 0;
}

static int check_unique(dom *d, const record *r, const fielddef *f, const value *v, isms_err *e)
{
    int64_t id;
    const char *key;
    int rc = store_lookup_by(d->st, r->reg, f, v->s, &id, &key, &d->a, e);
    if (!rc && id && id != r->id)
        rc = err_set(e, E_CONFLICT, f->name, "%s: %s is already used by %s", f->name, v->s, key);
    return rc;
}

static int check_field(dom *d, record *r, int i, const record *old, isms_err *e)
{
    const fielddef *f = &r->reg->fields[i];
    value *v = &r->v[i];
    const value *ov = old ? &old->v[i] : NULL;
    if ((f->flags & FF_REQUIRED) && v->null)
        return err_set(e, E_INVALID, f->name, "%s is required", f->name);
    if (v->null || (old && !v->given))
        return 0;
    switch (f->type) {
    case FT_REF: {
        const char *key;
        int retired;
        int rc = resolve(d, f, v->s, &v->i, &key, &retired, e);
        if (!rc && retired && (!ov || ov->null || ov->i != v->i))
            rc = retired_error(f, key, e);
        v->s = key;
        return rc;
    }
    case FT_LINKS: return resolve_links(d, f, v, ov, e);
    case FT_TEXT: return (f->flags & FF_UNIQUE) ? check_unique(d, r, f, v, e) : 0;
    default: return 0;
    }
}

/* How dom_find finds `typed` of reg in one query (into *out); 0 when reg
 * finds its own way (reg->find). */
static int ref_of(const regdef *reg, const char *typed, store_ref *out)
{
    if (reg->find)
        return 0;
    /* a person by e-mail, as everywhere */
    int by_email = reg == &reg_person && strchr(typed, '@');
    *out = (store_ref){ .reg = reg,
                        .by = by_email ? field_def(reg, F_PERSON_EMAIL) : NULL,
                        .text = typed };
    return 1;
}

/* Adds the references of field i that check_field will resolve to refs
 * (NULL: counts them only); the next free place. */
static int field_refs(const record *r, int i, const record *old, store_ref *refs, int n)
{
    const fielddef *f = &r->reg->fields[i];
    const value *v = &r->v[i];
    if ((f->type != FT_REF && f->type != FT_LINKS) || v->null || (old && !v->given))
        return n;
    const regdef *target = register_find(f->target);
    int members = f->type == FT_REF ? 1 : v->n;
    for (int k = 0; k < members; k++) {
        if (f->type == FT_LINKS && kept_member(v, k, old ? &old->v[i] : NULL))
            continue;
        store_ref ref;
        if (!ref_of(target, f->type == FT_REF ? v->s : v->keys[k], &ref))
            continue;
        if (refs)
            refs[n] = ref;
        n++;
    }
    return n;
}

/* Finds every record r newly refers to at once (on PostgreSQL one round
 * trip, not one each), for dom_find to take from d->found while the
 * fields are checked. */
static int find_references(dom *d, const record *r, const record *old, isms_err *e)
{
    int n = 0;
    for (int i = 0; i < r->reg->nfields; i++)
        n = field_refs(r, i, old, NULL, n);
    if (n < 2)
        return 0; /* one is found as fast by itself */
    store_ref *refs = arena_alloc(&d->a, sizeof *refs * (size_t)n);
    n = 0;
    for (int i = 0; i < r->reg->nfields; i++)
        n = field_refs(r, i, old, refs, n);
    int rc = store_find_many(d->st, refs, n, &d->a, e);
    d->found = refs;
    d->nfound = rc ? 0 : n;
    d->found_next = 0;
    return rc;
}

static int check_fields(dom *d, record *r, const record *old, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        isms_err fe = { 0 };
        int rc = check_field(d, r, i, old, &fe);
        if (rc && dom_field_failed(d, rc, &fe, e))
            return rc;
    }
    return dom_fields_failed(d);
}

static int check_record(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = find_references(d, r, old, e);
    if (!rc)
        rc = check_fields(d, r, old, e);
    d->nfound = 0;
    if (rc)
        return rc;
    rc = lifecycle_guard(d, r, old, e);
    if (rc)
        return rc;
    return r->reg->check ? r->reg->check(d, r, old, e) : 0;
}

static void apply_defaults(dom *d, record *r)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *f = &r->reg->fields[i];
        if (f->deflt && r->v[i].null && !r->v[i].given)
            dom_set_value(d, r, i, f->deflt, NULL);
    }
}

#ifndef NDEBUG
/* Debug builds (the tests under sanitizers) hold the record as written to
 * the record read back, byte for byte in its canonical form. */
static int same_as_stored(dom *d, const record *r, isms_err *e)
{
    record back;
    int rc = store_get_id(d->st, r->reg, r->id, &back, &d->a, e);
    if (rc)
        return rc;
    char *mine = record_canonical(r), *stored = record_canonical(&back);
    if (strcmp(mine, stored)) {
        fprintf(stderr, "isms: %s as written: %s\nas stored: %s\n", r->key, mine, stored);
        abort();
    }
    free(mine);
    free(stored);
    return 0;
}
#endif

static int cmp_text(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The record as written, as a read would give it back: references and
 * links resolved (keys and ids, links by id), enum sets sorted bytewise as
 * the store sorts them, nothing marked as given or as a change of members. */
static int as_written(dom *d, const record *r, record *out, isms_err *e)
{
    record_copy(out, r, &d->a);
    for (int i = 0; i < r->reg->nfields; i++) {
        value *v = &out->v[i];
        v->given = v->delta = 0;
        v->nremoved = 0;
        v->removed = NULL;
        if (r->reg->fields[i].type == FT_ENUMSET && v->n > 1)
            qsort(v->keys, (size_t)v->n, sizeof *v->keys, cmp_text);
    }
#ifndef NDEBUG
    return same_as_stored(d, out, e);
#else
    (void)e;
    return 0;
#endif
}

/* Stores r (an insert when there is no `before`, else an update of it),
 * writes its ledger entry from the record as written (on PostgreSQL,
 * reading it back was four round trips of the seventeen of an add: the row
 * and each link table) and moves the dashboard's kept figures from what
 * `before` counted for to what r does: all in the caller's transaction. */
static int persist(dom *d, record *r, const record *before, const char *op, record *out,
                   isms_err *e)
{
    /* None of these writes needs its error before the mutation's savepoint
     * ends: on PostgreSQL they go in one round trip with its release. */
    store_defer_writes(d->st, 1);
    int rc = before ? store_update(d->st, before, r, e) : store_insert(d->st, r, e);
    if (!rc)
        rc = as_written(d, r, out, e);
    if (!rc)
        rc = dom_ledger_record(d, out, op, e);
    if (!rc)
        rc = dom_tallies_changed(d, before, out, e);
    if (!rc)
        rc = dom_latest_changed(d, before, out, e);
    if (!rc)
        rc = dom_asset_needs_changed(d, before, out, e);
    store_defer_writes(d->st, 0);
    return rc;
}

/* Adds `in`, whose values have passed validation, inside the caller's
 * transaction. */
static int add_validated(dom *d, record *in, record *out, isms_err *e)
{
    int user = d->user_write;
    d->user_write = 0; /* what the rules add in turn is the domain's doing */
    int rc = user ? principal_may_write(dom_who(d), in->reg, NULL, NULL, e) : 0;
    if (rc)
        return rc;
    apply_defaults(d, in);
    rc = check_record(d, in, NULL, e);
    if (!rc && user)
        rc = principal_may_write(dom_who(d), in->reg, NULL, in, e);
    if (rc)
        return rc;
    char now[21];
    now_timestamp(now);
    char *key;
    rc = store_next_key(d->st, in->reg, &key, &in->id, &d->a, e);
    if (rc)
        return rc;
    in->key = key;
    in->version = 1;
    in->created_at = in->updated_at = arena_strdup(&d->a, now);
    in->retired_at = NULL;
    return persist(d, in, NULL, "add", out, e);
}

int dom_add_in_txn(dom *d, record *in, record *out, isms_err *e)
{
    int rc = dom_validate(d, in, 0, e);
    if (rc)
        return rc;
    return add_validated(d, in, out, e);
}

int dom_add(dom *d, record *in, record *out, isms_err *e)
{
    if (in->reg->flags & REG_SINGLETON)
        return err_set(e, E_USAGE, in->reg->name, "there is one %s: use `isms %s set`",
                       in->reg->name, in->reg->name);
    /* who may add comes first: a reader learns nothing from validation */
    int rc = principal_may_write(dom_who(d), in->reg, NULL, NULL, e);
    if (!rc)
        rc = dom_validate(d, in, DOM_VALIDATE_USER, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    d->user_write = 1;
    return dom_txn_end(d, add_validated(d, in, out, e), e);
}

enum { MEMBERS_NAMED = 10 }; /* a message names so many of a set, and counts the rest */

/* The members of a set, as people read them in a message. */
static const char *members_text(dom *d, const value *v)
{
    if (v->n <= MEMBERS_NAMED)
        return v->n ? dom_joined(d, v) : "none";
    value first = *v;
    first.n = MEMBERS_NAMED;
    return arena_printf(&d->a, "%s and %d more", dom_joined(d, &first), v->n - MEMBERS_NAMED);
}

/* Where member `key` sits in set v (-1: not there); links compare by the
 * record they name, so a person given by e-mail is found by key. */
static int member_at(dom *d, const fielddef *f, const value *v, const char *key, isms_err *e,
                     int *at)
{
    *at = -1;
    if (f->type == FT_ENUMSET) {
        for (int k = 0; k < v->n; k++)
            if (!strcmp(v->keys[k], key))
                *at = k;
        return 0;
    }
    int64_t id;
    const char *resolved;
    int retired;
    int rc = resolve(d, f, key, &id, &resolved, &retired, e);
    if (!rc)
        *at = index_of(v, id);
    return rc;
}

/* A change by members: the set as it stands, less those removed, plus
 * those added (resolved and de-duplicated later, as any set given). */
static int apply_delta(dom *d, record *r, int i, const value *ch, isms_err *e)
{
    const fielddef *f = &r->reg->fields[i];
    const value *old = &r->v[i];
    char *drop = arena_alloc(&d->a, (size_t)old->n + 1);
    memset(drop, 0, (size_t)old->n + 1);
    for (int k = 0; k < ch->nremoved; k++) {
        int at, rc = member_at(d, f, old, ch->removed[k], e, &at);
        if (rc)
            return rc;
        if (at < 0)
            return err_set(e, E_INVALID, f->name, "%s: %s is not one of %s's %s (%s)", f->name,
                           ch->removed[k], r->key, f->name, members_text(d, old));
        drop[at] = 1;
    }
    value v = { .given = 1 };
    v.keys = arena_alloc(&d->a, sizeof *v.keys * (size_t)(old->n + ch->n + 1));
    v.ids = arena_alloc(&d->a, sizeof *v.ids * (size_t)(old->n + ch->n + 1));
    for (int k = 0; k < old->n; k++)
        if (!drop[k]) {
            v.keys[v.n] = old->keys[k];
            v.ids[v.n++] = old->ids ? old->ids[k] : 0;
        }
    for (int k = 0; k < ch->n; k++) {
        int at = -1;
        for (int j = 0; f->type == FT_ENUMSET && j < v.n; j++)
            at = strcmp(v.keys[j], ch->keys[k]) ? at : j;
        if (at < 0) {
            v.keys[v.n] = ch->keys[k];
            v.ids[v.n++] = 0;
        }
    }
    r->v[i] = v;
    return 0;
}

/* Copies the given values of `changes` over `r`. */
static int apply_changes(dom *d, record *r, const record *changes, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        const value *ch = &changes->v[i];
        if (!ch->given)
            continue;
        if (ch->delta) {
            int rc = apply_delta(d, r, i, ch, e);
            if (rc)
                return rc;
            continue;
        }
        r->v[i] = *ch;
        r->v[i].given = 1;
    }
    return 0;
}

/* Do two sets of links name the same records (in any order)? Read from
 * the store or resolved, both ascend by id and compare in one pass; else
 * sorted copies do, not each member against every other. */
static int same_links(const value *a, const value *b)
{
    int k = 0;
    while (k < a->n && a->ids[k] == b->ids[k])
        k++;
    if (k == a->n)
        return 1;
    size_t rest = (size_t)(a->n - k);
    int64_t *x = xmalloc(sizeof *x * rest * 2), *y = x + rest;
    memcpy(x, a->ids + k, sizeof *x * rest);
    memcpy(y, b->ids + k, sizeof *y * rest);
    size_t nx = ids_sort_unique(x, rest), ny = ids_sort_unique(y, rest);
    int same = nx == ny && !memcmp(x, y, sizeof *x * nx);
    free(x);
    return same;
}

/* Do two sets hold the same members (in any order)? Links compare by id;
 * an enumerated set has a handful of choices at most. */
static int same_set(const fielddef *f, const value *a, const value *b)
{
    if (a->n != b->n)
        return 0;
    if (f->type == FT_LINKS)
        return same_links(a, b);
    for (int k = 0; k < a->n; k++) {
        int found = 0;
        for (int j = 0; j < b->n && !found; j++)
            found = !strcmp(a->keys[k], b->keys[j]);
        if (!found)
            return 0;
    }
    return 1;
}

int dom_same_value(const fielddef *f, const value *a, const value *b)
{
    if (f->type == FT_LINKS || f->type == FT_ENUMSET)
        return same_set(f, a, b);
    if (a->null || b->null)
        return a->null == b->null;
    if (f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BOOL)
        return a->i == b->i;
    return !strcmp(a->s, b->s); /* references: the resolved keys */
}

/* The fields of r whose values differ from old, in the dom's arena. */
static void changed_fields(dom *d, const record *r, const record *old, dom_changes *out)
{
    int *fields =
        arena_alloc(&d->a, sizeof *fields * (size_t)(r->reg->nfields ? r->reg->nfields : 1));
    int n = 0;
    for (int i = 0; i < r->reg->nfields; i++)
        if (!dom_same_value(&r->reg->fields[i], &r->v[i], &old->v[i]))
            fields[n++] = i;
    out->n = n;
    out->fields = fields;
}

static int change_in_txn(dom *d, const regdef *reg, const char *key, int64_t if_version,
                         dom_mutate_fn mutate, const void *arg, const char *op, record *out,
                         dom_changes *changed, isms_err *e)
{
    int user = d->user_write;
    d->user_write = 0; /* what the rules change in turn is the domain's doing */
    record old, r;
    int rc = store_get(d->st, reg, key, &old, &d->a, e);
    if (!rc && user)
        rc = principal_may_write(dom_who(d), reg, &old, NULL, e);
    if (rc)
        return rc;
    if (old.retired_at)
        return err_set(e, E_CONFLICT, reg->name, "%s was retired on %.10s and cannot be changed",
                       key, old.retired_at);
    if (if_version > 0 && old.version != if_version)
        return err_set(e, E_RETRY, "version",
                       "%s is at version %lld, not %lld: someone changed it since you read it", key,
                       (long long)old.version, (long long)if_version);
    record_copy(&r, &old, &d->a);
    rc = mutate(d, &r, arg, e);
    if (rc)
        return rc;
    rc = check_record(d, &r, &old, e);
    if (!rc && user)
        rc = principal_may_write(dom_who(d), reg, &old, &r, e);
    if (rc)
        return rc;
    dom_changes ch;
    changed_fields(d, &r, &old, &ch);
    record *before = arena_alloc(&d->a, sizeof *before);
    *before = old; /* its values are in the arena already */
    ch.before = before;
    if (changed)
        *changed = ch;
    if (!ch.n && !r.retired_at) {
        *out = old;
        return 0;
    }
    char now[21];
    now_timestamp(now);
    r.version = old.version + 1;
    r.updated_at = arena_strdup(&d->a, now);
    if (r.retired_at)
        r.retired_at = r.updated_at;
    return persist(d, &r, &old, op, out, e);
}

int dom_change_in_txn(dom *d, const regdef *reg, const char *key, int64_t if_version,
                      dom_mutate_fn mutate, const void *arg, const char *op, record *out,
                      isms_err *e)
{
    return change_in_txn(d, reg, key, if_version, mutate, arg, op, out, NULL, e);
}

static int mutate_update(dom *d, record *r, const void *arg, isms_err *e)
{
    return apply_changes(d, r, arg, e);
}

static int mutate_retire(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)arg;
    (void)e;
    r->retired_at = "now"; /* replaced by the change's time */
    if (r->reg == &reg_control)
        record_set_text(r, F_CONTROL_STATUS, "retired", &d->a);
    return 0;
}

/* The key of the record `key` names: a key, a person's e-mail, or what a
 * register's own finder takes (a framework by name, a requirement as
 * FRAMEWORK:ID). */
static int record_key(dom *d, const regdef *reg, const char *key, const char **out, isms_err *e)
{
    *out = dom_key(d, key);
    if (!(reg == &reg_person && strchr(*out, '@')) && !reg->find)
        return 0;
    int64_t id;
    int retired;
    int rc = dom_find(d, reg, *out, &id, out, &retired, e);
    if (!rc && !id)
        rc = err_set(e, E_NOT_FOUND, reg->name, "there is no %s %s", reg->name, key);
    return rc;
}

static int change(dom *d, const regdef *reg, const char *key, int64_t if_version, dom_mutate_fn fn,
                  const void *arg, const char *op, record *out, dom_changes *changed, isms_err *e)
{
    const char *k;
    int rc = record_key(d, reg, key, &k, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    d->user_write = 1;
    rc = change_in_txn(d, reg, k, if_version, fn, arg, op, out, changed, e);
    return dom_txn_end(d, rc, e);
}

int dom_retire(dom *d, const regdef *reg, const char *key, record *out, isms_err *e)
{
    if (reg->flags & REG_NO_RETIRE)
        return err_set(e, E_USAGE, reg->name, "the %s cannot be retired", reg->name);
    return change(d, reg, key, 0, mutate_retire, NULL, "retire", out, NULL, e);
}

/* The organisation profile: created on first use, changed after. */
static int org_set(dom *d, const record *changes, record *out, dom_changes *changed, isms_err *e)
{
    int rc = dom_validate(d, changes, DOM_VALIDATE_USER, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    int64_t id;
    int retired;
    rc = store_lookup(d->st, &reg_org, "ORG", &id, &retired, e);
    d->user_write = 1;
    if (!rc && id) {
        rc =
            change_in_txn(d, &reg_org, "ORG", 0, mutate_update, changes, "update", out, changed, e);
    } else if (!rc) {
        record in, none;
        record_copy(&in, changes, &d->a);
        rc = add_validated(d, &in, out, e);
        record_init(&none, &reg_org, &d->a);
        if (!rc && changed)
            changed_fields(d, out, &none, changed); /* everything it now holds */
        if (!rc && changed)
            changed->before = NULL;
    }
    dom_org_forget(d);
    return dom_txn_end(d, rc, e);
}

int dom_org_set(dom *d, const record *changes, record *out, isms_err *e)
{
    return org_set(d, changes, out, NULL, e);
}

int dom_update(dom *d, const regdef *reg, const char *key, const record *changes,
               int64_t if_version, record *out, dom_changes *changed, isms_err *e)
{
    /* who may change comes first: a reader learns nothing from validation */
    int rc = principal_may_write(dom_who(d), reg, NULL, NULL, e);
    if (rc)
        return rc;
    if (reg->flags & REG_SINGLETON)
        return org_set(d, changes, out, changed, e);
    rc = dom_validate(d, changes, DOM_VALIDATE_USER, e);
    if (rc)
        return rc;
    return change(d, reg, key, if_version, mutate_update, changes, "update", out, changed, e);
}

/* `ref` as find_references found it, or NULL. The checks ask in the order
 * the references were found: the search starts where the last one ended,
 * so a set of thousands of links is not searched once per member. */
static const store_ref *found_before(dom *d, const store_ref *ref)
{
    for (int i = 0; i < d->nfound; i++) {
        int k = (d->found_next + i) % d->nfound;
        const store_ref *f = &d->found[k];
        if (f->reg == ref->reg && f->by == ref->by && !strcmp(f->text, ref->text)) {
            d->found_next = k + 1;
            return f;
        }
    }
    return NULL;
}

int dom_find(dom *d, const regdef *reg, const char *typed, int64_t *id, const char **key,
             int *retired, isms_err *e)
{
    *key = typed;
    *retired = 0;
    store_ref ref;
    if (!ref_of(reg, typed, &ref))
        return reg->find(d, typed, id, key, retired, e);
    const store_ref *found = found_before(d, &ref);
    int rc = found ? 0 : store_find_many(d->st, &ref, 1, &d->a, e);
    if (!found)
        found = &ref;
    *id = found->id;
    *retired = found->retired;
    if (found->by) /* by e-mail: the key it found */
        *key = found->key;
    return rc;
}

int dom_get(dom *d, const regdef *reg, const char *key, record *out, isms_err *e)
{
    const char *k;
    int rc = record_key(d, reg, key, &k, e);
    if (!rc)
        rc = store_get(d->st, reg, k, out, &d->a, e);
    return rc;
}

int dom_list(dom *d, const regdef *reg, const store_query *q, store_record_fn fn, void *ctx,
             isms_err *e)
{
    return store_scan(d->st, reg, q, fn, ctx, e);
}
