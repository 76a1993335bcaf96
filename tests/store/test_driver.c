/* The SQL driver beneath the store, on the backend under test: values
 * round-trip byte for byte, `?` placeholders are numbered outside quoted
 * text only, constraint violations are conflicts, savepoints nest, readers
 * see one snapshot, writers wait for each other, and no message ever shows
 * a password. */
#include "support/testutil.h"
#include "store/db.h"

#include <float.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *target;

static db *open_db(void)
{
    isms_err e = { 0 };
    db *d;
    if (db_open(target, 0, &d, &e))
        fail_msg("db_open: %s", e.msg);
    return d;
}

static void exec_ok(db *d, const char *sql)
{
    isms_err e = { 0 };
    if (db_exec(d, sql, &e))
        fail_msg("%s: %s", sql, e.msg);
}

static int setup(void **state)
{
    (void)state;
    target = tu_repo("driver.isms");
    isms_err e = { 0 };
    db *d;
    if (db_open(target, 1, &d, &e))
        fail_msg("db_open create: %s", e.msg);
    /* Two statements in one call: migrations are written that way. */
    exec_ok(d, "CREATE TABLE t (id BIGINT PRIMARY KEY, s TEXT, n BIGINT, x DOUBLE PRECISION);"
               "CREATE TABLE u (name TEXT NOT NULL UNIQUE)");
    db_close(d);
    return 0;
}

static void insert_row(db *d, int64_t id, const char *s, int64_t n, double x)
{
    db_stmt *st;
    isms_err e = { 0 };
    assert_int_equal(db_prep(d, "INSERT INTO t (id, s, n, x) VALUES (?, ?, ?, ?)", &st, &e), 0);
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, s);
    db_bind_int(st, 3, n);
    db_bind_double(st, 4, x);
    if (db_run(st, &e))
        fail_msg("insert %lld: %s", (long long)id, e.msg);
}

static const char *const texts[] = {
    "plain",
    "it's \"quoted\" and has a ? mark",
    "line one\nline two\ttabbed \\ backslash",
    "Grüße, 日本語, emoji \xF0\x9F\x94\x92",
    "",
    "  leading and trailing spaces  ",
    "$1 $2 looks like a placeholder; -- not a comment /* nor this */",
};

static void values_round_trip(void **state)
{
    (void)state;
    db *d = open_db();
    static const int64_t ints[] = { 0, 1, -1, INT64_MAX, INT64_MIN, 2500000000LL, 42 };
    static const double doubles[] = {
        0.1, 1e300, -2.5e-300, 1.0 / 3.0, DBL_MAX, DBL_MIN, 123456.789
    };
    enum { N = sizeof texts / sizeof *texts };
    for (int i = 0; i < N; i++)
        insert_row(d, i + 1, texts[i], ints[i], doubles[i]);
    db_stmt *st;
    isms_err e = { 0 };
    assert_int_equal(db_prep(d, "SELECT id, s, n, x FROM t ORDER BY id", &st, &e), 0);
    int row, i = 0;
    while (!db_step(st, &row, &e) && row) {
        assert_int_equal(db_col_int(st, 0), i + 1);
        assert_string_equal(db_col_text(st, 1), texts[i]);
        assert_true(db_col_int(st, 2) == ints[i]);
        assert_true(db_col_double(st, 3) == doubles[i]); /* exactly, not nearly */
        i++;
    }
    db_done(st);
    assert_int_equal(i, N);
    db_close(d);
}

static void nulls_are_nulls(void **state)
{
    (void)state;
    db *d = open_db();
    db_stmt *st;
    isms_err e = { 0 };
    assert_int_equal(db_prep(d, "INSERT INTO t (id, s, n, x) VALUES (?, ?, ?, ?)", &st, &e), 0);
    db_bind_int(st, 1, 100);
    db_bind_text(st, 2, NULL);
    db_bind_null(st, 3);
    db_bind_null(st, 4);
    assert_int_equal(db_run(st, &e), 0);
    assert_int_equal(db_prep(d, "SELECT s, n, x, id FROM t WHERE id = ?", &st, &e), 0);
    db_bind_int(st, 1, 100);
    int row;
    assert_int_equal(db_step(st, &row, &e), 0);
    assert_true(row);
    assert_true(db_col_null(st, 0) && db_col_null(st, 1) && db_col_null(st, 2));
    assert_null(db_col_text(st, 0));
    assert_false(db_col_null(st, 3));
    db_done(st);
    db_close(d);
}

