/* test_dashboard.c: the dashboard page and the workflow pages, on the
 * demo bank, through a real server: the dashboard's sections with the
 * demo's figures; each heat-map cell links to a list of exactly the risks
 * it counts; a page view never verifies the repository, and the server's
 * scheduled verification records one; accepting a risk needs the CSRF
 * token of a signed-in browser and the authority the risk's size needs;
 * the quantify page draws the loss exceedance curve; payloads in titles
 * are text. */
#include "core/text.h"
#include "domain/views/links.h"
#include "support/testutil.h"
#include "support/webfix.h"
#include "web/web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The last verification as `isms summary --json` reports it. */
static json_t *last_verification(void)
{
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *v = json_incref(json_object_get(json_object_get(s, "ledger"), "last_verification"));
    json_decref(s);
    assert_non_null(v);
    return v;
}

static void the_dashboard_shows_its_sections_with_the_demos_figures(void **state)
{
    (void)state;
    char *html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<title>Dashboard");
    assert_contains(html, "Nordhafen Bank AG");
    static const char *const sections[] = { "Objectives against appetite",
                                            "Top risks in money",
                                            "Residual risk heat map",
                                            "Needs attention",
                                            "Controls and assets",
                                            "Framework coverage",
                                            "Ledger" };
    for (size_t k = 0; k < sizeof sections / sizeof *sections; k++)
        assert_contains(html, sections[k]);
    /* the demo's figures, as isms summary has them */
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    char want[160];
    snprintf(want, sizeof want, "%lld active risks",
             (long long)json_integer_value(json_object_get(json_object_get(s, "risks"), "active")));
    assert_contains(html, want);
    snprintf(
        want, sizeof want, "%lld entries",
        (long long)json_integer_value(json_object_get(json_object_get(s, "ledger"), "entries")));
    assert_contains(html, want);
    json_decref(s);
    assert_contains(html, "href=\"/analyses/QNT-5\""); /* the portfolio analysis it reads */
    assert_contains(html, "href=\"/risks/RISK-5\"");   /* outside appetite, top in money */
    assert_contains(html, "iso27001-2022");
    assert_contains(html, "Computed ");
    /* coverage links to its pages: each framework's, its SoA's statement */
    assert_contains(html, "<a href=\"/coverage?framework=iso27001-2022\">iso27001-2022</a>");
    assert_contains(html, "<a href=\"/soas/SOA-1/statement\">SOA-1</a>");
    assert_contains(html, "<caption>Coverage per framework</caption>");
    assert_contains(html, "<a href=\"/drift\">");
    free(html);
    /* the figure the dashboard shows is the coverage page's total */
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", "/api/v1/coverage?framework=iso27001-2022", NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *cov = wf_json(&r);
    tu_http_free(&r);
    json_t *total = json_object_get(cov, "total");
    snprintf(want, sizeof want, "<th scope=\"row\">Total</th><td></td><td class=\"num\">%lld</td>",
             (long long)json_integer_value(json_object_get(total, "covered")));
    html = wf_page(WF_AUDITOR, "/coverage?framework=iso27001-2022", 200);
    assert_contains(html, want);
    free(html);
    html = wf_page(WF_AUDITOR, "/", 200);
    snprintf(want, sizeof want, "<td class=\"num\">%lld</td>",
             (long long)json_integer_value(json_object_get(total, "covered")));
    assert_contains(html, want);
    snprintf(want, sizeof want, "<td class=\"num\">%.0f%%</td>",
             json_real_value(json_object_get(total, "percent_covered")));
    assert_contains(html, want);
    json_decref(cov);
    free(html);
}

/* Every cell's link lists exactly the risks the cell counts. */
static void each_heat_map_cell_links_to_its_risks(void **state)
{
    (void)state;
    char *html = wf_page(WF_LEAD, "/", 200);
    int cells = 0, risks = 0;
    const char *marker = "<a href=\"/risks?residual_likelihood=";
    for (const char *p = strstr(html, marker); p; p = strstr(p + 1, marker)) {
        int l, i, n;
        const char *label = strstr(p, "aria-label=\"likelihood ");
        assert_non_null(label);
        assert_int_equal(
            sscanf(label, "aria-label=\"likelihood %d, impact %d: %d risk", &l, &i, &n), 3);
        char href[96], api[128];
        snprintf(href, sizeof href, "%s%d&amp;residual_impact=%d\"", marker, l, i);
        assert_true(!strncmp(p, href, strlen(href)));
        snprintf(api, sizeof api, "/api/v1/risks?residual_likelihood=%d&residual_impact=%d", l, i);
        assert_int_equal(wf_total(api), n);
        char list[96];
        snprintf(list, sizeof list, "/risks?residual_likelihood=%d&residual_impact=%d", l, i);
        free(wf_page(WF_LEAD, list, 200));
        cells++;
        risks += n;
    }
    assert_true(cells >= 3);
    assert_int_equal(risks, wf_total("/api/v1/risks"));
    free(html);
}

/* No count reads "1 risks": for each " <plural> " in the page, the number
 * before it is not a lone 1. */
static void no_lone_one_before(const char *html, const char *plural)
{
    char at[64];
    snprintf(at, sizeof at, " %s ", plural);
    for (const char *p = strstr(html, at); p; p = strstr(p + 1, at))
        if (p - html >= 2 && p[-1] == '1' && (p - html == 2 || p[-2] < '0' || p[-2] > '9'))
            fail_msg("\"1%.40s\": a count of one in the plural", p);
}

/* Needs attention says what isms summary says, in the singular where the
 * count is one, and lists what the summary lists: the objectives with no
 * quantified risk and the risks whose matrix cell and figures disagree. */
static void needs_attention_reads_as_the_summary(void **state)
{
    (void)state;
    char *html = wf_page(WF_LEAD, "/", 200);
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *att = json_object_get(s, "attention");
    assert_int_equal(json_integer_value(json_object_get(att, "outside_appetite")), 1);
    assert_contains(html, "<a href=\"/attention?list=outside-appetite\">1 risk outside appetite by "
                          "its latest analysis</a>: <a href=\"/risks/RISK-5\">");
    char want[200];
    snprintf(want, sizeof want, "%lld risk review%s overdue",
             (long long)json_integer_value(json_object_get(att, "review_overdue")),
             json_integer_value(json_object_get(att, "review_overdue")) == 1 ? "" : "s");
    assert_contains(html, want);
    json_t *objs = json_object_get(json_object_get(s, "objectives"), "not_quantified");
    assert_int_equal(json_array_size(objs), 1);
    snprintf(want, sizeof want,
             "1 objective with no quantified risk: no certainty: <a href=\"/objectives/%s\">",
             json_string_value(json_array_get(objs, 0)));
    assert_contains(html, want);
    snprintf(want, sizeof want, "%lld risks whose matrix cell and figures in money",
             (long long)json_integer_value(json_object_get(att, "matrix_disagrees_count")));
    assert_contains(html, want);
    json_decref(s);
    static const char *const plurals[] = { "risks", "analyses", "acceptances", "controls",
                                           "objectives" };
    for (size_t k = 0; k < sizeof plurals / sizeof *plurals; k++)
        no_lone_one_before(html, plurals[k]);
    free(html);
}

