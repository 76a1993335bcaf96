/* checkpoints.h (backup): the checkpoint table in exports, imports and
 * copies. Records and ledger are backup.c's; these are the rows of
 * table checkpoint, as
 *   "checkpoints": [{"id", "created_at", "actor", "size", "root",
 *                    "signed_by", "signature"}, ...]
 * in id order. Imported rows are checked like any others: `isms verify`
 * (run on every import) holds the new ledger to each of them. */
#ifndef ISMS_BACKUP_CHECKPOINTS_H
#define ISMS_BACKUP_CHECKPOINTS_H

#include "domain/engine/dom.h"

#include "formats/json_stream.h"

/* Writes member "checkpoints" of the open document, inside the caller's
 * read transaction. */
int backup_checkpoints_export(dom *d, jsw *w, isms_err *e);
/* Stores the rows of `arr` (NULL: none), after the registers they name. */
int backup_checkpoints_import(store *s, const json_t *arr, isms_err *e);
/* Copies every row from one store to another. */
int backup_checkpoints_copy(store *from, store *to, isms_err *e);

#endif
