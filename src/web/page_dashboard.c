/* page_dashboard.c: the dashboard at /, what `isms summary` shows and
 * more: each objective's certainty, the top risks in money against
 * appetite, the residual heat map (each cell a link to its risks), what
 * needs attention (each a link to the list it counts), framework
 * coverage, controls and assets, incidents and the reports owed to the
 * authorities, and the ledger as of its last verification. The figures are the domain's (domain/views/dashboard.h,
 * kept while the repository stays as it is); a page view never verifies
 * (the server does, on a schedule: verifier.c). Every section says what
 * its figures mean and when they were computed. */
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "domain/views/frameworks.h"
#include "domain/views/metrics.h"
#include "domain/workflows/quantify.h"
#include "formats/json.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TOP_MONEY = 5, KEYS_SHOWN = 12, CELL = 56, HEAT_LEFT = 140, HEAT_TOP = 12 };

const char *web_money(web_req *r, int64_t minor)
{
    /* a no-break space: an amount never wraps between currency and figure */
    return dom_money_text(r->d, minor, "\u00a0");
}

static const char *money(web_req *r, double minor) { return web_money(r, (int64_t)minor); }

static const char *percent(web_req *r, double share)
{
    return arena_printf(dom_arena(r->d), "%.1f%%", 100 * share);
}

/* "3 hours" */
static const char *age_text(web_req *r, int64_t sec)
{
    static const struct {
        int64_t secs;
        const char *unit;
    } units[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };
    size_t i = 0;
    while (units[i].secs > 1 && sec < units[i].secs)
        i++;
    int64_t k = sec / units[i].secs;
    return arena_printf(dom_arena(r->d), "%lld %s%s", (long long)k, units[i].unit,
                        k == 1 ? "" : "s");
}

static void note(web_req *r, const char *text)
{
    html_f(&r->out, "<p class=\"muted\">%s</p>", text);
}

/* A few keys, each a link to its record ("and 5 more" past those shown). */
static void key_links(web_req *r, const char *plural, const dash_keys *keys)
{
    size_t shown = keys->n < KEYS_SHOWN ? keys->n : KEYS_SHOWN;
    for (size_t k = 0; k < shown; k++)
        html_f(&r->out, "%r<a href=\"/%u/%u\">%s</a>", k ? ", " : ": ", plural, keys->keys[k],
               keys->keys[k]);
    if (keys->total > (int64_t)shown)
        html_f(&r->out, ", and %D more", keys->total - (int64_t)shown);
}

/* ---- the organisation ---- */

static void org_line(web_req *r, const dom_dash *s)
{
    if (!s->has_org) {
        html_f(&r->out, "<p class=\"notice\">No organisation profile yet.</p>");
        return;
    }
    const record *o = &s->org;
    const char *sector = record_text(o, F_ORG_SECTOR);
    html_f(&r->out, "<p>%s · %s · NIS2 %s · DORA %s · %s · %dx%d risk matrix</p>",
           record_text(o, F_ORG_NAME), sector ? sector : "sector not set",
           record_text(o, F_ORG_NIS2_CLASS), record_text(o, F_ORG_DORA_ENTITY), s->currency,
           s->matrix, s->matrix);
}

/* ---- objectives: certainty from the latest portfolio analysis ---- */

static double num(json_t *o, const char *path)
{
    json_t *v = o;
    char part[64];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof part, "%.*s", (int)n, path);
        v = json_object_get(v, part);
        path += n + (path[n] == '.');
    }
    return json_is_number(v) ? json_number_value(v) : -1;
}

static const char *str(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    return json_string_value(b ? json_object_get(v, b) : v);
}

static void certainty_row(web_req *r, json_t *o, const char *key, const char *title)
{
    double certainty = num(o, "certainty"), loss = num(o, "verdict.loss"),
           appetite = num(o, "appetite.appetite"), tolerance = num(o, "appetite.tolerance");
    const char *verdict = str(o, "verdict", "verdict");
    int bad = verdict && strcmp(verdict, "within-appetite");
    html_f(&r->out, "<tr><th scope=\"row\">");
    if (strcmp(key, "ORG"))
        html_f(&r->out, "<a href=\"/objectives/%u\">%s</a> ", key, key);
    html_f(&r->out,
           "%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">%s</td></tr>",
           title, certainty >= 0 ? percent(r, certainty) : "none (no appetite)",
           loss >= 0 ? money(r, loss) : "-", appetite >= 0 ? money(r, appetite) : "-",
           tolerance > 0 ? money(r, tolerance) : "-", bad ? "bad" : "ok", verdict ? verdict : "-");
}

