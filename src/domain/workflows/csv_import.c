/* csv_import.c: a register's records added and changed from CSV rows
 * (csv_import.h), each row through the same input, validation and
 * mutation as a record typed in, the whole file in one transaction. */
#include "domain/workflows/csv_import.h"

#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "domain/registers/registers.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* What a column is, beside a field's index (-1: no such field, as
 * regdef_field says): the key, a field only the workflows set (read
 * past), or a column the header leaves unnamed (a spreadsheet's trailing
 * empty columns: read past while its cells are empty too). */
enum { COL_KEY = -3, COL_IGNORED = -2, COL_UNNAMED = -4 };

/* ---- the header ---- */

/* s without the spaces around it, a copy in a. */
static char *trimmed(arena *a, const char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    return arena_strndup(a, s, n);
}

/* A column's name as a field name: trimmed, lower case, spaces as '_'. */
static const char *column_name(arena *a, const char *cell)
{
    char *s = trimmed(a, cell);
    for (char *p = s; *p; p++)
        *p = *p == ' ' ? '_' : (char)tolower((unsigned char)*p);
    return s;
}

/* The fields a CSV may set, for the message that names a wrong column. */
static const char *settable_fields(arena *a, const regdef *reg)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "key");
    for (int i = 0; i < reg->nfields; i++)
        if (!(reg->fields[i].flags & FF_SYSTEM))
            buf_printf(&b, ", %s", reg->fields[i].name);
    const char *s = arena_strdup(a, buf_str(&b));
    buf_reset(&b);
    return s;
}

/* cols[i]: the field index of column i, or COL_*; the header is on line
 * `line`. */
static int read_header(dom *d, const regdef *reg, long line, const char *const *cells, int n,
                       int *cols, dom_import_result *out, isms_err *e)
{
    arena *a = dom_arena(d);
    buf ignored;
    buf_init(&ignored);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const char *name = column_name(a, cells[i]);
        int f = !*name ? COL_UNNAMED : !strcmp(name, "key") ? COL_KEY : regdef_field(reg, name);
        if (f == -1)
            rc = err_set(e, E_INVALID, name,
                         "line %ld, column %d: \"%s\" is not a field of %s (the columns it may "
                         "have: %s)",
                         line, i + 1, cells[i], reg->name, settable_fields(a, reg));
        for (int j = 0; j < i && !rc && f != COL_UNNAMED; j++)
            if (cols[j] == f)
                rc = err_set(e, E_INVALID, name,
                             "line %ld, column %d: column \"%s\" is given twice (columns %d and "
                             "%d)",
                             line, i + 1, name, j + 1, i + 1);
        cols[i] = f;
    }
    /* fields only the workflows set: read past, named */
    for (int i = 0; i < n && !rc; i++)
        if (cols[i] >= 0 && reg->fields[cols[i]].flags & FF_SYSTEM) {
            buf_printf(&ignored, "%s%s", ignored.len ? ", " : "", reg->fields[cols[i]].name);
            cols[i] = COL_IGNORED;
        }
    if (!rc && ignored.len)
        out->ignored = arena_strdup(a, buf_str(&ignored));
    buf_reset(&ignored);
    return rc;
}

/* ---- a row ---- */

typedef int row_outcome; /* DOM_IMPORT_ADDED, _UPDATED or _UNCHANGED */

/* A cell as a field's text: unguarded (csv_cell's quote before a formula
 * taken off), and a line break inside as LF, as isms keeps them (a
 * spreadsheet may write CR LF). */
