/* db_sqlite.c: the SQLite driver. A repository is one file.
 *
 * Durability settings follow SQLite's documentation: WAL journal with
 * synchronous=FULL (NORMAL can lose the last transactions on power loss),
 * foreign keys on (off by default in SQLite), a busy timeout so that two
 * processes wait for each other instead of failing at once. */
#include "store/db.h"
#include "store/db_sqlite_checkpoint.h"
#include "store/db_sqlite_vfs.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct sq_check sq_check;

typedef struct sqlite_db {
    db base;
    sqlite3 *h;
    char *path;                    /* for messages */
    int readonly;                  /* opened read-only: the file or its storage cannot be written */
    sq_check *check;               /* running, or NULL */
    sq_checkpointer *checkpointer; /* a writer's (db_sqlite_checkpoint.c), or NULL */
    long long cache_kb;            /* the page cache follow_file last set; 0: SQLite's default,
                                    * -1: held small for scans (sq_scans_only) */
} sqlite_db;

/* The integrity checks running beside the caller (sq_integrity_begin). */
struct sq_check {
    pthread_t thread;
    sqlite_db conn; /* a read-only connection of the check's own */
    buf problems;
    isms_err e;
    int rc;
};

struct db_stmt {
    db_stmt_head head; /* first, as db.c expects */
    sqlite3_stmt *st;
};

enum { BUSY_TIMEOUT_MS = 30000 };

/* SQLite's page cache is 2 MB unless told otherwise. On a large
 * repository that makes every pass that is not a plain scan (a bulk load,
 * the upgrade that fills the Merkle tree, the index lookups of a
 * verification) read the same pages from the operating system again and
 * again: at a million records system time rose twenty-fold. The cache is
 * a sixteenth of the file, between 2 MB and 64 MB; it is memory only once
 * pages are read into it.
 *
 * It follows the file as it grows: a connection sized at open kept the
 * cache of the file it opened, so a load into a new repository, or a
 * server started on a small one, ran at a million records with 2 MB
 * (loading a million risks spent 14.8 s in the kernel, against 10.0 s
 * with the cache the file's size calls for; its whole CPU time, 98 to
 * 106 s against 93 to 100 s, moved less than the machine's noise). */
enum { CACHE_MIN_KB = 2 * 1024, CACHE_MAX_KB = 64 * 1024, CACHE_SHARE = 16 };

/* A hint: a failure leaves SQLite's default. */
static void set_cache_kb(sqlite3 *h, long long kb)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%lld", kb);
    sqlite3_exec(h, sql, NULL, NULL, NULL);
}

/* The cache a file of file_bytes calls for; 0 below the default's size. */
static long long cache_for(long long file_bytes)
{
    long long kb = file_bytes / 1024 / CACHE_SHARE;
    return kb <= CACHE_MIN_KB ? 0 : kb < CACHE_MAX_KB ? kb : CACHE_MAX_KB;
}

/* Sets d's cache for a file of file_bytes when that moved by an eighth or
 * more since it was last set (a growing file would otherwise run the
 * pragma at every transaction), or reached either bound. */
static void size_cache(sqlite_db *d, long long file_bytes)
{
    long long kb = cache_for(file_bytes), now = d->cache_kb;
    if (now < 0 || kb == now)
        return;
    int moved = kb > now + now / 8 || kb < now - now / 8 || kb == CACHE_MAX_KB || kb == 0;
    if (!moved)
        return;
    set_cache_kb(d->h, kb ? kb : CACHE_MIN_KB);
    d->cache_kb = kb;
}

/* At each transaction's start: one stat() against the commit's fsync. */
static void follow_file(sqlite_db *d)
{
    struct stat st;
    if (d->cache_kb >= 0 && stat(d->path, &st) == 0)
        size_cache(d, (long long)st.st_size);
}

static void sq_scans_only(db *base)
{
    sqlite_db *d = (sqlite_db *)base;
    set_cache_kb(d->h, CACHE_MIN_KB);
    d->cache_kb = -1;
}

static int sq_remove(const char *path, isms_err *e);

