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
    size_t ncorr;        /* risks in the correlated set */
    long *corr_index;    /* per risk: its index in the set, or -1 */
    size_t *corr_risk;   /* per set index: the risk */
    double *corr_target; /* ncorr x ncorr */
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
    p->corr_index = xmalloc((nrisks + 1) * sizeof *p->corr_index);
    for (size_t r = 0; r < nrisks; r++)
        p->corr_index[r] = -1;
    *out = p;
    return E_OK;
}

void portfolio_free(portfolio *p)
{
    if (!p)
        return;
    free(p->member_start);
    free(p->members);
    free(p->corr_index);
    free(p->corr_risk);
    free(p->corr_target);
    free(p);
}

const fair_control *portfolio_controls(const portfolio *p, size_t *ncontrols)
{
    *ncontrols = p->ncontrols;
    return p->controls;
}

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

int portfolio_set_correlation(portfolio *p, const portfolio_corr *pairs, size_t npairs, isms_err *e)
{
    long *index = xmalloc((p->nrisks + 1) * sizeof *index);
    size_t *risk = xmalloc((2 * npairs + 1) * sizeof *risk), k = 0;
    for (size_t r = 0; r < p->nrisks; r++)
        index[r] = -1;
    for (size_t i = 0; i < npairs; i++) {
        const portfolio_corr *c = &pairs[i];
        if (c->a >= p->nrisks || c->b >= p->nrisks || c->a == c->b || !(fabs(c->rho) < 1.0)) {
            free(index);
            free(risk);
            return err_set(e, E_INVALID, "correlation",
                           "correlation[%zu]: risks %zu and %zu with rho %g; two different risks "
                           "and a correlation within (-1, 1) are needed",
                           i, c->a, c->b, c->rho);
        }
        if (index[c->a] < 0)
            index[c->a] = (long)k, risk[k++] = c->a;
        if (index[c->b] < 0)
            index[c->b] = (long)k, risk[k++] = c->b;
    }
    double *target = xcalloc(k * k + 1, sizeof *target), *l = xmalloc((k * k + 1) * sizeof *l);
    for (size_t j = 0; j < k; j++)
        target[j * k + j] = 1.0;
    for (size_t i = 0; i < npairs; i++) {
        size_t a = (size_t)index[pairs[i].a], b = (size_t)index[pairs[i].b];
        /* Normal scores with Pearson correlation 2 sin(pi rho / 6) have
         * rank (Spearman) correlation rho. */
        target[a * k + b] = target[b * k + a] = 2.0 * sin(M_PI * pairs[i].rho / 6.0);
    }
    int ok = ic_cholesky(target, k, l);
    free(l);
    if (!ok) {
        free(index);
        free(risk);
        free(target);
        return err_set(e, E_INVALID, "correlation",
                       "correlation: the %zu rank correlations given are inconsistent with each "
                       "other (the matrix is not positive definite)",
                       npairs);
    }
    free(p->corr_index);
    free(p->corr_risk);
    free(p->corr_target);
    p->corr_index = index;
    p->corr_risk = risk;
    p->corr_target = target;
    p->ncorr = k;
    return E_OK;
}

void portfolio_result_reset(portfolio_result *r)
{
    free(r->total);
    free(r->group);
    free(r->risk_mean);
    memset(r, 0, sizeof *r);
}

/* ---- the sweep: chunks of risks, blocks of iterations ---- */

typedef struct sweep {
    portfolio *p;
    const fair_opts *opts;
    size_t n, nblocks;
    fair_scenario scen[2];
    size_t nscen;            /* 1: a run; 2: a delta (to - from) */
    unsigned char *selected; /* per risk */
    /* the chunk being worked on */
    size_t first, len;
    fair_model **models; /* RISK_CHUNK */
    unsigned char **on;
    dist_cache *cache; /* tables by shape, for the run */
    /* per worker */
    fair_scratch **ws;
    fair_sink **sinks; /* 2 + the largest membership count */
    /* outputs */
    double *total;             /* run: total; delta: delta */
    double *group;             /* run only */
    double *risk_sum;          /* run only: nblocks x nrisks */
    double **corr_a, **corr_b; /* per correlated risk: scenario columns */
    size_t done_before;        /* risk-iterations of earlier chunks */
    atomic_size_t failed;      /* a risk whose block failed (E_INVALID), for the message */
} sweep;

