/* The CSV reader and writer (formats/csv.h): what spreadsheets write is
 * read (quotes, line breaks in cells, CRLF, LF and CR, a byte-order mark,
 * ',' ';' or a tab, found from the first line), everything else refused
 * with its line and column; a file is read through a buffer, however
 * large; and every awkward cell csv_cell writes reads back as it was. */
#include "support/testutil.h"
#include "formats/csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows of a reader as text: each cell in brackets, a row a line. */
static int dump(csv_reader *r, buf *out, isms_err *e)
{
    const char *const *cells;
    int n, rc;
    while (!(rc = csv_row(r, &cells, &n, e)) && cells) {
        assert_true(n > 0);
        for (int k = 0; k < n; k++)
            buf_printf(out, "[%s]", cells[k]);
        buf_putc(out, '\n');
    }
    if (!rc)
        assert_int_equal(n, 0);
    return rc;
}

/* The rows of the len bytes at s read with delimiter d, as dump writes
 * them; the reading must succeed. The string is freed by the caller. */
static char *rows_n(const char *s, size_t len, int d)
{
    csv_reader *r = csv_open_mem(s, len, d);
    assert_non_null(r);
    buf out;
    buf_init(&out);
    isms_err e = { 0 };
    int rc = dump(r, &out, &e);
    if (rc)
        fail_msg("%s: %s", e.field, e.msg);
    csv_close(r);
    buf_putc(&out, 0); /* data non-NULL even with no rows */
    return buf_detach(&out);
}

static char *rows(const char *s, int d) { return rows_n(s, strlen(s), d); }

static void rows_are(const char *s, int d, const char *expect)
{
    char *got = rows(s, d);
    assert_string_equal(got, expect);
    free(got);
}

/* Reading the len bytes at s fails with code at field "L:C", the message
 * starting "line L, column C: " and holding `says`. Read again, the
 * reader gives the same error. */
static void refused_n(const char *s, size_t len, int d, int code, const char *field,
                      const char *says)
{
    csv_reader *r = csv_open_mem(s, len, d);
    buf out;
    buf_init(&out);
    isms_err e = { 0 };
    assert_int_equal(dump(r, &out, &e), code);
    assert_string_equal(e.field, field);
    long line, col;
    assert_int_equal(sscanf(field, "%ld:%ld", &line, &col), 2);
    char start[64];
    snprintf(start, sizeof start, "line %ld, column %ld: ", line, col);
    assert_true(!strncmp(e.msg, start, strlen(start)));
    assert_contains(e.msg, says);
    isms_err again = { 0 };
    const char *const *cells = (const char *const *)&r; /* anything but NULL */
    int n = 7;
    assert_int_equal(csv_row(r, &cells, &n, &again), code);
    assert_null(cells);
    assert_int_equal(n, 0);
    assert_string_equal(again.field, field);
    assert_string_equal(again.msg, e.msg);
    csv_close(r);
    buf_reset(&out);
}

static void refused(const char *s, int d, int code, const char *field, const char *says)
{
    refused_n(s, strlen(s), d, code, field, says);
}

/* ---- reading ---- */

