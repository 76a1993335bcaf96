#include "risk/portfolio.h"

#include "core/xalloc.h"
#include "risk/corr.h"
#include "risk/fair_impl.h"
#include "risk/par.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Risks prepared at a time: bounds the memory of sampling tables. */
#define RISK_CHUNK 64

typedef struct membership {
    size_t group;
    double share;
} membership;

struct portfolio {
    const fair_risk *risks;
    size_t nrisks;
    const fair_control *controls;
    size_t ncontrols;
    size_t ngroups;
    size_t *member_start; /* nrisks + 1: CSR index into members */
    membership *members;
    portfolio_corr *corr_pairs; /* as given (checked) */
    size_t ncorr_pairs;
    /* compiled from the pairs (corr_compile): the correlated set */
    size_t *corr_risk;
    double *corr_target;
    size_t ncorr;
    /* per control, the risks it has an effect on (CSR, risks ascending);
     * built by the first delta */
    size_t *treated_start, *treated;
};

int portfolio_new(portfolio **out, const fair_risk *risks, size_t nrisks,
                  const fair_control *controls, size_t ncontrols, isms_err *e)
{
    *out = NULL;
    for (size_t r = 0; r < nrisks; r++) {
        int rc = fair_risk_validate(&risks[r], controls, ncontrols, e);
        if (rc) {
            /* Say which risk: "risks[3].lef". */
            char field[sizeof e->field];
            if (e && snprintf(field, sizeof field, "risks[%zu].%s", r, e->field) > 0)
                memcpy(e->field, field, sizeof field);
            return rc;
        }
    }
    portfolio *p = xcalloc(1, sizeof *p);
    p->risks = risks;
    p->nrisks = nrisks;
    p->controls = controls;
    p->ncontrols = ncontrols;
    p->member_start = xcalloc(nrisks + 1, sizeof *p->member_start);
    *out = p;
    return E_OK;
}

void portfolio_free(portfolio *p)
{
    if (!p)
        return;
    free(p->member_start);
    free(p->members);
    free(p->corr_pairs);
    free(p->corr_risk);
    free(p->corr_target);
    free(p->treated_start);
    free(p->treated);
    free(p);
}

const fair_control *portfolio_controls(const portfolio *p, size_t *ncontrols)
{
    *ncontrols = p->ncontrols;
    return p->controls;
}

size_t portfolio_nrisks(const portfolio *p) { return p->nrisks; }

int portfolio_set_groups(portfolio *p, size_t ngroups, const portfolio_member *m, size_t nm,
                         isms_err *e)
{
    for (size_t i = 0; i < nm; i++) {
        if (m[i].risk >= p->nrisks || m[i].group >= ngroups)
            return err_set(e, E_INVALID, "members",
                           "members[%zu]: risk %zu or group %zu does not exist", i, m[i].risk,
                           m[i].group);
        if (!(m[i].share > 0.0 && m[i].share <= 1.0))
            return err_set(e, E_INVALID, "members", "members[%zu]: share %g is not within (0, 1]",
                           i, m[i].share);
    }
    free(p->members);
    p->ngroups = ngroups;
    p->members = xmalloc((nm + 1) * sizeof *p->members);
    memset(p->member_start, 0, (p->nrisks + 1) * sizeof *p->member_start);
    for (size_t i = 0; i < nm; i++)
        p->member_start[m[i].risk + 1]++;
    for (size_t r = 0; r < p->nrisks; r++)
        p->member_start[r + 1] += p->member_start[r];
    size_t *at = xmalloc((p->nrisks + 1) * sizeof *at);
    memcpy(at, p->member_start, (p->nrisks + 1) * sizeof *at);
    for (size_t i = 0; i < nm; i++)
        p->members[at[m[i].risk]++] = (membership){ m[i].group, m[i].share };
    free(at);
    return E_OK;
}

/* Risk r's index in the correlated set risk[0..k), or -1. */
static long set_index(const size_t *risk, size_t k, size_t r)
{
    for (size_t j = 0; j < k; j++)
        if (risk[j] == r)
            return (long)j;
    return -1;
}

/* The correlated set (each risk named by a pair, in the order first
 * named: *risk_out per set index; nothing per risk of the portfolio, so a
 * streamed run keeps none) and its target matrix, checked: E_INVALID
 * naming a bad pair, or when the matrix is not positive definite. */
