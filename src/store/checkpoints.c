/* checkpoints.c: the ledger's hashes for its Merkle tree, the tree's
 * stored nodes (migrations/0006_ledger_tree.sql), and the table of issued
 * checkpoints (migrations/0002_checkpoints.sql). */
#include "store/store_internal.h"
#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int store_ledger_hashes(store *s, int64_t limit, store_hash_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db, "SELECT seq, hash FROM ledger WHERE seq <= ? ORDER BY seq", &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, limit > 0 ? limit : INT64_MAX);
    return store_seq_text_rows(st, fn, ctx, e);
}

int store_seq_text_rows(db_stmt *st, store_hash_fn fn, void *ctx, isms_err *e)
{
    db_many_rows(st);
    int row, rc;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        rc = fn(db_col_int(st, 0), db_col_text(st, 1), ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}

/* A hash column into hash[65]; E_TAMPERED when it is not 64 characters. */
static int take_hex(db_stmt *st, int col, char hash[65], const char *what, int64_t seq, isms_err *e)
{
    const char *text = db_col_text(st, col);
    if (!text || strlen(text) != 64)
        return err_set(e, E_TAMPERED, "hash", "%s #%lld has no valid hash: run isms verify", what,
                       (long long)seq);
    memcpy(hash, text, 65);
    return 0;
}

int store_ledger_hash(store *s, int64_t seq, char hash[65], isms_err *e)
{
    db_stmt *st;
    int rc = store_ledger_at(s, "SELECT hash FROM ledger WHERE seq = ?", seq, &st, e);
    if (rc)
        return rc;
    rc = take_hex(st, 0, hash, "ledger entry", seq, e);
    db_done(st);
    return rc;
}

int store_keeps_tree(const store *s) { return s->version >= STORE_SCHEMA_LEDGER_TREE; }

int store_tree_put(store *s, int64_t seq, int level, const char *hash, isms_err *e)
{
    int rc = DB_RUN(s->db, "INSERT INTO ledger_node (seq, level, hash) VALUES (?, ?, ?)", e,
                    DB_INT(seq), DB_INT(level), DB_TEXT(hash));
    if (!rc)
        store_tree_kept(s, seq, level, hash);
    return rc;
}

void store_tree_kept(store *s, int64_t seq, int level, const char *hash)
{
    if (level < 0 || level >= 64)
        return;
    tree_slot *slot = &s->tree[level][(seq >> level) & 1];
    slot->gen = db_write_gen(s->db);
    slot->seq = seq;
    snprintf(slot->hash, sizeof slot->hash, "%s", hash);
}

int store_tree_put_many(store *s, const int64_t *seq, const int *level, const char (*hash)[65],
                        int n, isms_err *e)
{
    enum { PER = 250 }; /* 750 parameters a statement */
    int rc = 0;
    for (int at = 0; at < n && !rc; at += PER) {
        int k = n - at < PER ? n - at : PER;
        db_stmt *st;
        rc = store_prep_rows(s, "INSERT INTO ledger_node (seq, level, hash) VALUES", "(?, ?, ?)", k,
                             &st, e);
        for (int j = 0, p = 1; j < k && !rc; j++) {
            db_bind_int(st, p++, seq[at + j]);
            db_bind_int(st, p++, level[at + j]);
            db_bind_text(st, p++, hash[at + j]);
        }
        if (!rc)
            rc = db_run(st, e);
    }
    return rc;
}

int store_tree_get(store *s, int64_t seq, int level, char hash[65], isms_err *e)
{
    if (level >= 0 && level < 64) {
        const tree_slot *slot = &s->tree[level][(seq >> level) & 1];
        if (slot->gen && slot->gen == db_write_gen(s->db) && slot->seq == seq) {
            memcpy(hash, slot->hash, 65);
            return 0;
        }
    }
    db_stmt *st;
    int row,
        rc = db_prep(s->db, "SELECT hash FROM ledger_node WHERE seq = ? AND level = ?", &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, seq);
    db_bind_int(st, 2, level);
    rc = db_step(st, &row, e);
    if (!rc && !row)
        rc = err_set(e, E_NOT_FOUND, "ledger_node",
                     "the ledger's tree has no node of level %d "
                     "ending at entry #%lld: run isms verify",
                     level, (long long)seq);
    if (!rc)
        rc = take_hex(st, 0, hash, "the tree node ending at entry", seq, e);
    db_done(st);
    return rc;
}

/* "SELECT ... WHERE seq IN (?, ..., ?)" with STORE_TREE_BATCH places:
 * one text, so one prepared statement, whatever the batch holds. */
static const char *batch_sql(int nodes, char *sql, size_t size)
{
    snprintf(sql, size, "%s",
             nodes ? "SELECT seq, level, hash FROM ledger_node WHERE seq IN ("
                   : "SELECT seq, 0, hash FROM ledger WHERE seq IN (");
    for (int i = 0; i < STORE_TREE_BATCH; i++)
        strncat(sql, i ? ", ?" : "?", size - strlen(sql) - 1);
    strncat(sql, ")", size - strlen(sql) - 1);
    return sql;
}

/* One query for up to STORE_TREE_BATCH of the wanted (level 0 or not). */
static int get_batch(store *s, int nodes, const int64_t *seq, const int *level, int n,
                     char (*hash)[65], int *next, isms_err *e)
{
    int take[STORE_TREE_BATCH], k = 0;
    for (; *next < n && k < STORE_TREE_BATCH; ++*next)
        if ((level[*next] > 0) == nodes)
            take[k++] = *next;
    if (!k)
        return 0;
    char sql[512];
    db_stmt *st;
    int row, rc = db_prep(s->db, batch_sql(nodes, sql, sizeof sql), &st, e);
    if (rc)
        return rc;
    for (int i = 0; i < STORE_TREE_BATCH; i++)
        db_bind_int(st, i + 1, i < k ? seq[take[i]] : 0); /* no entry has seq 0 */
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        int64_t got = db_col_int(st, 0);
        int lv = (int)db_col_int(st, 1);
        const char *text = db_col_text(st, 2);
        for (int i = 0; i < k; i++)
            if (seq[take[i]] == got && level[take[i]] == lv && text && strlen(text) == 64)
                memcpy(hash[take[i]], text, 65);
    }
    db_done(st);
    return rc;
}

