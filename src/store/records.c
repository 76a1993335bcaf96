/* records.c: storing and reading records of any register.
 *
 * The SQL is derived from the register's field table (core/record.h): the
 * identifiers come from static tables, every value is a bound parameter.
 * A reference field is one column holding the target's id; reading it also
 * fetches the target's key. Link fields live in their own tables and are
 * read either per record (one record) or, for scans, by merging one
 * ordered query per link table with the main one (1 + L queries instead of
 * 1 + L x N; a page or a filtered scan restricts the link queries to the
 * ids the main query selects). */
#include "store/store_internal.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* Whether every key starts with the register's prefix (keys_prefixed),
     * as this transaction read it, while prefixed_gen is its generation. */
    unsigned long prefixed_gen;
    int prefixed;
} regsql;

static int is_link(const fielddef *f) { return f->type == FT_LINKS || f->type == FT_ENUMSET; }

/* Is f one of reg's fields? The callers name fields by descriptor; one of
 * another register would make SQL against the wrong table. */
static int has_field(const regdef *reg, const fielddef *f)
{
    for (int i = 0; i < reg->nfields; i++)
        if (&reg->fields[i] == f)
            return 1;
    return 0;
}

static int not_a_field(const regdef *reg, const fielddef *f, isms_err *e)
{
    return err_set(e, E_INTERNAL, f ? f->name : "field", "%s has no field %s", reg->name,
                   f ? f->name : "(none)");
}

/* Is field i of q's register a column of the table at q's schema? Links
 * are rows of their own tables. */
static int stored(const regsql *q, int i) { return !is_link(&q->reg->fields[i]) && !q->absent[i]; }

/* keys: a reference's key beside its id; without, NULL (store_query.ids_only).
 * A field without a column at this schema is selected as NULL, so that
 * every field keeps its place in the row. */
static char *build_select(const regsql *q, int keys)
{
    const regdef *reg = q->reg;
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT t.id, t.key, t.version, t.created_at, t.updated_at, t.retired_at");
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (is_link(f))
            continue;
        if (q->absent[i]) {
            buf_puts(&b, f->type == FT_REF ? ", NULL, NULL" : ", NULL");
            continue;
        }
        buf_printf(&b, ", t.%s", f->name);
        if (f->type == FT_REF && keys)
            buf_printf(&b, ", (SELECT r.key FROM %s r WHERE r.id = t.%s)", f->target, f->name);
        else if (f->type == FT_REF)
            buf_puts(&b, ", NULL");
    }
    buf_printf(&b, " FROM %s t", reg->name);
    return buf_detach(&b);
}

/* INSERT of `rows` records (one for the ordinary insert, more for
 * store_insert_many). */
static char *build_insert_rows(const regsql *q, int rows)
{
    const regdef *reg = q->reg;
    buf cols, qs;
    buf_init(&cols);
    buf_init(&qs);
    buf_puts(&cols, "id, key, version, created_at, updated_at, retired_at");
    buf_puts(&qs, "?, ?, ?, ?, ?, ?");
    for (int i = 0; i < reg->nfields; i++) {
        if (!stored(q, i))
            continue;
        buf_printf(&cols, ", %s", reg->fields[i].name);
        buf_puts(&qs, ", ?");
    }
    buf b;
    buf_init(&b);
    buf_printf(&b, "INSERT INTO %s (%s) VALUES (%s)", reg->name, buf_str(&cols), buf_str(&qs));
    for (int k = 1; k < rows; k++)
        buf_printf(&b, ", (%s)", buf_str(&qs));
    buf_reset(&cols);
    buf_reset(&qs);
    return buf_detach(&b);
}

static char *build_insert(const regsql *q) { return build_insert_rows(q, 1); }

static char *build_update(const regsql *q)
{
    const regdef *reg = q->reg;
    buf b;
    buf_init(&b);
    buf_printf(&b, "UPDATE %s SET version = ?, updated_at = ?, retired_at = ?", reg->name);
    for (int i = 0; i < reg->nfields; i++)
        if (stored(q, i))
            buf_printf(&b, ", %s = ?", reg->fields[i].name);
    /* RETURNING tells whether the version matched (both backends have it). */
    buf_puts(&b, " WHERE id = ? AND version = ? RETURNING id");
    return buf_detach(&b);
}

static char *printf_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printf_sql(const char *fmt, ...)
{
    buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b);
}

static void build_links(regsql *q, const regdef *reg)
{
    size_t n = (size_t)reg->nfields;
    q->link_one = xcalloc(n, sizeof(char *));
    q->link_all = xcalloc(n, sizeof(char *));
    q->link_del = xcalloc(n, sizeof(char *));
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (!is_link(f))
            continue;
        const char *lt = f->link_table, *src = f->link_src, *dst = f->link_dst;
        if (f->type == FT_LINKS) {
            q->link_one[i] = printf_sql("SELECT x.id, x.key FROM %s l JOIN %s x ON x.id = l.%s "
                                        "WHERE l.%s = ? ORDER BY x.id",
                                        lt, f->target, dst, src);
            /* x.id = l.dst: ordered by the link table's own key, SQLite
             * needs no sort (by x.id it sorts every record's links). */
            q->link_all[i] =
                printf_sql("SELECT l.%s, x.id, x.key FROM %s l JOIN %s x ON x.id = l.%s "
                           "ORDER BY l.%s, l.%s",
                           src, lt, f->target, dst, src, dst);
        } else {
            q->link_one[i] = printf_sql("SELECT 0, l.%s FROM %s l WHERE l.%s = ?", dst, lt, src);
            q->link_all[i] =
                printf_sql("SELECT l.%s, 0, l.%s FROM %s l ORDER BY l.%s", src, dst, lt, src);
        }
        q->link_del[i] = printf_sql("DELETE FROM %s WHERE %s = ?", lt, src);
    }
}

/* The statements' texts of q, for the schema the store is at. */
static void build_texts(store *s, regsql *q)
{
    const regdef *reg = q->reg;
    q->version = s->version;
    q->absent = xcalloc((size_t)reg->nfields + 1, 1);
    for (int i = 0; i < reg->nfields; i++)
        q->absent[i] =
            reg->fields[i].since && s->version < store_migration_version(reg->fields[i].since);
    q->select = build_select(q, 1);
    q->select_ids = build_select(q, 0);
    q->insert = build_insert(q);
    q->update = build_update(q);
    q->by_key = printf_sql("%s WHERE t.key = ?", q->select);
    q->by_id = printf_sql("%s WHERE t.id = ?", q->select);
    build_links(q, reg);
}

static void free_texts(regsql *q)
{
    char *texts[] = { q->select, q->select_ids, q->insert,        q->update,
                      q->by_key, q->by_id,      q->insert_one[0], q->insert_one[1] };
    char **per_field[] = { q->link_one, q->link_all, q->link_del };
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++)
        free(texts[t]);
    for (size_t l = 0; l < sizeof per_field / sizeof *per_field; l++) {
        for (int k = 0; k < q->reg->nfields; k++)
            free(per_field[l][k]);
        free(per_field[l]);
    }
    free(q->absent);
    q->insert_one[0] = q->insert_one[1] = NULL;
}

/* Entries are allocated one by one: callers keep pointers to them while
 * other registers' SQL is being built. Their texts follow the schema: an
 * upgrade that adds a column makes them again. */
static regsql *sql_for(store *s, const regdef *reg)
{
    for (int i = 0; i < s->nsql; i++)
        if (s->sql[i]->reg == reg) {
            regsql *q = s->sql[i];
            if (q->version != s->version) {
                free_texts(q);
                build_texts(s, q);
            }
            return q;
        }
    s->sql = xrealloc(s->sql, sizeof(regsql *) * (size_t)(s->nsql + 1));
    regsql *q = xcalloc(1, sizeof *q);
    s->sql[s->nsql++] = q;
    q->reg = reg;
    build_texts(s, q);
    return q;
}

void regsql_free(store *s)
{
    for (int i = 0; i < s->nsql; i++) {
        free_texts(s->sql[i]);
        free(s->sql[i]);
    }
    free(s->sql);
    s->sql = NULL;
    s->nsql = 0;
}

/* ---- binding and decoding ---- */

static void bind_value(db_stmt *st, int p, const fielddef *f, const value *v)
{
    if (v->null) {
        db_bind_null(st, p);
        return;
    }
    switch (f->type) {
    case FT_INT:
    case FT_MONEY:
    case FT_BOOL:
    case FT_REF: db_bind_int(st, p, v->i); break;
    default: db_bind_text(st, p, v->s); break;
    }
}

/* Binds the stored fields (q's columns) from parameter `p` on; returns
 * the next. */
static int bind_fields(db_stmt *st, int p, const regsql *q, const record *r)
{
    for (int i = 0; i < r->reg->nfields; i++)
        if (stored(q, i))
            bind_value(st, p++, &r->reg->fields[i], &r->v[i]);
    return p;
}

/* A whole row of r as an insert lists it (build_insert_rows), from
 * parameter p; the next parameter. */
static int bind_row(db_stmt *st, int p, const regsql *q, const record *r)
{
    db_bind_int(st, p++, r->id);
    db_bind_text(st, p++, r->key);
    db_bind_int(st, p++, r->version);
    db_bind_text(st, p++, r->created_at);
    db_bind_text(st, p++, r->updated_at);
    db_bind_text(st, p++, r->retired_at);
    return bind_fields(st, p, q, r);
}

/* Member k of the value v of link field f, as the second of a pair. */
static void bind_member(db_stmt *st, int p, const fielddef *f, const value *v, int k)
{
    if (f->type == FT_LINKS)
        db_bind_int(st, p, v->ids[k]);
    else
        db_bind_text(st, p, v->keys[k]);
}

/* want: the fields to decode (want[i] for field i), the others left null;
 * NULL: all of them. */
static void decode_row(db_stmt *st, const regdef *reg, record *r, arena *a,
                       const unsigned char *want)
{
    record_init(r, reg, a);
    r->id = db_col_int(st, 0);
    r->key = arena_strdup(a, db_col_text(st, 1));
    r->version = db_col_int(st, 2);
    r->created_at = arena_strdup(a, db_col_text(st, 3));
    r->updated_at = arena_strdup(a, db_col_text(st, 4));
    r->retired_at = arena_strdup(a, db_col_text(st, 5));
    int c = 6;
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        value *v = &r->v[i];
        if (is_link(f)) {
            v->null = 0; /* an empty set, until links are loaded */
            continue;
        }
        if (want && !want[i]) {
            c += 1 + (f->type == FT_REF); /* a reference is its id and its key */
            continue;
        }
        v->null = db_col_null(st, c);
        switch (f->type) {
        case FT_INT:
        case FT_MONEY:
        case FT_BOOL: v->i = db_col_int(st, c); break;
        case FT_REF:
            v->i = db_col_int(st, c);
            v->s = arena_strdup(a, db_col_text(st, c + 1));
            c++;
            break;
        default: v->s = arena_strdup(a, db_col_text(st, c)); break;
        }
        c++;
    }
}

