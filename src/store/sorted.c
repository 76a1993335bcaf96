/* sorted.c: store_ids, a page of a register's ids in a field's order.
 *
 * A page is read from the front of an index (pages 1 and 1000 cost the
 * same), or, for a common word's search, from the list's order with each
 * record tested, the index taking over where few match. */
#include "store/records_internal.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    int flags; /* store_query_where's for every statement (QW_RETIRED_LISTED) */
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
        snprintf(id, sizeof id, "l.%s", c->q->filters[store_link_filter(c->q)].field->link_src);
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
        rc = store_prep_where(c->s, "t.id", c->reg, c->q, buf_str(&b),
                              c->flags | (drive ? QW_LINK_DRIVES : 0), &st, &p, e);
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
        store_query_where(c->s, &conds, c->reg, &tests, QW_PROBED);
        buf_printf(&b, ", (%s)", buf_str(&conds) + strlen(" WHERE "));
    }
    buf_printf(&b, " FROM %s t", c->reg->name);
    store_query_where(c->s, &b, c->reg, &where, c->flags);
    seg_sql(c, g, n, from, 0, &b);
    int rc = db_prep(c->s->db, buf_str(&b), st, e);
    buf_reset(&b);
    buf_reset(&conds);
    if (!rc) /* the select list's parameters, the WHERE's, then the segment's */
        bind_seg(c, g, *st,
                 store_bind_query(c->s, *st, store_bind_query(c->s, *st, 1, c->reg, &tests), c->reg,
                                  &where));
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
    return store_count_where(c->s, c->reg, c->q, more, n, e);
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

/* Do more than STORE_FEW records pass q's filters? A count bounded
 * there, through the filters' own indexes; retired records counted too,
 * so that one filter's count reads its index alone, never the rows. */
static int filters_broad(store *s, const regdef *reg, const store_query *q, int *broad, isms_err *e)
{
    store_query f = *q;
    f.include_retired = 1;
    f.only_retired = 0;
    int64_t n;
    int rc = store_count_upto(s, reg, &f, STORE_FEW, &n, e);
    *broad = n > STORE_FEW;
    return rc;
}

/* Are q's records the retired ones, STORE_FEW or fewer, on a page sorted
 * by a column where the database plans without statistics (SQLite)? They
 * are then read as the list of their ids (QW_RETIRED_LISTED). */
static int retired_listed(sort_ctx *c, isms_err *e)
{
    store_query retired = { .only_retired = 1 };
    int64_t n;
    if (!c->by || !c->q->only_retired || c->s->db->drv->plans_by_statistics)
        return 0;
    int rc = store_count_upto(c->s, c->reg, &retired, STORE_FEW, &n, e);
    c->flags |= !rc && n <= STORE_FEW ? QW_RETIRED_LISTED : 0;
    return rc;
}

/* How the page is found: through the indexes, or by testing the list's
 * rows in its order, and how many at most before the indexes take over.
 * Tested: a search whose words are common (or may be: scan_budget); and,
 * where the database plans without statistics (SQLite), filters that more
 * than STORE_FEW records pass on a page sorted by another column:
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
    int rc = store_check_query(s, reg, q, e);
    if (!rc && by && (!store_has_field(reg, by) || store_is_link(by)))
        rc = store_not_a_field(reg, by, e);
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
                   .drive = !by && store_link_drives(s, q),
                   .a = a };
    word_list w = { 0 };
    rc = plan_tests(&c, &w, e);
    if (!rc)
        rc = retired_listed(&c, e);
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
