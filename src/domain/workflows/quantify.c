/* quantify.c: from the registers to the FAIR engine and back. */
#include "domain/workflows/quantify.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "formats/jsonw.h"
#include "risk/portfolio.h"
#include "risk/qual.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model, built from the registers ---- */

typedef struct qcontrol {
    int64_t id;
    const char *key, *title;
    fair_target target;
    dist reduction;
    int64_t *treats;   /* risk ids */
    int ntreats;
} qcontrol;

typedef struct qmodel {
    dom *d;
    double scale;                 /* minor units per major unit */
    fair_risk *risks;
    int64_t *risk_ids;
    const char **risk_keys, **risk_titles;
    int64_t **risk_objectives;    /* per risk: objective ids */
    int *nrisk_objectives;
    size_t nrisks, cap_risks;
    fair_control *controls;
    qcontrol *qcontrols;
    size_t ncontrols, cap_controls;
    size_t unmodelled;
    const char *only;             /* load one risk only (its key), or NULL */
} qmodel;

static const int risk_inputs[] = {F_RISK_LEF, F_RISK_TEF, F_RISK_VULNERABILITY,
                                  F_RISK_THREAT_CAPABILITY, F_RISK_RESISTANCE_STRENGTH,
                                  F_RISK_PRIMARY_LOSS, F_RISK_SECONDARY_PROBABILITY,
                                  F_RISK_SECONDARY_LOSS};
enum { NRISK_INPUTS = sizeof risk_inputs / sizeof *risk_inputs };
/* The engine's factor of each input, in the same order. */
static const fair_factor risk_factors[NRISK_INPUTS] = {FAIR_LEF, FAIR_TEF, FAIR_VULN, FAIR_TCAP,
                                                       FAIR_RS, FAIR_PLM, FAIR_SLEP, FAIR_SLM};

static dist *risk_input_slot(fair_risk *r, int k)
{
    dist *slots[NRISK_INPUTS] = {&r->lef, &r->tef, &r->vuln, &r->tcap, &r->rs, &r->plm, &r->slep, &r->slm};
    return slots[k];
}

static const struct { const char *name; fair_target target; } target_names[] = {
    {"tef", FAIR_ON_TEF}, {"vulnerability", FAIR_ON_VULN}, {"lef", FAIR_ON_LEF},
    {"primary-loss", FAIR_ON_PLM}, {"secondary-loss", FAIR_ON_SLM},
    {"loss-magnitude", FAIR_ON_LM}, {"transfer", FAIR_ON_TRANSFER},
};

static int parse_stored_dist(const record *r, int fid, dist *out, isms_err *e)
{
    const char *text = record_text(r, fid);
    memset(out, 0, sizeof *out);
    if (!text)
        return 0;
    char where[96];
    snprintf(where, sizeof where, "%s %s", r->key, field_def(r->reg, fid)->name);
    return dist_parse(text, out, where, e);
}

static int has_fair_inputs(const record *r)
{
    for (int k = 0; k < NRISK_INPUTS; k++)
        if (record_text(r, risk_inputs[k]))
            return 1;
    return 0;
}

static int64_t *copy_ids(const value *v)
{
    int64_t *ids = xmalloc(sizeof *ids * (size_t)(v->n ? v->n : 1));
    if (v->n)
        memcpy(ids, v->ids, sizeof *ids * (size_t)v->n);
    return ids;
}

typedef struct load_ctx {
    qmodel *m;
    isms_err *e;
} load_ctx;

static int load_control(const record *r, void *ctx)
{
    load_ctx *lc = ctx;
    qmodel *m = lc->m;
    const char *acts_on = record_text(r, F_CONTROL_ACTS_ON);
    if (!acts_on || !record_cval(r, F_CONTROL_TREATS)->n)
        return 0;
    if (m->ncontrols == m->cap_controls) {
        m->cap_controls = m->cap_controls ? m->cap_controls * 2 : 32;
        m->controls = xrealloc(m->controls, m->cap_controls * sizeof *m->controls);
        m->qcontrols = xrealloc(m->qcontrols, m->cap_controls * sizeof *m->qcontrols);
    }
    arena *a = dom_arena(m->d);
    fair_control *fc = &m->controls[m->ncontrols];
    qcontrol *qc = &m->qcontrols[m->ncontrols];
    memset(fc, 0, sizeof *fc);
    memset(qc, 0, sizeof *qc);
    qc->id = r->id;
    qc->key = arena_strdup(a, r->key);
    qc->title = arena_strdup(a, record_text(r, F_CONTROL_TITLE));
    for (size_t k = 0; k < sizeof target_names / sizeof *target_names; k++)
        if (!strcmp(target_names[k].name, acts_on))
            qc->target = target_names[k].target;
    const value *treats = record_cval(r, F_CONTROL_TREATS);
    qc->treats = copy_ids(treats);
    qc->ntreats = treats->n;
    m->ncontrols++;   /* counted now, so that qmodel_reset frees it on failure */
    const char *status = record_text(r, F_CONTROL_STATUS);
    fc->name = qc->key;
    fc->stream_id = (uint64_t)r->id;
    fc->implemented = !strcmp(status, "implemented") || !strcmp(status, "operating");
    fc->annual_cost = (double)record_int(r, F_CONTROL_COST) / m->scale;
    fc->deductible = (double)record_int(r, F_CONTROL_DEDUCTIBLE) / m->scale;
    fc->limit = record_cval(r, F_CONTROL_COVER_LIMIT)->null
                    ? INFINITY : (double)record_int(r, F_CONTROL_COVER_LIMIT) / m->scale;
    const char *basis = record_text(r, F_CONTROL_COVER_BASIS);
    fc->cover = basis && !strcmp(basis, "annual") ? FAIR_COVER_ANNUAL : FAIR_COVER_PER_EVENT;
    if (qc->target == FAIR_ON_TRANSFER)
        return 0;
    return parse_stored_dist(r, F_CONTROL_REDUCTION, &qc->reduction, lc->e);
}

