/* checkpoints.c: the ledger's hashes for its Merkle tree, and the table of
 * issued checkpoints (migrations/0002_checkpoints.sql). */
#include "store/store_internal.h"

#include <stdint.h>

int store_ledger_hashes(store *s, int64_t limit, store_hash_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int row,
        rc = db_prep(s->db, "SELECT seq, hash FROM ledger WHERE seq <= ? ORDER BY seq", &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, limit > 0 ? limit : INT64_MAX);
    db_many_rows(st);
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        rc = fn(db_col_int(st, 0), db_col_text(st, 1), ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}

static int key_id(store *s, const char *key, int64_t *id, isms_err *e)
{
    if (!key)
        return err_set(e, E_NOT_FOUND, "signed_by", "the checkpoint names no signing key");
    db_stmt *st;
    int row, rc = db_prep(s->db, "SELECT id FROM signing_key WHERE key = ?", &st, e);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    rc = db_step(st, &row, e);
    *id = !rc && row ? db_col_int(st, 0) : 0;
    db_done(st);
    if (!rc && !*id)
        rc = err_set(e, E_NOT_FOUND, "signed_by", "there is no signing key %s", key);
    return rc;
}

static int next_id(store *s, int64_t *id, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM checkpoint", &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    *id = !rc && row ? db_col_int(st, 0) : 1;
    db_done(st);
    return rc;
}

int store_checkpoint_insert(store *s, store_checkpoint *c, isms_err *e)
{
    int64_t key;
    int rc = key_id(s, c->signed_by, &key, e);
    if (!rc && !c->id)
        rc = next_id(s, &c->id, e);
    if (rc)
        return rc;
    db_stmt *st;
    rc = db_prep(s->db,
                 "INSERT INTO checkpoint (id, created_at, actor, size, root, "
                 "signed_by, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->id);
    db_bind_text(st, 2, c->created_at);
    db_bind_text(st, 3, c->actor);
    db_bind_int(st, 4, c->size);
    db_bind_text(st, 5, c->root);
    db_bind_int(st, 6, key);
    db_bind_text(st, 7, c->signature);
    return db_run(st, e);
}

int store_checkpoint_scan(store *s, store_checkpoint_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int row,
        rc =
            db_prep(s->db,
                    "SELECT c.id, c.created_at, c.actor, c.size, c.root, k.key, c.signature "
                    "FROM checkpoint c LEFT JOIN signing_key k ON k.id = c.signed_by ORDER BY c.id",
                    &st, e);
    if (rc)
        return rc;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        store_checkpoint c = {
            .id = db_col_int(st, 0),
            .created_at = db_col_text(st, 1),
            .actor = db_col_text(st, 2),
            .size = db_col_int(st, 3),
            .root = db_col_text(st, 4),
            .signed_by = db_col_text(st, 5),
            .signature = db_col_text(st, 6),
        };
        rc = fn(&c, ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}
