/* oscal_json.c: the fast road for parsing an OSCAL file into jansson
 * values. jansson's own parser reads a byte at a time through a stream
 * (about 120 instructions a byte: 44 % of importing NIST's 3.9 MB MODERATE
 * catalog); this one scans strings a run at a time and builds the same
 * values with jansson's unchecked constructors.
 *
 * It takes only what jansson (JSON_REJECT_DUPLICATES) takes and gives the
 * same tree; anything else, or anything it leaves to jansson (a real
 * number, an integer of more than 18 digits, nesting deeper than
 * MAX_DEPTH), makes it give up, and the caller parses with jansson, whose
 * answer, tree or error message with line and column, is then the one
 * given. tests/formats/test_oscal.c holds the two to the same trees. */
#include "formats/oscal_internal.h"
#include "core/buf.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 512 };

typedef struct px {
    const unsigned char *p, *end;
    int depth;
    buf tmp; /* a string with escapes, decoded */
} px;

static json_t *value(px *x);

static void skip_ws(px *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\n' || *x->p == '\r' || *x->p == '\t'))
        x->p++;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
    if (end - p < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? c - '0'
                     : c >= 'a' && c <= 'f' ? c - 'a' + 10
                     : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : 16;
        if (d > 15)
            return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

static void put_utf8(buf *b, unsigned cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) {
        s[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, s, n);
}

/* \uXXXX at p (after the backslash and the u), a surrogate pair whole;
 * the bytes it took, or 0. \u0000 is refused, as jansson refuses it. */
static int unicode_escape(const unsigned char *p, const unsigned char *end, buf *b)
{
    unsigned cp, lo;
    if (!hex4(p, end, &cp) || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
        return 0;
    if (cp < 0xD800 || cp > 0xDBFF) {
        put_utf8(b, cp);
        return 4;
    }
    if (end - p < 10 || p[4] != '\\' || p[5] != 'u' || !hex4(p + 6, end, &lo) || lo < 0xDC00 ||
        lo > 0xDFFF)
        return 0;
    put_utf8(b, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
    return 10;
}

/* The rest of a string with escapes, from p, decoded into x->tmp. */
static int escaped(px *x, const unsigned char *start, const unsigned char *p, const char **s,
                   size_t *n)
{
    static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    buf *b = &x->tmp;
    b->len = 0;
    buf_append(b, start, (size_t)(p - start));
    const unsigned char *end = x->end;
    while (p < end && *p != '"') {
        if (*p < 0x20)
            return 0;
        if (*p != '\\') {
            buf_putc(b, (char)*p++);
            continue;
        }
        if (++p >= end)
            return 0;
        if (*p == 'u') {
            int k = unicode_escape(p + 1, end, b);
            if (!k)
                return 0;
            p += 1 + k;
            continue;
        }
        const char *hit = NULL;
        for (size_t i = 0; i + 1 < sizeof simple && !hit; i += 2)
            if (simple[i] == (char)*p)
                hit = &simple[i + 1];
        if (!hit)
            return 0;
        buf_putc(b, *hit);
        p++;
    }
    /* escapes give whole sequences: the raw bytes around them are what
     * may not be UTF-8, and a run cut by an escape is no longer valid */
    if (p >= end || !utf8_valid(b->data, b->len))
        return 0;
    x->p = p + 1;
    *s = b->data;
    *n = b->len;
    return 1;
}

/* A string, x->p just after its opening quote: its bytes in the input
 * when it has no escape (most), else decoded into x->tmp. */
static int string(px *x, const char **s, size_t *n)
{
    const unsigned char *start = x->p, *p = x->p, *end = x->end;
    unsigned high = 0;
    while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
        high |= *p++;
    if (p >= end || *p < 0x20)
        return 0;
    if (*p == '\\')
        return escaped(x, start, p, s, n);
    if ((high & 0x80) && !utf8_valid((const char *)start, (size_t)(p - start)))
        return 0;
    *s = (const char *)start;
    *n = (size_t)(p - start);
    x->p = p + 1;
    return 1;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* An integer of up to 18 digits; a real, or a longer integer, is
 * jansson's to read. */
static json_t *number(px *x)
{
    const unsigned char *p = x->p, *end = x->end;
    int neg = p < end && *p == '-';
    p += neg;
    const unsigned char *digits = p;
    while (p < end && is_digit(*p))
        p++;
    size_t nd = (size_t)(p - digits);
    if (!nd || nd > 18 || (nd > 1 && *digits == '0'))
        return NULL;
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
        return NULL;
    long long v = 0;
    for (const unsigned char *d = digits; d < p; d++)
        v = v * 10 + (*d - '0');
    x->p = p;
    return json_integer(neg ? -v : v);
}

static json_t *literal(px *x, const char *word, json_t *v)
{
    size_t n = strlen(word);
    if ((size_t)(x->end - x->p) < n || memcmp(x->p, word, n))
        return NULL;
    x->p += n;
    return v;
}

static int element(px *x, json_t *a)
{
    json_t *v = value(x);
    return v && !json_array_append_new(a, v);
}

/* One member: its name, then its value. A name with escapes is decoded
 * into x->tmp, which the value may reuse: it is copied first. */
static int member(px *x, json_t *o)
{
    const char *k;
    size_t kn;
    skip_ws(x);
    if (x->p >= x->end || *x->p++ != '"' || !string(x, &k, &kn))
        return 0;
    char *copy = NULL;
    if (k == x->tmp.data) {
        copy = malloc(kn + 1);
        if (!copy)
            return 0;
        memcpy(copy, k, kn);
        k = copy;
    }
    int ok = 0;
    skip_ws(x);
    if (x->p < x->end && *x->p++ == ':' && !json_object_getn(o, k, kn)) {
        json_t *v = value(x);
        ok = v && !json_object_setn_new_nocheck(o, k, kn, v);
    }
    free(copy);
    return ok;
}

/* The elements or members of container c, up to its closing bracket,
 * comma separated (none trailing). */
static json_t *container(px *x, json_t *c, char close, int (*one)(px *, json_t *))
{
    skip_ws(x);
    if (x->p < x->end && *x->p == close) {
        x->p++;
        return c;
    }
    for (;;) {
        if (!one(x, c))
            break;
        skip_ws(x);
        if (x->p >= x->end)
            break;
        if (*x->p == close) {
            x->p++;
            return c;
        }
        if (*x->p++ != ',')
            break;
    }
    json_decref(c);
    return NULL;
}

static json_t *value(px *x)
{
    skip_ws(x);
    if (x->p >= x->end || x->depth >= MAX_DEPTH)
        return NULL;
    const char *s;
    size_t n;
    json_t *v = NULL;
    switch (*x->p) {
    case '{':
    case '[':
        x->depth++;
        x->p++;
        v = x->p[-1] == '{' ? container(x, json_object(), '}', member)
                            : container(x, json_array(), ']', element);
        x->depth--;
        return v;
    case '"': x->p++; return string(x, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    case 't': return literal(x, "true", json_true());
    case 'f': return literal(x, "false", json_false());
    case 'n': return literal(x, "null", json_null());
    default: return number(x);
    }
}

json_t *oscal_json_parse(const char *text, size_t len)
{
    px x = { .p = (const unsigned char *)text, .end = (const unsigned char *)text + len };
    buf_init(&x.tmp);
    skip_ws(&x);
    json_t *root = NULL;
    if (x.p < x.end && (*x.p == '{' || *x.p == '['))
        root = value(&x);
    skip_ws(&x);
    if (root && x.p != x.end) {
        json_decref(root);
        root = NULL;
    }
    buf_reset(&x.tmp);
    return root;
}
