#include "risk/poisson.h"

#include "risk/special.h"

#include <math.h>

uint64_t poisson_invert(double mean, double u)
{
    double p = exp(-mean), cdf = p;
    uint64_t k = 0;
    /* The bound only guards against a u that rounding has put above the
     * last representable CDF value. */
    while (u > cdf && k < 1000) {
        k++;
        p *= mean / (double)k;
        cdf += p;
    }
    return k;
}

/* PTRS: a transformed-rejection sampler with a hat built around the mode;
 * about 1.15 pairs of uniforms per sample whatever the mean. */
static uint64_t poisson_ptrs(rng *r, double mean)
{
    double slam = sqrt(mean), loglam = log(mean);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = rng_uniform(r) - 0.5;
        double v = rng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + mean + 0.43);
        if (us >= 0.07 && v <= vr)
            return (uint64_t)k;
        if (k < 0.0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <=
            -mean + k * loglam - sp_lgamma(k + 1.0))
            return (uint64_t)k;
    }
}

uint64_t poisson_draw(rng *r, double mean)
{
    if (!(mean > 0.0))
        return 0;
    if (mean < POISSON_PTRS_FROM)
        return poisson_invert(mean, rng_uniform(r));
    return poisson_ptrs(r, mean);
}
