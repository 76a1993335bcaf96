#include "formats/json.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>

json_t *field_json(const fielddef *f, const value *v)
{
    if (f->type == FT_LINKS || f->type == FT_ENUMSET) {
        json_t *arr = json_array();
        for (int k = 0; k < v->n; k++)
            json_array_append_new(arr, json_string(v->keys[k]));
        return arr;
    }
    if (v->null)
        return json_null();
    switch (f->type) {
    case FT_INT:
    case FT_MONEY: return json_integer(v->i);
    case FT_BOOL: return json_boolean(v->i);
    default: return json_string(v->s ? v->s : "");
    }
}

static json_t *opt_string(const char *s) { return s ? json_string(s) : json_null(); }

json_t *record_json(const record *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(r->key ? r->key : ""));
    for (int i = 0; i < r->reg->nfields; i++)
        json_object_set_new(o, r->reg->fields[i].name, field_json(&r->reg->fields[i], &r->v[i]));
    json_object_set_new(o, "version", json_integer(r->version));
    json_object_set_new(o, "created_at", opt_string(r->created_at));
    json_object_set_new(o, "updated_at", opt_string(r->updated_at));
    json_object_set_new(o, "retired_at", opt_string(r->retired_at));
    return o;
}

void js_init(void) { json_set_alloc_funcs(xmalloc, free); }

char *js_canonical(const json_t *j)
{
    char *s =
        json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    if (!s)
        xdie("json_dumps failed");
    /* jansson allocates with malloc by default: the caller frees with free(). */
    return s;
}

char *record_canonical(const record *r)
{
    json_t *o = record_json(r);
    const char *name;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(o, tmp, name, v)
    {
        if (json_is_null(v) || (json_is_array(v) && !json_array_size(v)))
            json_object_del(o, name);
    }
    char *s = js_canonical(o);
    json_decref(o);
    return s;
}

int js_quote(buf *b, const char *s)
{
    /* The bytes may come from a database someone edited: NULL and text
     * that is not UTF-8 are refused here, never passed on to jansson. */
    if (!s || !utf8_valid(s, strlen(s)))
        return E_INVALID;
    json_t *j = json_string(s);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    json_decref(j);
    if (!q)
        return E_INVALID;
    buf_puts(b, q);
    free(q);
    return 0;
}

static int bad_type(const char *where, const char *name, const char *want, isms_err *e)
{
    return err_set(e, E_INVALID, name, "%s/%s: expected %s", where, name, want);
}

static int links_from_json(const json_t *j, const fielddef *f, value *v, arena *a,
                           const char *where, isms_err *e)
{
    v->null = 0;
    if (!j || json_is_null(j)) { /* the canonical form leaves empty sets out */
        v->n = 0;
        return 0;
    }
    if (!json_is_array(j))
        return bad_type(where, f->name, "an array of keys", e);
    v->n = (int)json_array_size(j);
    v->keys = arena_alloc(a, sizeof(char *) * (size_t)(v->n ? v->n : 1));
    v->ids = arena_alloc(a, sizeof(int64_t) * (size_t)(v->n ? v->n : 1));
    for (int k = 0; k < v->n; k++) {
        const json_t *m = json_array_get(j, (size_t)k);
        if (!json_is_string(m))
            return bad_type(where, f->name, "an array of strings", e);
        v->keys[k] = arena_strdup(a, json_string_value(m));
    }
    v->null = 0;
    return 0;
}

static int field_from_json(const json_t *j, const fielddef *f, value *v, arena *a,
                           const char *where, isms_err *e)
{
    v->given = 1;
    if (f->type == FT_LINKS || f->type == FT_ENUMSET)
        return links_from_json(j, f, v, a, where, e);
    if (!j || json_is_null(j)) {
        v->null = 1;
        return 0;
    }
    v->null = 0;
    switch (f->type) {
    case FT_INT:
    case FT_MONEY:
        if (!json_is_integer(j))
            return bad_type(where, f->name, "an integer", e);
        v->i = json_integer_value(j);
        return 0;
    case FT_BOOL:
        if (!json_is_boolean(j))
            return bad_type(where, f->name, "true or false", e);
        v->i = json_is_true(j);
        return 0;
    default:
        if (!json_is_string(j))
            return bad_type(where, f->name, "a string", e);
        v->s = arena_strdup(a, json_string_value(j));
        return 0;
    }
}

