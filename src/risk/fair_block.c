/* fair_block.c: one block of iterations of one risk, every scenario at once.
 *
 * The block first draws what all scenarios share: the per-iteration factors
 * (frequency inputs, magnitudes in the product model, control reductions)
 * and, in the compound model, the year's loss events with their magnitudes.
 * Each scenario then only combines: it scales, thins and insures the same
 * draws. A scenario's frequency controls keep an event when the event's own
 * uniform falls below the year's surviving fraction, so a control removes
 * events rather than redrawing the year (Poisson thinning: the kept events
 * of a Poisson(rate) year are Poisson(rate x fraction)). */
#include "risk/fair_impl.h"

#include "core/xalloc.h"
#include "risk/poisson.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_CHUNK 4096

struct fair_scratch {
    double *cols;      /* columns of FAIR_BLOCK doubles, handed out in order */
    size_t ncols, used;
    uint32_t counts[FAIR_BLOCK];
    uint32_t ev_year[EVENT_CHUNK];
    double ev_plm[EVENT_CHUNK], ev_slm[EVENT_CHUNK];
    double ev_sec[EVENT_CHUNK], ev_thin[EVENT_CHUNK];
};

fair_scratch *fair_scratch_new(void)
{
    return xcalloc(1, sizeof(fair_scratch));
}

void fair_scratch_free(fair_scratch *ws)
{
    if (ws)
        free(ws->cols);
    free(ws);
}

/* Makes room for `n` columns and hands them out from the first. */
static void scratch_reserve(fair_scratch *ws, size_t n)
{
    if (n > ws->ncols) {
        free(ws->cols);
        ws->cols = xmalloc(n * FAIR_BLOCK * sizeof *ws->cols);
        ws->ncols = n;
    }
    ws->used = 0;
}

static double *scratch_col(fair_scratch *ws)
{
    return ws->cols + FAIR_BLOCK * ws->used++;
}

static void fill(double *x, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        x[i] = v;
}

/* ---- what the scenarios share ---- */

/* The block's draws of factor f (its median when frozen). */
static double *factor_col(const fair_job *job, fair_factor f, size_t block, size_t n, fair_scratch *ws)
{
    const fair_model *m = job->model;
    double *col = scratch_col(ws);
    if (job->freeze & (1u << f)) {
        fill(col, n, m->median[f]);
        return col;
    }
    rng r;
    rng_stream(&r, job->seed, m->risk->stream_id, block, (uint64_t)f);
    dist_sampler_draw(&m->sampler[f], &r, col, n);
    return col;
}

/* The rate of loss events per iteration, whichever path gives it. */
static double *rate_col(const fair_job *job, size_t block, size_t n, fair_scratch *ws)
{
    const fair_model *m = job->model;
    if (m->path == FREQ_LEF)
        return factor_col(job, FAIR_LEF, block, n, ws);
    double *tef = factor_col(job, FAIR_TEF, block, n, ws);
    if (m->path == FREQ_TEF_VULN) {
        const double *vuln = factor_col(job, FAIR_VULN, block, n, ws);
        for (size_t i = 0; i < n; i++)
            tef[i] *= vuln[i];
        return tef;
    }
    const double *tcap = factor_col(job, FAIR_TCAP, block, n, ws);
    const double *rs = factor_col(job, FAIR_RS, block, n, ws);
    for (size_t i = 0; i < n; i++)
        tef[i] = tcap[i] > rs[i] ? tef[i] : 0.0;
    return tef;
}

static int effect_used(const fair_job *job, size_t i)
{
    for (size_t s = 0; s < job->nscen; s++)
        if (job->on[s * job->model->neffects + i])
            return 1;
    return 0;
}

/* Each used reduction's draws for the block; NULL for unused ones. */
static void effect_cols(const fair_job *job, size_t block, size_t n, fair_scratch *ws, double **red)
{
    const fair_model *m = job->model;
    for (size_t i = 0; i < m->neffects; i++) {
        const effect_prep *p = &m->effects[i];
        red[i] = NULL;
        if (p->target == FAIR_ON_TRANSFER || !effect_used(job, i))
            continue;
        rng r;
        rng_stream(&r, job->seed, m->risk->stream_id, block, p->stream);
        red[i] = scratch_col(ws);
        dist_sampler_draw(&p->reduction, &r, red[i], n);
    }
}

