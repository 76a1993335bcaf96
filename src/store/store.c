/* store.c: opening a repository, its schema migrations, transactions, meta
 * values and the ledger's rows. Records are in records.c (rows), query.c
 * (what a query selects), sorted.c (sorted pages) and scan.c (scans). */
#include "store/store_internal.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The migrations compiled into the binary (CMake embeds src/store/migrations/
 * *.sql in name order). File NNNN_name.sql is schema version NNNN. */
extern const struct {
    const char *name;
    const char *data;
    size_t len;
} isms_migrations[];

int store_schema_latest(void)
{
    int n = 0;
    while (isms_migrations[n].name)
        n++;
    return n;
}

int store_migration_version(const char *prefix)
{
    for (int n = 0; isms_migrations[n].name; n++)
        if (!strncmp(isms_migrations[n].name, prefix, strlen(prefix)))
            return n + 1;
    return 0;
}

static int migration_limit(void)
{
    const char *until = getenv("ISMS_MIGRATE_UNTIL");
    int latest = store_schema_latest();
    if (until && *until) {
        int v = atoi(until);
        if (v > 0 && v < latest)
            return v;
    }
    return latest;
}

/* The dialect tokens of d's driver in `in` written out: the result in
 * `in` again, `tmp` left to reset. */
static void dialect(const db *d, buf *in, buf *tmp);

/* The registers of the last store opened with some: what @LISTS r@
 * reads r's fields from, in migrations and in the schema they are checked
 * against (schema.c), which both run in the process that opens. */
static const regdef *const *known_registers;

void store_know_registers(const regdef *const *registers)
{
    if (registers)
        known_registers = registers;
}

static const regdef *known_register(const char *name)
{
    for (int k = 0; known_registers && known_registers[k]; k++)
        if (!strcmp(known_registers[k]->name, name))
            return known_registers[k];
    return NULL;
}

int store_list_sorted(const regdef *reg, const fielddef *f)
{
    if ((reg->flags & REG_SINGLETON) || !(f->flags & FF_LIST) || (f->flags & FF_UNIQUE))
        return 0;
    if (f->flags & FF_SORTED)
        return 1;
    if (f->type == FT_TEXT)
        return f == field_def(reg, reg->label);
    return f->type == FT_REF && !(f->flags & FF_SYSTEM);
}

/* @LISTS r@ written out; @C@ is the driver's collation by bytes,
 * @SORTID@ what orders equal values by id. */
static void list_objects(buf *b, const regdef *reg, const char *name)
{
    const char *sep = "";
    for (int i = 0; reg && i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (!store_list_sorted(reg, f))
            continue;
        int text = f->type != FT_INT && f->type != FT_MONEY && f->type != FT_REF;
        buf_printf(b, "%sCREATE INDEX %s_%s_sort ON %s (%s%s@SORTID@)", sep, name, f->name, name,
                   f->name, text ? "@C@" : "");
        sep = ";\n";
    }
}

/* A migration's shorthand, written out as the migrations once spelt it
 * (tests/store/test_migrations.c holds the result to the old text):
 *   @RECORD@     a register table's head columns: id, key, version, times
 *   @LINK a b@   the link table a_b between tables a and b, keyed by both
 *                ids, with an index the other way round
 *   @LISTS r@    what register r's list pages read (0013_lists.sql): an
 *                index (field, id) per list column a list is sorted by
 *                (store_list_sorted), and its search's word table
 *                (words.c), from r's field table: a register added later
 *                gets them by naming itself
 * At `at`: appends what the shorthand stands for to b and returns its
 * length in the source; 0 when no shorthand starts there. */
static size_t expand_shorthand(buf *b, const char *at)
{
    static const char head[] = "@RECORD@";
    if (!strncmp(at, head, sizeof head - 1)) {
        buf_puts(b, "id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,\n"
                    "    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT");
        return sizeof head - 1;
    }
    char x[64], y[64];
    int len = 0;
    if (sscanf(at, "@LISTS %63[a-z_]@%n", x, &len) == 1 && len) {
        list_objects(b, known_register(x), x);
        return (size_t)len;
    }
    if (sscanf(at, "@LINK %63[a-z_] %63[a-z_]@%n", x, y, &len) != 2 || !len)
        return 0;
    int w = (int)(strlen(x) > strlen(y) ? strlen(x) : strlen(y));
    buf_printf(b,
               "CREATE TABLE %s_%s (\n"
               "    %-*s BIGINT NOT NULL REFERENCES %s (id),\n"
               "    %-*s BIGINT NOT NULL REFERENCES %s (id),\n"
               "    PRIMARY KEY (%s, %s)\n"
               ");\n"
               "CREATE INDEX %s_%s_reverse ON %s_%s (%s, %s)",
               x, y, w, x, x, w, y, y, x, y, x, y, x, y, y, x);
    return (size_t)len;
}

