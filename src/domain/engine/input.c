/* input.c: user text to field values. Parsing only: text becomes a typed
 * value (a number, minor units of money, a canonical distribution) or an
 * error saying the text is not one; whether the value suits the field
 * (its range, its choices, its length) is validation's job
 * (registers/validate.c), which typed values from elsewhere pass too. */
#include "domain/engine/dom_internal.h"
#include "core/buf.h"
#include "core/strmap.h"
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

/* Appends the members in text (separated by commas, spaces around them
 * ignored, keys in their canonical case) to the list (*keys, *n),
 * dropping repeats; the ids beside them (when ids is not NULL) start at 0,
 * unresolved. One copy and a hash of the members seen: a set of thousands
 * (a statement naming every control) costs what its members cost. */
static void split_members(dom *d, const fielddef *f, const char *text, const char ***keys,
                          int64_t **ids, int *n)
{
    int most = *n + 1;
    for (const char *c = text; (c = strchr(c, ',')) != NULL; c++)
        most++;
    const char **nk = arena_alloc(&d->a, sizeof *nk * (size_t)most);
    int64_t *ni = ids ? arena_alloc(&d->a, sizeof *ni * (size_t)most) : NULL;
    strmap seen;
    strmap_init(&seen);
    int m = 0;
    for (int k = 0; k < *n; k++) {
        *strmap_slot_for(&seen, (*keys)[k]) = &seen;
        nk[m] = (*keys)[k];
        if (ni)
            ni[m] = (*ids)[k];
        m++;
    }
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        const char *from = p, *to = comma ? comma : p + strlen(p);
        p = comma ? comma + 1 : to;
        while (from < to && *from == ' ')
            from++;
        while (to > from && to[-1] == ' ')
            to--;
        if (from == to)
            continue;
        char *typed = arena_strndup(&d->a, from, (size_t)(to - from));
        const char *member = f->type == FT_ENUMSET ? typed : dom_key(d, typed);
        void **slot = strmap_slot_for(&seen, member);
        if (*slot)
            continue;
        *slot = &seen;
        nk[m] = member;
        if (ni)
            ni[m] = 0;
        m++;
    }
    strmap_reset(&seen);
    *keys = nk;
    if (ids)
        *ids = ni;
    *n = m;
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

/* The text of a set, whole or its members changed, at most: some 90,000
 * keys (a control treating every risk of a large register). A value of any
 * other kind is at most 64 KiB. */
enum { SET_TEXT_MAX = 1 << 20, VALUE_TEXT_MAX = 65536 };

static int members_text(dom *d, record *r, int fi, const char *text, int remove, isms_err *e)
{
    const fielddef *f = &r->reg->fields[fi];
    value *v = &r->v[fi];
    if (f->type != FT_LINKS && f->type != FT_ENUMSET)
        return err_set(e, E_INTERNAL, f->name, "%s: not a set of members", f->name);
    int rc = text_check(f->name, text, 0, SET_TEXT_MAX, e);
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
    int set = f->type == FT_LINKS || f->type == FT_ENUMSET;
    int rc = text_check(f->name, text, (f->flags & FF_MULTILINE) != 0,
                        f->type == FT_TEXT && f->max ? (size_t)f->max
                        : set                        ? SET_TEXT_MAX
                                                     : VALUE_TEXT_MAX,
                        e);
    if (rc)
        return rc;
    if (set)
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
