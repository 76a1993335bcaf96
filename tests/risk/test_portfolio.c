/* Portfolio aggregation: per-iteration sums that agree with the risks run
 * alone, groups with shares, deltas between scenarios, rank correlation,
 * determinism, and what is rejected. */
#include "support/testutil.h"
#include "risk/mc.h"
#include "risk/portfolio.h"

#include <stdlib.h>
#include <string.h>

static const fair_scenario INHERENT = { FAIR_INHERENT, -1, NULL };
static const fair_scenario CURRENT = { FAIR_CURRENT, -1, NULL };

static const fair_control controls[] = {
    { .name = "MFA", .annual_cost = 100, .implemented = 1, .stream_id = 11 },
    { .name = "EDR", .annual_cost = 100, .implemented = 0, .stream_id = 12 },
};
static fair_effect mfa[1], edr[1];

static void make_risks(fair_risk r[3])
{
    mfa[0] = (fair_effect){ .control = 0, .target = FAIR_ON_TEF, .reduction = dist_const(0.4) };
    edr[0] =
        (fair_effect){ .control = 1, .target = FAIR_ON_PLM, .reduction = dist_uniform(0.2, 0.6) };
    r[0] = (fair_risk){ .name = "R1",
                        .stream_id = 1,
                        .tef = dist_pert(1, 3, 8, 4, DIST_PERT_PYFAIR),
                        .vuln = dist_beta(2, 4),
                        .plm = dist_lognormal90(1e4, 1e6),
                        .effects = mfa,
                        .neffects = 1 };
    r[1] = (fair_risk){ .name = "R2",
                        .stream_id = 2,
                        .lef = dist_const(0.3),
                        .plm = dist_lognormal90(1e5, 5e6),
                        .effects = edr,
                        .neffects = 1 };
    r[2] = (fair_risk){ .name = "R3",
                        .stream_id = 3,
                        .mode = FAIR_PRODUCT,
                        .lef = dist_pert(0.1, 0.5, 2, 4, DIST_PERT_PYFAIR),
                        .plm = dist_pert(1e4, 5e4, 4e5, 4, DIST_PERT_VOSE) };
}

static double *alone(const fair_risk *r, const fair_scenario *sc, size_t n, uint64_t seed)
{
    fair_model *m;
    assert_int_equal(fair_model_new(&m, r, controls, 2, NULL), E_OK);
    double *x = malloc(n * sizeof *x);
    fair_opts o = { .seed = seed, .iterations = n };
    assert_int_equal(fair_simulate(m, sc, 1, &o, &x, NULL, NULL), E_OK);
    fair_model_free(m);
    return x;
}

static void sums_agree_with_risks_alone(void **state)
{
    (void)state;
    const size_t n = 20000;
    fair_risk r[3];
    make_risks(r);
    portfolio *p;
    assert_int_equal(portfolio_new(&p, r, 3, controls, 2, NULL), E_OK);
    const portfolio_member m[] = { { 0, 0, 1.0 }, { 1, 0, 0.5 }, { 1, 1, 0.5 }, { 2, 1, 1.0 } };
    assert_int_equal(portfolio_set_groups(p, 2, m, 4, NULL), E_OK);
    portfolio_result res;
    fair_opts o = { .seed = 5, .iterations = n };
    assert_int_equal(portfolio_run(p, &CURRENT, &o, &res, NULL), E_OK);
    double *a = alone(&r[0], &CURRENT, n, 5), *b = alone(&r[1], &CURRENT, n, 5),
           *c = alone(&r[2], &CURRENT, n, 5);
    /* Events are added straight into the total, so the rounding differs
     * from adding whole years: equal to 1e-12. */
    for (size_t i = 0; i < n; i++) {
        assert_true(fabs(res.total[i] - (a[i] + b[i] + c[i])) <= 1e-12 * res.total[i]);
        assert_true(fabs(res.group[i] - (a[i] + 0.5 * b[i])) <= 1e-12 * res.group[i]);
        assert_true(fabs(res.group[n + i] - (0.5 * b[i] + c[i])) <= 1e-12 * res.group[n + i]);
    }
    assert_true(fabs(res.risk_mean[0] - mc_mean(a, n)) < 1e-9 * mc_mean(a, n));
    assert_true(fabs(res.risk_mean[2] - mc_mean(c, n)) < 1e-9 * mc_mean(c, n));
    free(a);
    free(b);
    free(c);
    portfolio_result_reset(&res);
    portfolio_free(p);
}

