/* quantify_impl.h: what the quantify workflow's files share (quantify.c
 * runs, quantify_json.c writes the inputs and results, quantify_check.c
 * tells stale figures from current ones). Not for other modules. */
#ifndef ISMS_DOMAIN_QUANTIFY_IMPL_H
#define ISMS_DOMAIN_QUANTIFY_IMPL_H

#include "domain/workflows/quantify.h"
#include "core/idset.h"
#include "risk/portfolio.h"

/* ---- the model, built from the registers ---- */

typedef struct qcontrol {
    int64_t id;
    const char *key, *title;
    fair_target target;
    dist reduction;
    int64_t *treats; /* risk ids */
    int ntreats;
    const char *effectiveness; /* the latest assessment */
    int in_place;              /* implemented or operating, whatever its effectiveness */
    double weakening;          /* partially effective: the share of its reduction lost */
} qcontrol;

/* An active risk without FAIR inputs: counted wherever a total is shown. */
typedef struct qgap {
    const char *key;
    int64_t *objectives;
    int nobjectives;
} qgap;

/* An approved appetite statement: organisation-wide (objective 0) or an
 * objective's. */
typedef struct qappetite {
    int64_t objective;
    quant_threshold t;
} qappetite;

typedef struct qmodel {
    dom *d;
    arena *a;     /* keys and titles (NULL: the dom's arena); a chunk's own */
    double scale; /* minor units per major unit */
    fair_risk *risks;
    int64_t *risk_ids;
    const char **risk_keys, **risk_titles;
    int64_t **risk_objectives; /* per risk: objective ids */
    int *nrisk_objectives;
    size_t nrisks, cap_risks;
    fair_control *controls;
    qcontrol *qcontrols;
    size_t ncontrols, cap_controls;
    size_t unmodelled;
    qgap *gaps; /* the unmodelled risks */
    qappetite *appetites;
    size_t nappetites;
} qmodel;

/* The risk inputs, in the order of the engine's factors (quantify.c). */
enum { NRISK_INPUTS = 8 };
int qmodel_input_field(int k); /* F_RISK_LEF, ... */
dist *qmodel_input(fair_risk *r, int k);

/* Loads every active risk with FAIR inputs, the controls that act on them
 * and the approved appetites; or only the risk `only` (the caller has read
 * it) and the controls treating it, read by the link's index, whatever the
 * size of the registers. */
int qmodel_load(dom *d, const record *only, qmodel *m, isms_err *e);
void qmodel_reset(qmodel *m);
/* A chunk of the registers: the active risks whose ids lie in (after,
 * upto] and the controls treating any of them (by the link's reverse
 * index, whatever the size of the registers), their strings in `a`; no
 * appetites. Effects and figures are those qmodel_load gives for the same
 * risks. */
int qmodel_load_range(dom *d, int64_t after, int64_t upto, arena *a, qmodel *m, isms_err *e);
/* The risks of these ids (a sealed set; those active and quantified) and
 * every control acting on them, read by id and by the link's reverse
 * index, whatever the size of the registers; strings in `a`. Effects and
 * figures are those qmodel_load gives for the same risks. */
int qmodel_load_ids(dom *d, const id_set *risks, arena *a, qmodel *m, isms_err *e);
/* Does control r act on risks (acts_on stated, risks treated)? */
int qmodel_control_acts(const record *r);
/* The control fields the loaders read, *n of them (treats among them). */
const int *qmodel_control_fields(int *n);
int64_t *qmodel_copy_ids(const value *v);                   /* malloc'd */
size_t qmodel_risk_index(const qmodel *m, const char *key); /* (size_t)-1: not modelled */

/* The organisation's (objective 0) or an objective's own appetite; and
 * the one that applies to a risk of these objectives. */
quant_threshold qmodel_threshold_of(const qmodel *m, int64_t objective);
quant_threshold qmodel_threshold_for(const qmodel *m, const int64_t *objectives, int n);

/* ---- running (quantify.c) ---- */

fair_opts quant_engine_opts(const quant_opts *o);

/* What an analysis record keeps of a run (quant_save_analysis takes
 * inputs and results, saved or not, and gives the record's key). */
typedef struct quant_saved {
    const char *subject, *kind;
    uint64_t seed;
    size_t iterations;
    double mean, p95; /* major units; NaN: none (a control return's) */
    const quant_judgement *judgement;
    int likelihood, impact;
    const char *hash;
    char *inputs, *results; /* malloc'd; quant_save_analysis takes them */
    /* The run's cancel flag (quant_opts.cancel; may be NULL): a run
     * cancelled after its simulation, while its figures were computed, is
     * not saved either. */
    const volatile sig_atomic_t *cancel;
} quant_saved;
int quant_save_analysis(dom *d, quant_saved *s, const char **key, isms_err *e);

