/* Decision support: return on controls against worked figures, the
 * "fund these first" order, insurance in the tail, and sensitivity. */
#include "support/testutil.h"
#include "risk/mc.h"
#include "risk/decide.h"

#include <stdlib.h>

static const fair_control controls[] = {
    { .name = "MFA", .annual_cost = 300, .implemented = 1, .stream_id = 1 },
    { .name = "training", .annual_cost = 100, .implemented = 0, .stream_id = 2 },
    { .name = "DLP", .annual_cost = 1000, .implemented = 0, .stream_id = 3 },
    { .name = "policy",
      .annual_cost = 50,
      .implemented = 0,
      .stream_id = 4,
      .deductible = 1500,
      .limit = 1e9,
      .cover = FAIR_COVER_ANNUAL },
};

/* Values the controls of the portfolio of one risk `r`: v[0..nc). */
static void decide(const fair_risk *r, const fair_control *cs, size_t nc, uint64_t seed,
                   size_t iterations, decide_value *v)
{
    portfolio *p;
    assert_int_equal(portfolio_new(&p, r, 1, cs, nc, NULL), E_OK);
    fair_opts o = { .seed = seed, .iterations = iterations };
    assert_int_equal(decide_controls(p, &o, v, NULL), E_OK);
    portfolio_free(p);
}

/* A certain risk: 2 events a year of 1000 each, 2000 a year. */
static void worked_example(void **state)
{
    (void)state;
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_const(0.5) },
        { .control = 1, .target = FAIR_ON_LM, .reduction = dist_const(0.25) },
        { .control = 2, .target = FAIR_ON_TEF, .reduction = dist_const(0.1) },
    };
    fair_risk r = mc_risk(1, FAIR_PRODUCT, dist_const(4), dist_const(1000), fx, 3);
    decide_value v[3];
    decide(&r, controls, 3, 1, 5000, v);
    /* MFA (in place): without it, 4000 instead of 2000. */
    assert_true(v[0].implemented && v[0].rank == 0);
    assert_true(fabs(v[0].mean_reduction - 2000) < 1e-6);
    assert_true(fabs(v[0].p95_reduction - 2000) < 1e-6);
    assert_true(fabs(v[0].roi - (2000.0 - 300) / 300) < 1e-9);
    /* training: 2000 -> 1500 for 100: return 4. DLP: 2000 -> 1800 for
     * 1000: return -0.8. Training first. */
    assert_true(fabs(v[1].mean_reduction - 500) < 1e-6);
    assert_true(fabs(v[1].roi - 4.0) < 1e-9);
    assert_true(fabs(v[1].net_benefit - 400) < 1e-6);
    assert_true(fabs(v[2].roi + 0.8) < 1e-9);
    assert_int_equal(v[1].rank, 1);
    /* DLP removes less than it costs: not justified by quantified risk,
     * so not ranked at all. A certain risk has no simulation noise. */
    assert_int_equal(v[1].worth, DECIDE_JUSTIFIED);
    assert_int_equal(v[2].worth, DECIDE_NOT_JUSTIFIED);
    assert_int_equal(v[2].rank, 0);
    assert_true(v[1].mean_reduction_se < 1e-9 && !v[1].tie_with_next);
}

/* Ranking: a control with no cost cannot be weighed; two controls whose
 * returns differ by less than the simulation can tell are flagged; the
 * standard error shrinks as the iterations grow. */
static void ranking_says_what_it_knows(void **state)
{
    (void)state;
    const fair_control cs[] = {
        { .name = "free", .annual_cost = 0, .implemented = 0, .stream_id = 11 },
        { .name = "A", .annual_cost = 100, .implemented = 0, .stream_id = 12 },
        { .name = "B", .annual_cost = 100, .implemented = 0, .stream_id = 13 },
    };
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_const(0.2) },
        { .control = 1, .target = FAIR_ON_PLM, .reduction = dist_uniform(0.29, 0.31) },
        { .control = 2, .target = FAIR_ON_PLM, .reduction = dist_uniform(0.30, 0.32) },
    };
    fair_risk r = mc_risk(9, FAIR_COMPOUND, dist_const(2), dist_lognormal90(1000, 20000), fx, 3);
    decide_value v[3], w[3];
    decide(&r, cs, 3, 4, 4096, v);
    assert_int_equal(v[0].worth, DECIDE_COST_UNKNOWN);
    assert_int_equal(v[0].rank, 0);
    assert_true(v[1].rank && v[2].rank);
    assert_true(v[1].mean_reduction_se > 0);
    const decide_value *first = v[1].rank == 1 ? &v[1] : &v[2];
    assert_true(first->tie_with_next);
    decide(&r, cs, 3, 4, 16 * 4096, w);
    assert_true(w[1].mean_reduction_se < 0.5 * v[1].mean_reduction_se);
}