/* A saved analysis's page reads as what it found: a risk's verdict, loss
 * table and curve, what drove the loss, whether the figures still hold
 * (before them); a portfolio's loss per objective; the JSON it keeps only
 * folded, wrapped. */
static void an_analysis_reads_as_what_it_found(void **state)
{
    (void)state;
    json_t *risk = tu_json_take(tu_isms_ok(wf_repo(), "risk", "show", "RISK-5", "--json"));
    const char *key =
        json_string_value(json_object_get(json_object_get(risk, "latest_analysis"), "key"));
    json_t *a = tu_json_take(tu_isms_ok(wf_repo(), "analysis", "show", key, "--json"));
    char path[64], money[64], want[200];
    snprintf(path, sizeof path, "/analyses/%s", key);
    char *html = wf_page(WF_AUDITOR, path, 200);
    const char *found = strstr(html, "What it found");
    assert_non_null(found);
    assert_non_null(strstr(found, "Current: its inputs have not changed since it ran."));
    format_money(money, sizeof money, json_integer_value(json_object_get(a, "p95_loss")), 2);
    const char *row = strstr(found, "current residual (controls in place)</th>");
    assert_non_null(row);
    snprintf(want, sizeof want, "<td>EUR\u00a0%s</td><td>", money); /* its P95, then P99 */
    const char *cell = strstr(row, want);
    if (!cell || cell > strstr(row, "</tr>"))
        fail_msg("%s not in %.400s", want, row);
    assert_non_null(strstr(found, "<svg"));
    assert_non_null(strstr(found, "What drives the loss"));
    /* the results as kept: once, folded, never a line across the page */
    const char *doc = strstr(html, "&quot;expected_shortfall&quot;");
    assert_non_null(doc);
    const char *pre = strstr(html, "<details><summary>JSON as kept");
    assert_non_null(pre);
    assert_true(pre < doc);
    json_decref(a);
    json_decref(risk);
    free(html);
    /* the portfolio by objective, stale in the demo: said before its figures */
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *objs = json_object_get(s, "objectives");
    assert_true(json_is_true(json_object_get(objs, "analysis_stale")));
    snprintf(path, sizeof path, "/analyses/%s",
             json_string_value(json_object_get(objs, "analysis")));
    html = wf_page(WF_AUDITOR, path, 200);
    found = strstr(html, "What it found");
    assert_non_null(found);
    const char *stale = strstr(found, "<p class=\"bad\">Figures STALE since ");
    const char *table = strstr(found, "<caption>Annual loss against appetite</caption>");
    assert_non_null(stale);
    assert_non_null(table);
    assert_true(stale < table);
    assert_non_null(strstr(table, "the organisation"));
    assert_non_null(strstr(table, "<a href=\"/objectives/OBJ-1\">OBJ-1</a>"));
    free(html);
    /* the return on controls: each control's row; no loss of its own (not 0) */
    const char *controls = NULL;
    size_t k;
    json_t *st;
    json_array_foreach(json_object_get(json_object_get(s, "attention"), "stale_analyses"), k, st)
    {
        if (!strcmp(json_string_value(json_object_get(st, "subject")), "controls"))
            controls = json_string_value(json_object_get(st, "analysis"));
    }
    assert_non_null(controls);
    a = tu_json_take(tu_isms_ok(wf_repo(), "analysis", "show", controls, "--json"));
    assert_true(json_is_null(json_object_get(a, "mean_loss")));
    assert_true(json_is_null(json_object_get(a, "p95_loss")));
    json_decref(a);
    snprintf(path, sizeof path, "/analyses/%s", controls);
    html = wf_page(WF_AUDITOR, path, 200);
    table = strstr(html, "<caption>What each control buys</caption>");
    assert_non_null(table);
    assert_non_null(strstr(table, "<a href=\"/controls/CTL-8\">CTL-8</a>"));
    json_decref(s);
    free(html);
}

/* A mapping, which has no name of its own, is called by what it links on
 * the other side, and how: on a control's page the requirement (framework,
 * code, title), on the requirement's the control; the CLI says the same. */
static void a_mapping_is_named_by_its_other_side(void **state)
{
    (void)state;
    const char *onto = "onto iso27001-2022:A.8.8 Management of technical vulnerabilities "
                       "(subset-of)";
    char *html = wf_page(WF_AUDITOR, "/controls/CTL-8", 200);
    const char *at = strstr(html, onto);
    if (!at)
        fail_msg("CTL-8's page does not say %s", onto);
    /* the row's link: <a href="/mappings/MAP-n">MAP-n</a> before the text */
    const char *link = NULL;
    for (const char *p = strstr(html, "href=\"/mappings/"); p && p < at;
         p = strstr(p + 1, "href=\"/mappings/"))
        link = p;
    assert_non_null(link);
    char key[32];
    assert_int_equal(sscanf(link, "href=\"/mappings/%31[^\"]", key), 1);
    free(html);
    char *cli = tu_isms_ok(wf_repo(), "control", "show", "CTL-8");
    assert_contains(cli, "onto iso27001-2022:A.8.8 Management of technical");
    free(cli);
    json_t *m = tu_json_take(tu_isms_ok(wf_repo(), "mapping", "show", key, "--json"));
    char path[64];
    snprintf(path, sizeof path, "/requirements/%s",
             json_string_value(json_object_get(m, "target")));
    html = wf_page(WF_AUDITOR, path, 200);
    assert_contains(html, "CTL-8 Virtual patching for the legacy core (subset-of)");
    json_decref(m);
    free(html);
}

/* An objective's page says its loss against appetite from the latest
 * portfolio analysis by objective (the figures that analysis keeps), stale
 * when it is; one with no quantified risk says so. */
static void an_objective_shows_its_loss_against_appetite(void **state)
{
    (void)state;
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    const char *key =
        json_string_value(json_object_get(json_object_get(s, "objectives"), "analysis"));
    json_t *a = tu_json_take(tu_isms_ok(wf_repo(), "analysis", "show", key, "--json"));
    json_t *res = json_loads(json_string_value(json_object_get(a, "results")), 0, NULL);
    json_t *obj1 = NULL, *o;
    size_t k;
    json_array_foreach(json_object_get(res, "objectives"), k, o)
    {
        if (!strcmp(json_string_value(json_object_get(o, "key")), "OBJ-1"))
            obj1 = o;
    }
    assert_non_null(obj1);
    char money[64], want[200];
    format_money(money, sizeof money,
                 json_integer_value(json_object_get(json_object_get(obj1, "annual_loss"), "p95")),
                 2);
    char *html = wf_page(WF_AUDITOR, "/objectives/OBJ-1", 200);
    const char *at = strstr(html, "Against appetite</h2>");
    assert_non_null(at);
    assert_non_null(strstr(at, "<p class=\"bad\">STALE since ")); /* the demo's is stale */
    snprintf(want, sizeof want, "<td class=\"num\">EUR\u00a0%s</td>", money);
    assert_non_null(strstr(at, want));
    snprintf(want, sizeof want, "<a href=\"/analyses/%s\">%s</a>", key, key);
    assert_non_null(strstr(at, want));
    free(html);
    html = wf_page(WF_AUDITOR, "/objectives/OBJ-4", 200);
    assert_contains(html, "No risk of it is quantified in that analysis");
    free(html);
    json_decref(res);
    json_decref(a);
    json_decref(s);
}

