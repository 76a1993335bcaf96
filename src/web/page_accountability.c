/* page_accountability.c: the responsibility matrix (domain/views/
 * accountability.h) as a page and in the API:
 *
 *   GET /responsibilities[?offset=N][&limit=N]         the gaps, the roles held,
 *                                                      a page of people by name
 *   GET /api/v1/responsibilities[?offset=N][&limit=N]  the same as JSON
 *                                                      (isms person matrix --json) */
#include "domain/registers/registers.h"
#include "domain/views/accountability.h"
#include "web/html.h"
#include "web/views_json.h"
#include "web/web_internal.h"

#include <stdint.h>
#include <string.h>

static int web_accountability(web_req *r, dom_accountability *out, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ "offset", "limit", NULL }, e);
    const char *offset = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "offset"),
               *limit = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
    int64_t off = 0, lim = 0;
    if (!rc && offset && *offset)
        rc = web_parse_int("offset", offset, 0, INT64_MAX, &off, e);
    if (!rc && limit && *limit)
        rc = web_parse_int("limit", limit, 1, 500, &lim, e);
    return rc ? rc : dom_accountability_read(r->d, off, (int)lim, out, e);
}

int api_responsibilities(web_req *r, isms_err *e)
{
    dom_accountability m;
    int rc = web_accountability(r, &m, e);
    if (!rc)
        web_send_doc(r, accountability_json(&m));
    return rc;
}

static void gaps_list(web_req *r, const dom_accountability *m)
{
    if (!m->gaps_total) {
        html_f(&r->out, "<p class=\"notice\">No gaps: every role the standard needs is held, and "
                        "every owner holds the role and the budget for what they own.</p>");
        return;
    }
    html_f(&r->out, "<h2 id=\"gaps\">Gaps (%D)</h2><ul class=\"gaps\">", m->gaps_total);
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
    html_f(&r->out, "</ul>");
    if (m->gaps_total > m->ngaps)
        html_f(&r->out, "<p class=\"muted\">The first %d of %D are listed.</p>", m->ngaps,
               m->gaps_total);
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
    html_f(&r->out, "<td class=\"num%r\">%D</td></tr>", w->gaps ? " bad" : " muted",
           (int64_t)w->gaps);
}

static void pager(web_req *r, const dom_accountability *m)
{
    int limit = m->limit;
    int more = m->offset + m->n < m->people;
    if (!m->offset && !more)
        return;
    html_f(&r->out, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (m->offset)
        html_f(&r->out, "<a href=\"/responsibilities?offset=%D&amp;limit=%d\">Previous</a> ",
               m->offset > limit ? m->offset - limit : (int64_t)0, limit);
    if (more)
        html_f(&r->out, "<a href=\"/responsibilities?offset=%D&amp;limit=%d\">Next</a>",
               m->offset + m->n, limit);
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
