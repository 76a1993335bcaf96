/* incidents.h: information security incidents (ISO/IEC 27001 A.5.24 to
 * A.5.28): what happened, when it was detected, the risks it realised
 * and the loss it caused, its reports to the authorities under NIS2 Art.
 * 23, DORA Art. 19 and GDPR Art. 33 with their deadlines, and what was
 * learnt. The register feeds the dashboard, the management review and the
 * question whether the risk register foresaw what happened. */
#ifndef ISMS_DOMAIN_INCIDENTS_H
#define ISMS_DOMAIN_INCIDENTS_H

#include "domain/registers/fields.h"

struct dom;

extern const regdef reg_incident;

int rules_incident(struct dom *d, record *r, const record *old, isms_err *e);

extern const char *const incident_statuses[];   /* open, contained, resolved, closed */
extern const char *const incident_severities[]; /* low, medium, high, critical */
extern const char *const incident_regimes[];    /* nis2, dora, gdpr */

/* The reports an authority may be owed, in the order they are made. */
enum { INCIDENT_INITIAL, INCIDENT_INTERMEDIATE, INCIDENT_FINAL, INCIDENT_REPORTS };

/* One report's deadline under the regimes the incident is reportable
 * under: the earliest any of them sets, and which sets it. */
typedef struct incident_report {
    const char *name;    /* "initial", "intermediate", "final" */
    int owed;            /* a regime the incident falls under asks for it */
    char deadline[21];   /* when owed: by when */
    char set_by[24];     /* the regimes whose deadline it is: "nis2", "nis2, dora" */
    const char *made_at; /* when it was made, or NULL */
    long late_minutes;   /* made after the deadline by so many minutes (0: in time) */
} incident_report;

/* The deadlines of r's reports (NIS2: an early warning within 24 hours of
 * detection, the incident notification within 72 hours, the final report
 * one month after the notification; DORA: the initial notification within
 * 4 hours of its classification as major and 24 hours of detection at the
 * latest, the intermediate report 72 hours after it, the final report one
 * month after that; GDPR: the notification within 72 hours). A deadline
 * that counts from a report not yet made counts from that report's own
 * deadline. */
void incident_reports(const record *r, incident_report out[INCIDENT_REPORTS]);
/* Is the incident still being handled (open or contained)? */
int incident_is_open(const char *status);

/* clang-format off: one line per field */
#define INCIDENT_FIELDS(X)                                                                        \
    X(F_INCIDENT_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "what happened, in a line", 300))    \
    X(F_INCIDENT_DESCRIPTION,                                                                     \
      LONGTEXT("description", 0, "what happened, how it was found, what it touched"))             \
    X(F_INCIDENT_SEVERITY, ENUM("severity", FF_LIST | FF_SORTED, incident_severities, "medium",   \
                                "low, medium, high or critical, as the handler rates it"))        \
    X(F_INCIDENT_DETECTED_AT, TIME("detected_at", FF_REQUIRED | FF_LIST | FF_SORTED,              \
                                   "when the organisation became aware of it (the authorities' "  \
                                   "clocks start here)"))                                         \
    X(F_INCIDENT_OCCURRED_AT, TIME("occurred_at", 0, "when it began, if known"))                  \
    X(F_INCIDENT_CLASSIFIED_AT,                                                                   \
      TIME("classified_at", 0,                                                                    \
           "when it was classified as major (DORA) or significant (NIS2): DORA's initial "        \
           "notification is due 4 hours after, and 24 hours after detection at the latest"))      \
    X(F_INCIDENT_OWNER, OWNER(FF_REQUIRED | FF_LIST, "who handles it"))                           \
    X(F_INCIDENT_REGIMES, ENUMSET("regimes", FF_LIST, "regime", incident_regimes,                 \
                                  "incident_regime", "incident", "regime",                        \
                                  "the regimes it must be reported under: nis2 (a significant "   \
                                  "incident, Art. 23), dora (a major ICT-related incident, "      \
                                  "Art. 19), gdpr (a personal data breach, Art. 33)"))            \
    X(F_INCIDENT_INITIAL_REPORT_AT,                                                               \
      TIME("initial_report_at", 0,                                                                \
           "when the first report went to the authority: NIS2 early warning, DORA initial "       \
           "notification, GDPR notification"))                                                    \
    X(F_INCIDENT_INTERMEDIATE_REPORT_AT,                                                          \
      TIME("intermediate_report_at", 0,                                                           \
           "when the NIS2 incident notification or the DORA intermediate report went"))           \
    X(F_INCIDENT_FINAL_REPORT_AT, TIME("final_report_at", 0, "when the final report went"))       \
    X(F_INCIDENT_REPORT_DUE, TIME("report_due", FF_LIST | FF_SYSTEM | FF_SORTED,                  \
                                  "the deadline of the next report owed to an authority (isms "   \
                                  "works it out from the regimes and the reports made)"))         \
    X(F_INCIDENT_RISKS, LINKS("risks", "risk", "risk", "incident_risk", "incident", "risk",       \
                              "risks of the register it realised (none: the register did not "    \
                              "foresee it)"))                                                     \
    X(F_INCIDENT_ASSETS, LINKS("assets", "asset", "asset", "incident_asset", "incident", "asset", \
                               "assets it affected"))                                             \
    X(F_INCIDENT_CONTROLS,                                                                        \
      LINKS("controls", "control", "control", "incident_control", "incident", "control",          \
            "controls that failed, were bypassed or did not exist yet"))                          \
    X(F_INCIDENT_LOSS, MONEY("loss", FF_LIST | FF_SORTED,                                         \
                             "the loss it caused as known so far: response, recovery, fines, "    \
                             "compensation, lost revenue (before insurance)"))                    \
    X(F_INCIDENT_LESSONS, LONGTEXT("lessons", 0,                                                  \
                                   "what was learnt and what changes because of it (needed to "   \
                                   "close it)"))                                                  \
    X(F_INCIDENT_STATUS, ENUM("status", FF_LIST | FF_SYSTEM | FF_SORTED, incident_statuses,       \
                              "open", "open, contained, resolved or closed"))                     \
    X(F_INCIDENT_CONTAINED_AT, TIME("contained_at", 0,                                            \
                                    "when it was contained (none given: when it was recorded as " \
                                    "contained)"))                                                \
    X(F_INCIDENT_RESOLVED_AT, TIME("resolved_at", 0,                                              \
                                   "when it was resolved (none given: when it was recorded as "   \
                                   "resolved)"))                                                  \
    X(F_INCIDENT_CLOSED_BY,                                                                       \
      REF("closed_by", FF_SYSTEM, "person", "who closed it on the lessons learnt"))               \
    X(F_INCIDENT_CLOSED_AT, TIME("closed_at", FF_SYSTEM, "when it was closed"))
FIELD_IDS(RN_INCIDENT, INCIDENT_FIELDS);
/* clang-format on */

#endif
