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

#include "core/cpu.h"
#include "core/xalloc.h"
#include "risk/poisson.h"
#include "risk/qtab_avx2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_CHUNK 4096

struct fair_scratch {
    double *cols; /* columns of FAIR_BLOCK doubles, handed out in order */
    size_t ncols, used;
    uint32_t counts[FAIR_BLOCK];
    uint32_t ev_year[EVENT_CHUNK];
    uint64_t ev_word[EVENT_CHUNK];
    double ev_plm[EVENT_CHUNK], ev_slm[EVENT_CHUNK];
    double ev_sec[EVENT_CHUNK], ev_thin[EVENT_CHUNK];
};

fair_scratch *fair_scratch_new(void) { return xcalloc(1, sizeof(fair_scratch)); }

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

static double *scratch_col(fair_scratch *ws) { return ws->cols + FAIR_BLOCK * ws->used++; }

static void fill(double *x, size_t n, double v)
{
    for (size_t i = 0; i < n; i++)
        x[i] = v;
}

/* ---- what the scenarios share ---- */

/* The block's draws of factor f (its median when frozen). */
static double *factor_col(const fair_job *job, fair_factor f, size_t block, size_t n,
                          fair_scratch *ws)
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

/* The certain rate of a scattered model (a constant's median is itself). */
static double certain_rate(const fair_model *m)
{
    if (m->path == FREQ_LEF)
        return m->median[FAIR_LEF];
    return m->median[FAIR_TEF] * m->median[FAIR_VULN];
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
        if (p->keep != 1.0) /* the same draws, weakened: scenarios stay comparable */
            for (size_t k = 0; k < n; k++)
                red[i][k] *= p->keep;
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
    cover k = { c->deductible, c->limit > 0.0 ? c->limit : INFINITY };
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
        case FAIR_ON_LEF: scale_by(&v->rate, red[i], n, ws); break;
        case FAIR_ON_LM:
            scale_by(&v->primary, red[i], n, ws);
            if (m->has[FAIR_SLM])
                scale_by(&v->secondary, red[i], n, ws);
            break;
        case FAIR_ON_PLM: scale_by(&v->primary, red[i], n, ws); break;
        case FAIR_ON_SLM: scale_by(&v->secondary, red[i], n, ws); break;
        case FAIR_ON_TRANSFER: add_cover(v, &m->controls[m->effects[i].control]); break;
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

/* ---- sinks ---- */

static void add_to_sinks(const fair_out *o, const double *col, size_t n)
{
    for (size_t k = 0; k < o->nsinks; k++) {
        double *at = o->sinks[k].at, w = o->sinks[k].weight;
        if (w == 1.0)
            for (size_t i = 0; i < n; i++)
                at[i] += col[i];
        else
            for (size_t i = 0; i < n; i++)
                at[i] += w * col[i];
    }
}

/* ---- the product model ---- */

typedef struct draws {
    const double *rate;       /* per iteration (NULL when certain, compound) */
    const double *plm;        /* per iteration (product) or per event */
    const double *slep, *slm; /* NULL without secondary loss */
} draws;

/* Iteration i's loss; *events gets its frequency. */
static inline double product_one(const draws *d, const view *v, size_t i, double *events)
{
    double lm = d->plm[i] * (v->primary ? v->primary[i] : 1.0);
    if (d->slep)
        lm += d->slep[i] * d->slm[i] * (v->secondary ? v->secondary[i] : 1.0);
    lm = retain(lm, v->per_event, v->nevent);
    *events = d->rate[i] * (v->rate ? v->rate[i] : 1.0);
    return *events * lm;
}

static void product_scenario(const draws *d, const view *v, size_t n, fair_scratch *ws, fair_out *o)
{
    int direct = o->fresh && !v->nannual;
    double *col = direct ? o->sinks[0].at : scratch_col(ws);
    /* Four accumulators per total: fixed order, short dependency chains. */
    double ev[4] = { 0, 0, 0, 0 }, ls[4] = { 0, 0, 0, 0 };
    size_t i = 0;
    if (!d->slep && !v->rate && !v->primary && !v->nevent) {
        /* The plain case (pyfair's standard model): frequency x magnitude. */
        for (; i + 4 <= n; i += 4)
            for (int k = 0; k < 4; k++) {
                col[i + k] = d->rate[i + k] * d->plm[i + k];
                ev[k] += d->rate[i + k];
                ls[k] += col[i + k];
            }
        for (; i < n; i++) {
            col[i] = d->rate[i] * d->plm[i];
            ev[0] += d->rate[i];
            ls[0] += col[i];
        }
    } else {
        for (; i < n; i++) {
            double f;
            col[i] = product_one(d, v, i, &f);
            ev[i & 3] += f;
            ls[i & 3] += col[i];
        }
    }
    o->tally.events = (ev[0] + ev[1]) + (ev[2] + ev[3]);
    o->tally.event_loss = o->tally.loss = (ls[0] + ls[1]) + (ls[2] + ls[3]);
    if (direct)
        return;
    if (v->nannual) {
        for (size_t k = 0; k < n; k++)
            col[k] = retain(col[k], v->annual, v->nannual);
        o->tally.loss = fair_sum(col, n);
    }
    if (o->fresh)
        memcpy(o->sinks[0].at, col, n * sizeof *col);
    else
        add_to_sinks(o, col, n);
}

/* ---- the compound model ---- */

/* Where the block's events come from: a scattered Poisson count, or the
 * per-year counts. Events are produced in chunks, each with its year.
 *
 * Scattering (Poisson-process splitting): K ~ Poisson(rate x FAIR_BLOCK)
 * events fall uniformly on the block's FAIR_BLOCK years; an event's year is
 * the low 12 bits of the random word that also gives its magnitude (from
 * the top 52 bits), and events falling beyond a short last block are
 * dropped, which leaves a Poisson(rate x n) count there too. */
typedef struct event_source {
    int scatter;
    size_t n;
    uint64_t left; /* scatter: events still to draw */
    const uint32_t *counts;
    size_t year; /* per-year: current year and events left in it */
    uint32_t in_year;
} event_source;

#define YEAR_MASK (FAIR_BLOCK - 1)
_Static_assert((FAIR_BLOCK & YEAR_MASK) == 0 && FAIR_BLOCK <= 4096,
               "a block's years must fit the low 12 bits of a word");

static int per_year_counts(const fair_job *job, const double *rate, size_t block, size_t n,
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
        if (!(rate[i] <= FAIR_MAX_YEAR_RATE)) /* NaN too */
            return E_INVALID;
        counts[i] = (uint32_t)(rate[i] < POISSON_PTRS_FROM ? poisson_invert(rate[i], ui)
                                                           : poisson_draw(&big, rate[i]));
    }
    return E_OK;
}

