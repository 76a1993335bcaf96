/* tally.c: the dashboard's kept figures (0010_tallies.sql) and the few
 * queries over several registers it makes, each bounded by what it counts
 * rather than by the registers' size. */
#include "store/store_internal.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int store_keeps_tallies(const store *s) { return s->version >= store_migration_version("0010_"); }

int store_keeps_link_tallies(const store *s)
{
    return s->version >= store_migration_version("0016_");
}

int store_keeps_decisions(const store *s) { return s->version >= store_migration_version("0021_"); }

int store_keeps_incidents(const store *s) { return s->version >= store_migration_version("0022_"); }
int store_keeps_metrics(const store *s) { return s->version >= store_migration_version("0024_"); }

int store_keeps_accountability(const store *s)
{
    return s->version >= store_migration_version("0026_");
}

int store_keeps_in_place(const store *s) { return s->version >= store_migration_version("0028_"); }

int store_keeps_no_objective(const store *s)
{
    return s->version >= store_migration_version("0036_");
}

int store_keeps_acceptances(const store *s)
{
    return s->version >= store_migration_version("0029_");
}

int store_keeps_values(const store *s) { return s->version >= store_migration_version("0037_"); }

int store_keeps_owner_gaps(const store *s)
{
    return s->version >= store_migration_version("0041_");
}

int store_keeps_objective_figures(const store *s)
{
    return s->version >= store_migration_version("0042_");
}

int store_keeps_owner_totals(const store *s)
{
    return s->version >= store_migration_version("0045_");
}

int store_keeps_mapping_onto(const store *s)
{
    return s->version >= store_migration_version("0047_");
}

/* One statement for n figures: INSERT ... VALUES (?, ?), ... ON CONFLICT. */
static int add_some(store *s, const store_tally *t, size_t n, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "INSERT INTO tally (name, n) VALUES ");
    for (size_t j = 0; j < n; j++)
        buf_puts(&b, j ? ", (?, ?)" : "(?, ?)");
    buf_puts(&b, " ON CONFLICT (name) DO UPDATE SET n = tally.n + excluded.n");
    db_stmt *st;
    int rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    for (size_t j = 0; j < n; j++) {
        db_bind_text(st, (int)(2 * j + 1), t[j].name);
        db_bind_int(st, (int)(2 * j + 2), t[j].n);
    }
    return db_run(st, e);
}

static int write_all(store *s, const store_tally *t, size_t n, isms_err *e)
{
    enum { PER = 200 }; /* 400 parameters a statement */
    int rc = 0;
    for (size_t at = 0; at < n && !rc; at += PER)
        rc = add_some(s, t + at, n - at < PER ? n - at : PER, e);
    return rc;
}

/* ---- changes waiting for the commit ----
 *
 * Every add changes a few figures, and a batch of adds changes the same
 * ones again and again. PostgreSQL keeps each version of a row that its
 * transaction updates, and each update walks the versions before it: a
 * thousand adds in one transaction spent 4.7 ms each on their figures,
 * most of the server's work. So a write transaction's changes wait here,
 * summed per figure, and go in one statement before its COMMIT. Each is
 * kept with the savepoint depth it was made at, so that a savepoint's
 * rollback drops its own changes and its release hands them to the depth
 * around it, as the database does with rows. */

static size_t wait_home(const tally_wait *w, size_t mask)
{
    return (size_t)(w->hash ^ (uint64_t)w->depth * 0x9e3779b97f4a7c15u) & mask;
}

/* Change #k into the index, at the first free slot from its home. */
static void wait_index_put(store *s, size_t k)
{
    size_t mask = s->wait_slots_cap - 1, i = wait_home(&s->waiting[k], mask);
    while (s->wait_slots[i])
        i = (i + 1) & mask;
    s->wait_slots[i] = (uint32_t)(k + 1);
}

/* The index anew, of `cap` slots (0: none), the changes put in their order. */
static void wait_index_build(store *s, size_t cap)
{
    free(s->wait_slots);
    s->wait_slots = cap ? xcalloc(cap, sizeof *s->wait_slots) : NULL;
    s->wait_slots_cap = cap;
    for (size_t k = 0; cap && k < s->nwaiting; k++)
        wait_index_put(s, k);
}

/* Change #k out of the index. Exact when the changes leave in the reverse
 * of the order they came (the last first): each then left the slots on
 * its probe path as they were when it came. */
static void wait_index_drop(store *s, size_t k)
{
    size_t mask = s->wait_slots_cap - 1, i = wait_home(&s->waiting[k], mask);
    while (s->wait_slots[i] != k + 1)
        i = (i + 1) & mask;
    s->wait_slots[i] = 0;
}

