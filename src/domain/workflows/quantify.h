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
#include <stdio.h>

enum { QUANT_LEC_POINTS = 41 };
#define QUANT_DEFAULT_ITERATIONS 100000
#define QUANT_DEFAULT_SEED 1u
/* The most iterations a run may ask for (the CLI's and the web's bound). */
#define QUANT_MAX_ITERATIONS 50000000

/* A rank correlation between two risks of the portfolio. */
typedef struct quant_corr {
    const char *a, *b; /* risk keys */
    double rho;        /* in (-1, 1) */
} quant_corr;

typedef struct quant_opts {
    size_t iterations; /* 0: QUANT_DEFAULT_ITERATIONS */
    uint64_t seed;     /* the same seed gives the same figures */
    unsigned threads;  /* 0: all cores; figures do not depend on it */
    int save;          /* record the run as an analysis (QNT-n) */
    fair_progress_fn progress;
    void *progress_ctx;
    const volatile sig_atomic_t *cancel;
    const quant_corr *corr; /* portfolio only; independent otherwise */
    size_t ncorr;
    size_t chunk; /* portfolio: risk ids streamed at a time (0: the default); tests cut it small */
} quant_opts;

/* A partially effective control achieves this percent of its stated
 * reduction unless its partial_effect says otherwise. */
#define QUANT_PARTIAL_EFFECT 50

/* Appetite and tolerance that apply, from an approved appetite statement. */
typedef struct quant_threshold {
    int set;
    double appetite, tolerance; /* major units; tolerance 0 when none */
    int confidence;             /* percent: compare the loss at this percentile */
    const char *source;         /* APP-n */
    int inherited;              /* the organisation's, for want of one of its own */
} quant_threshold;

/* Where a loss stands against the appetite that applies. */
typedef enum quant_verdict {
    QV_NO_APPETITE = 0, /* none approved: nothing to judge against */
    QV_WITHIN,          /* within appetite */
    QV_ABOVE_APPETITE,  /* above appetite, within tolerance (or no tolerance set) */
    QV_ABOVE_TOLERANCE,
    QV_NOT_QUANTIFIED, /* no risk of it is quantified */
} quant_verdict;

/* The verdict, on the measure the appetite names (the annual loss at its
 * percentile), with the margin in money, and the certainty: the chance
 * the year's loss stays within tolerance (within appetite when no
 * tolerance is set), -1 when it cannot be given. Risks not quantified can
 * only add loss: with some of them the measure is a floor and the
 * certainty a ceiling. */
typedef struct quant_judgement {
    quant_verdict verdict;
    double measure;    /* loss at P<confidence> */
    double measure_se; /* its Monte Carlo standard error */
    double margin;     /* within: appetite - measure; above appetite: measure -
                                     appetite; above tolerance: measure - tolerance */
    double certainty;
    size_t unquantified; /* risks that count here but have no FAIR inputs */
} quant_judgement;

const char *quant_verdict_name(quant_verdict v); /* "within-appetite", ... */
const char *quant_margin_means(quant_verdict v); /* "below appetite", "above tolerance", ... */

/* The standard errors of the reported percentiles. */
typedef struct quant_se {
    double p50, p90, p95, p99, var;
} quant_se;

typedef struct quant_scenario {
    stats_summary stats; /* p_above_* against the threshold */
    quant_se se;
    double frequency;  /* loss events per year */
    double event_loss; /* mean loss per event */
    stats_lec_point lec[QUANT_LEC_POINTS];
} quant_scenario;

/* The currency the figures are in: JSON gives amounts in its minor units. */
typedef struct quant_money {
    const char *currency; /* "EUR" */
    int exponent;         /* minor-unit decimals (2: cents) */
} quant_money;

typedef struct risk_quant {
    const char *key, *title;
    quant_money money;
    uint64_t seed;
    size_t iterations;
    const char *engine;
    const char *model; /* "compound" or "product" */
    quant_threshold threshold;
    quant_scenario inherent, current, target;
    decide_sensitivity sensitivity[DECIDE_MAX_SENSITIVITY];
    size_t nsensitivity;
    int likelihood, impact;           /* cell the figures imply on the matrix, 0 if no bands */
    int qual_likelihood, qual_impact; /* the risk's own residual cell */
    int matrix_disagrees;             /* their bands differ by more than one */
    int matrix_derived;               /* the organisation derives the cell from FAIR: it was set */
    int outside_appetite;      /* current: the loss at the appetite's percentile exceeds it */
    quant_judgement judgement; /* current residual */
    const char *inputs_hash;
    const char *analysis; /* QNT-n when saved */
    const char *ran_at;   /* when a saved analysis ran (ISO 8601); NULL: now */
} risk_quant;

