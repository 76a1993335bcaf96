/* principal.c: who acts. A person of the repository, named by key or
 * e-mail, acts with the roles their record gives them; the ledger records
 * them by e-mail. Anyone else acts as the process (dom.c). */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"

#include <string.h>

int principal_has_role(const principal *p, const char *role)
{
    int i = choice_index(role_names, role);
    return i >= 0 && i < 32 && (p->roles >> i & 1u);
}

static unsigned role_bits(const record *person)
{
    const value *roles = record_cval(person, F_PERSON_ROLES);
    unsigned bits = 0;
    for (int k = 0; k < roles->n; k++) {
        int i = choice_index(role_names, roles->keys[k]);
        if (i >= 0 && i < 32)
            bits |= 1u << i;
    }
    return bits;
}

int dom_principal(dom *d, const char *who, principal *p, isms_err *e)
{
    if (!who) {
        dom_who(d); /* looks the process's name up */
        *p = d->self;
        return 0;
    }
    int64_t id;
    int rc = dom_person_id(d, who, &id, e);
    if (rc == E_NOT_FOUND) {
        err_clear(e);
        return err_set(e, E_DENIED, "as",
                       "as: %s is not a person of this repository (name one by "
                       "key or e-mail)",
                       who);
    }
    if (rc)
        return rc;
    record person;
    rc = store_get_id(d->st, &reg_person, id, &person, &d->a, e);
    if (rc)
        return rc;
    if (person.retired_at)
        return err_set(e, E_DENIED, "as", "as: %s (%s) is retired and can no longer act",
                       person.key, record_text(&person, F_PERSON_EMAIL));
    *p = (principal){ .actor = record_text(&person, F_PERSON_EMAIL),
                      .person = id,
                      .person_key = person.key,
                      .roles = role_bits(&person) };
    return 0;
}

/* The roles that only read. */
static unsigned read_only_roles(void)
{
    static const char *const readers[] = { "internal-auditor", "reader" };
    unsigned bits = 0;
    for (size_t k = 0; k < sizeof readers / sizeof *readers; k++)
        bits |= 1u << choice_index(role_names, readers[k]);
    return bits;
}

static const char *write_verb(const record *old, const record *r)
{
    if (!old)
        return r ? "add" : "add or change";
    return r && r->retired_at && !old->retired_at ? "retire" : "change";
}

int principal_may_write(const principal *p, const regdef *reg, const record *old, const record *r,
                        isms_err *e)
{
    if (!p->person || principal_has_role(p, "isms-lead"))
        return 0;
    const char *verb = write_verb(old, r);
    const char *what = old ? old->key : reg->plural;
    if (!(p->roles & ~read_only_roles()))
        return err_set(e, E_DENIED, reg->name,
                       "%s may not %s %s: %s only read (the isms-lead changes records, owners "
                       "their own)",
                       p->actor, verb, what, p->roles ? "their roles" : "people without a role");
    int f = regdef_field(reg, "owner");
    if (f < 0 || reg->fields[f].type != FT_REF)
        return err_set(e, E_DENIED, reg->name,
                       "%s may not %s %s: %s records have no owner, only the isms-lead changes "
                       "them",
                       p->actor, verb, what, reg->name);
    if (old && old->v[f].i != p->person)
        return err_set(e, E_DENIED, "owner",
                       "%s may not %s %s: it is owned by %s (only its owner or the isms-lead "
                       "may)",
                       p->actor, verb, what, old->v[f].s ? old->v[f].s : "nobody");
    if (r && r->v[f].i != p->person)
        return err_set(e, E_DENIED, "owner",
                       "%s may not %s %s with another owner: an owner changes only what they "
                       "own (the isms-lead hands records over)",
                       p->actor, verb, what);
    return 0;
}
