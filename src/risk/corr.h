/* corr.h: Iman-Conover rank correlation (internal to the portfolio).
 *
 * Given n iterations of k risks, a target correlation matrix and a seed, the
 * plan draws a score matrix (van der Waerden normal scores, each column an
 * independent random permutation), decorrelates it with the Cholesky factor
 * of its own sample correlation and correlates it with the target's. A
 * risk's iterations are then rearranged so that their ranks follow its
 * score column. The rearrangement depends on the risk's ranks only, so the
 * same permutation can be applied to another scenario of the same risk,
 * keeping iterations paired. */
#ifndef ISMS_RISK_CORR_H
#define ISMS_RISK_CORR_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ic_plan {
    size_t n, k;
    uint32_t *slot; /* k x n: slot[j][r] = where rank r of risk j goes */
} ic_plan;

/* target: k x k row-major, symmetric, unit diagonal. E_INVALID when it is
 * not positive definite. */
int ic_plan_init(ic_plan *pl, size_t n, size_t k, const double *target, uint64_t seed, isms_err *e);
void ic_plan_reset(ic_plan *pl);

/* perm[m] = the new position of iteration m of risk j, from its values x. */
void ic_permutation(const ic_plan *pl, size_t j, const double *x, uint32_t *perm);

/* Cholesky factor L (lower, row-major) of the k x k matrix a; 0 when a is
 * not positive definite. */
int ic_cholesky(const double *a, size_t k, double *l);

#endif
