/* page_analysis.c: a saved analysis read as what it found. An analysis
 * record keeps its inputs and results as JSON text (the evidence of a
 * figure, hashed into the ledger); its page shows them as a person reads
 * them, above the record's fields: a risk's verdict, annual loss per
 * scenario, loss exceedance curve and what drove the loss (the same
 * figures and chart as the quantify page, web_risk_figures); a
 * portfolio's loss, verdict and certainty for the organisation and each
 * objective; a return on controls' rows. The JSON itself stays on the
 * page, folded (pages_record.c). An objective's page shows its own row of
 * the latest portfolio by objective (web_objective_figures).
 *
 * Amounts in the results are minor units of the currency they name; a
 * result kept in another currency than the repository's now is not
 * converted, only said. */
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

typedef struct results {
    json_t *doc;
    double scale; /* minor units a major one: 100 for cents */
} results;

static double num(json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* An amount of the results in major units (the engine's), NaN if none. */
static double amount(const results *res, json_t *o, const char *name)
{
    return num(o, name) / res->scale;
}

static const char *or_dash(const char *s) { return s ? s : "-"; }

static const char *text(web_req *r, json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));
    return s ? arena_strdup(dom_arena(r->d), s) : NULL;
}

static quant_verdict verdict_of(const char *name)
{
    for (quant_verdict v = QV_NO_APPETITE; name && v <= QV_NOT_QUANTIFIED; v++)
        if (!strcmp(quant_verdict_name(v), name))
            return v;
    return QV_NO_APPETITE;
}

static void read_threshold(web_req *r, const results *res, json_t *o, quant_threshold *t)
{
    *t = (quant_threshold){ 0 };
    if (!json_is_object(o))
        return;
    t->set = 1;
    t->appetite = amount(res, o, "appetite");
    t->tolerance = amount(res, o, "tolerance");
    if (!isfinite(t->tolerance))
        t->tolerance = 0;
    t->confidence = (int)json_integer_value(json_object_get(o, "confidence"));
    t->source = text(r, o, "statement");
    t->inherited = json_is_true(json_object_get(o, "organisation_wide"));
}

static void read_judgement(const results *res, json_t *o, quant_judgement *j)
{
    *j = (quant_judgement){ .verdict =
                                verdict_of(json_string_value(json_object_get(o, "verdict"))) };
    j->measure = amount(res, o, "loss");
    j->margin = amount(res, o, "margin");
    json_t *c = json_object_get(o, "certainty");
    j->certainty = json_is_number(c) ? json_number_value(c) : -1;
    j->unquantified = (size_t)json_integer_value(json_object_get(o, "risks_not_quantified"));
}

static void read_scenario(const results *res, json_t *o, quant_scenario *s)
{
    json_t *a = json_object_get(o, "annual_loss");
    s->stats = (stats_summary){ .mean = amount(res, a, "mean"),
                                .sd = amount(res, a, "sd"),
                                .p50 = amount(res, a, "p50"),
                                .p90 = amount(res, a, "p90"),
                                .p95 = amount(res, a, "p95"),
                                .p99 = amount(res, a, "p99"),
                                .var_level = num(a, "var_level"),
                                .var = amount(res, a, "value_at_risk"),
                                .es = amount(res, a, "expected_shortfall"),
                                .p_above_appetite = num(a, "p_above_appetite"),
                                .p_above_tolerance = num(a, "p_above_tolerance") };
    s->frequency = num(o, "loss_events_per_year");
    s->event_loss = amount(res, o, "mean_loss_per_event");
    json_t *lec = json_object_get(o, "loss_exceedance");
    for (size_t k = 0; k < QUANT_LEC_POINTS; k++) {
        json_t *p = json_array_get(lec, k);
        s->lec[k] = (stats_lec_point){ .loss = json_number_value(json_array_get(p, 0)) / res->scale,
                                       .p_exceed = json_number_value(json_array_get(p, 1)) };
    }
}