static tally_wait *wait_find(store *s, const char *name, uint64_t hash, int depth)
{
    if (!s->wait_slots_cap)
        return NULL;
    size_t mask = s->wait_slots_cap - 1;
    tally_wait probe = { .hash = hash, .depth = depth };
    for (size_t i = wait_home(&probe, mask); s->wait_slots[i]; i = (i + 1) & mask) {
        tally_wait *w = &s->waiting[s->wait_slots[i] - 1];
        if (w->depth == depth && w->hash == hash && !strcmp(w->name, name))
            return w;
    }
    return NULL;
}

/* Adds n to the change of figure `name` at depth; takes `name` (malloc'd). */
static void wait_add(store *s, char *name, int64_t n, int depth)
{
    uint64_t hash = strmap_hash(name);
    tally_wait *w = wait_find(s, name, hash, depth);
    if (w) {
        w->n += n;
        free(name);
        return;
    }
    if (s->nwaiting == s->waiting_cap) {
        s->waiting_cap = s->waiting_cap ? 2 * s->waiting_cap : 32;
        s->waiting = xrealloc(s->waiting, s->waiting_cap * sizeof *s->waiting);
    }
    s->waiting[s->nwaiting++] = (tally_wait){ .name = name, .hash = hash, .n = n, .depth = depth };
    if (2 * s->nwaiting > s->wait_slots_cap)
        wait_index_build(s, s->wait_slots_cap ? 4 * s->wait_slots_cap : 64);
    else
        wait_index_put(s, s->nwaiting - 1);
}

/* The changes made around `depth` stay where they are (a transaction's
 * figures are many, a savepoint's few: an add's release must not walk
 * them all again); those made at `depth` or deeper go to the depth
 * around it, or away. They are the last ones made (those made around it
 * came before the savepoint began), so they leave the index last first;
 * were they not, it is built again. */
void store_tallies_end(store *s, int depth, int kept)
{
    size_t n = s->nwaiting, stay = 0, nend = 0, first_end = n;
    tally_wait *ending = xmalloc((n + 1) * sizeof *ending);
    for (size_t k = 0; k < n; k++) {
        if (s->waiting[k].depth < depth) {
            s->waiting[stay++] = s->waiting[k];
        } else {
            first_end = first_end < k ? first_end : k;
            ending[nend++] = s->waiting[k];
        }
    }
    s->nwaiting = stay;
    if (first_end == stay) /* the last ones (in place): the slots as they were */
        for (size_t k = n; k-- > stay && s->wait_slots_cap;)
            wait_index_drop(s, k);
    else
        wait_index_build(s, s->wait_slots_cap);
    for (size_t k = 0; k < nend; k++) {
        if (kept && depth > 0)
            wait_add(s, ending[k].name, ending[k].n, depth - 1);
        else
            free(ending[k].name);
    }
    free(ending);
    if (!s->nwaiting) {
        free(s->waiting);
        s->waiting = NULL;
        s->waiting_cap = 0;
        wait_index_build(s, 0);
    }
}

/* The changes waiting, summed per figure whatever their depth, in *out
 * (malloc'd; the names are the changes' own); those summing to 0 left out
 * unless `zeros`; how many. */
static size_t waiting_sums(const store *s, int zeros, store_tally **out)
{
    store_tally *t = xmalloc((s->nwaiting + 1) * sizeof *t);
    strmap at; /* name -> its place in t, plus one */
    strmap_init(&at);
    size_t n = 0;
    for (size_t k = 0; k < s->nwaiting; k++) {
        void **slot = strmap_slot_for(&at, s->waiting[k].name);
        if (!*slot) {
            t[n++] = (store_tally){ s->waiting[k].name, 0 };
            *slot = (void *)(uintptr_t)n;
        }
        t[(uintptr_t)*slot - 1].n += s->waiting[k].n;
    }
    strmap_reset(&at);
    size_t kept = 0;
    for (size_t j = 0; j < n; j++)
        if (zeros || t[j].n)
            t[kept++] = t[j];
    *out = t;
    return kept;
}

int store_tallies_flush(store *s, isms_err *e)
{
    int rc =
        s->nwaiting && s->schema.before_flush ? s->schema.before_flush(s, s->schema.ctx, e) : 0;
    store_tally *t;
    size_t n = rc ? 0 : waiting_sums(s, 0, &t);
    if (!rc) {
        rc = write_all(s, t, n, e);
        free(t);
    }
    store_tallies_end(s, 0, 0);
    return rc;
}

int store_tally_waiting(store *s, const char *prefix, store_tally_fn fn, void *ctx)
{
    store_tally *t;
    size_t n = waiting_sums(s, 1, &t);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++)
        if (!strncmp(t[k].name, prefix, strlen(prefix)))
            rc = fn(t[k].name, t[k].n, ctx);
    free(t);
    return rc;
}

/* The rows of one statement of store_tally_stored, of names[at .. at + n):
 * each row's figure put at every index its name has (index: a name to its
 * first index + 1; next[k]: the next index of the same name + 1, or 0). */
