/* html.c: escaping, the small HTML printf and the page shell (html.h). */
#include "web/html.h"
#include "formats/svg.h"
#include "web/web_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- escaping ---- */

/* The escaping is XML's, the same as the SVG writer's. */
void html_text(buf *b, const char *s) { svg_text(b, s); }

void html_url_part(buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            buf_putc(b, (char)*p);
            continue;
        }
        char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
        buf_append(b, esc, 3);
    }
}

int html_safe_url(const char *url)
{
    if (!url || !*url)
        return 0;
    if (url[0] == '/')
        return url[1] != '/' && url[1] != '\\';
    static const char *const schemes[] = { "http://", "https://", "mailto:" };
    for (size_t k = 0; k < sizeof schemes / sizeof *schemes; k++)
        if (!strncasecmp(url, schemes[k], strlen(schemes[k])))
            return 1;
    /* a relative path without a scheme: no ':' before the first '/', '?' or '#' */
    size_t head = strcspn(url, "/?#");
    return !memchr(url, ':', head) && !strpbrk(url, "\\\t\r\n");
}

void html_href(buf *b, const char *url)
{
    buf_puts(b, " href=\"");
    html_text(b, html_safe_url(url) ? url : "#");
    buf_putc(b, '"');
}

static void conversion(buf *b, char c, va_list *ap)
{
    switch (c) {
    case 's': html_text(b, va_arg(*ap, const char *)); return;
    case 'u': html_url_part(b, va_arg(*ap, const char *)); return;
    case 'r': {
        const char *raw = va_arg(*ap, const char *);
        if (raw)
            buf_puts(b, raw);
        return;
    }
    case 'd': buf_printf(b, "%d", va_arg(*ap, int)); return;
    case 'D': buf_printf(b, "%" PRId64, va_arg(*ap, int64_t)); return;
    case '%': buf_putc(b, '%'); return;
    default: abort(); /* a conversion html_f does not know: a programming error */
    }
}

void html_f(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p;) {
        size_t n = strcspn(p, "%");
        buf_append(b, p, n);
        p += n;
        if (!*p)
            break;
        conversion(b, p[1], &ap);
        p += 2;
    }
    va_end(ap);
}

/* ---- the page shell ---- */

static const struct {
    html_nav nav;
    const char *href, *label;
} nav_items[] = {
    { NAV_DASHBOARD, "/", "Dashboard" },
    { NAV_REGISTERS, "/registers", "Registers" },
    { NAV_FRAMEWORKS, "/coverage", "Frameworks" },
    { NAV_MY, "/my", "My work" },
};

void html_time(buf *b, const char *iso)
{
    int y, mo, dd, h, mi, sec;
    char z;
    int n = 0;
    if (iso &&
        sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &dd, &h, &mi, &sec, &z, &n) == 7 &&
        z == 'Z' && !iso[n]) {
        char text[40];
        snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d UTC", y, mo, dd, h, mi);
        html_f(b, "<time datetime=\"%s\">%s</time>", iso, text);
        return;
    }
    html_text(b, iso);
}

static void header(web_req *r, html_nav active)
{
    buf *b = &r->out;
    html_f(b, "<header class=\"top\"><nav aria-label=\"Main\"><a class=\"brand\" "
              "href=\"/\">isms</a><ul>");
    for (size_t k = 0; k < sizeof nav_items / sizeof *nav_items; k++)
        html_f(b, "<li><a href=\"%s\"%r>%s</a></li>", nav_items[k].href,
               nav_items[k].nav == active ? " aria-current=\"page\"" : "", nav_items[k].label);
    html_f(b, "</ul></nav><form class=\"search\" role=\"search\" action=\"/search\" "
              "method=\"get\"><label for=\"site-q\" class=\"vh\">Search records</label><input "
              "id=\"site-q\" type=\"search\" name=\"q\" placeholder=\"Key or words\"><button "
              "type=\"submit\">Search</button></form>");
    if (r->signed_in) {
        html_f(b, "<form class=\"who\" method=\"post\" action=\"/signout\"><span>%s</span>",
               r->who.actor);
        html_csrf_field(r);
        html_f(b, "<button type=\"submit\">Sign out</button></form>");
    }
    html_f(b, "</header>");
}

void page_begin(web_req *r, const char *title, html_nav active)
{
    r->status = 200;
    r->type = "text/html; charset=utf-8";
    buf_clear(&r->out);
    html_f(&r->out,
           "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
           "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>%s · "
           "isms</title><link rel=\"stylesheet\" href=\"%s\"></head><body><a class=\"skip\" "
           "href=\"#main\">Skip to content</a>",
           title, html_css_url());
    header(r, active);
    html_f(&r->out, "<main id=\"main\" tabindex=\"-1\"><h1>%s</h1>", title);
}

void page_end(web_req *r)
{
    html_f(&r->out, "</main><footer><p>isms · information security management "
                    "system</p></footer></body></html>\n");
}

void html_csrf_field(web_req *r)
{
    if (r->csrf)
        html_f(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
}

void html_error_page(web_req *r, int code, const isms_err *e)
{
    if (!code)
        code = E_INTERNAL;
    char title[64];
    snprintf(title, sizeof title, "%s", err_text(code));
    title[0] = (char)toupper((unsigned char)title[0]);
    page_begin(r, title, NAV_NONE);
    r->status = err_http_status(code);
    const char *msg = e && e->code ? e->msg : err_text(code);
    html_f(&r->out, "<p class=\"error\" role=\"alert\">%s</p>", msg);
    if (code == E_DENIED && !r->signed_in)
        html_f(&r->out, "<p><a href=\"/signin\">Sign in</a></p>");
    else
        html_f(&r->out, "<p><a href=\"/\">Back to the start</a></p>");
    page_end(r);
}

void html_redirect(web_req *r, const char *location)
{
    r->status = 303;
    r->type = "text/html; charset=utf-8";
    buf_clear(&r->out);
    web_header(r, "Location", "%s", html_safe_url(location) ? location : "/");
}

void html_redirect_signin(web_req *r)
{
    buf to;
    buf_init(&to);
    buf_puts(&to, "/signin?next=");
    html_url_part(&to, r->url);
    html_redirect(r, buf_str(&to));
    buf_reset(&to);
}
