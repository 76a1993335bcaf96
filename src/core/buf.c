#include "core/buf.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>

void buf_init(buf *b) { *b = (buf){ 0 }; }

void buf_init_capped(buf *b, size_t max)
{
    if (!max)
        xdie("buf_init_capped: a limit of 0");
    *b = (buf){ .max = max };
}

void buf_reset(buf *b)
{
    size_t max = b->max;
    free(b->data);
    *b = (buf){ .max = max };
}

void buf_clear(buf *b)
{
    b->len = 0;
    b->over = 0;
    if (b->data)
        b->data[0] = 0;
}

/* Can n more bytes go in? If not, the buffer is over its limit for good:
 * what it held goes too, so that nothing reads a part as the whole. */
static int fits(buf *b, size_t n)
{
    if (!b->over && (!b->max || n <= b->max - b->len))
        return 1;
    b->over = 1;
    b->len = 0;
    if (b->data)
        b->data[0] = 0;
    return 0;
}

static void buf_reserve(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_append(buf *b, const void *p, size_t n)
{
    if (!fits(b, n))
        return;
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void buf_puts(buf *b, const char *s) { buf_append(b, s, strlen(s)); }
/* JSON writers put a character at a time between runs (quotes, commas,
 * colons: 300,000 in an OSCAL catalog's controls): the common case
 * without buf_append's checks. */
void buf_putc(buf *b, char c)
{
    if (b->max || b->over || b->len + 2 > b->cap) {
        buf_append(b, &c, 1);
        return;
    }
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

/* Without printf: canonical JSON writes a few integers per record, and
 * verification renders every record. */
void buf_put_int(buf *b, int64_t v)
{
    char digits[24];
    int n = sizeof digits;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        digits[--n] = '-';
    buf_append(b, digits + n, sizeof digits - (size_t)n);
}

/* Formats straight into the room the buffer has (or a small local one),
 * and only when the text does not fit there a second time into more: most
 * appends fit, and measuring first formatted everything twice (the SQL of
 * every register, every line a `risk show` prints). */
void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    char local[256];
    size_t room = b->over || !b->data ? 0 : b->cap - b->len;
    char *to = room > sizeof local ? b->data + b->len : local;
    size_t size = room > sizeof local ? room : sizeof local;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(to, size, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        xdie("buf_vprintf: bad format");
    if (!fits(b, (size_t)n))
        return;
    buf_reserve(b, (size_t)n);
    if ((size_t)n >= size)
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    else if (to == local)
        memcpy(b->data + b->len, local, (size_t)n + 1);
    b->len += (size_t)n;
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

int buf_check(const buf *b, const char *what, isms_err *e)
{
    if (!b->over)
        return 0;
    return err_set(e, E_TOO_LARGE, what, "%s is larger than its limit of %zu bytes", what, b->max);
}

/* Reading a buffer that went over its limit is a bug: buf_check() said so. */
static void readable(const buf *b)
{
    if (b->over)
        xdie("buf: read of a buffer over its limit (buf_check() not heeded)");
}

const char *buf_str(const buf *b)
{
    readable(b);
    return b->data ? b->data : "";
}

char *buf_detach(buf *b)
{
    readable(b);
    char *d = b->data ? b->data : xstrdup("");
    *b = (buf){ .max = b->max };
    return d;
}
