/* store.h: the one interface to everything isms persists.
 *
 * A store is an open repository: a SQLite file or a PostgreSQL database
 * (see db.h). Opening it brings its schema up to date (migrations). All SQL
 * of isms lives below this header; the layers above speak in records
 * (core/record.h), ledger rows and a handful of generic queries.
 *
 * Reads and writes happen inside store_begin()/store_commit(); a failure
 * anywhere is followed by store_rollback(), so nothing half-done persists. */
#ifndef ISMS_STORE_H
#define ISMS_STORE_H

#include "core/arena.h"
#include "core/err.h"
#include "core/record.h"

#include <signal.h>
#include <stdint.h>

typedef struct store store;

/* What the domain layer tells the store at open: its registers, and what
 * to do in the same transaction as a schema upgrade (write the ledger entry
 * that records it). */
typedef struct store_schema {
    const regdef *const *registers; /* NULL-terminated */
    int (*on_upgrade)(store *s, int from, int to, void *ctx, isms_err *e);
    /* What to add to the kept figures from what a transaction changed of
     * them, just before its changes go in (store_tally_waiting: the
     * figures of the people whose ownership or record it changed; NULL:
     * nothing); given ctx. */
    int (*before_flush)(store *s, void *ctx, isms_err *e);
    void *ctx;
    /* What store_schema_made_text says of the newest schema, worked out
     * when isms was built (NULL: unknown): a repository whose own text is
     * this is isms's, and store_schema_check need not rebuild the schema to
     * know it. */
    const char *made;
    /* What store_schema_expected_text says of the newest schema, worked
     * out when isms was built (NULL: unknown): the expectation a full
     * comparison (PostgreSQL's always) holds the repository to, without
     * running every migration again at each command's first write. */
    const char *listing;
} store_schema;

/* Opens (create = 0) or creates (create = 1) the repository at `target` and
 * migrates it to the newest schema (or to ISMS_MIGRATE_UNTIL, a test aid).
 * `*upgraded_from` (may be NULL) receives the schema version found before
 * an upgrade, or 0 when none was needed. */
int store_open(const char *target, int create, const store_schema *schema, store **out,
               int *upgraded_from, isms_err *e);
void store_close(store *s);
/* A second connection to the repository s is open on, at the schema s
 * found, for reading beside s in another thread (verify reads the records
 * while it walks the ledger); never migrates. It is meant for scans in key
 * order (store_scan), which read a page once: its page cache is the
 * driver's small default, not a share of the file. E_USAGE for an
 * in-memory repository, which has no second connection. */
int store_open_reader(store *s, store **out, isms_err *e);
const char *store_backend(const store *s); /* "sqlite" / "postgres" */
/* Removes the repository at `target`: what a failed create or import
 * leaves, or what `demo --force` replaces. A PostgreSQL database holding
 * tables that are not isms's is refused (E_CONFLICT), never emptied. */
int store_remove(const char *target, isms_err *e);
/* `target` as a message may show it: a connection string without its
 * password. malloc'd; the caller frees it. */
char *store_label(const char *target);
int store_schema_version(store *s, int *version, isms_err *e);
int store_schema_latest(void);
/* The schema version the migration whose file name starts with `prefix`
 * ("0007_") brings, or 0: what a catalogue that came with it is keyed on,
 * whatever the order migrations of parallel work were merged in. */
int store_migration_version(const char *prefix);

/* Creates the tables of `reg` (its own and its link tables) from its field
 * table. isms's own registers get theirs from migrations, written and
 * reviewed like any schema change; this is for registers defined outside
 * isms, by tests that show a register can be added as data alone. */
int store_create_table(store *s, const regdef *reg, isms_err *e);

/* Runs the backend's own integrity checks; problems are appended to
 * `problems` (a core/buf.h buf), which stays empty when all is well. */
struct buf;
int store_integrity(store *s, struct buf *problems, isms_err *e);
/* Starts those checks in the background where the backend can (SQLite:
 * they read the whole file, a third of `isms verify` at a million
 * records), so that they run beside the caller's own checks on a second
 * core; store_integrity then waits for them. */
void store_integrity_begin(store *s);
/* 1 when those checks read the whole file (SQLite's quick_check: run on
 * their own schedule), 0 when they are a few catalogue queries
 * (PostgreSQL: run with every full verification). */
int store_integrity_reads_all(const store *s);

/* How the repository's schema differs from the one its migrations make
 * (tables, columns, indexes, triggers, rules, views on isms's tables), as
 * "; "-separated findings in *diff; NULL when it does not. Checked once per
 * open, on the first write or this call; while it differs every write is
 * refused (E_TAMPERED). */
int store_schema_check(store *s, const char **diff, isms_err *e);
/* How many of those checks, in this process, had to rebuild the expected
 * schema from the migrations (a repository whose schema is not byte for
 * byte store_schema.made, or PostgreSQL): tests tell by it that a
 * repository isms made is known without. */
long store_schema_rebuilds(void);
/* The schema as SQLite itself holds it (sqlite_master: each object's type,
 * name, table and CREATE text, in name order) after the migrations up to
 * the newest, run into an in-memory database, with `registers` (NULL
 * terminated) for the @LISTS shorthand; malloc'd into *out. The build runs
 * it once (scripts/gen-schema.c) for store_schema.made. */
int store_schema_made_text(const regdef *const *registers, char **out, isms_err *e);
/* The schema isms's migrations 1..version make, one item a line ("table
 * risk", "column risk.title TEXT", ...), in a fixed order and the same on
 * both backends: what a checkpoint's schema hash covers. Caller frees. */
