/* The incident register: the deadlines of the reports owed to the
 * authorities under NIS2, DORA and GDPR, worked out from the detection and
 * the reports made; what an incident may say (nothing in the future, each
 * time after what precedes it, no report no regime asks for); who handles
 * it (its owner contains and resolves, the ISMS lead closes it on the
 * lessons learnt once nothing is owed); the dashboard's figures (kept and
 * counted again), the reports late and due now, a person's work and a
 * management review's inputs. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/views/dashboard.h"
#include "domain/views/derived.h"
#include "domain/views/links.h"
#include "domain/views/review.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

static int setup(void **state)
{
    (void)state;
    static int made;
    char name[32];
    snprintf(name, sizeof name, "incidents%d.isms", ++made); /* a repository a test */
    tu_clock();                                              /* now: 2026-11-23T12:00:00Z */
    d = tu_create(name, "incidents-test");
    tu_add_people(d); /* PER-1 Dana (management body), PER-2 Omar (risk owner) */
    tu_add(d, tu_make(d, &reg_person, "name=Lea", "email=lea@x.example", "roles=isms-lead", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Ransomware", "owner=PER-2", "likelihood=3", "impact=4",
                      NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

/* An incident of Omar's detected at `at` under `regimes` (NULL: none), as
 * made by the process: its key. */
static const char *incident(const char *title, const char *at, const char *regimes)
{
    record *r = tu_make(d, &reg_incident, "owner=PER-2", NULL);
    isms_err e = { 0 };
    const char *pairs[][2] = { { "title", title }, { "detected_at", at }, { "regimes", regimes } };
    for (size_t k = 0; k < 3; k++)
        if (pairs[k][1] &&
            dom_set_text(d, r, regdef_field(&reg_incident, pairs[k][0]), pairs[k][1], &e))
            fail_msg("%s: %s", pairs[k][0], e.msg);
    return tu_add(d, r);
}

/* Changes key by "field=value" pairs as `who` (NULL: the process). */
static int change(const char *who, const char *key, const char *pair, isms_err *e)
{
    tu_as(d, who);
    record *r = tu_make(d, &reg_incident, pair, NULL);
    record out;
    int rc = dom_update(d, &reg_incident, key, r, 0, &out, NULL, e);
    tu_as(d, NULL);
    return rc;
}

static int act(const char *who, const char *key, const char *verb, isms_err *e)
{
    tu_as(d, who);
    record out;
    int rc = dom_transition(d, &reg_incident, key, verb, &out, e);
    tu_as(d, NULL);
    return rc;
}

static record get(const char *key)
{
    record r;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_incident, key, &r, &e), 0);
    return r;
}

/* The deadlines of a record made of "field=value" pairs (not stored). */
#define REPORTS_OF(out, ...) incident_reports(tu_make(d, &reg_incident, __VA_ARGS__), out)

static void deadline(const incident_report *rep, const char *at, const char *regime)
{
    assert_true(rep->owed);
    assert_string_equal(rep->deadline, at);
    assert_string_equal(rep->set_by, regime);
}

/* NIS2 Art. 23(4), DORA Art. 19 with its reporting standards, GDPR Art.
 * 33(1): each report's deadline, counted from detection or from the report
 * before it (made, or else due). */