/* The effects of the loaded controls on risk `id`, malloc'd. */
static fair_effect *effects_for(const qmodel *m, int64_t id, size_t *n)
{
    fair_effect *fx = xmalloc(sizeof *fx * (m->ncontrols ? m->ncontrols : 1));
    *n = 0;
    for (size_t c = 0; c < m->ncontrols; c++)
        for (int k = 0; k < m->qcontrols[c].ntreats; k++)
            if (m->qcontrols[c].treats[k] == id) {
                fx[*n].control = c;
                fx[*n].target = m->qcontrols[c].target;
                fx[*n].reduction = m->qcontrols[c].reduction;   /* borrowed */
                (*n)++;
                break;
            }
    return fx;
}

static int load_risk(const record *r, void *ctx)
{
    load_ctx *lc = ctx;
    qmodel *m = lc->m;
    if (m->only && strcmp(r->key, m->only))
        return 0;
    if (!has_fair_inputs(r)) {
        m->unmodelled++;
        return 0;
    }
    if (m->nrisks == m->cap_risks) {
        m->cap_risks = m->cap_risks ? m->cap_risks * 2 : 64;
        m->risks = xrealloc(m->risks, m->cap_risks * sizeof *m->risks);
        m->risk_ids = xrealloc(m->risk_ids, m->cap_risks * sizeof *m->risk_ids);
        m->risk_keys = xrealloc(m->risk_keys, m->cap_risks * sizeof *m->risk_keys);
        m->risk_titles = xrealloc(m->risk_titles, m->cap_risks * sizeof *m->risk_titles);
        m->risk_objectives = xrealloc(m->risk_objectives, m->cap_risks * sizeof *m->risk_objectives);
        m->nrisk_objectives = xrealloc(m->nrisk_objectives, m->cap_risks * sizeof *m->nrisk_objectives);
    }
    arena *a = dom_arena(m->d);
    size_t i = m->nrisks++;
    fair_risk *fr = &m->risks[i];
    memset(fr, 0, sizeof *fr);
    m->risk_ids[i] = r->id;
    m->risk_keys[i] = arena_strdup(a, r->key);
    m->risk_titles[i] = arena_strdup(a, record_text(r, F_RISK_TITLE));
    const value *objs = record_cval(r, F_RISK_OBJECTIVES);
    m->risk_objectives[i] = copy_ids(objs);
    m->nrisk_objectives[i] = objs->n;
    fr->name = m->risk_keys[i];
    fr->stream_id = (uint64_t)r->id;
    const char *model = record_text(r, F_RISK_LOSS_MODEL);
    fr->mode = model && !strcmp(model, "product") ? FAIR_PRODUCT : FAIR_COMPOUND;
    fr->effects = effects_for(m, r->id, &fr->neffects);
    for (int k = 0; k < NRISK_INPUTS; k++) {
        int rc = parse_stored_dist(r, risk_inputs[k], risk_input_slot(fr, k), lc->e);
        if (rc)
            return rc;
    }
    return fair_risk_validate(fr, m->controls, m->ncontrols, lc->e);
}

static void qmodel_reset(qmodel *m)
{
    for (size_t i = 0; i < m->nrisks; i++) {
        for (int k = 0; k < NRISK_INPUTS; k++)
            dist_reset(risk_input_slot(&m->risks[i], k));
        free((void *)m->risks[i].effects);
        free(m->risk_objectives[i]);
    }
    for (size_t c = 0; c < m->ncontrols; c++) {
        dist_reset(&m->qcontrols[c].reduction);
        free(m->qcontrols[c].treats);
    }
    free(m->risks); free(m->risk_ids); free(m->risk_keys); free(m->risk_titles);
    free(m->risk_objectives); free(m->nrisk_objectives);
    free(m->controls); free(m->qcontrols);
    memset(m, 0, sizeof *m);
}

static int qmodel_load(dom *d, const char *only, qmodel *m, isms_err *e)
{
    memset(m, 0, sizeof *m);
    m->d = d;
    m->only = only;
    m->scale = pow(10, dom_currency_exponent(d));
    load_ctx lc = {m, e};
    int rc = store_scan(dom_store(d), &reg_control, NULL, load_control, &lc, e);
    if (!rc)
        rc = store_scan(dom_store(d), &reg_risk, NULL, load_risk, &lc, e);
    if (rc)
        qmodel_reset(m);
    return rc;
}

