/* The metric register and its measurements (ISO/IEC 27001 Cl. 9.1): a
 * value's state against target and threshold either way round; what a
 * metric may say (a percent up to 100, the threshold beyond the target);
 * measuring from the dashboard's own figures, each measurement kept with
 * what it counted, the metric's latest and next due date moved; who may
 * measure (its owner, the ISMS lead, the process; nobody else); a share of
 * none measured as no data; the trend and its change; the dashboard's
 * figures kept and counted again alike; a measurement due on its owner's
 * work. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "domain/views/derived.h"
#include "domain/views/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

static int setup(void **state)
{
    (void)state;
    static int made;
    char name[32];
    snprintf(name, sizeof name, "metrics%d.isms", ++made); /* a repository a test */
    tu_clock();                                            /* now: 2026-11-23T12:00:00Z */
    d = tu_create(name, "metrics-test");
    tu_add_people(d); /* PER-1 Dana (management body), PER-2 Omar (risk owner) */
    tu_add(d, tu_make(d, &reg_risk, "title=Ransomware", "owner=PER-2", "likelihood=3", "impact=4",
                      NULL));
    /* two controls in place, one assessed: 50% assessed */
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2", "status=operating",
                      "effectiveness=effective", "treats=RISK-1", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=EDR", "owner=PER-2", "status=implemented",
                      "treats=RISK-1", NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

static const char *assessed_metric(const char *owner, const char *target, const char *threshold)
{
    return tu_add(d, tu_make(d, &reg_metric, "title=Controls assessed", owner,
                             "measure=controls-assessed", target, threshold, NULL));
}

static record get(const regdef *reg, const char *key)
{
    record r;
    isms_err e = { 0 };
    if (dom_get(d, reg, key, &r, &e))
        fail_msg("%s: %s", key, e.msg);
    return r;
}

/* Measures `key` (NULL: those due) as `who` (NULL: the process). */
static int measure(const char *who, const char *key, dom_measured *m, isms_err *e)
{
    tu_as(d, who);
    const char *const keys[] = { key };
    int rc = dom_metrics_measure(d, keys, key ? 1 : 0, 0, m, e);
    tu_as(d, NULL);
    return rc;
}

static void measured_ok(const char *who, const char *key, dom_measured *m)
{
    isms_err e = { 0 };
    if (measure(who, key, m, &e))
        fail_msg("measure %s: %s", key ? key : "due", e.msg);
}

static void set(const regdef *reg, const char *key, const char *pair)
{
    record out;
    isms_err e = { 0 };
    if (dom_update(d, reg, key, tu_make(d, reg, pair, NULL), 0, &out, NULL, &e))
        fail_msg("%s %s: %s", key, pair, e.msg);
}

static int count_one(const record *r, void *ctx)
{
    (void)r;
    ++*(int *)ctx;
    return 0;
}

/* How many measurements there are. */
static int measurements(void)
{
    int n = 0;
    isms_err e = { 0 };
    assert_int_equal(dom_list(d, &reg_measurement, &(store_query){ 0 }, count_one, &n, &e), 0);
    return n;
}

static void states_either_way_round(void **state)
{
    (void)state;
    const metric_measure *up = metric_measure_find("controls-assessed"),
                         *down = metric_measure_find("reports-late");
    assert_non_null(up);
    assert_non_null(down);
    assert_true(up->higher_better && !down->higher_better);
    assert_string_equal(metric_status(up, 90, 90, 1, 60), "on-target");
    assert_string_equal(metric_status(up, 60, 90, 1, 60), "warning");
    assert_string_equal(metric_status(up, 59, 90, 1, 60), "off-target");
    assert_string_equal(metric_status(up, 89, 90, 0, 0), "off-target"); /* no threshold */
    assert_string_equal(metric_status(down, 0, 0, 1, 2), "on-target");
    assert_string_equal(metric_status(down, 2, 0, 1, 2), "warning");
    assert_string_equal(metric_status(down, 3, 0, 1, 2), "off-target");
    assert_null(metric_measure_find("no-such-measure"));
    char due[11];
    metric_next_due(due, "2026-11-30", "quarterly"); /* a month's end stays one */
    assert_string_equal(due, "2027-02-28");
    metric_next_due(due, "2026-11-23", "monthly");
    assert_string_equal(due, "2026-12-23");
    metric_next_due(due, "2026-11-23", "yearly");
    assert_string_equal(due, "2027-11-23");
    metric_next_due(due, "2026-11-23", "half-yearly");
    assert_string_equal(due, "2027-05-23");
}

