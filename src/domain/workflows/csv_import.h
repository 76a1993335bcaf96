/* csv_import.h: records of a register added and changed from a CSV file
 * (`isms risk import risks.csv`): the spreadsheets an ISMS is moved off,
 * and a list exported, edited in a spreadsheet and brought back.
 *
 * The first row names the columns: `key`, and fields of the register by
 * their names (`residual_likelihood`) or their flags
 * (`residual-likelihood`), in any case. Each following row is one record:
 *
 * - a row with a key changes that record: each column's cell is its new
 *   value, an empty cell clears the field, a set's cell ("OBJ-1, OBJ-2")
 *   is the whole set; a row that changes nothing writes nothing;
 * - a row without a key (no key column, or its cell empty) adds a record:
 *   an empty cell is a field not given (its default).
 *
 * Every row is checked as the same record typed on the command line or in
 * a form would be, as the principal (who must be allowed to add and
 * change records of the register). The whole file is one transaction: if
 * any row is refused, or the import is interrupted, nothing is written,
 * and every refused row is reported (up to max_errors) with its line, so
 * that one pass over the file finds them all. Each record written has its
 * own ledger entry, carrying the request's note.
 *
 * Columns of fields only isms's workflows set (a state, an approval) are
 * what a list's CSV export holds beside the others: they are read past,
 * and named in the result. A column that names no field is refused before
 * any row is read. */
#ifndef ISMS_DOMAIN_CSV_IMPORT_H
#define ISMS_DOMAIN_CSV_IMPORT_H

#include "domain/engine/dom.h"
#include "formats/csv.h"

#include <signal.h>
#include <stdint.h>

enum { DOM_IMPORT_ADDED, DOM_IMPORT_UPDATED, DOM_IMPORT_UNCHANGED };

typedef struct dom_import_opts {
    int dry_run;    /* check every row and write nothing */
    int max_errors; /* stop after this many refused rows (0: 50) */
    /* Called for each refused row: its first line, and why (the error names
     * the field). NULL: none. */
    void (*refused)(void *ctx, long line, const isms_err *why);
    void *refused_ctx;
    /* Called for each row taken: its first line, the record's key, and
     * what the row did to it (DOM_IMPORT_ADDED, _UPDATED, _UNCHANGED);
     * called once the row's memory is freed (dom_arena is the request's
     * again); key is the caller's only for the call. NULL: none. */
    void (*taken)(void *ctx, long line, const char *key, int outcome);
    void *taken_ctx;
    /* Progress in bytes of the input read (of total, 0 when unknown). */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    uint64_t total;
    const volatile sig_atomic_t *cancel; /* set: stop, write nothing (E_INTERRUPTED) */
} dom_import_opts;

typedef struct dom_import_result {
    long rows; /* rows read after the header */
    long added, updated, unchanged, refused;
    const char *ignored; /* columns read past ("status, approved_by"), or NULL; in the arena */
    int warnings;        /* dom_warnings() of the rows (a review date in the past) */
} dom_import_result;

/* Imports the rows of `in` into register reg. 0: every row was taken and
 * (unless dry_run) committed. E_INVALID when rows were refused (the
 * message counts them and names the first) or the header is wrong;
 * nothing is written then, and *out still counts what was read. */
int dom_import_csv(dom *d, const regdef *reg, csv_reader *in, const dom_import_opts *o,
                   dom_import_result *out, isms_err *e);

/* The other way: records as CSV rows in the form dom_import_csv reads
 * back. The header row: "key" and the names of fields cols[0..n) (cols
 * NULL: every field of reg, n ignored); a record's row: its key and those
 * fields' values as dom_value_text writes them, a text that a spreadsheet
 * would run as a formula guarded (csv_cell). Neither writes a line end. */
void dom_csv_header(buf *b, const regdef *reg, const int *cols, int n);
void dom_csv_row(dom *d, buf *b, const record *r, const int *cols, int n);

#endif
