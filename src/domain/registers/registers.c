/* registers.c: the index of the registers, and what several families
 * share. Each family's fields and rules are in its own file. */
#include "domain/registers/registers.h"

#include <string.h>

const regdef *const registers[] = {
    &reg_org, &reg_person, &reg_scope, &reg_context, &reg_stakeholder, &reg_objective,
    &reg_asset, &reg_threat, &reg_risk, &reg_control, &reg_appetite, &reg_acceptance,
    &reg_analysis, &reg_signing_key, NULL};

const regdef *register_find(const char *name)
{
    for (int i = 0; registers[i]; i++)
        if (!strcmp(registers[i]->name, name) || !strcmp(registers[i]->plural, name))
            return registers[i];
    return NULL;
}

const char *const approval_statuses[] = {"draft", "approved", "superseded", NULL};

int rules_is_retiring(const record *r, const record *old)
{
    return old && !old->retired_at && r->retired_at;
}

/* Once approved, a version is frozen: changing it would change what the
 * management body signed. Only the workflow (superseding) and retirement
 * touch it; a new version is a new record. */
int rules_approval(struct dom *d, record *r, const record *old, isms_err *e)
{
    (void)d;
    int status = r->reg->status_field;
    if (old && strcmp(record_text(old, status), "draft") && !record_cval(r, status)->given &&
        !rules_is_retiring(r, old))
        return err_set(e, E_CONFLICT, "status",
                       "%s is %s and can no longer change; add a new version with `isms %s add`",
                       r->key, record_text(old, status), r->reg->name);
    return 0;
}
