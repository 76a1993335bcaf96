/* quantify_json.c: what a quantified run ran on and what it found, as
 * JSON (formats/jsonw: the domain sees no jansson): the inputs and their
 * hash (what makes a figure stale), and the results that --json prints
 * and an analysis record keeps. */
#include "domain/workflows/quantify_impl.h"
#include "domain/registers/registers.h"
#include "core/buf.h"
#include "core/sha256.h"
#include "core/xalloc.h"
#include "formats/jsonw.h"
#include "ledger/ledger.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON (io/jsonw: the domain sees no jansson) ---- */

/* Closes the document and hands back its text (malloc'd). */
static char *finish(jw *w, int pretty)
{
    jw_end(w);
    char *text = jw_text(w, pretty);
    jw_free(w);
    return text;
}

static void dist_member(jw *w, const char *name, const dist *d)
{
    if (d->kind == DIST_NONE)
        return;
    buf b;
    buf_init(&b);
    dist_format(d, &b);
    jw_str(w, name, buf_str(&b));
    buf_reset(&b);
}

/* One money convention for every JSON document isms writes: amounts are
 * integer minor units of the currency (cents), as in records; the document
 * says so ("money", "currency"). The engine's doubles are major units;
 * probabilities, shares and counts stay plain numbers. */
quant_money quant_money_of(dom *d)
{
    return (quant_money){ arena_strdup(dom_arena(d), dom_currency(d)), dom_currency_exponent(d) };
}

static void money_members(jw *w, const quant_money *m)
{
    jw_str(w, "currency", m->currency);
    jw_str(w, "money", "minor units");
}

static void amount(jw *w, const char *name, double major, const quant_money *m)
{
    if (isfinite(major))
        jw_int(w, name, (int64_t)llround(major * pow(10, m->exponent)));
    else
        jw_null(w, name);
}

/* What reproduces a run: engine, seed (as text: it may exceed 2^53),
 * iterations; and the analysis that keeps it, when saved. */
static void run_members(jw *w, int with_analysis, const char *analysis, const char *engine,
                        uint64_t seed, size_t iterations, const char *hash)
{
    char text[32];
    if (with_analysis) {
        jw_str(w, "analysis", analysis);
        jw_str(w, "inputs_hash", hash);
    }
    jw_str(w, "engine", engine);
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    jw_str(w, "seed", text);
    jw_int(w, "iterations", (int64_t)iterations);
}

static void stats_members(jw *w, const char *name, const stats_summary *s, const quant_se *se,
                          const quant_money *m)
{
    jw_object(w, name);
    amount(w, "mean", s->mean, m);
    amount(w, "sd", s->sd, m);
    amount(w, "mean_standard_error", s->n ? s->sd / sqrt((double)s->n) : NAN, m);
    amount(w, "p50", s->p50, m);
    amount(w, "p90", s->p90, m);
    amount(w, "p95", s->p95, m);
    amount(w, "p99", s->p99, m);
    jw_num(w, "var_level", s->var_level);
    amount(w, "value_at_risk", s->var, m);
    amount(w, "expected_shortfall", s->es, m);
    jw_num(w, "p_above_appetite", isfinite(s->p_above_appetite) ? s->p_above_appetite : NAN);
    jw_num(w, "p_above_tolerance", s->p_above_tolerance);
    jw_object(w, "standard_error");
    amount(w, "p50", se->p50, m);
    amount(w, "p90", se->p90, m);
    amount(w, "p95", se->p95, m);
    amount(w, "p99", se->p99, m);
    amount(w, "value_at_risk", se->var, m);
    jw_end(w);
    jw_end(w);
}

static void lec_members(jw *w, const stats_lec_point *lec, const quant_money *m)
{
    jw_array(w, "loss_exceedance");
    for (int k = 0; k < QUANT_LEC_POINTS; k++) {
        jw_array(w, NULL);
        amount(w, NULL, lec[k].loss, m);
        jw_num(w, NULL, lec[k].p_exceed);
        jw_end(w);
    }
    jw_end(w);
}

