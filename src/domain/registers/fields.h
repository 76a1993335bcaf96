/* fields.h: the registers' numbers, and how their fields get compile-time
 * ids.
 *
 * Each family header lists the fields of its registers once, one line per
 * field, as an X-macro of (id, descriptor):
 *
 *   #define RISK_FIELDS(X) \
 *       X(F_RISK_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the risk in a line", 300)) \
 *       ...
 *   FIELD_IDS(RN_RISK, RISK_FIELDS);
 *
 * FIELD_IDS makes the enum of ids and the family's .c file makes the table
 * from the same list (FIELD_TABLE(RISK_FIELDS), through REGISTER in
 * table.h), so each id is FIELD_ID(register number, index in the table)
 * (core/record.h). Code names a field by its id:
 * record_text(r, F_RISK_TITLE); a misspelt id fails the build, the id of
 * another register's field aborts. An id is F_, the register's name and
 * the field's name, in capitals (tests/domain/test_registers.c checks it). */
#ifndef ISMS_DOMAIN_FIELDS_H
#define ISMS_DOMAIN_FIELDS_H

#include "core/record.h"

/* The registers' numbers (regdef.num), never stored: they only tell ids
 * apart. The order of registers[] (dependencies) is kept there, not here. */
enum regnum {
    RN_ORG = 1,
    RN_PERSON,
    RN_SCOPE,
    RN_CONTEXT,
    RN_STAKEHOLDER,
    RN_OBJECTIVE,
    RN_ASSET,
    RN_THREAT,
    RN_RISK,
    RN_CONTROL,
    RN_APPETITE,
    RN_ACCEPTANCE,
    RN_ANALYSIS,
    RN_SIGNING_KEY,
    RN_FRAMEWORK,
    RN_REQUIREMENT,
    RN_MAPPING,
    RN_SOA,
    RN_APPLICABILITY,
    RN_DECISION,
    RN_REVIEW,
    RN_INCIDENT,
    RN_METRIC,
    RN_MEASUREMENT,
};

#define FIELD_ENUM_(id, def) id,
#define FIELD_IDS(rn, LIST) enum { rn##_BEFORE_FIRST_ = FIELD_ID(rn, 0) - 1, LIST(FIELD_ENUM_) }

#define FIELD_DEF_(id, def) def,
#define FIELD_TABLE(LIST) \
    {                     \
        LIST(FIELD_DEF_)  \
    }

/* The fields of a version the management body approves (APPROVAL_LIFECYCLE
 * in registers.h), ids P_STATUS, P_APPROVED_BY, P_APPROVED_AT. */
/* clang-format off */
#define APPROVAL_FIELDS(X, P)                                                                  \
    X(P##_STATUS, ENUM("status", FF_LIST | FF_SYSTEM | FF_SORTED, approval_statuses, "draft",              \
                       "draft, approved or superseded"))                                       \
    X(P##_APPROVED_BY, REF("approved_by", FF_LIST | FF_SYSTEM, "person",                       \
                           "member of the management body who approved this version"))         \
    X(P##_APPROVED_AT, TIME("approved_at", FF_LIST | FF_SYSTEM, "when it was approved"))
/* clang-format on */

#endif
