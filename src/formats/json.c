#include "formats/json.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

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

/* ---- pooled parses ----
 *
 * A large document (an OSCAL catalog: 250,000 values in 4 MB) costs jansson
 * one malloc per value, string and hash table while parsing and one free
 * each when dropped: a fifth of an import's CPU went to glibc's allocator.
 * A pooled parse puts all of them, bump-allocated, in one mapping of their
 * own, dropped at once. Jansson's allocation functions are process-wide, so
 * they dispatch: allocations go to the pool this thread is filling (only
 * while js_parse_pooled runs), else to xmalloc; a free of a block inside one
 * of this thread's live pools does nothing (the pool goes as a whole), any
 * other is free(). */
struct js_pool {
    char *base, *next, *end;
    int spilled; /* full once: some of the tree's values were malloc'd */
    js_pool *prev;
};

static _Thread_local js_pool *filling; /* the pool this thread's parse fills */
static _Thread_local js_pool *live;    /* this thread's pools, newest first */

static void *js_malloc(size_t n)
{
    js_pool *p = filling;
    if (p) {
        size_t need = (n + 15) & ~(size_t)15;
        if ((size_t)(p->end - p->next) >= need) {
            void *r = p->next;
            p->next += need;
            return r;
        }
        p->spilled = 1;
    }
    return xmalloc(n);
}

static void js_free(void *ptr)
{
    for (js_pool *p = live; p; p = p->prev)
        if ((char *)ptr >= p->base && (char *)ptr < p->end)
            return;
    free(ptr);
}

void js_init(void) { json_set_alloc_funcs(js_malloc, js_free); }

int js_parse_pooled(const char *text, size_t len, const char *what, json_t **out, js_pool **pool,
                    isms_err *e)
{
    /* jansson takes 3 to 6 times a catalog's size; a document of tiny
     * values more: past the mapping, values are malloc'd (spilled) */
    json_malloc_t m0;
    json_free_t f0;
    json_get_alloc_funcs(&m0, &f0);
    *pool = NULL;
    if (m0 != js_malloc) /* js_init not called: jansson's own malloc and free */
        return js_parse(text, len, what, out, e);
    size_t cap = 32 * len + (1u << 20);
    void *m =
        mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return js_parse(text, len, what, out, e);
    /* a tree of 12 MB in 2 MB pages: half the import's page faults */
    madvise(m, cap, MADV_HUGEPAGE);
    js_pool *p = xmalloc(sizeof *p);
    *p = (js_pool){ .base = m, .next = m, .end = (char *)m + cap, .prev = live };
    live = p;
    filling = p;
    int rc = js_parse(text, len, what, out, e);
    filling = NULL;
    if (rc)
        js_pool_drop(p, NULL);
    else
        *pool = p;
    return rc;
}

void js_pool_drop(js_pool *p, json_t *tree)
{
    if (!p) {
        json_decref(tree);
        return;
    }
    /* values malloc'd past the mapping are freed by the walk; the rest is
     * in the mapping */
    if (p->spilled)
        json_decref(tree);
    js_pool **at = &live;
    while (*at != p)
        at = &(*at)->prev;
    *at = p->prev;
    munmap(p->base, (size_t)(p->end - p->base));
    free(p);
}

char *js_canonical(const json_t *j)
{
    char *s =
        json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    if (!s)
        xdie("json_dumps failed");
    /* jansson allocates with malloc by default: the caller frees with free(). */
    return s;
}

/* ---- canonical bytes, written directly ----
 *
 * The bytes jansson gives for the record's JSON with empties removed
 * (record_canonical_tree below): members sorted by name as JSON_SORT_KEYS
 * sorts them (strcmp), no whitespace, strings escaped as jansson escapes
 * them (", \, and control characters; nothing else, UTF-8 as it is),
 * integers in decimal. Written straight into a buffer, without a tree of
 * jansson values per record: `isms verify` renders every record. A string
 * that is not valid UTF-8 (which isms never stores) falls back to the tree,
 * whose handling of it is the reference. tests/formats holds the two to
 * the same bytes. */

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0: overlong forms,
 * surrogates and code points past U+10FFFF are invalid, as in jansson. */
static int utf8_length(const unsigned char *p)
{
    unsigned c = p[0];
    int n = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (n <= 1)
        return n;
    unsigned v = c & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return n;
}

/* The letter of a control character's two-character escape, or 0. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\f': return 'f';
    case '\r': return 'r';
    default: return 0;
    }
}

/* Characters that stand for themselves in a JSON string: printable ASCII
 * but " and \\ (bytes from 0x80 are UTF-8, checked apart). */
