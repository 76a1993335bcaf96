/* fair.h: the FAIR model of one risk and its Monte Carlo simulation.
 *
 * The FAIR tree, with inputs accepted at any level:
 *
 *   annual loss  <- loss event frequency (LEF)
 *                      LEF given, or
 *                      threat event frequency (TEF) x vulnerability, where
 *                        vulnerability is given as a probability, or drawn
 *                        per iteration as [threat capability > resistance
 *                        strength] (0 or 1, as pyfair does)
 *               <- loss magnitude per event
 *                      primary (PLM) + [secondary loss event, probability
 *                      SLEP] x secondary magnitude (SLM)
 *
 * Two annual-loss models, chosen per risk:
 *   compound (default, riskquant's): each simulated year draws its rate from
 *     the frequency inputs, then a Poisson number of loss events, each with
 *     its own magnitude (and its own secondary loss with probability SLEP);
 *     the year's loss is their sum.
 *   product (pyfair's): annual loss = LEF x (PLM + SLEP x SLM) per iteration,
 *     the frequency standing in for a count.
 *
 * Controls reduce the factors they act on by a fraction (a constant or a
 * distribution of fractions, drawn once per iteration): TEF, vulnerability
 * or LEF (all three scale the event rate), primary, secondary or both
 * magnitudes. Insurance is a control of its own kind (target TRANSFER): per
 * event (default; as occurrence-based cyber policies) or per year, the
 * insurer pays min(max(loss - deductible, 0), limit); in the product model,
 * which has no events, "per event" applies to the magnitude before it is
 * multiplied by the frequency.
 *
 * Scenarios: inherent (no controls), current residual (implemented ones),
 * target residual (all, proposed included), optionally with one control's
 * state flipped, or any explicit set. All scenarios of a risk are computed
 * from the same random numbers (common random numbers): a factor's draws
 * depend on (seed, risk stream id, block, factor) only, and a frequency
 * reduction thins the events of the year rather than redrawing them, so
 * residual losses are the inherent events that got through, reduced.
 * Differences between scenarios are therefore low-noise.
 *
 * Deterministic: the iterations are cut into blocks of FAIR_BLOCK, each
 * block drawn from its own streams, so any thread count gives bit-identical
 * output. Changing FAIR_BLOCK or any sampling algorithm changes the numbers:
 * bump FAIR_ENGINE_VERSION, which is stored with every result.
 *
 * Pure computation: no I/O; long runs report progress through a callback
 * (on the calling thread) and stop when *cancel becomes non-zero. */
#ifndef ISMS_RISK_FAIR_H
#define ISMS_RISK_FAIR_H

#include "core/err.h"
#include "risk/dist.h"
#include "risk/stats.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define FAIR_ENGINE_VERSION "isms-fair 1"
extern const char fair_engine_version[];

#define FAIR_BLOCK 4096 /* iterations per block; part of reproducibility */

/* Bounds that keep every run finite (docs/RISK.md, "Bounds"). The engine
 * draws each loss event of the compound model, about 1e8 a second per
 * thread, so:
 *   FAIR_MAX_RATE        the expected loss events a year (the mean of lef,
 *                        of tef x vuln, or of tef when capability decides)
 *                        a risk may have: fair_risk_validate refuses more;
 *   FAIR_MAX_RUN_EVENTS  the expected events of one run (rate x
 *                        iterations, compound model): fair_simulate and
 *                        portfolio runs refuse more, naming the iterations
 *                        that would do (some seconds of work at most);
 *   FAIR_MAX_YEAR_RATE   the rate one simulated year may draw (a tail far
 *                        longer than the mean suggests): the run fails. */
#define FAIR_MAX_RATE 1e6
#define FAIR_MAX_RUN_EVENTS 5e8
#define FAIR_MAX_YEAR_RATE 1e9
#define FAIR_MAX_SCENARIOS 64 /* per fair_simulate call */
#define FAIR_MAX_COVERS 8     /* insurance covers on one risk */

typedef enum fair_mode {
    FAIR_COMPOUND = 0, /* default */
    FAIR_PRODUCT,
} fair_mode;

/* The inputs; also what fair_opts.freeze names (bit 1 << factor). */
typedef enum fair_factor {
    FAIR_LEF,
    FAIR_TEF,
    FAIR_VULN,
    FAIR_TCAP,
    FAIR_RS,
    FAIR_PLM,
    FAIR_SLEP,
    FAIR_SLM,
    FAIR_NFACTORS
} fair_factor;

const char *fair_factor_name(fair_factor f); /* "lef", "tef", ... */

typedef enum fair_target {
    FAIR_ON_TEF,
    FAIR_ON_VULN,
    FAIR_ON_LEF,
    FAIR_ON_PLM,
    FAIR_ON_SLM,
    FAIR_ON_LM,       /* primary and secondary magnitude */
    FAIR_ON_TRANSFER, /* insurance: the control's deductible and limit */
} fair_target;

const char *fair_target_name(fair_target t); /* "tef", ..., "transfer" */