static void each_regime_sets_its_deadlines(void **state)
{
    (void)state;
    incident_report r[INCIDENT_REPORTS];
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=nis2", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-21T10:00:00Z", "nis2");
    deadline(&r[INCIDENT_INTERMEDIATE], "2026-11-23T10:00:00Z", "nis2");
    deadline(&r[INCIDENT_FINAL], "2026-12-23T10:00:00Z", "nis2");
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=nis2",
               "initial_report_at=2026-11-20T18:00:00Z",
               "intermediate_report_at=2026-11-22T09:00:00Z", NULL);
    deadline(&r[INCIDENT_FINAL], "2026-12-22T09:00:00Z", "nis2"); /* a month after it went */
    /* DORA: the intermediate report 72 hours after the initial one went */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=dora",
               "initial_report_at=2026-11-20T14:00:00Z", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-21T10:00:00Z", "dora");
    deadline(&r[INCIDENT_INTERMEDIATE], "2026-11-23T14:00:00Z", "dora");
    deadline(&r[INCIDENT_FINAL], "2026-12-23T14:00:00Z", "dora");
    /* DORA: 4 hours from its classification as major, 24 from detection at
     * the latest */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=dora",
               "classified_at=2026-11-20T12:00:00Z", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-20T16:00:00Z", "dora");
    deadline(&r[INCIDENT_INTERMEDIATE], "2026-11-23T16:00:00Z", "dora");
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=dora",
               "classified_at=2026-11-21T08:00:00Z", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-21T10:00:00Z", "dora");
    /* GDPR: one notification, 72 hours */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=gdpr", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-23T10:00:00Z", "gdpr");
    assert_false(r[INCIDENT_INTERMEDIATE].owed);
    assert_false(r[INCIDENT_FINAL].owed);
    /* under several, the earliest */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=gdpr,nis2", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-21T10:00:00Z", "nis2");
    /* where two agree, both are named */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=dora,nis2", NULL);
    deadline(&r[INCIDENT_INITIAL], "2026-11-21T10:00:00Z", "nis2, dora");
    deadline(&r[INCIDENT_INTERMEDIATE], "2026-11-23T10:00:00Z", "nis2"); /* DORA's: 11-24 */
    /* a month from the 31st of January ends on the last day of February */
    REPORTS_OF(r, "detected_at=2027-01-28T10:00:00Z", "regimes=nis2", NULL);
    deadline(&r[INCIDENT_INTERMEDIATE], "2027-01-31T10:00:00Z", "nis2");
    deadline(&r[INCIDENT_FINAL], "2027-02-28T10:00:00Z", "nis2");
    /* made late, by how much */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", "regimes=gdpr",
               "initial_report_at=2026-11-23T13:15:00Z", NULL);
    assert_int_equal(r[INCIDENT_INITIAL].late_minutes, 195);
    /* none asked for without a regime */
    REPORTS_OF(r, "detected_at=2026-11-20T10:00:00Z", NULL);
    for (int k = 0; k < INCIDENT_REPORTS; k++)
        assert_false(r[k].owed);
}

static void refused(record *r, const char *field, const char *says)
{
    tu_add_refused(d, r, E_INVALID, field, says);
}

/* What an incident may not say, refused with the field named and nothing
 * written; the next deadline kept as reports are made. */
static void an_incident_says_what_happened_in_order(void **state)
{
    (void)state;
#define BASE "title=Outage", "owner=PER-2"
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-24T00:00:00Z", NULL),
            "detected_at", "in the future");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z",
                    "occurred_at=2026-11-21T10:00:00Z", NULL),
            "detected_at", "is before occurred_at");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z",
                    "initial_report_at=2026-11-20T12:00:00Z", NULL),
            "initial_report_at", "no regime it is reportable under asks");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z", "regimes=gdpr",
                    "final_report_at=2026-11-21T12:00:00Z",
                    "initial_report_at=2026-11-20T12:00:00Z", NULL),
            "final_report_at", "asks for a final report");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z", "regimes=dora",
                    "intermediate_report_at=2026-11-21T12:00:00Z", NULL),
            "intermediate_report_at", "the initial report comes first");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z", "regimes=dora",
                    "initial_report_at=2026-11-20T09:00:00Z", NULL),
            "initial_report_at", "is before detected_at");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z",
                    "contained_at=2026-11-20T11:00:00Z", NULL),
            "contained_at", "is open");
    refused(tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z",
                    "classified_at=2026-11-20T09:00:00Z", NULL),
            "classified_at", "is before detected_at");
    refused(
        tu_make(d, &reg_incident, BASE, "detected_at=2026-11-20T10:00:00Z", "regimes=eba", NULL),
        "regimes", "eba");