/* A partially effective control: the same draws, weakened. */
static void weakening_scales_the_reduction(void **state)
{
    (void)state;
    fair_control c = { .name = "C", .annual_cost = 1, .implemented = 1, .stream_id = 21 };
    fair_effect fx = { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_const(0.6) };
    fair_risk r = mc_risk(5, FAIR_PRODUCT, dist_const(10), dist_const(100), &fx, 1);
    fair_scenario current = { FAIR_CURRENT, -1, NULL };
    fair_opts o = { .seed = 1, .iterations = 4096 };
    double *loss = malloc(sizeof *loss * o.iterations);
    fair_model *m;
    double means[2];
    for (int k = 0; k < 2; k++) {
        fx.weakening = k ? 0.5 : 0.0;
        assert_int_equal(fair_model_new(&m, &r, &c, 1, NULL), E_OK);
        assert_int_equal(fair_simulate(m, &current, 1, &o, &loss, NULL, NULL), E_OK);
        means[k] = stats_mean(loss, o.iterations);
        fair_model_free(m);
    }
    assert_true(fabs(means[0] - 400) < 1e-6); /* 1000 less 60 % */
    assert_true(fabs(means[1] - 700) < 1e-6); /* 1000 less 30 % */
    fx.weakening = 1.5;
    assert_int_equal(fair_model_new(&m, &r, &c, 1, NULL), E_INVALID);
    free(loss);
}

/* Insurance pays little on average and much in bad years. */
static void insurance_buys_the_tail(void **state)
{
    (void)state;
    const fair_effect fx[] = { { .control = 3, .target = FAIR_ON_TRANSFER } };
    fair_risk r = mc_risk(2, FAIR_COMPOUND, dist_const(0.3), dist_lognormal90(500, 5000), fx, 1);
    decide_value v[4];
    decide(&r, controls, 4, 2, 40000, v);
    assert_true(v[3].mean_reduction > 0 && v[3].mean_reduction < 0.2 * dist_mean(&r.plm));
    assert_true(v[3].p95_reduction > 5 * v[3].mean_reduction);
    assert_true(v[0].mean_reduction == 0 && v[0].roi < 0); /* MFA does nothing here */
}

/* The inherent scenario's drivers of `r` (seed 3, 20000 years) into s; returns how many. */
static size_t sensitivity(const fair_risk *r, decide_sensitivity s[DECIDE_MAX_SENSITIVITY])
{
    fair_model *m;
    assert_int_equal(fair_model_new(&m, r, NULL, 0, NULL), E_OK);
    size_t n;
    fair_opts o = { .seed = 3, .iterations = 20000 };
    fair_scenario inherent = { FAIR_INHERENT, -1, NULL };
    assert_int_equal(decide_sensitivity_of(m, &inherent, &o, s, &n, NULL), E_OK);
    fair_model_free(m);
    return n;
}

static void sensitivity_finds_the_driver(void **state)
{
    (void)state;
    /* Product model, certain magnitude: all variance is the frequency's. */
    fair_risk r = mc_risk(3, FAIR_PRODUCT, dist_uniform(1, 3), dist_const(100), NULL, 0);
    decide_sensitivity s[DECIDE_MAX_SENSITIVITY];
    assert_int_equal(sensitivity(&r, s), 1);
    assert_int_equal(s[0].factor, FAIR_LEF);
    assert_true(fabs(s[0].variance_share - 1.0) < 1e-12);
    /* A narrow frequency and a wide magnitude: the magnitude leads, and
     * holding the skewed magnitude at its median lowers the mean. */
    r.lef = dist_pert(1.9, 2, 2.1, 4, DIST_PERT_PYFAIR);
    r.plm = dist_lognormal90(1e3, 1e6);
    assert_true(sensitivity(&r, s) >= 2);
    assert_int_equal(s[0].factor, FAIR_PLM);
    assert_true(s[0].variance_share > 0.9 && s[1].variance_share < 0.1);
    assert_true(s[0].mean_shift < 0);
}

/* The compound model, with interactions and a Poisson count no input
 * explains: the shares still add up to 1 and none is negative. */
static void sensitivity_adds_up(void **state)
{
    (void)state;
    fair_risk r = mc_risk(4, FAIR_COMPOUND, dist_pert(0.5, 2, 6, 4, DIST_PERT_PYFAIR),
                          dist_lognormal90(1e4, 1e6), NULL, 0);
    r.slep = dist_beta(2, 3);
    r.slm = dist_lognormal90(1e3, 1e5);
    decide_sensitivity s[DECIDE_MAX_SENSITIVITY];
    size_t n = sensitivity(&r, s);
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(s[k].variance_share >= 0);
        sum += s[k].variance_share;
        if (k)
            assert_true(s[k - 1].variance_share >= s[k].variance_share);
    }
    assert_true(fabs(sum - 1.0) < 1e-12);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(worked_example), cmocka_unit_test(insurance_buys_the_tail),
        cmocka_unit_test(sensitivity_finds_the_driver), cmocka_unit_test(sensitivity_adds_up),
        cmocka_unit_test(ranking_says_what_it_knows),
        cmocka_unit_test(weakening_scales_the_reduction))