/* Copies src into b, with each `token` replaced by `with` (NULL: the
 * shorthands, expand_shorthand). */
static void replace_tokens(buf *b, const char *src, const char *token, const char *with)
{
    const char *p = src;
    for (const char *tok = strchr(p, '@'); tok; tok = strchr(p, '@')) {
        buf_append(b, p, (size_t)(tok - p));
        size_t n = 0;
        if (!with)
            n = expand_shorthand(b, tok);
        else if (!strncmp(tok, token, strlen(token))) {
            buf_puts(b, with);
            n = strlen(token);
        }
        if (!n) {
            buf_append(b, tok, 1);
            n = 1;
        }
        p = tok + n;
    }
    buf_puts(b, p);
}

static void dialect(const db *d, buf *in, buf *tmp)
{
    static const char *const tokens[] = { "@ID@",          "@C@",           "@SORTID@",
                                          "@WORDS@",       "@WORDS_MERGE@", "@WORDS_MERGE_BOUND@",
                                          "@WORDS_CLEAR@", "@STATISTICS@" };
    const char *with[] = { d->drv->id_column,  d->drv->bytes_collation, d->drv->sort_id,
                           d->drv->word_table, d->drv->word_merge,      d->drv->word_merge_bound,
                           d->drv->word_clear, d->drv->statistics };
    for (size_t k = 0; k < sizeof tokens / sizeof *tokens; k++) {
        buf_reset(tmp);
        replace_tokens(tmp, buf_str(in), tokens[k], with[k]);
        buf t = *in;
        *in = *tmp;
        *tmp = t;
    }
}

char *store_list_sql(const db *d, const regdef *reg)
{
    buf b, out;
    buf_init(&b);
    buf_init(&out);
    list_objects(&b, reg, reg->name);
    dialect(d, &b, &out);
    buf_reset(&out);
    return buf_detach(&b);
}

/* Writes out a migration's shorthand, then its dialect tokens for this
 * driver. */
static char *migration_sql(const db *d, const char *src)
{
    buf full, b;
    buf_init(&full);
    buf_init(&b);
    replace_tokens(&full, src, NULL, NULL);
    dialect(d, &full, &b);
    buf_reset(&b);
    return buf_detach(&full);
}

static int read_version(store *s, int *version, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, "SELECT MAX(version) FROM schema_migration", &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    *version = !rc && row && !db_col_null(st, 0) ? (int)db_col_int(st, 0) : 0;
    db_done(st);
    return rc;
}

int store_schema_version(store *s, int *version, isms_err *e)
{
    return read_version(s, version, e);
}

char *store_migration_sql(const db *d, int version)
{
    return migration_sql(d, isms_migrations[version - 1].data);
}

static int apply_migration(store *s, int v, isms_err *e)
{
    char *sql = store_migration_sql(s->db, v);
    int rc = db_exec(s->db, sql, e);
    free(sql);
    if (rc)
        return rc;
    char now[21];
    now_timestamp(now);
    return DB_RUN(s->db,
                  "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)", e,
                  DB_INT(v), DB_TEXT(isms_migrations[v - 1].name), DB_TEXT(now));
}

/* Removes the copies an upgrade stopped before they were whole left
 * beside the file (db_backup writes NAME.part and renames it when whole;
 * a process killed meanwhile leaves it). */
static void forget_cut_copies(const char *target)
{
    char pattern[8400];
    size_t n = 0;
    for (const char *p = target; *p && n + 2 < sizeof pattern - 16; p++) {
        if (strchr("*?[\\", *p)) /* the file's own name matches only itself */
            pattern[n++] = '\\';
        pattern[n++] = *p;
    }
    snprintf(pattern + n, sizeof pattern - n, ".v*.bak.part*"); /* and its journal */
    glob_t g;
    if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0)
        for (size_t k = 0; k < g.gl_pathc; k++)
            unlink(g.gl_pathv[k]);
    globfree(&g);
}