/* Appends one member to a link value (arrays grown in the arena). */
static void link_push(value *v, int64_t id, const char *key, arena *a, int *cap)
{
    if (v->n == *cap) {
        int ncap = *cap ? *cap * 2 : 4;
        const char **keys = arena_alloc(a, sizeof(char *) * (size_t)ncap);
        int64_t *ids = arena_alloc(a, sizeof(int64_t) * (size_t)ncap);
        if (v->n) {
            memcpy(keys, v->keys, sizeof(char *) * (size_t)v->n);
            memcpy(ids, v->ids, sizeof(int64_t) * (size_t)v->n);
        }
        v->keys = keys;
        v->ids = ids;
        *cap = ncap;
    }
    v->keys[v->n] = arena_strdup(a, key);
    v->ids[v->n] = id;
    v->n++;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Enum sets are sorted bytewise here, not by the database, whose collation
 * may differ between backends (the ledger's bytes must not). */
static void link_finish(const fielddef *f, value *v)
{
    if (f->type == FT_ENUMSET && v->n > 1)
        qsort(v->keys, (size_t)v->n, sizeof *v->keys, cmp_str);
}

static int load_links(store *s, regsql *q, record *r, arena *a, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        if (!q->link_one[i])
            continue;
        db_stmt *st;
        int rc = db_prep(s->db, q->link_one[i], &st, e), row, cap = 0;
        if (rc)
            return rc;
        db_bind_int(st, 1, r->id);
        for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e))
            link_push(&r->v[i], db_col_int(st, 0), db_col_text(st, 1), a, &cap);
        db_done(st);
        if (rc)
            return rc;
        link_finish(&r->reg->fields[i], &r->v[i]);
    }
    return 0;
}

/* The statement writing k link rows of field f: an insert of k pairs, or
 * (del) a delete of k members of one record. */
static int prep_link_rows(store *s, const fielddef *f, int k, int del, db_stmt **st, isms_err *e)
{
    char head[256];
    if (del)
        snprintf(head, sizeof head, "DELETE FROM %s WHERE %s = ? AND %s IN (", f->link_table,
                 f->link_src, f->link_dst);
    else
        snprintf(head, sizeof head, "INSERT INTO %s (%s, %s) VALUES", f->link_table, f->link_src,
                 f->link_dst);
    return store_prep_list(s, head, del ? "?" : "(?, ?)", k, del ? ")" : "", st, e);
}

/* The link rows of r's field i for members at[0..n) of v (NULL: every
 * member), inserted or (del) deleted, many to a statement
 * (store_list_chunk). */
static int link_rows(store *s, const record *r, int i, const value *v, const int *at, int n,
                     int del, isms_err *e)
{
    const fielddef *f = &r->reg->fields[i];
    int rc = 0;
    for (int done = 0; done < n && !rc;) {
        int k = store_list_chunk((size_t)(n - done));
        db_stmt *st;
        rc = prep_link_rows(s, f, k, del, &st, e);
        for (int j = 0, p = 1; j < k && !rc; j++, done++) {
            if (!del || !j)
                db_bind_int(st, p++, r->id);
            bind_member(st, p++, f, v, at ? at[done] : done);
        }
        if (!rc)
            rc = db_run(st, e);
    }
    return rc;
}

static int ascending(const value *v)
{
    for (int k = 1; k < v->n; k++)
        if (v->ids[k - 1] >= v->ids[k])
            return 0;
    return 1;
}

/* An update of links field i from `was` (as stored) to r's: the rows of
 * members gone deleted, of members new inserted, the others left, so that
 * adding one member to a set of thousands writes one row. Both sets
 * ascend by id (the store reads them so, resolution orders a set given);
 * *done is 0 when they do not, and the caller rewrites the field's rows. */
static int change_links(store *s, const record *r, int i, const value *was, int *done, isms_err *e)
{
    const value *v = &r->v[i];
    *done = r->reg->fields[i].type == FT_LINKS && ascending(was) && ascending(v);
    if (!*done)
        return 0;
    int *gone = xmalloc(sizeof *gone * ((size_t)was->n + (size_t)v->n + 1)), *added = gone + was->n;
    int ngone = 0, nadded = 0;
    for (int j = 0, k = 0; j < was->n || k < v->n;) {
        int64_t old = j < was->n ? was->ids[j] : INT64_MAX;
        int64_t now = k < v->n ? v->ids[k] : INT64_MAX;
        if (old == now)
            j++, k++;
        else if (old < now)
            gone[ngone++] = j++;
        else
            added[nadded++] = k++;
    }
    int rc = link_rows(s, r, i, was, gone, ngone, 1, e);
    if (!rc)
        rc = link_rows(s, r, i, v, added, nadded, 0, e);
    free(gone);
    return rc;
}

/* The link rows of r: all of them for an insert (before and replace
 * NULL and 0); for an update of the fields given, the difference from
 * `before` where it can, else the field's rows deleted and written again
 * (replace: a restore, which has no before). */
static int write_links(store *s, regsql *q, const record *r, const record *before, int replace,
                       isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        const value *v = &r->v[i];
        if (!q->link_del[i] || ((replace || before) && !v->given))
            continue;
        int done = 0, rc = before ? change_links(s, r, i, &before->v[i], &done, e) : 0;
        if (rc)
            return rc;
        if (done)
            continue;
        if (replace || before) {
            db_stmt *st;
            rc = db_prep(s->db, q->link_del[i], &st, e);
            if (rc)
                return rc;
            db_bind_int(st, 1, r->id);
            rc = db_run(st, e);
            if (rc)
                return rc;
        }
        rc = link_rows(s, r, i, v, NULL, v->n, 0, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- public ---- */

/* The one integer a MAX() query gives (0 for none). */
static int max_of(store *s, const char *sql, int64_t *max, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    *max = !rc && row && !db_col_null(st, 0) ? db_col_int(st, 0) : 0;
    db_done(st);
    return rc;
}

/* The largest id and key number of reg's records, from the database: two
 * queries sent together (one round trip on PostgreSQL). */
static int read_max_keys(store *s, const regdef *reg, int64_t *max_id, int64_t *max_no, isms_err *e)
{
    char sql[2][256], like[64];
    db_stmt *st[2] = { NULL, NULL };
    int row, rc;
    *max_id = *max_no = 0;
    snprintf(sql[0], sizeof sql[0], "SELECT MAX(id) FROM %s", reg->name);
    /* Key numbers count per prefix: built-in records (T-IS-001) take ids
     * but not numbers, so the first user threat is THR-1. Keys of one
     * prefix grow with id, so the newest such key holds the largest number. */
    snprintf(sql[1], sizeof sql[1], "SELECT key FROM %s WHERE key LIKE ? ORDER BY id DESC LIMIT 1",
             reg->name);
    snprintf(like, sizeof like, "%s-%%", reg->key_prefix);
    rc = db_prep(s->db, sql[0], &st[0], e);
    if (!rc)
        rc = db_prep(s->db, sql[1], &st[1], e);
    if (!rc) {
        db_bind_text(st[1], 1, like);
        rc = db_send(st[0], e);
    }
    if (!rc)
        rc = db_send(st[1], e);
    if (!rc)
        rc = db_step(st[0], &row, e);
    if (!rc && row)
        *max_id = db_col_int(st[0], 0);
    if (!rc)
        rc = db_step(st[1], &row, e);
    if (!rc && row)
        *max_no = atoll(db_col_text(st[1], 0) + strlen(reg->key_prefix) + 1);
    db_done(st[0]);
    db_done(st[1]);
    return rc;
}

/* The number of a key store_next_key made ("RISK-7": "7"), or NULL for
 * a key of another form (T-IS-001, an import's). */
static const char *key_number(const regdef *reg, const char *key)
{
    size_t n = strlen(reg->key_prefix);
    return !strncmp(key, reg->key_prefix, n) && key[n] == '-' ? key + n + 1 : NULL;
}

/* A record was inserted: the largest id and number move up to its own
 * when they were known; a key not of the prefix ends "every key is"
 * (keys_prefixed). */
static void keys_inserted(store *s, regsql *q, const record *r)
{
    const char *no = key_number(r->reg, r->key);
    if (!no)
        q->prefixed_gen = 0;
    if (!q->keys_gen || q->keys_gen != db_write_gen(s->db))
        return;
    if (r->id > q->max_id)
        q->max_id = r->id;
    if (no && atoll(no) > q->max_no)
        q->max_no = atoll(no);
}

int store_next_key(store *s, const regdef *reg, char **key, int64_t *id, arena *a, isms_err *e)
{
    regsql *q = sql_for(s, reg);
    unsigned long gen = db_write_gen(s->db);
    if (!gen || q->keys_gen != gen) {
        int rc = read_max_keys(s, reg, &q->max_id, &q->max_no, e);
        q->keys_gen = rc ? 0 : gen;
        if (rc)
            return rc;
    }
    *id = q->max_id + 1;
    *key = (reg->flags & REG_SINGLETON)
               ? arena_strdup(a, reg->key_prefix)
               : arena_printf(a, "%s-%lld", reg->key_prefix, (long long)(q->max_no + 1));
    return 0;
}

/* The row of a record, its words (words: store_words_cte) and its links
 * as one statement: each link field's rows a data-modifying WITH of two
 * parameters, the record's id and the array of its targets, before the
 * row's own INSERT. The statement's foreign-key checks run at its end,
 * when the row is there. One text a register (an empty array inserts
 * nothing), so the statement is prepared once. */
static char *build_insert_one(const regdef *reg, const char *insert, int words)
{
    buf b;
    buf_init(&b);
    const char *sep = "WITH ";
    if (words) {
        buf_printf(&b, "%s%s", sep, store_words_cte);
        sep = ", ";
    }
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (!is_link(f))
            continue;
        buf_printf(&b, "%sl%d AS (INSERT INTO %s (%s, %s) SELECT ?::bigint, unnest(?::%s[]))", sep,
                   i, f->link_table, f->link_src, f->link_dst,
                   f->type == FT_LINKS ? "bigint" : "text");
        sep = ", ";
    }
    buf_printf(&b, "%s%s", *sep == ',' ? " " : "", insert);
    return buf_detach(&b);
}

/* Binds build_insert_one's link parameters from p; the next parameter. */
static int bind_link_arrays(db_stmt *st, int p, const record *r)
{
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *f = &r->reg->fields[i];
        const value *v = &r->v[i];
        if (!is_link(f))
            continue;
        char *a = f->type == FT_LINKS ? db_int_array(v->ids, v->n)
                                      : db_text_array((const char *const *)v->keys, v->n);
        db_bind_int(st, p++, r->id);
        db_bind_text(st, p++, a);
        free(a);
    }
    return p;
}

static int insert_one(store *s, regsql *q, const record *r, isms_err *e)
{
    int words = store_keeps_words(s);
    if (!q->insert_one[words])
        q->insert_one[words] = build_insert_one(r->reg, q->insert, words);
    db_stmt *st = NULL;
    int rc = db_prep(s->db, q->insert_one[words], &st, e), p = 1;
    if (!rc && words)
        rc = store_words_bind_new(s, st, &p, r, e);
    if (rc) {
        db_done(st);
        return rc;
    }
    bind_row(st, bind_link_arrays(st, p, r), q, r);
    rc = db_run(st, e);
    if (!rc)
        keys_inserted(s, q, r);
    return rc;
}

/* A value for a field this schema has no column for would be lost
 * (ISMS_MIGRATE_UNTIL, a test aid): refused, naming it. */
static int unstorable(store *s, const regsql *q, const record *r, isms_err *e)
{
    for (int i = 0; i < r->reg->nfields; i++)
        if (q->absent[i] && !r->v[i].null)
            return err_set(e, E_CONFLICT, r->reg->fields[i].name,
                           "%s: this repository's schema (version %d) has no column for it; "
                           "upgrade it first",
                           r->reg->fields[i].name, s->version);
    return 0;
}

