/* store_internal.h: what the store's own modules share. */
#ifndef ISMS_STORE_INTERNAL_H
#define ISMS_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

struct regsql;

/* A tree node as a write transaction stored it (store.tree). */
typedef struct tree_slot {
    unsigned long gen;
    int64_t seq;
    char hash[65];
} tree_slot;

/* A reference the write transaction in flight found (records.c). */
typedef struct ref_kept {
    const regdef *reg;
    const fielddef *by; /* as store_ref's */
    char *text, *key;   /* malloc'd */
    int64_t id;
    int retired;
} ref_kept;

enum { REFS_KEPT = 64 }; /* references kept, the oldest replaced first */

/* A record's label (a person's name, an objective's title) as a read
 * transaction read it. */
typedef struct label_kept {
    const regdef *reg;
    char *key, *label; /* malloc'd; label NULL: none */
} label_kept;

enum { LABELS_KEPT = 64 };

/* A change to one of the dashboard's figures that waits for the commit
 * (tally.c), made at savepoint depth `depth` (0: the transaction itself). */
typedef struct tally_wait {
    char *name;
    uint64_t hash; /* of name (strmap_hash), compared first */
    int64_t n;
    int depth;
} tally_wait;

struct store {
    db *db;
    char *target; /* as opened: store_open_reader opens it again */
    store_schema schema;
    int version;         /* the schema version once open */
    struct regsql **sql; /* per-register SQL text, built on first use */
    int nsql;
    char *schema_diff; /* schema.c: how the schema differs from its migrations', or NULL */
    int schema_checked;
    /* Does the database order text by its bytes (db_driver.text_by_bytes)?
     * 0: not asked yet; 1: yes; 2: no. It holds for the connection. */
    int text_by_bytes;
    /* The ledger's head as this write transaction last read or wrote it,
     * while head.gen == db_write_gen(db) (0: not known): each append reads
     * it, and on PostgreSQL a read is a round trip. */
    struct {
        unsigned long gen;
        int64_t seq;
        char hash[65];
    } head;
    /* The last two tree nodes this write transaction stored at each level
     * (slot (seq >> level) & 1), while gen == db_write_gen(db): appending
     * an entry reads the left sibling of each node it completes, which an
     * earlier append of the same transaction has mostly just stored. */
    tree_slot tree[64][2];
    /* The references (owner, objectives, assets, ...) this write
     * transaction found, while refs_gen == db_write_gen(db) and no record
     * was updated since: a batch of adds names the same few again and
     * again, and on PostgreSQL each lookup is a statement and, for the
     * first, a round trip. Writers hold the write lock, so only this
     * transaction changes records, and a rollback changes the generation;
     * records found are kept, records not found are not (an add may
     * create them). */
    unsigned long refs_gen;
    int nrefs, refs_next;
    ref_kept refs[REFS_KEPT];
    /* The labels this read transaction looked up, while labels_gen ==
     * db_read_gen(db): a page of 50 risks names the same few owners and
     * objectives, each a round trip on PostgreSQL. */
    unsigned long labels_gen;
    int nlabels, labels_next;
    label_kept labels[LABELS_KEPT];
    /* The figure changes of the write transaction in flight, summed per
     * figure and savepoint depth, written at its commit (tally.c). */
    tally_wait *waiting;
    size_t nwaiting, waiting_cap;
    /* Their index by name and depth: open addressing, each slot a
     * position in waiting plus one (0: empty), at most half full; a
     * batch's changes are a thousand figures (a day each), which a walk
     * of the array would compare every one of an add's against. */
    uint32_t *wait_slots;
    size_t wait_slots_cap; /* a power of two; 0: no index */
    /* SQLite: the search words of the write transaction in flight, in
     * order, written at its commit (words_wait.c). */
    struct word_wait *words;
    size_t nwords, words_cap;
    int words_inside; /* some were written inside a savepoint (a search) */
};

/* Migration `version`'s SQL for the driver of d, malloc'd (store.c). */
char *store_migration_sql(const db *d, int version);

/* The figure changes waiting (tally.c): written, in one statement, just
 * before the transaction commits; at the end of savepoint `depth` (0: of
 * the transaction) kept for the depth around it, or dropped. */
int store_tallies_flush(store *s, isms_err *e);
void store_tallies_end(store *s, int depth, int kept);

/* SQLite's search words waiting for the commit (words_wait.c): whether a
 * word written now waits (FTS5, in a write transaction); a document
 * (taken) added or, del, removed at the current depth; what waits,
 * written (before the COMMIT, and before a search inside the
 * transaction); at the end of savepoint `depth` (0: of the transaction)
 * kept for the depth around it, or dropped. */
typedef struct word_wait word_wait;
int store_words_deferred(const store *s);
int store_words_defer(store *s, int64_t rid, char *doc, int del, isms_err *e);
int store_words_sync(store *s, isms_err *e);
void store_words_end(store *s, int depth, int kept);
/* Before a savepoint opens at depth 0: what waits is written once there
 * is much of it (a long transaction of savepoints: memory stays bounded). */