/* The parts of a risk_quant the figures show, from the results kept. */
static void read_risk(web_req *r, const results *res, const record *a, risk_quant *q)
{
    json_t *d = res->doc;
    memset(q, 0, sizeof *q);
    q->key = record_text(a, F_ANALYSIS_SUBJECT);
    q->title = dom_label(r->d, &reg_risk, q->key);
    q->money = (quant_money){ dom_currency(r->d), dom_currency_exponent(r->d) };
    q->engine = text(r, d, "engine");
    q->model = text(r, d, "model");
    q->iterations = (size_t)json_integer_value(json_object_get(d, "iterations"));
    const char *seed = json_string_value(json_object_get(d, "seed"));
    q->seed = seed ? strtoull(seed, NULL, 10) : 0;
    read_threshold(r, res, json_object_get(d, "appetite"), &q->threshold);
    read_judgement(res, json_object_get(d, "verdict"), &q->judgement);
    q->outside_appetite = json_is_true(json_object_get(d, "outside_appetite"));
    read_scenario(res, json_object_get(d, "inherent"), &q->inherent);
    read_scenario(res, json_object_get(d, "current"), &q->current);
    read_scenario(res, json_object_get(d, "target"), &q->target);
    q->analysis = a->key;
    q->ran_at = a->created_at;
}

/* What drove the loss: each input's share of the variance of the year's
 * loss, and how far the mean moves with it held at its median. */
static void drivers(web_req *r, const results *res)
{
    json_t *s = json_object_get(res->doc, "sensitivity");
    json_t *list = json_object_get(s, "drivers");
    if (!json_array_size(list))
        return;
    html_f(&r->out, "<div class=\"scroll\"><table><caption>What drives the loss</caption><thead>"
                    "<tr><th scope=\"col\">Input</th><th scope=\"col\">Share of the variance</th>"
                    "<th scope=\"col\">Mean moves by</th></tr></thead><tbody>");
    size_t k;
    json_t *d;
    json_array_foreach(list, k, d)
    {
        double shift = amount(res, d, "mean_shift");
        html_f(
            &r->out,
            "<tr><th scope=\"row\">%s</th><td class=\"num\">%r</td><td class=\"num\">%s</td></tr>",
            web_words(r->d, or_dash(json_string_value(json_object_get(d, "input"))), 0),
            arena_printf(dom_arena(r->d), "%.1f%%", 100 * num(d, "variance_share")),
            isfinite(shift) ? web_money(r, llround(shift * res->scale)) : "-");
    }
    html_f(&r->out,
           "</tbody></table></div><p class=\"muted\">%s. Mean moves by: the mean annual "
           "loss with the input held at its median, minus the mean with it drawn.</p>",
           or_dash(json_string_value(json_object_get(s, "method"))));
}

/* A link to a record of reg with its name, as HTML (the arena's). */
static const char *linked(web_req *r, const regdef *reg, json_t *o)
{
    const char *key = json_string_value(json_object_get(o, "key"));
    if (!key)
        return "-";
    buf b;
    buf_init(&b);
    html_f(&b, "<a href=\"%s\">%s</a> %s", web_record_url(r->d, reg, key, ""), key,
           or_dash(json_string_value(json_object_get(o, "title"))));
    const char *s = arena_strdup(dom_arena(r->d), buf_str(&b));
    buf_reset(&b);
    return s;
}

/* ---- a portfolio ---- */

/* An amount of the results (minor units) as people read it, "-" if none. */
static const char *money_or_dash(web_req *r, json_t *o, const char *name)
{
    double v = num(o, name);
    return isfinite(v) ? web_money(r, llround(v)) : "-";
}

/* One row: the subject's risks, value at stake, loss, verdict, certainty. */
static void portfolio_row(web_req *r, json_t *o, const char *subject)
{
    json_t *loss = json_object_get(o, "annual_loss"), *v = json_object_get(o, "verdict");
    json_t *c = json_object_get(o, "certainty");
    html_f(&r->out,
           "<tr><th scope=\"row\">%r</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
           "<td class=\"num\">%s</td><td>%s</td><td class=\"num\">%r</td></tr>",
           subject, money_or_dash(r, o, "value_at_stake"), money_or_dash(r, loss, "mean"),
           money_or_dash(r, loss, "p95"), or_dash(json_string_value(json_object_get(v, "verdict"))),
           json_is_number(c) ? arena_printf(dom_arena(r->d), "%.1f%%", 100 * json_number_value(c))
                             : "none");
}

/* Opens the table portfolio_row fills. */
static void portfolio_table(web_req *r)
{
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption>Annual loss against appetite"
           "</caption><thead><tr><th scope=\"col\">Subject</th><th scope=\"col\">Value "
           "at stake</th><th scope=\"col\">Mean</th><th scope=\"col\">P95</th><th "
           "scope=\"col\">Verdict</th><th scope=\"col\">Certainty</th></tr></thead><tbody>");
}

