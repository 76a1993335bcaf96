/* oscal_doc.c: loading an OSCAL file, telling its model by its root key,
 * and checking its oscal-version; errors and warnings that name the file
 * and the JSON pointer. */
#include "formats/oscal_internal.h"
#include "formats/json.h"
#include "core/buf.h"

#include <stdlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const model_names[OSCAL_NMODELS] = {
    "catalog",
    "profile",
    "component-definition",
    "mapping-collection",
    "system-security-plan",
    "assessment-plan",
    "assessment-results",
    "plan-of-action-and-milestones",
};

/* The OSCAL releases whose JSON isms reads: 1.0.0 to 1.2.2. */
static const char *const known_versions[] = {
    "1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5", "1.0.6", "1.1.0",
    "1.1.1", "1.1.2", "1.1.3", "1.2.0", "1.2.1", "1.2.2", NULL,
};

const char *oscal_model_name(oscal_model m) { return m < OSCAL_NMODELS ? model_names[m] : "?"; }

size_t jptr_push(jptr *p, const char *member)
{
    size_t was = p->len;
    int n = snprintf(p->s + p->len, sizeof p->s - p->len, "/%s", member);
    if (n > 0)
        p->len += (size_t)n < sizeof p->s - p->len ? (size_t)n : sizeof p->s - p->len - 1;
    return was;
}

size_t jptr_index(jptr *p, size_t i)
{
    char n[24];
    snprintf(n, sizeof n, "%zu", i);
    return jptr_push(p, n);
}

void jptr_pop(jptr *p, size_t to)
{
    p->len = to;
    p->s[to] = 0;
}

int oscal_each(const oscal_doc *doc, jptr *at, const json_t *obj, const char *member,
               oscal_each_fn fn, void *ctx)
{
    json_t *list = json_object_get(obj, member);
    if (!list)
        return 0;
    size_t mark = jptr_push(at, member), i;
    if (!json_is_array(list))
        oscal_warn(doc, at->s, "%s is not an array: left out", member);
    json_t *x;
    int rc = 0;
    json_array_foreach(list, i, x)
    {
        size_t back = jptr_index(at, i);
        if (json_is_object(x))
            rc = fn(ctx, x);
        else
            oscal_warn(doc, at->s, "not an object: left out");
        jptr_pop(at, back);
        if (rc)
            break;
    }
    jptr_pop(at, mark);
    return rc;
}

int oscal_fail(isms_err *e, const oscal_doc *doc, int code, const char *ptr, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return err_set(e, code, ptr && *ptr ? ptr : "/", "%s: %s: %s", doc->path,
                   ptr && *ptr ? ptr : "/", what);
}

void oscal_warn(const oscal_doc *doc, const char *ptr, const char *fmt, ...)
{
    oscal_warnings *w = doc->warn;
    if (!w)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *what = arena_vprintf(doc->a, fmt, ap);
    va_end(ap);
    ARENA_GROW(doc->a, w->msgs, (size_t)w->n, w->cap, 8);
    w->msgs[w->n++] = arena_printf(doc->a, "%s: %s: %s", doc->path, ptr && *ptr ? ptr : "/", what);
}

json_t *oscal_body(const oscal_doc *doc)
{
    return json_object_get(doc->tree, model_names[doc->model]);
}

json_t *oscal_open_body(const oscal_doc *doc, oscal_model model, const char **uuid,
                        const char **title, isms_err *e)
{
    if (doc->model != model) {
        oscal_fail(e, doc, E_INVALID, "/", "a %s, not a %s", oscal_model_name(doc->model),
                   oscal_model_name(model));
        return NULL;
    }
    json_t *body = oscal_body(doc);
    *uuid = oscal_str(doc, body, "uuid");
    *title = oscal_str(doc, json_object_get(body, "metadata"), "title");
    return body;
}

const char *oscal_str(const oscal_doc *doc, const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? arena_strdup(doc->a, s) : NULL;
}

const char *oscal_prop(const json_t *obj, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(obj, "props"), i, p)
    {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (n && !strcmp(n, name))
            return json_string_value(json_object_get(p, "value"));
    }
    return NULL;
}

static int find_model(json_t *tree, oscal_doc *doc, isms_err *e)
{
    if (!json_is_object(tree))
        return oscal_fail(e, doc, E_INVALID, "/", "not OSCAL: the document is not a JSON object");
    for (int m = 0; m < OSCAL_NMODELS; m++)
        if (json_is_object(json_object_get(tree, model_names[m]))) {
            doc->model = (oscal_model)m;
            return 0;
        }
    const char *first = json_object_iter(tree) ? json_object_iter_key(json_object_iter(tree)) : "";
    return oscal_fail(e, doc, E_INVALID, "/",
                      "not OSCAL: no catalog, profile, component-definition, mapping-collection, "
                      "system-security-plan, assessment-plan, assessment-results or "
                      "plan-of-action-and-milestones object at the root (found \"%s\")",
                      first);
}