static void delta_is_the_difference_of_runs(void **state)
{
    (void)state;
    const size_t n = 10000;
    fair_risk r[3];
    make_risks(r);
    portfolio *p;
    assert_int_equal(portfolio_new(&p, r, 3, controls, 2, NULL), E_OK);
    fair_opts o = { .seed = 8, .iterations = n };
    portfolio_result from, to;
    fair_scenario with_edr = { FAIR_CURRENT, 1, NULL };
    assert_int_equal(portfolio_run(p, &CURRENT, &o, &from, NULL), E_OK);
    assert_int_equal(portfolio_run(p, &with_edr, &o, &to, NULL), E_OK);
    double *delta = malloc(n * sizeof *delta);
    assert_int_equal(portfolio_delta(p, &CURRENT, &with_edr, &o, delta, NULL), E_OK);
    for (size_t i = 0; i < n; i++) {
        double want = to.total[i] - from.total[i];
        assert_true(fabs(delta[i] - want) <= 1e-9 * from.total[i]);
        assert_true(delta[i] <= 0.0); /* EDR only ever removes loss */
    }
    free(delta);
    portfolio_result_reset(&from);
    portfolio_result_reset(&to);
    portfolio_free(p);
}

/* What portfolio_toggle_each saw: each control's delta, in turn. */
typedef struct seen_deltas {
    size_t n, calls, stop_at;
    double *delta[2];
    uint64_t done, total, done_at[2]; /* progress; at each control's call */
} seen_deltas;

static int keep_delta(void *ctx, size_t c, const double *delta, isms_err *e)
{
    (void)e;
    seen_deltas *s = ctx;
    assert_int_equal(c, s->calls);
    memcpy(s->delta[c], delta, s->n * sizeof *delta);
    s->done_at[c] = s->done;
    return ++s->calls == s->stop_at ? E_INTERRUPTED : E_OK;
}

static void count_progress(void *ctx, uint64_t done, uint64_t total)
{
    seen_deltas *s = ctx;
    assert_true(done <= total);
    s->done = done;
    s->total = total;
}

/* Toggling each control in turn gives portfolio_delta's bits for each,
 * correlated risks included, and simulates only the risks each control
 * has an effect on: the links, not controls x risks. */