static int plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/* The bytes before `end` that stand for themselves, eight at a time
 * (stops at the word holding a byte below 0x20, from 0x80, " or \\). */
static const unsigned char *plain_run(const unsigned char *p, const unsigned char *end)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (; end - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t q = w ^ ('"' * ones), bs = w ^ ('\\' * ones);
        if ((w | ((w - 0x20 * ones) & ~w) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs)
            break;
    }
    while (p < end && plain(*p))
        p++;
    return p;
}

/* Appends s as a JSON string; -1 (and b as it was) when s is not UTF-8. */
static int put_string(buf *b, const char *s)
{
    size_t start = b->len;
    const unsigned char *p = (const unsigned char *)s, *run = p, *end = p + strlen(s);
    buf_putc(b, '"');
    for (;; p++) {
        p = plain_run(p, end);
        if (p == end)
            break;
        if (*p >= 0x80) {
            int n = utf8_length(p);
            if (!n) {
                b->len = start;
                b->data[start] = 0;
                return -1;
            }
            p += n - 1;
            continue;
        }
        buf_append(b, run, (size_t)(p - run));
        char letter = short_escape(*p);
        if (*p == '"' || *p == '\\') {
            char esc[2] = { '\\', (char)*p };
            buf_append(b, esc, 2);
        } else if (letter) {
            char esc[2] = { '\\', letter };
            buf_append(b, esc, 2);
        } else {
            buf_printf(b, "\\u%04X", *p);
        }
        run = p + 1;
    }
    buf_append(b, run, (size_t)(p - run));
    buf_putc(b, '"');
    return 0;
}

/* A register's member names (its fields and the five of every record) in
 * canonical order, worked out once per register and thread. */
enum {
    MEMBER_KEY = -1,
    MEMBER_VERSION = -2,
    MEMBER_CREATED = -3,
    MEMBER_UPDATED = -4,
    MEMBER_RETIRED = -5,
    MAX_MEMBERS = 128,
    MAX_CACHED = 32
};

typedef struct member_order {
    const regdef *reg;
    int n;
    int member[MAX_MEMBERS]; /* field index, or MEMBER_* */
} member_order;

static const char *member_name(const regdef *reg, int m)
{
    static const char *const fixed[] = { "key", "version", "created_at", "updated_at",
                                         "retired_at" };
    return m >= 0 ? reg->fields[m].name : fixed[-m - 1];
}

static const member_order *order_of(const regdef *reg)
{
    static _Thread_local member_order cache[MAX_CACHED];
    static _Thread_local int cached;
    for (int i = 0; i < cached; i++)
        if (cache[i].reg == reg)
            return &cache[i];
    if (cached == MAX_CACHED || reg->nfields + 5 > MAX_MEMBERS)
        return NULL;
    member_order *o = &cache[cached];
    o->reg = reg;
    o->n = 0;
    for (int m = -5; m < reg->nfields; m++) {
        /* insertion sort: a few dozen names, once */
        int at = o->n++;
        while (at > 0 && strcmp(member_name(reg, o->member[at - 1]), member_name(reg, m)) > 0) {
            o->member[at] = o->member[at - 1];
            at--;
        }
        if (at > 0 && !strcmp(member_name(reg, o->member[at - 1]), member_name(reg, m)))
            return NULL; /* a field named like a record member: the tree decides */
        o->member[at] = m;
    }
    cached++;
    return o;
}

/* Appends ,"name": or "name": (names are identifiers: nothing to escape). */
static void put_name(buf *b, const char *name, int *first)
{
    char head[80];
    size_t n = strlen(name);
    if (n + 4 > sizeof head) {
        buf_puts(b, *first ? "\"" : ",\"");
        buf_puts(b, name);
        buf_puts(b, "\":");
    } else {
        size_t at = 0;
        if (!*first)
            head[at++] = ',';
        head[at++] = '"';
        memcpy(head + at, name, n);
        at += n;
        head[at++] = '"';
        head[at++] = ':';
        buf_append(b, head, at);
    }
    *first = 0;
}

/* A set's members: ["K-1","K-2"]. */
static int put_keys(buf *b, const value *v)
{
    buf_putc(b, '[');
    for (int k = 0; k < v->n; k++) {
        if (k)
            buf_putc(b, ',');
        if (put_string(b, v->keys[k]))
            return -1;
    }
    buf_putc(b, ']');
    return 0;
}

