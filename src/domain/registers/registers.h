/* registers.h: the ISMS registers, as data.
 *
 * Each register is a regdef (see core/record.h): its fields, their types and
 * flags, and the hook holding its own rules. The order of `registers[]` is
 * the order of dependencies (a register refers only to those before it):
 * export and import walk it, and so does verification. */
#ifndef ISMS_DOMAIN_REGISTERS_H
#define ISMS_DOMAIN_REGISTERS_H

#include "core/record.h"

extern const regdef reg_org, reg_person, reg_scope, reg_context, reg_stakeholder,
    reg_objective, reg_asset, reg_threat, reg_risk, reg_control, reg_appetite, reg_acceptance,
    reg_analysis;

/* NULL-terminated, in dependency order. */
extern const regdef *const *registers;
/* A test aid: `set` (NULL-terminated, the built-in registers first, in
 * dependency order) becomes the registers isms knows, so that a test can
 * add a register as data alone: a field table and a lifecycle table. Call
 * before opening a repository; NULL restores the built-in set. */
void registers_use(const regdef *const *set);

/* The register called `name` ("risk") or whose plural it is ("risks"). */
const regdef *register_find(const char *name);
/* The register whose keys look like `key` ("RISK-12" -> risk; "T-IS-004" -> threat). */
const regdef *register_for_key(const char *key);

/* Shared vocabularies, also used by the rules. */
extern const char *const role_names[];        /* management-body, isms-lead, ... */
extern const char *const protection_levels[]; /* normal, high, very-high */
extern const char *const control_statuses[];  /* planned, implemented, operating, retired */

typedef struct currency {
    const char *code;   /* ISO 4217 */
    int exponent;       /* minor-unit decimals */
} currency;
extern const currency currencies[];
const currency *currency_find(const char *code);

#endif
