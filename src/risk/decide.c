#include "risk/decide.h"

#include "core/xalloc.h"
#include "risk/fair_impl.h"
#include "risk/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- return on controls ---- */

double decide_p95(const double *x, size_t n, unsigned threads)
{
    double level = 0.95, v = NAN;
    stats_quantiles(x, n, &level, 1, threads, &v, NULL);
    return v;
}

void decide_value_of(const fair_control *c, size_t index, const decide_base *base,
                     const double *delta, double *scratch, decide_value *out)
{
    size_t n = base->n;
    for (size_t i = 0; i < n; i++)
        scratch[i] = base->total[i] + delta[i];
    double flipped_p95 = decide_p95(scratch, n, base->threads);
    double mean_delta = stats_mean(delta, n);
    /* Implemented: flipping removes it, the loss grows by delta. Proposed:
     * flipping adds it, the loss shrinks by -delta. */
    double sign = c->implemented ? 1.0 : -1.0;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (delta[i] - mean_delta) * (delta[i] - mean_delta);
    out->control = index;
    out->implemented = c->implemented != 0;
    out->annual_cost = c->annual_cost;
    out->mean_reduction = sign * mean_delta;
    out->mean_reduction_se = n > 1 ? sqrt(ss / (double)(n - 1) / (double)n) : 0.0;
    out->p95_reduction = sign * (flipped_p95 - base->p95);
    out->net_benefit = out->mean_reduction - c->annual_cost;
    if (c->annual_cost > 0.0)
        out->roi = out->net_benefit / c->annual_cost;
    else
        out->roi = out->mean_reduction > 0.0 ? INFINITY : 0.0;
    out->worth = !(c->annual_cost > 0.0)  ? DECIDE_COST_UNKNOWN
                 : out->net_benefit > 0.0 ? DECIDE_JUSTIFIED
                                          : DECIDE_NOT_JUSTIFIED;
    out->rank = 0;
    out->tie_with_next = 0;
}

static int by_return(const void *a, const void *b)
{
    const decide_value *x = *(const decide_value *const *)a, *y = *(const decide_value *const *)b;
    if (x->roi != y->roi)
        return x->roi > y->roi ? -1 : 1;
    if (x->net_benefit != y->net_benefit)
        return x->net_benefit > y->net_benefit ? -1 : 1;
    return (x->control > y->control) - (x->control < y->control);
}

/* Two returns the simulation cannot tell apart: closer than twice the
 * standard error of their difference (taken as independent: a bound, as
 * common random numbers make the difference less noisy). */
static int within_noise(const decide_value *a, const decide_value *b)
{
    double sa = a->mean_reduction_se / a->annual_cost, sb = b->mean_reduction_se / b->annual_cost;
    return fabs(a->roi - b->roi) < 2.0 * sqrt(sa * sa + sb * sb);
}

void decide_rank(decide_value *v, size_t n)
{
    decide_value **order = xmalloc((n + 1) * sizeof *order);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!v[i].implemented && v[i].worth == DECIDE_JUSTIFIED)
            order[m++] = &v[i];
    qsort(order, m, sizeof *order, by_return);
    for (size_t k = 0; k < m; k++) {
        order[k]->rank = k + 1;
        order[k]->tie_with_next = k + 1 < m && within_noise(order[k], order[k + 1]);
    }
    free(order);
}

typedef struct valuing {
    const fair_control *controls;
    decide_base base;
    double *scratch;
    decide_value *out;
} valuing;

static int value_delta(void *ctx, size_t c, const double *delta, isms_err *e)
{
    (void)e;
    const valuing *v = ctx;
    decide_value_of(&v->controls[c], c, &v->base, delta, v->scratch, &v->out[c]);
    return E_OK;
}

