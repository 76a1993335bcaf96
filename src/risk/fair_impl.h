/* fair_impl.h: the engine's insides, shared by fair.c, fair_block.c and
 * portfolio.c; not part of the public API. */
#ifndef ISMS_RISK_FAIR_IMPL_H
#define ISMS_RISK_FAIR_IMPL_H

#include "risk/fair.h"

/* Stream coordinates beside the factors (0 .. FAIR_NFACTORS-1). */
enum {
    STREAM_EVENTS = 16, /* per-year count uniforms, or a block's count */
    STREAM_EVENTS_BIG,  /* rejection sampling of large per-year counts */
    STREAM_THIN,        /* per event: survives frequency controls? */
    STREAM_SECONDARY,   /* per event: secondary loss? */
};

typedef enum freq_path {
    FREQ_LEF,
    FREQ_TEF_VULN,
    FREQ_TEF_TCAP,
} freq_path;

typedef struct effect_prep {
    size_t control;
    fair_target target;
    dist_sampler reduction;
    double keep;     /* 1 - weakening: share of each draw that acts */
    uint64_t stream; /* its stream coordinate */
} effect_prep;

struct fair_model {
    const fair_risk *risk;
    const fair_control *controls;
    size_t ncontrols;
    freq_path path;
    int has[FAIR_NFACTORS];
    dist_sampler sampler[FAIR_NFACTORS];
    double median[FAIR_NFACTORS];
    /* Compound model with a certain rate: events are scattered over the
     * block (Poisson-process splitting), costing per event, not per year. */
    int scatter;
    effect_prep *effects;
    size_t neffects;
};

/* fair_model_new sharing quantile tables through `cache` (may be NULL). */
int fair_model_prepare(fair_model **out, const fair_risk *risk, const fair_control *controls,
                       size_t ncontrols, dist_cache *cache, isms_err *e);

/* Per-worker scratch memory, grown on demand. */
typedef struct fair_scratch fair_scratch;
fair_scratch *fair_scratch_new(void);
void fair_scratch_free(fair_scratch *ws);

/* One block of a model's simulation: which effects are on per scenario
 * (nscen x neffects, row-major), the seed, the frozen factors. */
typedef struct fair_job {
    const fair_model *model;
    size_t nscen;
    const unsigned char *on;
    uint64_t seed;
    unsigned freeze;
    const volatile sig_atomic_t *cancel; /* may be NULL; looked at inside the block */
} fair_job;

/* Resolves scenarios against the model's effects into job->on (allocated,
 * caller frees). */
unsigned char *fair_job_effects(const fair_model *m, const fair_scenario *sc, size_t nscen);

/* Where a scenario's annual losses go: each sink gets weight x loss added
 * to its element of the iteration. A run's loss array is one sink of
 * weight 1 (zeroed first); a portfolio adds a risk straight into the total
 * and its groups; a delta adds one scenario with weight -1 and the other
 * with +1. Adding events straight into the sinks keeps the compound
 * model's cost proportional to the number of events. */
typedef struct fair_sink {
    double *at; /* element 0 = the block's first iteration */
    double weight;
} fair_sink;

typedef struct fair_out {
    const fair_sink *sinks;
    size_t nsinks;
    int fresh;        /* one sink of weight 1 whose block is overwritten, not added to */
    fair_tally tally; /* set: the block's totals */
} fair_out;

/* Simulates block `block` (n iterations, n <= FAIR_BLOCK) of every
 * scenario, adding scenario s's losses to out[s]'s sinks. 0; E_INTERRUPTED
 * when *job->cancel was set (the sinks then hold part of the block);
 * E_INVALID when a year drew a rate above FAIR_MAX_YEAR_RATE. */
int fair_block(const fair_job *job, size_t block, size_t n, fair_scratch *ws, fair_out *out);

/* The message for a block's failure (E_INTERRUPTED, E_INVALID) in risk r. */
int fair_run_error(const fair_risk *r, int rc, isms_err *e);

/* Events drawn between two looks at the cancel flag: some tens of
 * microseconds of work. */
#define FAIR_CANCEL_EVERY 4096

/* Sum with four accumulators: fixed order, so deterministic, and not one
 * long chain of dependent additions. */
double fair_sum(const double *x, size_t n);

#endif