int store_words_bound(store *s, isms_err *e);

/* What 0013_lists.sql's @LISTS r@ makes for reg (its list's indexes and
 * its word table), for the driver of d, malloc'd (store.c): for a register
 * whose table store_create_table makes. */
char *store_list_sql(const db *d, const regdef *reg);
/* The registers @LISTS r@ reads r's fields from from now on (NULL: those
 * known already). */
void store_know_registers(const regdef *const *registers);

/* Per-register SQL (records.c). */
void regsql_free(store *s);

/* Forgets the references kept (records.c). */
void store_refs_forget(store *s);
/* Forgets the labels a read transaction kept (store_label_of). */
void store_labels_forget(store *s);

/* The queries keyed by one value: their one parameter is `text` when it is
 * not NULL, else the integer `id` (store.c). */

/* Reads the row the query finds (the first only) into `out`. */
typedef void store_row_fn(db_stmt *st, void *out, arena *a);
void store_row_text(db_stmt *st, void *out, arena *a); /* column 0 into a char *, in a */
void store_row_int(db_stmt *st, void *out, arena *a);  /* column 0 into an int64_t */

/* Prepares `insert` ("INSERT INTO t (a, b) VALUES") followed by k copies
 * of `row` ("(?, ?)"), comma-separated: k rows in one statement. */
int store_prep_rows(store *s, const char *insert, const char *row, int k, db_stmt **st,
                    isms_err *e);
/* The same with `tail` after the copies: "... WHERE id IN (" k times "?"
 * and ")". */
int store_prep_list(store *s, const char *head, const char *item, int k, const char *tail,
                    db_stmt **st, isms_err *e);
/* How many of n items the next statement of a list takes: STORE_LIST_MAX,
 * else the largest power of two not above n, and one at a time below
 * STORE_LIST_MIN (preparing a statement costs what a dozen rows do: a
 * set of three is one text used three times, not two texts). A list of
 * any length is then a few statements of at most six texts, each
 * prepared once. */
enum { STORE_LIST_MIN = 16, STORE_LIST_MAX = 256 };
int store_list_chunk(size_t n);
/* The next chunk of ids[*done..n): head, a "?" per id of the chunk and
 * tail, prepared, the ids bound from parameter `first` on (the others are
 * the caller's to bind); *k is the chunk's size and *done moves past it. */
int store_prep_ids(store *s, const char *head, const char *tail, const int64_t *ids, size_t n,
                   size_t *done, int first, db_stmt **st, int *k, isms_err *e);

/* Runs `sql`; *found says whether it found a row, and `fn` (when not NULL)
 * read it into `out`. */
int store_one(store *s, const char *sql, const char *text, int64_t id, store_row_fn *fn, void *out,
              arena *a, int *found, isms_err *e);

/* The ledger entry `seq` as `sql` (... WHERE seq = ?) selects it, stepped
 * to; E_NOT_FOUND when there is none. On 0 the caller reads the row and
 * ends *st (db_done). */
int store_ledger_at(store *s, const char *sql, int64_t seq, db_stmt **st, isms_err *e);

/* Runs `sql`, a statement that returns no row (DELETE, UPDATE). */
int store_run1(store *s, const char *sql, const char *text, int64_t id, isms_err *e);

/* Hands each row's (integer, text) of its first two columns to fn, then
 * finishes st. */
int store_seq_text_rows(db_stmt *st, store_hash_fn fn, void *ctx, isms_err *e);

/* Node (seq, level) was stored: kept as its level's latest while the
 * write transaction's generation holds (store_tree_get reads it). */
void store_tree_kept(store *s, int64_t seq, int level, const char *hash);

/* ---- the search's word index (words.c) ---- */

/* Words, malloc'd, sorted by bytes and each once. */
typedef struct word_list {
    char **w;
    int n, cap;
} word_list;
void word_list_free(word_list *l);
/* The words of text (a search's query). */
int store_words_of(const char *text, word_list *l, isms_err *e);
/* Does the repository's schema keep the words (0013_lists.sql)? */
int store_keeps_words(const store *s);
/* A new record's words, written; n records' (of one register) at once. */
int store_words_insert(store *s, const record *r, isms_err *e);
int store_words_insert_many(store *s, const record *rs, int n, isms_err *e);
/* The same as part of a statement (db_driver.insert_in_one, rows not
 * FTS5): store_words_cte is a WITH clause of two parameters (the record's
 * rid and the array of its words) that store_words_bind_new binds from
 * parameter *p on, *p then the next one. */
extern const char store_words_cte[];
int store_words_bind_new(const store *s, db_stmt *st, int *p, const record *r, isms_err *e);
/* The searched texts record r->id has now (read before it is updated,
 * malloc'd into *old; NULL: none kept); then its words brought to r's. */
