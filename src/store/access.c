/* access.c: users, API tokens and sessions (migrations/0008_web_access.sql);
 * failed sign-ins (0012_signin_backoff.sql). */
#include "store/access.h"
#include "core/arena.h"
#include "store/store_internal.h"

#include <string.h>

static const char *dup(arena *a, const char *s) { return arena_strdup(a, s); }

static int exists(store *s, const char *sql, const char *text, int64_t id, int *found, isms_err *e)
{
    return store_one(s, sql, text, id, NULL, NULL, NULL, found, e);
}

/* The one row `sql` finds for `key`, read by `fn`; E_NOT_FOUND naming
 * `what` when there is none. */
static int get_row(store *s, const char *sql, const char *key, store_row_fn *fn, void *out,
                   arena *a, const char *what, isms_err *e)
{
    int found;
    int rc = store_one(s, sql, key, 0, fn, out, a, &found, e);
    if (!rc && !found)
        rc = err_set(e, E_NOT_FOUND, what, "no such %s", what);
    return rc;
}

int store_user_put(store *s, int64_t person, const char *hash, const char *now, isms_err *e)
{
    int found;
    int rc = exists(s, "SELECT 1 FROM web_user WHERE person = ?", NULL, person, &found, e);
    if (rc)
        return rc;
    /* The update binds the first three parameters, the insert all four. */
    const db_arg args[] = { DB_TEXT(hash), DB_TEXT(now), DB_INT(person), DB_TEXT(now) };
    return db_run_sql(s->db,
                      found
                          ? "UPDATE web_user SET password_hash = ?, updated_at = ? WHERE person = ?"
                          : "INSERT INTO web_user (password_hash, updated_at, person, created_at) "
                            "VALUES (?, ?, ?, ?)",
                      args, found ? 3 : 4, e);
}

int store_user_get(store *s, int64_t person, char **hash, arena *a, isms_err *e)
{
    int found;
    *hash = NULL;
    return store_one(s, "SELECT password_hash FROM web_user WHERE person = ?", NULL, person,
                     store_row_text, hash, a, &found, e);
}

int store_user_delete(store *s, int64_t person, isms_err *e)
{
    int found;
    int rc = exists(s, "SELECT 1 FROM web_user WHERE person = ?", NULL, person, &found, e);
    if (!rc && !found)
        rc = err_set(e, E_NOT_FOUND, "person", "person: not a user (no password to take away)");
    if (rc)
        return rc;
    return store_run1(s, "DELETE FROM web_user WHERE person = ?", NULL, person, e);
}
int store_user_scan(store *s, store_user_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int row,
        rc = db_prep(s->db, "SELECT person, created_at, updated_at FROM web_user ORDER BY person",
                     &st, e);
    if (rc)
        return rc;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        rc = fn(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}

int store_token_insert(store *s, const store_token *t, isms_err *e)
{
    int found;
    int rc = exists(s, "SELECT 1 FROM web_token WHERE name = ?", t->name, 0, &found, e);
    if (!rc && found)
        rc = err_set(e, E_CONFLICT, "name",
                     "name: there is already a token called %s (revoked tokens keep their names)",
                     t->name);
    if (rc)
        return rc;
    return DB_RUN(
        s->db, "INSERT INTO web_token (name, person, token_hash, created_at) VALUES (?, ?, ?, ?)",
        e, DB_TEXT(t->name), DB_INT(t->person), DB_TEXT(t->hash), DB_TEXT(t->created_at));
}

static void token_row(db_stmt *st, void *out, arena *a)
{
    *(store_token *)out = (store_token){ .name = dup(a, db_col_text(st, 0)),
                                         .person = db_col_int(st, 1),
                                         .hash = dup(a, db_col_text(st, 2)),
                                         .created_at = dup(a, db_col_text(st, 3)),
                                         .revoked_at = dup(a, db_col_text(st, 4)) };
}

#define TOKEN_COLUMNS "SELECT name, person, token_hash, created_at, revoked_at FROM web_token "

int store_token_find(store *s, const char *hash, store_token *out, arena *a, isms_err *e)
{
    return get_row(s, TOKEN_COLUMNS "WHERE token_hash = ?", hash, token_row, out, a, "token", e);
}

int store_token_revoke(store *s, const char *name, const char *now, isms_err *e)
{
    int found;
    int rc = exists(s, "SELECT 1 FROM web_token WHERE name = ? AND revoked_at IS NULL", name, 0,
                    &found, e);
    if (!rc && !found)
        rc = err_set(e, E_NOT_FOUND, "name", "name: there is no valid token called %s", name);
    if (rc)
        return rc;
    return DB_RUN(s->db, "UPDATE web_token SET revoked_at = ? WHERE name = ?", e, DB_TEXT(now),
                  DB_TEXT(name));
}

int store_token_scan(store *s, store_token_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, TOKEN_COLUMNS "ORDER BY name", &st, e);
    if (rc)
        return rc;
    arena a;
    arena_init(&a);
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        store_token t;
        token_row(st, &t, &a);
        rc = fn(&t, ctx);
        arena_reset(&a);
        if (rc)
            break;
    }
    arena_free(&a);
    db_done(st);
    return rc;
}

