/* Risks in money, through the domain: FAIR inputs and their checks,
 * appetite approved per objective, quantification against it, acceptance
 * by the authority a risk's size requires, returns on controls. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "store/store.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

static void add_fails(record *r, const char *field, const char *needle)
{
    record out;
    isms_err e = { 0 };
    assert_int_equal(dom_add(d, r, &out, &e), E_INVALID);
    assert_string_equal(e.field, field);
    assert_contains(e.msg, needle);
}

static int setup(void **state)
{
    (void)state;
    tu_clock();
    d = tu_create("quant.isms", "quant-test");
    tu_org(d, "name=Acme", "owner_accept_limit=100000", "lead_accept_limit=2000000",
           "frequency_bands=0.05,0.2,1,4", "magnitude_bands=50000,250000,1000000,5000000", NULL);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_person, "name=Lea", "email=lea@x.example", "roles=isms-lead", NULL));
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", NULL));
    tu_add(d, tu_make(d, &reg_objective, "title=Customer data", "owner=PER-1", NULL));
    /* RISK-1: quantified, large. RISK-2: small, qualitative only. */
    tu_add(d, tu_make(d, &reg_risk, "title=Ransomware", "owner=PER-2", "objectives=OBJ-1",
                      "likelihood=3", "impact=5", "lef=pert(0.5,2,6)",
                      "primary_loss=lognormal90(100000,10000000)", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Typo in a form", "owner=PER-2", "likelihood=1",
                      "impact=2", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2", "treats=RISK-1",
                      "status=operating", "acts_on=primary-loss", "reduction=pert(0.3,0.5,0.7)",
                      "cost=50000", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=EDR", "owner=PER-2", "treats=RISK-1",
                      "status=planned", "acts_on=lef", "reduction=const(0.4)", "cost=80000", NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

static void fair_inputs_are_checked(void **state)
{
    (void)state;
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=1", "impact=1",
                      "primary_loss=const(5)", NULL),
              "lef", "loss event frequency");
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=1", "impact=1",
                      "lef=const(1)", NULL),
              "primary_loss", "primary loss");
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=1", "impact=1",
                      "lef=const(1)", "tef=const(2)", "primary_loss=const(5)", NULL),
              "lef", "not both");
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=1", "impact=1",
                      "tef=const(2)", "primary_loss=const(5)", NULL),
              "vulnerability", "tef needs");
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=1", "impact=1",
                      "lef=const(1)", "primary_loss=const(5)", "secondary_loss=const(9)", NULL),
              "secondary_probability", "together");
    add_fails(tu_make(d, &reg_control, "title=x", "owner=PER-2", "acts_on=lef", NULL), "reduction",
              "how much");
    add_fails(tu_make(d, &reg_control, "title=x", "owner=PER-2", "reduction=const(0.5)", NULL),
              "acts_on", "factor");
    add_fails(tu_make(d, &reg_control, "title=x", "owner=PER-2", "acts_on=lef",
                      "reduction=uniform(0.5,1.5)", NULL),
              "reduction", "between 0 and 1");
    add_fails(tu_make(d, &reg_control, "title=x", "owner=PER-2", "deductible=1000", NULL),
              "deductible", "insurance");
    /* Bad distribution text is refused where it is typed, naming the field. */
    record *r = arena_alloc(dom_arena(d), sizeof *r);
    record_init(r, &reg_risk, dom_arena(d));
    isms_err e = { 0 };
    assert_int_equal(dom_set_text(d, r, field_index(&reg_risk, F_RISK_LEF), "pert(6,2,0.5)", &e),
                     E_INVALID);
    assert_contains(e.msg, "lef");
    err_clear(&e);
    assert_int_equal(
        dom_set_text(d, r, field_index(&reg_risk, F_RISK_PRIMARY_LOSS), "lognormal90(5,1)", &e),
        E_INVALID);
    err_clear(&e);
    /* Stored in canonical form. */
    assert_int_equal(
        dom_set_text(d, r, field_index(&reg_risk, F_RISK_LEF), "pert( 0.50, 2.0 , 6 )", &e), 0);
    assert_string_equal(record_text(r, F_RISK_LEF), "pert(0.5,2,6)");
}

