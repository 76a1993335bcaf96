/* quantify.c: from the registers to the FAIR engine and back. */
#include "domain/workflows/quantify_impl.h"
#include "domain/engine/dom_internal.h"
#include "domain/engine/graph.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/buf.h"
#include "core/idset.h"
#include "core/xalloc.h"
#include "risk/portfolio.h"
#include "risk/qual.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model, built from the registers ---- */

/* The risk inputs, in the order of the engine's factors. */
static const int risk_inputs[] = { F_RISK_LEF,
                                   F_RISK_TEF,
                                   F_RISK_VULNERABILITY,
                                   F_RISK_THREAT_CAPABILITY,
                                   F_RISK_RESISTANCE_STRENGTH,
                                   F_RISK_PRIMARY_LOSS,
                                   F_RISK_SECONDARY_PROBABILITY,
                                   F_RISK_SECONDARY_LOSS };
_Static_assert(sizeof risk_inputs / sizeof *risk_inputs == NRISK_INPUTS, "one field per input");

int qmodel_input_field(int k) { return risk_inputs[k]; }
/* The engine's factor of each input, in the same order. */
static const fair_factor risk_factors[NRISK_INPUTS] = { FAIR_LEF, FAIR_TEF, FAIR_VULN, FAIR_TCAP,
                                                        FAIR_RS,  FAIR_PLM, FAIR_SLEP, FAIR_SLM };

dist *qmodel_input(fair_risk *r, int k)
{
    dist *slots[NRISK_INPUTS] = { &r->lef, &r->tef, &r->vuln, &r->tcap,
                                  &r->rs,  &r->plm, &r->slep, &r->slm };
    return slots[k];
}

