/* registers.c: the index of the registers, and what several families
 * share. Each family's fields and rules are in its own file. */
#include "domain/registers/registers.h"
#include "domain/engine/dom_internal.h"
#include "core/text.h"

#include <string.h>

static const regdef *const builtin_registers[] = {
    &reg_org,         &reg_person,     &reg_scope,    &reg_context,       &reg_stakeholder,
    &reg_objective,   &reg_asset,      &reg_threat,   &reg_risk,          &reg_control,
    &reg_appetite,    &reg_acceptance, &reg_analysis, &reg_signing_key,   &reg_framework,
    &reg_requirement, &reg_mapping,    &reg_soa,      &reg_applicability, &reg_review,
    &reg_decision,    &reg_incident,   &reg_metric,   &reg_measurement,   NULL
};

const regdef *const *registers = builtin_registers;

void registers_use(const regdef *const *set) { registers = set ? set : builtin_registers; }

const regdef *register_find(const char *name)
{
    for (int i = 0; registers[i]; i++)
        if (!strcmp(registers[i]->name, name) || !strcmp(registers[i]->plural, name))
            return registers[i];
    return NULL;
}

const char *const approval_statuses[] = { "draft", "approved", "superseded", NULL };

int rules_is_retiring(const record *r, const record *old)
{
    return old && !old->retired_at && r->retired_at;
}

void rules_warn_past_date(struct dom *d, const record *r, int fid, const char *what)
{
    const value *v = record_cval(r, fid);
    char today[11];
    now_date(today);
    if (!v->given || v->null || strcmp(v->s, today) >= 0)
        return;
    const char *name = field_def(r->reg, fid)->name;
    if (r->key)
        dom_warn(d, "%s: %s is in the past: %s is %s now", name, v->s, r->key, what);
    else
        dom_warn(d, "%s: %s is in the past: the new %s is %s now", name, v->s, r->reg->name, what);
}

const fielddef *field_otherwise(const fielddef *f)
{
    static const struct {
        const regdef *reg;
        int field, otherwise;
    } fallbacks[] = {
        { &reg_risk, F_RISK_RESIDUAL_LIKELIHOOD, F_RISK_LIKELIHOOD },
        { &reg_risk, F_RISK_RESIDUAL_IMPACT, F_RISK_IMPACT },
    };
    for (size_t k = 0; k < sizeof fallbacks / sizeof *fallbacks; k++)
        if (field_def(fallbacks[k].reg, fallbacks[k].field) == f)
            return field_def(fallbacks[k].reg, fallbacks[k].otherwise);
    return NULL;
}