typedef struct group_quant {
    const char *key, *title; /* objective */
    quant_threshold threshold;
    stats_summary stats;
    quant_se se;
    quant_judgement judgement;
    double certainty; /* judgement.certainty */
    size_t nrisks;    /* quantified */
    double value_at_stake;
} group_quant;

/* How many of the risks a portfolio leaves out it names. */
#define QUANT_GAP_KEYS_LISTED 50

typedef struct portfolio_quant {
    quant_money money;
    uint64_t seed;
    size_t iterations;
    const char *engine;
    size_t modelled, unmodelled; /* active risks with and without FAIR inputs */
    /* The first of the unmodelled, in id order: at most
     * QUANT_GAP_KEYS_LISTED, so that a run, its output and its saved
     * analysis stay small whatever the register (the rest: isms attention
     * unquantified, a page at a time). */
    const char **unmodelled_keys;
    size_t unmodelled_listed;
    double value_at_stake,
        value_unquantified;    /* objectives' value; of those with a risk not quantified */
    quant_threshold threshold; /* organisation-wide */
    stats_summary total;
    quant_se se;
    quant_judgement judgement;
    double certainty; /* judgement.certainty */
    stats_lec_point lec[QUANT_LEC_POINTS];
    group_quant *groups; /* per objective, when asked (those with no quantified
                                     risk last, QV_NOT_QUANTIFIED); in the dom's arena */
    size_t ngroups;
    const char *inputs_hash;
    const char *analysis;
    size_t held_most; /* the most risks the engine held at once (a chunk's), not the register */
} portfolio_quant;

typedef struct control_quant {
    const char *key, *title;
    decide_value value;
    const char *effectiveness;
    const char *state; /* implemented, proposed, ineffective */
} control_quant;

/* A control left out of the return on controls, and why. */
typedef struct control_gap {
    const char *key, *title, *reason;
} control_gap;

typedef struct returns_quant {
    quant_money money;
    uint64_t seed;
    size_t iterations;
    const char *engine;
    control_quant *rows; /* best return first; in the dom's arena */
    size_t n;
    control_gap *left_out; /* controls that treat risks but could not be valued */
    size_t nleft_out;
    const char *inputs_hash;
    const char *analysis;
    size_t held_most; /* the most risks a chunk of controls brought in, not the register */
} returns_quant;

int dom_risk_quantify(dom *d, const char *key, const quant_opts *o, risk_quant *out, isms_err *e);
int dom_portfolio_quantify(dom *d, const quant_opts *o, int by_objective, portfolio_quant *out,
                           isms_err *e);
int dom_control_returns(dom *d, const quant_opts *o, returns_quant *out, isms_err *e);

/* The results as JSON (what --json prints and what an analysis record
 * keeps, up to its field's 16 MB: quant_returns_kept), malloc'd. */
char *dom_risk_quant_json(const risk_quant *q);
char *dom_portfolio_json(const portfolio_quant *q);
char *dom_returns_json(const returns_quant *q);
/* The same document written to f as it is built, a row at a time (a row
 * per control: the document of a million is never held whole); 0, or
 * E_IO when a write failed. */
int dom_returns_json_to(const returns_quant *q, FILE *f);

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

/* Do the cells (likelihood, impact) lie more than one band apart on an
 * n x n matrix? */
int quant_cells_disagree(int n, int l1, int i1, int l2, int i2);

/* Has the risk FAIR inputs (is it quantified)? */
int dom_risk_quantified(const record *risk);
/* The fields dom_risk_quantified reads (*out; returns how many): for scans
 * that read a few fields of each risk (store_query.fields). */
int dom_risk_input_fields(const int **out);
/* The query for the risks not quantified (every FAIR input null: the
 * partial index 0014 reads them), reading one field, from `offset`, at
 * most `limit`; its filters in arena `a`. */
void dom_unquantified_query(arena *a, int64_t offset, int limit, store_query *q);