static void threshold_members(jw *w, const quant_threshold *t, const quant_money *m)
{
    if (!t->set) {
        jw_null(w, "appetite");
        return;
    }
    jw_object(w, "appetite");
    jw_str(w, "statement", t->source);
    amount(w, "appetite", t->appetite, m);
    amount(w, "tolerance", t->tolerance, m);
    jw_int(w, "confidence", t->confidence);
    if (t->inherited)
        jw_bool(w, "organisation_wide", 1);
    jw_end(w);
}

/* The verdict, its measure and margin, and the certainty with what it
 * means; what it cannot say, said. */
static void judgement_members(jw *w, const quant_judgement *j, const quant_threshold *t,
                              const quant_money *m)
{
    jw_object(w, "verdict");
    jw_str(w, "verdict", quant_verdict_name(j->verdict));
    if (j->verdict != QV_NO_APPETITE && j->verdict != QV_NOT_QUANTIFIED) {
        jw_str(w, "measure", "annual loss at the appetite's percentile");
        jw_int(w, "percentile", t->confidence);
        amount(w, "loss", j->measure, m);
        amount(w, "loss_standard_error", j->measure_se, m);
        amount(w, "margin", j->margin, m);
        jw_str(w, "margin_means", quant_margin_means(j->verdict));
        amount(w, "appetite", t->appetite, m);
        if (t->tolerance > 0)
            amount(w, "tolerance", t->tolerance, m);
        jw_bool(w, "organisation_appetite", t->inherited);
    }
    if (j->certainty >= 0) {
        jw_num(w, "certainty", j->certainty);
        jw_str(w, "certainty_means",
               t->tolerance > 0 ? "the chance the year's loss stays within tolerance"
                                : "the chance the year's loss stays within appetite "
                                  "(no tolerance set)");
    } else {
        jw_null(w, "certainty");
        jw_str(w, "certainty_means",
               j->verdict == QV_NOT_QUANTIFIED ? "none: no risk of it is quantified"
                                               : "none: no appetite approved");
    }
    jw_int(w, "risks_not_quantified", (int64_t)j->unquantified);
    if (j->unquantified && j->certainty >= 0)
        jw_str(w, "incomplete",
               "risks not quantified can only add loss: the loss is a floor, the certainty "
               "a ceiling");
    jw_end(w);
}

static void scenario_members(jw *w, const char *name, const quant_scenario *s, int with_lec,
                             const quant_money *m)
{
    jw_object(w, name);
    stats_members(w, "annual_loss", &s->stats, &s->se, m);
    jw_num(w, "loss_events_per_year", s->frequency);
    amount(w, "mean_loss_per_event", s->event_loss, m);
    if (with_lec)
        lec_members(w, s->lec, m);
    jw_end(w);
}

