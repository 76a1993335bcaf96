/* analyses_kept.c: the latest analysis of each subject, kept by the store
 * (0017_analysis_latest.sql) in the transaction of each write that saves
 * an analysis or writes a record an analysis's inputs come from (see
 * domain/workflows/quantify_latest.c for what the dashboard reads of it). */
#include "domain/registers/tallies.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"
#include "core/idset.h"
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

/* The fields of a risk and of a control that an analysis's inputs hash
 * (quant_inputs_json: the FAIR factors, the objectives whose appetite
 * applies; a control's effect, status, effectiveness, cost and cover):
 * a write that changes none of them (a title, a description, a cell)
 * leaves every analysis as current as it was. */
static const int risk_links[] = { F_RISK_LOSS_MODEL, F_RISK_OBJECTIVES }; /* and the factors */
static const int control_treats[] = { F_CONTROL_TREATS };
static const int control_effect[] = { F_CONTROL_STATUS,         F_CONTROL_EFFECTIVENESS,
                                      F_CONTROL_ACTS_ON,        F_CONTROL_REDUCTION,
                                      F_CONTROL_PARTIAL_EFFECT, F_CONTROL_COST,
                                      F_CONTROL_DEDUCTIBLE,     F_CONTROL_COVER_LIMIT,
                                      F_CONTROL_COVER_BASIS };

/* An appetite that counts: an approved one. A draft's or a superseded
 * one's edits move no analysis; which risks an approved one weighs on is
 * appetite_written's question. */
static int approved(const record *r)
{
    const char *status = r ? record_text(r, F_APPETITE_STATUS) : NULL;
    return status && !strcmp(status, "approved") && !r->retired_at;
}

/* Did the write move one of the n fields f (a retirement moves them all)? */
static int inputs_moved(const record *before, const record *after, const int *f, size_t n)
{
    if (!!before->retired_at != !!after->retired_at)
        return 1;
    for (size_t k = 0; k < n; k++) {
        int i = field_index(after->reg, f[k]);
        if (!dom_same_value(&after->reg->fields[i], &before->v[i], &after->v[i]))
            return 1;
    }
    return 0;
}

#define MOVED(before, after, fields) \
    (!(before) || inputs_moved(before, after, fields, sizeof fields / sizeof *fields))

/* Of n ids (two sets, each without repeats), those in one set only, moved
 * to the front, sorted; their count. */
static size_t one_side_only(int64_t *ids, size_t n)
{
    ids_sort(ids, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((i == 0 || ids[i - 1] != ids[i]) && (i + 1 == n || ids[i + 1] != ids[i]))
            ids[k++] = ids[i];
    return k;
}

/* The risks a control's write moves: when its effect moved (or it is new,
 * or retired), every risk it treats or treated; when only its set of
 * risks did, those that joined or left it are judged again, and of those
 * it goes on treating (a risk's inputs name its controls, not theirs: the
 * verdict stands) the stale ones are stale since now, as a judge would
 * say. A change of a member costs that member, not the set. */
static int touch_control(dom *d, const record *before, const record *after, const char *at,
                         isms_err *e)
{
    int effect = MOVED(before, after, control_effect);
    if (!effect && !MOVED(before, after, control_treats))
        return 0;
    const value *b = before ? record_cval(before, F_CONTROL_TREATS) : NULL,
                *a = record_cval(after, F_CONTROL_TREATS);
    size_t n = (size_t)a->n + (b ? (size_t)b->n : 0);
    int64_t *ids = xmalloc(sizeof *ids * (n + 1));
    if (a->n)
        memcpy(ids, a->ids, sizeof *ids * (size_t)a->n);
    if (b && b->n)
        memcpy(ids + a->n, b->ids, sizeof *ids * (size_t)b->n);
    if (!effect)
        n = one_side_only(ids, n);
    int rc = n ? dom_latest_rejudge(d, ids, n, at, e) : 0; /* treating none: in no model */
    free(ids);
    if (!rc && !effect)
        rc = store_latest_retouch_control(dom_store(d), after->id, a->n, at, e);
    return rc;
}

/* Whether a risk's latest analysis counts among the flagged: active, with
 * a FAIR input. */
static int counted(const record *risk) { return !risk->retired_at && dom_risk_quantified(risk); }

/* A risk: its analysis and those not of one risk when its inputs moved (a
 * new one when it has any: it joins the model); its cell against its
 * analysis's again when it was there before. */
static int risk_written(dom *d, const record *before, const record *after, const char *at,
                        isms_err *e)
{
    store *s = dom_store(d);
    int rc = 0;
    const int *factors;
    size_t nfactors = (size_t)dom_risk_input_fields(&factors);
    int moved =
        before ? MOVED(before, after, risk_links) || inputs_moved(before, after, factors, nfactors)
               : dom_risk_quantified(after);
    if (moved)
        rc = dom_latest_rejudge(d, &after->id, 1, at, e);
    if (!rc && before)
        rc = store_latest_standing(s, after->id, counted(before), counted(after), e);
    if (!rc && before)
        rc = store_latest_cells(s, after->id, dom_matrix_size(d), e);
    return rc;
}

/* The organisation's setting every analysis's inputs name: its currency
 * (its matrix moves the cells, not the inputs). */
static const int org_inputs[] = { F_ORG_CURRENCY };

/* An approved appetite written: a risk's analysis weighs the strictest
 * approved appetite of its objectives (the organisation's where they have
 * none), so those of the risks of its objective, before and after, are
 * marked (a risk whose other objective's appetite is stricter, marked
 * too, is a false "stale": a run too many, never one too few). */
static int64_t objective_of(const record *appetite)
{
    const value *o = record_cval(appetite, F_APPETITE_OBJECTIVE);
    return o->null ? 0 : o->i;
}

static int appetite_written(dom *d, const record *before, const record *after, const char *at,
                            isms_err *e)
{
    store *s = dom_store(d);
    int rc = before ? store_latest_touch_objective(s, objective_of(before), at, e) : 0;
    if (!rc && (!before || objective_of(after) != objective_of(before)))
        rc = store_latest_touch_objective(s, objective_of(after), at, e);
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
    if (reg == &reg_risk)
        return risk_written(d, before, after, at, e);
    if (reg == &reg_control)
        return touch_control(d, before, after, at, e);
    if (reg == &reg_appetite)
        return approved(before) || approved(after) ? appetite_written(d, before, after, at, e) : 0;
    if (reg != &reg_org)
        return 0;
    int rc = MOVED(before, after, org_inputs) ? store_latest_touch(s, 1, at, e) : 0;
    int was = before && before->reg == &reg_org ? dom_matrix_size(d) : 0,
        now = matrix_after(d, after);
    if (!rc && reg == &reg_org && was != now)
        rc = store_latest_cells(s, 0, now, e);
    return rc;
}

/* Once, from every analysis: each risk's judged by its own model (the
 * verdict of the whole model's hash, at one risk's memory), marked when
 * stale; any other when written since it ran. */
int dom_latest_rebuild(dom *d, isms_err *e)
{
    store *s = dom_store(d);
    if (!store_keeps_latest(s))
        return 0;
    int rc = store_latest_rebuild(s, dom_matrix_size(d), e);
    return rc ? rc : dom_latest_judge_all(d, e);
}
