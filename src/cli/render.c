/* render.c: records for people (aligned text, tables) and for programs
 * (JSON). Derived values (risk scores and bands, inherited protection
 * needs) are the domain's (domain/views/derived.h): computed there, shown
 * here beside the fields, the same in every form. */
#include "cli/cli_internal.h"
#include "core/strmap.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/derived.h"
#include "domain/views/links.h"
#include "formats/json.h"
#include "web/views_json.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>

const char *render_money(cli *c, int64_t minor) { return dom_money_text(c->d, minor, " "); }

/* The derived values of r into v (as many as its register has, *n; v
 * NULL: in the command's arena, for the view of one record, which has the
 * values a list leaves out), in the order of *defs. A value the domain
 * could not compute stays null. */
static const value *derived_of(cli *c, const record *r, value *v, const derived_def **defs, int *n)
{
    *defs = derived_defs(r->reg, n);
    if (!*n)
        return NULL;
    if (!c->derived)
        c->derived = derive_cache_new(c->d);
    if (!v) {
        derive_cache_detail(c->derived);
        v = arena_alloc(c->a, sizeof *v * (size_t)*n);
    }
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
    derived_json_into(o, defs, n, v, scratch == NULL); /* one record's (derived_of) */
}

void render_record_json(cli *c, const record *r)
{
    json_t *o = record_json(r);
    decorate_json(c, r, NULL, o);
    js_write(c->out, o, 1);
    json_decref(o);
}

/* ---- text ---- */

/* s as one line of at most `cols` columns: cut at a newline or at the
 * width, on a character boundary, with an ellipsis when cut. */
static const char *fit_line_in(arena *a, const char *s, size_t cols)
{
    if (cols < 2)
        return cols ? "…" : "";
    size_t fits = utf8_prefix(s, cols);
    const char *nl = strchr(s, '\n');
    if (!s[fits] && !nl)
        return s;
    size_t cut = utf8_prefix(s, cols - 1); /* room for the ellipsis */
    if (nl && (size_t)(nl - s) < cut)
        cut = (size_t)(nl - s);
    return arena_printf(a, "%.*s…", (int)cut, s);
}

static const char *fit_line(cli *c, const char *s, size_t cols)
{
    return fit_line_in(c->a, s, cols);
}

static const char *cell_line(cli *c, const char *s) { return fit_line(c, s ? s : "", 60); }

static const char *person_label(cli *c, const char *key)
{
    record p;
    if (!key || dom_get(c->d, &reg_person, key, &p, NULL))
        return key ? key : "";
    return arena_printf(c->a, "%s  %s <%s>", key, record_text(&p, F_PERSON_NAME),
                        record_text(&p, F_PERSON_EMAIL));
}

/* What a reference says in a table beside its key: a person's name
 * ("PER-4 Tomasz Nowak"), a requirement as FRAMEWORK:ID ("REQ-117
 * iso27001-2022:A.8.13"), nothing for records whose keys are looked up by
 * their title; each record looked up once per command however many rows
 * name it. */
static const char *ref_brief(cli *c, const regdef *target, const char *key)
{
    if (target != &reg_person && !target->known_as)
        return key;
    if (!c->names) {
        c->names = xcalloc(1, sizeof *c->names);
        strmap_init(c->names);
    }
    void **slot = strmap_slot_for(c->names, key);
    if (!*slot) {
        record p;
        const char *name = target != &reg_person ? dom_known_as(c->d, target, key)
                           : dom_get(c->d, &reg_person, key, &p, NULL)
                               ? NULL
                               : record_text(&p, F_PERSON_NAME);
        *slot = name ? arena_printf(strmap_arena(c->names), "%s %s", key, name)
                     : arena_strdup(strmap_arena(c->names), key);
    }
    return *slot;
}

void render_reset(cli *c)
{
    if (c->names) {
        strmap_reset(c->names);
        free(c->names);
        c->names = NULL;
    }
}

/* "OBJ-2  Keep payments running": the label alone, in one indexed read
 * (a whole record is several, its links too). */
