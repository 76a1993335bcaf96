/* schema.c: the repository's schema against the one its migrations make.
 *
 * A trigger planted behind isms's back (`CREATE TRIGGER ... AFTER UPDATE ON
 * risk ... SET likelihood = 1`) rewrites every later write under the honest
 * actor's name, and the ledger would vouch for the result. So the store lists the schema objects that bear on isms's tables (tables,
 * columns, indexes, triggers, rules, views) and compares them with what the
 * migrations up to the repository's version create, run once into an
 * in-memory SQLite database (on the first write of a connection, or when
 * verify asks). The listing is dialect-neutral (names, not
 * column types), so one expectation serves both backends and every future
 * migration is covered without a stored hash. Objects on tables that are
 * not isms's are left alone: a PostgreSQL database may hold other data.
 * What the listing cannot see (a changed CHECK or DEFAULT, a function a
 * trigger would call) is named in docs/LEDGER.md. */
#include "store/store_internal.h"
#include "core/buf.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Each row: the table an object bears on, and the object. */
static const char sqlite_listing[] =
    "SELECT name, 'table ' || name FROM sqlite_master WHERE type = 'table' "
    "  AND substr(name, 1, 7) <> 'sqlite_' "
    "UNION ALL SELECT m.name, 'column ' || m.name || '.' || p.name "
    "  FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' "
    "  AND substr(m.name, 1, 7) <> 'sqlite_' "
    "UNION ALL SELECT tbl_name, type || ' ' || name || ' on ' || tbl_name FROM sqlite_master "
    "  WHERE type IN ('index', 'trigger') AND sql IS NOT NULL "
    "UNION ALL SELECT name, 'view ' || name FROM sqlite_master WHERE type = 'view' "
    "ORDER BY 2";

/* Indexes that back a primary key or unique constraint are the
 * constraint's (SQLite's autoindexes are left out the same way). */
static const char pg_listing[] =
    "SELECT c.relname, 'table ' || c.relname FROM pg_class c "
    "  JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
    "UNION ALL SELECT c.relname, 'column ' || c.relname || '.' || a.attname FROM pg_attribute a "
    "  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
    "  AND NOT a.attisdropped "
    "UNION ALL SELECT t.relname, 'index ' || i.relname || ' on ' || t.relname FROM pg_index x "
    "  JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
    "  JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
    "  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid "
    "                  AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x')) "
    "UNION ALL SELECT t.relname, 'trigger ' || g.tgname || ' on ' || t.relname FROM pg_trigger g "
    "  JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
    "  WHERE n.nspname = current_schema() AND NOT g.tgisinternal "
    "UNION ALL SELECT t.relname, 'rule ' || r.rulename || ' on ' || t.relname FROM pg_rewrite r "
    "  JOIN pg_class t ON t.oid = r.ev_class JOIN pg_namespace n ON n.oid = t.relnamespace "
    "  WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') "
    "UNION ALL SELECT c.relname, 'view ' || c.relname FROM pg_class c "
    "  JOIN pg_namespace n ON n.oid = c.relnamespace "
    "  WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm') "
    "ORDER BY 2";

typedef struct listing {
    char **table, **item;
    size_t n, cap;
    const char **sorted; /* the items in strcmp order (listing_sort), not owned */
} listing;

static void listing_free(listing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->table[i]);
        free(l->item[i]);
    }
    free(l->table);
    free(l->item);
    free(l->sorted);
}

/* A search's word table (words.c) is an FTS5 table and its shadow tables
 * on SQLite, rows (word, id) on PostgreSQL: the same table names the same
 * thing on both. How long the "<register>_word" a table name is or
 * starts (its shadow tables: _data, _idx, _config, ...), else 0. */
static size_t word_table(const char *name)
{
    const char *w = strstr(name, "_word");
    while (w && w[5] && w[5] != '_')
        w = strstr(w + 1, "_word");
    return w ? (size_t)(w - name) + 5 : 0;
}

/* Items that differ by backend and say nothing of what a write does: a
 * word table's columns, and its shadow tables (their triggers are kept). */
static int dialect_item(const char *table, const char *item)
{
    size_t n = word_table(table);
    if (!n)
        return 0;
    return !strncmp(item, "column ", 7) || (!strncmp(item, "table ", 6) && table[n]);
}