int store_schema_expected_text(int version, char **out, isms_err *e);

int store_begin(store *s, int write, isms_err *e);
int store_commit(store *s, isms_err *e);
void store_rollback(store *s);
/* Lets the writes that follow be sent without waiting for each (on) or
 * not (off). On PostgreSQL they then go many to a round trip, and one that
 * fails makes the transaction's next read, the end of the savepoint it ran
 * in (store_commit, which then rolls that savepoint back and fails) or the
 * commit fail with its error: for callers whose writes need no error of
 * their own before then (an add, its ledger entry, its tallies). */
void store_defer_writes(store *s, int on);
/* Is a transaction open (one the database has not ended after an error)? */
int store_in_txn(const store *s);
/* Is a write transaction open: writes no other connection can see yet? */
int store_in_write_txn(const store *s);
/* How many transactions this process has committed, on any repository: a
 * front end tells by it whether a failure came after a change was saved. */
long store_commits_made(void);

/* meta: small named values about the repository (its id, its origin). */
int store_meta_get(store *s, const char *name, char **out, arena *a,
                   isms_err *e); /* NULL if unset */
int store_meta_set(store *s, const char *name, const char *text, isms_err *e);

/* ---- records ---- */

/* Allocates the next key and id of `reg` ("RISK-13", 13). */
int store_next_key(store *s, const regdef *reg, char **key, int64_t *id, arena *a, isms_err *e);
/* Inserts r (id and key set by the caller) with its links. */
int store_insert(store *s, const record *r, isms_err *e);
/* Inserts n records of one register (ids and keys set by the caller) with
 * their links, many rows to a statement: a built-in catalogue of
 * thousands in a few dozen round trips. */
int store_insert_many(store *s, const record *rs, int n, isms_err *e);
/* Writes the links of r (all its link fields), replacing what was there:
 * the second pass of an import, once every link target exists. */
int store_write_links(store *s, const record *r, isms_err *e);
/* Writes r over the stored record with the same id, provided the stored
 * version is r->version - 1; otherwise E_RETRY (someone changed it first).
 * `before` is that record as read in this transaction: of the link fields
 * given, only the rows of members added or removed are written. */
int store_update(store *s, const record *before, const record *r, isms_err *e);
/* Reads one record by key (E_NOT_FOUND if none). */
int store_get(store *s, const regdef *reg, const char *key, record *out, arena *a, isms_err *e);
int store_get_id(store *s, const regdef *reg, int64_t id, record *out, arena *a, isms_err *e);
/* Finds id and retirement of a key; *id = 0 when there is no such record. */
int store_lookup(store *s, const regdef *reg, const char *key, int64_t *id, int *retired,
                 isms_err *e);
/* The text that names record `key` to people (reg's label field, when it
 * is a text), in one indexed read; NULL when there is none. */
int store_label_of(store *s, const regdef *reg, const char *key, const char **label, arena *a,
                   isms_err *e);
/* The same, and whether there is such a record (*found) and it is retired;
 * *found stays 0 when reg's label is not a text (read the record then). */
int store_name_of(store *s, const regdef *reg, const char *key, const char **label, int *found,
                  int *retired, arena *a, isms_err *e);
/* Fields f[0..n) of record `key` into text[0..n): a text, or for a
 * reference the key it names, all in one indexed read (a cached
 * statement); NULL where the record or the value is not there. */
int store_texts_of(store *s, const regdef *reg, const char *key, const fielddef *const *f, int n,
                   const char **text, arena *a, isms_err *e);
/* Finds a record by the value of a unique text field `f` of reg (person by e-mail). */
int store_lookup_by(store *s, const regdef *reg, const fielddef *f, const char *text, int64_t *id,
                    const char **key, arena *a, isms_err *e);

/* A record to find by its key or by a unique text field, and what was
 * found: id 0 when there is none. */
typedef struct store_ref {
    const regdef *reg;
    const fielddef *by; /* a unique text field of reg (person's e-mail); NULL: the key */
    const char *text;
    int64_t id;
    const char *key; /* in the arena */
    int retired;
} store_ref;
/* Finds n records at once (the references of a record being written): on
 * PostgreSQL their queries go together, one round trip for all. */
int store_find_many(store *s, store_ref *refs, int n, arena *a, isms_err *e);

/* The states of a risk the store tells from its own tables, as the
 * dashboard counts them (domain/views/states.h says what each means). */
enum store_risk_state {
    STORE_RISK_UNTREATED = 1,   /* to treat, and no control in place treats it */
    STORE_RISK_UNACCEPTED,      /* treated by acceptance, none in force on sval */
    STORE_RISK_NO_OBJECTIVE,    /* tied to no business objective */
    STORE_RISK_OUTSIDE_APPETITE /* quantified, its latest analysis outside appetite */
};

/* Does risk state `state` (enum store_risk_state) hold at most
 * STORE_STATE_FEW active risks on `today`, to be written as their list?
 * One bounded count of its index (at most STORE_STATE_FEW + 1 entries);
 * none for a state the store writes as a list anyway (*few 0). */
enum { STORE_STATE_FEW = 10000 };
int store_risk_state_few(struct store *s, int state, const char *today, int *few, isms_err *e);

/* A field equal to a value; for a set field (links, enum sets), a set
 * holding that member. */