int store_insert(store *s, const record *r, isms_err *e)
{
    regsql *q = sql_for(s, r->reg);
    int bad = unstorable(s, q, r, e);
    if (bad)
        return bad;
    if (s->db->drv->insert_in_one && !s->db->drv->fts_words)
        return insert_one(s, q, r, e);
    db_stmt *st;
    int rc = db_prep(s->db, q->insert, &st, e);
    if (rc)
        return rc;
    bind_row(st, 1, q, r);
    rc = db_run(st, e);
    if (rc)
        return rc;
    keys_inserted(s, q, r);
    rc = store_words_insert(s, r, e);
    if (rc)
        return rc;
    return write_links(s, q, r, NULL, 0, e);
}

/* Parameters a multi-row statement binds at most (SQLite's limit is
 * 32,766 since 3.32, PostgreSQL's 65,535): enough rows that a catalogue
 * of thousands is a few dozen round trips. */
enum { MANY_PARAMS = 800 };

static int stored_fields(const regdef *reg)
{
    int n = 6;
    for (int i = 0; i < reg->nfields; i++)
        n += !is_link(&reg->fields[i]);
    return n;
}

static int insert_rows(store *s, const record *rs, int n, isms_err *e)
{
    const regsql *q = sql_for(s, rs[0].reg);
    for (int k = 0, bad; k < n; k++)
        if ((bad = unstorable(s, q, &rs[k], e)))
            return bad;
    char *sql = build_insert_rows(q, n);
    db_stmt *st;
    int rc = db_prep(s->db, sql, &st, e);
    free(sql);
    if (rc)
        return rc;
    for (int k = 0, p = 1; k < n; k++)
        p = bind_row(st, p, q, &rs[k]);
    rc = db_run(st, e);
    for (int k = 0; k < n && !rc; k++)
        keys_inserted(s, sql_for(s, rs[k].reg), &rs[k]);
    if (!rc)
        rc = store_words_insert_many(s, rs, n, e);
    return rc;
}

/* The members of link field i of every record, flattened into pairs and
 * inserted many to a statement, as link_rows does one record's. */
static int insert_link_rows(store *s, const record *rs, int n, int i, isms_err *e)
{
    const fielddef *f = &rs[0].reg->fields[i];
    size_t total = 0;
    for (int r = 0; r < n; r++)
        total += (size_t)rs[r].v[i].n;
    const record **owner = xcalloc(total ? total : 1, sizeof *owner);
    int *member = xcalloc(total ? total : 1, sizeof *member);
    for (size_t r = 0, t = 0; r < (size_t)n; r++)
        for (int k = 0; k < rs[r].v[i].n; k++, t++) {
            owner[t] = &rs[r];
            member[t] = k;
        }
    int rc = 0;
    for (size_t done = 0; done < total && !rc;) {
        int k = store_list_chunk(total - done);
        db_stmt *st;
        rc = prep_link_rows(s, f, k, 0, &st, e);
        for (int j = 0, p = 1; j < k && !rc; j++, done++, p += 2) {
            db_bind_int(st, p, owner[done]->id);
            bind_member(st, p + 1, f, &owner[done]->v[i], member[done]);
        }
        if (!rc)
            rc = db_run(st, e);
    }
    free(owner);
    free(member);
    return rc;
}

int store_insert_many(store *s, const record *rs, int n, isms_err *e)
{
    if (n <= 0)
        return 0;
    int per = MANY_PARAMS / stored_fields(rs[0].reg);
    per = per ? per : 1;
    for (int at = 0; at < n; at += per) {
        int rc = insert_rows(s, rs + at, n - at < per ? n - at : per, e);
        if (rc)
            return rc;
    }
    for (int i = 0; i < rs[0].reg->nfields; i++) {
        if (!is_link(&rs[0].reg->fields[i]))
            continue;
        int rc = insert_link_rows(s, rs, n, i, e);
        if (rc)
            return rc;
    }
    return 0;
}

int store_write_links(store *s, const record *r, isms_err *e)
{
    return write_links(s, sql_for(s, r->reg), r, NULL, 1, e);
}

static int write_row(store *s, const record *before, const record *r, isms_err *e);

int store_update(store *s, const record *before, const record *r, isms_err *e)
{
    store_refs_forget(s); /* a retirement, a new e-mail */
    char *old;
    int rc = store_words_before(s, r, &old, e);
    if (!rc)
        rc = write_row(s, before, r, e);
    if (!rc)
        rc = store_words_update(s, r, old, e);
    free(old);
    return rc;
}

/* store_update's row and links, its words aside. */
static int write_row(store *s, const record *before, const record *r, isms_err *e)
{
    regsql *q = sql_for(s, r->reg);
    db_stmt *st;
    int rc = unstorable(s, q, r, e);
    if (!rc)
        rc = db_prep(s->db, q->update, &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->version);
    db_bind_text(st, 2, r->updated_at);
    db_bind_text(st, 3, r->retired_at);
    int p = bind_fields(st, 4, q, r);
    db_bind_int(st, p, r->id);
    db_bind_int(st, p + 1, r->version - 1);
    int row;
    rc = db_step(st, &row, e);
    if (!rc && row)
        rc = db_run(st, e); /* finish the statement */
    else
        db_done(st);
    if (rc)
        return rc;
    if (!row)
        return err_set(e, E_RETRY, "version",
                       "%s was changed by someone else since version %lld was read; "
                       "read it again and retry",
                       r->key, (long long)(r->version - 1));
    return write_links(s, q, r, before, 1, e);
}

typedef struct decoding {
    const regdef *reg;
    record *out;
} decoding;

static void decode_one(db_stmt *st, void *out, arena *a)
{
    decoding *d = out;
    decode_row(st, d->reg, d->out, a, NULL);
}

static int get_where(store *s, const regdef *reg, const char *sql, const char *key, int64_t id,
                     record *out, arena *a, isms_err *e)
{
    regsql *q = sql_for(s, reg);
    decoding d = { reg, out };
    int row;
    int rc = store_one(s, sql, key, id, decode_one, &d, a, &row, e);
    if (rc)
        return rc;
    if (!row) {
        if (key)
            return err_set(e, E_NOT_FOUND, reg->name, "there is no %s %s", reg->name, key);
        return err_set(e, E_NOT_FOUND, reg->name, "there is no %s with id %lld", reg->name,
                       (long long)id);
    }
    return load_links(s, q, out, a, e);
}

int store_get(store *s, const regdef *reg, const char *key, record *out, arena *a, isms_err *e)
{
    return get_where(s, reg, sql_for(s, reg)->by_key, key, 0, out, a, e);
}

int store_get_id(store *s, const regdef *reg, int64_t id, record *out, arena *a, isms_err *e)
{
    return get_where(s, reg, sql_for(s, reg)->by_id, NULL, id, out, a, e);
}

/* SELECT id, col, retired_at of the record of reg whose `field` is text. */
static int find_prep(store *s, const regdef *reg, const char *field, const char *col,
                     const char *text, db_stmt **st, isms_err *e)
{
    char sql[480];
    snprintf(sql, sizeof sql, "SELECT id, %s, retired_at FROM %s WHERE %s = ?", col, reg->name,
             field);
    int rc = db_prep(s->db, sql, st, e);
    if (!rc)
        db_bind_text(*st, 1, text);
    return rc;
}

/* find_prep's row, stepped to: the id (0 if none), col (key) and whether
 * it is retired; key and retired may be NULL. */
static int find_read(db_stmt *st, int64_t *id, const char **key, int *retired, arena *a,
                     isms_err *e)
{
    int row, rc = db_step(st, &row, e);
    int found = !rc && row;
    *id = found ? db_col_int(st, 0) : 0;
    if (key)
        *key = found && !db_col_null(st, 1) ? arena_strdup(a, db_col_text(st, 1)) : NULL;
    if (retired)
        *retired = found && !db_col_null(st, 2);
    db_done(st);
    return rc;
}

static int find_by(store *s, const regdef *reg, const char *field, const char *text, int64_t *id,
                   const char *col, const char **key, int *retired, arena *a, isms_err *e)
{
    db_stmt *st;
    int rc = find_prep(s, reg, field, col, text, &st, e);
    if (rc)
        return rc;
    return find_read(st, id, key, retired, a, e);
}

int store_lookup(store *s, const regdef *reg, const char *key, int64_t *id, int *retired,
                 isms_err *e)
{
    return find_by(s, reg, "key", key, id, "key", NULL, retired, NULL, e);
}

void store_labels_forget(store *s)
{
    for (int k = 0; k < s->nlabels; k++) {
        free(s->labels[k].key);
        free(s->labels[k].label);
    }
    s->nlabels = s->labels_next = 0;
    s->labels_gen = 0;
}

/* The label kept for reg's `key` in this read transaction: 1 and *label
 * (NULL: none) when there is one. */
static int label_known(store *s, const regdef *reg, const char *key, const char **label, arena *a)
{
    if (!s->labels_gen || s->labels_gen != db_read_gen(s->db))
        return 0;
    for (int k = 0; k < s->nlabels; k++)
        if (s->labels[k].reg == reg && !strcmp(s->labels[k].key, key)) {
            *label = s->labels[k].label ? arena_strdup(a, s->labels[k].label) : NULL;
            return 1;
        }
    return 0;
}

static void label_keep(store *s, const regdef *reg, const char *key, const char *label)
{
    unsigned long gen = db_read_gen(s->db);
    if (!gen)
        return;
    if (s->labels_gen != gen)
        store_labels_forget(s);
    s->labels_gen = gen;
    label_kept *l;
    if (s->nlabels < LABELS_KEPT)
        l = &s->labels[s->nlabels++];
    else { /* the oldest goes */
        l = &s->labels[s->labels_next++ % LABELS_KEPT];
        free(l->key);
        free(l->label);
    }
    *l = (label_kept){ reg, xstrdup(key), label ? xstrdup(label) : NULL };
}

int store_label_of(store *s, const regdef *reg, const char *key, const char **label, arena *a,
                   isms_err *e)
{
    if (label_known(s, reg, key, label, a))
        return 0;
    int found, retired;
    int rc = store_name_of(s, reg, key, label, &found, &retired, a, e);
    if (!rc)
        label_keep(s, reg, key, *label);
    return rc;
}

int store_name_of(store *s, const regdef *reg, const char *key, const char **label, int *found,
                  int *retired, arena *a, isms_err *e)
{
    const fielddef *f = reg->label ? field_def(reg, reg->label) : NULL;
    int64_t id;
    *label = NULL;
    *found = *retired = 0;
    if (!f || f->type != FT_TEXT)
        return 0;
    int rc = find_by(s, reg, "key", key, &id, f->name, label, retired, a, e);
    *found = !rc && id;
    return rc;
}

int store_texts_of(store *s, const regdef *reg, const char *key, const fielddef *const *f, int n,
                   const char **text, arena *a, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT ");
    int rc = 0;
    for (int k = 0; k < n; k++)
        text[k] = NULL;
    for (int k = 0; k < n && !rc; k++) {
        if (!has_field(reg, f[k]) || (f[k]->type != FT_TEXT && f[k]->type != FT_REF))
            rc = not_a_field(reg, f[k], e);
        else if (f[k]->type == FT_REF) /* the key it names, in the same indexed read */
            buf_printf(&b, "%s(SELECT r.key FROM %s r WHERE r.id = t.%s)", k ? ", " : "",
                       f[k]->target, f[k]->name);
        else
            buf_printf(&b, "%st.%s", k ? ", " : "", f[k]->name);
    }
    buf_printf(&b, " FROM %s t WHERE t.key = ?", reg->name);
    db_stmt *st;
    if (!rc)
        rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    int row;
    rc = db_step(st, &row, e);
    for (int k = 0; !rc && row && k < n; k++)
        text[k] = db_col_null(st, k) ? NULL : arena_strdup(a, db_col_text(st, k));
    db_done(st);
    return rc;
}