static int listed(json_t *objectives, const char *key)
{
    size_t i;
    json_t *o;
    json_array_foreach(objectives, i, o) if (!strcmp(str(o, "key", NULL), key)) return 1;
    return 0;
}

static void objectives_section(web_req *r, const dom_dash *s)
{
    html_f(&r->out, "<section aria-labelledby=\"h-obj\"><h2 id=\"h-obj\">Objectives against "
                    "appetite</h2>");
    html_f(&r->out,
           "<p>%D objectives, %s at stake; %s of it at objectives with a risk not "
           "quantified.</p>",
           s->objectives, money(r, (double)s->objective_value),
           money(r, (double)s->value_unquantified));
    json_t *pf = s->portfolio_results ? json_loads(s->portfolio_results, 0, NULL) : NULL;
    if (!pf) {
        note(r, "No portfolio analysis by objective yet (isms quantify --by objective): no "
                "certainty to show.");
        web_job_form(r, WJ_BY_OBJECTIVE, NULL, 0, QUANT_DEFAULT_SEED,
                     "Quantify by objective in the background");
        html_f(&r->out, "</section>");
        return;
    }
    int pct = (int)num(pf, "verdict.percentile");
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption class=\"vh\">Certainty per objective</caption>"
           "<thead><tr><th scope=\"col\">Objective</th><th scope=\"col\">Certainty</th>"
           "<th scope=\"col\">Annual loss at P%d</th><th scope=\"col\">Appetite</th>"
           "<th scope=\"col\">Tolerance</th><th scope=\"col\">Verdict</th></tr></thead><tbody>",
           pct > 0 ? pct : 95);
    certainty_row(r, pf, "ORG", "the organisation");
    json_t *objectives = json_object_get(pf, "objectives");
    size_t i;
    json_t *o;
    json_array_foreach(objectives, i, o)
        certainty_row(r, o, str(o, "key", NULL), str(o, "title", NULL));
    for (size_t k = 0; k < s->unquantified_objectives.n; k++)
        if (!listed(objectives, s->unquantified_objectives.keys[k]))
            html_f(&r->out,
                   "<tr><th scope=\"row\"><a href=\"/objectives/%u\">%s</a></th><td colspan=\"5\">"
                   "no quantified risk: no certainty</td></tr>",
                   s->unquantified_objectives.keys[k], s->unquantified_objectives.keys[k]);
    if (s->unquantified_objectives.total > (int64_t)s->unquantified_objectives.n)
        html_f(&r->out,
               "<tr><td colspan=\"6\">and %D more objectives with no quantified risk</td></tr>",
               s->unquantified_objectives.total - (int64_t)s->unquantified_objectives.n);
    html_f(&r->out, "</tbody></table></div>");
    const char *incomplete = str(pf, "verdict", "incomplete");
    html_f(
        &r->out,
        "<p class=\"muted\">Certainty: the chance the year's loss stays within tolerance (within "
        "appetite where no tolerance is set), from the Monte Carlo analysis "
        "<a href=\"/analyses/%u\">%s</a>%s%s.%s%s</p>",
        s->portfolio_key, s->portfolio_key, s->portfolio_stale ? "; STALE: its inputs changed" : "",
        s->portfolio_stale && s->portfolio_since
            ? arena_printf(dom_arena(r->d), " since %s", s->portfolio_since)
            : "",
        incomplete ? " " : "", incomplete ? incomplete : "");
    if (s->portfolio_stale)
        web_job_form(r, WJ_RERUN, s->portfolio_key, 0, 0, "Run it again as it ran, and save");
    json_decref(pf);
    html_f(&r->out, "</section>");
}

/* ---- top risks in money: their latest analyses, largest P95 first ---- */