typedef enum fair_cover {
    FAIR_COVER_PER_EVENT = 0,
    FAIR_COVER_ANNUAL,
} fair_cover;

typedef struct fair_control {
    const char *name;
    double annual_cost; /* per year; for insurance, the premium */
    int implemented;    /* 1: in place (current residual); 0: proposed */
    uint64_t stream_id; /* stable identity (e.g. the database key): its
                                random draws do not depend on its position */
    double deductible;  /* insurance only */
    double limit;       /* insurance only; 0 or INFINITY: no limit */
    fair_cover cover;   /* insurance only */
} fair_control;

/* What one control does to one risk. */
typedef struct fair_effect {
    size_t control; /* index into the control table */
    fair_target target;
    dist reduction;   /* fraction removed, support within [0, 1];
                                ignored for FAIR_ON_TRANSFER */
    double weakening; /* share of each drawn reduction lost, in [0, 1]
                                (a control that works only partly); 0: none */
} fair_effect;

/* A risk's FAIR parameters. Zeroed dists (DIST_NONE) are absent. Exactly
 * one frequency path: lef; or tef with vuln; or tef with tcap and rs. */
typedef struct fair_risk {
    const char *name;   /* for messages */
    uint64_t stream_id; /* stable identity: the same risk draws the same
                                numbers alone and inside a portfolio */
    fair_mode mode;
    dist lef, tef, vuln, tcap, rs;
    dist plm;       /* required */
    dist slep, slm; /* both or neither */
    const fair_effect *effects;
    size_t neffects;
} fair_risk;

/* E_INVALID naming the field ("lef", "effects[2].reduction", ...) unless the
 * risk is complete and consistent; ncontrols bounds effect indices. */
/* One factor's distribution on its own: valid, and within the factor's
 * bounds (frequencies and magnitudes not negative, probabilities within
 * [0, 1]); `field` names it in the message. */
int fair_factor_check(fair_factor f, const dist *d, const char *field, isms_err *e);

int fair_risk_validate(const fair_risk *r, const fair_control *controls, size_t ncontrols,
                       isms_err *e);

/* The expected loss events a year before controls (an upper bound when
 * threat capability against resistance strength decides); +inf when the
 * inputs' mean is not finite. */
double fair_expected_rate(const fair_risk *r);

/* E_INVALID (field "iterations", naming the risk and the iterations that
 * would do) when `iterations` years of r would draw more than
 * FAIR_MAX_RUN_EVENTS events in expectation. */
int fair_check_run(const fair_risk *r, size_t iterations, isms_err *e);

/* Which controls apply. */
typedef enum fair_basis {
    FAIR_INHERENT = 0, /* none */
    FAIR_CURRENT,      /* implemented ones */
    FAIR_TARGET,       /* all, proposed included */
} fair_basis;

typedef struct fair_scenario {
    fair_basis basis;
    long toggle;                 /* a control whose state is flipped, or -1 */
    const unsigned char *active; /* if not NULL: per control 1/0, overrides basis */
} fair_scenario;

/* Is control c active in scenario s? */
int fair_scenario_has(const fair_scenario *s, const fair_control *controls, size_t c);

typedef void (*fair_progress_fn)(void *ctx, uint64_t iterations_done, uint64_t total);

typedef struct fair_opts {
    uint64_t seed;
    size_t iterations;
    unsigned threads;          /* 0: one per online CPU */
    unsigned freeze;           /* bit (1 << factor): held at its median */
    fair_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    const volatile sig_atomic_t *cancel; /* may be NULL */
    /* If not NULL: one summary per scenario (stats_stream_new with n =
     * iterations, not yet planned), made while the losses are simulated,
     * each block scanned while it is in cache; finish them afterwards. */
    stats_stream *const *summaries;
} fair_opts;

/* Totals over a run, per scenario: frequency = events / iterations, mean
 * loss per event = event_loss / events (after per-event insurance), mean
 * annual loss = loss / iterations (after all insurance). In the product
 * model "events" is the sum of the iterations' frequencies. */
typedef struct fair_tally {
    double events;
    double event_loss;
    double loss;
} fair_tally;

/* A risk prepared for simulation (validated, sampling tables built). It
 * borrows `risk` and `controls`: keep them alive and unchanged meanwhile. */
typedef struct fair_model fair_model;

int fair_model_new(fair_model **out, const fair_risk *risk, const fair_control *controls,
                   size_t ncontrols, isms_err *e);
void fair_model_free(fair_model *m);

/* Simulates opts->iterations years (or iterations) of each scenario:
 * loss[s][i] is scenario s's annual loss in iteration i (caller-allocated,
 * opts->iterations each); tally[s] if tally is not NULL. *opts->cancel is
 * looked at every few thousand events, so a run stops within milliseconds
 * of it; E_INVALID for a run beyond the bounds above. */
int fair_simulate(const fair_model *m, const fair_scenario *scenarios, size_t nscenarios,
                  const fair_opts *opts, double *const *loss, fair_tally *tally, isms_err *e);

#endif