static void toggling_each_control_costs_its_links(void **state)
{
    (void)state;
    const size_t n = 2 * FAIR_BLOCK; /* whole blocks: progress counts exactly */
    fair_risk r[5];
    make_risks(r);
    fair_effect both[2] = { mfa[0], edr[0] };
    r[3] = r[0];
    r[3].stream_id = 4;
    r[3].effects = both;
    r[3].neffects = 2;
    r[4] = r[2]; /* no controls: never simulated by a delta */
    r[4].stream_id = 5;
    portfolio *p;
    assert_int_equal(portfolio_new(&p, r, 5, controls, 2, NULL), E_OK);
    const portfolio_corr c[] = { { 1, 4, 0.6 }, { 0, 2, -0.3 } };
    assert_int_equal(portfolio_set_correlation(p, c, 2, NULL), E_OK);
    assert_int_equal(portfolio_links(p), 4); /* MFA: R1, R4; EDR: R2, R4 */
    seen_deltas s = { .n = n };
    s.delta[0] = malloc(n * sizeof *s.delta[0]);
    s.delta[1] = malloc(n * sizeof *s.delta[1]);
    fair_opts o = {
        .seed = 21, .iterations = n, .threads = 2, .progress = count_progress, .progress_ctx = &s
    };
    assert_int_equal(portfolio_toggle_each(p, &CURRENT, NULL, 0, &o, keep_delta, &s, NULL), E_OK);
    assert_int_equal(s.calls, 2);
    /* Progress counts what was simulated: MFA's two risks, then EDR's. */
    assert_true(s.total == 4 * n && s.done_at[0] == 2 * n && s.done_at[1] == 4 * n);
    double *want = malloc(n * sizeof *want);
    o.progress = NULL;
    for (long k = 0; k < 2; k++) {
        fair_scenario to = { FAIR_CURRENT, k, NULL };
        assert_int_equal(portfolio_delta(p, &CURRENT, &to, &o, want, NULL), E_OK);
        assert_memory_equal(want, s.delta[k], n * sizeof *want);
    }
    assert_true(mc_mean(s.delta[0], n) > 0.0); /* without MFA, more loss */
    assert_true(mc_mean(s.delta[1], n) < 0.0); /* with EDR, less */
    /* Only the controls asked for: EDR alone (want still holds its delta). */
    const size_t only_edr[] = { 1 }, no_such[] = { 2 };
    s.calls = 1;
    memset(s.delta[1], 0, n * sizeof *s.delta[1]);
    assert_int_equal(portfolio_toggle_each(p, &CURRENT, only_edr, 1, &o, keep_delta, &s, NULL),
                     E_OK);
    assert_int_equal(s.calls, 2);
    assert_memory_equal(want, s.delta[1], n * sizeof *want);
    assert_int_equal(portfolio_toggle_each(p, &CURRENT, no_such, 1, &o, keep_delta, &s, NULL),
                     E_INVALID);
    /* The walk stops at the first refusal, and a start that toggles a
     * control itself is refused. */
    s.calls = 0;
    s.stop_at = 1;
    assert_int_equal(portfolio_toggle_each(p, &CURRENT, NULL, 0, &o, keep_delta, &s, NULL),
                     E_INTERRUPTED);
    assert_int_equal(s.calls, 1);
    isms_err e = { 0 };
    fair_scenario toggled = { FAIR_CURRENT, 1, NULL };
    assert_int_equal(portfolio_toggle_each(p, &toggled, NULL, 0, &o, keep_delta, &s, &e),
                     E_INVALID);
    assert_string_equal(e.field, "scenario");
    free(want);
    free(s.delta[0]);
    free(s.delta[1]);
    portfolio_free(p);
}