/* The register's name for an engine input ("plm" is primary_loss). */
const char *quant_input_name(fair_factor f)
{
    for (int k = 0; k < NRISK_INPUTS; k++)
        if (risk_factors[k] == f)
            return field_def(&reg_risk, risk_inputs[k])->name;
    return fair_factor_name(f);
}

/* ---- checks the rules ask for ---- */

int dom_fair_validate(const record *r, isms_err *e)
{
    fair_risk fr;
    memset(&fr, 0, sizeof fr);
    fr.name = r->key ? r->key : "risk";
    int rc = 0;
    for (int k = 0; k < NRISK_INPUTS && !rc; k++)
        rc = parse_stored_dist(r, risk_inputs[k], risk_input_slot(&fr, k), e);
    if (!rc)
        rc = fair_risk_validate(&fr, NULL, 0, e);
    for (int k = 0; k < NRISK_INPUTS; k++)
        dist_reset(risk_input_slot(&fr, k));
    return rc;
}

/* A reduction removes a share of its factor: its values lie within [0, 1]. */
static int share_check(const dist *d, isms_err *e)
{
    double lo, hi;
    dist_support(d, &lo, &hi);
    if (lo >= 0 && hi <= 1)
        return 0;
    buf text;
    buf_init(&text);
    dist_format(d, &text);
    int rc = err_set(e, E_INVALID, "reduction",
                     "reduction: \"%s\" is not a share: its values must lie between 0 and 1",
                     buf_str(&text));
    buf_reset(&text);
    return rc;
}

int dom_fair_check_share(const char *text, isms_err *e)
{
    dist d = {0};
    int rc = dist_parse(text, &d, "reduction", e);
    if (!rc)
        rc = share_check(&d, e);
    dist_reset(&d);
    return rc;
}

int dom_fair_field_check(const char *field, const dist *d, isms_err *e)
{
    if (!strcmp(field, "reduction")) {
        int rc = dist_validate(d, field, e);
        return rc ? rc : share_check(d, e);
    }
    for (int k = 0; k < NRISK_INPUTS; k++)
        if (!strcmp(field_def(&reg_risk, risk_inputs[k])->name, field))
            return fair_factor_check(risk_factors[k], d, field, e);
    return dist_validate(d, field, e);
}

/* ---- appetite ---- */

typedef struct appetite_scan {
    double scale;
    int64_t objective;            /* 0: organisation-wide */
    quant_threshold *out;
    arena *a;
} appetite_scan;

static int find_appetite(const record *r, void *ctx)
{
    appetite_scan *s = ctx;
    const value *obj = record_cval(r, F_APPETITE_OBJECTIVE);
    const char *status = record_text(r, F_APPETITE_STATUS);
    if (strcmp(status, "approved") || (obj->null ? 0 : obj->i) != s->objective)
        return 0;
    s->out->set = 1;
    s->out->appetite = (double)record_int(r, F_APPETITE_APPETITE) / s->scale;
    s->out->tolerance = (double)record_int(r, F_APPETITE_TOLERANCE) / s->scale;
    s->out->confidence = (int)record_int(r, F_APPETITE_CONFIDENCE);
    s->out->source = arena_strdup(s->a, r->key);
    return 0;
}

static int threshold_of(dom *d, int64_t objective, quant_threshold *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    appetite_scan s = {pow(10, dom_currency_exponent(d)), objective, out, dom_arena(d)};
    return store_scan(dom_store(d), &reg_appetite, NULL, find_appetite, &s, e);
}

/* The strictest approved appetite among the objectives, else the
 * organisation's. */
static int threshold_for(dom *d, const int64_t *objectives, int n, quant_threshold *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    for (int k = 0; k < n; k++) {
        quant_threshold t;
        int rc = threshold_of(d, objectives[k], &t, e);
        if (rc)
            return rc;
        if (t.set && (!out->set || t.appetite < out->appetite))
            *out = t;
    }
    return out->set ? 0 : threshold_of(d, 0, out, e);
}

int dom_risk_threshold(dom *d, const record *risk, quant_threshold *out, isms_err *e)
{
    const value *objs = record_cval(risk, F_RISK_OBJECTIVES);
    return threshold_for(d, objs->ids, objs->n, out, e);
}

/* ---- running ---- */

static fair_opts engine_opts(const quant_opts *o)
{
    fair_opts fo = {.seed = o->seed, .iterations = o->iterations ? o->iterations : QUANT_DEFAULT_ITERATIONS,
                    .threads = o->threads, .progress = o->progress, .progress_ctx = o->progress_ctx,
                    .cancel = o->cancel};
    return fo;
}

static stats_opts stats_for(const quant_threshold *t, unsigned threads)
{
    stats_opts so = {.var_level = t->set ? t->confidence / 100.0 : 0.95, .threads = threads};
    so.appetite = t->set ? t->appetite : INFINITY;
    so.tolerance = t->set && t->tolerance > 0 ? t->tolerance : INFINITY;
    return so;
}

/* A sample's summary (made while simulating when `summary` is given) and
 * its loss exceedance curve. */
