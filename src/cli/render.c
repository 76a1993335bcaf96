/* render.c: records for people (aligned text, tables) and for programs
 * (JSON). Derived values (risk scores and bands, inherited protection
 * needs) are computed by the domain and added here. */
#include "cli/cli_internal.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "formats/json.h"

#include <stdlib.h>
#include <string.h>

const char *render_money(cli *c, int64_t minor)
{
    char amount[64];
    format_money(amount, sizeof amount, minor, dom_currency_exponent(c->d));
    return arena_printf(&c->a, "%s %s", dom_currency(c->d), amount);
}

static const asset_need *needs_of(cli *c, const record *r)
{
    if (!c->needs_loaded) {
        c->needs_loaded = 1;
        if (dom_asset_needs(c->d, &c->needs, &c->nneeds, NULL))
            c->nneeds = 0;
    }
    return asset_need_find(c->needs, c->nneeds, r->id);
}

/* ---- JSON ---- */

static void decorate_json(cli *c, const record *r, json_t *o)
{
    if (r->reg == &reg_risk) {
        int n = dom_matrix_size(c->d), s = risk_score(r), rs = risk_residual_score(r);
        json_object_set_new(o, "score", json_integer(s));
        json_object_set_new(o, "band", json_string(risk_band(s, n)));
        json_object_set_new(o, "residual_score", json_integer(rs));
        json_object_set_new(o, "residual_band", json_string(risk_band(rs, n)));
    } else if (r->reg == &reg_asset) {
        const asset_need *need = needs_of(c, r);
        static const char *const names[] = {"confidentiality", "integrity", "availability"};
        if (!need)
            return;
        json_t *inh = json_object(), *eff = json_object();
        for (int k = 0; k < NEED_COUNT; k++) {
            json_object_set_new(inh, names[k], need->inherited[k] < 0 ? json_null()
                                                                       : json_string(need_name(need->inherited[k])));
            json_object_set_new(eff, names[k], json_string(need_name(asset_effective(need, k))));
        }
        json_object_set_new(o, "inherited_needs", inh);
        json_object_set_new(o, "effective_needs", eff);
        json_object_set_new(o, "critical_function_inherited", json_boolean(need->critical_inherited));
    }
}

void render_record_json(cli *c, const record *r)
{
    json_t *o = record_json(r);
    decorate_json(c, r, o);
    js_write(c->out, o, 1);
    json_decref(o);
}

/* ---- text ---- */

static const char *person_label(cli *c, const char *key)
{
    record p;
    if (!key || dom_get(c->d, &reg_person, key, &p, NULL))
        return key ? key : "";
    return arena_printf(&c->a, "%s  %s <%s>", key, record_text(&p, F_PERSON_NAME), record_text(&p, F_PERSON_EMAIL));
}

static const char *member_label(cli *c, const fielddef *f, const char *key)
{
    const regdef *target = register_find(f->target);
    record m;
    if (!target || dom_get(c->d, target, key, &m, NULL))
        return key;
    const char *label = record_text(&m, target->label);
    return arena_printf(&c->a, "%s  %s%s", key, label ? label : "", m.retired_at ? " (retired)" : "");
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
        const char *s = arena_strdup(&c->a, buf_str(&b));
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
                return arena_printf(&c->a, "%lld (%s)", (long long)v->i, label);
        }
        return arena_printf(&c->a, "%lld", (long long)v->i);
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
    FILE *f = c->out;
    if (r->reg == &reg_risk) {
        int n = dom_matrix_size(c->d), s = risk_score(r), rs = risk_residual_score(r);
        fprintf(f, "  %-22s %d of %d, %s\n", "inherent score", s, n * n, risk_band(s, n));
        fprintf(f, "  %-22s %d of %d, %s\n", "residual score", rs, n * n, risk_band(rs, n));
    } else if (r->reg == &reg_asset) {
        const asset_need *need = needs_of(c, r);
        static const char *const names[] = {"confidentiality", "integrity", "availability"};
        if (!need)
            return;
        fprintf(f, "  protection needs       stated       inherited    effective\n");
        for (int k = 0; k < NEED_COUNT; k++) {
            const char *from = "";
            if (need->inherited[k] > need->stated[k]) {
                const asset_need *src = asset_need_find(c->needs, c->nneeds, need->source[k]);
                from = src ? arena_printf(&c->a, "  (from %s)", src->key) : "";
            }
            fprintf(f, "    %-20s %-12s %-12s %s%s\n", names[k], need_name(need->stated[k]),
                    need->inherited[k] < 0 ? "-" : need_name(need->inherited[k]),
                    need_name(asset_effective(need, k)), from);
        }
        if (need->critical_inherited && !need->critical)
            fprintf(f, "  %-22s %s\n", "critical function", "inherited from a dependent asset");
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
    int field[TABLE_MAX_COLS];     /* field index, or -1 key, -2 score, -3 residual */
    size_t width[TABLE_MAX_COLS];
    const char **cells;            /* rows x ncols, in c->a */
    size_t rows, cap;
    int json, first;
    buf line;                      /* one JSON row */
};

table *table_begin(cli *c, const regdef *reg)
{
    table *t = arena_alloc(&c->a, sizeof *t);
    t->c = c;
    t->reg = reg;
    t->json = c->json;
    t->first = 1;
    if (t->json) {
        fputs("[\n", c->out);
        return t;
    }
    t->head[t->ncols] = "key";
    t->field[t->ncols++] = -1;
    for (int i = 0; i < reg->nfields && t->ncols < TABLE_MAX_COLS - 2; i++)
        if (reg->fields[i].flags & FF_LIST) {
            t->head[t->ncols] = reg->fields[i].name;
            t->field[t->ncols++] = i;
        }
    if (reg == &reg_risk) {
        t->head[t->ncols] = "score";
        t->field[t->ncols++] = -2;
        t->head[t->ncols] = "residual";
        t->field[t->ncols++] = -3;
    }
    for (int k = 0; k < t->ncols; k++)
        t->width[k] = utf8_width(t->head[k]);
    return t;
}

static const char *cell_text(table *t, const record *r, int k)
{
    cli *c = t->c;
    int n = dom_matrix_size(c->d);
    switch (t->field[k]) {
    case -1: return r->key;
    case -2: return arena_printf(&c->a, "%d %s", risk_score(r), risk_band(risk_score(r), n));
    case -3: return arena_printf(&c->a, "%d %s", risk_residual_score(r), risk_band(risk_residual_score(r), n));
    default: {
        const char *s = value_text(c, &t->reg->fields[t->field[k]], &r->v[t->field[k]], 1);
        if (!s)
            return "-";
        /* One line per row: cut at a newline or at the cell width. */
        size_t cut = utf8_prefix(s, TABLE_CELL_MAX);
        const char *nl = strchr(s, '\n');
        if (nl && (size_t)(nl - s) < cut)
            cut = (size_t)(nl - s);
        if (s[cut])
            return arena_printf(&c->a, "%.*s…", (int)cut, s);
        return s;
    }
    }
}

void table_add(table *t, const record *r)
{
    cli *c = t->c;
    if (t->json) {
        json_t *o = record_json(r);
        decorate_json(c, r, o);
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
        const char **cells = arena_alloc(&c->a, cap * (size_t)t->ncols * sizeof *cells);
        if (t->rows)
            memcpy(cells, t->cells, t->rows * (size_t)t->ncols * sizeof *cells);
        t->cells = cells;
        t->cap = cap;
    }
    for (int k = 0; k < t->ncols; k++) {
        const char *s = arena_strdup(&c->a, cell_text(t, r, k));
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