static const char *member_label(cli *c, const fielddef *f, const char *key)
{
    const regdef *target = register_find(f->target);
    if (!target)
        return key;
    const char *label;
    int found, retired;
    isms_err quiet = { 0 };
    if (store_name_of(dom_store(c->d), target, key, &label, &found, &retired, c->a, &quiet))
        return key;
    record m;
    if (!found) { /* no such record, or a label that is not a text */
        if (dom_get(c->d, target, key, &m, NULL))
            return key;
        label = record_text(&m, target->label);
        retired = m.retired_at != NULL;
    }
    label = dom_named(c->d, dom_known_as(c->d, target, key), label);
    return arena_printf(c->a, "%s  %s%s", key, cell_line(c, label), retired ? " (retired)" : "");
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
        if (!brief) {
            const char *label = dom_field_level_label(c->d, f, v->i);
            if (*label)
                return arena_printf(c->a, "%lld (%s)", (long long)v->i, label);
        }
        return arena_printf(c->a, "%lld", (long long)v->i);
    case FT_MONEY: return render_money(c, v->i);
    case FT_BOOL: return v->i ? "yes" : "no";
    case FT_REF:
        if (brief) {
            const regdef *target = register_find(f->target);
            return target ? ref_brief(c, target, v->s) : v->s;
        }
        return strcmp(f->target, "person") ? member_label(c, f, v->s) : person_label(c, v->s);
    default: return v->s;
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
    int width = 22; /* the fields' column, wider if a label needs it */
    for (int k = 0; k < n; k++)
        if ((int)strlen(defs[k].label) > width)
            width = (int)strlen(defs[k].label);
    for (int k = 0; k < n; k++) {
        const char *text = value_text(c, &defs[k].field, &v[k], 0);
        if (text)
            fprintf(c->out, "  %-*s %s\n", width, defs[k].label, text);
    }
}

/* A set of links, a member a line with its label; of a large set (a
 * control treating thousands of risks) the first DOM_BACKLINKS_SHOWN, as
 * for what refers to a record, and how many more (JSON has them all). */
static void links_text(cli *c, const record *r, const fielddef *fd, const value *v)
{
    int shown = v->n <= DOM_BACKLINKS_SHOWN ? v->n : DOM_BACKLINKS_SHOWN;
    for (int k = 0; k < shown; k++)
        fprintf(c->out, "  %-22s %s\n", k ? "" : fd->name, member_label(c, fd, v->keys[k]));
    if (shown < v->n)
        fprintf(c->out, "  %-22s and %d more: isms --json %s show %s lists every one\n", "",
                v->n - shown, cli_noun_typed(r->reg->name), r->key);
}

void render_record(cli *c, const record *r)
{
    FILE *f = c->out;
    const char *label = dom_record_title(c->d, r);
    fprintf(f, "%s  %s%s\n", r->key, label ? label : "", r->retired_at ? "  [retired]" : "");
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *fd = &r->reg->fields[i];
        if (fd->type == FT_LINKS && r->v[i].n) {
            links_text(c, r, fd, &r->v[i]);
            continue;
        }
        const char *text = value_text(c, fd, &r->v[i], 0);
        if (!text)
            continue;
        if ((fd->flags & FF_MULTILINE) && (*text == '{' || *text == '['))
            /* a document kept whole (an analysis's inputs and results): a
             * line of thousands of characters says nothing in a terminal */
            fprintf(f, "  %-22s JSON, %zu characters (isms --json %s show %s prints it)\n",
                    fd->name, strlen(text), r->reg->name, r->key);
        else if (fd->flags & FF_MULTILINE)
            print_multiline(f, fd->name, text);
        else
            fprintf(f, "  %-22s %s\n", fd->name, text);
    }
    decorate_text(c, r);
    fprintf(f, "  version %lld, created %s, updated %s%s%s\n", (long long)r->version, r->created_at,
            r->updated_at, r->retired_at ? ", retired " : "", r->retired_at ? r->retired_at : "");
}

/* ---- show: the record and what points at it ---- */

/* The command that lists every record of reg whose field names `key`
 * (a show lists the first DOM_BACKLINKS_SHOWN). Static storage. */
