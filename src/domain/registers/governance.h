/* governance.h: what the governance bodies decide. The decision register
 * holds each decision the management body or one of its committees takes
 * (or is asked to take): the risks, objectives and quantified analysis it
 * rests on, the controls it funds or directs, the money it allocates, who
 * carries it out and by when. It is the record that shows whether risk
 * information drives what the body decides and funds (NIS2 Art. 20, DORA
 * Art. 5(2), ISO/IEC 27001 Cl. 5.1 and 9.3.3). */
#ifndef ISMS_DOMAIN_GOVERNANCE_H
#define ISMS_DOMAIN_GOVERNANCE_H

#include "domain/registers/fields.h"

struct dom;

extern const regdef reg_review, reg_decision;

int rules_decision(struct dom *d, record *r, const record *old, isms_err *e);

extern const char *const review_statuses[]; /* planned, held, approved */
/* Was a review in this state held (held, or approved since)? */
int review_held(const char *status);

extern const char *const decision_statuses[]; /* proposed, decided, carried-out */

/* Does a decision in this state count as taken (decided or carried out)? */
int decision_taken(const char *status);
/* Does the decision rest on risk information: risks it names, or a
 * quantified analysis it cites? (The share of decisions taken that do is
 * one of the figures that say whether risk drives decisions.) */
int decision_rests_on_risk(const record *r);

/* A management review (ISO/IEC 27001 Cl. 9.3): the inputs isms assembled
 * for it from the data (isms review inputs), its minutes, its approval.
 * Its decisions are decision records naming it. */
/* clang-format off: one line per field */
#define REVIEW_FIELDS(X)                                                                           \
    X(F_REVIEW_TITLE,                                                                              \
      TEXT("title", FF_REQUIRED | FF_LIST, "the review in a line: which body, which period", 300)) \
    X(F_REVIEW_BODY, ENUM("body", FF_LIST, decision_bodies, "management-body",                     \
                          "the governance body that holds it"))                                    \
    X(F_REVIEW_HELD_ON, DATE_FLAGGED("held_on", FF_REQUIRED | FF_LIST, "the day it is held"))      \
    X(F_REVIEW_OWNER, OWNER(FF_REQUIRED | FF_LIST,                                                 \
                            "who prepares it and records that it was held (the ISMS lead)"))       \
    X(F_REVIEW_ATTENDEES, LINKS("attendees", "attendee", "person", "review_attendee", "review",    \
                                "person", "who took part"))                                        \
    X(F_REVIEW_MINUTES, LONGTEXT("minutes", 0,                                                     \
                                 "what was discussed and concluded (each decision "                \
                                 "is a decision record naming this review)"))                      \
    X(F_REVIEW_INPUTS, LONGTEXT("inputs", FF_SYSTEM,                                               \
                                "what isms assembled for it from the data (Cl. 9.3.2), as it "     \
                                "stood at inputs_at"))                                             \
    X(F_REVIEW_INPUTS_AT, TIME("inputs_at", FF_SYSTEM, "when isms assembled the inputs"))          \
    X(F_REVIEW_STATUS, ENUM("status", FF_LIST | FF_SYSTEM | FF_SORTED, review_statuses, "planned", \
                            "planned, held or approved"))                                          \
    X(F_REVIEW_APPROVED_BY, REF("approved_by", FF_LIST | FF_SYSTEM, "person",                      \
                                "member of the management body who approved the minutes"))         \
    X(F_REVIEW_APPROVED_AT, TIME("approved_at", FF_SYSTEM, "when the minutes were approved"))
FIELD_IDS(RN_REVIEW, REVIEW_FIELDS);
/* clang-format on */

/* clang-format off: one line per field */
#define DECISION_FIELDS(X)                                                                         \
    X(F_DECISION_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the decision in a line", 300))       \
    X(F_DECISION_BODY, ENUM("body", FF_LIST, decision_bodies, "management-body",                   \
                            "the governance body that takes it"))                                  \
    X(F_DECISION_KIND, ENUM("kind", FF_LIST, decision_kinds, "direct",                             \
                            "fund (allocate money), accept (carry risks), approve, direct, "       \
                            "defer or decline"))                                                   \
    X(F_DECISION_PROPOSAL, LONGTEXT("proposal", FF_REQUIRED,                                       \
                                    "what the body is asked to decide, the options weighed and "   \
                                    "the figures they rest on"))                                   \
    X(F_DECISION_OUTCOME,                                                                          \
      LONGTEXT("outcome", 0, "what the body decided, as minuted (none: as proposed)"))             \
    X(F_DECISION_MEETING,                                                                          \
      TEXT("meeting", 0, "the meeting that takes it, as the minutes name it", 200))                \
    X(F_DECISION_REVIEW, REF("review", 0, "review", "the management review that takes it"))        \
    X(F_DECISION_RISKS,                                                                            \
      LINKS("risks", "risk", "risk", "decision_risk", "decision", "risk", "risks it rests on"))    \
    X(F_DECISION_OBJECTIVES, LINKS("objectives", "objective", "objective", "decision_objective",   \
                                   "decision", "objective", "business objectives it serves"))      \
    X(F_DECISION_CONTROLS, LINKS("controls", "control", "control", "decision_control", "decision", \
                                 "control", "controls it funds or directs"))                       \
    X(F_DECISION_ANALYSIS,                                                                         \
      REF("analysis", 0, "analysis", "the quantified analysis whose figures it rests on (QNT-n)")) \
    X(F_DECISION_AMOUNT, MONEY("amount", FF_LIST | FF_SORTED, "money it allocates"))               \
    X(F_DECISION_OWNER, OWNER(FF_REQUIRED | FF_LIST, "who carries it out"))                        \
    X(F_DECISION_DUE_DATE, DATE("due_date", "when it is to be carried out"))                       \
    X(F_DECISION_STATUS, ENUM("status", FF_LIST | FF_SYSTEM | FF_SORTED, decision_statuses,        \
                              "proposed", "proposed, decided or carried-out"))                     \
    X(F_DECISION_DECIDED_BY, REF("decided_by", FF_LIST | FF_SYSTEM, "person",                      \
                                 "member of the body who recorded it as decided"))                 \
    X(F_DECISION_DECIDED_AT, TIME("decided_at", FF_SYSTEM, "when it was recorded as decided"))     \
    X(F_DECISION_CARRIED_OUT_AT, TIME("carried_out_at", FF_SYSTEM, "when it was carried out"))
FIELD_IDS(RN_DECISION, DECISION_FIELDS);
/* clang-format on */

#endif