static int list_schema(db *d, listing *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    db_stmt *st;
    int row, rc = db_prep(d, strcmp(db_kind(d), "postgres") ? sqlite_listing : pg_listing, &st, e);
    if (rc)
        return rc;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 128;
            out->table = xrealloc(out->table, out->cap * sizeof *out->table);
            out->item = xrealloc(out->item, out->cap * sizeof *out->item);
        }
        const char *t = db_col_text(st, 0), *i = db_col_text(st, 1);
        if (dialect_item(t ? t : "", i ? i : ""))
            continue;
        out->table[out->n] = xstrdup(t ? t : "");
        out->item[out->n++] = xstrdup(i ? i : "");
    }
    db_done(st);
    if (rc) {
        listing_free(out);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* l's items in order, for has_item to find each by bisection: a listing
 * has a line per column of every table. */
static void listing_sort(listing *l)
{
    l->sorted = xmalloc((l->n ? l->n : 1) * sizeof *l->sorted);
    memcpy(l->sorted, l->item, l->n * sizeof *l->sorted);
    if (l->n)
        qsort(l->sorted, l->n, sizeof *l->sorted, by_text);
}

static int has_item(const listing *l, const char *item)
{
    return l->n && bsearch(&item, l->sorted, l->n, sizeof *l->sorted, by_text) != NULL;
}

static char *copy_of(const char *s, size_t n)
{
    char *c = xmalloc(n + 1);
    memcpy(c, s, n);
    c[n] = 0;
    return c;
}

/* The table an item bears on: "table T", "column T.c", "view T", "index I
 * on T", "trigger G on T", "rule R on T". */
static char *table_of(const char *item)
{
    const char *on = strstr(item, " on "), *sp = strchr(item, ' ');
    if (on)
        return xstrdup(on + 4);
    const char *t = sp ? sp + 1 : item;
    return copy_of(t, strcspn(t, !strncmp(item, "column ", 7) ? "." : ""));
}

/* A listing from its text, one item a line (store_schema_expected_text,
 * recorded by the build as store_schema.listing). */
static void listing_parse(const char *text, listing *out)
{
    memset(out, 0, sizeof *out);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 256;
            out->table = xrealloc(out->table, out->cap * sizeof *out->table);
            out->item = xrealloc(out->item, out->cap * sizeof *out->item);
        }
        out->item[out->n] = copy_of(p, n);
        out->table[out->n] = table_of(out->item[out->n]);
        out->n++;
        p += n + (p[n] == '\n');
    }
}

/* A table of the expected schema, or a shadow table of its word table. */
static int is_isms_table(const listing *expected, const char *table)
{
    size_t n = word_table(table);
    for (size_t i = 0; i < expected->n; i++)
        if (!strcmp(expected->table[i], table) ||
            (n && !strncmp(expected->table[i], table, n) && !expected->table[i][n]))
            return 1;
    return 0;
}

/* An in-memory database holding the schema the migrations 1..version
 * make; the caller closes *out. */
static int migrated(int version, db **out, isms_err *e)
{
    db *mem;
    int rc = db_open(":memory:", 1, &mem, e);
    if (rc)
        return rc;
    rc = db_exec(mem, "BEGIN", e); /* one transaction, as a migration runs */
    for (int v = 1; !rc && v <= version; v++) {
        char *sql = store_migration_sql(mem, v);
        rc = db_exec(mem, sql, e);
        free(sql);
    }
    if (rc) {
        db_close(mem);
        return rc;
    }
    *out = mem;
    return 0;
}

/* The schema the migrations 1..version make, listed. */
static int expected_schema(int version, listing *out, isms_err *e)
{
    db *mem;
    int rc = migrated(version, &mem, e);
    if (rc)
        return rc;
    rc = list_schema(mem, out, e);
    db_close(mem);
    return rc;
}

/* Every object of a SQLite database as SQLite holds it, in a fixed order;
 * SQLite's own (sqlite_sequence, the autoindexes) are its business. Each
 * value is preceded by its length, so that no other set of objects reads
 * as the same text. */
static const char sqlite_objects[] = "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                     "WHERE substr(name, 1, 7) <> 'sqlite_' ORDER BY type, name";

/* "n:" (buf_printf's formatting was a third of the check, which every
 * write of a process makes once). */
