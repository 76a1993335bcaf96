/* page_frameworks.c: the frameworks laid over the control set, as pages:
 *
 *   /coverage                      every mapped framework's coverage, with its SoA
 *   /coverage?framework=NAME       one framework: per group, then each requirement
 *                                  (gaps=1: only what is not or partly covered),
 *                                  each linking to its controls
 *   /drift                         one control reported inconsistently across frameworks
 *   /soa[?framework=NAME]          the Statements of Applicability in force; with a
 *                                  framework, to its statement
 *   /soas/KEY/statement            the statement as a document: per requirement,
 *                                  applicable or not and why, implementation, the
 *                                  controls and risks behind it; the lifecycle's
 *                                  verbs (approve); format=csv downloads it
 *   /soa-gap[?framework=NAME][&current=SOA-n][&target=SOA-n][&sort=COLUMN][&format=csv]
 *                                  two profiles (or SoAs) of a framework compared:
 *                                  per requirement current against target, the
 *                                  gap, the controls; a form picks the two
 *
 * The figures are the domain's (domain/views/frameworks.h), the same as
 * `isms coverage`, `isms drift`, `isms soa export` and `isms soa gap` show. */
#include "domain/registers/registers.h"
#include "domain/views/frameworks.h"
#include "domain/views/profile_gap.h"
#include "formats/csv.h"
#include "web/views_json.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <stdio.h>
#include <string.h>

static const char *percent(web_req *r, double p)
{
    return arena_printf(dom_arena(r->d), "%.0f%%", p);
}

/* "CTL-1, CTL-4": each a link to its record with its name, one a line. */
static void key_list(web_req *r, const regdef *reg, const char *keys)
{
    if (!keys || !*keys) {
        html_f(&r->out, "<span class=\"muted\">none</span>");
        return;
    }
    char *s = arena_strdup(dom_arena(r->d), keys);
    int n = 0;
    for (char *save = NULL, *k = strtok_r(s, ", ", &save); k; k = strtok_r(NULL, ", ", &save)) {
        html_f(&r->out, "%r", n++ ? "<br>" : "");
        html_ref(&r->out, r->d, reg, k);
    }
}

/* The state of a requirement as a word people read. */
static const char *const state_words[] = { "covered", "partly covered", "not covered", "excluded" };
static const char *const state_class[] = { "ok", "warn", "bad", "muted" };

static void tally_row(web_req *r, const cov_tally *t, const char *head)
{
    html_f(&r->out,
           "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"num\">%d</td><td "
           "class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td "
           "class=\"num\">%s</td></tr>",
           head, t->title ? t->title : "", t->n[COV_COVERED], t->n[COV_PARTIAL], t->n[COV_GAP],
           t->n[COV_EXCLUDED], percent(r, cov_percent(t)));
}

/* A table of figures per group or framework: its head; `last` a column
 * after the figures (NULL: none). */
static void tally_head(web_req *r, const char *caption, const char *first, const char *last)
{
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption>%s</caption><thead><tr><th "
           "scope=\"col\">%s</th><th scope=\"col\">Title</th><th scope=\"col\" "
           "class=\"num\">Covered</th><th scope=\"col\" class=\"num\">Partly</th><th "
           "scope=\"col\" class=\"num\">Not covered</th><th scope=\"col\" "
           "class=\"num\">Excluded</th><th scope=\"col\" class=\"num\">Covered %%</th>",
           caption, first);
    if (last)
        html_f(&r->out, "<th scope=\"col\">%s</th>", last);
    html_f(&r->out, "</tr></thead><tbody>");
}

static const char *coverage_url(web_req *r, const char *framework, int gaps)
{
    buf b;
    buf_init(&b);
    html_f(&b, "/coverage?framework=%u%r", framework, gaps ? "&gaps=1" : "");
    const char *s = arena_strdup(dom_arena(r->d), buf_str(&b));
    buf_reset(&b);
    return s;
}

/* ---- /coverage ---- */

/* A page of this file: its title and what it shows, in a sentence. */
static void page_intro(web_req *r, const char *title, const char *what)
{
    page_begin(r, title, NAV_FRAMEWORKS);
    html_f(&r->out, "<p class=\"muted\">%s</p>", what);
}

