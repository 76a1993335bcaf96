/* collect.h: a view's registers read into arrays in the request's arena.
 * Views that compute in memory (coverage, drift, the OSCAL export) read
 * each register they need once, by one store scan, into a growing array
 * whose items begin with the record's id, then find references in it by
 * bisection: scans come in id order, so no map is needed. */
#ifndef ISMS_DOMAIN_COLLECT_H
#define ISMS_DOMAIN_COLLECT_H

#include "domain/engine/dom.h"

#include <stddef.h>

/* A growing array of `size`-byte items in arena a. */
typedef struct vec {
    void *items;
    int n;
    size_t cap, size;
    arena *a;
} vec;

/* A new zeroed item at the end of v. */
void *vec_push(vec *v);

/* The item of v whose int64_t id (at id_offset in the item) is id, or
 * NULL. v's items must be in id order, as scans give them. */
void *vec_find(const vec *v, int64_t id, size_t id_offset);
#define VEC_FIND(type, v, id) ((type *)vec_find((v), (id), offsetof(type, id)))

/* Scans reg (only the records whose field f selects, when f is not NULL;
 * retired ones too when retired_too) into v, a new vec of `size`-byte
 * items, through take(record, v). References come as ids, not keys: a
 * lookup per reference and row would be most of a scan's cost. */
int vec_scan(dom *d, const regdef *reg, const store_filter *f, int retired_too,
             store_record_fn take, vec *v, size_t size, isms_err *e);

/* The filter "field fid of reg holds the reference id". */
store_filter vec_ref_filter(const regdef *reg, int fid, int64_t id);

/* Whole records, copied into the arena: the active records of reg (those
 * whose field fid refers to id, when fid is not 0), in id order. */
typedef struct recs {
    record *r;
    int n;
} recs;

int recs_load(dom *d, const regdef *reg, int fid, int64_t id, recs *out, isms_err *e);

/* The record of v with this id, or NULL. */
const record *recs_by_id(const recs *v, int64_t id);

#endif