static int cancelled(const fair_job *job) { return job->cancel && *job->cancel; }

/* The scattered events of a block: Poisson(rate x FAIR_BLOCK). */
static uint64_t scattered_count(const fair_job *job, size_t block)
{
    rng k;
    rng_stream(&k, job->seed, job->model->risk->stream_id, block, STREAM_EVENTS);
    return poisson_draw(&k, certain_rate(job->model) * FAIR_BLOCK);
}

static int event_source_init(event_source *src, const fair_job *job, const double *rate,
                             size_t block, size_t n, fair_scratch *ws)
{
    memset(src, 0, sizeof *src);
    src->n = n;
    src->scatter = job->model->scatter;
    if (src->scatter) {
        src->left = scattered_count(job, block);
        return E_OK;
    }
    int rc = per_year_counts(job, rate, block, n, ws->counts);
    src->counts = ws->counts;
    src->in_year = n && !rc ? ws->counts[0] : 0;
    return rc;
}

/* Up to `max` events: their years, and in scatter mode their magnitude
 * words, drawn from `plm`. */
static size_t next_events(event_source *src, rng *plm, uint32_t *year, uint64_t *word, size_t max)
{
    size_t k = 0;
    if (src->scatter) {
        for (; k < max && src->left; src->left--) {
            uint64_t x = rng_next(plm);
            if ((x & YEAR_MASK) < src->n)
                year[k] = (uint32_t)(x & YEAR_MASK), word[k++] = x;
        }
        return k;
    }
    while (k < max && src->year < src->n) {
        if (!src->in_year) {
            src->year++;
            if (src->year < src->n)
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

static void event_draws(const fair_job *job, event_streams *st, int scatter, size_t m,
                        fair_scratch *ws, draws *d)
{
    const fair_model *md = job->model;
    const dist_sampler *plm = &md->sampler[FAIR_PLM];
    if (job->freeze & (1u << FAIR_PLM))
        fill(ws->ev_plm, m, md->median[FAIR_PLM]);
    else if (scatter)
        for (size_t e = 0; e < m; e++)
            ws->ev_plm[e] = dist_sampler_at(plm, ws->ev_word[e]);
    else
        dist_sampler_draw(plm, &st->plm, ws->ev_plm, m);
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

/* One event's loss in a scenario (0 when a frequency control stopped it). */
static inline double event_loss(const draws *d, const view *v, const fair_scratch *ws, size_t e,
                                uint32_t y, int *kept)
{
    *kept = !(v->rate && ws->ev_thin[e] >= v->rate[y]);
    if (!*kept)
        return 0.0;
    double loss = d->plm[e] * (v->primary ? v->primary[y] : 1.0);
    if (d->slm && ws->ev_sec[e] < d->slep[y])
        loss += d->slm[e] * (v->secondary ? v->secondary[y] : 1.0);
    return retain(loss, v->per_event, v->nevent);
}

/* Adds a chunk's surviving events to one scenario's sinks. */
static void compound_chunk(const draws *d, const view *v, const fair_scratch *ws, size_t m,
                           const fair_sink *sinks, size_t nsinks, uint64_t *kept, double *total)
{
    const uint32_t *year = ws->ev_year;
    double t0 = 0.0, t1 = 0.0;
    if (!v->rate && !v->primary && !d->slm && !v->nevent && nsinks == 1 && sinks[0].weight == 1.0) {
        /* The plain case (riskquant's model): scatter the magnitudes. */
        double *at = sinks[0].at;
        size_t e = 0;
        for (; e + 2 <= m; e += 2) {
            at[year[e]] += d->plm[e];
            at[year[e + 1]] += d->plm[e + 1];
            t0 += d->plm[e];
            t1 += d->plm[e + 1];
        }
        if (e < m) {
            at[year[e]] += d->plm[e];
            t0 += d->plm[e];
        }
        *kept += m;
        *total += t0 + t1;
        return;
    }
    for (size_t e = 0; e < m; e++) {
        int in;
        double loss = event_loss(d, v, ws, e, year[e], &in);
        if (!in)
            continue;
        for (size_t k = 0; k < nsinks; k++)
            sinks[k].at[year[e]] += sinks[k].weight * loss;
        (*kept)++;
        t0 += loss;
    }
    *total += t0;
}

/* Each scenario's event sinks: its own when no annual cover applies (and
 * zeroed first when fresh), else a scratch year column, insured and added
 * to its sinks at the end. */
static void compound_targets(const view *views, size_t nscen, size_t n, fair_scratch *ws,
                             fair_out *out, fair_sink *local)
{
    for (size_t s = 0; s < nscen; s++) {
        if (views[s].nannual) {
            local[s] = (fair_sink){ scratch_col(ws), 1.0 };
            fill(local[s].at, n, 0.0);
        } else if (out[s].fresh) {
            fill(out[s].sinks[0].at, n, 0.0);
        }
    }
}

static int compound_block(const fair_job *job, const draws *base, const view *views, size_t block,
                          size_t n, fair_scratch *ws, fair_out *out)
{
    const fair_model *m = job->model;
    uint64_t sid = m->risk->stream_id;
    event_streams st;
    rng_stream(&st.plm, job->seed, sid, block, FAIR_PLM);
    rng_stream(&st.slm, job->seed, sid, block, FAIR_SLM);
    rng_stream(&st.sec, job->seed, sid, block, STREAM_SECONDARY);
    rng_stream(&st.thin, job->seed, sid, block, STREAM_THIN);
    st.thin_used = 0;
    for (size_t s = 0; s < job->nscen; s++)
        st.thin_used |= views[s].rate != NULL;
    fair_sink local[FAIR_MAX_SCENARIOS];
    compound_targets(views, job->nscen, n, ws, out, local);
    uint64_t kept[FAIR_MAX_SCENARIOS] = { 0 };
    double total[FAIR_MAX_SCENARIOS] = { 0 };
    event_source src;
    int rc = event_source_init(&src, job, base->rate, block, n, ws);
    if (rc)
        return rc;
    _Static_assert(EVENT_CHUNK <= FAIR_CANCEL_EVERY, "a chunk is at most the events between looks");
    for (;;) {
        size_t chunk = next_events(&src, &st.plm, ws->ev_year, ws->ev_word, EVENT_CHUNK);
        if (!chunk)
            break;
        if (cancelled(job))
            return E_INTERRUPTED;
        draws d = *base;
        event_draws(job, &st, src.scatter, chunk, ws, &d);
        for (size_t s = 0; s < job->nscen; s++) {
            int own = !views[s].nannual;
            compound_chunk(&d, &views[s], ws, chunk, own ? out[s].sinks : &local[s],
                           own ? out[s].nsinks : 1, &kept[s], &total[s]);
        }
    }
    for (size_t s = 0; s < job->nscen; s++) {
        out[s].tally.events = (double)kept[s];
        out[s].tally.event_loss = out[s].tally.loss = total[s];
        if (!views[s].nannual)
            continue;
        for (size_t i = 0; i < n; i++)
            local[s].at[i] = retain(local[s].at[i], views[s].annual, views[s].nannual);
        out[s].tally.loss = fair_sum(local[s].at, n);
        if (out[s].fresh)
            memcpy(out[s].sinks[0].at, local[s].at, n * sizeof *local[s].at);
        else
            add_to_sinks(&out[s], local[s].at, n);
    }
    return E_OK;
}

/* ---- fast paths: one scenario without controls, tables, one sink ----
 *
 * The plain models of pyfair and riskquant, by far the bulk of portfolio
 * work, drawn and combined in one loop without intermediate columns. They
 * read the same streams in the same order as the general path, so the
 * losses are the same numbers. */

static int plain_job(const fair_job *job, const fair_out *o)
{
    const fair_model *m = job->model;
    for (size_t i = 0; i < m->neffects; i++)
        if (effect_used(job, i))
            return 0;
    return job->nscen == 1 && !job->freeze && !m->has[FAIR_SLM] && m->path == FREQ_LEF &&
           m->sampler[FAIR_PLM].table && o->nsinks == 1 && o->sinks[0].weight == 1.0;
}

/* n iterations of frequency x magnitude into `at` (added, or written when
 * fresh); totals in pairs of accumulators, even iterations to the first.
 * Locals only in the loop: the stores to `at` cannot then force the
 * generator states or the flags back to memory. Both versions below give
 * the same bits. */
typedef struct product_sums {
    double e0, e1, l0, l1;
} product_sums;

static inline void product_pair(const qtab *tf, const qtab *tm, rng *a, rng *b, double *at,
                                int fresh, product_sums *p)
{
    double f0 = qtab_at(tf, rng_next(a)), m0 = qtab_at(tm, rng_next(b));
    double f1 = qtab_at(tf, rng_next(a)), m1 = qtab_at(tm, rng_next(b));
    double v0 = f0 * m0, v1 = f1 * m1;
    at[0] = fresh ? v0 : at[0] + v0;
    at[1] = fresh ? v1 : at[1] + v1;
    p->e0 += f0, p->e1 += f1, p->l0 += v0, p->l1 += v1;
}

/* From iteration i on, one at a time (pairs, then a last odd one). */
static void product_tail(const qtab *tf, const qtab *tm, rng *a, rng *b, double *at, size_t i,
                         size_t n, int fresh, product_sums *p)
{
    for (; i + 2 <= n; i += 2)
        product_pair(tf, tm, a, b, at + i, fresh, p);
    if (i < n) {
        double f = qtab_at(tf, rng_next(a)), v = f * qtab_at(tm, rng_next(b));
        at[i] = fresh ? v : at[i] + v;
        p->e0 += f, p->l0 += v;
    }
}

#ifdef QTAB_HAVE_AVX2
/* Four iterations at a time through qtab_at4; the totals still one value
 * at a time, in the scalar order. */
__attribute__((target("avx2"))) static void product_loop_avx2(const qtab *tf, const qtab *tm, rng a,
                                                              rng b, double *at, size_t n,
                                                              int fresh, product_sums *p)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint64_t a0 = rng_next(&a), a1 = rng_next(&a), a2 = rng_next(&a), a3 = rng_next(&a);
        uint64_t b0 = rng_next(&b), b1 = rng_next(&b), b2 = rng_next(&b), b3 = rng_next(&b);
        __m256d f = qtab_at4(tf, a0, a1, a2, a3),
                v = _mm256_mul_pd(f, qtab_at4(tm, b0, b1, b2, b3));
        _mm256_storeu_pd(at + i, fresh ? v : _mm256_add_pd(_mm256_loadu_pd(at + i), v));
        double fs[4], vs[4];
        _mm256_storeu_pd(fs, f);
        _mm256_storeu_pd(vs, v);
        p->e0 += fs[0], p->e1 += fs[1], p->l0 += vs[0], p->l1 += vs[1];
        p->e0 += fs[2], p->e1 += fs[3], p->l0 += vs[2], p->l1 += vs[3];
    }
    product_tail(tf, tm, &a, &b, at, i, n, fresh, p);
}
#endif

static int product_plain(const fair_job *job, size_t block, size_t n, fair_out *o)
{
    const fair_model *m = job->model;
    const qtab *tf = m->sampler[FAIR_LEF].table, *tm = m->sampler[FAIR_PLM].table;
    if (!tf || !plain_job(job, o))
        return 0;
    rng a, b;
    rng_stream(&a, job->seed, m->risk->stream_id, block, FAIR_LEF);
    rng_stream(&b, job->seed, m->risk->stream_id, block, FAIR_PLM);
    product_sums p = { 0, 0, 0, 0 };
#ifdef QTAB_HAVE_AVX2
    if (cpu_has_avx2())
        product_loop_avx2(tf, tm, a, b, o->sinks[0].at, n, o->fresh, &p);
    else
#endif
        product_tail(tf, tm, &a, &b, o->sinks[0].at, 0, n, o->fresh, &p);
    o->tally.events = p.e0 + p.e1;
    o->tally.event_loss = o->tally.loss = p.l0 + p.l1;
    return 1;
}

/* One chunk of c (<= 256) events of a whole block: drawn, added into their
 * years, and their sum (as fair_sum adds them) returned. `word` and `loss`
 * are scratch of 256. */
static double scatter_chunk(const qtab *t, rng *mag, double *at, size_t c, uint64_t *word,
                            double *loss)
{
    rng_fill(mag, word, c);
    qtab_fill(t, word, loss, c);
    for (size_t i = 0; i < c; i++)
        at[word[i] & YEAR_MASK] += loss[i];
    return fair_sum(loss, c);
}

#ifdef QTAB_HAVE_AVX2
/* The same in one loop, four events at a time: the words and magnitudes
 * stay in registers. The four lanes of the running sum are fair_sum's four
 * accumulators. */
__attribute__((target("avx2"))) static double scatter_chunk_avx2(const qtab *t, rng *mag,
                                                                 double *at, size_t c)
{
    rng g = *mag;
    __m256d sum = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 4 <= c; i += 4) {
        uint64_t w0 = rng_next(&g), w1 = rng_next(&g), w2 = rng_next(&g), w3 = rng_next(&g);
        __m256d v = qtab_at4(t, w0, w1, w2, w3);
        double l[4];
        _mm256_storeu_pd(l, v);
        at[w0 & YEAR_MASK] += l[0];
        at[w1 & YEAR_MASK] += l[1];
        at[w2 & YEAR_MASK] += l[2];
        at[w3 & YEAR_MASK] += l[3];
        sum = _mm256_add_pd(sum, v);
    }
    double lane[4];
    _mm256_storeu_pd(lane, sum);
    for (; i < c; i++) {
        uint64_t w = rng_next(&g);
        double l = qtab_at(t, w);
        at[w & YEAR_MASK] += l;
        lane[0] += l;
    }
    *mag = g;
    return (lane[0] + lane[1]) + (lane[2] + lane[3]);
}
#endif

/* A short last block: events beyond its years are dropped. */
static double scatter_chunk_short(const qtab *t, rng *mag, double *at, size_t n, size_t c,
                                  uint64_t *word, double *loss, uint64_t *kept)
{
    rng_fill(mag, word, c);
    qtab_fill(t, word, loss, c);
    for (size_t i = 0; i < c; i++) {
        size_t y = word[i] & YEAR_MASK;
        int in = y < n;
        at[in ? y : 0] += in ? loss[i] : 0.0;
        loss[i] = in ? loss[i] : 0.0;
        *kept += (uint64_t)in;
    }
    return fair_sum(loss, c);
}

/* 1 when the plain path applies and has run, 0 when it does not apply,
 * -E_INTERRUPTED when the run was cancelled meanwhile. */
static int compound_plain(const fair_job *job, size_t block, size_t n, fair_out *o)
{
    const fair_model *m = job->model;
    if (!m->scatter || !plain_job(job, o))
        return 0;
    const qtab *t = m->sampler[FAIR_PLM].table;
    rng mag;
    rng_stream(&mag, job->seed, m->risk->stream_id, block, FAIR_PLM);
    uint64_t events = scattered_count(job, block), kept = 0;
    double *at = o->sinks[0].at, total = 0.0;
    if (o->fresh)
        fill(at, n, 0.0);
    /* In chunks of 256, each a few short loops with few live values: one
     * scalar loop doing it all spilled its state to the stack. */
    uint64_t word[256];
    double loss[256];
#ifdef QTAB_HAVE_AVX2
    int avx2 = cpu_has_avx2();
#endif
    for (uint64_t done = 0; done < events;) {
        if (done % FAIR_CANCEL_EVERY == 0 && cancelled(job))
            return -E_INTERRUPTED;
        size_t c = events - done < 256 ? (size_t)(events - done) : 256;
        if (n < FAIR_BLOCK)
            total += scatter_chunk_short(t, &mag, at, n, c, word, loss, &kept);
#ifdef QTAB_HAVE_AVX2
        else if (avx2)
            total += scatter_chunk_avx2(t, &mag, at, c), kept += c;
#endif
        else
            total += scatter_chunk(t, &mag, at, c, word, loss), kept += c;
        done += c;
    }
    o->tally.events = (double)kept;
    o->tally.event_loss = o->tally.loss = total;
    return 1;
}

/* ---- the block ---- */

int fair_block(const fair_job *job, size_t block, size_t n, fair_scratch *ws, fair_out *out)
{
    const fair_model *m = job->model;
    int plain = m->risk->mode == FAIR_COMPOUND ? compound_plain(job, block, n, out)
                                               : product_plain(job, block, n, out);
    if (plain)
        return plain < 0 ? -plain : E_OK;
    /* factors (at most 8), effects, 3 multipliers and 1 column per scenario */
    scratch_reserve(ws, FAIR_NFACTORS + 1 + m->neffects + 4 * job->nscen);
    draws d = { 0 };
    if (!m->scatter)
        d.rate = rate_col(job, block, n, ws);
    if (m->has[FAIR_SLEP])
        d.slep = factor_col(job, FAIR_SLEP, block, n, ws);
    double *red_store[64],
        **red = m->neffects <= 64 ? red_store : xmalloc(m->neffects * sizeof *red);
    effect_cols(job, block, n, ws, red);
    view views[FAIR_MAX_SCENARIOS];
    for (size_t s = 0; s < job->nscen; s++)
        build_view(job, s, red, n, ws, &views[s]);
    if (red != red_store)
        free(red);
    if (m->risk->mode == FAIR_COMPOUND)
        return compound_block(job, &d, views, block, n, ws, out);
    d.plm = factor_col(job, FAIR_PLM, block, n, ws);
    if (m->has[FAIR_SLM])
        d.slm = factor_col(job, FAIR_SLM, block, n, ws);
    for (size_t s = 0; s < job->nscen; s++)
        product_scenario(&d, &views[s], n, ws, &out[s]);
    return E_OK;
}