static int describe(stats_stream *summary, const double *x, size_t n, const quant_threshold *t,
                    unsigned threads, quant_scenario *out, isms_err *e)
{
    stats_opts so = stats_for(t, threads);
    int rc = summary ? stats_stream_finish(summary, x, &out->stats, e)
                     : stats_summarize(x, n, &so, &out->stats, e);
    if (!rc)
        rc = stats_lec(x, n, QUANT_LEC_POINTS, 0, 0, 1, out->lec, e);
    return rc;
}

/* The organisation's quantitative bands, when both axes are configured. */
static int matrix_bands(dom *d, qual_matrix *qm)
{
    record org;
    if (dom_get(d, &reg_org, "ORG", &org, NULL))
        return 0;
    const char *f = record_text(&org, F_ORG_FREQUENCY_BANDS), *m = record_text(&org, F_ORG_MAGNITUDE_BANDS);
    int n = dom_matrix_size(d);
    if (!f || !m)
        return 0;
    qm->likelihood.levels = qm->impact.levels = n;
    for (int k = 0; k < n - 1; k++) {
        qm->likelihood.thresholds[k] = strtod(f, (char **)&f);
        qm->impact.thresholds[k] = strtod(m, (char **)&m);
        f += *f == ',';
        m += *m == ',';
    }
    return qual_matrix_validate(qm, NULL) == 0;
}

static char *risk_quant_json(const risk_quant *q, int results_only);
static char *risk_inputs_json(const qmodel *m, const quant_opts *o, const quant_money *money);

static int save_analysis(dom *d, const char *subject, const char *kind, uint64_t seed, size_t iterations,
                         double mean, double p95, int outside, char *inputs, char *results,
                         const char **key, isms_err *e);

static int quantify_one(dom *d, qmodel *m, const quant_opts *o, risk_quant *q, isms_err *e)
{
    fair_opts fo = engine_opts(o);
    size_t n = fo.iterations;
    fair_model *fm;
    int rc = fair_model_new(&fm, &m->risks[0], m->controls, m->ncontrols, e);
    if (rc)
        return rc;
    double *loss[3] = {NULL, NULL, NULL};
    stats_stream *summary[3] = {NULL, NULL, NULL};
    stats_opts sopts = stats_for(&q->threshold, fo.threads);
    for (int s = 0; s < 3 && !rc; s++) {
        loss[s] = xmalloc(n * sizeof(double));
        rc = stats_stream_new(&summary[s], n, &sopts, e);
    }
    fair_scenario sc[3] = {{FAIR_INHERENT, -1, NULL}, {FAIR_CURRENT, -1, NULL}, {FAIR_TARGET, -1, NULL}};
    fair_tally tally[3];
    quant_scenario *out[3] = {&q->inherent, &q->current, &q->target};
    fo.summaries = summary;
    if (!rc)
        rc = fair_simulate(fm, sc, 3, &fo, loss, tally, e);
    fo.summaries = NULL;
    for (int s = 0; s < 3 && !rc; s++) {
        rc = describe(summary[s], loss[s], n, &q->threshold, fo.threads, out[s], e);
        out[s]->frequency = tally[s].events / (double)n;
        out[s]->event_loss = tally[s].events > 0 ? tally[s].event_loss / tally[s].events : 0;
    }
    for (int s = 0; s < 3; s++)
        stats_stream_free(summary[s]);
    if (!rc) {
        fair_opts so = fo;
        so.progress = NULL;   /* sensitivity reruns are quick; progress covered the main run */
        rc = decide_sensitivity_of(fm, &sc[1], &so, q->sensitivity, &q->nsensitivity, e);
    }
    for (int s = 0; s < 3; s++)
        free(loss[s]);
    fair_model_free(fm);
    return rc;
}

static quant_money money_of(dom *d)
{
    return (quant_money){arena_strdup(dom_arena(d), dom_currency(d)), dom_currency_exponent(d)};
}

int dom_risk_quantify(dom *d, const char *key, const quant_opts *o, risk_quant *q, isms_err *e)
{
    memset(q, 0, sizeof *q);
    record r;
    int rc = dom_get(d, &reg_risk, key, &r, e);
    if (rc)
        return rc;
    qmodel m;
    if ((rc = qmodel_load(d, r.key, &m, e)))
        return rc;
    if (!m.nrisks) {
        qmodel_reset(&m);
        return err_set(e, E_INVALID, "risk",
                       "%s has no FAIR inputs: give it lef (or tef with vulnerability) and "
                       "primary_loss first", r.key);
    }
    q->key = m.risk_keys[0];
    q->title = m.risk_titles[0];
    q->seed = o->seed;
    q->iterations = o->iterations ? o->iterations : QUANT_DEFAULT_ITERATIONS;
    q->engine = fair_engine_version;
    q->money = money_of(d);
    q->model = m.risks[0].mode == FAIR_PRODUCT ? "product" : "compound";
    rc = dom_risk_threshold(d, &r, &q->threshold, e);
    if (!rc)
        rc = quantify_one(d, &m, o, q, e);
    if (!rc) {
        qual_matrix qm;
        if (matrix_bands(d, &qm)) {
            qual_cell cell = qual_map(&qm, q->current.frequency, q->current.event_loss);
            q->likelihood = cell.likelihood;
            q->impact = cell.impact;
        }
        q->outside_appetite = q->threshold.set &&
                              q->current.stats.p_above_appetite > 1.0 - q->threshold.confidence / 100.0;
    }
    if (!rc && o->save) {
        char *inputs = risk_inputs_json(&m, NULL, &q->money);
        char *results = risk_quant_json(q, 1);
        rc = save_analysis(d, q->key, "risk", q->seed, q->iterations, q->current.stats.mean,
                           q->current.stats.p95, q->outside_appetite, inputs, results, &q->analysis, e);
    }
    qmodel_reset(&m);
    return rc;
}