static void plain_rows(void **state)
{
    (void)state;
    csv_reader *r = csv_open_mem("a,b,c\n1,2,3\n", 12, 0);
    const char *const *cells;
    int n;
    isms_err e = { 0 };
    assert_int_equal(csv_line(r), 0);
    assert_int_equal(csv_row(r, &cells, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(cells[0], "a");
    assert_string_equal(cells[2], "c");
    assert_int_equal(csv_line(r), 1);
    assert_int_equal(csv_offset(r), 6);
    assert_int_equal(csv_row(r, &cells, &n, &e), 0);
    assert_int_equal(n, 3);
    assert_string_equal(cells[1], "2");
    assert_int_equal(csv_line(r), 2);
    for (int k = 0; k < 2; k++) { /* the end, and the end again */
        assert_int_equal(csv_row(r, &cells, &n, &e), 0);
        assert_null(cells);
        assert_int_equal(n, 0);
    }
    assert_int_equal(csv_offset(r), 12);
    assert_int_equal(e.code, 0);
    csv_close(r);
    rows_are("", 0, "");
    rows_are(" a , b ", ',', "[ a ][ b ]\n"); /* spaces are kept */
    csv_close(NULL);
}

static void quoted_cells(void **state)
{
    (void)state;
    rows_are("\"a \"\"q\"\"\",\"x,y\",\"\"\n", ',', "[a \"q\"][x,y][]\n");
    rows_are("\"\"\"\"", ',', "[\"]\n");
    /* line breaks inside are kept as they are, and counted as lines */
    const char *s = "one,\"x\r\ny\",\"p\nq\"\r\n\"r\rs\",two\n\"\n\n\"\nlast";
    rows_are(s, ',', "[one][x\r\ny][p\nq]\n[r\rs][two]\n[\n\n]\n[last]\n");
    csv_reader *r = csv_open_mem(s, strlen(s), ',');
    const char *const *cells;
    int n;
    long expect[] = { 1, 4, 6, 9 };
    for (int k = 0; k < 4; k++) {
        assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
        assert_non_null(cells);
        assert_int_equal(csv_line(r), expect[k]);
    }
    csv_close(r);
    /* a quote opens a quoted cell only as the cell's first byte */
    rows_are("a,\"b\"\n", ',', "[a][b]\n");
    refused(" \"b\"", ',', E_INVALID, "1:2", "a quote inside an unquoted cell");
}

static void line_ends(void **state)
{
    (void)state;
    const char *s = "a\r\nb\nc\rd";
    rows_are(s, ',', "[a]\n[b]\n[c]\n[d]\n");
    csv_reader *r = csv_open_mem(s, strlen(s), ',');
    const char *const *cells;
    int n;
    for (long k = 1; k <= 4; k++) {
        assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
        assert_int_equal(csv_line(r), k);
    }
    csv_close(r);
    /* CR LF is one line end; CR CR LF is a line end, then one more */
    s = "a\r\r\nb";
    r = csv_open_mem(s, strlen(s), ',');
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_string_equal(cells[0], "b");
    assert_int_equal(csv_line(r), 3);
    csv_close(r);
}

static void byte_order_mark(void **state)
{
    (void)state;
    rows_are("\xEF\xBB\xBFname;value\r\nx;1\r\n", 0, "[name][value]\n[x][1]\n");
    csv_reader *r = csv_open_mem("\xEF\xBB\xBF"
                                 "a;b",
                                 6, 0);
    assert_int_equal(csv_delimiter(r), ';');
    assert_int_equal(csv_offset(r), 3);
    csv_close(r);
    rows_are("\xEF\xBB\xBF", 0, "");
    /* only at the very start: later it is the cell's */
    rows_are("a\n\xEF\xBB\xBF"
             "b",
             0,
             "[a]\n[\xEF\xBB\xBF"
             "b]\n");
    /* columns count from after it */
    refused("\xEF\xBB\xBF"
            "a\"b",
            0, E_INVALID, "1:2", "quote");
    /* and from a file */
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs("\xEF\xBB\xBFname\tvalue\n", f);
    rewind(f);
    r = csv_open_file(f, 0);
    assert_int_equal(csv_delimiter(r), '\t');
    const char *const *cells;
    int n;
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_string_equal(cells[0], "name");
    csv_close(r);
    fclose(f);
}

static int detected(const char *s)
{
    csv_reader *r = csv_open_mem(s, strlen(s), 0);
    int d = csv_delimiter(r);
    csv_close(r);
    return d;
}

static void delimiter_detection(void **state)
{
    (void)state;
    assert_int_equal(detected("a,b,c\n1;2\n"), ',');
    assert_int_equal(detected("a;b;c\n1,2,3,4,5\n"), ';');
    assert_int_equal(detected("a\tb\tc,d\n"), '\t');
    assert_int_equal(detected("one cell\n"), ',');
    assert_int_equal(detected(""), ',');
    assert_int_equal(detected("a,b;c\n"), ','); /* a tie goes to ',' */
    assert_int_equal(detected("a;b\tc\n"), ';');
    /* what is quoted does not count, doubled quotes and line breaks too */
    assert_int_equal(detected("\"a,b,c,d\";e;f\n"), ';');
    assert_int_equal(detected("\"x \"\",\"\" y\";\"a,\nb,c,d\";\"z\"\n"), ';');
    assert_int_equal(detected("\"a;b;c\"\n1;2\n"), ',');
    /* the first line with anything on it */
    assert_int_equal(detected("\r\n\n\ra;b\n"), ';');
    rows_are("x;\"y;z\"\n1;2\n", 0, "[x][y;z]\n[1][2]\n");
    rows_are("x\t\"y\tz\"\t\n", 0, "[x][y\tz][]\n");
    /* an explicit delimiter is used as it is */
    rows_are("a;b,c\n", ',', "[a;b][c]\n");
    rows_are("a;b,c\n", ';', "[a][b,c]\n");
}

static void last_line_and_blank_lines(void **state)
{
    (void)state;
    rows_are("a,b\nc,d", ',', "[a][b]\n[c][d]\n");
    rows_are("a,", ',', "[a][]\n");
    rows_are("\"a\"", ',', "[a]\n");
    const char *s = "\n\na\n\n\r\n\rb\n\n";
    rows_are(s, ',', "[a]\n[b]\n");
    csv_reader *r = csv_open_mem(s, strlen(s), ',');
    const char *const *cells;
    int n;
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(csv_line(r), 3);
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(csv_line(r), 7);
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_null(cells);
    assert_int_equal(csv_line(r), 7);
    csv_close(r);
    /* a line of spaces is a cell of spaces */
    rows_are("a\n \nb\n", ',', "[a]\n[ ]\n[b]\n");
}

static void delimiters_only(void **state)
{
    (void)state;
    rows_are(",,\n", ',', "[][][]\n");
    rows_are("a\n;;;\nb", ';', "[a]\n[][][][]\n[b]\n");
    rows_are("\t\n", '\t', "[][]\n");
    rows_are("\"\"\n", ',', "[]\n"); /* one empty cell, quoted */
}

/* ---- what is refused ---- */

static void quotes_out_of_place(void **state)
{
    (void)state;
    refused("ab,c\"d\n", ',', E_INVALID, "1:5",
            "a quote inside an unquoted cell: quote the whole cell and double the quote");
    refused("x\n\"ab\"c,d", ',', E_INVALID, "2:5",
            "after the closing quote of a cell, expected the delimiter or the end of the "
            "line, found 'c'");
    refused("\"a\" ,b", ',', E_INVALID, "1:4", "found ' '");
    refused("\"a\"\xc3\xa9", ',', E_INVALID, "1:4", "found byte 0xC3");
    /* the closing quote of a cell over lines: the line it is on */
    refused("\"a\nb\"x", ',', E_INVALID, "2:3", "found 'x'");
    /* a quoted cell never closed: where it opened */
    refused("a,b\nc,\"open\nmore\n", ',', E_INVALID, "2:3", "never closed");
    refused("\"", ',', E_INVALID, "1:1", "never closed");
    refused("a;\"\"\"", ';', E_INVALID, "1:3", "never closed");
}

static void nul_bytes(void **state)
{
    (void)state;
    refused_n("ab\0c", 4, ',', E_INVALID, "1:3", "NUL");
    refused_n("x\n\"a\0\"", 6, ',', E_INVALID, "2:3", "NUL");
    refused_n("\"a\"\0", 4, ',', E_INVALID, "1:4", "NUL");
    refused_n("a\n\0", 3, 0, E_INVALID, "2:1", "NUL");
}

static void not_utf8(void **state)
{
    (void)state;
    /* the cell's start is named */
    refused("ok,\"x\n\xff\"", ',', E_INVALID, "1:4", "not valid UTF-8");
    refused("a\nb,cd\xc3", ',', E_INVALID, "2:3", "not valid UTF-8");
    refused("\xc0\xaf", ',', E_INVALID, "1:1", "UTF-8");
    rows_are("caf\xc3\xa9,\xf0\x9f\x94\x92\n", ',', "[caf\xc3\xa9][\xf0\x9f\x94\x92]\n");
}

/* "a,b\nc," then a cell of `size` bytes (quoted when `quoted`). */
static char *long_cell(size_t size, int quoted, size_t *len)
{
    char *s = malloc(size + 16);
    size_t n = (size_t)sprintf(s, "a,b\nc,%s", quoted ? "\"" : "");
    memset(s + n, 'x', size);
    n += size;
    if (quoted)
        s[n++] = '"';
    s[n] = 0;
    *len = n;
    return s;
}

static void too_large(void **state)
{
    (void)state;
    size_t len;
    for (int quoted = 0; quoted < 2; quoted++) {
        char *s = long_cell(CSV_MAX_CELL, quoted, &len);
        csv_reader *r = csv_open_mem(s, len, ',');
        const char *const *cells;
        int n;
        assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
        assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
        assert_int_equal(strlen(cells[1]), CSV_MAX_CELL);
        csv_close(r);
        free(s);
        s = long_cell(CSV_MAX_CELL + 1, quoted, &len);
        refused_n(s, len, ',', E_TOO_LARGE, "2:3", "a cell of more than");
        free(s);
    }
    /* cells: 1024 fit, the 1025th (at column 2049) does not */
    char row[2 * CSV_MAX_CELLS + 8];
    for (int k = 0; k < CSV_MAX_CELLS; k++)
        memcpy(row + 2 * k, "x,", 2);
    row[2 * CSV_MAX_CELLS - 1] = 0;
    char *got = rows(row, ',');
    assert_int_equal(strlen(got), 3 * CSV_MAX_CELLS + 1);
    free(got);
    memcpy(row + 2 * CSV_MAX_CELLS - 1, ",y", 3);
    refused(row, ',', E_TOO_LARGE, "1:2049", "a row of more than 1024 cells");
    /* bytes: four cells of CSV_MAX_CELL fill a row, a fifth byte is over */
    size_t big = 4 * ((size_t)CSV_MAX_CELL + 1) + 1;
    char *s = malloc(big + 1);
    memset(s, 'x', big);
    for (int k = 1; k <= 4; k++)
        s[k * ((size_t)CSV_MAX_CELL + 1) - 1] = ',';
    s[big] = 0;
    refused_n(s, big, ',', E_TOO_LARGE, "1:4194309", "the row is over");
    s[big - 1] = 0; /* the fifth cell empty: the row fits */
    csv_reader *r = csv_open_mem(s, big - 1, ',');
    const char *const *cells;
    int n;
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(n, 5);
    assert_string_equal(cells[4], "");
    csv_close(r);
    free(s);
}

static void read_errors(void **state)
{
    (void)state;
    FILE *f = fopen(tu_path("write-only.csv"), "w");
    assert_non_null(f);
    fputs("a,b\n", f);
    fflush(f);
    csv_reader *r = csv_open_file(f, ',');
    const char *const *cells;
    int n;
    isms_err e = { 0 };
    assert_int_equal(csv_row(r, &cells, &n, &e), E_IO);
    assert_null(cells);
    assert_string_equal(e.field, "1:1");
    assert_contains(e.msg, "line 1, column 1: cannot read");
    err_clear(&e);
    assert_int_equal(csv_row(r, &cells, &n, &e), E_IO);
    csv_close(r);
    fclose(f);
}

/* ---- files ---- */

/* f rewound after the bytes at s were written to it. */
static FILE *file_of(const char *s, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, len, f), len);
    rewind(f);
    return f;
}

