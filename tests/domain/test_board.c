/* Figures a board can act on (issue 15): a verdict against appetite for
 * every objective and the organisation, with its margin and a certainty
 * that says what it means and when it cannot be given; no stale figure
 * (input hashes); no silent gap (risks and value not quantified, controls
 * left out of the return on controls); control effectiveness that counts;
 * a ranking only of controls that pay for themselves; sensitivity that
 * adds up; the matrix and the money compared. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "domain/workflows/quantify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

static int setup(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record out;
    tu_clock();
    d = tu_create("board.isms", "board-test");
    tu_org(d, "name=Acme", "frequency_bands=0.05,0.2,1,4",
           "magnitude_bands=50000,250000,1000000,5000000", NULL);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", "value_at_stake=10000000",
                      NULL));
    tu_add(d,
           tu_make(d, &reg_objective, "title=Data", "owner=PER-1", "value_at_stake=5000000", NULL));
    tu_add(d, tu_make(d, &reg_objective, "title=Compliance", "owner=PER-1",
                      "value_at_stake=2000000", NULL));
    /* RISK-1: large, but its residual rated low on the matrix. RISK-2: small and
     * certain. RISK-3 and RISK-4: not quantified. */
    tu_add(d, tu_make(d, &reg_risk, "title=Ransomware", "owner=PER-2", "objectives=OBJ-1",
                      "likelihood=5", "impact=5", "residual_likelihood=1", "residual_impact=1",
                      "lef=pert(0.5,2,6)", "primary_loss=lognormal90(100000,10000000)", NULL));
    tu_add(d,
           tu_make(d, &reg_risk, "title=Typos", "owner=PER-2", "objectives=OBJ-2", "likelihood=4",
                   "impact=1", "lef=const(1)", "primary_loss=const(10000)", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Leak", "owner=PER-2", "objectives=OBJ-2", "likelihood=2",
                      "impact=4", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Finding", "owner=PER-2", "objectives=OBJ-3",
                      "likelihood=2", "impact=2", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2", "treats=RISK-1",
                      "status=operating", "effectiveness=effective", "acts_on=primary-loss",
                      "reduction=const(0.5)", "cost=50000", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=EDR", "owner=PER-2", "treats=RISK-1",
                      "status=operating", "effectiveness=effective", "acts_on=lef",
                      "reduction=const(0.4)", "cost=60000", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Insurance", "owner=PER-1", "treats=RISK-1",
                      "status=operating", "effectiveness=effective", "acts_on=transfer",
                      "deductible=1000000", "cover_limit=5000000", "cost=100000", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Policy", "owner=PER-2", "treats=RISK-1",
                      "status=operating", "cost=1000", NULL));
    tu_add(d,
           tu_make(d, &reg_control, "title=Training", "owner=PER-2", "treats=RISK-3",
                   "status=operating", "acts_on=lef", "reduction=const(0.3)", "cost=2000", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Free idea", "owner=PER-2", "treats=RISK-1",
                      "status=planned", "acts_on=lef", "reduction=const(0.1)", NULL));
    const char *org = tu_add(d, tu_make(d, &reg_appetite, "statement=Bank: 8m", "appetite=8000000",
                                        "tolerance=15000000", NULL));
    const char *pay =
        tu_add(d, tu_make(d, &reg_appetite, "objective=OBJ-1", "statement=Payments: 500k",
                          "appetite=500000", "tolerance=2000000", NULL));
    tu_as(d, "dana@x.example");
    if (dom_transition(d, &reg_appetite, org, "approve", &out, &e) ||
        dom_transition(d, &reg_appetite, pay, "approve", &out, &e))
        fail_msg("approve: %s", e.msg);
    tu_as(d, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

static void update(const regdef *reg, const char *key, record *changes)
{
    record out;
    isms_err e = { 0 };
    if (dom_update(d, reg, key, changes, 0, &out, NULL, &e))
        fail_msg("update %s: %s", key, e.msg);
}

static const group_quant *group(const portfolio_quant *p, const char *key)
{
    return TU_FIND(p->groups, p->ngroups, group_quant, key, key);
}

/* Point 1: a verdict for every objective and the organisation. */
static void every_objective_gets_a_verdict(void **state)
{
    (void)state;
    isms_err e = { 0 };
    quant_opts o = { .iterations = 20000, .seed = 1 };
    portfolio_quant p;
    tu_quantify_all(d, o, &p);
    /* OBJ-1: P95 of millions against 500k and a tolerance of 2m. */
    const group_quant *pay = group(&p, "OBJ-1");
    assert_int_equal(pay->judgement.verdict, QV_ABOVE_TOLERANCE);
    assert_true(pay->judgement.measure == pay->stats.var && pay->stats.var_level == 0.95);
    assert_true(fabs(pay->judgement.margin - (pay->judgement.measure - 2000000)) < 1e-6);
    assert_true(pay->certainty > 0 && pay->certainty < 1);
    assert_true(fabs(pay->certainty - (1 - pay->stats.p_above_tolerance)) < 1e-12);
    assert_false(pay->threshold.inherited);
    assert_int_equal(pay->judgement.unquantified, 0);
    /* OBJ-2 has no appetite of its own: the organisation's, said so; one
     * of its risks is not quantified, and the judgement says that too. */
    const group_quant *data = group(&p, "OBJ-2");
    assert_true(data->threshold.inherited);
    assert_int_equal(data->judgement.verdict, QV_WITHIN);
    assert_true(fabs(data->judgement.margin - (8000000 - data->judgement.measure)) < 1e-6);
    assert_int_equal(data->judgement.unquantified, 1);
    assert_true(data->certainty >= 0);
    /* OBJ-3: no quantified risk, so no certainty (not 100 %). */
    const group_quant *comp = group(&p, "OBJ-3");
    assert_int_equal(comp->judgement.verdict, QV_NOT_QUANTIFIED);
    assert_true(comp->certainty < 0);
    assert_int_equal(comp->judgement.unquantified, 1);
    /* The organisation is judged too, and what is missing is counted. */
    assert_int_equal(p.judgement.verdict, p.total.var <= 8000000 ? QV_WITHIN : QV_ABOVE_APPETITE);
    assert_int_equal(p.judgement.unquantified, 2);
    assert_int_equal(p.unmodelled, 2);
    assert_true(p.value_at_stake == 17000000 && p.value_unquantified == 7000000);
    char *json = dom_portfolio_json(&p);
    assert_contains(json,
                    "\"certainty_means\": \"the chance the year's loss stays within tolerance\"");
    assert_contains(json, "\"verdict\": \"not-quantified\"");
    assert_contains(json, "\"organisation_wide\": true");
    assert_contains(json, "\"value_at_stake_not_quantified\": 7000000");
    free(json);
    /* A risk is judged the same way. */
    risk_quant q;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_int_equal(q.judgement.verdict, QV_ABOVE_TOLERANCE);
    assert_true(q.outside_appetite);
}

static double current_mean(void)
{
    risk_quant q;
    tu_quantify(d, "RISK-1", (quant_opts){ .iterations = 8192, .seed = 2 }, &q);
    return q.current.stats.mean;
}

/* Point 4: an ineffective control reduces nothing now; a partly effective
 * one its partial_effect share (50 % unless set). */
static void effectiveness_counts(void **state)
{
    (void)state;
    isms_err e = { 0 };
    risk_quant q;
    tu_quantify(d, "RISK-1", (quant_opts){ .iterations = 8192, .seed = 2 }, &q);
    double effective = q.current.stats.mean, inherent = q.inherent.stats.mean;
    assert_true(effective < inherent);
    const char *three[] = { "CTL-1", "CTL-2", "CTL-3" };
    for (int k = 0; k < 3; k++)
        update(&reg_control, three[k], tu_make(d, &reg_control, "effectiveness=ineffective", NULL));
    assert_true(current_mean() == inherent);
    update(&reg_control, "CTL-2", tu_make(d, &reg_control, "effectiveness=effective", NULL));
    double edr = current_mean();
    update(&reg_control, "CTL-2",
           tu_make(d, &reg_control, "effectiveness=partially-effective", NULL));
    double half = current_mean();
    assert_true(edr < half && half < inherent);
    /* EDR removes 40 % of the events; half of it, 20 %: the mean scales so. */
    assert_true(fabs((inherent - half) / (inherent - edr) - 0.5) < 0.05);
    update(&reg_control, "CTL-2", tu_make(d, &reg_control, "partial_effect=100", NULL));
    assert_true(current_mean() == edr);
    for (int k = 0; k < 3; k++)
        update(&reg_control, three[k], tu_make(d, &reg_control, "effectiveness=effective", NULL));
    assert_true(current_mean() == effective);
    /* The dashboard counts what is not assessed (Policy, Training). */
    dom_dash s;
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_int_equal(s.not_assessed, 2);
    assert_int_equal(s.ineffective, 0);
}

static const quant_latest *latest(const char *subject)
{
    quant_latest *l;
    size_t n;
    isms_err e = { 0 };
    assert_int_equal(dom_latest_analyses(d, &l, &n, &e), 0);
    return TU_FIND(l, n, quant_latest, subject, subject);
}

/* Point 2: a figure whose inputs changed is stale, and says since when. */
static void figures_go_stale(void **state)
{
    (void)state;
    isms_err e = { 0 };
    quant_opts o = { .iterations = 4096, .seed = 3, .save = 1 };
    risk_quant q;
    returns_quant r;
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_int_equal(dom_control_returns(d, &o, &r, &e), 0);
    assert_non_null(q.inputs_hash);
    assert_int_equal(strlen(q.inputs_hash), 64);
    assert_false(latest("RISK-1")->fresh.stale);
    assert_false(latest("controls")->fresh.stale);
    /* A cost is no input of a risk's figures, but of the return on controls. */
    update(&reg_control, "CTL-1", tu_make(d, &reg_control, "cost=55000", NULL));
    assert_false(latest("RISK-1")->fresh.stale);
    assert_true(latest("controls")->fresh.stale);
    /* Retiring the insurance makes the risk's figures stale, since then. */
    record out;
    assert_int_equal(dom_retire(d, &reg_control, "CTL-3", &out, &e), 0);
    const quant_latest *l = latest("RISK-1");
    assert_true(l->fresh.stale);
    assert_string_equal(l->fresh.since, "2026-11-23T12:00:00Z");
    dom_dash s;
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_int_equal(s.nstale, 2);
    /* So does a new appetite; re-running makes them current again. */
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_false(latest("RISK-1")->fresh.stale);
    update(&reg_risk, "RISK-1", tu_make(d, &reg_risk, "lef=pert(0.5,2,7)", NULL));
    assert_true(latest("RISK-1")->fresh.stale);
    update(&reg_risk, "RISK-1", tu_make(d, &reg_risk, "lef=pert(0.5,2,6)", NULL));
    assert_false(latest("RISK-1")->fresh.stale); /* the inputs, not the version, count */
    const char *app =
        tu_add(d, tu_make(d, &reg_appetite, "objective=OBJ-1", "statement=Payments: 600k",
                          "appetite=600000", "tolerance=2000000", NULL));
    tu_as(d, "dana@x.example");
    assert_int_equal(dom_transition(d, &reg_appetite, app, "approve", &out, &e), 0);
    tu_as(d, NULL);
    assert_true(latest("RISK-1")->fresh.stale);
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_false(latest("RISK-1")->fresh.stale);
    /* A risk that loses its FAIR inputs leaves an analysis nothing can
     * re-run: stale for good, not counted among those to re-run. */
    o.save = 1;
    assert_int_equal(dom_risk_quantify(d, "RISK-2", &o, &q, &e), 0);
    update(&reg_risk, "RISK-2", tu_make(d, &reg_risk, "lef=", "primary_loss=", NULL));
    l = latest("RISK-2");
    assert_true(l->fresh.stale && l->fresh.orphan);
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    for (size_t k = 0; k < s.nstale; k++)
        assert_string_not_equal(s.stale[k].subject, "RISK-2");
    update(&reg_risk, "RISK-2",
           tu_make(d, &reg_risk, "lef=const(1)", "primary_loss=const(10000)", NULL));
    /* Put the insurance back for the tests that follow. */
    tu_add(d, tu_make(d, &reg_control, "title=Insurance", "owner=PER-1", "treats=RISK-1",
                      "status=operating", "effectiveness=effective", "acts_on=transfer",
                      "deductible=1000000", "cover_limit=5000000", "cost=100000", NULL));
}

/* Points 3 and 5: controls left out are listed, not dropped; only those
 * that pay for themselves are ranked, with the standard error. */
static void returns_say_what_they_leave_out(void **state)
{
    (void)state;
    isms_err e = { 0 };
    quant_opts o = { .iterations = 8192, .seed = 4 };
    returns_quant r;
    assert_int_equal(dom_control_returns(d, &o, &r, &e), 0);
    int policy = 0, training = 0;
    for (size_t k = 0; k < r.nleft_out; k++) {
        policy |=
            !strcmp(r.left_out[k].key, "CTL-4") && strstr(r.left_out[k].reason, "no effect stated");
        training |=
            !strcmp(r.left_out[k].key, "CTL-5") && strstr(r.left_out[k].reason, "not quantified");
    }
    assert_true(policy && training);
    for (size_t k = 0; k < r.n; k++) {
        const control_quant *c = &r.rows[k];
        assert_true(strcmp(c->key, "CTL-4") && strcmp(c->key, "CTL-5"));
        if (!strcmp(c->key, "CTL-6")) {
            assert_int_equal(c->value.worth, DECIDE_COST_UNKNOWN);
            assert_int_equal(c->value.rank, 0);
        }
        if (c->value.rank)
            assert_true(c->value.worth == DECIDE_JUSTIFIED && c->value.net_benefit > 0);
        if (c->value.worth == DECIDE_NOT_JUSTIFIED)
            assert_true(c->value.net_benefit <= 0 && !c->value.rank);
        assert_true(c->value.mean_reduction_se >= 0);
    }
    char *json = dom_returns_json(&r);
    assert_contains(json, "\"not_valued\"");
    assert_contains(json, "\"worth\": \"cost unknown\"");
    assert_contains(json, "mean_reduction_standard_error");
    free(json);
}

/* Point 6: the drivers add up to 100 %, none negative; every reported
 * percentile has its standard error. */
static void sensitivity_adds_up(void **state)
{
    (void)state;
    risk_quant q;
    tu_quantify(d, "RISK-1", (quant_opts){ .iterations = 8192, .seed = 5 }, &q);
    double sum = 0;
    for (size_t k = 0; k < q.nsensitivity; k++) {
        assert_true(q.sensitivity[k].variance_share >= 0);
        sum += q.sensitivity[k].variance_share;
    }
    assert_true(fabs(sum - 1) < 1e-9);
    assert_true(q.current.se.p95 > 0 && q.current.se.p99 > q.current.se.p50);
    assert_true(q.judgement.measure_se == q.current.se.var);
    char *json = dom_risk_quant_json(&q);
    assert_contains(json, "\"method\": \"variance decomposition");
    assert_contains(json, "\"standard_error\"");
    free(json);
}

/* Point 7: the matrix and the money are compared; the organisation may
 * have the cell derived from the figures. */
static void matrix_and_money_agree_or_say_why_not(void **state)
{
    (void)state;
    isms_err e = { 0 };
    quant_opts o = { .iterations = 8192, .seed = 6, .save = 1 };
    risk_quant q;
    tu_quantify(d, "RISK-1", o, &q);
    assert_int_equal(q.qual_likelihood, 1);
    assert_true(q.likelihood >= 1 && q.impact >= 1);
    assert_true(q.matrix_disagrees); /* low on the matrix, far more in money */
    dom_dash s;
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_int_equal(s.matrix_disagrees.n, 1);
    assert_string_equal(s.matrix_disagrees.keys[0], "RISK-1");
    record out, risk;
    assert_int_equal(dom_org_set(d, tu_make(d, &reg_org, "matrix_from_fair=yes", NULL), &out, &e),
                     0);
    assert_int_equal(dom_risk_quantify(d, "RISK-1", &o, &q, &e), 0);
    assert_true(q.matrix_derived && !q.matrix_disagrees);
    assert_int_equal(dom_get(d, &reg_risk, "RISK-1", &risk, &e), 0);
    assert_int_equal(record_int(&risk, F_RISK_RESIDUAL_LIKELIHOOD), q.likelihood);
    assert_int_equal(record_int(&risk, F_RISK_RESIDUAL_IMPACT), q.impact);
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_int_equal(s.matrix_disagrees.n, 0);
    assert_false(latest("RISK-1")->fresh.stale); /* the cell is no input of the figures */
}

TU_MAIN(setup, teardown, cmocka_unit_test(every_objective_gets_a_verdict),
        cmocka_unit_test(effectiveness_counts), cmocka_unit_test(figures_go_stale),
        cmocka_unit_test(returns_say_what_they_leave_out), cmocka_unit_test(sensitivity_adds_up),
        cmocka_unit_test(matrix_and_money_agree_or_say_why_not))
