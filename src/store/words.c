/* words.c: the list search's word index (0013_lists.sql).
 *
 * Each register has a table <register>_word of (word, id): one row per
 * distinct word of a record's key and text fields, the words as db_words
 * gives them (case-folded, accents dropped). A search for "supp fail" is a
 * range of the table's primary key per query word (every word starting
 * with "supp"), so a page costs the records that match, never a pass over
 * the register. The rows are written in the transaction that writes the
 * record (store_insert, store_update), so the index is never stale; the
 * upgrade to the schema fills it from the records (store_words_fill).
 *
 * A plain table rather than SQLite's FTS5 or PostgreSQL's tsvector: the
 * same table, key and query on both backends (the schema check compares
 * one dialect-neutral listing), and the same words whatever the backend,
 * because one tokenizer (SQLite's unicode61, db_words) makes them. */
#include "store/store_internal.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push_word(const char *word, int n, void *ctx)
{
    word_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->w = xrealloc(l->w, (size_t)l->cap * sizeof *l->w);
    }
    char *w = xmalloc((size_t)n + 1);
    memcpy(w, word, (size_t)n);
    w[n] = 0;
    l->w[l->n++] = w;
    return 0;
}

static int cmp_word(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sorted by bytes, each word once. */
static void sort_unique(word_list *l)
{
    if (l->n > 1)
        qsort(l->w, (size_t)l->n, sizeof *l->w, cmp_word);
    int m = 0;
    for (int k = 0; k < l->n; k++) {
        if (m && !strcmp(l->w[m - 1], l->w[k]))
            free(l->w[k]);
        else
            l->w[m++] = l->w[k];
    }
    l->n = m;
}

void word_list_free(word_list *l)
{
    for (int k = 0; k < l->n; k++)
        free(l->w[k]);
    free(l->w);
    *l = (word_list){ 0 };
}

int store_words_of(const char *text, word_list *l, isms_err *e)
{
    *l = (word_list){ 0 };
    int rc = db_words(text, push_word, l, e);
    if (!rc)
        sort_unique(l);
    if (rc)
        word_list_free(l);
    return rc;
}

/* The texts a search looks at: the key, then each text field. */
static int searched(const fielddef *f) { return f->type == FT_TEXT; }

/* The words of the texts n texts (NULLs skipped), sorted and unique. */
static int words_of_texts(const char *const *texts, int n, word_list *l, isms_err *e)
{
    *l = (word_list){ 0 };
    int rc = 0;
    for (int k = 0; k < n && !rc; k++)
        rc = db_words(texts[k], push_word, l, e);
    if (!rc)
        sort_unique(l);
    if (rc)
        word_list_free(l);
    return rc;
}

static int record_words(const record *r, word_list *l, isms_err *e)
{
    const regdef *reg = r->reg;
    const char **texts = xcalloc((size_t)reg->nfields + 1, sizeof *texts);
    int n = 0;
    texts[n++] = r->key;
    for (int i = 0; i < reg->nfields; i++)
        if (searched(&reg->fields[i]))
            texts[n++] = r->v[i].s;
    int rc = words_of_texts(texts, n, l, e);
    free(texts);
    return rc;
}

int store_keeps_words(const store *s) { return s->version >= store_migration_version("0013_"); }

/* Rows (word, id) of one register's word table, inserted PER to a
 * statement: a catalogue of thousands of records, or the upgrade's fill,
 * is a few round trips a thousand words on PostgreSQL, not one a record. */
enum { PER = 200 };
typedef struct word_rows {
    store *s;
    const regdef *reg;
    char *w[PER];
    int64_t id[PER];
    int n;
} word_rows;

static int flush_rows(word_rows *b, isms_err *e)
{
    int rc = 0;
    if (b->n) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT INTO %s_word (word, id) VALUES", b->reg->name);
        db_stmt *st;
        rc = store_prep_rows(b->s, sql, "(?, ?)", b->n, &st, e);
        for (int j = 0; j < b->n && !rc; j++) {
            db_bind_text(st, 2 * j + 1, b->w[j]);
            db_bind_int(st, 2 * j + 2, b->id[j]);
        }
        if (!rc)
            rc = db_run(st, e);
    }
    for (int j = 0; j < b->n; j++)
        free(b->w[j]);
    b->n = 0;
    return rc;
}

/* Adds (w[k], id) for the k that `take` says (NULL: all). */
static int add_rows(word_rows *b, int64_t id, const word_list *l, const unsigned char *take,
                    isms_err *e)
{
    int rc = 0;
    for (int k = 0; k < l->n && !rc; k++) {
        if (take && !take[k])
            continue;
        b->w[b->n] = xstrdup(l->w[k]);
        b->id[b->n++] = id;
        if (b->n == PER)
            rc = flush_rows(b, e);
    }
    return rc;
}

static int insert_words(store *s, const regdef *reg, int64_t id, const word_list *l,
                        const unsigned char *take, isms_err *e)
{
    word_rows b = { .s = s, .reg = reg };
    int rc = add_rows(&b, id, l, take, e);
    int done = flush_rows(&b, e);
    if (rc)
        return rc;
    return done;
}