static void portfolio_figures(web_req *r, const results *res)
{
    portfolio_table(r);
    portfolio_row(r, res->doc, "the organisation");
    size_t k;
    json_t *o;
    json_array_foreach(json_object_get(res->doc, "objectives"), k, o)
    {
        if (json_string_value(json_object_get(o, "key")))
            portfolio_row(r, o, linked(r, &reg_objective, o));
    }
    html_f(&r->out,
           "</tbody></table></div><p class=\"muted\">%D risks modelled, %D not "
           "quantified (they can only add loss: each loss is a floor, each certainty a "
           "ceiling). Certainty: the chance the year's loss stays within tolerance (within "
           "appetite where no tolerance is set).</p>",
           (int64_t)json_integer_value(json_object_get(res->doc, "risks_modelled")),
           (int64_t)json_integer_value(json_object_get(res->doc, "risks_not_modelled")));
}

/* Whether the figures still hold (`figures`, the analysis's derived value:
 * its inputs unchanged since it ran), said before them, not only below. */
static void freshness(web_req *r, const char *figures)
{
    if (!figures)
        return;
    if (!strcmp(figures, "current"))
        html_f(&r->out, "<p class=\"ok\">Current: its inputs have not changed since it ran.</p>");
    else
        html_f(&r->out, "<p class=\"bad\">Figures %s: what it found may no longer hold.</p>",
               figures);
}

/* ---- the return on controls ---- */

static void control_row(web_req *r, json_t *c)
{
    json_t *roc = json_object_get(c, "return_on_control");
    html_f(&r->out,
           "<tr><th scope=\"row\">%r</th><td>%s</td><td class=\"num\">%s</td><td "
           "class=\"num\">%s ± %s</td><td class=\"num\">%s</td><td class=\"num\">%r</td>"
           "<td>%s</td></tr>",
           linked(r, &reg_control, c), or_dash(json_string_value(json_object_get(c, "state"))),
           money_or_dash(r, c, "annual_cost"), money_or_dash(r, c, "mean_reduction"),
           money_or_dash(r, c, "mean_reduction_standard_error"), money_or_dash(r, c, "net_benefit"),
           json_is_number(roc)
               ? arena_printf(dom_arena(r->d), "%.0f%%", 100 * json_number_value(roc))
               : "-",
           or_dash(json_string_value(json_object_get(c, "worth"))));
}

static void returns_figures(web_req *r, const results *res)
{
    html_f(&r->out, "<div class=\"scroll\"><table><caption>What each control buys</caption>"
                    "<thead><tr><th scope=\"col\">Control</th><th scope=\"col\">State</th><th "
                    "scope=\"col\">Annual cost</th><th scope=\"col\">Expected loss removed</th>"
                    "<th scope=\"col\">Net benefit</th><th scope=\"col\">Return</th><th "
                    "scope=\"col\">Worth</th></tr></thead><tbody>");
    size_t k;
    json_t *o;
    json_array_foreach(json_object_get(res->doc, "controls"), k, o) { control_row(r, o); }
    html_f(&r->out, "</tbody></table></div>");
    json_t *left = json_object_get(res->doc, "not_valued");
    if (json_array_size(left))
        html_f(&r->out, "<p>Left out:</p><ul>");
    json_array_foreach(left, k, o)
    {
        html_f(&r->out, "<li>%r: %s</li>", linked(r, &reg_control, o),
               or_dash(json_string_value(json_object_get(o, "reason"))));
    }
    if (json_array_size(left))
        html_f(&r->out, "</ul>");
    html_f(&r->out, "<p class=\"muted\">Expected loss removed: the organisation's expected "
                    "annual loss each control takes away (± its Monte Carlo standard error), "
                    "against its annual cost.</p>");
}