/* ---- are the figures current? ----
 *
 * Every analysis records the SHA-256 of the register inputs it ran on
 * (risk factors, objectives, control effects, status and effectiveness,
 * insurance terms, appetite; costs for the return on controls). A checker
 * of one risk loads that risk's model (no simulation) and tells, for its
 * analyses, whether today's inputs hash the same; if not, it is stale,
 * since the latest change to one of its inputs after it ran. */
typedef struct quant_check quant_check;

typedef struct quant_freshness {
    int stale;         /* inputs changed since the run */
    int unknown;       /* an analysis from before hashes were kept */
    int orphan;        /* stale for good: its risk is retired or no longer quantified */
    const char *since; /* time of the latest change to its inputs after the run, or NULL */
} quant_freshness;

void quant_check_free(quant_check *c);
/* One analysis of the risk the checker was opened on (quant_check_open):
 * its inputs hashed again from that risk's model. */
int quant_check_analysis(quant_check *c, const record *analysis, quant_freshness *out, isms_err *e);
/* The latest change to a record an analysis's inputs come from (the
 * registers qmodel_load reads and the organisation's settings), by index
 * (a read per register): NULL when there is none; in the dom's arena. */
int quant_last_input_change(dom *d, const char **out, isms_err *e);
/* The freshness of one analysis at the cost of its own inputs, never of
 * the repository: current at once when nothing it depends on changed
 * after `last` (what quant_last_input_change gave, read once for every
 * analysis judged in the same state of the repository); else a risk's
 * analysis hashes that risk's model (a retired risk's is stale for good).
 * A portfolio's or a return on controls' inputs are every risk's: the
 * latest of its subject is judged by the mark the store keeps
 * (quantify_latest.c: stale when a write moved a field its inputs name),
 * as the dashboard judges it; one superseded is stale once a risk, control
 * or appetite was written after it ran. */
int quant_check_of(dom *d, const char *last, const record *analysis, quant_freshness *out,
                   isms_err *e);

/* The latest analysis of each subject (risk key, "portfolio", "portfolio
 * by objective", "controls") with its freshness; keys in the dom's arena. */
typedef struct quant_latest {
    const char *key, *subject, *kind;
    size_t iterations;
    uint64_t seed;
    const char *inputs; /* for re-running with the same correlations */
    const record *rec;  /* the analysis itself */
    quant_freshness fresh;
} quant_latest;

int dom_latest_analyses(dom *d, quant_latest **out, size_t *n, isms_err *e);
/* Each latest analysis that is stale and can be re-run (not an orphan),
 * handed to fn one at a time, read (a portfolio's with its inputs, for
 * its correlations) and handed over in memory of its own, freed after fn
 * returns: where the store keeps them (0017), those marked written since
 * they ran, found by index, so the cost is the stale ones', not every
 * analysis's; else every latest analysis judged (dom_latest_analyses).
 * fn may write (re-run and save): the marks are read before the first. */
typedef int (*quant_latest_fn)(const quant_latest *q, void *ctx, isms_err *e);
int dom_latest_stale_each(dom *d, quant_latest_fn fn, void *ctx, isms_err *e);
/* A run of `kind` as analyses name it ("risk": subject the risk's key;
 * "portfolio": subject "portfolio" or "portfolio by objective"; else the
 * return on controls), with o (saved when o->save): *key the analysis
 * (in the dom's arena), NULL when not saved. */
int dom_quantify_kind(dom *d, const char *kind, const char *subject, const quant_opts *o,
                      const char **key, isms_err *e);
/* Runs analysis l again as it ran (its kind, subject, iterations, seed and
 * a portfolio's correlations), with o's threads, progress, cancel and save:
 * *key the new analysis when saved (in the dom's arena). */
int dom_latest_rerun(dom *d, const quant_latest *l, quant_opts *o, const char **key, isms_err *e);
/* Runs analysis `analysis` (QNT-n) again as it ran, as dom_latest_rerun
 * does: what a person asks for when its figures are stale (the web's
 * "Run again"). E_NOT_FOUND when there is no such analysis. */
int dom_analysis_rerun(dom *d, const char *analysis, quant_opts *o, const char **key, isms_err *e);
/* The latest analysis of one risk (*found 0: none), with its freshness, at
 * the cost of that risk (its analyses by subject, its model and changes by
 * key and index), where dom_latest_analyses costs the repository. */