/* The page ends with a notice (there is nothing to list). */
static int page_notice_end(web_req *r, const char *notice)
{
    html_f(&r->out, "<p class=\"notice\">%s</p>", notice);
    page_end(r);
    return 0;
}

void web_coverage_table(web_req *r, const cov_report *rep, int n)
{
    tally_head(r, "Coverage per framework", "Framework", "Approved SoA");
    for (int i = 0; i < n; i++) {
        const cov_tally *t = &rep[i].total;
        html_f(&r->out,
               "<tr><th scope=\"row\"><a href=\"%s\">%s</a></th><td>%s</td><td "
               "class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td><td "
               "class=\"num\">%d</td><td class=\"num\">%s</td><td>",
               coverage_url(r, rep[i].framework, 0), rep[i].framework, rep[i].title,
               t->n[COV_COVERED], t->n[COV_PARTIAL], t->n[COV_GAP], t->n[COV_EXCLUDED],
               percent(r, cov_percent(t)));
        if (rep[i].soa)
            html_f(&r->out, "<a href=\"%s\">%s</a>",
                   web_record_url(r->d, &reg_soa, rep[i].soa, "/statement"), rep[i].soa);
        else
            html_f(&r->out, "<span class=\"muted\">none</span>");
        html_f(&r->out, "</td></tr>");
    }
    html_f(&r->out, "</tbody></table></div>");
}

static int coverage_index(web_req *r, isms_err *e)
{
    cov_report *rep;
    int n;
    int rc = dom_coverage_all(r->d, &rep, &n, e);
    if (rc)
        return rc;
    page_intro(r, "Framework coverage",
               "Each framework controls are mapped onto: its assessable requirements covered by "
               "implemented or operating controls, partly covered, not covered, or excluded by its "
               "approved Statement of Applicability.");
    html_f(&r->out, "<p>See also <a href=\"/soa\">the Statements of Applicability</a>, <a "
                    "href=\"/soa-gap\">the gap between two profiles</a> and <a "
                    "href=\"/drift\">drift between frameworks</a>.</p>");
    if (!n)
        return page_notice_end(r, "No control is mapped onto a framework yet (isms map add CTL-n "
                                  "--to FRAMEWORK:ID).");
    web_coverage_table(r, rep, n);
    html_f(&r->out, "<p class=\"muted\">Computed now, from the controls' states and their "
                    "mappings. The percentage is of the requirements in scope (excluded ones are "
                    "not).</p>");
    page_end(r);
    return 0;
}

static void coverage_items(web_req *r, const cov_report *rep, int gaps)
{
    html_f(&r->out,
           "<div class=\"scroll\"><table class=\"wide\"><caption>%s</caption><thead><tr><th "
           "scope=\"col\">Requirement</th><th scope=\"col\">State</th><th scope=\"col\">Why</th>"
           "<th scope=\"col\">Controls</th></tr></thead><tbody>",
           gaps ? "Gaps: requirements not or partly covered" : "Every assessable requirement");
    int shown = 0;
    for (int i = 0; i < rep->nitems; i++) {
        const cov_item *it = &rep->items[i];
        if (gaps && it->state != COV_GAP && it->state != COV_PARTIAL)
            continue;
        shown++;
        html_f(&r->out,
               "<tr><th scope=\"row\"><a href=\"%s\">%s</a> %s</th><td class=\"%r\">%s</td>"
               "<td>%s</td><td>",
               web_record_url(r->d, &reg_requirement, it->key, ""), it->code, it->title,
               state_class[it->state], state_words[it->state], it->why);
        key_list(r, &reg_control, it->controls);
        if (it->more)
            html_f(&r->out, " and %r more",
                   arena_printf(dom_arena(r->d), "%lld", (long long)it->more));
        html_f(&r->out, "</td></tr>");
    }
    if (!shown)
        html_f(&r->out, "<tr><td colspan=\"4\">%s</td></tr>",
               gaps ? "No gaps: every requirement in scope is covered." : "No requirements.");
    html_f(&r->out, "</tbody></table></div>");
}

