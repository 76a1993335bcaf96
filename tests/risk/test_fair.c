/* The FAIR model of one risk: closed forms of both annual-loss models and
 * of every path through the tree, controls, insurance, common random
 * numbers, determinism whatever the thread count, golden values, and the
 * validation of every input. */
#include "risk/mc.h"
#include "risk/fair.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { N = 200000 };

static const fair_scenario INHERENT = { FAIR_INHERENT, -1, NULL };
static const fair_scenario CURRENT = { FAIR_CURRENT, -1, NULL };
static const fair_scenario TARGET = { FAIR_TARGET, -1, NULL };

/* Simulates `nsc` scenarios of a risk; returns nsc arrays of n (free with
 * free_runs). */
static double **simulate(const fair_risk *r, const fair_control *c, size_t nc,
                         const fair_scenario *sc, size_t nsc, size_t n, unsigned threads,
                         uint64_t seed, fair_tally *tally)
{
    fair_model *m;
    isms_err e = { 0 };
    if (fair_model_new(&m, r, c, nc, &e))
        fail_msg("model: %s (%s)", e.msg, e.field);
    double **out = calloc(nsc, sizeof *out);
    for (size_t s = 0; s < nsc; s++)
        out[s] = malloc(n * sizeof **out);
    fair_opts o = { .seed = seed, .iterations = n, .threads = threads };
    if (fair_simulate(m, sc, nsc, &o, out, tally, &e))
        fail_msg("simulate: %s", e.msg);
    fair_model_free(m);
    return out;
}

static void free_runs(double **x, size_t nsc)
{
    for (size_t s = 0; s < nsc; s++)
        free(x[s]);
    free(x);
}

static double *simulate1(const fair_risk *r, size_t n, uint64_t seed)
{
    double **x = simulate(r, NULL, 0, &INHERENT, 1, n, 2, seed, NULL);
    double *one = x[0];
    free(x);
    return one;
}

/* Simulates the inherent scenario of `r`, no controls, into x[0..o->iterations): what
 * fair_simulate returns. */
static int simulate_rc(const fair_risk *r, const fair_opts *o, double *x, isms_err *e)
{
    fair_model *m;
    assert_int_equal(fair_model_new(&m, r, NULL, 0, NULL), E_OK);
    int rc = fair_simulate(m, &INHERENT, 1, o, &x, NULL, e);
    fair_model_free(m);
    return rc;
}

/* The product model's risk, pinned by golden_values. */
static fair_risk product_risk(void)
{
    return mc_risk(1, FAIR_PRODUCT, dist_pert(0.5, 2, 6, 4, DIST_PERT_PYFAIR),
                   dist_pert(1e4, 1e5, 1e6, 4, DIST_PERT_PYFAIR), NULL, 0);
}

static double second_moment(const dist *d) { return dist_var(d) + dist_mean(d) * dist_mean(d); }

/* ---- closed forms ---- */

static void compound_poisson_lognormal(void **state)
{
    (void)state;
    const double lambda = 2.0, mu = 1.0, sigma = 0.8;
    fair_risk r = { .name = "R",
                    .stream_id = 1,
                    .mode = FAIR_COMPOUND,
                    .lef = dist_const(lambda),
                    .plm = dist_lognormal(mu, sigma) };
    double *x = simulate1(&r, N, 11);
    /* Cumulants of a compound Poisson sum: kappa_k = lambda E[X^k]. */
    double m1 = exp(mu + sigma * sigma / 2), m2 = exp(2 * mu + 2 * sigma * sigma);
    double m4 = exp(4 * mu + 8 * sigma * sigma);
    double var = lambda * m2, mu4 = lambda * m4 + 3 * var * var;
    assert_mean_near(x, N, lambda * m1, var);
    assert_var_near(x, N, var, mu4);
    free(x);
}

/* The same distribution through the per-year path (a rate that varies by
 * less than a millionth) and through the scattered one (a certain rate). */
static void per_year_and_scattered_events_agree(void **state)
{
    (void)state;
    fair_risk scattered = { .name = "S",
                            .stream_id = 2,
                            .lef = dist_const(0.7),
                            .plm = dist_pert(10, 50, 400, 4, DIST_PERT_PYFAIR) };
    fair_risk per_year = scattered;
    per_year.lef = dist_uniform(0.7 - 1e-9, 0.7 + 1e-9);
    double m1 = dist_mean(&scattered.plm), m2 = second_moment(&scattered.plm);
    const fair_risk *both[2] = { &scattered, &per_year };
    for (int i = 0; i < 2; i++) {
        double *x = simulate1(both[i], N, 12);
        assert_mean_near(x, N, 0.7 * m1, 0.7 * m2);
        assert_var_near(x, N, 0.7 * m2, mc_mu4(x, N));
        free(x);
    }
}