int store_words_before(store *s, const record *r, char **old, isms_err *e);
int store_words_update(store *s, const record *r, const char *old, isms_err *e);
/* Every record's words of reg, written (the upgrade to 0013). */
int store_words_fill(store *s, const regdef *reg, isms_err *e);
/* " AND t.id IN (...)": the records with the query's words, and their
 * binding from p on (the next p returned). */
void store_words_where(const store *s, struct buf *b, const regdef *reg, const word_list *q);
int store_words_bind(const store *s, db_stmt *st, int p, const regdef *reg, const word_list *q);
/* Where the words are one row a record (FTS5) and text has words
 * (store_words_joins), the same as a join: record_word w in the FROM,
 * and " AND w... AND t.id = w.rowid - ...", bound by store_words_bind
 * alike. */
int store_words_joins(const store *s, const char *text);
void store_words_join(const store *s, struct buf *b, const regdef *reg, const word_list *q);
/* Where the words are rows (PostgreSQL), how many of reg's records hold
 * q's one word, counted from its rows alone, those of retired records
 * left out unless retired_too; *done 0 (nothing read) where the words are
 * FTS5's or q is not one word. */
int store_words_count(store *s, const regdef *reg, const word_list *q, int retired_too, int64_t *n,
                      int *done, isms_err *e);
/* The same tested on a record's own texts: store_words_columns' columns
 * ("t.id, t.key, t.<searched>..."), and whether the row st stands on holds,
 * for each word of q, a word it starts (as the index would match it). */
void store_words_columns(const regdef *reg, struct buf *b);
int store_words_ncolumns(const regdef *reg); /* how many they are */
int store_words_row_holds(db_stmt *st, const regdef *reg, const word_list *q, int *holds,
                          isms_err *e);
/* Is each word of q held by 10,000 or more of reg's records (a bounded
 * count of the index)? Then a page is found sooner by testing the list's
 * records in its order than through the index. *common: STORE_WORDS_COMMON
 * (each is), STORE_WORDS_RARE (one is not) or, where the count sees whole
 * words only (FTS5), STORE_WORDS_UNKNOWN (not as a whole word; as the
 * start of others, unknown). *held: bit k set where word k is so held
 * (some but not all: the search asks the index for the others alone and
 * tests these on the rows they select, sorted.c). */
enum { STORE_WORDS_RARE, STORE_WORDS_UNKNOWN, STORE_WORDS_COMMON };
int store_words_common(store *s, const regdef *reg, const word_list *q, int *common, uint64_t *held,
                       isms_err *e);
/* Bit k set where word k of q starts the word of reg's key prefix ("r",
 * "ris", "risk" of RISK): a word each record whose key store_next_key
 * made holds (query.c: store_query_narrowed). */
uint64_t store_words_keyed(const regdef *reg, const word_list *q);
/* q's words but those of bit set in held, as a query's text (malloc'd). */
char *store_words_but(const word_list *q, uint64_t held);

/* A risk (alias a) with a FAIR input: 0014's and 0034's terms. */
#define HAS_FAIR_INPUTS(a)                                                             \
    "NOT (" a ".lef IS NULL AND " a ".tef IS NULL AND " a ".vulnerability IS NULL "    \
    "AND " a ".threat_capability IS NULL AND " a ".resistance_strength IS NULL AND " a \
    ".primary_loss IS NULL AND " a ".secondary_probability IS NULL AND " a             \
    ".secondary_loss IS NULL)"
/* The condition on risk t of a store_filter's risk_state (tally.c);
 * `active`: the query selects active risks alone, whose kept counts and
 * partial indexes it may use; `as_list` (active only): as the list of the
 * state's ids. One parameter for STORE_RISK_UNACCEPTED. */
void store_risk_state_where(const store *s, struct buf *b, int state, int active, int as_list);

/* Rows of a query of (integer, integer, text) with two integer parameters
 * (a range) to fn, which returns non-zero to stop (store/tally.c). */
typedef int (*store_int_int_text_fn)(int64_t a, int64_t b, const char *c, void *ctx);
int store_range_rows(store *s, const char *sql, int64_t lo, int64_t hi, store_int_int_text_fn fn,
                     void *ctx, isms_err *e);
/* Rows of a query of (text, integer) to fn, which returns non-zero to stop;
 * `param` (when not NULL) then `limit` (when not 0: a LIMIT, or any other
 * integer parameter, an id) bound in that order (store/tally.c). */
int store_text_int_rows(store *s, const char *sql, const char *param, int64_t limit,
                        store_tally_fn fn, void *ctx, isms_err *e);
/* Rows of `select` (a SELECT of (text, integer) ending in its WHERE
 * conditions) ordered by `id` (the column of the rows' record ids), the
 * page `at` of them (store_page), to fn (store/tally.c). */
int store_page_rows(store *s, const char *select, const char *id, const store_page *at,
                    store_tally_fn fn, void *ctx, isms_err *e);
/* The same of a statement prepared and bound by the caller, which it
 * finishes (db_done) whatever happens. */
int store_stmt_text_int_rows(db_stmt *st, store_tally_fn fn, void *ctx, isms_err *e);

#endif
