/* portfolio.h: many risks, aggregated per iteration.
 *
 * The organisation's annual loss in iteration i is the sum of its risks'
 * losses in iteration i; a group's (an objective's) is the sum over its
 * member risks, each weighted by its share (a risk may threaten several
 * objectives, wholly or in part). Risks are independent unless rank
 * correlations are given between named risks: those risks' iterations are
 * then rearranged by the Iman-Conover method (normal scores correlated at
 * 2 sin(pi rho/6), whose rank correlation is rho; Cholesky) so that their
 * rank correlations approximate the targets while each risk's own
 * distribution is untouched. Years without loss are ties, which pull the
 * achieved rank correlation of rare risks below the target.
 *
 * A risk draws the same numbers in a portfolio as alone (its stream id, not
 * its position, keys its streams), so the figures of a risk report and of a
 * portfolio report agree. Risks are prepared and simulated in chunks, the
 * blocks of a chunk spread over threads; per iteration the sum runs over
 * the risks in their order, so any thread count gives the same bits. */
#ifndef ISMS_RISK_PORTFOLIO_H
#define ISMS_RISK_PORTFOLIO_H

#include "risk/fair.h"

typedef struct portfolio_member {
    size_t risk;
    size_t group;
    double share; /* of the risk's loss counted against the group, (0, 1] */
} portfolio_member;

typedef struct portfolio_corr {
    size_t a, b; /* risk indices */
    double rho;  /* target rank correlation, (-1, 1) */
} portfolio_corr;

typedef struct portfolio portfolio;

/* Validates every risk; borrows `risks` and `controls` (keep them alive). */
int portfolio_new(portfolio **out, const fair_risk *risks, size_t nrisks,
                  const fair_control *controls, size_t ncontrols, isms_err *e);
void portfolio_free(portfolio *p);

int portfolio_set_groups(portfolio *p, size_t ngroups, const portfolio_member *members,
                         size_t nmembers, isms_err *e);
/* E_INVALID when the pairs do not make a valid (positive definite)
 * correlation matrix, naming the pair. */
int portfolio_set_correlation(portfolio *p, const portfolio_corr *pairs, size_t npairs,
                              isms_err *e);

typedef struct portfolio_result {
    size_t iterations, ngroups, nrisks;
    double *total;     /* per iteration: the organisation's annual loss */
    double *group;     /* ngroups x iterations, row-major */
    double *risk_mean; /* per risk: its mean annual loss */
} portfolio_result;

/* Frees what portfolio_run allocated. */
void portfolio_result_reset(portfolio_result *r);

/* Runs every risk under `scenario`; fills (and allocates) *r. */
int portfolio_run(portfolio *p, const fair_scenario *scenario, const fair_opts *opts,
                  portfolio_result *r, isms_err *e);

/* A run fed a chunk of risks at a time (the registers streamed into the
 * engine): what it keeps between chunks is one slot per iteration for the
 * total and for each of `ngroups` groups, the columns of the correlated
 * risks and, when risk_means, a mean per risk; never a chunk's models.
 * Chunks are portfolios (portfolio_new, portfolio_set_groups with the
 * run's group numbers; their own correlation is not read), added in the
 * order of the risks, `nrisks` risks in all; pairs name risks by their
 * place in that order. The figures are portfolio_run's on one portfolio
 * of all the risks, bit for bit, however they are cut. */
typedef struct portfolio_stream portfolio_stream;

int portfolio_stream_new(portfolio_stream **out, size_t ngroups, size_t nrisks,
                         const portfolio_corr *pairs, size_t npairs, int risk_means,
                         const fair_scenario *scenario, const fair_opts *opts, isms_err *e);
/* Simulates the chunk and adds it in; the chunk may be freed after. */
int portfolio_stream_add(portfolio_stream *s, portfolio *chunk, isms_err *e);
/* Fills *r (its arrays the caller's: portfolio_result_reset). */
int portfolio_stream_finish(portfolio_stream *s, portfolio_result *r, isms_err *e);
/* The most risks one chunk brought (a test holds a streamed run to it). */
size_t portfolio_stream_held_most(const portfolio_stream *s);
void portfolio_stream_free(portfolio_stream *s);

/* delta[i] = organisation loss under `to` minus under `from`, iteration by
 * iteration, on common random numbers; only risks whose controls differ
 * between the two are simulated. delta has opts->iterations entries. */
int portfolio_delta(portfolio *p, const fair_scenario *from, const fair_scenario *to,
                    const fair_opts *opts, double *delta, isms_err *e);

/* Each control c of toggles[0..ntoggles) in turn (NULL: every control),
 * from `from` (which toggles none): fn gets the delta of toggling c
 * (portfolio_delta's, bit for bit), valid until it returns; a non-zero
 * return stops the walk and is returned. Each delta simulates only the
 * risks c has an effect on, so the walk costs the risk-control links, not
 * controls x risks. opts->progress counts those simulations. */
typedef int (*portfolio_delta_fn)(void *ctx, size_t control, const double *delta, isms_err *e);
int portfolio_toggle_each(portfolio *p, const fair_scenario *from, const size_t *toggles,
                          size_t ntoggles, const fair_opts *opts, portfolio_delta_fn fn, void *ctx,
                          isms_err *e);

/* One progress over several runs in a row: each run's progress (done of
 * its total) reported to fn as before + done of all. */
typedef struct portfolio_phase {
    fair_progress_fn fn;
    void *ctx;
    uint64_t before, all;
} portfolio_phase;
void portfolio_phase_progress(void *phase, uint64_t done, uint64_t total);

/* How many (risk, control) pairs have an effect, each pair once. */
size_t portfolio_links(portfolio *p);

const fair_control *portfolio_controls(const portfolio *p, size_t *ncontrols);
size_t portfolio_nrisks(const portfolio *p);

#endif
