/* store_internal.h: what the store's own modules share. */
#ifndef ISMS_STORE_INTERNAL_H
#define ISMS_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

struct regsql;

struct store {
    db *db;
    store_schema schema;
    int version;             /* the schema version once open */
    struct regsql **sql;     /* per-register SQL text, built on first use */
    int nsql;
};

/* Per-register SQL (records.c). */
void regsql_free(store *s);

#endif
