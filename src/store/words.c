/* words.c: the list search's word index (0013_lists.sql).
 *
 * A record's words are those of its key and of its short list texts
 * (store_searched: a title, a name, a code, an e-mail; never a statement,
 * a description, a rationale or other long text), as db_words gives them
 * (case-folded, accents dropped). A search for "supp fail" finds the
 * records with, for each query word, a word it starts, through one index
 * lookup per query word: a page costs the records that match, never a pass
 * over the register. The index is written in the transaction that writes
 * the record (store_insert, store_insert_many, store_update), so it is
 * never stale; the upgrade to the schema fills it from the records
 * (store_words_fill).
 *
 * One index serves every register, record_word, so that the schema (which
 * SQLite parses whenever a connection opens, and a write checks) grows by
 * one table, not one a register. A record is its register's code (the
 * first 20 bits of the FNV-1a hash of its name; tests/store/test_lists.c
 * checks the registers' codes differ) above its id: rid = code << 43 | id,
 * so a register's records are one range of rids.
 * - SQLite: an FTS5 table of one document a record (its rowid the rid; the
 *   texts joined by spaces), contentless and with rowids only
 *   (detail=none), tokenized by the same unicode61 tokenizer db_words
 *   uses: a word costs a byte or two of a posting list, where rows
 *   (word, id) cost fifteen, and a record is one row to write; a search
 *   is FTS5's MATCH within the register's range of rowids;
 * - PostgreSQL: rows (word, rid), keyed by both, text in byte order; the
 *   words made by db_words, so both backends match alike.
 * Retiring a record leaves its words: retired records are filtered by the
 * query as every list filters them.
 *
 * Each word is written behind its register's tag (five letters from the
 * code: "supplier" of a risk is "qxkcbsupplier"; 0033_words_by_register),
 * so that a word's prefix looks among its register's words alone. Untagged,
 * a search of the people for "supp" read every risk's "supplier" (FTS5
 * gathers all the postings of a prefix before it looks at the rowids; the
 * rows' index reads the range of words first): 0.33 s at a million risks
 * for a register of ten people, and the search of every register 8.3 s. */
#include "store/store_internal.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_searched(const fielddef *f)
{
    return f->type == FT_TEXT && (f->flags & FF_LIST) && !(f->flags & FF_MULTILINE);
}

int store_keeps_words(const store *s) { return s->version >= store_migration_version("0013_"); }

static int fts(const store *s) { return s->db->drv->fts_words; }

enum { ID_BITS = 43 };