static void sensitivity_members(jw *w, const decide_sensitivity *s, size_t n, const quant_money *m)
{
    jw_object(w, "sensitivity");
    jw_str(w, "method",
           "variance decomposition: each input's first-order effect (the share of variance "
           "gone when it is held at its median, clipped at 0), the rest as other "
           "(interactions, the number of events); scaled to add up to 1");
    jw_array(w, "drivers");
    for (size_t k = 0; k < n; k++) {
        jw_object(w, NULL);
        jw_str(w, "input", quant_input_name(s[k].factor));
        jw_num(w, "variance_share", s[k].variance_share);
        amount(w, "mean_shift", s[k].mean_shift, m);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

char *quant_risk_json(const risk_quant *q, int results_only)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    if (!results_only) {
        jw_str(w, "key", q->key);
        jw_str(w, "title", q->title);
    }
    run_members(w, !results_only, q->analysis, q->engine, q->seed, q->iterations, q->inputs_hash);
    money_members(w, &q->money);
    jw_str(w, "model", q->model);
    threshold_members(w, &q->threshold, &q->money);
    jw_bool(w, "outside_appetite", q->outside_appetite);
    judgement_members(w, &q->judgement, &q->threshold, &q->money);
    scenario_members(w, "inherent", &q->inherent, 1, &q->money);
    scenario_members(w, "current", &q->current, 1, &q->money);
    scenario_members(w, "target", &q->target, 1, &q->money);
    sensitivity_members(w, q->sensitivity, q->nsensitivity, &q->money);
    jw_object(w, "matrix");
    jw_int(w, "likelihood", q->qual_likelihood);
    jw_int(w, "impact", q->qual_impact);
    if (q->likelihood) {
        jw_int(w, "fair_likelihood", q->likelihood);
        jw_int(w, "fair_impact", q->impact);
        jw_bool(w, "disagrees", q->matrix_disagrees);
        jw_bool(w, "derived_from_fair", q->matrix_derived);
    }
    jw_end(w);
    return finish(w, !results_only);
}

char *dom_risk_quant_json(const risk_quant *q) { return quant_risk_json(q, 0); }

/* An element of a list of subjects: an object opened with its key and
 * title (the caller adds the rest and ends it). */
static void subject_object(jw *w, const char *key, const char *title)
{
    jw_object(w, NULL);
    jw_str(w, "key", key);
    jw_str(w, "title", title);
}

char *dom_portfolio_json(const portfolio_quant *q)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    run_members(w, 1, q->analysis, q->engine, q->seed, q->iterations, q->inputs_hash);
    money_members(w, &q->money);
    jw_int(w, "risks_modelled", (int64_t)q->modelled);
    jw_int(w, "risks_not_modelled", (int64_t)q->unmodelled);
    jw_array(w, "risks_not_quantified"); /* the first: risks_not_modelled counts them all */
    for (size_t k = 0; k < q->unmodelled_listed; k++)
        jw_str(w, NULL, q->unmodelled_keys[k]);
    jw_end(w);
    amount(w, "value_at_stake", q->value_at_stake, &q->money);
    amount(w, "value_at_stake_not_quantified", q->value_unquantified, &q->money);
    threshold_members(w, &q->threshold, &q->money);
    stats_members(w, "annual_loss", &q->total, &q->se, &q->money);
    jw_num(w, "certainty", q->certainty);
    judgement_members(w, &q->judgement, &q->threshold, &q->money);
    lec_members(w, q->lec, &q->money);
    jw_array(w, "objectives");
    for (size_t k = 0; k < q->ngroups; k++) {
        const group_quant *g = &q->groups[k];
        subject_object(w, g->key, g->title);
        jw_int(w, "risks", (int64_t)g->nrisks);
        amount(w, "value_at_stake", g->value_at_stake, &q->money);
        if (g->judgement.verdict != QV_NOT_QUANTIFIED) {
            threshold_members(w, &g->threshold, &q->money);
            stats_members(w, "annual_loss", &g->stats, &g->se, &q->money);
        }
        jw_num(w, "certainty", g->certainty >= 0 ? g->certainty : NAN);
        judgement_members(w, &g->judgement, &g->threshold, &q->money);
        jw_end(w);
    }
    jw_end(w);
    return finish(w, 1);
}

/* ---- what an analysis keeps ---- */

static size_t kept_max_set; /* quant_kept_max: a smaller bound, for tests */

void quant_kept_max(size_t max) { kept_max_set = max; }

/* The most an analysis keeps of a document: its field's bound. */
static size_t kept_max(int field)
{
    size_t max = field_def(&reg_analysis, field)->max;
    return kept_max_set && kept_max_set < max ? kept_max_set : max;
}

static const char *worth_name(decide_worth w)
{
    return w == DECIDE_JUSTIFIED      ? "justified"
           : w == DECIDE_COST_UNKNOWN ? "cost unknown"
                                      : "not justified by quantified risk";
}

