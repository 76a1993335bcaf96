/* latest.c: the latest analysis of each subject (0017_analysis_latest.sql),
 * kept as analyses are saved and the records they draw on are written, and
 * the dashboard's few reads of it, each from the front of an index. */
#include "store/store_internal.h"
#include "core/buf.h"

#include <stdio.h>
#include <string.h>

int store_keeps_latest(const store *s) { return s->version >= store_migration_version("0017_"); }

int store_keeps_latest_figures(const store *s)
{
    return s->version >= store_migration_version("0018_");
}

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

static int take_total(const char *name, int64_t n, void *ctx)
{
    (void)name;
    *(int64_t *)ctx = n;
    return 0;
}

/* An active risk with a FAIR input (dom_risk_quantified; 0014's terms). */
#define QUANTIFIED_RISK "r.retired_at IS NULL AND " HAS_FAIR_INPUTS("r")

/* The analyses written since they ran (changed_at set) are counted in the
 * tally 'analysis.stale' (0018), moved here by every write of changed_at,
 * in the writer's transaction. A risk's analysis is marked only while the
 * risk is quantified and active (its mark is taken away when it retires:
 * an orphan is no one's concern), so the count needs no join. */
static int stale_moved(store *s, int64_t n, isms_err *e)
{
    store_tally t = { STORE_STALE_TALLY, n };
    return n && store_keeps_latest_figures(s) ? store_tally_add(s, &t, 1, e) : 0;
}

/* The number `sql` counts ("SELECT '', COUNT(*) ..."), its one integer
 * parameter `id` bound when not 0. */
static int count_of(store *s, const char *sql, int64_t id, int64_t *n, isms_err *e)
{
    *n = 0;
    return store_text_int_rows(s, sql, NULL, id, take_total, n, e);
}

/* ---- the flagged latest analyses, counted (0030) ----
 *
 * The tallies STORE_OUTSIDE_TALLY and STORE_DISAGREES_TALLY count the
 * latest analyses of active risks with a FAIR input that are outside
 * appetite and whose cell disagrees with the risk's. Each write that
 * changes such rows counts them before and after, among the rows it
 * changes only (one subject's, one risk's; every row only where every row
 * is written again), and moves the tallies by the difference. */

int store_keeps_flagged(const store *s) { return s->version >= store_migration_version("0030_"); }

#define EVERY_ROW "l.risk IS NOT NULL"

/* Of the rows `where` picks (its one parameter `id`, when not 0): how many
 * of those counted are flagged; with `all`, of every such row whatever
 * its risk's standing. */
static int flagged_rows(store *s, const char *where, int64_t id, int all, store_flagged *out,
                        isms_err *e)
{
    *out = (store_flagged){ 0 };
    if (!store_keeps_flagged(s))
        return 0;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT COALESCE(SUM(l.outside), 0), COALESCE(SUM(l.disagrees), 0) "
             "FROM analysis_latest l JOIN risk r ON r.id = l.risk "
             "WHERE (l.outside = 1 OR l.disagrees = 1) AND %s AND (%s)",
             where, all ? "1 = 1" : QUANTIFIED_RISK);
    db_stmt *st;
    int row, rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    if (id)
        db_bind_int(st, 1, id);
    rc = db_step(st, &row, e);
    if (!rc && row)
        *out = (store_flagged){ db_col_int(st, 0), db_col_int(st, 1) };
    db_done(st);
    return rc;
}

static int flagged_among(store *s, const char *where, int64_t id, store_flagged *out, isms_err *e)
{
    return flagged_rows(s, where, id, 0, out, e);
}

static int flagged_moved(store *s, const store_flagged *was, const store_flagged *now, isms_err *e)
{
    store_tally t[2];
    size_t n = 0;
    if (now->outside != was->outside)
        t[n++] = (store_tally){ STORE_OUTSIDE_TALLY, now->outside - was->outside };
    if (now->disagrees != was->disagrees)
        t[n++] = (store_tally){ STORE_DISAGREES_TALLY, now->disagrees - was->disagrees };
    return n ? store_tally_add(s, t, n, e) : 0;
}

int store_latest_flagged_count(store *s, store_flagged *n, isms_err *e)
{
    return flagged_among(s, EVERY_ROW, 0, n, e);
}

int store_latest_standing(store *s, int64_t risk, int was, int now, isms_err *e)
{
    store_flagged rows, none = { 0 };
    if (was == now)
        return 0;
    int rc = flagged_rows(s, "l.risk = ?", risk, 1, &rows, e);
    if (rc)
        return rc;
    return now ? flagged_moved(s, &none, &rows, e) : flagged_moved(s, &rows, &none, e);
}

