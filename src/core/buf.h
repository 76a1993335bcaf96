/* buf.h: a growable byte buffer, always NUL-terminated.
 *
 * Heap-owned: buf_init()/buf_reset() pair; buf_detach() hands the bytes to
 * the caller, who frees them with free(). */
#ifndef ISMS_CORE_BUF_H
#define ISMS_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
    char *data;   /* NULL until the first append; buf_str() never returns NULL */
    size_t len, cap;
} buf;

void buf_init(buf *b);
void buf_reset(buf *b);                      /* frees */
void buf_clear(buf *b);                      /* len = 0, keeps memory */
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_put_int(buf *b, int64_t v);         /* decimal, as printf's %lld */
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const buf *b);
char *buf_detach(buf *b);

#endif