/* Makes a copy of a SQLite repository before changing its schema, beside
 * the file: acme.isms.v1-20261123T161742Z.bak, its name into path (left
 * empty where none is made). */
static int backup_before_upgrade(store *s, const char *target, int from, char path[4200],
                                 isms_err *e)
{
    path[0] = 0;
    if (strcmp(db_kind(s->db), "sqlite"))
        return 0;
    char now[21];
    now_timestamp(now);
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", now, now + 5, now + 8, now + 11,
             now + 14, now + 17);
    snprintf(path, 4200, "%s.v%d-%s.bak", target, from, stamp);
    forget_cut_copies(target);
    store_progress("a copy of the old file first", 0, 1);
    int rc = db_backup(s->db, path, e);
    if (rc)
        path[0] = 0; /* (none left: db_backup removes what it wrote) */
    else
        store_progress("a copy of the old file first", 1, 1);
    return rc;
}

static const volatile sig_atomic_t *cancel_flag;

void store_set_cancel(const volatile sig_atomic_t *flag) { cancel_flag = flag; }

static int cancelled(void) { return cancel_flag && *cancel_flag; }

/* An upgrade's (not a new repository's) steps stop once cancelled. */
static int stop_now(int create) { return !create && cancelled(); }

/* An upgrade past 0013_lists.sql writes the search's words of the
 * records already there, in the upgrade's transaction; past 0033, which
 * clears them, every register's again, behind its tag (words.c). */
static int fill_lists(store *s, int from, isms_err *e)
{
    int v = store_migration_version("0013_"), tags = store_migration_version("0033_");
    if (!store_keeps_words(s))
        return 0;
    int rc = 0;
    if (from < tags && s->version >= tags) {
        for (int k = 0; known_registers && known_registers[k] && !rc; k++)
            rc = store_words_fill(s, known_registers[k], e);
        return rc;
    }
    if (from >= v)
        return 0;
    char x[64];
    for (const char *at = strstr(isms_migrations[v - 1].data, "@LISTS "); at && !rc;
         at = strstr(at + 1, "@LISTS ")) {
        const regdef *reg = sscanf(at, "@LISTS %63[a-z_]@", x) == 1 ? known_register(x) : NULL;
        if (reg)
            rc = store_words_fill(s, reg, e);
    }
    return rc;
}

/* The migrations past `version` up to `limit` in one write transaction,
 * and for an upgrade (not create) what they call for: the search's words,
 * the domain's own (on_upgrade). Between steps, a cancel stops it. */
static int apply(store *s, int create, int version, int limit, int *upgraded_from, isms_err *e)
{
    int rc = db_begin(s->db, DB_WRITE, e);
    if (rc)
        return rc;
    /* Read again under the write lock: another process may have migrated
     * the repository while this one waited. */
    if (!create) {
        rc = read_version(s, &version, e);
        if (rc)
            goto fail;
    }
    int from = version;
    for (int v = version + 1; v <= limit && !rc; v++) {
        rc = stop_now(create) ? E_INTERRUPTED : apply_migration(s, v, e);
        if (!rc && !create)
            store_progress("the schema's changes", v - from, limit - from);
    }
    s->version = limit; /* what on_upgrade writes goes to the new tables */
    if (!rc && !create && from < limit)
        rc = fill_lists(s, from, e);
    if (!rc && !create && from < limit && s->schema.on_upgrade)
        rc = stop_now(create) ? E_INTERRUPTED
                              : s->schema.on_upgrade(s, from, limit, s->schema.ctx, e);
    if (!rc)
        rc = store_words_sync(s, e);
    if (!rc)
        rc = store_tallies_flush(s, e);
    if (!rc)
        rc = stop_now(create) ? E_INTERRUPTED : db_commit(s->db, e);
    if (rc)
        goto fail;
    s->version = limit;
    if (upgraded_from && !create && from < limit)
        *upgraded_from = from;
    return 0;
fail:
    db_rollback(s->db);
    store_tallies_end(s, 0, 0);
    store_words_end(s, 0, 0);
    s->version = version;
    return rc;
}

/* An existing repository brought from `version` to `limit`: a copy of
 * the file first (SQLite), then the migrations. Interrupted (the cancel
 * flag), or failed, it stays as it was, and the copy, which only a
 * finished upgrade needs, goes. */