/* Large yearly rates go through rejection sampling (PTRS). */
static void large_varying_rates(void **state)
{
    (void)state;
    fair_risk r = {
        .name = "R", .stream_id = 3, .lef = dist_uniform(20, 40), .plm = dist_const(1)
    };
    double *x = simulate1(&r, N, 13);
    /* Count N | rate ~ Poisson(rate): E N = E rate, Var N = E rate + Var rate. */
    double var = 30.0 + 400.0 / 12.0;
    assert_mean_near(x, N, 30.0, var);
    assert_var_near(x, N, var, mc_mu4(x, N));
    for (size_t i = 0; i < N; i++)
        assert_true(x[i] == floor(x[i]));
    free(x);
}

static void product_model(void **state)
{
    (void)state;
    fair_risk r = product_risk();
    double *x = simulate1(&r, N, 14);
    double mean = dist_mean(&r.lef) * dist_mean(&r.plm);
    double var = second_moment(&r.lef) * second_moment(&r.plm) - mean * mean;
    assert_mean_near(x, N, mean, var);
    free(x);
}

static void tef_times_vulnerability(void **state)
{
    (void)state;
    fair_risk r = { .name = "V",
                    .stream_id = 5,
                    .mode = FAIR_PRODUCT,
                    .tef = dist_uniform(2, 10),
                    .vuln = dist_beta(2, 6),
                    .plm = dist_triangular(100, 200, 900) };
    double *x = simulate1(&r, N, 15);
    double mean = 6.0 * 0.25 * dist_mean(&r.plm);
    double var =
        second_moment(&r.tef) * second_moment(&r.vuln) * second_moment(&r.plm) - mean * mean;
    assert_mean_near(x, N, mean, var);
    free(x);
    /* In the compound model the yearly rate is tef x vuln. */
    r.mode = FAIR_COMPOUND;
    x = simulate1(&r, N, 16);
    double rate = 1.5, m2 = second_moment(&r.plm);
    double rate_var = second_moment(&r.tef) * second_moment(&r.vuln) - rate * rate;
    assert_mean_near(x, N, rate * dist_mean(&r.plm),
                     rate * m2 + rate_var * dist_mean(&r.plm) * dist_mean(&r.plm));
    free(x);
}

static void capability_against_resistance(void **state)
{
    (void)state;
    /* P(TCap > RS) with TCap ~ U(0,1), RS ~ U(0.25, 0.75) is 1/2. */
    fair_risk r = { .name = "T",
                    .stream_id = 6,
                    .mode = FAIR_PRODUCT,
                    .tef = dist_const(4),
                    .tcap = dist_uniform(0, 1),
                    .rs = dist_uniform(0.25, 0.75),
                    .plm = dist_const(10) };
    double *x = simulate1(&r, N, 17);
    size_t vulnerable = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(x[i] == 0.0 || x[i] == 40.0);
        vulnerable += x[i] == 40.0;
    }
    double p = (double)vulnerable / N;
    assert_true(fabs(p - 0.5) < MC_SIGMAS * sqrt(0.25 / N));
    free(x);
}

static void secondary_loss(void **state)
{
    (void)state;
    fair_risk r = { .name = "S",
                    .stream_id = 7,
                    .lef = dist_const(1.5),
                    .plm = dist_const(100),
                    .slep = dist_const(0.2),
                    .slm = dist_uniform(1000, 3000) };
    double *x = simulate1(&r, N, 18);
    /* Per event: 100, plus 2000 on average one time in five. */
    double m1 = 100 + 0.2 * 2000,
           m2 = 100 * 100 + 2 * 100 * 0.2 * 2000 + 0.2 * second_moment(&r.slm);
    assert_mean_near(x, N, 1.5 * m1, 1.5 * m2);
    free(x);
    r.mode = FAIR_PRODUCT;
    r.slep = dist_beta(1, 4);
    x = simulate1(&r, N, 19);
    double lm = 100 + 0.2 * 2000;
    double lm2 = 100 * 100 + 2 * 100 * 0.2 * 2000 + second_moment(&r.slep) * second_moment(&r.slm);
    assert_mean_near(x, N, 1.5 * lm, 2.25 * lm2 - 2.25 * lm * lm);
    free(x);
}

/* ---- controls and insurance ---- */

static const fair_control controls[] = {
    { .name = "MFA", .annual_cost = 1000, .implemented = 1, .stream_id = 101 },
    { .name = "EDR", .annual_cost = 5000, .implemented = 0, .stream_id = 102 },
    { .name = "backup", .annual_cost = 300, .implemented = 1, .stream_id = 103 },
};