/* ---- streaming the registers (quantify.c) ----
 *
 * A run over every risk without holding them: the census (a first pass:
 * which risks are quantified, a bit per id; how many; how many others,
 * and the first of their keys; what each objective counts, when g is given; where the
 * correlated risks come among the quantified), then the risks a chunk of
 * ids at a time into a portfolio stream (and the inputs stream), grouped
 * by objective when g is given. */
typedef struct group_load group_load;
typedef struct risk_census {
    group_load *g;
    unsigned char *quantified; /* bit per risk id up to max_id */
    int64_t max_id, last_id;   /* last_id: of the last quantified risk */
    size_t n;
    const char **gap_keys;  /* the first QUANT_GAP_KEYS_LISTED of the others' */
    size_t ngaps, nkeys;    /* the others, and the keys kept of them */
    const char **corr_keys; /* 2 per pair */
    size_t *corr_place;     /* (size_t)-1: not quantified */
    size_t ncorr_keys;
    arena *a;
} risk_census;
int quant_census_take(dom *d, const quant_opts *o, risk_census *c, isms_err *e);
void quant_census_reset(risk_census *c);
int quant_census_quantified(const risk_census *c, int64_t id);

/* The controls pass: every control treating risks, in id order, handed to
 * fn with a model of its own (`one`: the control when it acts on risks,
 * m->ncontrols 1, else empty) and how many quantified risks it treats; a
 * control whose stored effect is broken stops the pass, as when the model
 * was loaded whole. */
typedef int (*quant_control_fn)(void *ctx, const record *r, const qmodel *one, size_t quantified);
int quant_pass_controls(dom *d, const risk_census *c, quant_control_fn fn, void *ctx, isms_err *e);

typedef struct inputs_stream inputs_stream;
int quant_pass_risks(dom *d, const quant_opts *o, const risk_census *c, const group_load *g,
                     portfolio_stream *s, inputs_stream *in, isms_err *e);

/* ---- what a run ran on (quantify_json.c) ---- */

/* Which risks of the model, the appetite that applied (a risk's) or
 * every approved one (the portfolio's), whether control costs count (the
 * return on controls), and the correlations. */
typedef struct inputs_spec {
    const size_t *risks; /* indices into the model; NULL: all */
    size_t nrisks;
    const quant_threshold *threshold;
    int appetites;
    int costs;
    const quant_opts *corr; /* NULL: none (the hash never covers them) */
} inputs_spec;

/* The dom's currency: JSON gives amounts in its minor units. */
quant_money quant_money_of(dom *d);

char *quant_inputs_json(const qmodel *m, const inputs_spec *s); /* malloc'd */
const char *quant_inputs_hash(dom *d, const qmodel *m,
                              const inputs_spec *s); /* in the dom's arena */

/* A portfolio's inputs written as they come (a risk at a time): the bytes
 * of quant_inputs_json with every risk and what spec asks besides (its
 * risks and threshold are not read: the appetites, the costs and the run's
 * correlations, which only the kept text holds), hashed as they come and,
 * when keep_text, kept. Controls first (those acting on a modelled risk,
 * in the register's order), then quant_inputs_stream_risks, then each
 * risk in order; m gives the dom and the appetites, then each piece's
 * model. _end gives the hash (in the dom's arena) and, when kept, the text
 * (*text, malloc'd); _free(s, 1) drops an unfinished stream. */
inputs_stream *quant_inputs_stream_new(const qmodel *m, const inputs_spec *spec, int keep_text);
void quant_inputs_stream_control(inputs_stream *s, const qmodel *m, size_t c);
void quant_inputs_stream_risks(inputs_stream *s, const qmodel *m);
void quant_inputs_stream_risk(inputs_stream *s, const qmodel *m, size_t i);
const char *quant_inputs_stream_end(inputs_stream *s, dom *d, char **text);
void quant_inputs_stream_free(inputs_stream *s, int unfinished);

/* The return on controls as its analysis keeps it: dom_returns_json's
 * document when it fits in the results field, else its rows as far as
 * they fit and what was left out, written as they go (memory: the kept
 * text). malloc'd. */
char *quant_returns_kept(const returns_quant *q);
/* What an analysis keeps of its inputs and results is bounded by their
 * fields (16 MB); a test sets a smaller bound (0: the fields'). */
void quant_kept_max(size_t max);

/* A risk's results; results_only: as an analysis keeps them (no key,
 * title or analysis). malloc'd. */
char *quant_risk_json(const risk_quant *q, int results_only);

/* quantify_check.c, for quantify_latest.c: a checker of the analyses of
 * one risk at the cost of that risk. */
int quant_check_open(dom *d, const record *risk, quant_check **out, isms_err *e);
/* q as analysis r says (its memory r's). */
void quant_latest_fill(quant_latest *q, const record *r);

#endif