static void put_length(buf *out, size_t n)
{
    char digits[24];
    size_t k = sizeof digits;
    digits[--k] = ':';
    do {
        digits[--k] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    buf_append(out, digits + k, sizeof digits - k);
}

static int sqlite_text(db *d, buf *out, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(d, sqlite_objects, &st, e);
    if (rc)
        return rc;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        for (int c = 0; c < 4; c++) {
            const char *v = db_col_null(st, c) ? "" : db_col_text(st, c);
            size_t n = strlen(v);
            put_length(out, n);
            buf_append(out, v, n);
            buf_append(out, c < 3 ? " " : "\n", 1);
        }
    }
    db_done(st);
    return rc;
}

int store_schema_made_text(const regdef *const *registers, char **out, isms_err *e)
{
    *out = NULL;
    store_know_registers(registers);
    db *mem;
    int rc = migrated(store_schema_latest(), &mem, e);
    if (rc)
        return rc;
    buf text;
    buf_init(&text);
    rc = sqlite_text(mem, &text, e);
    db_close(mem);
    if (!rc)
        *out = buf_detach(&text);
    buf_reset(&text);
    return rc;
}

/* Is the repository's schema, as SQLite holds it, byte for byte what the
 * migrations make (store_schema.made)? Then it is isms's own and nothing
 * was planted: no need to rebuild the expectation (80 M instructions,
 * most of a one-record write). Any other text, an upgrade not yet made or
 * PostgreSQL take the full comparison, which says what differs. */
static int is_made(store *s, int *yes, isms_err *e)
{
    *yes = 0;
    if (!s->schema.made || strcmp(db_kind(s->db), "sqlite"))
        return 0;
    buf have;
    buf_init(&have);
    int rc = sqlite_text(s->db, &have, e);
    *yes = !rc && !strcmp(buf_str(&have), s->schema.made);
    buf_reset(&have);
    return rc;
}

static _Atomic long rebuilds;

long store_schema_rebuilds(void) { return rebuilds; }

static int compare(store *s, isms_err *e)
{
    rebuilds++;
    free(s->schema_diff);
    s->schema_diff = NULL;
    int version;
    int rc = store_schema_version(s, &version, e);
    if (rc)
        return rc;
    listing want, have;
    if (version == store_schema_latest() && s->schema.listing)
        listing_parse(s->schema.listing, &want); /* as the build recorded it */
    else if ((rc = expected_schema(version, &want, e)))
        return rc;
    rc = list_schema(s->db, &have, e);
    if (rc) {
        listing_free(&want);
        return rc;
    }
    listing_sort(&want);
    listing_sort(&have);
    buf diff;
    buf_init(&diff);
    for (size_t i = 0; i < want.n; i++)
        if (!has_item(&have, want.item[i]))
            buf_printf(&diff, "%smissing %s", diff.len ? "; " : "", want.item[i]);
    for (size_t i = 0; i < have.n; i++)
        if (is_isms_table(&want, have.table[i]) && !has_item(&want, have.item[i]))
            buf_printf(&diff, "%sunexpected %s", diff.len ? "; " : "", have.item[i]);
    if (diff.len)
        s->schema_diff = buf_detach(&diff);
    buf_reset(&diff);
    listing_free(&want);
    listing_free(&have);
    return 0;
}

int store_schema_expected_text(int version, char **out, isms_err *e)
{
    *out = NULL;
    if (version < 1 || version > store_schema_latest())
        return err_set(e, E_INVALID, "schema", "isms has no schema version %d (it knows 1 to %d)",
                       version, store_schema_latest());
    listing want;
    int rc = expected_schema(version, &want, e);
    if (rc)
        return rc;
    buf text;
    buf_init(&text);
    for (size_t i = 0; i < want.n; i++)
        buf_printf(&text, "%s\n", want.item[i]);
    *out = buf_detach(&text);
    buf_reset(&text);
    listing_free(&want);
    return 0;
}

/* Once per open, and only when asked (by the first write, by verify): the
 * expectation costs a few milliseconds that a read need not pay. */
int store_schema_check(store *s, const char **diff, isms_err *e)
{
    if (!s->schema_checked) {
        int made;
        int rc = is_made(s, &made, e);
        if (!rc && !made)
            rc = compare(s, e);
        if (rc)
            return rc;
        s->schema_checked = 1;
    }
    *diff = s->schema_diff;
    return 0;
}
