/* assets.c: what each asset inherits along its dependencies, as the
 * domain keeps it (0031_asset_needs.sql; domain/registers/asset_needs.c
 * decides the values, this file only reads and writes them), and the
 * dependencies read one asset at a time. */
#include "store/store_internal.h"
#include "core/buf.h"

#include <stdio.h>
#include <string.h>

int store_keeps_asset_needs(const store *s)
{
    return s->version >= store_migration_version("0031_");
}

#define ASSET_COLUMNS                                                                       \
    "a.id, a.confidentiality, a.integrity, a.availability, a.critical_function, "           \
    "a.inherited_c, a.inherited_i, a.inherited_a, a.inherited_from_c, a.inherited_from_i, " \
    "a.inherited_from_a, a.critical_inherited, a.retired_at"

static void take_row(db_stmt *st, store_asset_row *r)
{
    memset(r, 0, sizeof *r);
    r->id = db_col_int(st, 0);
    for (int k = 0; k < 3; k++) {
        const char *level = db_col_text(st, 1 + k);
        snprintf(r->stated[k], sizeof r->stated[k], "%s", level ? level : "");
        r->inherited[k] = db_col_null(st, 5 + k) ? -1 : (int)db_col_int(st, 5 + k);
        r->source[k] = db_col_null(st, 8 + k) ? 0 : db_col_int(st, 8 + k);
    }
    r->critical = !db_col_null(st, 4) && db_col_int(st, 4);
    r->critical_inherited = (int)db_col_int(st, 11);
    r->retired = !db_col_null(st, 12);
}

/* Each row of `sql` (its one parameter `id`) to fn. */
static int rows(store *s, const char *sql, int64_t id, int many, store_asset_fn fn, void *ctx,
                isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    if (many)
        db_many_rows(st);
    db_bind_int(st, 1, id);
    while (!(rc = db_step(st, &row, e)) && row) {
        store_asset_row r;
        take_row(st, &r);
        if ((rc = fn(&r, ctx)) != 0)
            break;
    }
    db_done(st);
    return rc;
}

static int take_one(const store_asset_row *r, void *ctx)
{
    *(store_asset_row *)ctx = *r;
    return 0;
}

int store_asset_get(store *s, int64_t id, store_asset_row *out, isms_err *e)
{
    out->id = 0;
    int rc =
        rows(s, "SELECT " ASSET_COLUMNS " FROM asset a WHERE a.id = ?", id, 0, take_one, out, e);
    if (!rc && out->id != id)
        rc = err_set(e, E_NOT_FOUND, "asset", "there is no asset #%lld", (long long)id);
    return rc;
}

int store_asset_dependents(store *s, int64_t id, store_asset_fn fn, void *ctx, isms_err *e)
{
    return rows(s,
                "SELECT " ASSET_COLUMNS " FROM asset_dependency d JOIN asset a ON a.id = d.asset "
                "WHERE d.depends_on = ? AND a.retired_at IS NULL ORDER BY a.id",
                id, 0, fn, ctx, e);
}

/* Ids in one statement's IN list: a wide level is read a part at a time. */
enum { EDGE_IDS_PER_STATEMENT = 500 };

static int edges_of(store *s, const int64_t *ids, size_t n, store_edge_fn fn, void *ctx,
                    isms_err *e)
{
    /* one asset (a chain's level): one statement kept prepared; more: a
     * text of their own, prepared for its one use */
    buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT asset, depends_on FROM asset_dependency WHERE asset ");
    if (n == 1)
        buf_puts(&b, "= ?");
    for (size_t k = 0; n > 1 && k < n; k++)
        buf_printf(&b, "%s%lld", k ? ", " : "IN (", (long long)ids[k]);
    buf_puts(&b, n > 1 ? ") ORDER BY asset, depends_on" : " ORDER BY depends_on");
    db_stmt *st;
    int row,
        rc = n > 1 ? db_prep_once(s->db, buf_str(&b), &st, e) : db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    if (n == 1)
        db_bind_int(st, 1, ids[0]);
    while (!(rc = db_step(st, &row, e)) && row)
        if ((rc = fn(db_col_int(st, 0), db_col_int(st, 1), ctx)) != 0)
            break;
    db_done(st);
    return rc;
}

int store_asset_depends(store *s, const int64_t *ids, size_t n, store_edge_fn fn, void *ctx,
                        isms_err *e)
{
    int rc = 0;
    for (size_t at = 0; at < n && !rc; at += EDGE_IDS_PER_STATEMENT)
        rc =
            edges_of(s, ids + at, n - at < EDGE_IDS_PER_STATEMENT ? n - at : EDGE_IDS_PER_STATEMENT,
                     fn, ctx, e);
    return rc;
}

int store_asset_reaches(store *s, int64_t from, int64_t to, int *yes, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db,
                          "WITH RECURSIVE below(id) AS (SELECT CAST(? AS BIGINT) UNION "
                          "SELECT d.depends_on FROM asset_dependency d JOIN below w ON "
                          "d.asset = w.id WHERE w.id <> ?) SELECT COUNT(*) FROM below WHERE id = ?",
                          &st, e);
    if (rc)
        return rc;
    db_bind_int(st, 1, from);
    db_bind_int(st, 2, to);
    db_bind_int(st, 3, to);
    rc = db_step(st, &row, e);
    *yes = !rc && row && db_col_int(st, 0) > 0;
    db_done(st);
    return rc;
}

int store_asset_inherit(store *s, int64_t id, const int inherited[3], const int64_t source[3],
                        int critical_inherited, isms_err *e)
{
    db_stmt *st;
    int row, rc = db_prep(s->db,
                          "UPDATE asset SET inherited_c = ?, inherited_i = ?, inherited_a = ?, "
                          "inherited_from_c = ?, inherited_from_i = ?, inherited_from_a = ?, "
                          "critical_inherited = ? WHERE id = ?",
                          &st, e);
    if (rc)
        return rc;
    for (int k = 0; k < 3; k++) {
        if (inherited[k] < 0)
            db_bind_null(st, 1 + k);
        else
            db_bind_int(st, 1 + k, inherited[k]);
        if (source[k])
            db_bind_int(st, 4 + k, source[k]);
        else
            db_bind_null(st, 4 + k);
    }
    db_bind_int(st, 7, critical_inherited);
    db_bind_int(st, 8, id);
    rc = db_step(st, &row, e);
    db_done(st);
    return rc;
}

int store_assets_kept(store *s, store_asset_fn fn, void *ctx, isms_err *e)
{
    return rows(s, "SELECT " ASSET_COLUMNS " FROM asset a WHERE a.id > ? ORDER BY a.id", 0, 1, fn,
                ctx, e);
}

/* A stated level as a number, as the domain reads it (none: normal). */
#define LEVEL(col) "(CASE " col " WHEN 'high' THEN 1 WHEN 'very-high' THEN 2 ELSE 0 END)"

int store_assets_raised(store *s, int64_t *n, isms_err *e)
{
    *n = 0;
    db_stmt *st;
    int row,
        rc = db_prep(s->db,
                     "SELECT COUNT(*) FROM asset WHERE retired_at IS NULL AND ("
                     "COALESCE(inherited_c, -1) > " LEVEL(
                         "confidentiality") " OR "
                                            "COALESCE(inherited_i, -1) > " LEVEL(
                                                "integrity") " OR "
                                                             "COALESCE(inherited_a, -1) > " LEVEL(
                                                                 "availability") ")",
                     &st, e);
    if (rc)
        return rc;
    rc = db_step(st, &row, e);
    if (!rc && row)
        *n = db_col_int(st, 0);
    db_done(st);
    return rc;
}