static int stored_some(store *s, const char *const *names, size_t at, size_t n, const strmap *index,
                       const size_t *next, int64_t *out, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT name, n FROM tally WHERE name IN (");
    for (size_t k = 0; k < n; k++)
        buf_puts(&b, k ? ", ?" : "?");
    buf_putc(&b, ')');
    db_stmt *st = NULL;
    int row, rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    for (size_t k = 0; !rc && k < n; k++)
        db_bind_text(st, (int)k + 1, names[at + k]);
    for (rc = rc ? rc : db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        int64_t v = db_col_int(st, 1);
        for (size_t k = (size_t)(uintptr_t)strmap_get(index, db_col_text(st, 0)); k;
             k = next[k - 1])
            out[k - 1] = v;
    }
    if (st)
        db_done(st);
    return rc;
}

int store_tally_stored(store *s, const char *const *names, size_t n, int64_t *out, isms_err *e)
{
    enum { PER = 200 };
    memset(out, 0, sizeof *out * n);
    strmap index; /* (a row's name found by its hash: 2,750 names were 68 M instructions) */
    strmap_init(&index);
    size_t *next = xmalloc(sizeof *next * (n + 1));
    for (size_t k = n; k-- > 0;) {
        void **slot = strmap_slot_for(&index, names[k]);
        next[k] = (size_t)(uintptr_t)*slot;
        *slot = (void *)(uintptr_t)(k + 1);
    }
    int rc = 0;
    for (size_t at = 0; at < n && !rc; at += PER)
        rc = stored_some(s, names, at, n - at < PER ? n - at : PER, &index, next, out, e);
    free(next);
    strmap_reset(&index);
    return rc;
}

int store_tally_add(store *s, const store_tally *t, size_t n, isms_err *e)
{
    if (!s->db->in_txn) /* nothing to wait for */
        return write_all(s, t, n, e);
    for (size_t k = 0; k < n; k++)
        wait_add(s, xstrdup(t[k].name), t[k].n, s->db->savepoints);
    return 0;
}

/* Emptied at depth d: the changes made at d go with the rows; those made
 * around it are undone by changes of d's own, which its rollback drops
 * with the DELETE it undoes. */
int store_tally_clear(store *s, isms_err *e)
{
    int depth = s->db->in_txn ? s->db->savepoints : 0;
    store_tallies_end(s, depth, 0);
    for (size_t k = 0, n = s->nwaiting; k < n; k++)
        wait_add(s, xstrdup(s->waiting[k].name), -s->waiting[k].n, depth);
    return db_exec(s->db, "DELETE FROM tally", e);
}

int store_text_int_rows(store *s, const char *sql, const char *param, int64_t limit,
                        store_tally_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    int p = 1;
    if (param)
        db_bind_text(st, p++, param);
    if (limit)
        db_bind_int(st, p, limit);
    return store_stmt_text_int_rows(st, fn, ctx, e);
}

int store_page_rows(store *s, const char *select, const char *id, const store_page *at,
                    store_tally_fn fn, void *ctx, isms_err *e)
{
    buf b;
    buf_init(&b);
    if (at->before) /* the nearest rows before it, read backwards, put in order */
        buf_printf(&b, "SELECT * FROM (%s AND %s < %lld ORDER BY %s DESC LIMIT ?) AS x ORDER BY 2",
                   select, id, (long long)at->before, id);
    else if (at->after)
        buf_printf(&b, "%s AND %s > %lld ORDER BY %s LIMIT ?", select, id, (long long)at->after,
                   id);
    else
        buf_printf(&b, "%s ORDER BY %s LIMIT ? OFFSET %lld", select, id, (long long)at->offset);
    int rc = store_text_int_rows(s, buf_str(&b), NULL, at->limit, fn, ctx, e);
    buf_reset(&b);
    return rc;
}

int store_stmt_text_int_rows(db_stmt *st, store_tally_fn fn, void *ctx, isms_err *e)
{
    int row, rc = 0;
    while (!rc) {
        rc = db_step(st, &row, e);
        if (rc || !row)
            break;
        rc = fn(db_col_text(st, 0), db_col_int(st, 1), ctx);
    }
    db_done(st);
    return rc;
}

int store_range_rows(store *s, const char *sql, int64_t lo, int64_t hi, store_int_int_text_fn fn,
                     void *ctx, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, lo);
    db_bind_int(st, 2, hi);
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        rc = fn(db_col_int(st, 0), db_col_int(st, 1), db_col_text(st, 2), ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}

static int take_count(const char *name, int64_t n, void *ctx)
{
    (void)name;
    *(int64_t *)ctx = n;
    return 0;
}

/* The one count `sql` selects (its second column), with `param` bound. */
static int count(store *s, const char *sql, const char *param, int64_t *n, isms_err *e)
{
    *n = 0;
    return store_text_int_rows(s, sql, param, 0, take_count, n, e);
}

/* The figures as stored plus the changes waiting (store_tally_scan). */
typedef struct merging {
    store_tally *waiting;
    size_t n;
    unsigned char *seen;
    store_tally_fn fn;
    void *ctx;
    const char *from;         /* the first name by the day to pass on, or NULL: all */
    const char *const *skips; /* with from: names starting so are not passed on (NULL: none) */
    const char *only;         /* instead: only the names starting so (NULL: any) */
} merging;

static int starts(const char *name, const char *prefix)
{
    return !strncmp(name, prefix, strlen(prefix));
}

/* Is figure `name` one to pass on: with `only`, of that prefix; with
 * `from`, not of a day before it, nor by value, nor of a skip? */
static int wanted(const char *name, const merging *m)
{
    if (m->only)
        return starts(name, m->only);
    if (!m->from)
        return 1;
    if (strcmp(name, STORE_VALUE_PREFIX) >= 0)
        return 0;
    for (int k = 0; m->skips && m->skips[k]; k++)
        if (starts(name, m->skips[k]))
            return 0;
    return !starts(name, STORE_DAY_PREFIX) || strcmp(name, m->from) >= 0;
}

static int merge_row(const char *name, int64_t n, void *ctx)
{
    merging *m = ctx;
    if (!wanted(name, m))
        return 0;
    for (size_t j = 0; j < m->n; j++)
        if (!strcmp(m->waiting[j].name, name)) {
            m->seen[j] = 1;
            n += m->waiting[j].n;
            break;
        }
    return n ? m->fn(name, n, m->ctx) : 0;
}

/* `sql` prepared, texts[0..n-1] bound in order. */
static int prep_texts(store *s, const char *sql, const char *const *texts, int n, db_stmt **st,
                      isms_err *e)
{
    int rc = db_prep(s->db, sql, st, e);
    for (int k = 0; !rc && k < n; k++)
        db_bind_text(*st, k + 1, texts[k]);
    return rc;
}

/* The sum `sql` selects, texts[0..n-1] bound in order. */
static int sum_of(store *s, const char *sql, const char *const *texts, int n, int64_t *sum,
                  isms_err *e)
{
    db_stmt *st;
    int rc = prep_texts(s, sql, texts, n, &st, e);
    return rc ? rc : db_first_int(st, 0, sum, e);
}

int store_tally_sum(store *s, const char *const *names, int n, int64_t *sum, isms_err *e)
{
    *sum = 0;
    if (s->nwaiting || n < 1 || n > 16)
        return err_set(e, E_RETRY, NULL, "figures: not kept for this read");
    char sql[160] = "SELECT COALESCE(SUM(n), 0) FROM tally WHERE name IN (?";
    for (int k = 1; k < n; k++)
        strcat(sql, ", ?");
    strcat(sql, ")");
    return sum_of(s, sql, names, n, sum, e);
}

int store_tally_range(store *s, const char *from, const char *upto, int64_t *sum, isms_err *e)
{
    *sum = 0;
    if (s->nwaiting)
        return err_set(e, E_RETRY, NULL, "figures: not kept for this read");
    char sql[160];
    const char *bytes = s->db->drv->bytes_collation;
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(SUM(n), 0) FROM tally WHERE name%s >= ? AND name%s < ?", bytes,
             bytes);
    return sum_of(s, sql, (const char *const[]){ from, upto }, 2, sum, e);
}