#undef BASE
    const char *key = incident("Outage", "2026-11-20T10:00:00Z", "dora");
    record r = get(key);
    assert_string_equal(record_text(&r, F_INCIDENT_REPORT_DUE), "2026-11-21T10:00:00Z");
    isms_err e = { 0 };
    assert_int_equal(change("omar@x.example", key, "initial_report_at=2026-11-20T14:00:00Z", &e),
                     0);
    r = get(key);
    assert_string_equal(record_text(&r, F_INCIDENT_REPORT_DUE), "2026-11-23T14:00:00Z");
    assert_int_equal(
        change("omar@x.example", key, "intermediate_report_at=2026-11-23T11:00:00Z", &e), 0);
    assert_int_equal(change("omar@x.example", key, "final_report_at=2026-11-23T11:30:00Z", &e), 0);
    r = get(key);
    assert_null(record_text(&r, F_INCIDENT_REPORT_DUE)); /* nothing owed */
    /* the report due is isms's to work out */
    isms_err why = { 0 };
    assert_int_not_equal(change("lea@x.example", key, "report_due=2027-01-01T00:00:00Z", &why), 0);
    assert_string_equal(why.field, "report_due");
    r = get(key);
    assert_null(record_text(&r, F_INCIDENT_REPORT_DUE));
    tu_verified(d);
}

/* Its owner contains and resolves it (the times filled in when not
 * given); the lead closes it on the lessons learnt, once no report is
 * owed; it is not frozen then: a loss may still change. */
static void its_owner_handles_it_and_the_lead_closes_it(void **state)
{
    (void)state;
    tu_add(d, tu_make(d, &reg_person, "name=Ida", "email=ida@x.example", "roles=risk-owner", NULL));
    const char *key = incident("Phishing", "2026-11-21T08:00:00Z", "gdpr");
    isms_err e = { 0 };
    assert_int_equal(act("ida@x.example", key, "contain", &e), E_DENIED);
    assert_string_equal(e.field, "owner");
    err_clear(&e);
    assert_int_equal(act("omar@x.example", key, "resolve", &e), 0); /* straight from open */
    record r = get(key);
    assert_string_equal(record_text(&r, F_INCIDENT_STATUS), "resolved");
    assert_string_equal(record_text(&r, F_INCIDENT_RESOLVED_AT), "2026-11-23T12:00:00Z");
    assert_null(record_text(&r, F_INCIDENT_CONTAINED_AT)); /* never recorded as contained */
    /* the handler says when it really was */
    assert_int_equal(change("omar@x.example", key, "contained_at=2026-11-21T10:00:00Z", &e), 0);
    assert_int_equal(change("omar@x.example", key, "resolved_at=2026-11-21T09:00:00Z", &e),
                     E_INVALID); /* before it was contained */
    assert_string_equal(e.field, "resolved_at");
    err_clear(&e);
    /* closing: the lead only, on the lessons, when nothing is owed */
    assert_int_equal(act("omar@x.example", key, "close", &e), E_DENIED);
    err_clear(&e);
    assert_int_equal(act("lea@x.example", key, "close", &e), E_CONFLICT);
    assert_string_equal(e.field, "lessons");
    err_clear(&e);
    assert_int_equal(change("lea@x.example", key, "lessons=MFA everywhere", &e), 0);
    assert_int_equal(act("lea@x.example", key, "close", &e), E_CONFLICT);
    assert_string_equal(e.field, "report_due");
    assert_non_null(strstr(e.msg, "2026-11-24T08:00:00Z"));
    err_clear(&e);
    assert_int_equal(change("omar@x.example", key, "initial_report_at=2026-11-22T08:00:00Z", &e),
                     0);
    assert_int_equal(act("lea@x.example", key, "close", &e), 0);
    r = get(key);
    assert_string_equal(record_text(&r, F_INCIDENT_STATUS), "closed");
    assert_string_equal(record_cval(&r, F_INCIDENT_CLOSED_BY)->s, "PER-3");
    assert_string_equal(record_text(&r, F_INCIDENT_CLOSED_AT), "2026-11-23T12:00:00Z");
    /* a fine arrives later */
    assert_int_equal(change("lea@x.example", key, "loss=20000", &e), 0);
    /* but a closed incident cannot come to owe a report */
    assert_int_equal(change("lea@x.example", key, "regimes=gdpr,nis2", &e), E_CONFLICT);
    assert_string_equal(e.field, "regimes");
    tu_verified(d);
}

/* The dashboard's incident figures, kept and counted again, agree and
 * match what was written; the reports late and due now come from the
 * index on their deadlines. */