/* A `?` inside a string literal, a quoted identifier or a comment is text,
 * not a parameter: only the last `?` here is bound. */
static void placeholders_skip_quoted_text(void **state)
{
    (void)state;
    db *d = open_db();
    db_stmt *st;
    isms_err e = { 0 };
    const char *sql = "SELECT s AS \"what?\" /* a ? here */ FROM t -- and ? here\n"
                      "WHERE s <> 'is it? it''s ?' AND id = ?";
    if (db_prep(d, sql, &st, &e))
        fail_msg("prepare: %s", e.msg);
    db_bind_int(st, 1, 2);
    int row;
    if (db_step(st, &row, &e))
        fail_msg("step: %s", e.msg);
    assert_true(row);
    assert_string_equal(db_col_text(st, 0), texts[1]);
    db_done(st);
    db_close(d);
}

static int add_u(db *d, const char *name, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(d, "INSERT INTO u (name) VALUES (?)", &st, e);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    return db_run(st, e);
}

static void unique_violation_is_a_conflict(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    assert_int_equal(add_u(d, "once", &e), 0);
    assert_int_equal(add_u(d, "once", &e), E_CONFLICT);
    assert_true(strstr(e.msg, "unique") || strstr(e.msg, "UNIQUE"));
    db_close(d);
}

/* The first column of the first row of `sql`; -1 when it has no row. */
static long count_rows(db *d, const char *sql)
{
    db_stmt *st;
    isms_err e = { 0 };
    int row;
    assert_int_equal(db_prep(d, sql, &st, &e), 0);
    assert_int_equal(db_step(st, &row, &e), 0);
    long n = row ? (long)db_col_int(st, 0) : -1;
    db_done(st);
    return n;
}

static long count_u(db *d) { return count_rows(d, "SELECT COUNT(*) FROM u"); }

/* A test's rows of t (those `where` selects) are n; they go, and d closes. */
static void rows_then_close(db *d, const char *where, int n)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM t WHERE %s", where);
    assert_int_equal(count_rows(d, sql), n);
    snprintf(sql, sizeof sql, "DELETE FROM t WHERE %s", where);
    exec_ok(d, sql);
    db_close(d);
}

/* A failed statement inside a savepoint rolls back to it, and the outer
 * transaction goes on and commits (PostgreSQL aborts the whole transaction
 * on an error unless the savepoint is rolled back). */
static void savepoints_nest(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    int64_t before = count_u(d);
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    assert_int_equal(add_u(d, "outer", &e), 0);
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0); /* a savepoint */
    assert_int_equal(add_u(d, "inner", &e), 0);
    isms_err dup = { 0 };
    assert_int_equal(add_u(d, "outer", &dup), E_CONFLICT);
    db_rollback(d); /* to the savepoint */
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    assert_int_equal(add_u(d, "kept", &e), 0);
    assert_int_equal(db_commit(d, &e), 0); /* release */
    assert_int_equal(db_commit(d, &e), 0);
    assert_int_equal(count_u(d), before + 2);
    db_close(d);
}

static int is_pg(db *d) { return !strcmp(db_kind(d), "postgres"); }

/* A write transaction whose writes may be sent ahead. */
static void begin_sending_ahead(db *d)
{
    isms_err e = { 0 };
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    db_defer_writes(d, 1);
}

/* A connection, with *before the rows of u now, in such a transaction. */
static db *open_sending_ahead(long *before)
{
    db *d = open_db();
    *before = count_u(d);
    begin_sending_ahead(d);
    return d;
}

/* Adds a duplicate of `name`: refused at once on SQLite; on PostgreSQL
 * sent ahead, the error to come (0 here). */
static int add_duplicate(db *d, const char *name, isms_err *e)
{
    int rc = add_u(d, name, e);
    if (is_pg(d))
        assert_int_equal(rc, 0);
    return rc;
}

/* Ends the savepoint or transaction of a write that may have failed: at
 * once (rc, rolled back as dom_txn_end does), or met by the release or
 * the commit. The error. */
