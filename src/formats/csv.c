/* csv.c: the CSV reader and writer of csv.h.
 *
 * The reader copies runs: in an unquoted cell every byte up to the next
 * one that matters (the delimiter, a line break, a quote, a NUL), in a
 * quoted cell up to the next quote, line break or NUL; a table says which
 * bytes those are, so a row costs one look-up and one copy a byte. The
 * input is a window onto the file (CSV_CHUNK bytes, read again when used
 * up) or the caller's bytes whole. Positions are offsets in the whole
 * input, not in the window, so a cell may straddle any number of reads
 * and an error still names the line and column it was found at. */
#include "formats/csv.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    CSV_CHUNK = 64 << 10, /* bytes read from a file at a time */
    /* The detection of the delimiter looks at no more of the first line
     * than a row may hold: a longer one is refused by csv_row anyway. */
    CSV_DETECT_MAX = CSV_MAX_ROW,
};

struct csv_reader {
    FILE *f;              /* NULL: the caller's bytes */
    const char *in;       /* the bytes at hand: own, or the caller's */
    char *own;            /* a file's read buffer */
    size_t cap, len, pos; /* own's size; the bytes at in; the next unread one */
    uint64_t base;        /* the offset in the input of in[0] */
    int eof;              /* nothing more to read */
    int delim;
    /* The bytes that end a run of an unquoted, and of a quoted, cell. */
    unsigned char stop_plain[256], stop_quoted[256];
    long line;         /* the line of the next byte */
    uint64_t line_off; /* the offset that line begins at */
    long row_line;     /* the line the last row began on */
    /* The row being read: its cells one after the other, each
     * NUL-terminated, starts[k] where cell k begins in it. */
    buf row;
    size_t *starts, starts_cap;
    const char **cells;
    size_t cells_cap;
    int ncells;
    size_t row_bytes, cell_len; /* without the NULs */
    long cell_line, cell_col;   /* where the cell being read began */
    isms_err fail;              /* what ended the reading: csv_row repeats it */
};

/* ---- errors ---- */

static long column(const csv_reader *r) { return (long)(r->base + r->pos - r->line_off) + 1; }

/* Records the error that ends the reading, at line:col. */
__attribute__((format(printf, 5, 6))) static int fail_at(csv_reader *r, int code, long line,
                                                         long col, const char *fmt, ...)
{
    char what[256], where[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%ld:%ld", line, col);
    return err_set(&r->fail, code, where, "line %ld, column %ld: %s", line, col, what);
}

static int nul_byte(csv_reader *r)
{
    return fail_at(r, E_INVALID, r->line, column(r),
                   "a NUL byte: this is not a text file (save it as CSV, UTF-8)");
}

/* ---- input ---- */

/* Reads on behind the unread bytes. The buffer grows only when they fill
 * it, which happens while the delimiter is detected: the first line is
 * held until it ends, as a file need not be one that can seek back.
 * 0: nothing more, at the end of the input or after a read error (then
 * recorded). */
static int more(csv_reader *r)
{
    if (r->eof || r->fail.code)
        return 0;
    size_t keep = r->len - r->pos;
    memmove(r->own, r->own + r->pos, keep);
    r->base += r->pos;
    r->len = keep;
    r->pos = 0;
    if (r->len == r->cap) {
        r->cap *= 2;
        r->own = xrealloc(r->own, r->cap);
        r->in = r->own;
    }
    /* read(2), not fread: from a pipe, what has come is read now (fread
     * would wait to fill the window), so rows go on as they arrive. */
    ssize_t got;
    do
        got = read(fileno(r->f), r->own + r->len, r->cap - r->len);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        int err = errno;
        fail_at(r, E_IO, r->line, column(r), "cannot read the file: %s", strerror(err));
        return 0;
    }
    r->len += (size_t)got;
    if (!got)
        r->eof = 1;
    return got > 0;
}

/* The next byte, not consumed; EOF at the end of the input (or after a
 * read error: r->fail says which). */
static int peek(csv_reader *r)
{
    if (r->pos == r->len && !more(r))
        return EOF;
    return (unsigned char)r->in[r->pos];
}

/* Steps over the line end at hand: CR LF, a lone LF or a lone CR. */
static void line_end(csv_reader *r)
{
    if (r->in[r->pos++] == '\r' && peek(r) == '\n')
        r->pos++;
    r->line++;
    r->line_off = r->base + r->pos;
}

/* ---- the delimiter ---- */

static void skip_bom(csv_reader *r)
{
    while (r->len - r->pos < 3 && more(r))
        ;
    if (r->len - r->pos >= 3 && !memcmp(r->in + r->pos, "\xEF\xBB\xBF", 3)) {
        r->pos += 3;
        r->line_off = r->base + r->pos;
    }
}

/* The one of ',' ';' and tab seen most often outside quotes on the first
 * line with anything on it (blank lines are skipped, as csv_row skips
 * them); ',' on a tie with it, or when none is seen. Nothing is consumed.
 * A quote toggles "inside quotes": a doubled one toggles twice. */
