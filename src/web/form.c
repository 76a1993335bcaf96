/* form.c: an HTML form's body (application/x-www-form-urlencoded or
 * multipart/form-data), parsed by libmicrohttpd's post processor, never
 * by hand. The fields land in the request's arena, in order; a value the
 * processor hands over in pieces is joined. A file chosen in a form (the
 * CSV of an import) is the text of its field, like any other value. */
#include "web/web_internal.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

enum { FORM_MAX = 512, PP_BUFFER = 4096 };

typedef struct form_ctx {
    web_req *r;
    int over;
    const char *nul; /* a field whose value holds a NUL byte (%00): refused */
    buf value;       /* the value being handed over, in pieces */
    char *key;       /* its field's name (heap), NULL before the first */
} form_ctx;

/* The value gathered so far becomes a field of the request. */
static void flush(form_ctx *c)
{
    web_req *r = c->r;
    if (!c->key)
        return;
    if (r->nform == FORM_MAX) {
        c->over = 1;
    } else {
        arena *a = dom_arena(r->d);
        if (!r->form_names) {
            r->form_names = arena_alloc(a, FORM_MAX * sizeof *r->form_names);
            r->form_values = arena_alloc(a, FORM_MAX * sizeof *r->form_values);
        }
        r->form_names[r->nform] = arena_strdup(a, c->key);
        r->form_values[r->nform++] =
            arena_strndup(a, c->value.data ? c->value.data : "", c->value.len);
    }
    free(c->key);
    c->key = NULL;
    buf_clear(&c->value);
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    form_ctx *c = cls;
    if (size && memchr(data, 0, size) && !c->nul) /* text would end there, short of what came */
        c->nul = arena_strdup(dom_arena(c->r->d), key);
    if (!off || !c->key || strcmp(c->key, key)) { /* a new field */
        flush(c);
        c->key = xstrdup(key);
    }
    if (size)
        buf_append(&c->value, data, size);
    return MHD_YES;
}

/* A textarea's line breaks come as CR LF (HTML says so): LF, as isms
 * keeps them. */
static void unix_newlines(char *s)
{
    char *to = s;
    for (const char *p = s; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n'))
            *to++ = *p;
    *to = 0;
}

int web_form_parse(web_req *r, isms_err *e)
{
    r->nform = 0;
    if (!r->body.len)
        return 0; /* a form with no fields (a button alone) */
    form_ctx c = { .r = r };
    buf_init(&c.value);
    struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, PP_BUFFER, on_field, &c);
    if (!pp)
        return err_set(e, E_USAGE, "body",
                       "body: expected a form (application/x-www-form-urlencoded)");
    enum MHD_Result ok = MHD_post_process(pp, r->body.data, r->body.len);
    MHD_destroy_post_processor(pp); /* hands over the last value */
    flush(&c);
    buf_reset(&c.value);
    if (ok != MHD_YES)
        return err_set(e, E_USAGE, "body", "body: a malformed form");
    if (c.over)
        return err_set(e, E_USAGE, "body", "body: more than %d form fields", FORM_MAX);
    if (c.nul)
        return err_set(e, E_INVALID, c.nul, "%s: holds a NUL byte (%%00), which no text may",
                       c.nul);
    for (int i = 0; i < r->nform; i++)
        unix_newlines((char *)r->form_values[i]); /* (made in add_field, writable) */
    return 0;
}

const char *web_form_get(const web_req *r, const char *name)
{
    for (int i = 0; i < r->nform; i++)
        if (!strcmp(r->form_names[i], name))
            return r->form_values[i];
    return NULL;
}
