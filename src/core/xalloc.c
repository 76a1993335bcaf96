#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void (*die_hook)(const char *what);

void xdie_set_hook(void (*hook)(const char *what)) { die_hook = hook; }

_Noreturn void xdie(const char *what)
{
    if (die_hook)
        die_hook(what);
    fprintf(stderr, "isms: fatal: %s\n", what);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        xdie("out of memory");
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        xdie("out of memory");
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        xdie("out of memory");
    return q;
}

void *xmalloc_aligned(size_t align, size_t n)
{
    void *p;
    if (posix_memalign(&p, align, n ? n : 1))
        xdie("out of memory");
    return p;
}

void *xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return p;
    *cap = *cap ? 2 * *cap : first;
    if (*cap > SIZE_MAX / size)
        xdie("array too large");
    return xrealloc(p, *cap * size);
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}