/* INSERT ... SELECT of the rows of the analyses `where` picks (its one
 * parameter `id`, when not 0), written since they ran by nothing. */
static int fill(store *s, const char *where, int64_t id, int n, isms_err *e)
{
    buf b;
    buf_init(&b);
    int money = store_keeps_latest_figures(s);
    buf_printf(&b,
               "INSERT INTO analysis_latest (subject, kind, analysis, risk, outside, disagrees, "
               "changed_at%s) SELECT a.subject, a.kind, a.id, r.id, "
               "COALESCE(a.outside_appetite, 0), ",
               money ? ", p95" : "");
    put_disagrees(&b, n);
    buf_printf(&b,
               ", NULL%s FROM analysis a LEFT JOIN risk r ON a.kind = 'risk' AND r.key = a.subject "
               "WHERE %s ON CONFLICT (subject) DO UPDATE SET kind = excluded.kind, "
               "analysis = excluded.analysis, risk = excluded.risk, "
               "outside = excluded.outside, disagrees = excluded.disagrees, "
               "changed_at = excluded.changed_at%s",
               money ? ", a.p95_loss" : "", where, money ? ", p95 = excluded.p95" : "");
    return run_built(s, &b, id, e);
}

int store_latest_set(store *s, int64_t analysis, int n, isms_err *e)
{
    static const char subject[] = "l.subject = (SELECT subject FROM analysis WHERE id = ?)";
    int64_t was; /* its subject's row marked: the new analysis is current */
    store_flagged before, after;
    int rc = count_of(s,
                      "SELECT '', COUNT(*) FROM analysis_latest WHERE changed_at IS NOT NULL AND "
                      "subject = (SELECT subject FROM analysis WHERE id = ?)",
                      analysis, &was, e);
    if (!rc)
        rc = flagged_among(s, subject, analysis, &before, e);
    if (!rc)
        rc = fill(s, "a.id = ?", analysis, n, e);
    if (!rc)
        rc = flagged_among(s, subject, analysis, &after, e);
    if (!rc)
        rc = flagged_moved(s, &before, &after, e);
    return rc ? rc : stale_moved(s, -was, e);
}

int store_latest_rebuild(store *s, int n, isms_err *e)
{
    int64_t was;
    store_flagged before, after;
    int rc = count_of(s, "SELECT '', COUNT(*) FROM analysis_latest WHERE changed_at IS NOT NULL", 0,
                      &was, e);
    if (!rc)
        rc = stale_moved(s, -was, e);
    if (!rc)
        rc = flagged_among(s, EVERY_ROW, 0, &before, e);
    if (!rc)
        rc = db_exec(s->db, "DELETE FROM analysis_latest", e);
    if (!rc)
        rc = fill(s,
                  "a.id IN (SELECT MAX(id) FROM analysis WHERE retired_at IS NULL "
                  "GROUP BY subject)",
                  0, n, e);
    if (!rc)
        rc = flagged_among(s, EVERY_ROW, 0, &after, e);
    return rc ? rc : flagged_moved(s, &before, &after, e);
}

int store_latest_mark(store *s, const char *subject, const char *at, isms_err *e)
{
    int64_t was = -1; /* -1: no row, nothing to mark */
    int rc = store_text_int_rows(s,
                                 "SELECT '', CASE WHEN changed_at IS NULL THEN 0 ELSE 1 END "
                                 "FROM analysis_latest WHERE subject = ?",
                                 subject, 0, take_total, &was, e);
    if (rc || was < 0)
        return rc;
    db_stmt *st;
    rc = db_prep(s->db, "UPDATE analysis_latest SET changed_at = ? WHERE subject = ?", &st, e);
    if (rc)
        return rc;
    db_bind_text(st, 1, at);
    db_bind_text(st, 2, subject);
    rc = db_run(st, e);
    return rc ? rc : stale_moved(s, (at != NULL) - was, e);
}

/* The rows a touch marks (store_latest_touch). */
static const char *touched(int every)
{
    return every ? "(kind <> 'risk' OR risk IN (SELECT r.id FROM risk r WHERE " QUANTIFIED_RISK "))"
                 : "kind <> 'risk'";
}

/* Marks the rows `where` picks (its one parameter `id`, when not 0) that
 * were not, and those that were, again at `at`; the tally follows. */