/* What the operating system said, when it said something useful. */
static int storage_error(const sqlite_db *d, int sys, isms_err *e)
{
    switch (sys) {
    case ENOSPC:
    case EDQUOT:
        return err_set(e, E_IO, "repository",
                       "the disk holding %s is full (or its quota is used up): nothing was saved; "
                       "free some space and run the command again",
                       d->path);
    case EROFS:
        return err_set(e, E_DENIED, "repository",
                       "%s is on a read-only file system: it can be read, not changed; nothing "
                       "was saved",
                       d->path);
    case EACCES:
    case EPERM:
        return err_set(e, E_DENIED, "repository",
                       "%s, or the directory it is in, may not be %s by this user (permission "
                       "denied); nothing was saved",
                       d->path, d->readonly ? "read" : "written");
    case EIO:
        return err_set(e, E_IO, "repository",
                       "input/output error on %s: the disk or the file system failed; nothing "
                       "was saved: check the storage, then run `isms verify`",
                       d->path);
    default: return 0;
    }
}

/* "UNIQUE constraint failed: ledger.seq" -> a sentence (db_unique_error). */
static int unique_error(const char *msg, isms_err *e)
{
    const char *what = strstr(msg, "failed: ");
    char table[64] = "", columns[160] = "";
    if (what) {
        what += 8;
        const char *dot = strchr(what, '.');
        snprintf(table, sizeof table, "%.*s", dot ? (int)(dot - what) : 0, what);
        /* "t.a, t.b" -> "a, b" */
        size_t n = 0;
        for (const char *p = what; *p && n + 1 < sizeof columns; p++) {
            if (!strncmp(p, table, strlen(table)) && p[strlen(table)] == '.' &&
                (p == what || p[-1] == ' ')) {
                p += strlen(table);
                continue;
            }
            columns[n++] = *p;
        }
        columns[n] = 0;
    }
    return db_unique_error(e, table, columns, NULL);
}

static int sq_error(sqlite_db *d, int src, isms_err *e, const char *what)
{
    sqlite3 *h = d->h;
    int ext = sqlite3_extended_errcode(h), sys = sqlite3_system_errno(h);
    const char *msg = sqlite3_errmsg(h);
    switch (src & 0xFF) {
    case SQLITE_CONSTRAINT:
        if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
            return unique_error(msg, e);
        return err_set(e, E_CONFLICT, NULL, "the repository refused the change (%s)", msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(
            e, E_RETRY, NULL,
            "the repository is busy (another isms process holds the write lock); try again");
    case SQLITE_READONLY:
        return err_set(e, E_DENIED, "repository",
                       "%s is read-only (%s): it can be verified, listed, shown and exported, not "
                       "changed; nothing was saved",
                       d->path,
                       d->readonly ? "the file, its directory or its file system cannot be written"
                                   : msg);
    case SQLITE_FULL: return storage_error(d, ENOSPC, e);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        if (storage_error(d, sys, NULL))
            return storage_error(d, sys, e);
        if ((src & 0xFF) == SQLITE_IOERR)
            return storage_error(d, EIO, e);
        return err_set(e, E_IO, "repository",
                       "cannot open %s or the files SQLite keeps beside it "
                       "(%s-wal, %s-shm): %s",
                       d->path, d->path, d->path, sys ? strerror(sys) : msg);
    case SQLITE_PERM:
    case SQLITE_AUTH: return err_set(e, E_DENIED, "repository", "%s: %s", d->path, msg);
    case SQLITE_CORRUPT:
        /* SQLite reports a read the disk failed (EIO) as damage: the
         * file's own last error tells them apart. */
        if (sqlite3_file_control(h, "main", SQLITE_FCNTL_LAST_ERRNO, &sys) == SQLITE_OK &&
            sys == EIO)
            return storage_error(d, EIO, e);
        return err_set(e, E_STORE, "repository",
                       "%s is damaged (%s): restore it from a backup or an export", d->path, msg);
    case SQLITE_NOTADB:
        return err_set(e, E_STORE, "repository",
                       "%s is not an isms repository: it is not a SQLite database", d->path);
    case SQLITE_NOMEM: return err_set(e, E_NOMEM, NULL, "out of memory");
    default: return err_set(e, E_STORE, NULL, "%s: %s", what, msg);
    }
}

/* `path` as a file: URI (RFC 3986: the characters that are not plain are
 * percent-encoded) with `query`. */
static char *file_uri(const char *path, const char *query)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p))
            buf_putc(&b, (char)*p);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    buf_printf(&b, "?%s", query);
    return buf_detach(&b);
}

/* Reads a page, so that a lazy open (SQLite opens files and maps the
 * -shm at the first read) fails here rather than later. */
