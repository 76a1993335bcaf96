/* validate.c: typed values against the field table (see validate.h). */
#include "domain/registers/validate.h"
#include "domain/workflows/quantify.h"
#include "core/buf.h"
#include "core/text.h"
#include "risk/dist.h"

#include <string.h>

enum { KEY_MAX = 254 }; /* a key, or a person's e-mail address standing for one */

static int enum_error(const fielddef *f, const char *text, isms_err *e)
{
    buf b;
    buf_init(&b);
    for (int i = 0; f->choices[i]; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", f->choices[i]);
    err_set(e, E_INVALID, f->name, "%s: \"%s\" is not one of: %s", f->name, text, buf_str(&b));
    buf_reset(&b);
    return E_INVALID;
}

static int blank_error(const fielddef *f, const char *text, isms_err *e)
{
    return err_set(e, E_INVALID, f->name, "%s: \"%s\" is blank: give a value%s", f->name, text,
                   f->flags & FF_REQUIRED ? "" : ", or an empty one to clear the field");
}

static int check_text(const fielddef *f, const char *s, isms_err *e)
{
    int rc =
        text_check(f->name, s, (f->flags & FF_MULTILINE) != 0, f->max ? (size_t)f->max : 65536, e);
    if (rc)
        return rc;
    if (text_blank(s))
        return blank_error(f, s, e);
    if (f->flags & FF_FOLD)
        for (const char *p = s; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                return err_set(e, E_INVALID, f->name, "%s: \"%s\" is kept in lower case", f->name,
                               s);
    return 0;
}

/* A reference as given: a key, or an e-mail address for a person. Whether
 * it names a record is the mutation's question (it needs the store). */
static int check_key(const fielddef *f, const char *key, isms_err *e)
{
    int rc = text_check(f->name, key, 0, KEY_MAX, e);
    if (!rc && text_blank(key))
        rc = blank_error(f, key, e);
    return rc;
}

static int check_int(dom *d, const fielddef *f, int64_t i, isms_err *e)
{
    int64_t max = f->flags & FF_DYNMAX ? dom_matrix_size(d) : f->max;
    if (i >= f->min && i <= max)
        return 0;
    if (f->flags & FF_DYNMAX)
        return err_set(
            e, E_INVALID, f->name,
            "%s: %lld is out of range %lld..%lld (the organisation's risk matrix is %lldx%lld)",
            f->name, (long long)i, (long long)f->min, (long long)max, (long long)max,
            (long long)max);
    return err_set(e, E_INVALID, f->name, "%s: %lld is out of range %lld..%lld", f->name,
                   (long long)i, (long long)f->min, (long long)max);
}

static int check_money(dom *d, const fielddef *f, int64_t minor, isms_err *e)
{
    if (minor >= 0)
        return 0;
    char amount[64];
    format_money(amount, sizeof amount, minor, dom_currency_exponent(d));
    return err_set(e, E_INVALID, f->name, "%s: %s is negative; amounts of money are not", f->name,
                   amount);
}

static int check_dist(const fielddef *f, const char *text, isms_err *e)
{
    int rc = text_check(f->name, text, 0, f->max ? (size_t)f->max : 65536, e);
    if (rc)
        return rc;
    dist parsed = { 0 };
    rc = dist_parse(text, &parsed, f->name, e);
    if (!rc)
        rc = dom_fair_field_check(f->name, &parsed, e);
    dist_reset(&parsed);
    return rc;
}

static int check_member(const fielddef *f, const char *member, isms_err *e)
{
    if (f->type == FT_ENUMSET)
        return choice_index(f->choices, member) < 0 ? enum_error(f, member, e) : 0;
    return check_key(f, member, e);
}

/* The members of a set, or of a change to one: those to add and remove. */
static int check_set(const fielddef *f, const value *v, isms_err *e)
{
    for (int k = 0; k < v->n; k++) {
        int rc = check_member(f, v->keys[k], e);
        if (rc)
            return rc;
    }
    for (int k = 0; v->delta && k < v->nremoved; k++) {
        int rc = check_member(f, v->removed[k], e);
        if (rc)
            return rc;
    }
    return 0;
}

/* A value that holds something, by the field's type. */
static int check_present(dom *d, const fielddef *f, const value *v, isms_err *e)
{
    switch (f->type) {
    case FT_TEXT: return check_text(f, v->s, e);
    case FT_INT: return check_int(d, f, v->i, e);
    case FT_MONEY: return check_money(d, f, v->i, e);
    case FT_BOOL:
        return v->i == 0 || v->i == 1 ? 0
                                      : err_set(e, E_INVALID, f->name, "%s: %lld is not yes or no",
                                                f->name, (long long)v->i);
    case FT_DATE: return parse_date(f->name, v->s, e);
    case FT_TIME: return parse_timestamp(f->name, v->s, e);
    case FT_ENUM: return choice_index(f->choices, v->s) < 0 ? enum_error(f, v->s, e) : 0;
    case FT_REF: return check_key(f, v->s, e);
    case FT_LINKS:
    case FT_ENUMSET: return check_set(f, v, e);
    case FT_DIST: return check_dist(f, v->s, e);
    }
    return err_set(e, E_INTERNAL, f->name, "%s: unhandled field type", f->name);
}

int dom_validate_value(dom *d, const regdef *reg, int fi, const value *v, unsigned how, isms_err *e)
{
    const fielddef *f = &reg->fields[fi];
    if ((how & DOM_VALIDATE_USER) && (f->flags & FF_SYSTEM))
        return err_set(e, E_INVALID, f->name,
                       "%s is set by isms through its workflow, not directly", f->name);
    int set = f->type == FT_LINKS || f->type == FT_ENUMSET;
    if (!set && v->null) {
        /* Emptying a field: only those that may be empty. */
        if ((f->flags & FF_REQUIRED) || ((how & DOM_VALIDATE_USER) && f->deflt))
            return err_set(e, E_INVALID, f->name, "%s is required", f->name);
        return 0;
    }
    int numeric = f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BOOL;
    if (!set && !numeric && !v->s)
        return err_set(e, E_INVALID, f->name, "%s: the value is missing", f->name);
    return check_present(d, f, v, e);
}

int dom_validate(dom *d, const record *r, unsigned how, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        if (!r->v[i].given && !(how & DOM_VALIDATE_WHOLE))
            continue;
        isms_err fe = { 0 };
        int rc = dom_validate_value(d, r->reg, i, &r->v[i], how, &fe);
        if (rc && dom_field_failed(d, rc, &fe, e))
            return rc;
    }
    return dom_fields_failed(d);
}
