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
#include "domain/registers/frameworks.h"
#include "domain/registers/governance.h"
#include "domain/registers/incidents.h"
#include "domain/registers/metrics.h"
#include "domain/registers/objectives.h"
#include "domain/registers/org.h"
#include "domain/registers/people.h"
#include "domain/registers/risks.h"
#include "domain/registers/signing_keys.h"

struct dom;

/* NULL-terminated, in dependency order. */
extern const regdef *const *registers;
/* A test aid: `set` (NULL-terminated, the built-in registers first, in
 * dependency order) becomes the registers isms knows, so that a test can
 * add a register as data alone: a field table and a lifecycle table. Call
 * before opening a repository; NULL restores the built-in set. */
void registers_use(const regdef *const *set);

/* The register called `name` ("risk") or whose plural it is ("risks"). */
const regdef *register_find(const char *name);

/* ---- shared by several families ---- */

/* The scalar field of the same register whose value counts where f is
 * null (a residual level not assessed is the inherent one: the heat map,
 * the residual score, a list's filter and its kept count all place the
 * risk there), or NULL. */
const fielddef *field_otherwise(const fielddef *f);

extern const char *const approval_statuses[]; /* draft, approved, superseded */

/* Is this change a retirement (old active, r retired)? */
int rules_is_retiring(const record *r, const record *old);

/* A date field set in this change to a day before today (a review date):
 * allowed, since a review may well be overdue, but said (dom_warnings):
 * "... is `what` now" ("due for review"). */
void rules_warn_past_date(struct dom *d, const record *r, int fid, const char *what);

/* What the management body signs off: scope versions and risk appetite
 * statements (NIS2 Art. 20, DORA Art. 5, ISO/IEC 27001 Cl. 5.1 and 6.1.3).
 * Approving a draft supersedes the version approved before it in its group
 * (the scope; the appetite of the same objective); approved versions are
 * frozen: a change is a new version. One transition, stamped into the
 * register's own approved_by and approved_at fields. */
#define APPROVAL_TRANSITION(by_field, at_field)                                                   \
    {                                                                                             \
        .verb = "approve", .from = "draft", .to = "approved", .role = "management-body",          \
        .flags = LC_SUPERSEDES | LC_FREEZES, .stamp_by = (by_field), .stamp_at = (at_field),      \
        .help =                                                                                   \
            "approve this version: the management body signs it off (NIS2 Art. 20, DORA Art. 5, " \
            "ISO/IEC 27001 Cl. 5.1); the version approved before it is superseded"                \
    }

/* The lifecycle `name` of a register whose versions the management body
 * approves (APPROVAL_FIELDS in its list: status, approved_by, approved_at,
 * ids P_STATUS, ...); `group_` the field whose value makes a series (0:
 * every record of the register is one series). */
#define APPROVAL_LIFECYCLE(name, P, group_)                            \
    static const transition name##_transitions[] = {                   \
        APPROVAL_TRANSITION(P##_APPROVED_BY, P##_APPROVED_AT),         \
    };                                                                 \
    static const lifecycle name = { .field = P##_STATUS,               \
                                    .states = approval_statuses,       \
                                    .transitions = name##_transitions, \
                                    .ntransitions = 1,                 \
                                    .group = (group_),                 \
                                    .superseded = "superseded" }

#endif