static int money_section(web_req *r, isms_err *e)
{
    quant_latest *risks;
    size_t m;
    int rc = dom_latest_top_money(r->d, TOP_MONEY, &risks, &m, e);
    if (rc)
        return rc;
    html_f(&r->out,
           "<section aria-labelledby=\"h-money\"><h2 id=\"h-money\">Top risks in money</h2>");
    if (!m) {
        note(r, "No risk quantified yet (isms quantify RISK-n): no figures in money.");
        html_f(&r->out, "</section>");
        return 0;
    }
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption class=\"vh\">Risks by their 95th percentile of "
           "annual loss</caption><thead><tr><th scope=\"col\">Risk</th><th scope=\"col\">P95 "
           "annual loss</th><th scope=\"col\">Mean</th><th scope=\"col\">Against appetite</th>"
           "<th scope=\"col\">Margin</th><th scope=\"col\">Analysis</th></tr></thead><tbody>");
    for (size_t k = 0; k < m; k++) {
        const record *a = risks[k].rec;
        record risk;
        isms_err quiet = { 0 };
        const char *title = dom_get(r->d, &reg_risk, risks[k].subject, &risk, &quiet)
                                ? ""
                                : record_text(&risk, F_RISK_TITLE);
        const char *verdict = record_text(a, F_ANALYSIS_VERDICT);
        const value *margin = record_cval(a, F_ANALYSIS_MARGIN);
        html_f(
            &r->out,
            "<tr><th scope=\"row\"><a href=\"/risks/%u\">%s</a> %s</th><td>%s</td><td>%s</td>"
            "<td class=\"%s\">%s</td><td>%s</td><td><a href=\"/analyses/%u\">%s</a> %s%s</td></tr>",
            risks[k].subject, risks[k].subject, title,
            money(r, (double)record_int(a, F_ANALYSIS_P95_LOSS)),
            money(r, (double)record_int(a, F_ANALYSIS_MEAN_LOSS)),
            record_int(a, F_ANALYSIS_OUTSIDE_APPETITE) ? "bad" : "ok", verdict ? verdict : "-",
            margin->null ? "-" : money(r, (double)margin->i), a->key, a->key,
            arena_printf(dom_arena(r->d), "%.10s", a->created_at),
            risks[k].fresh.stale ? " (stale)" : "");
    }
    html_f(&r->out, "</tbody></table></div>");
    note(r, "From each risk's latest saved analysis (its date beside it; stale: its inputs "
            "changed since). Margin: the P95 loss against the appetite, below (headroom) or above "
            "it, as the verdict says.");
    html_f(&r->out, "</section>");
    return 0;
}

/* ---- the residual heat map ---- */

static const char *band_fill(const char *band)
{
    return !strcmp(band, "low")      ? "#d9f0de"
           : !strcmp(band, "medium") ? "#fdf0c4"
           : !strcmp(band, "high")   ? "#fbd5b2"
                                     : "#f5b8b3";
}

static void heat_cell(web_req *r, const dom_dash *s, int l, int i)
{
    int x = HEAT_LEFT + (i - 1) * CELL, y = HEAT_TOP + (s->matrix - l) * CELL, n = s->heat[l][i];
    const char *band = risk_band(l * i, s->matrix);
    if (n)
        html_f(&r->out,
               "<a href=\"/risks?residual_likelihood=%d&amp;residual_impact=%d\" "
               "aria-label=\"likelihood %d, impact %d: %d risk%s (%s)\">",
               l, i, l, i, n, n == 1 ? "" : "s", band);
    html_f(&r->out,
           "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%r\" stroke=\"#ffffff\" "
           "stroke-width=\"2\"/>",
           x, y, CELL, CELL, band_fill(band));
    if (n)
        html_f(
            &r->out,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"700\" "
            "fill=\"#1b1f24\" text-decoration=\"underline\">%d</text></a>",
            x + CELL / 2, y + CELL / 2 + 6, n);
}

static void heat_section(web_req *r, const dom_dash *s)
{
    int w = HEAT_LEFT + s->matrix * CELL + 8, h = HEAT_TOP + s->matrix * CELL + 44;
    html_f(&r->out, "<section aria-labelledby=\"h-heat\"><h2 id=\"h-heat\">Residual risk heat "
                    "map</h2>");
    html_f(&r->out, "<p>%D active risks; residual: %d critical, %d high, %d medium, %d low.</p>",
           s->risks, s->bands[3], s->bands[2], s->bands[1], s->bands[0]);
    html_f(&r->out,
           "<svg class=\"heat\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
           "width=\"%d\" height=\"%d\" role=\"group\" aria-labelledby=\"h-heat\" "
           "font-family=\"system-ui, sans-serif\">",
           w, h, w, h);
    for (int l = 1; l <= s->matrix; l++) {
        html_f(&r->out,
               "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\" fill=\"#57606a\">%s "
               "%d</text>",
               HEAT_LEFT - 6, HEAT_TOP + (s->matrix - l) * CELL + CELL / 2 + 4,
               dom_level_label(r->d, 'L', l), l);
        for (int i = 1; i <= s->matrix; i++)
            heat_cell(r, s, l, i);
    }
    for (int i = 1; i <= s->matrix; i++)
        html_f(&r->out,
               "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" "
               "fill=\"#57606a\">%d</text>",
               HEAT_LEFT + (i - 1) * CELL + CELL / 2, HEAT_TOP + s->matrix * CELL + 16, i);
    html_f(
        &r->out,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"#57606a\">impact "
        "→</text><text x=\"12\" y=\"%d\" font-size=\"12\" fill=\"#57606a\" "
        "transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">likelihood →</text></svg>",
        HEAT_LEFT + s->matrix * CELL / 2, HEAT_TOP + s->matrix * CELL + 36,
        HEAT_TOP + s->matrix * CELL / 2, HEAT_TOP + s->matrix * CELL / 2);
    note(r, "Rows: residual likelihood, columns: residual impact (the inherent level where no "
            "residual one is assessed). Each number is how many active risks sit in that cell, a "
            "link to their list.");
    html_f(&r->out, "</section>");
}