static void quantify_is_reproducible_and_saved(void **state)
{
    (void)state;
    quant_opts o = { .iterations = 20000, .seed = 7, .save = 1 };
    risk_quant a, b;
    isms_err e = { 0 };
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &a, &e), 0);
    o.threads = 1;
    o.save = 0;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &b, &e), 0);
    /* Same seed, any thread count: the same figures, bit for bit. */
    assert_true(a.current.stats.mean == b.current.stats.mean);
    assert_true(a.current.stats.p95 == b.current.stats.p95);
    /* Implemented backups lower the loss; the proposed EDR lowers it more. */
    assert_true(a.current.stats.mean < a.inherent.stats.mean);
    assert_true(a.target.stats.mean < a.current.stats.mean);
    assert_true(fabs(a.target.frequency / a.current.frequency - 0.6) < 0.05);
    assert_false(a.threshold.set); /* nothing approved yet */
    assert_true(a.likelihood >= 1 && a.impact >= 1);
    assert_non_null(a.analysis);
    record an;
    assert_int_equal(dom_get(d, &reg_analysis, a.analysis, &an, &e), 0);
    assert_string_equal(record_text(&an, F_ANALYSIS_SEED), "7");
    assert_string_equal(record_text(&an, F_ANALYSIS_ENGINE), fair_engine_version);
    assert_contains(record_text(&an, F_ANALYSIS_INPUTS), "pert(0.5,2,6)");
    assert_int_equal(record_int(&an, F_ANALYSIS_P95_LOSS),
                     (int64_t)llround(a.current.stats.p95 * 100));
    o.seed = 8;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &b, &e), 0);
    assert_true(a.current.stats.mean != b.current.stats.mean);
    /* A risk without FAIR inputs says what it needs. */
    assert_int_equal(dom_risk_quantify(d, "RISK-2", &o, &b, &e), E_INVALID);
    assert_contains(e.msg, "give it lef");
}

static void appetite_is_approved_per_objective(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record out;
    const char *a1 =
        tu_add(d, tu_make(d, &reg_appetite, "objective=OBJ-1", "statement=Payments: 1m",
                          "appetite=1000000", "tolerance=3000000", NULL));
    const char *a2 = tu_add(d, tu_make(d, &reg_appetite, "objective=OBJ-1",
                                       "statement=Payments: 500k", "appetite=500000", NULL));
    const char *org =
        tu_add(d, tu_make(d, &reg_appetite, "statement=Bank: 10m", "appetite=10000000", NULL));
    record bad;
    record_init(&bad, &reg_appetite, dom_arena(d));
    assert_int_equal(
        dom_add(d, tu_make(d, &reg_appetite, "statement=x", "appetite=5", "tolerance=4", NULL),
                &bad, &e),
        E_INVALID);
    err_clear(&e);
    assert_int_equal(dom_transition(d, &reg_appetite, a1, "approve", &out, &e),
                     E_DENIED); /* the process */
    assert_contains(e.msg, "management-body");
    err_clear(&e);
    tu_as(d, "omar@x.example");
    assert_int_equal(dom_transition(d, &reg_appetite, a1, "approve", &out, &e), E_DENIED);
    assert_contains(e.msg, "management body");
    err_clear(&e);
    tu_as(d, "dana@x.example");
    assert_int_equal(dom_transition(d, &reg_appetite, a1, "approve", &out, &e), 0);
    assert_string_equal(record_text(&out, F_APPETITE_APPROVED_BY), "PER-1");
    assert_int_equal(dom_transition(d, &reg_appetite, org, "approve", &out, &e), 0);
    assert_int_equal(dom_transition(d, &reg_appetite, org, "approve", &out, &e),
                     E_CONFLICT); /* not a draft */
    err_clear(&e);
    record risk;
    quant_threshold t;
    assert_int_equal(dom_get(d, &reg_risk, "RISK-1", &risk, &e), 0);
    assert_int_equal(dom_risk_threshold(d, &risk, &t, &e), 0);
    assert_true(t.set);
    assert_true(t.appetite == 1000000.0 && t.tolerance == 3000000.0 && t.confidence == 95);
    assert_string_equal(t.source, a1);
    /* Approving a new appetite for the same objective supersedes the old one,
     * and leaves the organisation-wide one alone. */
    tu_as(d, "PER-1");
    assert_int_equal(dom_transition(d, &reg_appetite, a2, "approve", &out, &e), 0);
    assert_int_equal(dom_get(d, &reg_appetite, a1, &out, &e), 0);
    assert_string_equal(record_text(&out, F_APPETITE_STATUS), "superseded");
    assert_int_equal(dom_get(d, &reg_appetite, org, &out, &e), 0);
    assert_string_equal(record_text(&out, F_APPETITE_STATUS), "approved");
    assert_int_equal(dom_risk_threshold(d, &risk, &t, &e), 0);
    assert_true(t.appetite == 500000.0);
    tu_as(d, NULL);
}