int64_t store_word_code(const regdef *reg)
{
    uint32_t h = 2166136261u;
    for (const char *c = reg->name; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return (int64_t)(h >> 12);
}

static int64_t rid(const regdef *reg, int64_t id) { return store_word_code(reg) << ID_BITS | id; }

enum { TAG_LEN = 5 }; /* 26^5 > 2^20: one tag a code */

/* Are the words behind their register's tag (0033)? Older schemas are
 * read only by the isms that wrote them, but a test may stop an upgrade
 * short (ISMS_MIGRATE_UNTIL). */
static int tagged(const store *s) { return s->version >= store_migration_version("0033_"); }

static void register_tag(const regdef *reg, char tag[TAG_LEN + 1])
{
    int64_t code = store_word_code(reg);
    for (int k = 0; k < TAG_LEN; k++, code /= 26)
        tag[k] = (char)('a' + code % 26);
    tag[TAG_LEN] = 0;
}

/* ---- word lists (PostgreSQL's rows, and a query's words) ---- */

/* Where a tokenizer's words go: l, each behind tag ("" for a query). */
typedef struct word_sink {
    word_list *l;
    const char *tag;
} word_sink;

static int push_word(const char *word, int n, void *ctx)
{
    word_sink *k = ctx;
    word_list *l = k->l;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->w = xrealloc(l->w, (size_t)l->cap * sizeof *l->w);
    }
    size_t t = strlen(k->tag);
    char *w = xmalloc(t + (size_t)n + 1);
    memcpy(w, k->tag, t);
    memcpy(w + t, word, (size_t)n);
    w[t + (size_t)n] = 0;
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

/* The words of text behind tag, sorted, each once. */
static int tagged_words(const char *text, const char *tag, word_list *l, isms_err *e)
{
    *l = (word_list){ 0 };
    int rc = db_words(text, push_word, &(word_sink){ l, tag }, e);
    if (!rc)
        sort_unique(l);
    if (rc)
        word_list_free(l);
    return rc;
}

int store_words_of(const char *text, word_list *l, isms_err *e)
{
    return tagged_words(text, "", l, e);
}

/* ---- a record's document: its key and searched texts, joined ---- */

static void doc_add(buf *b, const char *text)
{
    if (!text || !*text)
        return;
    if (b->len)
        buf_putc(b, ' ');
    buf_puts(b, text);
}

typedef struct tag_ctx {
    buf *out;
    const char *tag;
} tag_ctx;

static int tag_word(const char *word, int n, void *ctx)
{
    tag_ctx *t = ctx;
    if (t->out->len)
        buf_putc(t->out, ' ');
    buf_append(t->out, t->tag, TAG_LEN); /* (not buf_printf: 1,000 instructions a word) */
    buf_append(t->out, word, (size_t)n);
    return 0;
}

/* The document (taken) as its words behind reg's tag, when the schema
 * tags them: the same text gives the same document, so an FTS5 'delete'
 * of what was written matches it. NULL, said in e, when the tokenizer
 * cannot be had. */
static char *tag_doc(const store *s, const regdef *reg, char *doc, isms_err *e)
{
    if (!tagged(s) || !*doc)
        return doc;
    char tag[TAG_LEN + 1];
    register_tag(reg, tag);
    buf b;
    buf_init(&b);
    tag_ctx t = { &b, tag };
    int rc = db_words(doc, tag_word, &t, e);
    free(doc);
    if (rc) {
        buf_reset(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* A record's key and searched texts, joined (malloc'd). */
static char *raw_doc(const record *r)
{
    buf b;
    buf_init(&b);
    doc_add(&b, r->key);
    for (int i = 0; i < r->reg->nfields; i++)
        if (store_searched(&r->reg->fields[i]))
            doc_add(&b, r->v[i].s);
    return buf_detach(&b);
}

/* A record's document, or NULL (said in e). */
static char *record_doc(const store *s, const record *r, isms_err *e)
{
    return tag_doc(s, r->reg, raw_doc(r), e);
}

/* A record's words as rows: behind its register's tag where the schema
 * tags them, tokenized once (not tagged as a document first). */
static int record_words(const store *s, const record *r, word_list *l, isms_err *e)
{
    char tag[TAG_LEN + 1] = "";
    if (tagged(s))
        register_tag(r->reg, tag);
    char *doc = raw_doc(r);
    int rc = tagged_words(doc, tag, l, e);
    free(doc);
    return rc;
}

void store_words_columns(const regdef *reg, buf *b)
{
    buf_puts(b, "t.id, t.key");
    for (int i = 0; i < reg->nfields; i++)
        if (store_searched(&reg->fields[i]))
            buf_printf(b, ", t.%s", reg->fields[i].name);
}

/* SELECT id, key, <searched texts> FROM reg and `rest`, prepared: what
 * records' documents are made of. */
static int prep_texts(store *s, const regdef *reg, const char *rest, db_stmt **st, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT ");
    store_words_columns(reg, &b);
    buf_printf(&b, " FROM %s t%s", reg->name, rest);
    int rc = db_prep(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    return rc;
}

/* The document of the row st stands on (prep_texts' columns), or NULL
 * (said in e). */
static char *row_doc(const store *s, const regdef *reg, db_stmt *st, int ncols, isms_err *e)
{
    buf b;
    buf_init(&b);
    for (int c = 1; c < ncols; c++)
        doc_add(&b, db_col_null(st, c) ? NULL : db_col_text(st, c));
    return tag_doc(s, reg, buf_detach(&b), e);
}

static int text_columns(const regdef *reg)
{
    int n = 2;
    for (int i = 0; i < reg->nfields; i++)
        n += store_searched(&reg->fields[i]);
    return n;
}

/* ---- writing: PER rows to a statement ----
 *
 * A catalogue of thousands of records, OSCAL's import or the upgrade's
 * fill writes its words a few statements a thousand records (FTS5) or
 * words (rows), not one a record. */
enum { PER = 200 };
typedef struct word_rows {
    store *s;
    const regdef *reg;
    char *w[PER]; /* a word (rows) or a record's document (FTS5) */
    int64_t id[PER];
    int n;
} word_rows;

static int flush_rows(word_rows *b, isms_err *e)
{
    int rc = 0;
    if (b->n) {
        db_stmt *st;
        rc = store_prep_rows(b->s,
                             fts(b->s) ? "INSERT INTO record_word (rowid, word) VALUES"
                                       : "INSERT INTO record_word (rid, word) VALUES",
                             "(?, ?)", b->n, &st, e);
        for (int j = 0; j < b->n && !rc; j++) {
            db_bind_int(st, 2 * j + 1, rid(b->reg, b->id[j]));
            db_bind_text(st, 2 * j + 2, b->w[j]);
        }
        if (!rc)
            rc = db_run(st, e);
    }
    for (int j = 0; j < b->n; j++)
        free(b->w[j]);
    b->n = 0;
    return rc;
}

/* Takes w (malloc'd) as a row of record id. */
static int add_row(word_rows *b, int64_t id, char *w, isms_err *e)
{
    b->w[b->n] = w;
    b->id[b->n++] = id;
    return b->n == PER ? flush_rows(b, e) : 0;
}

/* The rows of record id with document doc (taken): the document itself,
 * or its words. doc NULL: the error e holds. */
static int add_doc(word_rows *b, int64_t id, char *doc, isms_err *e)
{
    if (!doc)
        return e->code;
    if (fts(b->s) && !*doc)
        return free(doc), 0;
    if (store_words_deferred(b->s))
        return store_words_defer(b->s, rid(b->reg, id), doc, 0, e);
    if (fts(b->s))
        return add_row(b, id, doc, e);
    word_list l;
    int rc = store_words_of(doc, &l, e);
    free(doc);
    for (int k = 0; k < l.n && !rc; k++) {
        rc = add_row(b, id, l.w[k], e);
        l.w[k] = NULL;
    }
    for (int k = 0; k < l.n; k++)
        free(l.w[k]);
    free(l.w);
    return rc;
}

/* The rows still held, written; after an error (rc), dropped. */
static int finish_rows(word_rows *b, int rc, isms_err *e)
{
    if (!rc)
        return flush_rows(b, e);
    for (int j = 0; j < b->n; j++)
        free(b->w[j]);
    b->n = 0;
    return rc;
}

int store_words_insert_many(store *s, const record *rs, int n, isms_err *e)
{
    if (!store_keeps_words(s) || n <= 0)
        return 0;
    word_rows b = { .s = s, .reg = rs[0].reg };
    int rc = 0;
    for (int k = 0; k < n && !rc; k++)
        rc = add_doc(&b, rs[k].id, record_doc(s, &rs[k], e), e);
    return finish_rows(&b, rc, e);
}

int store_words_insert(store *s, const record *r, isms_err *e)
{
    return store_words_insert_many(s, r, 1, e);
}

const char store_words_cte[] =
    "w AS (INSERT INTO record_word (rid, word) SELECT ?::bigint, unnest(?::text[]))";

int store_words_bind_new(const store *s, db_stmt *st, int *p, const record *r, isms_err *e)
{
    word_list l;
    int rc = record_words(s, r, &l, e);
    if (rc)
        return rc;
    char *words = db_text_array((const char *const *)l.w, l.n);
    word_list_free(&l);
    db_bind_int(st, (*p)++, rid(r->reg, r->id));
    db_bind_text(st, (*p)++, words);
    free(words);
    return 0;
}

int store_words_before(store *s, const record *r, char **old, isms_err *e)
{
    *old = NULL;
    if (!store_keeps_words(s))
        return 0;
    db_stmt *st;
    int row, rc = prep_texts(s, r->reg, " WHERE id = ?", &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, r->id);
    rc = db_step(st, &row, e);
    if (!rc && row && !(*old = row_doc(s, r->reg, st, text_columns(r->reg), e)))
        rc = e->code;
    db_done(st);
    return rc;
}

/* The rows of a record whose document was `old`, removed. */
static int remove_doc(store *s, const record *r, const char *old, isms_err *e)
{
    if (fts(s)) {
        if (!*old)
            return 0;
        if (store_words_deferred(s))
            return store_words_defer(s, rid(r->reg, r->id), xstrdup(old), 1, e);
        return DB_RUN(s->db,
                      "INSERT INTO record_word (record_word, rowid, word) VALUES ('delete', ?, ?)",
                      e, DB_INT(rid(r->reg, r->id)), DB_TEXT(old));
    }
    return DB_RUN(s->db, "DELETE FROM record_word WHERE rid = ?", e, DB_INT(rid(r->reg, r->id)));
}

/* Nothing when the searched texts did not change (a change of a status,
 * a level or a date); else the old document's rows out, the new one's
 * in. */
int store_words_update(store *s, const record *r, const char *old, isms_err *e)
{
    if (!store_keeps_words(s) || !old)
        return 0;
    char *now = record_doc(s, r, e);
    if (!now)
        return e->code;
    int rc = 0;
    if (strcmp(now, old)) {
        rc = remove_doc(s, r, old, e);
        word_rows b = { .s = s, .reg = r->reg };
        if (!rc)
            rc = add_doc(&b, r->id, now, e);
        else
            free(now);
        return finish_rows(&b, rc, e);
    }
    free(now);
    return rc;
}

/* ---- the upgrade's fill ---- */

/* Every record's words of reg, a range of ids at a time: the memory of a
 * range (FTS5 flushes what it gathers at its own bound; the rows path
 * holds PER rows), whatever the register's size. */
enum { FILL_IDS = 50000 };

static store_progress_fn *progress;

void store_set_progress(store_progress_fn *fn) { progress = fn; }

void store_progress(const char *what, int64_t done, int64_t total)
{
    if (progress)
        progress(what, done, total);
}

/* Only a register of more than one range is worth a line. */
static void report(const regdef *reg, int64_t done, int64_t total)
{
    char what[96];
    snprintf(what, sizeof what, "the search's words of %s", reg->plural);
    if (total > FILL_IDS)
        store_progress(what, done, total);
}

int store_words_fill(store *s, const regdef *reg, isms_err *e)
{
    int64_t lo = 0, hi = 0;
    int row, rc = store_max_id(s, reg, &hi, e);
    db_stmt *st;
    int ncols = text_columns(reg);
    for (int64_t from = lo; !rc && from < hi; from += FILL_IDS) {
        rc = prep_texts(s, reg, " WHERE id > ? AND id <= ? ORDER BY id", &st, e);
        if (rc)
            break;
        db_bind_int(st, 1, from);
        db_bind_int(st, 2, from + FILL_IDS);
        db_many_rows(st);
        word_rows b = { .s = s, .reg = reg };
        for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
            rc = add_doc(&b, db_col_int(st, 0), row_doc(s, reg, st, ncols, e), e);
            if (rc)
                break;
        }
        db_done(st);
        rc = finish_rows(&b, rc, e);
        report(reg, (from + FILL_IDS < hi ? from + FILL_IDS : hi) - lo, hi - lo);
    }
    return rc;
}

/* ---- the query side ---- */

/* The highest code point: a word starting with w sorts below w + this. */
static const char past_prefix[] = "\xf4\x8f\xbf\xbf";

/* The register's rids as SQL: the first and the bound past the last. */
static void rid_range(const regdef *reg, char *lo, char *hi, size_t n)
{
    snprintf(lo, n, "%lld", (long long)rid(reg, 0));
    snprintf(hi, n, "%lld", (long long)(rid(reg, 0) + ((int64_t)1 << ID_BITS)));
}

/* The rows (PostgreSQL) of one word w of the register lo..hi, bound by
 * store_words_bind: its tagged prefix's range of the (word, rid) key. */
static void word_range(buf *b, const char *lo, const char *hi)
{
    buf_printf(b,
               " WHERE w.word COLLATE \"C\" >= ? AND w.word COLLATE \"C\" < ? AND w.rid >= %s "
               "AND w.rid < %s",
               lo, hi);
}

void store_words_where(const store *s, buf *b, const regdef *reg, const word_list *q)
{
    char lo[32], hi[32];
    rid_range(reg, lo, hi, sizeof lo);
    if (fts(s) && q->n) {
        buf_printf(b,
                   " AND t.id IN (SELECT rowid - %s FROM record_word WHERE record_word MATCH ? "
                   "AND rowid >= %s AND rowid < %s)",
                   lo, lo, hi);
        return;
    }
    for (int k = 0; k < q->n; k++) {
        buf_printf(b, " AND t.id IN (SELECT w.rid - %s FROM record_word w", lo);
        word_range(b, lo, hi);
        buf_putc(b, ')');
    }
}

int store_words_joins(const store *s, const char *text)
{
    word_list l;
    int some = fts(s) && text && !store_words_of(text, &l, &(isms_err){ 0 }) && l.n;
    if (fts(s) && text)
        word_list_free(&l);
    return some;
}

void store_words_join(const store *s, buf *b, const regdef *reg, const word_list *q)
{
    char lo[32], hi[32];
    rid_range(reg, lo, hi, sizeof lo);
    if (q->n)
        buf_printf(b,
                   " AND w.record_word MATCH ? AND w.rowid >= %s AND w.rowid < %s "
                   "AND t.id = w.rowid - %s",
                   lo, hi, lo);
}

/* A record holds a prefix once a word it starts, so its rows are counted
 * once a record; the retired records, few as a rule, are found by their
 * own index (0039) and left out as the rows pass, where PostgreSQL looked
 * each record up in the list of all that hold the word, which it sorted
 * first in each worker (a word of every risk among a million: 1.4 s, now
 * 0.2 s). */
int store_words_count(store *s, const regdef *reg, const word_list *q, int retired_too, int64_t *n,
                      int *done, isms_err *e)
{
    *done = 0;
    if (fts(s) || q->n != 1)
        return 0;
    char lo[32], hi[32];
    rid_range(reg, lo, hi, sizeof lo);
    buf b;
    buf_init(&b);
    if (retired_too)
        buf_puts(&b, "SELECT count(DISTINCT w.rid) FROM record_word w");
    else
        buf_printf(&b,
                   "SELECT count(DISTINCT w.rid) FILTER (WHERE r.id IS NULL) FROM record_word w "
                   "LEFT JOIN (SELECT id FROM %s WHERE retired_at IS NOT NULL) r "
                   "ON r.id = w.rid - %s",
                   reg->name, lo);
    word_range(&b, lo, hi);
    db_stmt *st;
    int rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (!rc) {
        store_words_bind(s, st, 1, reg, q);
        rc = db_first_int(st, 0, n, e);
    }
    *done = !rc;
    return rc;
}

/* FTS5's query: each word a prefix ("supp"* AND "fail"*), behind the
 * register's tag. The words are the tokenizer's, letters and digits only:
 * nothing to quote. */
static char *match_text(const char *tag, const word_list *q)
{
    buf b;
    buf_init(&b);
    for (int k = 0; k < q->n; k++)
        buf_printf(&b, "%s\"%s%s\"*", k ? " AND " : "", tag, q->w[k]);
    return buf_detach(&b);
}

int store_words_bind(const store *s, db_stmt *st, int p, const regdef *reg, const word_list *q)
{
    char tag[TAG_LEN + 1] = "";
    if (tagged(s))
        register_tag(reg, tag);
    if (fts(s) && q->n) {
        char *m = match_text(tag, q);
        db_bind_text(st, p++, m);
        free(m);
        return p;
    }
    buf from, upto;
    buf_init(&from);
    buf_init(&upto);
    for (int k = 0; k < q->n; k++) {
        buf_clear(&from);
        buf_clear(&upto);
        buf_printf(&from, "%s%s", tag, q->w[k]);
        buf_printf(&upto, "%s%s%s", tag, q->w[k], past_prefix);
        db_bind_text(st, p++, buf_str(&from));
        db_bind_text(st, p++, buf_str(&upto));
    }
    buf_reset(&from);
    buf_reset(&upto);
    return p;
}

/* ---- a search tested on a record's own texts ----
 *
 * A word most of a register's records hold costs the index its matches:
 * FTS5 gathers a prefix's postings (a million at a million risks, from
 * every segment) before it gives the first, and PostgreSQL sorts a
 * prefix's rows by rid; the page's records are then looked up in that set.
 * Where the word is common, the list read in its own order and each record
 * tested against the query finds a page in about (page / share of records
 * that match) rows instead (sorted.c: scan_page). */

enum { COMMON = 10000, MAX_TESTED = 64 };

typedef struct row_test {
    const word_list *q;
    uint64_t found; /* bit k: a word starting with q->w[k] */
} row_test;

static int test_word(const char *word, int n, void *ctx)
{
    row_test *t = ctx;
    for (int k = 0; k < t->q->n; k++) {
        size_t len = strlen(t->q->w[k]);
        if (len <= (size_t)n && !memcmp(word, t->q->w[k], len))
            t->found |= (uint64_t)1 << k;
    }
    return 0;
}

int store_words_ncolumns(const regdef *reg) { return text_columns(reg); }

int store_words_row_holds(db_stmt *st, const regdef *reg, const word_list *q, int *holds,
                          isms_err *e)
{
    row_test t = { q, 0 };
    int rc = 0, ncols = text_columns(reg);
    for (int c = 1; c < ncols && !rc; c++)
        if (!db_col_null(st, c))
            rc = db_words(db_col_text(st, c), test_word, &t, e);
    *holds = !rc && t.found == (q->n == MAX_TESTED ? ~(uint64_t)0 : ((uint64_t)1 << q->n) - 1);
    return rc;
}

/* At least COMMON of reg's records hold w (FTS5: as a whole word, read
 * in rowid order without gathering; rows: as a prefix, the index's range,
 * rows counted, so a record of two such words twice). */
static int word_common(store *s, const regdef *reg, const char *tag, const char *w, int *common,
                       isms_err *e)
{
    char lo[32], hi[32], sql[400];
    rid_range(reg, lo, hi, sizeof lo);
    if (fts(s))
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM (SELECT 1 FROM record_word WHERE record_word MATCH ? "
                 "AND rowid >= %s AND rowid < %s LIMIT %d)",
                 lo, hi, COMMON);
    else
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM (SELECT 1 FROM record_word w WHERE w.word COLLATE \"C\" "
                 ">= ? AND w.word COLLATE \"C\" < ? AND w.rid >= %s AND w.rid < %s LIMIT %d) x",
                 lo, hi, COMMON);
    db_stmt *st;
    int rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    buf b;
    buf_init(&b);
    buf_printf(&b, fts(s) ? "\"%s%s\"" : "%s%s", tag, w);
    db_bind_text(st, 1, buf_str(&b));
    if (!fts(s)) {
        buf_puts(&b, past_prefix);
        db_bind_text(st, 2, buf_str(&b));
    }
    buf_reset(&b);
    int64_t n;
    rc = db_first_int(st, 0, &n, e);
    *common = !rc && n >= COMMON;
    return rc;
}

int store_words_common(store *s, const regdef *reg, const word_list *q, int *common, uint64_t *held,
                       isms_err *e)
{
    *common = STORE_WORDS_RARE;
    *held = 0;
    if (!tagged(s) || !q->n || q->n > MAX_TESTED)
        return 0;
    char tag[TAG_LEN + 1];
    register_tag(reg, tag);
    int rc = 0;
    for (int k = 0; k < q->n && !rc; k++) {
        int one;
        rc = word_common(s, reg, tag, q->w[k], &one, e);
        *held |= (uint64_t)(!rc && one) << k;
    }
    /* FTS5 counted whole words: "fail" may be rare where "failure", which
     * it starts, is everywhere */
    int each = *held == (q->n == MAX_TESTED ? ~(uint64_t)0 : ((uint64_t)1 << q->n) - 1);
    *common = each ? STORE_WORDS_COMMON : fts(s) ? STORE_WORDS_UNKNOWN : STORE_WORDS_RARE;
    return rc;
}

/* ---- words every record holds: its key's prefix ---- */

uint64_t store_words_keyed(const regdef *reg, const word_list *q)
{
    word_list p;
    uint64_t keyed = 0;
    if ((reg->flags & REG_SINGLETON) || q->n > MAX_TESTED ||
        store_words_of(reg->key_prefix, &p, &(isms_err){ 0 }))
        return 0;
    for (int k = 0; k < q->n && p.n == 1; k++)
        if (!strncmp(p.w[0], q->w[k], strlen(q->w[k])))
            keyed |= (uint64_t)1 << k;
    word_list_free(&p);
    return keyed;
}

char *store_words_but(const word_list *q, uint64_t held)
{
    buf b;
    buf_init(&b);
    for (int k = 0; k < q->n; k++)
        if (!(held >> k & 1))
            buf_printf(&b, "%s%s", b.len ? " " : "", q->w[k]);
    return buf_detach(&b);
}