/* A risk's page shows its latest analysis's mean and P95 loss as the
 * analysis has them, money as on the dashboard (the currency first, a
 * no-break space after it),
 * FAIR's inputs by their names (LEF, TEF) with their meaning on hover,
 * the levels of the matrix with their names. */
static void a_risks_page_shows_its_latest_figures(void **state)
{
    (void)state;
    json_t *risk = tu_json_take(tu_isms_ok(wf_repo(), "risk", "show", "RISK-5", "--json"));
    const char *key =
        json_string_value(json_object_get(json_object_get(risk, "latest_analysis"), "key"));
    assert_non_null(key);
    json_t *a = tu_json_take(tu_isms_ok(wf_repo(), "analysis", "show", key, "--json"));
    char *html = wf_page(WF_AUDITOR, "/risks/RISK-5", 200);
    static const char *const figures[][2] = { { "Mean annual loss", "mean_loss" },
                                              { "Annual loss at P95", "p95_loss" } };
    for (size_t k = 0; k < 2; k++) {
        char money[64], want[160];
        format_money(money, sizeof money, json_integer_value(json_object_get(a, figures[k][1])), 2);
        snprintf(want, sizeof want, ">%s</dt><dd>EUR\u00a0%s</dd>", figures[k][0], money);
        assert_contains(html, want);
    }
    assert_contains(html, ">Margin</dt><dd>EUR\u00a0");
    assert_contains(html, "<dt title=\"loss event frequency per year");
    assert_contains(html, ">LEF</dt>");
    assert_contains(html, "<dt title=\"threat event frequency per year\">TEF</dt>");
    assert_null(strstr(html, ">Lef<"));
    /* a level of the matrix by number and the organisation's name */
    assert_contains(html, ">Likelihood</dt><dd>4 · likely</dd>");
    assert_contains(html, ">Residual likelihood</dt><dd>3 · possible</dd>");
    /* its review date passed (the demo's 2026-09-30): said on the page */
    assert_contains(html,
                    ">Review date</dt><dd>2026-09-30 <strong class=\"error\">overdue</strong>");
    json_decref(a);
    json_decref(risk);
    free(html);
}

/* A record's page lists the first DOM_BACKLINKS_SHOWN records of each
 * field that refers to it, then a link to the list of every one. */
static void a_page_lists_the_first_referrers_and_links_to_all(void **state)
{
    (void)state;
    for (int k = 0; k <= DOM_BACKLINKS_SHOWN; k++)
        free(tu_isms_ok(wf_repo(), "risk", "add", "--title", "One of many", "--owner", "PER-1",
                        "--likelihood", "1", "--impact", "1", "--objective", "OBJ-3"));
    char *html = wf_page(WF_AUDITOR, "/objectives/OBJ-3", 200);
    const char *linked = strstr(html, "Linked here</h2>");
    assert_non_null(linked);
    int rows = 0;
    for (const char *p = strstr(linked, "<td><a href=\"/risks/RISK-"); p;
         p = strstr(p + 1, "<td><a href=\"/risks/RISK-"))
        rows++;
    assert_int_equal(rows, DOM_BACKLINKS_SHOWN);
    assert_contains(linked, "and more: <a href=\"/risks?objectives=OBJ-3\">every risk whose "
                            "objectives name OBJ-3</a>");
    free(html);
    html = wf_page(WF_AUDITOR, "/risks?objectives=OBJ-3", 200);
    assert_non_null(strstr(html, "One of many"));
    free(html);
}

/* My work lists what of the person's is due or overdue, from the index of
 * owner and date: a review date set in the past reads as overdue there. */
static void my_work_lists_what_is_due(void **state)
{
    (void)state;
    free(tu_isms_ok(wf_repo(), "risk", "update", "RISK-11", "--review-date", "2020-02-03"));
    char *html = wf_page(WF_LEAD, "/my", 200);
    const char *due = strstr(html, "Due or overdue</h2>");
    assert_non_null(due);
    const char *row = strstr(due, "<a href=\"/risks/RISK-11\">RISK-11</a>");
    assert_non_null(row);
    assert_true(row < strstr(due, "Yours</h2>"));
    assert_non_null(strstr(row, "<td>2020-02-03</td><td><strong class=\"error\">overdue"));
    free(html);
}

/* A page offers no edit the domain would refuse: an approved appetite
 * can be retired or followed by a new version, not edited; what belongs to
 * an approved Statement of Applicability can be neither edited nor
 * retired; an open record can be both. */
static void a_frozen_record_offers_no_edit(void **state)
{
    (void)state;
    char *html = wf_page(WF_LEAD, "/appetites/APP-2", 200);
    assert_null(strstr(html, "/appetites/APP-2/edit"));
    assert_contains(html, "<a class=\"button\" href=\"/appetites/new\">New version</a>");
    assert_contains(html, ">Retire</button>");
    free(html);
    html = wf_page(WF_LEAD, "/applicabilities/APL-67", 200);
    assert_null(strstr(html, "/applicabilities/APL-67/edit"));
    assert_null(strstr(html, ">Retire</button>"));
    free(html);
    html = wf_page(WF_LEAD, "/risks/RISK-1", 200);
    assert_contains(html, "href=\"/risks/RISK-1/edit\">Edit</a>");
    assert_contains(html, ">Retire</button>");
    free(html);
}

/* The governance loop on the web: the dashboard's decisions as the demo
 * has them; a proposal offers "Decide" to a member of the body who did not
 * propose it, not to the lead who did (four eyes); deciding on the page
 * freezes the decision and moves the dashboard. */
/* Transition `verb` of the record at `page`: not offered to `refused`,
 * whose post is a 403; offered to `allowed`, whose post makes it (303). */
static void offered_only_to(const char *page, const char *verb, const char *refused,
                            const char *allowed)
{
    char action[160];
    snprintf(action, sizeof action, "%s/%s", page, verb);
    char *html = wf_page(refused, page, 200);
    assert_null(strstr(html, action));
    free(html);
    html = wf_page(allowed, page, 200);
    assert_contains(html, action);
    free(html);
    tu_http r;
    wf_form(&r, refused, action, "");
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    wf_form(&r, allowed, action, "");
    assert_int_equal(r.status, 303);
    tu_http_free(&r);
}