static void acceptance_needs_the_authority_the_size_requires(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record out, risk;
    quant_opts o = { .iterations = 20000, .seed = 1, .save = 1 };
    risk_quant q;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_true(q.threshold.set);
    assert_true(q.outside_appetite); /* P95 of millions against an appetite of 500k */
    /* Only a person accepts; outside appetite, neither its owner nor the
     * ISMS lead may. */
    assert_int_equal(dom_risk_accept(d, "RISK-1", "cheap", NULL, &out, &e), E_DENIED);
    err_clear(&e);
    tu_as(d, "omar@x.example");
    assert_int_equal(dom_risk_accept(d, "RISK-1", "cheap", NULL, &out, &e), E_DENIED);
    assert_contains(e.msg, "management body");
    err_clear(&e);
    tu_as(d, "lea@x.example");
    assert_int_equal(dom_risk_accept(d, "RISK-1", "cheap", NULL, &out, &e), E_DENIED);
    err_clear(&e);
    tu_as(d, "dana@x.example");
    assert_int_equal(dom_risk_accept(d, "RISK-1", "Board decision 2026-11", "2027-03-31", &out, &e),
                     0);
    assert_string_equal(record_text(&out, F_ACCEPTANCE_ACCEPTED_BY), "PER-1");
    assert_contains(record_text(&out, F_ACCEPTANCE_BASIS), "outside appetite");
    assert_string_equal(record_text(&out, F_ACCEPTANCE_EXPIRES_ON), "2027-03-31");
    assert_int_equal(dom_get(d, &reg_risk, "RISK-1", &risk, &e), 0);
    assert_string_equal(record_text(&risk, F_RISK_TREATMENT), "accept");
    /* A small qualitative risk: its owner may accept it, for a year by default. */
    tu_as(d, "omar@x.example");
    assert_int_equal(dom_risk_accept(d, "RISK-2", "negligible", NULL, &out, &e), 0);
    assert_string_equal(record_text(&out, F_ACCEPTANCE_EXPIRES_ON), "2027-11-23");
    assert_contains(record_text(&out, F_ACCEPTANCE_BASIS), "not quantified");
    /* Expiry in the past, or more than three years away, is refused. */
    assert_int_equal(dom_risk_accept(d, "RISK-2", "x", "2026-01-01", &out, &e), E_INVALID);
    err_clear(&e);
    assert_int_equal(dom_risk_accept(d, "RISK-2", "x", "2031-01-01", &out, &e), E_INVALID);
    err_clear(&e);
    assert_int_equal(dom_risk_accept(d, "RISK-2", "", NULL, &out, &e), E_INVALID);
    tu_as(d, NULL);
}

