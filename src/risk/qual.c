#include "risk/qual.h"

#include <math.h>
#include <string.h>

/* Defaults per matrix size: thresholds picked from the 5-level ladder. */
enum { MATRIX_SIZES = RISK_MATRIX_MAX - RISK_MATRIX_MIN + 1 };
static const double freq_ladder[MATRIX_SIZES][RISK_MATRIX_MAX - 1] = {
    { 0.1, 1.0 },                 /* 3 levels */
    { 0.1, 0.5, 2.0 },            /* 4 */
    { 0.1, 1.0 / 3.0, 1.0, 3.0 }, /* 5 */
};
static const double money_ladder[MATRIX_SIZES][RISK_MATRIX_MAX - 1] = {
    { 1e5, 1e6 },
    { 3e4, 3e5, 3e6 },
    { 1e4, 1e5, 1e6, 1e7 },
};

int qual_matrix_default(qual_matrix *m, int levels, isms_err *e)
{
    if (levels < RISK_MATRIX_MIN || levels > RISK_MATRIX_MAX)
        return err_set(e, E_INVALID, "levels",
                       "levels: a %dx%d matrix is not supported; %d to %d levels", levels, levels,
                       RISK_MATRIX_MIN, RISK_MATRIX_MAX);
    memset(m, 0, sizeof *m);
    m->likelihood.levels = m->impact.levels = levels;
    memcpy(m->likelihood.thresholds, freq_ladder[levels - RISK_MATRIX_MIN], sizeof freq_ladder[0]);
    memcpy(m->impact.thresholds, money_ladder[levels - RISK_MATRIX_MIN], sizeof money_ladder[0]);
    return E_OK;
}

static int check_scale(const qual_scale *s, const char *axis, isms_err *e)
{
    if (s->levels < RISK_MATRIX_MIN || s->levels > RISK_MATRIX_MAX)
        return err_set(e, E_INVALID, axis, "%s: %d levels; %d to %d are supported", axis, s->levels,
                       RISK_MATRIX_MIN, RISK_MATRIX_MAX);
    for (int k = 0; k < s->levels - 1; k++) {
        double t = s->thresholds[k];
        if (!(isfinite(t) && t > 0.0))
            return err_set(e, E_INVALID, axis,
                           "%s: threshold %d is %g; thresholds are positive numbers", axis, k + 1,
                           t);
        if (k > 0 && !(t > s->thresholds[k - 1]))
            return err_set(e, E_INVALID, axis,
                           "%s: threshold %d (%g) must be above threshold %d (%g)", axis, k + 1, t,
                           k, s->thresholds[k - 1]);
    }
    return E_OK;
}

int qual_matrix_validate(const qual_matrix *m, isms_err *e)
{
    int rc = check_scale(&m->likelihood, "likelihood", e);
    if (!rc)
        rc = check_scale(&m->impact, "impact", e);
    if (!rc && m->likelihood.levels != m->impact.levels)
        rc = err_set(e, E_INVALID, "impact",
                     "impact: %d levels, but likelihood has %d; the matrix is square",
                     m->impact.levels, m->likelihood.levels);
    return rc;
}

int qual_level(const qual_scale *s, double value)
{
    int level = 1;
    for (int k = 0; k < s->levels - 1; k++)
        level += value >= s->thresholds[k];
    return level;
}

void qual_level_range(const qual_scale *s, int level, double *lo, double *hi)
{
    *lo = level <= 1 ? 0.0 : s->thresholds[level - 2];
    *hi = level >= s->levels ? INFINITY : s->thresholds[level - 1];
}

double qual_level_representative(const qual_scale *s, int level)
{
    double lo, hi;
    qual_level_range(s, level, &lo, &hi);
    /* The open ends have no middle: a band's width beyond its one edge,
     * taking the neighbouring band's ratio. */
    if (level <= 1)
        return s->thresholds[0] / sqrt(s->thresholds[1] / s->thresholds[0]);
    if (level >= s->levels) {
        double t = s->thresholds[s->levels - 2], r = t / s->thresholds[s->levels - 3];
        return t * sqrt(r);
    }
    return sqrt(lo * hi);
}

qual_cell qual_map(const qual_matrix *m, double frequency, double magnitude)
{
    return (qual_cell){ qual_level(&m->likelihood, frequency), qual_level(&m->impact, magnitude) };
}

void qual_heatmap(const qual_matrix *m, const double *frequency, const double *magnitude,
                  size_t nrisks, unsigned counts[RISK_MATRIX_MAX][RISK_MATRIX_MAX])
{
    memset(counts, 0, sizeof(unsigned[RISK_MATRIX_MAX][RISK_MATRIX_MAX]));
    for (size_t r = 0; r < nrisks; r++) {
        qual_cell c = qual_map(m, frequency[r], magnitude[r]);
        counts[c.likelihood - 1][c.impact - 1]++;
    }
}