static void the_dashboard_counts_incidents_and_the_reports_owed(void **state)
{
    (void)state;
    isms_err e = { 0 };
    /* a: critical, open, DORA, its initial report late (due 2026-11-23T09:00) */
    const char *late = incident("Core down", "2026-11-22T09:00:00Z", "dora");
    assert_int_equal(change(NULL, late, "severity=critical", &e), 0);
    assert_int_equal(change(NULL, late, "risks=RISK-1", &e), 0);
    /* b: high, contained, GDPR, due within 24 hours (2026-11-24T08:00) */
    const char *soon = incident("Mailbox", "2026-11-21T08:00:00Z", "gdpr");
    assert_int_equal(change(NULL, soon, "severity=high", &e), 0);
    assert_int_equal(act("omar@x.example", soon, "contain", &e), 0);
    /* c: resolved after 30 hours, a loss, realising the risk */
    const char *done = incident("Fraud wave", "2026-11-01T06:00:00Z", NULL);
    assert_int_equal(change(NULL, done, "loss=12500", &e), 0);
    assert_int_equal(change(NULL, done, "risks=RISK-1", &e), 0);
    assert_int_equal(act("omar@x.example", done, "resolve", &e), 0);
    assert_int_equal(change(NULL, done, "resolved_at=2026-11-02T12:00:00Z", &e), 0);
    /* d: of more than a year ago; e: retired */
    const char *old = incident("Old", "2025-11-01T06:00:00Z", NULL);
    assert_int_equal(change(NULL, old, "loss=999", &e), 0);
    const char *gone = incident("Mistake", "2026-11-20T06:00:00Z", NULL);
    record out;
    assert_int_equal(dom_retire(d, &reg_incident, gone, &out, &e), 0);

    dom_dash kept, counted;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    for (int k = 0; k < 2; k++) {
        const dom_dash *s = k ? &counted : &kept;
        assert_int_equal(s->incidents[0], 2); /* open: a and d */
        assert_int_equal(s->incidents[1], 1);
        assert_int_equal(s->incidents[2], 1);
        assert_int_equal(s->incidents[3], 0);
        assert_int_equal(s->incidents_handled[3], 1); /* critical */
        assert_int_equal(s->incidents_handled[2], 1); /* high */
        assert_int_equal(s->incidents_handled[1], 1); /* d, medium by default */
        assert_int_equal(s->incidents_year, 3);       /* not d, not e */
        assert_int_equal(s->incidents_year_on_risk, 2);
        assert_int_equal(s->incidents_year_reportable, 2);
        assert_int_equal(s->incident_loss_year, 1250000);
        assert_int_equal(s->incidents_year_resolved, 1);
        assert_int_equal(s->incident_minutes_year, 30 * 60);
        const dash_share *h = &s->health[DASH_INCIDENTS_ON_RISKS];
        assert_int_equal(h->part, 2);
        assert_int_equal(h->whole, 3);
        assert_string_equal(s->reports_as_of, "2026-11-23T12:00:00Z");
        assert_int_equal(s->reports_late.total, 1);
        assert_string_equal(s->reports_late.keys[0], late);
        assert_int_equal(s->reports_soon.total, 1);
        assert_string_equal(s->reports_soon.keys[0], soon);
    }
    /* the dashboard reads the figures by the day of the last year only,
     * whatever the history's length: one range of names */
    tallies t;
    tallies_init(&t);
    assert_int_equal(tallies_read(d, "2025-11-22", &t, &e), 0);
    assert_int_equal(tallies_get(&t, "day.2026-11-22.incident.detected"), 1);
    assert_int_equal(tallies_get(&t, "day.2025-11-01.incident.detected"), 0);
    assert_int_equal(tallies_get(&t, "incident.status.open"), 2);
    tallies_reset(&t);
    tallies_init(&t);
    assert_int_equal(tallies_read(d, NULL, &t, &e), 0);
    assert_int_equal(tallies_get(&t, "day.2025-11-01.incident.detected"), 1);
    tallies_reset(&t);
    /* the report made, late: a is no longer among them */
    assert_int_equal(change(NULL, late, "initial_report_at=2026-11-23T10:00:00Z", &e), 0);
    assert_int_equal(dom_reports_owed(d, &kept, &e), 0);
    assert_int_equal(kept.reports_late.total, 0);
    assert_int_equal(kept.reports_soon.total, 1);
    /* and the page says it went late, and what is due next */
    record r = get(late);
    int n;
    const derived_def *defs = derived_defs(&reg_incident, &n);
    assert_int_equal(n, 3);
    value v[3];
    derive_cache *c = derive_cache_new(d);
    assert_int_equal(derive_record(c, &r, v, &e), 0);
    assert_string_equal(defs[0].field.name, "initial");
    assert_string_equal(v[0].s, "by 2026-11-23 09:00 UTC (DORA): made 2026-11-23 10:00 UTC, 1 h "
                                "0 min late");
    assert_string_equal(v[1].s, "by 2026-11-26 10:00 UTC (DORA): not made, due in 2 d 22 h");
    derive_cache_free(c);
    r = get(soon);
    c = derive_cache_new(d);
    assert_int_equal(derive_record(c, &r, v, &e), 0);
    assert_true(v[1].null); /* GDPR asks for one report */
    derive_cache_free(c);
    tu_verified(d);
}

