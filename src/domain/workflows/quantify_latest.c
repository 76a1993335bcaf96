/* quantify_latest.c: the latest analysis of each subject, kept by the store
 * (0017_analysis_latest.sql, 0018_latest_money.sql) as analyses are saved
 * and the records their inputs come from are written, so that the
 * dashboard reads only the analyses it shows: the first few written since
 * they ran (how many: a tally), the portfolios, the top risks in money.
 *
 * What "stale" means here: a risk's analysis is marked when a write moves
 * its inputs (its risk, a control treating it, an approved appetite of its
 * objectives, the organisation's currency), and the write judges it then
 * as quant_check_of judges it, by that risk's own model and hash
 * (dom_latest_rejudge): marked with the judge's "since" when its hash
 * moved, unmarked when the inputs are back where it ran, unmarked for good
 * when the risk retires or loses its FAIR inputs. So a page reads the mark
 * and judges nothing: the same verdict and "since" as hashing the whole
 * model, at the cost of the write's own risks. A portfolio's (or a return
 * on controls') inputs are every risk's: it is stale when any record they
 * come from was written after it ran, without hashing the whole model
 * again. That is a false "stale" only when the writes left every input as
 * it was (a title, a description, a value set back); its "since" is the
 * latest change to a risk, control or appetite after it ran, as before. */
#include "domain/workflows/quantify_impl.h"
#include "domain/registers/registers.h"
#include "core/xalloc.h"
#include "formats/json.h"

#include <stdlib.h>
#include <string.h>

