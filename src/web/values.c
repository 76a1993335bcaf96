/* values.c: a field's value as people read it, in text (CSV, inputs) and
 * in HTML (a reference as a link to its record). */
#include "core/text.h"
#include "domain/registers/registers.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void html_ref(buf *b, dom *d, const regdef *reg, const char *key)
{
    html_f(b, "<a href=\"/%u/%u\">%s</a>", reg->plural, key, key);
    const char *label = dom_label(d, reg, key);
    if (label)
        html_f(b, " <span class=\"label\">%s</span>", label);
}

static void link_to(buf *b, dom *d, const char *target, const char *key)
{
    const regdef *reg = register_find(target);
    if (reg)
        html_ref(b, d, reg, key);
    else
        html_text(b, key);
}

/* A whole text that is one http(s) address, and only that (html_href
 * lets nothing else through as a link anyway: javascript: stays text). */
static int is_link(const char *s)
{
    return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)) &&
           !strpbrk(s, " \t\n\"'<>") && html_safe_url(s);
}

void html_value(buf *b, dom *d, const fielddef *f, const value *v)
{
    if (f->type == FT_REF && !v->null && v->s) {
        link_to(b, d, f->target, v->s);
        return;
    }
    if (f->type == FT_LINKS) {
        for (int k = 0; k < v->n; k++) {
            buf_puts(b, k ? ", " : "");
            link_to(b, d, f->target, v->keys[k]);
        }
        return;
    }
    if (f->type == FT_TEXT && !v->null && is_link(v->s)) { /* a text that is a web address */
        html_f(b, "<a rel=\"noopener noreferrer\"");
        html_href(b, v->s);
        html_f(b, ">%s</a>", v->s);
        return;
    }
    if (f->type == FT_TIME && !v->null && v->s) {
        html_time(b, v->s);
        return;
    }
    if (f->type == FT_MONEY && !v->null)
        html_f(b, "%s\u00a0%s", dom_currency(d), dom_value_text(d, f, v)); /* as web_money */
    else
        html_text(b, dom_value_text(d, f, v));
}

const char *web_time_html(dom *d, const char *iso)
{
    buf b;
    buf_init(&b);
    html_time(&b, iso);
    const char *s = arena_strdup(dom_arena(d), buf_str(&b));
    buf_reset(&b);
    return s;
}

const char *web_words(dom *d, const char *name, int capital)
{
    buf b;
    buf_init(&b);
    text_words(&b, name, capital);
    const char *s = arena_strdup(dom_arena(d), buf_str(&b));
    buf_reset(&b);
    return s;
}

/* A field's name as a heading: "residual_likelihood" is "Residual likelihood". */
const char *web_field_label(dom *d, const char *name) { return web_words(d, name, 1); }

const char *web_record_url(dom *d, const regdef *reg, const char *key, const char *suffix)
{
    buf b;
    buf_init(&b);
    buf_putc(&b, '/');
    html_url_part(&b, reg->plural);
    buf_putc(&b, '/');
    html_url_part(&b, key);
    buf_puts(&b, suffix);
    const char *s = arena_strdup(dom_arena(d), buf_str(&b));
    buf_reset(&b);
    return s;
}
