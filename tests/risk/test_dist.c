/* Distributions: closed forms, exact quantiles, the fast sampler against the
 * exact quantile, the text syntax, and every rejected parameter. */
#include "support/testutil.h"
#include "risk/mc.h"
#include "risk/dist.h"
#include "risk/special.h"

#include <stdlib.h>
#include <string.h>

enum { N = 200000 };

static double *draw(const dist *d, uint64_t seed, size_t n)
{
    dist_sampler s;
    isms_err e = { 0 };
    assert_int_equal(dist_sampler_init(&s, d, "x", &e), E_OK);
    double *x = malloc(n * sizeof *x);
    rng r;
    rng_stream(&r, seed, 0, 0, 0);
    dist_sampler_draw(&s, &r, x, n);
    dist_sampler_reset(&s);
    return x;
}

static void check_moments(const char *text, uint64_t seed)
{
    dist d;
    isms_err e = { 0 };
    assert_int_equal(dist_parse(text, &d, "x", &e), E_OK);
    double *x = draw(&d, seed, N);
    double mean = dist_mean(&d), var = dist_var(&d);
    fprintf(stderr, "  %-36s mean %-12.6g sample %-12.6g var %-12.6g sample %.6g\n", text, mean,
            mc_mean(x, N), var, mc_var(x, N));
    if (var == 0.0) {
        for (size_t i = 0; i < N; i++)
            assert_true(x[i] == mean);
    } else {
        assert_mean_near(x, N, mean, var);
        assert_var_near(x, N, var, mc_mu4(x, N));
    }
    free(x);
    dist_reset(&d);
}

static void sample_moments_match_closed_forms(void **state)
{
    (void)state;
    const char *texts[] = {
        "const(3.5)",
        "uniform(2,7)",
        "triangular(1,2,9)",
        "triangular(0,0,1)",
        "pert(0.5,2,6)",
        "pert(10000,100000,1000000)",
        "pert(10000,100000,1000000,vose)",
        "pert(1,5,100,gamma=2)",
        "pert(0,0,1)",
        "pert(0,1,1,vose)",
        "lognormal90(100000,10000000)",
        "lognormal(mu=1,sigma=0.5)",
        "normal(10,3)",
        "normal(1,2)",
        "normal(-3,1)",
        "beta(2,5)",
        "beta(0.5,0.5)",
        "beta(30,60)",
        "empirical(5,1,9,2,2,40)",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        check_moments(texts[i], 100 + i);
}

static void closed_forms_by_hand(void **state)
{
    (void)state;
    /* pyfair PERT: mean (l + g m + h)/(g + 2), sd (h - l)/(g + 2). */
    dist p = dist_pert(0.5, 2.0, 6.0, 4.0, DIST_PERT_PYFAIR);
    assert_true(fabs(dist_mean(&p) - 14.5 / 6.0) < 1e-12);
    assert_true(fabs(dist_var(&p) - (5.5 / 6.0) * (5.5 / 6.0)) < 1e-12);
    /* Vose: alpha = 1 + g (m - l)/r, beta = 1 + g (h - m)/r; same mean. */
    dist v = dist_pert(0.5, 2.0, 6.0, 4.0, DIST_PERT_VOSE);
    double a, b;
    dist_pert_shape(&v, &a, &b);
    assert_true(fabs(a - (1.0 + 4.0 * 1.5 / 5.5)) < 1e-12);
    assert_true(fabs(b - (1.0 + 4.0 * 4.0 / 5.5)) < 1e-12);
    assert_true(fabs(dist_mean(&v) - 14.5 / 6.0) < 1e-12);
    /* lognormal from a 90% interval: P5 and P95 are the interval. */
    dist l = dist_lognormal90(1e5, 1e7);
    assert_true(fabs(dist_quantile(&l, 0.05) / 1e5 - 1.0) < 1e-9);
    assert_true(fabs(dist_quantile(&l, 0.95) / 1e7 - 1.0) < 1e-9);
    double mu, sigma;
    dist_lognormal_params(&l, &mu, &sigma);
    assert_true(fabs(dist_mean(&l) - exp(mu + sigma * sigma / 2.0)) < 1e-6);
    /* Truncated normal: mean mu + sd phi(a)/(1 - Phi(a)), a = -mu/sd. */
    dist t = dist_normal(1.0, 2.0);
    double alpha = -0.5, lambda = sp_norm_pdf(alpha) / sp_norm_sf(alpha);
    assert_true(fabs(dist_mean(&t) - (1.0 + 2.0 * lambda)) < 1e-12);
}

/* The exact quantile inverts the exact CDF, at both ends too. */
static void quantile_inverts_cdf(void **state)
{
    (void)state;
    const char *texts[] = { "pert(0.5,2,6)",
                            "pert(1,5,100,vose)",
                            "beta(0.3,0.7)",
                            "beta(40,9)",
                            "lognormal90(100000,10000000)",
                            "normal(10,3)",
                            "normal(-2,1)",
                            "triangular(1,2,9)",
                            "uniform(-1,1)" };
    const double us[] = { 1e-15, 1e-9, 1e-4, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-6, 1 - 1e-12 };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        dist d;
        assert_int_equal(dist_parse(texts[i], &d, "x", NULL), E_OK);
        for (size_t k = 0; k < sizeof us / sizeof us[0]; k++) {
            double q = dist_quantile(&d, us[k]), u = dist_cdf(&d, q), lo, hi;
            double tol = 1e-9 * (us[k] < 0.5 ? us[k] : 1.0 - us[k]) + 1e-14;
            dist_support(&d, &lo, &hi);
            /* Where the quantile is closer to the end than a double can
             * tell, it is the end itself. */
            if (q == lo || q == hi)
                continue;
            if (!(fabs(u - us[k]) <= tol))
                fail_msg("%s: cdf(quantile(%g)) = %.17g", texts[i], us[k], u);
        }
    }
}