int page_coverage(web_req *r, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ "framework", "gaps", NULL }, e);
    const char *fw = web_query(r, "framework"), *gaps = web_query(r, "gaps");
    if (rc)
        return rc;
    if (!fw)
        return coverage_index(r, e);
    cov_report rep;
    rc = dom_coverage(r->d, fw, &rep, e);
    if (rc)
        return rc;
    int only_gaps = gaps && !strcmp(gaps, "1");
    page_begin(r, arena_printf(dom_arena(r->d), "Coverage of %s", rep.framework), NAV_FRAMEWORKS);
    html_f(&r->out, "<p><a href=\"%s\">%s</a> %s. %d control mappings; exclusions from ",
           web_record_url(r->d, &reg_framework, rep.framework_key, ""), rep.framework_key,
           rep.title, rep.mapped);
    if (rep.soa)
        html_f(&r->out, "the approved <a href=\"%s\">%s</a>.</p>",
               web_record_url(r->d, &reg_soa, rep.soa, "/statement"), rep.soa);
    else
        html_f(&r->out, "no approved SoA (none excluded).</p>");
    tally_head(r, "Per group", "Group", NULL);
    for (int i = 0; i < rep.ngroups; i++)
        tally_row(r, &rep.groups[i], rep.groups[i].code);
    html_f(&r->out, "</tbody><tfoot>");
    tally_row(r, &rep.total, "Total");
    html_f(&r->out, "</tfoot></table></div>");
    html_f(&r->out,
           "<nav class=\"pager\" aria-label=\"Requirements shown\"><a href=\"%s\"%r>Every "
           "requirement</a><a href=\"%s\"%r>Only the gaps</a><a href=\"/coverage\">All "
           "frameworks</a><a href=\"/soa-gap?framework=%u\">Profiles compared</a></nav>",
           coverage_url(r, rep.framework, 0), only_gaps ? "" : " aria-current=\"page\"",
           coverage_url(r, rep.framework, 1), only_gaps ? " aria-current=\"page\"" : "",
           rep.framework);
    coverage_items(r, &rep, only_gaps);
    html_f(&r->out, "<p class=\"muted\">Covered: a mapped control, implemented or operating and "
                    "not assessed as partly effective or ineffective, is equal to, equivalent to "
                    "or a superset of the requirement. Partly: a control contributes but not "
                    "whole. Computed now.</p>");
    page_end(r);
    return 0;
}

/* ---- /drift ---- */

int page_drift(web_req *r, isms_err *e)
{
    drift_item *d;
    int n;
    int rc = web_drift(r, &d, &n, e);
    if (rc)
        return rc;
    page_intro(r, "Drift between frameworks",
               "A control reported inconsistently across frameworks, from each framework's "
               "Statement of Applicability in force (approved, else the newest draft) and the "
               "mappings: a retired control still mapped, a control applicable in one statement "
               "and excluded in another, an implementation a statement states that the control "
               "does not have.");
    if (!n)
        return page_notice_end(r, "No drift: every control is reported alike in every framework.");
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption>%d inconsistencies</caption><thead><tr>"
           "<th scope=\"col\">Control</th><th scope=\"col\">Kind</th><th "
           "scope=\"col\">What</th></tr></thead><tbody>",
           n);
    for (int i = 0; i < n; i++) {
        html_f(&r->out, "<tr><th scope=\"row\">");
        html_ref(&r->out, r->d, &reg_control, d[i].control);
        html_f(&r->out, "</th><td>%s</td><td>%s</td></tr>", d[i].kind, d[i].what);
    }
    html_f(&r->out, "</tbody></table></div><p class=\"muted\">Computed now.</p>");
    page_end(r);
    return 0;
}

/* ---- /soa ---- */

/* One framework's SoA in force, as a row of the request ctx's page (none
 * when it has none). */
