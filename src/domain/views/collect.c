/* collect.c: registers read into arrays for the views (see collect.h). */
#include "domain/views/collect.h"
#include "domain/registers/registers.h"

#include <string.h>

void *vec_push(vec *v)
{
    v->items = arena_grow(v->a, v->items, (size_t)v->n, &v->cap, v->size, 64);
    void *p = (char *)v->items + v->size * (size_t)v->n++;
    memset(p, 0, v->size);
    return p;
}

void *vec_find(const vec *v, int64_t id, size_t id_offset)
{
    int lo = 0, hi = v->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        char *item = (char *)v->items + v->size * (size_t)mid;
        int64_t at;
        memcpy(&at, item + id_offset, sizeof at);
        if (at == id)
            return item;
        if (at < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

int vec_scan(dom *d, const regdef *reg, const store_filter *f, int retired_too,
             store_record_fn take, vec *v, size_t size, isms_err *e)
{
    *v = (vec){ .size = size, .a = dom_arena(d) };
    store_query q = {
        .include_retired = retired_too, .filters = f, .nfilters = f ? 1 : 0, .ids_only = 1
    };
    return store_scan(dom_store(d), reg, &q, take, v, e);
}

store_filter vec_ref_filter(const regdef *reg, int fid, int64_t id)
{
    return (store_filter){ .field = field_def(reg, fid), .ival = id };
}

static int take_record(const record *r, void *ctx)
{
    vec *v = ctx;
    record_copy(vec_push(v), r, v->a);
    return 0;
}

int recs_load(dom *d, const regdef *reg, int fid, int64_t id, recs *out, isms_err *e)
{
    store_filter f = { 0 };
    if (fid)
        f = vec_ref_filter(reg, fid, id);
    vec v;
    int rc = vec_scan(d, reg, fid ? &f : NULL, 0, take_record, &v, sizeof(record), e);
    *out = (recs){ .r = v.items, .n = v.n };
    return rc;
}

const record *recs_by_id(const recs *v, int64_t id)
{
    vec all = { .items = v->r, .n = v->n, .size = sizeof(record) };
    return vec_find(&all, id, offsetof(record, id));
}