static void the_body_decides_on_the_page(void **state)
{
    (void)state;
    char *html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<h2 id=\"h-dec\">Decisions</h2>");
    assert_contains(html, "<a href=\"/decisions?status=decided\">2 decided</a>");
    assert_contains(html, "EUR\u00a01,520,000.00 allocated by them");
    assert_contains(html, "awaiting the body: <a href=\"/decisions/DEC-4\">DEC-4</a>, "
                          "<a href=\"/decisions/DEC-5\">DEC-5</a>");
    /* and whether risk information drives them, as the summary counts */
    assert_contains(html, "<h2 id=\"h-health\">Is risk information driving decisions?</h2>");
    assert_contains(html, "<th scope=\"row\">Decisions taken that rest on risk information</th>"
                          "<td class=\"num\">3</td><td class=\"num\">3</td>"
                          "<td class=\"num\">100.0%</td>");
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *health = json_object_get(s, "health");
    char want[200];
    snprintf(want, sizeof want,
             "<th scope=\"row\">Controls tied to a risk they treat</th><td class=\"num\">%lld</td>",
             (long long)json_integer_value(json_object_get(health, "controls_tied_to_risks")));
    assert_contains(html, want);
    snprintf(want, sizeof want,
             "<th scope=\"row\">Risk owners who hold a budget</th><td "
             "class=\"num\">%lld</td><td class=\"num\">%lld</td>",
             (long long)json_integer_value(json_object_get(health, "risk_owners_with_budget")),
             (long long)json_integer_value(json_object_get(health, "risk_owners")));
    assert_contains(html, want);
    /* the cadence of management reviews, as the summary counts it (the
     * demo's REV-1 of 2026-11-12 while it is of the last 365 days) */
    const char *last = json_string_value(json_object_get(health, "last_review"));
    json_int_t held = json_integer_value(json_object_get(health, "reviews_held_last_365_days"));
    snprintf(want, sizeof want, "%lld management review%s held</a> in the last 365 days%s%s",
             (long long)held, held == 1 ? "" : "s", last ? ", the latest on " : ": ",
             last ? last : "<strong class=\"error\">none</strong>");
    assert_contains(html, want);
    json_decref(s);
    free(html);
    html = wf_page(WF_LEAD, "/decisions/DEC-4", 200);
    assert_contains(html, "href=\"/decisions/DEC-4/edit\"");
    free(html);
    offered_only_to("/decisions/DEC-4", "decide", WF_LEAD, WF_BOARD);
    html = wf_page(WF_BOARD, "/decisions/DEC-4", 200);
    assert_null(strstr(html, "/decisions/DEC-4/edit"));
    assert_null(strstr(html, "/decisions/DEC-4/decide"));
    free(html);
    html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<a href=\"/decisions?status=decided\">3 decided</a>");
    assert_contains(html, "EUR\u00a01,575,000.00 allocated by them");
    assert_contains(html, "awaiting the body: <a href=\"/decisions/DEC-5\">DEC-5</a>.");
    assert_contains(html, "<li>0 decisions decided and not carried out by their due dates</li>");
    free(html);
    /* one decided and late is among what needs attention, a link to the decided */
    free(tu_isms_ok(wf_repo(), "--as", WF_LEAD, "decision", "add", "--title", "Fund it", "--kind",
                    "direct", "--proposal", "p", "--owner", WF_OWNER, "--due-date", "2020-01-31"));
    free(tu_isms_ok(wf_repo(), "--as", WF_BOARD, "decision", "decide", "DEC-6"));
    html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<li><a href=\"/decisions?status=decided\">1 decision decided and not "
                          "carried out by its due date</a></li>");
    free(html);
}

/* A planned management review offers its owner (and the lead) to
 * assemble its inputs; the page then shows them; nobody else is offered
 * it, and a post of theirs is refused. */
static void a_review_gets_its_inputs_on_its_page(void **state)
{
    (void)state;
    free(tu_isms_ok(wf_repo(), "--as", WF_LEAD, "review", "add", "--title", "Extraordinary review",
                    "--held-on", "2026-12-20", "--owner", WF_LEAD));
    char *html = wf_page(WF_AUDITOR, "/reviews/REV-2", 200);
    assert_null(strstr(html, "/reviews/REV-2/inputs"));
    free(html);
    tu_http r;
    wf_form(&r, WF_AUDITOR, "/reviews/REV-2/inputs", "");
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    html = wf_page(WF_LEAD, "/reviews/REV-2", 200);
    assert_contains(html, "action=\"/reviews/REV-2/inputs\"");
    assert_contains(html, ">Assemble the inputs</button>");
    assert_null(strstr(html, "/reviews/REV-2/hold")); /* not without its inputs */
    free(html);
    wf_form(&r, WF_LEAD, "/reviews/REV-2/inputs", "");
    assert_int_equal(r.status, 303);
    tu_http_free(&r);
    html = wf_page(WF_AUDITOR, "/reviews/REV-2", 200);
    assert_contains(html, "Inputs to REV-2 (ISO/IEC 27001 Cl. 9.3.2)");
    assert_null(strstr(html, "/reviews/REV-2/hold")); /* (the auditor may not) */
    free(html);
    html = wf_page(WF_LEAD, "/reviews/REV-2", 200);
    assert_contains(html, "action=\"/reviews/REV-2/hold\"");
    assert_contains(html, "since 2026-11-12 (REV-1)"); /* the demo's review before it */
    assert_contains(html, "OBJ-1 Process payments 24/7: above-tolerance, annual loss at the "
                          "appetite&#39;s percentile EUR 8,503,449.36, 85.3% certain");
    free(html);
    /* the API does the same, and says why it will not twice once held */
    wf_req(&r, WF_LEAD, "POST", "/api/v1/reviews/REV-2/inputs", NULL, NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    free(tu_isms_ok(wf_repo(), "--as", WF_LEAD, "review", "hold", "REV-2"));
    wf_req(&r, WF_LEAD, "POST", "/api/v1/reviews/REV-2/inputs", NULL, NULL);
    assert_int_equal(r.status, 409);
    assert_string_equal(wf_error_field(&r), "status");
    tu_http_free(&r);
}

/* The incidents section counts as the summary does; the reports owed to
 * the authorities are read at each view (their clock runs by the hour);
 * an incident's page says which report is late, and offers containing it
 * to its owner alone. */
static void incidents_and_the_reports_owed_on_the_dashboard(void **state)
{
    (void)state;
    char *html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<h2 id=\"h-inc\">Incidents</h2>");
    assert_contains(html, "<a href=\"/incidents?status=contained\">1 contained</a>");
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *year = json_object_get(json_object_get(s, "incidents"), "last_365_days");
    char want[200];
    snprintf(want, sizeof want, "In the last 365 days: %lld detected, %lld of them realising",
             (long long)json_integer_value(json_object_get(year, "detected")),
             (long long)json_integer_value(json_object_get(year, "realising_a_risk")));
    assert_contains(html, want);
    /* and that loss against the demo's portfolio analysis, as the summary
     * says it (while the demo's incidents are of the last 365 days) */
    const char *against = json_string_value(
        json_object_get(json_object_get(s, "incidents"), "loss_against_portfolio"));
    if (json_integer_value(json_object_get(year, "detected"))) {
        assert_non_null(against);
        assert_non_null(strstr(against, "mean annual loss of QNT-"));
        char line[600];
        snprintf(line, sizeof line, "<p>That loss against the figures: %s.</p>", against);
        assert_contains(html, line);
    } else {
        assert_null(against);
        assert_null(strstr(html, "That loss against the figures"));
    }
    json_decref(s);
    assert_contains(html, "<h2 id=\"h-rep\">Reports owed to authorities</h2><p class=\"ok\">None "
                          "late, none due in the next 24 hours.</p>");
    free(html);
    /* the New form says the one form of a time isms reads */
    html = wf_page(WF_LEAD, "/incidents/new", 200);
    const char *detected_in = strstr(html, "id=\"in-detected_at\"");
    assert_non_null(detected_in);
    assert_non_null(strstr(detected_in, "placeholder=\"YYYY-MM-DDTHH:MM:SSZ (UTC)\""));
    free(html);
    /* a major ICT incident detected 30 hours ago: DORA's initial
     * notification was due 6 hours ago */
    char now[21], detected[21];
    now_timestamp(now);
    timestamp_add(detected, now, -30, 0);
    free(tu_isms_ok(wf_repo(), "--as", WF_LEAD, "incident", "add", "--title", "Payments down",
                    "--severity", "critical", "--detected-at", detected, "--regime", "dora",
                    "--owner", WF_OWNER));
    html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<p class=\"bad\">1 late: the deadline passed: <a "
                          "href=\"/incidents/INC-4\">INC-4</a>.</p>");
    assert_contains(html, "of those being handled: 1 critical");
    free(html);
    html = wf_page(WF_AUDITOR, "/incidents/INC-4", 200);
    assert_contains(html, "(DORA): NOT MADE, 6 h ");
    free(html);
    /* its owner's work: the report, overdue by the hour, not by the day */
    html = wf_page(WF_OWNER, "/my", 200);
    const char *row = strstr(html, "<a href=\"/incidents/INC-4\">INC-4</a>");
    assert_non_null(row);
    const char *end = strstr(row, "</tr>");
    assert_non_null(end);
    const char *overdue = strstr(row, "overdue");
    assert_true(overdue && overdue < end);
    free(html);
    offered_only_to("/incidents/INC-4", "contain", WF_AUDITOR, WF_OWNER);
    /* the report made: none late */
    free(tu_isms_ok(wf_repo(), "--as", WF_OWNER, "incident", "update", "INC-4",
                    "--initial-report-at", now));
    html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "None late, none due in the next 24 hours.");
    assert_contains(html, "<a href=\"/incidents?status=contained\">2 contained</a>");
    free(html);
}

