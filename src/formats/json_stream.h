/* json_stream.h: a JSON document too big to hold, written and read a piece
 * at a time (exports: docs/EXPORT.md).
 *
 * The writer lays out containers itself and has jansson dump each value
 * put into them, so the bytes are exactly what json_dumpf(JSON_INDENT(2))
 * writes for the whole document, while only one value is in memory.
 *
 *   jsw w;  jsw_init(&w, f);
 *   jsw_open(&w, NULL, '{');
 *     jsw_value(&w, "format", v);          // any json_t, borrowed
 *     jsw_open(&w, "ledger", '[');
 *       jsw_value(&w, NULL, entry);  ...
 *     jsw_close(&w);
 *   jsw_close(&w);
 *   if (jsw_finish(&w)) ... E_IO
 *
 * The reader walks the containers it is told to expect and hands every
 * other value, whole, to jansson (JSON_REJECT_DUPLICATES): it knows where a
 * value ends (brackets and strings), never what is in it. Memory is one
 * value (at most JSR_MAX_VALUE bytes) and the read buffer.
 *
 *   jsr r;  jsr_open(&r, path, e);
 *   jsr_enter(&r, '{', e);
 *   for (rc = jsr_member(&r, &name, e); !rc && name; rc = jsr_member(&r, &name, e))
 *       ... jsr_value(&r, &v, e) or jsr_enter(&r, '[', e) and
 *           for (rc = jsr_element(&r, &more, e); !rc && more; rc = jsr_element(...))
 *               jsr_value(...)
 *   jsr_finish(&r, e);                                  // nothing follows
 *   jsr_close(&r);
 *
 * Errors are E_INVALID with the file's line and column, as js_load_file
 * gives them ("FILE: line 3, column 7: ..."). */
#ifndef ISMS_IO_JSON_STREAM_H
#define ISMS_IO_JSON_STREAM_H

#include "core/buf.h"
#include "core/err.h"

#include <jansson.h>
#include <stdio.h>

enum { JS_STREAM_DEPTH = 8 };

typedef struct jsw {
    FILE *f;
    int depth;
    char open[JS_STREAM_DEPTH]; /* '{' or '[' */
    int count[JS_STREAM_DEPTH]; /* values written in each open container */
    int failed;                 /* a write failed */
    char *scratch;              /* one value's bytes */
    size_t cap;
    int precision; /* significant digits of a real: 17 (exact), jsw_init's */
} jsw;

void jsw_init(jsw *w, FILE *f);
/* Opens an object ('{') or array ('[') as member `name` of the open object
 * (NULL in an array or at the top). */
void jsw_open(jsw *w, const char *name, char bracket);
void jsw_close(jsw *w);
/* Writes v (borrowed) as member `name` (NULL in an array or at the top). */
void jsw_value(jsw *w, const char *name, const json_t *v);
/* The final newline; frees the writer. E_IO if any write failed. */
int jsw_finish(jsw *w);

/* A single value larger than this is refused: no record or ledger entry
 * comes near it, and memory stays bounded whatever the input. */
#define JSR_MAX_VALUE (64u << 20)

typedef struct jsr {
    FILE *f;
    const char *what; /* the file, for messages */
    char in[1 << 16];
    size_t pos, len;
    int eof;
    long line, col; /* of the next byte */
    int depth;
    char open[JS_STREAM_DEPTH]; /* '{' or '[' */
    int count[JS_STREAM_DEPTH]; /* members or elements seen so far */
    buf value;                  /* the bytes of the value being read */
    char *name;                 /* the last member name (malloc'd) */
} jsr;

int jsr_open(jsr *r, const char *path, isms_err *e);
void jsr_close(jsr *r);
/* Expects an object or array to start here ('{' or '[') and enters it. */
int jsr_enter(jsr *r, char bracket, isms_err *e);
/* In an object: the next member's name in *name (valid until the next
 * call), or NULL once the object ends (it is left). */
int jsr_member(jsr *r, const char **name, isms_err *e);
/* In an array: *more = 1 when an element follows, 0 once the array ends
 * (it is left). */
int jsr_element(jsr *r, int *more, isms_err *e);
/* The next value, whole: a new reference in *out. */
int jsr_value(jsr *r, json_t **out, isms_err *e);
/* Only white space may follow the document. */
int jsr_finish(jsr *r, isms_err *e);

#endif