static const char *later(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

/* ---- the dashboard's: the analyses written since they ran, the portfolios ---- */

/* What keep_shown copies the one analysis read into. */
typedef struct shown {
    dom *d;
    quant_latest *q;
    int found;
} shown;

/* Every field of an analysis but its inputs (a portfolio's name every
 * risk and control: what the dashboard would read in the model's size). */
static const int shown_fields[] = { F_ANALYSIS_SUBJECT,    F_ANALYSIS_KIND,
                                    F_ANALYSIS_ITERATIONS, F_ANALYSIS_SEED,
                                    F_ANALYSIS_ENGINE,     F_ANALYSIS_MEAN_LOSS,
                                    F_ANALYSIS_P95_LOSS,   F_ANALYSIS_OUTSIDE_APPETITE,
                                    F_ANALYSIS_RESULTS,    F_ANALYSIS_INPUTS_HASH,
                                    F_ANALYSIS_VERDICT,    F_ANALYSIS_MARGIN,
                                    F_ANALYSIS_LIKELIHOOD, F_ANALYSIS_IMPACT };

static int keep_shown(const record *r, void *ctx)
{
    shown *s = ctx;
    record *copy = arena_alloc(dom_arena(s->d), sizeof *copy);
    record_copy(copy, r, dom_arena(s->d));
    quant_latest_fill(s->q, copy);
    s->found = 1;
    return 0;
}

/* Analysis #id, but its inputs (q->inputs NULL), by key and index. */
static int read_shown(dom *d, int64_t id, quant_latest *q, isms_err *e)
{
    shown s = { d, q, 0 };
    store_query by_id = { .ids = &id,
                          .nids = 1,
                          .fields = shown_fields,
                          .nfields = (int)(sizeof shown_fields / sizeof *shown_fields) };
    int rc = store_scan(dom_store(d), &reg_analysis, &by_id, keep_shown, &s, e);
    if (!rc && !s.found)
        rc = err_set(e, E_NOT_FOUND, NULL, "analysis #%lld: not found", (long long)id);
    return rc;
}

/* The latest change to a risk, control or appetite at or after `after`
 * (what a portfolio's "since" has always named), or NULL. */
static int since_portfolio(dom *d, const char *after, const char **since, isms_err *e)
{
    const regdef *regs[] = { &reg_risk, &reg_control, &reg_appetite };
    *since = NULL;
    for (size_t k = 0; k < 3; k++) {
        char *at;
        int rc = store_last_change(dom_store(d), regs[k], &at, dom_arena(d), e);
        if (rc)
            return rc;
        if (at && strcmp(at, after) >= 0)
            *since = later(*since, at);
    }
    return 0;
}

/* An analysis written since it ran, judged at the cost of its own inputs. */
static int judge(dom *d, const record *a, quant_freshness *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    const char *kind = record_text(a, F_ANALYSIS_KIND);
    record risk;
    if (kind && !strcmp(kind, "risk") &&
        dom_get(d, &reg_risk, record_text(a, F_ANALYSIS_SUBJECT), &risk, NULL) == 0) {
        quant_check *c = NULL;
        int rc = quant_check_open(d, &risk, &c, e);
        if (!rc)
            rc = quant_check_analysis(c, a, out, e);
        quant_check_free(c);
        return rc;
    }
    if (!record_text(a, F_ANALYSIS_INPUTS_HASH)) {
        out->unknown = 1;
        return 0;
    }
    out->stale = 1;
    out->orphan = kind && !strcmp(kind, "risk"); /* its risk is retired */
    return since_portfolio(d, a->created_at, &out->since, e);
}

/* An analysis with its inputs' hash, after which nothing it depends on
 * changed, is current (what judging it would find, without a model); a
 * change in the same second counts. */
static int unchanged_since(const record *a, const char *last)
{
    return record_text(a, F_ANALYSIS_INPUTS_HASH) && (!last || strcmp(last, a->created_at) < 0);
}

/* Analysis #id among the latest kept (store_latest_portfolios): whether it
 * is there, and marked written since it ran. */
typedef struct kept_mark {
    int64_t id;
    int kept, written;
} kept_mark;

static int note_mark(int64_t analysis, const char *changed_at, void *ctx)
{
    kept_mark *m = ctx;
    if (analysis == m->id) {
        m->kept = 1;
        m->written = changed_at != NULL;
    }
    return 0;
}

int quant_check_of(dom *d, const char *last, const record *a, quant_freshness *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    if (unchanged_since(a, last))
        return 0;
    const char *kind = record_text(a, F_ANALYSIS_KIND);
    if ((kind && !strcmp(kind, "risk")) || !record_text(a, F_ANALYSIS_INPUTS_HASH) ||
        !store_keeps_latest(dom_store(d)))
        return judge(d, a, out, e);
    /* A portfolio or a return on controls: its subject's latest is judged
     * as the dashboard judges it, by its kept mark; one superseded is
     * stale once a risk, control or appetite was written after it ran. */
    kept_mark m = { .id = a->id };
    int rc = store_latest_portfolios(dom_store(d), note_mark, &m, e);
    if (rc || (m.kept && !m.written))
        return rc;
    rc = judge(d, a, out, e);
    if (!rc && !m.kept)
        out->stale = out->since != NULL;
    return rc;
}

/* ---- one risk's, and the risks' largest in money ---- */

typedef struct id_list {
    int64_t *ids;
    unsigned char *changed;
    size_t n;
} id_list;

static void id_list_push(id_list *l, int64_t id, int changed)
{
    l->ids = xrealloc(l->ids, (l->n + 1) * sizeof *l->ids);
    l->changed = xrealloc(l->changed, l->n + 1);
    l->ids[l->n] = id;
    l->changed[l->n++] = (unsigned char)changed;
}

static int note_id(int64_t analysis, const char *changed_at, void *ctx)
{
    id_list_push(ctx, analysis, changed_at != NULL);
    return 0;
}

/* Each of l's analyses read into rows, and judged when written since. */
static int read_listed(dom *d, const id_list *l, quant_latest *rows, isms_err *e)
{
    int rc = 0;
    for (size_t k = 0; k < l->n && !rc; k++) {
        rc = read_shown(d, l->ids[k], &rows[k], e);
        if (!rc && l->changed[k])
            rc = judge(d, rows[k].rec, &rows[k].fresh, e);
    }
    return rc;
}

static void id_list_free(id_list *l)
{
    free(l->ids);
    free(l->changed);
}

int dom_latest_kept_read(dom *d, const record *r, int64_t analysis, int written, quant_latest *out,
                         isms_err *e)
{
    int rc = read_shown(d, analysis, out, e);
    if (!rc && written)
        rc = judge(d, out->rec, &out->fresh, e);
    if (!rc && (r->retired_at || !dom_risk_quantified(r))) /* unmarked: no one's concern */
        out->fresh = (quant_freshness){ .stale = 1, .orphan = 1 };
    return rc;
}

static int by_p95(const void *a, const void *b)
{
    const quant_latest *x = a, *y = b;
    int64_t px = record_int(x->rec, F_ANALYSIS_P95_LOSS),
            py = record_int(y->rec, F_ANALYSIS_P95_LOSS);
    return (px < py) - (px > py);
}

/* Without the kept figure: every latest analysis, the risks' sorted. */
static int top_of_all(dom *d, size_t limit, quant_latest **rows, size_t *n, isms_err *e)
{
    const quant_latest *all;
    size_t nall, m = 0;
    int rc = dom_latest_analyses_kept(d, &all, &nall, e);
    if (rc)
        return rc;
    quant_latest *risks = arena_alloc(dom_arena(d), sizeof *risks * (nall + 1));
    for (size_t k = 0; k < nall; k++)
        if (!strcmp(all[k].kind, "risk") && !all[k].fresh.orphan)
            risks[m++] = all[k];
    if (m > 1)
        qsort(risks, m, sizeof *risks, by_p95);
    *rows = risks;
    *n = m < limit ? m : limit;
    return 0;
}

int dom_latest_top_money(dom *d, size_t limit, quant_latest **rows, size_t *n, isms_err *e)
{
    *rows = NULL;
    *n = 0;
    if (!store_keeps_latest_figures(dom_store(d)))
        return top_of_all(d, limit, rows, n, e);
    id_list l = { 0 };
    int rc = store_latest_top(dom_store(d), (int64_t)limit, note_id, &l, e);
    *rows = arena_alloc(dom_arena(d), sizeof **rows * (l.n + 1));
    if (!rc)
        rc = read_listed(d, &l, *rows, e);
    *n = rc ? 0 : l.n;
    id_list_free(&l);
    return rc;
}

/* Analysis #id written since it ran (at changed_at): a risk's is stale
 * since then, its marks made only by writes that moved its inputs
 * (domain/registers/analyses_kept.c); any other's judged (a few reads). */
static int read_written(dom *d, int64_t id, const char *changed_at, quant_latest *q, isms_err *e)
{
    int rc = read_shown(d, id, q, e);
    if (rc)
        return rc;
    if (q->kind && strcmp(q->kind, "risk"))
        return judge(d, q->rec, &q->fresh, e);
    q->fresh.stale = 1;
    q->fresh.since = arena_strdup(dom_arena(d), changed_at);
    return 0;
}

typedef struct written_list {
    dom *d;
    quant_latest *rows;
    size_t n;
    isms_err *e;
} written_list;

static int note_written(int64_t analysis, const char *changed_at, void *ctx)
{
    written_list *w = ctx;
    return read_written(w->d, analysis, changed_at, &w->rows[w->n++], w->e);
}

/* The latest portfolio and return on controls of each subject, from the
 * rows the store keeps (see dom_latest_dashboard). */
static int latest_portfolios(dom *d, quant_latest **out, size_t *n, isms_err *e)
{
    id_list p = { 0 };
    int rc = store_latest_portfolios(dom_store(d), note_id, &p, e);
    *out = arena_alloc(dom_arena(d), sizeof **out * (p.n + 1));
    if (!rc)
        rc = read_listed(d, &p, *out, e);
    *n = rc ? 0 : p.n;
    id_list_free(&p);
    return rc;
}

int dom_latest_dashboard(dom *d, size_t limit, quant_latest **written, size_t *nwritten,
                         quant_latest **portfolios, size_t *nportfolios, isms_err *e)
{
    written_list w = { d, arena_alloc(dom_arena(d), sizeof *w.rows * (limit + 1)), 0, e };
    *nportfolios = 0;
    int rc = limit ? store_latest_written(dom_store(d), (int64_t)limit, note_written, &w, e) : 0;
    if (!rc)
        rc = latest_portfolios(d, portfolios, nportfolios, e);
    *written = w.rows;
    *nwritten = rc ? 0 : w.n;
    return rc;
}

int quant_is_objective_portfolio(const quant_latest *l)
{
    return !strcmp(l->kind, "portfolio") && strstr(l->subject, "objective");
}

int dom_latest_objective_portfolio(dom *d, const quant_latest **out, isms_err *e)
{
    *out = NULL;
    const quant_latest *all = NULL;
    quant_latest *kept;
    size_t n = 0;
    int keeps = store_keeps_latest(dom_store(d));
    int rc = keeps ? latest_portfolios(d, &kept, &n, e) : dom_latest_analyses_kept(d, &all, &n, e);
    if (!rc && keeps)
        all = kept;
    for (size_t k = 0; !rc && k < n; k++)
        if (quant_is_objective_portfolio(&all[k]))
            *out = &all[k]; /* each subject's latest, in the order of its first: the last */
    return rc;
}

/* ---- the stale ones, for re-running ---- */

/* The latest analyses marked written since they ran: each id, and when. */
typedef struct marked {
    arena *a;
    struct mark {
        int64_t id;
        const char *at;
    } * rows;
    size_t n, cap;
} marked;

static int note_marked(int64_t analysis, const char *changed_at, void *ctx)
{
    marked *m = ctx;
    XGROW(m->rows, m->n, m->cap, 64);
    m->rows[m->n++] = (struct mark){ analysis, arena_strdup(m->a, changed_at) };
    return 0;
}

/* q's inputs too, for a run not of one risk (its correlations). */
static int read_inputs(dom *d, quant_latest *q, isms_err *e)
{
    record *r = arena_alloc(dom_arena(d), sizeof *r);
    int rc = dom_get(d, &reg_analysis, q->key, r, e);
    if (!rc)
        q->inputs = record_text(r, F_ANALYSIS_INPUTS);
    return rc;
}

/* Without the kept table: every latest analysis, judged. */
static int stale_of_all(dom *d, quant_latest_fn fn, void *ctx, isms_err *e)
{
    quant_latest *rows;
    size_t n;
    int rc = dom_latest_analyses(d, &rows, &n, e);
    for (size_t k = 0; k < n && !rc; k++)
        if (rows[k].fresh.stale && !rows[k].fresh.orphan)
            rc = fn(&rows[k], ctx, e);
    return rc;
}

int dom_latest_stale_each(dom *d, quant_latest_fn fn, void *ctx, isms_err *e)
{
    if (!store_keeps_latest(dom_store(d)))
        return stale_of_all(d, fn, ctx, e);
    marked m = { .a = dom_arena(d) };
    int rc = store_latest_written(dom_store(d), INT64_MAX, note_marked, &m, e);
    for (size_t k = 0; k < m.n && !rc; k++) {
        arena scratch, request; /* each read, judged and re-run in its own memory */
        arena_init(&scratch);
        dom_scratch_begin(d, &scratch, &request);
        quant_latest q;
        rc = read_written(d, m.rows[k].id, m.rows[k].at, &q, e);
        if (!rc && q.kind && strcmp(q.kind, "risk"))
            rc = read_inputs(d, &q, e);
        if (!rc && q.fresh.stale && !q.fresh.orphan)
            rc = fn(&q, ctx, e);
        dom_scratch_end(d, &scratch, &request);
        arena_free(&scratch);
    }
    free(m.rows);
    return rc;
}

/* ---- the marks, kept true as records are written ---- */

typedef struct rejudged {
    dom *d;
    const char *at; /* the write's time; NULL: judging every analysis afresh */
    isms_err *e;
} rejudged;

/* One latest analysis, judged by its inputs as they are now (a risk's by
 * its own model: marked written since, its "since" the judge's, when its
 * hash moved; unmarked when it is back where it ran, a value set back).
 * Judging afresh, an analysis not of one risk is marked when a record its
 * inputs come from was written after it ran. */
static int rejudge_one(int64_t analysis, const char *changed_at, void *ctx)
{
    (void)changed_at;
    rejudged *j = ctx;
    quant_latest q;
    arena scratch, request; /* many are judged: each in its own memory */
    arena_init(&scratch);
    dom_scratch_begin(j->d, &scratch, &request);
    int rc = read_shown(j->d, analysis, &q, j->e);
    if (!rc)
        rc = judge(j->d, q.rec, &q.fresh, j->e);
    int risk = q.kind && !strcmp(q.kind, "risk");
    /* a retired or no longer quantified risk's is no one's concern */
    int stale = q.fresh.stale && !q.fresh.orphan && (risk || q.fresh.since);
    const char *since = q.fresh.since ? q.fresh.since : j->at ? j->at : q.rec->created_at;
    if (!rc)
        rc = store_latest_mark(dom_store(j->d), q.subject, stale ? since : NULL, j->e);
    dom_scratch_end(j->d, &scratch, &request);
    arena_free(&scratch);
    return rc;
}

static int note_risk(const char *name, int64_t id, void *ctx)
{
    (void)name;
    id_list_push(ctx, id, 0);
    return 0;
}

enum { JUDGED_STEP = 4096 }; /* how often an upgrade says how far it is */

int dom_latest_judge_all(dom *d, isms_err *e)
{
    rejudged j = { d, NULL, e };
    id_list risks = { 0 };
    int rc = store_latest_risk_ids(dom_store(d), note_risk, &risks, e);
    for (size_t k = 0; k < risks.n && !rc; k++) {
        rc = store_latest_of_risk(dom_store(d), risks.ids[k], rejudge_one, &j, e);
        if (risks.n > JUDGED_STEP && (k + 1) % JUDGED_STEP == 0)
            store_progress("each risk's latest analysis judged", (int64_t)k + 1, (int64_t)risks.n);
    }
    if (!rc)
        rc = store_latest_portfolios(dom_store(d), rejudge_one, &j, e);
    id_list_free(&risks);
    return rc;
}

int dom_latest_rejudge(dom *d, const int64_t *risks, size_t n, const char *at, isms_err *e)
{
    rejudged j = { d, at, e };
    int rc = store_latest_touch(dom_store(d), 0, at, e); /* the portfolios */
    for (size_t k = 0; k < n && !rc; k++)
        rc = store_latest_of_risk(dom_store(d), risks[k], rejudge_one, &j, e);
    return rc;
}

/* ---- re-running an analysis as it ran ---- */

typedef struct corr_list {
    dom *d;
    quant_corr *corr;
    size_t n, cap;
} corr_list;

static void add_corr(const char *a, const char *b, double rho, void *ctx)
{
    corr_list *l = ctx;
    if (l->n == l->cap) { /* in the dom's arena: the run reads them */
        quant_corr *more = arena_alloc(dom_arena(l->d), sizeof *more * (l->cap = 2 * l->cap + 8));
        if (l->n)
            memcpy(more, l->corr, sizeof *more * l->n);
        l->corr = more;
    }
    l->corr[l->n++] = (quant_corr){ .a = arena_strdup(dom_arena(l->d), a),
                                    .b = arena_strdup(dom_arena(l->d), b),
                                    .rho = rho };
}

/* The correlations a saved portfolio run used (its inputs), into o. */
static void stored_correlations(dom *d, const char *inputs, quant_opts *o)
{
    corr_list l = { d, NULL, 0, 0 };
    js_correlations(inputs, add_corr, &l);
    o->corr = l.corr;
    o->ncorr = l.n;
}

int dom_quantify_kind(dom *d, const char *kind, const char *subject, const quant_opts *o,
                      const char **key, isms_err *e)
{
    *key = NULL;
    int rc;
    if (!strcmp(kind, "risk")) {
        risk_quant q;
        if (!(rc = dom_risk_quantify(d, subject, o, &q, e)))
            *key = q.analysis;
    } else if (!strcmp(kind, "portfolio")) {
        portfolio_quant q;
        rc = dom_portfolio_quantify(d, o, strstr(subject, "objective") != NULL, &q, e);
        if (!rc)
            *key = q.analysis;
    } else {
        returns_quant q;
        if (!(rc = dom_control_returns(d, o, &q, e)))
            *key = q.analysis;
    }
    return rc;
}

int dom_latest_rerun(dom *d, const quant_latest *l, quant_opts *o, const char **key, isms_err *e)
{
    o->iterations = l->iterations;
    o->seed = l->seed;
    o->ncorr = 0;
    if (!strcmp(l->kind, "portfolio"))
        stored_correlations(d, l->inputs, o);
    return dom_quantify_kind(d, l->kind, l->subject, o, key, e);
}

int dom_analysis_rerun(dom *d, const char *analysis, quant_opts *o, const char **key, isms_err *e)
{
    record *r = arena_alloc(dom_arena(d), sizeof *r);
    int rc = dom_get(d, &reg_analysis, analysis, r, e);
    if (rc)
        return rc;
    quant_latest l;
    quant_latest_fill(&l, r);
    if (!l.kind || !l.subject || !l.iterations)
        return err_set(e, E_INVALID, "analysis",
                       "analysis: %s names no kind, subject or iterations: it cannot be run again",
                       analysis);
    return dom_latest_rerun(d, &l, o, key, e);
}
