/* qual.h: the qualitative risk matrix and its bridge to the numbers.
 *
 * The organisation's matrix is n x n, RISK_MATRIX_MIN <= n <= RISK_MATRIX_MAX:
 * likelihood levels 1..n and
 * impact levels 1..n (their labels live with the organisation's settings).
 * These two constants are the only place the sizes are written: the
 * organisation's fields, the level fields of risks, the labels and the
 * heat maps all take them from here.
 * Each axis has n - 1 increasing thresholds on a quantitative scale:
 * likelihood on the annual frequency of loss events, impact on money (the
 * loss per event). Level k covers [threshold k-1, threshold k); level 1
 * starts at 0 and level n has no upper end.
 *
 * A quantified risk maps to a cell (what the engine measured: mean events
 * per year, mean loss per event); a qualitative-only risk gets a
 * representative value per axis (the geometric middle of its band) when a
 * rough figure is needed. */
#ifndef ISMS_RISK_QUAL_H
#define ISMS_RISK_QUAL_H

#include "core/err.h"

#include <stddef.h>

#define RISK_MATRIX_MIN 3
#define RISK_MATRIX_MAX 5

typedef struct qual_scale {
    int levels;                             /* RISK_MATRIX_MIN..RISK_MATRIX_MAX */
    double thresholds[RISK_MATRIX_MAX - 1]; /* levels - 1, increasing, > 0 */
} qual_scale;

typedef struct qual_matrix {
    qual_scale likelihood; /* on loss events per year */
    qual_scale impact;     /* on money per event */
} qual_matrix;

typedef struct qual_cell {
    int likelihood, impact; /* 1..levels */
} qual_cell;

/* A starting point: likelihood bands at 1 event in 10 years, 1 in 3, 1 a
 * year, 3 a year (for 5 levels; fewer levels merge them); impact bands at
 * 10^4, 10^5, 10^6, 10^7 money units (for 5 levels). Organisations set
 * their own impact thresholds. E_INVALID unless n is a supported size. */
int qual_matrix_default(qual_matrix *m, int levels, isms_err *e);

int qual_matrix_validate(const qual_matrix *m, isms_err *e);

int qual_level(const qual_scale *s, double value); /* 1..levels; NaN -> 1 */
void qual_level_range(const qual_scale *s, int level, double *lo, double *hi);
double qual_level_representative(const qual_scale *s, int level);

qual_cell qual_map(const qual_matrix *m, double frequency, double magnitude);

/* counts[l-1][i-1] = risks in cell (l, i); counts is zeroed first. */
void qual_heatmap(const qual_matrix *m, const double *frequency, const double *magnitude,
                  size_t nrisks, unsigned counts[RISK_MATRIX_MAX][RISK_MATRIX_MAX]);

#endif
