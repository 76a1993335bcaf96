/* objectives.h: the business objectives the ISMS protects, and the risk
 * appetite set for them. */
#ifndef ISMS_DOMAIN_OBJECTIVES_H
#define ISMS_DOMAIN_OBJECTIVES_H

#include "domain/registers/fields.h"

struct dom;

extern const regdef reg_objective, reg_appetite;

int rules_appetite(struct dom *d, record *r, const record *old, isms_err *e);

/* clang-format off: one line per field */
#define OBJECTIVE_FIELDS(X)                                                                   \
    X(F_OBJECTIVE_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the business objective", 300)) \
    X(F_OBJECTIVE_DESCRIPTION, LONGTEXT("description", 0, "what achieving it means"))         \
    X(F_OBJECTIVE_OWNER,                                                                      \
      OWNER(FF_REQUIRED | FF_LIST, "accountable owner, who can allocate resources to it"))    \
    X(F_OBJECTIVE_VALUE_AT_STAKE, MONEY("value_at_stake", FF_LIST | FF_SORTED,                \
                                        "money at stake if the objective fails (per year)"))  \
    X(F_OBJECTIVE_TARGET, TEXT("target", 0, "measurable target", 300))                        \
    X(F_OBJECTIVE_TARGET_DATE, DATE("target_date", "when the target is due"))                 \
    X(F_OBJECTIVE_MISSION_CRITICAL,                                                           \
      BOOL("mission_critical", 0, "no", "is it mission-critical (reported to the board)"))    \
    X(F_OBJECTIVE_STATUS, ENUM("status", FF_LIST | FF_SORTED, objective_statuses, "active",   \
                               "active, achieved or abandoned"))
FIELD_IDS(RN_OBJECTIVE, OBJECTIVE_FIELDS);
/* clang-format on */

/* clang-format off: one line per field */
#define APPETITE_FIELDS(X)                                                                         \
    X(F_APPETITE_OBJECTIVE, REF("objective", FF_LIST, "objective",                                 \
                                "the objective it applies to (none: the whole organisation)"))     \
    X(F_APPETITE_STATEMENT, LONGTEXT("statement", FF_REQUIRED,                                     \
                                     "the appetite in words: what will and will not be accepted")) \
    X(F_APPETITE_APPETITE, MONEY("appetite", FF_REQUIRED | FF_LIST,                                \
                                 "annual loss the organisation is willing to accept"))             \
    X(F_APPETITE_TOLERANCE,                                                                        \
      MONEY("tolerance", FF_LIST, "annual loss beyond which it must act (at least the appetite)")) \
    X(F_APPETITE_CONFIDENCE,                                                                       \
      INT("confidence", FF_LIST, 50, 99, "95",                                                     \
          "percentile of annual loss compared with appetite and tolerance"))                       \
    X(F_APPETITE_STATUS, ENUM("status", FF_LIST | FF_SYSTEM | FF_SORTED, approval_statuses,        \
                              "draft", "draft, approved or superseded"))                           \
    X(F_APPETITE_APPROVED_BY, REF("approved_by", FF_LIST | FF_SYSTEM, "person",                    \
                                  "member of the management body who approved it"))                \
    X(F_APPETITE_APPROVED_AT, TIME("approved_at", FF_SYSTEM, "when it was approved"))
FIELD_IDS(RN_APPETITE, APPETITE_FIELDS);
/* clang-format on */

#endif