static int prepare_unit(void *ctx, size_t unit, unsigned worker)
{
    (void)worker;
    sweep *sw = ctx;
    size_t r = sw->first + unit;
    sw->models[unit] = NULL;
    sw->on[unit] = NULL;
    if (!sw->selected[r])
        return E_OK;
    portfolio *p = sw->p;
    /* Risks were validated by portfolio_new; preparation cannot fail. */
    int rc = fair_model_prepare(&sw->models[unit], &p->risks[r], p->controls, p->ncontrols,
                                sw->cache, NULL);
    if (rc)
        return rc;
    sw->on[unit] = fair_job_effects(sw->models[unit], sw->scen, sw->nscen);
    return E_OK;
}

static void add_groups(const sweep *sw, size_t r, const double *loss, size_t first, size_t n)
{
    const portfolio *p = sw->p;
    for (size_t k = p->member_start[r]; k < p->member_start[r + 1]; k++) {
        double *g = sw->group + p->members[k].group * sw->n + first, share = p->members[k].share;
        for (size_t i = 0; i < n; i++)
            g[i] += share * loss[i];
    }
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
    long c = p->corr_index[r];
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
        size_t r = sw->first + u;
        fair_job job = { sw->models[u],  sw->nscen,        sw->on[u],
                         sw->opts->seed, sw->opts->freeze, sw->opts->cancel };
        fair_out out[2];
        risk_sinks(sw, r, first, sw->sinks[worker], out);
        int rc = fair_block(&job, block, n, sw->ws[worker], out);
        if (rc) {
            atomic_store(&sw->failed, r);
            return rc;
        }
        long c = sw->p->corr_index[r];
        if (sw->nscen == 2 && c >= 0)
            for (size_t i = 0; i < n; i++)
                sw->corr_b[c][first + i] -= sw->corr_a[c][first + i];
        if (sw->nscen == 1)
            sw->risk_sum[block * sw->p->nrisks + r] = out[0].tally.loss;
    }
    return E_OK;
}

