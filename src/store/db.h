/* db.h: the SQL driver interface beneath the store.
 *
 * Two drivers implement it: SQLite (db_sqlite.c, a repository is a file)
 * and PostgreSQL (db_pg.c, a repository is a database). Everything above
 * this interface writes one dialect of SQL that both accept: `?`
 * placeholders (the PostgreSQL driver numbers them), TEXT / BIGINT /
 * INTEGER / DOUBLE PRECISION columns, RETURNING, SAVEPOINT. The few places
 * where the dialects differ (identity columns in DDL, how a writer takes
 * the repository's write lock) are the driver's business.
 *
 * Writers are serialised: db_begin(.., DB_WRITE, ..) takes a repository-wide
 * write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
 * advisory lock), so the ledger's head never forks. Statements are prepared
 * once per connection and cached by their SQL text. */
#ifndef ISMS_STORE_DB_H
#define ISMS_STORE_DB_H

#include "core/err.h"

#include <signal.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_stmt db_stmt;

enum { DB_READ = 0, DB_WRITE = 1 };
enum { DB_TXN_NONE = 0, DB_TXN_OPEN = 1, DB_TXN_FAILED = 2 };

typedef struct db_driver {
    const char *name; /* "sqlite", "postgres" */
    /* Token substitutions for migration DDL: "@ID@" -> id_column. */
    const char *id_column; /* "INTEGER PRIMARY KEY" / "BIGINT PRIMARY KEY" */
    /* "@C@" -> what orders text by its bytes, in DDL and queries alike:
     * SQLite's default BINARY ("": an index stays usable by any SQLite,
     * the sqlite3 shell included), PostgreSQL's COLLATE "C". */
    const char *bytes_collation;
    /* "@SORTID@" after a list index's column: what orders its equal
     * values by id. SQLite's index ends with the rowid (the id) already
     * (""); PostgreSQL's needs the column (", id"). */
    const char *sort_id;
    /* "@WORDS@": the search's word index of every register, record_word
     * (store/words.c). SQLite: an FTS5 table, one row a record (its rowid
     * the register's code and the record's id), rowids only
     * (detail=none): a few bytes a word. PostgreSQL: rows (word, rid). */
    const char *word_table;
    /* "@WORDS_MERGE@": how the word index merges what each transaction adds.
     * SQLite: FTS5 merges 16 segments of a level at once, not 4: a
     * transaction's words were merged into ever larger segments, the work
     * growing with the index (adds into a 1M-risk file ran at half the rate
     * into 10k; a search reads up to 15 segments a level, 10 % more work).
     * PostgreSQL: nothing (a statement that does nothing). */
    const char *word_merge;
    /* "@WORDS_MERGE_BOUND@": how much of that merging one commit may do.
     * SQLite: FTS5 merges a whole level at once in the commit that gives it
     * `crisismerge` segments (16 by default, 0015's automerge too, so every
     * merge was one of those); at 64, merges go by automerge's bounded
     * steps, 64 pages a level for each 64 pages written (0019).
     * PostgreSQL: nothing. */
    const char *word_merge_bound;
    const char *word_clear; /* every word out (0033: written again, tagged) */
    /* "@STATISTICS@ TABLE;": the planner's statistics of a table gathered
     * anew, after an index on an expression (PostgreSQL keeps none of it
     * until then, and estimated an equality on one at 0.5 % of the rows:
     * 0038). PostgreSQL: ANALYZE. SQLite, which plans without statistics
     * (plans_by_statistics): "--", the line left out. */
    const char *statistics;
    /* The word table is SQLite's FTS5 one (one document a record) rather
     * than rows (word, id). */
    int fts_words;
    /* A record's row, its word rows and its link rows go to the database
     * as one statement (store_insert: data-modifying WITH, the words and
     * link targets bound as arrays, db_text_array): PostgreSQL, where each
     * statement costs an executor start-up and a protocol exchange. 0:
     * a statement each (SQLite, in process, where that is cheap). */
    int insert_in_one;
    /* The planner knows how many rows a condition keeps (PostgreSQL's
     * statistics, which its autovacuum gathers): a page filtered by one
     * column and sorted by another is planned from them. 0: SQLite, where
     * no ANALYZE has run, takes an equality's index whatever it keeps
     * (sorted.c: plan_tests). */
    int plans_by_statistics;
    /* One row, one truth value: the database orders text by its bytes
     * (a key's index is then read in strcmp's order: query.c,
     * keys_prefixed). PostgreSQL: a database of the C or POSIX collation
     * of the C library's provider; NULL: always (SQLite's BINARY). */
    const char *text_by_bytes;
    int (*open)(const char *target, int create, db **out, isms_err *e);
    void (*close)(db *d);
    int (*exec)(db *d, const char *sql, isms_err *e);
    int (*prepare)(db *d, const char *sql, db_stmt **out, isms_err *e);
    void (*finalize)(db_stmt *st);
    void (*bind_int)(db_stmt *st, int i, int64_t v); /* i counts from 1 */
    void (*bind_double)(db_stmt *st, int i, double v);
    void (*bind_text)(db_stmt *st, int i, const char *s); /* copied or kept until reset */
    void (*bind_null)(db_stmt *st, int i);
    int (*step)(db_stmt *st, int *row, isms_err *e);
    int (*col_null)(db_stmt *st, int c); /* c counts from 0 */
    int64_t (*col_int)(db_stmt *st, int c);
    double (*col_double)(db_stmt *st, int c);
    const char *(*col_text)(db_stmt *st, int c); /* valid until the next step */
    void (*reset)(db_stmt *st);
    int (*begin)(db *d, int write, isms_err *e);
    /* Where the connection's transaction really is, whatever db.c believes:
     * the database may have ended it (SQLite rolls back on some I/O errors
     * and on RAISE(ROLLBACK); PostgreSQL marks it failed after an error). */
    int (*txn_state)(db *d);
    /* Copies the whole repository to a new file or database (backups before
     * a schema upgrade); NULL where the driver cannot. */
    int (*backup)(db *d, const char *to, isms_err *e);
    /* While `flag` is not NULL, a statement stops (an error) once *flag is
     * set: a long upgrade interrupted. NULL where statements cannot be
     * stopped from here (PostgreSQL's run on the server: the caller looks at
     * the flag between them). */
    void (*watch)(db *d, const volatile sig_atomic_t *flag);
    /* The database's own consistency checks; problems appended to `out`
     * (a buf *), nothing appended when all is well. NULL: none to run. */
    int (*integrity)(db *d, void *out, isms_err *e);
    /* Starts those checks beside the caller's own work (SQLite: a thread
     * with a connection of its own), for `integrity` to wait for and
     * report. NULL, or a start that cannot be made: `integrity` runs them
     * itself. */
    void (*integrity_begin)(db *d);
    /* The connection only scans tables in key order (store_open_reader's:
     * a page read once, then never again), so it needs no large cache
     * (SQLite: back to the default 2 MB from size_cache's share of the
     * file). NULL: nothing to change. */
    void (*scans_only)(db *d);
    /* 1 when `integrity` reads the whole file (SQLite's quick_check): run
     * when asked (isms verify --store), not by every full verification;
     * 0 when it is a few catalogue queries (PostgreSQL). */
    int integrity_reads_all;
    /* Sends st to be run without waiting for its result (PostgreSQL: in
     * pipeline mode, many statements a round trip). rows: its rows are
     * read later by step; 0: nobody reads them (st may be reset at once),
     * and an error it meets surfaces at the next statement, savepoint
     * release or commit of the transaction, which then fails. NULL: the
     * driver runs each statement when stepped (SQLite, in process). */
    int (*send)(db_stmt *st, int rows, isms_err *e);
    /* Removes the repository at `target` (a failed init or import, demo
     * --force): SQLite deletes the file and its -wal/-shm; PostgreSQL drops
     * isms's tables and leaves a database holding anything else alone. */
    int (*remove)(const char *target, isms_err *e);
    /* The name of `target` for messages, malloc'd: never a password. */
    char *(*label)(const char *target);
} db_driver;

