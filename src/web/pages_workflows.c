/* pages_workflows.c: the workflows as pages. Accept a risk (the form
 * shows the authority the acceptance needs by the organisation's rules,
 * and why, and whether the signed-in person holds it; the domain decides
 * again when the form is posted), quantify a risk (its figures and its
 * loss exceedance curve drawn inline, domain/views/lec.h; a what-if, not
 * saved), and the return on controls (what each buys). A state-changing
 * form carries the session's CSRF token (checked in server.c). */
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/lec.h"
#include "domain/views/metrics.h"
#include "domain/views/review.h"
#include "domain/workflows/quantify.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE_ITERATIONS = 20000, PAGE_MAX_ITERATIONS = 200000 };

/* An amount in major units (the engine's doubles) as "EUR 1,250,000.00". */
static const char *major(web_req *r, double v)
{
    double scale = pow(10, dom_currency_exponent(r->d));
    return web_money(r, llround(v * scale));
}

/* ---- accept a risk ---- */

/* The form, with the values entered and the error of a refused post. */
static int accept_form(web_req *r, const char *rationale, const char *until, const isms_err *err,
                       isms_err *e)
{
    record risk;
    dom_accept_need need;
    int rc = dom_get(r->d, &reg_risk, r->key, &risk, e);
    if (!rc)
        rc = dom_risk_accept_need(r->d, r->key, &need, e);
    if (rc)
        return rc;
    const char *url = web_record_url(r->d, &reg_risk, risk.key, "");
    page_begin(r, arena_printf(dom_arena(r->d), "Accept %s", risk.key), NAV_REGISTERS);
    html_f(&r->out, "<p><a href=\"%s\">%s</a> %s; treatment now: %s; residual score %d (%s).</p>",
           url, risk.key, record_text(&risk, F_RISK_TITLE), record_text(&risk, F_RISK_TREATMENT),
           risk_residual_score(&risk),
           risk_band(risk_residual_score(&risk), dom_matrix_size(r->d)));
    html_f(&r->out,
           "<section aria-labelledby=\"h-auth\"><h2 id=\"h-auth\">Authority needed</h2>"
           "<p>Accepting this risk needs <strong>%s</strong>: %s.</p><p>You act with the "
           "authority of %s over it%s</p>"
           "<p class=\"muted\">By the organisation's rules: a quantified risk by its P95 annual "
           "loss against the owner's and the ISMS lead's acceptance limits (outside appetite: "
           "the management body); otherwise by its residual band (low: the owner, medium: the "
           "ISMS lead, high and critical: the management body).</p></section>",
           need.needed, need.basis, need.holding,
           need.may ? ": enough." : ": not enough to accept it.");
    if (err && err->code)
        html_f(&r->out, "<p class=\"error\" role=\"alert\">%s</p>", err->msg);
    if (!need.may) {
        html_f(&r->out, "<p class=\"notice\">Only %s can accept %s; ask them.</p>", need.needed,
               risk.key);
        page_end(r);
        return 0;
    }
    html_f(&r->out, "<form class=\"record\" method=\"post\" action=\"%s\">", r->url);
    html_csrf_field(r);
    html_f(&r->out,
           "<div class=\"field\"><label for=\"rationale\">Why the risk is accepted</label>"
           "<span class=\"help\" id=\"rationale-help\">recorded with the acceptance and in the "
           "ledger</span><textarea id=\"rationale\" name=\"rationale\" required "
           "aria-describedby=\"rationale-help\">%s</textarea></div>"
           "<div class=\"field\"><label for=\"until\">Until</label><span class=\"help\" "
           "id=\"until-help\">when the acceptance lapses and comes back for review (default: in "
           "a year; at most three)</span><input type=\"date\" id=\"until\" name=\"until\" "
           "value=\"%s\" aria-describedby=\"until-help\"></div>"
           "<div class=\"actions\"><button type=\"submit\">Accept %s as %s</button></div></form>",
           rationale ? rationale : "", until ? until : "", risk.key, r->who.actor);
    page_end(r);
    return 0;
}

int page_accept_form(web_req *r, isms_err *e) { return accept_form(r, NULL, NULL, NULL, e); }

