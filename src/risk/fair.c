/* fair.c: validation and preparation of a risk's FAIR model, and the
 * multi-threaded run over blocks of iterations. The block itself is in
 * fair_block.c. */
#include "risk/fair_impl.h"

#include "core/xalloc.h"
#include "risk/par.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

const char fair_engine_version[] = FAIR_ENGINE_VERSION;

static const char *const factor_names[FAIR_NFACTORS] = {
    "lef", "tef", "vuln", "tcap", "rs", "plm", "slep", "slm",
};

static const char *const target_names[] = {
    "tef", "vuln", "lef", "plm", "slm", "lm", "transfer",
};

const char *fair_factor_name(fair_factor f)
{
    return (unsigned)f < FAIR_NFACTORS ? factor_names[f] : "unknown";
}

const char *fair_target_name(fair_target t)
{
    return (unsigned)t <= FAIR_ON_TRANSFER ? target_names[t] : "unknown";
}

static const dist *factor_dist(const fair_risk *r, fair_factor f)
{
    const dist *d[FAIR_NFACTORS] = { &r->lef, &r->tef, &r->vuln, &r->tcap,
                                     &r->rs,  &r->plm, &r->slep, &r->slm };
    return d[f];
}

static int present(const fair_risk *r, fair_factor f)
{
    return factor_dist(r, f)->kind != DIST_NONE;
}

/* ---- validation ---- */

/* The support of `d` must lie within [lo, hi]. */
static int check_support(const dist *d, const char *field, double lo, double hi, const char *what,
                         isms_err *e)
{
    double dlo, dhi;
    dist_support(d, &dlo, &dhi);
    if (dlo >= lo && dhi <= hi)
        return E_OK;
    buf text;
    buf_init(&text);
    dist_format(d, &text);
    int rc = err_set(e, E_INVALID, field, "%s: %s, but %s reaches %g", field, what, buf_str(&text),
                     dlo < lo ? dlo : dhi);
    buf_reset(&text);
    return rc;
}

static int check_path(const fair_risk *r, isms_err *e)
{
    int lef = present(r, FAIR_LEF), tef = present(r, FAIR_TEF), vuln = present(r, FAIR_VULN);
    int tcap = present(r, FAIR_TCAP), rs = present(r, FAIR_RS);
    if (lef && !tef && !vuln && !tcap && !rs)
        return E_OK;
    if (!lef && tef && (vuln ? !tcap && !rs : tcap && rs))
        return E_OK;
    const char *field = lef ? "lef" : !tef ? "tef" : vuln ? "vuln" : !tcap ? "tcap" : "rs";
    return err_set(e, E_INVALID, field,
                   "%s: %s: give the loss event frequency either as lef, or as tef with vuln, "
                   "or as tef with tcap and rs",
                   field, r->name ? r->name : "risk");
}

int fair_factor_check(fair_factor f, const dist *d, const char *field, isms_err *e)
{
    int rc = dist_validate(d, field, e);
    if (rc)
        return rc;
    if (f == FAIR_LEF || f == FAIR_TEF)
        return check_support(d, field, 0.0, INFINITY, "a frequency cannot be negative", e);
    if (f == FAIR_VULN || f == FAIR_SLEP)
        return check_support(d, field, 0.0, 1.0, "a probability lies within [0, 1]", e);
    if (f == FAIR_PLM || f == FAIR_SLM)
        return check_support(d, field, 0.0, INFINITY, "a loss magnitude cannot be negative", e);
    return E_OK;
}

static int check_reduction(const dist *d, const char *field, isms_err *e)
{
    int rc = dist_validate(d, field, e);
    if (rc)
        return rc;
    return check_support(d, field, 0.0, 1.0, "a reduction is a fraction within [0, 1]", e);
}

static int check_factors(const fair_risk *r, isms_err *e)
{
    if (!present(r, FAIR_PLM))
        return err_set(e, E_INVALID, "plm", "plm: %s: the primary loss magnitude is required",
                       r->name ? r->name : "risk");
    if (present(r, FAIR_SLEP) != present(r, FAIR_SLM)) {
        const char *field = present(r, FAIR_SLEP) ? "slm" : "slep";
        return err_set(e, E_INVALID, field,
                       "%s: secondary loss needs both slep (probability) and slm (magnitude)",
                       field);
    }
    for (int f = 0; f < FAIR_NFACTORS; f++) {
        const dist *d = factor_dist(r, f);
        int rc = d->kind == DIST_NONE ? E_OK : fair_factor_check(f, d, factor_names[f], e);
        if (rc)
            return rc;
    }
    return E_OK;
}