/* The table sampler against the exact quantile, over the body and both
 * tails (random words with many leading zeros or ones), and monotone. */
static void table_sampler_matches_exact_quantile(void **state)
{
    (void)state;
    const char *texts[] = { "pert(0.5,2,6)",
                            "pert(10000,100000,1000000,vose)",
                            "pert(0,0,1)",
                            "beta(0.2,0.5)",
                            "beta(50,80)",
                            "lognormal90(100000,10000000)",
                            "lognormal(mu=0,sigma=2)",
                            "normal(10,3)",
                            "normal(-5,1)" };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        dist d;
        dist_sampler s;
        assert_int_equal(dist_parse(texts[i], &d, "x", NULL), E_OK);
        assert_int_equal(dist_sampler_init(&s, &d, "x", NULL), E_OK);
        double lo, hi, sd = sqrt(dist_var(&d)), worst = 0.0;
        dist_support(&d, &lo, &hi);
        rng r;
        rng_stream(&r, 5, i, 0, 0);
        for (int k = 0; k < 20000; k++) {
            uint64_t x = rng_next(&r);
            if (k % 3 == 1)
                x >>= k % 60; /* deep into the lower tail */
            else if (k % 3 == 2)
                x = ~(~x >> (k % 60)); /* and the upper */
            double got = dist_sampler_at(&s, x), want = dist_quantile(&d, rng_u01(x));
            assert_true(got >= lo && got <= hi);
            /* Relative to the distance from the nearer end in the tails,
             * to the sd in the body. */
            double u = rng_u01(x);
            double scale = u < 0.01 ? want - lo : u > 0.99 && isfinite(hi) ? hi - want : sd;
            if (u > 0.99 && !isfinite(hi))
                scale = want;
            double err = fabs(got - want) / (scale > 0.0 ? scale : sd);
            worst = err > worst ? err : worst;
        }
        if (!(worst < 1e-3))
            fail_msg("%s: table error %.3g", texts[i], worst);
        double prev = -INFINITY;
        for (uint64_t x = 0; x < UINT64_MAX - (UINT64_MAX >> 14); x += UINT64_MAX >> 14) {
            double v = dist_sampler_at(&s, x);
            assert_true(v >= prev);
            prev = v;
        }
        dist_sampler_reset(&s);
    }
}

