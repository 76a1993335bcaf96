/* metrics.h: what the ISMS measures of itself (ISO/IEC 27001 Cl. 9.1:
 * what is monitored and measured, how, when, by whom) and what each
 * measurement found.
 *
 * A metric (MET-n) names one of the measures isms computes from the data
 * (the share of controls in place assessed, the reports to authorities
 * late, the incidents' loss of the year...), a target, a threshold beyond
 * which it calls for action, how often it is measured and by whom, and
 * the audience it is for (the board, management, operations). `isms
 * metric measure` computes each measure from the repository as it stands
 * and keeps a measurement (MSR-n): the value, what it counted, and its
 * state against the target and threshold of that moment. The measurements
 * are the metric's history: the trend people read, and evidence made at
 * the time, in the ledger like every change. */
#ifndef ISMS_DOMAIN_METRICS_H
#define ISMS_DOMAIN_METRICS_H

#include "domain/registers/fields.h"

struct dom;

extern const regdef reg_metric, reg_measurement;

int rules_metric(struct dom *d, record *r, const record *old, isms_err *e);

/* What a measure's value counts in. */
typedef enum { MU_PERCENT, MU_COUNT, MU_HOURS, MU_MONEY } metric_unit;

/* The measures isms computes from the data: name, unit, whether higher is
 * better, leading (it moves before a loss does) or lagging (it counts
 * what happened), and what it measures in words. One line each. */
/* clang-format off */
#define METRIC_MEASURES(X)                                                                         \
    X(M_RISKS_ON_OBJECTIVES, "risks-tied-to-objectives", MU_PERCENT, 1, "leading",                \
      "active risks tied to a business objective")                                                 \
    X(M_OWNERS_WITH_BUDGET, "risk-owners-with-budget", MU_PERCENT, 1, "leading",                  \
      "risk owners who hold a budget")                                                             \
    X(M_RISKS_QUANTIFIED, "risks-quantified", MU_PERCENT, 1, "leading",                           \
      "active risks with FAIR inputs (quantified in money)")                                       \
    X(M_CONTROLS_ON_RISKS, "controls-tied-to-risks", MU_PERCENT, 1, "leading",                    \
      "active controls tied to a risk they treat")                                                 \
    X(M_CONTROLS_ASSESSED, "controls-assessed", MU_PERCENT, 1, "leading",                         \
      "controls in place assessed for effectiveness")                                              \
    X(M_DECISIONS_ON_RISK, "decisions-on-risk-information", MU_PERCENT, 1, "leading",             \
      "decisions taken that rest on risk information")                                             \
    X(M_INCIDENTS_FORESEEN, "incidents-foreseen", MU_PERCENT, 1, "lagging",                       \
      "incidents of the last 365 days that realised a risk of the register")                      \
    X(M_OUTSIDE_APPETITE, "risks-outside-appetite", MU_COUNT, 0, "leading",                       \
      "risks outside appetite by their latest analyses")                                           \
    X(M_HIGH_RISKS, "high-residual-risks", MU_COUNT, 0, "leading",                                \
      "active risks whose residual rating is high or critical")                                    \
    X(M_UNTREATED, "risks-untreated", MU_COUNT, 0, "leading",                                     \
      "risks with no control in place and no accept or avoid decision")                           \
    X(M_REVIEWS_OVERDUE, "risk-reviews-overdue", MU_COUNT, 0, "leading",                          \
      "risks whose review date has passed")                                                        \
    X(M_ACCEPTANCES_LAPSED, "acceptances-lapsed", MU_COUNT, 0, "leading",                         \
      "risk acceptances that lapsed")                                                              \
    X(M_ANALYSES_STALE, "analyses-stale", MU_COUNT, 0, "leading",                                 \
      "latest analyses whose inputs changed since they ran")                                       \
    X(M_CONTROLS_FAILING, "controls-not-effective", MU_COUNT, 0, "lagging",                       \
      "controls in place assessed ineffective or partially effective")                             \
    X(M_CONTROLS_OVERDUE, "controls-implementation-overdue", MU_COUNT, 0, "leading",            \
      "planned controls past the date they were to be in place by")                             \
    X(M_DECISIONS_OVERDUE, "decisions-overdue", MU_COUNT, 0, "leading",                           \
      "decisions taken and not carried out by their due dates")                                    \
    X(M_RESPONSIBILITY_GAPS, "responsibility-gaps", MU_COUNT, 0, "leading",                      \
      "gaps of the responsibility matrix: roles nobody holds, owners without the role or a "       \
      "budget, auditors owning what they audit, most of a register on one person")                 \
    X(M_REPORTS_LATE, "reports-late", MU_COUNT, 0, "lagging",                                     \
      "reports to an authority (NIS2, DORA, GDPR) whose deadline passed unmade")                   \
    X(M_INCIDENTS_YEAR, "incidents-last-365-days", MU_COUNT, 0, "lagging",                        \
      "incidents detected in the last 365 days")                                                   \
    X(M_INCIDENT_LOSS, "incident-loss-last-365-days", MU_MONEY, 0, "lagging",                     \
      "the loss of the incidents detected in the last 365 days, in whole units of the currency")  \
    X(M_HOURS_TO_RESOLVE, "hours-to-resolve", MU_HOURS, 0, "lagging",                             \
      "mean hours from detection to resolution, incidents of the last 365 days")                  \
    X(M_REVIEWS_HELD, "management-reviews-last-365-days", MU_COUNT, 1, "leading",                 \
      "management reviews held in the last 365 days (Cl. 9.3)")
/* clang-format on */

