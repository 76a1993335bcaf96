/* poisson.h: Poisson-distributed event counts, exact.
 *
 * Small means by inversion of one uniform (sequential search of the CDF);
 * means of 10 and more by Hormann's transformed rejection (PTRS, 1993), the
 * method numpy also uses, whose cost does not grow with the mean. */
#ifndef ISMS_RISK_POISSON_H
#define ISMS_RISK_POISSON_H

#include "risk/rng.h"

#include <stdint.h>

/* Below this mean, inversion; from it on, PTRS. */
#define POISSON_PTRS_FROM 10.0

/* A Poisson(mean) count by inversion of u in (0, 1); mean < POISSON_PTRS_FROM. */
uint64_t poisson_invert(double mean, double u);

/* A Poisson(mean) count drawn from the stream; mean >= 0. */
uint64_t poisson_draw(rng *r, double mean);

#endif
