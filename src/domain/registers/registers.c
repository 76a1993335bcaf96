/* registers.c: the index of the registers, and what several families
 * share. Each family's fields and rules are in its own file. */
#include "domain/registers/registers.h"

#include <string.h>

static const regdef *const builtin_registers[] = {
    &reg_org, &reg_person, &reg_scope, &reg_context, &reg_stakeholder, &reg_objective,
    &reg_asset, &reg_threat, &reg_risk, &reg_control, &reg_appetite, &reg_acceptance,
    &reg_analysis, &reg_signing_key, NULL};

const regdef *const *registers = builtin_registers;

void registers_use(const regdef *const *set)
{
    registers = set ? set : builtin_registers;
}

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