/* ---- what needs attention ---- */

/* One line of the list: the count, in the singular or the plural as it
 * reads, a link to the records where one lists them; the caller closes the
 * item after what it adds (the first keys). */
static void attention_item(web_req *r, int64_t n, const char *one, const char *many,
                           const char *href)
{
    const char *what = n == 1 ? one : many;
    html_f(&r->out, "<li>");
    if (href && n)
        html_f(&r->out, "<a href=\"%r\">%D %s</a>", href, n, what);
    else
        html_f(&r->out, "%D %s", n, what);
}

/* A count with its first keys; the count a link to all of them where a
 * list holds them (href, or NULL). */
static void attention_keys(web_req *r, const char *plural, const dash_keys *keys, const char *one,
                           const char *many, const char *href)
{
    attention_item(r, keys->total, one, many, href);
    key_links(r, plural, keys);
    html_f(&r->out, "</li>");
}

static void attention_stale(web_req *r, const dom_dash *s)
{
    attention_item(r, s->stale_total, "analysis stale: its inputs changed since it ran",
                   "analyses stale: their inputs changed since they ran", NULL);
    size_t shown = s->nstale < KEYS_SHOWN ? s->nstale : KEYS_SHOWN;
    for (size_t k = 0; k < shown; k++)
        html_f(&r->out, "%r<a href=\"/analyses/%u\">%s</a> (%s)", k ? ", " : ": ", s->stale[k].key,
               s->stale[k].key, s->stale[k].subject);
    if (s->stale_total > (int64_t)shown)
        html_f(&r->out, ", and %D more", s->stale_total - (int64_t)shown);
    if (s->stale_total)
        web_job_form(r, WJ_STALE, NULL, 0, 0, "Run them again as they ran, and save");
    html_f(&r->out, "</li>");
}

static void attention_section(web_req *r, const dom_dash *s)
{
    html_f(&r->out, "<section aria-labelledby=\"h-att\"><h2 id=\"h-att\">Needs attention</h2><ul>");
    attention_keys(r, "risks", &s->outside, "risk outside appetite by its latest analysis",
                   "risks outside appetite by their latest analyses",
                   "/attention?list=outside-appetite");
    attention_item(r, s->untreated,
                   "risk untreated: no control in place, no accept or avoid decision",
                   "risks untreated: no control in place, no accept or avoid decision",
                   "/attention?list=untreated");
    key_links(r, "risks", &s->untreated_keys);
    html_f(&r->out, "</li>");
    attention_item(r, s->acceptances_lapsed, "acceptance lapsed", "acceptances lapsed",
                   "/acceptances?sort=expires_on");
    html_f(&r->out, "</li>");
    attention_item(r, s->accepted_without, "risk treated by acceptance without a valid acceptance",
                   "risks treated by acceptance without a valid acceptance",
                   "/risks?state=unaccepted");
    html_f(&r->out, "</li>");
    attention_item(r, s->overdue, "risk review overdue", "risk reviews overdue",
                   "/risks?state=overdue&amp;sort=review_date");
    html_f(&r->out, "</li>");
    attention_item(r, s->controls_overdue, "planned control past the date it was to be in place by",
                   "planned controls past the date they were to be in place by",
                   "/controls?status=planned");
    html_f(&r->out, "</li>");
    attention_item(r, s->decisions_overdue, "decision decided and not carried out by its due date",
                   "decisions decided and not carried out by their due dates",
                   "/decisions?status=decided");
    html_f(&r->out, "</li>");
    if (s->responsibility_gaps >= 0) { /* (counted from schema 26) */
        attention_item(r, s->responsibility_gaps,
                       "responsibility gap: a role nobody holds, or an owner without the role or "
                       "a budget",
                       "responsibility gaps: roles nobody holds, owners without the role or a "
                       "budget",
                       "/responsibilities#gaps");
        html_f(&r->out, "</li>");
    }
    attention_item(r, s->no_objective, "risk tied to no business objective",
                   "risks tied to no business objective", "/risks?state=no-objective");
    html_f(&r->out, "</li>");
    attention_stale(r, s);
    attention_keys(r, "metrics", &s->metrics_off, "metric off target by its latest measurement",
                   "metrics off target by their latest measurements",
                   "/metrics?last_status=off-target");
    attention_item(r, s->metrics_overdue, "metric overdue for measurement",
                   "metrics overdue for measurement", "/metrics?sort=measure_due");
    html_f(&r->out, "</li>");
    attention_keys(r, "risks", &s->unquantified, "risk not quantified (no figures in money)",
                   "risks not quantified (no figures in money)", "/attention?list=unquantified");
    attention_keys(r, "objectives", &s->unquantified_objectives,
                   "objective with no quantified risk: no certainty",
                   "objectives with no quantified risk: no certainty", NULL);
    attention_keys(r, "risks", &s->matrix_disagrees,
                   "risk whose matrix cell and figures in money lie more than one band apart",
                   "risks whose matrix cell and figures in money lie more than one band apart",
                   "/attention?list=matrix-disagrees");
    attention_item(r, s->not_assessed, "control in place not assessed for effectiveness",
                   "controls in place not assessed for effectiveness",
                   "/controls?effectiveness=not-assessed");
    html_f(&r->out, "</li></ul>");
    note(r, "Counted over the active records as they stand now; lapsed and overdue against today's "
            "date.");
    html_f(&r->out, "</section>");
}