int decide_controls(portfolio *p, const fair_opts *opts, decide_value *out, isms_err *e)
{
    size_t ncontrols;
    const fair_control *controls = portfolio_controls(p, &ncontrols);
    fair_scenario current = { FAIR_CURRENT, -1, NULL };
    fair_opts o = *opts;
    /* One progress for the base run and the deltas after it. */
    portfolio_phase ph = { opts->progress, opts->progress_ctx, 0,
                           (uint64_t)opts->iterations *
                               (portfolio_nrisks(p) + portfolio_links(p)) };
    if (opts->progress) {
        o.progress = portfolio_phase_progress;
        o.progress_ctx = &ph;
    }
    portfolio_result base;
    int rc = portfolio_run(p, &current, &o, &base, e);
    if (rc)
        return rc;
    size_t n = base.iterations;
    ph.before = (uint64_t)n * portfolio_nrisks(p);
    valuing v = { controls,
                  { base.total, n, decide_p95(base.total, n, opts->threads), opts->threads },
                  xmalloc(n * sizeof *v.scratch),
                  out };
    rc = portfolio_toggle_each(p, &current, NULL, 0, &o, value_delta, &v, e);
    if (!rc)
        decide_rank(out, ncontrols);
    free(v.scratch);
    portfolio_result_reset(&base);
    return rc;
}

/* ---- sensitivity ---- */

static int uncertain(const fair_model *m, fair_factor f)
{
    return m->has[f] && m->sampler[f].kind != DIST_CONST;
}

static double variance(const double *x, size_t n)
{
    double mean = stats_mean(x, n), s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - mean) * (x[i] - mean);
    return n > 1 ? s / (double)(n - 1) : 0.0;
}

static int by_share(const void *a, const void *b)
{
    const decide_sensitivity *x = a, *y = b;
    if (x->variance_share != y->variance_share)
        return x->variance_share > y->variance_share ? -1 : 1;
    return (x->factor > y->factor) - (x->factor < y->factor);
}

/* First-order effects, clipped at 0, and what they leave unexplained,
 * made to add up to 1 (see decide.h). */
static void decompose(decide_sensitivity *out, size_t *n)
{
    double sum = 0.0;
    for (size_t k = 0; k < *n; k++)
        sum += fmax(0.0, out[k].first_order);
    double scale = sum > 1.0 ? 1.0 / sum : 1.0;
    for (size_t k = 0; k < *n; k++)
        out[k].variance_share = fmax(0.0, out[k].first_order) * scale;
    double rest = sum > 1.0 ? 0.0 : 1.0 - sum;
    if (rest > 0.0)
        out[(*n)++] = (decide_sensitivity){ .factor = DECIDE_OTHER,
                                            .variance_share = rest,
                                            .first_order = rest };
}

int decide_sensitivity_of(const fair_model *m, const fair_scenario *scenario, const fair_opts *opts,
                          decide_sensitivity *out, size_t *nout, isms_err *e)
{
    *nout = 0;
    double *loss = xmalloc(opts->iterations * sizeof *loss);
    fair_opts o = *opts;
    o.freeze = 0;
    int rc = fair_simulate(m, scenario, 1, &o, &loss, NULL, e);
    double base_mean = rc ? 0.0 : stats_mean(loss, o.iterations);
    double base_var = rc ? 0.0 : variance(loss, o.iterations);
    for (int f = 0; !rc && f < FAIR_NFACTORS; f++) {
        if (!uncertain(m, (fair_factor)f))
            continue;
        o.freeze = 1u << f;
        rc = fair_simulate(m, scenario, 1, &o, &loss, NULL, e);
        if (rc)
            break;
        decide_sensitivity *s = &out[(*nout)++];
        s->factor = (fair_factor)f;
        s->first_order = base_var > 0.0 ? 1.0 - variance(loss, o.iterations) / base_var : 0.0;
        s->mean_shift = stats_mean(loss, o.iterations) - base_mean;
    }
    free(loss);
    if (!rc)
        decompose(out, nout);
    if (!rc)
        qsort(out, *nout, sizeof *out, by_share);
    return rc;
}
