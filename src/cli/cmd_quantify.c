/* cmd_quantify.c: the risk engine on the command line.
 *
 *   isms risk quantify RISK-1     inherent, current and target residual loss
 *   isms risk lec RISK-1 --svg F  the loss exceedance curve, drawn
 *   isms quantify [--by objective] the organisation and its objectives
 *   isms control roi              what each control buys; fund these first
 *   isms risk accept RISK-1 ...   acceptance by the authority the size requires
 *   isms risk appetite            the approved appetite and tolerance
 *
 * Long runs show their progress on a terminal and stop cleanly on Ctrl-C:
 * nothing is saved from an interrupted run. */
#include "cli/cli_internal.h"
#include "domain/views/lec.h"
#include "cli/longjob.h"
#include "cli/verdict.h"
#include "core/text.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "formats/json.h"
#include "formats/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Options shared by every quantifying command; installs the Ctrl-C handler. */
static int quant_options(cli *c, quant_opts *o, longjob *p, const char *what, isms_err *e)
{
    memset(o, 0, sizeof *o);
    o->seed = QUANT_DEFAULT_SEED;
    o->save = !cli_opt_given(c, "no-save");
    const char *it = cli_opt_value(c, "iterations"), *seed = cli_opt_value(c, "seed"),
               *threads = cli_opt_value(c, "threads");
    int64_t v;
    int rc;
    if (it) {
        rc = parse_int64("iterations", it, 1000, QUANT_MAX_ITERATIONS, &v, e);
        if (rc)
            return rc;
        o->iterations = (size_t)v;
    }
    if (seed) {
        rc = parse_int64("seed", seed, 0, INT64_MAX, &v, e);
        if (rc)
            return rc;
        o->seed = (uint64_t)v;
    }
    if (threads) {
        rc = parse_int64("threads", threads, 1, 256, &v, e);
        if (rc)
            return rc;
        o->threads = (unsigned)v;
    }
    longjob_start(p, what);
    o->cancel = longjob_cancel();
    o->progress = longjob_fraction;
    o->progress_ctx = p;
    return 0;
}

static int quant_done(const quant_opts *o, int rc, isms_err *e)
{
    return o->progress_ctx ? longjob_end(o->progress_ctx, rc, e) : rc;
}

static const char *money(cli *c, double major) { return cli_major(c, major); }

static const char *pct(cli *c, double p)
{
    return isfinite(p) ? arena_printf(c->a, "%.1f%%", 100 * p) : "-";
}

static void print_threshold(cli *c, const quant_threshold *t)
{
    if (!t->set) {
        fprintf(c->out,
                "  appetite               none approved (isms appetite add ..., then approve)\n");
        return;
    }
    fprintf(c->out, "  appetite (%s)%*s %s at P%d", t->source, (int)(13 - strlen(t->source)), "",
            money(c, t->appetite), t->confidence);
    if (t->tolerance > 0)
        fprintf(c->out, "; tolerance %s", money(c, t->tolerance));
    fputc('\n', c->out);
}

typedef double (*stat_fn)(const quant_scenario *s);
static double st_mean(const quant_scenario *s) { return s->stats.mean; }
static double st_p50(const quant_scenario *s) { return s->stats.p50; }
static double st_p90(const quant_scenario *s) { return s->stats.p90; }
static double st_p95(const quant_scenario *s) { return s->stats.p95; }
static double st_p99(const quant_scenario *s) { return s->stats.p99; }
static double st_var(const quant_scenario *s) { return s->stats.var; }
static double st_es(const quant_scenario *s) { return s->stats.es; }
static double st_freq(const quant_scenario *s) { return s->frequency; }
static double st_event(const quant_scenario *s) { return s->event_loss; }
static double st_app(const quant_scenario *s) { return s->stats.p_above_appetite; }
static double st_tol(const quant_scenario *s) { return s->stats.p_above_tolerance; }