static int upgrade(store *s, const char *target, const char *name, int version, int limit,
                   int *upgraded_from, isms_err *e)
{
    char copy[4200];
    db_watch(s->db, cancel_flag);
    int rc = backup_before_upgrade(s, target, version, copy, e);
    if (!rc)
        rc = apply(s, 0, version, limit, upgraded_from, e);
    db_watch(s->db, NULL);
    if (rc && copy[0])
        unlink(copy);
    if (rc && cancelled()) {
        err_clear(e);
        rc = err_set(e, E_INTERRUPTED, "repository",
                     "interrupted: %s stays at schema version %d, unchanged (the upgrade to "
                     "%d starts again at its next use)",
                     name, version, limit);
    }
    return rc;
}

/* `name`: the target as messages show it (never a password). */
static int migrate(store *s, const char *target, const char *name, int create, int *upgraded_from,
                   isms_err *e)
{
    int limit = migration_limit(), version = 0, rc;
    if (!create) {
        isms_err why = { 0 };
        rc = read_version(s, &version, &why);
        /* Only a missing table means "not a repository": a full disk, an
         * I/O error or damage say what they are. */
        if (rc == E_STORE && strstr(why.msg, "schema_migration"))
            return err_set(e, E_STORE, "repository", "%s is not an isms repository", name);
        if (rc)
            return err_set(e, rc, why.field, "%s", why.msg);
        if (version > store_schema_latest())
            return err_set(e, E_STORE, "repository",
                           "%s has schema version %d, newer than this isms (%d); upgrade isms",
                           name, version, store_schema_latest());
        s->version = version;
        if (version >= limit)
            return 0;
        if (s->db->readonly)
            return err_set(e, E_DENIED, "repository",
                           "%s has schema version %d and this isms needs %d, but it is read-only "
                           "and cannot be upgraded: read it with the isms that wrote it, or "
                           "upgrade a writable copy",
                           name, version, limit);
        return upgrade(s, target, name, version, limit, upgraded_from, e);
    }
    return apply(s, 1, 0, limit, upgraded_from, e);
}

int store_open(const char *target, int create, const store_schema *schema, store **out,
               int *upgraded_from, isms_err *e)
{
    *out = NULL;
    if (upgraded_from)
        *upgraded_from = 0;
    if (!target || !*target)
        return err_set(e, E_USAGE, "repository",
                       "no repository given: use --repo PATH or set ISMS_REPO");
    store *s = xcalloc(1, sizeof *s);
    s->schema = *schema;
    store_know_registers(schema->registers);
    s->target = xstrdup(target);
    int rc = db_open(target, create, &s->db, e);
    if (!rc) {
        char *name = db_label(target);
        rc = migrate(s, target, name, create, upgraded_from, e);
        free(name);
    }

    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (!s)
        return;
    regsql_free(s);
    store_refs_forget(s);
    store_labels_forget(s);
    store_tallies_end(s, 0, 0);
    store_words_end(s, 0, 0);
    free(s->waiting);
    free(s->schema_diff);
    free(s->target);
    db_close(s->db);
    free(s);
}

int store_open_reader(store *s, store **out, isms_err *e)
{
    *out = NULL;
    if (!strcmp(s->target, ":memory:"))
        return err_set(e, E_USAGE, "repository", "an in-memory repository has one connection");
    store *r = xcalloc(1, sizeof *r);
    r->schema = s->schema;
    r->schema.on_upgrade = NULL;
    r->version = s->version;
    r->target = xstrdup(s->target);
    int rc = db_open(s->target, 0, &r->db, e);
    if (rc) {
        store_close(r);
        return rc;
    }
    if (r->db->drv->scans_only)
        r->db->drv->scans_only(r->db);
    *out = r;
    return 0;
}

const char *store_backend(const store *s) { return db_kind(s->db); }
int store_remove(const char *target, isms_err *e) { return db_remove(target, e); }
char *store_label(const char *target) { return db_label(target); }

int store_integrity(store *s, struct buf *problems, isms_err *e)
{
    return s->db->drv->integrity ? s->db->drv->integrity(s->db, problems, e) : 0;
}

int store_integrity_reads_all(const store *s) { return s->db->drv->integrity_reads_all; }

void store_integrity_begin(store *s)
{
    if (s->db->drv->integrity_begin)
        s->db->drv->integrity_begin(s->db);
}