static void portfolio_and_returns(void **state)
{
    (void)state;
    isms_err e = { 0 };
    quant_opts o = { .iterations = 20000, .seed = 3, .save = 1 };
    portfolio_quant p;
    tu_quantify_all(d, o, &p);
    assert_int_equal(p.modelled, 1);
    assert_int_equal(p.unmodelled, 1);
    assert_int_equal(p.ngroups, 1);
    assert_string_equal(p.groups[0].key, "OBJ-1");
    assert_true(p.groups[0].certainty >= 0 && p.groups[0].certainty <= 1);
    assert_true(p.certainty >= 0 && p.certainty <= 1); /* organisation-wide appetite approved */
    returns_quant r;
    assert_int_equal(dom_control_returns(d, &o, &r, &e), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.rows[0].key, "CTL-2"); /* the proposed one, ranked first */
    assert_int_equal(r.rows[0].value.rank, 1);
    assert_false(r.rows[0].value.implemented);
    assert_true(r.rows[0].value.mean_reduction > 0);
    assert_true(fabs(r.rows[0].value.roi - (r.rows[0].value.mean_reduction - 80000) / 80000) <
                1e-9);
    assert_non_null(r.analysis);
}

/* The engine's last progress report: the simulation is done, its
 * figures not yet computed; it cancels there. */
static void cancel_at_the_end(void *ctx, uint64_t done, uint64_t total)
{
    if (done >= total)
        *(volatile sig_atomic_t *)ctx = 1;
}

static int64_t analyses_now(void)
{
    int64_t n;
    isms_err e = { 0 };
    assert_int_equal(store_count(dom_store(d), &reg_analysis, &(store_query){ 0 }, &n, &e), 0);
    return n;
}

/* A run cancelled once its simulation is done, while its figures are
 * computed, saves nothing either (a risk, the portfolio, the return on
 * controls): the statistics stop at the flag, and the save looks at it
 * again before it writes (quant_save_analysis). */
static void cancelled_after_the_simulation_saves_nothing(void **state)
{
    (void)state;
    volatile sig_atomic_t stop = 0;
    quant_opts o = { .iterations = 5000,
                     .seed = 4,
                     .save = 1,
                     .threads = 1,
                     .progress = cancel_at_the_end,
                     .progress_ctx = (void *)&stop,
                     .cancel = &stop };
    int64_t before = analyses_now();
    isms_err e = { 0 };
    risk_quant q;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), E_INTERRUPTED);
    stop = 0;
    portfolio_quant p;
    memset(&e, 0, sizeof e);
    assert_int_equal(dom_portfolio_quantify(d, &o, 1, &p, &e), E_INTERRUPTED);
    stop = 0;
    returns_quant r;
    memset(&e, 0, sizeof e);
    assert_int_equal(dom_control_returns(d, &o, &r, &e), E_INTERRUPTED);
    assert_int_equal(analyses_now(), before);
    /* not cancelled: saved */
    o.progress = NULL;
    stop = 0;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_int_equal(analyses_now(), before + 1);
}

/* Each risk's latest analysis read alone (what a show asks) is the one,
 * and as fresh or stale, as when all of them are read (what a list asks):
 * while current, after a change to its control, and after a retirement. */
static void one_risk_latest_is_the_whole_reads(int risk1_stale)
{
    quant_latest *all;
    size_t n;
    isms_err e = { 0 };
    assert_int_equal(dom_latest_analyses(d, &all, &n, &e), 0);
    const char *risks[] = { "RISK-1", "RISK-2" };
    for (int k = 0; k < 2; k++) {
        record r;
        assert_int_equal(dom_get(d, &reg_risk, risks[k], &r, &e), 0);
        const quant_latest *want = NULL;
        for (size_t i = 0; i < n; i++)
            if (!strcmp(all[i].kind, "risk") && !strcmp(all[i].subject, risks[k]))
                want = &all[i];
        quant_latest one;
        int found;
        assert_int_equal(dom_latest_analysis_of(d, &r, &one, &found, &e), 0);
        assert_int_equal(found, want != NULL);
        if (!want)
            continue;
        assert_string_equal(one.key, want->key);
        assert_int_equal(one.fresh.stale, risk1_stale);
        assert_int_equal(one.fresh.stale, want->fresh.stale);
        assert_int_equal(one.fresh.orphan, want->fresh.orphan);
        assert_int_equal(one.fresh.unknown, want->fresh.unknown);
        assert_true((!one.fresh.since && !want->fresh.since) ||
                    !strcmp(one.fresh.since, want->fresh.since));
    }
}