/* ---- the organisation and its objectives ---- */

/* Groups: one per objective that some modelled risk threatens. */
typedef struct objective_group {
    int64_t id;
    const char *key, *title;
} objective_group;

typedef struct group_load {
    qmodel *m;
    objective_group *groups;
    size_t n;
    arena *a;
} group_load;

static int load_objective(const record *r, void *ctx)
{
    group_load *g = ctx;
    for (size_t i = 0; i < g->m->nrisks; i++)
        for (int k = 0; k < g->m->nrisk_objectives[i]; k++)
            if (g->m->risk_objectives[i][k] == r->id) {
                g->groups[g->n].id = r->id;
                g->groups[g->n].key = arena_strdup(g->a, r->key);
                g->groups[g->n].title = arena_strdup(g->a, record_text(r, F_OBJECTIVE_TITLE));
                g->n++;
                return 0;
            }
    return 0;
}

static size_t group_index(const group_load *g, int64_t id)
{
    for (size_t k = 0; k < g->n; k++)
        if (g->groups[k].id == id)
            return k;
    return (size_t)-1;
}

static double certainty_of(const double *x, size_t n, const quant_threshold *t)
{
    if (!t->set)
        return -1;
    return stats_prob_within(x, n, t->tolerance > 0 ? t->tolerance : t->appetite);
}

static int set_groups(portfolio *p, const qmodel *m, const group_load *g, isms_err *e)
{
    size_t nm = 0;
    portfolio_member *members = xmalloc(sizeof *members * (m->nrisks * 4 + 1));
    size_t cap = m->nrisks * 4 + 1;
    for (size_t i = 0; i < m->nrisks; i++)
        for (int k = 0; k < m->nrisk_objectives[i]; k++) {
            size_t gi = group_index(g, m->risk_objectives[i][k]);
            if (gi == (size_t)-1)
                continue;
            if (nm == cap)
                members = xrealloc(members, sizeof *members * (cap *= 2));
            /* A risk to several objectives threatens each of them wholly. */
            members[nm++] = (portfolio_member){.risk = i, .group = gi, .share = 1.0};
        }
    int rc = portfolio_set_groups(p, g->n, members, nm, e);
    free(members);
    return rc;
}

static int describe_groups(dom *d, const qmodel *m, const group_load *g, const portfolio_result *res,
                           unsigned threads, portfolio_quant *out, isms_err *e)
{
    out->groups = arena_alloc(dom_arena(d), sizeof *out->groups * (g->n ? g->n : 1));
    out->ngroups = g->n;
    for (size_t k = 0; k < g->n; k++) {
        group_quant *gq = &out->groups[k];
        const double *x = res->group + k * res->iterations;
        gq->key = g->groups[k].key;
        gq->title = g->groups[k].title;
        for (size_t i = 0; i < m->nrisks; i++)
            for (int j = 0; j < m->nrisk_objectives[i]; j++)
                gq->nrisks += m->risk_objectives[i][j] == g->groups[k].id;
        int rc = threshold_of(d, g->groups[k].id, &gq->threshold, e);
        if (!rc && !gq->threshold.set)
            rc = threshold_of(d, 0, &gq->threshold, e);
        stats_opts so = stats_for(&gq->threshold, threads);
        if (!rc)
            rc = stats_summarize(x, res->iterations, &so, &gq->stats, e);
        if (rc)
            return rc;
        gq->certainty = certainty_of(x, res->iterations, &gq->threshold);
    }
    return 0;
}

static char *portfolio_json(const portfolio_quant *q);

static size_t modelled_index(const qmodel *m, const char *key)
{
    for (size_t i = 0; i < m->nrisks; i++)
        if (!strcmp(m->risk_keys[i], key))
            return i;
    return (size_t)-1;
}

static int set_correlations(dom *d, portfolio *p, const qmodel *m, const quant_opts *o, isms_err *e)
{
    if (!o->ncorr)
        return 0;
    portfolio_corr *pairs = xmalloc(sizeof *pairs * o->ncorr);
    int rc = 0;
    for (size_t k = 0; k < o->ncorr && !rc; k++) {
        const char *keys[2] = {dom_key(d, o->corr[k].a), dom_key(d, o->corr[k].b)};
        size_t idx[2];
        for (int j = 0; j < 2 && !rc; j++)
            if ((idx[j] = modelled_index(m, keys[j])) == (size_t)-1)
                rc = err_set(e, E_INVALID, "correlate",
                             "correlate: %s is not a quantified risk (it needs FAIR inputs)", keys[j]);
        pairs[k] = (portfolio_corr){idx[0], idx[1], o->corr[k].rho};
    }
    if (!rc)
        rc = portfolio_set_correlation(p, pairs, o->ncorr, e);
    free(pairs);
    return rc;
}

