/* The management review and the decision register. A review's inputs are
 * assembled by isms from the data (what changed since the last review
 * among them), it is held only on them, by its owner, and its minutes are
 * approved by a member of the body who did not make it. A decision: what
 * each kind must say, who may
 * record a decision as taken (a member of the management body, not the
 * one who proposed it) and who may say it was carried out (its owner, or
 * the ISMS lead); a decision taken no longer changes; the dashboard's
 * figures (kept as records are written, and counted again) and a
 * person's work (a decision carried out is no longer due). */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
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
    snprintf(name, sizeof name, "governance%d.isms", ++made); /* a repository a test */
    tu_clock();                                               /* today is 2026-11-23 */
    d = tu_create(name, "decisions-test");
    tu_add_people(d); /* PER-1 Dana (management body), PER-2 Omar (risk owner) */
    tu_add(d, tu_make(d, &reg_person, "name=Lea", "email=lea@x.example", "roles=isms-lead", NULL));
    tu_add(d, tu_make(d, &reg_person, "name=Bea", "email=bea@x.example", "roles=management-body",
                      NULL));
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Ransomware", "owner=PER-2", "objectives=OBJ-1",
                      "likelihood=3", "impact=4", NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

/* Sets field `name` of r from user text, when there is one. */
static void set(record *r, const char *name, const char *text)
{
    isms_err e = { 0 };
    if (text && dom_set_text(d, r, regdef_field(r->reg, name), text, &e))
        fail_msg("%s: %s", name, e.msg);
}

/* Proposes a decision on RISK-1 as the ISMS lead: its key. */
static const char *propose(const char *title, const char *kind, const char *amount, const char *due)
{
    tu_as(d, "lea@x.example");
    record *r = tu_make(d, &reg_decision, "proposal=as the lead proposes", "owner=PER-2",
                        "risks=RISK-1", NULL);
    set(r, "title", title);
    set(r, "kind", kind);
    set(r, "amount", amount);
    set(r, "due_date", due);
    const char *key = tu_add(d, r);
    tu_as(d, NULL);
    return key;
}

/* Verb `verb` of a record of reg, acting as `who`: a transition, or a
 * review's inputs. */
static int act_on(const regdef *reg, const char *who, const char *key, const char *verb,
                  isms_err *e)
{
    tu_as(d, who);
    record out;
    int rc = reg == &reg_review && !strcmp(verb, "inputs")
                 ? dom_review_inputs(d, key, &out, e)
                 : dom_transition(d, reg, key, verb, &out, e);
    tu_as(d, NULL);
    return rc;
}

static int act(const char *who, const char *key, const char *verb, isms_err *e)
{
    return act_on(&reg_decision, who, key, verb, e);
}

static void refused(record *r, const char *field, const char *says)
{
    tu_add_refused(d, r, E_INVALID, field, says);
}

static void each_kind_says_what_it_must(void **state)
{
    (void)state;
    refused(
        tu_make(d, &reg_decision, "title=Fund EDR", "kind=fund", "proposal=p", "owner=PER-2", NULL),
        "amount", "says how much");
    refused(tu_make(d, &reg_decision, "title=Carry it", "kind=accept", "proposal=p", "owner=PER-2",
                    NULL),
            "risks", "names them");
    refused(tu_make(d, &reg_decision, "title=Not now", "kind=defer", "amount=5000", "proposal=p",
                    "owner=PER-2", NULL),
            "amount", "allocates no money");
    refused(tu_make(d, &reg_decision, "title=No", "kind=decline", "amount=1", "proposal=p",
                    "owner=PER-2", NULL),
            "amount", "decline allocates no money");
    /* as they must, they are taken */
    tu_add(d, tu_make(d, &reg_decision, "title=Carry it", "kind=accept", "risks=RISK-1",
                      "proposal=p", "owner=PER-2", NULL));
}

