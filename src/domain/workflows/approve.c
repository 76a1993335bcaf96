/* approve.c: what the management body signs off: scope versions and risk
 * appetite statements (NIS2 Art. 20, DORA Art. 5, ISO/IEC 27001 Cl. 5.1 and
 * 6.1.3). A draft is approved by a member of the management body; the
 * version approved before it in the same group is superseded; approved
 * versions are frozen (rules_approval). */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/text.h"

#include <string.h>

int person_has_role(const record *p, const char *role)
{
    const value *roles = record_cval(p, F_PERSON_ROLES);
    for (int k = 0; k < roles->n; k++)
        if (!strcmp(roles->keys[k], role))
            return 1;
    return 0;
}

int dom_person_with_role(dom *d, const char *who, const char *role, const char *field, record *p,
                         isms_err *e)
{
    int64_t pid;
    const char *pkey;
    int rc = dom_find_person(d, dom_key(d, who), &pid, &pkey, e);
    if (!rc && !pid)
        rc = err_set(e, E_INVALID, field, "%s: there is no person %s", field, who);
    if (!rc)
        rc = store_get_id(d->st, &reg_person, pid, p, &d->a, e);
    if (rc)
        return rc;
    if (p->retired_at)
        return err_set(e, E_DENIED, field, "%s: %s (%s) is retired", field, p->key,
                       record_text(p, F_PERSON_NAME));
    if (role && !person_has_role(p, role))
        return err_set(e, E_DENIED, field, "%s: %s (%s) does not have the role %s", field, p->key,
                       record_text(p, F_PERSON_NAME), role);
    return 0;
}

typedef struct approval {
    const record *approver;
    const char *now;
} approval;

static int mutate_approve(dom *d, record *r, const void *arg, isms_err *e)
{
    const approval *ap = arg;
    const char *status = record_text(r, r->reg->status_field);
    if (status && strcmp(status, "draft"))
        return err_set(e, E_CONFLICT, "status", "%s is %s; only a draft can be approved", r->key, status);
    value *by = record_val(r, r->reg->approved_by_field);
    by->null = 0;
    by->given = 1;
    by->i = ap->approver->id;
    by->s = ap->approver->key;
    record_set_text(r, r->reg->approved_at_field, ap->now, &d->a);
    record_set_text(r, r->reg->status_field, "approved", &d->a);
    return 0;
}

static int mutate_supersede(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)arg; (void)e;
    record_set_text(r, r->reg->status_field, "superseded", &d->a);
    return 0;
}

/* The approved records of the same group as `target`. */
typedef struct group_scan {
    const record *target;
    int group;             /* field index, or -1: the whole register */
    const char **keys;
    int n;
    arena *a;
} group_scan;

static int same_group(const record *a, const record *b, int f)
{
    if (f < 0)
        return 1;
    const value *x = &a->v[f], *y = &b->v[f];
    return x->null == y->null && (x->null || x->i == y->i);
}

static int collect_approved(const record *r, void *ctx)
{
    group_scan *g = ctx;
    const char *status = record_text(r, r->reg->status_field);
    if (status && !strcmp(status, "approved") && r->id != g->target->id &&
        same_group(r, g->target, g->group) && g->n < 64)
        g->keys[g->n++] = arena_strdup(g->a, r->key);
    return 0;
}

static int approve_in_txn(dom *d, const regdef *reg, const char *key, const char *approver,
                          record *out, isms_err *e)
{
    record target, person, tmp;
    int rc = store_get(d->st, reg, key, &target, &d->a, e);
    if (!rc)
        rc = dom_person_with_role(d, approver, NULL, "by", &person, e);
    if (rc)
        return rc;
    if (!person_has_role(&person, "management-body"))
        return err_set(e, E_DENIED, "by",
                       "by: %s (%s) is not a member of the management body, who alone approve "
                       "the ISMS %s (NIS2 Art. 20, DORA Art. 5, ISO/IEC 27001 Cl. 5.1)",
                       person.key, record_text(&person, F_PERSON_NAME), reg->name);
    const char *keys[64];
    group_scan g = {.target = &target, .keys = keys, .a = &d->a,
                    .group = reg->approval_group ? field_index(reg, reg->approval_group) : -1};
    if ((rc = store_scan(d->st, reg, NULL, collect_approved, &g, e)))
        return rc;
    char now[21];
    now_timestamp(now);
    approval ap = {.approver = &person, .now = now};
    /* Approve first (it checks this is a draft), then supersede the others. */
    rc = dom_change_in_txn(d, reg, key, 0, mutate_approve, &ap, "approve", out, e);
    for (int k = 0; k < g.n && !rc; k++)
        rc = dom_change_in_txn(d, reg, keys[k], 0, mutate_supersede, NULL, "supersede", &tmp, e);
    return rc;
}

int dom_approve(dom *d, const regdef *reg, const char *key, const char *approver, record *out,
                isms_err *e)
{
    if (!(reg->flags & REG_APPROVAL))
        return err_set(e, E_USAGE, reg->name, "%s records are not approved", reg->name);
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    return dom_txn_end(d, approve_in_txn(d, reg, dom_key(d, key), approver, out, e), e);
}
