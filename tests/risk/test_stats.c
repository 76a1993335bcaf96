/* Statistics of a loss sample against a sort-based reference: numpy's
 * linear percentiles, moments, expected shortfall, exceedance, the loss
 * exceedance curve; the same bits whatever the thread count. */
#include "risk/mc.h"
#include "risk/rng.h"
#include "risk/stats.h"

#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_copy(const double *x, size_t n)
{
    double *s = malloc(n * sizeof *s);
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp);
    return s;
}

/* numpy.percentile's default ("linear"). */
static double reference_quantile(const double *sorted, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)h;
    if (lo >= n - 1)
        return sorted[n - 1];
    double f = h - (double)lo;
    return f == 0.0 ? sorted[lo] : sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

typedef enum shape { LOGNORMAL, MOSTLY_ZERO, FEW_VALUES, SIGNED, NARROW } shape;

static double *sample(shape s, size_t n, uint64_t seed)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    rng r;
    rng_stream(&r, seed, s, 0, 0);
    for (size_t i = 0; i < n; i++) {
        double u = rng_uniform(&r), v = rng_uniform(&r);
        switch (s) {
        case LOGNORMAL:
            x[i] = exp(12 + 1.5 * sqrt(-2 * log(u)) * cos(6.283185307179586 * v));
            break;
        case MOSTLY_ZERO:   /* years without a loss event */
            x[i] = u < 0.85 ? 0.0 : 1e5 / v;
            break;
        case FEW_VALUES:
            x[i] = (double)(int)(u * 4) * 1000.0;
            break;
        case SIGNED:
            x[i] = (u - 0.5) * 1e3 + (v < 0.01 ? -1e6 : 0.0);
            break;
        case NARROW:        /* everything inside one histogram bucket */
            x[i] = 1e6 + u;
            break;
        }
    }
    return x;
}

static const double levels[] = {0.0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0, 0.123456};
enum { NLEVELS = sizeof levels / sizeof levels[0] };

static void quantiles_match_sorting(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 2, 5, 100, 16384, 16385, 100000, 250001};
    for (int s = LOGNORMAL; s <= NARROW; s++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            double *x = sample((shape)s, n, 1 + k), *sorted = sorted_copy(x, n), out[NLEVELS];
            assert_int_equal(stats_quantiles(x, n, levels, NLEVELS, 2, out, NULL), E_OK);
            for (int i = 0; i < NLEVELS; i++) {
                double want = reference_quantile(sorted, n, levels[i]);
                if (out[i] != want)
                    fail_msg("shape %d n %zu level %g: %.17g, want %.17g", s, n, levels[i], out[i], want);
            }
            free(x);
            free(sorted);
        }
}

static void summary_matches_definitions(void **state)
{
    (void)state;
    const size_t n = 123457;
    for (int s = LOGNORMAL; s <= NARROW; s++) {
        double *x = sample((shape)s, n, 9), *sorted = sorted_copy(x, n);
        stats_opts o = {.var_level = 0.99, .appetite = sorted[n / 2], .tolerance = sorted[n - 10]};
        stats_summary sum;
        assert_int_equal(stats_summarize(x, n, &o, &sum, NULL), E_OK);
        double mean = mc_mean(x, n), sd = sqrt(mc_var(x, n));
        assert_true(fabs(sum.mean - mean) <= 1e-12 * fabs(mean) + 1e-12);
        assert_true(fabs(sum.sd - sd) <= 1e-9 * sd + 1e-12);
        assert_true(sum.min == sorted[0] && sum.max == sorted[n - 1]);
        assert_true(sum.p50 == reference_quantile(sorted, n, 0.5));
        assert_true(sum.p90 == reference_quantile(sorted, n, 0.9));
        assert_true(sum.p95 == reference_quantile(sorted, n, 0.95));
        assert_true(sum.p99 == reference_quantile(sorted, n, 0.99));
        assert_true(sum.var == sum.p99);
        /* Expected shortfall: the mean of the k = n - floor(0.99 n) worst. */
        size_t k = n - (size_t)floor(0.99 * n);
        double top = 0.0;
        for (size_t i = n - k; i < n; i++)
            top += sorted[i];
        assert_true(fabs(sum.es - top / k) <= 1e-12 * fabs(top / k) + 1e-9);
        size_t above = 0, above_tol = 0;
        for (size_t i = 0; i < n; i++)
            above += x[i] > o.appetite, above_tol += x[i] > o.tolerance;
        assert_true(sum.p_above_appetite == (double)above / n);
        assert_true(sum.p_above_tolerance == (double)above_tol / n);
        assert_true(stats_prob_above(x, n, o.appetite) == (double)above / n);
        assert_true(stats_prob_within(x, n, o.tolerance) == 1.0 - (double)above_tol / n);
        free(x);
        free(sorted);
    }
}

