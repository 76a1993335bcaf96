/* xalloc.h: allocation that cannot fail.
 *
 * Out of memory is not an error isms recovers from: the transaction in
 * flight is abandoned by the process exit (the store rolls it back), so
 * nothing half-done is ever acknowledged. */
#ifndef ISMS_CORE_XALLOC_H
#define ISMS_CORE_XALLOC_H

#include <stddef.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* n bytes at an address that is a multiple of `align` (a power of two, at
 * least sizeof(void *)); freed with free(). */
void *xmalloc_aligned(size_t align, size_t n);
char *xstrdup(const char *s);
/* Room for element n of a growing array of *cap elements of `size` bytes:
 * when n has reached *cap, the array doubles (or starts at `first`).
 * Returns the array, which may have moved. */
void *xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first);
#define XGROW(arr, n, cap, first) ((arr) = xgrow((arr), (n), &(cap), sizeof *(arr), (first)))
/* A growing array of T (XGROW(l.items, l.n, l.cap, first)), zero when empty. */
#define XLIST(T)    \
    struct {        \
        T *items;   \
        int n;      \
        size_t cap; \
    }
/* Ends the process after a failure it cannot recover from (out of memory),
 * first calling the hook a front end set, which may say what the failure
 * means for the request in flight, or end the process itself. */
_Noreturn void xdie(const char *what);
void xdie_set_hook(void (*hook)(const char *what));

#endif
