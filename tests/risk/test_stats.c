/* Statistics of a loss sample against a sort-based reference: numpy's
 * linear percentiles, moments, expected shortfall, exceedance, the loss
 * exceedance curve; the same bits whatever the thread count. */
#include "risk/mc.h"
#include "risk/rng.h"
#include "risk/stats.h"
#include "risk/stats_impl.h"

#include <stdio.h>
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

typedef enum shape { LOGNORMAL, MOSTLY_ZERO, FEW_VALUES, SIGNED, NARROW, SORTED, CONSTANT } shape;

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
        case MOSTLY_ZERO: /* years without a loss event */ x[i] = u < 0.85 ? 0.0 : 1e5 / v; break;
        case FEW_VALUES: x[i] = (double)(int)(u * 4) * 1000.0; break;
        case SIGNED: x[i] = (u - 0.5) * 1e3 + (v < 0.01 ? -1e6 : 0.0); break;
        case NARROW: /* everything inside one histogram bucket */ x[i] = 1e6 + u; break;
        case SORTED: /* the pilot (the first blocks) unlike the rest */
            x[i] = (double)i * 3.0 + u;
            break;
        case CONSTANT: /* a certain loss */ x[i] = 2.5e5; break;
        }
    }
    return x;
}

static const double levels[] = { 0.0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0, 0.123456 };
enum { NLEVELS = sizeof levels / sizeof levels[0] };

static void quantiles_match_sorting(void **state)
{
    (void)state;
    const size_t sizes[] = { 1, 2, 5, 100, 16384, 16385, 100000, 250001 };
    for (int s = LOGNORMAL; s <= NARROW; s++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            double *x = sample((shape)s, n, 1 + k), *sorted = sorted_copy(x, n), out[NLEVELS];
            assert_int_equal(stats_quantiles(x, n, levels, NLEVELS, 2, out, NULL), E_OK);
            for (int i = 0; i < NLEVELS; i++) {
                double want = reference_quantile(sorted, n, levels[i]);
                if (out[i] != want)
                    fail_msg("shape %d n %zu level %g: %.17g, want %.17g", s, n, levels[i], out[i],
                             want);
            }
            free(x);
            free(sorted);
        }
}

/* The standard error of a percentile: for a uniform sample on [0, 1] the
 * p-quantile's is sqrt(p (1 - p) / n); it shrinks as 1/sqrt(n). */
static void quantile_standard_errors(void **state)
{
    (void)state;
    const double at[] = { 0.5, 0.95, 0.99 };
    for (int k = 0; k < 2; k++) {
        size_t n = k ? 400000 : 100000;
        double *x = malloc(sizeof *x * n), se[3];
        rng r;
        rng_init(&r, 11 + (uint64_t)k);
        for (size_t i = 0; i < n; i++)
            x[i] = rng_uniform(&r);
        assert_int_equal(stats_quantile_se(x, n, at, 3, 2, se, NULL), E_OK);
        for (int i = 0; i < 3; i++) {
            double want = sqrt(at[i] * (1 - at[i]) / (double)n);
            if (fabs(se[i] / want - 1) > 0.2)
                fail_msg("n %zu level %g: se %g, want about %g", n, at[i], se[i], want);
        }
        free(x);
    }
}

/* A summary against its definitions, computed the slow way. */
static void check_summary(const double *x, size_t n, const stats_opts *o, const char *what)
{
    double *sorted = sorted_copy(x, n);
    stats_summary sum;
    assert_int_equal(stats_summarize(x, n, o, &sum, NULL), E_OK);
    double mean = mc_mean(x, n), sd = n > 1 ? sqrt(mc_var(x, n)) : 0.0;
    double level = o->var_level ? o->var_level : 0.95;
    if (!(fabs(sum.mean - mean) <= 1e-12 * fabs(mean) + 1e-12) ||
        !(fabs(sum.sd - sd) <= 1e-9 * sd + 1e-12))
        fail_msg("%s n %zu: mean %.17g sd %.17g, want %.17g %.17g", what, n, sum.mean, sum.sd, mean,
                 sd);
    assert_true(sum.min == sorted[0] && sum.max == sorted[n - 1]);
    const double at[5] = { 0.5, 0.9, 0.95, 0.99, level };
    const double got[5] = { sum.p50, sum.p90, sum.p95, sum.p99, sum.var };
    for (int i = 0; i < 5; i++)
        if (got[i] != reference_quantile(sorted, n, at[i]))
            fail_msg("%s n %zu level %g: %.17g, want %.17g", what, n, at[i], got[i],
                     reference_quantile(sorted, n, at[i]));
    /* Expected shortfall: the mean of the k = n - floor(level n) worst. */
    size_t k = n - (size_t)floor(level * n);
    k = k ? k : 1;
    double top = 0.0;
    for (size_t i = n - k; i < n; i++)
        top += sorted[i];
    if (!(fabs(sum.es - top / k) <= 1e-12 * fabs(top / k) + 1e-9))
        fail_msg("%s n %zu: ES %.17g, want %.17g", what, n, sum.es, top / k);
    size_t above = 0, above_tol = 0;
    for (size_t i = 0; i < n; i++)
        above += x[i] > o->appetite, above_tol += x[i] > o->tolerance;
    assert_true(sum.p_above_appetite == (double)above / n);
    assert_true(sum.p_above_tolerance == (double)above_tol / n);
    free(sorted);
}