static const struct {
    const char *name;
    fair_target target;
} target_names[] = {
    { "tef", FAIR_ON_TEF },
    { "vulnerability", FAIR_ON_VULN },
    { "lef", FAIR_ON_LEF },
    { "primary-loss", FAIR_ON_PLM },
    { "secondary-loss", FAIR_ON_SLM },
    { "loss-magnitude", FAIR_ON_LM },
    { "transfer", FAIR_ON_TRANSFER },
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

int64_t *qmodel_copy_ids(const value *v)
{
    int64_t *ids = xmalloc(sizeof *ids * (size_t)(v->n ? v->n : 1));
    if (v->n)
        memcpy(ids, v->ids, sizeof *ids * (size_t)v->n);
    return ids;
}

/* A control's link to a risk it treats: the effect lists, built once
 * for all the risks (sorted by risk, then control: each risk's effects
 * are a run, in control order). */
typedef struct treat_link {
    int64_t risk;
    size_t control;
} treat_link;

typedef struct load_ctx {
    qmodel *m;
    isms_err *e;
    treat_link *links;
    size_t nlinks;
    const graph *given; /* a chunk's treats edges: the controls' links, not read with them */
} load_ctx;

/* Where the model's strings go. */
static arena *model_arena(const qmodel *m) { return m->a ? m->a : dom_arena(m->d); }

/* Does the control act on risks (an effect stated, risks treated)? */
int qmodel_control_acts(const record *r)
{
    return record_text(r, F_CONTROL_ACTS_ON) && record_cval(r, F_CONTROL_TREATS)->n;
}

/* Control `id`'s edges among the given ones, as a link value in *v. */
static const value *given_treats(const graph *g, int64_t id, value *v)
{
    size_t from = graph_first(g, id), to = from;
    while (to < g->n && g->src[to] == id)
        to++;
    *v = (value){ .n = (int)(to - from), .ids = g->dst + from };
    return v;
}

static int load_control(const record *r, void *ctx)
{
    load_ctx *lc = ctx;
    qmodel *m = lc->m;
    const char *acts_on = record_text(r, F_CONTROL_ACTS_ON);
    value given;
    const value *treats =
        lc->given ? given_treats(lc->given, r->id, &given) : record_cval(r, F_CONTROL_TREATS);
    if (!acts_on || !treats->n)
        return 0;
    if (m->ncontrols == m->cap_controls) {
        m->cap_controls = m->cap_controls ? m->cap_controls * 2 : 32;
        m->controls = xrealloc(m->controls, m->cap_controls * sizeof *m->controls);
        m->qcontrols = xrealloc(m->qcontrols, m->cap_controls * sizeof *m->qcontrols);
    }
    arena *a = model_arena(m);
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
    qc->treats = qmodel_copy_ids(treats);
    qc->ntreats = treats->n;
    m->ncontrols++; /* counted now, so that qmodel_reset frees it on failure */
    const char *status = record_text(r, F_CONTROL_STATUS);
    fc->name = qc->key;
    fc->stream_id = (uint64_t)r->id;
    qc->effectiveness = arena_strdup(a, record_text(r, F_CONTROL_EFFECTIVENESS));
    qc->in_place = !strcmp(status, "implemented") || !strcmp(status, "operating");
    /* An ineffective control reduces nothing now; the target assumes it
     * is made to work. A partly effective one achieves partial_effect
     * percent of its stated reduction (default QUANT_PARTIAL_EFFECT). */
    fc->implemented = qc->in_place && strcmp(qc->effectiveness, "ineffective");
    if (!strcmp(qc->effectiveness, "partially-effective")) {
        const value *pe = record_cval(r, F_CONTROL_PARTIAL_EFFECT);
        qc->weakening = 1.0 - (pe->null ? QUANT_PARTIAL_EFFECT : (double)pe->i) / 100.0;
    }
    fc->annual_cost = (double)record_int(r, F_CONTROL_COST) / m->scale;
    fc->deductible = (double)record_int(r, F_CONTROL_DEDUCTIBLE) / m->scale;
    fc->limit = record_cval(r, F_CONTROL_COVER_LIMIT)->null
                    ? INFINITY
                    : (double)record_int(r, F_CONTROL_COVER_LIMIT) / m->scale;
    const char *basis = record_text(r, F_CONTROL_COVER_BASIS);
    fc->cover = basis && !strcmp(basis, "annual") ? FAIR_COVER_ANNUAL : FAIR_COVER_PER_EVENT;
    if (qc->target == FAIR_ON_TRANSFER)
        return 0;
    return parse_stored_dist(r, F_CONTROL_REDUCTION, &qc->reduction, lc->e);
}

static int link_cmp(const void *a, const void *b)
{
    const treat_link *x = a, *y = b;
    if (x->risk != y->risk)
        return x->risk < y->risk ? -1 : 1;
    return (x->control > y->control) - (x->control < y->control);
}

/* Indexes the loaded controls' treats links by risk: O(L log L) once,
 * where looking through every control for each risk was O(R x C). */
static void index_links(load_ctx *lc)
{
    const qmodel *m = lc->m;
    size_t n = 0;
    for (size_t c = 0; c < m->ncontrols; c++)
        n += (size_t)m->qcontrols[c].ntreats;
    lc->links = xmalloc(sizeof *lc->links * (n ? n : 1));
    lc->nlinks = 0;
    for (size_t c = 0; c < m->ncontrols; c++)
        for (int k = 0; k < m->qcontrols[c].ntreats; k++)
            lc->links[lc->nlinks++] = (treat_link){ m->qcontrols[c].treats[k], c };
    qsort(lc->links, lc->nlinks, sizeof *lc->links, link_cmp);
}

/* The first link of risk `id` (lc->nlinks if it has none). */
static size_t first_link(const load_ctx *lc, int64_t id)
{
    return ids_lower_bound_at(lc->links, lc->nlinks, sizeof *lc->links, offsetof(treat_link, risk),
                              id);
}

/* The effects of the loaded controls on risk `id`, in control order (a
 * control naming the risk twice acts once), malloc'd. */
static fair_effect *effects_for(const load_ctx *lc, int64_t id, size_t *n)
{
    const qmodel *m = lc->m;
    size_t from = first_link(lc, id), to = from;
    while (to < lc->nlinks && lc->links[to].risk == id)
        to++;
    fair_effect *fx = xmalloc(sizeof *fx * (to > from ? to - from : 1));
    *n = 0;
    for (size_t k = from; k < to; k++) {
        size_t c = lc->links[k].control;
        if (*n && fx[*n - 1].control == c)
            continue;
        fx[*n].control = c;
        fx[*n].target = m->qcontrols[c].target;
        fx[*n].reduction = m->qcontrols[c].reduction; /* borrowed */
        fx[*n].weakening = m->qcontrols[c].weakening;
        (*n)++;
    }
    return fx;
}

static int load_risk(const record *r, void *ctx)
{
    load_ctx *lc = ctx;
    qmodel *m = lc->m;
    if (!has_fair_inputs(r)) {
        m->gaps = xrealloc(m->gaps, (m->unmodelled + 1) * sizeof *m->gaps);
        const value *objs = record_cval(r, F_RISK_OBJECTIVES);
        m->gaps[m->unmodelled++] =
            (qgap){ arena_strdup(model_arena(m), r->key), qmodel_copy_ids(objs), objs->n };
        return 0;
    }
    if (m->nrisks == m->cap_risks) {
        m->cap_risks = m->cap_risks ? m->cap_risks * 2 : 64;
        m->risks = xrealloc(m->risks, m->cap_risks * sizeof *m->risks);
        m->risk_ids = xrealloc(m->risk_ids, m->cap_risks * sizeof *m->risk_ids);
        m->risk_keys = xrealloc(m->risk_keys, m->cap_risks * sizeof *m->risk_keys);
        m->risk_titles = xrealloc(m->risk_titles, m->cap_risks * sizeof *m->risk_titles);
        m->risk_objectives =
            xrealloc(m->risk_objectives, m->cap_risks * sizeof *m->risk_objectives);
        m->nrisk_objectives =
            xrealloc(m->nrisk_objectives, m->cap_risks * sizeof *m->nrisk_objectives);
    }
    arena *a = model_arena(m);
    size_t i = m->nrisks++;
    fair_risk *fr = &m->risks[i];
    memset(fr, 0, sizeof *fr);
    m->risk_ids[i] = r->id;
    m->risk_keys[i] = arena_strdup(a, r->key);
    m->risk_titles[i] = arena_strdup(a, record_text(r, F_RISK_TITLE));
    const value *objs = record_cval(r, F_RISK_OBJECTIVES);
    m->risk_objectives[i] = qmodel_copy_ids(objs);
    m->nrisk_objectives[i] = objs->n;
    fr->name = m->risk_keys[i];
    fr->stream_id = (uint64_t)r->id;
    const char *model = record_text(r, F_RISK_LOSS_MODEL);
    fr->mode = model && !strcmp(model, "product") ? FAIR_PRODUCT : FAIR_COMPOUND;
    fr->effects = effects_for(lc, r->id, &fr->neffects);
    for (int k = 0; k < NRISK_INPUTS; k++) {
        int rc = parse_stored_dist(r, risk_inputs[k], qmodel_input(fr, k), lc->e);
        if (rc)
            return rc;
    }
    /* Inputs stored by an older isms, or behind its back, may break rules
     * added since: the portfolio commands name the risk. */
    isms_err why = { 0 };
    int rc = fair_risk_validate(fr, m->controls, m->ncontrols, &why);
    if (rc && strstr(why.msg, fr->name))
        return err_set(lc->e, rc, why.field, "%s", why.msg);
    if (rc)
        return err_set(lc->e, rc, why.field, "%s: %s", fr->name, why.msg);
    return 0;
}

void qmodel_reset(qmodel *m)
{
    for (size_t i = 0; i < m->nrisks; i++) {
        for (int k = 0; k < NRISK_INPUTS; k++)
            dist_reset(qmodel_input(&m->risks[i], k));
        free((void *)m->risks[i].effects);
        free(m->risk_objectives[i]);
    }
    for (size_t c = 0; c < m->ncontrols; c++) {
        dist_reset(&m->qcontrols[c].reduction);
        free(m->qcontrols[c].treats);
    }
    for (size_t k = 0; k < m->unmodelled; k++)
        free(m->gaps[k].objectives);
    void *arrays[] = { m->risks,       m->risk_ids,        m->risk_keys,
                       m->risk_titles, m->risk_objectives, m->nrisk_objectives,
                       m->controls,    m->qcontrols,       m->gaps,
                       m->appetites };
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        free(arrays[k]);
    memset(m, 0, sizeof *m);
}

int dom_approved_appetites(dom *d, store_record_fn fn, void *ctx, isms_err *e)
{
    store_filter f = { .field = field_def(&reg_appetite, F_APPETITE_STATUS), .sval = "approved" };
    store_query q = { .filters = &f, .nfilters = 1 };
    return dom_list(d, &reg_appetite, &q, fn, ctx, e);
}

int dom_risk_appetites(dom *d, const record *risk, store_record_fn fn, void *ctx, isms_err *e)
{
    const value *objs = record_cval(risk, F_RISK_OBJECTIVES);
    store_filter f[2] = { { .field = field_def(&reg_appetite, F_APPETITE_OBJECTIVE), .is_null = 1 },
                          { .field = field_def(&reg_appetite, F_APPETITE_STATUS),
                            .sval = "approved" } };
    store_query q = { .filters = f, .nfilters = 2 };
    int rc = dom_list(d, &reg_appetite, &q, fn, ctx, e);
    for (int k = 0; !rc && k < objs->n; k++) {
        f[0] = (store_filter){ .field = f[0].field, .ival = objs->ids[k] };
        rc = dom_list(d, &reg_appetite, &q, fn, ctx, e);
    }
    return rc;
}

int dom_risk_appetites_changed(dom *d, const record *risk, char *at, size_t size, isms_err *e)
{
    const value *objs = record_cval(risk, F_RISK_OBJECTIVES);
    const fielddef *f = field_def(&reg_appetite, F_APPETITE_OBJECTIVE);
    char one[64];
    *at = 0;
    for (int k = -1; k < objs->n; k++) { /* the organisation's (no objective), then each */
        int rc = store_last_updated(dom_store(d), &reg_appetite, f, k < 0 ? 0 : objs->ids[k], one,
                                    sizeof one, e);
        if (rc)
            return rc;
        if (strcmp(one, at) > 0)
            snprintf(at, size, "%s", one);
    }
    return 0;
}

static int load_appetite(const record *r, void *ctx)
{
    load_ctx *lc = ctx;
    qmodel *m = lc->m;
    const value *obj = record_cval(r, F_APPETITE_OBJECTIVE);
    m->appetites = xrealloc(m->appetites, (m->nappetites + 1) * sizeof *m->appetites);
    qappetite *q = &m->appetites[m->nappetites++];
    memset(q, 0, sizeof *q);
    q->objective = obj->null ? 0 : obj->i;
    q->t.set = 1;
    q->t.appetite = (double)record_int(r, F_APPETITE_APPETITE) / m->scale;
    q->t.tolerance = (double)record_int(r, F_APPETITE_TOLERANCE) / m->scale;
    q->t.confidence = (int)record_int(r, F_APPETITE_CONFIDENCE);
    q->t.source = arena_strdup(dom_arena(m->d), r->key);
    return 0;
}

/* One risk (active), already read, and the controls whose treats link
 * names it, by the link table's reverse index: the same cost at 1,000
 * risks as at 1,000,000. */
static int load_one(dom *d, const record *r, load_ctx *lc)
{
    if (r->retired_at)
        return 0;
    store_filter treats = { .field = field_def(&reg_control, F_CONTROL_TREATS), .ival = r->id };
    store_query q = { .filters = &treats, .nfilters = 1 };
    int rc = store_scan(dom_store(d), &reg_control, &q, load_control, lc, lc->e);
    if (rc)
        return rc;
    index_links(lc);
    return load_risk(r, lc);
}

/* Every active risk and every control acting on risks. */
static int load_all(dom *d, load_ctx *lc)
{
    int rc = store_scan(dom_store(d), &reg_control, NULL, load_control, lc, lc->e);
    if (rc)
        return rc;
    index_links(lc);
    return store_scan(dom_store(d), &reg_risk, NULL, load_risk, lc, lc->e);
}

int qmodel_load(dom *d, const record *only, qmodel *m, isms_err *e)
{
    memset(m, 0, sizeof *m);
    m->d = d;
    m->scale = pow(10, dom_currency_exponent(d));
    load_ctx lc = { m, e, NULL, 0, NULL };
    int rc = only ? load_one(d, only, &lc) : load_all(d, &lc);
    free(lc.links);
    if (!rc && only) /* its own threshold's: not every objective's */
        rc = dom_risk_appetites(d, only, load_appetite, &lc, e);
    else if (!rc)
        rc = dom_approved_appetites(d, load_appetite, &lc, e);
    if (rc)
        qmodel_reset(m);
    return rc;
}

/* The fields load_control and load_risk read: a streamed run reads a
 * control once per chunk it treats a risk of, and no more than these. */
static const int
    control_fields[] = {
        F_CONTROL_TITLE,         F_CONTROL_ACTS_ON,        F_CONTROL_STATUS,
        F_CONTROL_EFFECTIVENESS, F_CONTROL_PARTIAL_EFFECT, F_CONTROL_COST,
        F_CONTROL_DEDUCTIBLE,    F_CONTROL_COVER_LIMIT,    F_CONTROL_COVER_BASIS,
        F_CONTROL_REDUCTION,     F_CONTROL_TREATS /* last: a chunk has its pairs (treat_pairs) */
    };
enum { NCONTROL_FIELDS = sizeof control_fields / sizeof *control_fields };
/* The risk inputs, then its objectives (all the census reads), its title
 * and loss model; returns how many (NRISK_FIELDS). */
enum { NRISK_FIELDS = NRISK_INPUTS + 3 };
static int risk_fields(int out[NRISK_FIELDS])
{
    memcpy(out, risk_inputs, sizeof risk_inputs);
    out[NRISK_INPUTS] = F_RISK_OBJECTIVES;
    out[NRISK_INPUTS + 1] = F_RISK_TITLE;
    out[NRISK_INPUTS + 2] = F_RISK_LOSS_MODEL;
    return NRISK_FIELDS;
}

int qmodel_load_range(dom *d, int64_t after, int64_t upto, arena *a, qmodel *m, isms_err *e)
{
    memset(m, 0, sizeof *m);
    m->d = d;
    m->a = a;
    m->scale = pow(10, dom_currency_exponent(d));
    /* The chunk's treats pairs by the link's reverse index, in one range
     * read: the controls are then read without their links (which would
     * be a lookup per control, from pages spread over the file). */
    graph pairs;
    load_ctx lc = { m, e, NULL, 0, &pairs };
    const fielddef *tf = field_def(&reg_control, F_CONTROL_TREATS);
    store_filter treats = { .field = tf, .ival = after + 1, .ival_upto = upto };
    store_query cq = {
        .filters = &treats, .nfilters = 1, .fields = control_fields, .nfields = NCONTROL_FIELDS - 1
    };
    int fields[NRISK_FIELDS];
    /* the quantified risks of the range alone, by their index (0034) */
    store_query rq = { .id_after = after,
                       .id_upto = upto,
                       .fields = fields,
                       .nfields = risk_fields(fields),
                       .any_set = risk_inputs,
                       .nany_set = NRISK_INPUTS };
    int rc = graph_load_to(d, &reg_control, F_CONTROL_TREATS, after + 1, upto, &pairs, e);
    if (!rc)
        rc = store_scan(dom_store(d), &reg_control, &cq, load_control, &lc, e);
    if (!rc) {
        index_links(&lc);
        rc = store_scan(dom_store(d), &reg_risk, &rq, load_risk, &lc, e);
    }
    free(lc.links);
    graph_free(&pairs);
    if (rc)
        qmodel_reset(m);
    return rc;
}

const int *qmodel_control_fields(int *n)
{
    *n = NCONTROL_FIELDS;
    return control_fields;
}

static int note_control(const record *r, void *ctx)
{
    idset_add(ctx, r->id);
    return 0;
}

/* Scans the records of the (sealed) set in id order, a few thousand to a
 * statement. */
static int scan_ids(dom *d, const regdef *reg, const id_set *ids, const int *fields, int nfields,
                    store_record_fn fn, void *ctx, isms_err *e)
{
    int rc = 0;
    for (size_t at = 0; !rc && at < ids->n; at += 4096) {
        store_query q = { .ids = ids->ids + at,
                          .nids = (int)(ids->n - at < 4096 ? ids->n - at : 4096),
                          .fields = fields,
                          .nfields = nfields };
        rc = store_scan(dom_store(d), reg, &q, fn, ctx, e);
    }
    return rc;
}

int qmodel_load_ids(dom *d, const id_set *risks, arena *a, qmodel *m, isms_err *e)
{
    *m = (qmodel){ .d = d, .a = a, .scale = pow(10, dom_currency_exponent(d)) };
    /* Every control treating those risks, by the link's reverse index. */
    id_set controls = { 0 };
    const fielddef *tf = field_def(&reg_control, F_CONTROL_TREATS);
    int rc = 0;
    for (size_t k = 0; !rc && k < risks->n; k++) {
        store_filter f = { .field = tf, .ival = risks->ids[k] };
        store_query q = { .filters = &f, .nfilters = 1, .fields = control_fields, .nfields = 1 };
        rc = store_scan(dom_store(d), &reg_control, &q, note_control, &controls, e);
    }
    idset_seal(&controls);
    load_ctx lc = { m, e, NULL, 0, NULL };
    int fields[NRISK_FIELDS];
    if (!rc)
        rc = scan_ids(d, &reg_control, &controls, control_fields, NCONTROL_FIELDS, load_control,
                      &lc, e);
    if (!rc) {
        index_links(&lc);
        rc = scan_ids(d, &reg_risk, risks, fields, risk_fields(fields), load_risk, &lc, e);
    }
    free(lc.links);
    idset_free(&controls);
    if (rc)
        qmodel_reset(m);
    return rc;
}

/* The register's name for an engine input ("plm" is primary_loss). */
const char *quant_input_name(fair_factor f)
{
    if ((int)f == DECIDE_OTHER)
        return "other";
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
        rc = parse_stored_dist(r, risk_inputs[k], qmodel_input(&fr, k), e);
    if (!rc)
        rc = fair_risk_validate(&fr, NULL, 0, e);
    for (int k = 0; k < NRISK_INPUTS; k++)
        dist_reset(qmodel_input(&fr, k));
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
    dist d = { 0 };
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
        if (rc)
            return rc;
        return share_check(d, e);
    }
    for (int k = 0; k < NRISK_INPUTS; k++)
        if (!strcmp(field_def(&reg_risk, risk_inputs[k])->name, field))
            return fair_factor_check(risk_factors[k], d, field, e);
    return dist_validate(d, field, e);
}