static void the_body_decides_with_four_eyes_and_the_decision_is_frozen(void **state)
{
    (void)state;
    const char *key = propose("Fund EDR", "fund", "250000", "2027-03-31");
    isms_err e = { 0 };
    /* a risk owner is not of the body */
    assert_int_equal(act("omar@x.example", key, "decide", &e), E_DENIED);
    assert_non_null(strstr(e.msg, "management-body"));
    /* a member of the body who proposed it may not also decide it */
    tu_as(d, "bea@x.example");
    const char *own = tu_add(d, tu_make(d, &reg_decision, "title=Bea's", "kind=direct",
                                        "proposal=p", "owner=PER-4", NULL));
    err_clear(&e);
    assert_int_equal(act("bea@x.example", own, "decide", &e), E_DENIED);
    assert_non_null(strstr(e.msg, "four eyes"));
    /* another member may */
    err_clear(&e);
    assert_int_equal(act("dana@x.example", key, "decide", &e), 0);
    record r;
    assert_int_equal(dom_get(d, &reg_decision, key, &r, &e), 0);
    assert_string_equal(record_text(&r, F_DECISION_STATUS), "decided");
    assert_string_equal(record_cval(&r, F_DECISION_DECIDED_BY)->s, "PER-1");
    assert_string_equal(record_text(&r, F_DECISION_DECIDED_AT), "2026-11-23T12:00:00Z");
    /* what was decided stays as it was minuted, even for the lead */
    tu_as(d, "lea@x.example");
    record *change = tu_make(d, &reg_decision, "amount=300000", NULL);
    record out;
    assert_int_equal(dom_update(d, &reg_decision, key, change, 0, &out, NULL, &e), E_CONFLICT);
    tu_as(d, NULL);
    assert_int_equal(dom_get(d, &reg_decision, key, &r, &e), 0);
    assert_int_equal(record_int(&r, F_DECISION_AMOUNT), 25000000);
    tu_verified(d);
}

static void only_its_owner_or_the_lead_says_it_was_carried_out(void **state)
{
    (void)state;
    const char *key = propose("Fund MFA", "fund", "100000", "2026-11-01");
    isms_err e = { 0 };
    /* not before it is decided */
    assert_int_equal(act("omar@x.example", key, "complete", &e), E_CONFLICT);
    assert_int_equal(act("dana@x.example", key, "decide", &e), 0);
    /* Dana decided it but does not own it */
    err_clear(&e);
    assert_int_equal(act("dana@x.example", key, "complete", &e), E_DENIED);
    assert_string_equal(e.field, "owner");
    err_clear(&e);
    assert_int_equal(act("omar@x.example", key, "complete", &e), 0);
    record r;
    assert_int_equal(dom_get(d, &reg_decision, key, &r, &e), 0);
    assert_string_equal(record_text(&r, F_DECISION_STATUS), "carried-out");
    assert_string_equal(record_text(&r, F_DECISION_CARRIED_OUT_AT), "2026-11-23T12:00:00Z");
    /* and the lead may, for another */
    const char *other = propose("Fund DLP", "fund", "55000", NULL);
    assert_int_equal(act("bea@x.example", other, "decide", &e), 0);
    assert_int_equal(act("lea@x.example", other, "complete", &e), 0);
}

/* The dashboard's decision figures, kept and counted again, agree with
 * what the records say. */
static void the_dashboard_counts_decisions(void **state)
{
    (void)state;
    isms_err e = { 0 };
    /* DEC-a proposed; DEC-b decided, overdue; DEC-c decided, resting on no
     * risk; DEC-d carried out; a retired one counts for nothing */
    const char *proposed = propose("Fund SIEM", "fund", "80000", "2027-01-31");
    const char *late = propose("Fund backups", "fund", "40000", "2026-11-01");
    assert_int_equal(act("dana@x.example", late, "decide", &e), 0);
    tu_as(d, "lea@x.example");
    const char *bare = tu_add(d, tu_make(d, &reg_decision, "title=Direct a review", "kind=direct",
                                         "proposal=p", "owner=PER-2", "due_date=2026-11-02", NULL));
    tu_as(d, NULL);
    assert_int_equal(act("dana@x.example", bare, "decide", &e), 0);
    const char *done = propose("Fund training", "fund", "15000", "2026-10-01");
    assert_int_equal(act("dana@x.example", done, "decide", &e), 0);
    assert_int_equal(act("omar@x.example", done, "complete", &e), 0);
    const char *gone = propose("Fund nothing", "fund", "1000", NULL);
    record out;
    assert_int_equal(dom_retire(d, &reg_decision, gone, &out, &e), 0);

    /* one taken more than a year ago (the clock moved back for it) */
    const char *old = propose("Fund the old firewall", "fund", "7000", NULL);
    setenv("ISMS_NOW", "2025-11-22T12:00:00Z", 1);
    assert_int_equal(act("dana@x.example", old, "decide", &e), 0);
    tu_clock();

    dom_dash kept, counted;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    for (int k = 0; k < 2; k++) {
        const dom_dash *s = k ? &counted : &kept;
        assert_int_equal(s->decisions[0], 1);
        assert_int_equal(s->decisions[1], 3);
        assert_int_equal(s->decisions[2], 1);
        assert_int_equal(s->decided_amount, (40000 + 15000 + 7000) * 100);
        assert_int_equal(s->decisions_on_risk, 3); /* the direct one names no risk */
        assert_int_equal(s->amount_on_risk, (40000 + 15000 + 7000) * 100);
        assert_int_equal(s->decisions_overdue, 2); /* carried out: no longer late */
        assert_int_equal(s->taken_last_year, 3);   /* not the one of 2025-11-22 */
        assert_int_equal(s->awaiting_decision.total, 1);
        assert_int_equal(s->awaiting_decision.n, 1);
        assert_string_equal(s->awaiting_decision.keys[0], proposed);
    }
    tu_verified(d);
}

