/* dist_text.c: the text syntax of distributions, read and written.
 *
 *   text   := number | name "(" [arg {"," arg}] ")"
 *   arg    := number | key "=" number | flag
 *
 * Positional values come in the order of the shape's parameters; any of
 * them may also be given by name. A bare number is a constant. */
#include "risk/dist.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 3

typedef struct shape_spec {
    const char *name;
    dist_kind kind;
    int nparams;
    const char *params[MAX_PARAMS];
    size_t offsets[MAX_PARAMS];
} shape_spec;

#define OFF(f) offsetof(dist, f)
static const shape_spec shapes[] = {
    { "const", DIST_CONST, 1, { "value" }, { OFF(value) } },
    { "uniform", DIST_UNIFORM, 2, { "min", "max" }, { OFF(min), OFF(max) } },
    { "triangular",
      DIST_TRIANGULAR,
      3,
      { "min", "mode", "max" },
      { OFF(min), OFF(mode), OFF(max) } },
    { "pert", DIST_PERT, 3, { "min", "mode", "max" }, { OFF(min), OFF(mode), OFF(max) } },
    { "lognormal90", DIST_LOGNORMAL90, 2, { "low", "high" }, { OFF(low90), OFF(high90) } },
    { "lognormal", DIST_LOGNORMAL, 2, { "mu", "sigma" }, { OFF(mu), OFF(sigma) } },
    { "normal", DIST_NORMAL, 2, { "mean", "sd" }, { OFF(mu), OFF(sigma) } },
    { "beta", DIST_BETA, 2, { "a", "b" }, { OFF(alpha), OFF(beta) } },
    { "empirical", DIST_EMPIRICAL, 0, { 0 }, { 0 } },
};
#undef OFF

#define PERT_GAMMA_DEFAULT 4.0

static double *param_ptr(dist *d, size_t offset) { return (double *)((char *)d + offset); }

static const shape_spec *find_shape(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (strlen(shapes[i].name) == len && strncmp(shapes[i].name, name, len) == 0)
            return &shapes[i];
    return NULL;
}

/* The parser's cursor and what it has collected. */
typedef struct parser {
    const char *text, *p;
    const char *field;
    isms_err *e;
    const shape_spec *shape;
    dist d;
    int npos;              /* positional values seen */
    int given[MAX_PARAMS]; /* which parameters are set */
    double *values;        /* empirical values */
    size_t nvalues, cap;
} parser;