int store_words_insert_many(store *s, const record *rs, int n, isms_err *e)
{
    if (!store_keeps_words(s) || n <= 0)
        return 0;
    word_rows b = { .s = s, .reg = rs[0].reg };
    int rc = 0;
    for (int k = 0; k < n && !rc; k++) {
        word_list l;
        rc = record_words(&rs[k], &l, e);
        if (!rc)
            rc = add_rows(&b, rs[k].id, &l, NULL, e);
        word_list_free(&l);
    }
    int done = flush_rows(&b, e);
    if (rc)
        return rc;
    return done;
}

int store_words_insert(store *s, const record *r, isms_err *e)
{
    if (!store_keeps_words(s))
        return 0;
    word_list l;
    int rc = record_words(r, &l, e);
    if (!rc)
        rc = insert_words(s, r->reg, r->id, &l, NULL, e);
    word_list_free(&l);
    return rc;
}

/* SELECT id, key, <text fields> FROM reg and `rest`, prepared: what
 * records' words come from. */
static int prep_texts(store *s, const regdef *reg, const char *rest, db_stmt **st, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT id, key");
    for (int i = 0; i < reg->nfields; i++)
        if (searched(&reg->fields[i]))
            buf_printf(&b, ", %s", reg->fields[i].name);
    buf_printf(&b, " FROM %s%s", reg->name, rest);
    int rc = db_prep(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    return rc;
}

static char *column_text(db_stmt *st, int c)
{
    return db_col_null(st, c) ? NULL : xstrdup(db_col_text(st, c));
}

/* The words of the row st stands on (select_texts' columns). */
static int row_words(db_stmt *st, const regdef *reg, word_list *l, isms_err *e)
{
    char **texts = xcalloc((size_t)reg->nfields + 1, sizeof *texts);
    int n = 0;
    texts[n++] = column_text(st, 1);
    for (int i = 0; i < reg->nfields; i++)
        if (searched(&reg->fields[i])) {
            texts[n] = column_text(st, n + 1);
            n++;
        }
    int rc = words_of_texts((const char *const *)texts, n, l, e);
    for (int k = 0; k < n; k++)
        free(texts[k]);
    free(texts);
    return rc;
}

int store_words_before(store *s, const record *r, word_list *old, isms_err *e)
{
    *old = (word_list){ 0 };
    if (!store_keeps_words(s))
        return 0;
    db_stmt *st;
    int row, rc = prep_texts(s, r->reg, " WHERE id = ?", &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->id);
    rc = db_step(st, &row, e);
    if (!rc && row)
        rc = row_words(st, r->reg, old, e);
    db_done(st);
    return rc;
}

/* Deletes the old words the new ones lack and inserts the new ones the
 * old lack: a change to a status or a date writes no word at all. */
int store_words_update(store *s, const record *r, const word_list *old, isms_err *e)
{
    if (!store_keeps_words(s))
        return 0;
    word_list now;
    int rc = record_words(r, &now, e);
    if (rc)
        return rc;
    unsigned char *fresh = xcalloc((size_t)now.n + 1, 1);
    char sql[160];
    snprintf(sql, sizeof sql, "DELETE FROM %s_word WHERE word = ? AND id = ?", r->reg->name);
    int i = 0, j = 0, nfresh = 0;
    while (!rc && (i < old->n || j < now.n)) {
        int c = i == old->n ? 1 : j == now.n ? -1 : strcmp(old->w[i], now.w[j]);
        if (c < 0)
            rc = DB_RUN(s->db, sql, e, DB_TEXT(old->w[i]), DB_INT(r->id));
        if (c > 0) {
            fresh[j] = 1;
            nfresh++;
        }
        i += c <= 0;
        j += c >= 0;
    }
    if (!rc && nfresh)
        rc = insert_words(s, r->reg, r->id, &now, fresh, e);
    free(fresh);
    word_list_free(&now);
    return rc;
}

int store_words_fill(store *s, const regdef *reg, isms_err *e)
{
    db_stmt *st;
    int row, rc = prep_texts(s, reg, " ORDER BY id", &st, e);
    if (rc)
        return rc;
    db_many_rows(st);
    word_rows b = { .s = s, .reg = reg };
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        word_list l;
        rc = row_words(st, reg, &l, e);
        if (!rc)
            rc = add_rows(&b, db_col_int(st, 0), &l, NULL, e);
        word_list_free(&l);
        if (rc)
            break;
    }
    db_done(st);
    int done = flush_rows(&b, e);
    if (rc)
        return rc;
    return done;
}

/* ---- the query side ---- */

/* The highest code point: a word starting with w sorts below w + this. */
static const char past_prefix[] = "\xf4\x8f\xbf\xbf";

void store_words_where(buf *b, const regdef *reg, const word_list *q, const char *collation)
{
    for (int k = 0; k < q->n; k++)
        buf_printf(b,
                   " AND t.id IN (SELECT w.id FROM %s_word w WHERE w.word%s >= ? "
                   "AND w.word%s < ?)",
                   reg->name, collation, collation);
}

int store_words_bind(db_stmt *st, int p, const word_list *q)
{
    for (int k = 0; k < q->n; k++) {
        size_t n = strlen(q->w[k]);
        char *upto = xmalloc(n + sizeof past_prefix);
        memcpy(upto, q->w[k], n);
        memcpy(upto + n, past_prefix, sizeof past_prefix);
        db_bind_text(st, p++, q->w[k]);
        db_bind_text(st, p++, upto);
        free(upto);
    }
    return p;
}