static int put_member(buf *b, const record *r, int m, int *first)
{
    const char *name = member_name(r->reg, m);
    const char *text = NULL;
    switch (m) {
    case MEMBER_KEY: text = r->key ? r->key : ""; break;
    case MEMBER_VERSION:
        put_name(b, name, first);
        buf_put_int(b, r->version);
        return 0;
    case MEMBER_CREATED: text = r->created_at; break;
    case MEMBER_UPDATED: text = r->updated_at; break;
    case MEMBER_RETIRED: text = r->retired_at; break;
    default: break;
    }
    if (m < 0) {
        if (!text)
            return 0;
        put_name(b, name, first);
        return put_string(b, text);
    }
    const fielddef *f = &r->reg->fields[m];
    const value *v = &r->v[m];
    if (f->type == FT_LINKS || f->type == FT_ENUMSET) {
        if (!v->n)
            return 0;
        put_name(b, name, first);
        return put_keys(b, v);
    }
    if (v->null)
        return 0;
    put_name(b, name, first);
    switch (f->type) {
    case FT_INT:
    case FT_MONEY: buf_put_int(b, v->i); return 0;
    case FT_BOOL: buf_puts(b, v->i ? "true" : "false"); return 0;
    default: return put_string(b, v->s ? v->s : "");
    }
}

static char *record_canonical_tree(const record *r);

/* The bytes written directly into b (cleared first); 0 when they cannot
 * be (no member order, text that is not UTF-8): the tree's turn. */
static int canonical_direct(const record *r, buf *b)
{
    const member_order *o = order_of(r->reg);
    buf_clear(b);
    if (!o)
        return 0;
    buf_putc(b, '{');
    int first = 1;
    for (int i = 0; i < o->n; i++)
        if (put_member(b, r, o->member[i], &first))
            return 0;
    buf_putc(b, '}');
    return 1;
}

char *record_canonical(const record *r)
{
    buf b;
    buf_init(&b);
    if (canonical_direct(r, &b))
        return buf_detach(&b);
    buf_reset(&b);
    return record_canonical_tree(r);
}

void record_canonical_buf(const record *r, buf *b)
{
    if (canonical_direct(r, b))
        return;
    char *tree = record_canonical_tree(r);
    buf_clear(b);
    buf_puts(b, tree);
    free(tree);
}

char *record_canonical_jansson(const record *r) { return record_canonical_tree(r); }

/* ---- the display form, written directly ----
 *
 * record_json's members in its order (key, the fields in the register's
 * order, version, the stamps), null and [] where it has them, in the
 * bytes js_append gives them. A name twice (order_of says) or a string
 * that is not UTF-8 falls back to the tree. */

static int put_display_value(buf *b, const fielddef *f, const value *v)
{
    if (f->type == FT_LINKS || f->type == FT_ENUMSET)
        return put_keys(b, v);
    if (v->null) {
        buf_puts(b, "null");
        return 0;
    }
    switch (f->type) {
    case FT_INT:
    case FT_MONEY: buf_put_int(b, v->i); return 0;
    case FT_BOOL: buf_puts(b, v->i ? "true" : "false"); return 0;
    default: return put_string(b, v->s ? v->s : "");
    }
}

static int put_display_stamp(buf *b, const char *name, const char *s, int *first)
{
    put_name(b, name, first);
    if (!s) {
        buf_puts(b, "null");
        return 0;
    }
    return put_string(b, s);
}

static int put_display(buf *b, const record *r)
{
    int first = 1, bad = 0;
    buf_putc(b, '{');
    put_name(b, "key", &first);
    bad |= put_string(b, r->key ? r->key : "");
    for (int i = 0; i < r->reg->nfields && !bad; i++) {
        put_name(b, r->reg->fields[i].name, &first);
        bad |= put_display_value(b, &r->reg->fields[i], &r->v[i]);
    }
    put_name(b, "version", &first);
    buf_put_int(b, r->version);
    bad |= put_display_stamp(b, "created_at", r->created_at, &first);
    bad |= put_display_stamp(b, "updated_at", r->updated_at, &first);
    bad |= put_display_stamp(b, "retired_at", r->retired_at, &first);
    buf_putc(b, '}');
    return bad;
}

void record_json_append(buf *b, const record *r)
{
    size_t mark = b->len;
    if (order_of(r->reg) && !put_display(b, r))
        return;
    b->len = mark;
    json_t *o = record_json(r);
    js_append(b, o);
    json_decref(o);
}

