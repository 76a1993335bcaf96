/* cache.c: values kept while the repository stays as it is (dom.h). The
 * ledger's head hash names the repository's state: every change appends
 * an entry, and the hash chains everything before it, so an equal head
 * is an equal repository (a change rolled back leaves the old head).
 *
 * A value handed out stays readable until the request ends (dom_end),
 * even when another connection's change drops it meanwhile: its memory
 * waits for the end of the request on the `outdated` list. */
#include "core/buf.h"
#include "core/xalloc.h"
#include "domain/engine/dom_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CACHE_MAX = 256 };                   /* values kept per connection */
enum { CACHE_TEXT_MAX = 16 * 1024 * 1024 }; /* bytes of texts kept per connection */

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
    d->cache_bytes = 0;
    d->cache_head[0] = 0;
}

/* Memory that lasts until the request ends, on the outdated list. */
void dom_arena_until_end(dom *d, arena *a)
{
    dom_cache_old *o = xcalloc(1, sizeof *o);
    o->a = *a;
    o->next = d->outdated;
    d->outdated = o;
    arena_init(a);
}

/* Forgets the values kept; their memory lasts until the request ends. */
static void outdate(dom *d)
{
    if (!d->cached)
        return;
    dom_arena_until_end(d, &d->cache);
    d->cached = NULL;
    d->ncached = 0;
    d->cache_bytes = 0;
}

/* Drops the values when the ledger's head moved since they were kept, or
 * when there are many, or their texts are large (a list's count and pages
 * per filter: bounded memory). */
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
    if (strcmp(head, d->cache_head) || d->ncached >= CACHE_MAX || d->cache_bytes > CACHE_TEXT_MAX)
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

/* Keeps made under name, in the cache's memory. */
static void keep(dom *d, const char *name, void *made)
{
    arena *a = d->in_cache ? &d->a : &d->cache;
    dom_cache_entry *c = arena_alloc(a, sizeof *c);
    *c = (dom_cache_entry){ arena_strdup(a, name), made, d->cached };
    d->cached = c;
    d->ncached++;
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
    keep(d, name, made);
    *out = made;
    return 0;
}

int dom_cached_text(dom *d, const char *name, dom_cache_text_fn fn, void *ctx, dom_text *out,
                    isms_err *e)
{
    *out = (dom_text){ 0 };
    if (d->in_cache)
        return err_set(e, E_INTERNAL, NULL, "dom_cached_text inside a cached computation");
    int rc = sync_head(d, e);
    if (rc)
        return rc;
    const dom_cache_entry *kept = find(d, name);
    if (kept) {
        *out = *(const dom_text *)kept->value;
        return 0;
    }
    /* Made after the head was read: the bytes are of that state or a
     * later one. A value made meanwhile that saw a newer head (a nested
     * dom_cached) says the head moved: then they are not kept. */
    char head[sizeof d->cache_head];
    memcpy(head, d->cache_head, sizeof head);
    buf b;
    buf_init(&b);
    rc = fn(d, ctx, &b, e);
    if (rc) {
        buf_reset(&b);
        return rc;
    }
    int stable = !strcmp(head, d->cache_head);
    arena *a = stable ? &d->cache : &d->a;
    dom_text *t = arena_alloc(a, sizeof *t);
    char *bytes = arena_alloc(a, b.len + 1);
    memcpy(bytes, b.data ? b.data : "", b.len);
    bytes[b.len] = 0;
    *t = (dom_text){ bytes, b.len, stable ? arena_strdup(a, head) : NULL };
    buf_reset(&b);
    if (stable) {
        keep(d, name, t);
        d->cache_bytes += t->len;
    }
    *out = *t;
    return 0;
}