/* The next report is due of the incident's owner on their work until it
 * is made. */
static void a_report_is_due_of_its_owner_until_made(void **state)
{
    (void)state;
    const char *key = incident("Mailbox", "2026-11-21T08:00:00Z", "gdpr");
    isms_err e = { 0 };
    tu_due_is(d, "PER-2", "2026-12-23", key, "2026-11-24T08:00:00Z");
    tu_due_is(d, "PER-3", "2026-12-23", NULL, NULL);
    assert_int_equal(change("omar@x.example", key, "initial_report_at=2026-11-22T08:00:00Z", &e),
                     0);
    tu_due_is(d, "PER-2", "2026-12-23", NULL, NULL);
}

/* A management review's inputs list the incidents since the review
 * before it, the register's blind spots among them. */
static void a_review_lists_the_incidents_since_the_last(void **state)
{
    (void)state;
    isms_err e = { 0 };
    incident("Before the last review", "2026-06-01T08:00:00Z", NULL);
    tu_as(d, "lea@x.example");
    const char *first =
        tu_add(d, tu_make(d, &reg_review, "title=Q2", "held_on=2026-06-30", "owner=PER-3", NULL));
    tu_as(d, NULL);
    record out;
    tu_as(d, "lea@x.example");
    assert_int_equal(dom_review_inputs(d, first, &out, &e), 0);
    assert_int_equal(dom_transition(d, &reg_review, first, "hold", &out, &e), 0);
    tu_as(d, NULL);
    const char *foreseen = incident("Ransomware on a file server", "2026-09-10T08:00:00Z", "nis2");
    assert_int_equal(change(NULL, foreseen, "risks=RISK-1", &e), 0);
    assert_int_equal(change(NULL, foreseen, "loss=80000", &e), 0);
    incident("Chatbot disclosed a balance", "2026-10-02T08:00:00Z", NULL);
    tu_as(d, "lea@x.example");
    const char *next =
        tu_add(d, tu_make(d, &reg_review, "title=Q4", "held_on=2026-12-10", "owner=PER-3", NULL));
    assert_int_equal(dom_review_inputs(d, next, &out, &e), 0);
    tu_as(d, NULL);
    const char *text = record_text(&out, F_REVIEW_INPUTS);
    assert_non_null(text);
    assert_non_null(strstr(text, "  Incidents detected since 2026-06-30 (REV-1):\n"
                                 "    INC-3 2026-10-02 medium, open: Chatbot disclosed a balance; "
                                 "no risk of the register: not foreseen; loss EUR 0.00\n"
                                 "    INC-2 2026-09-10 medium, open: Ransomware on a file server; "
                                 "reportable under nis2; realised RISK-1; loss EUR 80,000.00\n"
                                 "  In the last 365 days: 3 detected, 1 realising a risk of the "
                                 "register, 1 reportable"));
    assert_null(strstr(text, "Before the last review"));
    assert_non_null(strstr(text, "Reports to an authority late now: 1: INC-2."));
}