static int corr_compile(size_t nrisks, const portfolio_corr *pairs, size_t npairs,
                        size_t **risk_out, double **target_out, size_t *k_out, isms_err *e)
{
    size_t *risk = xmalloc((2 * npairs + 1) * sizeof *risk), k = 0;
    for (size_t i = 0; i < npairs; i++) {
        const portfolio_corr *c = &pairs[i];
        if (c->a >= nrisks || c->b >= nrisks || c->a == c->b || !(fabs(c->rho) < 1.0)) {
            free(risk);
            return err_set(e, E_INVALID, "correlation",
                           "correlation[%zu]: risks %zu and %zu with rho %g; two different risks "
                           "and a correlation within (-1, 1) are needed",
                           i, c->a, c->b, c->rho);
        }
        if (set_index(risk, k, c->a) < 0)
            risk[k++] = c->a;
        if (set_index(risk, k, c->b) < 0)
            risk[k++] = c->b;
    }
    double *target = xcalloc(k * k + 1, sizeof *target), *l = xmalloc((k * k + 1) * sizeof *l);
    for (size_t j = 0; j < k; j++)
        target[j * k + j] = 1.0;
    for (size_t i = 0; i < npairs; i++) {
        size_t a = (size_t)set_index(risk, k, pairs[i].a),
               b = (size_t)set_index(risk, k, pairs[i].b);
        /* Normal scores with Pearson correlation 2 sin(pi rho / 6) have
         * rank (Spearman) correlation rho. */
        target[a * k + b] = target[b * k + a] = 2.0 * sin(M_PI * pairs[i].rho / 6.0);
    }
    int ok = ic_cholesky(target, k, l);
    free(l);
    if (!ok) {
        free(risk);
        free(target);
        return err_set(e, E_INVALID, "correlation",
                       "correlation: the %zu rank correlations given are inconsistent with each "
                       "other (the matrix is not positive definite)",
                       npairs);
    }
    *risk_out = risk;
    *target_out = target;
    *k_out = k;
    return E_OK;
}

int portfolio_set_correlation(portfolio *p, const portfolio_corr *pairs, size_t npairs, isms_err *e)
{
    size_t *risk, k;
    double *target;
    int rc = corr_compile(p->nrisks, pairs, npairs, &risk, &target, &k, e);
    if (rc)
        return rc;
    free(p->corr_risk);
    free(p->corr_target);
    p->corr_risk = risk;
    p->corr_target = target;
    p->ncorr = k;
    free(p->corr_pairs);
    p->corr_pairs = xmalloc((npairs + 1) * sizeof *p->corr_pairs);
    if (npairs) /* pairs may be NULL when there are none */
        memcpy(p->corr_pairs, pairs, npairs * sizeof *pairs);
    p->ncorr_pairs = npairs;
    return E_OK;
}

void portfolio_result_reset(portfolio_result *r)
{
    free(r->total);
    free(r->group);
    free(r->risk_mean);
    memset(r, 0, sizeof *r);
}

/* ---- the sweep: chunks of risks, blocks of iterations ----
 *
 * A sweep is fed portfolios one after another (a run streamed from the
 * registers brings its risks a chunk at a time; portfolio_run brings one):
 * what it keeps between them is one slot per iteration for the total and
 * for each group, the columns of the correlated risks, and, when asked,
 * each risk's mean. Risks are added into the slots in the order they come,
 * so the chunks a run is cut into never change its bits. */

