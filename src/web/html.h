/* html.h: writing HTML safely, and the page shell every HTML page shares.
 *
 * Every text that comes from a record, a request or a person goes through
 * html_text (or %s of html_f), which escapes & < > " ' so that it is text
 * in an element and in a quoted attribute alike; URLs built from data use
 * %u (percent-encoding of one path segment or query value), and a URL
 * that is data as a whole goes through html_href, which only lets
 * relative and http(s)/mailto URLs through (javascript:, data: become #).
 *
 * A page:
 *
 *     page_begin(r, "Risks", NAV_REGISTERS);   // doctype, head, header, <main>, <h1>
 *     html_f(&r->out, "<p>%s</p>", rec.key);   // the body, escaped
 *     page_end(r);                             // </main>, footer; 200 text/html
 *
 * The stylesheet is compiled in and served at html_css_url() (a version in
 * the URL, cached for a year); no inline style or script anywhere, so the
 * Content-Security-Policy forbids both. */
#ifndef ISMS_WEB_HTML_H
#define ISMS_WEB_HTML_H

#include "core/buf.h"
#include "core/err.h"

struct web_req;

/* ---- escaping ---- */

/* s as text, safe in an element and in a "quoted" attribute (NULL: nothing). */
void html_text(buf *b, const char *s);
/* s percent-encoded as one path segment or query value (RFC 3986: all but
 * unreserved characters). */
void html_url_part(buf *b, const char *s);
/* ` href="URL"` for a URL that is data as a whole: a relative one (not
 * "//host"), or http:, https:, mailto:; anything else gives href="#". */
void html_href(buf *b, const char *url);
/* Is url one html_href lets through? */
int html_safe_url(const char *url);

/* A small printf for HTML: %s escaped text (NULL: nothing), %u a URL part
 * (html_url_part), %r raw trusted markup (a literal of the program, never
 * data; NULL: nothing), %d int, %D int64_t, %% a percent sign. Nothing else: an unknown
 * conversion aborts (a programming error, found by any test of the page). */
void html_f(buf *b, const char *fmt, ...);

/* A time of the repository (UTC ISO 8601, "2026-12-02T08:15:00Z") as
 * people read it, "2026-12-02 08:15 UTC", in a <time> whose datetime is
 * the ISO value; a text that is no such time is written as it is. */
void html_time(buf *b, const char *iso);

/* ---- the page shell ---- */

/* The navigation entry a page belongs to (marked aria-current). */
typedef enum html_nav {
    NAV_NONE,
    NAV_DASHBOARD,
    NAV_REGISTERS,
    NAV_FRAMEWORKS,
    NAV_MY,
    NAV_SEARCH
} html_nav;

/* Starts r's answer as an HTML page titled `title` (escaped): the head
 * with the stylesheet, a skip link, the header with the navigation
 * (dashboard /, registers, my work, a search box), who is signed in and a
 * sign-out button, then <main id="main"> and the <h1>. Status 200,
 * text/html; a handler may set r->status after. */
void page_begin(struct web_req *r, const char *title, html_nav active);
/* Closes <main>, adds the footer and ends the document. */
void page_end(struct web_req *r);

/* The hidden CSRF field every state-changing form carries (nothing when
 * the request came with no session, as with a token). */
void html_csrf_field(struct web_req *r);

/* An error page: the status of `code` in the error table, the message
 * and the field it names (escaped). */
void html_error_page(struct web_req *r, int code, const isms_err *e);

/* Redirect (303 See Other) to `location`, a path of this site. */
void html_redirect(struct web_req *r, const char *location);

/* Redirect to the sign-in form, which comes back to this request's path. */
void html_redirect_signin(struct web_req *r);

/* ---- the stylesheet ---- */

/* "/static/isms.css?v=<hash of the stylesheet>" */
const char *html_css_url(void);
/* GET /static/isms.css: the stylesheet, cached for a year (the version in
 * the URL changes with it). */
int html_css(struct web_req *r, isms_err *e);

#endif
