#include "core/strmap.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <string.h>

uint64_t strmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void strmap_init(strmap *m)
{
    memset(m, 0, sizeof *m);
    arena_init(&m->a);
}

void strmap_reset(strmap *m)
{
    free(m->slots);
    arena_free(&m->a);
    memset(m, 0, sizeof *m);
    arena_init(&m->a);
}

arena *strmap_arena(strmap *m) { return &m->a; }

static void strmap_grow(strmap *m)
{
    /* Small first: a map per write (the figures it changes) is common. */
    size_t cap = m->cap ? m->cap * 2 : 16;
    strmap_slot *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & (cap - 1);
        while (slots[j].key)
            j = (j + 1) & (cap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void **strmap_slot_for(strmap *m, const char *key)
{
    if ((m->len + 1) * 4 >= m->cap * 3)
        strmap_grow(m);
    uint64_t h = strmap_hash(key);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key))
            return &m->slots[j].value;
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = arena_strdup(&m->a, key);
    m->slots[j].value = NULL;
    m->slots[j].hash = h;
    m->len++;
    return &m->slots[j].value;
}

void *strmap_get(const strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    uint64_t h = strmap_hash(key);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key))
            return m->slots[j].value;
        j = (j + 1) & (m->cap - 1);
    }
    return NULL;
}