/* The reference: jansson's bytes for the record's JSON without empties. */
static char *record_canonical_tree(const record *r)
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
     * that is not UTF-8 are refused here, never written. */
    if (!s || put_string(b, s))
        return E_INVALID;
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

static int append_cb(const char *chunk, size_t n, void *b)
{
    buf_append(b, chunk, n);
    return 0;
}

/* v as JSON_COMPACT writes it (members in their order, strings escaped
 * as jansson escapes them: put_string), without jansson's encoder, which
 * costs three times as much on an OSCAL catalog's controls; -1 for a
 * string that is not UTF-8 or a real, left to jansson. */
static int put_json(buf *b, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        char sep = '{';
        json_object_foreach((json_t *)v, k, x)
        {
            buf_putc(b, sep);
            if (put_string(b, k))
                return -1;
            buf_putc(b, ':');
            if (put_json(b, x))
                return -1;
            sep = ',';
        }
        buf_puts(b, sep == '{' ? "{}" : "}");
        return 0;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            buf_putc(b, i ? ',' : '[');
            if (put_json(b, x))
                return -1;
        }
        buf_puts(b, json_array_size(v) ? "]" : "[]");
        return 0;
    }
    case JSON_STRING:
        /* a string holding a NUL (json_stringn) is jansson's to escape */
        if (strlen(json_string_value(v)) != json_string_length(v))
            return -1;
        return put_string(b, json_string_value(v));
    case JSON_INTEGER: buf_put_int(b, json_integer_value(v)); return 0;
    case JSON_TRUE: buf_puts(b, "true"); return 0;
    case JSON_FALSE: buf_puts(b, "false"); return 0;
    case JSON_NULL: buf_puts(b, "null"); return 0;
    default: return -1;
    }
}

void js_append(buf *b, const json_t *j)
{
    size_t start = b->len;
    if (!put_json(b, j))
        return;
    b->len = start;
    json_dump_callback(j, append_cb, b, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
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

void js_correlations(const char *inputs, js_corr_fn fn, void *ctx)
{
    json_t *doc = inputs ? json_loads(inputs, 0, NULL) : NULL;
    json_t *p;
    size_t k;
    json_array_foreach(json_object_get(doc, "correlations"), k, p)
    {
        const char *a = json_string_value(json_object_get(p, "a")),
                   *b = json_string_value(json_object_get(p, "b"));
        if (a && b)
            fn(a, b, json_number_value(json_object_get(p, "rank_correlation")), ctx);
    }
    json_decref(doc);
}

/* ---- rows of a stored document ---- */

/* The value at a dotted path of object o, or NULL. */
static json_t *at_path(json_t *o, const char *path)
{
    char part[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof part)
            return NULL;
        memcpy(part, path, n);
        part[n] = 0;
        o = json_object_get(o, part);
        path += n + (path[n] == '.');
    }
    return o;
}

/* A scalar as text (in `scratch`, 64 bytes, for a number), or NULL. */
static const char *scalar_text(json_t *v, char *scratch)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(scratch, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(scratch, 64, "%.17g", json_real_value(v));
    else if (json_is_boolean(v))
        snprintf(scratch, 64, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return scratch;
}

enum { JS_ROWS_MAX_PATHS = 16 };

int js_rows(const char *text, const char *array, const char *const *paths, int npaths, js_row_fn fn,
            void *ctx, isms_err *e)
{
    const char *what = array ? array : "document";
    if (npaths > JS_ROWS_MAX_PATHS)
        return err_set(e, E_INTERNAL, what, "%s: %d paths, at most %d", what, npaths,
                       JS_ROWS_MAX_PATHS);
    json_t *doc;
    int rc = js_parse(text, strlen(text), what, &doc, e);
    if (rc)
        return rc;
    if (!json_is_object(doc)) {
        json_decref(doc);
        return err_set(e, E_INVALID, what, "%s: the document is not an object", what);
    }
    char scratch[JS_ROWS_MAX_PATHS][64];
    const char *values[JS_ROWS_MAX_PATHS];
    size_t i;
    json_t *row;
    json_t *rows = array ? json_object_get(doc, array) : json_pack("[O]", doc);
    json_array_foreach(rows, i, row)
    {
        for (int k = 0; k < npaths; k++)
            values[k] = scalar_text(at_path(row, paths[k]), scratch[k]);
        if ((rc = fn(values, ctx)) != 0)
            break;
    }
    if (!array)
        json_decref(rows);
    json_decref(doc);
    return rc;
}