/* Has the document written to f (NULL: not bounded) reached `limit` bytes? */
static int full(FILE *f, long limit) { return f && ftell(f) >= limit; }

/* The document; to a bounded f, its rows as far as limit, and what was
 * left out (returns_kept). */
static void returns_doc(jw *w, const returns_quant *q, FILE *f, long limit)
{
    size_t rows = 0, left = 0;
    jw_object(w, NULL);
    run_members(w, 1, q->analysis, q->engine, q->seed, q->iterations, q->inputs_hash);
    money_members(w, &q->money);
    jw_array(w, "controls");
    for (size_t k = 0; k < q->n && !full(f, limit); k++, rows++) {
        const control_quant *c = &q->rows[k];
        subject_object(w, c->key, c->title);
        jw_str(w, "state", c->state);
        jw_str(w, "effectiveness", c->effectiveness);
        amount(w, "annual_cost", c->value.annual_cost, &q->money);
        amount(w, "mean_reduction", c->value.mean_reduction, &q->money);
        amount(w, "mean_reduction_standard_error", c->value.mean_reduction_se, &q->money);
        amount(w, "p95_reduction", c->value.p95_reduction, &q->money);
        amount(w, "net_benefit", c->value.net_benefit, &q->money);
        jw_num(w, "return_on_control", c->value.roi);
        jw_str(w, "worth", worth_name(c->value.worth));
        if (c->value.rank) {
            jw_int(w, "fund_rank", (int64_t)c->value.rank);
            jw_bool(w, "tie_with_next", c->value.tie_with_next);
        }
        jw_end(w);
    }
    jw_end(w);
    jw_array(w, "not_valued");
    for (size_t k = 0; k < q->nleft_out && !full(f, limit); k++, left++) {
        subject_object(w, q->left_out[k].key, q->left_out[k].title);
        jw_str(w, "reason", q->left_out[k].reason);
        jw_end(w);
    }
    jw_end(w);
    if (rows == q->n && left == q->nleft_out)
        return;
    jw_int(w, "controls_valued", (int64_t)q->n);
    jw_int(w, "controls_not_valued", (int64_t)q->nleft_out);
    char note[400];
    snprintf(note, sizeof note,
             "kept the %zu controls of highest return of the %zu valued, and %zu of the %zu "
             "not valued: the whole table is more than an analysis keeps; re-run with the "
             "same seed and iterations (isms control roi --json) for every row, the same "
             "figures while the inputs hash is the same",
             rows, q->n, left, q->nleft_out);
    jw_str(w, "not_kept", note);
}

int dom_returns_json_to(const returns_quant *q, FILE *f)
{
    jw *w = jw_stream(f);
    returns_doc(w, q, NULL, 0);
    jw_end(w); /* as finish() closes the document */
    return jw_stream_end(w);
}

/* The document as text, written as it goes (memory: the text, not a tree
 * of it as well); limit > 0: its rows as far as that many bytes. */
static char *returns_text(const returns_quant *q, long limit)
{
    size_t len = 0;
    char *text = NULL;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        xdie("open_memstream"); /* no memory for the stream itself */
    jw *w = jw_stream(f);
    returns_doc(w, q, limit ? f : NULL, limit);
    jw_end(w);
    int rc = jw_stream_end(w);
    if (fclose(f) || rc)
        xdie("the return on controls"); /* a memory stream fails only when memory does */
    if (len && text[len - 1] == '\n')
        text[len - 1] = '\0'; /* the stream ends its document with a line; jw_text does not */
    return text;
}

char *dom_returns_json(const returns_quant *q) { return returns_text(q, 0); }

/* Room for what follows the last row kept: the arrays' ends and what was
 * left out. */
enum { RETURNS_TAIL = 4096 };

char *quant_returns_kept(const returns_quant *q)
{
    size_t max = kept_max(F_ANALYSIS_RESULTS);
    return returns_text(q, (long)(max > 2 * RETURNS_TAIL ? max - RETURNS_TAIL : max / 2));
}