static void controls_scale_their_factors(void **state)
{
    (void)state;
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_TEF, .reduction = dist_const(0.3) },
        { .control = 1, .target = FAIR_ON_LEF, .reduction = dist_uniform(0.4, 0.6) },
        { .control = 2, .target = FAIR_ON_PLM, .reduction = dist_beta(2, 2) },
    };
    fair_risk r = { .name = "C",
                    .stream_id = 8,
                    .tef = dist_const(3),
                    .vuln = dist_const(0.5),
                    .plm = dist_lognormal90(1e4, 1e6),
                    .effects = fx,
                    .neffects = 3 };
    const fair_scenario sc[3] = { INHERENT, CURRENT, TARGET };
    fair_tally t[3];
    double **x = simulate(&r, controls, 3, sc, 3, N, 2, 20, t);
    double rate = 1.5, m1 = dist_mean(&r.plm), m2 = second_moment(&r.plm);
    /* Current: 30% fewer events, magnitudes halved on average
     * (beta(2,2) removes 1/2, E(1-R)^2 = 0.3). */
    double cur_rate = rate * 0.7, tgt_rate = cur_rate * 0.5;
    assert_mean_near(x[0], N, rate * m1, rate * m2);
    assert_mean_near(x[1], N, cur_rate * m1 * 0.5,
                     cur_rate * m2 * 0.3 + 0.05 * cur_rate * cur_rate * m1 * m1);
    /* Target: EDR removes U(0.4, 0.6) of the rate, E(1-U)^2 = 0.25 + 0.04/12. */
    double tgt_var = 0.3 * (tgt_rate * m2 + cur_rate * cur_rate * (0.25 + 0.04 / 12) * m1 * m1) -
                     0.25 * tgt_rate * tgt_rate * m1 * m1;
    assert_mean_near(x[2], N, tgt_rate * m1 * 0.5, tgt_var);
    /* Common random numbers: controls only remove events and shrink them,
     * so no year gets worse, and the years stay strongly paired. */
    for (size_t i = 0; i < N; i++) {
        assert_true(x[1][i] <= x[0][i]);
        assert_true(x[2][i] <= x[1][i]);
    }
    assert_true(t[2].events <= t[1].events && t[1].events <= t[0].events);
    assert_true(fabs(t[0].events / N - rate) < MC_SIGMAS * sqrt(rate / N));
    free_runs(x, 3);
}

/* Flipping one control against a basis, and an explicit set. */
static void scenarios_select_controls(void **state)
{
    (void)state;
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_const(0.5) },
        { .control = 1, .target = FAIR_ON_LM, .reduction = dist_const(0.5) },
    };
    fair_risk r = { .name = "F",
                    .stream_id = 9,
                    .mode = FAIR_PRODUCT,
                    .lef = dist_const(2),
                    .plm = dist_const(100),
                    .effects = fx,
                    .neffects = 2 };
    const unsigned char only_edr[3] = { 0, 1, 0 };
    const fair_scenario sc[5] = {
        INHERENT, CURRENT, TARGET, { FAIR_CURRENT, 0, NULL }, { FAIR_INHERENT, -1, only_edr }
    };
    double **x = simulate(&r, controls, 3, sc, 5, 1000, 1, 1, NULL);
    assert_true(x[0][0] == 200.0);
    assert_true(x[1][0] == 100.0); /* MFA */
    assert_true(x[2][0] == 50.0);  /* MFA and EDR */
    assert_true(x[3][0] == 200.0); /* current without MFA */
    assert_true(x[4][0] == 100.0); /* EDR only */
    free_runs(x, 5);
}

/* Retained annual loss under a cover, by brute force over the count. */
static double poisson_expectation(double lambda, double (*g)(int k))
{
    double p = exp(-lambda), s = 0.0;
    for (int k = 0; k < 200; k++) {
        s += p * g(k);
        p *= lambda / (k + 1);
    }
    return s;
}

static double annual_retained(int k)
{
    double loss = 100.0 * k, paid = loss - 100.0;
    paid = paid < 0 ? 0 : paid > 150 ? 150 : paid;
    return loss - paid;
}

static double annual_retained_sq(int k) { return annual_retained(k) * annual_retained(k); }

static void insurance_per_event_and_annual(void **state)
{
    (void)state;
    const fair_control policies[] = {
        { .name = "cyber", .annual_cost = 40, .stream_id = 201, .deductible = 30, .limit = 50 },
        { .name = "aggregate",
          .annual_cost = 40,
          .stream_id = 202,
          .deductible = 100,
          .limit = 150,
          .cover = FAIR_COVER_ANNUAL },
    };
    const fair_effect per_event[] = { { .control = 0, .target = FAIR_ON_TRANSFER } };
    const fair_effect annual[] = { { .control = 1, .target = FAIR_ON_TRANSFER } };
    fair_risk r = { .name = "I",
                    .stream_id = 10,
                    .lef = dist_const(2),
                    .plm = dist_const(100),
                    .effects = per_event,
                    .neffects = 1 };
    double **x = simulate(&r, policies, 2, &TARGET, 1, N, 2, 21, NULL);
    /* Each event: 100 - min(max(100 - 30, 0), 50) = 50 retained. */
    assert_mean_near(x[0], N, 2 * 50.0, 2 * 2500.0);
    free_runs(x, 1);
    r.effects = annual;
    x = simulate(&r, policies, 2, &TARGET, 1, N, 2, 22, NULL);
    double m = poisson_expectation(2, annual_retained);
    assert_mean_near(x[0], N, m, poisson_expectation(2, annual_retained_sq) - m * m);
    free_runs(x, 1);
}