typedef struct sweep {
    portfolio *p;       /* the chunk being worked on */
    const size_t *only; /* the risks of p simulated, ascending (NULL: all) */
    size_t count;       /* how many: only's, or all of p's */
    const fair_opts *opts;
    size_t n, nblocks;
    fair_scenario scen[2];
    size_t nscen; /* 1: a run; 2: a delta (to - from) */
    size_t ngroups;
    size_t nrisks;    /* risks simulated in all (progress) */
    size_t added;     /* risks of earlier chunks */
    size_t held_most; /* the most risks one chunk brought */
    /* correlation: by a risk's place among all the risks */
    size_t ncorr;
    const size_t *corr_risk;   /* per set index: the risk */
    const double *corr_target; /* ncorr x ncorr */
    long *corr_index;          /* per risk of the chunk: its set index, or -1 */
    membership **corr_members; /* per set index: its groups, kept past its chunk */
    size_t *corr_nmembers;
    unsigned char *corr_seen; /* per set index: simulated */
    ic_plan plan;             /* made by the first finish_correlated */
    int planned;
    /* the sub-chunk being prepared */
    size_t first, len;   /* positions in [0, count) */
    fair_model **models; /* RISK_CHUNK */
    unsigned char **on;
    dist_cache *cache; /* tables by shape */
    par *pool;
    unsigned workers;
    /* per worker */
    fair_scratch **ws;
    fair_sink **sinks; /* 2 + the largest membership count */
    size_t nsinks;
    /* outputs */
    double *total;             /* run: total; delta: delta */
    double *group;             /* run only */
    double *risk_sum;          /* run only: nblocks x the chunk's risks */
    double *risk_mean;         /* run, when asked: per risk of every chunk */
    double **corr_a, **corr_b; /* per correlated risk: scenario columns */
    size_t done_before;        /* risk-iterations of earlier chunks */
    atomic_size_t failed;      /* a risk whose block failed (E_INVALID), for the message */
} sweep;

/* The risk of p at position pos of the sweep. */
static size_t risk_at(const sweep *sw, size_t pos) { return sw->only ? sw->only[pos] : pos; }

static int prepare_unit(void *ctx, size_t unit, unsigned worker)
{
    (void)worker;
    sweep *sw = ctx;
    size_t r = risk_at(sw, sw->first + unit);
    sw->models[unit] = NULL;
    sw->on[unit] = NULL;
    portfolio *p = sw->p;
    /* Risks were validated by portfolio_new; preparation cannot fail. */
    int rc = fair_model_prepare(&sw->models[unit], &p->risks[r], p->controls, p->ncontrols,
                                sw->cache, NULL);
    if (rc)
        return rc;
    sw->on[unit] = fair_job_effects(sw->models[unit], sw->scen, sw->nscen);
    return E_OK;
}

static void add_into(double *dst, const double *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] += src[i];
}

/* Where risk r's losses of this block go: into the total and its groups
 * (a run), with weights -1 and +1 into the delta (a delta), or into its
 * own columns when it is correlated (rearranged after the sweep). */
static size_t risk_sinks(const sweep *sw, size_t r, size_t first, fair_sink *sinks, fair_out *out)
{
    const portfolio *p = sw->p;
    long c = sw->corr_index[r];
    size_t k = 0;
    if (c >= 0) {
        sinks[0] = (fair_sink){ sw->corr_a[c] + first, 1.0 };
        out[0] = (fair_out){ .sinks = &sinks[0], .nsinks = 1, .fresh = 1 };
        if (sw->nscen == 2) {
            sinks[1] = (fair_sink){ sw->corr_b[c] + first, 1.0 };
            out[1] = (fair_out){ .sinks = &sinks[1], .nsinks = 1, .fresh = 1 };
        }
        return 2;
    }
    if (sw->nscen == 2) {
        sinks[0] = (fair_sink){ sw->total + first, -1.0 };
        sinks[1] = (fair_sink){ sw->total + first, 1.0 };
        out[0] = (fair_out){ .sinks = &sinks[0], .nsinks = 1 };
        out[1] = (fair_out){ .sinks = &sinks[1], .nsinks = 1 };
        return 2;
    }
    sinks[k++] = (fair_sink){ sw->total + first, 1.0 };
    for (size_t m = p->member_start[r]; m < p->member_start[r + 1]; m++)
        sinks[k++] =
            (fair_sink){ sw->group + p->members[m].group * sw->n + first, p->members[m].share };
    out[0] = (fair_out){ .sinks = sinks, .nsinks = k };
    return k;
}