static void summary_matches_definitions(void **state)
{
    (void)state;
    /* Below STATS_STREAM_MIN without a pilot; above, with brackets (and
     * the fall-back when the pilot misleads, as with SORTED). */
    const size_t sizes[] = { 1, 3, 1000, STATS_STREAM_MIN - 1, STATS_STREAM_MIN, 123457, 400003 };
    for (int s = LOGNORMAL; s <= CONSTANT; s++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            double *x = sample((shape)s, n, 9 + k), *sorted = sorted_copy(x, n);
            stats_opts o = { .var_level = k % 2 ? 0.99 : 0.975,
                             .appetite = sorted[n / 2],
                             .tolerance = sorted[n - 1 - n / 100] };
            char what[32];
            snprintf(what, sizeof what, "shape %d", s);
            check_summary(x, n, &o, what);
            stats_opts plain = { 0 };
            check_summary(x, n, &plain, what);
            free(x);
            free(sorted);
        }
}

/* The stream's own steps, blocks in reverse order on two workers: the
 * same summary as stats_summarize, found in the brackets when the pilot is
 * like the rest, by the exact fall-back when it is not (SORTED). */
static void stream_steps(void **state)
{
    (void)state;
    const size_t n = 250001;
    const shape shapes[] = { LOGNORMAL, MOSTLY_ZERO, SIGNED, NARROW, SORTED };
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        double *x = sample(shapes[k], n, 77);
        stats_opts o = { .appetite = 1e5, .tolerance = 1e6 };
        stats_stream *s;
        assert_int_equal(stats_stream_new(&s, n, &o, NULL), E_OK);
        assert_true(stats_stream_pilot(s) > 1); /* brackets planned from several blocks */
        stats_stream_plan(s, x, 2);
        size_t nblocks = (n + STATS_BLOCK - 1) / STATS_BLOCK;
        for (size_t b = nblocks; b-- > 0;)
            stats_stream_block(s, x, b, (unsigned)(b % 2));
        stats_summary streamed, whole;
        assert_int_equal(stats_stream_finish(s, x, &streamed, NULL), E_OK);
        assert_int_equal(stats_stream_bracketed(s), shapes[k] != SORTED);
        stats_stream_free(s);
        assert_int_equal(stats_summarize(x, n, &o, &whole, NULL), E_OK);
        assert_memory_equal(&streamed, &whole, sizeof whole);
        free(x);
    }
}

/* Selection by digits, from keys and straight from values, against
 * sorting: wide and narrow ranges, a common minimum (years without a
 * loss), ties, all equal, tiny sets. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void radix_selection_matches_sorting(void **state)
{
    (void)state;
    const size_t sizes[] = { 1, 7, 48, 49, 1000, 65536 };
    for (int s = LOGNORMAL; s <= CONSTANT; s++)
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            size_t n = sizes[k];
            double *x = sample((shape)s, n, 31 + k);
            uint64_t *keys = malloc(n * sizeof *keys), *sorted = malloc(n * sizeof *sorted);
            for (size_t i = 0; i < n; i++)
                keys[i] = sorted[i] = stats_key(x[i]);
            qsort(sorted, n, sizeof *sorted, cmp_u64);
            size_t r[9] = { 0,     n / 10,        n / 3,          n / 2,
                            n / 2, n - 1 - n / 4, n - 1 - n / 20, n - 1 - n / 100,
                            n - 1 };
            uint64_t from_keys[9], from_values[9];
            stats_radix_select_values(x, n, r, 9, from_values);
            stats_radix_select(keys, n, r, 9, from_keys);
            for (int i = 0; i < 9; i++)
                if (from_keys[i] != sorted[r[i]] || from_values[i] != sorted[r[i]])
                    fail_msg("shape %d n %zu rank %zu: %.17g / %.17g, want %.17g", s, n, r[i],
                             stats_value(from_keys[i]), stats_value(from_values[i]),
                             stats_value(sorted[r[i]]));
            free(x);
            free(keys);
            free(sorted);
        }
}

/* The one pass's versions (portable, SSE2, AVX2 where the CPU has them)
 * give the same bits: same totals, same copies in the same order. */