static int check_control(const fair_control *c, size_t i, isms_err *e)
{
    char field[48];
    snprintf(field, sizeof field, "controls[%zu]", i);
    if (!isfinite(c->annual_cost) || c->annual_cost < 0.0)
        return err_set(e, E_INVALID, field, "%s: %s: annual cost %g must be a non-negative amount",
                       field, c->name ? c->name : "control", c->annual_cost);
    if (!isfinite(c->deductible) || c->deductible < 0.0)
        return err_set(e, E_INVALID, field, "%s: %s: deductible %g must be a non-negative amount",
                       field, c->name ? c->name : "control", c->deductible);
    if (isnan(c->limit) || c->limit < 0.0)
        return err_set(e, E_INVALID, field,
                       "%s: %s: limit %g must be a non-negative amount (0: none)", field,
                       c->name ? c->name : "control", c->limit);
    return E_OK;
}

static int check_effect(const fair_risk *r, const fair_effect *fx, size_t i,
                        const fair_control *controls, size_t ncontrols, isms_err *e)
{
    char field[48];
    snprintf(field, sizeof field, "effects[%zu]", i);
    if (fx->control >= ncontrols)
        return err_set(e, E_INVALID, field, "%s: control %zu does not exist (%zu controls)", field,
                       fx->control, ncontrols);
    if ((unsigned)fx->target > FAIR_ON_TRANSFER)
        return err_set(e, E_INVALID, field, "%s: unknown target %d", field, (int)fx->target);
    if (fx->target == FAIR_ON_SLM && !present(r, FAIR_SLM))
        return err_set(e, E_INVALID, field,
                       "%s: %s reduces the secondary loss, but the risk has none", field,
                       controls[fx->control].name ? controls[fx->control].name : "control");
    int rc = check_control(&controls[fx->control], fx->control, e);
    if (rc || fx->target == FAIR_ON_TRANSFER)
        return rc;
    if (!(fx->weakening >= 0.0 && fx->weakening <= 1.0))
        return err_set(e, E_INVALID, field, "%s: weakening %g is not a share within [0, 1]", field,
                       fx->weakening);
    snprintf(field, sizeof field, "effects[%zu].reduction", i);
    return check_reduction(&fx->reduction, field, e);
}

static int check_covers(const fair_risk *r, isms_err *e)
{
    size_t n = 0;
    for (size_t i = 0; i < r->neffects; i++)
        n += r->effects[i].target == FAIR_ON_TRANSFER;
    if (n <= FAIR_MAX_COVERS)
        return E_OK;
    return err_set(e, E_INVALID, "effects", "effects: %zu insurance covers on one risk; at most %d",
                   n, FAIR_MAX_COVERS);
}

double fair_expected_rate(const fair_risk *r)
{
    double rate = present(r, FAIR_LEF) ? dist_mean(&r->lef) : dist_mean(&r->tef);
    if (present(r, FAIR_VULN))
        rate *= dist_mean(&r->vuln);
    return isfinite(rate) ? rate : INFINITY;
}

static const char *risk_name(const fair_risk *r) { return r->name ? r->name : "risk"; }

/* The input that sets the rate: lef, or tef. */
static fair_factor rate_input(const fair_risk *r)
{
    return present(r, FAIR_LEF) ? FAIR_LEF : FAIR_TEF;
}

static int check_rate(const fair_risk *r, isms_err *e)
{
    double rate = fair_expected_rate(r);
    if (rate <= FAIR_MAX_RATE)
        return E_OK;
    fair_factor f = rate_input(r);
    buf text;
    buf_init(&text);
    dist_format(factor_dist(r, f), &text);
    int rc = err_set(e, E_INVALID, factor_names[f],
                     "%s: %s: %s gives %.3g loss events a year on average; at most %.0f loss "
                     "events a year can be simulated",
                     factor_names[f], risk_name(r), buf_str(&text), rate, FAIR_MAX_RATE);
    buf_reset(&text);
    return rc;
}