/* Filling many samples at once (four at a time on AVX2) gives the bits
 * of one at a time, in every part of the table: body, edge slices, tails. */
static void table_fill_matches_one_at_a_time(void **state)
{
    (void)state;
    const char *shapes[] = { "pert(10000,100000,1000000)", "lognormal90(100000,10000000)",
                             "normal(5,3)", "beta(0.5,0.5)" };
    enum { WORDS = 4099 };
    uint64_t *w = malloc(WORDS * sizeof *w);
    double *fast = malloc(WORDS * sizeof *fast), *plain = malloc(WORDS * sizeof *plain);
    rng r;
    rng_stream(&r, 3, 1, 4, 1);
    rng_fill(&r, w, WORDS);
    for (int k = 0; k < 64; k++) { /* slices 0-3 and 508-511, tails deep and shallow */
        w[k * 7] = (uint64_t)(k % 4) << 55 | (w[k * 7] >> (k % 50));
        w[k * 7 + 1] = ~((uint64_t)(k % 4) << 55 | (w[k * 7 + 1] >> (k % 50)));
    }
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        dist d;
        dist_sampler sp;
        assert_int_equal(dist_parse(shapes[i], &d, "x", NULL), E_OK);
        assert_int_equal(dist_sampler_init(&sp, &d, "x", NULL), E_OK);
        assert_non_null(sp.table);
        for (size_t n = 0; n <= WORDS; n += n < 9 ? 1 : 1021) {
            qtab_fill(sp.table, w, fast, n);
            qtab_fill_plain(sp.table, w, plain, n);
            assert_memory_equal(fast, plain, n * sizeof *fast);
        }
        qtab_fill(sp.table, w, fast, WORDS);
        for (size_t j = 0; j < WORDS; j++)
            assert_true(fast[j] == qtab_at(sp.table, w[j]));
        dist_sampler_reset(&sp);
    }
    free(w);
    free(fast);
    free(plain);
}

static void empirical_resamples_its_data(void **state)
{
    (void)state;
    const double data[] = { 40, 1, 2, 2, 9 };
    dist d;
    assert_int_equal(dist_empirical(&d, data, 5, "losses", NULL), E_OK);
    double *x = draw(&d, 3, N);
    size_t twos = 0;
    for (size_t i = 0; i < N; i++) {
        assert_true(x[i] == 1 || x[i] == 2 || x[i] == 9 || x[i] == 40);
        twos += x[i] == 2;
    }
    double share = (double)twos / N;
    assert_true(fabs(share - 0.4) < MC_SIGMAS * sqrt(0.24 / N));
    free(x);
    dist copy;
    dist_copy(&copy, &d);
    dist_reset(&d);
    assert_true(copy.data[0] == 1 && copy.data[4] == 40);
    dist_reset(&copy);
}

/* A distribution as text, and what is expected of it: its canonical text, or the message
 * refusing it. */
typedef struct text_case {
    const char *text, *expect;
} text_case;