/* ---- decisions ---- */

/* The governance loop: what the body decided and funded, what is
 * before it (those late are among what needs attention). */
static void decisions_section(web_req *r, const dom_dash *s)
{
    html_f(&r->out,
           "<section aria-labelledby=\"h-dec\"><h2 id=\"h-dec\">Decisions</h2>"
           "<p><a href=\"/decisions?status=decided\">%D decided</a>, "
           "<a href=\"/decisions?status=carried-out\">%D carried out</a>; %s allocated by them. "
           "<a href=\"/decisions?status=proposed\">%D proposed</a>, awaiting the body",
           s->decisions[1], s->decisions[2], money(r, (double)s->decided_amount), s->decisions[0]);
    key_links(r, "decisions", &s->awaiting_decision);
    html_f(&r->out, ".</p>");
    note(r, "Active decisions of the management body and its committees. Allocated: the amounts "
            "of those decided or carried out.");
    html_f(&r->out, "</section>");
}

/* ---- incidents ---- */

/* What happened in the year, what it cost, whether the register foresaw
 * it (the reports owed are shown apart, as of the moment of the view). */
static void incidents_section(web_req *r, const dom_dash *s)
{
    const int64_t *h = s->incidents_handled;
    html_f(&r->out,
           "<section aria-labelledby=\"h-inc\"><h2 id=\"h-inc\">Incidents</h2>"
           "<p><a href=\"/incidents?status=open\">%D open</a>, "
           "<a href=\"/incidents?status=contained\">%D contained</a> (of those being handled: %D "
           "critical, %D high, %D medium, %D low); "
           "<a href=\"/incidents?status=resolved\">%D resolved</a>, %D closed.</p>",
           s->incidents[0], s->incidents[1], h[3], h[2], h[1], h[0], s->incidents[2],
           s->incidents[3]);
    html_f(&r->out,
           "<p>In the last 365 days: %D detected, %D of them realising a risk of the register, "
           "%D reportable to an authority; loss %s",
           s->incidents_year, s->incidents_year_on_risk, s->incidents_year_reportable,
           money(r, (double)s->incident_loss_year));
    if (s->incidents_year_resolved)
        html_f(&r->out, "; %D resolved, in %s hours from detection on average.</p>",
               s->incidents_year_resolved,
               arena_printf(dom_arena(r->d), "%.1f",
                            (double)s->incident_minutes_year / 60.0 /
                                (double)s->incidents_year_resolved));
    else
        html_f(&r->out, "; none resolved.</p>");
    if (s->incident_loss_against)
        html_f(&r->out, "<p>That loss against the figures: %s.</p>", s->incident_loss_against);
    note(r, "Active incidents, by the day they were detected. Loss: as recorded on each incident "
            "so far (before insurance). An incident the register did not foresee names no risk.");
    html_f(&r->out, "</section>");
}

/* ---- metrics ---- */

