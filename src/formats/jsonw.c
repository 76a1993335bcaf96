#include "formats/jsonw.h"
#include "formats/json.h"
#include "core/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { JW_DEPTH = 32 };

struct jw {
    json_t *root;
    json_t *stack[JW_DEPTH];
    int depth;
};

jw *jw_new(void) { return xcalloc(1, sizeof(jw)); }

void jw_free(jw *w)
{
    if (!w)
        return;
    json_decref(w->root);
    free(w);
}

/* Attaches v (a new reference, consumed) to the open container. */
static void put(jw *w, const char *name, json_t *v)
{
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

static void open_container(jw *w, const char *name, json_t *c)
{
    if (w->depth == JW_DEPTH)
        xdie("jsonw: nested too deep");
    put(w, name, json_incref(c));
    w->stack[w->depth++] = c;
    json_decref(c); /* the parent (or root) holds it now */
}

void jw_object(jw *w, const char *name) { open_container(w, name, json_object()); }
void jw_array(jw *w, const char *name) { open_container(w, name, json_array()); }

void jw_end(jw *w)
{
    if (w->depth)
        w->depth--;
}

void jw_str(jw *w, const char *name, const char *s)
{
    put(w, name, s ? json_string(s) : json_null());
}
void jw_int(jw *w, const char *name, int64_t v) { put(w, name, json_integer(v)); }
void jw_bool(jw *w, const char *name, int v) { put(w, name, json_boolean(v)); }
void jw_null(jw *w, const char *name) { put(w, name, json_null()); }

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
    char *s = json_dumps(w->root, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
    if (!s)
        xdie("jsonw: cannot serialise");
    return s;
}