int page_accept(web_req *r, isms_err *e)
{
    int rc = web_form_parse(r, e);
    if (rc)
        return rc;
    const char *rationale = web_form_get(r, "rationale"), *until = web_form_get(r, "until");
    record out;
    isms_err refused = { 0 };
    rc = dom_risk_accept(r->d, r->key, rationale && *rationale ? rationale : NULL,
                         until && *until ? until : NULL, &out, &refused);
    if (!rc) {
        html_redirect(r, web_record_url(r->d, &reg_risk, r->key, ""));
        return 0;
    }
    if (rc != E_INVALID && rc != E_USAGE) { /* denied, not found, ...: the error page */
        *e = refused;
        return rc;
    }
    buf_clear(&r->out);
    rc = accept_form(r, rationale, until, &refused, e);
    r->status = 422;
    return rc;
}

/* ---- a management review's inputs ---- */

int page_review_inputs(web_req *r, isms_err *e)
{
    int rc = web_form_parse(r, e);
    record out;
    if (!rc)
        rc = dom_review_inputs(r->d, r->key, &out, e);
    if (!rc)
        html_redirect(r, web_record_url(r->d, &reg_review, out.key, ""));
    return rc;
}

/* ---- metrics measured ---- */

/* POST /metrics/measure (those due that the one acting may measure) and
 * /metrics/<KEY>/measure: back to the list, or to the metric. */
int page_metrics_measure(web_req *r, isms_err *e)
{
    int rc = web_form_parse(r, e);
    dom_measured m;
    const char *const keys[] = { r->key };
    if (!rc)
        rc = dom_metrics_measure(r->d, keys, r->key ? 1 : 0, 0, &m, e);
    if (!rc)
        html_redirect(r, r->key ? web_record_url(r->d, &reg_metric, r->key, "")
                                : "/metrics?sort=last_status");
    return rc;
}

/* ---- quantify a risk ---- */

/* ?iterations and ?seed: a what-if, on one thread (the workers are the
 * parallelism), not saved. */
static int quant_query(web_req *r, quant_opts *o, isms_err *e)
{
    static const char *const params[] = { "iterations", "seed", NULL };
    int rc = web_only_params(r, params, e);
    if (rc)
        return rc;
    const char *it = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "iterations");
    const char *sd = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "seed");
    int64_t iterations = PAGE_ITERATIONS, seed = QUANT_DEFAULT_SEED;
    rc = it && *it ? web_parse_int("iterations", it, 1000, PAGE_MAX_ITERATIONS, &iterations, e) : 0;
    if (!rc && sd && *sd)
        rc = web_parse_int("seed", sd, 0, INT64_MAX, &seed, e);
    *o = (quant_opts){ .iterations = (size_t)iterations, .seed = (uint64_t)seed, .threads = 1 };
    return rc;
}

static void scenario_row(web_req *r, const char *name, const quant_scenario *s)
{
    html_f(&r->out,
           "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
           "<td>%s</td></tr>",
           name, major(r, s->stats.mean), major(r, s->stats.p50), major(r, s->stats.p90),
           major(r, s->stats.p95), major(r, s->stats.p99));
}

/* What a risk's quantification found, for the quantify page (a what-if)
 * and a saved analysis's page alike: the verdict a board reads first, the
 * annual loss of the three scenarios, and the loss exceedance curve. */