int store_lookup_by(store *s, const regdef *reg, const fielddef *f, const char *text, int64_t *id,
                    const char **key, arena *a, isms_err *e)
{
    if (!has_field(reg, f))
        return not_a_field(reg, f, e);
    return find_by(s, reg, f->name, text, id, "key", key, NULL, a, e);
}

enum { FIND_AT_ONCE = 64 }; /* queries store_find_many has in flight at once */

void store_refs_forget(store *s)
{
    for (int k = 0; k < s->nrefs; k++) {
        free(s->refs[k].text);
        free(s->refs[k].key);
    }
    s->nrefs = s->refs_next = 0;
    s->refs_gen = 0;
}

/* Fills r from the references kept; 0 when it is not among them. */
static int ref_known(store *s, store_ref *r, arena *a)
{
    if (s->refs_gen != db_write_gen(s->db)) {
        store_refs_forget(s);
        return 0;
    }
    for (int k = 0; k < s->nrefs; k++) {
        const ref_kept *f = &s->refs[k];
        if (f->reg == r->reg && f->by == r->by && !strcmp(f->text, r->text)) {
            r->id = f->id;
            r->key = arena_strdup(a, f->key);
            r->retired = f->retired;
            return 1;
        }
    }
    return 0;
}

/* Keeps r, found, for the rest of the write transaction. */
static void ref_keep(store *s, const store_ref *r)
{
    unsigned long gen = db_write_gen(s->db);
    if (!gen || !r->id)
        return;
    if (s->refs_gen != gen)
        store_refs_forget(s);
    s->refs_gen = gen;
    ref_kept *f;
    if (s->nrefs < REFS_KEPT)
        f = &s->refs[s->nrefs++];
    else { /* the oldest goes */
        f = &s->refs[s->refs_next++ % REFS_KEPT];
        free(f->text);
        free(f->key);
    }
    *f = (ref_kept){ .reg = r->reg,
                     .by = r->by,
                     .text = xstrdup(r->text),
                     .key = r->key ? xstrdup(r->key) : NULL,
                     .id = r->id,
                     .retired = r->retired };
}

/* Sends the queries of the n (<= FIND_AT_ONCE) references not kept, then
 * reads their rows. */
static int find_some(store *s, store_ref *refs, int n, arena *a, isms_err *e)
{
    db_stmt *st[FIND_AT_ONCE];
    int k, rc = 0;
    for (k = 0; k < n && !rc; k++) {
        store_ref *r = &refs[k];
        st[k] = NULL;
        if (ref_known(s, r, a))
            continue;
        if (r->by && !has_field(r->reg, r->by)) {
            rc = not_a_field(r->reg, r->by, e);
            break;
        }
        rc = find_prep(s, r->reg, r->by ? r->by->name : "key", "key", r->text, &st[k], e);
        if (rc) {
            st[k] = NULL;
            break;
        }
        rc = db_send(st[k], e); /* on failure too, st[k] is handed back below */
    }
    for (int j = 0; j < k; j++) {
        if (!st[j])
            continue;
        if (rc) {
            db_done(st[j]);
            continue;
        }
        rc = find_read(st[j], &refs[j].id, &refs[j].key, &refs[j].retired, a, e);
        if (!rc)
            ref_keep(s, &refs[j]);
    }
    return rc;
}

int store_find_many(store *s, store_ref *refs, int n, arena *a, isms_err *e)
{
    /* Where nothing is sent ahead, one at a time: the one cached
     * statement serves every lookup, where 64 in flight made 63 new ones
     * (a statement of 1,500 links prepared 1,450 statements) */
    int some = db_sends_ahead(s->db) ? FIND_AT_ONCE : 1;
    for (int at = 0; at < n; at += some) {
        int rc = find_some(s, refs + at, n - at < some ? n - at : some, a, e);
        if (rc)
            return rc;
    }
    return 0;
}

/* How query_where writes a query (flags). */
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
    /* the page by id of one set's members (link_drives): the set's link
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
};

/* The one filter of q on a set's member (a link field, one member), or -1
 * where there is none or more than one. */
static int link_filter(const store_query *q)
{
    int at = -1;
    for (int i = 0; q && i < q->nfilters; i++) {
        const fielddef *f = q->filters[i].field;
        if (q->filters[i].risk_state || !is_link(f))
            continue;
        if (at >= 0 || q->filters[i].ival_upto)
            return -1;
        at = i;
    }
    return at;
}

/* Is q's page by id read from its set filter's link rows (QW_LINK_DRIVES)?
 * Where the database plans without statistics (SQLite); PostgreSQL's
 * planner, which knows how many members the set has, reads them itself. */
static int link_drives(const store *s, const store_query *q)
{
    return !s->db->drv->plans_by_statistics && link_filter(q) >= 0;
}

/* Is q's one filter a risk state, and nothing else selective? */
static int lone_state(const store_query *q)
{
    return q && q->nfilters == 1 && q->filters[0].risk_state && !(q->text && *q->text) && !q->ids &&
           !q->nany_set;
}

/* WHERE clause of a query; binds with bind_query() in the same order. */
static void query_where(const store *s, buf *b, const regdef *reg, const store_query *q, int flags)
{
    int joined = flags & QW_JOINED, plain = (flags & QW_BY_ID) && lone_state(q);
    buf_puts(b, q && q->include_retired ? " WHERE 1 = 1"
                : q && q->only_retired  ? " WHERE t.retired_at IS NOT NULL"
                                        : " WHERE t.retired_at IS NULL");
    for (int i = 0; q && i < q->nfilters; i++) {
        const fielddef *f = q->filters[i].field;
        if (q->filters[i].risk_state) {
            buf_puts(b, " AND ");
            store_risk_state_where(s, b, q->filters[i].risk_state,
                                   !q->include_retired && !q->only_retired,
                                   q->filters[i].as_list && !plain);
        } else if ((flags & QW_LINK_DRIVES) && i == link_filter(q)) /* the FROM's l */
            buf_printf(b, " AND l.%s = ? AND t.id = l.%s", f->link_dst, f->link_src);
        else if (is_link(f) && (flags & QW_PROBED) && !q->filters[i].ival_upto)
            buf_printf(b, " AND EXISTS (SELECT 1 FROM %s l WHERE l.%s = t.id AND l.%s = ?)",
                       f->link_table, f->link_src, f->link_dst);
        else if (is_link(f) && q->filters[i].ival_upto) /* a member within the range */
            buf_printf(b, " AND t.id IN (SELECT l.%s FROM %s l WHERE l.%s BETWEEN ? AND ?)",
                       f->link_src, f->link_table, f->link_dst);
        else if (is_link(f)) /* a set holding the member */
            buf_printf(b, " AND t.id IN (SELECT l.%s FROM %s l WHERE l.%s = ?)", f->link_src,
                       f->link_table, f->link_dst);
        else if (q->filters[i].is_null)
            buf_printf(b, " AND t.%s IS %sNULL", f->name, q->filters[i].is_null < 0 ? "NOT " : "");
        else if (q->filters[i].below && q->filters[i].as_list) /* few: the range of the
                                         * field's index, as the ids it holds (as_list) */
            buf_printf(b, " AND t.id IN (SELECT b.id FROM %s b WHERE b.%s%s < ?)", reg->name,
                       f->name, s->db->drv->bytes_collation);
        else if (q->filters[i].below)
            buf_printf(b, " AND t.%s%s < ?", f->name, s->db->drv->bytes_collation);
        else if (q->filters[i].otherwise)
            buf_printf(b, " AND COALESCE(t.%s, t.%s) = ?", f->name, q->filters[i].otherwise->name);
        else
            buf_printf(b, " AND t.%s = ?", f->name);
    }
    for (int k = 0; q && k < q->nany_set; k++)
        buf_printf(b, "%st.%s IS NOT NULL%s", k ? " OR " : " AND (",
                   field_def(reg, q->any_set[k])->name, k + 1 == q->nany_set ? ")" : "");
    if (q && q->text) {
        word_list w;
        if (!store_words_of(q->text, &w, &(isms_err){ 0 })) /* (checked by check_query) */
            (joined ? store_words_join : store_words_where)(s, b, reg, &w);
        word_list_free(&w);
    }
    if (q && q->id_after)
        buf_printf(b, " AND t.id > %lld", (long long)q->id_after);
    if (q && q->id_upto)
        buf_printf(b, " AND t.id <= %lld", (long long)q->id_upto);
    if (q && q->ids) { /* integers: written, not bound */
        buf_puts(b, q->nids ? " AND t.id IN (" : " AND 1 = 0");
        for (int k = 0; k < q->nids; k++)
            buf_printf(b, "%s%lld", k ? "," : "", (long long)q->ids[k]);
        if (q->nids)
            buf_putc(b, ')');
    }
}

/* From parameter p on; the next one returned. */
static int bind_query(const store *s, db_stmt *st, int p, const regdef *reg, const store_query *q)
{
    for (int i = 0; q && i < q->nfilters; i++) {
        const fielddef *f = q->filters[i].field;
        if (q->filters[i].risk_state == STORE_RISK_UNACCEPTED)
            db_bind_text(st, p++, q->filters[i].sval);
        if (q->filters[i].is_null || q->filters[i].risk_state)
            continue;
        if (f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BOOL || f->type == FT_REF ||
            f->type == FT_LINKS) {
            db_bind_int(st, p++, q->filters[i].ival);
            if (f->type == FT_LINKS && q->filters[i].ival_upto)
                db_bind_int(st, p++, q->filters[i].ival_upto);
        } else
            db_bind_text(st, p++, q->filters[i].sval);
    }
    if (q && q->text) {
        word_list w;
        if (!store_words_of(q->text, &w, &(isms_err){ 0 }))
            p = store_words_bind(s, st, p, reg, &w);
        word_list_free(&w);
    }
    return p;
}

/* A query's filters are of its register, and its text is words the
 * search can look up (the schema keeps them: 0013_lists.sql). */
static int check_query(store *s, const regdef *reg, const store_query *q, isms_err *e)
{
    if (q && q->text) {
        if (!store_keeps_words(s))
            return err_set(e, E_USAGE, "q",
                           "q: this repository's schema (version %d) has no search index; "
                           "open it with a writable isms to upgrade it",
                           s->version);
        word_list w;
        int rc = store_words_of(q->text, &w, e);
        word_list_free(&w);
        if (!rc)
            rc = store_words_sync(s, e); /* a search sees the transaction's own words */
        if (rc)
            return rc;
    }
    for (int i = 0; q && i < q->nfilters; i++) {
        const fielddef *f = q->filters[i].field;
        int state = q->filters[i].risk_state;
        if (state &&
            (strcmp(reg->name, "risk") || state < 0 || state > STORE_RISK_OUTSIDE_APPETITE ||
             (state == STORE_RISK_UNACCEPTED && !q->filters[i].sval)))
            return err_set(e, E_INTERNAL, reg->name, "%s: no state %d", reg->plural, state);
        if (state)
            continue;
        if (!has_field(reg, f))
            return not_a_field(reg, f, e);
        const fielddef *o = q->filters[i].otherwise;
        if (o && (!has_field(reg, o) || o->type != f->type || is_link(f)))
            return not_a_field(reg, o, e);
        if (q->filters[i].is_null && (o || is_link(f)))
            return not_a_field(reg, f, e);
        if (q->filters[i].ival_upto && f->type != FT_LINKS)
            return not_a_field(reg, f, e);
        if (q->filters[i].below &&
            (is_link(f) || o || q->filters[i].is_null || !q->filters[i].sval))
            return not_a_field(reg, f, e);
    }
    for (int k = 0; q && k < q->nany_set; k++) /* (another register's dies in field_def) */
        if (is_link(field_def(reg, q->any_set[k])))
            return not_a_field(reg, field_def(reg, q->any_set[k]), e);
    return 0;
}

