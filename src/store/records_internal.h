/* records_internal.h: what the record store's modules share.
 *
 *   records.c  a register's SQL (regsql), rows written, read and looked up
 *   query.c    what a store_query selects (its FROM and WHERE), counted
 *   sorted.c    store_ids: a sorted page read from the front of an index
 *   scan.c     store_scan: rows with their links, merged in id order */
#ifndef ISMS_STORE_RECORDS_INTERNAL_H
#define ISMS_STORE_RECORDS_INTERNAL_H

#include "core/buf.h"
#include "store/store_internal.h"

/* ---- records.c ---- */

/* A register's SQL, built from its field table on first use. */
typedef struct regsql {
    const regdef *reg;
    int version;           /* the schema it was built for */
    unsigned char *absent; /* per field: no column at that schema (fielddef.since) */
    char *select;          /* SELECT ... FROM t t */
    char *select_ids;      /* the same, references without their keys */
    char *insert, *update, *by_key, *by_id;
    /* db_driver.insert_in_one: the row with its links, without [0] and
     * with [1] its words; built when first used. */
    char *insert_one[2];
    char **link_one, **link_all, **link_del; /* per field, NULL if not a link */
    /* The largest id and key number as this write transaction last read
     * or wrote them, while keys_gen == db_write_gen() (0: not known): each
     * add asks for the next key, two queries (round trips on PostgreSQL). */
    unsigned long keys_gen;
    int64_t max_id, max_no;
    /* Whether every key starts with the register's prefix (query.c:
     * keys_prefixed), as this transaction read it, while prefixed_gen is
     * its generation. */
    unsigned long prefixed_gen;
    int prefixed;
} regsql;

/* A field whose values are rows of its own table (a set of links or of
 * enumerated values), not a column. */
static inline int store_is_link(const fielddef *f)
{
    return f->type == FT_LINKS || f->type == FT_ENUMSET;
}

/* reg's SQL, built (or built again for a newer schema) when needed; the
 * store owns it. */
regsql *store_sql_for(store *s, const regdef *reg);
/* Is f one of reg's fields? If not, the error (E_INTERNAL: a caller's bug). */
int store_has_field(const regdef *reg, const fielddef *f);
int store_not_a_field(const regdef *reg, const fielddef *f, isms_err *e);
/* The row st stands on (regsql.select's columns) into r, in a; want: the
 * fields decoded (want[i] for field i), NULL: all. Links are left empty. */
void store_decode_row(db_stmt *st, const regdef *reg, record *r, arena *a,
                      const unsigned char *want);
/* One member appended to a link value (*cap: its arrays' room, 0 at
 * first); the value finished once all are (an enum set sorted bytewise). */
void store_link_push(value *v, int64_t id, const char *key, arena *a, int *cap);
void store_link_finish(const fielddef *f, value *v);
/* The number of a key store_next_key made ("RISK-7": "7"), or NULL. */
const char *store_key_number(const regdef *reg, const char *key);

/* ---- query.c ---- */

/* How store_query_where writes a query (flags). */
enum {
    /* the search's words as the FROM's record_word w (store_words_join),
     * else as a set of ids */
    QW_JOINED = 1,
    /* the rows are read in id order or counted: a risk state that is the
     * query's only term is written as its condition, which its partial
     * index reads in that order, not as the list of its ids
     * (store_filter.as_list: for another index's order or terms), which
     * the database builds first, once for the page and once for each of
     * its link queries */
    QW_BY_ID = 2,
    /* the page by id of one set's members (store_link_drives): the set's link
     * rows as the FROM's l, read in its reverse index's order (target,
     * source), each record joined to its row, where SQLite built the list
     * of every member first (a page of one objective's risks, 100,000 of a
     * million: 34 ms; each page past a cursor the same) */
    QW_LINK_DRIVES = 4,
    /* the terms are tested on each row read in another index's order
     * (prep_tested): a set filter as a probe of the row's own links (the
     * link table's key: source, target), not as the list of the set's
     * members, which SQLite built for each chunk of rows tested */
    QW_PROBED = 8,
    /* only_retired as the list of the retired records' ids (their own
     * index, 0039_retired.sql), where they are few and the page is read
     * in another index's order: SQLite, planning without statistics, read
     * the list's sort index whole and tested each row (a page of five
     * retired risks by title among a million: 2,204 M instructions) */
    QW_RETIRED_LISTED = 16,
};

/* Few records, as the store's plans count them: a page is found among
 * them by reading them all, not by testing rows in an index's order. */
enum { STORE_FEW = 10000 };

/* The one filter of q on a set's member (a link field, one member), or -1. */
int store_link_filter(const store_query *q);
/* Is q's page by id read from its set filter's link rows (QW_LINK_DRIVES)? */
int store_link_drives(const store *s, const store_query *q);
/* Is q's one filter a risk state, and nothing else selective? */
int store_lone_state(const store_query *q);
/* " FROM reg t", with what flags join before it. */
void store_from_sql(buf *b, const regdef *reg, const store_query *q, int flags);
/* q's WHERE clause; bound by store_bind_query from parameter p on, which
 * returns the next parameter. */
void store_query_where(const store *s, buf *b, const regdef *reg, const store_query *q, int flags);
int store_bind_query(const store *s, db_stmt *st, int p, const regdef *reg, const store_query *q);
/* q's filters are reg's fields and its text words the search can look up. */
int store_check_query(store *s, const regdef *reg, const store_query *q, isms_err *e);
/* SELECT what FROM reg WHERE q (and `more`), prepared and bound; *p: the
 * next parameter. */
int store_prep_where(store *s, const char *what, const regdef *reg, const store_query *q,
                     const char *more, int flags, db_stmt **st, int *p, isms_err *e);
/* How many records q (its filters and retired or not; not its text)
 * selects, counted through their indexes up to `most` + 1 rows: *n is
 * most + 1 where more do. */
int store_count_upto(store *s, const regdef *reg, const store_query *q, int64_t most, int64_t *n,
                     isms_err *e);
/* How many records q (and `more`) selects. */
int store_count_where(store *s, const regdef *reg, const store_query *q, const char *more,
                      int64_t *n, isms_err *e);

#endif
