/* page_accountability.c: the responsibility matrix (domain/views/
 * accountability.h) as a page and in the API:
 *
 *   GET /responsibilities[?offset=N][&limit=N]         the gaps, the roles held,
 *        [&gap=KIND][&gap_person=PERSON][&gap_offset=N] a page of people by name
 *   GET /api/v1/responsibilities[?...the same]         the same as JSON
 *                                                      (isms person matrix --json)
 *
 * Every gap is counted; the list shows ACC_MAX_GAPS at a time of those
 * asked for (of one kind, naming one person), so that each can be reached. */
#include "domain/registers/registers.h"
#include "domain/views/accountability.h"
#include "domain/views/query.h"
#include "web/html.h"
#include "web/views_json.h"
#include "web/web_internal.h"

#include <stdint.h>
#include <string.h>

static int web_accountability(web_req *r, dom_accountability *out, isms_err *e)
{
    static const char *const known[] = {
        "offset", "limit", "gap", "gap_person", "gap_offset", NULL
    };
    acc_query q = ACC_QUERY_ALL;
    const char *offset = web_query(r, "offset"), *limit = web_query(r, "limit"),
               *gap = web_query(r, "gap"), *gap_offset = web_query(r, "gap_offset");
    int64_t lim = 0;
    int rc = web_only_params(r, known, e);
    if (!rc && offset)
        rc = web_parse_int("offset", offset, 0, DOM_PLACE_MAX, &q.offset, e);
    if (!rc && limit)
        rc = web_parse_int("limit", limit, 1, 500, &lim, e);
    if (!rc && gap_offset)
        rc = web_parse_int("gap_offset", gap_offset, 0, DOM_PLACE_MAX, &q.gap_offset, e);
    if (!rc && gap && acc_gap_kind_parse(r->d, gap, &q.gap_kind, e))
        rc = e->code = E_USAGE; /* the message stands; a bad parameter is a bad request */
    q.limit = (int)lim;
    q.gap_person = web_query(r, "gap_person");
    return rc ? rc : dom_accountability_read(r->d, &q, out, e);
}

int api_responsibilities(web_req *r, isms_err *e)
{
    dom_accountability m;
    int rc = web_accountability(r, &m, e);
    if (!rc)
        web_send_doc(r, accountability_json(&m));
    return rc;
}

/* Where a link of the page goes: the page as it is, but for what the
 * link changes. */
typedef struct matrix_at {
    int64_t offset, gap_offset;
    int limit, gap_kind;
    const char *gap_person, *anchor;
} matrix_at;

static matrix_at here(const dom_accountability *m)
{
    return (matrix_at){ m->offset, m->gap_offset, m->limit, m->gap_kind, m->gap_person, "" };
}

static void matrix_href(web_req *r, const matrix_at *at)
{
    html_f(&r->out, "href=\"/responsibilities?offset=%D&amp;limit=%d", at->offset, at->limit);
    if (at->gap_kind >= 0)
        html_f(&r->out, "&amp;gap=%u", acc_gap_names[at->gap_kind]);
    if (at->gap_person)
        html_f(&r->out, "&amp;gap_person=%u", at->gap_person);
    if (at->gap_offset)
        html_f(&r->out, "&amp;gap_offset=%D", at->gap_offset);
    html_f(&r->out, "%s\"", at->anchor);
}

/* The kinds, each with its count of everyone's gaps, a link to those
 * gaps alone. */
static void gap_kinds(web_req *r, const dom_accountability *m)
{
    matrix_at at = here(m);
    at.gap_offset = 0, at.gap_person = NULL, at.anchor = "#gaps";
    html_f(&r->out, "<nav class=\"filters\" aria-label=\"Gaps by kind\"><span "
                    "class=\"muted\">Show</span> ");
    for (int k = -1; k < ACC_NKINDS; k++) {
        int64_t n = k < 0 ? m->gaps_total : m->gaps_of_kind[k];
        const char *name = k < 0 ? "every kind" : acc_gap_names[k];
        at.gap_kind = k;
        if (k == m->gap_kind && !m->gap_person)
            html_f(&r->out, "<strong aria-current=\"true\">%s (%D)</strong> ", name, n);
        else if (n || k < 0) {
            html_f(&r->out, "<a ");
            matrix_href(r, &at);
            html_f(&r->out, ">%s (%D)</a> ", name, n);
        } else
            html_f(&r->out, "<span class=\"muted\">%s (0)</span> ", name);
    }
    html_f(&r->out, "</nav>");
}