int store_tree_get_many(store *s, const int64_t *seq, const int *level, int n, char (*hash)[65],
                        isms_err *e)
{
    for (int i = 0; i < n; i++)
        hash[i][0] = 0;
    for (int nodes = 0; nodes < 2; nodes++)
        for (int next = 0; next < n;) {
            int rc = get_batch(s, nodes, seq, level, n, hash, &next, e);
            if (rc)
                return rc;
        }
    return 0;
}

typedef struct node_args {
    store_node_fn fn;
    void *ctx;
} node_args;

static int to_node(int64_t seq, int64_t level, const char *hash, void *ctx)
{
    const node_args *a = ctx;
    return a->fn(seq, (int)level, hash, a->ctx);
}

int store_tree_scan(store *s, int64_t after, int64_t upto, store_node_fn fn, void *ctx, isms_err *e)
{
    return store_range_rows(s,
                            "SELECT seq, level, hash FROM ledger_node WHERE seq > ? AND seq <= ? "
                            "ORDER BY seq, level",
                            after, upto, to_node, &(node_args){ fn, ctx }, e);
}

static int key_id(store *s, const char *key, int64_t *id, isms_err *e)
{
    if (!key)
        return err_set(e, E_NOT_FOUND, "signed_by", "the checkpoint names no signing key");
    int found;
    *id = 0;
    int rc = store_one(s, "SELECT id FROM signing_key WHERE key = ?", key, 0, store_row_int, id,
                       NULL, &found, e);
    if (!rc && !*id)
        rc = err_set(e, E_NOT_FOUND, "signed_by", "there is no signing key %s", key);
    return rc;
}

static int next_id(store *s, int64_t *id, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM checkpoint", &st, e);
    return rc ? rc : db_first_int(st, 1, id, e);
}

int store_checkpoint_insert(store *s, store_checkpoint *c, isms_err *e)
{
    int64_t key;
    int rc = key_id(s, c->signed_by, &key, e);
    if (!rc && !c->id)
        rc = next_id(s, &c->id, e);
    if (rc)
        return rc;
    return DB_RUN(s->db,
                  "INSERT INTO checkpoint (id, created_at, actor, size, root, "
                  "signed_by, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  e, DB_INT(c->id), DB_TEXT(c->created_at), DB_TEXT(c->actor), DB_INT(c->size),
                  DB_TEXT(c->root), DB_INT(key), DB_TEXT(c->signature));
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
        rc = fn(&c, ctx, e);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}
