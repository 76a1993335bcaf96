/* store_internal.h: what the store's own modules share. */
#ifndef ISMS_STORE_INTERNAL_H
#define ISMS_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

struct regsql;

struct store {
    db *db;
    store_schema schema;
    int version;         /* the schema version once open */
    struct regsql **sql; /* per-register SQL text, built on first use */
    int nsql;
    char *schema_diff; /* schema.c: how the schema differs from its migrations', or NULL */
    int schema_checked;
};

/* Migration `version`'s SQL for the driver of d, malloc'd (store.c). */
char *store_migration_sql(const db *d, int version);

/* Per-register SQL (records.c). */
void regsql_free(store *s);

#endif