static const char *more_command(const regdef *reg, const fielddef *f, const char *key)
{
    static char cmd[200];
    char flag[64];
    snprintf(cmd, sizeof cmd, "isms %s list --%s %s", cli_noun_typed(reg->name),
             field_flag(f, flag, sizeof flag), key);
    return cmd;
}

static void backlinks_text(cli *c, const record *r, const dom_backlinks *b)
{
    FILE *f = c->out;
    const char **group = arena_alloc(c->a, sizeof *group * (size_t)(b->n + 1));
    int width = 22; /* the fields' column, wider if a group needs it */
    for (int k = 0; k < b->n; k++) {
        const dom_backlink *l = &b->links[k];
        int first = !k || l->reg != b->links[k - 1].reg || l->field != b->links[k - 1].field;
        group[k] = first ? arena_printf(c->a, "%s (%s)", l->reg->plural, l->field->name) : "";
        if ((int)strlen(group[k]) > width)
            width = (int)strlen(group[k]);
    }
    if (b->n)
        fprintf(f, "  referred to by\n");
    for (int k = 0; k < b->n; k++) {
        fprintf(f, "  %-*s %s  %s\n", width, group[k], b->links[k].key,
                cell_line(c, b->links[k].label));
        if (b->links[k].more)
            fprintf(f, "  %-*s and more: %s\n", width, "",
                    more_command(b->links[k].reg, b->links[k].field, r->key));
    }
    if (b->analysis)
        fprintf(f, "  %-*s %s  %.10s: mean %s, P95 %s, %s\n", width, "latest analysis", b->analysis,
                b->analysed_at, render_money(c, b->mean_loss), render_money(c, b->p95_loss),
                b->outside_appetite ? "OUTSIDE APPETITE" : "within appetite");
    for (int k = 0; k < b->napprovals; k++) {
        const dom_approval *a = &b->approvals[k];
        fprintf(f, "  %-*s %s  %s  (isms --as %s %s %s %s)\n", width, k ? "" : "open approvals",
                a->key, cell_line(c, a->label), r->key, cli_noun_typed(a->reg->name), a->verb,
                a->key);
        if (a->more)
            fprintf(f, "  %-*s and more: %s\n", width, "", more_command(a->reg, a->state, a->from));
    }
}

static void backlinks_json(const dom_backlinks *b, const record *r, json_t *o)
{
    json_t *refs = json_array(), *more = json_array();
    for (int k = 0; k < b->n; k++) {
        const dom_backlink *l = &b->links[k];
        json_array_append_new(refs, json_pack("{s:s, s:s, s:s}", "register", l->reg->name, "field",
                                              l->field->name, "key", l->key));
        if (l->more)
            json_array_append_new(more, json_pack("{s:s, s:s, s:s}", "register", l->reg->name,
                                                  "field", l->field->name, "list",
                                                  more_command(l->reg, l->field, r->key)));
    }
    json_object_set_new(o, "referred_by", refs);
    if (json_array_size(more)) /* referred_by holds the first of each: these have more */
        json_object_set_new(o, "referred_by_more", more);
    else
        json_decref(more);
    if (b->analysis)
        json_object_set_new(o, "latest_analysis",
                            json_pack("{s:s, s:s, s:I, s:I, s:b}", "key", b->analysis, "at",
                                      b->analysed_at, "mean_loss", (json_int_t)b->mean_loss,
                                      "p95_loss", (json_int_t)b->p95_loss, "outside_appetite",
                                      b->outside_appetite));
    if (b->napprovals) {
        json_t *open = json_array(), *waiting = json_array();
        for (int k = 0; k < b->napprovals; k++) {
            const dom_approval *a = &b->approvals[k];
            json_array_append_new(open, json_pack("{s:s, s:s, s:s}", "register", a->reg->name,
                                                  "key", a->key, "verb", a->verb));
            if (a->more) /* open_approvals holds the first of each: these have more */
                json_array_append_new(waiting, json_pack("{s:s, s:s, s:s}", "register",
                                                         a->reg->name, "verb", a->verb, "list",
                                                         more_command(a->reg, a->state, a->from)));
        }
        json_object_set_new(o, "open_approvals", open);
        if (json_array_size(waiting))
            json_object_set_new(o, "open_approvals_more", waiting);
        else
            json_decref(waiting);
    }
}