int store_begin(store *s, int write, isms_err *e)
{
    /* A write on a schema that is not isms's own would run whatever was
     * planted there (a trigger rewriting values) under an honest name. */
    const char *diff = NULL;
    if (write && !s->db->in_txn) {
        int rc = store_schema_check(s, &diff, e);
        if (rc)
            return rc;
    }
    if (diff)
        return err_set(e, E_TAMPERED, "repository",
                       "the repository's schema differs from the one isms made (%s); no change "
                       "is written until it is restored: run `isms verify`",
                       diff);
    if (!s->db->in_txn) { /* nothing of an earlier transaction waits */
        store_tallies_end(s, 0, 0);
        store_words_end(s, 0, 0);
    } else if (store_words_deferred(s)) {
        int rc = store_words_bound(s, e);
        if (rc)
            return rc;
    }
    return db_begin(s->db, write, e);
}
static _Atomic long commits_made;

/* The transaction's figure changes go just before its COMMIT, and with it
 * (sent ahead: on PostgreSQL one round trip for both). */
static int flush_tallies(store *s, isms_err *e)
{
    int deferring = s->db->defer_writes;
    db_defer_writes(s->db, 1);
    int rc = store_tallies_flush(s, e);
    db_defer_writes(s->db, deferring);
    return rc;
}

int store_commit(store *s, isms_err *e)
{
    int depth = s->db->in_txn ? s->db->savepoints : -1;
    int rc = depth == 0 ? store_words_sync(s, e) : 0;
    if (!rc && depth == 0)
        rc = flush_tallies(s, e);
    if (rc) {
        store_rollback(s);
        return rc;
    }
    rc = db_commit(s->db, e);
    if (depth > 0) {
        store_tallies_end(s, depth, !rc);
        store_words_end(s, depth, !rc);
    }
    if (!rc)
        commits_made++;
    return rc;
}

long store_commits_made(void) { return commits_made; }

void store_rollback(store *s)
{
    int depth = s->db->savepoints;
    db_rollback(s->db);
    /* a savepoint's changes go; the transaction's, when it ended */
    store_tallies_end(s, s->db->in_txn ? depth : 0, 0);
    store_words_end(s, s->db->in_txn ? depth : 0, 0);
}

void store_defer_writes(store *s, int on) { db_defer_writes(s->db, on); }

int store_in_txn(const store *s)
{
    return s->db->in_txn && s->db->drv->txn_state(s->db) == DB_TXN_OPEN;
}

int store_in_write_txn(const store *s) { return store_in_txn(s) && s->db->writing; }

/* ---- queries keyed by one value ---- */

static int prep1(store *s, const char *sql, const char *text, int64_t id, db_stmt **st, isms_err *e)
{
    int rc = db_prep(s->db, sql, st, e);
    if (rc)
        return rc;
    if (text)
        db_bind_text(*st, 1, text);
    else
        db_bind_int(*st, 1, id);
    return 0;
}

void store_row_text(db_stmt *st, void *out, arena *a)
{
    *(char **)out = arena_strdup(a, db_col_text(st, 0));
}

void store_row_int(db_stmt *st, void *out, arena *a) { *(int64_t *)out = db_col_int(st, 0); }