/* Cells that straddle the 64 KiB reads at every kind of byte: a doubled
 * quote, a CR LF, a delimiter, the closing quote. */
static void cells_straddle_reads(void **state)
{
    (void)state;
    enum { CELL = 150000 };
    buf in, expect;
    buf_init(&in);
    buf_init(&expect);
    char *cell = malloc(CELL + 1);
    for (int shift = 0; shift < 6; shift++) {
        for (int i = 0; i < CELL; i++)
            cell[i] = "ab\"\n\r,;"[(i * 7 + shift) % 7 == 6 ? 2 : (i * 5 + shift) % 7];
        cell[CELL] = 0;
        buf_printf(&in, "k%d,", shift);
        csv_cell(&in, cell, 0);
        buf_puts(&in, shift % 2 ? "\r\n" : "\n");
        buf_printf(&expect, "[k%d][%s]\n", shift, cell);
    }
    buf_puts(&in, "last,\"one\"");
    buf_puts(&expect, "[last][one]\n");
    FILE *f = file_of(in.data, in.len);
    csv_reader *r = csv_open_file(f, 0);
    assert_int_equal(csv_delimiter(r), ',');
    buf got;
    buf_init(&got);
    isms_err e = { 0 };
    if (dump(r, &got, &e))
        fail_msg("%s: %s", e.field, e.msg);
    assert_int_equal(got.len, expect.len);
    assert_memory_equal(got.data, expect.data, expect.len);
    assert_int_equal(csv_offset(r), in.len);
    csv_close(r);
    fclose(f);
    /* the same bytes in memory */
    char *mem = rows_n(in.data, in.len, 0);
    assert_string_equal(mem, expect.data);
    free(mem);
    free(cell);
    buf_reset(&in);
    buf_reset(&expect);
    buf_reset(&got);
}