typedef struct store_filter {
    const fielddef *field; /* a field of the register scanned */
    int64_t ival;          /* FT_INT, FT_MONEY, FT_BOOL, FT_REF, FT_LINKS (the member's id) */
    const char *sval;      /* text fields, FT_ENUMSET (the member) */
    /* A scalar field of the same type whose value counts where `field` is
     * null (a residual level not assessed is the inherent one), or NULL. */
    const fielddef *otherwise;
    /* Instead of equal to a value: 1, the scalar field is null (the
     * dashboard's risks without FAIR inputs, found by the database, not by
     * reading every risk); -1, it is not (the mappings of a requirement
     * onto another, by their index, not among every control's). */
    int is_null;
    /* Instead of equal: 1, the scalar field's value sorts below sval (text:
     * a date before today, read from the front of its index; as_list). */
    int below;
    /* FT_LINKS only, when not 0: a set holding a member within [ival,
     * ival_upto] (the controls treating a chunk of risks, by the link's
     * reverse index). */
    int64_t ival_upto;
    /* Instead of a field (NULL): risks in this state (enum
     * store_risk_state; sval is today for STORE_RISK_UNACCEPTED), selected
     * by the database with the query's other terms, so that a page of them
     * is read from an index where one is kept, never tested record by
     * record. */
    int risk_state;
    /* risk_state or below only: the records that pass are few (at most
     * STORE_STATE_FEW: the kept figures or store_risk_state_few say), so
     * written as the list of their ids, in which the database looks each
     * candidate up. As a condition, SQLite, which keeps no statistics, may
     * test it along another filter's index (the owner of every risk) and
     * read that index's million entries for nine; or, for a date, read
     * every row in id order for a page of few or none. Not few, the
     * condition: a list of a million ids would be built for every page
     * (a page of a million reviews overdue, 3.9 G instructions). */
    int as_list;
} store_filter;

typedef struct store_query {
    int include_retired;
    int only_retired;
    const store_filter *filters;
    int nfilters;
    int64_t limit; /* 0: all */
    int64_t offset;
    /* store_scan only: references come as ids alone (value.s NULL), which
     * spares a lookup per reference and row: for views that join in
     * memory (domain/views/frameworks.c over thousands of mappings). */
    int ids_only;
    /* store_scan only: the fields to read (F_ ids), nfields of them; the
     * others are left null (link fields empty, their tables not read).
     * nfields 0: every field. For views that count over a register and
     * need a few of its fields (domain/views/dashboard.c). */
    const int *fields;
    int nfields;
    /* Only records with, for each word of text, a word of their key or of
     * a text field that starts with it (db_words: case and accents
     * ignored; NULL or no word: any). */
    const char *text;
    /* Only these records (ids NULL: any). */
    const int64_t *ids;
    int nids;
    /* Only records with at least one of these scalar fields (F_ ids) not
     * null, nany_set of them: the risks with FAIR inputs, read from their
     * partial index (0034), whose condition is this one term for term. */
    const int *any_set;
    int nany_set;
    /* store_scan only: only the records whose id is past id_after and, when
     * id_upto is not 0, not past id_upto, their links read by the same
     * range: a scan shared between threads (verify's readers). */
    int64_t id_after, id_upto;

    /* store_ids only: the page after record #after, or the one before
     * record #before, in the order asked (0: from the start). Keyset
     * paging: the store reads on from that record's place in the index. */
    int64_t after, before;
} store_query;

/* Calls fn for each record in id order. The record's memory is valid during
 * the call only (the arena is reset every few hundred rows); fn returns 0 to
 * go on, non-zero to stop (and that value is returned). */
typedef int (*store_record_fn)(const record *r, void *ctx);
int store_scan(store *s, const regdef *reg, const store_query *q, store_record_fn fn, void *ctx,
               isms_err *e);
/* Records #ids[0..n-1] of reg (ascending), retired or not, each to fn
 * (valid during the call): on SQLite a lookup each (store_get_id, in a),
 * on PostgreSQL, where each is a round trip, STORE_GET_AT_ONCE a query
 * (store_scan by their ids, an id missing skipped). fn's non-zero stops. */
enum { STORE_GET_AT_ONCE = 1000 };
int store_get_each(store *s, const regdef *reg, const int64_t *ids, int64_t n, store_record_fn fn,
                   void *ctx, arena *a, isms_err *e);
int store_count(store *s, const regdef *reg, const store_query *q, int64_t *n, isms_err *e);
/* q (in *out) without the words of its text that every record of reg
 * holds: those that start the word of its key prefix ("risk", "ris" of
 * RISK-7), where every key of reg is of that prefix. Its text NULL where
 * none is left (any record); *text the new text (malloc'd; NULL where q is
 * kept as it is), valid while *out is used. store_scan, store_count and
 * store_ids narrow their queries so; a view that counts by kept figures
 * (which a query with text never has) may narrow first. */
int store_query_narrowed(store *s, const regdef *reg, const store_query *q, store_query *out,
                         char **text, isms_err *e);

/* The ids of the records q selects (its limit and offset, or after or
 * before, apply), ordered by field `by` (NULL: by id; a reference: by the
 * id it names, the order its records were made in; text as strcmp orders
 * it), descending when desc; nulls last either way, ties by id in the
 * same direction. *ids in a, *n of them (never NULL: as a query's ids, an
 * empty page selects nothing). */
/* Does a list sorted by f read the front of an index (0013_lists.sql):
 * the record's name (its label), a reference, a choice, a level or an
 * amount, a date, of the list's columns (FF_LIST) and not unique (its own
 * index orders it), in a register of more than one record? Any other
 * field sorts the register. */
int store_list_sorted(const regdef *reg, const fielddef *f);
/* Are f's words a text search's (q): a short text of the list's columns
 * (a title, a name, a code, an e-mail; not multi-line), beside the key? */
int store_searched(const fielddef *f);
/* reg's code in the search index's rids, above the record's id (words.c):
 * no two registers may share one. */
