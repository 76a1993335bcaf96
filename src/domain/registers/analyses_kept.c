/* analyses_kept.c: the latest analysis of each subject, kept by the store
 * (0017_analysis_latest.sql) in the transaction of each write that saves
 * an analysis or writes a record an analysis's inputs come from (see
 * domain/workflows/quantify_latest.c for what the dashboard reads of it). */
#include "domain/registers/tallies.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"
#include "core/xalloc.h"
#include "risk/qual.h"

#include <stdlib.h>
#include <string.h>

static const char *later(const char *a, const char *b)
{
    return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

/* The matrix size a write leaves: the organisation's as written, else the dom's. */
static int matrix_after(dom *d, const record *after)
{
    if (after && after->reg == &reg_org && !after->retired_at)
        return record_cval(after, F_ORG_RISK_MATRIX)->null
                   ? RISK_MATRIX_MAX
                   : (int)record_int(after, F_ORG_RISK_MATRIX);
    return dom_matrix_size(d);
}

/* The risks a control treats or treated (both versions' links). */
static int touch_control(store *s, const record *before, const record *after, const char *at,
                         isms_err *e)
{
    const value *b = before ? record_cval(before, F_CONTROL_TREATS) : NULL,
                *a = record_cval(after, F_CONTROL_TREATS);
    size_t n = (size_t)a->n + (b ? (size_t)b->n : 0);
    int64_t *ids = xmalloc(sizeof *ids * (n + 1));
    if (a->n)
        memcpy(ids, a->ids, sizeof *ids * (size_t)a->n);
    if (b && b->n)
        memcpy(ids + a->n, b->ids, sizeof *ids * (size_t)b->n);
    int rc = store_latest_touch(s, ids, n, at, e);
    free(ids);
    return rc;
}

int dom_latest_changed(dom *d, const record *before, const record *after, isms_err *e)
{
    store *s = dom_store(d);
    if (!after || !store_keeps_latest(s))
        return 0;
    const regdef *reg = after->reg;
    const char *at = later(after->updated_at, after->retired_at);
    if (reg == &reg_analysis)
        return before ? 0 : store_latest_set(s, after->id, dom_matrix_size(d), e);
    if (reg == &reg_risk) {
        if (!before) /* a new risk: no analysis of it yet */
            return 0;
        int rc = store_latest_touch(s, &after->id, 1, at, e);
        return rc ? rc : store_latest_cells(s, after->id, dom_matrix_size(d), e);
    }
    if (reg == &reg_control)
        return touch_control(s, before, after, at, e);
    if (reg != &reg_appetite && reg != &reg_objective && reg != &reg_org)
        return 0;
    int rc = store_latest_touch(s, NULL, 0, at, e);
    int was = before && before->reg == &reg_org ? dom_matrix_size(d) : 0,
        now = matrix_after(d, after);
    if (!rc && reg == &reg_org && was != now)
        rc = store_latest_cells(s, 0, now, e);
    return rc;
}

int dom_latest_rebuild(dom *d, isms_err *e)
{
    if (!store_keeps_latest(dom_store(d)))
        return 0;
    const char *last;
    int rc = quant_last_input_change(d, &last, e);
    return rc ? rc : store_latest_rebuild(dom_store(d), dom_matrix_size(d), last, e);
}