/* In a write transaction: the figures m selects as its commit will leave
 * them, the table's merged with those waiting. */
static int merged_scan(store *s, merging *m, isms_err *e)
{
    m->n = waiting_sums(s, 0, &m->waiting);
    m->seen = xcalloc(m->n + 1, 1);
    int rc = store_text_int_rows(s, "SELECT name, n FROM tally", NULL, 0, merge_row, m, e);
    for (size_t j = 0; j < m->n && !rc; j++)
        if (!m->seen[j] && wanted(m->waiting[j].name, m))
            rc = m->fn(m->waiting[j].name, m->waiting[j].n, m->ctx);
    free(m->seen);
    free(m->waiting);
    return rc;
}

/* The rows of `sql` with the texts bound in order. */
static int bound_rows(store *s, const char *sql, const char *const *texts, int n, store_tally_fn fn,
                      void *ctx, isms_err *e)
{
    db_stmt *st;
    int rc = prep_texts(s, sql, texts, n, &st, e);
    return rc ? rc : store_stmt_text_int_rows(st, fn, ctx, e);
}

/* The first name past every name starting with prefix (its last byte one
 * up: "owner." -> "owner/"), in out. */
static void past_prefix(char *out, size_t size, const char *prefix)
{
    snprintf(out, size, "%s", prefix);
    size_t n = strlen(out);
    if (n)
        out[n - 1]++;
}

/* SELECTs of the figures before the days, and from the first day asked
 * for to those by value but the skips' (in name order, after the days):
 * ranges [from, skip 1), [past skip 1, skip 2), ... [past the last, the
 * figures by value), whose bounds texts[] holds in the order they are
 * bound (from, skip 1, past it, skip 2, ...); how many. */