static const char *opt_text(const json_t *o, const char *name, arena *a)
{
    const json_t *j = json_object_get(o, name);
    return json_is_string(j) ? arena_strdup(a, json_string_value(j)) : NULL;
}

int record_from_json(const json_t *obj, const regdef *reg, record *r, arena *a, const char *where,
                     isms_err *e)
{
    if (!json_is_object(obj))
        return err_set(e, E_INVALID, where, "%s: expected an object", where);
    record_init(r, reg, a);
    r->key = opt_text(obj, "key", a);
    if (!r->key)
        return err_set(e, E_INVALID, where, "%s/key: missing", where);
    const json_t *ver = json_object_get(obj, "version");
    r->version = json_is_integer(ver) ? json_integer_value(ver) : 1;
    r->created_at = opt_text(obj, "created_at", a);
    r->updated_at = opt_text(obj, "updated_at", a);
    r->retired_at = opt_text(obj, "retired_at", a);
    const char *name;
    json_t *j;
    json_object_foreach((json_t *)obj, name, j)
    {
        if (!strcmp(name, "key") || !strcmp(name, "version") || !strcmp(name, "created_at") ||
            !strcmp(name, "updated_at") || !strcmp(name, "retired_at"))
            continue;
        int k = regdef_field(reg, name);
        if (k < 0 || strcmp(reg->fields[k].name, name))
            return err_set(e, E_INVALID, name, "%s/%s: %s has no such field", where, name,
                           reg->name);
    }
    for (int i = 0; i < reg->nfields; i++) {
        int rc = field_from_json(json_object_get(obj, reg->fields[i].name), &reg->fields[i],
                                 &r->v[i], a, where, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* jansson's error, as ours: the place is "line:column". */
static int parse_error(const json_error_t *je, const char *what, isms_err *e)
{
    char where[64];
    snprintf(where, sizeof where, "%d:%d", je->line, je->column);
    return err_set(e, E_INVALID, where, "%s: line %d, column %d: %s", what, je->line, je->column,
                   je->text);
}

int js_parse(const char *text, size_t len, const char *what, json_t **out, isms_err *e)
{
    json_error_t je;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    return *out ? 0 : parse_error(&je, what, e);
}

int js_load_file(const char *path, json_t **out, isms_err *e)
{
    json_error_t je;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, E_IO, path, "cannot open %s: %m", path);
    *out = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    return *out ? 0 : parse_error(&je, path, e);
}

void js_append(buf *b, const json_t *j)
{
    char stack[4096];
    size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17);
    size_t n = json_dumpb(j, stack, sizeof stack, flags);
    if (n <= sizeof stack) {
        buf_append(b, stack, n);
        return;
    }
    char *big = xmalloc(n);
    json_dumpb(j, big, n, flags);
    buf_append(b, big, n);
    free(big);
}

int js_write(FILE *f, const json_t *j, int pretty)
{
    size_t flags =
        JSON_ENCODE_ANY | JSON_REAL_PRECISION(17) | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    if (json_dumpf(j, f, flags) != 0)
        return E_IO;
    return fputc('\n', f) == EOF ? E_IO : 0;
}

static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, name, n))
            return 1;
        p = comma ? comma + 1 : p + len;
    }
    return 0;
}

static void diff_side(json_t *x, json_t *y, buf *out, int only_missing, const char *ignore)
{
    const char *name;
    json_t *v;
    json_object_foreach(x, name, v)
    {
        json_t *w = json_object_get(y, name);
        if (listed(ignore, name))
            continue;
        if (!w || (!only_missing && !json_equal(v, w)))
            buf_printf(out, "%s%s", out->len ? ", " : "", name);
    }
}

void js_diff_members(const char *a, const char *b, buf *out, const char *ignore)
{
    json_t *x = json_loads(a, 0, NULL), *y = json_loads(b, 0, NULL);
    if (json_is_object(x) && json_is_object(y)) {
        diff_side(x, y, out, 0, ignore);
        diff_side(y, x, out, 1, ignore);
    } else {
        buf_puts(out, "(the whole entry)");
    }
    json_decref(x);
    json_decref(y);
}