/* Every driver's statement starts with this header. A cached statement in
 * use (`busy`) is never handed out twice: a nested query of the same shape
 * gets a `transient` statement of its own, finalized by db_done(). */
typedef struct db_stmt_head {
    db *conn;
    unsigned busy : 1, transient : 1, many : 1;
    unsigned started : 1; /* stepped or sent since it was handed out */
} db_stmt_head;

/* Every connection starts with this header (drivers embed it first). */
struct db {
    const db_driver *drv;
    struct db_stmt_cache *cache;
    int in_txn;
    int savepoints;
    int readonly; /* set by the driver: the repository could be opened for reading only */
    /* A value could not be bound or read for want of memory (the database
     * then binds or returns NULL): set by the driver, it fails every later
     * statement and the commit of the transaction in flight. */
    int starved;
    int writing; /* the transaction in flight is a write transaction */
    /* db_run may send a write without waiting for it (db_defer_writes). */
    int defer_writes;
    /* Changes whenever what a write transaction read or wrote could be
     * undone or changed behind its back: at its begin and end, at the
     * rollback of a savepoint, at raw SQL. What the transaction knows of
     * its own writes (store.c: the ledger head, each register's next key)
     * holds while db_write_gen() stays the same. */
    unsigned long gen;
};

/* The drivers' message for a unique constraint a change broke: E_CONFLICT,
 * "another ledger entry already has this seq (5)". `value` may be NULL. */