static void print_risk(cli *c, const risk_quant *q)
{
    static const struct {
        const char *label;
        stat_fn fn;
        char kind;
    } rows[] = {
        { "mean annual loss", st_mean, 'm' },
        { "P50", st_p50, 'm' },
        { "P90", st_p90, 'm' },
        { "P95", st_p95, 'm' },
        { "P99", st_p99, 'm' },
        { "value at risk", st_var, 'm' },
        { "expected shortfall", st_es, 'm' },
        { "loss events per year", st_freq, 'f' },
        { "mean loss per event", st_event, 'm' },
        { "P(loss > appetite)", st_app, 'p' },
        { "P(loss > tolerance)", st_tol, 'p' },
    };
    const quant_scenario *sc[3] = { &q->inherent, &q->current, &q->target };
    fprintf(c->out, "%s  %s\n  %s model, %zu simulated years, seed %llu, %s%s%s\n\n", q->key,
            q->title, q->model, q->iterations, (unsigned long long)q->seed, q->engine,
            q->analysis ? "; saved as " : "", q->analysis ? q->analysis : "");
    fprintf(c->out, "  %-22s %18s %18s %18s\n", "", "inherent", "current", "target");
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        if (rows[r].kind == 'p' && !q->threshold.set)
            continue;
        fprintf(c->out, "  %-22s", rows[r].label);
        for (int s = 0; s < 3; s++) {
            double v = rows[r].fn(sc[s]);
            const char *text = rows[r].kind == 'm'   ? money(c, v)
                               : rows[r].kind == 'p' ? pct(c, v)
                                                     : arena_printf(c->a, "%.3f", v);
            fprintf(c->out, " %18s", text);
        }
        fputc('\n', c->out);
    }
    fprintf(c->out, "  %-22s", "standard error of P95");
    for (int s = 0; s < 3; s++)
        fprintf(c->out, " %18s", money(c, sc[s]->se.p95));
    fputc('\n', c->out);
    fputc('\n', c->out);
    print_threshold(c, &q->threshold);
    fprintf(c->out, "  %-22s current residual %s\n", "verdict",
            cli_verdict_text(c, &q->judgement, &q->threshold));
    fprintf(c->out, "  %-22s %s\n", "certainty",
            cli_certainty_text(c, &q->judgement, &q->threshold));
    if (q->nsensitivity) {
        fprintf(c->out, "  %-22s", "drivers of variance");
        for (size_t k = 0; k < q->nsensitivity; k++)
            fprintf(c->out, "%s %s %.0f%%", k ? "," : "",
                    quant_input_name(q->sensitivity[k].factor),
                    100 * q->sensitivity[k].variance_share);
        fprintf(
            c->out,
            "\n  %-22s (variance decomposition: first-order effects, the rest as other; adds up to "
            "100%%)\n",
            "");
    }
    fprintf(c->out, "  %-22s likelihood %d, impact %d (the register's residual cell)\n",
            "on the matrix", q->qual_likelihood, q->qual_impact);
    if (q->likelihood)
        fprintf(c->out, "  %-22s likelihood %d, impact %d%s\n", "the figures imply", q->likelihood,
                q->impact,
                q->matrix_derived
                    ? ": the register's cell is set to it (the organisation derives it from FAIR)"
                : q->matrix_disagrees
                    ? ": MORE THAN ONE BAND APART from the register's cell; re-rate the risk "
                      "or its FAIR inputs"
                    : "");
}

static int print_json_text(cli *c, char *text)
{
    fputs(text, c->out);
    fputc('\n', c->out);
    free(text);
    return 0;
}

int cmd_risk_quantify(cli *c, isms_err *e)
{
    quant_opts o;
    longjob p;
    int rc = cli_start(c, 1, "one risk key", e);
    if (!rc)
        rc = quant_options(c, &o, &p, "quantifying", e);
    if (rc)
        return rc;
    risk_quant q;
    rc = quant_done(&o, dom_risk_quantify(c->d, c->args[0], &o, &q, e), e);
    if (rc)
        return rc;
    if (c->json)
        return print_json_text(c, dom_risk_quant_json(&q));
    print_risk(c, &q);
    return 0;
}

static int write_file(cli *c, const char *path, const buf *b, isms_err *e)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : c->out;
    if (!f)
        return err_set(e, E_IO, "svg", "cannot write %s: %m", path);
    int bad = fwrite(b->data, 1, b->len, f) != b->len;
    if (f != c->out)
        bad |= fclose(f) != 0;
    if (bad)
        return err_set(e, E_IO, "svg", "cannot write %s: %m", path);
    if (f != c->out)
        fprintf(stderr, "wrote %s\n", path);
    return 0;
}

