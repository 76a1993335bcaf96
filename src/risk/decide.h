/* decide.h: what the numbers mean for decisions.
 *
 * Return on controls: each control is valued against the current state
 * (implemented controls in force), on common random numbers:
 *   implemented: what the organisation would lose more without it;
 *   proposed:    what it would lose less with it.
 * Reductions are of the expected annual loss and of the P95 annual loss of
 * the whole organisation; return on control = (reduction - cost) / cost.
 * "Fund these first" ranks the proposed controls by that return (then by
 * net benefit). Insurance shows its worth in the P95 column: its expected
 * payout is usually below its premium.
 *
 * Sensitivity: which inputs drive a risk's variance. Each uncertain input
 * is held at its median while everything else draws the same random
 * numbers as before; the share of variance that disappears,
 * 1 - Var(loss | input at median) / Var(loss), is its first-order
 * contribution (a one-at-a-time "value of knowing it" measure). Shares need
 * not add up to 1: inputs interact (frequency x magnitude), and in the
 * compound model part of the variance is the Poisson count itself. */
#ifndef ISMS_RISK_DECIDE_H
#define ISMS_RISK_DECIDE_H

#include "risk/fair.h"
#include "risk/portfolio.h"

typedef struct decide_value {
    size_t control;
    int implemented;
    double annual_cost;
    double mean_reduction;   /* expected annual loss it removes */
    double p95_reduction;    /* P95 of the organisation's annual loss it removes */
    double net_benefit;      /* mean_reduction - annual_cost */
    double roi;              /* net_benefit / annual_cost; +inf if free and useful, 0 if free and useless */
    size_t rank;             /* proposed: 1 = fund first; implemented: 0 */
} decide_value;

/* out[c] for every control c of the portfolio. */
int decide_controls(portfolio *p, const fair_opts *opts, decide_value *out, isms_err *e);

typedef struct decide_sensitivity {
    fair_factor factor;
    double variance_share;   /* 1 - Var(loss | factor at median) / Var(loss) */
    double mean_shift;       /* mean loss with the factor at its median, minus without */
} decide_sensitivity;

/* One entry per uncertain input of the model (at most FAIR_NFACTORS),
 * largest variance share first; *nout says how many. */
int decide_sensitivity_of(const fair_model *m, const fair_scenario *scenario,
                          const fair_opts *opts, decide_sensitivity *out, size_t *nout,
                          isms_err *e);

#endif