static void what_a_metric_may_say(void **state)
{
    (void)state;
    tu_add_refused(d,
                   tu_make(d, &reg_metric, "title=x", "owner=PER-2", "measure=controls-assessed",
                           "target=120", NULL),
                   E_INVALID, "target", "above 100");
    tu_add_refused(d,
                   tu_make(d, &reg_metric, "title=x", "owner=PER-2", "measure=controls-assessed",
                           "target=80", "threshold=90", NULL),
                   E_INVALID, "threshold", "higher is better");
    tu_add_refused(d,
                   tu_make(d, &reg_metric, "title=x", "owner=PER-2", "measure=reports-late",
                           "target=2", "threshold=1", NULL),
                   E_INVALID, "threshold", "lower is better");
    tu_add_refused(
        d, tu_make(d, &reg_metric, "title=x", "owner=PER-2", "measure=happiness", "target=1", NULL),
        E_INVALID, "measure", "happiness");
    /* a new metric is due now, and not yet measured */
    const char *key = assessed_metric("owner=PER-2", "target=90", "threshold=40");
    record m = get(&reg_metric, key);
    assert_string_equal(record_text(&m, F_METRIC_MEASURE_DUE), "2026-11-23");
    assert_string_equal(record_text(&m, F_METRIC_LAST_STATUS), "not-measured");
    assert_string_equal(record_text(&m, F_METRIC_FREQUENCY), "quarterly");
}

static void each_measurement_kept_with_what_it_counted(void **state)
{
    (void)state;
    const char *key = assessed_metric("owner=PER-2", "target=90", "threshold=40");
    dom_measured m;
    measured_ok(NULL, NULL, &m);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.items[0].metric, key);
    assert_string_equal(m.items[0].status, "warning"); /* 50 against 90, within 40 */
    assert_int_equal(m.items[0].value, 50);
    record msr = get(&reg_measurement, m.items[0].measurement);
    assert_int_equal(record_int(&msr, F_MEASUREMENT_VALUE), 50);
    assert_string_equal(record_text(&msr, F_MEASUREMENT_BASIS), "1 of 2 controls in place");
    assert_string_equal(record_text(&msr, F_MEASUREMENT_MEASURED_AT), "2026-11-23T12:00:00Z");
    assert_int_equal(record_int(&msr, F_MEASUREMENT_TARGET), 90);
    assert_int_equal(record_int(&msr, F_MEASUREMENT_THRESHOLD), 40);
    record met = get(&reg_metric, key);
    assert_int_equal(record_int(&met, F_METRIC_LAST_VALUE), 50);
    assert_string_equal(record_text(&met, F_METRIC_LAST_STATUS), "warning");
    assert_string_equal(record_text(&met, F_METRIC_MEASURE_DUE), "2027-02-23"); /* quarterly */
    /* measured: not due again, so a run of those due measures nothing */
    measured_ok(NULL, NULL, &m);
    assert_int_equal(m.n, 0);
    assert_int_equal(m.not_due, 1);
    /* the second control assessed: measured by key, 100% */
    set(&reg_control, "CTL-2", "effectiveness=effective");
    measured_ok(NULL, key, &m);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.items[0].status, "on-target");
    /* the trend: newest first, and which way it moved */
    met = get(&reg_metric, key);
    metric_trend t;
    isms_err e = { 0 };
    assert_int_equal(dom_metric_trend(d, &met, &t, &e), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.points[0].value, 100);
    assert_int_equal(t.points[1].value, 50);
    assert_string_equal(dom_metric_change(d, metric_measure_find("controls-assessed"), &t),
                        "up 50 points since 2026-11-23 12:00 UTC: better");
    /* the derived values: the trend where one record is shown only */
    int n;
    const derived_def *defs = derived_defs(&reg_metric, &n);
    value v[8];
    assert_true(n <= 8);
    derive_cache *c = derive_cache_new(d);
    assert_int_equal(derive_record(c, &met, v, &e), 0);
    for (int k = 0; k < n; k++)
        if (defs[k].detail)
            assert_true(v[k].null);
        else
            assert_false(v[k].null);
    derive_cache_detail(c);
    assert_int_equal(derive_record(c, &met, v, &e), 0);
    for (int k = 0; k < n; k++)
        if (!strcmp(defs[k].field.name, "recent"))
            assert_string_equal(v[k].s, "2026-11-23 12:00 100% on-target; "
                                        "2026-11-23 12:00 50% warning");
    derive_cache_free(c);
    tu_verified(d);
}

