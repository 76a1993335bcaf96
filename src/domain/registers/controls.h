/* controls.h: the internal control set. */
#ifndef ISMS_DOMAIN_CONTROLS_H
#define ISMS_DOMAIN_CONTROLS_H

#include "domain/registers/fields.h"

struct dom;

extern const regdef reg_control;

int rules_control(struct dom *d, record *r, const record *old, isms_err *e);

extern const char *const control_statuses[]; /* planned, implemented, operating, retired */

/* clang-format off: one line per field */
#define CONTROL_FIELDS(X)                                                                      \
    X(F_CONTROL_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the control in a line", 300))     \
    X(F_CONTROL_DESCRIPTION, LONGTEXT("description", 0, "what the control does and how"))      \
    X(F_CONTROL_OWNER, OWNER(FF_REQUIRED | FF_LIST, "control owner"))                          \
    X(F_CONTROL_TYPE,                                                                          \
      ENUM("type", FF_LIST, control_types, "preventive", "what the control does to a risk"))   \
    X(F_CONTROL_AUTOMATION,                                                                    \
      ENUM("automation", 0, automation_kinds, "manual", "manual, automated or hybrid"))        \
    X(F_CONTROL_STATUS,                                                                        \
      ENUM("status", FF_LIST | FF_SORTED, control_statuses, "planned",                         \
           "lifecycle: planned, implemented, operating (retired through retire)"))             \
    X(F_CONTROL_TREATS, LINKS("treats", "treats", "risk", "control_risk", "control", "risk",   \
                              "risks this control treats"))                                    \
    X(F_CONTROL_COST, MONEY("cost", FF_LIST | FF_SORTED, "annual cost of running it"))         \
    X(F_CONTROL_EFFECTIVENESS, ENUM("effectiveness", 0, effectiveness_levels, "not-assessed",  \
                                    "latest assessment of effectiveness"))                     \
    X(F_CONTROL_IMPLEMENTED_ON, DATE("implemented_on", "date it went into operation"))         \
    X(F_CONTROL_IMPLEMENTATION_DUE,                                                            \
      DATE_SINCE("implementation_due", "0025_",                                                \
                 "a planned control: the date it is to be in place by (the risk treatment "    \
                 "plan, Cl. 6.1.3 e); met once it is"))                                        \
    X(F_CONTROL_REVIEW_DATE, DATE("review_date", "next review"))                               \
    X(F_CONTROL_ACTS_ON,                                                                       \
      ENUM("acts_on", 0, fair_targets, NULL,                                                   \
           "FAIR factor it reduces on the risks it treats (transfer: insurance)"))             \
    X(F_CONTROL_REDUCTION,                                                                     \
      DIST("reduction", "share of that factor removed, e.g. pert(0.3,0.5,0.7) or const(0.4)")) \
    X(F_CONTROL_DEDUCTIBLE, MONEY("deductible", 0, "insurance: deductible"))                   \
    X(F_CONTROL_COVER_LIMIT, MONEY("cover_limit", 0, "insurance: limit of cover"))             \
    X(F_CONTROL_COVER_BASIS,                                                                   \
      ENUM("cover_basis", 0, cover_bases, NULL, "insurance: per event or per year"))           \
    X(F_CONTROL_PARTIAL_EFFECT,                                                                \
      INT("partial_effect", 0, 0, 100, NULL,                                                   \
          "percent of the stated reduction it achieves while partially effective (default 50)"))
FIELD_IDS(RN_CONTROL, CONTROL_FIELDS);
/* clang-format on */

#endif
