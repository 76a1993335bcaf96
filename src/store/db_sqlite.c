/* db_sqlite.c: the SQLite driver. A repository is one file.
 *
 * Durability settings follow SQLite's documentation: WAL journal with
 * synchronous=FULL (NORMAL can lose the last transactions on power loss),
 * foreign keys on (off by default in SQLite), a busy timeout so that two
 * processes wait for each other instead of failing at once. */
#include "store/db.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The integrity checks running beside the caller (sq_integrity_begin). */
typedef struct sq_check {
    pthread_t thread;
    sqlite3 *h;          /* a read-only connection of the check's own */
    buf problems;
    isms_err e;
    int rc;
} sq_check;

typedef struct sqlite_db {
    db base;
    sqlite3 *h;
    char *path;
    sq_check *check;     /* running, or NULL */
} sqlite_db;

struct db_stmt {
    db_stmt_head head;   /* first, as db.c expects */
    sqlite3_stmt *st;
};

enum { BUSY_TIMEOUT_MS = 30000 };

/* SQLite's page cache is 2 MB unless told otherwise. On a large
 * repository that makes every pass that is not a plain scan (a bulk load,
 * the upgrade that fills the Merkle tree, the index lookups of a
 * verification) read the same pages from the operating system again and
 * again: at a million records system time rose twenty-fold. The cache is
 * a sixteenth of the file, between 2 MB and 64 MB; it is memory only once
 * pages are read into it. */
enum { CACHE_MIN_KB = 2 * 1024, CACHE_MAX_KB = 64 * 1024, CACHE_SHARE = 16 };

static void size_cache(sqlite3 *h, long long file_bytes)
{
    long long kb = file_bytes / 1024 / CACHE_SHARE;
    if (kb <= CACHE_MIN_KB)
        return;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", kb < CACHE_MAX_KB ? kb : CACHE_MAX_KB);
    sqlite3_exec(h, sql, NULL, NULL, NULL);   /* a hint: a failure leaves the default */
}

static int sq_error(sqlite3 *h, int src, isms_err *e, const char *what)
{
    int ext = sqlite3_extended_errcode(h);
    const char *msg = sqlite3_errmsg(h);
    switch (src & 0xFF) {
    case SQLITE_CONSTRAINT:
        if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
            return err_set(e, E_CONFLICT, NULL, "%s", msg);
        return err_set(e, E_CONFLICT, NULL, "%s: %s", what, msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(e, E_RETRY, NULL,
                       "the repository is busy (another isms process holds the write lock); try again");
    case SQLITE_FULL:
    case SQLITE_IOERR:
        return err_set(e, E_IO, NULL, "%s: %s", what, msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return err_set(e, E_STORE, NULL, "the repository file is damaged or not an isms repository: %s", msg);
    default:
        return err_set(e, E_STORE, NULL, "%s: %s", what, msg);
    }
}

static int sq_open(const char *path, int create, db **out, isms_err *e)
{
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (create && exists)
        return err_set(e, E_CONFLICT, "repository", "%s already exists; isms will not overwrite it", path);
    if (!create && !exists)
        return err_set(e, E_NOT_FOUND, "repository",
                       "no repository at %s (create one with: isms init %s)", path, path);
    sqlite_db *d = xcalloc(1, sizeof *d);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &d->h, flags, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, E_STORE, "repository", "cannot open %s: %s", path,
                d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
        sqlite3_close(d->h);
        free(d);
        return E_STORE;
    }
    sqlite3_busy_timeout(d->h, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(d->h, 1);
    char *msg = NULL;
    rc = sqlite3_exec(d->h,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                      "PRAGMA trusted_schema=OFF;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(e, rc == SQLITE_NOTADB ? E_STORE : E_STORE, "repository",
                "%s is not an isms repository (%s)", path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(d->h);
        free(d);
        return E_STORE;
    }
    size_cache(d->h, exists ? (long long)st.st_size : 0);
    d->path = xstrdup(path);
    *out = &d->base;
    return 0;
}

static void check_end(sqlite_db *d);

static void sq_close(db *base)
{
    sqlite_db *d = (sqlite_db *)base;
    check_end(d);
    sqlite3_close(d->h);
    free(d->path);
    free(d);
}

static int sq_exec(db *base, const char *sql, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sq_error(d->h, rc, e, "SQL");
}

static int sq_prepare(db *base, const char *sql, db_stmt **out, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(d->h, rc, e, "prepare");
    db_stmt *st = xcalloc(1, sizeof *st);
    st->head.conn = base;
    st->st = s;
    *out = st;
    return 0;
}

static void sq_finalize(db_stmt *st)
{
    sqlite3_finalize(st->st);
    free(st);
}

static void sq_bind_int(db_stmt *st, int i, int64_t v) { sqlite3_bind_int64(st->st, i, v); }
static void sq_bind_double(db_stmt *st, int i, double v) { sqlite3_bind_double(st->st, i, v); }
static void sq_bind_null(db_stmt *st, int i) { sqlite3_bind_null(st->st, i); }

static void sq_bind_text(db_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT);
}

static int sq_step(db_stmt *st, int *row, isms_err *e)
{
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW) {
        *row = 1;
        return 0;
    }
    *row = 0;
    if (rc == SQLITE_DONE)
        return 0;
    sqlite_db *d = (sqlite_db *)st->head.conn;
    return sq_error(d->h, rc, e, "query");
}