int dom_portfolio_quantify(dom *d, const quant_opts *o, int by_objective, portfolio_quant *q,
                           isms_err *e)
{
    memset(q, 0, sizeof *q);
    qmodel m;
    int rc = qmodel_load(d, NULL, &m, e);
    if (rc)
        return rc;
    if (!m.nrisks) {
        qmodel_reset(&m);
        return err_set(e, E_INVALID, "risk", "no risk has FAIR inputs yet: nothing to aggregate");
    }
    fair_opts fo = engine_opts(o);
    q->seed = o->seed;
    q->iterations = fo.iterations;
    q->engine = fair_engine_version;
    q->money = money_of(d);
    q->modelled = m.nrisks;
    q->unmodelled = m.unmodelled;
    group_load g = {.m = &m, .a = dom_arena(d)};
    g.groups = xmalloc(sizeof *g.groups * (m.nrisks * 4 + 64));
    portfolio *p = NULL;
    portfolio_result res = {0};
    rc = threshold_of(d, 0, &q->threshold, e);
    if (!rc && by_objective)
        rc = store_scan(dom_store(d), &reg_objective, NULL, load_objective, &g, e);
    if (!rc)
        rc = portfolio_new(&p, m.risks, m.nrisks, m.controls, m.ncontrols, e);
    if (!rc && g.n)
        rc = set_groups(p, &m, &g, e);
    if (!rc)
        rc = set_correlations(d, p, &m, o, e);
    fair_scenario current = {FAIR_CURRENT, -1, NULL};
    if (!rc)
        rc = portfolio_run(p, &current, &fo, &res, e);
    if (!rc) {
        quant_scenario whole;
        rc = describe(NULL, res.total, res.iterations, &q->threshold, fo.threads, &whole, e);
        q->total = whole.stats;
        memcpy(q->lec, whole.lec, sizeof q->lec);
        q->certainty = certainty_of(res.total, res.iterations, &q->threshold);
    }
    if (!rc && g.n)
        rc = describe_groups(d, &m, &g, &res, fo.threads, q, e);
    if (!rc && o->save) {
        char *inputs = risk_inputs_json(&m, o, &q->money);
        char *results = portfolio_json(q);
        rc = save_analysis(d, by_objective ? "portfolio by objective" : "portfolio", "portfolio",
                           q->seed, q->iterations, q->total.mean, q->total.p95,
                           q->threshold.set && q->total.p_above_appetite > 1.0 - q->threshold.confidence / 100.0,
                           inputs, results, &q->analysis, e);
    }
    portfolio_result_reset(&res);
    portfolio_free(p);
    free(g.groups);
    qmodel_reset(&m);
    return rc;
}

/* ---- return on controls ---- */

static int cmp_return(const void *a, const void *b)
{
    const control_quant *x = a, *y = b;
    /* Proposed first by rank (1 = fund first), then implemented by return. */
    int xr = x->value.rank ? (int)x->value.rank : 1 << 30, yr = y->value.rank ? (int)y->value.rank : 1 << 30;
    if (xr != yr)
        return xr < yr ? -1 : 1;
    return (x->value.roi < y->value.roi) - (x->value.roi > y->value.roi);
}

static char *returns_json(const returns_quant *q);

int dom_control_returns(dom *d, const quant_opts *o, returns_quant *q, isms_err *e)
{
    memset(q, 0, sizeof *q);
    qmodel m;
    int rc = qmodel_load(d, NULL, &m, e);
    if (rc)
        return rc;
    if (!m.nrisks || !m.ncontrols) {
        qmodel_reset(&m);
        return err_set(e, E_INVALID, "control",
                       "nothing to value: return on controls needs risks with FAIR inputs and "
                       "controls with acts_on and reduction that treat them");
    }
    fair_opts fo = engine_opts(o);
    q->seed = o->seed;
    q->iterations = fo.iterations;
    q->engine = fair_engine_version;
    q->money = money_of(d);
    portfolio *p = NULL;
    decide_value *v = xcalloc(m.ncontrols, sizeof *v);
    rc = portfolio_new(&p, m.risks, m.nrisks, m.controls, m.ncontrols, e);
    if (!rc)
        rc = decide_controls(p, &fo, v, e);
    if (!rc) {
        q->n = m.ncontrols;
        q->rows = arena_alloc(dom_arena(d), sizeof *q->rows * m.ncontrols);
        for (size_t c = 0; c < m.ncontrols; c++) {
            q->rows[c].key = m.qcontrols[c].key;
            q->rows[c].title = m.qcontrols[c].title;
            q->rows[c].value = v[c];
        }
        qsort(q->rows, q->n, sizeof *q->rows, cmp_return);
    }
    if (!rc && o->save) {
        char *inputs = risk_inputs_json(&m, NULL, &q->money);
        char *results = returns_json(q);
        rc = save_analysis(d, "controls", "control-return", q->seed, q->iterations, 0, 0, 0, inputs,
                           results, &q->analysis, e);
    }
    free(v);
    portfolio_free(p);
    qmodel_reset(&m);
    return rc;
}

