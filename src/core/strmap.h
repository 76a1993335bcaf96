/* strmap.h: a string-keyed hash map (open addressing, linear probing).
 *
 * Keys are copied into the map's own arena; values are pointers the caller
 * owns (often into the same arena, via strmap_arena()). */
#ifndef ISMS_CORE_STRMAP_H
#define ISMS_CORE_STRMAP_H

#include "core/arena.h"

#include <stddef.h>
#include <stdint.h>

typedef struct strmap_slot {
    const char *key;
    void *value;
    uint64_t hash; /* of key: compared before the key (a million keys: verify) */
} strmap_slot;

typedef struct strmap {
    strmap_slot *slots;
    size_t cap, len;
    arena a;
} strmap;

void strmap_init(strmap *m);
void strmap_reset(strmap *m); /* frees everything */
arena *strmap_arena(strmap *m);
void **strmap_slot_for(strmap *m, const char *key); /* inserts NULL if absent */
void *strmap_get(const strmap *m, const char *key); /* NULL if absent */
uint64_t strmap_hash(const char *s);                /* the keys' hash (FNV-1a) */

/* Iteration: for (size_t i = 0; i < m.cap; i++) if (m.slots[i].key) ... */

#endif
