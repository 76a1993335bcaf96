/* fuzz_csv: the CSV reader (formats/csv.h), with the delimiter detected
 * and given. Beyond not crashing: no cell is over CSV_MAX_CELL, no row
 * over CSV_MAX_CELLS; the rows read, written back with csv_cell joined by
 * the reader's delimiter and CRLF, read again with that delimiter, are
 * the same rows; and written as text (guarded against formulas), the
 * same after csv_unguard, except a text that began with the guard's own
 * quote (which loses it, as it would in a spreadsheet). */
#include "formats/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does csv_unguard take a quote off the cell that csv_cell did not put
 * there? */
static int ambiguous(const char *cell)
{
    return cell[0] == '\'' && cell[1] && strchr("=+-@\t\r", cell[1]);
}

/* A row as the bytes its cells are: each cell's length, then the cell. */
static void record_row(buf *rows, const char *const *cells, int n, int unguard)
{
    buf_printf(rows, "%d:", n);
    for (int k = 0; k < n; k++) {
        const char *c = unguard ? csv_unguard(cells[k]) : cells[k];
        buf_printf(rows, "%zu:", strlen(c));
        buf_puts(rows, c);
    }
}

/* Writes the rows of r to out (text: csv_cell's guard on) and records
 * them; returns whether a row had a cell csv_unguard cannot give back. */
static int read_and_write(csv_reader *r, buf *out, buf *rows, int text, uint64_t size)
{
    const char *const *cells;
    int n, skip = 0;
    long line = 0;
    while (!csv_row(r, &cells, &n, NULL) && cells) {
        if (n < 1 || n > CSV_MAX_CELLS || csv_line(r) < line || csv_offset(r) > size)
            abort();
        line = csv_line(r);
        for (int k = 0; k < n; k++) {
            if (strlen(cells[k]) > CSV_MAX_CELL)
                abort();
            if (k)
                buf_putc(out, (char)csv_delimiter(r));
            skip |= text && ambiguous(cells[k]);
            csv_cell(out, cells[k], text);
        }
        if (n == 1 && !cells[0][0])
            buf_puts(out, "\"\""); /* an empty line would be skipped */
        buf_puts(out, "\r\n");
        record_row(rows, cells, n, 0);
    }
    return skip;
}

static void round_trip(const uint8_t *data, size_t size, int delimiter, int text)
{
    /* The guard's quote could take a cell of CSV_MAX_CELL over it. */
    if (text && size >= CSV_MAX_CELL)
        return;
    csv_reader *r = csv_open_mem((const char *)data, size, delimiter);
    int d = csv_delimiter(r);
    if (d != ',' && d != ';' && d != '\t')
        abort();
    if (delimiter && d != delimiter)
        abort();
    buf out, first, again;
    buf_init(&out);
    buf_init(&first);
    buf_init(&again);
    int skip = read_and_write(r, &out, &first, text, size);
    csv_close(r);

    r = csv_open_mem(out.data, out.len, d);
    const char *const *cells;
    int n, rc;
    isms_err e = { 0 };
    while (!(rc = csv_row(r, &cells, &n, &e)) && cells)
        record_row(&again, cells, n, text);
    if (rc || csv_offset(r) != out.len)
        abort();
    csv_close(r);
    if (!skip &&
        (first.len != again.len || (first.len && memcmp(first.data, again.data, first.len))))
        abort();
    buf_reset(&out);
    buf_reset(&first);
    buf_reset(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    round_trip(data, size, 0, 0);
    round_trip(data, size, ',', 0);
    round_trip(data, size, 0, 1);
    return 0;
}
