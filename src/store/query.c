/* query.c: what a store_query selects, written as SQL, and its count.
 *
 * One place writes a query's FROM (the register, the search's words or a
 * set's link rows) and WHERE (the filters, the words, the ids), and binds
 * its parameters in the same order; sorted.c and scan.c read through them.
 * Words every record holds (its key's prefix) are left out here. */
#include "store/records_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one filter of q on a set's member (a link field, one member), or -1
 * where there is none or more than one. */
int store_link_filter(const store_query *q)
{
    int at = -1;
    for (int i = 0; q && i < q->nfilters; i++) {
        const fielddef *f = q->filters[i].field;
        if (q->filters[i].risk_state || !store_is_link(f))
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
int store_link_drives(const store *s, const store_query *q)
{
    return !s->db->drv->plans_by_statistics && store_link_filter(q) >= 0;
}

/* Is q's one filter a risk state, and nothing else selective? */
int store_lone_state(const store_query *q)
{
    return q && q->nfilters == 1 && q->filters[0].risk_state && !(q->text && *q->text) && !q->ids &&
           !q->nany_set;
}

/* WHERE clause of a query; binds with store_bind_query() in the same order. */
void store_query_where(const store *s, buf *b, const regdef *reg, const store_query *q, int flags)
{
    int joined = flags & QW_JOINED, plain = (flags & QW_BY_ID) && store_lone_state(q);
    if (q && q->only_retired && (flags & QW_RETIRED_LISTED))
        buf_printf(b, " WHERE t.id IN (SELECT r.id FROM %s r WHERE r.retired_at IS NOT NULL)",
                   reg->name);
    else
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
        } else if ((flags & QW_LINK_DRIVES) && i == store_link_filter(q)) /* the FROM's l */
            buf_printf(b, " AND l.%s = ? AND t.id = l.%s", f->link_dst, f->link_src);
        else if (store_is_link(f) && (flags & QW_PROBED) && !q->filters[i].ival_upto)
            buf_printf(b, " AND EXISTS (SELECT 1 FROM %s l WHERE l.%s = t.id AND l.%s = ?)",
                       f->link_table, f->link_src, f->link_dst);
        else if (store_is_link(f) && q->filters[i].ival_upto) /* a member within the range */
            buf_printf(b, " AND t.id IN (SELECT l.%s FROM %s l WHERE l.%s BETWEEN ? AND ?)",
                       f->link_src, f->link_table, f->link_dst);
        else if (store_is_link(f)) /* a set holding the member */
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
        if (!store_words_of(q->text, &w, &(isms_err){ 0 })) /* (checked by store_check_query) */
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
int store_bind_query(const store *s, db_stmt *st, int p, const regdef *reg, const store_query *q)
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
int store_check_query(store *s, const regdef *reg, const store_query *q, isms_err *e)
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
        if (!store_has_field(reg, f))
            return store_not_a_field(reg, f, e);
        const fielddef *o = q->filters[i].otherwise;
        if (o && (!store_has_field(reg, o) || o->type != f->type || store_is_link(f)))
            return store_not_a_field(reg, o, e);
        if (q->filters[i].is_null && (o || store_is_link(f)))
            return store_not_a_field(reg, f, e);
        if (q->filters[i].ival_upto && f->type != FT_LINKS)
            return store_not_a_field(reg, f, e);
        if (q->filters[i].below &&
            (store_is_link(f) || o || q->filters[i].is_null || !q->filters[i].sval))
            return store_not_a_field(reg, f, e);
    }
    for (int k = 0; q && k < q->nany_set; k++) /* (another register's dies in field_def) */
        if (store_is_link(field_def(reg, q->any_set[k])))
            return store_not_a_field(reg, field_def(reg, q->any_set[k]), e);
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
    regsql *q = store_sql_for(s, reg);
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
        *all = db_col_null(st, c) || store_key_number(reg, db_col_text(st, c));
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

/* " FROM reg t", what store_query_where's flags join before it (QW_JOINED: the
 * search's words w; QW_LINK_DRIVES: the set filter's link rows l). */
void store_from_sql(buf *b, const regdef *reg, const store_query *q, int flags)
{
    if (flags & QW_LINK_DRIVES)
        buf_printf(b, " FROM %s l CROSS JOIN", q->filters[store_link_filter(q)].field->link_table);
    else if (flags & QW_JOINED)
        buf_puts(b, " FROM record_word w CROSS JOIN");
    else
        buf_puts(b, " FROM");
    buf_printf(b, " %s t", reg->name);
}

/* SELECT what FROM the register's table WHERE q (and `more`), prepared
 * and bound from parameter 1 on; *p: the next parameter. flags: as
 * store_query_where's (QW_JOINED: the search's words joined in the FROM). */
int store_prep_where(store *s, const char *what, const regdef *reg, const store_query *q,
                     const char *more, int flags, db_stmt **st, int *p, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "SELECT %s", what);
    store_from_sql(&b, reg, q, flags);
    store_query_where(s, &b, reg, q, flags);
    buf_puts(&b, more ? more : "");
    int rc = db_prep(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    if (!rc)
        *p = store_bind_query(s, *st, 1, reg, q);
    return rc;
}

/* How many records q (and `more`) selects. A search's count reads the
 * words' matches in the index's order, each record looked up by its id
 * (SQLite: half the instructions of gathering them into a set of ids
 * first; a million risks that hold "supplier", 0.20 s against 0.36 s). */
int store_count_where(store *s, const regdef *reg, const store_query *q, const char *more,
                      int64_t *n, isms_err *e)
{
    db_stmt *st;
    int p, joined = q && store_words_joins(s, q->text);
    int flags = (joined ? QW_JOINED : 0) | (more ? 0 : QW_BY_ID); /* (more: another term) */
    if (!joined && store_link_drives(s, q)) /* each member's row looked up, no list built */
        flags |= QW_LINK_DRIVES;
    int rc = store_prep_where(s, "COUNT(*)", reg, q, more, flags, &st, &p, e);
    return rc ? rc : db_first_int(st, 0, n, e);
}

int store_count_upto(store *s, const regdef *reg, const store_query *q, int64_t most, int64_t *n,
                     isms_err *e)
{
    store_query f = *q;
    f.text = NULL;
    buf b;
    buf_init(&b);
    int flags = store_link_drives(s, &f) ? QW_LINK_DRIVES : 0; /* (not the set's list) */
    buf_puts(&b, "SELECT count(*) FROM (SELECT 1");
    store_from_sql(&b, reg, &f, flags);
    store_query_where(s, &b, reg, &f, flags);
    buf_printf(&b, " LIMIT %lld) x", (long long)most + 1);
    db_stmt *st;
    int rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    *n = 0;
    if (!rc) {
        store_bind_query(s, st, 1, reg, &f);
        rc = db_first_int(st, 0, n, e);
    }
    return rc;
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
    store_from_sql(&b, reg, &where, 0);
    store_query_where(s, &b, reg, &where, QW_BY_ID);
    db_stmt *st;
    int row, holds, rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    store_bind_query(s, st, 1, reg, &where);
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

/* Does q select fewer records than its register holds, other than by its
 * text: a filter, or the retired records alone? */
static int narrowed_by_terms(const store_query *q) { return q && (q->nfilters || q->only_retired); }

/* Is q a search and nothing else: its words the one condition but
 * retired or not? */
static int text_alone(const store_query *q)
{
    return q && q->text && !q->nfilters && !q->ids && !q->nany_set && !q->id_after && !q->id_upto &&
           !q->only_retired;
}

/* A search counted otherwise than through the index's join of its words
 * with the records (count_where), which reads each common word's whole
 * posting list: where the rest of q selects STORE_FEW records or fewer (a
 * filter, the retired ones) and some word is common, all its words tested
 * on those rows (count_tested); where some words are common and some not,
 * the common ones tested on the rows the others select; a lone word where
 * the words are rows (PostgreSQL), from its rows (store_words_count).
 * *done 0 where none of these is the way. */
static int count_by_words(store *s, const regdef *reg, const store_query *q, int64_t *n, int *done,
                          isms_err *e)
{
    word_list w = { 0 };
    int common = STORE_WORDS_RARE;
    uint64_t held = 0;
    int64_t rest = STORE_FEW + 1;
    *done = 0;
    int rc = q && q->text ? store_words_of(q->text, &w, e) : 0;
    if (!rc && (w.n > 1 || (w.n == 1 && narrowed_by_terms(q))))
        rc = store_words_common(s, reg, &w, &common, &held, e);
    if (!rc && held && narrowed_by_terms(q)) {
        /* the retired counted too, unless they are asked for alone: the
         * filters' indexes read, not each row's retired_at */
        store_query terms = *q;
        terms.include_retired = !q->only_retired;
        rc = store_count_upto(s, reg, &terms, STORE_FEW, &rest, e);
    }
    /* (one word is common or not: with no few rows to test, never split) */
    int few = rest <= STORE_FEW, mixed = w.n > 1 && common != STORE_WORDS_COMMON;
    if (!rc && held && (few || mixed)) {
        char *rare = few ? NULL : store_words_but(&w, held);
        rc = count_tested(s, reg, q, rare, &w, n, e);
        free(rare);
        *done = 1;
    } else if (!rc && text_alone(q))
        rc = store_words_count(s, reg, &w, q->include_retired, n, done, e);
    word_list_free(&w);
    return rc;
}

int store_count(store *s, const regdef *reg, const store_query *q, int64_t *n, isms_err *e)
{
    store_query narrowed;
    char *text = NULL;
    int done, rc = store_check_query(s, reg, q, e);
    if (!rc)
        rc = store_query_narrowed(s, reg, q, &narrowed, &text, e);
    if (!rc)
        rc = count_by_words(s, reg, &narrowed, n, &done, e);
    if (!rc && !done)
        rc = store_count_where(s, reg, &narrowed, NULL, n, e);
    free(text);
    return rc;
}