#define METRIC_MEASURE_ID_(id, name, unit, higher, kind, what) id,
enum { METRIC_MEASURES(METRIC_MEASURE_ID_) METRIC_NMEASURES };

typedef struct metric_measure {
    const char *name;
    metric_unit unit;
    int higher_better;
    const char *kind; /* "leading" or "lagging" */
    const char *what;
} metric_measure;

extern const metric_measure metric_measures[METRIC_NMEASURES];
extern const char *const metric_measure_names[]; /* NULL-terminated, as metric_measures */
extern const char *const metric_measure_help[];  /* what each counts, in their order */
extern const char *const metric_statuses[];      /* not-measured, no-data, on-target, warning,
                                                    off-target */
extern const char *const metric_frequencies[];   /* monthly, quarterly, half-yearly, yearly */
extern const char *const metric_audiences[];     /* board, management, operations */

/* The measure called `name`, or NULL. */
const metric_measure *metric_measure_find(const char *name);
/* The unit in words: "percent", "count", "hours", "currency units". */
const char *metric_unit_name(metric_unit u);
/* A value's state against a target and (has_threshold) a threshold:
 * "on-target" at or beyond the target, "warning" short of it within the
 * threshold, "off-target" beyond the threshold (or short of the target
 * when there is none). */
const char *metric_status(const metric_measure *m, int64_t v, int64_t target, int has_threshold,
                          int64_t threshold);
/* The day after `day` by which a metric measured then is due again. */
void metric_next_due(char dst[11], const char *day, const char *frequency);

/* clang-format off: one line per field */
#define METRIC_FIELDS(X)                                                                        \
    X(F_METRIC_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the metric in a line", 300))        \
    X(F_METRIC_DESCRIPTION,                                                                     \
      LONGTEXT("description", 0, "why it is measured, and what is done when it is off target")) \
    X(F_METRIC_OWNER, OWNER(FF_REQUIRED | FF_LIST, "who measures it and answers for it "        \
                                                   "(Cl. 9.1 e, f)"))                           \
    X(F_METRIC_MEASURE,                                                                         \
      ENUM_EXPLAINED("measure", FF_REQUIRED | FF_LIST | FF_SORTED, metric_measure_names,        \
                     metric_measure_help, "what isms computes from the data"))                  \
    X(F_METRIC_AUDIENCE, ENUM("audience", FF_LIST | FF_SORTED, metric_audiences, "management",  \
                              "who reads it: board, management or operations"))                 \
    X(F_METRIC_TARGET, INT("target", FF_REQUIRED | FF_LIST, 0, 1000000000000000LL, NULL,        \
                           "the value aimed at, in the measure's unit (a percent: 0 to 100)"))  \
    X(F_METRIC_THRESHOLD,                                                                       \
      INT("threshold", 0, 0, 1000000000000000LL, NULL,                                          \
          "the limit beyond which it calls for action; between the target and it, a warning"))  \
    X(F_METRIC_FREQUENCY, ENUM("frequency", 0, metric_frequencies, "quarterly",                 \
                               "how often it is measured: monthly, quarterly, half-yearly, "    \
                               "yearly"))                                                       \
    X(F_METRIC_OBJECTIVES, LINKS("objectives", "objective", "objective", "metric_objective",    \
                                 "metric", "objective", "the business objectives it informs"))  \
    X(F_METRIC_MEASURE_DUE, DATE_FLAGGED("measure_due", FF_LIST | FF_SYSTEM | FF_SORTED,        \
                                         "when it is next due to be measured"))                 \
    X(F_METRIC_LAST_VALUE, INT("last_value", FF_LIST | FF_SYSTEM, INT64_MIN, INT64_MAX, NULL,   \
                               "the latest measurement's value"))                               \
    X(F_METRIC_LAST_STATUS,                                                                     \
      ENUM("last_status", FF_LIST | FF_SYSTEM | FF_SORTED, metric_statuses, "not-measured",     \
           "the latest value against the target and "                                           \
           "threshold"))                                                                        \
    X(F_METRIC_LAST_MEASURED_AT, TIME("last_measured_at", FF_SYSTEM, "when it was last measured"))
FIELD_IDS(RN_METRIC, METRIC_FIELDS);

#define MEASUREMENT_FIELDS(X)                                                                      \
    X(F_MEASUREMENT_METRIC, REF("metric", FF_REQUIRED | FF_LIST, "metric", "the metric measured")) \
    X(F_MEASUREMENT_MEASURED_AT,                                                                   \
      TIME("measured_at", FF_REQUIRED | FF_LIST | FF_SORTED, "when isms computed it"))             \
    X(F_MEASUREMENT_VALUE, INT("value", FF_LIST, INT64_MIN, INT64_MAX, NULL,                       \
                               "the value, in the measure's unit (none: nothing to measure)"))     \
    X(F_MEASUREMENT_STATUS, ENUM("status", FF_LIST | FF_SORTED, metric_statuses, NULL,             \
                                 "the value against the target and threshold of that moment"))     \
    X(F_MEASUREMENT_TARGET,                                                                        \
      INT("target", 0, INT64_MIN, INT64_MAX, NULL, "the metric's target when it was measured"))    \
    X(F_MEASUREMENT_THRESHOLD, INT("threshold", 0, INT64_MIN, INT64_MAX, NULL,                     \
                                   "the metric's threshold when it was measured"))                 \
    X(F_MEASUREMENT_BASIS, TEXT("basis", FF_LIST,                                                  \
                                "what it counted: \"6 of 13 controls in "                          \
                                "place\"",                                                         \
                                1000))
FIELD_IDS(RN_MEASUREMENT, MEASUREMENT_FIELDS);
/* clang-format on */

#endif
