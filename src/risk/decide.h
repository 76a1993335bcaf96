/* decide.h: what the numbers mean for decisions.
 *
 * Return on controls: each control is valued against the current state
 * (implemented controls in force), on common random numbers:
 *   implemented: what the organisation would lose more without it;
 *   proposed:    what it would lose less with it.
 * Reductions are of the expected annual loss and of the P95 annual loss of
 * the whole organisation; return on control = (reduction - cost) / cost.
 * The mean reduction carries its Monte Carlo standard error (the sd of the
 * per-year differences over sqrt(iterations)).
 * A control is justified by quantified risk when its cost is known (above
 * zero) and the mean loss it removes exceeds it. "Fund these first" ranks
 * only the justified proposed controls, by return (then by net benefit),
 * and says where two neighbours are closer than the simulation can tell
 * apart (their returns differ by less than twice the standard error of the
 * difference). Insurance shows its worth in the P95 column: its expected
 * payout is usually below its premium.
 *
 * Sensitivity: which inputs drive a risk's variance, as a variance
 * decomposition that adds up to 1. Each uncertain input is held at its
 * median while everything else draws the same random numbers as before;
 * the share of variance that disappears, 1 - Var(loss | input at median) /
 * Var(loss), clipped at 0, is its first-order effect. What the first-order
 * effects leave unexplained (inputs interact, frequency x magnitude, and in
 * the compound model part of the variance is the Poisson count itself) is
 * one more entry, DECIDE_OTHER. Where the first-order effects add up to
 * more than 1 they are scaled down to 1 and DECIDE_OTHER is 0. */
#ifndef ISMS_RISK_DECIDE_H
#define ISMS_RISK_DECIDE_H

#include "risk/fair.h"
#include "risk/portfolio.h"

typedef enum decide_worth {
    DECIDE_JUSTIFIED = 0, /* removes more expected loss than it costs */
    DECIDE_NOT_JUSTIFIED, /* not justified by quantified risk */
    DECIDE_COST_UNKNOWN,  /* no cost given: cannot be weighed */
} decide_worth;

typedef struct decide_value {
    size_t control;
    int implemented;
    double annual_cost;
    double mean_reduction;    /* expected annual loss it removes */
    double mean_reduction_se; /* its Monte Carlo standard error */
    decide_worth worth;
    int tie_with_next;    /* ranked: the next rank is within simulation error */
    double p95_reduction; /* P95 of the organisation's annual loss it removes */
    double net_benefit;   /* mean_reduction - annual_cost */
    double roi;  /* net_benefit / annual_cost; +inf if free and useful, 0 if free and useless */
    size_t rank; /* justified proposed: 1 = fund first; others 0 */
} decide_value;

/* out[c] for every control c of the portfolio. */
int decide_controls(portfolio *p, const fair_opts *opts, decide_value *out, isms_err *e);

/* The same a control at a time, for a portfolio streamed in chunks: the
 * organisation's run under the current state (its total per iteration
 * and that total's P95, decide_p95), */
typedef struct decide_base {
    const double *total;
    size_t n; /* iterations */
    double p95;
    unsigned threads;
} decide_base;
double decide_p95(const double *x, size_t n, unsigned threads);
/* control c's values (out->control = index) from its delta (the loss with
 * its state flipped minus the base, per iteration: portfolio_toggle_each);
 * scratch holds base->n doubles; */
void decide_value_of(const fair_control *c, size_t index, const decide_base *base,
                     const double *delta, double *scratch, decide_value *out);
/* and, once every control has its values, the ranks of the proposed ones. */
void decide_rank(decide_value *v, size_t n);

/* The entry for the variance no single input explains. */
#define DECIDE_OTHER FAIR_NFACTORS
enum { DECIDE_MAX_SENSITIVITY = FAIR_NFACTORS + 1 };

typedef struct decide_sensitivity {
    fair_factor factor;    /* or DECIDE_OTHER */
    double variance_share; /* its share of the variance; the entries add up to 1 */
    double first_order;    /* 1 - Var(loss | factor at median) / Var(loss), unclipped */
    double mean_shift;     /* mean loss with the factor at its median, minus without */
} decide_sensitivity;

/* One entry per uncertain input of the model, and DECIDE_OTHER when some
 * variance is left (at most DECIDE_MAX_SENSITIVITY), largest share first;
 * *nout says how many. */
int decide_sensitivity_of(const fair_model *m, const fair_scenario *scenario, const fair_opts *opts,
                          decide_sensitivity *out, size_t *nout, isms_err *e);

#endif