static int end_after(db *d, int rc, isms_err *e)
{
    if (rc) {
        db_rollback(d);
        return rc;
    }
    return db_commit(d, e);
}

/* The error names the column, and on PostgreSQL the value (SQLite's
 * message has none). */
static void names_the_duplicate(db *d, const isms_err *e, const char *value)
{
    assert_string_equal(e->field, "name");
    char quoted[64];
    snprintf(quoted, sizeof quoted, "(%s)", value);
    if (is_pg(d) && !strstr(e->msg, quoted))
        fail_msg("%s: no %s", e->msg, quoted);
}

/* A duplicate added inside a savepoint with writes sent ahead: refused at
 * the savepoint's release at the latest, with its own error; only that
 * savepoint's work goes and the transaction commits the rest. */
static void a_write_sent_ahead_fails_its_savepoint_only(void **state)
{
    (void)state;
    long before;
    db *d = open_sending_ahead(&before);
    isms_err e = { 0 }, dup = { 0 };
    assert_int_equal(add_u(d, "ahead-outer", &e), 0);
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0); /* a savepoint */
    assert_int_equal(add_u(d, "ahead-inner", &e), 0);
    assert_int_equal(end_after(d, add_duplicate(d, "ahead-outer", &dup), &dup), E_CONFLICT);
    names_the_duplicate(d, &dup, "ahead-outer");
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    assert_int_equal(add_u(d, "ahead-kept", &e), 0);
    assert_int_equal(db_commit(d, &e), 0);
    assert_int_equal(count_rows(d, "SELECT COUNT(*) FROM u WHERE name LIKE 'ahead-%'"), 2);
    assert_int_equal(db_commit(d, &e), 0);
    db_defer_writes(d, 0);
    assert_int_equal(count_u(d), before + 2);
    assert_int_equal(count_rows(d, "SELECT COUNT(*) FROM u WHERE name = 'ahead-inner'"), 0);
    db_close(d);
}

/* A write sent ahead that fails makes the transaction's next query fail
 * with its error; a commit that meets one saves nothing. */
static void a_failed_write_sent_ahead_fails_what_follows(void **state)
{
    (void)state;
    long before;
    db *d = open_sending_ahead(&before);
    isms_err e = { 0 }, dup = { 0 };
    for (int k = 1; k <= 3; k++) { /* and read back before the duplicate */
        char name[16];
        snprintf(name, sizeof name, "follows-%d", k);
        assert_int_equal(add_u(d, name, &e), 0);
    }
    assert_int_equal(count_rows(d, "SELECT COUNT(*) FROM u WHERE name LIKE 'follows-%'"), 3);
    int rc = add_duplicate(d, "follows-1", &dup);
    if (!rc) { /* PostgreSQL: the next query meets it */
        db_stmt *st;
        int row;
        assert_int_equal(db_prep(d, "SELECT COUNT(*) FROM u", &st, &e), 0);
        rc = db_step(st, &row, &dup);
        db_done(st);
    }
    assert_int_equal(rc, E_CONFLICT);
    names_the_duplicate(d, &dup, "follows-1");
    isms_err ce = { 0 };
    assert_int_not_equal(end_after(d, is_pg(d) ? 0 : rc, &ce), 0);
    db_defer_writes(d, 0);
    assert_int_equal(count_u(d), before);
    /* the commit itself meets the failure */
    dup = (isms_err){ 0 };
    begin_sending_ahead(d);
    assert_int_equal(add_u(d, "commit-1", &e), 0);
    assert_int_equal(end_after(d, add_duplicate(d, "commit-1", &dup), &dup), E_CONFLICT);
    names_the_duplicate(d, &dup, "commit-1");
    db_defer_writes(d, 0);
    assert_int_equal(count_u(d), before);
    db_close(d);
}

/* A rollback that meets a failed write sent ahead still ends the
 * transaction (on PostgreSQL the server skips a ROLLBACK queued behind a
 * failure, so it is sent again on its own): nothing of it stays, and the
 * connection reads and writes at once. */
