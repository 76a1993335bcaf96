/* Agreement with the numpy baseline (bench/fair/workloads): the same
 * three workloads, at reduced sizes. Means and variances are checked
 * against closed forms; percentiles against numpy's, computed once with
 * large samples (python3 with numpy 1.24, numpy.random.default_rng, the
 * baseline's own functions pert(..., pert_ab_pyfair), compound_years and
 * the scatter variant):
 *
 *   (a) seed 11, 20,000,000 iterations     (b) seed 12, 20,000,000 years
 *   (c) compound: seed 13, 2,000,000 years (c) product: seed 14, 400,000
 *
 * A sample p-quantile agrees when the share of our sample at or below
 * numpy's p-quantile is p within 5 binomial standard errors (ours and
 * numpy's sample sizes both counted): a tolerance derived from the sample
 * sizes alone. */
#include "support/testutil.h"
#include "risk/mc.h"
#include "risk/portfolio.h"
#include "risk/stats.h"

#include <stdlib.h>
#include <string.h>

#define PORTFOLIO_CSV ISMS_SOURCE_DIR "/bench/fair/workloads/portfolio.csv"

static const double levels[4] = { 0.5, 0.9, 0.95, 0.99 };

typedef struct reference {
    double n, mean, q[4];
} reference;

static const reference numpy_a = { 2e7,
                                   568042.5135465793,
                                   { 435500.6208516048, 1218411.8754857236, 1528410.4086893543,
                                     2190106.816126939 } };
static const reference numpy_b = { 2e7,
                                   5332618.442742516,
                                   { 2408603.33705137, 13044367.665163817, 19700633.83820034,
                                     42671968.67136659 } };
static const reference numpy_c_compound = { 2e6,
                                            633570799.7222055,
                                            { 604386119.1646082, 843035026.4826052,
                                              941240995.5450853, 1209442766.4558954 } };
static const reference numpy_c_product = { 4e5,
                                           657394506.0037044,
                                           { 654739564.2653114, 726113866.231474, 748153402.5628732,
                                             791878945.8651989 } };

static void agree(const char *name, const double *x, size_t n, const reference *ref, double mean,
                  double var)
{
    double q[4];
    assert_int_equal(stats_quantiles(x, n, levels, 4, 0, q, NULL), E_OK);
    fprintf(stderr, "  %-10s n=%-7zu mean %.6g (exact %.6g, numpy %.6g)\n", name, n, mc_mean(x, n),
            mean, ref->mean);
    for (int i = 0; i < 4; i++) {
        fprintf(stderr, "  %-10s P%-2.0f %.6g (numpy %.6g)\n", name, 100 * levels[i], q[i],
                ref->q[i]);
        assert_quantile_near(x, n, levels[i], ref->q[i], ref->n);
    }
    assert_mean_near(x, n, mean, var);
    assert_var_near(x, n, var, mc_mu4(x, n));
    /* numpy's own mean agrees with the closed form too (a check on the
     * closed form as much as on numpy). */
    assert_true(fabs(ref->mean - mean) < MC_SIGMAS * sqrt(var / ref->n));
}

static double *run_one(const fair_risk *r, size_t n)
{
    fair_model *m;
    isms_err e = { 0 };
    if (fair_model_new(&m, r, NULL, 0, &e))
        fail_msg("%s", e.msg);
    double *x = malloc(n * sizeof *x);
    fair_opts o = { .seed = 99, .iterations = n };
    fair_scenario sc = { FAIR_INHERENT, -1, NULL };
    assert_int_equal(fair_simulate(m, &sc, 1, &o, &x, NULL, NULL), E_OK);
    fair_model_free(m);
    return x;
}

static double m2(const dist *d) { return dist_var(d) + dist_mean(d) * dist_mean(d); }

/* (a) PERT(0.5, 2, 6) events a year x PERT(10k, 100k, 1M) per event, gamma
 * 4, pyfair's product model and PERT. */
static void workload_a(void **state)
{
    (void)state;
    const size_t n = 200000;
    fair_risk r = { .name = "a",
                    .stream_id = 1,
                    .mode = FAIR_PRODUCT,
                    .lef = dist_pert(0.5, 2, 6, 4, DIST_PERT_PYFAIR),
                    .plm = dist_pert(1e4, 1e5, 1e6, 4, DIST_PERT_PYFAIR) };
    double *x = run_one(&r, n);
    double mean = dist_mean(&r.lef) * dist_mean(&r.plm);
    agree("(a)", x, n, &numpy_a, mean, m2(&r.lef) * m2(&r.plm) - mean * mean);
    free(x);
}