static int probe(sqlite_db *d, isms_err *e)
{
    int rc = sqlite3_exec(d->h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sq_error(d, rc, e, "open");
}

/* The collation "C" (bytes, as strcmp orders them), which PostgreSQL has
 * built in: the queries that sort text say COLLATE "C" on both. */
static int bytes_compare(void *ctx, int na, const void *a, int nb, const void *b)
{
    (void)ctx;
    int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
    return c ? c : (na > nb) - (na < nb);
}

/* SQLite deletes the write-ahead log and its shared-memory index when the
 * last connection closes, and makes both again at the next open: two files
 * created, sized, owned and unlinked by every command, a read as much as a
 * write, which cost a one-record `risk show` more system time than its
 * reads. Kept (emptied on close: journal_size_limit), they are opened, not
 * made. A hint: where it fails SQLite deletes them as before. */
static void keep_log(sqlite3 *h)
{
    int keep = 1;
    sqlite3_file_control(h, "main", SQLITE_FCNTL_PERSIST_WAL, &keep);
}

/* Said once, before SQLite initialises (after, sqlite3_config refuses and
 * nothing changes):
 * - SQLite counts the memory it holds, under a global mutex, at every
 *   allocation: a lock and an unlock per malloc and free, some 6 % of a
 *   one-record `risk show`, for figures isms never reads;
 * - every add runs in a savepoint (a failed one is undone alone), whose
 *   sub-journal keeps the original of each page it changes. Past 64 KB
 *   (the default) that journal is a temporary file: two pwrites a page,
 *   some 56 system calls a risk added in a batch. Up to STMT_SPILL it
 *   stays in memory; a larger one (a bulk change in one savepoint) still
 *   spills to disk, through the file layer of db_sqlite_vfs.c (SQLite's
 *   own refuses the spill of an allowance above 128 KB). */
enum { STMT_SPILL = 16 * 1024 * 1024 };

static void configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, STMT_SPILL);
    sq_vfs_register();
}