int64_t store_word_code(const regdef *reg);
/* What a long upgrade reports as it goes (the words 0013 writes of the
 * records there, the figures 0016 counts): what, how far of how much. Set
 * by a front end that can show it (the CLI, on a terminal); none by
 * default. store_progress reports to it, if any. */
typedef void store_progress_fn(const char *what, int64_t done, int64_t total);
void store_set_progress(store_progress_fn *fn);
void store_progress(const char *what, int64_t done, int64_t total);
/* A schema upgrade stops once *flag is set (a front end's Ctrl-C):
 * E_INTERRUPTED, the repository as it was, no copy left beside it. On
 * SQLite the statement running stops; on PostgreSQL, whose statements run
 * on the server, the upgrade stops after it. NULL (the default): none. */
void store_set_cancel(const volatile sig_atomic_t *flag);
int store_ids(store *s, const regdef *reg, const store_query *q, const fielddef *by, int desc,
              int64_t **ids, int64_t *n, arena *a, isms_err *e);

/* The active records, of any register, that refer to record `id` of
 * `target` through a reference or link field, in id order: fn(reg, field,
 * key, ctx) for each, at most `limit` of each field (0: every one); a
 * field with more has one call more with key NULL. By each field's index:
 * the cost is the rows read, not the registers' size. */
typedef int (*store_ref_fn)(const regdef *reg, const fielddef *f, const char *key, void *ctx);
int store_referrers(store *s, const regdef *target, int64_t id, int limit, store_ref_fn fn,
                    void *ctx, isms_err *e);
/* The newest `limit` active records of `reg` whose scalar fields equal
 * the filters' values (n of them, at most 4: each field's ival, or its
 * sval for text; or, is_null set, null or not), newest first: fn(key, id,
 * ctx). By an index the register
 * keeps that begins with those fields and ends with the id (a metric's
 * measurements: (metric, id); the SoA in force: (framework, profile,
 * status, id); the controls mapped onto a requirement: (target, id)): the
 * cost is the rows read. */
int store_newest_where(store *s, const regdef *reg, const store_filter *f, int n, int64_t limit,
                       int (*fn)(const char *key, int64_t id, void *ctx), void *ctx, isms_err *e);
/* The same for each of nv values of the first filter's field (an integer
 * field, not a null test; its own ival unused), their rows value by value: on
 * PostgreSQL 64 queries go in one round trip. */
int store_newest_each(store *s, const regdef *reg, const store_filter *f, int n,
                      const int64_t *values, size_t nv, int64_t limit,
                      int (*fn)(const char *key, int64_t id, void *ctx), void *ctx, isms_err *e);

/* The active records of reg whose person field `who` is #person and whose
 * date `when` is at most `upto` (YYYY-MM-DD), earliest first: fn(key,
 * date, ctx), at most `limit` (at least 1), then once with NULLs when there
 * are more. By the index (who, when, id) of 0020_due.sql; records in a
 * state of `done` are read past, so those cost what the person's own
 * finished records do. */
typedef struct store_due_query {
    const fielddef *who, *when; /* who NULL: of anyone (by an index on when, id) */
    int64_t person;
    const char *upto;
    const char *after; /* when set: only dates past it */
    int limit;
    const fielddef *state;   /* with `done`, the record's state field */
    const char *const *done; /* NULL-terminated states in which nothing is due; NULL: none */
} store_due_query;
typedef int (*store_due_fn)(const char *key, const char *date, void *ctx);
int store_due(store *s, const regdef *reg, const store_due_query *q, store_due_fn fn, void *ctx,
              isms_err *e);

/* All pairs of a link field, in source order: fn(src_id, dst_id, ctx). */
typedef int (*store_edge_fn)(int64_t src, int64_t dst, void *ctx);
int store_edges(store *s, const regdef *reg, const fielddef *f, store_edge_fn fn, void *ctx,
                isms_err *e);
/* Those whose target lies within [from, upto], in source order (the
 * controls treating a chunk of risks, by the link's reverse index). */
int store_edges_to(store *s, const fielddef *f, int64_t from, int64_t upto, store_edge_fn fn,
                   void *ctx, isms_err *e);

/* Into out (size bytes): the latest updated_at among reg's records,
 * retired ones too, whose reference field f names record #id (id 0: names
 * none); "" when there is none. One read of an index that leads with f
 * and then updated_at (0043: an appetite's objective). */
int store_last_updated(store *s, const regdef *reg, const fielddef *f, int64_t id, char *out,
                       size_t size, isms_err *e);
/* Largest id of reg's records, retired or not (0 if none). */
int store_max_id(store *s, const regdef *reg, int64_t *max, isms_err *e);

/* Largest value of integer field `f` of reg among active records (0 if none). */
int store_max(store *s, const regdef *reg, const fielddef *f, int64_t *max, isms_err *e);

/* ---- ledger rows ---- */

typedef struct ledger_row {
    int64_t seq;
    const char *ts, *actor, *entity, *key, *op, *data;
    const char *note; /* NULL when none was given */
    const char *prev_hash, *hash;
    const char *prev_data; /* store_ledger_history: the key's entry before; else NULL */
} ledger_row;

/* The last entry's seq and hash (0 and NULL when the ledger is empty). */
int store_ledger_head(store *s, int64_t *seq, char **hash, arena *a, isms_err *e);
int store_ledger_insert(store *s, const ledger_row *row, isms_err *e);
/* Inserts row and the n tree nodes it completes (store_tree_put's, in
 * level order): on PostgreSQL (db_driver.insert_in_one) one statement, the
 * nodes bound as arrays; elsewhere a statement each. */
