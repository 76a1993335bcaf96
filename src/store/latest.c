/* latest.c: the latest analysis of each subject (0017_analysis_latest.sql),
 * kept as analyses are saved and the records they draw on are written, and
 * the dashboard's few reads of it, each from the front of an index. */
#include "store/store_internal.h"
#include "core/buf.h"

#include <stdio.h>
#include <string.h>

int store_keeps_latest(const store *s) { return s->version >= store_migration_version("0017_"); }

/* A score's band on an n x n matrix (risk_band: edges at 16 %, 36 % and
 * 64 % of n * n; whole numbers here, the same verdict at every edge). */
static void put_band(buf *b, const char *score, int n)
{
    buf_printf(b,
               "(CASE WHEN (%s) * 100 <= %d THEN 0 WHEN (%s) * 100 <= %d THEN 1 "
               "WHEN (%s) * 100 <= %d THEN 2 ELSE 3 END)",
               score, 16 * n * n, score, 36 * n * n, score, 64 * n * n);
}

/* 1 when analysis a's cell and risk r's residual cell (the inherent one
 * where not assessed) are more than one band apart (quant_cells_disagree),
 * else 0 (no risk, or no cell of its figures). */
static void put_disagrees(buf *b, int n)
{
    buf_puts(b, "(CASE WHEN r.id IS NULL OR a.likelihood IS NULL OR a.impact IS NULL THEN 0 "
                "WHEN ABS(");
    put_band(b, "a.likelihood * a.impact", n);
    buf_puts(b, " - ");
    put_band(b,
             "COALESCE(r.residual_likelihood, r.likelihood) * "
             "COALESCE(r.residual_impact, r.impact)",
             n);
    buf_puts(b, ") > 1 THEN 1 ELSE 0 END)");
}

/* Runs the statement built in b (freed), its one parameter `id` bound
 * when not 0. */
static int run_built(store *s, buf *b, int64_t id, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db, buf_str(b), &st, e);
    buf_reset(b);
    if (rc)
        return rc;
    if (id)
        db_bind_int(st, 1, id);
    return db_run(st, e);
}

/* INSERT ... SELECT of the rows of the analyses `where` picks (its one
 * parameter `id`, when not 0), written since they ran by nothing. */
static int fill(store *s, const char *where, int64_t id, int n, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "INSERT INTO analysis_latest (subject, kind, analysis, risk, outside, disagrees, "
                 "changed_at) SELECT a.subject, a.kind, a.id, r.id, "
                 "COALESCE(a.outside_appetite, 0), ");
    put_disagrees(&b, n);
    buf_printf(&b,
               ", NULL FROM analysis a LEFT JOIN risk r ON a.kind = 'risk' AND r.key = a.subject "
               "WHERE %s ON CONFLICT (subject) DO UPDATE SET kind = excluded.kind, "
               "analysis = excluded.analysis, risk = excluded.risk, "
               "outside = excluded.outside, disagrees = excluded.disagrees, "
               "changed_at = excluded.changed_at",
               where);
    return run_built(s, &b, id, e);
}

int store_latest_set(store *s, int64_t analysis, int n, isms_err *e)
{
    return fill(s, "a.id = ?", analysis, n, e);
}

int store_latest_rebuild(store *s, int n, isms_err *e)
{
    int rc = db_exec(s->db, "DELETE FROM analysis_latest", e);
    if (!rc)
        rc = fill(s,
                  "a.id IN (SELECT MAX(id) FROM analysis WHERE retired_at IS NULL "
                  "GROUP BY subject)",
                  0, n, e);
    return rc;
}

int store_latest_mark(store *s, const char *subject, const char *at, isms_err *e)
{
    db_stmt *st;
    int rc = db_prep(s->db, "UPDATE analysis_latest SET changed_at = ? WHERE subject = ?", &st, e);
    if (rc)
        return rc;
    db_bind_text(st, 1, at);
    db_bind_text(st, 2, subject);
    return db_run(st, e);
}

int store_latest_touch(store *s, const int64_t *risks, size_t n, const char *at, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "UPDATE analysis_latest SET changed_at = ?");
    if (risks) { /* and every analysis not of one risk: a portfolio's inputs are all */
        buf_puts(&b, " WHERE risk IS NULL");
        for (size_t k = 0; k < n; k++)
            buf_puts(&b, k ? ", ?" : " OR risk IN (?");
        buf_puts(&b, n ? ")" : "");
    }
    db_stmt *st;
    int rc = db_prep(s->db, buf_str(&b), &st, e);
    buf_reset(&b);
    if (rc)
        return rc;
    db_bind_text(st, 1, at);
    for (size_t k = 0; risks && k < n; k++)
        db_bind_int(st, (int)k + 2, risks[k]);
    return db_run(st, e);
}

int store_latest_cells(store *s, int64_t risk, int n, isms_err *e)
{
    buf b;
    buf_init(&b);
    buf_puts(&b, "UPDATE analysis_latest SET disagrees = (SELECT ");
    put_disagrees(&b, n);
    buf_puts(&b, " FROM analysis a LEFT JOIN risk r ON r.id = analysis_latest.risk "
                 "WHERE a.id = analysis_latest.analysis) WHERE ");
    buf_puts(&b, risk ? "risk = ?" : "risk IS NOT NULL");
    return run_built(s, &b, risk, e);
}

static int take_total(const char *name, int64_t n, void *ctx)
{
    (void)name;
    *(int64_t *)ctx = n;
    return 0;
}

/* An active risk with a FAIR input (dom_risk_quantified; 0014's terms). */
#define QUANTIFIED_RISK                                                                          \
    "r.retired_at IS NULL AND NOT (r.lef IS NULL AND r.tef IS NULL AND r.vulnerability IS NULL " \
    "AND r.threat_capability IS NULL AND r.resistance_strength IS NULL AND "                     \
    "r.primary_loss IS NULL AND r.secondary_probability IS NULL AND r.secondary_loss IS NULL)"

int store_latest_flagged(store *s, int disagrees, int64_t limit, store_tally_fn fn, void *ctx,
                         int64_t *total, isms_err *e)
{
    const char *flag = disagrees ? "l.disagrees = 1" : "l.outside = 1";
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT '', COUNT(*) FROM analysis_latest l JOIN risk r ON r.id = l.risk "
             "WHERE %s AND " QUANTIFIED_RISK,
             flag);
    *total = 0;
    int rc = store_text_int_rows(s, sql, NULL, 0, take_total, total, e);
    if (rc || !*total)
        return rc;
    snprintf(sql, sizeof sql,
             "SELECT r.key, r.id FROM analysis_latest l JOIN risk r ON r.id = l.risk "
             "WHERE %s AND " QUANTIFIED_RISK " ORDER BY l.risk LIMIT ?",
             flag);
    return store_text_int_rows(s, sql, NULL, limit, fn, ctx, e);
}

int store_latest_rows(store *s, int portfolios, store_tally_fn fn, void *ctx, isms_err *e)
{
    /* In the order of each subject's first analysis (the order a scan of
     * every analysis met them in), by index analysis_by_subject. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT a.key, a.id FROM analysis_latest l JOIN analysis a ON a.id = l.analysis "
             "WHERE %s ORDER BY (SELECT MIN(f.id) FROM analysis f WHERE f.subject = l.subject)",
             portfolios ? "l.kind <> 'risk'" : "l.changed_at IS NOT NULL");
    return store_text_int_rows(s, sql, NULL, 0, fn, ctx, e);
}
