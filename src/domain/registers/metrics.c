/* metrics.c: the metric and measurement registers (metrics.h): the
 * measures isms computes, a value's state against its target, and the
 * rules of a metric. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "domain/engine/dom_internal.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

#define METRIC_MEASURE_ROW_(id, name, unit, higher, kind, what) \
    [id] = { name, unit, higher, kind, what },
const metric_measure metric_measures[METRIC_NMEASURES] = { METRIC_MEASURES(METRIC_MEASURE_ROW_) };

#define METRIC_MEASURE_NAME_(id, name, unit, higher, kind, what) [id] = name,
const char *const metric_measure_names[METRIC_NMEASURES + 1] = { METRIC_MEASURES(
    METRIC_MEASURE_NAME_) };

/* "active risks tied to a business objective (percent; higher is better;
 * leading)" */
#define MU_PERCENT_WORD "percent"
#define MU_COUNT_WORD "count"
#define MU_HOURS_WORD "hours"
#define MU_MONEY_WORD "currency units"
#define BETTER_1 "higher is better"
#define BETTER_0 "lower is better"
#define METRIC_MEASURE_HELP_(id, name, unit, higher, kind, what) \
    [id] = what " (" unit##_WORD "; " BETTER_##higher "; " kind ")",
const char *const metric_measure_help[METRIC_NMEASURES + 1] = { METRIC_MEASURES(
    METRIC_MEASURE_HELP_) };

const char *const metric_statuses[] = { "not-measured", "no-data",    "on-target",
                                        "warning",      "off-target", NULL };
const char *const metric_frequencies[] = { "monthly", "quarterly", "half-yearly", "yearly", NULL };
const char *const metric_audiences[] = { "board", "management", "operations", NULL };

REGISTER(metric, METRIC, "metrics", "MET", F_METRIC_TITLE,
         "what the ISMS measures of itself (Cl. 9.1): a measure isms computes from the data, its "
         "target and threshold, who measures it and how often, for which audience",
         .check = rules_metric);
REGISTER(measurement, MEASUREMENT, "measurements", "MSR", F_MEASUREMENT_BASIS,
         "what each measurement of a metric found: the value, what it counted, its state against "
         "the target",
         .flags = REG_SYSTEM);

const metric_measure *metric_measure_find(const char *name)
{
    for (int k = 0; name && k < METRIC_NMEASURES; k++)
        if (!strcmp(metric_measures[k].name, name))
            return &metric_measures[k];
    return NULL;
}

const char *metric_unit_name(metric_unit u)
{
    switch (u) {
    case MU_PERCENT: return MU_PERCENT_WORD;
    case MU_HOURS: return MU_HOURS_WORD;
    case MU_MONEY: return MU_MONEY_WORD;
    case MU_COUNT: break;
    }
    return MU_COUNT_WORD;
}

const char *metric_status(const metric_measure *m, int64_t v, int64_t target, int has_threshold,
                          int64_t threshold)
{
    /* Turned so that higher is better: then at or above the target is on
     * it, and at or above the threshold within it. */
    int64_t sign = m->higher_better ? 1 : -1;
    if (sign * v >= sign * target)
        return "on-target";
    if (has_threshold && sign * v >= sign * threshold)
        return "warning";
    return "off-target";
}

void metric_next_due(char dst[11], const char *day, const char *frequency)
{
    static const int months[] = { 1, 3, 6, 12 };
    int k = 1;
    for (int i = 0; metric_frequencies[i]; i++)
        if (frequency && !strcmp(frequency, metric_frequencies[i]))
            k = i;
    char from[21], to[21];
    snprintf(from, sizeof from, "%.10sT00:00:00Z", day);
    timestamp_add(to, from, 0, months[k]);
    memcpy(dst, to, 10);
    dst[10] = 0;
}

/* ---- rules ---- */

/* Target and threshold in the measure's range (a percent up to 100), the
 * threshold on the far side of the target. */
static int check_bounds(const metric_measure *m, const record *r, isms_err *e)
{
    int64_t target = record_int(r, F_METRIC_TARGET);
    const value *th = record_cval(r, F_METRIC_THRESHOLD);
    if (m->unit == MU_PERCENT && target > 100)
        return err_set(e, E_INVALID, "target", "target: %lld is above 100 (%s is a percent)",
                       (long long)target, m->name);
    if (m->unit == MU_PERCENT && !th->null && th->i > 100)
        return err_set(e, E_INVALID, "threshold", "threshold: %lld is above 100 (%s is a percent)",
                       (long long)th->i, m->name);
    if (!th->null && (m->higher_better ? th->i > target : th->i < target))
        return err_set(e, E_INVALID, "threshold",
                       "threshold: %lld is %s the target %lld; for %s %s is better, so the limit "
                       "that calls for action lies %s it",
                       (long long)th->i, m->higher_better ? "above" : "below", (long long)target,
                       m->name, m->higher_better ? "higher" : "lower",
                       m->higher_better ? "below" : "above");
    return 0;
}

/* The latest value judged again against a target or threshold changed; a
 * new measure starts the history afresh: its values are not comparable. */
static void judge_again(dom *d, record *r, const record *old, const metric_measure *m)
{
    arena *a = dom_arena(d);
    if (old && strcmp(record_text(old, F_METRIC_MEASURE), m->name)) {
        record_set_text(r, F_METRIC_LAST_STATUS, metric_statuses[0], a);
        value *v = record_val(r, F_METRIC_LAST_VALUE);
        v->null = v->given = 1;
        record_set_text(r, F_METRIC_LAST_MEASURED_AT, NULL, a);
        return;
    }
    const value *last = record_cval(r, F_METRIC_LAST_VALUE),
                *th = record_cval(r, F_METRIC_THRESHOLD);
    if (last->null)
        return;
    const char *now = metric_status(m, last->i, record_int(r, F_METRIC_TARGET), !th->null, th->i);
    const char *was = record_text(r, F_METRIC_LAST_STATUS);
    if (!was || strcmp(was, now))
        record_set_text(r, F_METRIC_LAST_STATUS, now, a);
}

int rules_metric(dom *d, record *r, const record *old, isms_err *e)
{
    const metric_measure *m = metric_measure_find(record_text(r, F_METRIC_MEASURE));
    if (!m)
        return err_set(e, E_INVALID, "measure", "measure: none given (isms help metric)");
    int rc = check_bounds(m, r, e);
    if (rc)
        return rc;
    judge_again(d, r, old, m);
    if (!record_text(r, F_METRIC_MEASURE_DUE)) { /* new: due now, never measured */
        char today[11];
        now_date(today);
        record_set_text(r, F_METRIC_MEASURE_DUE, today, dom_arena(d));
    }
    return 0;
}