/* ---- words every record holds: its key's ----
 *
 * store_next_key makes every key of a register of its prefix ("RISK-7"),
 * whose word ("risk") and each word that starts it every such record
 * holds: a condition that selects every record, yet costs the search the
 * word's whole posting list (a million at a million risks: "RISK-5", a key
 * typed as it is shown, asks for "risk" and "5"). Such words are left out
 * of a query where every key of the register is so made; built-in threats
 * are keyed T-IS-001, and an import may bring any key. */

/* Does the database order text by its bytes (db_driver.text_by_bytes)? */
static int text_by_bytes(store *s, int *yes, isms_err *e)
{
    const char *sql = s->db->drv->text_by_bytes;
    if (!s->text_by_bytes && !sql)
        s->text_by_bytes = 1;
    if (!s->text_by_bytes) {
        db_stmt *st;
        int64_t v = 0;
        int rc = db_prep(s->db, sql, &st, e);
        if (!rc)
            rc = db_first_int(st, 0, &v, e);
        if (rc)
            return rc;
        s->text_by_bytes = v ? 1 : 2;
    }
    *yes = s->text_by_bytes == 1;
    return 0;
}

/* Does every key of reg start with its prefix and a dash? In bytes'
 * order such keys are one range of the key's index, so its first and
 * last key say (two reads); an empty register, yes. Where text is not
 * ordered by bytes (a PostgreSQL database of another collation), no. */
static int keys_prefixed(store *s, const regdef *reg, int *all, isms_err *e)
{
    regsql *q = sql_for(s, reg);
    unsigned long gen = db_write_gen(s->db) ? db_write_gen(s->db) : db_read_gen(s->db);
    if (gen && q->prefixed_gen == gen) {
        *all = q->prefixed;
        return 0;
    }
    *all = 0;
    int bytes, row, rc = text_by_bytes(s, &bytes, e);
    if (rc || !bytes)
        return rc;
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT (SELECT min(key) FROM %s), (SELECT max(key) FROM %s)",
             reg->name, reg->name);
    db_stmt *st;
    rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    *all = !rc && row;
    for (int c = 0; *all && c < 2; c++) /* (none: an empty register) */
        *all = db_col_null(st, c) || key_number(reg, db_col_text(st, c));
    db_done(st);
    q->prefixed_gen = rc ? 0 : gen;
    q->prefixed = *all;
    return rc;
}

int store_query_narrowed(store *s, const regdef *reg, const store_query *q, store_query *out,
                         char **text, isms_err *e)
{
    *out = q ? *q : (store_query){ 0 };
    *text = NULL;
    if (!q || !q->text)
        return 0;
    word_list w;
    int all = 0, rc = store_words_of(q->text, &w, e);
    uint64_t keyed = rc ? 0 : store_words_keyed(reg, &w);
    if (keyed)
        rc = keys_prefixed(s, reg, &all, e);
    if (!rc && all) {
        *text = store_words_but(&w, keyed);
        out->text = **text ? *text : NULL;
    }
    word_list_free(&w);
    return rc;
}

/* " FROM reg t", what query_where's flags join before it (QW_JOINED: the
 * search's words w; QW_LINK_DRIVES: the set filter's link rows l). */
static void from_sql(buf *b, const regdef *reg, const store_query *q, int flags)
{
    if (flags & QW_LINK_DRIVES)
        buf_printf(b, " FROM %s l CROSS JOIN", q->filters[link_filter(q)].field->link_table);
    else if (flags & QW_JOINED)
        buf_puts(b, " FROM record_word w CROSS JOIN");
    else
        buf_puts(b, " FROM");
    buf_printf(b, " %s t", reg->name);
}

/* SELECT what FROM the register's table WHERE q (and `more`), prepared
 * and bound from parameter 1 on; *p: the next parameter. flags: as
 * query_where's (QW_JOINED: the search's words joined in the FROM). */
static int prep_where(store *s, const char *what, const regdef *reg, const store_query *q,
                      const char *more, int flags, db_stmt **st, int *p, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "SELECT %s", what);
    from_sql(&b, reg, q, flags);
    query_where(s, &b, reg, q, flags);
    buf_puts(&b, more ? more : "");
    int rc = db_prep(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    if (!rc)
        *p = bind_query(s, *st, 1, reg, q);
    return rc;
}

/* How many records q (and `more`) selects. A search's count reads the
 * words' matches in the index's order, each record looked up by its id
 * (SQLite: half the instructions of gathering them into a set of ids
 * first; a million risks that hold "supplier", 0.20 s against 0.36 s). */
static int count_where(store *s, const regdef *reg, const store_query *q, const char *more,
                       int64_t *n, isms_err *e)
{
    db_stmt *st;
    int p, joined = q && store_words_joins(s, q->text);
    int flags = (joined ? QW_JOINED : 0) | (more ? 0 : QW_BY_ID); /* (more: another term) */
    if (!joined && link_drives(s, q)) /* each member's row looked up, no list built */
        flags |= QW_LINK_DRIVES;
    int rc = prep_where(s, "COUNT(*)", reg, q, more, flags, &st, &p, e);
    return rc ? rc : db_first_int(st, 0, n, e);
}

/* The records q selects whose words hold those of w: the rows the index
 * selects by `rare` (q's other words), each tested (store_words_row_holds). */
static int count_tested(store *s, const regdef *reg, const store_query *q, const char *rare,
                        const word_list *w, int64_t *n, isms_err *e)
{
    store_query where = *q;
    where.text = rare;
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT ");
    store_words_columns(reg, &b);
    buf_printf(&b, " FROM %s t", reg->name);
    query_where(s, &b, reg, &where, QW_BY_ID);
    db_stmt *st;
    int row, holds, rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    bind_query(s, st, 1, reg, &where);
    db_many_rows(st);
    *n = 0;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        rc = store_words_row_holds(st, reg, w, &holds, e);
        if (rc)
            break;
        *n += holds;
    }
    db_done(st);
    return rc;
}

/* A search of some common words and some not is counted as its page is
 * found (plan_tests): the others through the index, the common ones tested
 * on the rows they select; *done 0 where the query is not so split. */
static int count_split(store *s, const regdef *reg, const store_query *q, int64_t *n, int *done,
                       isms_err *e)
{
    word_list w = { 0 };
    int common = STORE_WORDS_RARE;
    uint64_t held = 0;
    *done = 0;
    int rc = q && q->text ? store_words_of(q->text, &w, e) : 0;
    if (!rc && w.n > 1) /* (one word is common or not: never split) */
        rc = store_words_common(s, reg, &w, &common, &held, e);
    if (!rc && held && common != STORE_WORDS_COMMON) {
        char *rare = store_words_but(&w, held);
        rc = count_tested(s, reg, q, rare, &w, n, e);
        free(rare);
        *done = 1;
    }
    word_list_free(&w);
    return rc;
}

int store_count(store *s, const regdef *reg, const store_query *q, int64_t *n, isms_err *e)
{
    store_query narrowed;
    char *text = NULL;
    int done, rc = check_query(s, reg, q, e);
    if (!rc)
        rc = store_query_narrowed(s, reg, q, &narrowed, &text, e);
    if (!rc)
        rc = count_split(s, reg, &narrowed, n, &done, e);
    if (!rc && !done)
        rc = count_where(s, reg, &narrowed, NULL, n, e);
    free(text);
    return rc;
}

/* ---- store_ids: a sorted page, read from the front of an index ----
 *
 * The order is the field's value (text by bytes; a reference by the id it
 * names), then the id, in one direction, nulls last either way. ORDER BY
 * (x IS NULL), x, id would sort the whole register; so the page is read
 * as up to two segments, each the front of the (x, id) index that
 * 0013_lists.sql makes for the list's columns: the records with a value,
 * then those without (by id). A cursor (q->after, q->before: a record's
 * id) starts a segment at the cursor's (value, id) instead of the front:
 * page 1000 costs what page 1 does. */

typedef struct sort_seg {
    int nulls;   /* 0: the records with a value; 1: those without; -1: all (by id) */
    int bounded; /* starts past the cursor; with a value: past the cursor's value */
    int ties;    /* with a value: the cursor's value, past the cursor's id */
} sort_seg;

typedef struct sort_ctx {
    store *s;
    const regdef *reg;
    const store_query *q;
    const fielddef *by; /* NULL: by id */
    int desc;           /* the direction read: the order asked, reversed for `before` */
    const char *coll;   /* by's collation: bytes for text, none for numbers */
    int64_t cursor;     /* 0: none */
    int cursor_null;    /* the cursor record's value is null */
    char *cursor_text;  /* its value as text (malloc'd), NULL if null */
    int64_t *ids, n, cap;
    arena *a;
    const word_list *scan; /* a common word's query: the records tested in order */
    int filters_tested;    /* the query's filters tested on those records too */
    int64_t scan_rows;     /* how many at most, before the index takes over */
    int64_t scan_cap;      /* ... or, where those matched often (widen), this many */
    /* Some words common, some not: the others, which the index selects the
     * records to test by (malloc'd; NULL: none, the register's rows). */
    char *index_text;
    /* By id, the one set filter's link rows read first (QW_LINK_DRIVES):
     * where the database plans without statistics (SQLite). */
    int drive;
} sort_ctx;

static int numeric(const fielddef *f)
{
    return f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BOOL || f->type == FT_REF;
}

/* The segment's condition and order, the page's limit and offset; drive:
 * the statement reads the link rows l first (QW_LINK_DRIVES), in whose
 * order the ids are. */
static void seg_sql(const sort_ctx *c, sort_seg g, int64_t limit, int64_t offset, int drive, buf *b)
{
    const char *dir = c->desc ? " DESC" : "", *op = c->desc ? "<" : ">";
    const char *x = c->by ? c->by->name : NULL;
    char id[80] = "t.id";
    if (drive)
        snprintf(id, sizeof id, "l.%s", c->q->filters[link_filter(c->q)].field->link_src);
    /* Past a cursor, equal values first (x = v AND id past it), then the
     * values past v: each a range of the index. (x, id) > (v, id0) as one
     * condition reads every record of value v before id0 too: a list
     * sorted by a level of five values would read a fifth of the
     * register. */
    if (g.nulls == 0 && g.ties) {
        buf_printf(b, " AND t.%s%s = ? AND t.id %s ? ORDER BY t.id%s", x, c->coll, op, dir);
    } else if (g.nulls == 0) {
        buf_printf(b, " AND t.%s IS NOT NULL", x);
        if (g.bounded)
            buf_printf(b, " AND t.%s%s %s ?", x, c->coll, op);
        buf_printf(b, " ORDER BY t.%s%s%s, t.id%s", x, c->coll, dir, dir);
    } else {
        if (g.nulls == 1)
            buf_printf(b, " AND t.%s IS NULL", x);
        if (g.bounded)
            buf_printf(b, " AND %s %s ?", id, op);
        buf_printf(b, " ORDER BY %s%s", id, dir);
    }
    buf_printf(b, " LIMIT %lld OFFSET %lld", (long long)limit, (long long)offset);
}

static void push_id(sort_ctx *c, int64_t id)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        int64_t *more = arena_alloc(c->a, (size_t)c->cap * sizeof *more);
        if (c->n)
            memcpy(more, c->ids, (size_t)c->n * sizeof *more);
        c->ids = more;
    }
    c->ids[c->n++] = id;
}