static void skip_space(parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static int syntax(parser *ps, const char *what)
{
    return err_set(ps->e, E_INVALID, ps->field, "%s: cannot read '%s' at column %d: %s", ps->field,
                   ps->text, (int)(ps->p - ps->text) + 1, what);
}

static int read_number(parser *ps, double *out)
{
    char *end;
    skip_space(ps);
    *out = strtod(ps->p, &end);
    if (end == ps->p)
        return syntax(ps, "expected a number");
    ps->p = end;
    return E_OK;
}

static int set_param(parser *ps, int i, double v)
{
    if (ps->given[i])
        return err_set(ps->e, E_INVALID, ps->field, "%s: %s %s is given twice in '%s'", ps->field,
                       ps->shape->name, ps->shape->params[i], ps->text);
    ps->given[i] = 1;
    *param_ptr(&ps->d, ps->shape->offsets[i]) = v;
    return E_OK;
}

static int take_positional(parser *ps, double v)
{
    if (ps->shape->kind == DIST_EMPIRICAL) {
        XGROW(ps->values, ps->nvalues, ps->cap, 16);
        ps->values[ps->nvalues++] = v;
        return E_OK;
    }
    /* Positional values fill the parameters not yet named, in order. */
    for (int i = 0; i < ps->shape->nparams; i++)
        if (!ps->given[i])
            return set_param(ps, i, v);
    return err_set(ps->e, E_INVALID, ps->field, "%s: %s takes %d values, '%s' has more", ps->field,
                   ps->shape->name, ps->shape->nparams, ps->text);
}

static int take_named(parser *ps, const char *key, size_t len, double v)
{
    for (int i = 0; i < ps->shape->nparams; i++)
        if (strlen(ps->shape->params[i]) == len && !strncmp(ps->shape->params[i], key, len))
            return set_param(ps, i, v);
    if (ps->shape->kind == DIST_PERT && len == 5 && !strncmp(key, "gamma", 5)) {
        ps->d.gamma = v;
        return E_OK;
    }
    return err_set(ps->e, E_INVALID, ps->field, "%s: %s has no parameter '%.*s' (in '%s')",
                   ps->field, ps->shape->name, (int)len, key, ps->text);
}

static int take_flag(parser *ps, const char *word, size_t len)
{
    if (ps->shape->kind == DIST_PERT && len == 4 && !strncmp(word, "vose", 4)) {
        ps->d.pert = DIST_PERT_VOSE;
        return E_OK;
    }
    if (ps->shape->kind == DIST_PERT && len == 6 && !strncmp(word, "pyfair", 6)) {
        ps->d.pert = DIST_PERT_PYFAIR;
        return E_OK;
    }
    return err_set(ps->e, E_INVALID, ps->field, "%s: %s does not know '%.*s' (in '%s')", ps->field,
                   ps->shape->name, (int)len, word, ps->text);
}

static int parse_arg(parser *ps)
{
    skip_space(ps);
    const char *word = ps->p;
    while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
        ps->p++;
    size_t len = (size_t)(ps->p - word);
    double v;
    /* A word that strtod would read ("1e6", "inf", "nan") is a number. */
    if (len && !isdigit((unsigned char)word[0]) && strncmp(word, "inf", 3) &&
        strncmp(word, "nan", 3)) {
        skip_space(ps);
        if (*ps->p != '=')
            return take_flag(ps, word, len);
        ps->p++;
        int rc = read_number(ps, &v);
        if (rc)
            return rc;
        return take_named(ps, word, len, v);
    }
    ps->p = word;
    int rc = read_number(ps, &v);
    if (rc)
        return rc;
    return take_positional(ps, v);
}

static int parse_args(parser *ps)
{
    skip_space(ps);
    if (*ps->p == ')') {
        ps->p++;
        return E_OK;
    }
    for (;;) {
        int rc = parse_arg(ps);
        if (rc)
            return rc;
        skip_space(ps);
        if (*ps->p == ')') {
            ps->p++;
            return E_OK;
        }
        if (*ps->p != ',')
            return syntax(ps, "expected ',' or ')'");
        ps->p++;
    }
}

static int finish(parser *ps, dist *out)
{
    skip_space(ps);
    if (*ps->p)
        return syntax(ps, "unexpected text after the distribution");
    if (ps->shape->kind == DIST_EMPIRICAL)
        return dist_empirical(out, ps->values, ps->nvalues, ps->field, ps->e);
    for (int i = 0; i < ps->shape->nparams; i++)
        if (!ps->given[i])
            return err_set(ps->e, E_INVALID, ps->field, "%s: %s needs its %s (in '%s')", ps->field,
                           ps->shape->name, ps->shape->params[i], ps->text);
    int rc = dist_validate(&ps->d, ps->field, ps->e);
    if (rc)
        return rc;
    *out = ps->d;
    return E_OK;
}

static int parse(parser *ps, dist *out)
{
    skip_space(ps);
    const char *name = ps->p;
    while (isalnum((unsigned char)*ps->p))
        ps->p++;
    size_t len = (size_t)(ps->p - name);
    skip_space(ps);
    if (*ps->p != '(') {
        /* Not a call: a bare number is a constant. */
        char *end;
        double v = strtod(name, &end);
        ps->p = end;
        if (end == name) {
            return err_set(ps->e, E_INVALID, ps->field,
                           "%s: cannot read '%s' as a distribution such as pert(min,mode,max), "
                           "lognormal90(low,high) or a number",
                           ps->field, ps->text);
        }
        ps->shape = find_shape("const", 5);
        ps->d = dist_const(v);
        ps->given[0] = 1;
        return finish(ps, out);
    }
    ps->shape = find_shape(name, len);
    if (!ps->shape)
        return err_set(
            ps->e, E_INVALID, ps->field,
            "%s: unknown distribution '%.*s'; expected const, uniform, triangular, pert, "
            "lognormal90, lognormal, normal, beta or empirical",
            ps->field, (int)len, name);
    ps->d = (dist){ .kind = ps->shape->kind, .gamma = PERT_GAMMA_DEFAULT };
    ps->p++;
    int rc = parse_args(ps);
    if (rc)
        return rc;
    return finish(ps, out);
}

int dist_parse(const char *text, dist *out, const char *field, isms_err *e)
{
    parser ps = { .text = text, .p = text, .field = field ? field : "distribution", .e = e };
    if (!text)
        return err_set(e, E_INVALID, ps.field, "%s: no distribution given", ps.field);
    int rc = parse(&ps, out);
    free(ps.values);
    return rc;
}

/* ---- writing ---- */

/* The shortest decimal that reads back to exactly v; integers in full. */
static void put_number(buf *b, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        buf_printf(b, "%.0f", v);
        return;
    }
    char tmp[32];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    buf_puts(b, tmp);
}

void dist_format(const dist *d, buf *b)
{
    const shape_spec *s = NULL;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (shapes[i].kind == d->kind)
            s = &shapes[i];
    if (!s) {
        buf_puts(b, "none");
        return;
    }
    buf_printf(b, "%s(", s->name);
    const char *sep = "";
    if (d->kind == DIST_EMPIRICAL) {
        for (size_t i = 0; i < d->ndata; i++, sep = ",") {
            buf_puts(b, sep);
            put_number(b, d->data[i]);
        }
    }
    for (int i = 0; i < s->nparams; i++, sep = ",") {
        buf_puts(b, sep);
        if (d->kind == DIST_LOGNORMAL)
            buf_printf(b, "%s=", s->params[i]);
        put_number(b, *(const double *)((const char *)d + s->offsets[i]));
    }
    if (d->kind == DIST_PERT && d->gamma != PERT_GAMMA_DEFAULT) {
        buf_puts(b, ",gamma=");
        put_number(b, d->gamma);
    }
    if (d->kind == DIST_PERT && d->pert == DIST_PERT_VOSE)
        buf_puts(b, ",vose");
    buf_putc(b, ')');
}