int render_show(cli *c, const record *r, isms_err *e)
{
    dom_backlinks b;
    int rc = dom_backlinks_of(c->d, r, DOM_BACKLINKS_SHOWN, &b, e);
    if (rc)
        return rc;
    if (c->json) {
        json_t *o = record_json(r);
        decorate_json(c, r, NULL, o);
        backlinks_json(&b, r, o);
        js_write(c->out, o, 1);
        json_decref(o);
        return 0;
    }
    render_record(c, r);
    backlinks_text(c, r, &b);
    return 0;
}

/* ---- text tables ----
 *
 * Columns as wide as their widest cell, two spaces apart; a cell wider
 * than its column's limit is cut on a character boundary with an
 * ellipsis, never left to run into its neighbour. On a terminal the table
 * fits its width: the widest text columns give way first.
 *
 * A streamed table (ttab_stream) holds only its first rows: they set the
 * widths, then print, and every later row prints as it comes, in memory
 * that does not grow with the table. A later text cell wider than its
 * column is cut like any other; the first column (the key) and the
 * right-aligned ones (figures) are never cut: a wider one widens its
 * column from that row on. */

enum { TTAB_MAX_COLS = 24, TABLE_CELL_MAX = 44, TTAB_MIN_SHRUNK = 16 };

struct ttab {
    cli *c;
    int ncols;
    const char *head[TTAB_MAX_COLS];
    char align[TTAB_MAX_COLS];   /* 'l' or 'r' */
    size_t limit[TTAB_MAX_COLS]; /* widest a cell may be (0: TABLE_CELL_MAX) */
    size_t width[TTAB_MAX_COLS];
    const char **cells; /* rows x ncols, held until printed */
    size_t rows, cap;
    /* streamed (ttab_stream): */
    size_t sample;      /* rows held to set the widths; 0: all (not streamed) */
    const char *indent; /* of every line */
    size_t cols;        /* the terminal's width, once the widths are set (0: none) */
    size_t printed;     /* rows printed as they came */
    int flowing;        /* the header and the sample are out */
    arena own;          /* a streamed table's cells: reset once printed */
};

/* Where the cells go: the command's arena, or a streamed table's own. */
static arena *cells_arena(ttab *t) { return t->sample ? &t->own : t->c->a; }

ttab *ttab_new(cli *c, const char *const *heads, const char *align)
{
    ttab *t = arena_alloc(c->a, sizeof *t);
    memset(t, 0, sizeof *t);
    t->c = c;
    for (int k = 0; heads[k] && k < TTAB_MAX_COLS; k++) {
        t->head[k] = heads[k];
        t->align[k] = align && align[k] == 'r' ? 'r' : 'l';
        t->limit[k] = TABLE_CELL_MAX;
        t->width[k] = utf8_width(heads[k]);
        t->ncols++;
    }
    return t;
}

void ttab_stream(ttab *t, size_t sample, const char *indent)
{
    t->sample = sample ? sample : 1;
    t->indent = indent;
    arena_init(&t->own);
}

void ttab_limit(ttab *t, int col, size_t cols)
{
    if (col >= 0 && col < t->ncols)
        t->limit[col] = cols;
}

static void flow_row(ttab *t, const char *const *cells);
static void flush_sample(ttab *t);

void ttab_row(ttab *t, const char *const *cells)
{
    if (t->flowing) {
        flow_row(t, cells);
        return;
    }
    arena *a = cells_arena(t);
    t->cells = arena_grow(a, (void *)t->cells, t->rows, &t->cap,
                          (size_t)t->ncols * sizeof *t->cells, 64); /* a row at a time */
    for (int k = 0; k < t->ncols; k++) {
        const char *s = cells[k] ? fit_line_in(a, cells[k], t->limit[k]) : "-";
        s = arena_strdup(a, s);
        t->cells[t->rows * (size_t)t->ncols + (size_t)k] = s;
        if (utf8_width(s) > t->width[k])
            t->width[k] = utf8_width(s);
    }
    t->rows++;
    if (t->sample && t->rows == t->sample)
        flush_sample(t);
}