/* Segment g's bounds (seg_sql's), bound from parameter p on. */
static void bind_seg(const sort_ctx *c, sort_seg g, db_stmt *st, int p)
{
    if (g.bounded && g.nulls == 0 && numeric(c->by))
        db_bind_int(st, p++, atoll(c->cursor_text));
    else if (g.bounded && g.nulls == 0)
        db_bind_text(st, p++, c->cursor_text);
    if (g.bounded && (g.nulls || g.ties))
        db_bind_int(st, p, c->cursor);
}

/* Reads segment g's ids, at most `limit` after skipping `offset`; *got:
 * how many it read. */
static int read_seg(sort_ctx *c, sort_seg g, int64_t limit, int64_t offset, int64_t *got,
                    isms_err *e)
{
    buf b;
    buf_init(&b);
    int drive = c->drive && g.nulls < 0;
    seg_sql(c, g, limit, offset, drive, &b);
    db_stmt *st;
    int p, row,
        rc = prep_where(c->s, "t.id", c->reg, c->q, buf_str(&b), drive ? QW_LINK_DRIVES : 0, &st,
                        &p, e);
    buf_reset(&b);
    if (rc)
        return rc;
    bind_seg(c, g, st, p);
    int64_t before = c->n;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e))
        push_id(c, db_col_int(st, 0));
    db_done(st);
    *got = c->n - before;
    return rc;
}

/* ---- a page read in the list's order, each record tested: a common
 * word's search on the record's own texts (store_words_common), filters
 * most records pass on a select list's value (plan_tests) ----
 *
 * Read in chunks growing fourfold from SCAN_FIRST rows, so that a page of
 * a word nearly every record holds reads a chunk or two; at most
 * SCAN_ROWS rows in all, past which the page goes through the index as a
 * rare word's does. Where the index cannot tell whether a prefix is
 * common (STORE_WORDS_UNKNOWN), twice the rows the page needs (at least
 * SCAN_PROBE), up to SCAN_FIRST, are tried first, and more where those
 * matched often (widen). The page's offset counts records that match, so
 * it is skipped here, not by the SQL. */
enum { SCAN_PROBE = 100, SCAN_FIRST = 256, SCAN_ROWS = 20000, WIDEN_FOUND = 8 };

/* The rows a page of a search may test, as store_words_common says: for
 * a prefix of unknown count, at least SCAN_PROBE, where widen may find
 * WIDEN_FOUND of a prefix a tenth of the records hold (a page of 10, the
 * site search's, tried on 20 rows, could not tell). */
static int64_t scan_budget(const store_query *q, int common)
{
    int64_t probe =
        q->limit < SCAN_FIRST && q->offset < SCAN_FIRST ? 2 * (q->limit + q->offset) : SCAN_FIRST;
    probe = probe < SCAN_PROBE ? SCAN_PROBE : probe < SCAN_FIRST ? probe : SCAN_FIRST;
    return common == STORE_WORDS_COMMON ? SCAN_ROWS : common == STORE_WORDS_UNKNOWN ? probe : 0;
}

typedef struct scan_state {
    int64_t want, skip, budget;
    int64_t read, found, cap; /* rows tested, how many matched; at most cap */
} scan_state;

/* The budget spent and the page not found: where the rows tested matched
 * often enough to tell how many more the page needs (WIDEN_FOUND or more:
 * a tenth of a prefix's records, say, of which the index cannot count the
 * words it starts, "5" of RISK-5 to RISK-599999), twice that many, up to
 * cap. Else none: a word found once or twice in the first rows is as
 * likely rare, which the index finds sooner. */
static int widen(scan_state *sc)
{
    if (sc->found < WIDEN_FOUND || sc->read >= sc->cap)
        return 0;
    int64_t left = sc->want < sc->cap && sc->skip < sc->cap ? sc->want + sc->skip : sc->cap;
    int64_t need = 2 * left * sc->read / sc->found;
    sc->budget = need < sc->cap - sc->read ? need : sc->cap - sc->read;
    return sc->budget > 0;
}

/* The statement of test_rows: "SELECT t.id[, searched texts][, (the
 * filters)] FROM reg t WHERE ..." in segment g's order, bound. Filters
 * tested go to the select list as one truth value, so the rows come from
 * the sort's index, not from theirs. */
static int prep_tested(sort_ctx *c, sort_seg g, int64_t from, int64_t n, db_stmt **st, isms_err *e)
{
    store_query where = *c->q, tests = { .include_retired = 1 };
    where.text = c->index_text;
    if (c->filters_tested) {
        tests.filters = where.filters;
        tests.nfilters = where.nfilters;
        where.filters = NULL;
        where.nfilters = 0;
    }
    buf b, conds;
    buf_init(&b);
    buf_init(&conds);
    buf_puts(&b, "SELECT ");
    if (c->scan)
        store_words_columns(c->reg, &b);
    else
        buf_puts(&b, "t.id");
    if (c->filters_tested) { /* " WHERE 1 = 1 AND ...", as an expression */
        query_where(c->s, &conds, c->reg, &tests, QW_PROBED);
        buf_printf(&b, ", (%s)", buf_str(&conds) + strlen(" WHERE "));
    }
    buf_printf(&b, " FROM %s t", c->reg->name);
    query_where(c->s, &b, c->reg, &where, 0);
    seg_sql(c, g, n, from, 0, &b);
    int rc = db_prep(c->s->db, buf_str(&b), st, e);
    buf_reset(&b);
    buf_reset(&conds);
    if (!rc) /* the select list's parameters, the WHERE's, then the segment's */
        bind_seg(c, g, *st,
                 bind_query(c->s, *st, bind_query(c->s, *st, 1, c->reg, &tests), c->reg, &where));
    return rc;
}

/* Does the row st stands on (prep_tested's) pass the tests? */
static int row_passes(sort_ctx *c, db_stmt *st, int *passes, isms_err *e)
{
    *passes = 1;
    int rc = c->scan ? store_words_row_holds(st, c->reg, c->scan, passes, e) : 0;
    if (!rc && *passes && c->filters_tested)
        *passes = db_col_int(st, c->scan ? store_words_ncolumns(c->reg) : 1) != 0;
    return rc;
}

/* Rows `from` to from + n of segment g, tested; *rows: how many were read. */
static int test_rows(sort_ctx *c, sort_seg g, int64_t from, int64_t n, scan_state *sc,
                     int64_t *rows, isms_err *e)
{
    db_stmt *st;
    int row, holds, rc = prep_tested(c, g, from, n, &st, e);
    if (rc)
        return rc;
    *rows = 0;
    for (rc = db_step(st, &row, e); !rc && row && sc->want > 0; rc = db_step(st, &row, e)) {
        ++*rows, sc->budget--, sc->read++;
        rc = row_passes(c, st, &holds, e);
        if (rc)
            break;
        sc->found += holds;
        if (holds && sc->skip > 0)
            sc->skip--;
        else if (holds) {
            push_id(c, db_col_int(st, 0));
            sc->want--;
        }
    }
    db_done(st);
    return rc;
}

/* Segment g tested until the page is full, the budget spent or the
 * segment read to its end (*ended). */
static int scan_seg(sort_ctx *c, sort_seg g, scan_state *sc, int *ended, isms_err *e)
{
    *ended = 0;
    for (int64_t from = 0, chunk = SCAN_FIRST; sc->want > 0 && (sc->budget > 0 || widen(sc));
         chunk *= 4) {
        int64_t n = chunk < sc->budget ? chunk : sc->budget, rows;
        int rc = test_rows(c, g, from, n, sc, &rows, e);
        if (rc)
            return rc;
        if (rows < n && sc->want > 0) {
            *ended = 1;
            return 0;
        }
        from += rows;
    }
    return 0;
}

/* The page by testing; *whole: it is the page (else the budget ran out
 * before it was found). */
static int scan_page(sort_ctx *c, const sort_seg *g, int nsegs, int *whole, isms_err *e)
{
    scan_state sc = {
        .want = c->q->limit, .skip = c->q->offset, .budget = c->scan_rows, .cap = c->scan_cap
    };
    int rc = 0, ended = 1;
    for (int k = 0; k < nsegs && !rc && sc.want > 0 && ended; k++)
        rc = scan_seg(c, g[k], &sc, &ended, e);
    *whole = sc.want == 0 || ended;
    return rc;
}

/* The cursor record's value of the sort field. */
static int read_cursor(sort_ctx *c, isms_err *e)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE id = ?", c->by->name, c->reg->name);
    db_stmt *st;
    int row, rc = db_prep(c->s->db, sql, &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, c->cursor);
    rc = db_step(st, &row, e);
    if (!rc && !row)
        rc = err_set(e, E_USAGE, "cursor", "cursor: %s has no record #%lld", c->reg->plural,
                     (long long)c->cursor);
    if (!rc) {
        c->cursor_null = db_col_null(st, 0);
        c->cursor_text = c->cursor_null ? NULL : xstrdup(db_col_text(st, 0));
    }
    db_done(st);
    return rc;
}

/* How many records segment g holds (an offset that passes it). */
static int count_seg(sort_ctx *c, sort_seg g, int64_t *n, isms_err *e)
{
    char more[160];
    snprintf(more, sizeof more, " AND t.%s IS %sNULL", c->by->name, g.nulls ? "" : "NOT ");
    return count_where(c->s, c->reg, c->q, more, n, e);
}

/* The segments in the order read, and whether each starts at the cursor:
 * at most three (a valued cursor's ties, the values past it, the nulls). */
static int plan_segs(const sort_ctx *c, sort_seg *g)
{
    if (!c->by) {
        g[0] = (sort_seg){ -1, c->cursor != 0, 0 };
        return 1;
    }
    int back = c->q->before != 0, valued = c->cursor && !c->cursor_null;
    sort_seg ties = { 0, 1, 1 }, values = { 0, valued, 0 }, nulls = { 1, c->cursor && !valued, 0 };
    int n = 0;
    /* forward: values then nulls, a null cursor past every value; backward
     * the other way round, a valued cursor before every null */
    if (back && !valued)
        g[n++] = nulls;
    if (valued)
        g[n++] = ties;
    if (valued || !c->cursor || back)
        g[n++] = values;
    if (!back)
        g[n++] = nulls;
    return n;
}

static int read_page(sort_ctx *c, isms_err *e)
{
    const store_query *q = c->q;
    int rc = c->by && c->cursor ? read_cursor(c, e) : 0;
    sort_seg g[3];
    int nsegs = rc ? 0 : plan_segs(c, g);
    if (!rc && c->scan_rows) {
        int whole;
        rc = scan_page(c, g, nsegs, &whole, e);
        if (rc || whole)
            return rc;
        c->n = 0; /* too few of the rows read matched: through the index */
    }
    int64_t want = q->limit ? q->limit : INT64_MAX, skip = q->offset;
    for (int k = 0; k < nsegs && !rc && want > 0; k++) {
        int64_t got;
        rc = read_seg(c, g[k], want, skip, &got, e);
        want -= got;
        if (!rc && k + 1 < nsegs && want > 0 && skip > 0) {
            int64_t held = got ? skip + got : 0;
            if (!got)
                rc = count_seg(c, g[k], &held, e);
            skip = skip > held ? skip - held : 0;
        }
    }
    return rc;
}

/* Do more than FILTERED_FEW records pass q's filters? A count bounded
 * there, through the filters' own indexes; retired records counted too,
 * so that one filter's count reads its index alone, never the rows. */
enum { FILTERED_FEW = 10000 };