static void who_measures(void **state)
{
    (void)state;
    tu_add(d, tu_make(d, &reg_person, "name=Rita", "email=rita@x.example", "roles=reader", NULL));
    const char *key = assessed_metric("owner=PER-2", "target=90", "threshold=40");
    dom_measured m;
    isms_err e = { 0 };
    /* Dana (management body) may not measure Omar's, by key: nothing written */
    assert_int_equal(measure("PER-1", key, &m, &e), E_DENIED);
    assert_int_equal(measurements(), 0);
    record met = get(&reg_metric, key);
    assert_string_equal(record_text(&met, F_METRIC_LAST_STATUS), "not-measured");
    /* nor among those due: hers are none */
    measured_ok("PER-1", NULL, &m);
    assert_int_equal(m.n, 0);
    assert_int_equal(m.not_yours, 1);
    /* a reader measures nothing at all */
    e = (isms_err){ 0 };
    assert_int_equal(measure("PER-3", NULL, &m, &e), E_DENIED);
    /* its owner does */
    measured_ok("PER-2", NULL, &m);
    assert_int_equal(m.n, 1);
    /* a retired metric is measured no more */
    record out;
    assert_int_equal(dom_retire(d, &reg_metric, key, &out, &e), 0);
    assert_int_equal(measure(NULL, key, &m, &e), E_CONFLICT);
    assert_string_equal(e.field, "metric");
}

static void nothing_to_measure_and_rounding(void **state)
{
    (void)state;
    /* no incident in the year: a share of none has no value */
    const char *foreseen = tu_add(d, tu_make(d, &reg_metric, "title=Foreseen", "owner=PER-2",
                                             "measure=incidents-foreseen", "target=80", NULL));
    /* a control tied to no risk: 2 of 3 is 66 (rounded down), short of 67 */
    tu_add(d, tu_make(d, &reg_control, "title=Policy", "owner=PER-2", NULL));
    tu_add(d, tu_make(d, &reg_metric, "title=Tied", "owner=PER-2", "measure=controls-tied-to-risks",
                      "target=67", NULL));
    dom_measured m;
    measured_ok(NULL, NULL, &m);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.items[0].metric, foreseen);
    assert_int_equal(m.items[0].known, 0);
    assert_string_equal(m.items[0].status, "no-data");
    record met = get(&reg_metric, foreseen);
    assert_true(record_cval(&met, F_METRIC_LAST_VALUE)->null);
    assert_string_equal(record_text(&met, F_METRIC_LAST_STATUS), "no-data");
    assert_string_equal(m.items[1].status, "off-target");
    assert_int_equal(m.items[1].value, 66);
    /* an amount rounds up: a loss of 1,000.01 is 1,001, over a target of 1,000 */
    tu_add(d, tu_make(d, &reg_incident, "title=Outage", "owner=PER-2",
                      "detected_at=2026-11-20T10:00:00Z", "loss=1000.01", NULL));
    const char *loss =
        tu_add(d, tu_make(d, &reg_metric, "title=Loss", "owner=PER-2",
                          "measure=incident-loss-last-365-days", "target=1000", NULL));
    measured_ok(NULL, loss, &m);
    assert_int_equal(m.items[0].value, 1001);
    assert_string_equal(m.items[0].status, "off-target");
    /* the incident realised no risk: 0 of 1 foreseen, a value now */
    measured_ok(NULL, foreseen, &m);
    assert_int_equal(m.items[0].known, 1);
    assert_int_equal(m.items[0].value, 0);
}

/* A target changed judges the latest value again (the measurement keeps
 * the state of its moment); a new measure starts afresh. */
