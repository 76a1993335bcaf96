/* render.c: records for people (aligned text, tables) and for programs
 * (JSON). Derived values (risk scores and bands, inherited protection
 * needs) are the domain's (domain/views/derived.h): computed there, shown
 * here beside the fields, the same in every form. */
#include "cli/cli_internal.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/derived.h"
#include "formats/json.h"

#include <stdlib.h>
#include <string.h>

const char *render_money(cli *c, int64_t minor)
{
    char amount[64];
    format_money(amount, sizeof amount, minor, dom_currency_exponent(c->d));
    return arena_printf(c->a, "%s %s", dom_currency(c->d), amount);
}

/* The derived values of r into v (as many as its register has, *n; v
 * NULL: in the command's arena), in the order of *defs. A value the domain
 * could not compute stays null. */
static const value *derived_of(cli *c, const record *r, value *v, const derived_def **defs, int *n)
{
    *defs = derived_defs(r->reg, n);
    if (!*n)
        return NULL;
    if (!c->derived)
        c->derived = derive_cache_new(c->d);
    if (!v)
        v = arena_alloc(c->a, sizeof *v * (size_t)*n);
    derive_record(c->derived, r, v, NULL);
    return v;
}

/* ---- JSON ---- */

/* Adds r's derived values to its JSON form o; `scratch` as derived_of. */
static void decorate_json(cli *c, const record *r, value *scratch, json_t *o)
{
    const derived_def *defs;
    int n;
    const value *v = derived_of(c, r, scratch, &defs, &n);
    for (int k = 0; k < n; k++) {
        json_t *in = o;
        if (defs[k].group) {
            in = json_object_get(o, defs[k].group);
            if (!in) {
                in = json_object();
                json_object_set_new(o, defs[k].group, in);
            }
        }
        json_object_set_new(in, defs[k].field.name, field_json(&defs[k].field, &v[k]));
    }
}

void render_record_json(cli *c, const record *r)
{
    json_t *o = record_json(r);
    decorate_json(c, r, NULL, o);
    js_write(c->out, o, 1);
    json_decref(o);
}

/* ---- text ---- */

static const char *person_label(cli *c, const char *key)
{
    record p;
    if (!key || dom_get(c->d, &reg_person, key, &p, NULL))
        return key ? key : "";
    return arena_printf(c->a, "%s  %s <%s>", key, record_text(&p, F_PERSON_NAME), record_text(&p, F_PERSON_EMAIL));
}

static const char *member_label(cli *c, const fielddef *f, const char *key)
{
    const regdef *target = register_find(f->target);
    record m;
    if (!target || dom_get(c->d, target, key, &m, NULL))
        return key;
    const char *label = record_text(&m, target->label);
    return arena_printf(c->a, "%s  %s%s", key, label ? label : "", m.retired_at ? " (retired)" : "");
}

/* A value as one line of text; NULL when there is nothing to show. */
static const char *value_text(cli *c, const fielddef *f, const value *v, int brief)
{
    if (f->type == FT_LINKS || f->type == FT_ENUMSET) {
        if (!v->n)
            return NULL;
        buf b;
        buf_init(&b);
        for (int k = 0; k < v->n; k++)
            buf_printf(&b, "%s%s", k ? ", " : "", v->keys[k]);
        const char *s = arena_strdup(c->a, buf_str(&b));
        buf_reset(&b);
        return s;
    }
    if (v->null)
        return NULL;
    switch (f->type) {
    case FT_INT:
        if ((f->flags & FF_DYNMAX) && !brief) {
            const char *label = dom_level_label(c->d, strstr(f->name, "impact") ? 'I' : 'L', (int)v->i);
            if (*label)
                return arena_printf(c->a, "%lld (%s)", (long long)v->i, label);
        }
        return arena_printf(c->a, "%lld", (long long)v->i);
    case FT_MONEY:
        return render_money(c, v->i);
    case FT_BOOL:
        return v->i ? "yes" : "no";
    case FT_REF:
        return brief || strcmp(f->target, "person") ? v->s : person_label(c, v->s);
    default:
        return v->s;
    }
}

static void print_multiline(FILE *f, const char *label, const char *text)
{
    fprintf(f, "  %-22s ", label);
    for (const char *p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1])
            fprintf(f, "  %-22s ", "");
    }
    fputc('\n', f);
}

static void decorate_text(cli *c, const record *r)
{
    const derived_def *defs;
    int n;
    const value *v = derived_of(c, r, NULL, &defs, &n);
    int width = 22;   /* the fields' column, wider if a label needs it */
    for (int k = 0; k < n; k++)
        if ((int)strlen(defs[k].label) > width)
            width = (int)strlen(defs[k].label);
    for (int k = 0; k < n; k++) {
        const char *text = value_text(c, &defs[k].field, &v[k], 0);
        if (text)
            fprintf(c->out, "  %-*s %s\n", width, defs[k].label, text);
    }
}

void render_record(cli *c, const record *r)
{
    FILE *f = c->out;
    const char *label = record_text(r, r->reg->label);
    fprintf(f, "%s  %s%s\n", r->key, label && !strchr(label, '\n') ? label : "",
            r->retired_at ? "  [retired]" : "");
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *fd = &r->reg->fields[i];
        if (fd->type == FT_LINKS && r->v[i].n) {
            for (int k = 0; k < r->v[i].n; k++)
                fprintf(f, "  %-22s %s\n", k ? "" : fd->name, member_label(c, fd, r->v[i].keys[k]));
            continue;
        }
        const char *text = value_text(c, fd, &r->v[i], 0);
        if (!text)
            continue;
        if (fd->flags & FF_MULTILINE)
            print_multiline(f, fd->name, text);
        else
            fprintf(f, "  %-22s %s\n", fd->name, text);
    }
    decorate_text(c, r);
    fprintf(f, "  version %lld, created %s, updated %s%s%s\n", (long long)r->version, r->created_at,
            r->updated_at, r->retired_at ? ", retired " : "", r->retired_at ? r->retired_at : "");
}