static int soa_index_row(const record *fw, void *ctx)
{
    web_req *r = ctx;
    const char *key;
    isms_err e = { 0 };
    record s;
    if (dom_soa_in_force(r->d, fw->id, &key, &e) || !key || dom_get(r->d, &reg_soa, key, &s, &e))
        return 0;
    html_f(&r->out,
           "<tr><th scope=\"row\"><a href=\"%s\">%s</a> %s</th><td><a href=\"%s\">%s</a> "
           "%s</td><td>%s</td><td>",
           web_record_url(r->d, &reg_framework, fw->key, ""), record_text(fw, F_FRAMEWORK_NAME),
           record_text(fw, F_FRAMEWORK_TITLE), web_record_url(r->d, &reg_soa, key, "/statement"),
           key, record_text(&s, F_SOA_TITLE), record_text(&s, F_SOA_STATUS));
    html_time(&r->out, record_text(&s, F_SOA_APPROVED_AT));
    html_f(&r->out, "</td></tr>");
    return 0;
}

static int soa_to_statement(web_req *r, const char *framework, isms_err *e)
{
    const char *key;
    int rc = dom_soa_in_force_of(r->d, framework, &key, e);
    if (!rc)
        html_redirect(r, web_record_url(r->d, &reg_soa, key, "/statement"));
    return rc;
}

int page_soa(web_req *r, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ "framework", NULL }, e);
    if (rc)
        return rc;
    if (web_query(r, "framework"))
        return soa_to_statement(r, web_query(r, "framework"), e);
    page_intro(r, "Statements of Applicability",
               "Each framework's statement in force: the approved one, else the newest draft.");
    html_f(&r->out, "<p>Every version: <a href=\"/soas\">the SoA register</a>. Two compared "
                    "(a CSF current profile against its target, or any two versions): <a "
                    "href=\"/soa-gap\">profile gap</a>.</p><div "
                    "class=\"scroll\"><table><caption class=\"vh\">"
                    "Statements in force</caption><thead><tr><th scope=\"col\">Framework</th><th "
                    "scope=\"col\">Statement</th><th scope=\"col\">Status</th><th "
                    "scope=\"col\">Approved</th></tr></thead><tbody>");
    size_t empty = r->out.len;
    store_query q = { 0 };
    rc = dom_list(r->d, &reg_framework, &q, soa_index_row, r, e);
    if (rc)
        return rc;
    if (r->out.len == empty)
        html_f(&r->out, "<tr><td colspan=\"4\">None yet (isms soa generate --framework "
                        "iso27001-2022 --level control).</td></tr>");
    html_f(&r->out, "</tbody></table></div>");
    page_end(r);
    return 0;
}

/* ---- CSV of a document's rows ---- */

/* The cells of row i of a document (in its columns' order). */
typedef void doc_cells_fn(const void *doc, int i, const char **cells);

/* r's answer: a CSV file `name`.csv, its header the columns, then n rows;
 * a cell a spreadsheet would take for a formula quoted. */
static void doc_csv(web_req *r, const char *name, const char *const *columns, int ncols,
                    const void *doc, int n, doc_cells_fn *cells_of)
{
    buf *b = &r->out;
    r->status = 200;
    r->type = "text/csv; charset=utf-8";
    buf_clear(b);
    for (int k = 0; k < ncols; k++)
        buf_printf(b, "%s%s", k ? "," : "", columns[k]);
    buf_puts(b, "\r\n");
    const char *cells[16];
    for (int i = 0; i < n; i++) {
        cells_of(doc, i, cells);
        for (int k = 0; k < ncols; k++) {
            buf_puts(b, k ? "," : "");
            csv_cell(b, cells[k] ? cells[k] : "", 1);
        }
        buf_puts(b, "\r\n");
    }
    web_header(r, "Content-Disposition", "attachment; filename=\"%s.csv\"", name);
}

/* ---- /soas/KEY/statement ---- */

static void statement_cells(const void *doc, int i, const char **cells)
{
    soa_row_cells(&((const soa_doc *)doc)->rows[i], cells);
}

static void statement_csv(web_req *r, const soa_doc *s)
{
    doc_csv(r, s->key, soa_columns, SOA_COLUMNS, s, s->n, statement_cells);
}