static int block_unit(void *ctx, size_t block, unsigned worker)
{
    sweep *sw = ctx;
    size_t first = block * FAIR_BLOCK;
    size_t n = sw->n - first < FAIR_BLOCK ? sw->n - first : FAIR_BLOCK;
    for (size_t u = 0; u < sw->len; u++) {
        if (!sw->models[u])
            continue;
        size_t r = risk_at(sw, sw->first + u);
        fair_job job = { sw->models[u],  sw->nscen,        sw->on[u],
                         sw->opts->seed, sw->opts->freeze, sw->opts->cancel };
        fair_out out[2];
        risk_sinks(sw, r, first, sw->sinks[worker], out);
        int rc = fair_block(&job, block, n, sw->ws[worker], out);
        if (rc) {
            atomic_store(&sw->failed, r);
            return rc;
        }
        long c = sw->corr_index[r];
        if (sw->nscen == 2 && c >= 0)
            for (size_t i = 0; i < n; i++)
                sw->corr_b[c][first + i] -= sw->corr_a[c][first + i];
        if (sw->risk_sum)
            sw->risk_sum[block * sw->p->nrisks + r] = out[0].tally.loss;
    }
    return E_OK;
}

static void sweep_progress(void *ctx, size_t blocks_done)
{
    const sweep *sw = ctx;
    uint64_t total = (uint64_t)sw->n * sw->nrisks;
    uint64_t done = sw->done_before + (uint64_t)blocks_done * FAIR_BLOCK * sw->len;
    sw->opts->progress(sw->opts->progress_ctx, done < total ? done : total, total);
}

static void free_chunk(sweep *sw)
{
    for (size_t u = 0; u < sw->len; u++) {
        fair_model_free(sw->models[u]);
        free(sw->on[u]);
        sw->models[u] = NULL;
        sw->on[u] = NULL;
    }
}

/* The workers, their scratch and the tables, kept from chunk to chunk. */
static void sweep_start(sweep *sw)
{
    sw->pool = par_new(sw->opts->threads);
    sw->workers = par_workers(sw->pool);
    sw->ws = xcalloc(sw->workers, sizeof *sw->ws);
    sw->sinks = xcalloc(sw->workers, sizeof *sw->sinks);
    for (unsigned w = 0; w < sw->workers; w++)
        sw->ws[w] = fair_scratch_new();
    sw->models = xcalloc(RISK_CHUNK, sizeof *sw->models);
    sw->on = xcalloc(RISK_CHUNK, sizeof *sw->on);
    sw->cache = dist_cache_new();
}

static void sweep_stop(sweep *sw)
{
    par_free(sw->pool);
    for (unsigned w = 0; w < sw->workers; w++) {
        fair_scratch_free(sw->ws[w]);
        free(sw->sinks[w]);
    }
    free(sw->ws);
    free(sw->sinks);
    free(sw->models);
    free(sw->on);
    dist_cache_free(sw->cache);
    sw->pool = NULL;
}

/* Which of the chunk's risks are correlated: per risk, its set index or
 * -1. */
static void index_correlated(sweep *sw)
{
    const portfolio *p = sw->p;
    free(sw->corr_index);
    sw->corr_index = xmalloc((p->nrisks + 1) * sizeof *sw->corr_index);
    for (size_t r = 0; r < p->nrisks; r++)
        sw->corr_index[r] = -1;
    for (size_t j = 0; j < sw->ncorr; j++) {
        size_t at = sw->corr_risk[j];
        if (at >= sw->added && at - sw->added < p->nrisks)
            sw->corr_index[at - sw->added] = (long)j;
    }
}

/* Columns for the correlated risks the sweep simulates, and their groups
 * (added in after the sweep, when the chunk may be gone). */
static void open_columns(sweep *sw)
{
    const portfolio *p = sw->p;
    for (size_t pos = 0; sw->ncorr && pos < sw->count; pos++) {
        size_t r = risk_at(sw, pos);
        long j = sw->corr_index[r];
        if (j < 0)
            continue;
        sw->corr_seen[j] = 1;
        sw->corr_a[j] = xmalloc(sw->n * sizeof *sw->corr_a[j]);
        if (sw->nscen == 2)
            sw->corr_b[j] = xmalloc(sw->n * sizeof *sw->corr_b[j]);
        size_t k = p->member_start[r + 1] - p->member_start[r];
        sw->corr_members[j] = xmalloc((k + 1) * sizeof *sw->corr_members[j]);
        if (k) /* members is NULL in a portfolio without groups */
            memcpy(sw->corr_members[j], p->members + p->member_start[r],
                   k * sizeof *sw->corr_members[j]);
        sw->corr_nmembers[j] = k;
    }
}