int store_one(store *s, const char *sql, const char *text, int64_t id, store_row_fn *fn, void *out,
              arena *a, int *found, isms_err *e)
{
    db_stmt *st;
    int row, rc = prep1(s, sql, text, id, &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    *found = !rc && row;
    if (*found && fn)
        fn(st, out, a);
    db_done(st);
    return rc;
}

int store_run1(store *s, const char *sql, const char *text, int64_t id, isms_err *e)
{
    db_stmt *st;
    int rc = prep1(s, sql, text, id, &st, e);
    if (rc)
        return rc;
    return db_run(st, e);
}

/* ---- meta values ---- */

int store_meta_get(store *s, const char *name, char **out, arena *a, isms_err *e)
{
    int found;
    *out = NULL;
    return store_one(s, "SELECT value FROM meta WHERE name = ?", name, 0, store_row_text, out, a,
                     &found, e);
}

int store_meta_set(store *s, const char *name, const char *text, isms_err *e)
{
    int rc = store_run1(s, "DELETE FROM meta WHERE name = ?", name, 0, e);
    if (rc)
        return rc;
    return DB_RUN(s->db, "INSERT INTO meta (name, value) VALUES (?, ?)", e, DB_TEXT(name),
                  DB_TEXT(text));
}

/* ---- ledger rows ---- */

#define LEDGER_COLS "seq, ts, actor, entity, key, op, data, note, prev_hash, hash"

/* The head is now (seq, hash) as far as this write transaction knows. */
static void head_is(store *s, int64_t seq, const char *hash)
{
    s->head.gen = db_write_gen(s->db);
    s->head.seq = seq;
    snprintf(s->head.hash, sizeof s->head.hash, "%s", hash ? hash : "");
}

/* An entry was appended: the head moves on when it was known and the
 * entry follows it, and is read again otherwise. */
static void head_appended(store *s, const ledger_row *r)
{
    int known = s->head.gen && s->head.gen == db_write_gen(s->db);
    if (known && r->seq == s->head.seq + 1)
        head_is(s, r->seq, r->hash);
    else
        s->head.gen = 0;
}

int store_ledger_head(store *s, int64_t *seq, char **hash, arena *a, isms_err *e)
{
    if (s->head.gen && s->head.gen == db_write_gen(s->db)) {
        *seq = s->head.seq;
        *hash = s->head.seq ? arena_strdup(a, s->head.hash) : NULL;
        return 0;
    }
    db_stmt *st;
    int row, rc = db_prep(s->db, "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1", &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    *seq = !rc && row ? db_col_int(st, 0) : 0;
    *hash = !rc && row ? arena_strdup(a, db_col_text(st, 1)) : NULL;
    db_done(st);
    if (!rc)
        head_is(s, *seq, *hash);
    return rc;
}

int store_prep_list(store *s, const char *head, const char *item, int k, const char *tail,
                    db_stmt **st, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, head);
    for (int j = 0; j < k; j++) {
        buf_puts(&b, j ? ", " : " ");
        buf_puts(&b, item);
    }
    buf_puts(&b, tail);
    int rc = db_prep(s->db, buf_str(&b), st, e);
    buf_reset(&b);
    return rc;
}

int store_prep_rows(store *s, const char *insert, const char *row, int k, db_stmt **st, isms_err *e)
{
    return store_prep_list(s, insert, row, k, "", st, e);
}

int store_prep_ids(store *s, const char *head, const char *tail, const int64_t *ids, size_t n,
                   size_t *done, int first, db_stmt **st, int *k, isms_err *e)
{
    *k = store_list_chunk(n - *done);
    int rc = store_prep_list(s, head, "?", *k, tail, st, e);
    for (int j = 0; !rc && j < *k; j++)
        db_bind_int(*st, first + j, ids[(*done)++]);
    return rc;
}

int store_list_chunk(size_t n)
{
    if (n < STORE_LIST_MIN)
        return 1;
    int k = STORE_LIST_MAX;
    while ((size_t)k > n)
        k /= 2;
    return k;
}

/* r's LEDGER_COLS from parameter p; the next parameter. */
static int bind_ledger_row(db_stmt *st, int p, const ledger_row *r)
{
    const char *text[] = { r->ts,   r->actor, r->entity,    r->key, r->op,
                           r->data, r->note,  r->prev_hash, r->hash };
    db_bind_int(st, p++, r->seq);
    for (size_t t = 0; t < sizeof text / sizeof *text; t++)
        db_bind_text(st, p++, text[t]);
    return p;
}

/* The entry and its nodes as one statement: the nodes a data-modifying
 * WITH of three arrays (seq, level, hash), one text whatever their
 * number. */
static int insert_entry_with_nodes(store *s, const ledger_row *r, const int64_t *seq,
                                   const int *level, const char (*hash)[65], int n, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db,
                     "WITH n AS (INSERT INTO ledger_node (seq, level, hash) SELECT * FROM "
                     "unnest(?::bigint[], ?::integer[], ?::text[])) "
                     "INSERT INTO ledger (" LEDGER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     &st, e);
    if (rc)
        return rc;
    int64_t *levels = xcalloc((size_t)n + 1, sizeof *levels);
    const char **hashes = xcalloc((size_t)n + 1, sizeof *hashes);
    for (int k = 0; k < n; k++) {
        levels[k] = level[k];
        hashes[k] = hash[k];
    }
    char *arrays[] = { db_int_array(seq, n), db_int_array(levels, n), db_text_array(hashes, n) };
    for (int k = 0; k < 3; k++) {
        db_bind_text(st, k + 1, arrays[k]);
        free(arrays[k]);
    }
    free(levels);
    free(hashes);
    bind_ledger_row(st, 4, r);
    return db_run(st, e);
}