static void scan_versions_agree(void **state)
{
    (void)state;
    const size_t lengths[] = { 0, 1, 3, 4, 7, 1000, STATS_BLOCK - 1, STATS_BLOCK };
    double *x = sample(SIGNED, STATS_BLOCK, 3), *mixed = sample(MOSTLY_ZERO, STATS_BLOCK, 4);
    for (size_t i = 0; i < STATS_BLOCK; i += 3)
        x[i] = mixed[i]; /* zeros, negatives and large values */
    double pools[3][STATS_BLOCK + 4];
    for (size_t nb = 0; nb <= STATS_MAX_BRACKETS; nb++)
        for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
            scan_plan p = {
                .shift = x[0], .thresholds = { 0.0, 1e5 }, .es_from = 300.0, .nbrackets = nb
            };
            const double from[4] = { -INFINITY, -10.0, 100.0, 2e5 },
                         past[4] = { -200.0, 50.0, 1e5, NAN };
            for (size_t j = 0; j < nb; j++)
                p.from[j] = from[j], p.past[j] = past[j];
            scan_tally t[3];
            size_t len[3];
            for (int v = STATS_SCAN_PORTABLE; v <= STATS_SCAN_AVX2; v++) {
                if (!stats_scan_has(v))
                    continue;
                len[v] = stats_scan_version(v, &p, x, lengths[k], &t[v], pools[v]);
                if (v == STATS_SCAN_PORTABLE)
                    continue;
                assert_int_equal(len[v], len[0]);
                assert_memory_equal(&t[v], &t[0], sizeof t[0]);
                assert_memory_equal(pools[v], pools[0], len[0] * sizeof(double));
            }
            /* And the portable version against the plain definitions. */
            uint64_t inside = 0, zeros = 0;
            for (size_t i = 0; i < lengths[k]; i++) {
                int in = 0;
                for (size_t j = 0; j < nb; j++)
                    in |= x[i] >= from[j] && !(x[i] >= past[j]);
                inside += (uint64_t)(in && x[i] != 0.0);
                zeros += x[i] == 0.0;
            }
            assert_int_equal(len[0], inside);
            assert_int_equal(t[0].zeros, zeros);
        }
    free(x);
    free(mixed);
}

static void thread_count_does_not_matter(void **state)
{
    (void)state;
    const size_t n = 300001;
    double *x = sample(LOGNORMAL, n, 4);
    stats_summary one, many;
    stats_opts o = { .threads = 1, .appetite = 3e5, .tolerance = 1e6 };
    assert_int_equal(stats_summarize(x, n, &o, &one, NULL), E_OK);
    const unsigned counts[] = { 2, 3, 7 };
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
    double x[3] = { 1, NAN, 2 }, out;
    stats_summary s;
    stats_opts o = { 0 };
    isms_err e = { 0 };
    assert_int_equal(stats_summarize(x, 3, &o, &s, &e), E_INVALID);
    assert_contains(e.msg, "NaN");
    err_clear(&e);
    size_t n = 3 * STATS_STREAM_MIN; /* a streamed summary too */
    double *big = sample(LOGNORMAL, n, 2);
    big[n - 5] = NAN;
    assert_int_equal(stats_summarize(big, n, &o, &s, &e), E_INVALID);
    assert_contains(e.msg, "NaN");
    err_clear(&e);
    free(big);
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
            assert_int_equal(stats_lec(x, n, 40, 0, 0, log_scale, NULL, pts, NULL), E_OK);
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
    double zeros[100] = { 0 };
    stats_lec_point pts[3];
    assert_int_equal(stats_lec(zeros, 100, 3, 0, 0, 0, NULL, pts, NULL), E_OK);
    assert_true(pts[0].p_exceed == 0.0 && pts[2].loss == 1.0);
    double two[2] = { 5, 15 };
    assert_int_equal(stats_lec(two, 2, 3, 0, 20, 0, NULL, pts, NULL), E_OK);
    assert_true(pts[0].p_exceed == 1.0 && pts[1].p_exceed == 0.5 && pts[2].p_exceed == 0.0);
    isms_err e = { 0 };
    assert_int_equal(stats_lec(two, 2, 3, 10, 5, 0, NULL, pts, &e), E_INVALID);
    assert_int_equal(stats_lec(two, 2, 1, 0, 0, 0, NULL, pts, NULL), E_INVALID);
    /* The curve of a long run looks at the cancel flag. */
    double *many = malloc(3 * STATS_CANCEL_EVERY * sizeof *many);
    for (size_t i = 0; i < 3 * STATS_CANCEL_EVERY; i++)
        many[i] = (double)(i % 1000);
    volatile sig_atomic_t stop = 1;
    assert_int_equal(stats_lec(many, 3 * STATS_CANCEL_EVERY, 3, 0, 0, 1, &stop, pts, &e),
                     E_INTERRUPTED);
    stop = 0;
    assert_int_equal(stats_lec(many, 3 * STATS_CANCEL_EVERY, 3, 0, 0, 1, &stop, pts, NULL), E_OK);
    free(many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_match_sorting),
        cmocka_unit_test(quantile_standard_errors),
        cmocka_unit_test(summary_matches_definitions),
        cmocka_unit_test(radix_selection_matches_sorting),
        cmocka_unit_test(scan_versions_agree),
        cmocka_unit_test(stream_steps),
        cmocka_unit_test(thread_count_does_not_matter),
        cmocka_unit_test(bad_samples_are_rejected),
        cmocka_unit_test(loss_exceedance_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