/* Frees the columns open_columns made (a delta's, once added in). */
static void close_columns(sweep *sw)
{
    for (size_t j = 0; j < sw->ncorr; j++) {
        if (!sw->corr_seen[j])
            continue;
        free(sw->corr_a[j]);
        free(sw->corr_b[j]);
        free(sw->corr_members[j]);
        sw->corr_a[j] = sw->corr_b[j] = NULL;
        sw->corr_members[j] = NULL;
        sw->corr_seen[j] = 0;
    }
}

/* Sinks enough for the chunk's most grouped risk. */
static void size_sinks(sweep *sw)
{
    size_t most = 0;
    for (size_t r = 0; r < sw->p->nrisks; r++) {
        size_t k = sw->p->member_start[r + 1] - sw->p->member_start[r];
        most = k > most ? k : most;
    }
    if (most + 2 <= sw->nsinks)
        return;
    sw->nsinks = most + 2;
    for (unsigned w = 0; w < sw->workers; w++)
        sw->sinks[w] = xrealloc(sw->sinks[w], sw->nsinks * sizeof *sw->sinks[w]);
}

/* Simulates the risks at positions [0, count) of the sweep and adds them
 * in, RISK_CHUNK models at a time. */
static int sweep_risks(sweep *sw)
{
    int rc = E_OK;
    for (sw->first = 0; !rc && sw->first < sw->count; sw->first += RISK_CHUNK) {
        size_t left = sw->count - sw->first;
        sw->len = left < RISK_CHUNK ? left : RISK_CHUNK;
        rc = par_run(sw->pool, sw->len, prepare_unit, sw, sw->opts->cancel, NULL, NULL);
        if (!rc)
            rc = par_run(sw->pool, sw->nblocks, block_unit, sw, sw->opts->cancel,
                         sw->opts->progress ? sweep_progress : NULL, sw);
        free_chunk(sw);
        sw->done_before += (uint64_t)sw->len * sw->n;
    }
    return rc;
}

/* Simulates every risk of the chunk p and adds it in (a run). */
static int sweep_chunk(sweep *sw, portfolio *p)
{
    sw->p = p;
    sw->only = NULL;
    sw->count = p->nrisks;
    sw->held_most = p->nrisks > sw->held_most ? p->nrisks : sw->held_most;
    index_correlated(sw);
    open_columns(sw);
    size_sinks(sw);
    if (sw->risk_mean)
        sw->risk_sum = xcalloc(sw->nblocks * p->nrisks + 1, sizeof *sw->risk_sum);
    int rc = sweep_risks(sw);
    if (!rc && sw->risk_sum)
        /* Block sums in block order: the same mean whatever the threads. */
        for (size_t r = 0; r < p->nrisks; r++) {
            double s = 0.0;
            for (size_t b = 0; b < sw->nblocks; b++)
                s += sw->risk_sum[b * p->nrisks + r];
            sw->risk_mean[sw->added + r] = s / (double)sw->n;
        }
    free(sw->risk_sum);
    sw->risk_sum = NULL;
    sw->added += p->nrisks;
    return rc;
}

/* ---- correlation, after the sweep ---- */

static void apply_permutation(const uint32_t *perm, const double *in, double *out, size_t n)
{
    for (size_t m = 0; m < n; m++)
        out[perm[m]] = in[m];
}

/* Rearranges the correlated risks' columns (b, when given, follows a's
 * permutation) and adds them in: to total and groups in a run, b to the
 * delta in a delta. */
static int finish_correlated(sweep *sw, isms_err *e)
{
    if (!sw->ncorr)
        return E_OK;
    if (!sw->planned) {
        int rc = ic_plan_init(&sw->plan, sw->n, sw->ncorr, sw->corr_target, sw->opts->seed, e);
        if (rc)
            return rc;
        sw->planned = 1;
    }
    uint32_t *perm = xmalloc(sw->n * sizeof *perm);
    double *moved = xmalloc(sw->n * sizeof *moved);
    for (size_t j = 0; j < sw->ncorr; j++) {
        if (!sw->corr_seen[j])
            continue;
        ic_permutation(&sw->plan, j, sw->corr_a[j], perm);
        apply_permutation(perm, sw->nscen == 2 ? sw->corr_b[j] : sw->corr_a[j], moved, sw->n);
        add_into(sw->total, moved, sw->n);
        for (size_t k = 0; sw->nscen == 1 && k < sw->corr_nmembers[j]; k++) {
            double *g = sw->group + sw->corr_members[j][k].group * sw->n,
                   share = sw->corr_members[j][k].share;
            for (size_t i = 0; i < sw->n; i++)
                g[i] += share * moved[i];
        }
    }
    free(moved);
    free(perm);
    return E_OK;
}