void web_risk_figures(web_req *r, const risk_quant *q)
{
    const quant_threshold *t = &q->threshold;
    if (t->set)
        html_f(&r->out,
               "<p class=\"%s\">Current residual: %s: loss at P%d %s against the appetite %s "
               "(%s)%s; %s certain to stay within %s.</p>",
               q->outside_appetite ? "bad" : "ok", quant_verdict_name(q->judgement.verdict),
               t->confidence, major(r, q->judgement.measure), major(r, t->appetite), t->source,
               t->tolerance > 0
                   ? arena_printf(dom_arena(r->d), ", tolerance %s", major(r, t->tolerance))
                   : "",
               arena_printf(dom_arena(r->d), "%.1f%%", 100 * q->judgement.certainty),
               t->tolerance > 0 ? "tolerance" : "appetite");
    else
        html_f(&r->out, "<p>No approved appetite to judge against.</p>");
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption>Annual loss</caption><thead><tr><th "
           "scope=\"col\">Scenario</th><th scope=\"col\">Mean</th><th scope=\"col\">P50</th>"
           "<th scope=\"col\">P90</th><th scope=\"col\">P95</th><th scope=\"col\">P99</th></tr>"
           "</thead><tbody>");
    scenario_row(r, "inherent (without controls)", &q->inherent);
    scenario_row(r, "current residual (controls in place)", &q->current);
    scenario_row(r, "target residual (with the planned ones too)", &q->target);
    html_f(&r->out, "</tbody></table></div>");
    dom_lec *chart = arena_alloc(dom_arena(r->d), sizeof *chart);
    dom_risk_lec(r->d, q, chart);
    buf svg;
    buf_init(&svg);
    svg_lec(&svg, &chart->chart);
    /* the drawing is text escaped by formats/svg.c: markup of the program */
    html_f(&r->out,
           "<figure class=\"chart\">%r<figcaption>Loss exceedance: the chance (vertical) "
           "that a year's loss exceeds an amount (horizontal), both on logarithmic "
           "scales.</figcaption></figure>",
           strstr(buf_str(&svg), "<svg") ? strstr(buf_str(&svg), "<svg") : "");
    buf_reset(&svg);
}

/* A what-if refused for the time it would take: the page says so and
 * offers the same run in the background, saved (for who may save). */
static int whatif_refused(web_req *r, int rc, const web_whatif *w, const char *title,
                          web_job_kind kind, const char *subject, const quant_opts *o, isms_err *e)
{
    if (!w->stop || rc != E_INVALID)
        return rc;
    page_begin(r, title, NAV_REGISTERS);
    html_f(&r->out, "<p class=\"error\" role=\"alert\">%s</p>", e->msg);
    web_job_form(r, kind, subject, o->iterations, o->seed, "Run and save in the background");
    page_end(r);
    r->status = 422;
    err_clear(e);
    return 0;
}

int page_quantify(web_req *r, isms_err *e)
{
    quant_opts o;
    risk_quant q;
    web_whatif w = { 0 };
    int rc = quant_query(r, &o, e);
    if (!rc) {
        web_whatif_start(r, &w, &o);
        rc = web_whatif_end(&w, dom_risk_quantify(r->d, r->key, &o, &q, e),
                            "isms risk quantify RISK-N", e);
    }
    if (rc)
        return whatif_refused(r, rc, &w, arena_printf(dom_arena(r->d), "Quantify %s", r->key),
                              WJ_RISK, r->key, &o, e);
    page_begin(r, arena_printf(dom_arena(r->d), "Quantify %s", q.key), NAV_REGISTERS);
    html_f(&r->out, "<p><a href=\"%s\">%s</a> %s</p>", web_record_url(r->d, &reg_risk, q.key, ""),
           q.key, q.title);
    web_risk_figures(r, &q);
    int64_t more =
        (int64_t)(q.iterations * 5 > PAGE_MAX_ITERATIONS ? PAGE_MAX_ITERATIONS : q.iterations * 5);
    html_f(&r->out,
           "<p class=\"muted\">FAIR Monte Carlo, computed now: %D simulated years, seed %D, %s; "
           "not saved (below, or isms risk quantify %s, saves an analysis).",
           (int64_t)q.iterations, (int64_t)q.seed, q.engine, q.key);
    if (more > (int64_t)q.iterations)
        html_f(&r->out, " <a href=\"%s?iterations=%D&amp;seed=%D\">Again with %D years</a>.",
               r->url, more, (int64_t)q.seed, more);
    html_f(&r->out, "</p>");
    web_job_form(r, WJ_RISK, q.key, 0, q.seed, "Run and save in the background");
    page_end(r);
    return 0;
}

/* ---- return on controls ---- */

static const char *worth_text(const decide_value *v)
{
    return v->worth == DECIDE_JUSTIFIED       ? "justified"
           : v->worth == DECIDE_NOT_JUSTIFIED ? "not justified by quantified risk"
                                              : "no cost given: cannot be weighed";
}