/* What is listed of the gaps asked for, and the links to the rest. */
static void gaps_pager(web_req *r, const dom_accountability *m)
{
    int64_t next = m->gap_offset + m->ngaps;
    if (m->gap_person) {
        matrix_at all = here(m);
        all.gap_person = NULL, all.gap_offset = 0, all.anchor = "#gaps";
        html_f(&r->out, "<p>The gaps naming <a href=\"%s\">%s</a>%s%s: %D of %D. <a ",
               web_record_url(r->d, &reg_person, m->gap_person, ""), m->gap_person,
               m->gap_kind >= 0 ? " of kind " : "",
               m->gap_kind >= 0 ? acc_gap_names[m->gap_kind] : "", m->gaps_asked, m->gaps_total);
        matrix_href(r, &all);
        html_f(&r->out, ">Show everyone's</a></p>");
    }
    if (!m->gap_offset && next >= m->gaps_asked)
        return;
    html_f(&r->out,
           "<nav class=\"pager\" aria-label=\"Gaps\"><span class=\"muted\">Gaps %D to %D "
           "of %D</span> ",
           m->ngaps ? m->gap_offset + 1 : m->gap_offset, next, m->gaps_asked);
    matrix_at at = here(m);
    at.anchor = "#gaps";
    if (m->gap_offset) {
        at.gap_offset = m->gap_offset > ACC_MAX_GAPS ? m->gap_offset - ACC_MAX_GAPS : 0;
        html_f(&r->out, "<a ");
        matrix_href(r, &at);
        html_f(&r->out, ">Previous gaps</a> ");
    }
    if (next < m->gaps_asked) {
        at.gap_offset = next;
        html_f(&r->out, "<a ");
        matrix_href(r, &at);
        html_f(&r->out, ">Next gaps</a>");
    }
    html_f(&r->out, "</nav>");
}

static void gaps_list(web_req *r, const dom_accountability *m)
{
    if (!m->gaps_total) {
        html_f(&r->out, "<p class=\"notice\">No gaps: every role the standard needs is held, and "
                        "every owner holds the role and the budget for what they own.</p>");
        return;
    }
    html_f(&r->out, "<h2 id=\"gaps\">Gaps (%D)</h2>", m->gaps_total);
    gap_kinds(r, m);
    gaps_pager(r, m);
    if (!m->ngaps)
        html_f(&r->out, "<p class=\"notice\">None of these gaps%s.</p>",
               m->gaps_asked ? " past this point" : "");
    else
        html_f(&r->out, "<ul class=\"gaps\">");
    for (int i = 0; i < m->ngaps; i++) {
        const acc_gap *g = &m->gaps[i];
        html_f(&r->out, "<li data-gap=\"%s\">", acc_gap_names[g->kind]);
        if (g->person) {
            html_f(&r->out,
                   "<a href=\"%s\">%s</a>: ", web_record_url(r->d, &reg_person, g->person, ""),
                   g->person);
        }
        html_f(&r->out, "%s</li>", g->text);
    }
    if (m->ngaps)
        html_f(&r->out, "</ul>");
}

static void roles_table(web_req *r, const dom_accountability *m)
{
    html_f(&r->out,
           "<h2 id=\"roles\">Roles</h2><div class=\"scroll\"><table "
           "class=\"compact\"><caption>Held by %D people</caption><thead><tr><th "
           "scope=\"col\">Role</th><th scope=\"col\" "
           "class=\"num\">People</th></tr></thead><tbody>",
           m->people);
    for (int k = 0; k < m->nroles; k++)
        html_f(&r->out, "<tr><th scope=\"row\">%s</th><td class=\"num\">%D</td></tr>",
               role_names[k], m->holders[k]);
    html_f(&r->out, "</tbody></table></div>");
}

/* A count of the matrix: a link to that register's list of the person's
 * records. */
static void owned_cell(web_req *r, const regdef *reg, const char *person, int64_t n)
{
    if (!n) {
        html_f(&r->out, "<td class=\"num muted\">-</td>");
        return;
    }
    html_f(&r->out, "<td class=\"num\"><a href=\"/%u?owner=%u\">%D</a></td>", reg->plural, person,
           n);
}

