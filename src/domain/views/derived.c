/* derived.c: the derived values of each register (see derived.h). */
#include "domain/views/derived.h"
#include "domain/views/metrics.h"
#include "domain/registers/asset_needs.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A risk's latest analysis as the store names it. */
typedef struct latest_mark {
    int64_t risk, analysis;
    int written; /* written since it ran: judged when read */
} latest_mark;

struct derive_cache {
    dom *d;
    int needs_loaded;
    asset_need *needs;   /* every active asset's, in id order (before 0031) */
    asset_need need_one; /* the last asset's as kept (from 0031) */
    size_t nneeds;
    int latest_loaded;
    const quant_latest *latest; /* the latest analysis of each subject, with its freshness */
    size_t nlatest;
    int last_loaded;
    const char *last_change; /* quant_last_input_change, read once (NULL: none) */
    /* Each risk's latest analysis is read alone, by index where the store
     * keeps them (0017); else until LATEST_ONE_BY_ONE risks have asked (a
     * show costs that risk), then a list reads them all at once. The last
     * one read is kept for its other columns. */
    int asked;
    const char *one_key;
    quant_latest one;
    int one_found;
    arena row; /* the one read and the texts made of it, until the next is read */
    /* Where the store keeps them, a list in id order reads which analysis
     * is each risk's latest a window of ids at a time (one query, where a
     * query a row is a round trip each on PostgreSQL): ids win_lo..win_hi,
     * the rows found in win (by risk id). last_id: the last risk asked. */
    int64_t win_lo, win_hi, last_id;
    latest_mark *win;
    size_t nwin, win_cap;
    /* The analysis the last decision asked about cites (id 0: none read). */
    int64_t cited_id;
    record cited;
    int detail; /* derive_cache_detail */
};

enum { LATEST_ONE_BY_ONE = 8, LATEST_WINDOW = 256 };

derive_cache *derive_cache_new(dom *d)
{
    derive_cache *c = xcalloc(1, sizeof *c);
    c->d = d;
    c->win_hi = -1; /* empty */
    arena_init(&c->row);
    return c;
}

void derive_cache_detail(derive_cache *c) { c->detail = 1; }

void derive_cache_free(derive_cache *c)
{
    if (c) {
        free(c->needs);
        free(c->win);
        dom_arena_until_end(c->d, &c->row); /* the last row's values may still be read */
    }
    free(c);
}

static void set_int(value *v, int64_t i)
{
    v->null = 0;
    v->i = i;
}

static void set_text(value *v, const char *s)
{
    v->null = s == NULL;
    v->s = s;
}

/* ---- risks: scores on the organisation's matrix ---- */

static int score_of(const record *r, int residual)
{
    return residual ? risk_residual_score(r) : risk_score(r);
}

static int risk_score_value(derive_cache *c, const record *r, int residual, value *out, isms_err *e)
{
    (void)c;
    (void)e;
    set_int(out, score_of(r, residual));
    return 0;
}

static int risk_band_value(derive_cache *c, const record *r, int residual, value *out, isms_err *e)
{
    (void)e;
    set_text(out, risk_band(score_of(r, residual), dom_matrix_size(c->d)));
    return 0;
}

/* ---- risks: their figures in money, and whether they are current ---- */

/* Risk r's latest analysis read into c->one (in the row's arena), kept
 * for r's other columns: by the store's mark m (NULL: none) where the
 * store keeps them (by_mark), else judged at the cost of r's model. */
static int keep_one(derive_cache *c, const record *r, int by_mark, const latest_mark *m,
                    const quant_latest **out, isms_err *e)
{
    c->one_key = NULL;
    arena_reset(&c->row); /* the last row's */
    arena request;
    dom_scratch_begin(c->d, &c->row, &request);
    int rc = 0;
    if (!by_mark)
        rc = dom_latest_analysis_of(c->d, r, &c->one, &c->one_found, e);
    else if ((c->one_found = m != NULL))
        rc = dom_latest_kept_read(c->d, r, m->analysis, m->written, &c->one, e);
    dom_scratch_end(c->d, &c->row, &request);
    if (rc)
        return rc;
    c->one_key = arena_strdup(&c->row, r->key);
    *out = c->one_found ? &c->one : NULL;
    return 0;
}