static int scan_sql(const store *s, buf *b, const char *const *skips, const char **texts,
                    char (*past)[64])
{
    /* (the first day in the database's collation: its index answers it) */
    const char *bytes = s->db->drv->bytes_collation, *low = "";
    buf_puts(b, "SELECT name, n FROM tally WHERE name < '" STORE_DAY_PREFIX "' AND n <> 0");
    int n = 1;
    for (int k = 0; skips && skips[k]; k++, low = bytes) {
        past_prefix(past[k], sizeof past[k], skips[k]);
        buf_printf(b,
                   " UNION ALL SELECT name, n FROM tally WHERE name%s >= ? AND name%s < ? AND "
                   "n <> 0",
                   low, bytes);
        texts[n++] = skips[k];
        texts[n++] = past[k];
    }
    buf_printf(
        b,
        " UNION ALL SELECT name, n FROM tally WHERE name%s >= ? AND name%s < '" STORE_VALUE_PREFIX
        "' AND n <> 0",
        low, bytes);
    return n;
}

int store_tally_scan(store *s, const char *after, const char *const *skips, store_tally_fn fn,
                     void *ctx, isms_err *e)
{
    /* "day.<after>/" sorts after every name of that day ('/' follows '.'):
     * the names by the day from it on are those of the days after */
    char from[32];
    if (after)
        snprintf(from, sizeof from, STORE_DAY_PREFIX "%.10s/", after);
    /* a range of the primary key for the names before the days, and one
     * between each skipped prefix from the first day asked for to the
     * figures by value (an OR of them SQLite reads as one scan of the
     * table); under a database collation other than bytes (PostgreSQL)
     * the ranges may keep a day too many, which the reader checks again
     * (dashboard.c, day_figure) */
    if (!s->nwaiting && after) {
        enum { MAX_SKIPS = 4 };
        int nskips = 0;
        while (skips && skips[nskips])
            nskips++;
        if (nskips > MAX_SKIPS)
            return err_set(e, E_INTERNAL, NULL, "%d prefixes to skip", nskips);
        char past[MAX_SKIPS][64];
        const char *texts[2 * MAX_SKIPS + 1] = { from };
        buf sql;
        buf_init(&sql);
        int n = scan_sql(s, &sql, skips, texts, past);
        int rc = bound_rows(s, buf_str(&sql), texts, n, fn, ctx, e);
        buf_reset(&sql);
        return rc;
    }
    if (!s->nwaiting)
        return store_text_int_rows(s, "SELECT name, n FROM tally WHERE n <> 0", NULL, 0, fn, ctx,
                                   e);
    merging m = { .fn = fn, .ctx = ctx, .from = after ? from : NULL, .skips = skips };
    return merged_scan(s, &m, e);
}

int store_tally_first(store *s, const char *prefix, const char *after, int64_t limit,
                      store_tally_fn fn, void *ctx, isms_err *e)
{
    if (s->nwaiting)
        return err_set(e, E_RETRY, NULL, "figures: not kept for this read");
    char upto[64], sql[200];
    past_prefix(upto, sizeof upto, prefix);
    const char *bytes = s->db->drv->bytes_collation;
    snprintf(sql, sizeof sql,
             "SELECT name, n FROM tally WHERE name%s %s ? AND name%s < ? AND n <> 0 ORDER BY "
             "name%s LIMIT %lld",
             bytes, after ? ">" : ">=", bytes, bytes, (long long)limit);
    return bound_rows(s, sql, (const char *const[]){ after ? after : prefix, upto }, 2, fn, ctx, e);
}

int store_tally_prefix(store *s, const char *prefix, store_tally_fn fn, void *ctx, isms_err *e)
{
    if (s->nwaiting) {
        merging m = { .fn = fn, .ctx = ctx, .only = prefix };
        return merged_scan(s, &m, e);
    }
    char upto[64], sql[160];
    past_prefix(upto, sizeof upto, prefix);
    const char *bytes = s->db->drv->bytes_collation;
    snprintf(sql, sizeof sql,
             "SELECT name, n FROM tally WHERE name%s >= ? AND name%s < ? AND n <> 0", bytes, bytes);
    return bound_rows(s, sql, (const char *const[]){ prefix, upto }, 2, fn, ctx, e);
}

/* The counts below start from the controls' links or the acceptances and
 * look each risk up by id (`r.id IN (...)`): joined the other way, the
 * planner reads every risk. */

/* A risk (alias a) that needs a treatment: neither accepted nor avoided. */
#define TO_TREAT(a) \
    "COALESCE(" a ".treatment, '') <> 'accept' AND COALESCE(" a ".treatment, '') <> 'avoid'"