int store_ledger_insert_nodes(store *s, const ledger_row *row, const int64_t *seq, const int *level,
                              const char (*hash)[65], int n, isms_err *e);
/* Inserts n rows in seq order, many to a statement. */
int store_ledger_insert_many(store *s, const ledger_row *rows, int n, isms_err *e);
/* Entries in seq order, all of them or those of one key. */
typedef int (*store_ledger_fn)(const ledger_row *row, void *ctx);
int store_ledger_scan(store *s, const char *key, store_ledger_fn fn, void *ctx, isms_err *e);
/* The entries after entry #after, in seq order (an incremental verify). */
int store_ledger_scan_after(store *s, int64_t after, store_ledger_fn fn, void *ctx, isms_err *e);
/* A history: the entries of one key (of all when key is NULL) after entry
 * #after and, when before is not 0, before entry #before, in seq order,
 * each with prev_data, the data of the same key's entry before it (NULL
 * for an add): read beside the row by the database, so the caller holds
 * no earlier versions. */
int store_ledger_history(store *s, const char *key, int64_t after, int64_t before,
                         store_ledger_fn fn, void *ctx, isms_err *e);
/* *after such that the entries after it (and, when before is not 0, before
 * entry #before) are the last n of them (of one key, or of all): 0 when
 * there are n or fewer; *older whether there are entries before those n.
 * Read from the end of the seq's index: the cost of n. n >= 1. */
int store_ledger_tail(store *s, const char *key, int64_t n, int64_t before, int64_t *after,
                      int *older, isms_err *e);
int store_ledger_get(store *s, int64_t seq, ledger_row *row, arena *a, isms_err *e);
/* Every entry's key and seq, ordered by key (bytes, as strcmp orders
 * them) then seq: each key's entries together, its latest last (on SQLite
 * read from the index by key, not the rows: the caller checks the order). */
int store_ledger_keys(store *s, int (*fn)(int64_t seq, const char *key, void *ctx), void *ctx,
                      isms_err *e);

/* ---- Merkle tree inputs and checkpoints (checkpoints.c) ---- */

/* The hashes (hex) of the first `limit` ledger entries (all when 0), in
 * seq order: what the ledger's Merkle tree is built over. */
typedef int (*store_hash_fn)(int64_t seq, const char *hash, void *ctx);
int store_ledger_hashes(store *s, int64_t limit, store_hash_fn fn, void *ctx, isms_err *e);

/* ---- the ledger's Merkle tree, kept as it grows (0006_ledger_tree.sql) ---- */

/* The schema version that brought the stored tree. */
enum { STORE_SCHEMA_LEDGER_TREE = 6 };

/* Does the repository's schema have the stored tree? (Not one kept at an
 * older schema by ISMS_MIGRATE_UNTIL, a test aid.) */
int store_keeps_tree(const store *s);
/* One entry's hash (hex); E_NOT_FOUND when there is no entry #seq. */
int store_ledger_hash(store *s, int64_t seq, char hash[65], isms_err *e);
/* Node `level` (>= 1) of the tree: the head of the 2^level entries ending
 * with entry #seq, as 64 hex characters. Get gives E_NOT_FOUND for a node
 * that is not there. */
int store_tree_put(store *s, int64_t seq, int level, const char *hash, isms_err *e);
int store_tree_get(store *s, int64_t seq, int level, char hash[65], isms_err *e);
/* n nodes at once, many to a statement (a catalogue's entries). */
int store_tree_put_many(store *s, const int64_t *seq, const int *level, const char (*hash)[65],
                        int n, isms_err *e);
/* Several nodes at once, a query per STORE_TREE_BATCH of them: the
 * hashes of (seq[i], level[i]), level 0 meaning entry #seq's own hash;
 * hash[i] = "" for one that is not there. A proof needs some 40 nodes of
 * a million-entry tree: on PostgreSQL a round trip each would be most of
 * its time. */
enum { STORE_TREE_BATCH = 32 };
int store_tree_get_many(store *s, const int64_t *seq, const int *level, int n, char (*hash)[65],
                        isms_err *e);
/* The nodes with after < seq <= upto, in (seq, level) order. */
typedef int (*store_node_fn)(int64_t seq, int level, const char *hash, void *ctx);
int store_tree_scan(store *s, int64_t after, int64_t upto, store_node_fn fn, void *ctx,
                    isms_err *e);

/* A checkpoint the repository signed (table checkpoint). */
typedef struct store_checkpoint {
    int64_t id; /* insert: 0 takes the next id */
    const char *created_at, *actor;
    int64_t size;
    const char *root;      /* base64, as in the checkpoint */
    const char *signed_by; /* the signing key's key: "KEY-1" (scan: NULL if it is gone) */
    const char *signature; /* the signature line */
} store_checkpoint;

/* E_NOT_FOUND when c->signed_by is no signing key. */
int store_checkpoint_insert(store *s, store_checkpoint *c, isms_err *e);
/* Every checkpoint in id order; the row's memory is valid during fn only.
 * fn returns 0 to go on, else an E_* code it said in e. */
typedef int (*store_checkpoint_fn)(const store_checkpoint *c, void *ctx, isms_err *e);
int store_checkpoint_scan(store *s, store_checkpoint_fn fn, void *ctx, isms_err *e);

/* ---- the dashboard's kept figures (0010_tallies.sql, store/tally.c) ---- */

/* Does the repository's schema keep them? (Not one kept at an older schema
 * by ISMS_MIGRATE_UNTIL, a test aid.) */
int store_keeps_tallies(const store *s);
/* ... and those that follow from links between records (0016: coverage
 * per requirement, risks treated; domain/registers/tallies_links.c)? */