/* ---- appetite ---- */

/* The organisation's (objective 0) or an objective's own approved
 * appetite; unset when there is none. The latest approval wins. */
quant_threshold qmodel_threshold_of(const qmodel *m, int64_t objective)
{
    quant_threshold t = { 0 };
    for (size_t k = 0; k < m->nappetites; k++)
        if (m->appetites[k].objective == objective)
            t = m->appetites[k].t;
    return t;
}

/* The strictest approved appetite among the objectives, else the
 * organisation's (marked inherited). */
quant_threshold qmodel_threshold_for(const qmodel *m, const int64_t *objectives, int n)
{
    quant_threshold out = { 0 };
    for (int k = 0; k < n; k++) {
        quant_threshold t = qmodel_threshold_of(m, objectives[k]);
        if (t.set && (!out.set || t.appetite < out.appetite))
            out = t;
    }
    if (!out.set) {
        out = qmodel_threshold_of(m, 0);
        out.inherited = out.set;
    }
    return out;
}

int dom_risk_threshold(dom *d, const record *risk, quant_threshold *out, isms_err *e)
{
    qmodel m = { .d = d, .scale = pow(10, dom_currency_exponent(d)) };
    load_ctx lc = { &m, e, NULL, 0, NULL };
    int rc = dom_risk_appetites(d, risk, load_appetite, &lc, e);
    const value *objs = record_cval(risk, F_RISK_OBJECTIVES);
    if (!rc)
        *out = qmodel_threshold_for(&m, objs->ids, objs->n);
    free(m.appetites);
    return rc;
}