int cmd_risk_lec(cli *c, isms_err *e)
{
    quant_opts o;
    longjob p;
    const char *path;
    int rc = cli_start(c, 1, "one risk key", e);
    rc = cli_opt_required(c, rc, "svg", "--svg FILE is required: where to write the chart", &path,
                          e);
    if (!rc)
        rc = quant_options(c, &o, &p, "quantifying", e);
    if (rc)
        return rc;
    risk_quant q;
    rc = quant_done(&o, dom_risk_quantify(c->d, c->args[0], &o, &q, e), e);
    if (rc)
        return rc;
    dom_lec *chart = arena_alloc(c->a, sizeof *chart);
    dom_risk_lec(c->d, &q, chart);
    buf b;
    buf_init(&b);
    svg_lec(&b, &chart->chart);
    rc = write_file(c, path, &b, e);
    buf_reset(&b);
    if (!rc && q.analysis && strcmp(path, "-"))
        fprintf(stderr, "saved as %s\n", q.analysis);
    return rc;
}

/* --correlate RISK-1,RISK-2=0.6 (repeatable) */
static int parse_correlations(cli *c, quant_opts *o, isms_err *e)
{
    quant_corr *pairs = arena_alloc(c->a, sizeof *pairs * (size_t)(c->nopts + 1));
    size_t n = 0;
    for (int i = 0; i < c->nopts; i++) {
        if (strcmp(c->opts[i].name, "correlate"))
            continue;
        const char *arg = c->opts[i].arg, *comma = strchr(arg, ','), *eq = strchr(arg, '=');
        char *end = NULL;
        double rho = eq ? strtod(eq + 1, &end) : NAN;
        if (!comma || !eq || eq < comma || !end || *end || !(rho > -1 && rho < 1))
            return err_set(e, E_INVALID, "correlate",
                           "correlate: \"%s\" is not RISK-A,RISK-B=rho with rho between -1 and 1",
                           arg);
        pairs[n].a = arena_strndup(c->a, arg, (size_t)(comma - arg));
        pairs[n].b = arena_strndup(c->a, comma + 1, (size_t)(eq - comma - 1));
        pairs[n].rho = rho;
        n++;
    }
    o->corr = pairs;
    o->ncorr = n;
    return 0;
}

/* A line names this many of the risks left out, as the dashboard does. */
#define GAPS_SHOWN 12

static void print_gaps(cli *c, const portfolio_quant *q)
{
    if (!q->unmodelled)
        return;
    fprintf(c->out,
            "  not in these totals: %zu of %zu risks (%.0f%%) have no FAIR inputs:", q->unmodelled,
            q->modelled + q->unmodelled,
            100.0 * (double)q->unmodelled / (double)(q->modelled + q->unmodelled));
    size_t shown = q->unmodelled_listed < GAPS_SHOWN ? q->unmodelled_listed : GAPS_SHOWN;
    for (size_t k = 0; k < shown; k++)
        fprintf(c->out, " %s", q->unmodelled_keys[k]);
    if (q->unmodelled > shown)
        fprintf(c->out, " and %zu more (isms attention unquantified)", q->unmodelled - shown);
    fputc('\n', c->out);
    if (q->value_at_stake > 0)
        fprintf(c->out,
                "  value at stake of objectives with a risk not quantified: %s of %s (%.0f%%)\n",
                money(c, q->value_unquantified), money(c, q->value_at_stake),
                100 * q->value_unquantified / q->value_at_stake);
}

static void print_portfolio(cli *c, const portfolio_quant *q)
{
    fprintf(
        c->out,
        "Portfolio: %zu risks quantified (%zu not yet), %zu simulated years, seed %llu, %s%s%s\n\n",
        q->modelled, q->unmodelled, q->iterations, (unsigned long long)q->seed, q->engine,
        q->analysis ? "; saved as " : "", q->analysis ? q->analysis : "");
    fprintf(c->out, "  organisation: mean %s, P95 %s (± %s), P99 %s\n", money(c, q->total.mean),
            money(c, q->total.p95), money(c, q->se.p95), money(c, q->total.p99));
    print_threshold(c, &q->threshold);
    fprintf(c->out, "  verdict: %s\n", cli_verdict_text(c, &q->judgement, &q->threshold));
    fprintf(c->out, "  certainty: %s\n", cli_certainty_text(c, &q->judgement, &q->threshold));
    print_gaps(c, q);
    for (size_t k = 0; k < q->ngroups; k++) {
        const group_quant *g = &q->groups[k];
        fprintf(c->out, "\n  %-8s %s\n", g->key, g->title);
        if (g->judgement.verdict != QV_NOT_QUANTIFIED)
            fprintf(c->out, "           %zu risk%s quantified: mean %s, P95 %s (± %s)\n", g->nrisks,
                    g->nrisks == 1 ? "" : "s", money(c, g->stats.mean), money(c, g->stats.p95),
                    money(c, g->se.p95));
        fprintf(c->out, "           %s\n", cli_verdict_text(c, &g->judgement, &g->threshold));
        fprintf(c->out, "           %s\n", cli_certainty_text(c, &g->judgement, &g->threshold));
    }
    fprintf(c->out, "\n  certainty: the chance the year's loss stays within tolerance (within "
                    "appetite where no "
                    "tolerance is set);\n  risks not quantified can only add loss: with some, the "
                    "loss shown is a "
                    "floor and the certainty a ceiling\n");
}

