/* pages_find.c: finding records. The search (/search?q=) looks in every
 * register the way a list's q does (the key and the text fields), and
 * shows the first few of each. "My work" (/my) is the signed-in person's:
 * what names them (owner, approver, ...), what of that is due for review
 * or overdue, and the records waiting for a transition their roles may
 * make (domain/views/links.h). */
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/links.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <string.h>
#include <time.h>

enum { SEARCH_EACH = 10, DUE_DAYS = 30 };

/* ---- search ---- */

static void search_form(web_req *r, const char *q)
{
    html_f(&r->out,
           "<form class=\"filters\" method=\"get\" action=\"/search\"><div><label "
           "for=\"search-q\">Key or words</label><input id=\"search-q\" type=\"search\" "
           "name=\"q\" value=\"%s\"></div><div><button type=\"submit\">Search</button>"
           "</div></form>",
           q ? q : "");
}

static void search_hits(web_req *r, const web_list *l)
{
    buf *b = &r->out;
    html_f(b, "<h2><a href=\"/%u?q=%u\">%s</a> <span class=\"muted\">(%D)</span></h2><ul>",
           l->reg->plural, l->q, web_field_label(r->d, l->reg->plural), l->total);
    for (int64_t k = 0; k < l->n; k++)
        html_f(b, "<li><a href=\"/%u/%u\">%s</a></li>", l->reg->plural, l->items[k].key,
               web_record_title(r->d, &l->items[k]));
    html_f(b, "</ul>");
}

int page_search(web_req *r, isms_err *e)
{
    const char *q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "q");
    int rc = q ? text_check("q", q, 0, 1000, e) : 0;
    if (rc)
        return e->code = E_USAGE;
    page_begin(r, "Search", NAV_SEARCH);
    search_form(r, q);
    int64_t found = 0;
    for (int i = 0; q && *q && registers[i]; i++) {
        web_list l = { .reg = registers[i], .q = q, .limit = SEARCH_EACH };
        rc = web_list_run(r, &l, e);
        if (rc)
            return rc;
        if (l.total)
            search_hits(r, &l);
        found += l.total;
    }
    if (q && *q && !found)
        html_f(&r->out, "<p>Nothing matches “%s”.</p>", q);
    page_end(r);
    return 0;
}

/* ---- my work ---- */

static void today_plus(char out[11], int days)
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Rows of what of rec is due by `soon` (overdue before `today`). */
static void due_rows(web_req *r, buf *rows, const record *rec, const char *today, const char *soon,
                     int *n)
{
    for (int i = 0; i < rec->reg->nfields; i++) {
        const char *when = rec->v[i].null ? NULL : rec->v[i].s;
        if (!web_is_due(&rec->reg->fields[i]) || !when || strcmp(when, soon) > 0)
            continue;
        html_f(&r->out,
               "<tr><td><a href=\"/%u/%u\">%s</a></td><td>%s</td><td>%s</td><td>%r</td>"
               "</tr>",
               rec->reg->plural, rec->key, web_record_title(r->d, rec),
               web_field_label(r->d, rec->reg->fields[i].name), when,
               strcmp(when, today) < 0 ? "<strong class=\"error\">overdue</strong>" : "due soon");
        (*n)++;
    }
}

/* A section's heading, and what it says when it has nothing (n = 0). */
static int section(web_req *r, const char *title, int n, const char *none)
{
    html_f(&r->out, "<h2>%s</h2>", title);
    if (!n)
        html_f(&r->out, "<p class=\"muted\">%s</p>", none);
    return n;
}

static int due(web_req *r, const dom_backlinks *bl, isms_err *e)
{
    char today[11], soon[11];
    today_plus(today, 0);
    today_plus(soon, DUE_DAYS);
    buf rows;
    buf_init(&rows);
    int n = 0, rc = 0;
    for (int k = 0; k < bl->n && !rc; k++) {
        if (k && bl->links[k].reg == bl->links[k - 1].reg &&
            !strcmp(bl->links[k].key, bl->links[k - 1].key))
            continue; /* named twice (owner and approver): once */
        record rec;
        rc = dom_get(r->d, bl->links[k].reg, bl->links[k].key, &rec, e);
        if (!rc)
            due_rows(r, &rows, &rec, today, soon, &n);
    }
    if (!rc && section(r, "Due or overdue", n, "Nothing of yours is due in the next 30 days."))
        html_f(&r->out,
               "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Record</th><th "
               "scope=\"col\">Date</th><th scope=\"col\">When</th><th "
               "scope=\"col\">State</th></tr></thead><tbody>%r</tbody></table></div>",
               buf_str(&rows));
    buf_reset(&rows);
    return rc;
}

static void approvals(web_req *r, const dom_backlinks *bl)
{
    buf *b = &r->out;
    if (!section(r, "Waiting for you", bl->napprovals, "Nothing waits for your approval."))
        return;
    html_f(b, "<ul>");
    for (int k = 0; k < bl->napprovals; k++) {
        const dom_approval *a = &bl->approvals[k];
        html_f(b,
               "<li><a href=\"/%u/%u\">%s</a> %s: <form class=\"inline\" method=\"post\" "
               "action=\"/%u/%u/%u\">",
               a->reg->plural, a->key, a->key, a->label, a->reg->plural, a->key, a->verb);
        html_csrf_field(r);
        html_f(b, "<button type=\"submit\">%s</button></form></li>",
               web_field_label(r->d, a->verb));
    }
    html_f(b, "</ul>");
}

static void owned(web_req *r, const dom_backlinks *bl)
{
    buf *b = &r->out;
    if (!section(r, "Yours", bl->n, "No record names you."))
        return;
    html_f(b, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Record</th><th "
              "scope=\"col\">Name</th><th scope=\"col\">You are its</th></tr></thead><tbody>");
    for (int k = 0; k < bl->n; k++)
        html_f(b, "<tr><td><a href=\"/%u/%u\">%s</a></td><td>%s</td><td>%s</td></tr>",
               bl->links[k].reg->plural, bl->links[k].key, bl->links[k].key, bl->links[k].label,
               bl->links[k].field->name);
    html_f(b, "</tbody></table></div>");
}

int page_my(web_req *r, isms_err *e)
{
    page_begin(r, "My work", NAV_MY);
    if (!r->who.person_key) {
        html_f(&r->out, "<p>%s is not a person of the repository.</p>", r->who.actor);
        page_end(r);
        return 0;
    }
    record me;
    dom_backlinks bl;
    int rc = dom_get(r->d, &reg_person, r->who.person_key, &me, e);
    if (!rc)
        rc = dom_backlinks_of(r->d, &me, 0, &bl, e); /* all: what of them is due */
    if (rc)
        return rc;
    html_f(&r->out, "<p>Signed in as <a href=\"/%u/%u\">%s</a> (%s).</p>", reg_person.plural,
           me.key, web_record_title(r->d, &me), r->who.actor);
    approvals(r, &bl);
    rc = due(r, &bl, e);
    if (rc)
        return rc;
    owned(r, &bl);
    html_f(&r->out, "<p><a href=\"/signout\">Sign out (here or everywhere)</a></p>");
    page_end(r);
    return 0;
}