static int detect(csv_reader *r)
{
    static const char candidates[] = { ',', ';', '\t' };
    long count[3] = { 0 };
    int quoted = 0, started = 0;
    for (size_t i = 0;;) {
        if (r->pos + i == r->len) {
            if (i >= CSV_DETECT_MAX || !more(r))
                break;
            continue;
        }
        char c = r->in[r->pos + i++];
        if (!quoted && (c == '\r' || c == '\n')) {
            if (started)
                break;
            continue;
        }
        started = 1;
        if (c == '"')
            quoted = !quoted;
        else if (!quoted)
            for (int k = 0; k < 3; k++)
                count[k] += c == candidates[k];
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return candidates[best];
}

/* ---- cells ---- */

/* Appends n bytes to the cell being read, within the limits. */
static int put(csv_reader *r, const char *p, size_t n)
{
    if (n > CSV_MAX_CELL - r->cell_len)
        return fail_at(r, E_TOO_LARGE, r->cell_line, r->cell_col,
                       "a cell of more than %d bytes (split it, or link to a document)",
                       CSV_MAX_CELL);
    if (n > CSV_MAX_ROW - r->row_bytes)
        return fail_at(r, E_TOO_LARGE, r->cell_line, r->cell_col,
                       "the row is over %d bytes by this cell", CSV_MAX_ROW);
    buf_append(&r->row, p, n);
    r->cell_len += n;
    r->row_bytes += n;
    return 0;
}

/* Copies the bytes at hand into the cell up to the next one `stop` marks.
 * *c: that byte (not consumed), or EOF at the end of the input. */
static int copy_run(csv_reader *r, const unsigned char *stop, int *c)
{
    for (;;) {
        if (r->pos == r->len && !more(r)) {
            *c = EOF;
            return r->fail.code;
        }
        const char *p = r->in + r->pos, *end = r->in + r->len, *q = p;
        while (q < end && !stop[(unsigned char)*q])
            q++;
        int rc = put(r, p, (size_t)(q - p));
        if (rc)
            return rc;
        r->pos += (size_t)(q - p);
        if (q < end) {
            *c = (unsigned char)*q;
            return 0;
        }
    }
}

/* Steps over what ended a cell, c: the delimiter, a line end or the end
 * of the input. *end: the delimiter, '\n' for any line end, or EOF. */
static void cell_end(csv_reader *r, int c, int *end)
{
    *end = c;
    if (c == r->delim) {
        r->pos++;
    } else if (c == '\r' || c == '\n') {
        line_end(r);
        *end = '\n';
    }
}

static int plain_cell(csv_reader *r, int *end)
{
    int c, rc = copy_run(r, r->stop_plain, &c);
    if (rc)
        return rc;
    if (c == '"')
        return fail_at(r, E_INVALID, r->line, column(r),
                       "a quote inside an unquoted cell: quote the whole cell and double "
                       "the quote");
    if (c == 0)
        return nul_byte(r);
    cell_end(r, c, end);
    return 0;
}

/* A line break inside a quoted cell: part of the cell, as it is. */
static int kept_break(csv_reader *r)
{
    uint64_t from = r->base + r->pos;
    int cr = r->in[r->pos] == '\r';
    line_end(r);
    size_t n = (size_t)(r->base + r->pos - from);
    return put(r, cr ? "\r\n" : "\n", n);
}

/* After the closing quote of a cell, what may not follow it. */
static int junk(csv_reader *r, int c)
{
    char found[16];
    if (c >= 0x20 && c < 0x7F)
        snprintf(found, sizeof found, "'%c'", c);
    else
        snprintf(found, sizeof found, "byte 0x%02X", (unsigned)c);
    return fail_at(r, E_INVALID, r->line, column(r),
                   "after the closing quote of a cell, expected the delimiter or the end of "
                   "the line, found %s",
                   found);
}

static int quoted_cell(csv_reader *r, int *end)
{
    r->pos++; /* the opening quote */
    for (;;) {
        int c, rc = copy_run(r, r->stop_quoted, &c);
        if (rc)
            return rc;
        if (c == EOF)
            return fail_at(r, E_INVALID, r->cell_line, r->cell_col,
                           "the quoted cell that begins here is never closed (a quote is "
                           "missing at its end)");
        if (c == 0)
            return nul_byte(r);
        if (c == '\r' || c == '\n') {
            if ((rc = kept_break(r)))
                return rc;
            continue;
        }
        r->pos++; /* a quote: the first of a doubled one, or the closing one */
        c = peek(r);
        if (c == '"') {
            if ((rc = put(r, "\"", 1)))
                return rc;
            r->pos++;
            continue;
        }
        if (c == EOF && r->fail.code)
            return r->fail.code;
        if (c == 0)
            return nul_byte(r);
        if (c != r->delim && c != '\r' && c != '\n' && c != EOF)
            return junk(r, c);
        cell_end(r, c, end);
        return 0;
    }
}

/* Reads one cell of the row, NUL-terminated, into r->row. */
static int read_cell(csv_reader *r, int *end)
{
    if (r->ncells == CSV_MAX_CELLS)
        return fail_at(r, E_TOO_LARGE, r->line, column(r), "a row of more than %d cells",
                       CSV_MAX_CELLS);
    r->cell_line = r->line;
    r->cell_col = column(r);
    r->cell_len = 0;
    XGROW(r->starts, (size_t)r->ncells, r->starts_cap, 16);
    size_t start = r->row.len;
    r->starts[r->ncells++] = start;
    /* A quote opens a quoted cell only as its first byte. */
    int rc = peek(r) == '"' ? quoted_cell(r, end) : plain_cell(r, end);
    if (rc)
        return rc;
    if (r->cell_len && !utf8_valid(r->row.data + start, r->cell_len))
        return fail_at(r, E_INVALID, r->cell_line, r->cell_col,
                       "the cell is not valid UTF-8 (save the file as CSV, UTF-8)");
    buf_putc(&r->row, '\0');
    return 0;
}

/* Reads the next row into r->row; none (ncells 0) at the end. */
static int read_row(csv_reader *r)
{
    int c;
    while ((c = peek(r)) == '\r' || c == '\n') /* lines with nothing on them */
        line_end(r);
    buf_clear(&r->row);
    r->ncells = 0;
    r->row_bytes = 0;
    if (c == EOF)
        return r->fail.code;
    r->row_line = r->line;
    int end = EOF, rc;
    do
        rc = read_cell(r, &end);
    while (!rc && end == r->delim);
    return rc;
}

/* ---- the reader ---- */

static csv_reader *open_reader(FILE *f, const char *data, size_t len, int delimiter)
{
    if (delimiter && delimiter != ',' && delimiter != ';' && delimiter != '\t')
        xdie("csv: the delimiter must be ',', ';', a tab or 0");
    csv_reader *r = xcalloc(1, sizeof *r);
    buf_init(&r->row);
    r->line = 1;
    r->f = f;
    if (f) {
        r->cap = CSV_CHUNK;
        r->own = xmalloc(r->cap);
        r->in = r->own;
    } else {
        r->in = data;
        r->len = len;
        r->eof = 1;
    }
    skip_bom(r);
    r->delim = delimiter ? delimiter : detect(r);
    r->stop_plain[(unsigned char)r->delim] = 1;
    for (const char *s = "\r\n\""; *s; s++)
        r->stop_plain[(unsigned char)*s] = r->stop_quoted[(unsigned char)*s] = 1;
    r->stop_plain[0] = r->stop_quoted[0] = 1;
    return r;
}

csv_reader *csv_open_file(FILE *f, int delimiter) { return open_reader(f, NULL, 0, delimiter); }

csv_reader *csv_open_mem(const char *data, size_t len, int delimiter)
{
    return open_reader(NULL, data, len, delimiter);
}

void csv_close(csv_reader *r)
{
    if (!r)
        return;
    free(r->own);
    buf_reset(&r->row);
    free(r->starts);
    free(r->cells);
    free(r);
}

int csv_row(csv_reader *r, const char *const **cells, int *n, isms_err *e)
{
    *cells = NULL;
    *n = 0;
    if (!r->fail.code)
        read_row(r);
    if (r->fail.code)
        return err_set(e, r->fail.code, r->fail.field, "%s", r->fail.msg);
    if (!r->ncells)
        return 0;
    /* The pointers only now: the row's buffer moves while it grows. */
    if (r->cells_cap < (size_t)r->ncells) {
        r->cells_cap = r->starts_cap;
        r->cells = xrealloc(r->cells, r->cells_cap * sizeof *r->cells);
    }
    for (int k = 0; k < r->ncells; k++)
        r->cells[k] = r->row.data + r->starts[k];
    *cells = r->cells;
    *n = r->ncells;
    return 0;
}

long csv_line(const csv_reader *r) { return r->row_line; }
uint64_t csv_offset(const csv_reader *r) { return r->base + r->pos; }
int csv_delimiter(const csv_reader *r) { return r->delim; }

/* ---- the writer ---- */

/* Would a spreadsheet take a cell starting with c for a formula? */
static int formula_start(char c) { return c && strchr("=+-@\t\r", c); }

void csv_cell(buf *b, const char *s, int text)
{
    int guard = text && formula_start(s[0]);
    /* Any of the three delimiters is quoted, so that the cell reads back
     * whichever one the file is read with; a leading byte-order mark too,
     * which the reader would drop at the start of a file. */
    if (!guard && !strpbrk(s, ",;\t\"\r\n") && strncmp(s, "\xEF\xBB\xBF", 3)) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    if (guard)
        buf_putc(b, '\'');
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        buf_append(b, s, (size_t)(q - s) + 1);
        buf_putc(b, '"');
    }
    buf_puts(b, s);
    buf_putc(b, '"');
}

const char *csv_unguard(const char *cell)
{
    return cell[0] == '\'' && formula_start(cell[1]) ? cell + 1 : cell;
}