/* ---- sensitivity support: freezing ---- */

static void frozen_factor_is_its_median(void **state)
{
    (void)state;
    fair_risk r = {
        .name = "Z", .stream_id = 11, .lef = dist_const(3), .plm = dist_lognormal(2, 1)
    };
    double *x = malloc(N * sizeof *x);
    fair_opts o = { .seed = 23, .iterations = N, .freeze = 1u << FAIR_PLM };
    assert_int_equal(simulate_rc(&r, &o, x, NULL), E_OK);
    /* Every event costs the median e^2: a Poisson count times e^2. */
    double med = exp(2.0);
    assert_mean_near(x, N, 3 * med, 3 * med * med);
    assert_var_near(x, N, 3 * med * med, (3 + 3 * 9) * pow(med, 4));
    free(x);
}

/* A control that removes nothing leaves every year as it was: the general
 * path (controls) and the fast one (none) draw the same numbers. */
static void null_control_changes_nothing(void **state)
{
    (void)state;
    const fair_control noop[] = { { .name = "noop", .implemented = 1, .stream_id = 9 } };
    const fair_effect fx[] = { { .control = 0, .target = FAIR_ON_LM, .reduction = dist_const(0) } };
    /* clang-format off */
    fair_risk risks[2] = {
        { .name = "compound", .stream_id = 41, .lef = dist_const(3),
          .plm = dist_lognormal90(10, 1e4), .effects = fx, .neffects = 1 },
        { .name = "product", .stream_id = 42, .mode = FAIR_PRODUCT,
          .lef = dist_pert(1, 2, 9, 4, DIST_PERT_PYFAIR), .plm = dist_pert(5, 9, 90, 4, DIST_PERT_VOSE),
          .effects = fx, .neffects = 1 },
    };
    /* clang-format on */
    const fair_scenario sc[2] = { INHERENT, CURRENT };
    for (int k = 0; k < 2; k++) {
        double **x = simulate(&risks[k], noop, 1, sc, 2, 10000, 2, 5, NULL);
        double **plain = simulate(&risks[k], noop, 1, &INHERENT, 1, 10000, 2, 5, NULL);
        assert_memory_equal(x[0], x[1], 10000 * sizeof(double));
        assert_memory_equal(x[0], plain[0], 10000 * sizeof(double));
        free_runs(x, 2);
        free_runs(plain, 1);
    }
}

/* ---- determinism ---- */

static void any_thread_count_gives_the_same_bits(void **state)
{
    (void)state;
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_VULN, .reduction = dist_uniform(0.1, 0.5) },
        { .control = 1, .target = FAIR_ON_SLM, .reduction = dist_const(0.25) },
    };
    /* clang-format off */
    fair_risk risks[3] = {
        { .name = "per-year", .stream_id = 31, .tef = dist_pert(1, 4, 12, 4, DIST_PERT_PYFAIR),
          .vuln = dist_beta(2, 3), .plm = dist_lognormal90(1e4, 1e6), .slep = dist_const(0.3),
          .slm = dist_uniform(1e3, 1e5), .effects = fx, .neffects = 2 },
        { .name = "scattered", .stream_id = 32, .lef = dist_const(0.8),
          .plm = dist_pert(100, 500, 9000, 4, DIST_PERT_VOSE) },
        { .name = "product", .stream_id = 33, .mode = FAIR_PRODUCT,
          .lef = dist_pert(0.5, 2, 6, 4, DIST_PERT_PYFAIR), .plm = dist_normal(5e4, 2e4) },
    };
    /* clang-format on */
    const fair_scenario sc[3] = { INHERENT, CURRENT, TARGET };
    const size_t n = 3 * FAIR_BLOCK + 1234; /* a partial last block */
    for (int k = 0; k < 3; k++) {
        fair_tally t1[3], t[3];
        double **one = simulate(&risks[k], controls, 3, sc, 3, n, 1, 77, t1);
        const unsigned threads[] = { 2, 7 };
        for (int j = 0; j < 2; j++) {
            double **many = simulate(&risks[k], controls, 3, sc, 3, n, threads[j], 77, t);
            for (int s = 0; s < 3; s++) {
                assert_memory_equal(one[s], many[s], n * sizeof(double));
                assert_memory_equal(&t1[s], &t[s], sizeof t[s]);
            }
            free_runs(many, 3);
        }
        free_runs(one, 3);
    }
}