static void the_latest_judged_again(void **state)
{
    (void)state;
    const char *key = assessed_metric("owner=PER-2", "target=90", "threshold=40");
    dom_measured m;
    measured_ok(NULL, key, &m);
    set(&reg_metric, key, "target=50");
    record met = get(&reg_metric, key);
    assert_string_equal(record_text(&met, F_METRIC_LAST_STATUS), "on-target");
    record msr = get(&reg_measurement, m.items[0].measurement);
    assert_string_equal(record_text(&msr, F_MEASUREMENT_STATUS), "warning");
    set(&reg_metric, key, "measure=risks-quantified");
    met = get(&reg_metric, key);
    assert_string_equal(record_text(&met, F_METRIC_LAST_STATUS), "not-measured");
    assert_true(record_cval(&met, F_METRIC_LAST_VALUE)->null);
    tu_verified(d);
}

/* The dashboard's metrics: kept as records are written and counted again
 * alike; those off target named; overdue ones once the day passes; a
 * retired one counts for nothing; a measurement due on its owner's work. */
static void the_dashboard_and_the_owners_work(void **state)
{
    (void)state;
    const char *off = assessed_metric("owner=PER-2", "target=90", "threshold=60");
    const char *on = tu_add(d, tu_make(d, &reg_metric, "title=Monthly", "owner=PER-2",
                                       "measure=controls-assessed", "target=50", "threshold=10",
                                       "frequency=monthly", NULL));
    const char *later = tu_add(d, tu_make(d, &reg_metric, "title=Reviews", "owner=PER-1",
                                          "measure=management-reviews-last-365-days", "target=1",
                                          "audience=board", NULL));
    tu_due_is(d, "PER-1", "2026-11-23", later, "2026-11-23");
    dom_measured m;
    measured_ok(NULL, off, &m);
    measured_ok(NULL, on, &m);
    tu_due_is(d, "PER-2", "2027-01-01", on, "2026-12-23"); /* monthly; the other quarterly */
    dom_dash kept, counted;
    isms_err e = { 0 };
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    for (int k = 0; k < 5; k++)
        assert_int_equal(kept.metrics[k], counted.metrics[k]);
    assert_int_equal(kept.metrics[2], 1);      /* on target */
    assert_int_equal(kept.metrics[4], 1);      /* off target */
    assert_int_equal(kept.metrics[0], 1);      /* not measured yet */
    assert_int_equal(kept.metrics_overdue, 0); /* due today is not overdue */
    assert_int_equal(kept.metrics_off.total, 1);
    assert_int_equal(kept.metrics_off.n, 1);
    assert_string_equal(kept.metrics_off.keys[0], off);
    /* the board's: only the one of audience board, never measured */
    assert_int_equal(kept.nboard, 1);
    assert_string_equal(kept.board[0].key, later);
    assert_false(kept.board[0].known);
    assert_null(kept.board[0].measured_at);
    assert_string_equal(kept.board[0].status, "not-measured");
    /* a day later the one never measured is overdue */
    setenv("ISMS_NOW", "2026-11-24T09:00:00Z", 1);
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    assert_int_equal(kept.metrics_overdue, 1);
    assert_int_equal(counted.metrics_overdue, 1);
    record out;
    assert_int_equal(dom_retire(d, &reg_metric, off, &out, &e), 0);
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(kept.metrics[4], 0);
    assert_int_equal(kept.metrics_off.total, 0);
    tu_verified(d);
}

/* The risk treatment plan's dates (Cl. 6.1.3 e): a planned control's
 * implementation_due is due of its owner, counted overdue once past (kept
 * and counted again alike, and as a metric), refused for a control in
 * place, and met (cleared) when the control goes in. */