/* Active risks that need a treatment. */
#define NEEDS_TREATMENT "r.retired_at IS NULL AND " TO_TREAT("r")
/* A risk (alias a) with a control in place (not planned, not retired). */
#define IN_PLACE_OF(a)                                                           \
    "EXISTS (SELECT 1 FROM control_risk cr JOIN control c ON c.id = cr.control " \
    "WHERE cr.risk = " a ".id AND c.retired_at IS NULL AND c.status <> 'planned')"
#define IN_PLACE IN_PLACE_OF("r")

int store_risks_treated(store *s, int64_t *n, isms_err *e)
{
    return count(s,
                 "SELECT '', COUNT(*) FROM risk r WHERE r.id IN (SELECT cr.risk FROM control c "
                 "JOIN control_risk cr ON cr.control = c.id "
                 "WHERE c.retired_at IS NULL AND c.status <> 'planned') AND " NEEDS_TREATMENT,
                 NULL, n, e);
}

int store_risk_in_place(store *s, int64_t risk, int64_t except, int *yes, isms_err *e)
{
    db_stmt *st;
    int row = 0, rc = db_prep(s->db,
                              "SELECT COUNT(*) FROM (SELECT 1 FROM control_risk cr JOIN control "
                              "c ON c.id = cr.control WHERE cr.risk = ? AND c.id <> ? AND "
                              "c.retired_at IS NULL AND c.status <> 'planned' LIMIT 1) AS x",
                              &st, e);
    *yes = 0;
    if (!rc) {
        db_bind_int(st, 1, risk);
        db_bind_int(st, 2, except);
        rc = db_step(st, &row, e);
        *yes = !rc && row && db_col_int(st, 0) > 0;
        db_done(st);
    }
    return rc;
}

int store_risk_incidents(store *s, int64_t risk, const char *after, int64_t *n, int64_t *loss,
                         isms_err *e)
{
    db_stmt *st;
    int row = 0, rc = db_prep(s->db,
                              "SELECT COUNT(*), COALESCE(SUM(i.loss), 0) FROM incident_risk ir "
                              "JOIN incident i ON i.id = ir.incident WHERE ir.risk = ? AND "
                              "i.retired_at IS NULL AND i.detected_at > ?",
                              &st, e);
    *n = *loss = 0;
    if (rc)
        return rc;
    db_bind_int(st, 1, risk);
    db_bind_text(st, 2, after);
    rc = db_step(st, &row, e);
    if (!rc && row) {
        *n = db_col_int(st, 0);
        *loss = db_col_int(st, 1);
    }
    db_done(st);
    return rc;
}

/* From 0028 each risk counts its controls in place (risk.in_place), and
 * those to treat with none are the partial index risk_untreated, whose
 * condition is this, term by term: a page is read from its front. */
#define NONE_IN_PLACE NEEDS_TREATMENT " AND r.in_place = 0"
/* How many controls in place treat risk r, from the links. */
#define IN_PLACE_COUNT                                                           \
    "(SELECT COUNT(*) FROM control_risk cr JOIN control c ON c.id = cr.control " \
    "WHERE cr.risk = r.id AND c.retired_at IS NULL AND c.status <> 'planned')"

/* A risk (alias a) with no objective link. */
#define NO_OBJECTIVE_LINK(a) "NOT EXISTS (SELECT 1 FROM risk_objective o WHERE o.risk = " a ".id)"

/* Whose latest analysis (of the active ones, by id) is outside appetite,
 * where analysis_latest (0017) does not keep it. */
#define LATEST_OUTSIDE_OF(a)                                                            \
    "EXISTS (SELECT 1 FROM analysis x WHERE x.kind = 'risk' AND x.subject = " a ".key " \
    "AND x.outside_appetite = 1 AND x.id = (SELECT MAX(y.id) FROM analysis y WHERE "    \
    "y.kind = 'risk' AND y.subject = " a ".key AND y.retired_at IS NULL))"

void store_risk_state_where(const store *s, buf *b, int state, int active, int as_list)
{
    /* the list: the same condition on the subquery's own risk t (it
     * hides the outer one), so the partial indexes serve it alike */
    as_list = as_list && active && state != STORE_RISK_OUTSIDE_APPETITE; /* (a list already) */
    if (as_list)
        buf_puts(b, "t.id IN (SELECT t.id FROM risk t WHERE t.retired_at IS NULL AND ");
    switch (state) {
    case STORE_RISK_UNTREATED: /* active: with the query's own t.retired_at IS NULL, the
                                * terms of the partial index risk_untreated (0028) */
        buf_puts(b, active && store_keeps_in_place(s) ? TO_TREAT("t") " AND t.in_place = 0"
                                                      : TO_TREAT("t") " AND NOT " IN_PLACE_OF("t"));
        break;
    case STORE_RISK_UNACCEPTED: /* the accepted ones, by the treatment's index (in its
                                 * collation: PostgreSQL's reads no other) */
        buf_printf(b,
                   "t.treatment%s = 'accept' AND NOT EXISTS (SELECT 1 FROM acceptance a "
                   "WHERE a.risk = t.id AND a.retired_at IS NULL AND "
                   "(a.expires_on IS NULL OR a.expires_on >= ?))",
                   s->db->drv->bytes_collation);
        break;
    case STORE_RISK_NO_OBJECTIVE: /* active: the terms of risk_no_objective (0036) */
        buf_puts(b, active && store_keeps_no_objective(s) ? "t.no_objective = 1"
                                                          : NO_OBJECTIVE_LINK("t"));
        break;
    default: /* STORE_RISK_OUTSIDE_APPETITE: as the dashboard counts them */
        buf_puts(b, HAS_FAIR_INPUTS("t") " AND ");
        buf_puts(b, store_keeps_latest(s) ? "t.id IN (SELECT l.risk FROM analysis_latest l "
                                            "WHERE l.outside = 1)"
                                          : LATEST_OUTSIDE_OF("t"));
    }
    if (as_list)
        buf_putc(b, ')');
}