/* Whether risk information reaches those who spend: the risk owners who
 * hold a budget, the controls tied to a risk; kept as records are written
 * and counted again alike. */
static void the_dashboard_says_who_owns_risks_with_a_budget(void **state)
{
    (void)state;
    isms_err e = { 0 };
    /* RISK-1 is Omar's, who has no budget; Dana, who has one, takes one */
    tu_add(d, tu_make(d, &reg_person, "name=Bo", "email=bo@x.example", "roles=risk-owner",
                      "budget_authority=0", NULL));
    record *budget = tu_make(d, &reg_person, "budget_authority=500000", NULL);
    record out;
    assert_int_equal(dom_update(d, &reg_person, "PER-1", budget, 0, &out, NULL, &e), 0);
    tu_add(d,
           tu_make(d, &reg_risk, "title=Fraud", "owner=PER-1", "likelihood=2", "impact=2", NULL));
    tu_add(d,
           tu_make(d, &reg_risk, "title=Typos", "owner=PER-2", "likelihood=1", "impact=1", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=EDR", "owner=PER-2", "treats=RISK-1", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Posters", "owner=PER-2", NULL));
    const char *moved =
        tu_add(d, tu_make(d, &reg_control, "title=Policy", "owner=PER-2", "treats=RISK-2", NULL));
    record *unlinked = tu_make(d, &reg_control, "treats=", NULL);
    assert_int_equal(dom_update(d, &reg_control, moved, unlinked, 0, &out, NULL, &e), 0);
    dom_dash kept, counted;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    for (int k = 0; k < 2; k++) {
        const dom_dash *s = k ? &counted : &kept;
        assert_int_equal(s->risk_owners, 2); /* Omar (two risks), Dana; not Bo */
        assert_int_equal(s->owners_with_budget, 1);
        assert_int_equal(s->controls_without_risk, 2);
        assert_int_equal(s->risks - s->no_objective, 1);
    }
    tu_verified(d);
}

/* A decision shows the figures of the analysis it cites as they were
 * saved (what the body saw), and whether they still hold. */
static void a_decision_shows_the_figures_it_cites_and_their_freshness(void **state)
{
    (void)state;
    isms_err e = { 0 };
    tu_add(d, tu_make(d, &reg_risk, "title=Ransomware in money", "owner=PER-2", "likelihood=3",
                      "impact=4", "lef=pert(0.5,1,2)", "primary_loss=lognormal90(100000,2000000)",
                      NULL));
    risk_quant q;
    tu_quantify(d, "RISK-2", (quant_opts){ .iterations = 4096, .seed = 5, .save = 1 }, &q);
    assert_non_null(q.analysis);
    const char *key = propose("Fund backups", "fund", "50000", NULL);
    record *cite = tu_make(d, &reg_decision, NULL);
    set(cite, "analysis", q.analysis);
    record r, analysis;
    assert_int_equal(dom_update(d, &reg_decision, key, cite, 0, &r, NULL, &e), 0);
    assert_int_equal(dom_get(d, &reg_analysis, q.analysis, &analysis, &e), 0);
    int n;
    const derived_def *defs = derived_defs(&reg_decision, &n);
    assert_int_equal(n, 4);
    value v[4];
    derive_cache *c = derive_cache_new(d);
    assert_int_equal(derive_record(c, &r, v, &e), 0);
    assert_string_equal(defs[0].field.name, "p95_loss");
    assert_int_equal(v[0].i, record_int(&analysis, F_ANALYSIS_P95_LOSS));
    assert_string_equal(v[1].s, record_text(&analysis, F_ANALYSIS_VERDICT));
    assert_string_equal(v[2].s, analysis.created_at);
    assert_string_equal(v[3].s, "current");
    derive_cache_free(c);
    /* the risk's inputs change: the figures the body saw are stale now */
    record *worse = tu_make(d, &reg_risk, "lef=pert(1,2,4)", NULL);
    assert_int_equal(dom_update(d, &reg_risk, "RISK-2", worse, 0, &r, NULL, &e), 0);
    assert_int_equal(dom_get(d, &reg_decision, key, &r, &e), 0);
    c = derive_cache_new(d);
    assert_int_equal(derive_record(c, &r, v, &e), 0);
    assert_non_null(strstr(v[3].s, "STALE since"));
    assert_int_equal(v[0].i, record_int(&analysis, F_ANALYSIS_P95_LOSS)); /* as saved */
    derive_cache_free(c);
    /* a decision citing nothing has none */
    const char *bare = propose("Fund nothing cited", "fund", "1", NULL);
    assert_int_equal(dom_get(d, &reg_decision, bare, &r, &e), 0);
    c = derive_cache_new(d);
    assert_int_equal(derive_record(c, &r, v, &e), 0);
    for (int k = 0; k < n; k++)
        assert_true(v[k].null);
    derive_cache_free(c);
}