int page_roi(web_req *r, isms_err *e)
{
    quant_opts o;
    returns_quant q;
    web_whatif w = { 0 };
    int rc = quant_query(r, &o, e);
    if (!rc) {
        web_whatif_start(r, &w, &o);
        rc = web_whatif_end(&w, dom_control_returns(r->d, &o, &q, e), "isms control roi", e);
    }
    if (rc)
        return whatif_refused(r, rc, &w, "Return on controls", WJ_RETURNS, NULL, &o, e);
    page_begin(r, "Return on controls", NAV_REGISTERS);
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption class=\"vh\">What each control buys</caption>"
           "<thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Control</th><th "
           "scope=\"col\">State</th><th scope=\"col\">Annual cost</th><th scope=\"col\">Expected "
           "loss removed</th><th scope=\"col\">Net benefit</th><th scope=\"col\">Return</th><th "
           "scope=\"col\">Worth</th></tr></thead><tbody>");
    for (size_t k = 0; k < q.n; k++) {
        const control_quant *c = &q.rows[k];
        const decide_value *v = &c->value;
        html_f(&r->out,
               "<tr><td>%s</td><th scope=\"row\"><a href=\"%s\">%s</a> %s</th><td>%s</td>"
               "<td>%s</td><td>%s ± %s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
               v->rank ? arena_printf(dom_arena(r->d), "%zu%s", v->rank,
                                      v->tie_with_next ? " (tie)" : "")
                       : "-",
               web_record_url(r->d, &reg_control, c->key, ""), c->key, c->title, c->state,
               major(r, v->annual_cost), major(r, v->mean_reduction),
               major(r, v->mean_reduction_se), major(r, v->net_benefit),
               isinf(v->roi) ? "free" : arena_printf(dom_arena(r->d), "%.0f%%", 100 * v->roi),
               worth_text(v));
    }
    html_f(&r->out, "</tbody></table></div>");
    if (q.nleft_out) {
        html_f(&r->out, "<h2>Left out</h2><ul>");
        for (size_t k = 0; k < q.nleft_out; k++)
            html_f(&r->out, "<li><a href=\"%s\">%s</a> %s: %s</li>",
                   web_record_url(r->d, &reg_control, q.left_out[k].key, ""), q.left_out[k].key,
                   q.left_out[k].title, q.left_out[k].reason);
        html_f(&r->out, "</ul>");
    }
    html_f(&r->out,
           "<p class=\"muted\">Expected annual loss each control removes from the organisation's "
           "(± its Monte Carlo standard error), against its annual cost; rank: the proposed "
           "controls worth funding, best first. Computed now: %D simulated years, seed %D; not "
           "saved.</p>",
           (int64_t)q.iterations, (int64_t)q.seed);
    web_job_form(r, WJ_RETURNS, NULL, 0, q.seed, "Run and save in the background");
    page_end(r);
    return 0;
}

void web_workflow_links(web_req *r, const record *rec)
{
    if (rec->retired_at)
        return;
    if (rec->reg == &reg_risk && dom_risk_quantified(rec))
        html_f(&r->out, "<a class=\"button\" href=\"%s\">Quantify</a>",
               web_record_url(r->d, rec->reg, rec->key, "/quantify"));
    if (rec->reg == &reg_risk)
        html_f(&r->out, "<a class=\"button\" href=\"%s\">Accept…</a>",
               web_record_url(r->d, rec->reg, rec->key, "/accept"));
    if (rec->reg == &reg_control)
        html_f(&r->out, "<a class=\"button\" href=\"/controls/roi\">Return on controls</a>");
    isms_err quiet = { 0 };
    if (rec->reg == &reg_metric &&
        !principal_may_write(dom_who(r->d), rec->reg, rec, rec, &quiet)) {
        html_f(&r->out, "<form method=\"post\" action=\"%s\">",
               web_record_url(r->d, rec->reg, rec->key, "/measure"));
        html_csrf_field(r);
        html_f(&r->out, "<button type=\"submit\">Measure now</button></form>");
    }
    const char *st = rec->reg == &reg_review ? record_text(rec, F_REVIEW_STATUS) : NULL;
    if (st && !strcmp(st, "planned") &&
        !principal_may_write(dom_who(r->d), rec->reg, rec, rec, &quiet)) {
        html_f(&r->out, "<form method=\"post\" action=\"%s\">",
               web_record_url(r->d, rec->reg, rec->key, "/inputs"));
        html_csrf_field(r);
        html_f(&r->out, "<button type=\"submit\">Assemble the inputs</button></form>");
    }
}