static void text_round_trips(void **state)
{
    (void)state;
    static const text_case cases[] = {
        { "pert(0.5,2,6)", "pert(0.5,2,6)" },
        { " pert ( 10000 , 1e5, 1000000 , gamma = 4 ) ", "pert(10000,100000,1000000)" },
        { "pert(1,2,3,gamma=3,vose)", "pert(1,2,3,gamma=3,vose)" },
        { "pert(max=3,min=1,mode=2)", "pert(1,2,3)" },
        { "lognormal90(100000,10000000)", "lognormal90(100000,10000000)" },
        { "lognormal(mu=11.5,sigma=1.4)", "lognormal(mu=11.5,sigma=1.4)" },
        { "lognormal(sigma=2,mu=0.1)", "lognormal(mu=0.1,sigma=2)" },
        { "normal(10,3)", "normal(10,3)" },
        { "uniform(0.1,0.3)", "uniform(0.1,0.3)" },
        { "triangular(1,2,9)", "triangular(1,2,9)" },
        { "beta(2,5)", "beta(2,5)" },
        { "const(0.25)", "const(0.25)" },
        { "42", "const(42)" },
        { "empirical(3, 1,2)", "empirical(1,2,3)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dist d, again;
        isms_err e = { 0 };
        if (dist_parse(cases[i].text, &d, "x", &e))
            fail_msg("'%s': %s", cases[i].text, e.msg);
        buf b;
        buf_init(&b);
        dist_format(&d, &b);
        assert_string_equal(buf_str(&b), cases[i].expect);
        assert_int_equal(dist_parse(buf_str(&b), &again, "x", NULL), E_OK);
        assert_true(dist_mean(&again) == dist_mean(&d));
        buf_reset(&b);
        dist_reset(&d);
        dist_reset(&again);
    }
}

static void bad_parameters_are_named(void **state)
{
    (void)state;
    static const text_case cases[] = {
        { "pert(7,5,3)", "lef: pert min 7 is greater than max 3" },
        { "pert(1,9,5)", "most likely value 9 is outside [min 1, max 5]" },
        { "triangular(1,0,5)", "most likely value 0 is outside" },
        { "uniform(4,4)", "use const(4)" },
        { "pert(1,2,3,gamma=0)", "gamma is 0" },
        { "pert(1,2,3,gamma=-1)", "gamma is -1" },
        { "lognormal90(10,5)", "low (P5) 10 must be less than high (P95) 5" },
        { "lognormal90(10,10)", "must be less than" },
        { "lognormal90(0,5)", "low (P5) is 0" },
        { "lognormal(mu=1,sigma=0)", "sigma is 0" },
        { "normal(1,-1)", "sd is -1" },
        { "normal(-100,1)", "nothing is left" },
        { "beta(0,1)", "a is 0" },
        { "uniform(nan,1)", "min is nan, not a finite number" },
        { "pert(1,inf,3)", "mode is inf" },
        { "const(nan)", "value is nan" },
        { "empirical()", "at least one value" },
        { "empirical(1,nan)", "not a finite number" },
        { "pert(1,2)", "pert needs its max" },
        { "pert(1,2,3,4)", "takes 3 values" },
        { "pert(1,2,3,min=0)", "given twice" },
        { "pert(1,2,3,shape=2)", "no parameter 'shape'" },
        { "pert(1,2,3,fancy)", "does not know 'fancy'" },
        { "pret(1,2,3)", "unknown distribution 'pret'" },
        { "pert(1,2,3", "expected ',' or ')'" },
        { "pert(1,2,3) x", "unexpected text" },
        { "", "cannot read ''" },
        { "abc", "cannot read 'abc'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dist d;
        isms_err e = { 0 };
        int rc = dist_parse(cases[i].text, &d, "lef", &e);
        if (rc != E_INVALID)
            fail_msg("'%s' was accepted", cases[i].text);
        assert_string_equal(e.field, "lef");
        assert_contains(e.msg, cases[i].expect);
        assert_contains(e.msg, "lef");
    }
    /* Constructed (not parsed) dists are validated too. */
    isms_err e = { 0 };
    dist bad = dist_pert(5, 6, 1, 4, DIST_PERT_PYFAIR);
    dist_sampler s;
    assert_int_equal(dist_sampler_init(&s, &bad, "plm", &e), E_INVALID);
    assert_string_equal(e.field, "plm");
    dist_sampler_reset(&s);
    dist none = { 0 };
    err_clear(&e);
    assert_int_equal(dist_validate(&none, "tef", &e), E_INVALID);
    assert_contains(e.msg, "no distribution");
}

TU_MAIN(NULL, NULL, cmocka_unit_test(sample_moments_match_closed_forms),
        cmocka_unit_test(closed_forms_by_hand), cmocka_unit_test(quantile_inverts_cdf),
        cmocka_unit_test(table_sampler_matches_exact_quantile),
        cmocka_unit_test(table_fill_matches_one_at_a_time),
        cmocka_unit_test(empirical_resamples_its_data), cmocka_unit_test(text_round_trips),
        cmocka_unit_test(bad_parameters_are_named))