int db_unique_error(isms_err *e, const char *table, const char *columns, const char *value);

extern const db_driver db_sqlite_driver;
extern const db_driver db_pg_driver;

/* Opens `target`: a postgres:// or postgresql:// URI or a libpq key=value
 * string ("host=... dbname=...") selects PostgreSQL, anything else is a
 * SQLite file path. `create`: make a new repository (SQLite: refuse if the
 * file exists). */
int db_open(const char *target, int create, db **out, isms_err *e);
void db_close(db *d);
const char *db_kind(const db *d);
/* Removes the repository at `target` (see db_driver.remove). */
int db_remove(const char *target, isms_err *e);
/* `target` as messages may show it (no password), malloc'd. */
char *db_label(const char *target);

int db_exec(db *d, const char *sql, isms_err *e);

/* A cached prepared statement, reset and unbound, for `sql`. The statement
 * belongs to the connection: call db_done() when finished with it. */
int db_prep(db *d, const char *sql, db_stmt **out, isms_err *e);
/* A prepared statement for `sql` used once: not cached, finalized by
 * db_done(). For texts that are seldom the same twice (integers written
 * into them), which would otherwise fill the cache without bound. */
int db_prep_once(db *d, const char *sql, db_stmt **out, isms_err *e);
void db_done(db_stmt *st);

void db_bind_int(db_stmt *st, int i, int64_t v);
void db_bind_double(db_stmt *st, int i, double v);
void db_bind_text(db_stmt *st, int i, const char *s); /* NULL binds NULL */
void db_bind_null(db_stmt *st, int i);
int db_step(db_stmt *st, int *row, isms_err *e);
/* The first row's first column as an integer into *out (`none` when there
 * is no row), then st done: a count, a maximum, one seq. */
int db_first_int(db_stmt *st, int64_t none, int64_t *out, isms_err *e);
int db_col_null(db_stmt *st, int c);
int64_t db_col_int(db_stmt *st, int c);
double db_col_double(db_stmt *st, int c);
const char *db_col_text(db_stmt *st, int c); /* NULL for SQL NULL */

/* Marks a statement that returns many rows (a whole register, the whole
 * ledger): inside a transaction the driver may fetch them in batches
 * rather than whole, so memory does not grow with the result (PostgreSQL:
 * a cursor, a round trip per batch). Call before the first step. */
