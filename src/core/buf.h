/* buf.h: a growable byte buffer, always NUL-terminated.
 *
 * Heap-owned: buf_init()/buf_reset() pair; buf_detach() hands the bytes to
 * the caller, who frees them with free().
 *
 * A buffer filled from outside (an HTTP body, a file a user names) gets a
 * limit instead: buf_init_capped(). An append that would take it past the
 * limit is refused and the buffer is marked over it; from then on it holds
 * nothing, later appends are dropped too, and reading it (buf_str,
 * buf_detach) stops the program. So the appends stay unchecked, but the
 * caller asks once, when done, with buf_check(), which the compiler
 * insists on being looked at: a body too large can never pass as a
 * shorter one. */
#ifndef ISMS_CORE_BUF_H
#define ISMS_CORE_BUF_H

#include "core/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
    char *data; /* NULL until the first append; buf_str() never returns NULL */
    size_t len, cap;
    size_t max; /* 0: no limit; otherwise len never exceeds it */
    int over;   /* an append would have passed max: the contents are gone */
} buf;

void buf_init(buf *b);
/* A buffer that holds at most `max` bytes (max > 0). */
void buf_init_capped(buf *b, size_t max);
void buf_reset(buf *b); /* frees; keeps the limit */
void buf_clear(buf *b); /* len = 0, keeps memory and the limit; no longer over */
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_put_int(buf *b, int64_t v); /* decimal, as printf's %lld */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* 0, or E_TOO_LARGE when an append went past the limit, naming `what`
 * ("request body") and the limit in the message. */
int buf_check(const buf *b, const char *what, isms_err *e) __attribute__((warn_unused_result));
const char *buf_str(const buf *b);
char *buf_detach(buf *b);

#endif
