/* page_attention.c: one of the dashboard's counts of what needs attention,
 * every risk of it a page at a time (domain/views/attention.h):
 *
 *   GET /attention?list=LIST[&cursor=C|&offset=N][&limit=N]         the page
 *   GET /api/v1/attention?list=LIST[&cursor=C|&offset=N][&limit=N]  the same as JSON
 *                                                   (isms attention LIST --json)
 *
 * LIST: unquantified, outside-appetite, matrix-disagrees, untreated. The
 * dashboard's "and N more" leads here. C: the next or previous page's
 * cursor (next_cursor, prev_cursor; domain/views/query.h), which reads on
 * from a risk's place in the list: a page deep in a million costs what the
 * first does, where an offset reads the rows it passes. */
#include "domain/registers/registers.h"
#include "domain/views/attention.h"
#include "domain/views/query.h"
#include "web/html.h"
#include "web/views_json.h"
#include "web/web_internal.h"

#include <stdint.h>
#include <string.h>

static int web_attention(web_req *r, dom_attention *out, isms_err *e)
{
    static const char *const known[] = { "list", "cursor", "offset", "limit", NULL };
    const char *list = web_query(r, "list"), *offset = web_query(r, "offset"),
               *cursor = web_query(r, "cursor"), *limit = web_query(r, "limit");
    store_page at = { 0 };
    att_list which = ATT_UNQUANTIFIED;
    int rc = web_only_params(r, known, e);
    if (!rc && !list)
        rc = err_set(e, E_USAGE, "list", "list: give %s",
                     choices_text(dom_arena(r->d), att_list_names));
    if (!rc && att_list_parse(r->d, list, &which, e))
        rc = e->code = E_USAGE; /* the message stands; a bad parameter is a bad request */
    if (!rc && offset && cursor)
        rc = err_set(e, E_USAGE, "cursor", "cursor %s: give a cursor or an offset, not both",
                     cursor);
    if (!rc && offset)
        rc = web_parse_int("offset", offset, 0, DOM_PLACE_MAX, &at.offset, e);
    if (!rc && cursor)
        rc = dom_cursor_parse(cursor, &at, e);
    if (!rc && limit)
        rc = web_parse_int("limit", limit, 1, ATT_PAGE_MAX, &at.limit, e);
    return rc ? rc : dom_attention_read(r->d, which, &at, out, e);
}

int api_attention(web_req *r, isms_err *e)
{
    dom_attention a;
    int rc = web_attention(r, &a, e);
    if (!rc)
        web_send_doc(r, attention_json(&a));
    return rc;
}

static void rows_table(web_req *r, const dom_attention *a)
{
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption>Risks %D to %D of %D, by key</caption><thead><tr>"
           "<th scope=\"col\">Risk</th><th scope=\"col\">Title</th><th scope=\"col\" "
           "class=\"num\">Residual</th><th scope=\"col\">Band</th><th scope=\"col\">Owner</th>"
           "<th scope=\"col\">Treatment</th></tr></thead><tbody>",
           a->offset + 1, a->offset + a->n, a->total);
    for (int i = 0; i < a->n; i++) {
        const dash_risk *k = &a->rows[i];
        html_f(&r->out,
               "<tr><th scope=\"row\"><a href=\"%s\">%s</a></th><td>%s</td><td "
               "class=\"num\">%d</td><td>%s</td><td>",
               web_record_url(r->d, &reg_risk, k->key, ""), k->key, k->title, k->residual,
               k->residual_band);
        if (k->owner)
            html_f(&r->out, "<a href=\"%s\">%s</a>",
                   web_record_url(r->d, &reg_person, k->owner, ""), k->owner);
        html_f(&r->out, "</td><td>%s</td></tr>", k->treatment ? k->treatment : "-");
    }
    html_f(&r->out, "</tbody></table></div>");
}

static void pager(web_req *r, const dom_attention *a)
{
    if (!a->next && !a->prev)
        return;
    const char *list = att_list_names[a->list];
    html_f(&r->out, "<nav class=\"pager\" aria-label=\"Pages\">");
    if (a->prev)
        html_f(&r->out, "<a href=\"/attention?list=%u&amp;cursor=%u&amp;limit=%d\">Previous</a> ",
               list, a->prev, a->limit);
    if (a->next)
        html_f(&r->out, "<a href=\"/attention?list=%u&amp;cursor=%u&amp;limit=%d\">Next</a>", list,
               a->next, a->limit);
    html_f(&r->out, "</nav>");
}

/* The other lists, each a link with its name. */
static void other_lists(web_req *r, const dom_attention *a)
{
    html_f(&r->out, "<nav class=\"filters\" aria-label=\"Lists\"><span class=\"muted\">Needs "
                    "attention</span> ");
    for (int k = 0; k < ATT_NLISTS; k++) {
        if (k == (int)a->list)
            html_f(&r->out, "<strong aria-current=\"page\">%s</strong> ", att_list_names[k]);
        else
            html_f(&r->out, "<a href=\"/attention?list=%u\">%s</a> ", att_list_names[k],
                   att_list_names[k]);
    }
    html_f(&r->out, "</nav>");
}

int page_attention(web_req *r, isms_err *e)
{
    dom_attention a;
    int rc = web_attention(r, &a, e);
    if (rc)
        return rc;
    const char *title = arena_printf(dom_arena(r->d), "%c%s", a.what[0] - 'a' + 'A', a.what + 1);
    page_begin(r, title, NAV_DASHBOARD);
    html_f(&r->out, "<p>%D %s. %s</p>", a.total, a.total == 1 ? "risk" : "risks", a.why);
    other_lists(r, &a);
    if (a.n)
        rows_table(r, &a);
    else
        html_f(&r->out, "<p class=\"notice\">No risks %s.</p>",
               a.offset && a.total ? "past this page" : "on this list");
    pager(r, &a);
    html_f(&r->out, "<p class=\"muted\">Counted as the dashboard counts them, computed %r.</p>",
           web_time_html(r->d, a.computed_at));
    page_end(r);
    return 0;
}