/* ---- running ---- */

fair_opts quant_engine_opts(const quant_opts *o)
{
    fair_opts fo = { .seed = o->seed,
                     .iterations = o->iterations ? o->iterations : QUANT_DEFAULT_ITERATIONS,
                     .threads = o->threads,
                     .progress = o->progress,
                     .progress_ctx = o->progress_ctx,
                     .cancel = o->cancel };
    return fo;
}

static stats_opts stats_for(const quant_threshold *t, unsigned threads)
{
    stats_opts so = { .var_level = t->set ? t->confidence / 100.0 : 0.95, .threads = threads };
    so.appetite = t->set ? t->appetite : INFINITY;
    so.tolerance = t->set && t->tolerance > 0 ? t->tolerance : INFINITY;
    return so;
}

/* The standard errors of the percentiles a summary reports. */
static int percentile_se(const double *x, size_t n, const stats_summary *st, unsigned threads,
                         quant_se *out, isms_err *e)
{
    double levels[5] = { 0.5, 0.9, 0.95, 0.99, st->var_level }, se[5];
    int rc = stats_quantile_se(x, n, levels, 5, threads, se, e);
    if (!rc)
        *out = (quant_se){ se[0], se[1], se[2], se[3], se[4] };
    return rc;
}

/* A sample's summary (made while simulating when `summary` is given), the
 * standard errors of its percentiles and its loss exceedance curve. */
static int describe(stats_stream *summary, const double *x, size_t n, const quant_threshold *t,
                    const fair_opts *fo, quant_scenario *out, isms_err *e)
{
    stats_opts so = stats_for(t, fo->threads);
    int rc = summary ? stats_stream_finish(summary, x, &out->stats, e)
                     : stats_summarize(x, n, &so, &out->stats, e);
    if (!rc)
        rc = percentile_se(x, n, &out->stats, fo->threads, &out->se, e);
    if (!rc)
        rc = stats_lec(x, n, QUANT_LEC_POINTS, 0, 0, 1, fo->cancel, out->lec, e);
    return rc;
}

static const char *const verdict_names[] = { "no-appetite", "within-appetite", "above-appetite",
                                             "above-tolerance", "not-quantified" };

const char *quant_verdict_name(quant_verdict v) { return verdict_names[v]; }

const char *quant_margin_means(quant_verdict v)
{
    return v == QV_WITHIN            ? "below appetite"
           : v == QV_ABOVE_APPETITE  ? "above appetite"
           : v == QV_ABOVE_TOLERANCE ? "above tolerance"
                                     : "";
}

/* The verdict on the appetite's measure (the loss at its percentile, the
 * summary's value at risk), and the certainty: P(loss <= tolerance, else
 * appetite). */
static void judge(const double *x, const stats_summary *st, const quant_se *se,
                  const quant_threshold *t, size_t unquantified, quant_judgement *j)
{
    memset(j, 0, sizeof *j);
    j->unquantified = unquantified;
    j->certainty = -1;
    if (!t->set)
        return;
    j->measure = st->var;
    j->measure_se = se->var;
    j->verdict = st->var <= t->appetite                         ? QV_WITHIN
                 : t->tolerance <= 0 || st->var <= t->tolerance ? QV_ABOVE_APPETITE
                                                                : QV_ABOVE_TOLERANCE;
    j->margin = j->verdict == QV_WITHIN           ? t->appetite - st->var
                : j->verdict == QV_ABOVE_APPETITE ? st->var - t->appetite
                                                  : st->var - t->tolerance;
    j->certainty = stats_prob_within(x, st->n, t->tolerance > 0 ? t->tolerance : t->appetite);
}