int store_keeps_link_tallies(const store *s);
/* Does the schema hold the decision register (0021)? An upgrade that
 * counts the tallies on its way there (0010) runs before it does. */
int store_keeps_decisions(const store *s);
/* Does it hold the incident register (0022)? */
int store_keeps_incidents(const store *s);
int store_keeps_metrics(const store *s); /* 0024: the metric and measurement registers */
/* 0026: the figures of who owns what in every register, and of who holds
 * each role (the responsibility matrix; counted again at the upgrade). */
int store_keeps_accountability(const store *s);
/* Whether each risk counts the controls in place that treat it
 * (risk.in_place, 0028). */
int store_keeps_in_place(const store *s);
/* Whether the kept figures count the acceptances (0029). */
int store_keeps_acceptances(const store *s);
/* Whether they count the active records by the value of each field of few
 * values (STORE_VALUE_PREFIX, 0037). */
int store_keeps_values(const store *s);
/* Whether they keep the responsibility matrix's gaps (0041,
 * domain/registers/owner_gaps.h). */
int store_keeps_owner_gaps(const store *s);
/* ... and the objectives not quantified (0042, tallies.h). */
int store_keeps_objective_figures(const store *s);
/* ... and the matrix's totals and its people with a gap by id (0045). */
int store_keeps_owner_totals(const store *s);
/* Whether mappings of controls are indexed by (target, id) (0047). */
int store_keeps_mapping_onto(const store *s);
/* A named figure and what to add to it. */
typedef struct store_tally {
    const char *name;
    int64_t n;
} store_tally;
/* Adds each t[i].n to its figure (made at 0), in the caller's transaction;
 * a name appears once in t. */
int store_tally_add(store *s, const store_tally *t, size_t n, isms_err *e);
int store_tally_clear(store *s, isms_err *e);
/* Rows of a name and a number (a figure; a key and an id); fn returns
 * non-zero to stop, and that value is returned. */
typedef int (*store_tally_fn)(const char *name, int64_t n, void *ctx);
/* In a write transaction: each figure with a change waiting for its
 * commit whose name starts with prefix, the change summed (0 included: a
 * mark added with 0, or changes that cancel), in no particular order. */
int store_tally_waiting(store *s, const char *prefix, store_tally_fn fn, void *ctx);
/* Into out[k]: names[k]'s figure as the table holds it, without the
 * changes waiting (in a write transaction: as it began, or as a clear
 * left it); 0 for none. A statement per 200 names. */
int store_tally_stored(store *s, const char *const *names, size_t n, int64_t *out, isms_err *e);
/* A page of a list read in id order: `limit` rows from the offset-th (the
 * rows before it read and passed: a cost that grows with the offset), or,
 * when after is not 0, those after record #after, or, when before is not
 * 0, the `limit` rows before record #before, in id order all the same
 * (the offset then unread: a front end's count for people).
 * Keyset paging: the store reads on from that record's place in the
 * list's index, and a page deep in a million costs what the first does. */
typedef struct store_page {
    int64_t offset, after, before, limit;
} store_page;
/* Figures counted by the day are named "day.YYYY-MM-DD.what": those of
 * the last year are one range of names, whatever the history's length. */
#define STORE_DAY_PREFIX "day."
/* Figures by a field's value, "value.REGISTER.FIELD.VALUE" (0037), which
 * a list's count reads one at a time: they sort after every other figure,
 * so that the dashboard's read ends before them. */
#define STORE_VALUE_PREFIX "value."
/* Every figure that is not 0, in no particular order; with `after` (a day,
 * YYYY-MM-DD), those by the day only of the days after it and none by
 * value, nor (skips not NULL: prefixes after the days', in name order, at
 * most 4, NULL-terminated) those whose name starts with a skip. */
int store_tally_scan(store *s, const char *after, const char *const *skips, store_tally_fn fn,
                     void *ctx, isms_err *e);
/* The first `limit` figures that are not 0 whose names start with prefix
 * and (after not NULL) sort after `after`, in name order (by bytes): the
 * front of a range of the primary key, or the next page of it.
 * E_RETRY inside a write transaction whose changes wait for its commit. */
int store_tally_first(store *s, const char *prefix, const char *after, int64_t limit,
                      store_tally_fn fn, void *ctx, isms_err *e);
/* The figures that are not 0 whose names start with prefix ("owner."): one
 * range of names, whatever else is kept. */
int store_tally_prefix(store *s, const char *prefix, store_tally_fn fn, void *ctx, isms_err *e);
/* The sum of the figures named (at most 16) as the store keeps them; E_RETRY
 * inside a write transaction whose changes to them wait for its commit (the
 * caller counts instead). */
int store_tally_sum(store *s, const char *const *names, int n, int64_t *sum, isms_err *e);
/* The same of the figures whose names lie in [from, upto) by bytes (a
 * prefix and a day: those counted by the day before it). On PostgreSQL the
 * comparison is in the "C" collation, which the primary key's index (in
 * the database's) may not serve: the table is read, as many rows as
 * there are figures. */
int store_tally_range(store *s, const char *from, const char *upto, int64_t *sum, isms_err *e);

/* ---- what each asset inherits along its dependencies (0031) ----
 * (domain/registers/asset_needs.c decides the values.) */