/* The board's metrics (the first of audience board): each one's latest
 * value against its target, its state and when it was measured. */
static void board_metrics(web_req *r, const dom_dash *s)
{
    if (!s->nboard)
        return;
    html_f(&r->out, "<div class=\"scroll\"><table><caption>The board's metrics</caption><thead>"
                    "<tr><th scope=\"col\">Metric</th><th scope=\"col\">Latest</th>"
                    "<th scope=\"col\">Target</th><th scope=\"col\">State</th>"
                    "<th scope=\"col\">Measured</th></tr></thead><tbody>");
    for (int k = 0; k < s->nboard; k++) {
        const dash_metric *b = &s->board[k];
        html_f(&r->out,
               "<tr><td><a href=\"/metrics/%u\">%s</a> %s</td><td>%s</td><td>%s</td>"
               "<td%r>%s</td><td>%r</td></tr>",
               b->key, b->key, b->title, b->value_text, b->target_text,
               !strcmp(b->status, "off-target") ? " class=\"bad\"" : "", b->status,
               b->measured_at ? web_time_html(r->d, b->measured_at) : "never");
    }
    html_f(&r->out, "</tbody></table></div>");
    if (s->nboard == DASH_BOARD_METRICS)
        html_f(&r->out, "<p><a href=\"/metrics?audience=board\">All the board's "
                        "metrics</a></p>");
}

/* What the ISMS measures of itself (Cl. 9.1), by the state of each
 * metric's latest measurement; each count a link to those metrics. */
static void metrics_section(web_req *r, const dom_dash *s)
{
    static const char *const words[] = { "not measured yet", "with nothing to measure", "on target",
                                         "warning", "off target" };
    const int64_t *m = s->metrics;
    if (!s->metrics_all)
        return;
    html_f(&r->out,
           "<section aria-labelledby=\"h-met\"><h2 id=\"h-met\">Metrics</h2><p>%D metrics; by "
           "the latest measurement: ",
           s->metrics_all);
    static const int order[] = { 2, 3, 4, 1, 0 };
    for (int k = 0; k < 5; k++)
        html_f(&r->out, "%r<a href=\"/metrics?last_status=%u\">%D %s</a>", k ? ", " : "",
               metric_statuses[order[k]], m[order[k]], words[order[k]]);
    html_f(&r->out, ".</p>");
    board_metrics(r, s);
    note(r, "Each metric is measured from the data by isms (isms metric measure, or Measure on "
            "its page) and keeps every measurement; the state is its latest value against its "
            "target and threshold.");
    html_f(&r->out, "</section>");
}

/* The reports owed to authorities under NIS2, DORA and GDPR, as of the
 * view: their clock runs by the hour, so they are never kept. */
static void reports_section(web_req *r, const dom_dash *s)
{
    const dash_keys *late = &s->reports_late, *soon = &s->reports_soon;
    if (!s->reports_as_of[0])
        return;
    html_f(&r->out, "<section aria-labelledby=\"h-rep\"><h2 id=\"h-rep\">Reports owed to "
                    "authorities</h2>");
    if (!late->total && !soon->total)
        html_f(&r->out, "<p class=\"ok\">None late, none due in the next 24 hours.</p>");
    const dash_keys *lists[] = { late, soon };
    static const char *const what[] = { "late: the deadline passed", "due in the next 24 hours" };
    for (int k = 0; k < 2; k++) {
        if (!lists[k]->total)
            continue;
        html_f(&r->out, "<p%r>", k ? "" : " class=\"bad\"");
        if (lists[k]->total < 0)
            html_f(&r->out, "More than %d %s", DASH_REPORTS_READ, what[k]);
        else
            html_f(&r->out, "%D %s", lists[k]->total, what[k]);
        key_links(r, "incidents", lists[k]);
        html_f(&r->out, ".</p>");
    }
    char at[21];
    memcpy(at, s->reports_as_of, sizeof at);
    html_f(&r->out,
           "<p class=\"muted\">As of %r. Each incident's next report: NIS2 early warning 24 h and "
           "notification 72 h from detection, final report a month later; DORA initial "
           "notification 24 h from detection at the latest, intermediate 72 h after it, final a "
           "month later; GDPR notification 72 h. <a href=\"/incidents?sort=report_due\">Incidents "
           "by their next deadline</a>.</p></section>",
           web_time_html(r->d, at));
}