static void a_rollback_behind_a_failed_write_ends_the_transaction(void **state)
{
    (void)state;
    long before;
    db *d = open_sending_ahead(&before);
    isms_err e = { 0 }, dup = { 0 };
    assert_int_equal(add_u(d, "behind-1", &e), 0);
    if (add_duplicate(d, "behind-1", &dup) == 0 && is_pg(d))
        assert_int_equal(d->drv->txn_state(d), DB_TXN_OPEN); /* the failure not yet heard */
    db_rollback(d);
    db_defer_writes(d, 0);
    assert_int_equal(d->drv->txn_state(d), DB_TXN_NONE);
    assert_int_equal(count_u(d), before);
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    assert_int_equal(add_u(d, "behind-2", &e), 0);
    assert_int_equal(db_commit(d, &e), 0);
    assert_int_equal(count_u(d), before + 1);
    exec_ok(d, "DELETE FROM u WHERE name = 'behind-2'");
    db_close(d);
}

/* Queries sent together each get their own rows, whatever order they are
 * read in, the same query twice included; one given back unread leaves
 * the others and the connection as they were. */
static void queries_sent_together_each_get_their_rows(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    enum { N = 4 };
    static const int64_t ids[N] = { 901, 902, 903, 904 };
    for (int k = 0; k < N; k++)
        insert_row(d, ids[k], "sent", ids[k] * 10, 0.5);
    db_stmt *st[N], *unread;
    for (int k = 0; k < N; k++) {
        assert_int_equal(db_prep(d, "SELECT n FROM t WHERE id = ?", &st[k], &e), 0);
        db_bind_int(st[k], 1, ids[k]);
        assert_int_equal(db_send(st[k], &e), 0);
    }
    assert_int_equal(db_prep(d, "SELECT s FROM t WHERE id = ?", &unread, &e), 0);
    db_bind_int(unread, 1, ids[0]);
    assert_int_equal(db_send(unread, &e), 0);
    db_done(unread);
    for (int k = N - 1; k >= 0; k--) {
        int row;
        assert_int_equal(db_step(st[k], &row, &e), 0);
        assert_true(row);
        assert_int_equal(db_col_int(st[k], 0), ids[k] * 10);
        assert_int_equal(db_step(st[k], &row, &e), 0);
        assert_false(row);
        db_done(st[k]);
    }
    rows_then_close(d, "s = 'sent'", N);
}

/* A transaction the database ended behind the store's back (SQLite rolls
 * back on some I/O errors, a statement may RAISE(ROLLBACK)): every later
 * statement would commit on its own. The store must notice before each
 * statement and at COMMIT, and the write must leave nothing. */
static void a_lost_transaction_is_never_committed_piecemeal(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    insert_row(d, 71, "first", 1, 1.0);
    exec_ok(d, "ROLLBACK"); /* the database ends it; db.c still thinks it is open */
    db_stmt *st;
    int rc = db_prep(d, "INSERT INTO t (id, s, n, x) VALUES (72, 'second', 2, 2.0)", &st, &e);
    if (!rc)
        rc = db_run(st, &e);
    assert_int_equal(rc, E_STORE);
    assert_non_null(strstr(e.msg, "transaction"));
    isms_err ce = { 0 };
    assert_int_equal(db_commit(d, &ce), E_STORE);
    assert_int_equal(count_rows(d, "SELECT COUNT(*) FROM t WHERE id IN (71, 72)"), 0);
    /* and the connection works again afterwards */
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    insert_row(d, 73, "third", 3, 3.0);
    assert_int_equal(db_commit(d, &e), 0);
    rows_then_close(d, "id = 73", 1);
}

/* The same query shape used while its cached statement is still open gets
 * a statement of its own. */
static void nested_use_of_one_query(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    const char *sql = "SELECT id FROM t WHERE id <= ? ORDER BY id";
    db_stmt *outer, *inner;
    assert_int_equal(db_prep(d, sql, &outer, &e), 0);
    db_bind_int(outer, 1, 3);
    int row, pairs = 0;
    while (!db_step(outer, &row, &e) && row) {
        assert_int_equal(db_prep(d, sql, &inner, &e), 0);
        db_bind_int(inner, 1, db_col_int(outer, 0));
        int irow;
        while (!db_step(inner, &irow, &e) && irow)
            pairs++;
        db_done(inner);
    }
    db_done(outer);
    assert_int_equal(pairs, 1 + 2 + 3);
    db_close(d);
}

/* Texts with their values written in are each a statement of their own:
 * 3,000 of them keep a bounded number prepared, run right all the same,
 * and a text asked for again is served. */