/* ---- one scenario's view ---- */

typedef struct cover {
    double deductible, limit;
} cover;

/* Per iteration multipliers (NULL: 1) and the insurance in force. */
typedef struct view {
    double *rate, *primary, *secondary;
    cover per_event[FAIR_MAX_COVERS], annual[FAIR_MAX_COVERS];
    int nevent, nannual;
} view;

static void scale_by(double **acc, const double *red, size_t n, fair_scratch *ws)
{
    if (!*acc) {
        *acc = scratch_col(ws);
        fill(*acc, n, 1.0);
    }
    for (size_t i = 0; i < n; i++)
        (*acc)[i] *= 1.0 - red[i];
}

static void add_cover(view *v, const fair_control *c)
{
    cover k = {c->deductible, c->limit > 0.0 ? c->limit : INFINITY};
    if (c->cover == FAIR_COVER_ANNUAL)
        v->annual[v->nannual++] = k;
    else
        v->per_event[v->nevent++] = k;
}

static void build_view(const fair_job *job, size_t s, double *const *red, size_t n,
                       fair_scratch *ws, view *v)
{
    const fair_model *m = job->model;
    memset(v, 0, sizeof *v);
    for (size_t i = 0; i < m->neffects; i++) {
        if (!job->on[s * m->neffects + i])
            continue;
        switch (m->effects[i].target) {
        case FAIR_ON_TEF:
        case FAIR_ON_VULN:
        case FAIR_ON_LEF:
            scale_by(&v->rate, red[i], n, ws);
            break;
        case FAIR_ON_LM:
            scale_by(&v->primary, red[i], n, ws);
            if (m->has[FAIR_SLM])
                scale_by(&v->secondary, red[i], n, ws);
            break;
        case FAIR_ON_PLM:
            scale_by(&v->primary, red[i], n, ws);
            break;
        case FAIR_ON_SLM:
            scale_by(&v->secondary, red[i], n, ws);
            break;
        case FAIR_ON_TRANSFER:
            add_cover(v, &m->controls[m->effects[i].control]);
            break;
        }
    }
}

/* The loss kept after the covers, applied in order. */
static double retain(double loss, const cover *c, int nc)
{
    for (int k = 0; k < nc; k++) {
        double paid = loss - c[k].deductible;
        paid = paid < 0.0 ? 0.0 : paid > c[k].limit ? c[k].limit : paid;
        loss -= paid;
    }
    return loss;
}

static void retain_annual(const view *v, double *out, size_t n)
{
    if (v->nannual)
        for (size_t i = 0; i < n; i++)
            out[i] = retain(out[i], v->annual, v->nannual);
}

/* ---- the product model ---- */

typedef struct draws {
    const double *rate;          /* per iteration */
    const double *plm;           /* per iteration (product) or per event */
    const double *slep, *slm;    /* NULL without secondary loss */
} draws;

static void product_scenario(const draws *d, const view *v, size_t n, double *out,
                             double *events, fair_tally *t)
{
    if (!d->slep && !v->rate && !v->primary && !v->nevent) {
        /* The plain case (pyfair's standard model): nothing to combine. */
        for (size_t i = 0; i < n; i++)
            out[i] = d->rate[i] * d->plm[i];
        t->events = fair_sum(d->rate, n);
        t->event_loss = fair_sum(out, n);
    } else {
        for (size_t i = 0; i < n; i++) {
            double lm = d->plm[i] * (v->primary ? v->primary[i] : 1.0);
            if (d->slep)
                lm += d->slep[i] * d->slm[i] * (v->secondary ? v->secondary[i] : 1.0);
            lm = retain(lm, v->per_event, v->nevent);
            events[i] = d->rate[i] * (v->rate ? v->rate[i] : 1.0);
            out[i] = events[i] * lm;
        }
        t->events = fair_sum(events, n);
        t->event_loss = fair_sum(out, n);
    }
    retain_annual(v, out, n);
}