int fair_check_run(const fair_risk *r, size_t iterations, isms_err *e)
{
    if (r->mode != FAIR_COMPOUND)
        return E_OK; /* the product model draws no events */
    double rate = fair_expected_rate(r), events = rate * (double)iterations;
    if (events <= FAIR_MAX_RUN_EVENTS)
        return E_OK;
    double most = floor(FAIR_MAX_RUN_EVENTS / rate);
    return err_set(e, E_INVALID, "iterations",
                   "iterations: %s: %zu simulated years of %.3g loss events each are %.3g events "
                   "to draw, more than the %.0f one run may take (minutes of work): give at most "
                   "%.0f iterations, or a lower %s",
                   risk_name(r), iterations, rate, events, FAIR_MAX_RUN_EVENTS, most,
                   factor_names[rate_input(r)]);
}

int fair_risk_validate(const fair_risk *r, const fair_control *controls, size_t ncontrols,
                       isms_err *e)
{
    if ((unsigned)r->mode > FAIR_PRODUCT)
        return err_set(e, E_INVALID, "mode", "mode: unknown annual-loss model %d", (int)r->mode);
    int rc = check_path(r, e);
    if (!rc)
        rc = check_covers(r, e);
    if (!rc)
        rc = check_factors(r, e);
    if (!rc)
        rc = check_rate(r, e);
    for (size_t i = 0; !rc && i < r->neffects; i++)
        rc = check_effect(r, &r->effects[i], i, controls, ncontrols, e);
    return rc;
}

/* ---- scenarios ---- */

int fair_scenario_has(const fair_scenario *s, const fair_control *controls, size_t c)
{
    int on;
    if (s->active)
        on = s->active[c] != 0;
    else
        on = s->basis == FAIR_TARGET || (s->basis == FAIR_CURRENT && controls[c].implemented);
    if (s->toggle >= 0 && (size_t)s->toggle == c)
        on = !on;
    return on;
}

unsigned char *fair_job_effects(const fair_model *m, const fair_scenario *sc, size_t nscen)
{
    unsigned char *on = xcalloc(nscen * m->neffects + 1, 1);
    for (size_t s = 0; s < nscen; s++)
        for (size_t i = 0; i < m->neffects; i++)
            on[s * m->neffects + i] =
                (unsigned char)fair_scenario_has(&sc[s], m->controls, m->effects[i].control);
    return on;
}

/* ---- models ---- */

static int prepare_factors(fair_model *m, dist_cache *cache, isms_err *e)
{
    for (int f = 0; f < FAIR_NFACTORS; f++) {
        const dist *d = factor_dist(m->risk, f);
        if (d->kind == DIST_NONE)
            continue;
        m->has[f] = 1;
        int rc = dist_sampler_init_cached(&m->sampler[f], d, cache, factor_names[f], e);
        if (rc)
            return rc;
        m->median[f] = dist_quantile(d, 0.5);
    }
    return E_OK;
}

static void prepare_rate(fair_model *m)
{
    const fair_risk *r = m->risk;
    m->path = present(r, FAIR_LEF)    ? FREQ_LEF
              : present(r, FAIR_VULN) ? FREQ_TEF_VULN
                                      : FREQ_TEF_TCAP;
    if (r->mode != FAIR_COMPOUND)
        return;
    m->scatter =
        (m->path == FREQ_LEF && r->lef.kind == DIST_CONST) ||
        (m->path == FREQ_TEF_VULN && r->tef.kind == DIST_CONST && r->vuln.kind == DIST_CONST);
}

static int prepare_effects(fair_model *m, dist_cache *cache, isms_err *e)
{
    const fair_risk *r = m->risk;
    m->neffects = r->neffects;
    m->effects = xcalloc(r->neffects + 1, sizeof *m->effects);
    for (size_t i = 0; i < r->neffects; i++) {
        const fair_effect *fx = &r->effects[i];
        effect_prep *p = &m->effects[i];
        p->control = fx->control;
        p->target = fx->target;
        p->keep = 1.0 - fx->weakening;
        /* A control's draws depend on which control and what it acts on,
         * not on its position in any list. */
        p->stream =
            rng_mix64(m->controls[fx->control].stream_id * 8 + (uint64_t)fx->target) | 1u << 20;
        if (fx->target == FAIR_ON_TRANSFER)
            continue;
        char field[48];
        snprintf(field, sizeof field, "effects[%zu].reduction", i);
        int rc = dist_sampler_init_cached(&p->reduction, &fx->reduction, cache, field, e);
        if (rc)
            return rc;
    }
    return E_OK;
}

int fair_model_new(fair_model **out, const fair_risk *risk, const fair_control *controls,
                   size_t ncontrols, isms_err *e)
{
    return fair_model_prepare(out, risk, controls, ncontrols, NULL, e);
}