/* ---- tables ---- */

enum { TABLE_MAX_COLS = 24, TABLE_CELL_MAX = 44 };

struct table {
    cli *c;
    const regdef *reg;
    int ncols;
    const char *head[TABLE_MAX_COLS];
    int field[TABLE_MAX_COLS];     /* field index; -1 the key; -2 - k derived value k */
    size_t width[TABLE_MAX_COLS];
    const char **cells;            /* rows x ncols, in c->a */
    size_t rows, cap;
    int json, first;
    buf line;                      /* one JSON row */
    value *derived;                /* one row's derived values, reused row after row */
};

table *table_begin(cli *c, const regdef *reg)
{
    table *t = arena_alloc(c->a, sizeof *t);
    t->c = c;
    t->reg = reg;
    t->json = c->json;
    t->first = 1;
    int n;
    const derived_def *defs = derived_defs(reg, &n);
    t->derived = arena_alloc(c->a, sizeof *t->derived * (size_t)(n ? n : 1));
    if (t->json) {
        fputs("[\n", c->out);
        return t;
    }
    t->head[t->ncols] = "key";
    t->field[t->ncols++] = -1;
    for (int i = 0; i < reg->nfields && t->ncols < TABLE_MAX_COLS; i++)
        if (reg->fields[i].flags & FF_LIST) {
            t->head[t->ncols] = reg->fields[i].name;
            t->field[t->ncols++] = i;
        }
    for (int k = 0; k < n && t->ncols < TABLE_MAX_COLS; k++)
        if (defs[k].field.flags & FF_LIST) {
            t->head[t->ncols] = defs[k].field.name;
            t->field[t->ncols++] = -2 - k;
        }
    for (int k = 0; k < t->ncols; k++)
        t->width[k] = utf8_width(t->head[k]);
    return t;
}

/* One line per cell: cut at a newline or at the cell width. */
static const char *cell_fit(cli *c, const char *s)
{
    if (!s)
        return "-";
    size_t cut = utf8_prefix(s, TABLE_CELL_MAX);
    const char *nl = strchr(s, '\n');
    if (nl && (size_t)(nl - s) < cut)
        cut = (size_t)(nl - s);
    if (s[cut])
        return arena_printf(c->a, "%.*s…", (int)cut, s);
    return s;
}

static const char *cell_text(table *t, const record *r, const value *derived, int k)
{
    cli *c = t->c;
    int f = t->field[k];
    if (f == -1)
        return r->key;
    if (f < -1) {
        int n;
        const derived_def *defs = derived_defs(t->reg, &n);
        return cell_fit(c, value_text(c, &defs[-2 - f].field, &derived[-2 - f], 1));
    }
    return cell_fit(c, value_text(c, &t->reg->fields[f], &r->v[f], 1));
}

void table_add(table *t, const record *r)
{
    cli *c = t->c;
    if (t->json) {
        json_t *o = record_json(r);
        decorate_json(c, r, t->derived, o);
        buf_clear(&t->line);
        if (!t->first)
            buf_puts(&t->line, ",\n");
        t->first = 0;
        js_append(&t->line, o);
        fwrite(t->line.data, 1, t->line.len, c->out);
        json_decref(o);
        return;
    }
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        const char **cells = arena_alloc(c->a, cap * (size_t)t->ncols * sizeof *cells);
        if (t->rows)
            memcpy(cells, t->cells, t->rows * (size_t)t->ncols * sizeof *cells);
        t->cells = cells;
        t->cap = cap;
    }
    const derived_def *defs;
    int n;
    const value *derived = derived_of(c, r, t->derived, &defs, &n);
    for (int k = 0; k < t->ncols; k++) {
        const char *s = arena_strdup(c->a, cell_text(t, r, derived, k));
        t->cells[t->rows * (size_t)t->ncols + (size_t)k] = s;
        if (utf8_width(s) > t->width[k])
            t->width[k] = utf8_width(s);
    }
    t->rows++;
}

static void print_cell(FILE *f, const char *s, size_t width, int last)
{
    fputs(s, f);
    if (!last)
        for (size_t w = utf8_width(s); w < width + 2; w++)
            fputc(' ', f);
}

void table_end(table *t)
{
    FILE *f = t->c->out;
    if (t->json) {
        fputs(t->first ? "]\n" : "\n]\n", f);
        buf_reset(&t->line);
        return;
    }
    for (int k = 0; k < t->ncols; k++)
        print_cell(f, t->head[k], t->width[k], k == t->ncols - 1);
    fputc('\n', f);
    for (size_t r = 0; r < t->rows; r++) {
        for (int k = 0; k < t->ncols; k++)
            print_cell(f, t->cells[r * (size_t)t->ncols + (size_t)k], t->width[k], k == t->ncols - 1);
        fputc('\n', f);
    }
    fprintf(f, "(%zu %s)\n", t->rows, t->rows == 1 ? t->reg->name : t->reg->plural);
}