/* What re-running the stale analyses shares with each re-run. */
typedef struct stale_run {
    cli *c;
    quant_opts *o;
    json_t *done; /* with --json: one object per analysis re-run */
    size_t n;
} stale_run;

static int rerun_stale(const quant_latest *l, void *ctx, isms_err *e)
{
    stale_run *s = ctx;
    const char *key = NULL;
    int rc = dom_latest_rerun(s->c->d, l, s->o, &key, e);
    if (rc)
        return rc;
    s->n++;
    if (s->c->json)
        json_array_append_new(s->done,
                              json_pack("{s:s, s:s, s:s?, s:s}", "stale", l->key, "subject",
                                        l->subject, "since", l->fresh.since, "analysis", key));
    else
        fprintf(s->c->out, "  %-7s %-24s stale since %s: re-run as %s\n", l->key, l->subject,
                l->fresh.since ? l->fresh.since : "an unknown change", key);
    return 0;
}

/* isms quantify --stale: only the latest analyses whose inputs changed,
 * one at a time (a million stale risks is a long job, not a long list). */
static int quantify_stale(cli *c, quant_opts *o, isms_err *e)
{
    stale_run s = { c, o, json_array(), 0 };
    int rc = dom_latest_stale_each(c->d, rerun_stale, &s, e);
    if (!rc && c->json)
        js_write(c->out, s.done, 1);
    else if (!rc)
        fprintf(c->out, "%zu stale analys%s re-run (the latest of each subject)\n", s.n,
                s.n == 1 ? "is" : "es");
    json_decref(s.done);
    return rc;
}

int cmd_quantify(cli *c, isms_err *e)
{
    quant_opts o = { 0 }; /* quant_done() reads it even when an earlier check fails */
    longjob p;
    const char *by = cli_opt_value(c, "by");
    int rc = cli_start(c, 0, "no arguments", e);
    if (!rc && by && strcmp(by, "objective"))
        rc = err_set(e, E_INVALID, "by", "by: \"%s\" is not a grouping; use --by objective", by);
    if (!rc)
        rc = quant_options(c, &o, &p, "aggregating the portfolio", e);
    if (!rc)
        rc = parse_correlations(c, &o, e);
    if (!rc && cli_opt_given(c, "stale"))
        return quant_done(&o, quantify_stale(c, &o, e), e);
    if (rc)
        return quant_done(&o, rc, e);
    portfolio_quant q;
    rc = quant_done(&o, dom_portfolio_quantify(c->d, &o, by != NULL, &q, e), e);
    if (rc)
        return rc;
    if (c->json)
        return print_json_text(c, dom_portfolio_json(&q));
    print_portfolio(c, &q);
    return 0;
}

static const char *worth_text(cli *c, const control_quant *r)
{
    if (r->value.worth == DECIDE_COST_UNKNOWN)
        return "cost unknown";
    if (r->value.worth == DECIDE_NOT_JUSTIFIED)
        return "not justified by quantified risk";
    if (r->value.rank)
        return r->value.tie_with_next
                   ? arena_printf(c->a, "fund #%zu (tie with #%zu within simulation error)",
                                  r->value.rank, r->value.rank + 1)
                   : arena_printf(c->a, "fund #%zu", r->value.rank);
    return !strcmp(r->state, "ineffective") ? "in place but ineffective: fix it" : "justified";
}

