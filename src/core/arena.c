#include "core/arena.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct arena_chunk {
    arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

enum { ARENA_MIN_CHUNK = 16 * 1024 };

void arena_init(arena *a)
{
    a->head = NULL;
    a->chunk_size = ARENA_MIN_CHUNK;
}

void arena_reset(arena *a)
{
    arena_chunk *c = a->head;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->chunk_size = ARENA_MIN_CHUNK;
}

void *arena_alloc(arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    arena_chunk *c = a->head;
    if (!c || c->cap - c->used < need) {
        /* Chunks double up to 1 MiB so that big lists cost few mallocs. */
        size_t cap = a->chunk_size;
        if (cap < (1u << 20))
            a->chunk_size = cap * 2;
        if (cap < need)
            cap = need;
        c = xmalloc(sizeof *c + cap);
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *arena_strdup(arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

void *arena_grow(arena *a, void *p, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return p;
    *cap = *cap ? 2 * *cap : first;
    if (*cap > SIZE_MAX / size)
        xdie("array too large");
    void *grown = arena_alloc(a, *cap * size);
    if (n)
        memcpy(grown, p, n * size);
    return grown;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        xdie("arena_vprintf: bad format");
    char *d = arena_alloc(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}
