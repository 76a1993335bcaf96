#include "formats/jsonw.h"
#include "formats/json.h"
#include "formats/json_stream.h"
#include "core/err.h"
#include "core/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { JW_DEPTH = 32 };
/* Significant digits of a real in the pretty text, written whole or
 * streamed: a figure to twelve digits, not the last bit of a double. */
enum { JW_PRECISION = 12 };

/* A streaming writer (s set) writes the containers open in the file
 * through s, and builds below them (depth > 0) one value whole: root,
 * member `name` of the open streamed object, or an element when name is
 * NULL. */
struct jw {
    json_t *root;
    json_t *stack[JW_DEPTH];
    int depth;
    jsw *s;
    char *name;
};

jw *jw_new(void) { return xcalloc(1, sizeof(jw)); }

jw *jw_stream(FILE *f)
{
    jw *w = jw_new();
    w->s = xcalloc(1, sizeof *w->s);
    jsw_init(w->s, f);
    w->s->precision = JW_PRECISION; /* jw_text's */
    return w;
}

void jw_free(jw *w)
{
    if (!w)
        return;
    json_decref(w->root);
    if (w->s)
        jsw_finish(w->s);
    free(w->s);
    free(w->name);
    free(w);
}

int jw_stream_end(jw *w)
{
    int rc = jsw_finish(w->s) ? E_IO : 0;
    free(w->s);
    w->s = NULL;
    jw_free(w);
    return rc;
}

/* In a stream, outside any value being built: is the open streamed
 * container an array (whose elements are built whole)? */
static int in_stream_array(const jw *w)
{
    return w->s->depth && w->s->open[w->s->depth - 1] == '[';
}

/* Writes the value built (root) to the stream and lets it go. */
static void stream_out(jw *w)
{
    jsw_value(w->s, w->name, w->root);
    json_decref(w->root);
    w->root = NULL;
    free(w->name);
    w->name = NULL;
}

/* Attaches v (a new reference, consumed) to the open container. */
static void put(jw *w, const char *name, json_t *v)
{
    if (!w->depth && w->s) {
        jsw_value(w->s, in_stream_array(w) ? NULL : name, v);
        json_decref(v);
        return;
    }
    if (!w->depth) {
        if (!w->root)
            w->root = json_incref(v);
        json_decref(v);
        return;
    }
    json_t *top = w->stack[w->depth - 1];
    if (json_is_array(top))
        json_array_append_new(top, v);
    else
        json_object_set_new(top, name ? name : "", v);
}

/* In a stream, a container outside arrays is written as it opens; one in
 * an array (or past the stream's depth) is built whole. */
static int stream_open(jw *w, const char *name, json_t *c)
{
    if (!w->s || w->depth)
        return 0;
    if (!in_stream_array(w) && w->s->depth < JS_STREAM_DEPTH - 1) {
        jsw_open(w->s, name, json_is_array(c) ? '[' : '{');
        json_decref(c);
        return 1;
    }
    w->root = json_incref(c);
    w->name = name && !in_stream_array(w) ? xstrdup(name) : NULL;
    w->stack[w->depth++] = c;
    json_decref(c);
    return 1;
}

static void open_container(jw *w, const char *name, json_t *c)
{
    if (w->depth == JW_DEPTH)
        xdie("jsonw: nested too deep");
    if (stream_open(w, name, c))
        return;
    put(w, name, json_incref(c));
    w->stack[w->depth++] = c;
    json_decref(c); /* the parent (or root) holds it now */
}

void jw_object(jw *w, const char *name) { open_container(w, name, json_object()); }
void jw_array(jw *w, const char *name) { open_container(w, name, json_array()); }

void jw_end(jw *w)
{
    if (w->depth) {
        w->depth--;
        if (!w->depth && w->s)
            stream_out(w);
    } else if (w->s) {
        jsw_close(w->s);
    }
}

void jw_str(jw *w, const char *name, const char *s)
{
    put(w, name, s ? json_string(s) : json_null());
}
void jw_int(jw *w, const char *name, int64_t v) { put(w, name, json_integer(v)); }
void jw_bool(jw *w, const char *name, int v) { put(w, name, json_boolean(v)); }
void jw_null(jw *w, const char *name) { put(w, name, json_null()); }

int jw_members(jw *w, const char *object, const char *member, const char *const *skip)
{
    json_t *doc = object ? json_loads(object, 0, NULL) : NULL;
    json_t *o = member ? json_object_get(doc, member) : doc;
    const char *k;
    json_t *v;
    int n = 0;
    json_object_foreach(o, k, v)
    {
        int skipped = 0;
        for (int i = 0; skip && skip[i] && !skipped; i++)
            skipped = !strcmp(skip[i], k);
        if (skipped)
            continue;
        put(w, k, json_incref(v));
        n++;
    }
    json_decref(doc);
    return n;
}

void jw_num(jw *w, const char *name, double v)
{
    put(w, name, isfinite(v) ? json_real(v) : json_null());
}

char *jw_text(jw *w, int pretty)
{
    if (!w->root)
        return NULL;
    if (!pretty)
        return js_canonical(w->root);
    char *s = json_dumps(w->root, JSON_INDENT(2) | JSON_REAL_PRECISION(JW_PRECISION));
    if (!s)
        xdie("jsonw: cannot serialise");
    return s;
}