static void statement_row(web_req *r, const soa_row *row)
{
    html_f(&r->out,
           "<tr><th scope=\"row\"><a href=\"%s\">%s</a> %s</th><td class=\"%r\">%s</td>"
           "<td>%s</td><td>%s</td><td>",
           web_record_url(r->d, &reg_requirement, row->requirement, ""), row->code, row->title,
           row->applicable ? "ok" : "muted", row->applicable ? "yes" : "no",
           row->justification ? row->justification : "", row->implementation);
    key_list(r, &reg_control, row->controls);
    html_f(&r->out, "</td><td>");
    key_list(r, &reg_risk, row->risks);
    html_f(&r->out, "</td><td><a href=\"%s\">%s</a></td></tr>",
           web_record_url(r->d, &reg_applicability, row->key, ""), row->key);
}

static void statement_head(web_req *r, const soa_doc *s, const record *rec)
{
    html_f(&r->out, "<p><a href=\"%s\">%s</a>, %s, ", web_record_url(r->d, &reg_soa, s->key, ""),
           s->key, s->framework);
    html_f(&r->out, "<strong>%s</strong>", s->status);
    if (s->approved_by) {
        html_f(&r->out, ", approved by ");
        html_ref(&r->out, r->d, &reg_person, s->approved_by);
        html_f(&r->out, " on ");
        html_time(&r->out, s->approved_at);
    }
    html_f(&r->out, ". %d applicable, %d excluded.</p><div class=\"actions\">", s->applicable,
           s->excluded);
    web_verb_buttons(r, rec);
    html_f(&r->out,
           "<a class=\"button\" href=\"%s?format=csv\" download>Download CSV</a>"
           "<a class=\"button secondary\" href=\"/coverage?framework=%u\">Coverage</a>"
           "<a class=\"button secondary\" href=\"/soa-gap?target=%u\">Compare with another "
           "version</a></div>",
           web_record_url(r->d, &reg_soa, s->key, "/statement"), s->framework, s->key);
}

int page_statement(web_req *r, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ "format", NULL }, e);
    const char *format = web_query(r, "format");
    if (!rc && format && strcmp(format, "csv"))
        rc = err_set(e, E_USAGE, "format", "format: give csv, or none for the page");
    soa_doc s;
    record rec;
    if (!rc)
        rc = dom_soa_doc(r->d, r->key, &s, e);
    if (!rc)
        rc = dom_get(r->d, &reg_soa, r->key, &rec, e);
    if (rc)
        return rc;
    if (format) {
        statement_csv(r, &s);
        return 0;
    }
    page_begin(r, s.title && *s.title ? s.title : "Statement of Applicability", NAV_FRAMEWORKS);
    statement_head(r, &s, &rec);
    html_f(&r->out, "<div class=\"scroll\"><table class=\"wide\"><caption "
                    "class=\"vh\">Requirements</caption><thead><tr>"
                    "<th scope=\"col\">Requirement</th><th scope=\"col\">Applicable</th><th "
                    "scope=\"col\">Justification</th><th scope=\"col\">Implementation</th><th "
                    "scope=\"col\">Controls</th><th scope=\"col\">Risks</th><th "
                    "scope=\"col\">Record</th></tr></thead><tbody>");
    for (int i = 0; i < s.n; i++)
        statement_row(r, &s.rows[i]);
    html_f(&r->out, "</tbody></table></div><p class=\"muted\">Whether a requirement applies, and "
                    "why, is judgement: change it on its record (the last column) while the "
                    "statement is a draft. Approving it supersedes the statement approved "
                    "before and freezes this one.</p>");
    page_end(r);
    return 0;
}

/* ---- /soa-gap ---- */

static const char *const gap_params[] = {
    "framework", "current", "target", "sort", "format", NULL
};

/* The columns the table sorts by: each row's sort key. */
static const char *const gap_sorts[] = { "requirement", "current", "target", "gap", NULL };

static int implementation_rank(const char *s)
{
    return s ? choice_index(implementation_states, s) : -1;
}

/* A row's key in a column sorted by its values (-1 .. 2). */
static int gap_sort_key(const gap_row *g, int column)
{
    switch (column) {
    case 1: return implementation_rank(g->current);
    case 2: return implementation_rank(g->target);
    default: return g->short_of;
    }
}

/* r's rows in the order `sort` asks ("gap", "-current", ...; NULL: the
 * framework's), the framework's order among equals: the keys are few,
 * so each key's rows are taken in turn. */
