/* json.h: records as JSON, through jansson.
 *
 * Two forms of one record:
 *  - the display form (record_json): fields in the register's order, for
 *    --json output, exports and the API;
 *  - the canonical form (record_canonical): keys sorted, no insignificant
 *    whitespace, and empty fields (null, empty sets) left out: the bytes
 *    the ledger hashes. Leaving empties out means a field added by a later
 *    schema changes no existing record's bytes until it is set.
 * References and links are written as keys (PER-3, RISK-12), money as
 * integer minor units, booleans as true/false. Only io/ and the front ends
 * use jansson; the domain layer sees strings. */
#ifndef ISMS_IO_JSON_H
#define ISMS_IO_JSON_H

#include "core/buf.h"
#include "core/record.h"

#include <jansson.h>

/* New reference. */
json_t *record_json(const record *r);
/* Appends the bytes js_append(b, record_json(r)) appends, written
 * directly, without a tree of jansson values (a page of records in the
 * API: most of its cost was the tree). */
void record_json_append(buf *b, const record *r);
/* One value of field f as record_json writes it (new reference). */
json_t *field_json(const fielddef *f, const value *v);
/* malloc'd canonical bytes. */
char *record_canonical(const record *r);
/* The same bytes into b (cleared first, its memory kept): one buffer for
 * a million records (verify) instead of an allocation and its growth each. */
void record_canonical_buf(const record *r, buf *b);
/* The same bytes through a tree of jansson values: the reference the
 * direct writer above is tested against (and falls back to for text that
 * is not UTF-8). */
char *record_canonical_jansson(const record *r);
/* Canonical bytes of any JSON value (malloc'd). */
/* Jansson's allocations go through xmalloc: out of memory ends the
 * process, as everywhere else, rather than leaving a value out of an object
 * (json_object_set_new drops a NULL silently, and a record's canonical bytes
 * would lose a field). Call once before any JSON is built. */
void js_init(void);
char *js_canonical(const json_t *j);

/* Appends s as a JSON string literal: 0, or E_INVALID (nothing appended)
 * when s is NULL or not UTF-8 text. */
int js_quote(buf *b, const char *s);

/* Reads a record of `reg` from its display or canonical form (an import).
 * References and links come back as keys with id 0, for the caller to
 * resolve; `where` names the place for error messages ("/risks/3"). */
int record_from_json(const json_t *obj, const regdef *reg, record *r, arena *a, const char *where,
                     isms_err *e);

/* Parses text as JSON with jansson's own checks (duplicate keys refused);
 * errors name line and column. New reference in *out. */
int js_parse(const char *text, size_t len, const char *what, json_t **out, isms_err *e);
int js_load_file(const char *path, json_t **out, isms_err *e);

/* Reads a stored document (an analysis's results) for a layer that does
 * not handle JSON: for each object in the array member `array` of the
 * object `text`, the values at `paths` (members, dotted into objects:
 * "verdict.loss") as text: a string as it is, a number or true/false as
 * written, missing or null NULL; fn(values, ctx) each, stopping at its
 * first non-zero return. E_INVALID when text is no JSON object. With array
 * NULL, the document itself is the one row. */
typedef int (*js_row_fn)(const char *const *values, void *ctx);
int js_rows(const char *text, const char *array, const char *const *paths, int npaths, js_row_fn fn,
            void *ctx, isms_err *e);

/* js_parse with the tree's values in a pool of their own (see json.c):
 * no malloc or free per value; js_pool_drop(pool, tree) drops the tree at
 * once, instead of json_decref. Nothing may keep a reference into the tree
 * past the drop. The pool belongs to the calling thread. */
typedef struct js_pool js_pool;
int js_parse_pooled(const char *text, size_t len, const char *what, json_t **out, js_pool **pool,
                    isms_err *e);
/* Drops tree and its pool (NULL pool: json_decref(tree)). */
void js_pool_drop(js_pool *p, json_t *tree);

/* Appends j, compact, to b (one write instead of jansson's many small ones). */
void js_append(buf *b, const json_t *j);

/* Writes j to f (indented when pretty), followed by a newline. */
int js_write(FILE *f, const json_t *j, int pretty);
/* The correlations a saved portfolio run's inputs name ("correlations":
 * [{"a", "b", "rank_correlation"}], as quantify_json.c writes them), each
 * to fn; none when the text is not such a document. */
typedef void (*js_corr_fn)(const char *a, const char *b, double rho, void *ctx);
void js_correlations(const char *inputs, js_corr_fn fn, void *ctx);

/* Names of the top-level members whose values differ between two JSON
 * object texts, comma-separated into `out` ("title, owner"); members named
 * in the comma-separated `ignore` (may be NULL) are left out. */
void js_diff_members(const char *a, const char *b, buf *out, const char *ignore);

#endif