/* The derived value of r called `name` (with the values one record's view
 * has when detail, a list's otherwise). */
static value derived(const record *r, const char *name, int detail)
{
    int n;
    const derived_def *defs = derived_defs(r->reg, &n);
    value *v = arena_alloc(dom_arena(d), sizeof *v * (size_t)n);
    derive_cache *c = derive_cache_new(d);
    if (detail)
        derive_cache_detail(c);
    isms_err e = { 0 };
    if (derive_record(c, r, v, &e))
        fail_msg("derive %s: %s", r->key, e.msg);
    derive_cache_free(c);
    for (int k = 0; k < n; k++)
        if (!strcmp(defs[k].field.name, name))
            return v[k];
    fail_msg("%s has no derived value %s", r->key, name);
    return v[0];
}

/* A risk's page holds the year the organisation lived through against its
 * figures: the incidents that realised it in the last 365 days and their
 * loss, within the mean, above it, or above the P95 of its latest
 * analysis. Only where one risk is shown: a list would pay a query a row. */
static void a_risk_holds_its_incidents_against_its_figures(void **state)
{
    (void)state;
    isms_err e = { 0 };
    tu_add(d, tu_make(d, &reg_risk, "title=Outage", "owner=PER-2", "likelihood=3", "impact=3",
                      "lef=pert(0.5,1,2)", "primary_loss=lognormal90(10000,100000)", NULL));
    risk_quant q;
    tu_quantify(d, "RISK-2", (quant_opts){ .iterations = 4096, .seed = 3, .save = 1 }, &q);
    record a;
    assert_int_equal(dom_get(d, &reg_analysis, q.analysis, &a, &e), 0);
    int64_t mean = record_int(&a, F_ANALYSIS_MEAN_LOSS), p95 = record_int(&a, F_ANALYSIS_P95_LOSS);
    record r;
    assert_int_equal(dom_get(d, &reg_risk, "RISK-2", &r, &e), 0);
    assert_int_equal(derived(&r, "incidents", 1).i, 0);
    assert_true(derived(&r, "against_figures", 1).null); /* no incident: nothing to hold */
    /* one within the mean, one of more than a year ago, one retired */
    const char *first = incident("Site down", "2026-10-01T08:00:00Z", NULL);
    char loss[64];
    snprintf(loss, sizeof loss, "loss=%lld.%02lld", (long long)(mean / 2 / 100),
             (long long)(mean / 2 % 100));
    assert_int_equal(change(NULL, first, "risks=RISK-2", &e), 0);
    assert_int_equal(change(NULL, first, loss, &e), 0);
    const char *old = incident("Site down before", "2025-10-01T08:00:00Z", NULL);
    assert_int_equal(change(NULL, old, "risks=RISK-2", &e), 0);
    assert_int_equal(change(NULL, old, "loss=9999999", &e), 0);
    const char *gone = incident("Mistake", "2026-11-01T08:00:00Z", NULL);
    assert_int_equal(change(NULL, gone, "risks=RISK-2", &e), 0);
    record out;
    assert_int_equal(dom_retire(d, &reg_incident, gone, &out, &e), 0);
    assert_int_equal(derived(&r, "incidents", 1).i, 1);
    assert_int_equal(derived(&r, "loss", 1).i, mean / 2);
    assert_non_null(strstr(derived(&r, "against_figures", 1).s, "within the mean annual loss of"));
    /* a list leaves them out */
    assert_true(derived(&r, "incidents", 0).null);
    assert_true(derived(&r, "against_figures", 0).null);
    /* a second, past the P95 of the figures together */
    const char *second = incident("Site down again", "2026-11-20T08:00:00Z", NULL);
    assert_int_equal(change(NULL, second, "risks=RISK-2", &e), 0);
    snprintf(loss, sizeof loss, "loss=%lld", (long long)(p95 / 100 + 1));
    assert_int_equal(change(NULL, second, loss, &e), 0);
    assert_int_equal(derived(&r, "incidents", 1).i, 2);
    const char *text = derived(&r, "against_figures", 1).s;
    if (!strstr(text, "ABOVE the P95 annual loss of QNT-1"))
        fail_msg("%s", text);
}