/* ---- saving ---- */

/* Takes ownership of inputs and results (malloc'd JSON texts). */
static int save_analysis(dom *d, const char *subject, const char *kind, uint64_t seed, size_t iterations,
                         double mean, double p95, int outside, char *inputs, char *results,
                         const char **key, isms_err *e)
{
    arena *a = dom_arena(d);
    double scale = pow(10, dom_currency_exponent(d));
    record r, out;
    record_init(&r, &reg_analysis, a);
    const struct { int field; const char *text; } values[] = {
        {F_ANALYSIS_SUBJECT, subject}, {F_ANALYSIS_KIND, kind},
        {F_ANALYSIS_ITERATIONS, arena_printf(a, "%zu", iterations)},
        {F_ANALYSIS_SEED, arena_printf(a, "%llu", (unsigned long long)seed)},
        {F_ANALYSIS_ENGINE, fair_engine_version},
        {F_ANALYSIS_MEAN_LOSS, arena_printf(a, "%.0f", mean * scale)},
        {F_ANALYSIS_P95_LOSS, arena_printf(a, "%.0f", p95 * scale)},
        {F_ANALYSIS_OUTSIDE_APPETITE, outside ? "yes" : "no"},
        {F_ANALYSIS_INPUTS, inputs}, {F_ANALYSIS_RESULTS, results},
    };
    int rc = 0;
    for (size_t k = 0; k < sizeof values / sizeof *values && !rc; k++) {
        int f = field_index(&reg_analysis, values[k].field);
        if (reg_analysis.fields[f].type == FT_MONEY) {
            /* Amounts arrive in minor units already: bypass the major-unit parser. */
            value *v = &r.v[f];
            v->given = 1;
            v->null = 0;
            v->i = strtoll(values[k].text, NULL, 10);
            continue;
        }
        rc = dom_set_value(d, &r, f, values[k].text, e);
    }
    free(inputs);
    free(results);
    if (!rc && !(rc = dom_txn_begin(d, e)))
        rc = dom_txn_end(d, dom_add_in_txn(d, &r, &out, e), e);
    if (!rc)
        *key = out.key;
    return rc;
}

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
 * says so ("money", "currency"). The engine's doubles are major units. */
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

static char *risk_inputs_json(const qmodel *m, const quant_opts *o, const quant_money *money)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    jw_str(w, "engine", fair_engine_version);
    money_members(w, money);
    jw_str(w, "distributions", "major units, as given");
    jw_array(w, "risks");
    for (size_t i = 0; i < m->nrisks; i++) {
        const fair_risk *r = &m->risks[i];
        jw_object(w, NULL);
        jw_str(w, "key", m->risk_keys[i]);
        jw_int(w, "stream", (int64_t)r->stream_id);
        jw_str(w, "model", r->mode == FAIR_PRODUCT ? "product" : "compound");
        for (int k = 0; k < NRISK_INPUTS; k++)
            dist_member(w, field_def(&reg_risk, risk_inputs[k])->name, risk_input_slot((fair_risk *)r, k));
        jw_array(w, "effects");
        for (size_t k = 0; k < r->neffects; k++) {
            jw_object(w, NULL);
            jw_str(w, "control", m->qcontrols[r->effects[k].control].key);
            jw_str(w, "acts_on", fair_target_name(r->effects[k].target));
            dist_member(w, "reduction", &r->effects[k].reduction);
            jw_end(w);
        }
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
    jw_array(w, "controls");
    for (size_t c = 0; c < m->ncontrols; c++) {
        const fair_control *fc = &m->controls[c];
        jw_object(w, NULL);
        jw_str(w, "key", m->qcontrols[c].key);
        jw_bool(w, "implemented", fc->implemented);
        amount(w, "annual_cost", fc->annual_cost, money);
        if (m->qcontrols[c].target == FAIR_ON_TRANSFER) {
            amount(w, "deductible", fc->deductible, money);
            amount(w, "limit", fc->limit, money);
            jw_str(w, "cover", fc->cover == FAIR_COVER_ANNUAL ? "annual" : "per-event");
        }
        jw_end(w);
    }
    jw_end(w);
    if (o && o->ncorr) {
        jw_array(w, "correlations");
        for (size_t k = 0; k < o->ncorr; k++) {
            jw_object(w, NULL);
            jw_str(w, "a", o->corr[k].a);
            jw_str(w, "b", o->corr[k].b);
            jw_num(w, "rank_correlation", o->corr[k].rho);
            jw_end(w);
        }
        jw_end(w);
    }
    return finish(w, 0);
}

/* What reproduces a run: engine, seed (as text: it may exceed 2^53),
 * iterations; and the analysis that keeps it, when saved. */
static void run_members(jw *w, int with_analysis, const char *analysis, const char *engine,
                        uint64_t seed, size_t iterations)
{
    char text[32];
    if (with_analysis)
        jw_str(w, "analysis", analysis);
    jw_str(w, "engine", engine);
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    jw_str(w, "seed", text);
    jw_int(w, "iterations", (int64_t)iterations);
}