static void the_prepared_statements_kept_are_bounded(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    size_t before = db_prepared_kept(d);
    for (int k = 1; k <= 3000; k++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) + %d FROM t WHERE id <= 3", k);
        db_stmt *st;
        int row;
        assert_int_equal(db_prep(d, sql, &st, &e), 0);
        assert_int_equal(db_step(st, &row, &e), 0);
        assert_true(row);
        assert_int_equal(db_col_int(st, 0), k + 3);
        db_done(st);
    }
    size_t kept = db_prepared_kept(d);
    assert_true(kept > before);
    assert_true(kept <= 1024);
    assert_int_equal(db_prepared_kept(d), kept);
    db_close(d);
}

/* One statement's text run n times (binding k), its rows read. */
static void run_times(db *d, const char *sql, int n)
{
    isms_err e = { 0 };
    for (int k = 0; k < n; k++) {
        db_stmt *st;
        int row;
        assert_int_equal(db_prep(d, sql, &st, &e), 0);
        db_bind_int(st, 1, k);
        while (!db_step(st, &row, &e) && row)
            ;
        db_done(st);
    }
}

/* PostgreSQL: a statement prepared on the server is prepared again, the
 * old one dropped, as its runs double past 64, so that a plan made while
 * its tables were small is not kept while they grow: after 300 runs the
 * server holds it once, planned for fewer than the 299 runs since it was
 * first prepared. */
static void a_prepared_statement_is_planned_again_as_it_runs(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    db *d = open_db();
    const char *sql = "SELECT id FROM t WHERE id > ? AND n IS NOT NULL ORDER BY id";
    run_times(d, sql, 300);
    db_stmt *st;
    int row;
    isms_err e = { 0 };
    assert_int_equal(db_prep(d,
                             "SELECT COUNT(*), MAX(generic_plans + custom_plans) FROM "
                             "pg_prepared_statements WHERE statement LIKE '%id > $1 AND n IS NOT%'",
                             &st, &e),
                     0);
    assert_int_equal(db_step(st, &row, &e), 0);
    assert_true(row);
    assert_int_equal(db_col_int(st, 0), 1);
    int64_t plans = db_col_int(st, 1);
    db_done(st);
    if (plans < 1 || plans >= 299)
        fail_msg("the statement was planned for %lld runs since it was prepared", (long long)plans);
    db_close(d);
}

/* A read transaction sees one moment: a commit by another connection
 * after its first read stays invisible until it ends. */