static int gap_sorted(web_req *r, const gap_report *g, const char *sort, gap_row **out, isms_err *e)
{
    int desc = sort && *sort == '-', column = 0;
    const char *name = sort ? sort + desc : "requirement";
    while (gap_sorts[column] && strcmp(gap_sorts[column], name))
        column++;
    if (!gap_sorts[column])
        return err_set(e, E_USAGE, "sort",
                       "sort: \"%s\" is no column (requirement, current, target, gap; -NAME "
                       "descending)",
                       sort);
    gap_row *o = arena_alloc(dom_arena(r->d), sizeof *o * (size_t)(g->n ? g->n : 1));
    int n = 0;
    for (int i = 0; !column && i < g->n; i++)
        o[n++] = g->rows[desc ? g->n - 1 - i : i];
    for (int k = 0; column && k < 4; k++) {
        int key = desc ? 2 - k : k - 1;
        for (int i = 0; i < g->n; i++)
            if (gap_sort_key(&g->rows[i], column) == key)
                o[n++] = g->rows[i];
    }
    *out = o;
    return 0;
}

/* The page's URL with every choice kept but `sort` (NULL: none) and format. */
static const char *gap_url(web_req *r, const gap_report *g, const char *sort, int csv)
{
    buf b;
    buf_init(&b);
    html_f(&b, "/soa-gap?framework=%u&current=%u&target=%u", g->framework, g->current_soa,
           g->target_soa);
    if (sort)
        html_f(&b, "&sort=%u", sort);
    html_f(&b, "%r", csv ? "&format=csv" : "");
    const char *s = arena_strdup(dom_arena(r->d), buf_str(&b));
    buf_reset(&b);
    return s;
}

static void gap_heading(web_req *r, const gap_report *g, const char *sort, const char *name,
                        const char *label)
{
    const char *now = sort ? sort : "requirement";
    int asc = !strcmp(now, name), desc = now[0] == '-' && !strcmp(now + 1, name);
    const char *next = asc ? arena_printf(dom_arena(r->d), "-%s", name) : name;
    html_f(&r->out, "<th scope=\"col\"%r><a href=\"%s\">%s%r</a></th>",
           asc    ? " aria-sort=\"ascending\""
           : desc ? " aria-sort=\"descending\""
                  : "",
           gap_url(r, g, next, 0), label,
           asc    ? "\u00a0▲"
           : desc ? "\u00a0▼"
                  : "");
}

static void gap_table(web_req *r, const gap_report *g, const gap_row *rows, const char *sort)
{
    html_f(&r->out, "<div class=\"scroll\"><table class=\"stack\"><caption class=\"vh\">Each "
                    "requirement: current against target</caption><thead><tr>");
    gap_heading(r, g, sort, "requirement", "Requirement");
    gap_heading(r, g, sort, "current", "Current");
    gap_heading(r, g, sort, "target", "Target");
    gap_heading(r, g, sort, "gap", "Gap");
    html_f(&r->out, "<th scope=\"col\" class=\"nosort\">Controls</th></tr></thead><tbody>");
    for (int i = 0; i < g->n; i++) {
        const gap_row *row = &rows[i];
        html_f(&r->out,
               "<tr><th scope=\"row\"><a href=\"%s\">%s</a> <span class=\"plain\">%s</span></th>"
               "<td data-label=\"Current\">%s</td><td data-label=\"Target\">%s</td><td "
               "data-label=\"Gap\" class=\"%r\">%s</td><td data-label=\"Controls\">",
               web_record_url(r->d, &reg_requirement, row->requirement, ""), row->code, row->title,
               row->current ? row->current : "none", row->target ? row->target : "not applicable",
               row->short_of ? "bad" : "ok", row->short_of ? "yes" : "no");
        key_list(r, &reg_control, row->controls);
        html_f(&r->out, "</td></tr>");
    }
    if (!g->n)
        html_f(&r->out, "<tr><td colspan=\"5\">The target holds no requirement.</td></tr>");
    html_f(&r->out, "</tbody></table></div>");
}

/* <option>s of the SoAs of framework fw, `now` selected; the first says
 * what an empty choice means. */