static int mark_where(store *s, const char *where, int64_t id, const char *at, isms_err *e)
{
    char sql[1536];
    int64_t newly;
    snprintf(sql, sizeof sql,
             "SELECT '', COUNT(*) FROM analysis_latest WHERE changed_at IS NULL AND %s", where);
    int rc = count_of(s, sql, id, &newly, e);
    if (rc)
        return rc;
    snprintf(sql, sizeof sql, "UPDATE analysis_latest SET changed_at = ? WHERE %s", where);
    db_stmt *st;
    rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    db_bind_text(st, 1, at);
    if (id)
        db_bind_int(st, 2, id);
    rc = db_run(st, e);
    return rc ? rc : stale_moved(s, newly, e);
}

int store_latest_touch(store *s, int every, const char *at, isms_err *e)
{
    return mark_where(s, touched(every), 0, at, e);
}

int store_latest_retouch_control(store *s, int64_t control, int64_t members, const char *at,
                                 isms_err *e)
{
    /* From the smaller side: the control's links probing the analyses, or
     * the marked analyses probing its links; the marked are counted only
     * as far as `members` (past it, the links are fewer). Only marked rows
     * are written: the count of the stale does not move. */
    char sql[512];
    int64_t marked;
    snprintf(sql, sizeof sql,
             "SELECT '', COUNT(*) FROM (SELECT 1 FROM analysis_latest WHERE changed_at IS NOT "
             "NULL LIMIT %lld) m",
             (long long)members);
    int rc = count_of(s, sql, 0, &marked, e);
    if (rc || !marked)
        return rc;
    snprintf(sql, sizeof sql,
             "UPDATE analysis_latest SET changed_at = ? WHERE kind = 'risk' AND "
             "changed_at IS NOT NULL AND %s",
             marked < members
                 ? "EXISTS (SELECT 1 FROM control_risk cr WHERE cr.control = ? AND "
                   "cr.risk = analysis_latest.risk)"
                 : "risk IN (SELECT cr.risk FROM control_risk cr WHERE cr.control = ?)");
    db_stmt *st;
    rc = db_prep(s->db, sql, &st, e);
    if (rc)
        return rc;
    db_bind_text(st, 1, at);
    db_bind_int(st, 2, control);
    return db_run(st, e);
}

int store_latest_touch_objective(store *s, int64_t objective, const char *at, isms_err *e)
{
    /* Objective #objective's risks; the organisation's (0): the risks none
     * of whose objectives has an approved appetite of its own. */
    char where[1024];
    if (objective)
        snprintf(where, sizeof where,
                 "(kind <> 'risk' OR risk IN (SELECT r.id FROM risk_objective ro JOIN risk r ON "
                 "r.id = ro.risk WHERE ro.objective = ? AND " QUANTIFIED_RISK "))");
    else
        snprintf(where, sizeof where,
                 "(kind <> 'risk' OR risk IN (SELECT r.id FROM risk r WHERE " QUANTIFIED_RISK
                 " AND NOT EXISTS (SELECT 1 FROM risk_objective ro JOIN appetite ap ON "
                 "ap.objective = ro.objective WHERE ro.risk = r.id AND ap.status = 'approved' "
                 "AND ap.retired_at IS NULL)))");
    return mark_where(s, where, objective, at, e);
}

int store_latest_stale(store *s, int64_t *n, isms_err *e)
{
    return count_of(s, "SELECT '', COUNT(*) FROM analysis_latest WHERE changed_at IS NOT NULL", 0,
                    n, e);
}

int store_latest_cells(store *s, int64_t risk, int n, isms_err *e)
{
    const char *where = risk ? "l.risk = ?" : EVERY_ROW;
    store_flagged before, after;
    int rc = flagged_among(s, where, risk, &before, e);
    if (rc)
        return rc;
    buf b;
    buf_init(&b);
    buf_puts(&b, "UPDATE analysis_latest SET disagrees = (SELECT ");
    put_disagrees(&b, n);
    buf_puts(&b, " FROM analysis a LEFT JOIN risk r ON r.id = analysis_latest.risk "
                 "WHERE a.id = analysis_latest.analysis) WHERE ");
    buf_puts(&b, risk ? "risk = ?" : "risk IS NOT NULL");
    rc = run_built(s, &b, risk, e);
    if (!rc)
        rc = flagged_among(s, where, risk, &after, e);
    return rc ? rc : flagged_moved(s, &before, &after, e);
}