/* These pin the engine's numbers: if they change, results stored with
 * FAIR_ENGINE_VERSION can no longer be reproduced; bump the version. One
 * risk per path: product, scattered compound, per-year compound with
 * controls, secondary loss and insurance. */
static double checksum(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

static void golden_values(void **state)
{
    (void)state;
    fair_risk a = product_risk();
    fair_risk b = {
        .name = "B", .stream_id = 2, .lef = dist_const(2), .plm = dist_lognormal90(1e5, 1e7)
    };
    const fair_control c[] = {
        { .name = "EDR", .annual_cost = 10, .stream_id = 7 },
        { .name = "policy", .annual_cost = 10, .stream_id = 8, .deductible = 5e4, .limit = 1e6 },
    };
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_VULN, .reduction = dist_uniform(0.2, 0.5) },
        { .control = 1, .target = FAIR_ON_TRANSFER },
    };
    fair_risk r = { .name = "C",
                    .stream_id = 3,
                    .tef = dist_pert(1, 5, 20, 4, DIST_PERT_VOSE),
                    .vuln = dist_beta(2, 5),
                    .plm = dist_lognormal(10, 1.2),
                    .slep = dist_const(0.25),
                    .slm = dist_normal(2e5, 1e5),
                    .effects = fx,
                    .neffects = 2 };
    fair_scenario target = { FAIR_TARGET, -1, NULL };
    double *x = simulate1(&a, 5000, 2024), *y = simulate1(&b, 5000, 2024);
    double **z = simulate(&r, c, 2, &target, 1, 5000, 2, 2024, NULL);
    fprintf(stderr, "golden: %a %a %a | %a %a | %a %a\n", x[0], x[4999], checksum(x, 5000), y[0],
            checksum(y, 5000), z[0][0], checksum(z[0], 5000));
    assert_true(x[0] == 0x1.1ea88f463513fp+19);
    assert_true(x[4999] == 0x1.306deb97d6fcp+20);
    assert_true(checksum(x, 5000) == 0x1.566a9e3de31e3p+31);
    assert_true(y[0] == 0x1.315c4faf7ff59p+23);
    assert_true(checksum(y, 5000) == 0x1.9dd82399df7a1p+34);
    assert_true(z[0][0] == 0x1.86ap+15);
    assert_true(checksum(z[0], 5000) == 0x1.8613481d9c892p+27);
    assert_string_equal(fair_engine_version, "isms-fair 1");
    free(x);
    free(y);
    free_runs(z, 1);
}

/* ---- interruption and progress ---- */

static uint64_t last_done, last_total;
static int progress_calls;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)ctx;
    assert_true(done >= last_done);
    last_done = done;
    last_total = total;
    progress_calls++;
}

static void progress_and_cancel(void **state)
{
    (void)state;
    fair_risk r = mc_risk(1, FAIR_COMPOUND, dist_const(1), dist_const(1), NULL, 0);
    double *x = malloc(100000 * sizeof *x);
    fair_opts o = { .seed = 1, .iterations = 100000, .threads = 1, .progress = on_progress };
    last_done = 0;
    assert_int_equal(simulate_rc(&r, &o, x, NULL), E_OK);
    assert_true(progress_calls > 1);
    assert_int_equal(last_done, 100000);
    assert_int_equal(last_total, 100000);
    volatile sig_atomic_t stop = 1;
    o.cancel = &stop;
    isms_err e = { 0 };
    assert_int_equal(simulate_rc(&r, &o, x, &e), E_INTERRUPTED);
    assert_contains(e.msg, "interrupted");
    free(x);
}

/* Summaries made while simulating are the summaries of the finished
 * losses, bit for bit, and the losses are the same as without them. */