size_t ttab_rows(const ttab *t) { return t->printed + t->rows; }

/* The terminal's width, when the output is one (0 otherwise). The output
 * stream itself is a filter (term.c): ask the descriptor beneath it. */
static size_t terminal_width(int fd)
{
    struct winsize ws;
    if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) || !ws.ws_col)
        return 0;
    return ws.ws_col;
}

/* The narrowest column k may become on a terminal: its header whole, and
 * enough of a title to recognise it. */
static size_t narrowest(const ttab *t, int k)
{
    size_t head = utf8_width(t->head[k]);
    return head > TTAB_MIN_SHRUNK ? head : TTAB_MIN_SHRUNK;
}

/* Narrows the widest text columns, down to their narrowest, until the
 * table fits `cols`; a table that cannot fit even so is left whole (cut
 * titles would lose what the terminal's wrapping keeps). */
static void fit_width(ttab *t, size_t indent, size_t cols)
{
    size_t least = indent;
    for (int k = 0; k < t->ncols; k++) {
        size_t w =
            t->align[k] == 'l' && t->width[k] > narrowest(t, k) ? narrowest(t, k) : t->width[k];
        least += w + (k ? 2 : 0);
    }
    if (least > cols)
        return;
    for (;;) {
        size_t total = indent;
        for (int k = 0; k < t->ncols; k++)
            total += t->width[k] + (k ? 2 : 0);
        int widest = -1;
        for (int k = 0; k < t->ncols; k++)
            if (t->align[k] == 'l' && t->width[k] > narrowest(t, k) &&
                (widest < 0 || t->width[k] > t->width[widest]))
                widest = k;
        if (total <= cols || widest < 0)
            return;
        size_t over = total - cols, room = t->width[widest] - narrowest(t, widest);
        t->width[widest] -= over < room ? over : room;
    }
}

/* The key and the figures are shown whole, whatever the column's width. */
static int whole(const ttab *t, int k) { return k == 0 || t->align[k] == 'r'; }

static void print_cell(ttab *t, const char *s, int k)
{
    FILE *f = t->c->out;
    if (utf8_width(s) > t->width[k] && !whole(t, k))
        s = fit_line_in(cells_arena(t), s, t->width[k]);
    size_t w = utf8_width(s), pad = w < t->width[k] ? t->width[k] - w : 0;
    int last = k == t->ncols - 1;
    if (k)
        fputs("  ", f);
    for (size_t i = 0; t->align[k] == 'r' && i < pad; i++)
        fputc(' ', f);
    fputs(s, f);
    for (size_t i = 0; t->align[k] == 'l' && !last && i < pad; i++)
        fputc(' ', f);
}

static void print_line(ttab *t, const char *indent, const char *const *cells)
{
    fputs(indent, t->c->out);
    for (int k = 0; k < t->ncols; k++)
        print_cell(t, cells[k], k);
    fputc('\n', t->c->out);
}

/* The held rows, under the header, with the widths they set. */
static void print_held(ttab *t, const char *indent)
{
    t->cols = terminal_width(t->c->out_fd);
    if (t->cols)
        fit_width(t, strlen(indent), t->cols);
    print_line(t, indent, t->head);
    for (size_t r = 0; r < t->rows; r++)
        print_line(t, indent, t->cells + r * (size_t)t->ncols);
}

static void flush_sample(ttab *t)
{
    print_held(t, t->indent);
    t->printed = t->rows;
    t->rows = t->cap = 0;
    t->cells = NULL;
    t->flowing = 1;
    arena_reset(&t->own);
}

