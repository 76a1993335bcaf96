/* input.c: user text to field values. Parsing only: text becomes a typed
 * value (a number, minor units of money, a canonical distribution) or an
 * error saying the text is not one; whether the value suits the field
 * (its range, its choices, its length) is validation's job
 * (registers/validate.c), which typed values from elsewhere pass too. */
#include "domain/engine/dom_internal.h"
#include "core/buf.h"
#include "core/text.h"
#include "risk/dist.h"

#include <string.h>

const char *dom_key(dom *d, const char *typed)
{
    char *k = arena_strdup(&d->a, typed);
    if (strchr(k, '@'))
        return ascii_lower(k);   /* an e-mail address standing for a person */
    return ascii_upper(k);
}

/* Adds one member to a set value, ignoring duplicates. */
static void set_add(dom *d, value *v, const char *member)
{
    for (int k = 0; k < v->n; k++)
        if (!strcmp(v->keys[k], member))
            return;
    const char **keys = arena_alloc(&d->a, sizeof(char *) * (size_t)(v->n + 1));
    int64_t *ids = arena_alloc(&d->a, sizeof(int64_t) * (size_t)(v->n + 1));
    if (v->n) {
        memcpy(keys, v->keys, sizeof(char *) * (size_t)v->n);
        memcpy(ids, v->ids, sizeof(int64_t) * (size_t)v->n);
    }
    keys[v->n] = member;
    ids[v->n] = 0;
    v->keys = keys;
    v->ids = ids;
    v->n++;
}

/* Members are separated by commas; repeated flags add to the set. */
static void set_text(dom *d, const fielddef *f, value *v, const char *text)
{
    if (!v->given) {
        v->n = 0;
        v->keys = NULL;
        v->ids = NULL;
    }
    v->given = 1;
    v->null = 0;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char *m = arena_strndup(&d->a, p, n);
        char *s = m;
        while (*s == ' ')
            s++;
        for (char *t = s + strlen(s); t > s && t[-1] == ' '; t--)
            t[-1] = 0;
        if (*s)
            set_add(d, v, f->type == FT_ENUMSET ? s : dom_key(d, s));
        p = comma ? comma + 1 : p + n;
    }
}

int dom_set_text(dom *d, record *r, int fi, const char *text, isms_err *e)
{
    return dom_set_value(d, r, fi, text, e);
}

/* A distribution is stored in the engine's shortest canonical text, so
 * that "pert(0.50, 2, 6.0)" and "pert(0.5,2,6)" are the same value. */
static int dist_text(dom *d, const fielddef *f, value *v, const char *text, isms_err *e)
{
    dist parsed = {0};
    int rc = dist_parse(text, &parsed, f->name, e);
    if (rc)
        return rc;
    buf b;
    buf_init(&b);
    dist_format(&parsed, &b);
    v->s = arena_strdup(&d->a, buf_str(&b));
    buf_reset(&b);
    dist_reset(&parsed);
    return 0;
}

int dom_parse_filter(dom *d, record *r, int fi, const char *text, isms_err *e)
{
    return dom_set_value(d, r, fi, text, e);
}

int dom_set_value(dom *d, record *r, int fi, const char *text, isms_err *e)
{
    const fielddef *f = &r->reg->fields[fi];
    value *v = &r->v[fi];
    int rc = text_check(f->name, text, (f->flags & FF_MULTILINE) != 0,
                        f->type == FT_TEXT && f->max ? (size_t)f->max : 65536, e);
    if (rc)
        return rc;
    if (f->type == FT_LINKS || f->type == FT_ENUMSET) {
        set_text(d, f, v, text);
        return 0;
    }
    v->given = 1;
    v->null = 0;
    if (!*text) {   /* clears the field; validation says whether it may be empty */
        v->null = 1;
        return 0;
    }
    int b;
    switch (f->type) {
    case FT_TEXT:
        v->s = arena_strdup(&d->a, text);
        if (f->flags & FF_FOLD)
            ascii_lower((char *)v->s);
        return 0;
    case FT_INT:
        return parse_int64(f->name, text, INT64_MIN, INT64_MAX, &v->i, e);
    case FT_MONEY:
        return parse_money(f->name, text, dom_currency_exponent(d), &v->i, e);
    case FT_BOOL:
        rc = parse_bool(f->name, text, &b, e);
        v->i = b;
        return rc;
    case FT_DATE:
        v->s = arena_strdup(&d->a, text);
        return parse_date(f->name, text, e);
    case FT_TIME:
        v->s = arena_strdup(&d->a, text);
        return parse_timestamp(f->name, text, e);
    case FT_ENUM:
        v->s = arena_strdup(&d->a, text);
        return 0;
    case FT_REF:
        v->s = dom_key(d, text);
        v->i = 0;
        return 0;
    case FT_DIST:
        return dist_text(d, f, v, text, e);
    default:
        return err_set(e, E_INTERNAL, f->name, "%s: unhandled field type", f->name);
    }
}