typedef struct soa_options {
    web_req *r;
    int64_t fw;
    const char *now;
    int listed; /* `now` was among them */
} soa_options;

/* The versions a side's choice offers, newest first: a framework's SoA is
 * approved again each year or so; the address can name an older one. */
enum { GAP_VERSIONS = 100 };

static int soa_option(const record *s, void *ctx)
{
    soa_options *o = ctx;
    if (record_int(s, F_SOA_FRAMEWORK) != o->fw)
        return 0;
    int tier = (int)record_int(s, F_SOA_TIER), now = o->now && !strcmp(o->now, s->key);
    o->listed |= now;
    html_f(&o->r->out, "<option value=\"%s\"%r>%s: %s, %s%r%s</option>", s->key,
           now ? " selected" : "", s->key, record_text(s, F_SOA_PROFILE),
           record_text(s, F_SOA_STATUS), tier ? ", tier " : "",
           tier ? arena_printf(dom_arena(o->r->d), "%d", tier) : "");
    return 0;
}

static int soa_select(web_req *r, int64_t fw, const char *name, const char *label, const char *now,
                      isms_err *e)
{
    html_f(&r->out,
           "<div><label for=\"g-%s\">%s</label><select id=\"g-%s\" name=\"%s\"><option "
           "value=\"\">the %s profile in force</option>",
           name, label, name, name, name);
    soa_options o = { .r = r, .fw = fw, .now = now };
    int rc = dom_soa_versions(r->d, fw, GAP_VERSIONS, soa_option, &o, e);
    record picked; /* an older version named in the address, after the newest */
    if (!rc && now && !o.listed && !dom_get(r->d, &reg_soa, now, &picked, &(isms_err){ 0 }))
        rc = soa_option(&picked, &o);
    html_f(&r->out, "</select></div>");
    return rc;
}

/* A framework with an SoA, as an <option> (`now` selected). */
static int framework_option(const record *fw, void *ctx)
{
    soa_options *o = ctx;
    const char *key;
    isms_err quiet = { 0 };
    if (dom_soa_profile_in_force(o->r->d, fw->id, "target", &key, &quiet) || !key)
        if (dom_soa_in_force(o->r->d, fw->id, &key, &quiet) || !key)
            return 0;
    const char *name = record_text(fw, F_FRAMEWORK_NAME);
    html_f(&o->r->out, "<option value=\"%s\"%r>%s %s</option>", name,
           o->now && (!strcmp(o->now, name) || !strcmp(o->now, fw->key)) ? " selected" : "", name,
           record_text(fw, F_FRAMEWORK_TITLE));
    return 0;
}

/* The form that picks what is compared: the framework, then (once it is
 * known) each side's SoA, the profile in force by default. */
static int gap_form(web_req *r, const char *framework, const gap_report *g, const char *sort,
                    isms_err *e)
{
    html_f(&r->out, "<form class=\"filters\" method=\"get\" action=\"/soa-gap\"><div><label "
                    "for=\"g-framework\">Framework</label><select id=\"g-framework\" "
                    "name=\"framework\">");
    soa_options o = { .r = r, .now = g ? g->framework : framework };
    store_query q = { 0 };
    int rc = dom_list(r->d, &reg_framework, &q, framework_option, &o, e);
    html_f(&r->out, "</select></div>");
    record fw;
    if (!rc && g)
        rc = dom_get(r->d, &reg_framework, g->framework_key, &fw, e);
    if (!rc && g)
        rc = soa_select(r, fw.id, "current", "Current", web_query(r, "current"), e);
    if (!rc && g)
        rc = soa_select(r, fw.id, "target", "Target", web_query(r, "target"), e);
    if (sort)
        html_f(&r->out, "<input type=\"hidden\" name=\"sort\" value=\"%s\">", sort);
    html_f(&r->out, "<div><button type=\"submit\">Compare</button></div></form>");
    return rc;
}

static void gap_cells(const void *doc, int i, const char **cells)
{
    gap_row_cells(&((const gap_row *)doc)[i], cells);
}

