#include "store/db.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The statement cache: open addressing on the SQL text. SQL strings are
 * few (one per query shape) and live for the connection's lifetime. */
typedef struct cache_slot {
    char *sql;
    db_stmt *st;
} cache_slot;

struct db_stmt_cache {
    cache_slot *slots;
    size_t cap, used;
};

/* "postgres:" or "postgresql:" in any case counts too: a mistyped URI
 * (postgresql:/..., POSTGRESQL://...) is then refused by the PostgreSQL
 * driver without being shown, rather than named as a file that does not
 * exist, password and all. */
static int is_pg_target(const char *t)
{
    return !strncasecmp(t, "postgres:", 9) || !strncasecmp(t, "postgresql:", 11) ||
           strstr(t, "dbname=") || strstr(t, "host=") || strstr(t, "service=");
}

static const db_driver *driver_for(const char *target)
{
    return is_pg_target(target) ? &db_pg_driver : &db_sqlite_driver;
}

int db_open(const char *target, int create, db **out, isms_err *e)
{
    const db_driver *drv = driver_for(target);
    *out = NULL;
    int rc = drv->open(target, create, out, e);
    if (rc)
        return rc;
    (*out)->drv = drv;
    (*out)->cache = xcalloc(1, sizeof(struct db_stmt_cache));
    return 0;
}

void db_close(db *d)
{
    if (!d)
        return;
    struct db_stmt_cache *c = d->cache;
    if (d->in_txn)
        db_rollback(d);
    if (c) {
        for (size_t i = 0; i < c->cap; i++) {
            if (c->slots[i].sql) {
                d->drv->finalize(c->slots[i].st);
                free(c->slots[i].sql);
            }
        }
        free(c->slots);
        free(c);
    }
    d->drv->close(d);
}

const char *db_kind(const db *d) { return d->drv->name; }

int db_remove(const char *target, isms_err *e) { return driver_for(target)->remove(target, e); }
char *db_label(const char *target) { return driver_for(target)->label(target); }

/* A transaction db.c began but the database no longer has: SQLite rolled
 * it back after an error (an I/O error, a full disk, RAISE(ROLLBACK)), or
 * the connection dropped. Every statement after that would run and commit
 * on its own, so none runs: the write fails whole and leaves nothing. */
static int txn_lost(db *d, isms_err *e)
{
    if (d->starved)
        return err_set(e, E_NOMEM, NULL,
                       "out of memory while reading or writing the repository; nothing of this "
                       "change was saved");
    if (!d->in_txn || d->drv->txn_state(d) != DB_TXN_NONE)
        return 0;
    return err_set(e, E_STORE, NULL,
                   "the transaction was ended by the database after an earlier error; "
                   "nothing of this change was saved");
}

int db_exec(db *d, const char *sql, isms_err *e)
{
    d->gen++; /* raw SQL may change anything */
    int rc = txn_lost(d, e);
    if (rc)
        return rc;
    return d->drv->exec(d, sql, e);
}

static db_stmt_head *head_of(db_stmt *st) { return (db_stmt_head *)st; }
static const db_driver *drv_of(db_stmt *st) { return head_of(st)->conn->drv; }

static void cache_grow(struct db_stmt_cache *c)
{
    size_t cap = c->cap ? c->cap * 2 : 64;
    cache_slot *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].sql)
            continue;
        size_t j = strmap_hash(c->slots[i].sql) & (cap - 1);
        while (slots[j].sql)
            j = (j + 1) & (cap - 1);
        slots[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
}

/* Statements kept prepared, at most: a text made with its values written
 * in (a list of ids, a cursor's place) is a new statement each time, and
 * a long import or a server's weeks of pages would keep every one. Past
 * this many, a new text is prepared for its one use (db_prep_once). */
enum { CACHE_MOST = 1024 };

int db_prep(db *d, const char *sql, db_stmt **out, isms_err *e)
{
    struct db_stmt_cache *c = d->cache;
    if (c->used * 2 >= c->cap)
        cache_grow(c);
    size_t j = strmap_hash(sql) & (c->cap - 1);
    while (c->slots[j].sql) {
        if (!strcmp(c->slots[j].sql, sql))
            break;
        j = (j + 1) & (c->cap - 1);
    }
    db_stmt *st;
    if (c->slots[j].sql && !head_of(c->slots[j].st)->busy) {
        st = c->slots[j].st;
    } else {
        int rc = d->drv->prepare(d, sql, &st, e);
        if (rc)
            return rc;
        head_of(st)->conn = d;
        if (c->slots[j].sql || c->used >= CACHE_MOST) {
            head_of(st)->transient = 1; /* the cached one is in use, or no room */
        } else {
            c->slots[j].sql = xstrdup(sql);
            c->slots[j].st = st;
            c->used++;
        }
    }
    head_of(st)->busy = 1;
    *out = st;
    return 0;
}