static void sweep_init(sweep *sw, const fair_opts *o, size_t ncorr, const size_t *corr_risk,
                       const double *corr_target)
{
    memset(sw, 0, sizeof *sw);
    atomic_init(&sw->failed, 0);
    sw->opts = o;
    sw->n = o->iterations;
    sw->nblocks = (o->iterations + FAIR_BLOCK - 1) / FAIR_BLOCK;
    sw->ncorr = ncorr;
    sw->corr_risk = corr_risk;
    sw->corr_target = corr_target;
    sw->corr_a = xcalloc(ncorr + 1, sizeof *sw->corr_a);
    sw->corr_b = xcalloc(ncorr + 1, sizeof *sw->corr_b);
    sw->corr_members = xcalloc(ncorr + 1, sizeof *sw->corr_members);
    sw->corr_nmembers = xcalloc(ncorr + 1, sizeof *sw->corr_nmembers);
    sw->corr_seen = xcalloc(ncorr + 1, 1);
}

static void sweep_reset(sweep *sw)
{
    if (sw->pool)
        sweep_stop(sw);
    for (size_t j = 0; j < sw->ncorr; j++) {
        free(sw->corr_a[j]);
        free(sw->corr_b[j]);
        free(sw->corr_members[j]);
    }
    free(sw->corr_a);
    free(sw->corr_b);
    free(sw->corr_members);
    free(sw->corr_nmembers);
    free(sw->corr_seen);
    free(sw->corr_index);
    free(sw->risk_sum);
    if (sw->planned)
        ic_plan_reset(&sw->plan);
}

static int check_opts(const portfolio *p, const fair_opts *o, isms_err *e)
{
    if (o->iterations == 0 || o->iterations > UINT32_MAX)
        return err_set(e, E_INVALID, "iterations", "iterations: %zu; 1 to %u are possible",
                       o->iterations, (unsigned)UINT32_MAX);
    for (size_t r = 0; r < p->nrisks; r++) {
        int rc = fair_check_run(&p->risks[r], o->iterations, e);
        if (rc)
            return rc;
    }
    return E_OK;
}

/* The sweep's failure as a message naming the risk whose block failed. */
static int sweep_error(const sweep *sw, int rc, isms_err *e)
{
    return fair_run_error(&sw->p->risks[atomic_load(&sw->failed)], rc, e);
}

/* ---- a run, streamed ---- */

struct portfolio_stream {
    sweep sw;
    fair_opts opts;
    size_t *corr_risk;
    double *corr_target;
};

int portfolio_stream_new(portfolio_stream **out, size_t ngroups, size_t nrisks,
                         const portfolio_corr *pairs, size_t npairs, int risk_means,
                         const fair_scenario *scenario, const fair_opts *o, isms_err *e)
{
    *out = NULL;
    if (o->iterations == 0 || o->iterations > UINT32_MAX)
        return err_set(e, E_INVALID, "iterations", "iterations: %zu; 1 to %u are possible",
                       o->iterations, (unsigned)UINT32_MAX);
    portfolio_stream *s = xcalloc(1, sizeof *s);
    s->opts = *o;
    size_t ncorr = 0;
    int rc = npairs ? corr_compile(nrisks, pairs, npairs, &s->corr_risk, &s->corr_target, &ncorr, e)
                    : E_OK;
    if (rc) {
        free(s);
        return rc;
    }
    sweep *sw = &s->sw;
    sweep_init(sw, &s->opts, ncorr, s->corr_risk, s->corr_target);
    sw->scen[0] = *scenario;
    sw->nscen = 1;
    sw->ngroups = ngroups;
    sw->nrisks = nrisks;
    sw->total = xcalloc(sw->n, sizeof *sw->total);
    sw->group = xcalloc(ngroups * sw->n + 1, sizeof *sw->group);
    if (risk_means)
        sw->risk_mean = xcalloc(nrisks + 1, sizeof *sw->risk_mean);
    sweep_start(sw);
    *out = s;
    return E_OK;
}