static void a_planned_controls_date_to_be_in_place(void **state)
{
    (void)state;
    const char *plan = tu_add(d, tu_make(d, &reg_control, "title=DLP", "owner=PER-2",
                                         "implementation_due=2026-11-30", NULL));
    tu_due_is(d, "PER-2", "2026-12-01", plan, "2026-11-30");
    tu_add_refused(d,
                   tu_make(d, &reg_control, "title=MFA", "owner=PER-2", "status=operating",
                           "implementation_due=2027-01-31", NULL),
                   E_INVALID, "implementation_due", "belongs to a planned control");
    record out;
    isms_err e = { 0 };
    assert_int_equal(dom_update(d, &reg_control, "CTL-1",
                                tu_make(d, &reg_control, "implementation_due=2027-01-31", NULL), 0,
                                &out, NULL, &e),
                     E_INVALID);
    assert_string_equal(e.field, "implementation_due");
    const char *metric =
        tu_add(d, tu_make(d, &reg_metric, "title=Late controls", "owner=PER-2",
                          "measure=controls-implementation-overdue", "target=0", NULL));
    dom_measured m;
    measured_ok(NULL, metric, &m);
    assert_int_equal(m.items[0].value, 0); /* due on the 30th: not yet */
    setenv("ISMS_NOW", "2026-12-01T09:00:00Z", 1);
    dom_dash kept, counted;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    assert_int_equal(kept.controls_overdue, 1);
    assert_int_equal(counted.controls_overdue, 1);
    measured_ok(NULL, metric, &m);
    assert_int_equal(m.items[0].value, 1);
    assert_string_equal(m.items[0].status, "off-target");
    /* in place: the plan is met, its date cleared, nothing overdue */
    set(&reg_control, plan, "status=implemented");
    record c = get(&reg_control, plan);
    assert_null(record_text(&c, F_CONTROL_IMPLEMENTATION_DUE));
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(kept.controls_overdue, 0);
    tu_due_is(d, "PER-2", "2026-12-01", NULL, NULL);
    tu_verified(d);
}

/* A field added to a register by a later migration (fielddef.since): a
 * repository at an older schema (ISMS_MIGRATE_UNTIL) reads and writes
 * its records without it, refuses a value for it by name rather than drop
 * it, and has it once upgraded. */
static void a_field_added_later_waits_for_its_column(void **state)
{
    (void)state;
    setenv("ISMS_MIGRATE_UNTIL", "24", 1);
    char repo[512];
    snprintf(repo, sizeof repo, "%s", tu_repo("metrics-old.isms"));
    dom *old;
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "metrics-test" }, 0, &old, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(old);
    const char *key = tu_add(old, tu_make(old, &reg_control, "title=DLP", "owner=PER-2", NULL));
    record r, out;
    assert_int_equal(dom_get(old, &reg_control, key, &r, &e), 0);
    assert_null(record_text(&r, F_CONTROL_IMPLEMENTATION_DUE));
    assert_int_equal(dom_update(old, &reg_control, key,
                                tu_make(old, &reg_control, "implementation_due=2027-01-31", NULL),
                                0, &out, NULL, &e),
                     E_CONFLICT);
    assert_string_equal(e.field, "implementation_due");
    assert_non_null(strstr(e.msg, "no column for it"));
    assert_int_equal(dom_update(old, &reg_control, key,
                                tu_make(old, &reg_control, "status=implemented", NULL), 0, &out,
                                NULL, &e),
                     0);
    dom_close(old);
    unsetenv("ISMS_MIGRATE_UNTIL");
    if (dom_open(repo, &old, &e)) /* upgraded */
        fail_msg("open: %s", e.msg);
    const char *plan = tu_add(old, tu_make(old, &reg_control, "title=MFA", "owner=PER-2",
                                           "implementation_due=2027-01-31", NULL));
    assert_int_equal(dom_get(old, &reg_control, plan, &r, &e), 0);
    assert_string_equal(record_text(&r, F_CONTROL_IMPLEMENTATION_DUE), "2027-01-31");
    tu_verified(old);
    dom_close(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(states_either_way_round, setup, teardown),
        cmocka_unit_test_setup_teardown(what_a_metric_may_say, setup, teardown),
        cmocka_unit_test_setup_teardown(each_measurement_kept_with_what_it_counted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(who_measures, setup, teardown),
        cmocka_unit_test_setup_teardown(nothing_to_measure_and_rounding, setup, teardown),
        cmocka_unit_test_setup_teardown(the_latest_judged_again, setup, teardown),
        cmocka_unit_test_setup_teardown(the_dashboard_and_the_owners_work, setup, teardown),
        cmocka_unit_test_setup_teardown(a_planned_controls_date_to_be_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(a_field_added_later_waits_for_its_column, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
