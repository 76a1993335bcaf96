/* quantify_returns.c: the return on controls, streamed from the registers
 * (what each control buys, proposed ones ranked: risk/decide.h says how
 * a control is valued). */
#include "domain/workflows/quantify_impl.h"
#include "domain/registers/registers.h"
#include "core/idset.h"
#include "core/xalloc.h"
#include "risk/decide.h"
#include "risk/portfolio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- return on controls ----
 *
 * Streamed like the portfolio, in four passes: the census of the risks;
 * the controls (a row for each one acting on a quantified risk, in id
 * order; those left out, and why; the inputs' hash); the risks, a chunk of
 * ids at a time, into the organisation's run under the current state;
 * then the controls again, a chunk of ids at a time. A chunk's model holds
 * the risks its controls treat and every control treating those, in id
 * order, so each control's delta is the one a model of everything gives,
 * bit for bit; each of the chunk's controls is toggled in turn and valued
 * against the run. Memory: a chunk, a row per control valued, and the
 * run's iterations, whatever the number of risks. */

/* Control ids a chunk of the last pass covers. */
#define RETURNS_CHUNK 1024

static int cmp_return(const void *a, const void *b)
{
    const control_quant *x = a, *y = b;
    /* Ranked first (1 = fund first), then the rest by return. */
    int xr = x->value.rank ? (int)x->value.rank : 1 << 30,
        yr = y->value.rank ? (int)y->value.rank : 1 << 30;
    if (xr != yr)
        return xr < yr ? -1 : 1;
    return (x->value.roi < y->value.roi) - (x->value.roi > y->value.roi);
}

/* Ineffective controls in place are not proposals: they are not ranked,
 * and the others keep consecutive ranks. */
static void rerank(returns_quant *q)
{
    size_t next = 1;
    for (size_t k = 0; k < q->n; k++) {
        control_quant *r = &q->rows[k];
        if (!r->value.rank)
            continue;
        if (!strcmp(r->state, "ineffective"))
            r->value.rank = 0;
        else
            r->value.rank = next++;
    }
}

/* The controls pass: the rows (their values come last), in id order. */
typedef struct returns_rows {
    inputs_stream *in;
    returns_quant *q;
    arena *a; /* the dom's: the rows' strings */
    size_t cap;
    id_set ids;     /* per row: the control's id (ascending as read) */
    size_t acting;  /* controls acting on risks, quantified or not */
    uint64_t links; /* (row, quantified risk) pairs: the deltas' work */
} returns_rows;

static void add_left_out(returns_rows *rr, const record *r, const char *reason)
{
    returns_quant *q = rr->q;
    q->left_out = xrealloc(q->left_out, (q->nleft_out + 1) * sizeof *q->left_out);
    q->left_out[q->nleft_out++] =
        (control_gap){ arena_strdup(rr->a, r->key),
                       arena_strdup(rr->a, record_text(r, F_CONTROL_TITLE)), reason };
}

static void add_row(returns_rows *rr, const qmodel *m, size_t links)
{
    returns_quant *q = rr->q;
    if (q->n == rr->cap) {
        rr->cap = rr->cap ? rr->cap * 2 : 64;
        q->rows = xrealloc(q->rows, rr->cap * sizeof *q->rows);
    }
    const qcontrol *qc = &m->qcontrols[0];
    arena *a = rr->a;
    control_quant *row = &q->rows[q->n];
    memset(row, 0, sizeof *row);
    row->key = arena_strdup(a, qc->key);
    row->title = arena_strdup(a, qc->title);
    row->effectiveness = arena_strdup(a, qc->effectiveness);
    row->state = m->controls[0].implemented ? "implemented"
                 : qc->in_place             ? "ineffective"
                                            : "proposed";
    idset_add(&rr->ids, qc->id);
    rr->links += links;
    q->n++;
}

/* A row for each control acting on a quantified risk; those treating
 * risks that cannot be valued, left out with the reason. */
static int returns_control(void *ctx, const record *r, const qmodel *one, size_t quantified)
{
    returns_rows *rr = ctx;
    rr->acting += one->ncontrols;
    if (one->ncontrols && quantified) {
        quant_inputs_stream_control(rr->in, one, 0);
        add_row(rr, one, quantified);
    }
    if (!quantified)
        add_left_out(rr, r, "its risks are not quantified");
    else if (!record_text(r, F_CONTROL_ACTS_ON))
        add_left_out(rr, r, "no effect stated (acts_on, reduction)");
    return 0;
}

/* A chunk of the last pass: its controls acting on a quantified risk
 * (toggled), the quantified risks they treat, and every control acting on
 * those. */
typedef struct returns_chunk {
    const risk_census *c;
    id_set toggled, risks;
    uint64_t pairs; /* (toggled, risk) pairs: the deltas' work */
} returns_chunk;

static int chunk_control(const record *r, void *ctx)
{
    returns_chunk *ch = ctx;
    if (!qmodel_control_acts(r))
        return 0;
    const value *t = record_cval(r, F_CONTROL_TREATS);
    size_t before = ch->risks.n;
    for (int k = 0; k < t->n; k++)
        if (quant_census_quantified(ch->c, t->ids[k]))
            idset_add(&ch->risks, t->ids[k]);
    if (ch->risks.n > before)
        idset_add(&ch->toggled, r->id);
    ch->pairs += ch->risks.n - before;
    return 0;
}

/* Reads the chunk of control ids (after, upto] and loads its model into m
 * (strings in a); ch says what it toggles. */
static int chunk_model(dom *d, int64_t after, int64_t upto, returns_chunk *ch, arena *a, qmodel *m,
                       isms_err *e)
{
    *m = (qmodel){ .d = d, .a = a };
    int nfields;
    const int *fields = qmodel_control_fields(&nfields);
    store_query cq = { .id_after = after, .id_upto = upto, .fields = fields, .nfields = nfields };
    int rc = store_scan(dom_store(d), &reg_control, &cq, chunk_control, ch, e);
    if (rc || !ch->toggled.n)
        return rc;
    idset_seal(&ch->risks);
    return qmodel_load_ids(d, &ch->risks, a, m, e);
}

/* Values the chunk's toggled controls against the run into values[]. */
typedef struct valuing_rows {
    const qmodel *m;
    const returns_rows *rows;
    const decide_base *base;
    double *scratch;
    decide_value *values;
} valuing_rows;

static int value_row(void *ctx, size_t c, const double *delta, isms_err *e)
{
    const valuing_rows *v = ctx;
    size_t row = idset_find(&v->rows->ids, v->m->qcontrols[c].id);
    if (row == v->rows->ids.n) /* the passes read one state: cannot happen */
        return err_set(e, E_INTERNAL, "control", "%s: valued but not read as a row",
                       v->m->qcontrols[c].key);
    /* Its state and cost as the chunk read them: the rows' own, read in
     * the same transaction. */
    decide_value_of(&v->m->controls[c], row, v->base, delta, v->scratch, &v->values[row]);
    return 0;
}

static int value_chunk(const qmodel *m, const returns_chunk *ch, const fair_opts *fo,
                       valuing_rows *v, isms_err *e)
{
    size_t *toggles = xmalloc((ch->toggled.n + 1) * sizeof *toggles), n = 0;
    for (size_t k = 0; k < m->ncontrols; k++)
        if (idset_has(&ch->toggled, m->qcontrols[k].id))
            toggles[n++] = k;
    portfolio *p = NULL;
    fair_scenario current = { FAIR_CURRENT, -1, NULL };
    int rc = portfolio_new(&p, m->risks, m->nrisks, m->controls, m->ncontrols, e);
    if (!rc)
        rc = portfolio_toggle_each(p, &current, toggles, n, fo, value_row, v, e);
    portfolio_free(p);
    free(toggles);
    return rc;
}

/* The last pass: every row's values, a chunk of control ids at a time. */
static int value_rows(dom *d, const quant_opts *o, const fair_opts *fo, portfolio_phase *ph,
                      const risk_census *c, returns_rows *rows, const decide_base *base,
                      decide_value *values, isms_err *e)
{
    int64_t last = rows->ids.n ? rows->ids.ids[rows->ids.n - 1] : 0;
    int64_t chunk = o->chunk ? (int64_t)o->chunk : RETURNS_CHUNK;
    valuing_rows v = { NULL, rows, base, xmalloc((base->n + 1) * sizeof *v.scratch), values };
    arena a;
    arena_init(&a);
    int rc = 0;
    for (int64_t after = 0; !rc && after < last; after += chunk) {
        if (o->cancel && *o->cancel) {
            rc = err_set(e, E_INTERRUPTED, "iterations", "the simulation was interrupted");
            break;
        }
        returns_chunk ch = { .c = c };
        qmodel m;
        rc = chunk_model(d, after, after + chunk, &ch, &a, &m, e);
        v.m = &m;
        if (!rc && ch.toggled.n)
            rc = value_chunk(&m, &ch, fo, &v, e);
        if (m.nrisks > rows->q->held_most)
            rows->q->held_most = m.nrisks;
        if (ph) /* the walk counted from 0: the chunks before it */
            ph->before += (uint64_t)base->n * ch.pairs;
        qmodel_reset(&m);
        arena_reset(&a);
        idset_free(&ch.toggled);
        idset_free(&ch.risks);
    }
    arena_free(&a);
    free(v.scratch);
    return rc;
}

/* The rows in order of return, each with its figures, ranked. A control
 * whose cost is unknown (none, or not above 0) is valued as such by
 * decide_value_of, and never ranked. */
static void rank_rows(returns_quant *q, decide_value *values)
{
    decide_rank(values, q->n);
    for (size_t k = 0; k < q->n; k++)
        q->rows[k].value = values[k];
    qsort(q->rows, q->n, sizeof *q->rows, cmp_return);
    rerank(q);
}

/* The rows and those left out into the dom's arena, like every result. */
static void rows_to_arena(dom *d, returns_quant *q)
{
    control_quant *rs = arena_alloc(dom_arena(d), sizeof *rs * (q->n ? q->n : 1));
    memcpy(rs, q->rows, sizeof *rs * q->n);
    free(q->rows);
    q->rows = rs;
    if (q->left_out) {
        control_gap *copy = arena_alloc(dom_arena(d), sizeof *copy * q->nleft_out);
        memcpy(copy, q->left_out, sizeof *copy * q->nleft_out);
        free(q->left_out);
        q->left_out = copy;
    }
}

/* The run, then the deltas, under one progress. */
static int returns_simulate(dom *d, const quant_opts *o, const risk_census *c, returns_rows *rows,
                            inputs_stream *in, decide_value *values, isms_err *e)
{
    fair_opts fo = quant_engine_opts(o);
    portfolio_phase ph = { fo.progress, fo.progress_ctx, 0,
                           (uint64_t)fo.iterations * (c->n + rows->links) };
    if (fo.progress) {
        fo.progress = portfolio_phase_progress;
        fo.progress_ctx = &ph;
    }
    portfolio_stream *s = NULL;
    fair_scenario current = { FAIR_CURRENT, -1, NULL };
    portfolio_result base = { 0 };
    int rc = portfolio_stream_new(&s, 0, c->n, NULL, 0, 0, &current, &fo, e);
    if (!rc) {
        quant_inputs_stream_risks(in, &(qmodel){ .d = d });
        rc = quant_pass_risks(d, o, c, NULL, s, in, e);
    }
    if (!rc)
        rc = portfolio_stream_finish(s, &base, e);
    portfolio_stream_free(s);
    if (!rc) {
        ph.before = (uint64_t)fo.iterations * c->n;
        decide_base b = { base.total, base.iterations,
                          decide_p95(base.total, base.iterations, fo.threads), fo.threads };
        rc = value_rows(d, o, &fo, fo.progress ? &ph : NULL, c, rows, &b, values, e);
    }
    portfolio_result_reset(&base);
    return rc;
}

/* Everything but the saving; *inputs the inputs' text when o->save. */
static int returns_run(dom *d, const quant_opts *o, returns_quant *q, char **inputs, isms_err *e)
{
    quant_opts plain = *o; /* the correlations are the portfolio's: not read here */
    plain.ncorr = 0;
    risk_census c = { .a = dom_arena(d) }; /* no objectives: not grouped */
    inputs_spec spec = { .costs = 1 };
    inputs_stream *in = quant_inputs_stream_new(&(qmodel){ .d = d }, &spec, o->save);
    returns_rows rows = { .in = in, .q = q, .a = dom_arena(d) };
    int rc = quant_census_take(d, &plain, &c, e);
    if (!rc)
        rc = quant_pass_controls(d, &c, returns_control, &rows, e);
    if (!rc && (!c.n || !rows.acting))
        rc = err_set(e, E_INVALID, "control",
                     "nothing to value: return on controls needs risks with FAIR inputs and "
                     "controls with acts_on and reduction that treat them");
    decide_value *values = xcalloc(q->n + 1, sizeof *values);
    if (!rc)
        rc = returns_simulate(d, &plain, &c, &rows, in, values, e);
    if (!rc) {
        q->inputs_hash = quant_inputs_stream_end(in, d, inputs);
        in = NULL;
        rank_rows(q, values);
    }
    rows_to_arena(d, q);
    free(values);
    idset_free(&rows.ids);
    quant_inputs_stream_free(in, 1);
    quant_census_reset(&c);
    return rc;
}

int dom_control_returns(dom *d, const quant_opts *o, returns_quant *q, isms_err *e)
{
    memset(q, 0, sizeof *q);
    fair_opts fo = quant_engine_opts(o);
    q->seed = o->seed;
    q->iterations = fo.iterations;
    q->engine = fair_engine_version;
    q->money = quant_money_of(d);
    /* Its passes read one state of the repository, whatever is written
     * meanwhile: the rows are the controls the deltas toggle. */
    char *inputs = NULL;
    int rc = dom_read_begin(d, e);
    if (!rc)
        rc = dom_txn_end(d, returns_run(d, o, q, &inputs, e), e);
    if (!rc && o->save) {
        /* no loss of its own: each control's is in its row (NaN: not saved as 0) */
        quant_saved sv = { .subject = "controls",
                           .kind = "control-return",
                           .seed = q->seed,
                           .iterations = q->iterations,
                           .mean = NAN,
                           .p95 = NAN,
                           .hash = q->inputs_hash,
                           .inputs = inputs,
                           .results = quant_returns_kept(q),
                           .cancel = o->cancel };
        inputs = NULL;
        rc = quant_save_analysis(d, &sv, &q->analysis, e);
    }
    free(inputs);
    return rc;
}