static int filters_broad(store *s, const regdef *reg, const store_query *q, int *broad, isms_err *e)
{
    store_query f = *q;
    f.text = NULL;
    f.include_retired = 1;
    f.only_retired = 0;
    buf b;
    buf_init(&b);
    int flags = link_drives(s, &f) ? QW_LINK_DRIVES : 0; /* (not the set's list) */
    buf_puts(&b, "SELECT count(*) FROM (SELECT 1");
    from_sql(&b, reg, &f, flags);
    query_where(s, &b, reg, &f, flags);
    buf_printf(&b, " LIMIT %d) x", FILTERED_FEW + 1);
    db_stmt *st;
    int rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    int64_t n = 0;
    if (!rc) {
        bind_query(s, st, 1, reg, &f);
        rc = db_first_int(st, 0, &n, e);
    }
    *broad = n > FILTERED_FEW;
    return rc;
}

/* How the page is found: through the indexes, or by testing the list's
 * rows in its order, and how many at most before the indexes take over.
 * Tested: a search whose words are common (or may be: scan_budget); and,
 * where the database plans without statistics (SQLite), filters that more
 * than FILTERED_FEW records pass on a page sorted by another column:
 * SQLite took an equality's index and sorted all it kept (risks of
 * likelihood 3 by impact, 200,000 of a million: 0.25 s a page). */
static int plan_tests(sort_ctx *c, word_list *w, isms_err *e)
{
    const store_query *q = c->q;
    int rc = 0, common = STORE_WORDS_RARE, broad = 0;
    uint64_t held = 0;
    if (q->limit <= 0)
        return 0;
    if (q->text && !(rc = store_words_of(q->text, w, e)))
        rc = store_words_common(c->s, c->reg, w, &common, &held, e);
    int64_t text_rows = q->text ? scan_budget(q, common) : 0;
    if (!rc && held && common != STORE_WORDS_COMMON) { /* every row the others select */
        c->index_text = store_words_but(w, held);
        text_rows = INT64_MAX;
    }
    if (!rc && c->by && q->nfilters && !c->s->db->drv->plans_by_statistics &&
        (!q->text || text_rows))
        rc = filters_broad(c->s, c->reg, q, &broad, e);
    c->scan = text_rows ? w : NULL;
    c->filters_tested = broad;
    c->scan_rows = q->text ? text_rows : broad ? SCAN_ROWS : 0;
    c->scan_cap = common == STORE_WORDS_UNKNOWN && !c->index_text ? SCAN_ROWS : c->scan_rows;
    return rc;
}

/* q, or (in *copy, its filters in a) q with a date before a day that the
 * page is sorted by written as a condition: the front of the date's index
 * holds the records that pass, in the order asked, where the list of
 * their ids (as_list) would be built first for every page. */
static const store_query *sorted_by_range(const store_query *q, const fielddef *by,
                                          store_query *copy, arena *a)
{
    int k = 0;
    while (by && k < q->nfilters &&
           !(q->filters[k].below && q->filters[k].as_list && q->filters[k].field == by))
        k++;
    if (!by || k == q->nfilters)
        return q;
    store_filter *f = arena_alloc(a, sizeof *f * (size_t)q->nfilters);
    memcpy(f, q->filters, sizeof *f * (size_t)q->nfilters);
    f[k].as_list = 0;
    *copy = *q;
    copy->filters = f;
    return copy;
}

int store_ids(store *s, const regdef *reg, const store_query *q, const fielddef *by, int desc,
              int64_t **ids, int64_t *n, arena *a, isms_err *e)
{
    *ids = NULL;
    *n = 0;
    store_query none = { 0 }, plain, narrowed;
    char *text = NULL;
    q = sorted_by_range(q ? q : &none, by, &plain, a);
    int rc = check_query(s, reg, q, e);
    if (!rc && by && (!has_field(reg, by) || is_link(by)))
        rc = not_a_field(reg, by, e);
    if (!rc)
        rc = store_query_narrowed(s, reg, q, &narrowed, &text, e);
    if (!rc && text) { /* (in a: the page's ids are, and nothing else outlives it) */
        narrowed.text = narrowed.text ? arena_strdup(a, narrowed.text) : NULL;
        q = &narrowed;
    }
    free(text);
    if (rc)
        return rc;
    sort_ctx c = { .s = s,
                   .reg = reg,
                   .q = q,
                   .by = by,
                   .desc = desc ^ (q->before != 0),
                   .coll = by && !numeric(by) ? s->db->drv->bytes_collation : "",
                   .cursor = q->before ? q->before : q->after,
                   .drive = !by && link_drives(s, q),
                   .a = a };
    word_list w = { 0 };
    rc = plan_tests(&c, &w, e);
    if (!rc)
        rc = read_page(&c, e);
    word_list_free(&w);
    free(c.cursor_text);
    free(c.index_text);
    if (rc)
        return rc;
    if (q->before) /* read nearest first: the page in the order asked */
        for (int64_t i = 0, j = c.n - 1; i < j; i++, j--) {
            int64_t t = c.ids[i];
            c.ids[i] = c.ids[j];
            c.ids[j] = t;
        }
    /* Never NULL: as a query's ids, an empty page must select nothing, not
     * (NULL: any) every record. */
    *ids = c.ids ? c.ids : arena_alloc(a, sizeof **ids);
    *n = c.n;
    return 0;
}

/* A cursor over one link table, ordered by source id, for merged scans. */
typedef struct link_cursor {
    db_stmt *st;
    int row;
} link_cursor;

static int cursor_collect(link_cursor *c, int64_t id, const fielddef *f, value *v, arena *a,
                          isms_err *e)
{
    int rc = 0, cap = 0;
    while (c->row && db_col_int(c->st, 0) < id) {
        rc = db_step(c->st, &c->row, e);
        if (rc)
            return rc;
    }
    while (c->row && db_col_int(c->st, 0) == id) {
        link_push(v, db_col_int(c->st, 1), db_col_text(c->st, 2), a, &cap);
        rc = db_step(c->st, &c->row, e);
        if (rc)
            return rc;
    }
    link_finish(f, v);
    return 0;
}

enum { SCAN_ARENA_ROWS = 256 };

/* The records a query selects, in id order: the whole SELECT, or (only_ids)
 * the subquery of their ids that restricts the link queries of a page or
 * of a filtered scan. Binds with bind_query(). */
static void query_sql(const store *s, buf *b, const char *select, const regdef *reg,
                      const store_query *q)
{
    buf_puts(b, select);
    query_where(s, b, reg, q, QW_BY_ID);
    buf_puts(b, " ORDER BY t.id");
    if (q && (q->limit || q->offset))
        buf_printf(b, " LIMIT %lld OFFSET %lld", (long long)(q->limit ? q->limit : INT64_MAX),
                   (long long)q->offset);
}

/* All of a register's links (`all`), or those of the records in the
 * query's id range (store_query.id_after, id_upto): a range of the link
 * table's own key, read in its order. */