void db_many_rows(db_stmt *st);
/* How many statements the connection keeps prepared (db_prep's cache,
 * bounded whatever the texts asked for). */
size_t db_prepared_kept(const db *d);
/* Runs a statement that returns no rows (or ignores them). Inside a write
 * transaction with db_defer_writes on, the driver may send it and return
 * before it ran: its error then fails the transaction's next statement,
 * the release of the savepoint it ran in (which rolls that savepoint back,
 * and only it) or the commit. */
int db_run(db_stmt *st, isms_err *e);
/* Lets db_run send writes without waiting for them (on) or not (off), for
 * the writes of callers that need no error before their savepoint ends. */
void db_defer_writes(db *d, int on);
/* Sends a query whose rows are read later by db_step, so that several
 * queries go to the database at once (PostgreSQL: one round trip for all
 * those sent before the first is stepped); the same as nothing where the
 * driver runs a statement when stepped. */
int db_send(db_stmt *st, isms_err *e);
/* Whether db_send sends ahead (PostgreSQL); 0: a statement runs when
 * stepped (SQLite), so several in flight buy nothing. */
int db_sends_ahead(const db *d);

/* A parameter of db_run_sql: a text (NULL binds NULL) or an integer. */
typedef struct db_arg {
    const char *text;
    int64_t i;
    int is_int;
} db_arg;
#define DB_TEXT(s) ((db_arg){ .text = (s) })
#define DB_INT(v) ((db_arg){ .i = (v), .is_int = 1 })
/* Prepares `sql`, binds its n parameters in order and runs it (db_run). */
int db_run_sql(db *d, const char *sql, const db_arg *args, int n, isms_err *e);
/* db_run_sql with the parameters listed: DB_RUN(d, sql, e, DB_TEXT(name),
 * DB_INT(id)). */
#define DB_RUN(d, sql, e, ...)                              \
    db_run_sql((d), (sql), (const db_arg[]){ __VA_ARGS__ }, \
               (int)(sizeof((const db_arg[]){ __VA_ARGS__ }) / sizeof(db_arg)), (e))

/* PostgreSQL array literals, for a parameter such as `?::text[]` or
 * `?::bigint[]` (a list bound as one value): a and say "hi" give
 * {"a","say \"hi\""}. Every element is quoted and its `"` and `\`
 * escaped, so none reads as NULL, loses its blanks or splits at a comma or
 * brace; malloc'd. */
char *db_text_array(const char *const *items, int n);
char *db_int_array(const int64_t *v, int n);

/* Transactions. Nested begin() calls become savepoints, so a mutation
 * inside a batch (an import, the demo) is atomic on its own and the batch
 * as a whole is atomic too. */
int db_begin(db *d, int write, isms_err *e);
/* The generation of the write transaction in flight (db.gen); 0 outside
 * one, where nothing read may be kept: other writers go on. */
unsigned long db_write_gen(const db *d);
/* The generation of the read transaction in flight; 0 outside one and in
 * a write transaction. A read transaction reads one snapshot (SQLite's
 * WAL, PostgreSQL's REPEATABLE READ): what it read holds until it ends. */
unsigned long db_read_gen(const db *d);
int db_commit(db *d, isms_err *e);
void db_rollback(db *d);

int db_backup(db *d, const char *to, isms_err *e);
void db_watch(db *d, const volatile sig_atomic_t *flag);

/* The words of `text` as the search knows them (list pages' q): SQLite
 * FTS5's unicode61 tokenizer with diacritics removed, so letters and
 * digits of any script, case-folded, accents dropped ("Café-Crème" gives
 * "cafe", "creme"). One tokenizer for both backends: the matching rule is
 * the same whatever stores the words. fn(word, n, ctx) for each, in text
 * order (repeats included); non-zero from fn stops and is returned. */
typedef int db_word_fn(const char *word, int n, void *ctx);
int db_words(const char *text, db_word_fn *fn, void *ctx, isms_err *e);

#endif
