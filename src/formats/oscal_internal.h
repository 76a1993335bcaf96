/* oscal_internal.h: what the OSCAL readers share (jansson inside). */
#ifndef ISMS_FORMATS_OSCAL_INTERNAL_H
#define ISMS_FORMATS_OSCAL_INTERNAL_H

#include "formats/oscal.h"

#include <jansson.h>

/* A JSON pointer being built while walking (RFC 6901). */
typedef struct jptr {
    char s[512];
    size_t len;
} jptr;

size_t jptr_push(jptr *p, const char *member); /* returns the length to pop back to */
size_t jptr_index(jptr *p, size_t i);
void jptr_pop(jptr *p, size_t to);

/* Calls fn on each object of the array obj[member], the pointer at naming
 * it; a member that is not an array, or an element that is not an object,
 * is left out with a warning. Stops at fn's first error. */
typedef int (*oscal_each_fn)(void *ctx, json_t *x);
int oscal_each(const oscal_doc *doc, jptr *at, const json_t *obj, const char *member,
               oscal_each_fn fn, void *ctx);

/* Errors and warnings name the file and the pointer. */
int oscal_fail(isms_err *e, const oscal_doc *doc, int code, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void oscal_warn(const oscal_doc *doc, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

json_t *oscal_body(const oscal_doc *doc); /* the model's object */
/* The model's object of a document that must be a `model`, with its uuid
 * and metadata title; NULL, e set, when it is another model. */
json_t *oscal_open_body(const oscal_doc *doc, oscal_model model, const char **uuid,
                        const char **title, isms_err *e);
/* A string member, copied into the document's arena, or NULL. */
const char *oscal_str(const oscal_doc *doc, const json_t *obj, const char *key);
/* The value of prop `name` (any namespace), or NULL. */
const char *oscal_prop(const json_t *obj, const char *name);
/* Adopts tree (a new reference) as a document of its root key's model:
 * checks the model and the version. */
int oscal_adopt(json_t *tree, const char *path, oscal_doc *doc, oscal_warnings *w, arena *a,
                isms_err *e);

#endif