/* The metrics section counts as the summary does, each count a link; a
 * metric's page shows its latest measurements and which way it moved,
 * and offers Measure now to its owner alone; the list offers measuring
 * those due to whoever may own one; the API measures one and refuses a
 * bad parameter by name. */
static void metrics_measured_on_their_pages(void **state)
{
    (void)state;
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *m = json_object_get(s, "metrics");
    char want[200];
    snprintf(want, sizeof want, "<a href=\"/metrics?last_status=off-target\">%lld off target</a>",
             (long long)json_integer_value(json_object_get(m, "off_target")));
    json_decref(s);
    char *html = wf_page(WF_AUDITOR, "/", 200);
    assert_contains(html, "<h2 id=\"h-met\">Metrics</h2>");
    assert_contains(html, want);
    assert_contains(html, "metric off target by its latest measurement</a>: <a "
                          "href=\"/metrics/MET-6\">MET-6</a>");
    /* the board's metrics: MET-6 is management's */
    assert_contains(html, "<caption>The board's metrics</caption>");
    assert_contains(html, "<a href=\"/metrics/MET-3\">MET-3</a> Risks quantified in money</td>"
                          "<td>50%</td><td>80%</td><td>warning</td>");
    assert_null(strstr(html, "<a href=\"/metrics/MET-6\">MET-6</a> Controls"));
    free(html);
    html = wf_page(WF_AUDITOR, "/metrics/MET-6", 200);
    assert_contains(html, "up 16 points since");
    assert_contains(html, "% off-target; ");
    free(html);
    offered_only_to("/metrics/MET-6", "measure", WF_OWNER, "sofia.rossi@nordhafen.example");
    html = wf_page(WF_AUDITOR, "/metrics/MET-6", 200);
    assert_contains(html, "unchanged since");
    free(html);
    html = wf_page(WF_LEAD, "/metrics", 200);
    assert_contains(html, "action=\"/metrics/measure\"");
    free(html);
    /* the form says what each measure counts */
    html = wf_page(WF_LEAD, "/metrics/new", 200);
    assert_contains(html, ">controls-assessed: controls in place assessed for effectiveness "
                          "(percent; higher is better; leading)</option>");
    free(html);
    html = wf_page(WF_AUDITOR, "/metrics", 200);
    assert_null(strstr(html, "action=\"/metrics/measure\""));
    free(html);
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/metrics/MET-1/measure", NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *j = wf_json(&r);
    json_t *first = json_array_get(json_object_get(j, "measured"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "metric")), "MET-1");
    assert_string_equal(json_string_value(json_object_get(first, "status")), "on-target");
    json_decref(j);
    tu_http_free(&r);
    wf_req(&r, WF_LEAD, "POST", "/api/v1/metrics/measure?all=2", NULL, NULL);
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "\"field\":\"all\"");
    tu_http_free(&r);
}

/* A page view reads the last verification; it never makes one. */
static void a_page_view_never_verifies(void **state)
{
    (void)state;
    json_t *before = last_verification();
    char *html = wf_page(WF_LEAD, "/", 200);
    free(wf_page(WF_LEAD, "/", 200));
    json_t *after = last_verification();
    static const char *const same[] = { "recorded", "at", "up_to_entry", "duration_ms" };
    for (size_t k = 0; k < sizeof same / sizeof *same; k++) {
        json_t *b = json_object_get(before, same[k]), *a = json_object_get(after, same[k]);
        assert_true((!a && !b) || json_equal(a, b));
    }
    if (!json_is_true(json_object_get(before, "recorded")))
        assert_contains(html, "Never verified");
    free(html);
    json_decref(before);
    json_decref(after);
    /* once verified, the page says so, as recorded */
    free(tu_isms_ok(wf_repo(), "verify"));
    html = wf_page(WF_LEAD, "/", 200);
    assert_contains(html, "Verified ok");
    json_t *v = last_verification();
    char seq[64];
    snprintf(seq, sizeof seq, "up to entry #%lld",
             (long long)json_integer_value(json_object_get(v, "up_to_entry")));
    assert_contains(html, seq);
    json_decref(v);
    free(html);
}

/* The time of the last recorded verification once it is `after` or later
 * (20 s at most); the caller frees it. */
static char *verified_since(const char *after)
{
    char *at = NULL;
    for (int k = 0; k < 100 && !at; k++) {
        usleep(200000);
        json_t *v = last_verification();
        const char *t = json_string_value(json_object_get(v, "at"));
        if (t && strcmp(t, after) >= 0 && json_is_true(json_object_get(v, "ok")))
            at = strdup(t);
        json_decref(v);
    }
    if (!at)
        fail_msg("no verification recorded since %s", after);
    return at;
}

static web_server *serve_verifying(web_config *cfg, int every)
{
    *cfg = (web_config){
        .repo = wf_repo(), .listen = "127.0.0.1:0", .threads = 1, .verify_every = every
    };
    web_server *s;
    isms_err e = { 0 };
    if (web_start(cfg, &s, &e))
        fail_msg("web_start: %s", e.msg);
    return s;
}

/* Now, once it is a second past `t` (NULL: at once): only a verification
 * made from then on is recorded at or past it. */