int dom_latest_analysis_of(dom *d, const record *risk, quant_latest *out, int *found, isms_err *e);
/* The latest analysis of the risk `risk_key` alone, without its freshness
 * (*found 0: none). */
int dom_risk_analysis(dom *d, const char *risk_key, record *out, int *found, isms_err *e);

/* The dashboard's latest analyses, read by key and index from those the
 * store keeps (quantify_latest.c, store_keeps_latest): the first `limit`
 * written since they ran, in the analyses' order (how many: the tally
 * STORE_STALE_TALLY), each read (a risk's stale since its mark, kept true
 * by dom_latest_rejudge; any other judged); and the latest portfolio and
 * return on controls of each
 * subject (judged when written since, else current), in the order of each
 * subject's first analysis; each without its inputs (q->inputs NULL), in
 * the dom's arena. */
int dom_latest_dashboard(dom *d, size_t limit, quant_latest **written, size_t *nwritten,
                         quant_latest **portfolios, size_t *nportfolios, isms_err *e);

/* A latest analysis that is a portfolio by objective (the one whose
 * results say each objective's loss against its appetite). */
int quant_is_objective_portfolio(const quant_latest *l);
/* The latest portfolio analysis by objective (*out NULL: none yet), judged
 * as dom_latest_dashboard judges it, in the dom's arena. */
int dom_latest_objective_portfolio(dom *d, const quant_latest **out, isms_err *e);

/* The latest analyses of the `limit` risks still quantified with the
 * largest P95 annual loss, largest first, each judged as above: from the
 * front of an index where the store keeps the figure (0018), else from
 * every latest analysis. Without inputs; in the dom's arena. */
int dom_latest_top_money(dom *d, size_t limit, quant_latest **rows, size_t *n, isms_err *e);

/* Risk r's latest analysis, where the store keeps them (store_keeps_latest)
 * and has said which it is (#analysis, written since it ran when
 * `written`; store_latest_of_risks): judged only when written since (where
 * dom_latest_analysis_of judges each at the cost of its risk's model).
 * Without inputs; in the dom's arena. */
int dom_latest_kept_read(dom *d, const record *r, int64_t analysis, int written, quant_latest *out,
                         isms_err *e);

/* After a write at `at` that moved the inputs of the n risks (a risk, the
 * controls treating them): every analysis not of one risk marked written
 * since, and each risk's latest analysis judged by its own inputs as they
 * now are (quant_check_analysis), marked stale since the judge says or
 * unmarked when its inputs are back where it ran. So a risk's mark is its
 * hash's verdict, and the dashboard reads it without judging. */
int dom_latest_rejudge(dom *d, const int64_t *risks, size_t n, const char *at, isms_err *e);
/* Every latest analysis judged afresh (an upgrade, an import, once the
 * table is filled unmarked): a risk's one at a time, by its own model and
 * in its own memory, with a progress line; any other stale when a record
 * its inputs come from was written after it ran. */
int dom_latest_judge_all(dom *d, isms_err *e);

/* The same, kept while the repository stays as it is (dom_cached): for
 * views that only read them, valid until the request ends. */
int dom_latest_analyses_kept(dom *d, const quant_latest **out, size_t *n, isms_err *e);

/* The approved appetite statements, each handed to fn. */
int dom_approved_appetites(dom *d, store_record_fn fn, void *ctx, isms_err *e);
/* The approved ones that bear on one risk's threshold
 * (qmodel_threshold_for): the organisation's, then each of its
 * objectives', each by the index on the appetite's objective, in id order
 * (the latest approval last). */
int dom_risk_appetites(dom *d, const record *risk, store_record_fn fn, void *ctx, isms_err *e);
/* Into at (size bytes): the latest change to any version of those
 * appetites, of any state, retired too (what a change to the threshold's
 * inputs is); "" for none. A read of an index for the organisation's and
 * one for each of its objectives', however many versions they have. */
int dom_risk_appetites_changed(dom *d, const record *risk, char *at, size_t size, isms_err *e);

/* The threshold that applies to a risk (its objectives' approved appetites,
 * the strictest; else the organisation's). */
int dom_risk_threshold(dom *d, const record *risk, quant_threshold *out, isms_err *e);

#endif