static int sq_col_null(db_stmt *st, int c) { return sqlite3_column_type(st->st, c) == SQLITE_NULL; }
static int64_t sq_col_int(db_stmt *st, int c) { return sqlite3_column_int64(st->st, c); }
static double sq_col_double(db_stmt *st, int c) { return sqlite3_column_double(st->st, c); }

static const char *sq_col_text(db_stmt *st, int c)
{
    return (const char *)sqlite3_column_text(st->st, c);
}

static void sq_reset(db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

static int sq_begin(db *base, int write, isms_err *e)
{
    /* IMMEDIATE takes the write lock now, so a writer never discovers at
     * COMMIT that another got there first (SQLITE_BUSY_SNAPSHOT). */
    return sq_exec(base, write ? "BEGIN IMMEDIATE" : "BEGIN", e);
}

static int sq_backup(db *base, const char *to, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    if (access(to, F_OK) == 0)
        return err_set(e, E_CONFLICT, "backup", "%s already exists", to);
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(d->h, "VACUUM INTO ?", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(d->h, rc, e, "backup");
    sqlite3_bind_text(s, 1, to, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : sq_error(d->h, rc, e, "backup");
}

/* quick_check, not integrity_check: it reads every page once and checks
 * the b-trees, every record's format and the NOT NULL and CHECK
 * constraints, in time linear in the file. integrity_check also looks up
 * every index entry in its table, which grows as n log n with random
 * reads: at a million records it took 29 s of CPU, several times all the
 * rest of `isms verify`, whose own checks read every ledger entry, record
 * and tree node anyway. Neither looks at foreign keys; foreign_key_check
 * does. */
static int run_checks(sqlite3 *h, buf *problems, isms_err *e)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(h, rc, e, "quick_check");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (line && strcmp(line, "ok"))
            buf_printf(problems, "%s%s", problems->len ? "; " : "", line);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sq_error(h, rc, e, "quick_check");
    rc = sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(h, rc, e, "foreign_key_check");
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        buf_printf(problems, "%srow %lld of %s refers to a missing row of %s",
                   problems->len ? "; " : "", (long long)sqlite3_column_int64(s, 1),
                   (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 2));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : sq_error(h, rc, e, "foreign_key_check");
}

static void *check_thread(void *arg)
{
    sq_check *c = arg;
    c->rc = run_checks(c->h, &c->problems, &c->e);
    return NULL;
}

/* The checks read the committed database through a connection of their
 * own, so they may run while the caller reads through the main one. */
static void sq_integrity_begin(db *base)
{
    sqlite_db *d = (sqlite_db *)base;
    if (d->check)
        return;
    sq_check *c = xcalloc(1, sizeof *c);
    buf_init(&c->problems);
    if (sqlite3_open_v2(d->path, &c->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(c->h, "PRAGMA trusted_schema=OFF", NULL, NULL, NULL) != SQLITE_OK ||
        pthread_create(&c->thread, NULL, check_thread, c)) {
        sqlite3_close(c->h);   /* sq_integrity runs them itself */
        free(c);
        return;
    }
    sqlite3_busy_timeout(c->h, BUSY_TIMEOUT_MS);
    d->check = c;
}

/* Waits for checks begun and forgets them; their result is *c (NULL when
 * none were begun), for the caller to free. */
static sq_check *check_join(sqlite_db *d)
{
    sq_check *c = d->check;
    if (!c)
        return NULL;
    pthread_join(c->thread, NULL);
    sqlite3_close(c->h);
    d->check = NULL;
    return c;
}

static void check_end(sqlite_db *d)
{
    sq_check *c = check_join(d);
    if (c)
        buf_reset(&c->problems);
    free(c);
}

static int sq_integrity(db *base, void *out, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    buf *problems = out;
    sq_check *c = check_join(d);
    if (!c)
        return run_checks(d->h, problems, e);
    buf_puts(problems, buf_str(&c->problems));
    int rc = c->rc ? err_set(e, c->rc, c->e.field, "%s", c->e.msg) : 0;
    buf_reset(&c->problems);
    free(c);
    return rc;
}

/* The database file and the two files WAL mode keeps beside it. */
static int sq_remove(const char *path, isms_err *e)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char side[4200];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(side, sizeof side, "%s%s", path, suffixes[i]);
        if (unlink(side) && errno != ENOENT)
            return err_set(e, E_IO, "repository", "cannot remove %s: %s", side, strerror(errno));
    }
    return 0;
}

static char *sq_label(const char *path) { return xstrdup(path); }

const db_driver db_sqlite_driver = {
    .name = "sqlite",
    .id_column = "INTEGER PRIMARY KEY",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_null = sq_col_null,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .reset = sq_reset,
    .begin = sq_begin,
    .backup = sq_backup,
    .integrity = sq_integrity,
    .integrity_begin = sq_integrity_begin,
    .remove = sq_remove,
    .label = sq_label,
};