/* A planned review as the lead (PER-3) prepares it: its key. */
static const char *plan_review(const char *title, const char *held_on)
{
    tu_as(d, "lea@x.example");
    record *r = tu_make(d, &reg_review, "owner=PER-3", "attendees=PER-1,PER-4", NULL);
    set(r, "title", title);
    set(r, "held_on", held_on);
    const char *key = tu_add(d, r);
    tu_as(d, NULL);
    return key;
}

static int review_act(const char *who, const char *key, const char *verb, isms_err *e)
{
    return act_on(&reg_review, who, key, verb, e);
}

static const char *inputs_of(const char *key)
{
    record r;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_review, key, &r, &e), 0);
    const char *text = record_text(&r, F_REVIEW_INPUTS);
    assert_non_null(text);
    return text;
}

/* Held only on the inputs isms assembled, by its owner; approved by a
 * member of the body who did not make it, then frozen. */
static void a_review_is_held_on_the_inputs_isms_assembled(void **state)
{
    (void)state;
    isms_err e = { 0 };
    const char *late = propose("Fund backups", "fund", "40000", "2026-11-01");
    assert_int_equal(act("dana@x.example", late, "decide", &e), 0);
    const char *key = plan_review("Management review Q4", "2026-11-30");
    assert_int_equal(review_act("lea@x.example", key, "hold", &e), E_CONFLICT);
    assert_string_equal(e.field, "inputs");
    err_clear(&e);
    assert_int_equal(review_act("omar@x.example", key, "inputs", &e), E_DENIED);
    err_clear(&e);
    assert_int_equal(review_act("lea@x.example", key, "inputs", &e), 0);
    const char *text = inputs_of(key);
    assert_non_null(strstr(text, "(ISO/IEC 27001 Cl. 9.3.2), assembled by isms at "
                                 "2026-11-23T12:00:00Z"));
    assert_non_null(strstr(text, "Decisions decided and not yet carried out: 1, 1 of them past "
                                 "their due date: DEC-1."));
    assert_non_null(strstr(text, "(no review before this one: all of them)"));
    assert_non_null(strstr(text, "Active risks: 1;"));
    assert_non_null(strstr(text, "Risks tied to a business objective: 1 of 1."));
    record r;
    assert_int_equal(dom_get(d, &reg_review, key, &r, &e), 0);
    assert_string_equal(record_text(&r, F_REVIEW_INPUTS_AT), "2026-11-23T12:00:00Z");
    assert_int_equal(review_act("lea@x.example", key, "hold", &e), 0);
    assert_int_equal(review_act("lea@x.example", key, "inputs", &e), E_CONFLICT); /* held on them */
    err_clear(&e);
    assert_int_equal(review_act("lea@x.example", key, "approve", &e), E_DENIED);
    err_clear(&e);
    assert_int_equal(review_act("dana@x.example", key, "approve", &e), 0);
    assert_int_equal(dom_get(d, &reg_review, key, &r, &e), 0);
    assert_string_equal(record_text(&r, F_REVIEW_STATUS), "approved");
    assert_string_equal(record_cval(&r, F_REVIEW_APPROVED_BY)->s, "PER-1");
    tu_as(d, "lea@x.example");
    record *minutes = tu_make(d, &reg_review, "minutes=rewritten", NULL);
    record out;
    assert_int_equal(dom_update(d, &reg_review, key, minutes, 0, &out, NULL, &e), E_CONFLICT);
    tu_as(d, NULL);
    tu_verified(d);
}

