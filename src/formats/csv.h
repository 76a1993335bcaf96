/* csv.h: CSV (RFC 4180) read a row at a time, and written a cell at a time.
 *
 * The reader is for files people bring from spreadsheets: it takes what
 * spreadsheets write (a UTF-8 byte-order mark, CRLF or LF line ends, the
 * comma, the semicolon of European locales or a tab, cells quoted with
 * doubled quotes and line breaks inside) and refuses anything else with the
 * line and column of the fault. Memory is one row (CSV_MAX_ROW bytes at
 * most) and a read buffer, whatever the file's size.
 *
 *   csv_reader *r = csv_open_file(f, 0);      // 0: detect the delimiter
 *   const char *const *cells; int n;
 *   while (!(rc = csv_row(r, &cells, &n, e)) && cells)
 *       ... cells[0..n-1], valid until the next csv_row
 *   csv_close(r);
 *
 * Errors: E_INVALID (a quote out of place, a quoted cell never closed, a
 * NUL byte, a cell that is not UTF-8) or E_TOO_LARGE (a cell over
 * CSV_MAX_CELL bytes, a row over CSV_MAX_CELLS cells or CSV_MAX_ROW
 * bytes), E_IO when reading fails; e->field is "LINE:COLUMN" (1-based;
 * the column counts bytes), and the message says "line L, column C: ...".
 * After an error the reader is done: csv_row returns the same error. */
#ifndef ISMS_FORMATS_CSV_H
#define ISMS_FORMATS_CSV_H

#include "core/buf.h"
#include "core/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    CSV_MAX_CELL = 1 << 20, /* bytes of one cell */
    CSV_MAX_CELLS = 1024,   /* cells of one row */
    CSV_MAX_ROW = 4 << 20,  /* bytes of one row, its cells together */
};

typedef struct csv_reader csv_reader;

/* A reader of f (not closed by csv_close; read through its descriptor,
 * so nothing may have been read from f before), or of the len bytes at data
 * (not copied: they must outlive the reader). delimiter: ',', ';' or '\t';
 * 0 detects it from the first line: the one of the three that appears
 * most often there outside quotes (',' when none does, or on a tie with
 * it); a file is not read twice, so that line is held until it ends.
 * Any other delimiter is a programming error and ends the process. NULL
 * only when memory runs out (which xalloc.h makes the end of the process
 * too). */
csv_reader *csv_open_file(FILE *f, int delimiter);
csv_reader *csv_open_mem(const char *data, size_t len, int delimiter);
void csv_close(csv_reader *r);

/* The next row: *cells its n cells (NUL-terminated, owned by the reader,
 * valid until the next call). At the end of the input: 0 with *cells
 * NULL and *n 0. A line with nothing on it is skipped (a spreadsheet's
 * trailing blank lines); a line holding only delimiters is a row of empty
 * cells. */
int csv_row(csv_reader *r, const char *const **cells, int *n, isms_err *e);

/* The line the last row read began on (1-based; a quoted cell may run
 * over several lines), the bytes read so far (a progress measure against
 * the file's size), and the delimiter in use. */
long csv_line(const csv_reader *r);
uint64_t csv_offset(const csv_reader *r);
int csv_delimiter(const csv_reader *r);

/* Writes one cell (without a delimiter) to b: quoted when it holds any
 * of the delimiters ',' ';' and tab (so it reads back whichever the file
 * is read with), a quote or a line break, or starts with a byte-order
 * mark (which the reader drops at the start of a file). text: the cell is
 * text, and one that a spreadsheet would run as a formula (starting with
 * = + - @, a tab or CR) is written quoted behind a single quote,
 * "'=SUM(A1)", so that opening an export cannot run it. A row of one
 * empty cell must be written as "" by the caller: an empty line is
 * skipped on reading. */
void csv_cell(buf *b, const char *s, int text);

/* A text cell as it was before csv_cell guarded it: without the single
 * quote before = + - @, a tab or CR; any other cell as it is. A text that
 * itself began with such a quote ("'=x") loses it too, as a spreadsheet
 * takes it for the same guard. */
const char *csv_unguard(const char *cell);

#endif
