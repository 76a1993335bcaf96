/* people.c: people and their ISMS roles. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/buf.h"

#include <string.h>

const char *const role_names[] = {
    "management-body", "isms-lead", "risk-owner", "control-owner", "asset-owner",
    "internal-auditor", "reader", NULL};
/* A principal holds its roles as bits of an unsigned (principal.roles). */
_Static_assert(sizeof role_names / sizeof *role_names - 1 <= 32, "more roles than principal.roles has bits");

static const fielddef person_fields[] = FIELD_TABLE(PERSON_FIELDS);

const regdef reg_person = {
    .num = RN_PERSON, .name = "person", .plural = "people", .key_prefix = "PER",
    .label = F_PERSON_NAME,
    .summary = "people and their ISMS roles",
    .fields = person_fields, .nfields = NFIELDS(person_fields), .check = rules_person,
};

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
    (void)reg; (void)f;
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
    owned_list l = {.n = 0};
    buf_init(&l.keys);
    int rc = store_referrers(dom_store(d), &reg_person, r->id, collect_owned, &l, e);
    if (!rc && l.n)
        rc = err_set(e, E_CONFLICT, "person",
                     "%s still owns %d record%s (%s%s); reassign %s first", r->key, l.n,
                     l.n == 1 ? "" : "s", buf_str(&l.keys), l.n > 10 ? ", ..." : "",
                     l.n == 1 ? "it" : "them");
    buf_reset(&l.keys);
    return rc;
}

int rules_person(dom *d, record *r, const record *old, isms_err *e)
{
    const char *email = record_text(r, F_PERSON_EMAIL);
    if (email && !email_valid(email))
        return err_set(e, E_INVALID, "email", "email: \"%s\" is not an e-mail address", email);
    if (rules_is_retiring(r, old))
        return check_person_retire(d, r, e);
    return 0;
}