static void summaries_while_simulating(void **state)
{
    (void)state;
    const fair_effect fx[] = {
        { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_uniform(0.1, 0.5) },
        { .control = 1, .target = FAIR_ON_PLM, .reduction = dist_const(0.25) },
    };
    /* clang-format off */
    const fair_risk risks[2] = {
        { .name = "compound", .stream_id = 41, .lef = dist_pert(0.1, 0.4, 2, 4, DIST_PERT_PYFAIR),
          .plm = dist_lognormal90(1e4, 1e6), .effects = fx, .neffects = 2 },
        { .name = "product", .stream_id = 42, .mode = FAIR_PRODUCT,
          .lef = dist_pert(0.5, 2, 6, 4, DIST_PERT_PYFAIR), .plm = dist_normal(5e4, 2e4) },
    };
    /* clang-format on */
    const fair_scenario sc[3] = { INHERENT, CURRENT, TARGET };
    const size_t sizes[] = { 10000, 20 * FAIR_BLOCK + 77 }; /* without and with a pilot */
    for (int k = 0; k < 2; k++)
        for (int z = 0; z < 2; z++)
            for (unsigned threads = 1; threads <= 3; threads += 2) {
                size_t n = sizes[z];
                double **plain = simulate(&risks[k], controls, 3, sc, 3, n, threads, 5, NULL);
                fair_model *m;
                assert_int_equal(fair_model_new(&m, &risks[k], controls, 3, NULL), E_OK);
                stats_opts so = { .var_level = 0.99, .appetite = 2e5, .threads = threads };
                stats_stream *sum[3];
                double *x[3];
                for (int s = 0; s < 3; s++) {
                    assert_int_equal(stats_stream_new(&sum[s], n, &so, NULL), E_OK);
                    x[s] = malloc(n * sizeof(double));
                }
                last_done = 0;
                fair_opts o = { .seed = 5,
                                .iterations = n,
                                .threads = threads,
                                .summaries = sum,
                                .progress = on_progress };
                assert_int_equal(fair_simulate(m, sc, 3, &o, x, NULL, NULL), E_OK);
                assert_int_equal(last_done, n);
                for (int s = 0; s < 3; s++) {
                    stats_summary made, after;
                    assert_int_equal(stats_stream_finish(sum[s], x[s], &made, NULL), E_OK);
                    assert_int_equal(stats_summarize(x[s], n, &so, &after, NULL), E_OK);
                    assert_memory_equal(&made, &after, sizeof made);
                    assert_memory_equal(x[s], plain[s], n * sizeof(double));
                    stats_stream_free(sum[s]);
                    free(x[s]);
                }
                fair_model_free(m);
                free_runs(plain, 3);
            }
    last_done = 0;
}

/* ---- validation ---- */

static void bad_risks_are_named(void **state)
{
    (void)state;
    const fair_effect bad_index[] = {
        { .control = 7, .target = FAIR_ON_LEF, .reduction = dist_const(0.1) }
    };
    const fair_effect too_much[] = {
        { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_uniform(0.5, 1.5) }
    };
    const fair_effect no_secondary[] = {
        { .control = 0, .target = FAIR_ON_SLM, .reduction = dist_const(0.1) }
    };
    const fair_control bad_cost[] = { { .name = "x", .annual_cost = -1, .stream_id = 1 } };
    const fair_control bad_deductible[] = { { .name = "x", .deductible = -5, .stream_id = 1 } };
    const fair_effect cover[] = { { .control = 0, .target = FAIR_ON_TRANSFER } };
    fair_effect many_covers[9];
    for (int i = 0; i < 9; i++)
        many_covers[i] = (fair_effect){ .control = 0, .target = FAIR_ON_TRANSFER };
    const fair_risk ok = { .name = "R", .lef = dist_const(1), .plm = dist_const(1) };
    /* Each case is `ok` with one thing wrong, one line a case; the controls are `controls`
     * unless the case names others. */
#define OK_R .name = "R", .lef = dist_const(1), .plm = dist_const(1)
    const struct {
        const char *field, *message;
        fair_risk r;
        const fair_control *c;
    } cases[] = {
        /* clang-format off */
        { "tef", "either as lef", { .name = "R", .plm = dist_const(1) }, NULL },
        { "lef", "either as lef", { OK_R, .tef = dist_const(1), .vuln = dist_const(1) }, NULL },
        { "tcap", "tef with vuln", { .name = "R", .tef = dist_const(1), .plm = dist_const(1) }, NULL },
        { "rs", "tcap and rs", { .name = "R", .tef = dist_const(1), .tcap = dist_const(1), .plm = dist_const(1) }, NULL },
        { "plm", "primary loss magnitude is required", { .name = "R", .lef = dist_const(1) }, NULL },
        { "lef", "cannot be negative", { .name = "R", .lef = dist_uniform(-1, 2), .plm = dist_const(1) }, NULL },
        { "lef", "reaches -0.5", { .name = "R", .lef = dist_const(-0.5), .plm = dist_const(1) }, NULL },
        { "vuln", "within [0, 1]", { .name = "R", .tef = dist_const(2), .vuln = dist_uniform(0.5, 1.5), .plm = dist_const(1) }, NULL },
        { "slm", "both", { .name = "R", .lef = dist_const(1), .plm = dist_normal(1, 1), .slep = dist_const(0.1) }, NULL },
        { "slep", "within [0, 1]", { OK_R, .slep = dist_const(2), .slm = dist_const(1) }, NULL },
        { "lef", "min 3 is greater than max 1", { .name = "R", .lef = dist_pert(3, 2, 1, 4, 0), .plm = dist_const(1) }, NULL },
        { "plm", "must be less than", { .name = "R", .lef = dist_const(1), .plm = dist_lognormal90(5, 5) }, NULL },
        { "effects[0]", "does not exist", { OK_R, .effects = bad_index, .neffects = 1 }, NULL },
        { "effects[0].reduction", "fraction within [0, 1]", { OK_R, .effects = too_much, .neffects = 1 }, NULL },
        { "effects[0]", "has none", { OK_R, .effects = no_secondary, .neffects = 1 }, NULL },
        { "controls[0]", "annual cost -1", { OK_R, .effects = too_much, .neffects = 1 }, bad_cost },
        { "controls[0]", "deductible -5", { OK_R, .effects = cover, .neffects = 1 }, bad_deductible },
        { "effects", "at most 8", { OK_R, .effects = many_covers, .neffects = 9 }, NULL },
        { "mode", "unknown", { OK_R, .mode = (fair_mode)9 }, NULL },
        /* clang-format on */
    };
#undef OK_R
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        isms_err e = { 0 };
        fair_model *m = (fair_model *)&e;
        const fair_control *c = cases[i].c ? cases[i].c : controls;
        int rc = fair_model_new(&m, &cases[i].r, c, 3, &e);
        if (rc != E_INVALID)
            fail_msg("case %zu (%s: %s) was accepted", i, cases[i].field, cases[i].message);
        assert_null(m);
        if (strcmp(e.field, cases[i].field) || !strstr(e.msg, cases[i].message))
            fail_msg("case %zu: field '%s', expected '%s'; message '%s', expected '%s'", i, e.field,
                     cases[i].field, e.msg, cases[i].message);
    }
    isms_err e = { 0 };
    assert_int_equal(fair_risk_validate(&ok, NULL, 0, &e), E_OK);
    double *x = malloc(8);
    fair_opts o = { .iterations = 0 };
    assert_int_equal(simulate_rc(&ok, &o, x, &e), E_INVALID);
    assert_string_equal(e.field, "iterations");
    free(x);
}