/* 1.1.3 as OSCAL writes it; "v1.1.3" (NIST's CSF 2.0 file) with a warning. */
static int check_version(oscal_doc *doc, isms_err *e)
{
    char ptr[128];
    snprintf(ptr, sizeof ptr, "/%s/metadata/oscal-version", model_names[doc->model]);
    json_t *meta = json_object_get(oscal_body(doc), "metadata");
    const char *v = json_string_value(json_object_get(meta, "oscal-version"));
    if (!v)
        return oscal_fail(e, doc, E_INVALID, ptr, "not OSCAL: no oscal-version");
    const char *bare = v[0] == 'v' ? v + 1 : v;
    size_t n = strlen(bare);
    /* 1.0.0's release candidates (the specification's older examples) */
    if (!strncmp(bare, "1.0.0-rc", 8))
        n = 5;
    for (int i = 0; known_versions[i]; i++)
        if (!strncmp(bare, known_versions[i], n) && !known_versions[i][n]) {
            if (bare != v || bare[n])
                oscal_warn(doc, ptr, "oscal-version \"%s\" read as \"%s\"", v, known_versions[i]);
            doc->version = arena_strdup(doc->a, bare);
            return 0;
        }
    return oscal_fail(e, doc, E_INVALID, ptr,
                      "unknown OSCAL version \"%s\" (isms reads 1.0.0 to 1.2.2)", v);
}

int oscal_adopt(json_t *tree, const char *path, oscal_doc *doc, oscal_warnings *w, arena *a,
                isms_err *e)
{
    *doc = (oscal_doc){ .path = arena_strdup(a, path), .tree = tree, .warn = w, .a = a };
    int rc = find_model(tree, doc, e);
    if (!rc)
        rc = check_version(doc, e);
    if (rc)
        oscal_doc_free(doc);
    return rc;
}

static int adopt_parsed(int rc, json_t *tree, const char *path, oscal_doc *doc, oscal_warnings *w,
                        arena *a, isms_err *e)
{
    if (rc) {
        /* name the file: js_parse's message names the place in it */
        char msg[sizeof e->msg];
        memcpy(msg, e->msg, sizeof msg);
        snprintf(e->msg, sizeof e->msg, "not JSON: %.*s", (int)sizeof e->msg - 16, msg);
        return rc;
    }
    return oscal_adopt(tree, path, doc, w, a, e);
}

int oscal_load_bytes(const char *text, size_t len, const char *path, oscal_doc *doc,
                     oscal_warnings *w, arena *a, isms_err *e)
{
    json_t *tree = NULL;
    int rc = js_parse(text, len, path, &tree, e);
    return adopt_parsed(rc, tree, path, doc, w, a, e);
}

/* The whole file in memory: jansson parses a buffer several times faster
 * than a stream (json_loadf reads a character at a time). */
static int read_all(const char *path, char **text, size_t *len, isms_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, E_IO, path, "cannot open %s: %m", path);
    buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_reset(&b);
        return err_set(e, E_IO, path, "cannot read %s", path);
    }
    *len = b.len;
    *text = buf_detach(&b);
    return 0;
}

static int load(const char *path, int pooled, oscal_doc *doc, oscal_warnings *w, arena *a,
                isms_err *e)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_all(path, &text, &len, e);
    if (rc)
        return rc;
    json_t *tree = NULL;
    js_pool *pool = NULL;
    rc = pooled ? js_parse_pooled(text ? text : "", len, path, &tree, &pool, e)
                : js_parse(text ? text : "", len, path, &tree, e);
    free(text);
    rc = adopt_parsed(rc, tree, path, doc, w, a, e);
    if (!rc)
        doc->pool = pool;
    else if (pool) /* adopt_parsed dropped the tree; the pool has no other */
        js_pool_drop(pool, NULL);
    return rc;
}

int oscal_load(const char *path, oscal_doc *doc, oscal_warnings *w, arena *a, isms_err *e)
{
    return load(path, 0, doc, w, a, e);
}

int oscal_load_pooled(const char *path, oscal_doc *doc, oscal_warnings *w, arena *a, isms_err *e)
{
    return load(path, 1, doc, w, a, e);
}

void oscal_doc_free(oscal_doc *doc)
{
    js_pool_drop(doc->pool, doc->tree);
    doc->tree = NULL;
    doc->pool = NULL;
}