int portfolio_stream_add(portfolio_stream *s, portfolio *chunk, isms_err *e)
{
    sweep *sw = &s->sw;
    if (chunk->ngroups > sw->ngroups || sw->added + chunk->nrisks > sw->nrisks)
        return err_set(e, E_INVALID, "risks",
                       "a chunk of %zu risks in %zu groups does not fit a run of %zu risks in "
                       "%zu groups, %zu of them added",
                       chunk->nrisks, chunk->ngroups, sw->nrisks, sw->ngroups, sw->added);
    int rc = check_opts(chunk, &s->opts, e);
    if (rc)
        return rc;
    rc = sweep_chunk(sw, chunk);
    return rc ? sweep_error(sw, rc, e) : E_OK;
}

int portfolio_stream_finish(portfolio_stream *s, portfolio_result *res, isms_err *e)
{
    sweep *sw = &s->sw;
    memset(res, 0, sizeof *res);
    if (sw->pool)
        sweep_stop(sw);
    int rc = finish_correlated(sw, e);
    if (rc)
        return rc;
    *res = (portfolio_result){ .iterations = sw->n,
                               .ngroups = sw->ngroups,
                               .nrisks = sw->added,
                               .total = sw->total,
                               .group = sw->group,
                               .risk_mean = sw->risk_mean };
    sw->total = sw->group = sw->risk_mean = NULL;
    return E_OK;
}

size_t portfolio_stream_held_most(const portfolio_stream *s) { return s->sw.held_most; }

void portfolio_stream_free(portfolio_stream *s)
{
    if (!s)
        return;
    sweep_reset(&s->sw);
    free(s->sw.total);
    free(s->sw.group);
    free(s->sw.risk_mean);
    free(s->corr_risk);
    free(s->corr_target);
    free(s);
}

int portfolio_run(portfolio *p, const fair_scenario *scenario, const fair_opts *o,
                  portfolio_result *res, isms_err *e)
{
    memset(res, 0, sizeof *res);
    int rc = check_opts(p, o, e);
    if (rc)
        return rc;
    portfolio_stream *s;
    rc = portfolio_stream_new(&s, p->ngroups, p->nrisks, p->corr_pairs, p->ncorr_pairs, 1, scenario,
                              o, e);
    if (!rc)
        rc = portfolio_stream_add(s, p, e);
    if (!rc)
        rc = portfolio_stream_finish(s, res, e);
    portfolio_stream_free(s);
    return rc;
}

/* Does any of risk r's controls change state between the scenarios? */
static int affected(const portfolio *p, size_t r, const fair_scenario *a, const fair_scenario *b)
{
    const fair_risk *risk = &p->risks[r];
    for (size_t i = 0; i < risk->neffects; i++) {
        size_t c = risk->effects[i].control;
        if (fair_scenario_has(a, p->controls, c) != fair_scenario_has(b, p->controls, c))
            return 1;
    }
    return 0;
}

/* ---- deltas ----
 *
 * A delta simulates only the risks whose controls differ between its two
 * scenarios. A sweep opened for deltas keeps its workers, the correlated
 * set's index and its rank plan from one delta to the next, so that a
 * delta costs its own risks, not the portfolio's. */

/* Opens sw for deltas from `from` into `delta` (o->iterations entries),
 * `planned` risk simulations in all (progress). */
static void delta_open(sweep *sw, portfolio *p, const fair_scenario *from, const fair_opts *o,
                       size_t planned, double *delta)
{
    sweep_init(sw, o, p->ncorr, p->corr_risk, p->corr_target);
    sw->p = p;
    sw->scen[0] = *from;
    sw->nscen = 2;
    sw->nrisks = planned;
    sw->total = delta;
    sweep_start(sw);
    index_correlated(sw);
    size_sinks(sw);
}

/* The delta to `to` over the risks only[0..count) of the opened sweep. */
static int delta_of(sweep *sw, const fair_scenario *to, const size_t *only, size_t count,
                    isms_err *e)
{
    sw->scen[1] = *to;
    sw->only = only;
    sw->count = count;
    memset(sw->total, 0, sw->n * sizeof *sw->total);
    open_columns(sw);
    int rc = sweep_risks(sw);
    rc = rc ? sweep_error(sw, rc, e) : finish_correlated(sw, e);
    close_columns(sw);
    return rc;
}