int fair_model_prepare(fair_model **out, const fair_risk *risk, const fair_control *controls,
                       size_t ncontrols, dist_cache *cache, isms_err *e)
{
    *out = NULL;
    int rc = fair_risk_validate(risk, controls, ncontrols, e);
    if (rc)
        return rc;
    fair_model *m = xcalloc(1, sizeof *m);
    m->risk = risk;
    m->controls = controls;
    m->ncontrols = ncontrols;
    prepare_rate(m);
    rc = prepare_factors(m, cache, e);
    if (!rc)
        rc = prepare_effects(m, cache, e);
    if (rc) {
        fair_model_free(m);
        return rc;
    }
    *out = m;
    return E_OK;
}

void fair_model_free(fair_model *m)
{
    if (!m)
        return;
    for (int f = 0; f < FAIR_NFACTORS; f++)
        dist_sampler_reset(&m->sampler[f]);
    for (size_t i = 0; i < m->neffects; i++)
        dist_sampler_reset(&m->effects[i].reduction);
    free(m->effects);
    free(m);
}

/* ---- the run ---- */

double fair_sum(const double *x, size_t n)
{
    double a = 0.0, b = 0.0, c = 0.0, d = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += x[i];
        b += x[i + 1];
        c += x[i + 2];
        d += x[i + 3];
    }
    for (; i < n; i++)
        a += x[i];
    return (a + b) + (c + d);
}

typedef struct sim_run {
    fair_job job;
    const fair_opts *opts;
    size_t nblocks;
    double *const *loss;
    fair_tally *block_tally; /* nblocks x nscen */
    fair_scratch **scratch;  /* per worker */
    /* with summaries */
    size_t pilot;       /* blocks simulated before the plan */
    atomic_int planned; /* the summaries are planned: blocks can be scanned */
    unsigned workers;
    unsigned char *scanned; /* per block: summarised already */
    size_t progress_offset; /* blocks done before the current par_run */
} sim_run;

_Static_assert(FAIR_BLOCK == STATS_BLOCK, "a simulated block is a summarised block");

static int sim_unit(void *ctx, size_t block, unsigned worker)
{
    sim_run *run = ctx;
    size_t first = block * FAIR_BLOCK;
    size_t n =
        run->opts->iterations - first < FAIR_BLOCK ? run->opts->iterations - first : FAIR_BLOCK;
    fair_sink sinks[FAIR_MAX_SCENARIOS];
    fair_out out[FAIR_MAX_SCENARIOS];
    for (size_t s = 0; s < run->job.nscen; s++) {
        sinks[s] = (fair_sink){ run->loss[s] + first, 1.0 };
        out[s] = (fair_out){ .sinks = &sinks[s], .nsinks = 1, .fresh = 1 };
    }
    int rc = fair_block(&run->job, block, n, run->scratch[worker], out);
    for (size_t s = 0; s < run->job.nscen && !rc; s++)
        run->block_tally[block * run->job.nscen + s] = out[s].tally;
    return rc;
}

/* Adds the block to every summary. */
static void summarise_block(sim_run *run, size_t block, unsigned worker)
{
    for (size_t s = 0; s < run->job.nscen; s++)
        stats_stream_block(run->opts->summaries[s], run->loss[s], block, worker);
    run->scanned[block] = 1;
}

/* After the pilot: unit 0 plans the summaries while the other workers go
 * on simulating (their first blocks are summarised later, in
 * scan_leftover_unit); unit u > 0 simulates block pilot + u - 1 and, once
 * the plan is there, summarises it while it is still in cache. */
static int plan_or_simulate_unit(void *ctx, size_t unit, unsigned worker)
{
    sim_run *run = ctx;
    if (unit == 0) {
        for (size_t s = 0; s < run->job.nscen; s++)
            stats_stream_plan(run->opts->summaries[s], run->loss[s], run->workers);
        atomic_store_explicit(&run->planned, 1, memory_order_release);
        return E_OK;
    }
    size_t block = run->pilot + unit - 1;
    int rc = sim_unit(ctx, block, worker);
    if (!rc && atomic_load_explicit(&run->planned, memory_order_acquire))
        summarise_block(run, block, worker);
    return rc;
}

/* The blocks not summarised yet: the pilot's, and those made before the
 * plan was there. */
static int scan_leftover_unit(void *ctx, size_t block, unsigned worker)
{
    sim_run *run = ctx;
    if (!run->scanned[block])
        summarise_block(run, block, worker);
    return E_OK;
}