/* The next review's inputs name what changed since the one before it. */
static void the_next_review_lists_what_changed_since_the_last(void **state)
{
    (void)state;
    isms_err e = { 0 };
    setenv("ISMS_NOW", "2026-05-04T09:00:00Z", 1);
    tu_add(d, tu_make(d, &reg_context, "title=Old news", "kind=external", NULL));
    const char *first = plan_review("Management review Q2", "2026-06-30");
    assert_int_equal(review_act("lea@x.example", first, "inputs", &e), 0);
    assert_int_equal(review_act("lea@x.example", first, "hold", &e), 0);
    tu_clock();
    tu_add(d, tu_make(d, &reg_context, "title=New regulation", "kind=external", NULL));
    tu_add(d, tu_make(d, &reg_stakeholder, "name=New supervisor", "type=supervisor", NULL));
    const char *next = plan_review("Management review Q4", "2026-12-15");
    /* the cadence: one held in the last 365 days (the planned one is not) */
    dom_dash kept, counted;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &counted, &e), 0);
    for (int k = 0; k < 2; k++) {
        const dom_dash *s = k ? &counted : &kept;
        assert_int_equal(s->reviews_last_year, 1);
        assert_string_equal(s->last_review, "2026-06-30");
    }
    assert_int_equal(review_act("lea@x.example", next, "inputs", &e), 0);
    const char *text = inputs_of(next);
    assert_non_null(strstr(text, "b) Changes in external and internal issues since 2026-06-30 "
                                 "(REV-1)\n  CTX-2 New regulation, changed 2026-11-23\n\n"));
    assert_null(strstr(text, "Old news"));
    assert_non_null(strstr(text, "STK-1 New supervisor"));
    assert_non_null(strstr(text, "Management reviews held in them: 1, the latest on 2026-06-30."));
    assert_non_null(strstr(text, "  Responsibility gaps (roles nobody holds, owners without the "
                                 "role or a budget; isms person matrix): "));
}

/* An upgrade to the schema of the decisions counts the kept figures
 * again: those it did not keep before (risk owners, controls tied to no
 * risk) appear as the records say. */
static void an_upgrade_counts_the_figures_it_brings(void **state)
{
    (void)state;
    const char *old = tu_repo("before-decisions.isms");
    isms_err e = { 0 };
    dom *was = d;
    setenv("ISMS_MIGRATE_UNTIL", "20", 1);
    if (dom_create(old, &(principal){ .actor = "decisions-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_risk, "title=Leak", "owner=PER-2", "likelihood=2", "impact=2", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Posters", "owner=PER-2", NULL));
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    /* as the isms of schema 20 kept them: without those figures */
    tu_sql(old, "DELETE FROM tally WHERE name LIKE 'owner.%' OR name = 'control.no_risk'");
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 20);
    dom_dash kept;
    assert_int_equal(dom_dashboard(d, &kept, &e), 0);
    assert_int_equal(kept.risk_owners, 1);
    assert_int_equal(kept.controls_without_risk, 1);
    tu_verified(d);
    dom_close(d);
    d = was;
}

/* A person's work lists a decision they carry out while it is open; once
 * carried out it is no longer due, and the member who decided it is not
 * the one it is due of. */
static void a_decision_is_due_of_its_owner_until_carried_out(void **state)
{
    (void)state;
    isms_err e = { 0 };
    const char *key = propose("Fund EDR", "fund", "1000", "2026-11-20");
    assert_int_equal(act("dana@x.example", key, "decide", &e), 0);
    tu_due_is(d, "PER-2", "2026-12-23", key, "2026-11-20");
    tu_due_is(d, "PER-1", "2026-12-23", NULL, NULL);
    assert_int_equal(act("omar@x.example", key, "complete", &e), 0);
    tu_due_is(d, "PER-2", "2026-12-23", NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(each_kind_says_what_it_must, setup, teardown),
        cmocka_unit_test_setup_teardown(the_body_decides_with_four_eyes_and_the_decision_is_frozen,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(only_its_owner_or_the_lead_says_it_was_carried_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_dashboard_counts_decisions, setup, teardown),
        cmocka_unit_test_setup_teardown(a_decision_is_due_of_its_owner_until_carried_out, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_dashboard_says_who_owns_risks_with_a_budget, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_decision_shows_the_figures_it_cites_and_their_freshness,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(an_upgrade_counts_the_figures_it_brings, setup, teardown),
        cmocka_unit_test_setup_teardown(a_review_is_held_on_the_inputs_isms_assembled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_next_review_lists_what_changed_since_the_last, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