/* The delimiter of a file whose first line is longer than one read: the
 * line is held, not read twice. */
static void long_first_line_of_a_file(void **state)
{
    (void)state;
    buf in;
    buf_init(&in);
    long at = 0; /* the column of the 1025th cell */
    for (int k = 0; k < 30000; k++) {
        if (k == CSV_MAX_CELLS)
            at = (long)in.len + 2;
        buf_printf(&in, "%scell %d", k ? ";" : "", k);
    }
    buf_puts(&in, "\r\nx;y\r\n");
    char field[32];
    snprintf(field, sizeof field, "1:%ld", at);
    FILE *f = file_of(in.data, in.len);
    csv_reader *r = csv_open_file(f, 0);
    assert_int_equal(csv_delimiter(r), ';');
    assert_int_equal(csv_offset(r), 0);
    const char *const *cells;
    int n;
    isms_err e = { 0 };
    assert_int_equal(csv_row(r, &cells, &n, &e), E_TOO_LARGE); /* 30000 cells */
    assert_string_equal(e.field, field);
    csv_close(r);
    fclose(f);
    /* with fewer cells it reads */
    buf_clear(&in);
    for (int k = 0; k < 1000; k++)
        buf_printf(&in, "%s\"cell %d, with a comma and ; more than %0100d\"", k ? "\t" : "", k, 0);
    buf_puts(&in, "\nx\ty\n");
    f = file_of(in.data, in.len);
    r = csv_open_file(f, 0);
    assert_int_equal(csv_delimiter(r), '\t');
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(n, 1000);
    char expect[200];
    snprintf(expect, sizeof expect, "cell 999, with a comma and ; more than %0100d", 0);
    assert_string_equal(cells[999], expect);
    assert_int_equal(csv_row(r, &cells, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(csv_line(r), 2);
    csv_close(r);
    fclose(f);
    buf_reset(&in);
}

static void many_rows_from_a_file(void **state)
{
    (void)state;
    enum { ROWS = 100000 };
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int k = 0; k < ROWS; k++)
        fprintf(f, "%d;name %d;\"quoted; \"\"%d\"\"\r\nthere\"\r\n", k, k, k);
    long size = ftell(f);
    rewind(f);
    csv_reader *r = csv_open_file(f, 0);
    assert_int_equal(csv_delimiter(r), ';');
    const char *const *cells;
    int n, rc, count = 0;
    isms_err e = { 0 };
    char expect[64];
    while (!(rc = csv_row(r, &cells, &n, &e)) && cells) {
        /* read in pieces: the file is never far ahead of the row */
        if (ftell(f) > (long)csv_offset(r) + (128 << 10))
            fail_msg("row %d: %ld bytes read for %lu used", count, ftell(f),
                     (unsigned long)csv_offset(r));
        assert_int_equal(n, 3);
        if (atoi(cells[0]) != count)
            fail_msg("row %d: first cell %s", count, cells[0]);
        snprintf(expect, sizeof expect, "quoted; \"%d\"\r\nthere", count);
        if (strcmp(cells[2], expect))
            fail_msg("row %d: third cell %s", count, cells[2]);
        if (csv_line(r) != 2L * count + 1)
            fail_msg("row %d: line %ld", count, csv_line(r));
        count++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(count, ROWS);
    assert_int_equal(csv_offset(r), (uint64_t)size);
    csv_close(r);
    fclose(f);
}

/* ---- writing ---- */

static char *cell_of(const char *s, int text)
{
    buf b;
    buf_init(&b);
    csv_cell(&b, s, text);
    buf_putc(&b, 0);
    return buf_detach(&b);
}

static void cell_is(const char *s, int text, const char *expect)
{
    char *got = cell_of(s, text);
    assert_string_equal(got, expect);
    free(got);
}

static void cells_written(void **state)
{
    (void)state;
    cell_is("plain", 1, "plain");
    cell_is("", 1, "");
    cell_is("a,b", 0, "\"a,b\"");
    cell_is("a;b", 0, "\"a;b\"");
    cell_is("a\tb", 0, "\"a\tb\"");
    cell_is("say \"hi\"", 0, "\"say \"\"hi\"\"\"");
    cell_is("two\r\nlines", 0, "\"two\r\nlines\"");
    cell_is("=SUM(A1)", 1, "\"'=SUM(A1)\"");
    cell_is("=SUM(A1)", 0, "=SUM(A1)");
    cell_is("-5", 0, "-5");
    cell_is("-5", 1, "\"'-5\"");
    cell_is("@x", 1, "\"'@x\"");
    cell_is("+1", 1, "\"'+1\"");
    cell_is("\tx", 1, "\"'\tx\"");
    cell_is("\rx", 1, "\"'\rx\"");
    cell_is("a=b", 1, "a=b");
    cell_is("'=x", 1, "'=x"); /* read back as "=x": the guard's convention */
    cell_is("'x", 1, "'x");
    cell_is("'", 1, "'");
    cell_is("\xEF\xBB\xBFx", 0, "\"\xEF\xBB\xBFx\"");
    assert_string_equal(csv_unguard("'=x"), "=x");
    assert_string_equal(csv_unguard("'\rx"), "\rx");
    assert_string_equal(csv_unguard("'x"), "'x");
    assert_string_equal(csv_unguard("'"), "'");
    assert_string_equal(csv_unguard("=x"), "=x");
    assert_string_equal(csv_unguard(""), "");
}

static const char *const awkward[] = {
    "plain",
    "",
    "say \"hi\"",
    "\"",
    "\"\"",
    "a,b",
    "a;b",
    "a\tb",
    "line\nbreak",
    "crlf\r\n",
    "\rcr first",
    "=SUM(A1)",
    "+1",
    "-2",
    "@who",
    "\ttab",
    "'a=b",
    "'quoted",
    "'",
    "''=two",
    " spaced ",
    "caf\xc3\xa9",
    "\xEF\xBB\xBF\x62om", /* "bom" behind a byte-order mark */
    ",;\t\"\r\n",
    "trailing\"",
    "=",
    "\n",
};
enum { NAWKWARD = sizeof awkward / sizeof *awkward };

/* Rows of the awkward cells, written with csv_cell (as text or not) and
 * each delimiter, read back the same, after csv_unguard for text. */
static void awkward_cells_round_trip(void **state)
{
    (void)state;
    static const int delims[] = { ',', ';', '\t' };
    for (int text = 0; text < 2; text++)
        for (int di = 0; di < 3; di++) {
            int d = delims[di];
            buf in;
            buf_init(&in);
            for (int row = 0; row < NAWKWARD; row++) {
                for (int k = 0; k < NAWKWARD; k++) {
                    if (k)
                        buf_putc(&in, (char)d);
                    csv_cell(&in, awkward[(row + k) % NAWKWARD], text);
                }
                buf_puts(&in, row % 2 ? "\r\n" : "\n");
            }
            buf_puts(&in, "\"\"\r\n"); /* a row of one empty cell */
            FILE *f = file_of(in.data, in.len);
            csv_reader *r = csv_open_file(f, d);
            const char *const *cells;
            int n;
            isms_err e = { 0 };
            for (int row = 0; row < NAWKWARD; row++) {
                if (csv_row(r, &cells, &n, &e))
                    fail_msg("%s: %s", e.field, e.msg);
                assert_int_equal(n, NAWKWARD);
                for (int k = 0; k < n; k++) {
                    const char *got = text ? csv_unguard(cells[k]) : cells[k];
                    assert_string_equal(got, awkward[(row + k) % NAWKWARD]);
                }
            }
            assert_int_equal(csv_row(r, &cells, &n, &e), 0);
            assert_int_equal(n, 1);
            assert_string_equal(cells[0], "");
            assert_int_equal(csv_row(r, &cells, &n, &e), 0);
            assert_null(cells);
            csv_close(r);
            fclose(f);
            /* and the delimiter is found again when not given */
            r = csv_open_mem(in.data, in.len, 0);
            assert_int_equal(csv_delimiter(r), d);
            csv_close(r);
            buf_reset(&in);
        }
}

TU_MAIN(NULL, NULL, cmocka_unit_test(plain_rows), cmocka_unit_test(quoted_cells),
        cmocka_unit_test(line_ends), cmocka_unit_test(byte_order_mark),
        cmocka_unit_test(delimiter_detection), cmocka_unit_test(last_line_and_blank_lines),
        cmocka_unit_test(delimiters_only), cmocka_unit_test(quotes_out_of_place),
        cmocka_unit_test(nul_bytes), cmocka_unit_test(not_utf8), cmocka_unit_test(too_large),
        cmocka_unit_test(read_errors), cmocka_unit_test(cells_straddle_reads),
        cmocka_unit_test(long_first_line_of_a_file), cmocka_unit_test(many_rows_from_a_file),
        cmocka_unit_test(cells_written), cmocka_unit_test(awkward_cells_round_trip))