/* The year's incident loss held to the latest portfolio analysis, with
 * what it leaves out said: kept and counted again alike. */
static void the_years_loss_is_held_to_the_portfolio(void **state)
{
    (void)state;
    isms_err e = { 0 };
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Outage", "owner=PER-2", "objectives=OBJ-1",
                      "likelihood=3", "impact=3", "lef=pert(0.5,1,2)",
                      "primary_loss=lognormal90(10000,100000)", NULL));
    portfolio_quant p;
    tu_quantify_all(d, (quant_opts){ .iterations = 4096, .seed = 3, .threads = 1, .save = 1 }, &p);
    dom_dash kept, counted;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_null(kept.incident_loss_against); /* no incident of the year */
    const char *key = incident("Outage of the year", "2026-11-01T08:00:00Z", NULL);
    assert_int_equal(change(NULL, key, "risks=RISK-2", &e), 0);
    assert_int_equal(change(NULL, key, "loss=100000000", &e), 0);
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    for (int k = 0; k < 2; k++) {
        const char *text = (k ? &counted : &kept)->incident_loss_against;
        assert_non_null(text);
        if (!strstr(text, "ABOVE the P95 annual loss of QNT-1") ||
            !strstr(text, "it models 1 of 2 risks: the others add loss it does not count"))
            fail_msg("%s", text);
    }
}

/* Whoever records a serious incident that no regime is set for, where NIS2
 * or DORA applies, is asked whether it must be reported. */
static void a_serious_incident_not_classified_is_questioned(void **state)
{
    (void)state;
    tu_org(d, "name=Bank", "nis2_class=essential", "dora_entity=credit-institution", NULL);
    tu_as(d, "lea@x.example");
    const char *key = incident("Payments down", "2026-11-23T08:00:00Z", NULL);
    int n;
    const char *const *w = dom_warnings(d, &n);
    assert_int_equal(n, 0); /* medium */
    isms_err e = { 0 };
    assert_int_equal(change("lea@x.example", key, "severity=critical", &e), 0);
    w = dom_warnings(d, &n);
    assert_int_equal(n, 1); /* INC-1's, now critical */
    dom_end(d);             /* a new request, without it */
    tu_as(d, "lea@x.example");
    record *r = tu_make(d, &reg_incident, "title=Core down", "detected_at=2026-11-23T09:00:00Z",
                        "owner=PER-2", "severity=high", NULL);
    record out;
    assert_int_equal(dom_add(d, r, &out, &e), 0);
    w = dom_warnings(d, &n);
    assert_int_equal(n, 1);
    assert_non_null(
        strstr(w[0], "the new incident: a high incident reportable under no regime, where NIS2 "
                     "and DORA apply: if it is significant (NIS2 Art. 23) or major "
                     "(DORA Art. 19), set its regimes"));
    /* classified: nothing to ask */
    r = tu_make(d, &reg_incident, "title=Core down again", "detected_at=2026-11-23T09:00:00Z",
                "owner=PER-2", "severity=high", "regimes=dora", NULL);
    assert_int_equal(dom_add(d, r, &out, &e), 0);
    w = dom_warnings(d, &n);
    assert_int_equal(n, 1);
    /* the same again in the request (rows of an import alike): counted */
    r = tu_make(d, &reg_incident, "title=Core down once more", "detected_at=2026-11-23T10:00:00Z",
                "owner=PER-2", "severity=high", NULL);
    assert_int_equal(dom_add(d, r, &out, &e), 0);
    w = dom_warnings(d, &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(w[0], "24 hours of detection (2 times in this request)"));
    tu_as(d, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_regime_sets_its_deadlines, setup, teardown),
        cmocka_unit_test_setup_teardown(an_incident_says_what_happened_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(its_owner_handles_it_and_the_lead_closes_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_dashboard_counts_incidents_and_the_reports_owed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_report_is_due_of_its_owner_until_made, setup, teardown),
        cmocka_unit_test_setup_teardown(a_review_lists_the_incidents_since_the_last, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_risk_holds_its_incidents_against_its_figures, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_serious_incident_not_classified_is_questioned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_years_loss_is_held_to_the_portfolio, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