int store_latest_flagged(store *s, int disagrees, const store_page *at, store_tally_fn fn,
                         void *ctx, int64_t *total, isms_err *e)
{
    const char *flag = disagrees ? "l.disagrees = 1" : "l.outside = 1";
    const char *name = disagrees ? STORE_DISAGREES_TALLY : STORE_OUTSIDE_TALLY;
    char sql[1024];
    int rc = E_RETRY; /* counted where not kept, or kept but not yet written */
    if (store_keeps_flagged(s)) {
        isms_err why = { 0 };
        rc = store_tally_sum(s, &name, 1, total, &why);
        if (rc && rc != E_RETRY)
            return err_set(e, why.code, why.field, "%s", why.msg);
    }
    if (rc) {
        snprintf(sql, sizeof sql,
                 "SELECT '', COUNT(*) FROM analysis_latest l JOIN risk r ON r.id = l.risk "
                 "WHERE %s AND " QUANTIFIED_RISK,
                 flag);
        *total = 0;
        rc = store_text_int_rows(s, sql, NULL, 0, take_total, total, e);
    }
    if (rc || !*total)
        return rc;
    snprintf(sql, sizeof sql,
             "SELECT r.key, r.id FROM analysis_latest l JOIN risk r ON r.id = l.risk "
             "WHERE %s AND " QUANTIFIED_RISK,
             flag);
    return store_page_rows(s, sql, "l.risk", at, fn, ctx, e);
}

typedef struct pairs {
    store_latest_fn fn;
    void *ctx;
} pairs;

static int to_pair(const char *changed_at, int64_t analysis, void *ctx)
{
    const pairs *p = ctx;
    return p->fn(analysis, changed_at, p->ctx);
}

/* Rows (changed_at, analysis id) of `sql`, its one integer parameter
 * `param` (none when 0). */
static int latest_pairs(store *s, const char *sql, int64_t param, store_latest_fn fn, void *ctx,
                        isms_err *e)
{
    pairs p = { fn, ctx };
    return store_text_int_rows(s, sql, NULL, param, to_pair, &p, e);
}

int store_latest_portfolios(store *s, store_latest_fn fn, void *ctx, isms_err *e)
{
    /* In the order of each subject's first analysis (the order a scan of
     * every analysis met them in), by index analysis_by_subject: a few
     * rows, one per kind of run and subject. */
    return latest_pairs(s,
                        "SELECT l.changed_at, l.analysis FROM analysis_latest l "
                        "WHERE l.kind <> 'risk' ORDER BY (SELECT MIN(f.id) FROM analysis f "
                        "WHERE f.subject = l.subject)",
                        0, fn, ctx, e);
}

int store_latest_written(store *s, int64_t limit, store_latest_fn fn, void *ctx, isms_err *e)
{
    return latest_pairs(s,
                        "SELECT changed_at, analysis FROM analysis_latest "
                        "WHERE changed_at IS NOT NULL ORDER BY analysis LIMIT ?",
                        limit, fn, ctx, e);
}

int store_latest_top(store *s, int64_t limit, store_latest_fn fn, void *ctx, isms_err *e)
{
    /* The front of analysis_latest_by_p95, each row's risk by its key:
     * the rows read are those shown, and the few of risks since retired
     * or no longer quantified (their analysis is no one's latest). */
    return latest_pairs(s,
                        "SELECT l.changed_at, l.analysis FROM analysis_latest l "
                        "JOIN risk r ON r.id = l.risk WHERE l.kind = 'risk' AND "
                        "l.p95 IS NOT NULL AND " QUANTIFIED_RISK " ORDER BY l.p95 DESC, l.risk "
                        "LIMIT ?",
                        limit, fn, ctx, e);
}

int store_latest_of_risk(store *s, int64_t risk, store_latest_fn fn, void *ctx, isms_err *e)
{
    return latest_pairs(s,
                        "SELECT changed_at, analysis FROM analysis_latest "
                        "WHERE risk = ? AND kind = 'risk'",
                        risk, fn, ctx, e);
}

int store_latest_of_risks(store *s, int64_t from, int64_t to, store_latest_risk_fn fn, void *ctx,
                          isms_err *e)
{
    return store_range_rows(s,
                            "SELECT risk, analysis, changed_at FROM analysis_latest "
                            "WHERE risk BETWEEN ? AND ? AND kind = 'risk' ORDER BY risk",
                            from, to, fn, ctx, e);
}

int store_latest_risk_ids(store *s, store_tally_fn fn, void *ctx, isms_err *e)
{
    return store_text_int_rows(s,
                               "SELECT '', risk FROM analysis_latest "
                               "WHERE kind = 'risk' AND risk IS NOT NULL ORDER BY risk",
                               NULL, 0, fn, ctx, e);
}