int store_ledger_insert_nodes(store *s, const ledger_row *r, const int64_t *seq, const int *level,
                              const char (*hash)[65], int n, isms_err *e)
{
    if (!n || !s->db->drv->insert_in_one) {
        int rc = store_ledger_insert(s, r, e);
        for (int k = 0; k < n && !rc; k++)
            rc = store_tree_put(s, seq[k], level[k], hash[k], e);
        return rc;
    }
    int rc = insert_entry_with_nodes(s, r, seq, level, hash, n, e);
    if (rc) {
        s->head.gen = 0;
        return rc;
    }
    head_appended(s, r);
    for (int k = 0; k < n; k++)
        store_tree_kept(s, seq[k], level[k], hash[k]);
    return 0;
}

int store_ledger_insert(store *s, const ledger_row *r, isms_err *e)
{
    return store_ledger_insert_many(s, r, 1, e);
}

int store_ledger_insert_many(store *s, const ledger_row *rows, int n, isms_err *e)
{
    enum { PER = 80 }; /* 800 parameters a statement */
    int rc = 0;
    for (int at = 0; at < n && !rc; at += PER) {
        int k = n - at < PER ? n - at : PER;
        db_stmt *st;
        rc = store_prep_rows(s, "INSERT INTO ledger (" LEDGER_COLS ") VALUES",
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k, &st, e);
        for (int j = 0, p = 1; j < k && !rc; j++)
            p = bind_ledger_row(st, p, &rows[at + j]);
        if (!rc)
            rc = db_run(st, e);
        for (int j = 0; j < k && !rc; j++)
            head_appended(s, &rows[at + j]);
    }
    if (rc)
        s->head.gen = 0;
    return rc;
}

static void ledger_row_from(db_stmt *st, ledger_row *r)
{
    r->seq = db_col_int(st, 0);
    r->ts = db_col_text(st, 1);
    r->actor = db_col_text(st, 2);
    r->entity = db_col_text(st, 3);
    r->key = db_col_text(st, 4);
    r->op = db_col_text(st, 5);
    r->data = db_col_text(st, 6);
    r->note = db_col_text(st, 7);
    r->prev_hash = db_col_text(st, 8);
    r->hash = db_col_text(st, 9);
    r->prev_data = NULL;
}

/* Each row of st (LEDGER_COLS, then the entry before at column prev_col
 * when it is not 0) to fn, until fn says stop; st done. */
static int each_entry(db_stmt *st, int prev_col, store_ledger_fn fn, void *ctx, isms_err *e)
{
    int row, rc;
    for (rc = db_step(st, &row, e); !rc && row; rc = db_step(st, &row, e)) {
        ledger_row r;
        ledger_row_from(st, &r);
        if (prev_col)
            r.prev_data = db_col_text(st, prev_col);
        rc = fn(&r, ctx);
        if (rc)
            break;
    }
    db_done(st);
    return rc;
}

/* Entries of one key, or all those after entry #after, in seq order. */
static int ledger_scan(store *s, const char *key, int64_t after, store_ledger_fn fn, void *ctx,
                       isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db,
                     key ? "SELECT " LEDGER_COLS " FROM ledger WHERE key = ? ORDER BY seq"
                         : "SELECT " LEDGER_COLS " FROM ledger WHERE seq > ? ORDER BY seq",
                     &st, e);
    if (rc)
        return rc;
    if (key) {
        db_bind_text(st, 1, key);
    } else {
        db_bind_int(st, 1, after);
        db_many_rows(st);
    }
    return each_entry(st, 0, fn, ctx, e);
}

int store_ledger_scan(store *s, const char *key, store_ledger_fn fn, void *ctx, isms_err *e)
{
    return ledger_scan(s, key, 0, fn, ctx, e);
}

int store_ledger_scan_after(store *s, int64_t after, store_ledger_fn fn, void *ctx, isms_err *e)
{
    return ledger_scan(s, NULL, after, fn, ctx, e);
}

/* The same key's entry before each (ledger_by_key, one index seek a row in
 * the database), so that a history names what changed without holding
 * earlier versions: an add has none. */