size_t db_prepared_kept(const db *d) { return d->cache->used; }

int db_prep_once(db *d, const char *sql, db_stmt **out, isms_err *e)
{
    int rc = d->drv->prepare(d, sql, out, e);
    if (rc)
        return rc;
    head_of(*out)->conn = d;
    head_of(*out)->transient = 1;
    head_of(*out)->busy = 1;
    return 0;
}

void db_done(db_stmt *st)
{
    if (!st)
        return;
    if (head_of(st)->transient) {
        drv_of(st)->finalize(st);
        return;
    }
    drv_of(st)->reset(st);
    head_of(st)->busy = 0;
    head_of(st)->started = 0;
}

void db_many_rows(db_stmt *st) { head_of(st)->many = 1; }

void db_bind_int(db_stmt *st, int i, int64_t v) { drv_of(st)->bind_int(st, i, v); }
void db_bind_double(db_stmt *st, int i, double v) { drv_of(st)->bind_double(st, i, v); }
void db_bind_null(db_stmt *st, int i) { drv_of(st)->bind_null(st, i); }

void db_bind_text(db_stmt *st, int i, const char *s)
{
    if (s)
        drv_of(st)->bind_text(st, i, s);
    else
        drv_of(st)->bind_null(st, i);
}

int db_step(db_stmt *st, int *row, isms_err *e)
{
    int rc = txn_lost(head_of(st)->conn, e);
    if (rc) {
        *row = 0;
        return rc;
    }
    head_of(st)->started = 1;
    return drv_of(st)->step(st, row, e);
}

int db_first_int(db_stmt *st, int64_t none, int64_t *out, isms_err *e)
{
    int row, rc = db_step(st, &row, e);
    *out = !rc && row ? db_col_int(st, 0) : none;
    db_done(st);
    return rc;
}
int db_col_null(db_stmt *st, int c) { return drv_of(st)->col_null(st, c); }
int64_t db_col_int(db_stmt *st, int c) { return drv_of(st)->col_int(st, c); }
double db_col_double(db_stmt *st, int c) { return drv_of(st)->col_double(st, c); }

const char *db_col_text(db_stmt *st, int c)
{
    return drv_of(st)->col_null(st, c) ? NULL : drv_of(st)->col_text(st, c);
}

void db_defer_writes(db *d, int on) { d->defer_writes = on; }

int db_sends_ahead(const db *d) { return d->drv->send != NULL; }

int db_send(db_stmt *st, isms_err *e)
{
    db *d = head_of(st)->conn;
    int rc = txn_lost(d, e);
    if (rc || !d->drv->send)
        return rc;
    head_of(st)->started = 1;
    return d->drv->send(st, 1, e);
}

/* A write db_run may send without waiting for it: one not yet run, in a
 * write transaction of a caller that allowed it. */
static int deferrable(db_stmt *st)
{
    const db *d = head_of(st)->conn;
    return d->defer_writes && d->in_txn && d->writing && d->drv->send && !head_of(st)->started;
}

int db_run(db_stmt *st, isms_err *e)
{
    int row, rc;
    if (deferrable(st)) {
        rc = txn_lost(head_of(st)->conn, e);
        if (!rc)
            rc = drv_of(st)->send(st, 0, e);
        db_done(st);
        return rc;
    }
    do
        rc = db_step(st, &row, e);
    while (!rc && row);
    db_done(st);
    return rc;
}

int db_run_sql(db *d, const char *sql, const db_arg *args, int n, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(d, sql, &st, e);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        if (args[i].is_int)
            db_bind_int(st, i + 1, args[i].i);
        else
            db_bind_text(st, i + 1, args[i].text);
    }
    return db_run(st, e);
}

int db_begin(db *d, int write, isms_err *e)
{
    if (d->in_txn) {
        char sql[64];
        snprintf(sql, sizeof sql, "SAVEPOINT sp%d", ++d->savepoints);
        int rc = d->drv->exec(d, sql, e);
        if (rc)
            d->savepoints--;
        return rc;
    }
    d->starved = 0;
    d->gen++;
    int rc = d->drv->begin(d, write, e);
    if (!rc) {
        d->in_txn = 1;
        d->writing = write;
    }
    return rc;
}

unsigned long db_write_gen(const db *d) { return d->in_txn && d->writing ? d->gen : 0; }
unsigned long db_read_gen(const db *d) { return d->in_txn && !d->writing ? d->gen : 0; }

/* Forgets a transaction the database has already ended. */
static void txn_forget(db *d)
{
    d->in_txn = 0;
    d->savepoints = 0;
    d->gen++;
}