int store_keeps_asset_needs(const store *s);
typedef struct store_asset_row {
    int64_t id;
    char stated[3][16];     /* confidentiality, integrity, availability as written ("": none) */
    int critical;           /* supports a critical or important function */
    int inherited[3];       /* kept: 0..2, -1 none */
    int64_t source[3];      /* kept: the asset each comes from, 0 none */
    int critical_inherited; /* kept */
    int retired;
} store_asset_row;
typedef int (*store_asset_fn)(const store_asset_row *r, void *ctx);
/* Asset #id, retired or not (E_NOT_FOUND: none). */
int store_asset_get(store *s, int64_t id, store_asset_row *out, isms_err *e);
/* The active assets that depend on asset #id directly, by id. */
int store_asset_dependents(store *s, int64_t id, store_asset_fn fn, void *ctx, isms_err *e);
/* Every dependency (asset, depends_on) of the n assets `ids`, one level
 * only (what those depend on is the caller's next read), by asset then
 * dependency: a statement per 500 ids. */
typedef int (*store_edge_fn)(int64_t from, int64_t to, void *ctx);
int store_asset_depends(store *s, const int64_t *ids, size_t n, store_edge_fn fn, void *ctx,
                        isms_err *e);
/* Does asset #from depend, directly or not, on #to (the dependencies of
 * #to itself not followed)? */
int store_asset_reaches(store *s, int64_t from, int64_t to, int *yes, isms_err *e);
/* Writes what asset #id inherits. */
int store_asset_inherit(store *s, int64_t id, const int inherited[3], const int64_t source[3],
                        int critical_inherited, isms_err *e);
/* Every asset, retired or not, by id, in batches. */
int store_assets_kept(store *s, store_asset_fn fn, void *ctx, isms_err *e);
/* The kept figure counting the active assets whose inherited need (as
 * kept) is above a stated one; store_assets_raised counts them again. */
#define STORE_RAISED_TALLY "asset.raised"
int store_assets_raised(store *s, int64_t *n, isms_err *e);

/* A mapping of a framework's requirements: its id, the control mapped and
 * its target (0 where the caller did not ask for them). */
typedef int (*store_mapping_fn)(int64_t mapping, int64_t control, int64_t target, void *ctx);
/* The ids of the mappings (retired ones too) onto a requirement of
 * framework #framework, in no order, each to fn as (id, 0, 0), from two
 * indexes alone: a framework's coverage reads those, not every mapping. */
int store_mappings_onto(store *s, int64_t framework, store_mapping_fn fn, void *ctx, isms_err *e);
/* The active mappings of a control onto a requirement of framework
 * #framework, in no order: (mapping, control, target) each to fn. */
int store_control_mappings_onto(store *s, int64_t framework, store_mapping_fn fn, void *ctx,
                                isms_err *e);
/* What the dashboard joins, each bounded by what it finds: */
/* active risks to treat (neither accepted nor avoided) that an active
 * control in place (not planned) treats; */
int store_risks_treated(store *s, int64_t *n, isms_err *e);
/* is risk `risk` treated by an active control in place other than
 * `except` (0: any)? (the kept "risk.treated" as a write moves it); */
int store_risk_in_place(store *s, int64_t risk, int64_t except, int *yes, isms_err *e);
/* the active incidents that realised risk `risk` and were detected after
 * `after` (a timestamp or a day): how many, and their loss summed (by the
 * link's reverse index: the cost is that risk's incidents); */
int store_risk_incidents(store *s, int64_t risk, const char *after, int64_t *n, int64_t *loss,
                         isms_err *e);
/* `limit` of those to treat that none treats (key, id), by id, where the
 * page `at` says (store_page); */
int store_risks_untreated(store *s, const store_page *at, store_tally_fn fn, void *ctx,
                          isms_err *e);
/* the n risks (ascending) that no active control in place other than
 * `except` treats, moved to the front of `risks` (in order): *alone of
 * them (many to a statement: a control of thousands of risks); */
int store_risks_alone(store *s, int64_t *risks, size_t n, int64_t except, size_t *alone,
                      isms_err *e);
/* (From 0028) the counts of controls in place of the n risks moved by
 * `by` (a control's write: the domain says which risks it reaches); every
 * risk's set again from the links (after an import or a copy); how many
 * risks' counts differ from the links (verify --full). */
int store_risks_in_place_add(store *s, const int64_t *risks, size_t n, int64_t by, isms_err *e);
int store_risks_in_place_set(store *s, isms_err *e);
int store_risks_in_place_wrong(store *s, int64_t *n, isms_err *e);
/* (From 0036) whether a risk is tied to no objective, kept for the partial
 * index the state's lists read: marked (none 1 or 0) for risk #risk;
 * every risk's set again from the links; how many differ (verify --full). */
int store_keeps_no_objective(const store *s);
int store_risk_no_objective_mark(store *s, int64_t risk, int none, isms_err *e);
int store_risks_no_objective_set(store *s, isms_err *e);
int store_risks_no_objective_wrong(store *s, int64_t *n, isms_err *e);
/* active acceptances whose expiry is before `today`; */
int store_acceptances_lapsed(store *s, const char *today, int64_t *n, isms_err *e);
/* active risks treated by acceptance with an active acceptance in force; */
int store_risks_accepted_validly(store *s, const char *today, int64_t *n, isms_err *e);
/* (From 0029, for the kept figures) the latest expiry of risk #risk's
 * active acceptances but #except, STORE_NEVER for one that never expires,
 * "" for none; and for every active risk treated by acceptance that has
 * any, that date with how many risks have it, as (date, n) rows. */
#define STORE_NEVER "9999-12-31"
int store_risk_accepted_until(store *s, int64_t risk, int64_t except, char until[11], isms_err *e);
int store_risks_accepted_until(store *s, store_tally_fn fn, void *ctx, isms_err *e);
/* the time of the latest change to a record of `reg`, retired or not
 * (*at NULL: none), by index for risks and controls; */
