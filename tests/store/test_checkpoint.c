/* SQLite's write-ahead log is copied back into the file by a thread beside
 * the writer (store/db_sqlite_checkpoint.c), not inside the commit that
 * fills it: the copy happens while the writer stays open and idle, it
 * counts as the thread's, and what was committed is there after a close
 * that comes in the middle of a copy. The page cache follows the file as
 * it grows. PostgreSQL has no such log or cache of isms's: skipped there. */
#include "support/testutil.h"
#include "store/db.h"
#include "store/db_sqlite_checkpoint.h"

#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

enum { PAGES = 3000 }; /* rows of about a page each: three times a due log */

static void exec_ok(db *d, const char *sql)
{
    isms_err e = { 0 };
    if (db_exec(d, sql, &e))
        fail_msg("%s: %s", sql, e.msg);
}

/* A new repository file with an empty table t; the connection is left open. */
static db *new_table(const char *name)
{
    isms_err e = { 0 };
    db *d;
    if (db_open(tu_path(name), 1, &d, &e))
        fail_msg("db_open: %s", e.msg);
    exec_ok(d, "CREATE TABLE t (x BLOB)");
    return d;
}

/* n rows of `blob` (an SQL expression) added to t in one transaction. */
static void add_rows(db *d, int n, const char *blob)
{
    isms_err e = { 0 };
    char sql[200];
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
             "INSERT INTO t SELECT %s FROM n",
             n, blob);
    exec_ok(d, sql);
    assert_int_equal(db_commit(d, &e), 0);
}

/* A new repository file with a table of PAGES rows committed in one
 * transaction; the connection is left open. */
static db *fill(const char *name)
{
    db *d = new_table(name);
    add_rows(d, PAGES, "randomblob(3000)");
    return d;
}

/* Rows of t as the file itself holds them, the log ignored (immutable). */
static int rows_in_file(const char *name)
{
    char uri[4200];
    snprintf(uri, sizeof uri, "file:%s?immutable=1", tu_path(name));
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    int n = -1;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM t", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    else
        n = 0; /* the table's creation is still only in the log */
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

static void the_log_is_copied_beside_the_writer(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    unsigned long before = sq_checkpoints_beside();
    db *d = fill("beside.isms");
    /* The commit itself copies nothing: SQLite's autocheckpoint, were it
     * still on, would have done it inside db_commit, and the thread would
     * have counted nothing. */
    for (int waited = 0; sq_checkpoints_beside() == before && waited < 2000; waited++)
        usleep(10 * 1000);
    assert_true(sq_checkpoints_beside() > before);
    assert_int_equal(rows_in_file("beside.isms"), PAGES);
    db_close(d);
}

static void a_close_during_a_copy_keeps_everything(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    for (int k = 0; k < 3; k++) {
        db_close(fill("closing.isms")); /* the thread has just been woken */
        assert_int_equal(rows_in_file("closing.isms"), PAGES);
        isms_err e = { 0 };
        assert_int_equal(db_remove(tu_path("closing.isms"), &e), 0);
    }
}

/* A small commit leaves the log to grow: no thread, no copy. */
static void small_commits_start_no_thread(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    unsigned long before = sq_checkpoints_beside();
    db *d = new_table("small.isms");
    exec_ok(d, "INSERT INTO t VALUES (randomblob(100))");
    usleep(200 * 1000);
    assert_int_equal(sq_checkpoints_beside(), before);
    db_close(d);
    assert_int_equal(rows_in_file("small.isms"), 1); /* the close copied it */
}

/* The connection's page cache in KB (PRAGMA cache_size, negative: KB). */
static long long cache_kb(db *d)
{
    isms_err e = { 0 };
    db_stmt *st;
    int row = 0;
    assert_int_equal(db_prep(d, "PRAGMA cache_size", &st, &e), 0);
    assert_int_equal(db_step(st, &row, &e), 0);
    assert_true(row);
    long long v = (long long)db_col_int(st, 0);
    db_done(st);
    return v < 0 ? -v : v * 4; /* pages of 4 KB */
}

/* Adds n pages' worth of rows to t and copies the log into the file. */
static void grow(db *d, int n)
{
    add_rows(d, n, "zeroblob(4000)");
    exec_ok(d, "PRAGMA wal_checkpoint(FULL)");
}

/* The cache a transaction begun now gets; *target: what the file's size
 * calls for (a sixteenth of it). */
static long long cache_at_begin(db *d, const char *name, long long *target)
{
    isms_err e = { 0 };
    assert_int_equal(db_begin(d, DB_READ, &e), 0);
    long long kb = cache_kb(d);
    db_rollback(d);
    struct stat st;
    assert_int_equal(stat(tu_path(name), &st), 0);
    *target = st.st_size / 1024 / 16;
    return kb;
}

/* A connection opened on a small file, whose file then grows to 48 MB,
 * gets the cache of 48 MB (it kept SQLite's 2 MB, and a load into a new
 * repository ran at a million records with it); a growth of less than an
 * eighth does not set it again. */
static void the_page_cache_follows_the_file(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    db *d = new_table("growing.isms");
    assert_true(cache_kb(d) <= 2048); /* SQLite's default */
    grow(d, 12000);
    long long target, kb = cache_at_begin(d, "growing.isms", &target);
    assert_int_equal(kb, target);
    assert_true(kb > 2900); /* 48 MB / 16 */
    grow(d, 500);           /* 2 MB more: under an eighth */
    assert_int_equal(cache_at_begin(d, "growing.isms", &target), kb);
    assert_true(target > kb && kb > target * 7 / 8);
    db_close(d);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(the_page_cache_follows_the_file),
        cmocka_unit_test(the_log_is_copied_beside_the_writer),
        cmocka_unit_test(a_close_during_a_copy_keeps_everything),
        cmocka_unit_test(small_commits_start_no_thread))
