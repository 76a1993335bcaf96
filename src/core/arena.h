/* arena.h: region allocator for request- and command-scoped memory.
 *
 * Everything allocated from an arena is released at once by arena_reset()
 * or arena_free(); nothing is freed one by one. Allocation failure aborts
 * the process (see xalloc.h): an ISMS that cannot allocate a few kilobytes
 * cannot do anything useful, and a half-built record must never be stored. */
#ifndef ISMS_CORE_ARENA_H
#define ISMS_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena_chunk arena_chunk;
typedef struct arena {
    arena_chunk *head;
    size_t chunk_size;
} arena;

void arena_init(arena *a);
void arena_reset(arena *a); /* frees all but keeps the arena usable */
#define arena_free arena_reset

void *arena_alloc(arena *a, size_t n);       /* 16-byte aligned, zeroed */
char *arena_strdup(arena *a, const char *s); /* NULL -> NULL */
/* xgrow's twin for arrays in the arena: the n elements kept are copied
 * to a block twice the size; the old block stays until the arena resets. */
void *arena_grow(arena *a, void *p, size_t n, size_t *cap, size_t size, size_t first);
#define ARENA_GROW(a, arr, n, cap, first) \
    ((arr) = arena_grow((a), (void *)(arr), (n), &(cap), sizeof *(arr), (first)))
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
