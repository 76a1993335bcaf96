/* jsonw.h: building a JSON document without seeing jansson.
 *
 * For the layers that must not depend on jansson's types (the domain): a
 * writer with a stack of open objects and arrays. Inside an object every
 * value has a name; inside an array names are ignored (pass NULL).
 *
 *   jw *w = jw_new();
 *   jw_object(w, NULL);
 *     jw_str(w, "key", "RISK-1");
 *     jw_array(w, "p");  jw_num(w, NULL, 0.5);  jw_end(w);
 *   jw_end(w);
 *   char *text = jw_text(w, 1);   // malloc'd; the caller frees
 *   jw_free(w);
 *
 * Non-finite numbers are written as null (JSON has no infinity).
 *
 * A streaming writer (jw_stream) writes the same calls to a file as they
 * come, laid out as jw_text(w, 1) would be: the containers outside arrays
 * are written as they open and close, and each element of an array is
 * built whole and written when it ends, so memory is one element (one
 * control of a catalog, one requirement of a plan), never the document. */
#ifndef ISMS_IO_JSONW_H
#define ISMS_IO_JSONW_H

#include <stdint.h>

typedef struct jw jw;

#include <stdio.h>

jw *jw_new(void);
/* Streams the document to f; jw_stream_end says whether every write
 * succeeded (0, or E_IO) and frees the writer. */
jw *jw_stream(FILE *f);
int jw_stream_end(jw *w);
void jw_free(jw *w);

void jw_object(jw *w, const char *name);
void jw_array(jw *w, const char *name);
void jw_end(jw *w);

void jw_str(jw *w, const char *name, const char *s); /* NULL writes null */
void jw_int(jw *w, const char *name, int64_t v);
void jw_num(jw *w, const char *name, double v);
void jw_bool(jw *w, const char *name, int v);
void jw_null(jw *w, const char *name);
/* Each member of the JSON object `object` (text, as kept by an import;
 * with `member`, of its object of that name) as a member of the open
 * object, but those named in skip (NULL-terminated, may be NULL). Returns
 * how many it wrote; what is not an object writes none. */
int jw_members(jw *w, const char *object, const char *member, const char *const *skip);

/* The document (the first value opened), pretty or compact with sorted
 * keys (canonical); malloc'd. NULL if nothing was written. */
char *jw_text(jw *w, int pretty);

#endif