int cmd_control_roi(cli *c, isms_err *e)
{
    quant_opts o;
    longjob p;
    int rc = cli_start(c, 0, "no arguments", e);
    if (!rc)
        rc = quant_options(c, &o, &p, "valuing controls", e);
    if (rc)
        return rc;
    returns_quant q;
    rc = quant_done(&o, dom_control_returns(c->d, &o, &q, e), e);
    if (rc)
        return rc;
    if (c->json) { /* written as it is built: a row per control */
        rc = dom_returns_json_to(&q, c->out);
        return rc ? err_set(e, E_IO, "output", "cannot write the return on controls: %m") : 0;
    }
    fprintf(c->out, "Return on controls: %zu simulated years, seed %llu, %s%s%s\n\n", q.iterations,
            (unsigned long long)q.seed, q.engine, q.analysis ? "; saved as " : "",
            q.analysis ? q.analysis : "");
    static const char *const heads[] = {
        "key",         "control", "state",   "annual cost", "mean avoided (± s.e.)",
        "P95 avoided", "return",  "verdict", NULL
    };
    ttab *t = ttab_new(c, heads, "lllrrrrl");
    ttab_limit(t, 1, 34);
    for (size_t k = 0; k < q.n; k++) {
        const control_quant *r = &q.rows[k];
        const char *row[] = { r->key,
                              r->title,
                              r->state,
                              r->value.worth == DECIDE_COST_UNKNOWN
                                  ? "unknown"
                                  : money(c, r->value.annual_cost),
                              arena_printf(c->a, "%s ± %s", money(c, r->value.mean_reduction),
                                           money(c, r->value.mean_reduction_se)),
                              money(c, r->value.p95_reduction),
                              r->value.worth == DECIDE_COST_UNKNOWN
                                  ? "-"
                                  : arena_printf(c->a, "%.0f%%", 100 * r->value.roi),
                              worth_text(c, r) };
        ttab_row(t, row);
    }
    ttab_print(t, "  ");
    for (size_t k = 0; k < q.nleft_out; k++)
        fprintf(c->out, "  %-8s %-34.34s not valued: %s\n", q.left_out[k].key, q.left_out[k].title,
                q.left_out[k].reason);
    fprintf(c->out, "\n  return = (mean loss avoided - annual cost) / annual cost; only controls "
                    "that avoid more "
                    "than they cost are ranked (fund #1 first)\n");
    return 0;
}

int cmd_risk_accept(cli *c, isms_err *e)
{
    const char *why;
    int rc = cli_start(c, 1, "one risk key", e);
    rc = cli_opt_required(c, rc, "rationale",
                          "--rationale TEXT is required: why the risk is accepted", &why, e);
    if (rc)
        return rc;
    record out;
    rc = dom_risk_accept(c->d, c->args[0], why, cli_opt_value(c, "until"), &out, e);
    if (rc)
        return rc;
    if (c->json) {
        render_record_json(c, &out);
        return 0;
    }
    fprintf(c->out, "accepted %s as %s until %s (%s)\n", record_text(&out, F_ACCEPTANCE_RISK),
            out.key, record_text(&out, F_ACCEPTANCE_EXPIRES_ON),
            record_text(&out, F_ACCEPTANCE_BASIS));
    return 0;
}

typedef struct appetite_rows {
    cli *c;
    ttab *t;
} appetite_rows;

static int show_appetite(const record *r, void *ctx)
{
    appetite_rows *a = ctx;
    cli *c = a->c;
    const value *obj = record_cval(r, F_APPETITE_OBJECTIVE);
    const char *row[] = { r->key, obj->null ? "organisation" : obj->s,
                          render_money(c, record_int(r, F_APPETITE_APPETITE)),
                          record_cval(r, F_APPETITE_TOLERANCE)->null
                              ? "-"
                              : render_money(c, record_int(r, F_APPETITE_TOLERANCE)),
                          arena_printf(c->a, "P%lld",
                                       (long long)record_int(r, F_APPETITE_CONFIDENCE)) };
    ttab_row(a->t, row);
    return 0;
}

int cmd_risk_appetite(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    if (c->json) {
        table *t = table_begin(c, &reg_appetite);
        rc = dom_approved_appetites(c->d, cli_table_row, t, e);
        table_end(t);
        return rc;
    }
    fprintf(
        c->out,
        "Approved risk appetite (the management body's, per objective and organisation-wide)\n\n");
    static const char *const heads[] = { "key", "applies to", "appetite", "tolerance", "at", NULL };
    appetite_rows a = { c, ttab_new(c, heads, "llrrr") };
    rc = dom_approved_appetites(c->d, show_appetite, &a, e);
    ttab_print(a.t, "  ");
    fprintf(c->out,
            "\n  Where each risk stands: isms risk quantify RISK-N; the organisation and each "
            "objective: isms quantify --by objective\n");
    return rc;
}