/* ---- bounds: a run always ends ---- */

/* Inputs whose expected count of loss events a year is absurd are refused
 * with the bound; the same mean just below it is accepted. */
static void absurd_frequencies_are_refused_with_the_bound(void **state)
{
    (void)state;
    const struct {
        fair_risk r;
        const char *field;
    } cases[] = {
        { { .name = "R", .lef = dist_lognormal90(1, 1e308), .plm = dist_const(1) }, "lef" },
        { { .name = "R",
            .lef = dist_pert(1e6, 2e6, 3e6, 4, DIST_PERT_PYFAIR),
            .plm = dist_const(1) },
          "lef" },
        { { .name = "R", .mode = FAIR_PRODUCT, .lef = dist_const(2e6), .plm = dist_const(1) },
          "lef" },
        { { .name = "R", .tef = dist_const(4e6), .vuln = dist_const(0.5), .plm = dist_const(1) },
          "tef" },
        { { .name = "R",
            .tef = dist_uniform(0, 1e7),
            .tcap = dist_const(0.5),
            .rs = dist_const(0.2),
            .plm = dist_const(1) },
          "tef" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        isms_err e = { 0 };
        if (fair_risk_validate(&cases[i].r, NULL, 0, &e) != E_INVALID)
            fail_msg("case %zu was accepted", i);
        assert_string_equal(e.field, cases[i].field);
        assert_contains(e.msg, "R: ");
        assert_contains(e.msg, "at most 1000000 loss events a year");
    }
    fair_risk fine = {
        .name = "R", .tef = dist_const(1.9e6), .vuln = dist_const(0.5), .plm = dist_const(1)
    };
    assert_int_equal(fair_risk_validate(&fine, NULL, 0, NULL), E_OK);
}

/* A run whose expected events would take the engine minutes is refused
 * before it starts, naming the iterations that would do; the product
 * model, which draws no events, is not held to it. */
static void a_run_too_long_is_refused_with_its_bound(void **state)
{
    (void)state;
    fair_risk r = { .name = "R",
                    .lef = dist_pert(1e3, 2e3, 3e3, 4, DIST_PERT_PYFAIR),
                    .plm = dist_const(1) };
    size_t n = 1000000;
    double *x = malloc(n * sizeof *x);
    fair_opts o = { .seed = 1, .iterations = n, .threads = 1 };
    isms_err e = { 0 };
    time_t t0 = time(NULL);
    assert_int_equal(simulate_rc(&r, &o, x, &e), E_INVALID);
    assert_true(time(NULL) - t0 <= 1);
    assert_string_equal(e.field, "iterations");
    assert_contains(e.msg, "R: ");
    assert_contains(e.msg, "at most 250000 iterations");
    r.mode = FAIR_PRODUCT;
    assert_int_equal(simulate_rc(&r, &o, x, NULL), E_OK);
    free(x);
}

/* A year whose drawn rate is beyond what can be simulated (a tail far
 * longer than its mean suggests) fails the run with the bound, at once. */
static void a_year_beyond_the_bound_fails_the_run(void **state)
{
    (void)state;
    double rates[1500] = { 0 };
    rates[0] = 1.4e9; /* mean 933,333: accepted */
    fair_risk r = { .name = "R", .plm = dist_const(1) };
    assert_int_equal(dist_empirical(&r.lef, rates, 1500, "lef", NULL), E_OK);
    fair_model *m;
    assert_int_equal(fair_model_new(&m, &r, NULL, 0, NULL), E_OK);
    double *x = malloc(500 * sizeof *x);
    int failed = 0;
    for (uint64_t seed = 1; seed <= 40 && !failed; seed++) {
        fair_opts o = { .seed = seed, .iterations = 500, .threads = 1 };
        isms_err e = { 0 };
        int rc = fair_simulate(m, &INHERENT, 1, &o, &x, NULL, &e);
        if (rc == E_OK)
            continue;
        assert_int_equal(rc, E_INVALID);
        assert_contains(e.msg, "R: ");
        assert_contains(e.msg, "1000000000 loss events");
        failed = 1;
    }
    assert_true(failed);
    free(x);
    fair_model_free(m);
    dist_reset(&r.lef);
}

typedef struct stopper {
    volatile sig_atomic_t flag;
    struct timespec at;
} stopper;

static void *stop_soon(void *arg)
{
    stopper *s = arg;
    struct timespec pause = { 0, 300 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &s->at);
    s->flag = 1;
    return NULL;
}

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Cancellation is looked at inside a block, not only between blocks: one
 * block of heavy years (here 4e8 events, many seconds) stops within a
 * fraction of a second, in the per-year and the scattered paths alike. */
static void cancel_is_seen_inside_a_block(void **state)
{
    (void)state;
    const fair_risk risks[] = {
        { .name = "per-year", .stream_id = 1, .lef = dist_uniform(7e5, 9e5), .plm = dist_const(1) },
        { .name = "scattered",
          .stream_id = 2,
          .lef = dist_const(8e5),
          .plm = dist_lognormal90(1, 10) },
        { .name = "controls",
          .stream_id = 3,
          .lef = dist_const(8e5),
          .plm = dist_const(1),
          .effects =
              (const fair_effect[]){
                  { .control = 0, .target = FAIR_ON_LEF, .reduction = dist_const(0.5) } },
          .neffects = 1 },
    };
    for (size_t k = 0; k < sizeof risks / sizeof *risks; k++) {
        fair_model *m;
        assert_int_equal(fair_model_new(&m, &risks[k], controls, 3, NULL), E_OK);
        double *x = malloc(500 * sizeof *x);
        stopper s = { 0 };
        fair_opts o = { .seed = 1, .iterations = 500, .threads = 1, .cancel = &s.flag };
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, stop_soon, &s), 0);
        isms_err e = { 0 };
        int rc = fair_simulate(m, &CURRENT, 1, &o, &x, NULL, &e);
        double late = since(&s.at);
        pthread_join(t, NULL);
        if (rc != E_INTERRUPTED)
            fail_msg("%s: %d (%s)", risks[k].name, rc, e.msg);
        if (late > 0.5)
            fail_msg("%s: stopped %.2f s after the cancel", risks[k].name, late);
        free(x);
        fair_model_free(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compound_poisson_lognormal),
        cmocka_unit_test(per_year_and_scattered_events_agree),
        cmocka_unit_test(large_varying_rates),
        cmocka_unit_test(product_model),
        cmocka_unit_test(tef_times_vulnerability),
        cmocka_unit_test(capability_against_resistance),
        cmocka_unit_test(secondary_loss),
        cmocka_unit_test(controls_scale_their_factors),
        cmocka_unit_test(scenarios_select_controls),
        cmocka_unit_test(insurance_per_event_and_annual),
        cmocka_unit_test(frozen_factor_is_its_median),
        cmocka_unit_test(null_control_changes_nothing),
        cmocka_unit_test(any_thread_count_gives_the_same_bits),
        cmocka_unit_test(golden_values),
        cmocka_unit_test(summaries_while_simulating),
        cmocka_unit_test(progress_and_cancel),
        cmocka_unit_test(bad_risks_are_named),
        cmocka_unit_test(absurd_frequencies_are_refused_with_the_bound),
        cmocka_unit_test(a_run_too_long_is_refused_with_its_bound),
        cmocka_unit_test(a_year_beyond_the_bound_fails_the_run),
        cmocka_unit_test(cancel_is_seen_inside_a_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
