/* registers.h: the ISMS registers, as data.
 *
 * Each register is a regdef (see core/record.h): its fields, their types and
 * flags, and the hook holding its own rules. Each family of registers has a
 * file of its own (org, people, context, objectives, assets, risks,
 * controls, signing_keys) holding its vocabulary, fields, rules and derived
 * values; this header brings them all in.
 *
 * The order of `registers[]` is the order of dependencies (a register
 * refers only to itself and those before it): export and import walk it,
 * and so does verification. tests/domain/test_registers.c checks it. */
#ifndef ISMS_DOMAIN_REGISTERS_H
#define ISMS_DOMAIN_REGISTERS_H

#include "core/record.h"
#include "domain/registers/assets.h"
#include "domain/registers/context.h"
#include "domain/registers/controls.h"
#include "domain/registers/objectives.h"
#include "domain/registers/org.h"
#include "domain/registers/people.h"
#include "domain/registers/risks.h"
#include "domain/registers/signing_keys.h"

struct dom;

/* NULL-terminated, in dependency order. */
extern const regdef *const registers[];

/* The register called `name` ("risk") or whose plural it is ("risks"). */
const regdef *register_find(const char *name);

/* ---- shared by several families ---- */

extern const char *const approval_statuses[];  /* draft, approved, superseded */

/* Is this change a retirement (old active, r retired)? */
int rules_is_retiring(const record *r, const record *old);

/* The rules of records approved by the management body (REG_APPROVAL):
 * an approved version is frozen. */
int rules_approval(struct dom *d, record *r, const record *old, isms_err *e);

#endif