static const char *cell_text(dom *d, const char *cell)
{
    cell = csv_unguard(cell);
    if (!strchr(cell, '\r'))
        return cell;
    char *s = arena_strdup(dom_arena(d), cell), *to = s;
    for (const char *p = s; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n'))
            *to++ = *p;
    *to = 0;
    return s;
}

/* The row's values into r; *key the record it changes, NULL for a new one. */
static int row_values(dom *d, const int *cols, const char *const *cells, int n, record *r,
                      const char **key, isms_err *e)
{
    *key = NULL;
    for (int i = 0; i < n; i++) {
        if (cols[i] != COL_KEY && cols[i] != COL_UNNAMED)
            continue;
        const char *cell = trimmed(dom_arena(d), cells[i]);
        if (cols[i] == COL_KEY && *cell)
            *key = dom_key(d, cell);
        if (cols[i] == COL_UNNAMED && *cell)
            return err_set(e, E_INVALID, NULL,
                           "column %d holds \"%s\" but has no name in the header: name it, or "
                           "empty it",
                           i + 1, cell);
    }
    for (int i = 0; i < n; i++) {
        if (cols[i] < 0)
            continue;
        const char *text = cell_text(d, cells[i]);
        if (!*key && !*text)
            continue; /* on add, an empty cell is a field not given */
        int rc = dom_set_text(d, r, cols[i], text, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* Does every cell of the row read as the record's value does now? Then
 * the row changes nothing, and is not an update at all: a retired or
 * approved record, which refuses any update, comes back from its own
 * export as it is. (The same value written otherwise, an e-mail for a
 * person's key, is left to the update to judge.) */
static int row_as_it_is(dom *d, const record *old, const int *cols, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++)
        if (cols[i] >= 0 && strcmp(cell_text(d, cells[i]),
                                   dom_value_text(d, &old->reg->fields[cols[i]], &old->v[cols[i]])))
            return 0;
    return 1;
}

static int import_row(dom *d, const regdef *reg, const int *cols, int ncols,
                      const char *const *cells, int n, row_outcome *how, record *out, isms_err *e)
{
    if (n != ncols)
        return err_set(e, E_INVALID, NULL, "%d cells where the header has %d", n, ncols);
    record r;
    record_init(&r, reg, dom_arena(d));
    const char *key;
    int rc = row_values(d, cols, cells, n, &r, &key, e);
    if (rc)
        return rc;
    if (!key) {
        *how = DOM_IMPORT_ADDED;
        return dom_add(d, &r, out, e);
    }
    rc = dom_get(d, reg, key, out, e);
    if (rc || row_as_it_is(d, out, cols, cells, n)) {
        *how = DOM_IMPORT_UNCHANGED;
        return rc;
    }
    dom_changes changed = { 0 };
    rc = dom_update(d, reg, key, &r, 0, out, &changed, e);
    *how = changed.n ? DOM_IMPORT_UPDATED : DOM_IMPORT_UNCHANGED;
    return rc;
}

/* ---- the file ---- */

typedef struct importer {
    dom *d;
    const regdef *reg;
    csv_reader *in;
    const dom_import_opts *o;
    dom_import_result *out;
    int cols[CSV_MAX_CELLS];
    int ncols;
    isms_err first; /* the first row refused */
    long first_line;
} importer;

static void count(dom_import_result *out, row_outcome how)
{
    if (how == DOM_IMPORT_ADDED)
        out->added++;
    else if (how == DOM_IMPORT_UPDATED)
        out->updated++;
    else
        out->unchanged++;
}

/* One row, in memory of its own: a row refused is noted and the import
 * goes on (the row's savepoint rolled back what it wrote). */
static int take_row(importer *im, const char *const *cells, int n, isms_err *e)
{
    arena scratch, request;
    arena_init(&scratch);
    dom_scratch_begin(im->d, &scratch, &request);
    isms_err why = { 0 };
    row_outcome how = DOM_IMPORT_ADDED;
    record rec;
    int rc = import_row(im->d, im->reg, im->cols, im->ncols, cells, n, &how, &rec, &why);
    /* the key outlives the row's memory for the callback, which may keep
     * it in the request's (dom_arena is the row's until the scratch ends) */
    char *key = !rc && im->o->taken ? xstrdup(rec.key) : NULL;
    dom_scratch_end(im->d, &scratch, &request);
    arena_free(&scratch);
    im->out->rows++;
    if (!rc) {
        count(im->out, how);
        if (key)
            im->o->taken(im->o->taken_ctx, csv_line(im->in), key, how);
        free(key);
        return 0;
    }
    if (rc == E_STORE || rc == E_IO || rc == E_NOMEM || rc == E_UNAVAILABLE)
        return err_set(e, rc, why.field, "line %ld: %s", csv_line(im->in), why.msg);
    if (!im->out->refused++) {
        im->first = why;
        im->first_line = csv_line(im->in);
    }
    if (im->o->refused)
        im->o->refused(im->o->refused_ctx, csv_line(im->in), &why);
    int most = im->o->max_errors > 0 ? im->o->max_errors : 50;
    if (im->out->refused >= most)
        return err_set(e, E_INVALID, im->first.field,
                       "stopped after %ld rows refused (the first, line %ld: %s); nothing was "
                       "imported",
                       im->out->refused, im->first_line, im->first.msg);
    return 0;
}

static int take_rows(importer *im, isms_err *e)
{
    const char *const *cells;
    int n, rc;
    while (!(rc = csv_row(im->in, &cells, &n, e)) && cells) {
        if (im->o->cancel && *im->o->cancel)
            return err_set(e, E_INTERRUPTED, NULL, "interrupted: nothing was imported");
        rc = take_row(im, cells, n, e);
        if (rc)
            return rc;
        if (im->o->progress && im->out->rows % 256 == 0)
            im->o->progress(im->o->progress_ctx, csv_offset(im->in), im->o->total);
    }
    if (!rc && im->o->cancel && *im->o->cancel) /* Ctrl-C while the last rows came */
        return err_set(e, E_INTERRUPTED, NULL, "interrupted: nothing was imported");
    if (!rc && im->out->refused)
        rc = err_set(e, E_INVALID, im->first.field,
                     "%ld of %ld rows refused (the first, line %ld: %s); nothing was imported",
                     im->out->refused, im->out->rows, im->first_line, im->first.msg);
    return rc;
}

int dom_import_csv(dom *d, const regdef *reg, csv_reader *in, const dom_import_opts *o,
                   dom_import_result *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    if (reg->flags & (REG_SYSTEM | REG_SINGLETON))
        return err_set(e, E_USAGE, reg->name, "records of %s are not imported: %s", reg->name,
                       reg->flags & REG_SINGLETON ? "there is one, set with `isms org set`"
                                                  : "isms's workflows make them");
    int rc = principal_may_write(dom_who(d), reg, NULL, NULL, e);
    if (rc)
        return rc;
    importer im = { .d = d, .reg = reg, .in = in, .o = o, .out = out };
    const char *const *cells;
    rc = csv_row(in, &cells, &im.ncols, e);
    if (!rc && !cells)
        rc = err_set(e, E_INVALID, "1:1", "line 1: the file is empty: give a header row first");
    if (!rc)
        rc = read_header(d, reg, csv_line(in), cells, im.ncols, im.cols, out, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = take_rows(&im, e);
    dom_warnings(d, &out->warnings);
    if (!rc && o->dry_run) { /* every row taken: rolled back all the same */
        dom_txn_end(d, E_INTERRUPTED, NULL);
        return 0;
    }
    return dom_txn_end(d, rc, e);
}

/* ---- records as CSV rows ---- */

void dom_csv_header(buf *b, const regdef *reg, const int *cols, int n)
{
    buf_puts(b, "key");
    for (int i = 0; i < (cols ? n : reg->nfields); i++)
        buf_printf(b, ",%s", reg->fields[cols ? cols[i] : i].name);
}

void dom_csv_row(dom *d, buf *b, const record *r, const int *cols, int n)
{
    csv_cell(b, r->key, 1);
    for (int i = 0; i < (cols ? n : r->reg->nfields); i++) {
        int k = cols ? cols[i] : i;
        const fielddef *f = &r->reg->fields[k];
        buf_putc(b, ',');
        csv_cell(b, dom_value_text(d, f, &r->v[k]), f->type != FT_INT && f->type != FT_MONEY);
    }
}