/* (b) Poisson(2) events a year, each lognormal with P5..P95 = 100k..10M. */
static void workload_b(void **state)
{
    (void)state;
    const size_t n = 200000;
    fair_risk r = {
        .name = "b", .stream_id = 2, .lef = dist_const(2), .plm = dist_lognormal90(1e5, 1e7)
    };
    double *x = run_one(&r, n);
    agree("(b)", x, n, &numpy_b, 2 * dist_mean(&r.plm), 2 * m2(&r.plm));
    free(x);
}

/* The 1,000 risks of portfolio.csv, both views. */
typedef struct shared_portfolio {
    fair_risk compound[1000], product[1000];
    size_t n;
} shared_portfolio;

static void read_portfolio(shared_portfolio *sp)
{
    char *text = tu_read_file(PORTFOLIO_CSV, NULL);
    if (!text)
        fail_msg("cannot read %s", PORTFOLIO_CSV);
    char *line = strchr(text, '\n');
    sp->n = 0;
    while (line && line[1] && sp->n < 1000) {
        double v[10];
        char *p = line + 1;
        for (int k = 0; k < 10; k++) {
            v[k] = strtod(p, &p);
            p += *p == ',';
        }
        size_t i = sp->n++;
        sp->compound[i] = (fair_risk){ .name = "c",
                                       .stream_id = 1000 + i,
                                       .lef = dist_const(v[1]),
                                       .plm = dist_lognormal90(v[2], v[3]) };
        sp->product[i] = (fair_risk){ .name = "c",
                                      .stream_id = 1000 + i,
                                      .mode = FAIR_PRODUCT,
                                      .lef = dist_pert(v[4], v[5], v[6], 4, DIST_PERT_PYFAIR),
                                      .plm = dist_pert(v[7], v[8], v[9], 4, DIST_PERT_PYFAIR) };
        line = strchr(p, '\n');
    }
    free(text);
    assert_int_equal(sp->n, 1000);
}

static double *run_portfolio(const fair_risk *risks, size_t nrisks, size_t n)
{
    portfolio *p;
    assert_int_equal(portfolio_new(&p, risks, nrisks, NULL, 0, NULL), E_OK);
    portfolio_result res;
    fair_opts o = { .seed = 7, .iterations = n };
    fair_scenario sc = { FAIR_INHERENT, -1, NULL };
    assert_int_equal(portfolio_run(p, &sc, &o, &res, NULL), E_OK);
    double *x = res.total;
    res.total = NULL;
    portfolio_result_reset(&res);
    portfolio_free(p);
    return x;
}

/* (c) riskquant's model per risk, summed per simulated year. */
static void workload_c_compound(void **state)
{
    (void)state;
    static shared_portfolio sp;
    read_portfolio(&sp);
    const size_t n = 20000;
    double *x = run_portfolio(sp.compound, sp.n, n);
    double mean = 0, var = 0;
    for (size_t i = 0; i < sp.n; i++) {
        double rate = sp.compound[i].lef.value;
        mean += rate * dist_mean(&sp.compound[i].plm);
        var += rate * m2(&sp.compound[i].plm);
    }
    agree("(c) comp.", x, n, &numpy_c_compound, mean, var);
    free(x);
}

/* (c) pyfair's model per risk, summed per iteration. */
static void workload_c_product(void **state)
{
    (void)state;
    static shared_portfolio sp;
    read_portfolio(&sp);
    const size_t n = 10000;
    double *x = run_portfolio(sp.product, sp.n, n);
    double mean = 0, var = 0;
    for (size_t i = 0; i < sp.n; i++) {
        const fair_risk *r = &sp.product[i];
        double m = dist_mean(&r->lef) * dist_mean(&r->plm);
        mean += m;
        var += m2(&r->lef) * m2(&r->plm) - m * m;
    }
    agree("(c) prod.", x, n, &numpy_c_product, mean, var);
    free(x);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(workload_a), cmocka_unit_test(workload_b),
        cmocka_unit_test(workload_c_compound), cmocka_unit_test(workload_c_product))