/* What is compared, and the tiers, in a sentence. */
static void gap_summary(web_req *r, const gap_report *g)
{
    html_f(&r->out,
           "<p><a href=\"%s\">%s</a> %s (tier %r) against <a href=\"%s\">%s</a> %s "
           "(tier %r) of <a href=\"%s\">%s</a>",
           web_record_url(r->d, &reg_soa, g->current_soa, "/statement"), g->current_soa,
           g->current_profile,
           g->current_tier ? arena_printf(dom_arena(r->d), "%d", g->current_tier) : "none",
           web_record_url(r->d, &reg_soa, g->target_soa, "/statement"), g->target_soa,
           g->target_profile,
           g->target_tier ? arena_printf(dom_arena(r->d), "%d", g->target_tier) : "none",
           web_record_url(r->d, &reg_framework, g->framework_key, ""), g->framework);
    if (g->target_tier > g->current_tier)
        html_f(&r->out, ": <strong class=\"bad\">the tier falls short</strong>");
    html_f(&r->out, ". <strong>%d of %d</strong> requirements short of the target.</p>", g->gaps,
           g->n);
}

/* The framework has no profile of a side not picked (a framework with
 * statements only): the form, to pick versions, and why (404). */
static int gap_missing(web_req *r, const gap_report *g, const char *sort, const char *what,
                       isms_err *e)
{
    isms_err why = *e;
    *e = (isms_err){ 0 };
    page_intro(r, arena_printf(dom_arena(r->d), "Profile gap of %s", g->framework), what);
    int rc = gap_form(r, g->framework, g, sort, e);
    if (rc)
        return rc;
    page_notice_end(r, arena_printf(dom_arena(r->d), "%s; or pick two versions above.", why.msg));
    r->status = 404;
    return 0;
}

int page_soa_gap(web_req *r, isms_err *e)
{
    int rc = web_only_params(r, gap_params, e);
    const char *format = web_query(r, "format"), *sort = web_query(r, "sort");
    if (!rc && format && strcmp(format, "csv"))
        rc = err_set(e, E_USAGE, "format", "format: give csv, or none for the page");
    if (rc)
        return rc;
    const char *what = "A framework's current profile against its target profile (NIST CSF 2.0 "
                       "tiers and outcomes), or any two versions of its Statement of "
                       "Applicability: per requirement the implementation the one states against "
                       "the one the other asks (planned < partial < implemented), and the "
                       "controls behind it.";
    if (!web_query(r, "framework") && !web_query(r, "current") && !web_query(r, "target")) {
        page_intro(r, "Profile gap", what);
        rc = gap_form(r, NULL, NULL, NULL, e);
        if (rc)
            return rc;
        return page_notice_end(r, "Choose a framework: one with a target profile (isms soa "
                                  "generate --framework csf-2.0 --profile target) or a "
                                  "statement.");
    }
    gap_report g;
    gap_row *rows = NULL;
    rc = web_soa_gap(r, gap_params, &g, e);
    if (rc == E_NOT_FOUND && g.framework_key && !format)
        return gap_missing(r, &g, sort, what, e);
    if (!rc)
        rc = gap_sorted(r, &g, sort, &rows, e);
    if (rc)
        return rc;
    if (format) {
        doc_csv(r, arena_printf(dom_arena(r->d), "gap-%s-%s", g.current_soa, g.target_soa),
                gap_columns, GAP_COLUMNS, rows, g.n, gap_cells);
        return 0;
    }
    page_intro(r, arena_printf(dom_arena(r->d), "Profile gap of %s", g.framework), what);
    rc = gap_form(r, g.framework, &g, sort, e);
    if (rc)
        return rc;
    gap_summary(r, &g);
    html_f(&r->out,
           "<div class=\"actions\"><a class=\"button\" href=\"%s\" download>Download "
           "CSV</a><a class=\"button secondary\" href=\"/coverage?framework=%u\">Coverage"
           "</a></div>",
           gap_url(r, &g, sort, 1), g.framework);
    gap_table(r, &g, rows, sort);
    html_f(&r->out, "<p class=\"muted\">Each side is the SoA picked, else the profile in force of "
                    "its series (approved, else the newest draft). A requirement the target does "
                    "not hold applicable asks nothing. Change what the target asks on its "
                    "applicability records while it is a draft. Computed now.</p>");
    page_end(r);
    return 0;
}