static double spearman(const double *x, const double *y, size_t n)
{
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    /* Ranks by counting (n is small here): ties get the lower rank. */
    for (size_t i = 0; i < n; i++) {
        size_t a = 0, b = 0;
        for (size_t j = 0; j < n; j++)
            a += x[j] < x[i], b += y[j] < y[i];
        rx[i] = (double)a, ry[i] = (double)b;
    }
    double mx = mc_mean(rx, n), my = mc_mean(ry, n), sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
    }
    free(rx);
    free(ry);
    return sxy / sqrt(sxx * syy);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void rank_correlation(void **state)
{
    (void)state;
    const size_t n = 4000;
    fair_risk r[3];
    make_risks(r);
    r[1].lef = dist_uniform(0.3, 3); /* fewer ties at zero */
    portfolio *p;
    assert_int_equal(portfolio_new(&p, r, 3, controls, 2, NULL), E_OK);
    const portfolio_member m[] = { { 0, 0, 1.0 }, { 1, 1, 1.0 }, { 2, 2, 1.0 } };
    assert_int_equal(portfolio_set_groups(p, 3, m, 3, NULL), E_OK);
    const portfolio_corr c[] = { { 1, 2, 0.7 } };
    assert_int_equal(portfolio_set_correlation(p, c, 1, NULL), E_OK);
    portfolio_result res;
    fair_opts o = { .seed = 3, .iterations = n };
    assert_int_equal(portfolio_run(p, &INHERENT, &o, &res, NULL), E_OK);
    double rho = spearman(res.group + n, res.group + 2 * n, n);
    double rho0 = spearman(res.group, res.group + n, n);
    fprintf(stderr, "  spearman: correlated %.3f, independent %.3f\n", rho, rho0);
    assert_true(fabs(rho - 0.7) < 0.05);
    assert_true(fabs(rho0) < 5.0 / sqrt((double)n));
    /* Rearranged, not redrawn: each risk keeps its own values. */
    double *b = alone(&r[1], &INHERENT, n, 3), *g = malloc(n * sizeof *g);
    memcpy(g, res.group + n, n * sizeof *g);
    qsort(b, n, sizeof *b, cmp);
    qsort(g, n, sizeof *g, cmp);
    assert_memory_equal(b, g, n * sizeof *b);
    free(b);
    free(g);
    /* Thread count does not matter, correlation included. */
    portfolio_result again;
    o.threads = 7;
    assert_int_equal(portfolio_run(p, &INHERENT, &o, &again, NULL), E_OK);
    assert_memory_equal(res.total, again.total, n * sizeof *res.total);
    assert_memory_equal(res.group, again.group, 3 * n * sizeof *res.group);
    assert_memory_equal(res.risk_mean, again.risk_mean, 3 * sizeof *res.risk_mean);
    portfolio_result_reset(&again);
    /* A delta of a correlated risk follows the rearrangement of the run it
     * starts from, so that iterations stay paired. */
    fair_scenario with_edr = { FAIR_INHERENT, 1, NULL };
    portfolio_result to;
    o.threads = 2;
    assert_int_equal(portfolio_run(p, &with_edr, &o, &to, NULL), E_OK);
    double *delta = malloc(n * sizeof *delta);
    assert_int_equal(portfolio_delta(p, &INHERENT, &with_edr, &o, delta, NULL), E_OK);
    /* Rearranged with the "from" run's ranks, the delta still adds up to
     * the difference of the two runs. */
    double diff = mc_mean(to.total, n) - mc_mean(res.total, n);
    assert_true(fabs(mc_mean(delta, n) - diff) <= 1e-9 * mc_mean(res.total, n));
    assert_true(diff < 0.0);
    free(delta);
    portfolio_result_reset(&to);
    portfolio_result_reset(&res);
    portfolio_free(p);
}

/* Fed a risk at a time (three chunks of one), with a correlated pair
 * split across chunks, a run gives portfolio_run's bits on the three
 * together: total, groups, each risk's mean; and it never held more
 * than a chunk. */