static void mark_after(const char *t, char mark[32])
{
    for (;;) {
        time_t now = time(NULL);
        strftime(mark, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        if (!t || strcmp(mark, t) > 0)
            return;
        usleep(100000);
    }
}

/* The server verifies once at its start, then on its schedule, on its
 * own connection, and records it as isms verify does; stopping it is
 * prompt. */
static void the_server_verifies_at_start_and_on_a_schedule(void **state)
{
    (void)state;
    char mark[32];
    web_config cfg;
    json_t *before = last_verification();
    mark_after(json_string_value(json_object_get(before, "at")), mark);
    json_decref(before);
    web_server *s = serve_verifying(&cfg, 3600); /* the next in an hour: this is the start's */
    char *first = verified_since(mark);
    web_stop(s);
    s = serve_verifying(&cfg, 1);
    mark_after(first, mark);
    free(first);
    free(verified_since(mark));
    time_t t1 = time(NULL);
    web_stop(s);
    assert_true(time(NULL) - t1 <= 5);
    /* and the dashboard reports it */
    char *html = wf_page(WF_LEAD, "/", 200);
    assert_contains(html, "Verified ok");
    free(html);
}

/* A signed-in browser's session: its cookie and CSRF token. */
static void sign_in(const char *who, char cookie[128], char csrf[128])
{
    char body[200];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"nordhafen-demo\"}", who);
    tu_http r;
    wf_req(&r, NULL, "POST", "/api/v1/session", body, NULL);
    assert_int_equal(r.status, 200);
    char *set = tu_http_header(&r, "Set-Cookie");
    assert_non_null(set);
    snprintf(cookie, 128, "%.*s", (int)strcspn(set, ";"), set);
    free(set);
    json_t *j = wf_json(&r);
    snprintf(csrf, 128, "%s", json_string_value(json_object_get(j, "csrf_token")));
    json_decref(j);
    tu_http_free(&r);
}

static int post_with_cookie(const char *cookie, const char *path, const char *form)
{
    char headers[300];
    snprintf(headers, sizeof headers,
             "Cookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n", cookie);
    tu_http r;
    tu_http_send(&r, wf_port(), "POST", path, headers, form, strlen(form));
    int status = r.status;
    tu_http_free(&r);
    return status;
}

/* RISK-5 is outside appetite: only the management body may accept it. */
static void accepting_needs_the_csrf_token_and_the_authority(void **state)
{
    (void)state;
    int64_t before = wf_total("/api/v1/acceptances");
    /* the lead sees who may, and no form */
    char *html = wf_page(WF_LEAD, "/risks/RISK-5/accept", 200);
    assert_contains(html, "needs <strong>the management body</strong>");
    assert_contains(html, "outside appetite");
    assert_contains(html, "not enough to accept it");
    assert_not_contains(html, "name=\"rationale\"");
    free(html);
    /* ... and posting anyway is refused, nothing written */
    tu_http r;
    wf_form(&r, WF_LEAD, "/risks/RISK-5/accept", "rationale=try");
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    assert_int_equal(wf_total("/api/v1/acceptances"), before);
    /* the board's browser: the form, with its CSRF field */
    char cookie[128], csrf[128], form[300];
    sign_in(WF_BOARD, cookie, csrf);
    char headers[200];
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", cookie);
    tu_http_send(&r, wf_port(), "GET", "/risks/RISK-5/accept", headers, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "name=\"rationale\"");
    assert_contains(r.body, "name=\"csrf\"");
    tu_http_free(&r);
    /* without the token, or with another, nothing happens */
    assert_int_equal(post_with_cookie(cookie, "/risks/RISK-5/accept", "rationale=no+token"), 403);
    assert_int_equal(
        post_with_cookie(cookie, "/risks/RISK-5/accept", "rationale=stale&csrf=AAAAAAAAAAAAAAAA"),
        403);
    assert_int_equal(wf_total("/api/v1/acceptances"), before);
    /* a refused value keeps what was entered */
    snprintf(form, sizeof form, "rationale=kept+text&until=1999-01-01&csrf=%s", csrf);
    char h2[300];
    snprintf(h2, sizeof h2, "Cookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n",
             cookie);
    tu_http_send(&r, wf_port(), "POST", "/risks/RISK-5/accept", h2, form, strlen(form));
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "kept text");
    assert_contains(r.body, "not in the future");
    tu_http_free(&r);
    /* with it, accepted as the board member */
    snprintf(form, sizeof form, "rationale=Board+accepts+until+the+migration&csrf=%s", csrf);
    assert_int_equal(post_with_cookie(cookie, "/risks/RISK-5/accept", form), 303);
    assert_int_equal(wf_total("/api/v1/acceptances"), before + 1);
}