static void readers_see_one_snapshot(void **state)
{
    (void)state;
    db *reader = open_db(), *writer = open_db();
    isms_err e = { 0 };
    assert_int_equal(db_begin(reader, DB_READ, &e), 0);
    int64_t before = count_u(reader);
    assert_int_equal(db_begin(writer, DB_WRITE, &e), 0);
    assert_int_equal(add_u(writer, "while reading", &e), 0);
    assert_int_equal(db_commit(writer, &e), 0);
    assert_int_equal(count_u(reader), before);
    db_rollback(reader);
    assert_int_equal(count_u(reader), before + 1);
    db_close(reader);
    db_close(writer);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A second writer waits for the first one's commit, then sees its row:
 * the write lock that keeps the ledger's head from forking. */
static void writers_wait_for_each_other(void **state)
{
    (void)state;
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        db *d = open_db();
        isms_err e = { 0 };
        if (db_begin(d, DB_WRITE, &e))
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(2);
        usleep(400 * 1000);
        if (add_u(d, "first writer", &e) || db_commit(d, &e))
            _exit(3);
        db_close(d);
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    db *d = open_db();
    isms_err e = { 0 };
    double t0 = now_s();
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    double waited = now_s() - t0;
    db_stmt *st;
    int row;
    assert_int_equal(db_prep(d, "SELECT COUNT(*) FROM u WHERE name = 'first writer'", &st, &e), 0);
    assert_int_equal(db_step(st, &row, &e), 0);
    assert_int_equal(db_col_int(st, 0), 1);
    db_done(st);
    db_rollback(d);
    db_close(d);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(waited > 0.2);
    close(ready[0]);
    close(ready[1]);
}

/* A writer that waits longer than the lock timeout gives up with E_RETRY
 * and says why (PostgreSQL: the connection string may set the timeout;
 * SQLite's busy timeout is fixed at 30 s, too long for a test). */
static void a_busy_repository_says_retry(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        db *d = open_db();
        isms_err e = { 0 };
        char c;
        if (db_begin(d, DB_WRITE, &e) || write(ready[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
            _exit(1);
        db_rollback(d);
        db_close(d);
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    char impatient[1024];
    snprintf(impatient, sizeof impatient, "%s&options=-clock_timeout%%3D1s", target);
    isms_err e = { 0 };
    db *d;
    assert_int_equal(db_open(impatient, 0, &d, &e), 0);
    double t0 = now_s();
    assert_int_equal(db_begin(d, DB_WRITE, &e), E_RETRY);
    assert_true(now_s() - t0 < 10);
    assert_contains(e.msg, "busy");
    assert_contains(e.msg, "1s");
    assert_int_equal(write(done[1], "x", 1), 1);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    isms_err e2 = { 0 };
    assert_int_equal(db_begin(d, DB_WRITE, &e2), 0); /* free again */
    db_rollback(d);
    db_close(d);
    for (int i = 0; i < 2; i++) {
        close(ready[i]);
        close(done[i]);
    }
}

static void labels_never_show_a_password(void **state)
{
    (void)state;
    static const char *const targets[] = {
        "postgresql://acme:s3cr3t@db.example:5433/isms?sslmode=require",
        "postgres://acme:s3cr3t@/isms?host=/run/postgresql",
        "host=db.example dbname=isms user=acme password=s3cr3t",
        "dbname=isms password='s3cr3t with spaces'",
        "postgresql://acme:s3cr3t@db.example/isms?password=other",
        "host=db.example password=s3cr3t dbname='unterminated",
    };
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        char *label = db_label(targets[i]);
        assert_not_contains(label, "s3cr3t");
        assert_not_contains(label, "other");
        free(label);
    }
    char *label = db_label("host=db.example dbname=isms user=acme password=s3cr3t");
    assert_string_equal(label, "postgresql://acme@db.example/isms");
    free(label);
    /* Two repositories in one database, told apart by their search_path. */
    label = db_label("postgresql://acme:s3cr3t@/isms?host=/run/pg&options=-csearch_path%3Dacme");
    assert_string_equal(label, "postgresql://acme@/isms?host=/run/pg&options=-csearch_path=acme");
    free(label);
    /* Nor does a failed connection's message. */
    isms_err e = { 0 };
    db *d;
    assert_int_not_equal(
        db_open("host=/nonexistent-isms-socket dbname=x password=s3cr3t", 0, &d, &e), 0);
    assert_not_contains(e.msg, "s3cr3t");
}

/* Lists bound as one parameter (db_text_array, db_int_array: PostgreSQL
 * array literals, store_insert's rows in one statement): every element
 * comes back as it went, whatever it holds. SQLite has no arrays: there
 * the literal itself is checked. */
static void text_arrays_round_trip(void **state)
{
    (void)state;
    static const char *const awkward[] = {
        "plain",       "say \"hi\"",
        "back\\slash", "trailing\\",
        "a,b",         "{braces}",
        "}",           "",
        "NULL",        "null",
        " blanks ",    "\"",
        "\\\"",        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92",
        "tab\there",   "new\nline",
        "'single'",
    };
    enum { N = sizeof awkward / sizeof *awkward };
    static const int64_t ints[] = { 0, -1, INT64_MAX, INT64_MIN, 42 };
    char *lit = db_text_array(awkward, 3);
    assert_string_equal(lit, "{\"plain\",\"say \\\"hi\\\"\",\"back\\\\slash\"}");
    free(lit);
    char *none = db_text_array(awkward, 0);
    assert_string_equal(none, "{}");
    free(none);
    if (!tu_backend_is_pg())
        return;
    db *d = open_db();
    isms_err e = { 0 };
    db_stmt *st;
    lit = db_text_array(awkward, N);
    assert_int_equal(db_prep(d,
                             "SELECT u, n FROM unnest(?::text[]) WITH ORDINALITY AS x(u, n) "
                             "ORDER BY n",
                             &st, &e),
                     0);
    db_bind_text(st, 1, lit);
    free(lit);
    int row, k = 0;
    for (; !db_step(st, &row, &e) && row; k++) {
        assert_false(db_col_null(st, 0)); /* "NULL" stays a text */
        assert_string_equal(db_col_text(st, 0), awkward[k]);
    }
    db_done(st);
    assert_int_equal(k, N);
    char *nums = db_int_array(ints, 5);
    assert_int_equal(db_prep(d,
                             "SELECT u FROM unnest(?::bigint[]) WITH ORDINALITY AS x(u, n) "
                             "ORDER BY n",
                             &st, &e),
                     0);
    db_bind_text(st, 1, nums);
    free(nums);
    for (k = 0; !db_step(st, &row, &e) && row; k++)
        assert_true(db_col_int(st, 0) == ints[k]);
    db_done(st);
    assert_int_equal(k, 5);
    db_close(d);
}

/* One statement inside a transaction keeps the original of every page it
 * changes until it ends (SQLite: its statement journal), so that it can be
 * undone alone. A statement changing more pages than that journal keeps in
 * memory (an upgrade or a recount writing every risk of a large register)
 * goes on in a file. SQLite writes the memory out in pieces of the size the
 * memory was allowed and its file layer writes at most 128 KB at once: a
 * larger allowance made every such statement fail as "disk full". Here
 * 24 MB of rows, each changed by one statement. */
enum { WIDE_ROWS = 8000, WIDE_TEXT = 3000 };

static void one_statement_may_change_more_than_memory_keeps(void **state)
{
    (void)state;
    db *d = open_db();
    isms_err e = { 0 };
    char *text = malloc(WIDE_TEXT + 1);
    memset(text, 'w', WIDE_TEXT);
    text[WIDE_TEXT] = 0;
    exec_ok(d, "CREATE TABLE wide (id BIGINT PRIMARY KEY, n BIGINT NOT NULL CHECK (n >= 0), "
               "s TEXT NOT NULL)");
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    for (int i = 0; i < WIDE_ROWS; i++) {
        db_stmt *st;
        assert_int_equal(db_prep(d, "INSERT INTO wide (id, n, s) VALUES (?, 0, ?)", &st, &e), 0);
        db_bind_int(st, 1, i);
        db_bind_text(st, 2, text);
        if (db_run(st, &e))
            fail_msg("insert %d: %s", i, e.msg);
    }
    assert_int_equal(db_commit(d, &e), 0);
    free(text);
    assert_int_equal(db_begin(d, DB_WRITE, &e), 0);
    if (db_exec(d, "UPDATE wide SET n = n + 1", &e))
        fail_msg("one statement over every row: %s", e.msg);
    assert_int_equal(db_commit(d, &e), 0);
    db_stmt *st;
    int row;
    assert_int_equal(db_prep(d, "SELECT count(*) FROM wide WHERE n = 1", &st, &e), 0);
    assert_int_equal(db_step(st, &row, &e), 0);
    assert_true(row && db_col_int(st, 0) == WIDE_ROWS);
    db_done(st);
    exec_ok(d, "DROP TABLE wide");
    db_close(d);
}

TU_MAIN(setup, NULL, cmocka_unit_test(values_round_trip), cmocka_unit_test(nulls_are_nulls),
        cmocka_unit_test(placeholders_skip_quoted_text),
        cmocka_unit_test(unique_violation_is_a_conflict), cmocka_unit_test(savepoints_nest),
        cmocka_unit_test(a_write_sent_ahead_fails_its_savepoint_only),
        cmocka_unit_test(a_failed_write_sent_ahead_fails_what_follows),
        cmocka_unit_test(a_rollback_behind_a_failed_write_ends_the_transaction),
        cmocka_unit_test(queries_sent_together_each_get_their_rows),
        cmocka_unit_test(a_lost_transaction_is_never_committed_piecemeal),
        cmocka_unit_test(nested_use_of_one_query), cmocka_unit_test(readers_see_one_snapshot),
        cmocka_unit_test(writers_wait_for_each_other),
        cmocka_unit_test(a_busy_repository_says_retry),
        cmocka_unit_test(labels_never_show_a_password), cmocka_unit_test(text_arrays_round_trip),
        cmocka_unit_test(one_statement_may_change_more_than_memory_keeps),
        cmocka_unit_test(the_prepared_statements_kept_are_bounded),
        cmocka_unit_test(a_prepared_statement_is_planned_again_as_it_runs))