static void matrix_row(web_req *r, const dom_accountability *m, const acc_row *w, const int *shown,
                       int ns)
{
    html_f(&r->out,
           "<tr><th scope=\"row\"><a href=\"%s\">%s</a> <span class=\"nowrap\">%s</span></th><td>",
           web_record_url(r->d, &reg_person, w->key, ""), w->key, w->name);
    for (int k = 0; k < w->nroles; k++)
        html_f(&r->out, "%r<span class=\"nowrap\">%s</span>", k ? ", " : "", w->role_list[k]);
    html_f(&r->out, "</td><td class=\"num nowrap\">%s</td>", w->budget_text ? w->budget_text : "-");
    for (int j = 0; j < ns; j++)
        owned_cell(r, m->kinds[shown[j]].reg, w->key, w->owns[shown[j]]);
    if (!w->gaps) {
        html_f(&r->out, "<td class=\"num muted\">0</td></tr>");
        return;
    }
    matrix_at at = here(m); /* the person's gaps, of every kind */
    at.gap_kind = -1, at.gap_person = w->key, at.gap_offset = 0, at.anchor = "#gaps";
    html_f(&r->out, "<td class=\"num bad\"><a ");
    matrix_href(r, &at);
    html_f(&r->out, ">%D</a></td></tr>", (int64_t)w->gaps);
}

static void pager(web_req *r, const dom_accountability *m)
{
    int limit = m->limit;
    int more = m->offset + m->n < m->people;
    if (!m->offset && !more)
        return;
    matrix_at at = here(m);
    html_f(&r->out, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (m->offset) {
        at.offset = m->offset > limit ? m->offset - limit : 0;
        html_f(&r->out, "<a ");
        matrix_href(r, &at);
        html_f(&r->out, ">Previous</a> ");
    }
    if (more) {
        at.offset = m->offset + m->n;
        html_f(&r->out, "<a ");
        matrix_href(r, &at);
        html_f(&r->out, ">Next</a>");
    }
    html_f(&r->out, "</nav>");
}

static void matrix_table(web_req *r, const dom_accountability *m)
{
    int shown[ACC_MAX_KINDS], ns = 0;
    for (int k = 0; k < m->nkinds; k++)
        if (m->kinds[k].total)
            shown[ns++] = k;
    html_f(&r->out,
           "<h2 id=\"matrix\">Who owns what</h2><div class=\"scroll\"><table "
           "class=\"matrix\"><caption>People %D to %D of %D, by name: the active "
           "records of each register they own</caption><thead><tr><th "
           "scope=\"col\">Person</th><th scope=\"col\">Roles</th><th scope=\"col\" "
           "class=\"num\">Budget authority</th>",
           m->offset + 1, m->offset + m->n, m->people);
    for (int j = 0; j < ns; j++)
        html_f(&r->out, "<th scope=\"col\" class=\"num\">%s</th>",
               web_words(r->d, m->kinds[shown[j]].reg->plural, 1));
    html_f(&r->out, "<th scope=\"col\" class=\"num\">Gaps</th></tr></thead><tbody>");
    for (int i = 0; i < m->n; i++)
        matrix_row(r, m, &m->rows[i], shown, ns);
    html_f(&r->out, "</tbody></table></div>");
}

int page_responsibilities(web_req *r, isms_err *e)
{
    dom_accountability m;
    int rc = web_accountability(r, &m, e);
    if (rc)
        return rc;
    page_begin(r, "Responsibility matrix", NAV_REGISTERS);
    html_f(&r->out,
           "<p class=\"muted\">Every accountability names one person (ISO/IEC 27001 Cl. 5.3): "
           "who owns which records, with their roles and the money they may commit, and the "
           "gaps: a role the standard needs that nobody holds, an owner without the role or "
           "the budget for what they own, an internal auditor who owns what they would audit, "
           "one person holding more than half of the risks, controls or assets (of at least "
           "%d). Counted from the records as they are written; computed %r.</p>",
           ACC_CONCENTRATION_MIN, web_time_html(r->d, m.computed_at));
    gaps_list(r, &m);
    if (m.n)
        matrix_table(r, &m);
    else
        html_f(&r->out, "<p class=\"notice\">No people %s.</p>",
               m.offset ? "past this page" : "yet");
    pager(r, &m);
    roles_table(r, &m);
    page_end(r);
    return 0;
}