static void the_quantify_page_draws_the_curve_and_titles_are_text(void **state)
{
    (void)state;
    const char *payload = "<script>alert(1)</script>\\\"'><svg onload=alert(2)>";
    char body[300];
    snprintf(body, sizeof body, "{\"title\":\"%s\"}", payload);
    tu_http r;
    wf_req(&r, WF_LEAD, "PATCH", "/api/v1/risks/RISK-12", body, NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    char *html = wf_page(WF_AUDITOR, "/risks/RISK-12/quantify?iterations=2000", 200);
    assert_contains(html, "<svg");
    assert_contains(html, "loss exceedance");
    assert_contains(html, "current residual");
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_not_contains(html, "<script>alert(1)");
    assert_not_contains(html, "<svg onload");
    free(html);
    html = wf_page(WF_AUDITOR, "/", 200); /* RISK-12 is among the top risks in money */
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_not_contains(html, "<script>alert(1)");
    assert_not_contains(html, "<svg onload");
    free(html);
    html = wf_page(WF_READER, "/controls/roi?iterations=2000", 200);
    assert_contains(html, "Return on controls");
    assert_contains(html, "href=\"/controls/CTL-8\"");
    free(html);
    html = wf_page(WF_READER, "/risks/RISK-5", 200); /* the record page links its workflows */
    assert_contains(html, "href=\"/risks/RISK-5/quantify\"");
    assert_contains(html, "href=\"/risks/RISK-5/accept\"");
    free(html);
}

/* The responsibility matrix: the demo's gaps, each count a link to the
 * person's records of that register (and as many as it lists), the same
 * figures in the API and the CLI, a page of people, bad pages refused by
 * name; the dashboard and the registers link to it. */
static void the_responsibility_matrix_names_the_gaps(void **state)
{
    (void)state;
    tu_http r;
    wf_req(&r, WF_AUDITOR, "GET", "/api/v1/responsibilities?offset=1&limit=2", NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *m = wf_json(&r);
    tu_http_free(&r);
    assert_int_equal(json_integer_value(json_object_get(m, "people")), wf_total("/api/v1/people"));
    assert_int_equal(json_array_size(json_object_get(m, "rows")), 2);
    assert_int_equal(json_integer_value(json_object_get(m, "offset")), 1);
    json_t *first = json_array_get(json_object_get(m, "rows"), 0); /* by name: Aylin, Dana */
    assert_string_equal(json_string_value(json_object_get(first, "name")), "Dana Berg");
    json_int_t risks = json_integer_value(json_object_get(json_object_get(first, "owns"), "risks"));
    assert_true(risks >= 1);
    assert_int_equal(json_integer_value(json_object_get(first, "budget_authority")),
                     5000000000LL); /* EUR 50,000,000.00 in cents */
    assert_string_equal(json_string_value(json_object_get(first, "budget_authority_text")),
                        "EUR 50,000,000.00");
    assert_int_equal(wf_total("/api/v1/risks?owner=PER-1"), risks); /* what the link lists */
    assert_true(json_integer_value(json_object_get(m, "gaps_total")) >= 3);
    json_decref(m);

    char *html = wf_page(WF_READER, "/responsibilities", 200), want[160];
    assert_contains(html, "<h1>Responsibility matrix</h1>");
    assert_contains(html, "<li data-gap=\"without-role\"><a href=\"/people/PER-1\">PER-1</a>: "
                          "Dana Berg owns ");
    assert_contains(html, "<li data-gap=\"without-role\"><a href=\"/people/PER-7\">PER-7</a>: "
                          "Sofia Rossi owns 1 asset without the role asset-owner");
    snprintf(want, sizeof want, "<a href=\"/risks?owner=PER-1\">%lld</a>", (long long)risks);
    assert_contains(html, want);
    assert_contains(html, "<caption>Held by ");
    free(html);

    char *text = tu_isms_ok(wf_repo(), "person", "matrix");
    assert_contains(text, "PER-7: Sofia Rossi owns 1 asset without the role asset-owner");
    free(text);

    /* the gaps of one kind, naming one person, from an offset: each
     * reachable however many there are */
    wf_req(&r, WF_AUDITOR, "GET",
           "/api/v1/responsibilities?gap=without-role&gap_person=sofia.rossi%40nordhafen.example",
           NULL, NULL);
    assert_int_equal(r.status, 200);
    m = wf_json(&r);
    tu_http_free(&r);
    assert_string_equal(json_string_value(json_object_get(m, "gap")), "without-role");
    assert_string_equal(json_string_value(json_object_get(m, "gap_person")), "PER-7");
    assert_int_equal(json_integer_value(json_object_get(m, "gaps_asked")), 1);
    assert_int_equal(json_array_size(json_object_get(m, "gaps")), 1);
    json_t *by_kind = json_object_get(m, "gaps_by_kind");
    assert_true(json_integer_value(json_object_get(by_kind, "without-role")) >= 3);
    json_int_t kinds = 0;
    const char *kind;
    json_t *n;
    json_object_foreach(by_kind, kind, n) kinds += json_integer_value(n);
    assert_int_equal(kinds, json_integer_value(json_object_get(m, "gaps_total")));
    json_decref(m);
    html = wf_page(WF_READER, "/responsibilities?gap=without-role&gap_offset=1&limit=2", 200);
    assert_contains(html, "<strong aria-current=\"true\">without-role (");
    assert_contains(html, "Previous gaps</a>");
    assert_not_contains(html, "<a href=\"/people/PER-1\">PER-1</a>: Dana Berg owns");
    assert_contains(html,
                    "href=\"/responsibilities?offset=0&amp;limit=2&amp;gap=without-role#gaps\"");
    free(html);
    html = wf_page(WF_READER, "/responsibilities?gap_person=PER-4", 200);
    assert_contains(html, "The gaps naming <a href=\"/people/PER-4\">PER-4</a>: 1 of ");
    assert_contains(html, "Tomasz Nowak owns 2 controls without the role control-owner");
    assert_not_contains(html, "Sofia Rossi owns");
    free(html);
    text = tu_isms_ok(wf_repo(), "person", "matrix", "--gap", "without-role", "--gap-offset", "2");
    assert_contains(text, "of kind without-role:");
    assert_contains(text, "PER-7: Sofia Rossi owns 1 asset");
    assert_not_contains(text, "PER-1: Dana Berg owns");
    free(text);
    tu_result run;
    tu_isms(&run, wf_repo(), NULL, "person", "matrix", "--gap", "vacant", NULL);
    assert_int_equal(run.status, 3);
    assert_contains(run.err, "gap vacant: give role-vacant, without-role");
    assert_contains(run.err, "(option --gap)");
    tu_result_free(&run);

    const char *bad[][2] = { { "/api/v1/responsibilities?limit=0", "limit" },
                             { "/api/v1/responsibilities?offset=x", "offset" },
                             { "/api/v1/responsibilities?sort=name", "sort" },
                             { "/api/v1/responsibilities?gap=vacant", "gap" },
                             { "/api/v1/responsibilities?gap_offset=-1", "gap_offset" },
                             { "/api/v1/responsibilities?gap_person=nobody", "gap_person" },
                             { "/responsibilities?limit=501", "limit" } };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        wf_req(&r, WF_LEAD, "GET", bad[k][0], NULL, NULL);
        assert_int_equal(r.status, strstr(bad[k][0], "nobody") ? 404 : 400);
        if (!strncmp(bad[k][0], "/api/", 5))
            assert_string_equal(wf_error_field(&r), bad[k][1]);
        tu_http_free(&r);
    }
    const char *linking[] = { "/", "/registers" };
    for (size_t k = 0; k < sizeof linking / sizeof *linking; k++) {
        html = wf_page(WF_AUDITOR, linking[k], 200);
        assert_contains(html, "<a href=\"/responsibilities\">");
        free(html);
    }
}

/* Each of the dashboard's counts of risks that need attention leads to a
 * list of every one of them, a page at a time; the API and the command
 * line say the same; bad parameters are refused by name. */
/* Each of the dashboard's counts of a state leads to a list of exactly
 * the records it counts (?state=, the CLI's --overdue and the like): its
 * total the count, its rows the CLI's; states combine with a filter and
 * are kept by the pages' links; a state that is none is refused by name. */
static void the_dashboards_states_lead_to_their_lists(void **state)
{
    (void)state;
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *att = json_object_get(s, "attention");
    char *html = wf_page(WF_LEAD, "/", 200);
    static const struct {
        const char *count, *state, *flag, *href;
    } cases[] = {
        { "accepted_without_acceptance", "unaccepted", "--unaccepted", "/risks?state=unaccepted" },
        { "review_overdue", "overdue", "--overdue", "/risks?state=overdue&amp;sort=review_date" },
        { "without_objective", "no-objective", "--no-objective", "/risks?state=no-objective" },
        { "untreated", "untreated", "--untreated", NULL },
        { "outside_appetite", "outside-appetite", "--outside-appetite", NULL },
    };
    char want[160], api[96];
    int some = 0;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        json_int_t n = json_integer_value(json_object_get(att, cases[k].count));
        snprintf(want, sizeof want, "<a href=\"%s\">", cases[k].href ? cases[k].href : "");
        if (cases[k].href && n) /* (no link to nothing) */
            assert_contains(html, want);
        snprintf(api, sizeof api, "/api/v1/risks?state=%s", cases[k].state);
        assert_int_equal(wf_total(api), n);
        char *cli = tu_isms_ok(wf_repo(), "risk", "list", "--json", cases[k].flag);
        json_t *rows = tu_json_take(cli);
        assert_int_equal((json_int_t)json_array_size(rows), n);
        if (n) {
            snprintf(want, sizeof want, "/risks?state=%s&limit=1", cases[k].state);
            char *page = wf_page(WF_READER, want, 200);
            snprintf(want, sizeof want, "<a href=\"/risks/%s\">",
                     json_string_value(json_object_get(json_array_get(rows, 0), "key")));
            assert_contains(page, want);
            if (n > 1) /* the next page keeps the state */
                assert_contains(page, "state=");
            free(page);
        }
        some += n > 0;
        json_decref(rows);
    }
    assert_true(some >= 3);
    free(html);
    json_decref(s);
    /* with a filter: the overdue of one owner are among the overdue */
    json_int_t overdue = wf_total("/api/v1/risks?state=overdue");
    json_int_t mine = wf_total("/api/v1/risks?state=overdue&owner=PER-3");
    assert_true(mine <= overdue);
    assert_int_equal(mine, wf_total("/api/v1/risks?owner=PER-3&state=overdue&state=overdue"));
    tu_http r;
    const char *bad[] = { "/api/v1/risks?state=nope", "/api/v1/controls?state=overdue",
                          "/risks?state=nope" };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        wf_req(&r, WF_LEAD, "GET", bad[k], NULL, NULL);
        assert_int_equal(r.status, 400);
        if (!strncmp(bad[k], "/api/", 5))
            assert_string_equal(wf_error_field(&r), "state");
        tu_http_free(&r);
    }
}