int store_risk_state_few(store *s, int state, const char *today, int *few, isms_err *e)
{
    *few = 0;
    if (state == STORE_RISK_OUTSIDE_APPETITE) /* (written as a list already) */
        return 0;
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT '', COUNT(*) FROM (SELECT 1 FROM risk t WHERE t.retired_at IS NULL AND ");
    store_risk_state_where(s, &b, state, 1, 0);
    buf_printf(&b, " LIMIT %d) AS x", STORE_STATE_FEW + 1);
    int64_t n = 0;
    int rc = count(s, buf_str(&b), state == STORE_RISK_UNACCEPTED ? today : NULL, &n, e);
    buf_reset(&b);
    *few = n <= STORE_STATE_FEW;
    return rc;
}

int store_risks_untreated(store *s, const store_page *at, store_tally_fn fn, void *ctx, isms_err *e)
{
    return store_page_rows(s,
                           store_keeps_in_place(s)
                               ? "SELECT r.key, r.id FROM risk r WHERE " NONE_IN_PLACE
                               : "SELECT r.key, r.id FROM risk r WHERE " NEEDS_TREATMENT
                                 " AND NOT " IN_PLACE,
                           "r.id", at, fn, ctx, e);
}

int store_risks_in_place_add(store *s, const int64_t *risks, size_t n, int64_t by, isms_err *e)
{
    int rc = 0;
    for (size_t done = 0; done < n && !rc;) {
        db_stmt *st;
        int k;
        rc = store_prep_ids(s, "UPDATE risk SET in_place = in_place + ? WHERE id IN (", ")", risks,
                            n, &done, 2, &st, &k, e);
        if (!rc) {
            db_bind_int(st, 1, by);
            rc = db_run(st, e);
        }
    }
    return rc;
}

int store_risks_alone(store *s, int64_t *risks, size_t n, int64_t except, size_t *alone,
                      isms_err *e)
{
    int rc = 0;
    *alone = 0;
    for (size_t done = 0; done < n && !rc;) {
        db_stmt *st;
        int k;
        rc = store_prep_ids(s, "SELECT r.id FROM risk r WHERE r.id IN (",
                            ") AND NOT EXISTS (SELECT 1 FROM control_risk cr JOIN control c ON "
                            "c.id = cr.control WHERE cr.risk = r.id AND c.id <> ? AND "
                            "c.retired_at IS NULL AND c.status <> 'planned') ORDER BY r.id",
                            risks, n, &done, 1, &st, &k, e);
        if (rc)
            break;
        db_bind_int(st, 1 + k, except);
        int row; /* the chunk is bound: its places may take the rows */
        while (!(rc = db_step(st, &row, e)) && row)
            risks[(*alone)++] = db_col_int(st, 0);
        db_done(st);
    }
    return rc;
}

/* A column each risk keeps, set again from `links` (its value worked out
 * from the link tables, for risk r) where the two differ: only those rows
 * are written (after an import, those a control in place treats): a
 * statement writing every risk of a million-risk register journals more
 * than it must (it was refused as "database or disk is full" until
 * store/db_sqlite_vfs.c let the statement journal spill to its file in
 * pieces). */
static int kept_set(store *s, const char *column, const char *links, isms_err *e)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "UPDATE risk AS r SET %s = %s WHERE r.%s <> %s", column, links,
             column, links);
    return db_exec(s->db, sql, e);
}

/* How many risks' `column` differs from `links`. */
static int kept_wrong(store *s, const char *column, const char *links, int64_t *n, isms_err *e)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT '', COUNT(*) FROM risk r WHERE r.%s <> %s", column, links);
    return count(s, sql, NULL, n, e);
}

int store_risks_in_place_set(store *s, isms_err *e)
{
    return kept_set(s, "in_place", IN_PLACE_COUNT, e);
}

int store_risks_in_place_wrong(store *s, int64_t *n, isms_err *e)
{
    return kept_wrong(s, "in_place", IN_PLACE_COUNT, n, e);
}