/* ---- the compound model ---- */

/* Where the block's events come from: a scattered Poisson count, or the
 * per-year counts. Events are produced in chunks, each with its year. */
typedef struct event_source {
    int scatter;
    size_t n;
    uint64_t left;        /* scatter: events still to place */
    rng years;            /* scatter: their years */
    const uint32_t *counts;
    size_t year;          /* per-year: current year and events left in it */
    uint32_t in_year;
} event_source;

static void per_year_counts(const fair_job *job, const double *rate, size_t block, size_t n,
                            uint32_t *counts)
{
    const fair_model *m = job->model;
    rng u, big;
    rng_stream(&u, job->seed, m->risk->stream_id, block, STREAM_EVENTS);
    rng_stream(&big, job->seed, m->risk->stream_id, block, STREAM_EVENTS_BIG);
    for (size_t i = 0; i < n; i++) {
        /* One uniform per year whatever the rate, so that years stay
         * aligned with their draws when a rate is frozen. */
        double ui = rng_uniform(&u);
        counts[i] = (uint32_t)(rate[i] < POISSON_PTRS_FROM ? poisson_invert(rate[i], ui)
                                                           : poisson_draw(&big, rate[i]));
    }
}

static void event_source_init(event_source *src, const fair_job *job, const double *rate,
                              size_t block, size_t n, fair_scratch *ws)
{
    const fair_model *m = job->model;
    memset(src, 0, sizeof *src);
    src->n = n;
    src->scatter = m->scatter;
    if (m->scatter) {
        /* The rate is certain here (so the column is constant). */
        rng k;
        rng_stream(&k, job->seed, m->risk->stream_id, block, STREAM_EVENTS);
        src->left = poisson_draw(&k, rate[0] * (double)n);
        rng_stream(&src->years, job->seed, m->risk->stream_id, block, STREAM_YEARS);
        return;
    }
    per_year_counts(job, rate, block, n, ws->counts);
    src->counts = ws->counts;
    src->in_year = n ? ws->counts[0] : 0;
}

static size_t next_events(event_source *src, uint32_t *year, size_t max)
{
    size_t k = 0;
    if (src->scatter) {
        uint64_t n = src->n;
        for (; k < max && src->left; k++, src->left--)
            year[k] = (uint32_t)(((rng_next(&src->years) >> 32) * n) >> 32);
        return k;
    }
    while (k < max && src->year < src->n) {
        if (!src->in_year) {
            if (++src->year < src->n)
                src->in_year = src->counts[src->year];
            continue;
        }
        year[k++] = (uint32_t)src->year;
        src->in_year--;
    }
    return k;
}

typedef struct event_streams {
    rng plm, slm, sec, thin;
    int thin_used;
} event_streams;

static void event_draws(const fair_job *job, event_streams *st, size_t m, fair_scratch *ws, draws *d)
{
    const fair_model *md = job->model;
    if (job->freeze & (1u << FAIR_PLM))
        fill(ws->ev_plm, m, md->median[FAIR_PLM]);
    else
        dist_sampler_draw(&md->sampler[FAIR_PLM], &st->plm, ws->ev_plm, m);
    d->plm = ws->ev_plm;
    if (md->has[FAIR_SLM]) {
        rng_fill_u01(&st->sec, ws->ev_sec, m);
        if (job->freeze & (1u << FAIR_SLM))
            fill(ws->ev_slm, m, md->median[FAIR_SLM]);
        else
            dist_sampler_draw(&md->sampler[FAIR_SLM], &st->slm, ws->ev_slm, m);
        d->slm = ws->ev_slm;
    }
    if (st->thin_used)
        rng_fill_u01(&st->thin, ws->ev_thin, m);
}

