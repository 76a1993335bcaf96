/* people.c: people and their ISMS roles. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/buf.h"

#include <string.h>

const char *const role_names[] = { "management-body", "isms-lead",   "risk-owner",
                                   "control-owner",   "asset-owner", "internal-auditor",
                                   "reader",          NULL };
/* A principal holds its roles as bits of an unsigned (principal.roles). */
_Static_assert(sizeof role_names / sizeof *role_names - 1 <= 32,
               "more roles than principal.roles has bits");

REGISTER(person, PERSON, "people", "PER", F_PERSON_NAME, "people and their ISMS roles",
         .check = rules_person, .typed_as = "e-mail");

/* ---- rules ---- */

static int email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || strchr(s, ' '))
        return 0;
    const char *dot = strrchr(at, '.');
    return dot && dot > at + 1 && dot[1];
}

typedef struct owned_list {
    buf keys;
    int n;
} owned_list;

static int collect_owned(const regdef *reg, const fielddef *f, const char *key, void *ctx)
{
    (void)reg;
    (void)f;
    owned_list *l = ctx;
    if (f->type != FT_REF)
        return 0;
    if (l->n < 10)
        buf_printf(&l->keys, "%s%s", l->n ? ", " : "", key);
    l->n++;
    return 0;
}

/* Every accountability names one person: someone who still owns records
 * cannot leave the register until they are reassigned. */
static int check_person_retire(dom *d, const record *r, isms_err *e)
{
    owned_list l = { .n = 0 };
    buf_init(&l.keys);
    int rc = store_referrers(dom_store(d), &reg_person, r->id, 0, collect_owned, &l, e);
    if (!rc && l.n)
        rc = err_set(e, E_CONFLICT, "person", "%s still owns %d record%s (%s%s); reassign %s first",
                     r->key, l.n, l.n == 1 ? "" : "s", buf_str(&l.keys), l.n > 10 ? ", ..." : "",
                     l.n == 1 ? "it" : "them");
    buf_reset(&l.keys);
    return rc;
}

/* ---- approving roles ---- */

/* Does `role` approve something: a transition of some register's
 * lifecycle needs it (scope and appetite approvals), or it accepts risks
 * beyond one's own? */
int role_approves(const char *role)
{
    for (int i = 0; registers[i]; i++) {
        const lifecycle *lc = registers[i]->lifecycle;
        for (int k = 0; lc && k < lc->ntransitions; k++) {
            const transition *t = &lc->transitions[k];
            if (t->role && !strcmp(t->role, role))
                return 1;
            for (const lc_role_by *b = t->role_field ? t->role_by : NULL; b && b->value; b++)
                if (!strcmp(b->role, role))
                    return 1;
        }
    }
    return choice_index(acceptance_roles, role) >= 0;
}

static int approving_roles(const value *roles, buf *names)
{
    int n = 0;
    for (int k = 0; k < roles->n; k++)
        if (role_approves(roles->keys[k]))
            buf_printf(names, "%s%s", n++ ? ", " : "", roles->keys[k]);
    return n;
}

/* Who else, among active people, holds `role`: the store still holds
 * `old` (the checks run before the write), who holds it while active. */
static int others_holding(dom *d, const char *role, const record *old, int *n, isms_err *e)
{
    store_filter f = { .field = field_def(&reg_person, F_PERSON_ROLES), .sval = role };
    store_query q = { .filters = &f, .nfilters = 1 };
    int64_t holders = 0;
    int rc = store_count(dom_store(d), &reg_person, &q, &holders, e);
    *n = (int)holders - (old->retired_at == NULL);
    return rc;
}

/* Taking away the last role by which a person approves anything is
 * refused unless the request confirms it (--force): it is easily done by a
 * roles list typed in full that forgot one, and it may leave drafts that
 * nobody can approve. Confirmed, it is done, and said. */
static int check_role_loss(dom *d, const record *r, const record *old, isms_err *e)
{
    buf had, has;
    buf_init(&had);
    buf_init(&has);
    int before = approving_roles(record_cval(old, F_PERSON_ROLES), &had);
    int after = approving_roles(record_cval(r, F_PERSON_ROLES), &has);
    int rc = 0;
    if (before && !after) {
        /* the first role lost that nobody else holds, if any: the worst news */
        const value *lost = record_cval(old, F_PERSON_ROLES);
        const char *alone = NULL;
        for (int k = 0; k < lost->n && !rc && !alone; k++) {
            int others = 0;
            if (role_approves(lost->keys[k]))
                rc = others_holding(d, lost->keys[k], old, &others, e);
            if (!rc && role_approves(lost->keys[k]) && !others)
                alone = lost->keys[k];
        }
        const char *nobody =
            alone ? arena_printf(dom_arena(d), "; nobody else holds %s", alone) : "";
        if (!rc && !dom_confirmed(d))
            rc = err_set(e, E_CONFLICT, "roles",
                         "roles: %s would no longer approve anything nor accept "
                         "risks (losing %s)%s; confirm with --force",
                         r->key, buf_str(&had), nobody);
        else if (!rc)
            dom_warn(d, "roles: %s no longer approves or accepts anything (was: %s)%s", r->key,
                     buf_str(&had), nobody);
    }
    buf_reset(&had);
    buf_reset(&has);
    return rc;
}

int rules_person(dom *d, record *r, const record *old, isms_err *e)
{
    const char *email = record_text(r, F_PERSON_EMAIL);
    if (email && !email_valid(email))
        return err_set(e, E_INVALID, "email", "email: \"%s\" is not an e-mail address", email);
    if (rules_is_retiring(r, old))
        return check_person_retire(d, r, e);
    if (old && record_cval(r, F_PERSON_ROLES)->given)
        return check_role_loss(d, r, old, e);
    return 0;
}