/* Whether risk r has no objective, from the links (0 or 1). */
#define NONE_FROM_LINKS "(CASE WHEN " NO_OBJECTIVE_LINK("r") " THEN 1 ELSE 0 END)"

int store_risk_no_objective_mark(store *s, int64_t risk, int none, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db, "UPDATE risk SET no_objective = ? WHERE id = ?", &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, none != 0);
    db_bind_int(st, 2, risk);
    return db_run(st, e);
}

int store_risks_no_objective_set(store *s, isms_err *e)
{
    return kept_set(s, "no_objective", NONE_FROM_LINKS, e);
}

int store_risks_no_objective_wrong(store *s, int64_t *n, isms_err *e)
{
    return kept_wrong(s, "no_objective", NONE_FROM_LINKS, n, e);
}

int store_acceptances_lapsed(store *s, const char *today, int64_t *n, isms_err *e)
{
    return count(s,
                 "SELECT '', COUNT(*) FROM acceptance WHERE retired_at IS NULL AND expires_on < ?",
                 today, n, e);
}

/* The latest expiry of a risk's active acceptances, never as the last day. */
#define UNTIL "MAX(COALESCE(a.expires_on, '" STORE_NEVER "'))"

static int take_until(const char *until, int64_t n, void *ctx)
{
    char *out = ctx;
    if (until && n)
        snprintf(out, 11, "%s", until);
    return 0;
}

int store_risk_accepted_until(store *s, int64_t risk, int64_t except, char until[11], isms_err *e)
{
    char sql[256];
    until[0] = '\0';
    snprintf(sql, sizeof sql,
             "SELECT " UNTIL ", COUNT(*) FROM acceptance a WHERE a.risk = ? AND a.id <> %lld AND "
             "a.retired_at IS NULL",
             (long long)except);
    return store_text_int_rows(s, sql, NULL, risk, take_until, until, e);
}

int store_risks_accepted_until(store *s, store_tally_fn fn, void *ctx, isms_err *e)
{
    return store_text_int_rows(s,
                               "SELECT u, COUNT(*) FROM (SELECT " UNTIL " AS u FROM acceptance a "
                               "JOIN risk r ON r.id = a.risk WHERE a.retired_at IS NULL AND "
                               "r.retired_at IS NULL AND r.treatment = 'accept' GROUP BY a.risk) "
                               "AS x GROUP BY u",
                               NULL, 0, fn, ctx, e);
}

int store_risks_accepted_validly(store *s, const char *today, int64_t *n, isms_err *e)
{
    return count(s,
                 "SELECT '', COUNT(*) FROM risk r WHERE r.id IN (SELECT a.risk FROM acceptance a "
                 "WHERE a.retired_at IS NULL AND (a.expires_on IS NULL OR a.expires_on >= ?)) "
                 "AND r.retired_at IS NULL AND r.treatment = 'accept'",
                 today, n, e);
}

int store_risks_top_residual(store *s, int64_t limit, store_tally_fn fn, void *ctx, isms_err *e)
{
    return store_text_int_rows(s,
                               "SELECT key, id FROM risk WHERE retired_at IS NULL ORDER BY "
                               "(COALESCE(residual_likelihood, likelihood) * "
                               "COALESCE(residual_impact, impact)) DESC, id LIMIT ?",
                               NULL, limit, fn, ctx, e);
}

int store_last_change(store *s, const regdef *reg, char **at, arena *a, isms_err *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT MAX(updated_at) FROM %s", reg->name);
    *at = NULL;
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    if (!rc && row && !db_col_null(st, 0))
        *at = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    return rc;
}

/* The rows of `sql` (mapping id, then control and target when ncols is
 * 3) for framework #framework, each to fn; what a statement lacks is 0. */
static int mapping_rows(store *s, const char *sql, int ncols, int64_t framework,
                        store_mapping_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, framework);
    while (!(rc = db_step(st, &row, e)) && row)
        if ((rc = fn(db_col_int(st, 0), ncols > 1 ? db_col_int(st, 1) : 0,
                     ncols > 2 ? db_col_int(st, 2) : 0, ctx)) != 0)
            break;
    db_done(st);
    return rc;
}

int store_mappings_onto(store *s, int64_t framework, store_mapping_fn fn, void *ctx, isms_err *e)
{
    return mapping_rows(s,
                        "SELECT m.id FROM requirement r JOIN mapping m ON m.target = r.id "
                        "WHERE r.framework = ?",
                        1, framework, fn, ctx, e);
}

int store_control_mappings_onto(store *s, int64_t framework, store_mapping_fn fn, void *ctx,
                                isms_err *e)
{
    return mapping_rows(s,
                        "SELECT m.id, m.control, m.target FROM requirement r JOIN mapping m ON "
                        "m.target = r.id WHERE r.framework = ? AND m.retired_at IS NULL AND "
                        "m.control IS NOT NULL",
                        3, framework, fn, ctx, e);
}
