/* idset.h: a set of record ids, added in any order, then sealed (sorted,
 * repeats dropped) and looked up by halves. Owns its array. */
#ifndef ISMS_CORE_IDSET_H
#define ISMS_CORE_IDSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct id_set {
    int64_t *ids;
    size_t n, cap;
} id_set;

void idset_add(id_set *s, int64_t id);
/* Sorts the ids and drops repeats: idset_find and idset_has need it. */
void idset_seal(id_set *s);
/* The index of id among the sealed ids, or s->n. */
size_t idset_find(const id_set *s, int64_t id);
int idset_has(const id_set *s, int64_t id);
void idset_free(id_set *s);

/* Sorts ids[0..n) ascending; ids_sort_unique drops repeats too and
 * returns the count left. */
void ids_sort(int64_t *ids, size_t n);
size_t ids_sort_unique(int64_t *ids, size_t n);
/* Where id goes in ids[0..n) (ascending, repeats allowed): the first
 * index whose id is not below it. */
size_t ids_lower_bound(const int64_t *ids, size_t n, int64_t id);
/* The same over n structs of `size` bytes whose int64_t at `offset` is
 * ascending (an array of records by id, of links by target). */
size_t ids_lower_bound_at(const void *base, size_t n, size_t size, size_t offset, int64_t id);

#endif
