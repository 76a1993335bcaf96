/* scan.c: store_scan, the records a query selects with their links.
 *
 * Rows are read in id order and each link field's rows merged in from one
 * ordered query per link table (1 + L queries instead of 1 + L x N; a page
 * or a filtered scan restricts the link queries to the ids the main query
 * selects, or to the page's ids, read once, where the query builds a set). */
#include "store/records_internal.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        store_link_push(v, db_col_int(c->st, 1), db_col_text(c->st, 2), a, &cap);
        rc = db_step(c->st, &c->row, e);
        if (rc)
            return rc;
    }
    store_link_finish(f, v);
    return 0;
}

enum { SCAN_ARENA_ROWS = 256 };

/* The records a query selects, in id order: the whole SELECT, or (only_ids)
 * the subquery of their ids that restricts the link queries of a page or
 * of a filtered scan. Binds with store_bind_query(). */
static void query_sql(const store *s, buf *b, const char *select, const regdef *reg,
                      const store_query *q)
{
    buf_puts(b, select);
    store_query_where(s, b, reg, q, QW_BY_ID);
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
    int rc = db_prep_once(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    return rc;
}

/* Whether query_sql writes values of q into the text that change from one
 * asking to the next (its records' ids, an id range, an offset), so that
 * the statement is seldom asked twice and is not kept prepared. */
static int values_written_in(const store_query *q)
{
    return q && (q->ids || q->id_after || q->id_upto || q->offset);
}

/* A query's statement: kept prepared, but for one with values written in. */
static int prep_query(store *s, const store_query *q, const char *sql, db_stmt **st, isms_err *e)
{
    return values_written_in(q) ? db_prep_once(s->db, sql, st, e) : db_prep(s->db, sql, st, e);
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
            store_bind_query(s, c->st, 1, sq->reg, q);
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
        store_decode_row(st, reg, &r, &a, want);
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
 * lone state is read plainly, store_query_where), or, on SQLite, a set
 * filter's list of members (which page_ids reads from its link rows)? */
static int builds_a_set(const store *s, const store_query *q)
{
    if (!q || store_lone_state(q))
        return 0;
    int k = 0;
    while (k < q->nfilters && !q->filters[k].as_list)
        k++;
    return k < q->nfilters || (q->text && *q->text) || store_link_drives(s, q);
}

/* The SELECT of the ids of q's page, in id order: read from its set
 * filter's link rows where those drive (store_link_drives), else query_sql's. */
static void page_sql(const store *s, buf *b, const regdef *reg, const store_query *q)
{
    if (!store_link_drives(s, q)) {
        char select[80];
        snprintf(select, sizeof select, "SELECT t.id FROM %s t", reg->name);
        query_sql(s, b, select, reg, q);
        return;
    }
    const fielddef *f = q->filters[store_link_filter(q)].field;
    buf_puts(b, "SELECT t.id");
    store_from_sql(b, reg, q, QW_LINK_DRIVES);
    store_query_where(s, b, reg, q, QW_BY_ID | QW_LINK_DRIVES);
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
    store_bind_query(s, st, 1, reg, q);
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
    regsql *sq = store_sql_for(s, reg);
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
    store_bind_query(s, st, 1, reg, q);
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
    int rc = store_check_query(s, reg, q, e);
    if (!rc)
        rc = store_query_narrowed(s, reg, q, &narrowed, &text, e);
    if (!rc)
        rc = scan_checked(s, reg, q ? &narrowed : NULL, fn, ctx, e);
    free(text);
    return rc;
}