/* ---- the inputs of a run, and their hash ---- */

static size_t spec_risk(const inputs_spec *s, size_t k) { return s->risks ? s->risks[k] : k; }

static size_t spec_count(const qmodel *m, const inputs_spec *s)
{
    return s->risks ? s->nrisks : m->nrisks;
}

/* Which controls act on one of the selected risks: one pass over their
 * effects (calloc'd flags, one per control), not one per control. */
static char *controls_used(const qmodel *m, const inputs_spec *s)
{
    char *used = xcalloc(m->ncontrols ? m->ncontrols : 1, 1);
    for (size_t k = 0; k < spec_count(m, s); k++) {
        const fair_risk *r = &m->risks[spec_risk(s, k)];
        for (size_t j = 0; j < r->neffects; j++)
            used[r->effects[j].control] = 1;
    }
    return used;
}

static void risk_members(jw *w, const qmodel *m, size_t i)
{
    const fair_risk *r = &m->risks[i];
    jw_object(w, NULL);
    jw_str(w, "key", m->risk_keys[i]);
    jw_int(w, "stream", (int64_t)r->stream_id);
    jw_str(w, "model", r->mode == FAIR_PRODUCT ? "product" : "compound");
    for (int k = 0; k < NRISK_INPUTS; k++)
        dist_member(w, field_def(&reg_risk, qmodel_input_field(k))->name,
                    qmodel_input((fair_risk *)r, k));
    jw_array(w, "objectives");
    for (int k = 0; k < m->nrisk_objectives[i]; k++)
        jw_int(w, NULL, m->risk_objectives[i][k]);
    jw_end(w);
    jw_array(w, "effects");
    for (size_t k = 0; k < r->neffects; k++) {
        jw_object(w, NULL);
        jw_str(w, "control", m->qcontrols[r->effects[k].control].key);
        jw_str(w, "acts_on", fair_target_name(r->effects[k].target));
        dist_member(w, "reduction", &r->effects[k].reduction);
        if (r->effects[k].weakening > 0)
            jw_num(w, "weakening", r->effects[k].weakening);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

static void control_members(jw *w, const qmodel *m, size_t c, int costs, const quant_money *money)
{
    const fair_control *fc = &m->controls[c];
    const qcontrol *qc = &m->qcontrols[c];
    jw_object(w, NULL);
    jw_str(w, "key", qc->key);
    jw_bool(w, "implemented", fc->implemented);
    jw_str(w, "effectiveness", qc->effectiveness);
    if (costs)
        amount(w, "annual_cost", fc->annual_cost, money);
    if (qc->target == FAIR_ON_TRANSFER) {
        amount(w, "deductible", fc->deductible, money);
        amount(w, "limit", fc->limit, money);
        jw_str(w, "cover", fc->cover == FAIR_COVER_ANNUAL ? "annual" : "per-event");
    }
    jw_end(w);
}

/* Every approved appetite (m's), and the run's correlations (a quant_opts):
 * members of the inputs, whole or streamed. */
static void appetite_members(jw *w, const void *arg)
{
    const qmodel *m = arg;
    quant_money money = { dom_currency(m->d), dom_currency_exponent(m->d) };
    jw_array(w, "appetites");
    for (size_t k = 0; k < m->nappetites; k++) {
        jw_object(w, NULL);
        if (m->appetites[k].objective)
            jw_int(w, "objective", m->appetites[k].objective);
        threshold_members(w, &m->appetites[k].t, &money);
        jw_end(w);
    }
    jw_end(w);
}

static void correlation_members(jw *w, const void *arg)
{
    const quant_opts *corr = arg;
    jw_array(w, "correlations");
    for (size_t k = 0; k < corr->ncorr; k++) {
        jw_object(w, NULL);
        jw_str(w, "a", corr->corr[k].a);
        jw_str(w, "b", corr->corr[k].b);
        jw_num(w, "rank_correlation", corr->corr[k].rho);
        jw_end(w);
    }
    jw_end(w);
}

char *quant_inputs_json(const qmodel *m, const inputs_spec *s)
{
    quant_money money = { dom_currency(m->d), dom_currency_exponent(m->d) };
    jw *w = jw_new();
    jw_object(w, NULL);
    jw_str(w, "engine", fair_engine_version);
    money_members(w, &money);
    jw_str(w, "distributions", "major units, as given");
    jw_array(w, "risks");
    for (size_t k = 0; k < spec_count(m, s); k++)
        risk_members(w, m, spec_risk(s, k));
    jw_end(w);
    jw_array(w, "controls");
    char *used = controls_used(m, s);
    for (size_t c = 0; c < m->ncontrols; c++)
        if (used[c])
            control_members(w, m, c, s->costs, &money);
    free(used);
    jw_end(w);
    if (s->threshold)
        threshold_members(w, s->threshold, &money);
    if (s->appetites)
        appetite_members(w, m);
    if (s->corr && s->corr->ncorr)
        correlation_members(w, s->corr);
    return finish(w, 0);
}

/* The hash of the register inputs (correlations are the run's own, like
 * its seed), in the dom's arena. */
const char *quant_inputs_hash(dom *d, const qmodel *m, const inputs_spec *s)
{
    inputs_spec bare = *s;
    bare.corr = NULL;
    char *text = quant_inputs_json(m, &bare), hex[65];
    sha256_hex(text, strlen(text), hex);
    free(text);
    return arena_strdup(dom_arena(d), hex);
}

/* ---- the same inputs, streamed: a portfolio's, a risk at a time ----
 *
 * The canonical text of quant_inputs_json's document for a portfolio
 * (every risk, the appetites), fed to the hash (and, when the run is
 * saved, to the text it keeps) in pieces: its members sorted by name as
 * the canonical form sorts them (appetites, controls, [correlations,]
 * currency, distributions, engine, money, risks), each control and risk
 * written whole by jw as it comes. The bytes, and so the hash, are
 * quant_inputs_json's; the memory is one risk's. */
struct inputs_stream {
    sha256_stream *hash;
    buf *text;              /* NULL: only hashed */
    size_t bytes, kept_max; /* the text's length, kept or not; the most an analysis keeps */
    int dropped;            /* the text passed kept_max: it is not kept */
    const quant_opts *corr;
    int costs;             /* the controls' costs are inputs (the return on controls) */
    int ncontrols, nrisks; /* written so far (a comma before the next) */
};

/* Bytes of the text that is hashed (hashed 1) or only kept (0). The text
 * stops being kept once it would pass what an analysis keeps: a portfolio
 * of a million risks is hundreds of megabytes of inputs, held by no one. */
static void feed(inputs_stream *s, const char *p, size_t n, int hashed)
{
    if (hashed)
        sha256_stream_add(s->hash, p, n);
    if (!s->text)
        return;
    s->bytes += n;
    if (!s->dropped && s->bytes > s->kept_max) {
        s->dropped = 1;
        buf_reset(s->text);
    }
    if (!s->dropped)
        buf_append(s->text, p, n);
}

static void feed_str(inputs_stream *s, const char *p) { feed(s, p, strlen(p), 1); }

/* The canonical text of an object holding the members fn writes, without
 * its braces: members to splice into the document's. */
static void feed_members(inputs_stream *s, void (*fn)(jw *, const void *), const void *arg,
                         int hashed)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    fn(w, arg);
    char *text = finish(w, 0);
    size_t n = strlen(text);
    if (n > 2)
        feed(s, text + 1, n - 2, hashed);
    free(text);
}

static void plain_members(jw *w, const void *arg)
{
    const qmodel *m = arg;
    quant_money money = { dom_currency(m->d), dom_currency_exponent(m->d) };
    jw_str(w, "engine", fair_engine_version);
    money_members(w, &money);
    jw_str(w, "distributions", "major units, as given");
}

/* One element of an array: a comma before all but the first. */
static void feed_element(inputs_stream *s, jw *w, int *count)
{
    char *text = finish(w, 0);
    if ((*count)++)
        feed_str(s, ",");
    feed_str(s, text);
    free(text);
}

inputs_stream *quant_inputs_stream_new(const qmodel *m, const inputs_spec *spec, int keep_text)
{
    inputs_stream *s = xcalloc(1, sizeof *s);
    s->hash = sha256_stream_new();
    if (keep_text) {
        s->text = xmalloc(sizeof *s->text);
        buf_init(s->text);
        s->kept_max = kept_max(F_ANALYSIS_INPUTS);
    }
    s->corr = spec->corr && spec->corr->ncorr ? spec->corr : NULL;
    s->costs = spec->costs;
    feed_str(s, "{");
    if (spec->appetites) {
        feed_members(s, appetite_members, m, 1);
        feed_str(s, ",");
    }
    feed_str(s, "\"controls\":[");
    return s;
}

void quant_inputs_stream_control(inputs_stream *s, const qmodel *m, size_t c)
{
    quant_money money = { dom_currency(m->d), dom_currency_exponent(m->d) };
    jw *w = jw_new();
    control_members(w, m, c, s->costs, &money);
    feed_element(s, w, &s->ncontrols);
}

void quant_inputs_stream_risks(inputs_stream *s, const qmodel *m)
{
    feed_str(s, "]");
    if (s->corr) { /* the run's own, like its seed: kept, not hashed */
        feed(s, ",", 1, 0);
        feed_members(s, correlation_members, s->corr, 0);
    }
    feed_str(s, ",");
    feed_members(s, plain_members, m, 1);
    feed_str(s, ",\"risks\":[");
}

void quant_inputs_stream_risk(inputs_stream *s, const qmodel *m, size_t i)
{
    jw *w = jw_new();
    risk_members(w, m, i);
    feed_element(s, w, &s->nrisks);
}

/* What an analysis keeps of inputs too large to keep: what they were, how
 * large, what re-running needs (the run's correlations), and where each
 * record is (its history); the inputs hash identifies the whole. */
static char *inputs_not_kept(const inputs_stream *s, dom *d)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    plain_members(w, &(qmodel){ .d = d });
    jw_int(w, "risks", s->nrisks);
    jw_int(w, "controls", s->ncontrols);
    jw_int(w, "bytes", (int64_t)s->bytes);
    jw_str(w, "not_kept",
           arena_printf(dom_arena(d),
                        "the inputs of %d risks and %d controls are %zu bytes, more than an "
                        "analysis keeps (%zu): inputs_hash identifies them, and each record is "
                        "in the ledger as it was written (isms log KEY)",
                        s->nrisks, s->ncontrols, s->bytes, s->kept_max));
    if (s->corr)
        correlation_members(w, s->corr);
    return finish(w, 0);
}

const char *quant_inputs_stream_end(inputs_stream *s, dom *d, char **text)
{
    feed_str(s, "]}");
    unsigned char h[32];
    sha256_stream_end(s->hash, h);
    char hex[65];
    for (int k = 0; k < 32; k++)
        snprintf(hex + 2 * k, 3, "%02x", h[k]);
    if (text)
        *text = !s->text ? NULL : s->dropped ? inputs_not_kept(s, d) : xstrdup(buf_str(s->text));
    quant_inputs_stream_free(s, 0);
    return arena_strdup(dom_arena(d), hex);
}

void quant_inputs_stream_free(inputs_stream *s, int unfinished)
{
    if (!s)
        return;
    if (unfinished) {
        unsigned char h[32];
        sha256_stream_end(s->hash, h);
    }
    if (s->text) {
        buf_reset(s->text);
        free(s->text);
    }
    free(s);
}