int db_commit(db *d, isms_err *e)
{
    char sql[64];
    if (d->in_txn && d->starved) {
        /* A value went in or came out as NULL: nothing of it may commit. */
        if (d->drv->txn_state(d) == DB_TXN_OPEN)
            d->drv->exec(d, "ROLLBACK", NULL);
        txn_forget(d);
        return txn_lost(d, e);
    }
    if (d->in_txn && d->drv->txn_state(d) != DB_TXN_OPEN) {
        /* Lost (COMMIT would say "no transaction is active" or, on
         * PostgreSQL, turn silently into ROLLBACK) or failed: either way
         * nothing is committed, and the caller must hear it. */
        int lost = d->drv->txn_state(d) == DB_TXN_NONE;
        if (!lost)
            d->drv->exec(d, "ROLLBACK", NULL);
        txn_forget(d);
        return err_set(e, E_STORE, NULL, "%s; nothing of this change was saved",
                       lost ? "the transaction was ended by the database after an earlier error"
                            : "a statement of the transaction failed");
    }
    if (d->savepoints) {
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT sp%d", d->savepoints);
        int rc = d->drv->exec(d, sql, e);
        /* A write sent ahead (db_run) failed, and the release with it: the
         * savepoint's work goes, and only it; the transaction goes on. */
        if (rc && d->drv->txn_state(d) == DB_TXN_FAILED)
            db_rollback(d);
        else
            d->savepoints--;
        return rc;
    }
    d->gen++;
    int rc = d->drv->exec(d, "COMMIT", e);
    /* A failed COMMIT (a full disk, a failed fsync) ends the transaction
     * without making it durable; the caller reports the failure and must
     * never retry and claim success. */
    if (rc)
        d->drv->exec(d, "ROLLBACK", NULL);
    d->in_txn = 0;
    return rc;
}

void db_rollback(db *d)
{
    char sql[96];
    d->gen++;
    if (d->in_txn && d->drv->txn_state(d) == DB_TXN_NONE) {
        txn_forget(d); /* already rolled back, savepoints and all */
        return;
    }
    if (d->savepoints) {
        snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT sp%d", d->savepoints);
        d->drv->exec(d, sql, NULL);
        snprintf(sql, sizeof sql, "RELEASE SAVEPOINT sp%d", d->savepoints--);
        d->drv->exec(d, sql, NULL);
        return;
    }
    if (d->in_txn)
        d->drv->exec(d, "ROLLBACK", NULL);
    d->in_txn = 0;
}

/* What messages call a row of `table`, into name: a word for the
 * store's own tables, else the table's name in words (a register's). */
static void row_noun(char *name, size_t n, const char *table)
{
    static const char *const names[][2] = { { "ledger", "ledger entry" },
                                            { "meta", "repository setting" },
                                            { "schema_migration", "schema migration" },
                                            { "checkpoint", "checkpoint" } };
    const char *noun = table && *table ? table : "record";
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(noun, names[i][0]))
            noun = names[i][1];
    snprintf(name, n, "%s", noun);
    for (char *p = strchr(name, '_'); p; p = strchr(p, '_'))
        *p = ' ';
}

int db_unique_error(isms_err *e, const char *table, const char *columns, const char *value)
{
    char name[96];
    row_noun(name, sizeof name, table);
    return err_set(e, E_CONFLICT, columns,
                   "another %s already has this %s%s%s%s: it must be unique", name,
                   columns && *columns ? columns : "value", value ? " (" : "", value ? value : "",
                   value ? ")" : "");
}

void db_watch(db *d, const volatile sig_atomic_t *flag)
{
    if (d->drv->watch)
        d->drv->watch(d, flag);
}

int db_backup(db *d, const char *to, isms_err *e)
{
    if (!d->drv->backup)
        return err_set(e, E_STORE, NULL, "the %s backend cannot make backups; use its own tools",
                       d->drv->name);
    return d->drv->backup(d, to, e);
}

char *db_text_array(const char *const *items, int n)
{
    buf b;
    buf_init(&b);
    buf_putc(&b, '{');
    for (int k = 0; k < n; k++) {
        buf_puts(&b, k ? ",\"" : "\"");
        for (const char *c = items[k]; *c; c++) {
            if (*c == '"' || *c == '\\')
                buf_putc(&b, '\\');
            buf_putc(&b, *c);
        }
        buf_putc(&b, '"');
    }
    buf_putc(&b, '}');
    return buf_detach(&b);
}

char *db_int_array(const int64_t *v, int n)
{
    buf b;
    buf_init(&b);
    buf_putc(&b, '{');
    for (int k = 0; k < n; k++)
        buf_printf(&b, k ? ",%lld" : "%lld", (long long)v[k]);
    buf_putc(&b, '}');
    return buf_detach(&b);
}