void web_analysis_figures(web_req *r, const record *a, const char *figures)
{
    const char *kind = record_text(a, F_ANALYSIS_KIND);
    const char *kept = record_text(a, F_ANALYSIS_RESULTS);
    results res = { .doc = kept ? json_loads(kept, 0, NULL) : NULL,
                    .scale = pow(10, dom_currency_exponent(r->d)) };
    const char *kept_in = json_string_value(json_object_get(res.doc, "currency"));
    html_f(&r->out, "<section aria-labelledby=\"h-found\"><h2 id=\"h-found\">What it found</h2>");
    freshness(r, figures);
    if (figures && strcmp(figures, "current"))
        web_job_form(r, WJ_RERUN, a->key, 0, 0, "Run again as it ran, and save");
    if (!json_is_object(res.doc))
        html_f(&r->out, "<p class=\"notice\">Its results are not readable JSON; they are shown "
                        "below as kept.</p>");
    else if (!kept_in || strcmp(kept_in, dom_currency(r->d)))
        html_f(&r->out,
               "<p class=\"notice\">Its amounts are in %s, the repository's now in %s: "
               "they are shown below as kept, not converted.</p>",
               kept_in ? kept_in : "no currency", dom_currency(r->d));
    else if (!strcmp(kind, "risk")) {
        risk_quant *q = arena_alloc(dom_arena(r->d), sizeof *q);
        read_risk(r, &res, a, q);
        web_risk_figures(r, q);
        drivers(r, &res);
    } else if (!strcmp(kind, "portfolio"))
        portfolio_figures(r, &res);
    else if (!strcmp(kind, "control-return"))
        returns_figures(r, &res);
    html_f(&r->out,
           "<p class=\"muted\">Saved %r: %D simulated years, seed %s, %s. Its inputs and "
           "results as kept (and hashed into the ledger) are below.</p></section>",
           web_time_html(r->d, a->created_at),
           (int64_t)json_integer_value(json_object_get(res.doc, "iterations")),
           or_dash(json_string_value(json_object_get(res.doc, "seed"))),
           or_dash(json_string_value(json_object_get(res.doc, "engine"))));
    json_decref(res.doc);
}

/* ---- an objective: its figures in the latest portfolio by objective ---- */

static json_t *objective_entry(json_t *doc, const char *key)
{
    size_t k;
    json_t *o;
    json_array_foreach(json_object_get(doc, "objectives"), k, o)
    {
        const char *at = json_string_value(json_object_get(o, "key"));
        if (at && !strcmp(at, key))
            return o;
    }
    return NULL;
}

/* Its row, and the appetite it was judged against. */
static void objective_row(web_req *r, const record *obj, json_t *o)
{
    portfolio_table(r);
    portfolio_row(r, o, obj->key);
    html_f(&r->out, "</tbody></table></div>");
    json_t *app = json_object_get(o, "appetite");
    if (!json_is_object(app))
        return;
    const char *statement = or_dash(text(r, app, "statement"));
    int tolerance = json_is_number(json_object_get(app, "tolerance"));
    html_f(&r->out,
           "<p>Judged at P%D against the appetite %s (<a href=\"/appetites/%u\">%s</a>)%r%s; "
           "%D quantified risks of it.</p>",
           (int64_t)json_integer_value(json_object_get(app, "confidence")),
           money_or_dash(r, app, "appetite"), statement, statement, tolerance ? ", tolerance " : "",
           tolerance ? money_or_dash(r, app, "tolerance") : "",
           (int64_t)json_integer_value(json_object_get(o, "risks")));
}

int web_objective_figures(web_req *r, const record *obj, isms_err *e)
{
    const quant_latest *l;
    int rc = dom_latest_objective_portfolio(r->d, &l, e);
    if (rc)
        return rc;
    html_f(&r->out, "<section aria-labelledby=\"h-appetite\"><h2 id=\"h-appetite\">Against "
                    "appetite</h2>");
    if (!l) {
        html_f(&r->out, "<p class=\"muted\">No portfolio analysis by objective yet (isms "
                        "quantify --by objective): no loss or certainty to show.</p></section>");
        return 0;
    }
    const char *kept = record_text(l->rec, F_ANALYSIS_RESULTS);
    json_t *doc = kept ? json_loads(kept, 0, NULL) : NULL;
    json_t *o = objective_entry(doc, obj->key);
    const char *verdict =
        json_string_value(json_object_get(json_object_get(o, "verdict"), "verdict"));
    if (verdict && !strcmp(verdict, quant_verdict_name(QV_NOT_QUANTIFIED)))
        o = NULL; /* listed, with nothing to show */
    if (l->fresh.stale)
        html_f(&r->out,
               "<p class=\"bad\">STALE%r%s: the inputs of the analysis below changed "
               "since it ran; what it found may no longer hold.</p>",
               l->fresh.since ? " since " : "", l->fresh.since ? l->fresh.since : "");
    if (o)
        objective_row(r, obj, o);
    else
        html_f(&r->out, "<p>No risk of it is quantified in that analysis: no loss or certainty "
                        "to show.</p>");
    html_f(&r->out,
           "<p class=\"muted\">From the latest portfolio analysis by objective, <a "
           "href=\"/analyses/%u\">%s</a>, %r. Certainty: the chance the year's loss stays "
           "within tolerance (within appetite where none is set).</p></section>",
           l->key, l->key, web_time_html(r->d, l->rec->created_at));
    json_decref(doc);
    return 0;
}