/* The organisation's quantitative bands, when both axes are configured. */
static int matrix_bands(dom *d, qual_matrix *qm)
{
    record org;
    if (dom_get(d, &reg_org, "ORG", &org, NULL))
        return 0;
    const char *f = record_text(&org, F_ORG_FREQUENCY_BANDS),
               *m = record_text(&org, F_ORG_MAGNITUDE_BANDS);
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

/* ---- one risk ---- */

static int quantify_one(dom *d, qmodel *m, const quant_opts *o, risk_quant *q, isms_err *e)
{
    (void)d;
    fair_opts fo = quant_engine_opts(o);
    size_t n = fo.iterations;
    fair_model *fm;
    int rc = fair_model_new(&fm, &m->risks[0], m->controls, m->ncontrols, e);
    if (rc)
        return rc;
    double *loss[3] = { NULL, NULL, NULL };
    stats_stream *summary[3] = { NULL, NULL, NULL };
    stats_opts sopts = stats_for(&q->threshold, fo.threads);
    for (int s = 0; s < 3 && !rc; s++) {
        loss[s] = xmalloc(n * sizeof(double));
        rc = stats_stream_new(&summary[s], n, &sopts, e);
    }
    fair_scenario sc[3] = { { FAIR_INHERENT, -1, NULL },
                            { FAIR_CURRENT, -1, NULL },
                            { FAIR_TARGET, -1, NULL } };
    fair_tally tally[3];
    quant_scenario *out[3] = { &q->inherent, &q->current, &q->target };
    fo.summaries = summary;
    if (!rc)
        rc = fair_simulate(fm, sc, 3, &fo, loss, tally, e);
    fo.summaries = NULL;
    for (int s = 0; s < 3 && !rc; s++) {
        rc = describe(summary[s], loss[s], n, &q->threshold, &fo, out[s], e);
        out[s]->frequency = tally[s].events / (double)n;
        out[s]->event_loss = tally[s].events > 0 ? tally[s].event_loss / tally[s].events : 0;
    }
    if (!rc)
        judge(loss[1], &q->current.stats, &q->current.se, &q->threshold, 0, &q->judgement);
    for (int s = 0; s < 3; s++)
        stats_stream_free(summary[s]);
    if (!rc) {
        fair_opts so = fo;
        so.progress = NULL; /* sensitivity reruns are quick; progress covered the main run */
        rc = decide_sensitivity_of(fm, &sc[1], &so, q->sensitivity, &q->nsensitivity, e);
    }
    for (int s = 0; s < 3; s++)
        free(loss[s]);
    fair_model_free(fm);
    return rc;
}

static int band_index(const char *band)
{
    return !strcmp(band, "low") ? 0 : !strcmp(band, "medium") ? 1 : !strcmp(band, "high") ? 2 : 3;
}

/* The risk's own residual cell (inherent where not assessed) against the
 * cell its figures imply: more than one band apart is flagged. */
static void compare_cells(dom *d, const record *r, risk_quant *q)
{
    const value *rl = record_cval(r, F_RISK_RESIDUAL_LIKELIHOOD),
                *ri = record_cval(r, F_RISK_RESIDUAL_IMPACT);
    q->qual_likelihood = (int)(rl->null ? record_int(r, F_RISK_LIKELIHOOD) : rl->i);
    q->qual_impact = (int)(ri->null ? record_int(r, F_RISK_IMPACT) : ri->i);
    if (!q->likelihood)
        return;
    q->matrix_disagrees = quant_cells_disagree(dom_matrix_size(d), q->qual_likelihood,
                                               q->qual_impact, q->likelihood, q->impact);
}

int quant_cells_disagree(int n, int l1, int i1, int l2, int i2)
{
    int a = band_index(risk_band(l1 * i1, n)), b = band_index(risk_band(l2 * i2, n));
    return abs(a - b) > 1;
}

static int set_level(dom *d, record *r, const void *arg, isms_err *e)
{
    const risk_quant *q = arg;
    char l[8], i[8];
    snprintf(l, sizeof l, "%d", q->likelihood);
    snprintf(i, sizeof i, "%d", q->impact);
    int rc = dom_set_value(d, r, field_index(&reg_risk, F_RISK_RESIDUAL_LIKELIHOOD), l, e);
    if (rc)
        return rc;
    return dom_set_value(d, r, field_index(&reg_risk, F_RISK_RESIDUAL_IMPACT), i, e);
}

/* When the organisation says so, a saved analysis sets the risk's
 * residual cell to the one its figures imply. */
static int derive_cell(dom *d, risk_quant *q, isms_err *e)
{
    record org, out;
    if (!q->likelihood || dom_get(d, &reg_org, "ORG", &org, NULL) ||
        !record_int(&org, F_ORG_MATRIX_FROM_FAIR))
        return 0;
    if (q->likelihood == q->qual_likelihood && q->impact == q->qual_impact)
        return 0;
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = dom_txn_end(d, dom_change_in_txn(d, &reg_risk, q->key, 0, set_level, q, "update", &out, e),
                     e);
    if (rc)
        return rc;
    q->qual_likelihood = q->likelihood;
    q->qual_impact = q->impact;
    q->matrix_disagrees = 0;
    q->matrix_derived = 1;
    return 0;
}

int dom_risk_quantify(dom *d, const char *key, const quant_opts *o, risk_quant *q, isms_err *e)
{
    memset(q, 0, sizeof *q);
    record r;
    int rc = dom_get(d, &reg_risk, key, &r, e);
    if (rc)
        return rc;
    qmodel m;
    rc = qmodel_load(d, &r, &m, e);
    if (rc)
        return rc;
    if (!m.nrisks) {
        qmodel_reset(&m);
        return err_set(e, E_INVALID, "risk",
                       "%s has no FAIR inputs: give it lef (or tef with vulnerability) and "
                       "primary_loss first",
                       r.key);
    }
    q->key = m.risk_keys[0];
    q->title = m.risk_titles[0];
    q->seed = o->seed;
    q->iterations = o->iterations ? o->iterations : QUANT_DEFAULT_ITERATIONS;
    q->engine = fair_engine_version;
    q->money = quant_money_of(d);
    q->model = m.risks[0].mode == FAIR_PRODUCT ? "product" : "compound";
    q->threshold = qmodel_threshold_for(&m, m.risk_objectives[0], m.nrisk_objectives[0]);
    size_t only = 0;
    inputs_spec spec = { .risks = &only, .nrisks = 1, .threshold = &q->threshold };
    q->inputs_hash = quant_inputs_hash(d, &m, &spec);
    rc = quantify_one(d, &m, o, q, e);
    if (!rc) {
        qual_matrix qm;
        if (matrix_bands(d, &qm)) {
            qual_cell cell = qual_map(&qm, q->current.frequency, q->current.event_loss);
            q->likelihood = cell.likelihood;
            q->impact = cell.impact;
        }
        compare_cells(d, &r, q);
        q->outside_appetite = q->judgement.verdict >= QV_ABOVE_APPETITE;
    }
    if (!rc && o->save) {
        quant_saved s = { q->key,
                          "risk",
                          q->seed,
                          q->iterations,
                          q->current.stats.mean,
                          q->current.stats.p95,
                          &q->judgement,
                          q->likelihood,
                          q->impact,
                          q->inputs_hash,
                          quant_inputs_json(&m, &spec),
                          quant_risk_json(q, 1),
                          o->cancel };
        rc = quant_save_analysis(d, &s, &q->analysis, e);
        if (!rc)
            rc = derive_cell(d, q, e);
    }
    qmodel_reset(&m);
    return rc;
}

int dom_risk_quantified(const record *risk) { return has_fair_inputs(risk); }

int dom_risk_input_fields(const int **out)
{
    *out = risk_inputs;
    return NRISK_INPUTS;
}

void dom_unquantified_query(arena *a, int64_t offset, int limit, store_query *q)
{
    const int *inputs;
    int ninputs = dom_risk_input_fields(&inputs);
    store_filter *none = arena_alloc(a, (size_t)ninputs * sizeof *none);
    for (int i = 0; i < ninputs; i++)
        none[i] = (store_filter){ .field = &reg_risk.fields[field_index(&reg_risk, inputs[i])],
                                  .is_null = 1 };
    /* One field read (a scan reads every field when given none). */
    *q = (store_query){ .ids_only = 1,
                        .fields = inputs,
                        .nfields = 1,
                        .filters = none,
                        .nfilters = ninputs,
                        .offset = offset,
                        .limit = limit };
}

/* ---- the organisation and its objectives ----
 *
 * The registers are streamed into the engine, never held whole: a first
 * pass reads a few fields of every risk (which are quantified, what each
 * objective counts), a second the controls (those acting on a quantified
 * risk start the inputs' hash), then the risks come a chunk of ids at a
 * time with the controls treating them (by the link's reverse index):
 * modelled, hashed, simulated and added into one slot per iteration for
 * the organisation and for each objective, then freed. Memory is a chunk
 * and iterations x objectives, and a bit per risk, whatever the number of
 * risks. */

/* Risk ids per chunk: a chunk holds at most as many risks. */
#define QUANT_CHUNK 4096

/* Every active objective; grouped are those some modelled risk threatens. */
typedef struct objective_group {
    int64_t id;
    const char *key, *title;
    double value;
    size_t gaps;   /* its risks without FAIR inputs */
    size_t nrisks; /* its risks with them */
    int grouped;
} objective_group;

typedef struct group_load {
    double scale;
    objective_group *all; /* in id order */
    size_t nall;
    size_t *index; /* grouped: index into all */
    size_t n;
    arena *a;
} group_load;

static int load_objective(const record *r, void *ctx)
{
    group_load *g = ctx;
    g->all = xrealloc(g->all, (g->nall + 1) * sizeof *g->all);
    g->all[g->nall++] =
        (objective_group){ r->id,
                           arena_strdup(g->a, r->key),
                           arena_strdup(g->a, record_text(r, F_OBJECTIVE_TITLE)),
                           (double)record_int(r, F_OBJECTIVE_VALUE_AT_STAKE) / g->scale,
                           0,
                           0,
                           0 };
    return 0;
}

/* The active objective of that id (by halves: they were read in id
 * order), or NULL. */
static objective_group *find_objective(const group_load *g, int64_t id)
{
    size_t lo = 0, hi = g->nall;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->all[mid].id == id)
            return &g->all[mid];
        if (g->all[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void index_groups(group_load *g)
{
    g->index = xmalloc(sizeof *g->index * (g->nall + 1));
    for (size_t k = 0; k < g->nall; k++)
        if (g->all[k].grouped)
            g->index[g->n++] = k;
}

static size_t group_index(const group_load *g, int64_t id)
{
    for (size_t k = 0; k < g->n; k++)
        if (g->all[g->index[k]].id == id)
            return k;
    return (size_t)-1;
}

/* One risk into the census (quantify_impl.h says what it keeps). */
static int census_risk(const record *r, void *ctx)
{
    risk_census *c = ctx;
    int quantified = has_fair_inputs(r);
    const value *objs = record_cval(r, F_RISK_OBJECTIVES);
    for (int k = 0; k < objs->n; k++) {
        objective_group *o = c->g ? find_objective(c->g, objs->ids[k]) : NULL;
        if (o && quantified)
            o->grouped = 1, o->nrisks++;
        else if (o)
            o->gaps++;
    }
    if (!quantified) {
        if (c->nkeys < QUANT_GAP_KEYS_LISTED) {
            if (!c->gap_keys)
                c->gap_keys = arena_alloc(c->a, QUANT_GAP_KEYS_LISTED * sizeof *c->gap_keys);
            c->gap_keys[c->nkeys++] = arena_strdup(c->a, r->key);
        }
        c->ngaps++;
        return 0;
    }
    if (r->id <= c->max_id)
        c->quantified[r->id / 8] |= (unsigned char)(1u << (r->id % 8));
    for (size_t k = 0; k < c->ncorr_keys; k++)
        if (!strcmp(c->corr_keys[k], r->key))
            c->corr_place[k] = c->n;
    c->last_id = r->id;
    c->n++;
    return 0;
}

/* A kept figure by name; 0 when the store cannot say now (an older
 * schema, or figures that wait for a write's commit). */
static int kept_figure(dom *d, const char *name, int64_t *n)
{
    isms_err quiet = { 0 };
    return store_keeps_tallies(dom_store(d)) && !store_tally_sum(dom_store(d), &name, 1, n, &quiet);
}

static int gap_key(const record *r, void *ctx)
{
    risk_census *c = ctx;
    c->gap_keys[c->nkeys++] = arena_strdup(c->a, r->key);
    return 0;
}

/* The census at the cost of the quantified risks: those read by their
 * index (0034), the others counted by the kept figures (each objective's
 * too) and the first of them named from theirs (0014). *kept 0 where the
 * figures cannot be read now: the caller reads every risk. */
static int census_kept(dom *d, risk_census *c, store_query *q, int *kept, isms_err *e)
{
    int64_t active = 0, quantified = 0;
    int known = 0;
    int rc = dom_active_count(d, &reg_risk, &active, &known, e);
    if (rc || !known || !kept_figure(d, "risk.quantified", &quantified))
        return rc;
    for (size_t k = 0; c->g && k < c->g->nall; k++) {
        char name[64];
        int64_t gaps = 0;
        snprintf(name, sizeof name, "risk.objective.u.%lld", (long long)c->g->all[k].id);
        if (!kept_figure(d, name, &gaps)) {
            for (size_t j = 0; j < k; j++)
                c->g->all[j].gaps = 0;
            return 0;
        }
        c->g->all[k].gaps = (size_t)gaps;
    }
    *kept = 1;
    q->any_set = risk_inputs;
    q->nany_set = NRISK_INPUTS;
    rc = store_scan(dom_store(d), &reg_risk, q, census_risk, c, e);
    c->ngaps = (size_t)(active - quantified);
    store_query first;
    dom_unquantified_query(c->a, 0, QUANT_GAP_KEYS_LISTED, &first);
    c->gap_keys = arena_alloc(c->a, QUANT_GAP_KEYS_LISTED * sizeof *c->gap_keys);
    return rc ? rc : store_scan(dom_store(d), &reg_risk, &first, gap_key, c, e);
}

int quant_census_take(dom *d, const quant_opts *o, risk_census *c, isms_err *e)
{
    int rc = store_max_id(dom_store(d), &reg_risk, &c->max_id, e);
    if (rc)
        return rc;
    c->quantified = xcalloc((size_t)c->max_id / 8 + 1, 1);
    c->ncorr_keys = 2 * o->ncorr;
    c->corr_keys = xmalloc((c->ncorr_keys + 1) * sizeof *c->corr_keys);
    c->corr_place = xmalloc((c->ncorr_keys + 1) * sizeof *c->corr_place);
    for (size_t k = 0; k < o->ncorr; k++) {
        c->corr_keys[2 * k] = dom_key(d, o->corr[k].a);
        c->corr_keys[2 * k + 1] = dom_key(d, o->corr[k].b);
    }
    for (size_t k = 0; k < c->ncorr_keys; k++)
        c->corr_place[k] = (size_t)-1;
    int fields[NRISK_FIELDS];
    risk_fields(fields);
    store_query q = { .fields = fields, .nfields = NRISK_INPUTS + 1 }; /* inputs, objectives */
    int kept = 0;
    rc = census_kept(d, c, &q, &kept, e);
    return rc || kept ? rc : store_scan(dom_store(d), &reg_risk, &q, census_risk, c, e);
}

void quant_census_reset(risk_census *c)
{
    free(c->quantified);
    free(c->corr_keys);
    free(c->corr_place);
}

int quant_census_quantified(const risk_census *c, int64_t id)
{
    return id > 0 && id <= c->max_id && (c->quantified[id / 8] >> (id % 8) & 1);
}

/* The correlation pairs, by the places of their risks among the
 * quantified ones. */
static int census_pairs(const risk_census *c, const quant_opts *o, portfolio_corr **out,
                        isms_err *e)
{
    portfolio_corr *pairs = xmalloc(sizeof *pairs * (o->ncorr + 1));
    for (size_t k = 0; k < o->ncorr; k++) {
        for (int j = 0; j < 2; j++)
            if (c->corr_place[2 * k + j] == (size_t)-1) {
                free(pairs);
                return err_set(e, E_INVALID, "correlate",
                               "correlate: %s is not a quantified risk (it needs FAIR inputs)",
                               c->corr_keys[2 * k + j]);
            }
        pairs[k] =
            (portfolio_corr){ c->corr_place[2 * k], c->corr_place[2 * k + 1], o->corr[k].rho };
    }
    *out = pairs;
    return 0;
}

/* The controls pass (quantify_impl.h): each read into a model of its own,
 * its strings in an arena reset now and then. */
typedef struct control_pass {
    qmodel one;
    arena a;
    size_t read;
    const risk_census *c;
    quant_control_fn fn;
    void *ctx;
    isms_err *e;
} control_pass;

static int pass_control(const record *r, void *ctx)
{
    control_pass *cp = ctx;
    const value *t = record_cval(r, F_CONTROL_TREATS);
    if (!t->n)
        return 0;
    size_t quantified = 0;
    for (int k = 0; k < t->n; k++)
        quantified += (size_t)quant_census_quantified(cp->c, t->ids[k]);
    qmodel *m = &cp->one;
    load_ctx lc = { m, cp->e, NULL, 0, NULL };
    int rc = load_control(r, &lc); /* nothing when it does not act on risks */
    if (!rc)
        rc = cp->fn(cp->ctx, r, m, quantified);
    dom *d = m->d;
    double scale = m->scale;
    qmodel_reset(m);
    *m = (qmodel){ .d = d, .a = &cp->a, .scale = scale };
    if (++cp->read % 1024 == 0)
        arena_reset(&cp->a);
    return rc;
}

int quant_pass_controls(dom *d, const risk_census *c, quant_control_fn fn, void *ctx, isms_err *e)
{
    control_pass cp = { .c = c, .fn = fn, .ctx = ctx, .e = e };
    arena_init(&cp.a);
    cp.one = (qmodel){ .d = d, .a = &cp.a, .scale = pow(10, dom_currency_exponent(d)) };
    store_query q = { .fields = control_fields, .nfields = NCONTROL_FIELDS }; /* treats too */
    int rc = store_scan(dom_store(d), &reg_control, &q, pass_control, &cp, e);
    qmodel_reset(&cp.one);
    arena_free(&cp.a);
    return rc;
}

/* The portfolio's controls pass: those acting on a quantified risk go into
 * the inputs, in the register's order. */
static int stream_control(void *ctx, const record *r, const qmodel *one, size_t quantified)
{
    (void)r;
    if (one->ncontrols && quantified)
        quant_inputs_stream_control(ctx, one, 0);
    return 0;
}

/* A chunk's members of the objectives: a risk to several objectives
 * threatens each of them wholly. */
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
            members[nm++] = (portfolio_member){ .risk = i, .group = gi, .share = 1.0 };
        }
    int rc = portfolio_set_groups(p, g->n, members, nm, e);
    free(members);
    return rc;
}

/* One chunk: hashed, simulated, added in. */
static int run_chunk(portfolio_stream *s, inputs_stream *in, const qmodel *m, const group_load *g,
                     isms_err *e)
{
    for (size_t i = 0; i < m->nrisks; i++)
        quant_inputs_stream_risk(in, m, i);
    portfolio *p = NULL;
    int rc = portfolio_new(&p, m->risks, m->nrisks, m->controls, m->ncontrols, e);
    if (!rc && g && g->n)
        rc = set_groups(p, m, g, e);
    if (!rc)
        rc = portfolio_stream_add(s, p, e);
    portfolio_free(p);
    return rc;
}

/* The third pass: the risks, a chunk of ids at a time. */
int quant_pass_risks(dom *d, const quant_opts *o, const risk_census *c, const group_load *g,
                     portfolio_stream *s, inputs_stream *in, isms_err *e)
{
    int64_t chunk = o->chunk ? (int64_t)o->chunk : QUANT_CHUNK;
    arena a;
    arena_init(&a);
    int rc = 0;
    for (int64_t after = 0; !rc && after < c->last_id; after += chunk) {
        if (o->cancel && *o->cancel) {
            rc = err_set(e, E_INTERRUPTED, "iterations", "the simulation was interrupted");
            break;
        }
        qmodel m;
        int64_t upto = after + chunk < c->last_id ? after + chunk : c->last_id;
        rc = qmodel_load_range(d, after, upto, &a, &m, e);
        if (!rc && m.nrisks)
            rc = run_chunk(s, in, &m, g, e);
        qmodel_reset(&m); /* (a failed load left it empty) */
        arena_reset(&a);
    }
    arena_free(&a);
    return rc;
}

/* Each objective's figures and verdict: its own appetite, else the
 * organisation's (said so); objectives with no quantified risk last, with
 * no figures and no certainty. */
static int describe_groups(dom *d, const qmodel *m, const group_load *g,
                           const portfolio_result *res, const fair_opts *fo, portfolio_quant *out,
                           isms_err *e)
{
    size_t ungrouped = 0;
    for (size_t k = 0; k < g->nall; k++)
        ungrouped += !g->all[k].grouped && g->all[k].gaps;
    out->ngroups = g->n + ungrouped;
    out->groups =
        arena_alloc(dom_arena(d), sizeof *out->groups * (out->ngroups ? out->ngroups : 1));
    for (size_t k = 0; k < g->n; k++) {
        group_quant *gq = &out->groups[k];
        const objective_group *o = &g->all[g->index[k]];
        const double *x = res->group + k * res->iterations;
        memset(gq, 0, sizeof *gq);
        gq->key = o->key;
        gq->title = o->title;
        gq->value_at_stake = o->value;
        gq->nrisks = o->nrisks;
        if (fo->cancel && *fo->cancel) /* each summary takes a while on a long run */
            return err_set(e, E_INTERRUPTED, "iterations", "the simulation was interrupted");
        gq->threshold = qmodel_threshold_of(m, o->id);
        if (!gq->threshold.set) {
            gq->threshold = qmodel_threshold_of(m, 0);
            gq->threshold.inherited = gq->threshold.set;
        }
        stats_opts so = stats_for(&gq->threshold, fo->threads);
        int rc = stats_summarize(x, res->iterations, &so, &gq->stats, e);
        if (!rc)
            rc = percentile_se(x, res->iterations, &gq->stats, fo->threads, &gq->se, e);
        if (rc)
            return rc;
        judge(x, &gq->stats, &gq->se, &gq->threshold, o->gaps, &gq->judgement);
        gq->certainty = gq->judgement.certainty;
    }
    size_t at = g->n;
    for (size_t k = 0; k < g->nall; k++) {
        const objective_group *o = &g->all[k];
        if (o->grouped || !o->gaps)
            continue;
        group_quant *gq = &out->groups[at++];
        memset(gq, 0, sizeof *gq);
        gq->key = o->key;
        gq->title = o->title;
        gq->value_at_stake = o->value;
        gq->judgement = (quant_judgement){ .verdict = QV_NOT_QUANTIFIED,
                                           .certainty = -1,
                                           .unquantified = o->gaps };
        gq->certainty = -1;
    }
    return 0;
}

size_t qmodel_risk_index(const qmodel *m, const char *key)
{
    for (size_t i = 0; i < m->nrisks; i++)
        if (!strcmp(m->risk_keys[i], key))
            return i;
    return (size_t)-1;
}

/* What the totals leave out: the risks not quantified, and the value at
 * stake of the objectives that have one. */
static void count_gaps(const risk_census *c, const group_load *g, portfolio_quant *q)
{
    q->modelled = c->n;
    q->unmodelled = c->ngaps;
    q->unmodelled_keys = c->gap_keys; /* (the census's arena: the command's) */
    q->unmodelled_listed = c->nkeys;
    for (size_t k = 0; k < g->nall; k++) {
        q->value_at_stake += g->all[k].value;
        if (g->all[k].gaps)
            q->value_unquantified += g->all[k].value;
    }
}

/* The figures of the organisation from its per-iteration losses. */
static int describe_total(const portfolio_result *res, const fair_opts *fo, size_t unquantified,
                          portfolio_quant *q, isms_err *e)
{
    quant_scenario whole;
    int rc = describe(NULL, res->total, res->iterations, &q->threshold, fo, &whole, e);
    if (rc)
        return rc;
    q->total = whole.stats;
    q->se = whole.se;
    memcpy(q->lec, whole.lec, sizeof q->lec);
    judge(res->total, &q->total, &q->se, &q->threshold, unquantified, &q->judgement);
    q->certainty = q->judgement.certainty;
    return 0;
}

/* The three passes, into *res and the inputs' hash (and text, kept when
 * saving). */
static int stream_portfolio(dom *d, const quant_opts *o, const fair_opts *fo, const qmodel *m,
                            const risk_census *c, const group_load *g, portfolio_quant *q,
                            portfolio_result *res, char **inputs, isms_err *e)
{
    portfolio_corr *pairs = NULL;
    int rc = census_pairs(c, o, &pairs, e);
    portfolio_stream *s = NULL;
    fair_scenario current = { FAIR_CURRENT, -1, NULL };
    if (!rc)
        rc = portfolio_stream_new(&s, g->n, c->n, pairs, o->ncorr, 0, &current, fo, e);
    free(pairs);
    if (rc)
        return rc;
    inputs_spec spec = { .appetites = 1, .corr = o };
    inputs_stream *in = quant_inputs_stream_new(m, &spec, o->save);
    rc = quant_pass_controls(d, c, stream_control, in, e);
    if (!rc) {
        quant_inputs_stream_risks(in, m);
        rc = quant_pass_risks(d, o, c, g, s, in, e);
    }
    if (!rc)
        rc = portfolio_stream_finish(s, res, e);
    q->held_most = portfolio_stream_held_most(s);
    portfolio_stream_free(s);
    if (rc) {
        quant_inputs_stream_free(in, 1);
        return rc;
    }
    q->inputs_hash = quant_inputs_stream_end(in, d, inputs);
    return 0;
}

int dom_portfolio_quantify(dom *d, const quant_opts *o, int by_objective, portfolio_quant *q,
                           isms_err *e)
{
    memset(q, 0, sizeof *q);
    /* The appetites alone: the risks and controls are streamed. */
    qmodel m = { .d = d, .scale = pow(10, dom_currency_exponent(d)) };
    load_ctx lc = { &m, e, NULL, 0, NULL };
    group_load g = { .scale = m.scale, .a = dom_arena(d) };
    risk_census c = { .g = &g, .a = dom_arena(d) };
    int rc = dom_approved_appetites(d, load_appetite, &lc, e);
    if (!rc)
        rc = store_scan(dom_store(d), &reg_objective, NULL, load_objective, &g, e);
    if (!rc)
        rc = quant_census_take(d, o, &c, e);
    if (!rc && !c.n)
        rc = err_set(e, E_INVALID, "risk", "no risk has FAIR inputs yet: nothing to aggregate");
    fair_opts fo = quant_engine_opts(o);
    q->seed = o->seed;
    q->iterations = fo.iterations;
    q->engine = fair_engine_version;
    q->money = quant_money_of(d);
    q->threshold = qmodel_threshold_of(&m, 0);
    portfolio_result res = { 0 };
    char *inputs = NULL;
    if (!rc) {
        count_gaps(&c, &g, q);
        if (by_objective)
            index_groups(&g);
        rc = stream_portfolio(d, o, &fo, &m, &c, &g, q, &res, &inputs, e);
    }
    if (!rc)
        rc = describe_total(&res, &fo, c.ngaps, q, e);
    if (!rc && by_objective)
        rc = describe_groups(d, &m, &g, &res, &fo, q, e);
    if (!rc && o->save) {
        quant_saved s = { by_objective ? "portfolio by objective" : "portfolio",
                          "portfolio",
                          q->seed,
                          q->iterations,
                          q->total.mean,
                          q->total.p95,
                          &q->judgement,
                          0,
                          0,
                          q->inputs_hash,
                          inputs,
                          dom_portfolio_json(q),
                          o->cancel };
        inputs = NULL;
        rc = quant_save_analysis(d, &s, &q->analysis, e);
    }
    free(inputs);
    portfolio_result_reset(&res);
    quant_census_reset(&c);
    free(g.all);
    free(g.index);
    qmodel_reset(&m);
    return rc;
}

/* ---- saving ---- */

/* Takes ownership of s->inputs and s->results. */
int quant_save_analysis(dom *d, quant_saved *s, const char **key, isms_err *e)
{
    arena *a = dom_arena(d);
    double scale = pow(10, dom_currency_exponent(d));
    const quant_judgement *j = s->judgement;
    record r, out;
    record_init(&r, &reg_analysis, a);
    const struct {
        int field;
        const char *text;
    } values[] = {
        { F_ANALYSIS_SUBJECT, s->subject },
        { F_ANALYSIS_KIND, s->kind },
        { F_ANALYSIS_ITERATIONS, arena_printf(a, "%zu", s->iterations) },
        { F_ANALYSIS_SEED, arena_printf(a, "%llu", (unsigned long long)s->seed) },
        { F_ANALYSIS_ENGINE, fair_engine_version },
        { F_ANALYSIS_MEAN_LOSS,
          isfinite(s->mean) ? arena_printf(a, "%.0f", s->mean * scale) : NULL },
        { F_ANALYSIS_P95_LOSS, isfinite(s->p95) ? arena_printf(a, "%.0f", s->p95 * scale) : NULL },
        { F_ANALYSIS_OUTSIDE_APPETITE, j && j->verdict >= QV_ABOVE_APPETITE ? "yes" : "no" },
        { F_ANALYSIS_INPUTS, s->inputs },
        { F_ANALYSIS_RESULTS, s->results },
        { F_ANALYSIS_INPUTS_HASH, s->hash },
        { F_ANALYSIS_VERDICT, j ? quant_verdict_name(j->verdict) : NULL },
        { F_ANALYSIS_MARGIN,
          j && j->verdict != QV_NO_APPETITE ? arena_printf(a, "%.0f", j->margin * scale) : NULL },
        { F_ANALYSIS_LIKELIHOOD, s->likelihood ? arena_printf(a, "%d", s->likelihood) : NULL },
        { F_ANALYSIS_IMPACT, s->impact ? arena_printf(a, "%d", s->impact) : NULL },
    };
    int rc = 0;
    for (size_t k = 0; k < sizeof values / sizeof *values && !rc; k++) {
        if (!values[k].text)
            continue;
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
    free(s->inputs);
    free(s->results);
    if (!rc && s->cancel && *s->cancel)
        rc = err_set(e, E_INTERRUPTED, "iterations",
                     "interrupted after the simulation, before saving: nothing was saved");
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = dom_txn_end(d, dom_add_in_txn(d, &r, &out, e), e);
    if (!rc)
        *key = out.key;
    return rc;
}
