/* backup.h: a whole repository as one JSON document, and back.
 *
 *   isms export acme.json          every register and the whole ledger
 *   isms import acme.json new.isms a new repository, ledger included
 *
 * The document is deterministic (records in id order, no export time), so
 * export -> import -> export gives identical bytes, and the imported
 * repository verifies: the ledger is copied entry by entry, not rewritten.
 * Both stream: the document is written as the repository is read and read
 * a record and an entry at a time, so memory does not grow with it.
 * Format (docs/EXPORT.md):
 *   {"format": "isms-export", "format_version": 1, "schema_version": N,
 *    "repository": {...meta...}, "registers": {"people": [...], ...},
 *    "ledger": [{"seq", "ts", "actor", "entity", "key", "op", "data",
 *                "note", "prev_hash", "hash"}, ...]} */
#ifndef ISMS_BACKUP_H
#define ISMS_BACKUP_H

#include "domain/engine/dom.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

/* Long copies report progress (records and entries stored so far) and stop
 * when *cancel becomes non-zero: E_INTERRUPTED, and nothing is left. Both
 * members may be NULL; so may the whole watch. */
typedef struct backup_watch {
    void (*progress)(void *ctx, uint64_t done);
    void *ctx;
    const volatile sig_atomic_t *cancel;
} backup_watch;

int backup_export(dom *d, FILE *out, isms_err *e);
/* Creates `target` from the document at `path`; on any failure (a bad
 * document, a ledger that does not verify, an interruption) nothing is
 * left behind. */
int backup_import(const char *path, const char *target, const backup_watch *w, isms_err *e);
/* Copies the repository at `from` into a new one at `to` (`isms migrate`:
 * SQLite to PostgreSQL and back), ledger included, as export + import
 * would but without the document; `to` must verify, or nothing is left. */
int backup_copy(const char *from, const char *to, const backup_watch *w, isms_err *e);

#endif