/* One row of the health table: what is measured, part of whole, the share. */
static void health_row(web_req *r, const char *what, const char *part, const char *whole,
                       double share, int known)
{
    html_f(&r->out,
           "<tr><th scope=\"row\">%s</th><td class=\"num\">%s</td><td class=\"num\">%s</td>"
           "<td class=\"num\">%s</td></tr>",
           what, part, whole, known ? percent(r, share) : "-");
}

static void health_count(web_req *r, const char *what, int64_t part, int64_t whole)
{
    arena *a = dom_arena(r->d);
    health_row(r, what, arena_printf(a, "%lld", (long long)part),
               arena_printf(a, "%lld", (long long)whole), whole ? (double)part / (double)whole : 0,
               whole > 0);
}

/* Whether risk information reaches the people who spend and decide: what
 * tells a management system from a register kept for the auditor. */
static void health_section(web_req *r, const dom_dash *s)
{
    html_f(&r->out, "<section aria-labelledby=\"h-health\"><h2 id=\"h-health\">Is risk "
                    "information driving decisions?</h2><div class=\"scroll\"><table><caption "
                    "class=\"vh\">What reaches the people who spend and decide</caption><thead><tr>"
                    "<th scope=\"col\">Measure</th><th scope=\"col\" class=\"num\">Count</th>"
                    "<th scope=\"col\" class=\"num\">Out of</th><th scope=\"col\" "
                    "class=\"num\">Share</th></tr></thead><tbody>");
    for (int k = 0; k < DASH_HEALTH; k++)
        health_count(r, s->health[k].what, s->health[k].part, s->health[k].whole);
    health_row(r, "Money allocated by those decisions", money(r, (double)s->amount_on_risk),
               money(r, (double)s->decided_amount),
               s->decided_amount ? (double)s->amount_on_risk / (double)s->decided_amount : 0,
               s->decided_amount > 0);
    html_f(&r->out,
           "</tbody></table></div><p>%D decisions taken in the last 365 days. "
           "<a href=\"/reviews\">%D management review%r held</a> in the last 365 days",
           s->taken_last_year, s->reviews_last_year, s->reviews_last_year == 1 ? "" : "s");
    if (*s->last_review)
        html_f(&r->out, ", the latest on %s.</p>", s->last_review);
    else
        html_f(&r->out, ": <strong class=\"error\">none</strong> (ISO/IEC 27001 Cl. 9.3 asks "
                        "for them at planned intervals).</p>");
    html_f(&r->out, "<p><a href=\"/responsibilities\">Who owns what</a>: the responsibility "
                    "matrix, and the roles and budgets missing.</p>");
    note(r, "Active records as they stand now. A decision rests on risk information when it "
            "names a risk or cites a quantified analysis; a risk owner holds a budget when their "
            "budget authority is above zero.");
    html_f(&r->out, "</section>");
}

/* ---- controls, assets, frameworks ---- */

static void controls_section(web_req *r, const dom_dash *s)
{
    html_f(&r->out,
           "<section aria-labelledby=\"h-ctl\"><h2 id=\"h-ctl\">Controls and assets</h2>"
           "<p><a href=\"/controls?status=planned\">%D planned</a>, "
           "<a href=\"/controls?status=implemented\">%D implemented</a>, "
           "<a href=\"/controls?status=operating\">%D operating</a>; annual cost %s. In place: "
           "%D partially effective, <a href=\"/controls?effectiveness=ineffective\">%D "
           "ineffective</a>.</p><p>%D assets, %d of them inheriting a higher protection need than "
           "stated.</p></section>",
           s->controls[0], s->controls[1], s->controls[2], money(r, (double)s->control_cost),
           s->partial, s->ineffective, (int64_t)s->assets, s->raised);
}

static void frameworks_section(web_req *r)
{
    cov_report *rep;
    int n;
    isms_err e = { 0 };
    if (dom_coverage_all(r->d, &rep, &n, &e) || !n)
        return; /* a failure costs the section, not the dashboard */
    html_f(&r->out, "<section aria-labelledby=\"h-fw\"><h2 id=\"h-fw\">Framework coverage</h2>");
    web_coverage_table(r, rep, n);
    html_f(&r->out, "<p><a href=\"/coverage\">Coverage in detail</a> · <a "
                    "href=\"/soa\">Statements of Applicability</a> · <a "
                    "href=\"/soa-gap\">Profile gap</a> · <a href=\"/drift\">Drift "
                    "between frameworks</a></p>");
    note(r, "Requirements covered by implemented or operating controls mapped onto them, of those "
            "in scope (not excluded by the approved SoA); now.");
    html_f(&r->out, "</section>");
}

/* ---- the ledger, as the last verification recorded it ---- */

