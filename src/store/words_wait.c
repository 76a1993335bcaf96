/* words_wait.c: on SQLite, a write transaction's search words wait for
 * its COMMIT.
 *
 * FTS5 gathers what a transaction adds in memory and writes it out as a
 * new segment of the index when the transaction commits, and also at each
 * RELEASE of a savepoint that wrote to it; every segment written brings a
 * round of merging, whose work grows with the index's levels. Every add
 * runs in a savepoint of its own, so a batch of 1,000 adds made 1,000
 * one-page segments and 1,000 rounds of merging: 74 % of the instructions
 * of 5,000 adds into a file of a million risks (30 % into 10,000).
 *
 * So the documents a write transaction adds or removes wait here in their
 * order, each with the savepoint depth it was made at (as the kept figures
 * do, tally.c), and go to FTS5 together just before the COMMIT: one
 * segment a transaction. A savepoint's release hands its entries to the
 * depth around it; its rollback drops them.
 *
 * A search inside the transaction must see them: check_query writes what
 * waits first (store_words_sync). Entries so written stay listed with the
 * depth they were written at: if that savepoint is rolled back, the
 * database undoes the write and they wait again (unless they were made in
 * it, and go). Entries made and written at depth 0 are done with; a
 * transaction of many writes (an import, each write at depth 0 or in a
 * savepoint of its own released since) writes what waits each WAIT_MAX
 * documents, so that memory stays bounded. */
#include "store/store_internal.h"
#include "core/xalloc.h"

#include <stdlib.h>

struct word_wait {
    int64_t rid;
    char *doc; /* the document added, or removed (del) */
    int del;
    int depth;   /* where it was made */
    int written; /* the depth it was written to FTS5 at, or -1: waiting */
};

enum { WAIT_MAX = 5000 };

int store_words_deferred(const store *s)
{
    return s->db->drv->fts_words && s->db->in_txn && s->db->writing;
}

static int depth_now(const store *s) { return s->db->savepoints; }

/* Entry w to FTS5, one row a statement. A statement of several rows is
 * one SQLite may have to undo halfway, so it opens a statement savepoint,
 * and FTS5 writes what it holds as a segment at every savepoint: 200 rows
 * a statement made five segments of a batch of 1,000 adds, and five times
 * the merging. A statement of one row opens none: one segment a
 * transaction. */
static int write_one(store *s, const word_wait *w, isms_err *e)
{
    if (w->del)
        return DB_RUN(s->db,
                      "INSERT INTO record_word (record_word, rowid, word) VALUES ('delete', ?, ?)",
                      e, DB_INT(w->rid), DB_TEXT(w->doc));
    return DB_RUN(s->db, "INSERT INTO record_word (rowid, word) VALUES (?, ?)", e, DB_INT(w->rid),
                  DB_TEXT(w->doc));
}

/* Entries that are done with (made and written at depth 0) leave. */
static void compact(store *s)
{
    size_t m = 0;
    for (size_t k = 0; k < s->nwords; k++) {
        if (s->words[k].depth == 0 && s->words[k].written == 0)
            free(s->words[k].doc);
        else
            s->words[m++] = s->words[k];
    }
    s->nwords = m;
}

int store_words_sync(store *s, isms_err *e)
{
    int rc = 0;
    if (depth_now(s) > 0)
        s->words_inside = 1;
    for (size_t k = 0; k < s->nwords && !rc; k++) {
        if (s->words[k].written >= 0)
            continue;
        rc = write_one(s, &s->words[k], e);
        if (!rc)
            s->words[k].written = depth_now(s);
    }
    if (!rc)
        compact(s);
    return rc;
}

int store_words_defer(store *s, int64_t rid, char *doc, int del, isms_err *e)
{
    if (s->nwords == s->words_cap) {
        s->words_cap = s->words_cap ? 2 * s->words_cap : 64;
        s->words = xrealloc(s->words, s->words_cap * sizeof *s->words);
    }
    s->words[s->nwords++] =
        (word_wait){ .rid = rid, .doc = doc, .del = del, .depth = depth_now(s), .written = -1 };
    if (s->nwords >= WAIT_MAX && depth_now(s) == 0)
        return store_words_sync(s, e);
    return 0;
}

int store_words_bound(store *s, isms_err *e)
{
    if (s->nwords < WAIT_MAX || depth_now(s) != 0)
        return 0;
    return store_words_sync(s, e);
}

/* The first entry the end of savepoint `depth` may change. Those made in
 * it are the last (one made before it began has a lower depth); unless a
 * search inside a savepoint wrote some, no earlier one was written in it.
 * So a batch's end of each add's savepoint looks at that add's entries,
 * not at all the batch's (5 % of the instructions of 1,000 adds a
 * transaction went to those passes). */
static size_t first_changed(const store *s, int depth)
{
    if (depth == 0 || s->words_inside)
        return 0;
    size_t k = s->nwords;
    while (k > 0 && s->words[k - 1].depth >= depth)
        k--;
    return k;
}

void store_words_end(store *s, int depth, int kept)
{
    size_t from = first_changed(s, depth), m = from;
    for (size_t k = from; k < s->nwords; k++) {
        word_wait w = s->words[k];
        if (depth == 0 || (!kept && w.depth >= depth)) {
            free(w.doc); /* the transaction's end, or made in the savepoint undone */
            continue;
        }
        if (w.written >= depth)
            w.written = kept ? depth - 1 : -1; /* its write went with the savepoint */
        if (w.depth >= depth)
            w.depth = depth - 1;
        s->words[m++] = w;
    }
    s->nwords = m;
    if (!m) {
        free(s->words);
        s->words = NULL;
        s->words_cap = 0;
        s->words_inside = 0;
    }
}
