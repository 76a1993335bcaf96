/* quantify.h: the registers' risks, in money.
 *
 * Turns the FAIR inputs of the risk register (risk fields lef, tef, ...,
 * primary_loss) and the effects of the control set (acts_on, reduction,
 * insurance) into the engine's model (risk/fair.h), runs it, and relates
 * the figures to what the management body approved: appetite and tolerance
 * per objective and for the organisation (appetite register).
 *
 *   dom_risk_quantify       one risk: inherent, current and target
 *                           residual; sensitivity; loss exceedance curve
 *   dom_portfolio_quantify  the organisation, and each objective: the
 *                           certainty of staying within tolerance
 *   dom_control_returns     what each control buys, ranked
 *
 * Every run can be saved as an analysis record (QNT-n) holding its inputs,
 * seed and engine version, so a figure in a board report can be reproduced
 * and is itself in the ledger. Money in the engine is in major units
 * (doubles); in records and in every JSON document (what --json prints,
 * what an analysis keeps), integer minor units of the currency, as the
 * document's "money" and "currency" members say. */
#ifndef ISMS_DOMAIN_QUANTIFY_H
#define ISMS_DOMAIN_QUANTIFY_H

#include "domain/engine/dom.h"
#include "risk/decide.h"
#include "risk/fair.h"
#include "risk/stats.h"

#include <signal.h>

enum { QUANT_LEC_POINTS = 41 };
#define QUANT_DEFAULT_ITERATIONS 100000
#define QUANT_DEFAULT_SEED 1u

/* A rank correlation between two risks of the portfolio. */
typedef struct quant_corr {
    const char *a, *b;                    /* risk keys */
    double rho;                           /* in (-1, 1) */
} quant_corr;

typedef struct quant_opts {
    size_t iterations;                    /* 0: QUANT_DEFAULT_ITERATIONS */
    uint64_t seed;                        /* the same seed gives the same figures */
    unsigned threads;                     /* 0: all cores; figures do not depend on it */
    int save;                             /* record the run as an analysis (QNT-n) */
    fair_progress_fn progress;
    void *progress_ctx;
    const volatile sig_atomic_t *cancel;
    const quant_corr *corr;               /* portfolio only; independent otherwise */
    size_t ncorr;
} quant_opts;

/* Appetite and tolerance that apply, from an approved appetite statement. */
typedef struct quant_threshold {
    int set;
    double appetite, tolerance;   /* major units; tolerance 0 when none */
    int confidence;               /* percent: compare the loss at this percentile */
    const char *source;           /* APP-n */
} quant_threshold;

typedef struct quant_scenario {
    stats_summary stats;          /* p_above_* against the threshold */
    double frequency;             /* loss events per year */
    double event_loss;            /* mean loss per event */
    stats_lec_point lec[QUANT_LEC_POINTS];
} quant_scenario;

/* The currency the figures are in: JSON gives amounts in its minor units. */
typedef struct quant_money {
    const char *currency;         /* "EUR" */
    int exponent;                 /* minor-unit decimals (2: cents) */
} quant_money;

typedef struct risk_quant {
    const char *key, *title;
    quant_money money;
    uint64_t seed;
    size_t iterations;
    const char *engine;
    const char *model;            /* "compound" or "product" */
    quant_threshold threshold;
    quant_scenario inherent, current, target;
    decide_sensitivity sensitivity[FAIR_NFACTORS];
    size_t nsensitivity;
    int likelihood, impact;       /* cell the figures imply on the matrix, 0 if no bands */
    int outside_appetite;         /* current: P(loss > appetite) above 1 - confidence */
    const char *analysis;         /* QNT-n when saved */
} risk_quant;

typedef struct group_quant {
    const char *key, *title;      /* objective */
    quant_threshold threshold;
    stats_summary stats;
    double certainty;             /* P(loss <= tolerance, else appetite); -1 without threshold */
    size_t nrisks;
} group_quant;

typedef struct portfolio_quant {
    quant_money money;
    uint64_t seed;
    size_t iterations;
    const char *engine;
    size_t modelled, unmodelled;  /* active risks with and without FAIR inputs */
    quant_threshold threshold;    /* organisation-wide */
    stats_summary total;
    double certainty;
    stats_lec_point lec[QUANT_LEC_POINTS];
    group_quant *groups;          /* per objective, when asked; in the dom's arena */
    size_t ngroups;
    const char *analysis;
} portfolio_quant;

typedef struct control_quant {
    const char *key, *title;
    decide_value value;
} control_quant;

typedef struct returns_quant {
    quant_money money;
    uint64_t seed;
    size_t iterations;
    const char *engine;
    control_quant *rows;          /* best return first; in the dom's arena */
    size_t n;
    const char *analysis;
} returns_quant;

int dom_risk_quantify(dom *d, const char *key, const quant_opts *o, risk_quant *out, isms_err *e);
int dom_portfolio_quantify(dom *d, const quant_opts *o, int by_objective, portfolio_quant *out,
                           isms_err *e);
int dom_control_returns(dom *d, const quant_opts *o, returns_quant *out, isms_err *e);

/* The results as JSON (what --json prints and what an analysis record
 * keeps), malloc'd. */
char *dom_risk_quant_json(const risk_quant *q);
char *dom_portfolio_json(const portfolio_quant *q);
char *dom_returns_json(const returns_quant *q);

/* The risk field an engine input comes from ("primary_loss" for plm). */
const char *quant_input_name(fair_factor f);

/* For the rules: a risk's FAIR inputs make a valid model (the engine's
 * checks); a control's reduction is a share within [0, 1]. */
int dom_fair_validate(const record *risk, isms_err *e);
int dom_fair_check_share(const char *text, isms_err *e);
/* A distribution for field `field` fits it: a risk's FAIR input within its
 * factor's bounds, a control's reduction a share; other fields take any
 * valid distribution. */
int dom_fair_field_check(const char *field, const dist *d, isms_err *e);

/* The threshold that applies to a risk (its objectives' approved appetites,
 * the strictest; else the organisation's). */
int dom_risk_threshold(dom *d, const record *risk, quant_threshold *out, isms_err *e);

#endif