static void ledger_section(web_req *r, const dom_dash *s)
{
    const verify_record *v = &s->verification;
    html_f(&r->out,
           "<section aria-labelledby=\"h-led\"><h2 id=\"h-led\">Ledger</h2><p>%D entries; head "
           "<code>%s…</code></p>",
           s->ledger_entries, arena_printf(dom_arena(r->d), "%.16s", s->ledger_head));
    if (!v->present)
        html_f(&r->out, "<p class=\"bad\">Never verified: the server verifies on a schedule (isms "
                        "serve --verify-every), or run isms verify.</p>");
    else if (v->problems)
        html_f(&r->out,
               "<p class=\"bad\">Verification FAILED %s ago (%s, %r): %d problem%s: %s</p>",
               age_text(r, s->verified_age), v->full ? "full" : "incremental",
               web_time_html(r->d, v->at), v->problems, v->problems == 1 ? "" : "s", v->first);
    else
        html_f(&r->out,
               "<p class=\"ok\">Verified ok %s ago (%s, %r), up to entry #%D; %D entr%s since "
               "not yet verified.</p>",
               age_text(r, s->verified_age), v->full ? "full" : "incremental",
               web_time_html(r->d, v->at), v->seq, s->not_verified,
               s->not_verified == 1 ? "y" : "ies");
    note(r, "As the last verification recorded it: a page view never verifies (it would read "
            "the whole repository); the server verifies on a schedule.");
    html_f(&r->out, "</section>");
}

/* The sections computed from the whole repository, rendered into r->out. */
static int render_sections(web_req *r, isms_err *e)
{
    dom_dash s;
    int rc = dom_dashboard(r->d, &s, e);
    if (rc)
        return rc;
    char now[21];
    now_timestamp(now);
    org_line(r, &s);
    html_f(&r->out, "<p class=\"muted\">Computed %r from the repository at ledger entry #%D.</p>",
           web_time_html(r->d, now), s.ledger_entries);
    objectives_section(r, &s);
    rc = money_section(r, e);
    if (rc)
        return rc;
    heat_section(r, &s);
    attention_section(r, &s);
    decisions_section(r, &s);
    incidents_section(r, &s);
    metrics_section(r, &s);
    health_section(r, &s);
    controls_section(r, &s);
    frameworks_section(r);
    return 0;
}

/* Those sections, rendered once per state of the repository (its ledger
 * head) and date for the whole process, not once per view nor per worker:
 * computing them reads every risk and control. While one worker renders
 * a new state, the others show the last one rendered (it says at which
 * ledger entry it was computed); only the very first view waits. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t done;
    char key[80]; /* head hash and date of `html` */
    char *html;
    int rendering;
} kept = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, "", NULL, 0 };

static int render_and_keep(web_req *r, const char *key, isms_err *e)
{
    size_t from = r->out.len;
    int rc = render_sections(r, e);
    pthread_mutex_lock(&kept.lock);
    if (!rc) {
        free(kept.html);
        kept.html = strndup(r->out.data + from, r->out.len - from);
        snprintf(kept.key, sizeof kept.key, "%s", key);
    }
    kept.rendering = 0;
    pthread_cond_broadcast(&kept.done);
    pthread_mutex_unlock(&kept.lock);
    return rc;
}

static int sections(web_req *r, isms_err *e)
{
    int64_t seq;
    char head[65], today[11], key[80];
    int rc = dom_ledger_head(r->d, &seq, head, e);
    if (rc)
        return rc;
    now_date(today);
    snprintf(key, sizeof key, "%s %s", head, today);
    pthread_mutex_lock(&kept.lock);
    while (kept.rendering && !kept.html)
        pthread_cond_wait(&kept.done, &kept.lock);
    if (!strcmp(kept.key, key) || (kept.rendering && kept.html)) {
        buf_puts(&r->out, kept.html);
        pthread_mutex_unlock(&kept.lock);
        return 0;
    }
    kept.rendering = 1;
    pthread_mutex_unlock(&kept.lock);
    return render_and_keep(r, key, e);
}

int page_home(web_req *r, isms_err *e)
{
    dom_dash s;
    int rc = dom_dashboard_ledger(r->d, &s, e);
    if (rc)
        return rc;
    rc = dom_reports_owed(r->d, &s, e);
    if (rc)
        return rc;
    page_begin(r, "Dashboard", NAV_DASHBOARD);
    web_jobs_note(r);
    reports_section(r, &s);
    rc = sections(r, e);
    if (rc)
        return rc;
    ledger_section(r, &s);
    page_end(r);
    return 0;
}