static void stats_members(jw *w, const char *name, const stats_summary *s, const quant_money *m)
{
    jw_object(w, name);
    amount(w, "mean", s->mean, m);
    amount(w, "sd", s->sd, m);
    amount(w, "p50", s->p50, m);
    amount(w, "p90", s->p90, m);
    amount(w, "p95", s->p95, m);
    amount(w, "p99", s->p99, m);
    jw_num(w, "var_level", s->var_level);
    amount(w, "value_at_risk", s->var, m);
    amount(w, "expected_shortfall", s->es, m);
    jw_num(w, "p_above_appetite", isfinite(s->p_above_appetite) ? s->p_above_appetite : NAN);
    jw_num(w, "p_above_tolerance", s->p_above_tolerance);
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
    jw_end(w);
}

static void scenario_members(jw *w, const char *name, const quant_scenario *s, int with_lec,
                             const quant_money *m)
{
    jw_object(w, name);
    stats_members(w, "annual_loss", &s->stats, m);
    jw_num(w, "loss_events_per_year", s->frequency);
    amount(w, "mean_loss_per_event", s->event_loss, m);
    if (with_lec)
        lec_members(w, s->lec, m);
    jw_end(w);
}

static char *risk_quant_json(const risk_quant *q, int results_only)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    if (!results_only) {
        jw_str(w, "key", q->key);
        jw_str(w, "title", q->title);
    }
    run_members(w, !results_only, q->analysis, q->engine, q->seed, q->iterations);
    money_members(w, &q->money);
    jw_str(w, "model", q->model);
    threshold_members(w, &q->threshold, &q->money);
    jw_bool(w, "outside_appetite", q->outside_appetite);
    scenario_members(w, "inherent", &q->inherent, 1, &q->money);
    scenario_members(w, "current", &q->current, 1, &q->money);
    scenario_members(w, "target", &q->target, 1, &q->money);
    jw_array(w, "sensitivity");
    for (size_t k = 0; k < q->nsensitivity; k++) {
        jw_object(w, NULL);
        jw_str(w, "input", quant_input_name(q->sensitivity[k].factor));
        jw_num(w, "variance_share", q->sensitivity[k].variance_share);
        amount(w, "mean_shift", q->sensitivity[k].mean_shift, &q->money);
        jw_end(w);
    }
    jw_end(w);
    if (q->likelihood) {
        jw_object(w, "matrix");
        jw_int(w, "likelihood", q->likelihood);
        jw_int(w, "impact", q->impact);
        jw_end(w);
    }
    return finish(w, !results_only);
}

char *dom_risk_quant_json(const risk_quant *q) { return risk_quant_json(q, 0); }

static char *portfolio_json(const portfolio_quant *q)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    run_members(w, 1, q->analysis, q->engine, q->seed, q->iterations);
    money_members(w, &q->money);
    jw_int(w, "risks_modelled", (int64_t)q->modelled);
    jw_int(w, "risks_not_modelled", (int64_t)q->unmodelled);
    threshold_members(w, &q->threshold, &q->money);
    stats_members(w, "annual_loss", &q->total, &q->money);
    jw_num(w, "certainty", q->certainty);
    lec_members(w, q->lec, &q->money);
    jw_array(w, "objectives");
    for (size_t k = 0; k < q->ngroups; k++) {
        const group_quant *g = &q->groups[k];
        jw_object(w, NULL);
        jw_str(w, "key", g->key);
        jw_str(w, "title", g->title);
        jw_int(w, "risks", (int64_t)g->nrisks);
        threshold_members(w, &g->threshold, &q->money);
        stats_members(w, "annual_loss", &g->stats, &q->money);
        jw_num(w, "certainty", g->certainty);
        jw_end(w);
    }
    jw_end(w);
    return finish(w, 1);
}

char *dom_portfolio_json(const portfolio_quant *q) { return portfolio_json(q); }

static char *returns_json(const returns_quant *q)
{
    jw *w = jw_new();
    jw_object(w, NULL);
    run_members(w, 1, q->analysis, q->engine, q->seed, q->iterations);
    money_members(w, &q->money);
    jw_array(w, "controls");
    for (size_t k = 0; k < q->n; k++) {
        const control_quant *c = &q->rows[k];
        jw_object(w, NULL);
        jw_str(w, "key", c->key);
        jw_str(w, "title", c->title);
        jw_str(w, "state", c->value.implemented ? "implemented" : "proposed");
        amount(w, "annual_cost", c->value.annual_cost, &q->money);
        amount(w, "mean_reduction", c->value.mean_reduction, &q->money);
        amount(w, "p95_reduction", c->value.p95_reduction, &q->money);
        amount(w, "net_benefit", c->value.net_benefit, &q->money);
        jw_num(w, "return_on_control", c->value.roi);
        if (c->value.rank)
            jw_int(w, "fund_rank", (int64_t)c->value.rank);
        jw_end(w);
    }
    jw_end(w);
    return finish(w, 1);
}

char *dom_returns_json(const returns_quant *q) { return returns_json(q); }