int store_session_insert(store *s, const store_session *ss, isms_err *e)
{
    return DB_RUN(s->db,
                  "INSERT INTO web_session (id_hash, person, csrf, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  e, DB_TEXT(ss->id_hash), DB_INT(ss->person), DB_TEXT(ss->csrf),
                  DB_TEXT(ss->created_at), DB_TEXT(ss->expires_at));
}

static void session_row(db_stmt *st, void *out, arena *a)
{
    *(store_session *)out = (store_session){ .id_hash = dup(a, db_col_text(st, 0)),
                                             .person = db_col_int(st, 1),
                                             .csrf = dup(a, db_col_text(st, 2)),
                                             .created_at = dup(a, db_col_text(st, 3)),
                                             .expires_at = dup(a, db_col_text(st, 4)) };
}

int store_session_get(store *s, const char *id_hash, store_session *out, arena *a, isms_err *e)
{
    return get_row(s,
                   "SELECT id_hash, person, csrf, created_at, expires_at FROM web_session "
                   "WHERE id_hash = ?",
                   id_hash, session_row, out, a, "session", e);
}

int store_session_delete(store *s, const char *id_hash, isms_err *e)
{
    return store_run1(s, "DELETE FROM web_session WHERE id_hash = ?", id_hash, 0, e);
}

int store_session_delete_person(store *s, int64_t person, isms_err *e)
{
    return store_run1(s, "DELETE FROM web_session WHERE person = ?", NULL, person, e);
}

int store_session_purge(store *s, const char *now, isms_err *e)
{
    return store_run1(s, "DELETE FROM web_session WHERE expires_at < ?", now, 0, e);
}

static void backoff_row(db_stmt *st, void *out, arena *a)
{
    *(store_backoff *)out =
        (store_backoff){ .failures = (int)db_col_int(st, 0),
                         .last_at = dup(a, db_col_text(st, 1)),
                         .until_at = db_col_null(st, 2) ? NULL : dup(a, db_col_text(st, 2)) };
}

int store_backoff_get(store *s, const char *who, store_backoff *out, arena *a, isms_err *e)
{
    int found;
    *out = (store_backoff){ 0 };
    return store_one(s, "SELECT failures, last_at, until_at FROM web_signin_failure WHERE who = ?",
                     who, 0, backoff_row, out, a, &found, e);
}

int store_backoff_put(store *s, const char *who, const store_backoff *b, isms_err *e)
{
    int rc = store_backoff_clear(s, who, e);
    if (rc)
        return rc;
    return DB_RUN(s->db,
                  "INSERT INTO web_signin_failure (who, failures, last_at, until_at) "
                  "VALUES (?, ?, ?, ?)",
                  e, DB_TEXT(who), DB_INT(b->failures), DB_TEXT(b->last_at), DB_TEXT(b->until_at));
}

int store_backoff_clear(store *s, const char *who, isms_err *e)
{
    return store_run1(s, "DELETE FROM web_signin_failure WHERE who = ?", who, 0, e);
}

int store_backoff_prune(store *s, const char *before, int keep, isms_err *e)
{
    int rc = store_run1(s, "DELETE FROM web_signin_failure WHERE last_at < ?", before, 0, e);
    if (rc)
        return rc;
    /* the index on last_at gives the keep-th newest without a sort */
    return store_run1(s,
                      "DELETE FROM web_signin_failure WHERE last_at < (SELECT last_at FROM "
                      "web_signin_failure ORDER BY last_at DESC LIMIT 1 OFFSET ?)",
                      NULL, keep, e);
}