static void one_risk_latest_by_index(void **state)
{
    (void)state;
    isms_err e = { 0 };
    risk_quant q;
    tu_quantify(d, "RISK-1", (quant_opts){ .iterations = 2000, .seed = 5, .save = 1 }, &q);
    one_risk_latest_is_the_whole_reads(0); /* current */
    record ch, out;
    ch = *tu_make(d, &reg_control, "reduction=const(0.2)", NULL);
    setenv("ISMS_NOW", "2026-11-24T12:00:00Z", 1);
    assert_int_equal(dom_update(d, &reg_control, "CTL-2", &ch, 0, &out, NULL, &e), 0);
    one_risk_latest_is_the_whole_reads(1); /* stale since the change */
    setenv("ISMS_NOW", "2026-11-25T12:00:00Z", 1);
    assert_int_equal(dom_retire(d, &reg_control, "CTL-1", &out, &e), 0);
    one_risk_latest_is_the_whole_reads(1); /* stale since the retirement */
    setenv("ISMS_NOW", "2026-11-23T12:00:00Z", 1);
}

/* A portfolio names the first risks it leaves out, in id order, and
 * counts them all: its output and saved analysis stay small at any size. */
static void a_portfolio_names_the_first_risks_it_leaves_out(void **state)
{
    (void)state;
    quant_opts o = { .iterations = 1000, .seed = 3 };
    portfolio_quant p;
    tu_quantify_all(d, o, &p);
    size_t before = p.unmodelled, obj1 = p.groups[0].judgement.unquantified;
    assert_string_equal(p.groups[0].key, "OBJ-1");
    isms_err e = { 0 };
    /* inside a write whose figures wait for its commit: every risk read */
    assert_int_equal(dom_txn_begin(d, &e), 0);
    for (int i = 0; i < QUANT_GAP_KEYS_LISTED + 10; i++)
        tu_add(d, tu_make(d, &reg_risk, "title=Not yet quantified", "owner=PER-2",
                          "objectives=OBJ-1", "likelihood=2", "impact=2", NULL));
    portfolio_quant in;
    tu_quantify_all(d, o, &in);
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    /* after it: the quantified read, the others counted by the kept figures */
    tu_quantify_all(d, o, &p);
    assert_int_equal(p.unmodelled, before + QUANT_GAP_KEYS_LISTED + 10);
    assert_int_equal(in.unmodelled, p.unmodelled);
    assert_int_equal(p.groups[0].judgement.unquantified, obj1 + QUANT_GAP_KEYS_LISTED + 10);
    assert_int_equal(in.groups[0].judgement.unquantified, p.groups[0].judgement.unquantified);
    assert_true(in.total.mean == p.total.mean);
    assert_string_equal(in.inputs_hash, p.inputs_hash);
    for (size_t k = 0; k < QUANT_GAP_KEYS_LISTED; k++)
        assert_string_equal(in.unmodelled_keys[k], p.unmodelled_keys[k]);
    assert_int_equal(p.unmodelled_listed, QUANT_GAP_KEYS_LISTED);
    assert_string_equal(p.unmodelled_keys[0], "RISK-2");
    for (size_t k = 1; k < p.unmodelled_listed; k++)
        assert_true(atoi(p.unmodelled_keys[k] + 5) > atoi(p.unmodelled_keys[k - 1] + 5));
    char *text = dom_portfolio_json(&p);
    json_t *j = json_loads(text, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(j, "risks_not_quantified")),
                     QUANT_GAP_KEYS_LISTED);
    assert_int_equal(json_integer_value(json_object_get(j, "risks_not_modelled")), p.unmodelled);
    json_decref(j);
    free(text);
}

TU_MAIN(setup, teardown, cmocka_unit_test(fair_inputs_are_checked),
        cmocka_unit_test(quantify_is_reproducible_and_saved),
        cmocka_unit_test(appetite_is_approved_per_objective),
        cmocka_unit_test(acceptance_needs_the_authority_the_size_requires),
        cmocka_unit_test(portfolio_and_returns),
        cmocka_unit_test(cancelled_after_the_simulation_saves_nothing),
        cmocka_unit_test(one_risk_latest_by_index),
        cmocka_unit_test(a_portfolio_names_the_first_risks_it_leaves_out))