static void thread_count_does_not_matter(void **state)
{
    (void)state;
    const size_t n = 300001;
    double *x = sample(LOGNORMAL, n, 4);
    stats_summary one, many;
    stats_opts o = {.threads = 1, .appetite = 3e5, .tolerance = 1e6};
    assert_int_equal(stats_summarize(x, n, &o, &one, NULL), E_OK);
    const unsigned counts[] = {2, 3, 7};
    for (int i = 0; i < 3; i++) {
        o.threads = counts[i];
        assert_int_equal(stats_summarize(x, n, &o, &many, NULL), E_OK);
        assert_memory_equal(&one, &many, sizeof one);
    }
    free(x);
}

static void bad_samples_are_rejected(void **state)
{
    (void)state;
    double x[3] = {1, NAN, 2}, out;
    stats_summary s;
    stats_opts o = {0};
    isms_err e = {0};
    assert_int_equal(stats_summarize(x, 3, &o, &s, &e), E_INVALID);
    assert_contains(e.msg, "NaN");
    err_clear(&e);
    assert_int_equal(stats_summarize(x, 0, &o, &s, &e), E_INVALID);
    err_clear(&e);
    o.var_level = 1.5;
    assert_int_equal(stats_summarize(x + 2, 1, &o, &s, &e), E_INVALID);
    assert_string_equal(e.field, "var_level");
    err_clear(&e);
    double level = 1.2;
    assert_int_equal(stats_quantiles(x, 1, &level, 1, 1, &out, &e), E_INVALID);
    assert_contains(e.msg, "1.2");
}

static void loss_exceedance_curve(void **state)
{
    (void)state;
    const size_t n = 50000;
    for (int s = LOGNORMAL; s <= MOSTLY_ZERO; s++)
        for (int log_scale = 0; log_scale <= 1; log_scale++) {
            double *x = sample((shape)s, n, 5);
            stats_lec_point pts[40];
            assert_int_equal(stats_lec(x, n, 40, 0, 0, log_scale, pts, NULL), E_OK);
            for (int k = 0; k < 40; k++) {
                size_t above = 0;
                for (size_t i = 0; i < n; i++)
                    above += x[i] > pts[k].loss;
                assert_true(pts[k].p_exceed == (double)above / n);
                if (k > 0) {
                    assert_true(pts[k].loss > pts[k - 1].loss);
                    assert_true(pts[k].p_exceed <= pts[k - 1].p_exceed);
                }
            }
            if (!log_scale)
                assert_true(pts[0].loss == 0.0);
            /* The automatic range ends at P99.9: about 0.1% exceed it. */
            assert_true(fabs(pts[39].p_exceed - 0.001) < 0.001);
            free(x);
        }
    /* An explicit range, and no loss at all. */
    double zeros[100] = {0};
    stats_lec_point pts[3];
    assert_int_equal(stats_lec(zeros, 100, 3, 0, 0, 0, pts, NULL), E_OK);
    assert_true(pts[0].p_exceed == 0.0 && pts[2].loss == 1.0);
    double two[2] = {5, 15};
    assert_int_equal(stats_lec(two, 2, 3, 0, 20, 0, pts, NULL), E_OK);
    assert_true(pts[0].p_exceed == 1.0 && pts[1].p_exceed == 0.5 && pts[2].p_exceed == 0.0);
    isms_err e = {0};
    assert_int_equal(stats_lec(two, 2, 3, 10, 5, 0, pts, &e), E_INVALID);
    assert_int_equal(stats_lec(two, 2, 1, 0, 0, 0, pts, NULL), E_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_match_sorting),
        cmocka_unit_test(summary_matches_definitions),
        cmocka_unit_test(thread_count_does_not_matter),
        cmocka_unit_test(bad_samples_are_rejected),
        cmocka_unit_test(loss_exceedance_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