/* Adds a chunk's surviving events to one scenario's years. */
static uint64_t compound_chunk(const draws *d, const view *v, const uint32_t *year,
                               const double *sec, const double *thin, size_t m, double *out)
{
    if (!v->rate && !v->primary && !d->slm && !v->nevent) {
        for (size_t e = 0; e < m; e++)
            out[year[e]] += d->plm[e];
        return m;
    }
    uint64_t kept = 0;
    for (size_t e = 0; e < m; e++) {
        uint32_t y = year[e];
        if (v->rate && thin[e] >= v->rate[y])
            continue;
        double loss = d->plm[e] * (v->primary ? v->primary[y] : 1.0);
        if (d->slm && sec[e] < d->slep[y])
            loss += d->slm[e] * (v->secondary ? v->secondary[y] : 1.0);
        out[year[e]] += retain(loss, v->per_event, v->nevent);
        kept++;
    }
    return kept;
}

static void compound_block(const fair_job *job, const double *rate, const double *slep,
                           const view *views, size_t block, size_t n, fair_scratch *ws,
                           double *const *out, fair_tally *tally)
{
    const fair_model *m = job->model;
    uint64_t sid = m->risk->stream_id;
    event_streams st;
    rng_stream(&st.plm, job->seed, sid, block, FAIR_PLM);
    rng_stream(&st.slm, job->seed, sid, block, FAIR_SLM);
    rng_stream(&st.sec, job->seed, sid, block, STREAM_SECONDARY);
    rng_stream(&st.thin, job->seed, sid, block, STREAM_THIN);
    st.thin_used = 0;
    for (size_t s = 0; s < job->nscen; s++) {
        st.thin_used |= views[s].rate != NULL;
        memset(out[s], 0, n * sizeof *out[s]);
    }
    uint64_t kept[FAIR_MAX_SCENARIOS] = {0};
    event_source src;
    event_source_init(&src, job, rate, block, n, ws);
    size_t chunk;
    while ((chunk = next_events(&src, ws->ev_year, EVENT_CHUNK)) > 0) {
        draws d = {.rate = rate, .slep = slep};
        event_draws(job, &st, chunk, ws, &d);
        for (size_t s = 0; s < job->nscen; s++)
            kept[s] += compound_chunk(&d, &views[s], ws->ev_year, ws->ev_sec, ws->ev_thin,
                                      chunk, out[s]);
    }
    for (size_t s = 0; s < job->nscen; s++) {
        tally[s].events = (double)kept[s];
        tally[s].event_loss = fair_sum(out[s], n);
        retain_annual(&views[s], out[s], n);
    }
}

/* ---- the block ---- */

void fair_block(const fair_job *job, size_t block, size_t n, fair_scratch *ws,
                double *const *out, fair_tally *tally)
{
    const fair_model *m = job->model;
    /* factors (at most 8), rate work, effects, 3 multipliers per scenario */
    scratch_reserve(ws, FAIR_NFACTORS + 2 + m->neffects + 3 * job->nscen);
    draws d = {0};
    d.rate = rate_col(job, block, n, ws);
    if (m->has[FAIR_SLEP])
        d.slep = factor_col(job, FAIR_SLEP, block, n, ws);
    double *red_store[64], **red = m->neffects <= 64 ? red_store : xmalloc(m->neffects * sizeof *red);
    effect_cols(job, block, n, ws, red);
    view views[FAIR_MAX_SCENARIOS];
    for (size_t s = 0; s < job->nscen; s++)
        build_view(job, s, red, n, ws, &views[s]);
    if (red != red_store)
        free(red);
    if (m->risk->mode == FAIR_COMPOUND) {
        compound_block(job, d.rate, d.slep, views, block, n, ws, out, tally);
        return;
    }
    d.plm = factor_col(job, FAIR_PLM, block, n, ws);
    if (m->has[FAIR_SLM])
        d.slm = factor_col(job, FAIR_SLM, block, n, ws);
    double *events = scratch_col(ws);
    for (size_t s = 0; s < job->nscen; s++)
        product_scenario(&d, &views[s], n, out[s], events, &tally[s]);
}