int store_last_change(store *s, const regdef *reg, char **at, arena *a, isms_err *e);
/* the `limit` active risks of highest residual score (key, id), the older
 * first among equals (index risk_by_residual). */
int store_risks_top_residual(store *s, int64_t limit, store_tally_fn fn, void *ctx, isms_err *e);

/* ---- the latest analysis of each subject (0017_analysis_latest.sql,
 * store/latest.c), kept in the caller's transaction as analyses are saved
 * and the records their inputs come from are written ---- */

int store_keeps_latest(const store *s);
/* Analysis #analysis is now its subject's latest, written since it ran by
 * nothing; n: the matrix size its cell and its risk's are banded at. */
int store_latest_set(store *s, int64_t analysis, int n, isms_err *e);
/* Every subject's latest analysis again from the analyses (an upgrade, an
 * import), written since it ran by nothing; store_latest_mark then marks
 * subject's as written since it ran, at `at` (NULL: not, or no longer). */
int store_latest_rebuild(store *s, int n, isms_err *e);
int store_latest_mark(store *s, const char *subject, const char *at, isms_err *e);
/* A record every analysis not of one risk draws on (a portfolio's, a
 * return on controls') was written at `at`; with `every`, one that every
 * analysis draws on (an approved appetite, the organisation): the risks'
 * too, of those still quantified and active. */
int store_latest_touch(store *s, int every, const char *at, isms_err *e);
/* An approved appetite of objective #objective (0: the organisation's)
 * was written at `at`: the analyses of the risks it is the appetite of
 * (objective's; the organisation's, those of the risks whose objectives
 * have none of their own), and every one not of one risk. */
int store_latest_touch_objective(store *s, int64_t objective, const char *at, isms_err *e);
/* Control #control, treating `members` risks, was written at `at`, its
 * effect as before: the analyses of the risks it treats already marked
 * are marked again at `at` (still stale, since a later change), those not
 * marked stay so. */
int store_latest_retouch_control(store *s, int64_t control, int64_t members, const char *at,
                                 isms_err *e);
/* The tally counting the latest analyses written since they ran (0018),
 * kept by the functions above; store_latest_stale counts them again. */
#define STORE_STALE_TALLY "analysis.stale"
int store_latest_stale(store *s, int64_t *n, isms_err *e);
/* The latest analysis of risk #risk (0: of every risk) against the risk's
 * residual cell again, on an n x n matrix (the risk or the matrix changed). */
int store_latest_cells(store *s, int64_t risk, int n, isms_err *e);
/* The active risks with a FAIR input whose latest analysis is outside
 * appetite (disagrees 0) or whose cell is more than a band from the risk's
 * (disagrees 1): how many in *total (from 0030 the kept figure), and the
 * page `at` of them (key, id) by id. */
int store_latest_flagged(store *s, int disagrees, const store_page *at, store_tally_fn fn,
                         void *ctx, int64_t *total, isms_err *e);
/* From 0030 the kept figures count those two kinds of risks (moved by the
 * functions above and store_latest_standing); store_latest_flagged_count
 * counts them again. */
#define STORE_OUTSIDE_TALLY "analysis.outside"
#define STORE_DISAGREES_TALLY "analysis.disagrees"
int store_keeps_flagged(const store *s);
typedef struct store_flagged {
    int64_t outside, disagrees;
} store_flagged;
int store_latest_flagged_count(store *s, store_flagged *n, isms_err *e);
/* Risk #risk was (`was`) and is (`now`) active with a FAIR input, as its
 * write left it: its latest analysis joins or leaves the counts. */
int store_latest_standing(store *s, int64_t risk, int was, int now, isms_err *e);
/* A latest analysis: its id, and when a record its inputs come from was
 * written after it ran (NULL: nothing since). */
typedef int (*store_latest_fn)(int64_t analysis, const char *changed_at, void *ctx);
/* The latest analyses not of one risk (portfolios, returns on controls),
 * a few, in the order of each subject's first analysis. */
int store_latest_portfolios(store *s, store_latest_fn fn, void *ctx, isms_err *e);

/* Does the table keep each risk's latest P95 loss, and the count of those
 * written since they ran (0018_latest_money.sql)? */
int store_keeps_latest_figures(const store *s);
/* The latest analyses of the `limit` risks still quantified with the
 * largest P95 loss, largest first (equal ones in the risks' order), from
 * the front of an index (0018). */
int store_latest_top(store *s, int64_t limit, store_latest_fn fn, void *ctx, isms_err *e);
/* The first `limit` (at least 1) latest analyses written since they ran,
 * in the analyses' order, from the front of an index (how many: the tally
 * STORE_STALE_TALLY). */
int store_latest_written(store *s, int64_t limit, store_latest_fn fn, void *ctx, isms_err *e);
/* The latest analysis of risk #risk, if it has one, by index. */
int store_latest_of_risk(store *s, int64_t risk, store_latest_fn fn, void *ctx, isms_err *e);
/* The latest analyses of the risks with ids in [from, to], by risk id: a
 * list of risks reads them a window at a time, where one query a row
 * costs a round trip each on PostgreSQL. */
typedef int (*store_latest_risk_fn)(int64_t risk, int64_t analysis, const char *changed_at,
                                    void *ctx);
int store_latest_of_risks(store *s, int64_t from, int64_t to, store_latest_risk_fn fn, void *ctx,
                          isms_err *e);
/* The ids of the risks with a latest analysis, in order, each to fn. */
int store_latest_risk_ids(store *s, store_tally_fn fn, void *ctx, isms_err *e);

#endif