#define LEDGER_PREV_DATA                                                               \
    ", CASE WHEN l.op <> 'add' THEN (SELECT p.data FROM ledger p WHERE p.key = l.key " \
    "AND p.seq < l.seq ORDER BY p.seq DESC LIMIT 1) END"

/* `keyed` or `all` prepared as key says, and bound: the key (when given),
 * then the n integers v. */
static int prep_keyed(store *s, const char *key, const char *keyed, const char *all,
                      const int64_t *v, int n, db_stmt **st, isms_err *e)
{
    int rc = db_prep(s->db, key ? keyed : all, st, e);
    if (rc)
        return rc;
    int at = 1;
    if (key)
        db_bind_text(*st, at++, key);
    for (int k = 0; k < n; k++)
        db_bind_int(*st, at++, v[k]);
    return 0;
}

int store_ledger_history(store *s, const char *key, int64_t after, int64_t before,
                         store_ledger_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    const int64_t range[] = { after, before ? before : INT64_MAX };
    int rc = prep_keyed(s, key,
                        "SELECT " LEDGER_COLS LEDGER_PREV_DATA
                        " FROM ledger l WHERE l.key = ? AND l.seq > ? AND l.seq < ? ORDER BY l.seq",
                        "SELECT " LEDGER_COLS LEDGER_PREV_DATA
                        " FROM ledger l WHERE l.seq > ? AND l.seq < ? ORDER BY l.seq",
                        range, 2, &st, e);
    if (rc)
        return rc;
    db_many_rows(st);
    return each_entry(st, 10, fn, ctx, e);
}

int store_ledger_tail(store *s, const char *key, int64_t n, int64_t before, int64_t *after,
                      int *older, isms_err *e)
{
    db_stmt *st;
    const int64_t bound[] = { before ? before : INT64_MAX, n - 1 };
    int rc = prep_keyed(s, key,
                        "SELECT seq FROM ledger WHERE key = ? AND seq < ? ORDER BY seq DESC "
                        "LIMIT 2 OFFSET ?",
                        "SELECT seq FROM ledger WHERE seq < ? ORDER BY seq DESC LIMIT 2 OFFSET ?",
                        bound, 2, &st, e);
    int64_t first = 1; /* (none: from the start) */
    int row;
    *older = 0;
    *after = 0;
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    if (!rc && row) {
        first = db_col_int(st, 0);
        rc = db_step(st, older, e); /* one more row: there are entries before those n */
    }
    db_done(st);
    *after = first - 1;
    return rc;
}

int store_ledger_keys(store *s, store_hash_fn fn, void *ctx, isms_err *e)
{
    db_stmt *st;
    /* Byte order on both: SQLite's own (BINARY) reads the index by key;
     * PostgreSQL's default collation would not be bytes. */
    int rc = db_prep(s->db,
                     strcmp(db_kind(s->db), "sqlite")
                         ? "SELECT seq, key FROM ledger ORDER BY key COLLATE \"C\", seq"
                         : "SELECT seq, key FROM ledger ORDER BY key, seq",
                     &st, e);
    if (rc)
        return rc;
    return store_seq_text_rows(st, fn, ctx, e);
}

int store_ledger_at(store *s, const char *sql, int64_t seq, db_stmt **st, isms_err *e)
{
    int row, rc = prep1(s, sql, NULL, seq, st, e);
    if (rc)
        return rc;
    rc = db_step(*st, &row, e);
    if (!rc && !row)
        rc = err_set(e, E_NOT_FOUND, "seq", "no ledger entry #%lld", (long long)seq);
    if (rc)
        db_done(*st);
    return rc;
}

int store_ledger_get(store *s, int64_t seq, ledger_row *out, arena *a, isms_err *e)
{
    db_stmt *st;
    int rc = store_ledger_at(s, "SELECT " LEDGER_COLS " FROM ledger WHERE seq = ?", seq, &st, e);
    if (rc)
        return rc;
    ledger_row r;
    ledger_row_from(st, &r);
    *out = r;
    out->ts = arena_strdup(a, r.ts);
    out->actor = arena_strdup(a, r.actor);
    out->entity = arena_strdup(a, r.entity);
    out->key = arena_strdup(a, r.key);
    out->op = arena_strdup(a, r.op);
    out->data = arena_strdup(a, r.data);
    out->note = arena_strdup(a, r.note);
    out->prev_hash = arena_strdup(a, r.prev_hash);
    out->hash = arena_strdup(a, r.hash);
    db_done(st);
    return 0;
}
