/* scan_ids.c: records read by id where they are few, else all of them
 * (dom_scan_ids). */
#include "domain/engine/dom_internal.h"
#include "domain/registers/tallies.h"

#include <stdio.h>

/* The register's count of active records as kept (records.NAME), or -1
 * where it cannot be read now (an older schema; a write transaction whose
 * changes to it wait for the commit). */
static int64_t kept_count(dom *d, const regdef *reg)
{
    char name[64];
    snprintf(name, sizeof name, TALLY_RECORDS_PREFIX "%s", reg->name);
    const char *names[] = { name };
    int64_t n;
    isms_err why = { 0 };
    return store_keeps_accountability(d->st) && !store_tally_sum(d->st, names, 1, &n, &why) ? n
                                                                                            : -1;
}

int dom_scan_ids(dom *d, const regdef *reg, const int64_t *ids, size_t n, int retired_too,
                 store_record_fn fn, void *ctx, isms_err *e)
{
    enum { CHUNK = 500 };
    /* every record only where the kept count says it is cheaper: unknown
     * (inside a write, on an older schema), by id, which costs the ids */
    int64_t all = kept_count(d, reg);
    if (all >= 0 && (int64_t)n * 4 > all) {
        store_query every = { .include_retired = retired_too, .ids_only = 1 };
        return store_scan(d->st, reg, &every, fn, ctx, e);
    }
    int rc = 0;
    for (size_t at = 0; at < n && !rc; at += CHUNK) {
        store_query q = { .include_retired = retired_too,
                          .ids_only = 1,
                          .ids = ids + at,
                          .nids = (int)(n - at < CHUNK ? n - at : CHUNK) };
        rc = store_scan(d->st, reg, &q, fn, ctx, e);
    }
    return rc;
}