int portfolio_delta(portfolio *p, const fair_scenario *from, const fair_scenario *to,
                    const fair_opts *o, double *delta, isms_err *e)
{
    int rc = check_opts(p, o, e);
    if (rc)
        return rc;
    size_t *only = xmalloc((p->nrisks + 1) * sizeof *only), count = 0;
    for (size_t r = 0; r < p->nrisks; r++)
        if (affected(p, r, from, to))
            only[count++] = r;
    sweep sw;
    delta_open(&sw, p, from, o, count, delta);
    rc = delta_of(&sw, to, only, count, e);
    sweep_reset(&sw);
    free(only);
    return rc;
}

/* Per control, the risks it has an effect on, ascending and each once
 * (CSR: treated[treated_start[c] .. treated_start[c + 1])). */
static void index_treated(portfolio *p)
{
    if (p->treated_start)
        return;
    size_t nc = p->ncontrols, *start = xcalloc(nc + 2, sizeof *start);
    size_t *last = xcalloc(nc + 1, sizeof *last); /* the last risk counted, + 1 */
    for (int fill = 0; fill < 2; fill++) {
        memset(last, 0, (nc + 1) * sizeof *last);
        for (size_t r = 0; r < p->nrisks; r++)
            for (size_t i = 0; i < p->risks[r].neffects; i++) {
                size_t c = p->risks[r].effects[i].control;
                if (last[c] == r + 1)
                    continue;
                last[c] = r + 1;
                if (fill)
                    p->treated[start[c]++] = r;
                else
                    start[c + 1]++;
            }
        if (!fill) {
            for (size_t c = 0; c < nc; c++)
                start[c + 1] += start[c];
            p->treated = xmalloc((start[nc] + 1) * sizeof *p->treated);
        }
    }
    /* Filling moved each start to the next control's: shift them back. */
    memmove(start + 1, start, nc * sizeof *start);
    start[0] = 0;
    free(last);
    p->treated_start = start;
}

void portfolio_phase_progress(void *phase, uint64_t done, uint64_t total)
{
    (void)total;
    const portfolio_phase *ph = phase;
    ph->fn(ph->ctx, ph->before + done, ph->all);
}

size_t portfolio_links(portfolio *p)
{
    index_treated(p);
    return p->treated_start[p->ncontrols];
}

int portfolio_toggle_each(portfolio *p, const fair_scenario *from, const size_t *toggles,
                          size_t ntoggles, const fair_opts *o, portfolio_delta_fn fn, void *ctx,
                          isms_err *e)
{
    if (from->toggle >= 0)
        return err_set(e, E_INVALID, "scenario",
                       "scenario: toggles control %ld; each control is toggled in turn from a "
                       "scenario that toggles none",
                       from->toggle);
    for (size_t k = 0; toggles && k < ntoggles; k++)
        if (toggles[k] >= p->ncontrols)
            return err_set(e, E_INVALID, "toggles", "toggles[%zu]: control %zu of %zu", k,
                           toggles[k], p->ncontrols);
    int rc = check_opts(p, o, e);
    if (rc)
        return rc;
    index_treated(p);
    size_t n = toggles ? ntoggles : p->ncontrols, planned = 0;
    for (size_t k = 0; k < n; k++) {
        size_t c = toggles ? toggles[k] : k;
        planned += p->treated_start[c + 1] - p->treated_start[c];
    }
    double *delta = xmalloc((o->iterations + 1) * sizeof *delta);
    sweep sw;
    delta_open(&sw, p, from, o, planned, delta);
    for (size_t k = 0; !rc && k < n; k++) {
        size_t c = toggles ? toggles[k] : k;
        fair_scenario to = { from->basis, (long)c, from->active };
        size_t first = p->treated_start[c];
        rc = delta_of(&sw, &to, p->treated + first, p->treated_start[c + 1] - first, e);
        if (!rc)
            rc = fn(ctx, c, delta, e);
    }
    sweep_reset(&sw);
    free(delta);
    return rc;
}
