#include "formats/json_stream.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ---- writer ---- */

#define JSW_FLAGS(w) (JSON_ENCODE_ANY | JSON_REAL_PRECISION((w)->precision) | JSON_INDENT(2))

void jsw_init(jsw *w, FILE *f)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->precision = 17;
}

static void put(jsw *w, const char *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        w->failed = 1;
}

static void indent(jsw *w, int depth)
{
    static const char spaces[] = "                ";
    put(w, "\n", 1);
    put(w, spaces, (size_t)depth * 2);
}

/* jansson's bytes for v, with every line after the first indented to the
 * current depth: what it writes for v inside the whole document. Strings
 * hold no raw newline (JSON escapes it), so each one starts a line. */
static void dump(jsw *w, const json_t *v)
{
    /* Into the scratch buffer at once; measured first only when it is
     * too small (serialising twice doubled an export's cost). */
    size_t n = w->cap ? json_dumpb(v, w->scratch, w->cap, JSW_FLAGS(w)) : 0;
    if (!n || n > w->cap) {
        n = json_dumpb(v, NULL, 0, JSW_FLAGS(w));
        if (!n)
            xdie("jsw: cannot serialise");
        free(w->scratch);
        w->cap = n * 2 > 4096 ? n * 2 : 4096;
        w->scratch = xmalloc(w->cap);
        json_dumpb(v, w->scratch, n, JSW_FLAGS(w));
    }
    const char *p = w->scratch, *end = p + n;
    for (const char *nl; (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
        put(w, p, (size_t)(nl - p));
        indent(w, w->depth);
    }
    put(w, p, (size_t)(end - p));
}

/* The separator and indentation before a value of the open container, and
 * its name when the container is an object. */
static void begin_value(jsw *w, const char *name)
{
    if (!w->depth)
        return;
    if (w->count[w->depth - 1]++)
        put(w, ",", 1);
    indent(w, w->depth);
    if (name) {
        json_t *s = json_string(name);
        dump(w, s);
        json_decref(s);
        put(w, ": ", 2);
    }
}

void jsw_open(jsw *w, const char *name, char bracket)
{
    if (w->depth == JS_STREAM_DEPTH)
        xdie("jsw: nested too deep");
    begin_value(w, name);
    put(w, &bracket, 1);
    w->open[w->depth] = bracket;
    w->count[w->depth++] = 0;
}

void jsw_close(jsw *w)
{
    if (!w->depth)
        return;
    w->depth--;
    /* An empty container is "[]" or "{}" on one line, as jansson writes it. */
    if (w->count[w->depth])
        indent(w, w->depth);
    put(w, w->open[w->depth] == '{' ? "}" : "]", 1);
}

void jsw_value(jsw *w, const char *name, const json_t *v)
{
    begin_value(w, name);
    dump(w, v);
}

int jsw_finish(jsw *w)
{
    put(w, "\n", 1);
    free(w->scratch);
    w->scratch = NULL;
    return w->failed ? E_IO : 0;
}

/* ---- reader ---- */

int jsr_open(jsr *r, const char *path, isms_err *e)
{
    memset(r, 0, sizeof *r);
    r->what = path;
    r->line = 1;
    buf_init(&r->value);
    r->f = fopen(path, "rb");
    return r->f ? 0 : err_set(e, E_IO, path, "cannot open %s: %m", path);
}

void jsr_close(jsr *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
    buf_reset(&r->value);
    free(r->name);
    r->name = NULL;
}

/* The next byte, or EOF. */
static int peek(jsr *r)
{
    if (r->pos == r->len && !r->eof) {
        r->len = fread(r->in, 1, sizeof r->in, r->f);
        r->pos = 0;
        r->eof = r->len == 0;
    }
    return r->pos < r->len ? (unsigned char)r->in[r->pos] : EOF;
}

/* Consumes one byte; columns count characters, as jansson's do. */
static void advance(jsr *r)
{
    unsigned char c = (unsigned char)r->in[r->pos++];
    if (c == '\n') {
        r->line++;
        r->col = 0;
    } else if ((c & 0xC0) != 0x80) {
        r->col++;
    }
}

static int skip_space(jsr *r)
{
    int c;
    while ((c = peek(r)) == ' ' || c == '\t' || c == '\n' || c == '\r')
        advance(r);
    return c;
}

static int syntax_at(jsr *r, long line, long col, const char *what, isms_err *e)
{
    char where[64];
    snprintf(where, sizeof where, "%ld:%ld", line, col);
    return err_set(e, E_INVALID, where, "%s: line %ld, column %ld: %s", r->what, line, col, what);
}

static int syntax(jsr *r, const char *what, isms_err *e)
{
    return syntax_at(r, r->line, r->col + 1, what, e);
}

typedef struct scan_state {
    int depth, in_string, escape, scalar, done;
} scan_state;

/* Steps over one byte of a value; sets done after its last byte (for a
 * scalar: at the delimiter after it, which is not consumed). */
static int scan_byte(scan_state *st, int c)
{
    if (st->scalar) {
        st->done = strchr(" \t\r\n,]}:", c) != NULL;
        return !st->done;
    }
    if (st->in_string) {
        if (st->escape)
            st->escape = 0;
        else if (c == '\\')
            st->escape = 1;
        else if (c == '"')
            st->in_string = 0, st->done = !st->depth;
    } else if (c == '"') {
        st->in_string = 1;
    } else if (c == '{' || c == '[') {
        st->depth++;
    } else if (c == '}' || c == ']') {
        st->done = !--st->depth;
    }
    return 1;
}

/* Scans the bytes of one value into r->value: a container to its matching
 * bracket, a string to its closing quote, anything else to the next
 * delimiter. Whether the bytes make a value is jansson's to say. The
 * buffer is walked a span at a time: this runs over every byte of an
 * export. */
static int scan_value(jsr *r, isms_err *e)
{
    buf_clear(&r->value);
    int c = peek(r);
    scan_state st = { .scalar = c != '{' && c != '[' && c != '"' };
    while (!st.done && peek(r) != EOF) {
        size_t from = r->pos;
        while (r->pos < r->len && !st.done) {
            if (!scan_byte(&st, (unsigned char)r->in[r->pos]))
                break;
            advance(r);
        }
        buf_append(&r->value, r->in + from, r->pos - from);
        if (r->value.len > JSR_MAX_VALUE)
            return syntax(r, "a value larger than 64 MiB", e);
    }
    return 0; /* at the end of the file, cut short: jansson names what is missing */
}

int jsr_value(jsr *r, json_t **out, isms_err *e)
{
    *out = NULL;
    skip_space(r);
    long line = r->line, col = r->col;
    int rc = scan_value(r, e);
    if (rc)
        return rc;
    json_error_t je;
    *out = json_loadb(r->value.data ? r->value.data : "", r->value.len,
                      JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (*out)
        return 0;
    /* jansson counts from the value's start; the message counts from the file's. */
    return syntax_at(r, line + je.line - 1, je.line == 1 ? col + je.column : je.column, je.text, e);
}

static int push(jsr *r, char bracket, isms_err *e)
{
    if (r->depth == JS_STREAM_DEPTH)
        return syntax(r, "nested too deep", e);
    r->open[r->depth] = bracket;
    r->count[r->depth++] = 0;
    return 0;
}

int jsr_enter(jsr *r, char bracket, isms_err *e)
{
    if (skip_space(r) != bracket)
        return syntax(r, bracket == '{' ? "expected an object ('{')" : "expected an array ('[')",
                      e);
    advance(r);
    return push(r, bracket, e);
}

/* Before the next member or element: "," after the first, or the closing
 * bracket (then *more = 0 and the container is left). */
static int next_item(jsr *r, int *more, isms_err *e)
{
    char close = r->open[r->depth - 1] == '{' ? '}' : ']';
    int c = skip_space(r);
    *more = 0;
    if (c == close && !r->count[r->depth - 1]) {
        advance(r);
        r->depth--;
        return 0;
    }
    if (r->count[r->depth - 1]) {
        if (c == close) {
            advance(r);
            r->depth--;
            return 0;
        }
        if (c != ',')
            return syntax(r, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'", e);
        advance(r);
        c = skip_space(r);
        if (c == '}' || c == ']' || c == EOF)
            return syntax(r, "expected a value after ','", e);
    } else if (c == EOF) {
        return syntax(r, "unexpected end of file", e);
    }
    r->count[r->depth - 1]++;
    *more = 1;
    return 0;
}

int jsr_element(jsr *r, int *more, isms_err *e)
{
    if (!r->depth || r->open[r->depth - 1] != '[')
        xdie("jsr_element: not in an array");
    return next_item(r, more, e);
}

int jsr_member(jsr *r, const char **name, isms_err *e)
{
    if (!r->depth || r->open[r->depth - 1] != '{')
        xdie("jsr_member: not in an object");
    *name = NULL;
    int more, rc = next_item(r, &more, e);
    if (rc || !more)
        return rc;
    if (peek(r) != '"')
        return syntax(r, "expected a member name (a string)", e);
    json_t *s;
    rc = jsr_value(r, &s, e);
    if (rc)
        return rc;
    free(r->name);
    r->name = xstrdup(json_string_value(s));
    json_decref(s);
    if (skip_space(r) != ':')
        return syntax(r, "expected ':'", e);
    advance(r);
    *name = r->name;
    return 0;
}

int jsr_finish(jsr *r, isms_err *e)
{
    return skip_space(r) == EOF ? 0 : syntax(r, "end of file expected", e);
}