static int sq_connect(sqlite_db *d, const char *name, int flags, const char *setup, isms_err *e)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure);
    sqlite3_close(d->h);
    d->h = NULL;
    int rc = sqlite3_open_v2(name, &d->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return d->h ? sq_error(d, rc, e, "open")
                    : err_set(e, E_NOMEM, "repository", "cannot open %s: %s", d->path,
                              sqlite3_errstr(rc));
    sqlite3_busy_timeout(d->h, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(d->h, 1);
    keep_log(d->h);
    rc = sqlite3_create_collation(d->h, "C", SQLITE_UTF8, NULL, bytes_compare);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(d->h, setup, NULL, NULL, NULL);
    return rc == SQLITE_OK ? probe(d, e) : sq_error(d, rc, e, "open");
}

/* journal_size_limit: with the log kept (keep_log), the last connection
 * to close still empties it, and a long write leaves no more than 16 MB. */
static const char rw_setup[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                               "PRAGMA journal_size_limit=16777216; "
                               "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;";
static const char ro_setup[] = "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;";

/* A non-empty write-ahead log beside the file: changes not yet in it. */
static int has_log(const char *path)
{
    char wal[4200];
    struct stat st;
    snprintf(wal, sizeof wal, "%s-wal", path);
    return stat(wal, &st) == 0 && st.st_size > 0;
}

/* A repository that cannot be written (a read-only mount, a WORM or
 * forensic copy, a write-protected file or directory): read-only, and
 * where SQLite cannot even make its shared-memory file beside it,
 * immutable, which is exact as long as no write-ahead log holds changes. */
static int open_readonly(sqlite_db *d, isms_err *e)
{
    d->readonly = 1;
    char *uri = file_uri(d->path, "mode=ro");
    isms_err first = { 0 };
    int rc = sq_connect(d, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, ro_setup, &first);
    free(uri);
    if (rc && first.code != E_STORE && !has_log(d->path)) {
        uri = file_uri(d->path, "immutable=1");
        rc = sq_connect(d, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, ro_setup, NULL);
        free(uri);
        if (!rc)
            return 0;
    }
    if (rc && first.code != E_STORE && has_log(d->path))
        return err_set(e, E_DENIED, "repository",
                       "%s cannot be written, and its write-ahead log (%s-wal) holds changes "
                       "SQLite cannot read without writing beside it: copy both files to "
                       "writable storage and open the copy",
                       d->path, d->path);
    if (rc)
        err_set(e, first.code, first.field, "%s", first.msg);
    return rc;
}

/* Can this process write the file and the directory holding it (WAL
 * mode makes -wal and -shm files there)? */
static int writable(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir] = 0;
    return access(path, W_OK) == 0 && access(slash ? dir : ".", W_OK) == 0;
}

/* A private in-memory database (the schema check's expectation). */
static int sq_open_memory(db **out, isms_err *e)
{
    sqlite_db *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(":memory:");
    d->cache_kb = -1; /* no file to follow */
    int rc = sq_connect(d, ":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY,
                        "PRAGMA trusted_schema=OFF;", e);
    if (rc) {
        sqlite3_close(d->h);
        free(d->path);
        free(d);
        return rc;
    }
    *out = &d->base;
    return 0;
}

static int sq_open(const char *path, int create, db **out, isms_err *e)
{
    if (create && !strcmp(path, ":memory:"))
        return sq_open_memory(out, e);
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (create && exists)
        return err_set(e, E_CONFLICT, "repository", "%s already exists; isms will not overwrite it",
                       path);
    if (!create && !exists)
        return err_set(e, errno == ENOENT ? E_NOT_FOUND : E_DENIED, "repository",
                       errno == ENOENT ? "no repository at %s (create one with: isms init %s)"
                                       : "cannot reach %s: %s",
                       path, errno == ENOENT ? path : strerror(errno));
    if (exists && !S_ISREG(st.st_mode))
        return err_set(e, E_STORE, "repository", "%s is not an isms repository: it is %s", path,
                       S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    sqlite_db *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    int rc;
    if (create || writable(path)) {
        rc = sq_connect(d, path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
                        rw_setup, e);
        /* SQLite opens a file it may not write read-only without a word. */
        if (!rc && !create && sqlite3_db_readonly(d->h, "main") == 1)
            rc = open_readonly(d, e);
    } else {
        rc = open_readonly(d, e);
    }
    if (rc) {
        sqlite3_close(d->h);
        free(d->path);
        free(d);
        if (create)
            sq_remove(path, NULL); /* nothing half-made is left behind */
        return rc;
    }
    size_cache(d, exists ? (long long)st.st_size : 0);
    if (!d->readonly)
        d->checkpointer = sq_checkpointer_start(d->h, path);
    d->base.readonly = d->readonly;
    *out = &d->base;
    return 0;
}

static void check_end(sqlite_db *d);

static void sq_close(db *base)
{
    sqlite_db *d = (sqlite_db *)base;
    check_end(d);
    sq_checkpointer_stop(d->checkpointer); /* before the writer, the last to close */
    sqlite3_close(d->h);
    free(d->path);
    free(d);
}

static int sq_exec(db *base, const char *sql, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : sq_error(d, rc, e, "SQL");
}

static int sq_prepare(db *base, const char *sql, db_stmt **out, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(d, rc, e, "prepare");
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

/* A bind that fails (out of memory copying the text) leaves the parameter
 * NULL: the statement must not run as if it had the value. */
static void bound(db_stmt *st, int rc)
{
    if (rc != SQLITE_OK)
        st->head.conn->starved = 1;
}

static void sq_bind_int(db_stmt *st, int i, int64_t v)
{
    bound(st, sqlite3_bind_int64(st->st, i, v));
}
static void sq_bind_double(db_stmt *st, int i, double v)
{
    bound(st, sqlite3_bind_double(st->st, i, v));
}
static void sq_bind_null(db_stmt *st, int i) { bound(st, sqlite3_bind_null(st->st, i)); }

static void sq_bind_text(db_stmt *st, int i, const char *s)
{
    bound(st, sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT));
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
    return sq_error(d, rc, e, "query");
}

static int sq_col_null(db_stmt *st, int c) { return sqlite3_column_type(st->st, c) == SQLITE_NULL; }
static int64_t sq_col_int(db_stmt *st, int c) { return sqlite3_column_int64(st->st, c); }
static double sq_col_double(db_stmt *st, int c) { return sqlite3_column_double(st->st, c); }

/* Called for a column that is not NULL (db_col_text asks first): NULL
 * here is SQLite out of memory converting the value to text. */
static const char *sq_col_text(db_stmt *st, int c)
{
    const char *text = (const char *)sqlite3_column_text(st->st, c);
    if (!text)
        st->head.conn->starved = 1;
    return text;
}

static void sq_reset(db_stmt *st)
{
    sqlite3_reset(st->st);
    sqlite3_clear_bindings(st->st);
}

static int sq_begin(db *base, int write, isms_err *e)
{
    follow_file((sqlite_db *)base);
    /* IMMEDIATE takes the write lock now, so a writer never discovers at
     * COMMIT that another got there first (SQLITE_BUSY_SNAPSHOT). */
    return sq_exec(base, write ? "BEGIN IMMEDIATE" : "BEGIN", e);
}

static int sq_txn_state(db *base)
{
    return sqlite3_get_autocommit(((sqlite_db *)base)->h) ? DB_TXN_NONE : DB_TXN_OPEN;
}

/* SQLite's progress handler: every few thousand instructions of a
 * statement, non-zero stops it (SQLITE_INTERRUPT). */
static int stop_when_set(void *flag) { return *(const volatile sig_atomic_t *)flag != 0; }

static void sq_watch(db *base, const volatile sig_atomic_t *flag)
{
    sqlite_db *d = (sqlite_db *)base;
    if (flag)
        sqlite3_progress_handler(d->h, 10000, stop_when_set, (void *)(uintptr_t)flag);
    else
        sqlite3_progress_handler(d->h, 0, NULL, NULL);
}

static int sq_backup(db *base, const char *to, isms_err *e)
{
    sqlite_db *d = (sqlite_db *)base;
    if (access(to, F_OK) == 0)
        return err_set(e, E_CONFLICT, "backup", "%s already exists", to);
    /* Written under another name and renamed when whole: a copy cut short
     * (Ctrl-C, a full disk) is never left where a whole one would be. */
    char part[4200];
    if ((size_t)snprintf(part, sizeof part, "%s.part", to) >= sizeof part)
        return err_set(e, E_USAGE, "backup", "%s: the name is too long", to);
    unlink(part); /* what an earlier copy cut short left */
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(d->h, "VACUUM INTO ?", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(d, rc, e, "backup");
    sqlite3_bind_text(s, 1, part, -1, SQLITE_TRANSIENT);
    /* A copy reads every page once and writes it once: a cache does not
     * help it, and VACUUM gives the copy the cache of the file it copies.
     * With the 64 MB a large file's reads call for (size_cache), a backup
     * of 1M records held 140 MB; with the least, 8.7 MB, and ran in 3.9 s
     * instead of 5.1 s. */
    set_cache_kb(d->h, CACHE_MIN_KB);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (d->cache_kb > 0)
        set_cache_kb(d->h, d->cache_kb);
    if (rc != SQLITE_DONE) {
        unlink(part);
        return sq_error(d, rc, e, "backup");
    }
    if (rename(part, to) != 0) {
        int err = errno;
        unlink(part);
        return err_set(e, E_STORE, "backup", "%s: %s", to, strerror(err));
    }
    return 0;
}

/* quick_check, not integrity_check: it reads every page once and checks
 * the b-trees, every record's format and the NOT NULL and CHECK
 * constraints, in time linear in the file. integrity_check also looks up
 * every index entry in its table, which grows as n log n with random
 * reads: at a million records it took 29 s of CPU, several times all the
 * rest of `isms verify`, whose own checks read every ledger entry, record
 * and tree node anyway. Neither looks at foreign keys; foreign_key_check
 * does. */
static int run_checks(sqlite_db *d, buf *problems, isms_err *e)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(d->h, "PRAGMA quick_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(d, rc, e, "quick_check");
    for (rc = sqlite3_step(s); rc == SQLITE_ROW; rc = sqlite3_step(s)) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (line && strcmp(line, "ok"))
            buf_printf(problems, "%s%s", problems->len ? "; " : "", line);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sq_error(d, rc, e, "quick_check");
    rc = sqlite3_prepare_v2(d->h, "PRAGMA foreign_key_check", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return sq_error(d, rc, e, "foreign_key_check");
    for (rc = sqlite3_step(s); rc == SQLITE_ROW; rc = sqlite3_step(s))
        buf_printf(problems, "%srow %lld of %s refers to a missing row of %s",
                   problems->len ? "; " : "", (long long)sqlite3_column_int64(s, 1),
                   (const char *)sqlite3_column_text(s, 0),
                   (const char *)sqlite3_column_text(s, 2));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : sq_error(d, rc, e, "foreign_key_check");
}

static void *check_thread(void *arg)
{
    sq_check *c = arg;
    c->rc = run_checks(&c->conn, &c->problems, &c->e);
    return NULL;
}

/* The checks read the committed database through a connection of their
 * own, so they may run while the caller reads through the main one. */
static void sq_integrity_begin(db *base)
{
    sqlite_db *d = (sqlite_db *)base;
    /* A read-only repository may need the immutable open that
     * open_readonly chose: sq_integrity runs the checks itself. */
    if (d->check || d->readonly)
        return;
    sq_check *c = xcalloc(1, sizeof *c);
    buf_init(&c->problems);
    c->conn.path = d->path; /* for messages; d outlives the check */
    c->conn.readonly = 1;
    int rc = sqlite3_open_v2(d->path, &c->conn.h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(c->conn.h, "PRAGMA trusted_schema=OFF", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        /* foreign_key_check looks each reference up in its table: with the
         * default 2 MB cache those reads went back to the operating system. */
        struct stat st;
        size_cache(&c->conn, stat(d->path, &st) == 0 ? (long long)st.st_size : 0);
        sqlite3_busy_timeout(c->conn.h, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(c->conn.h, 1);
        rc = pthread_create(&c->thread, NULL, check_thread, c) ? SQLITE_ERROR : SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
        sqlite3_close(c->conn.h); /* sq_integrity runs them itself */
        free(c);
        return;
    }
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
    sqlite3_close(c->conn.h);
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
        return run_checks(d, problems, e);
    buf_puts(problems, buf_str(&c->problems));
    int rc = c->rc ? err_set(e, c->rc, c->e.field, "%s", c->e.msg) : 0;
    buf_reset(&c->problems);
    free(c);
    return rc;
}

/* The database file and the two files WAL mode keeps beside it. */
static int sq_remove(const char *path, isms_err *e)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
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
    .bytes_collation = "",
    .sort_id = "",
    .word_table = "CREATE VIRTUAL TABLE record_word USING fts5(word, content='', detail=none, "
                  "columnsize=0, tokenize='unicode61 remove_diacritics 2')",
    .word_merge = "INSERT INTO record_word (record_word, rank) VALUES ('automerge', 16)",
    .word_merge_bound = "INSERT INTO record_word (record_word, rank) VALUES ('crisismerge', 64)",
    .word_clear = "INSERT INTO record_word (record_word) VALUES ('delete-all')",
    .statistics = "--",
    .fts_words = 1,
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
    .txn_state = sq_txn_state,
    .backup = sq_backup,
    .watch = sq_watch,
    .integrity = sq_integrity,
    .integrity_begin = sq_integrity_begin,
    .scans_only = sq_scans_only,
    .integrity_reads_all = 1,
    .remove = sq_remove,
    .label = sq_label,
};

/* ---- the search's words (db_words) ---- */

/* One tokenizer for the process, in a private in-memory connection: it
 * keeps a fold buffer between calls, so one thread at a time uses it. */
static struct {
    pthread_mutex_t lock;
    sqlite3 *h;
    fts5_tokenizer api;
    Fts5Tokenizer *tok;
} words = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int words_open(isms_err *e)
{
    fts5_api *fts = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_open(":memory:", &words.h);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(words.h, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
        sqlite3_step(st);
        rc = sqlite3_finalize(st);
    }
    void *user = NULL;
    if (rc == SQLITE_OK && fts)
        rc = fts->xFindTokenizer(fts, "unicode61", &user, &words.api);
    const char *args[] = { "remove_diacritics", "2" };
    if (rc == SQLITE_OK && fts)
        rc = words.api.xCreate(user, args, 2, &words.tok);
    if (rc == SQLITE_OK && words.tok)
        return 0;
    sqlite3_close(words.h);
    words.h = NULL;
    return err_set(e, E_STORE, "q", "SQLite's FTS5 tokenizer is not available: %s",
                   sqlite3_errstr(rc == SQLITE_OK ? SQLITE_ERROR : rc));
}

typedef struct word_call {
    db_word_fn *fn;
    void *ctx;
} word_call;

static int one_word(void *ctx, int flags, const char *word, int n, int start, int end)
{
    (void)flags, (void)start, (void)end;
    word_call *c = ctx;
    return c->fn(word, n, c->ctx);
}

int db_words(const char *text, db_word_fn *fn, void *ctx, isms_err *e)
{
    if (!text || !*text)
        return 0;
    pthread_mutex_lock(&words.lock);
    int rc = words.tok ? 0 : words_open(e);
    word_call c = { fn, ctx };
    if (!rc)
        rc = words.api.xTokenize(words.tok, &c, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text),
                                 one_word);
    pthread_mutex_unlock(&words.lock);
    if (rc && !e->code) /* SQLite's code, not ours: said as ours */
        rc = err_set(e, E_STORE, "q", "the search's tokenizer failed: %s", sqlite3_errstr(rc));
    return rc;
}