static void chunks_give_the_bits_of_one_run(void **state)
{
    (void)state;
    const size_t n = 3000;
    fair_risk r[3];
    make_risks(r);
    r[1].lef = dist_uniform(0.3, 3);
    const portfolio_member m[] = { { 0, 0, 1.0 }, { 1, 1, 0.5 }, { 1, 0, 0.5 }, { 2, 1, 1.0 } };
    const portfolio_corr c[] = { { 0, 2, 0.6 } };
    portfolio *whole;
    assert_int_equal(portfolio_new(&whole, r, 3, controls, 2, NULL), E_OK);
    assert_int_equal(portfolio_set_groups(whole, 2, m, 4, NULL), E_OK);
    assert_int_equal(portfolio_set_correlation(whole, c, 1, NULL), E_OK);
    portfolio_result one, streamed;
    fair_opts o = { .seed = 9, .iterations = n, .threads = 2 };
    assert_int_equal(portfolio_run(whole, &CURRENT, &o, &one, NULL), E_OK);
    portfolio_stream *s;
    assert_int_equal(portfolio_stream_new(&s, 2, 3, c, 1, 1, &CURRENT, &o, NULL), E_OK);
    for (size_t k = 0; k < 3; k++) {
        portfolio *chunk;
        portfolio_member mine[2];
        size_t nm = 0;
        for (size_t j = 0; j < 4; j++)
            if (m[j].risk == k)
                mine[nm++] = (portfolio_member){ 0, m[j].group, m[j].share };
        assert_int_equal(portfolio_new(&chunk, &r[k], 1, controls, 2, NULL), E_OK);
        assert_int_equal(portfolio_set_groups(chunk, 2, mine, nm, NULL), E_OK);
        assert_int_equal(portfolio_stream_add(s, chunk, NULL), E_OK);
        portfolio_free(chunk);
    }
    assert_int_equal(portfolio_stream_held_most(s), 1);
    assert_int_equal(portfolio_stream_finish(s, &streamed, NULL), E_OK);
    portfolio_stream_free(s);
    assert_memory_equal(one.total, streamed.total, n * sizeof *one.total);
    assert_memory_equal(one.group, streamed.group, 2 * n * sizeof *one.group);
    assert_memory_equal(one.risk_mean, streamed.risk_mean, 3 * sizeof *one.risk_mean);
    portfolio_result_reset(&one);
    portfolio_result_reset(&streamed);
    portfolio_free(whole);
}

static void bad_inputs_are_named(void **state)
{
    (void)state;
    fair_risk r[3];
    make_risks(r);
    r[2].lef = dist_pert(1, 0.5, 2, 4, DIST_PERT_PYFAIR);
    portfolio *p;
    isms_err e = { 0 };
    assert_int_equal(portfolio_new(&p, r, 3, controls, 2, &e), E_INVALID);
    assert_string_equal(e.field, "risks[2].lef");
    make_risks(r);
    assert_int_equal(portfolio_new(&p, r, 3, controls, 2, NULL), E_OK);
    const portfolio_corr inconsistent[] = { { 0, 1, 0.9 }, { 1, 2, 0.9 }, { 0, 2, -0.9 } };
    err_clear(&e);
    assert_int_equal(portfolio_set_correlation(p, inconsistent, 3, &e), E_INVALID);
    assert_contains(e.msg, "inconsistent");
    const portfolio_corr bad[] = { { 0, 0, 0.5 }, { 0, 1, 1.0 }, { 0, 9, 0.1 } };
    for (int i = 0; i < 3; i++) {
        err_clear(&e);
        assert_int_equal(portfolio_set_correlation(p, &bad[i], 1, &e), E_INVALID);
        assert_string_equal(e.field, "correlation");
    }
    const portfolio_member m[] = { { 0, 5, 1.0 }, { 0, 0, 0.0 } };
    err_clear(&e);
    assert_int_equal(portfolio_set_groups(p, 2, &m[0], 1, &e), E_INVALID);
    err_clear(&e);
    assert_int_equal(portfolio_set_groups(p, 2, &m[1], 1, &e), E_INVALID);
    assert_contains(e.msg, "share 0");
    portfolio_result res;
    fair_opts o = { .iterations = 0 };
    err_clear(&e);
    assert_int_equal(portfolio_run(p, &INHERENT, &o, &res, &e), E_INVALID);
    volatile sig_atomic_t stop = 1;
    o = (fair_opts){ .iterations = 1000, .cancel = &stop };
    err_clear(&e);
    assert_int_equal(portfolio_run(p, &INHERENT, &o, &res, &e), E_INTERRUPTED);
    portfolio_free(p);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(sums_agree_with_risks_alone),
        cmocka_unit_test(delta_is_the_difference_of_runs),
        cmocka_unit_test(toggling_each_control_costs_its_links), cmocka_unit_test(rank_correlation),
        cmocka_unit_test(chunks_give_the_bits_of_one_run), cmocka_unit_test(bad_inputs_are_named))
