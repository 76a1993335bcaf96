/* quantify_latest.c: the latest analysis of each subject, kept by the store
 * (0017_analysis_latest.sql) as analyses are saved and the records their
 * inputs come from are written, so that the dashboard reads only the
 * analyses it shows: those written since they ran, the portfolios.
 *
 * What "stale" means here: a risk's analysis written since it ran (its
 * risk, a control treating it, an appetite, an objective or the
 * organisation) is judged as quant_check_of judges it, by that risk's own
 * model and hash: the same verdict and "since" as hashing the whole model.
 * A portfolio's (or a return on controls') inputs are every risk's: it is
 * stale when any record they come from was written after it ran, without
 * hashing the whole model again. That is a false "stale" only when the
 * writes left every input as it was (a title, a description, a value set
 * back); its "since" is the latest change to a risk, control or appetite
 * after it ran, as before. */
#include "domain/workflows/quantify_impl.h"
#include "domain/registers/registers.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *later(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

/* ---- the dashboard's: the analyses written since they ran, the portfolios ---- */

typedef struct key_list {
    arena *a;
    const char **keys;
    int64_t *ids;
    size_t n;
} key_list;

static int note_key(const char *key, int64_t id, void *ctx)
{
    key_list *l = ctx;
    l->keys = xrealloc(l->keys, (l->n + 1) * sizeof *l->keys);
    l->ids = xrealloc(l->ids, (l->n + 1) * sizeof *l->ids);
    l->ids[l->n] = id;
    l->keys[l->n++] = arena_strdup(l->a, key);
    return 0;
}

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

static int read_rows(dom *d, int portfolios, key_list *l, isms_err *e)
{
    l->a = dom_arena(d);
    return store_latest_rows(dom_store(d), portfolios, note_key, l, e);
}

static int in_list(const key_list *l, const char *key)
{
    for (size_t k = 0; k < l->n; k++)
        if (!strcmp(l->keys[k], key))
            return 1;
    return 0;
}

/* Each of `keys` read and, when written since it ran, judged. */
static int read_judged(dom *d, const key_list *keys, const key_list *written, quant_latest *rows,
                       isms_err *e)
{
    int rc = 0;
    for (size_t k = 0; k < keys->n && !rc; k++) {
        rc = read_shown(d, keys->ids[k], &rows[k], e);
        if (!rc && in_list(written, keys->keys[k]))
            rc = judge(d, rows[k].rec, &rows[k].fresh, e);
    }
    return rc;
}

int dom_latest_dashboard(dom *d, quant_latest **written, size_t *nwritten,
                         quant_latest **portfolios, size_t *nportfolios, isms_err *e)
{
    key_list w = { 0 }, p = { 0 };
    int rc = read_rows(d, 0, &w, e);
    if (!rc)
        rc = read_rows(d, 1, &p, e);
    *written = arena_alloc(dom_arena(d), sizeof **written * (w.n + 1));
    *portfolios = arena_alloc(dom_arena(d), sizeof **portfolios * (p.n + 1));
    if (!rc)
        rc = read_judged(d, &w, &w, *written, e);
    if (!rc)
        rc = read_judged(d, &p, &w, *portfolios, e);
    *nwritten = rc ? 0 : w.n;
    *nportfolios = rc ? 0 : p.n;
    free(w.keys);
    free(w.ids);
    free(p.keys);
    free(p.ids);
    return rc;
}
