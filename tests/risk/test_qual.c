/* The qualitative matrix: bands, cells, heat map, configuration errors. */
#include "support/testutil.h"
#include "risk/qual.h"

#include <math.h>

static void bands_and_cells(void **state)
{
    (void)state;
    qual_matrix m;
    assert_int_equal(qual_matrix_default(&m, 5, NULL), E_OK);
    assert_int_equal(qual_matrix_validate(&m, NULL), E_OK);
    /* Level k covers [threshold k-1, threshold k). */
    assert_int_equal(qual_level(&m.likelihood, 0.0), 1);
    assert_int_equal(qual_level(&m.likelihood, 0.0999), 1);
    assert_int_equal(qual_level(&m.likelihood, 0.1), 2);
    assert_int_equal(qual_level(&m.likelihood, 1.0), 4);
    assert_int_equal(qual_level(&m.likelihood, 50.0), 5);
    assert_int_equal(qual_level(&m.impact, 5e6), 4);
    qual_cell c = qual_map(&m, 2.0, 2e5);
    assert_int_equal(c.likelihood, 4);
    assert_int_equal(c.impact, 3);
    for (int n = 3; n <= 5; n++) {
        assert_int_equal(qual_matrix_default(&m, n, NULL), E_OK);
        for (int level = 1; level <= n; level++) {
            double lo, hi, rep = qual_level_representative(&m.impact, level);
            qual_level_range(&m.impact, level, &lo, &hi);
            assert_true(rep >= lo && rep < hi);
            assert_int_equal(qual_level(&m.impact, rep), level);
        }
    }
}

static void heat_map(void **state)
{
    (void)state;
    qual_matrix m;
    assert_int_equal(qual_matrix_default(&m, 3, NULL), E_OK);
    const double freq[] = { 0.05, 0.5, 0.5, 5.0, 5.0, 5.0 };
    const double mag[] = { 1e3, 2e5, 3e5, 1e7, 1e7, 1.0 };
    unsigned counts[RISK_MATRIX_MAX][RISK_MATRIX_MAX];
    qual_heatmap(&m, freq, mag, 6, counts);
    assert_int_equal(counts[0][0], 1);
    assert_int_equal(counts[1][1], 2);
    assert_int_equal(counts[2][2], 2);
    assert_int_equal(counts[2][0], 1);
    unsigned total = 0;
    for (int l = 0; l < RISK_MATRIX_MAX; l++)
        for (int i = 0; i < RISK_MATRIX_MAX; i++)
            total += counts[l][i];
    assert_int_equal(total, 6);
}

static void bad_matrices(void **state)
{
    (void)state;
    qual_matrix m;
    isms_err e = { 0 };
    assert_int_equal(qual_matrix_default(&m, 6, &e), E_INVALID);
    assert_contains(e.msg, "6x6");
    assert_int_equal(qual_matrix_default(&m, 4, NULL), E_OK);
    m.impact.thresholds[2] = m.impact.thresholds[1];
    err_clear(&e);
    assert_int_equal(qual_matrix_validate(&m, &e), E_INVALID);
    assert_string_equal(e.field, "impact");
    assert_contains(e.msg, "threshold 3");
    assert_int_equal(qual_matrix_default(&m, 4, NULL), E_OK);
    m.likelihood.thresholds[0] = NAN;
    err_clear(&e);
    assert_int_equal(qual_matrix_validate(&m, &e), E_INVALID);
    assert_string_equal(e.field, "likelihood");
    assert_int_equal(qual_matrix_default(&m, 4, NULL), E_OK);
    m.impact.levels = 3;
    err_clear(&e);
    assert_int_equal(qual_matrix_validate(&m, &e), E_INVALID);
    assert_contains(e.msg, "square");
}

TU_MAIN(NULL, NULL, cmocka_unit_test(bands_and_cells), cmocka_unit_test(heat_map),
        cmocka_unit_test(bad_matrices))