static void sim_progress(void *ctx, size_t blocks_done)
{
    const sim_run *run = ctx;
    blocks_done += run->progress_offset;
    uint64_t done = (uint64_t)blocks_done * FAIR_BLOCK;
    uint64_t total = run->opts->iterations;
    run->opts->progress(run->opts->progress_ctx, done < total ? done : total, total);
}

/* All blocks. With summaries: the pilot blocks first; then the plan,
 * made by one worker while the others simulate on; then every block not
 * yet summarised. */
static int simulate_blocks(sim_run *run, par *pool)
{
    const fair_opts *o = run->opts;
    par_progress_fn progress = o->progress ? sim_progress : NULL;
    if (!o->summaries)
        return par_run(pool, run->nblocks, sim_unit, run, o->cancel, progress, run);
    run->pilot = stats_stream_pilot(o->summaries[0]);
    run->workers = par_workers(pool);
    run->scanned = xcalloc(run->nblocks, 1);
    int rc = par_run(pool, run->pilot, sim_unit, run, o->cancel, progress, run);
    run->progress_offset = run->pilot - 1; /* the plan counts as one unit */
    if (!rc)
        rc = par_run(pool, run->nblocks - run->pilot + 1, plan_or_simulate_unit, run, o->cancel,
                     progress, run);
    if (!rc)
        rc = par_run(pool, run->nblocks, scan_leftover_unit, run, o->cancel, NULL, NULL);
    free(run->scanned);
    return rc;
}

int fair_simulate(const fair_model *m, const fair_scenario *scenarios, size_t nscenarios,
                  const fair_opts *opts, double *const *loss, fair_tally *tally, isms_err *e)
{
    if (opts->iterations == 0)
        return err_set(e, E_INVALID, "iterations", "iterations: at least 1 is needed");
    if (nscenarios == 0 || nscenarios > FAIR_MAX_SCENARIOS)
        return err_set(e, E_INVALID, "scenarios",
                       "scenarios: %zu given; 1 to %d can be run at once", nscenarios,
                       FAIR_MAX_SCENARIOS);
    int rc = fair_check_run(m->risk, opts->iterations, e);
    if (rc)
        return rc;
    sim_run run = {
        .job = { .model = m,
                 .nscen = nscenarios,
                 .seed = opts->seed,
                 .freeze = opts->freeze,
                 .cancel = opts->cancel },
        .opts = opts,
        .nblocks = (opts->iterations + FAIR_BLOCK - 1) / FAIR_BLOCK,
        .loss = loss,
    };
    unsigned char *on = fair_job_effects(m, scenarios, nscenarios);
    run.job.on = on;
    run.block_tally = xcalloc(run.nblocks * nscenarios, sizeof *run.block_tally);
    par *pool = par_new(opts->threads);
    unsigned workers = par_workers(pool);
    run.scratch = xcalloc(workers, sizeof *run.scratch);
    for (unsigned w = 0; w < workers; w++)
        run.scratch[w] = fair_scratch_new();
    rc = simulate_blocks(&run, pool);
    par_free(pool);
    if (!rc && tally) {
        /* Block totals are added in block order: the same sums whatever
         * the thread count. */
        for (size_t s = 0; s < nscenarios; s++) {
            tally[s] = (fair_tally){ 0.0, 0.0, 0.0 };
            for (size_t b = 0; b < run.nblocks; b++) {
                const fair_tally *t = &run.block_tally[b * nscenarios + s];
                tally[s].events += t->events;
                tally[s].event_loss += t->event_loss;
                tally[s].loss += t->loss;
            }
        }
    }
    for (unsigned w = 0; w < workers; w++)
        fair_scratch_free(run.scratch[w]);
    free(run.scratch);
    free(run.block_tally);
    free(on);
    return fair_run_error(m->risk, rc, e);
}

int fair_run_error(const fair_risk *r, int rc, isms_err *e)
{
    if (rc == E_INTERRUPTED)
        return err_set(e, rc, "iterations", "the simulation was interrupted");
    if (rc == E_INVALID)
        return err_set(e, rc, factor_names[rate_input(r)],
                       "%s: %s: a simulated year drew a rate above %.0f loss events, the most one "
                       "year can simulate: the distribution's tail is too long for its mean",
                       factor_names[rate_input(r)], risk_name(r), FAIR_MAX_YEAR_RATE);
    return rc;
}
