/* input.c: user text to field values. Parsing only: text becomes a typed
 * value (a number, minor units of money, a canonical distribution) or an
 * error saying the text is not one; whether the value suits the field
 * (its range, its choices, its length) is validation's job
 * (registers/validate.c), which typed values from elsewhere pass too. */
#include "domain/engine/dom_internal.h"
#include "core/buf.h"
#include "core/text.h"
#include "risk/dist.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *dom_key(dom *d, const char *typed)
{
    char *k = arena_strdup(&d->a, typed);
    if (strchr(k, ':'))
        return k; /* a requirement as FRAMEWORK:ID: ids keep their case */
    if (strchr(k, '@'))
        return ascii_lower(k); /* an e-mail address standing for a person */
    return ascii_upper(k);
}

/* Appends member to the list (*keys, *n), ignoring duplicates; the ids
 * beside it (when ids is not NULL) start at 0, unresolved. */
static void list_add(dom *d, const char ***keys, int64_t **ids, int *n, const char *member)
{
    for (int k = 0; k < *n; k++)
        if (!strcmp((*keys)[k], member))
            return;
    const char **nk = arena_alloc(&d->a, sizeof(char *) * (size_t)(*n + 1));
    if (*n)
        memcpy(nk, *keys, sizeof(char *) * (size_t)*n);
    nk[*n] = member;
    *keys = nk;
    if (ids) {
        int64_t *ni = arena_alloc(&d->a, sizeof(int64_t) * (size_t)(*n + 1));
        if (*n)
            memcpy(ni, *ids, sizeof(int64_t) * (size_t)*n);
        ni[*n] = 0;
        *ids = ni;
    }
    (*n)++;
}

/* Members are separated by commas (spaces around them ignored), keys in
 * their canonical case; each goes to the list given. */
static void split_members(dom *d, const fielddef *f, const char *text, const char ***keys,
                          int64_t **ids, int *n)
{
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *m = arena_strndup(&d->a, p, len);
        char *s = m;
        while (*s == ' ')
            s++;
        for (char *t = s + strlen(s); t > s && t[-1] == ' '; t--)
            t[-1] = 0;
        if (*s)
            list_add(d, keys, ids, n, f->type == FT_ENUMSET ? s : dom_key(d, s));
        p = comma ? comma + 1 : p + len;
    }
}

/* A set as a whole; repeated flags add to the set. */
static int set_text(dom *d, const fielddef *f, value *v, const char *text, isms_err *e)
{
    if (v->given && v->delta)
        return err_set(e, E_USAGE, f->name,
                       "%s: give the whole set, or members to add and remove, not both", f->name);
    if (!v->given) {
        v->n = 0;
        v->keys = NULL;
        v->ids = NULL;
    }
    v->given = 1;
    v->null = 0;
    split_members(d, f, text, &v->keys, &v->ids, &v->n);
    return 0;
}

static int members_text(dom *d, record *r, int fi, const char *text, int remove, isms_err *e)
{
    const fielddef *f = &r->reg->fields[fi];
    value *v = &r->v[fi];
    if (f->type != FT_LINKS && f->type != FT_ENUMSET)
        return err_set(e, E_INTERNAL, f->name, "%s: not a set of members", f->name);
    int rc = text_check(f->name, text, 0, 65536, e);
    if (rc)
        return rc;
    if (v->given && !v->delta)
        return err_set(e, E_USAGE, f->name,
                       "%s: give the whole set, or members to add and remove, not both", f->name);
    if (!v->given)
        *v = (value){ 0 };
    v->given = v->delta = 1;
    if (remove)
        split_members(d, f, text, &v->removed, NULL, &v->nremoved);
    else
        split_members(d, f, text, &v->keys, &v->ids, &v->n);
    return 0;
}

int dom_add_members(dom *d, record *changes, int fi, const char *text, isms_err *e)
{
    return members_text(d, changes, fi, text, 0, e);
}

int dom_remove_members(dom *d, record *changes, int fi, const char *text, isms_err *e)
{
    return members_text(d, changes, fi, text, 1, e);
}

int dom_set_text(dom *d, record *r, int fi, const char *text, isms_err *e)
{
    return dom_set_value(d, r, fi, text, e);
}

/* A distribution is stored in the engine's shortest canonical text, so
 * that "pert(0.50, 2, 6.0)" and "pert(0.5,2,6)" are the same value. */
static int dist_text(dom *d, const fielddef *f, value *v, const char *text, isms_err *e)
{
    dist parsed = { 0 };
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
    if (f->type == FT_LINKS || f->type == FT_ENUMSET)
        return set_text(d, f, v, text, e);
    v->given = 1;
    v->null = 0;
    if (!*text) { /* clears the field; validation says whether it may be empty */
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
    case FT_INT: return parse_int64(f->name, text, INT64_MIN, INT64_MAX, &v->i, e);
    case FT_MONEY: return parse_money(f->name, text, dom_currency_exponent(d), &v->i, e);
    case FT_BOOL:
        rc = parse_bool(f->name, text, &b, e);
        v->i = b;
        return rc;
    case FT_DATE: v->s = arena_strdup(&d->a, text); return parse_date(f->name, text, e);
    case FT_TIME: v->s = arena_strdup(&d->a, text); return parse_timestamp(f->name, text, e);
    case FT_ENUM: v->s = arena_strdup(&d->a, text); return 0;
    case FT_REF:
        v->s = dom_key(d, text);
        v->i = 0;
        return 0;
    case FT_DIST: return dist_text(d, f, v, text, e);
    default: return err_set(e, E_INTERNAL, f->name, "%s: unhandled field type", f->name);
    }
}

/* ---- values back to text ---- */

const char *dom_joined(dom *d, const value *v)
{
    buf b;
    buf_init(&b);
    for (int k = 0; k < v->n; k++)
        buf_printf(&b, "%s%s", k ? ", " : "", v->keys[k]);
    const char *s = arena_strdup(&d->a, buf_str(&b));
    buf_reset(&b);
    return s;
}

const char *dom_value_text(dom *d, const fielddef *f, const value *v)
{
    if (f->type == FT_LINKS || f->type == FT_ENUMSET)
        return dom_joined(d, v);
    if (v->null)
        return "";
    char *s = arena_alloc(&d->a, 64);
    switch (f->type) {
    case FT_INT: snprintf(s, 64, "%" PRId64, v->i); return s;
    case FT_MONEY: format_money(s, 64, v->i, dom_currency_exponent(d)); return s;
    case FT_BOOL: return v->i ? "yes" : "no";
    default: return v->s ? v->s : "";
    }
}
