/* cache.c: values kept while the repository stays as it is (dom.h). The
 * ledger's head hash names the repository's state: every change appends
 * an entry, and the hash chains everything before it, so an equal head
 * is an equal repository (a change rolled back leaves the old head).
 *
 * A value handed out stays readable until the request ends (dom_end),
 * even when another connection's change drops it meanwhile: its memory
 * waits for the end of the request on the `outdated` list. */
#include "core/xalloc.h"
#include "domain/engine/dom_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_MAX = 256 }; /* values kept per connection */

typedef struct dom_cache_entry {
    const char *name;
    void *value;
    struct dom_cache_entry *next;
} dom_cache_entry;

typedef struct dom_cache_old {
    arena a;
    struct dom_cache_old *next;
} dom_cache_old;

void dom_cache_end(dom *d)
{
    while (d->outdated) {
        dom_cache_old *o = d->outdated;
        d->outdated = o->next;
        arena_free(&o->a);
        free(o);
    }
}

void dom_cache_drop(dom *d)
{
    dom_cache_end(d);
    arena_free(&d->cache);
    d->cached = NULL;
    d->ncached = 0;
    d->cache_head[0] = 0;
}

/* Forgets the values kept; their memory lasts until the request ends. */
static void outdate(dom *d)
{
    if (!d->cached)
        return;
    dom_cache_old *o = xcalloc(1, sizeof *o);
    o->a = d->cache;
    o->next = d->outdated;
    d->outdated = o;
    arena_init(&d->cache);
    d->cached = NULL;
    d->ncached = 0;
}

/* Drops the values when the ledger's head moved since they were kept, or
 * when there are many (a list's count per filter: bounded memory). */
static int sync_head(dom *d, isms_err *e)
{
    int64_t seq;
    char *hash = NULL, head[65];
    arena a;
    arena_init(&a);
    int rc = store_ledger_head(d->st, &seq, &hash, &a, e);
    snprintf(head, sizeof head, "%s", !rc && hash ? hash : "");
    arena_free(&a);
    if (rc)
        return rc;
    if (strcmp(head, d->cache_head) || d->ncached >= CACHE_MAX)
        outdate(d);
    memcpy(d->cache_head, head, sizeof head);
    return 0;
}

/* fn, allocating in the cache's memory: the arenas trade places for the
 * call (dom_arena(d) is the same address, its chunks the cache's). A
 * value computed inside another's computation is already there. */
static int in_cache_memory(dom *d, dom_cache_fn fn, void *ctx, void **out, isms_err *e)
{
    if (d->in_cache)
        return fn(d, ctx, out, e);
    arena request = d->a;
    d->a = d->cache;
    d->in_cache = 1;
    int rc = fn(d, ctx, out, e);
    d->in_cache = 0;
    d->cache = d->a;
    d->a = request;
    return rc;
}

static dom_cache_entry *find(dom *d, const char *name)
{
    for (dom_cache_entry *c = d->cached; c; c = c->next)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int dom_cached(dom *d, const char *name, dom_cache_fn fn, void *ctx, void **out, isms_err *e)
{
    *out = NULL;
    int rc = d->in_cache ? 0 : sync_head(d, e);
    if (rc)
        return rc;
    const dom_cache_entry *kept = find(d, name);
    if (kept) {
        *out = kept->value;
        return 0;
    }
    void *made = NULL;
    rc = in_cache_memory(d, fn, ctx, &made, e);
    if (rc)
        return rc;
    arena *a = d->in_cache ? &d->a : &d->cache;
    dom_cache_entry *c = arena_alloc(a, sizeof *c);
    *c = (dom_cache_entry){ arena_strdup(a, name), made, d->cached };
    d->cached = c;
    d->ncached++;
    *out = made;
    return 0;
}
