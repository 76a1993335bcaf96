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
    int rc = web_only_params(r, (const char *const[]){ "q", NULL }, e);
    if (!rc && q)
        rc = text_check("q", q, 0, 1000, e);
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

/* A section's heading, and what it says when it has nothing (n = 0). */
static int section(web_req *r, const char *title, int n, const char *none)
{
    html_f(&r->out, "<h2>%s</h2>", title);
    if (!n)
        html_f(&r->out, "<p class=\"muted\">%s</p>", none);
    return n;
}

/* What of the person's falls due within DUE_DAYS (or is overdue), the
 * earliest DOM_BACKLINKS_SHOWN, from the front of each register's index
 * of person and date: what they own however much that is. */
static int due(web_req *r, const record *me, isms_err *e)
{
    char today[11], soon[11];
    today_plus(today, 0);
    today_plus(soon, DUE_DAYS);
    dom_due due;
    int rc = dom_due_of(r->d, me, soon, DOM_BACKLINKS_SHOWN, &due, e);
    if (rc || !section(r, "Due or overdue", due.n, "Nothing of yours is due in the next 30 days."))
        return rc;
    html_f(&r->out, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Record</th><th "
                    "scope=\"col\">Name</th><th scope=\"col\">Date</th><th scope=\"col\">When</th>"
                    "<th scope=\"col\">State</th></tr></thead><tbody>");
    char now[21];
    now_timestamp(now);
    for (int k = 0; k < due.n; k++) {
        const dom_due_item *it = &due.items[k];
        int by_the_hour = it->when->type == FT_TIME; /* a report to an authority */
        html_f(&r->out,
               "<tr><td><a href=\"/%u/%u\">%s</a></td><td>%s</td><td>%s</td><td>%r</td><td>%r"
               "</td></tr>",
               it->reg->plural, it->key, it->key, it->label, web_field_label(r->d, it->when->name),
               by_the_hour ? web_time_html(r->d, it->date)
                           : arena_printf(dom_arena(r->d), "%s", it->date),
               strcmp(it->date, by_the_hour ? now : today) < 0
                   ? "<strong class=\"error\">overdue</strong>"
                   : "due soon");
    }
    html_f(&r->out, "</tbody></table></div>");
    if (due.more) { /* each list of those shown, filtered on the person, by its date */
        html_f(&r->out, "<p>More are due than these %d, the earliest; all of them:", due.n);
        for (int k = 0; k < due.n; k++) {
            const dom_due_item *it = &due.items[k];
            int seen = 0;
            for (int j = 0; j < k && !seen; j++)
                seen = due.items[j].reg == it->reg && due.items[j].who == it->who &&
                       due.items[j].when == it->when;
            if (!seen)
                html_f(&r->out, " <a href=\"/%u?%u=%u&amp;sort=%u\">%s by %s</a>", it->reg->plural,
                       it->who->name, me->key, it->when->name, web_words(r->d, it->reg->plural, 0),
                       web_words(r->d, it->when->name, 0));
        }
        html_f(&r->out, ".</p>");
    }
    return 0;
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
        if (a->more)
            html_f(b, "<li><a href=\"/%u?%u=%u\">All %s %s</a></li>", a->reg->plural,
                   a->state->name, a->from, a->from, web_words(r->d, a->reg->plural, 0));
    }
    html_f(b, "</ul>");
}

/* The first DOM_BACKLINKS_SHOWN records of each register and field that
 * name the person, then a link to the list of every one. */
static void owned(web_req *r, const record *me, const dom_backlinks *bl)
{
    buf *b = &r->out;
    if (!section(r, "Yours", bl->n, "No record names you."))
        return;
    html_f(b, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Record</th><th "
              "scope=\"col\">Name</th><th scope=\"col\">You are its</th></tr></thead><tbody>");
    for (int k = 0; k < bl->n; k++) {
        const dom_backlink *l = &bl->links[k];
        html_f(b, "<tr><td><a href=\"/%u/%u\">%s</a></td><td>%s</td><td>%s</td></tr>",
               l->reg->plural, l->key, l->key, l->label, web_words(r->d, l->field->name, 0));
        if (l->more)
            html_f(b,
                   "<tr><td colspan=\"3\">and more: <a href=\"/%u?%u=%u\">every %s whose %s "
                   "you are</a></td></tr>",
                   l->reg->plural, l->field->name, me->key, web_words(r->d, l->reg->name, 0),
                   web_words(r->d, l->field->name, 0));
    }
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
        rc = dom_backlinks_of(r->d, &me, DOM_BACKLINKS_SHOWN, &bl, e);
    if (rc)
        return rc;
    html_f(&r->out, "<p>Signed in as <a href=\"/%u/%u\">%s</a> (%s).</p>", reg_person.plural,
           me.key, web_record_title(r->d, &me), r->who.actor);
    approvals(r, &bl);
    rc = due(r, &me, e);
    if (rc)
        return rc;
    owned(r, &me, &bl);
    html_f(&r->out, "<p><a href=\"/signout\">Sign out (here or everywhere)</a></p>");
    page_end(r);
    return 0;
}