/* A row after the sample: printed now, in memory reset after it. */
static void flow_row(ttab *t, const char *const *cells)
{
    const char *line[TTAB_MAX_COLS];
    int wider = 0;
    for (int k = 0; k < t->ncols; k++) {
        line[k] = cells[k] ? fit_line_in(&t->own, cells[k], t->limit[k]) : "-";
        size_t w = utf8_width(line[k]);
        if (whole(t, k) && w > t->width[k]) {
            t->width[k] = w;
            wider = 1;
        }
    }
    if (wider && t->cols) /* the text columns give way again */
        fit_width(t, strlen(t->indent), t->cols);
    print_line(t, t->indent, line);
    t->printed++;
    arena_reset(&t->own);
}

void ttab_print(ttab *t, const char *indent)
{
    if (!t->flowing)
        print_held(t, t->sample ? t->indent : indent);
    if (t->sample)
        arena_free(&t->own);
}

/* ---- tables of records ---- */

struct table {
    cli *c;
    const regdef *reg;
    int ncols;
    int field[TTAB_MAX_COLS]; /* field index; -1 the key; -2 - k derived value k */
    ttab *text;
    int json, first;
    buf line;       /* one JSON row */
    value *derived; /* one row's derived values, reused row after row */
    arena row;      /* one row's cell texts (the table copies what it keeps) */
};

/* The rows a records table holds to set its column widths (a page or
 * two on a screen) before it prints row by row. */
enum { TABLE_SAMPLE_ROWS = 1000 };

/* Money and numbers read best aligned right. */
static char align_of(const fielddef *f)
{
    return f->type == FT_MONEY || (f->type == FT_INT && !(f->flags & FF_DYNMAX)) ? 'r' : 'l';
}

table *table_begin(cli *c, const regdef *reg)
{
    table *t = arena_alloc(c->a, sizeof *t);
    memset(t, 0, sizeof *t);
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
    const char *heads[TTAB_MAX_COLS + 1];
    char align[TTAB_MAX_COLS + 1];
    heads[t->ncols] = "key";
    align[t->ncols] = 'l';
    t->field[t->ncols++] = -1;
    for (int i = 0; i < reg->nfields && t->ncols < TTAB_MAX_COLS; i++)
        if (reg->fields[i].flags & FF_LIST) {
            heads[t->ncols] = reg->fields[i].name;
            align[t->ncols] = align_of(&reg->fields[i]);
            t->field[t->ncols++] = i;
        }
    for (int k = 0; k < n && t->ncols < TTAB_MAX_COLS; k++)
        if (defs[k].field.flags & FF_LIST) {
            heads[t->ncols] = defs[k].field.name;
            align[t->ncols] = align_of(&defs[k].field);
            t->field[t->ncols++] = -2 - k;
        }
    heads[t->ncols] = NULL;
    align[t->ncols] = 0;
    t->text = ttab_new(c, heads, align);
    ttab_stream(t->text, TABLE_SAMPLE_ROWS, "");
    arena_init(&t->row);
    return t;
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
        return value_text(c, &defs[-2 - f].field, &derived[-2 - f], 1);
    }
    return value_text(c, &t->reg->fields[f], &r->v[f], 1);
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
    const derived_def *defs;
    int n;
    const value *derived = derived_of(c, r, t->derived, &defs, &n);
    const char *cells[TTAB_MAX_COLS];
    /* The cells' texts in the row's arena, not the command's: a list of
     * a million rows runs in the memory of one. */
    arena *command = c->a;
    c->a = &t->row;
    for (int k = 0; k < t->ncols; k++)
        cells[k] = cell_text(t, r, derived, k);
    ttab_row(t->text, cells);
    c->a = command;
    arena_reset(&t->row);
}

void table_end(table *t)
{
    FILE *f = t->c->out;
    if (t->json) {
        fputs(t->first ? "]\n" : "\n]\n", f);
        buf_reset(&t->line);
        return;
    }
    ttab_print(t->text, "");
    arena_free(&t->row);
    size_t rows = ttab_rows(t->text);
    buf words;
    buf_init(&words);
    text_words(&words, rows == 1 ? t->reg->name : t->reg->plural, 0); /* "context issues" */
    fprintf(f, "(%zu %s)\n", rows, buf_str(&words));
    buf_reset(&words);
}
