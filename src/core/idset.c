#include "core/idset.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

void idset_add(id_set *s, int64_t id)
{
    XGROW(s->ids, s->n, s->cap, 256);
    s->ids[s->n++] = id;
}

static int cmp_id(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

void ids_sort(int64_t *ids, size_t n)
{
    if (n)
        qsort(ids, n, sizeof *ids, cmp_id);
}

size_t ids_sort_unique(int64_t *ids, size_t n)
{
    ids_sort(ids, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || ids[i] != ids[k - 1])
            ids[k++] = ids[i];
    return k;
}

void idset_seal(id_set *s) { s->n = ids_sort_unique(s->ids, s->n); }

size_t ids_lower_bound(const int64_t *ids, size_t n, int64_t id)
{
    return ids_lower_bound_at(ids, n, sizeof *ids, 0, id);
}

size_t ids_lower_bound_at(const void *base, size_t n, size_t size, size_t offset, int64_t id)
{
    const char *at = (const char *)base + offset;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t v;
        memcpy(&v, at + mid * size, sizeof v);
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t idset_find(const id_set *s, int64_t id)
{
    size_t at = ids_lower_bound(s->ids, s->n, id);
    return at < s->n && s->ids[at] == id ? at : s->n;
}

int idset_has(const id_set *s, int64_t id) { return idset_find(s, id) < s->n; }

void idset_free(id_set *s)
{
    free(s->ids);
    memset(s, 0, sizeof *s);
}