static int prep_link_range(store *s, const char *all, const char *src, const store_query *q,
                           db_stmt **st, isms_err *e)
{
    if (!q || (!q->id_after && !q->id_upto))
        return db_prep(s->db, all, st, e);
    const char *order = strstr(all, " ORDER BY");
    buf b;
    buf_init(&b);
    buf_printf(&b, "%.*s WHERE l.%s > %lld", (int)(order - all), all, src, (long long)q->id_after);
    if (q->id_upto)
        buf_printf(&b, " AND l.%s <= %lld", src, (long long)q->id_upto);
    buf_puts(&b, order);
    int rc = db_prep(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    return rc;
}

/* A query's statement: cached, but for one naming its records' ids (they
 * are written into the text, query_sql), which is seldom asked twice. */
static int prep_query(store *s, const store_query *q, const char *sql, db_stmt **st, isms_err *e)
{
    return q && q->ids ? db_prep_once(s->db, sql, st, e) : db_prep(s->db, sql, st, e);
}

/* Opens the link cursor of field i: all of the register's links, or only
 * those of the records the query selects. One query per link field, not
 * one per record and field: a page of 50 risks with three link fields is
 * 4 queries (what costs a round trip each on PostgreSQL), not 151. */
static int open_link_cursor(store *s, regsql *sq, int i, const store_query *q, link_cursor *c,
                            isms_err *e)
{
    const char *all = sq->link_all[i];
    /* Retired or not is cheaper skipped while merging than joined. */
    int restricted = q && (q->nfilters || q->limit || q->offset || q->text || q->ids);
    int rc;
    if (!restricted) {
        rc = prep_link_range(s, all, sq->reg->fields[i].link_src, q, &c->st, e);
        if (!rc)
            db_many_rows(c->st);
    } else {
        const char *order = strstr(all, " ORDER BY");
        char ids[160];
        snprintf(ids, sizeof ids, "SELECT t.id FROM %s t", sq->reg->name);
        buf b;
        buf_init(&b);
        buf_printf(&b, "%.*s WHERE l.%s IN (", (int)(order - all), all,
                   sq->reg->fields[i].link_src);
        query_sql(s, &b, ids, sq->reg, q);
        buf_printf(&b, ")%s", order);
        rc = prep_query(s, q, buf_str(&b), &c->st, e);
        buf_reset(&b);
        if (!rc)
            bind_query(s, c->st, 1, sq->reg, q);
    }
    if (rc)
        return rc;
    return db_step(c->st, &c->row, e);
}

/* Hands each row of `st` to fn, with its links from the cursors (cur[i]
 * for field i; none where cur[i].st is NULL). */
static int scan_rows(db_stmt *st, const regdef *reg, link_cursor *cur, const unsigned char *want,
                     store_record_fn fn, void *ctx, isms_err *e)
{
    arena a;
    arena_init(&a);
    int row, n = 0, rc = db_step(st, &row, e);
    while (!rc && row) {
        record r;
        n++;
        if (n % SCAN_ARENA_ROWS == 0)
            arena_reset(&a);
        decode_row(st, reg, &r, &a, want);
        for (int i = 0; i < reg->nfields && !rc; i++)
            if (cur[i].st)
                rc = cursor_collect(&cur[i], r.id, &reg->fields[i], &r.v[i], &a, e);
        if (!rc)
            rc = fn(&r, ctx);
        if (!rc)
            rc = db_step(st, &row, e);
    }
    arena_free(&a);
    return rc;
}

/* The fields a query asks for (store_query.fields), as a flag per field
 * index; NULL when it asks for all. A field of another register is a bug
 * of the caller's (field_index stops the process). */
static unsigned char *wanted_fields(const regdef *reg, const store_query *q)
{
    if (!q || !q->nfields)
        return NULL;
    unsigned char *w = xcalloc((size_t)reg->nfields, 1);
    for (int k = 0; k < q->nfields; k++)
        w[field_index(reg, q->fields[k])] = 1;
    return w;
}

/* The most rows a scan with a limit reads in one answer (PostgreSQL: one
 * result, held whole in memory; a page of a list is 50). */
enum { SCAN_WHOLE_MAX = 1000 };

/* Does q's query build a set of ids before it reads a row: a search's,
 * a filter's written as the list of its ids (store_filter.as_list; a
 * lone state is read plainly, query_where), or, on SQLite, a set
 * filter's list of members (which page_ids reads from its link rows)? */
static int builds_a_set(const store *s, const store_query *q)
{
    if (!q || lone_state(q))
        return 0;
    int k = 0;
    while (k < q->nfilters && !q->filters[k].as_list)
        k++;
    return k < q->nfilters || (q->text && *q->text) || link_drives(s, q);
}

/* The SELECT of the ids of q's page, in id order: read from its set
 * filter's link rows where those drive (link_drives), else query_sql's. */
static void page_sql(const store *s, buf *b, const regdef *reg, const store_query *q)
{
    if (!link_drives(s, q)) {
        char select[80];
        snprintf(select, sizeof select, "SELECT t.id FROM %s t", reg->name);
        query_sql(s, b, select, reg, q);
        return;
    }
    const fielddef *f = q->filters[link_filter(q)].field;
    buf_puts(b, "SELECT t.id");
    from_sql(b, reg, q, QW_LINK_DRIVES);
    query_where(s, b, reg, q, QW_BY_ID | QW_LINK_DRIVES);
    buf_printf(b, " ORDER BY l.%s LIMIT %lld OFFSET %lld", f->link_src, (long long)q->limit,
               (long long)q->offset);
}

/* The ids of the page q selects (q->limit of them at most) into *ids
 * (malloc'd; the caller frees it), and the query of those records alone
 * in *by_ids. */
static int page_ids(store *s, const regdef *reg, const store_query *q, int64_t **ids,
                    store_query *by_ids, isms_err *e)
{
    buf b;
    buf_init(&b);
    page_sql(s, &b, reg, q);
    db_stmt *st;
    int row, n = 0, rc = prep_query(s, q, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    bind_query(s, st, 1, reg, q);
    *ids = xmalloc(sizeof **ids * (size_t)(q->limit + 1));
    for (rc = db_step(st, &row, e); !rc && row && n < q->limit; rc = db_step(st, &row, e))
        (*ids)[n++] = db_col_int(st, 0);
    db_done(st);
    *by_ids = (store_query){ .include_retired = 1, /* (the ids say which) */
                             .ids = *ids,
                             .nids = n,
                             .ids_only = q->ids_only,
                             .fields = q->fields,
                             .nfields = q->nfields };
    return rc;
}

/* store_scan's query, checked. */
static int scan_query(store *s, const regdef *reg, const store_query *q, store_record_fn fn,
                      void *ctx, isms_err *e)
{
    unsigned char *want = wanted_fields(reg, q);
    regsql *sq = sql_for(s, reg);
    buf b;
    buf_init(&b);
    query_sql(s, &b, q && q->ids_only ? sq->select_ids : sq->select, reg, q);
    db_stmt *st;
    int rc = prep_query(s, q, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc) {
        free(want);
        return rc;
    }
    bind_query(s, st, 1, reg, q);
    /* A whole register, perhaps a million records, or a limit past a page:
     * read a batch at a time, never held whole. */
    if (!q || !q->limit || q->limit > SCAN_WHOLE_MAX)
        db_many_rows(st);
    /* A cursor per field, as many as the register has (FIELD_MAX). */
    link_cursor *cur = xcalloc((size_t)reg->nfields, sizeof *cur);
    for (int i = 0; i < reg->nfields && !rc; i++)
        if (sq->link_all[i] && (!want || want[i]))
            rc = open_link_cursor(s, sq, i, q, &cur[i], e);
    if (!rc)
        rc = scan_rows(st, reg, cur, want, fn, ctx, e);
    for (int i = 0; i < reg->nfields; i++)
        db_done(cur[i].st);
    free(cur);
    free(want);
    db_done(st);
    return rc;
}

/* store_scan of a query checked and narrowed. */
static int scan_checked(store *s, const regdef *reg, const store_query *q, store_record_fn fn,
                        void *ctx, isms_err *e)
{
    int rc;
    /* A page whose query builds a set, or passes rows to an offset, first
     * reads its ids once: the records' query and each link table's would
     * each build the set again (three link tables of a risk: four sets of
     * up to 10,000 ids), or pass the offset's rows again (four passes over
     * 999,950 risks for the last page of a million). */
    if (!q || !q->limit || q->limit > SCAN_WHOLE_MAX || q->ids ||
        (!builds_a_set(s, q) && !q->offset))
        return scan_query(s, reg, q, fn, ctx, e);
    int64_t *ids = NULL;
    store_query by_ids;
    rc = page_ids(s, reg, q, &ids, &by_ids, e);
    if (!rc)
        rc = scan_query(s, reg, &by_ids, fn, ctx, e);
    free(ids);
    return rc;
}

int store_scan(store *s, const regdef *reg, const store_query *q, store_record_fn fn, void *ctx,
               isms_err *e)
{
    store_query narrowed;
    char *text = NULL;
    int rc = check_query(s, reg, q, e);
    if (!rc)
        rc = store_query_narrowed(s, reg, q, &narrowed, &text, e);
    if (!rc)
        rc = scan_checked(s, reg, q ? &narrowed : NULL, fn, ctx, e);
    free(text);
    return rc;
}

int store_referrers(store *s, const regdef *target, int64_t id, int limit, store_ref_fn fn,
                    void *ctx, isms_err *e)
{
    const regdef *const *regs = s->schema.registers;
    for (int r = 0; regs[r]; r++) {
        for (int i = 0; i < regs[r]->nfields; i++) {
            const fielddef *f = &regs[r]->fields[i];
            if ((f->type != FT_REF && f->type != FT_LINKS) || strcmp(f->target, target->name))
                continue;
            char sql[400], more[40] = "";
            if (limit > 0) /* one past: whether there are more */
                snprintf(more, sizeof more, " LIMIT %d", limit + 1);
            if (f->type == FT_REF)
                snprintf(sql, sizeof sql,
                         "SELECT key FROM %s WHERE %s = ? AND retired_at IS NULL ORDER BY id%s",
                         regs[r]->name, f->name, more);
            else
                /* in the order of the link's reverse index (target, source):
                 * the first rows are read, not every one sorted */
                snprintf(sql, sizeof sql,
                         "SELECT t.key FROM %s l JOIN %s t ON t.id = l.%s "
                         "WHERE l.%s = ? AND t.retired_at IS NULL ORDER BY l.%s%s",
                         f->link_table, regs[r]->name, f->link_src, f->link_dst, f->link_src, more);
            db_stmt *st;
            int row, n = 0, rc = db_prep(s->db, sql, &st, e);
            if (rc)
                return rc;
            db_bind_int(st, 1, id);
            for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
                int past = limit > 0 && n++ == limit;
                rc = fn(regs[r], f, past ? NULL : db_col_text(st, 0), ctx);
                if (rc || past)
                    break;
            }
            db_done(st);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int store_due(store *s, const regdef *reg, const store_due_query *q, store_due_fn fn, void *ctx,
              isms_err *e)
{
    if (sql_for(s, reg)->absent[q->when - reg->fields])
        return 0; /* a date this schema has no column for yet: none is due */
    buf sql;
    buf_init(&sql);
    buf_printf(&sql, "SELECT key, %s FROM %s WHERE ", q->when->name, reg->name);
    if (q->who)
        buf_printf(&sql, "%s = ? AND ", q->who->name);
    buf_printf(&sql, "%s <= ? AND retired_at IS NULL", q->when->name);
    if (q->after)
        buf_printf(&sql, " AND %s > ?", q->when->name);
    int ndone = 0;
    for (; q->state && q->done && q->done[ndone]; ndone++)
        if (ndone)
            buf_puts(&sql, ", ?");
        else
            buf_printf(&sql, " AND (%s IN (?", q->state->name);
    if (ndone) /* a record in no state is not done */
        buf_puts(&sql, ")) IS NOT TRUE");
    buf_printf(&sql, " ORDER BY %s, id LIMIT %d", q->when->name, q->limit + 1);
    db_stmt *st;
    int row, n = 0, rc = db_prep(s->db, buf_str(&sql), &st, e);
    buf_reset(&sql);
    if (rc)
        return rc;
    int at = 1;
    if (q->who)
        db_bind_int(st, at++, q->person);
    db_bind_text(st, at++, q->upto);
    if (q->after)
        db_bind_text(st, at++, q->after);
    for (int k = 0; k < ndone; k++)
        db_bind_text(st, at + k, q->done[k]);
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        int past = n++ == q->limit;
        rc = past ? fn(NULL, NULL, ctx) : fn(db_col_text(st, 0), db_col_text(st, 1), ctx);
        if (rc || past)
            break;
    }
    db_done(st);
    return rc;
}

/* The pairs of link field f, all of them (upto 0) or those whose target
 * lies within [from, upto] (by the link's reverse index). */
static int edges(store *s, const fielddef *f, int64_t from, int64_t upto, store_edge_fn fn,
                 void *ctx, isms_err *e)
{
    char sql[400];
    if (upto)
        snprintf(sql, sizeof sql, "SELECT %s, %s FROM %s WHERE %s BETWEEN ? AND ? ORDER BY %s, %s",
                 f->link_src, f->link_dst, f->link_table, f->link_dst, f->link_src, f->link_dst);
    else
        snprintf(sql, sizeof sql, "SELECT %s, %s FROM %s ORDER BY %s, %s", f->link_src, f->link_dst,
                 f->link_table, f->link_src, f->link_dst);
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    if (upto) {
        db_bind_int(st, 1, from);
        db_bind_int(st, 2, upto);
    }
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        rc = fn(db_col_int(st, 0), db_col_int(st, 1), ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}

int store_edges(store *s, const regdef *reg, const fielddef *f, store_edge_fn fn, void *ctx,
                isms_err *e)
{
    (void)reg;
    return edges(s, f, 0, 0, fn, ctx, e);
}

int store_edges_to(store *s, const fielddef *f, int64_t from, int64_t upto, store_edge_fn fn,
                   void *ctx, isms_err *e)
{
    return edges(s, f, from, upto ? upto : 1, fn, ctx, e);
}

int store_max(store *s, const regdef *reg, const fielddef *f, int64_t *max, isms_err *e)
{
    if (!has_field(reg, f))
        return not_a_field(reg, f, e);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT MAX(%s) FROM %s WHERE retired_at IS NULL", f->name,
             reg->name);
    return max_of(s, sql, max, e);
}

int store_max_id(store *s, const regdef *reg, int64_t *max, isms_err *e)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT MAX(id) FROM %s", reg->name);
    return max_of(s, sql, max, e);
}

/* ---- tables for registers no migration knows ---- */

static const char *column_type(const fielddef *f)
{
    switch (f->type) {
    case FT_INT:
    case FT_MONEY:
    case FT_BOOL:
    case FT_REF: return "BIGINT";
    default: return "TEXT";
    }
}

int store_create_table(store *s, const regdef *reg, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_printf(&b,
               "CREATE TABLE %s (id %s, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, "
               "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT",
               reg->name, s->db->drv->id_column);
    for (int i = 0; i < reg->nfields; i++)
        if (!is_link(&reg->fields[i]))
            buf_printf(&b, ", %s %s", reg->fields[i].name, column_type(&reg->fields[i]));
    buf_puts(&b, ");\n");
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (is_link(f))
            buf_printf(&b,
                       "CREATE TABLE %s (%s BIGINT NOT NULL REFERENCES %s (id), %s %s NOT NULL, "
                       "PRIMARY KEY (%s, %s));\n",
                       f->link_table, f->link_src, reg->name, f->link_dst,
                       f->type == FT_LINKS ? "BIGINT" : "TEXT", f->link_src, f->link_dst);
    }
    if (store_keeps_words(s)) {
        char *lists = store_list_sql(s->db, reg);
        buf_printf(&b, "%s;\n", lists);
        free(lists);
    }
    int rc = db_exec(s->db, buf_str(&b), e);
    buf_reset(&b);
    return rc;
}

int store_newest_referring(store *s, const regdef *reg, const fielddef *f, int64_t parent,
                           int64_t limit, int (*fn)(const char *key, int64_t id, void *ctx),
                           void *ctx, isms_err *e)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT key, id FROM %s WHERE %s = ? AND retired_at IS NULL ORDER BY id DESC LIMIT ?",
             reg->name, f->name);
    db_stmt *st;
    int rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, parent);
    db_bind_int(st, 2, limit);
    return store_stmt_text_int_rows(st, fn, ctx, e);
}