static int note_mark(int64_t risk, int64_t analysis, const char *changed_at, void *ctx)
{
    derive_cache *c = ctx;
    if (c->nwin == c->win_cap) {
        c->win_cap = c->win_cap ? 2 * c->win_cap : 64;
        c->win = xrealloc(c->win, c->win_cap * sizeof *c->win);
    }
    c->win[c->nwin++] = (latest_mark){ risk, analysis, changed_at != NULL };
    return 0;
}

/* The store's mark of r's latest analysis (NULL: none): from the window,
 * read again from r's id when r is outside it. Risks asked in ascending
 * id order (a list by key) read LATEST_WINDOW ids ahead; others their own. */
static int mark_of(derive_cache *c, const record *r, const latest_mark **out, isms_err *e)
{
    *out = NULL;
    if (r->id < c->win_lo || r->id > c->win_hi) {
        int64_t to = r->id > c->last_id && c->last_id ? r->id + LATEST_WINDOW - 1 : r->id;
        c->nwin = 0;
        int rc = store_latest_of_risks(dom_store(c->d), r->id, to, note_mark, c, e);
        if (rc) {
            c->win_hi = -1;
            return rc;
        }
        c->win_lo = r->id;
        c->win_hi = to;
    }
    c->last_id = r->id;
    size_t lo = 0, hi = c->nwin; /* by risk id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->win[mid].risk < r->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nwin && c->win[lo].risk == r->id)
        *out = &c->win[lo];
    return 0;
}

static int latest_of(derive_cache *c, const record *r, const quant_latest **out, isms_err *e)
{
    *out = NULL;
    if (!c->latest_loaded && c->one_key && !strcmp(c->one_key, r->key)) {
        *out = c->one_found ? &c->one : NULL;
        return 0;
    }
    if (store_keeps_latest(dom_store(c->d))) {
        const latest_mark *m;
        int rc = mark_of(c, r, &m, e);
        return rc ? rc : keep_one(c, r, 1, m, out, e);
    }
    if (!c->latest_loaded && c->asked++ < LATEST_ONE_BY_ONE)
        return keep_one(c, r, 0, NULL, out, e);
    if (!c->latest_loaded) {
        int rc = dom_latest_analyses_kept(c->d, &c->latest, &c->nlatest, e);
        if (rc)
            return rc;
        c->latest_loaded = 1;
    }
    for (size_t k = 0; k < c->nlatest; k++)
        if (!strcmp(c->latest[k].kind, "risk") && !strcmp(c->latest[k].subject, r->key))
            *out = &c->latest[k];
    return 0;
}

static const char *freshness_text(arena *a, const quant_freshness *f)
{
    if (f->unknown)
        return "unknown: the analysis predates input hashes (re-run it)";
    if (!f->stale)
        return "current";
    if (f->orphan)
        return "STALE: the risk is no longer quantified";
    return f->since ? arena_printf(a, "STALE since %s (isms quantify --stale)", f->since)
                    : "STALE: its inputs changed (isms quantify --stale)";
}

enum { RQ_QUANTIFIED, RQ_ANALYSIS, RQ_MEAN, RQ_P95, RQ_VERDICT, RQ_MARGIN, RQ_FIGURES, RQ_MATRIX };

/* An analysis's figure in money, left empty where it has none. */
static void money_of(const record *a, int field, value *out)
{
    if (!record_cval(a, field)->null)
        set_int(out, record_int(a, field));
}

static int risk_quant_value(derive_cache *c, const record *r, int what, value *out, isms_err *e)
{
    if (what == RQ_QUANTIFIED) {
        set_int(out, dom_risk_quantified(r));
        return 0;
    }
    const quant_latest *l;
    int rc = latest_of(c, r, &l, e);
    if (rc || !l)
        return rc;
    const record *a = l->rec;
    arena *texts = l == &c->one ? &c->row : dom_arena(c->d); /* freed with what they tell of */
    switch (what) {
    case RQ_ANALYSIS:
        set_text(out, a->key);
        out->i = a->id;
        break;
    case RQ_MEAN: money_of(a, F_ANALYSIS_MEAN_LOSS, out); break;
    case RQ_P95: money_of(a, F_ANALYSIS_P95_LOSS, out); break;
    case RQ_VERDICT: set_text(out, record_text(a, F_ANALYSIS_VERDICT)); break;
    case RQ_MARGIN: money_of(a, F_ANALYSIS_MARGIN, out); break;
    case RQ_FIGURES: set_text(out, freshness_text(texts, &l->fresh)); break;
    case RQ_MATRIX: {
        const value *al = record_cval(a, F_ANALYSIS_LIKELIHOOD),
                    *ai = record_cval(a, F_ANALYSIS_IMPACT);
        const value *rl = record_cval(r, F_RISK_RESIDUAL_LIKELIHOOD),
                    *ri = record_cval(r, F_RISK_RESIDUAL_IMPACT);
        int li = (int)(rl->null ? record_int(r, F_RISK_LIKELIHOOD) : rl->i);
        int ii = (int)(ri->null ? record_int(r, F_RISK_IMPACT) : ri->i);
        if (al->null || ai->null)
            break;
        int apart = quant_cells_disagree(dom_matrix_size(c->d), li, ii, (int)al->i, (int)ai->i);
        set_text(out, arena_printf(texts, "%s: the figures imply likelihood %lld, impact %lld",
                                   apart ? "MORE THAN ONE BAND APART" : "agrees", (long long)al->i,
                                   (long long)ai->i));
        break;
    }
    }
    return 0;
}

/* An analysis: are its figures current? */
static int analysis_figures(derive_cache *c, const record *r, int arg, value *out, isms_err *e)
{
    (void)arg;
    quant_freshness f;
    int rc = c->last_loaded ? 0 : quant_last_input_change(c->d, &c->last_change, e);
    c->last_loaded = !rc;
    if (!rc)
        rc = quant_check_of(c->d, c->last_change, r, &f, e);
    if (!rc)
        set_text(out, freshness_text(dom_arena(c->d), &f));
    return rc;
}

#define QUANT(n, t, l, h, k)                                                                       \
    {                                                                                              \
        .field = { .name = n, .type = t, .target = "analysis", .help = h }, .group = "quantified", \
        .label = l, .compute = risk_quant_value, .arg = k                                          \
    }

#define SCORE(n, l, h, fn, a)                                                            \
    {                                                                                    \
        .field = { .name = n, .type = FT_INT, .flags = FF_LIST, .help = h }, .label = l, \
        .compute = fn, .arg = a                                                          \
    }
#define BAND(n, l, h, fn, a)                                                              \
    {                                                                                     \
        .field = { .name = n, .type = FT_TEXT, .flags = FF_LIST, .help = h }, .label = l, \
        .compute = fn, .arg = a                                                           \
    }

/* ---- risks: what happened against what the figures said ---- */

enum { RO_INCIDENTS, RO_LOSS, RO_AGAINST };

/* The incidents that realised r in the last 365 days, and their loss
 * against its latest analysis: whether the year the organisation lived
 * through fits the figures it decides on. */
static int risk_observed(derive_cache *c, const record *r, int what, value *out, isms_err *e)
{
    if (!store_keeps_incidents(dom_store(c->d)))
        return 0;
    char now[21], year_ago[21];
    now_timestamp(now);
    timestamp_add(year_ago, now, -24 * 365, 0);
    int64_t n, loss;
    int rc = store_risk_incidents(dom_store(c->d), r->id, year_ago, &n, &loss, e);
    if (rc || what != RO_AGAINST) {
        set_int(out, what == RO_INCIDENTS ? n : loss);
        return rc;
    }
    const quant_latest *l;
    if (!n || (rc = latest_of(c, r, &l, e)))
        return rc;
    if (!l) {
        set_text(out, "no quantified analysis to hold it to");
        return 0;
    }
    set_text(out, dom_loss_against(c->d, loss, record_int(l->rec, F_ANALYSIS_MEAN_LOSS),
                                   record_int(l->rec, F_ANALYSIS_P95_LOSS), l->rec->key));
    return 0;
}

const char *dom_loss_against(dom *d, int64_t loss, int64_t mean, int64_t p95, const char *key)
{
    arena *a = dom_arena(d);
    if (loss > p95)
        return arena_printf(a,
                            "ABOVE the P95 annual loss of %s (%s): a year its figures say comes "
                            "once in twenty; review its inputs",
                            key, dom_money_text(d, p95, " "));
    if (loss > mean)
        return arena_printf(a, "above the mean annual loss of %s (%s), within its P95 (%s)", key,
                            dom_money_text(d, mean, " "), dom_money_text(d, p95, " "));
    return arena_printf(a, "within the mean annual loss of %s (%s)", key,
                        dom_money_text(d, mean, " "));
}

#define OBSERVED(n, t, l, h, k)                                                             \
    {                                                                                       \
        .field = { .name = n, .type = t, .help = h }, .group = "last_365_days", .label = l, \
        .compute = risk_observed, .arg = k, .detail = 1                                     \
    }

static const derived_def risk_derived[] = {
    SCORE("score", "inherent score", "likelihood x impact", risk_score_value, 0),
    BAND("band", "inherent band", "band of the score: low, medium, high or critical",
         risk_band_value, 0),
    SCORE("residual_score", "residual score",
          "residual likelihood x residual impact (inherent where not assessed)", risk_score_value,
          1),
    BAND("residual_band", "residual band", "band of the residual score", risk_band_value, 1),
    QUANT("fair_inputs", FT_BOOL, "quantified",
          "the risk has FAIR inputs (counts in the totals in money)", RQ_QUANTIFIED),
    QUANT("analysis", FT_REF, "latest analysis", "its latest saved analysis", RQ_ANALYSIS),
    QUANT("mean_loss", FT_MONEY, "mean annual loss",
          "that analysis's expected loss a year (the mean of its simulated years)", RQ_MEAN),
    QUANT("p95_loss", FT_MONEY, "annual loss at P95",
          "that analysis's loss in a bad year: 19 years in 20 lose less", RQ_P95),
    QUANT("verdict", FT_TEXT, "against appetite",
          "that analysis's verdict on the current residual loss", RQ_VERDICT),
    QUANT("margin", FT_MONEY, "margin",
          "below appetite, above appetite or above tolerance, as the verdict says", RQ_MARGIN),
    QUANT("figures", FT_TEXT, "figures",
          "current, or stale since a change to the inputs they ran on", RQ_FIGURES),
    QUANT("matrix", FT_TEXT, "matrix and money",
          "the register's residual cell against the one the figures imply", RQ_MATRIX),
    OBSERVED("incidents", FT_INT, "incidents in 365 days",
             "active incidents that realised this risk, detected in the last 365 days",
             RO_INCIDENTS),
    OBSERVED("loss", FT_MONEY, "their loss", "the loss those incidents recorded, summed", RO_LOSS),
    OBSERVED("against_figures", FT_TEXT, "against the figures",
             "that loss against the latest analysis's mean and P95 annual loss", RO_AGAINST),
};

static const derived_def analysis_derived[] = {
    { .field = { .name = "figures",
                 .type = FT_TEXT,
                 .help = "current, or stale since a change to the inputs it ran on" },
      .label = "figures",
      .compute = analysis_figures },
};

/* ---- decisions: the figures of the analysis they cite ---- */

enum { DC_P95, DC_VERDICT, DC_RAN, DC_FIGURES };

/* The analysis decision r cites (*out NULL: none), read once for the
 * values that ask in turn. */
static int cited_of(derive_cache *c, const record *r, const record **out, isms_err *e)
{
    *out = NULL;
    const value *v = record_cval(r, F_DECISION_ANALYSIS);
    if (v->null)
        return 0;
    if (c->cited_id != v->i) {
        int rc = store_get_id(dom_store(c->d), &reg_analysis, v->i, &c->cited, dom_arena(c->d), e);
        if (rc)
            return rc;
        c->cited_id = v->i;
    }
    *out = &c->cited;
    return 0;
}

/* What the body saw when it decided, and whether it still holds: a
 * decision's figures are evidence of their day, so they are shown as the
 * analysis saved them, with its freshness now. */
static int decision_cited(derive_cache *c, const record *r, int what, value *out, isms_err *e)
{
    const record *a;
    int rc = cited_of(c, r, &a, e);
    if (rc || !a)
        return rc;
    switch (what) {
    case DC_P95: money_of(a, F_ANALYSIS_P95_LOSS, out); break;
    case DC_VERDICT: set_text(out, record_text(a, F_ANALYSIS_VERDICT)); break;
    case DC_RAN: set_text(out, a->created_at); break;
    case DC_FIGURES: return analysis_figures(c, a, 0, out, e);
    }
    return 0;
}

#define CITED(n, t, l, h, k)                                                        \
    {                                                                               \
        .field = { .name = n, .type = t, .help = h }, .group = "cited", .label = l, \
        .compute = decision_cited, .arg = k                                         \
    }

static const derived_def decision_derived[] = {
    CITED("p95_loss", FT_MONEY, "cited P95 loss",
          "the cited analysis's loss in a bad year: 19 years in 20 lose less", DC_P95),
    CITED("verdict", FT_TEXT, "cited verdict", "the cited analysis's verdict against appetite",
          DC_VERDICT),
    CITED("ran_at", FT_TIME, "cited ran at", "when the cited analysis ran", DC_RAN),
    CITED("figures", FT_TEXT, "cited figures",
          "the cited analysis's figures now: current, or stale since a change to its inputs",
          DC_FIGURES),
};

/* ---- incidents: the reports owed to the authorities ---- */

/* "2 d 3 h", "3 h 10 min", "40 min". */
static const char *span_text(arena *a, long minutes)
{
    if (minutes >= 24 * 60)
        return arena_printf(a, "%ld d %ld h", minutes / (24 * 60), minutes / 60 % 24);
    if (minutes >= 60)
        return arena_printf(a, "%ld h %ld min", minutes / 60, minutes % 60);
    return arena_printf(a, "%ld min", minutes);
}

/* "2026-11-23 09:00 UTC": a deadline to the minute, as people read it. */
static const char *when_text(arena *a, const char *ts)
{
    return arena_printf(a, "%.10s %.5s UTC", ts, ts + 11);
}

/* Report k as people check it: by when and under which regime, made in
 * time, made late by how long, or not made and due in (or late by) how
 * long from now. Null when no regime asks for it. */
static int incident_report_value(derive_cache *c, const record *r, int k, value *out, isms_err *e)
{
    (void)e;
    incident_report reps[INCIDENT_REPORTS];
    incident_reports(r, reps);
    const incident_report *rep = &reps[k];
    if (!rep->owed)
        return 0;
    arena *a = dom_arena(c->d);
    const char *state;
    if (rep->made_at && rep->late_minutes)
        state = arena_printf(a, "made %s, %s late", when_text(a, rep->made_at),
                             span_text(a, rep->late_minutes));
    else if (rep->made_at)
        state = arena_printf(a, "made %s, in time", when_text(a, rep->made_at));
    else {
        char now[21];
        now_timestamp(now);
        long left = (long)((timestamp_epoch(rep->deadline) - timestamp_epoch(now)) / 60);
        state = left >= 0 ? arena_printf(a, "not made, due in %s", span_text(a, left))
                          : arena_printf(a, "NOT MADE, %s late", span_text(a, -left));
    }
    char *regimes = arena_strdup(a, rep->set_by); /* as the regulations spell them: NIS2 */
    for (char *p = regimes; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    set_text(out, arena_printf(a, "by %s (%s): %s", when_text(a, rep->deadline), regimes, state));
    return 0;
}

#define REPORT(n, l, h, k)                                                                  \
    {                                                                                       \
        .field = { .name = n, .type = FT_TEXT, .help = h }, .group = "reports", .label = l, \
        .compute = incident_report_value, .arg = k                                          \
    }

static const derived_def incident_derived[] = {
    REPORT("initial", "initial report",
           "the first report owed: its deadline, the regime that sets it, whether it went in "
           "time",
           INCIDENT_INITIAL),
    REPORT("intermediate", "intermediate report",
           "the NIS2 incident notification or DORA intermediate report: deadline and state",
           INCIDENT_INTERMEDIATE),
    REPORT("final", "final report", "the final report: deadline and state", INCIDENT_FINAL),
};

/* ---- metrics: what the measure is, and what its measurements say ---- */

enum { MD_WHAT, MD_UNIT, MD_BETTER, MD_KIND, MD_RECENT, MD_CHANGE };

static const char *recent_text(dom *d, const metric_measure *m, const metric_trend *t)
{
    arena *a = dom_arena(d);
    const char *text = NULL;
    for (int k = 0; k < t->n; k++) {
        const metric_point *p = &t->points[k];
        const char *one =
            arena_printf(a, "%.10s %.5s %s %s", p->measured_at, p->measured_at + 11,
                         p->known ? dom_metric_value_text(d, m, p->value) : "-", p->status);
        text = text ? arena_printf(a, "%s; %s", text, one) : one;
    }
    return text;
}

static int metric_value(derive_cache *c, const record *r, int what, value *out, isms_err *e)
{
    const metric_measure *m = metric_measure_find(record_text(r, F_METRIC_MEASURE));
    if (!m)
        return 0;
    switch (what) {
    case MD_WHAT: set_text(out, m->what); return 0;
    case MD_UNIT: set_text(out, metric_unit_name(m->unit)); return 0;
    case MD_BETTER: set_text(out, m->higher_better ? "higher" : "lower"); return 0;
    case MD_KIND: set_text(out, m->kind); return 0;
    }
    metric_trend t;
    int rc = dom_metric_trend(c->d, r, &t, e);
    if (!rc)
        set_text(out,
                 what == MD_RECENT ? recent_text(c->d, m, &t) : dom_metric_change(c->d, m, &t));
    return rc;
}

#define ABOUT(n, l, h, k)                                                                         \
    {                                                                                             \
        .field = { .name = n, .type = FT_TEXT, .help = h }, .group = "about_measure", .label = l, \
        .compute = metric_value, .arg = k                                                         \
    }
#define TREND(n, l, h, k)                                                                 \
    {                                                                                     \
        .field = { .name = n, .type = FT_TEXT, .help = h }, .group = "trend", .label = l, \
        .compute = metric_value, .arg = k, .detail = 1                                    \
    }

static const derived_def metric_derived[] = {
    ABOUT("what", "it counts", "what the measure counts", MD_WHAT),
    ABOUT("unit", "unit", "percent, count, hours or currency units", MD_UNIT),
    ABOUT("better", "better", "which way is better: higher or lower", MD_BETTER),
    ABOUT("kind", "kind",
          "leading (it moves before a loss does) or lagging (it counts what "
          "happened)",
          MD_KIND),
    TREND("recent", "latest measurements",
          "the latest twelve measurements, newest first: when, the value, its state", MD_RECENT),
    TREND("change", "change", "the latest value against the one before it", MD_CHANGE),
};

/* ---- assets: protection needs after the maximum principle ---- */

static int need_of(derive_cache *c, const record *r, const asset_need **out, isms_err *e)
{
    if (store_keeps_asset_needs(dom_store(c->d))) { /* one row (0031) */
        int rc = c->need_one.id == r->id ? 0 : dom_asset_need_kept(c->d, r->id, &c->need_one, e);
        *out = rc ? NULL : &c->need_one;
        return rc;
    }
    if (!c->needs_loaded) {
        int rc = dom_asset_needs(c->d, &c->needs, &c->nneeds, e);
        if (rc)
            return rc;
        c->needs_loaded = 1;
    }
    *out = asset_need_find(c->needs, c->nneeds, r->id);
    return 0;
}

static int inherited_need(derive_cache *c, const record *r, int k, value *out, isms_err *e)
{
    const asset_need *n;
    int rc = need_of(c, r, &n, e);
    if (!rc && n && n->inherited[k] >= 0)
        set_text(out, need_name(n->inherited[k]));
    return rc;
}

static int effective_need(derive_cache *c, const record *r, int k, value *out, isms_err *e)
{
    const asset_need *n;
    int rc = need_of(c, r, &n, e);
    if (!rc && n)
        set_text(out, need_name(asset_effective(n, k)));
    return rc;
}

/* The asset whose need raises this one's above what is stated. */
static int need_source(derive_cache *c, const record *r, int k, value *out, isms_err *e)
{
    const asset_need *n;
    int rc = need_of(c, r, &n, e);
    if (rc || !n || n->inherited[k] <= n->stated[k])
        return rc;
    if (store_keeps_asset_needs(dom_store(c->d))) { /* its key, by id */
        record from;
        rc = store_get_id(dom_store(c->d), &reg_asset, n->source[k], &from, dom_arena(c->d), e);
        if (!rc) {
            set_text(out, from.key);
            out->i = from.id;
        }
        return rc == E_NOT_FOUND ? 0 : rc;
    }
    const asset_need *src = asset_need_find(c->needs, c->nneeds, n->source[k]);
    if (src) {
        set_text(out, src->key);
        out->i = src->id;
    }
    return 0;
}

static int critical_inherited(derive_cache *c, const record *r, int k, value *out, isms_err *e)
{
    (void)k;
    const asset_need *n;
    int rc = need_of(c, r, &n, e);
    if (!rc && n)
        set_int(out, n->critical_inherited);
    return rc;
}

#define NEED(g, n, l, h, fn, k)                                                                    \
    {                                                                                              \
        .field = { .name = n, .type = FT_TEXT, .help = h }, .group = g, .label = l, .compute = fn, \
        .arg = k                                                                                   \
    }
#define SOURCE(n, l, k)                                                                \
    {                                                                                  \
        .field = { .name = n,                                                          \
                   .type = FT_REF,                                                     \
                   .target = "asset",                                                  \
                   .help = "the asset depending on this one whose need it inherits" }, \
        .group = "inherited_from", .label = l, .compute = need_source, .arg = k        \
    }

/* A need of each protection goal: confidentiality, integrity, availability. */
#define NEEDS(g, what, h, fn)                                           \
    NEED(g, "confidentiality", what " confidentiality", h, fn, NEED_C), \
        NEED(g, "integrity", what " integrity", h, fn, NEED_I),         \
        NEED(g, "availability", what " availability", h, fn, NEED_A)

static const derived_def asset_derived[] = {
    NEEDS("inherited_needs", "inherited", "highest need of the assets depending on this one",
          inherited_need),
    SOURCE("confidentiality", "confidentiality from", NEED_C),
    SOURCE("integrity", "integrity from", NEED_I),
    SOURCE("availability", "availability from", NEED_A),
    NEEDS("effective_needs", "effective",
          "the stated need or the inherited one, whichever is higher", effective_need),
    { .field = { .name = "critical_function_inherited",
                 .type = FT_BOOL,
                 .help =
                     "an asset depending on this one supports a critical or important function" },
      .label = "critical function inherited",
      .compute = critical_inherited },
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const derived_def *derived_defs(const regdef *reg, int *n)
{
    if (reg == &reg_risk) {
        *n = COUNT(risk_derived);
        return risk_derived;
    }
    if (reg == &reg_analysis) {
        *n = COUNT(analysis_derived);
        return analysis_derived;
    }
    if (reg == &reg_asset) {
        *n = COUNT(asset_derived);
        return asset_derived;
    }
    if (reg == &reg_decision) {
        *n = COUNT(decision_derived);
        return decision_derived;
    }
    if (reg == &reg_incident) {
        *n = COUNT(incident_derived);
        return incident_derived;
    }
    if (reg == &reg_metric) {
        *n = COUNT(metric_derived);
        return metric_derived;
    }
    *n = 0;
    return NULL;
}

int derive_record(derive_cache *c, const record *r, value *out, isms_err *e)
{
    int n;
    const derived_def *defs = derived_defs(r->reg, &n);
    for (int k = 0; k < n; k++) {
        memset(&out[k], 0, sizeof out[k]);
        out[k].null = 1;
    }
    for (int k = 0; k < n; k++) {
        if (defs[k].detail && !c->detail)
            continue;
        int rc = defs[k].compute(c, r, defs[k].arg, &out[k], e);
        if (rc)
            return rc;
    }
    return 0;
}