static void sweep_progress(void *ctx, size_t blocks_done)
{
    const sweep *sw = ctx;
    uint64_t total = (uint64_t)sw->n * sw->p->nrisks;
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

static int sweep_run(sweep *sw)
{
    par *pool = par_new(sw->opts->threads);
    unsigned workers = par_workers(pool);
    size_t most = 0;
    for (size_t r = 0; r < sw->p->nrisks; r++) {
        size_t k = sw->p->member_start[r + 1] - sw->p->member_start[r];
        most = k > most ? k : most;
    }
    sw->ws = xcalloc(workers, sizeof *sw->ws);
    sw->sinks = xcalloc(workers, sizeof *sw->sinks);
    for (unsigned w = 0; w < workers; w++) {
        sw->ws[w] = fair_scratch_new();
        sw->sinks[w] = xmalloc((most + 2) * sizeof *sw->sinks[w]);
    }
    sw->models = xcalloc(RISK_CHUNK, sizeof *sw->models);
    sw->on = xcalloc(RISK_CHUNK, sizeof *sw->on);
    sw->cache = dist_cache_new();
    int rc = E_OK;
    for (sw->first = 0; !rc && sw->first < sw->p->nrisks; sw->first += RISK_CHUNK) {
        size_t left = sw->p->nrisks - sw->first;
        sw->len = left < RISK_CHUNK ? left : RISK_CHUNK;
        rc = par_run(pool, sw->len, prepare_unit, sw, sw->opts->cancel, NULL, NULL);
        if (!rc)
            rc = par_run(pool, sw->nblocks, block_unit, sw, sw->opts->cancel,
                         sw->opts->progress ? sweep_progress : NULL, sw);
        free_chunk(sw);
        sw->done_before += (uint64_t)sw->len * sw->n;
    }
    par_free(pool);
    for (unsigned w = 0; w < workers; w++) {
        fair_scratch_free(sw->ws[w]);
        free(sw->sinks[w]);
    }
    free(sw->ws);
    free(sw->sinks);
    free(sw->models);
    free(sw->on);
    dist_cache_free(sw->cache);
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
    portfolio *p = sw->p;
    if (!p->ncorr)
        return E_OK;
    ic_plan plan;
    int rc = ic_plan_init(&plan, sw->n, p->ncorr, p->corr_target, sw->opts->seed, e);
    if (rc)
        return rc;
    uint32_t *perm = xmalloc(sw->n * sizeof *perm);
    double *moved = xmalloc(sw->n * sizeof *moved);
    for (size_t j = 0; j < p->ncorr; j++) {
        size_t r = p->corr_risk[j];
        if (!sw->selected[r])
            continue;
        ic_permutation(&plan, j, sw->corr_a[j], perm);
        if (sw->nscen == 2) {
            apply_permutation(perm, sw->corr_b[j], moved, sw->n);
            add_into(sw->total, moved, sw->n);
        } else {
            apply_permutation(perm, sw->corr_a[j], moved, sw->n);
            add_into(sw->total, moved, sw->n);
            add_groups(sw, r, moved, 0, sw->n);
        }
    }
    free(moved);
    free(perm);
    ic_plan_reset(&plan);
    return E_OK;
}

static void sweep_init(sweep *sw, portfolio *p, const fair_opts *o)
{
    memset(sw, 0, sizeof *sw);
    atomic_init(&sw->failed, 0);
    sw->p = p;
    sw->opts = o;
    sw->n = o->iterations;
    sw->nblocks = (o->iterations + FAIR_BLOCK - 1) / FAIR_BLOCK;
    sw->selected = xcalloc(p->nrisks + 1, 1);
    sw->corr_a = xcalloc(p->ncorr + 1, sizeof *sw->corr_a);
    sw->corr_b = xcalloc(p->ncorr + 1, sizeof *sw->corr_b);
}

static void alloc_corr_columns(sweep *sw)
{
    for (size_t j = 0; j < sw->p->ncorr; j++) {
        if (!sw->selected[sw->p->corr_risk[j]])
            continue;
        sw->corr_a[j] = xmalloc(sw->n * sizeof *sw->corr_a[j]);
        if (sw->nscen == 2)
            sw->corr_b[j] = xmalloc(sw->n * sizeof *sw->corr_b[j]);
    }
}

static void sweep_reset(sweep *sw)
{
    for (size_t j = 0; j < sw->p->ncorr; j++) {
        free(sw->corr_a[j]);
        free(sw->corr_b[j]);
    }
    free(sw->corr_a);
    free(sw->corr_b);
    free(sw->selected);
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

int portfolio_run(portfolio *p, const fair_scenario *scenario, const fair_opts *o,
                  portfolio_result *res, isms_err *e)
{
    memset(res, 0, sizeof *res);
    int rc = check_opts(p, o, e);
    if (rc)
        return rc;
    sweep sw;
    sweep_init(&sw, p, o);
    sw.scen[0] = *scenario;
    sw.nscen = 1;
    memset(sw.selected, 1, p->nrisks);
    alloc_corr_columns(&sw);
    sw.total = xcalloc(sw.n, sizeof *sw.total);
    sw.group = xcalloc(p->ngroups * sw.n + 1, sizeof *sw.group);
    sw.risk_sum = xcalloc(sw.nblocks * p->nrisks + 1, sizeof *sw.risk_sum);
    rc = sweep_run(&sw);
    rc = rc ? sweep_error(&sw, rc, e) : finish_correlated(&sw, e);
    if (!rc) {
        *res = (portfolio_result){ .iterations = sw.n,
                                   .ngroups = p->ngroups,
                                   .nrisks = p->nrisks,
                                   .total = sw.total,
                                   .group = sw.group };
        res->risk_mean = xcalloc(p->nrisks + 1, sizeof *res->risk_mean);
        /* Block sums in block order: the same mean whatever the threads. */
        for (size_t r = 0; r < p->nrisks; r++) {
            double s = 0.0;
            for (size_t b = 0; b < sw.nblocks; b++)
                s += sw.risk_sum[b * p->nrisks + r];
            res->risk_mean[r] = s / (double)sw.n;
        }
    } else {
        free(sw.total);
        free(sw.group);
    }
    free(sw.risk_sum);
    sweep_reset(&sw);
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

int portfolio_delta(portfolio *p, const fair_scenario *from, const fair_scenario *to,
                    const fair_opts *o, double *delta, isms_err *e)
{
    int rc = check_opts(p, o, e);
    if (rc)
        return rc;
    sweep sw;
    sweep_init(&sw, p, o);
    sw.scen[0] = *from;
    sw.scen[1] = *to;
    sw.nscen = 2;
    for (size_t r = 0; r < p->nrisks; r++)
        sw.selected[r] = (unsigned char)affected(p, r, from, to);
    alloc_corr_columns(&sw);
    memset(delta, 0, sw.n * sizeof *delta);
    sw.total = delta;
    rc = sweep_run(&sw);
    rc = rc ? sweep_error(&sw, rc, e) : finish_correlated(&sw, e);
    sweep_reset(&sw);
    return rc;
}
