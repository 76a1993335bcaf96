/* records.c: storing and reading records of any register.
 *
 * The SQL is derived from the register's field table (core/record.h): the
 * identifiers come from static tables, every value is a bound parameter.
 * A reference field is one column holding the target's id; reading it also
 * fetches the target's key. Link fields live in their own tables and are
 * read here per record; a scan merges one ordered query per link table
 * with the main one (scan.c). What a query selects is query.c's, a sorted
 * page sorted.c's. */
#include "store/records_internal.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is f one of reg's fields? The callers name fields by descriptor; one of
 * another register would make SQL against the wrong table. */
int store_has_field(const regdef *reg, const fielddef *f)
{
    for (int i = 0; i < reg->nfields; i++)
        if (&reg->fields[i] == f)
            return 1;
    return 0;
}

int store_not_a_field(const regdef *reg, const fielddef *f, isms_err *e)
{
    return err_set(e, E_INTERNAL, f ? f->name : "field", "%s has no field %s", reg->name,
                   f ? f->name : "(none)");
}

/* Is field i of q's register a column of the table at q's schema? Links
 * are rows of their own tables. */
static int stored(const regsql *q, int i)
{
    return !store_is_link(&q->reg->fields[i]) && !q->absent[i];
}

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
        if (store_is_link(f))
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
        if (!store_is_link(f))
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
regsql *store_sql_for(store *s, const regdef *reg)
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
void store_decode_row(db_stmt *st, const regdef *reg, record *r, arena *a,
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
        if (store_is_link(f)) {
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
void store_link_push(value *v, int64_t id, const char *key, arena *a, int *cap)
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
void store_link_finish(const fielddef *f, value *v)
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
            store_link_push(&r->v[i], db_col_int(st, 0), db_col_text(st, 1), a, &cap);
        db_done(st);
        if (rc)
            return rc;
        store_link_finish(&r->reg->fields[i], &r->v[i]);
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
const char *store_key_number(const regdef *reg, const char *key)
{
    size_t n = strlen(reg->key_prefix);
    return !strncmp(key, reg->key_prefix, n) && key[n] == '-' ? key + n + 1 : NULL;
}

/* A record was inserted: the largest id and number move up to its own
 * when they were known; a key not of the prefix ends "every key is"
 * (keys_prefixed). */
static void keys_inserted(store *s, regsql *q, const record *r)
{
    const char *no = store_key_number(r->reg, r->key);
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
    regsql *q = store_sql_for(s, reg);
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
        if (!store_is_link(f))
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
        if (!store_is_link(f))
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
    regsql *q = store_sql_for(s, r->reg);
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
        n += !store_is_link(&reg->fields[i]);
    return n;
}

static int insert_rows(store *s, const record *rs, int n, isms_err *e)
{
    const regsql *q = store_sql_for(s, rs[0].reg);
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
        keys_inserted(s, store_sql_for(s, rs[k].reg), &rs[k]);
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
        if (!store_is_link(&rs[0].reg->fields[i]))
            continue;
        int rc = insert_link_rows(s, rs, n, i, e);
        if (rc)
            return rc;
    }
    return 0;
}

int store_write_links(store *s, const record *r, isms_err *e)
{
    return write_links(s, store_sql_for(s, r->reg), r, NULL, 1, e);
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
    regsql *q = store_sql_for(s, r->reg);
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
    store_decode_row(st, d->reg, d->out, a, NULL);
}

static int get_where(store *s, const regdef *reg, const char *sql, const char *key, int64_t id,
                     record *out, arena *a, isms_err *e)
{
    regsql *q = store_sql_for(s, reg);
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
    return get_where(s, reg, store_sql_for(s, reg)->by_key, key, 0, out, a, e);
}

int store_get_id(store *s, const regdef *reg, int64_t id, record *out, arena *a, isms_err *e)
{
    return get_where(s, reg, store_sql_for(s, reg)->by_id, NULL, id, out, a, e);
}

int store_get_each(store *s, const regdef *reg, const int64_t *ids, int64_t n, store_record_fn fn,
                   void *ctx, arena *a, isms_err *e)
{
    if (!db_sends_ahead(s->db)) { /* no round trips: a lookup each is the cheapest */
        for (int64_t k = 0; k < n; k++) {
            record r;
            int rc = store_get_id(s, reg, ids[k], &r, a, e);
            if (rc == E_NOT_FOUND) { /* skipped, as the scan skips it */
                *e = (isms_err){ 0 };
                continue;
            }
            if (!rc)
                rc = fn(&r, ctx);
            if (rc)
                return rc;
        }
        return 0;
    }
    for (int64_t at = 0; at < n; at += STORE_GET_AT_ONCE) {
        int some = (int)(n - at < STORE_GET_AT_ONCE ? n - at : STORE_GET_AT_ONCE);
        store_query q = { .ids = ids + at, .nids = some, .include_retired = 1 };
        int rc = store_scan(s, reg, &q, fn, ctx, e);
        if (rc)
            return rc;
    }
    return 0;
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
        if (!store_has_field(reg, f[k]) || (f[k]->type != FT_TEXT && f[k]->type != FT_REF))
            rc = store_not_a_field(reg, f[k], e);
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
    if (!store_has_field(reg, f))
        return store_not_a_field(reg, f, e);
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
        if (r->by && !store_has_field(r->reg, r->by)) {
            rc = store_not_a_field(r->reg, r->by, e);
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
    if (store_sql_for(s, reg)->absent[q->when - reg->fields])
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
    if (!store_has_field(reg, f))
        return store_not_a_field(reg, f, e);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT MAX(%s) FROM %s WHERE retired_at IS NULL", f->name,
             reg->name);
    return max_of(s, sql, max, e);
}

int store_last_updated(store *s, const regdef *reg, const fielddef *f, int64_t id, char *out,
                       size_t size, isms_err *e)
{
    *out = 0;
    if (!store_has_field(reg, f) || f->type != FT_REF)
        return store_not_a_field(reg, f, e);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT MAX(updated_at) FROM %s WHERE %s %s", reg->name, f->name,
             id ? "= ?" : "IS NULL");
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    if (id)
        db_bind_int(st, 1, id);
    rc = db_step(st, &row, e);
    if (!rc && row && db_col_text(st, 0))
        snprintf(out, size, "%s", db_col_text(st, 0));
    db_done(st);
    return rc;
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

/* The records that name one are read by an index (store_referrers, a
 * list's filter): each reference a list is not sorted by (those have
 * their sort index, store_list_sql) and each link table the other way
 * round, as 0040_references.sql and @LINK give the built-in registers. */
static void reference_indexes(buf *b, const regdef *reg)
{
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (f->type == FT_REF && !store_list_sorted(reg, f))
            buf_printf(b, "CREATE INDEX %s_%s_ref ON %s (%s, id);\n", reg->name, f->name, reg->name,
                       f->name);
        else if (f->type == FT_LINKS)
            buf_printf(b, "CREATE INDEX %s_reverse ON %s (%s, %s);\n", f->link_table, f->link_table,
                       f->link_dst, f->link_src);
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
        if (!store_is_link(&reg->fields[i]))
            buf_printf(&b, ", %s %s", reg->fields[i].name, column_type(&reg->fields[i]));
    buf_puts(&b, ");\n");
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (store_is_link(f))
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
    if (s->version >= store_migration_version("0039_")) /* as 0039_retired.sql's */
        buf_printf(&b, "CREATE INDEX %s_retired ON %s (id) WHERE retired_at IS NOT NULL;\n",
                   reg->name, reg->name);
    if (s->version >= store_migration_version("0040_")) /* as 0040_references.sql's */
        reference_indexes(&b, reg);
    int rc = db_exec(s->db, buf_str(&b), e);
    buf_reset(&b);
    return rc;
}

/* The statement of store_newest_where, its parameters bound. */
static int newest_prep(store *s, const regdef *reg, const store_filter *f, int n, int64_t limit,
                       db_stmt **st, isms_err *e)
{
    if (n < 1 || n > 4)
        return err_set(e, E_INTERNAL, reg->name, "%d fields to match: give 1 to 4", n);
    buf sql;
    buf_init(&sql);
    buf_printf(&sql, "SELECT key, id FROM %s WHERE ", reg->name);
    for (int k = 0; k < n; k++) /* (is_null: the field null, or not: no value bound) */
        buf_printf(&sql, "%s %s AND ", f[k].field->name,
                   f[k].is_null ? f[k].is_null < 0 ? "IS NOT NULL" : "IS NULL" : "= ?");
    buf_puts(&sql, "retired_at IS NULL ORDER BY id DESC LIMIT ?");
    int rc = db_prep(s->db, buf_str(&sql), st, e);
    buf_reset(&sql);
    if (rc)
        return rc;
    int at = 0;
    for (int k = 0; k < n; k++)
        if (f[k].is_null)
            continue;
        else if (f[k].sval)
            db_bind_text(*st, ++at, f[k].sval);
        else
            db_bind_int(*st, ++at, f[k].ival);
    db_bind_int(*st, at + 1, limit);
    return 0;
}

int store_newest_where(store *s, const regdef *reg, const store_filter *f, int n, int64_t limit,
                       int (*fn)(const char *key, int64_t id, void *ctx), void *ctx, isms_err *e)
{
    db_stmt *st;
    int rc = newest_prep(s, reg, f, n, limit, &st, e);
    return rc ? rc : store_stmt_text_int_rows(st, fn, ctx, e);
}

/* store_newest_each for at most FIND_AT_ONCE values: every query sent,
 * then their rows read. */
static int newest_some(store *s, const regdef *reg, const store_filter *f, int n,
                       const int64_t *values, size_t nv, int64_t limit,
                       int (*fn)(const char *key, int64_t id, void *ctx), void *ctx, isms_err *e)
{
    db_stmt *st[FIND_AT_ONCE];
    store_filter each[4]; /* (newest_prep refuses more) */
    memcpy(each, f, sizeof *f * (size_t)(n > 0 && n <= 4 ? n : 0));
    size_t k;
    int rc = 0;
    for (k = 0; k < nv && !rc; k++) {
        st[k] = NULL;
        each[0].ival = values[k];
        rc = newest_prep(s, reg, each, n, limit, &st[k], e);
        if (!rc)
            rc = db_send(st[k], e); /* on failure too, st[k] is handed back below */
    }
    for (size_t j = 0; j < k; j++)
        if (st[j] && rc)
            db_done(st[j]);
        else if (st[j])
            rc = store_stmt_text_int_rows(st[j], fn, ctx, e);
    return rc;
}

int store_newest_each(store *s, const regdef *reg, const store_filter *f, int n,
                      const int64_t *values, size_t nv, int64_t limit,
                      int (*fn)(const char *key, int64_t id, void *ctx), void *ctx, isms_err *e)
{
    /* (where nothing is sent ahead, one at a time: one cached statement) */
    size_t some = db_sends_ahead(s->db) ? FIND_AT_ONCE : 1;
    int rc = 0;
    for (size_t at = 0; at < nv && !rc; at += some)
        rc = newest_some(s, reg, f, n, values + at, nv - at < some ? nv - at : some, limit, fn, ctx,
                         e);
    return rc;
}