static void what_needs_attention_is_listed_in_full(void **state)
{
    (void)state;
    json_t *s = tu_json_take(tu_isms_ok(wf_repo(), "summary", "--json"));
    json_t *att = json_object_get(s, "attention");
    json_int_t untreated = json_integer_value(json_object_get(att, "untreated"));
    json_decref(s);
    assert_true(untreated >= 2);
    char *html = wf_page(WF_READER, "/", 200);
    static const char *const lists[] = { "unquantified", "outside-appetite", "matrix-disagrees",
                                         "untreated" };
    char want[200];
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        snprintf(want, sizeof want, "<a href=\"/attention?list=%s\">", lists[k]);
        if (strcmp(lists[k], "matrix-disagrees")) /* (none in the demo: no link to nothing) */
            assert_contains(html, want);
    }
    free(html);

    tu_http r;
    wf_req(&r, WF_READER, "GET", "/api/v1/attention?list=untreated&limit=1&offset=1", NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *a = wf_json(&r);
    tu_http_free(&r);
    assert_string_equal(json_string_value(json_object_get(a, "list")), "untreated");
    assert_int_equal(json_integer_value(json_object_get(a, "total")), untreated);
    assert_int_equal(json_integer_value(json_object_get(a, "offset")), 1);
    json_t *rows = json_object_get(a, "rows");
    assert_int_equal(json_array_size(rows), 1);
    const char *second = json_string_value(json_object_get(json_array_get(rows, 0), "key"));
    assert_non_null(second);
    const char *prev = json_string_value(json_object_get(a, "prev_cursor"));
    assert_non_null(prev);
    assert_true(!strncmp(prev, "0b", 2));
    html = wf_page(WF_READER, "/attention?list=untreated&limit=1&offset=1", 200);
    snprintf(want, sizeof want, "<a href=\"/risks/%s\">%s</a>", second, second);
    assert_contains(html, want);
    assert_contains(html, "<strong aria-current=\"page\">untreated</strong>");
    snprintf(want, sizeof want,
             "href=\"/attention?list=untreated&amp;cursor=%s&amp;limit=1\">Previous", prev);
    assert_contains(html, want);
    free(html);
    char *text = tu_isms_ok(wf_repo(), "attention", "untreated", "--offset", "1", "--limit", "1");
    assert_contains(text, second);
    assert_contains(text, "risks to treat that no control in place treats");
    free(text);
    /* the page before, by its cursor, is the first; and the one after it
     * the second again, as the API, the page and the CLI give it */
    char url[200];
    snprintf(url, sizeof url, "/api/v1/attention?list=untreated&limit=1&cursor=%s", prev);
    wf_req(&r, WF_READER, "GET", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *first = wf_json(&r);
    tu_http_free(&r);
    assert_int_equal(json_integer_value(json_object_get(first, "offset")), 0);
    assert_true(json_is_null(json_object_get(first, "prev_cursor")));
    const char *next = json_string_value(json_object_get(first, "next_cursor"));
    assert_non_null(next);
    snprintf(url, sizeof url, "/attention?list=untreated&limit=1&cursor=%s", next);
    html = wf_page(WF_READER, url, 200);
    snprintf(want, sizeof want, "<a href=\"/risks/%s\">%s</a>", second, second);
    assert_contains(html, want);
    assert_contains(html, "Risks 2 to 2 of");
    free(html);
    text = tu_isms_ok(wf_repo(), "attention", "untreated", "--cursor", next, "--limit", "1");
    assert_contains(text, second);
    assert_contains(text, "Risks 2 to 2 of");
    free(text);
    json_decref(first);
    json_decref(a);

    const char *bad[][2] = { { "/api/v1/attention", "list" },
                             { "/api/v1/attention?list=overdue", "list" },
                             { "/api/v1/attention?list=untreated&offset=-1", "offset" },
                             { "/api/v1/attention?list=untreated&limit=501", "limit" },
                             { "/api/v1/attention?list=untreated&sort=title", "sort" },
                             { "/api/v1/attention?list=untreated&cursor=5x", "cursor" },
                             { "/api/v1/attention?list=untreated&cursor=1a2&offset=1", "cursor" },
                             { "/attention?list=nope", "list" } };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        wf_req(&r, WF_LEAD, "GET", bad[k][0], NULL, NULL);
        assert_int_equal(r.status, 400);
        if (!strncmp(bad[k][0], "/api/", 5))
            assert_string_equal(wf_error_field(&r), bad[k][1]);
        tu_http_free(&r);
    }
}

TU_MAIN(wf_setup, wf_teardown,
        cmocka_unit_test(the_dashboard_shows_its_sections_with_the_demos_figures),
        cmocka_unit_test(each_heat_map_cell_links_to_its_risks),
        cmocka_unit_test(the_dashboards_states_lead_to_their_lists),
        cmocka_unit_test(needs_attention_reads_as_the_summary),
        cmocka_unit_test(a_risks_page_shows_its_latest_figures),
        cmocka_unit_test(an_analysis_reads_as_what_it_found),
        cmocka_unit_test(a_mapping_is_named_by_its_other_side),
        cmocka_unit_test(an_objective_shows_its_loss_against_appetite),
        cmocka_unit_test(a_page_view_never_verifies),
        cmocka_unit_test(the_server_verifies_at_start_and_on_a_schedule),
        cmocka_unit_test(accepting_needs_the_csrf_token_and_the_authority),
        cmocka_unit_test(the_quantify_page_draws_the_curve_and_titles_are_text),
        cmocka_unit_test(a_page_lists_the_first_referrers_and_links_to_all),
        cmocka_unit_test(my_work_lists_what_is_due),
        cmocka_unit_test(a_frozen_record_offers_no_edit),
        cmocka_unit_test(the_body_decides_on_the_page),
        cmocka_unit_test(a_review_gets_its_inputs_on_its_page),
        cmocka_unit_test(incidents_and_the_reports_owed_on_the_dashboard),
        cmocka_unit_test(metrics_measured_on_their_pages),
        cmocka_unit_test(the_responsibility_matrix_names_the_gaps),
        cmocka_unit_test(what_needs_attention_is_listed_in_full))
