/* rules.c: what each register demands beyond the generic checks. */
#include "domain/engine/dom_internal.h"
#include "domain/engine/graph.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "domain/registers/rules.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

int rules_is_retiring(const record *r, const record *old)
{
    return old && !old->retired_at && r->retired_at;
}

/* ---- organisation ---- */

static int count_labels(const char *csv)
{
    int n = 1;
    for (const char *p = csv; *p; p++)
        n += *p == ',';
    return n;
}

static int check_labels(const record *r, const char *field, int n, isms_err *e)
{
    const char *labels = record_text(r, field);
    if (labels && count_labels(labels) != n)
        return err_set(e, E_INVALID, field,
                       "%s: \"%s\" has %d labels; the %dx%d matrix needs %d", field, labels,
                       count_labels(labels), n, n, n);
    return 0;
}

/* The matrix may shrink only when no active risk sits outside it. */
static int check_matrix_shrink(dom *d, int n, isms_err *e)
{
    static const char *const levels[] = {"likelihood", "impact", "residual_likelihood",
                                         "residual_impact"};
    for (int i = 0; i < 4; i++) {
        int64_t max;
        int rc = store_max(dom_store(d), &reg_risk, levels[i], &max, e);
        if (rc)
            return rc;
        if (max > n)
            return err_set(e, E_CONFLICT, "risk_matrix",
                           "risk_matrix: cannot shrink to %dx%d: risks are rated up to %lld for %s; "
                           "re-rate them first", n, n, (long long)max, levels[i]);
    }
    return 0;
}

/* Amounts are stored in minor units of the currency: changing it would
 * silently re-value them, so it is allowed only while none are recorded. */
static int check_currency_change(dom *d, isms_err *e)
{
    for (int r = 0; registers[r]; r++)
        for (int i = 0; i < registers[r]->nfields; i++) {
            if (registers[r]->fields[i].type != FT_MONEY)
                continue;
            int64_t max;
            int rc = store_max(dom_store(d), registers[r], registers[r]->fields[i].name, &max, e);
            if (rc)
                return rc;
            if (max > 0)
                return err_set(e, E_CONFLICT, "currency",
                               "currency: amounts are already recorded (%s %s); the currency "
                               "cannot change under them", registers[r]->plural,
                               registers[r]->fields[i].name);
        }
    return 0;
}

int rules_org(dom *d, record *r, const record *old, isms_err *e)
{
    const char *country = record_text(r, "country");
    if (country && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
                    country[1] < 'A' || country[1] > 'Z'))
        return err_set(e, E_INVALID, "country",
                       "country: \"%s\" is not an ISO 3166-1 alpha-2 code (e.g. DE, FR, NL)", country);
    int n = (int)record_int(r, "risk_matrix");
    int rc = check_labels(r, "likelihood_labels", n, e);
    if (!rc)
        rc = check_labels(r, "impact_labels", n, e);
    if (!rc && old && n < record_int(old, "risk_matrix"))
        rc = check_matrix_shrink(d, n, e);
    if (!rc && old && strcmp(record_text(r, "currency"), record_text(old, "currency")))
        rc = check_currency_change(d, e);
    return rc;
}

/* ---- people ---- */

static int email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || strchr(s, ' '))
        return 0;
    const char *dot = strrchr(at, '.');
    return dot && dot > at + 1 && dot[1];
}

typedef struct owned_list {
    buf keys;
    int n;
} owned_list;

static int collect_owned(const regdef *reg, const fielddef *f, const char *key, void *ctx)
{
    (void)reg; (void)f;
    owned_list *l = ctx;
    if (f->type != FT_REF)
        return 0;
    if (l->n < 10)
        buf_printf(&l->keys, "%s%s", l->n ? ", " : "", key);
    l->n++;
    return 0;
}

/* Every accountability names one person: someone who still owns records
 * cannot leave the register until they are reassigned. */
static int check_person_retire(dom *d, const record *r, isms_err *e)
{
    owned_list l = {.n = 0};
    buf_init(&l.keys);
    int rc = store_referrers(dom_store(d), &reg_person, r->id, collect_owned, &l, e);
    if (!rc && l.n)
        rc = err_set(e, E_CONFLICT, "person",
                     "%s still owns %d record%s (%s%s); reassign %s first", r->key, l.n,
                     l.n == 1 ? "" : "s", buf_str(&l.keys), l.n > 10 ? ", ..." : "",
                     l.n == 1 ? "it" : "them");
    buf_reset(&l.keys);
    return rc;
}

int rules_person(dom *d, record *r, const record *old, isms_err *e)
{
    const char *email = record_text(r, "email");
    if (email && !email_valid(email))
        return err_set(e, E_INVALID, "email", "email: \"%s\" is not an e-mail address", email);
    if (rules_is_retiring(r, old))
        return check_person_retire(d, r, e);
    return 0;
}

/* ---- risk appetite (its approval is its lifecycle, registers.c) ---- */

int rules_appetite(dom *d, record *r, const record *old, isms_err *e)
{
    (void)d; (void)old;
    const value *app = record_cval(r, "appetite"), *tol = record_cval(r, "tolerance");
    if (!app->null && !tol->null && tol->i < app->i)
        return err_set(e, E_INVALID, "tolerance",
                       "tolerance: it is below the appetite; tolerance is the variance around "
                       "appetite that is still acceptable, so it must be at least the appetite");
    return 0;
}

int rules_owned(dom *d, record *r, const record *old, isms_err *e)
{
    (void)d; (void)r; (void)old; (void)e;
    return 0;
}

/* ---- assets: no dependency cycles ---- */

/* Is `to` reachable from `from` along the edges (ignoring those leaving
 * `skip`, whose edges the change replaces)? Each edge is followed once. */
static int reachable(const graph *g, int64_t from, int64_t to, int64_t skip)
{
    int64_t *stack = xmalloc((g->n + 1) * sizeof *stack);
    unsigned char *seen = xcalloc(g->n + 1, 1);
    size_t top = 0;
    int found = 0;
    stack[top++] = from;
    while (top && !found) {
        int64_t at = stack[--top];
        found = at == to;
        if (at == skip)
            continue;
        for (size_t i = graph_first(g, at); i < g->n && g->src[i] == at; i++)
            if (!seen[i]) {
                seen[i] = 1;
                stack[top++] = g->dst[i];
            }
    }
    free(stack);
    free(seen);
    return found;
}

int rules_asset(dom *d, record *r, const record *old, isms_err *e)
{
    const value *deps = record_cval(r, "depends_on");
    if (!deps->given || !deps->n)
        return 0;
    graph g;
    int rc = graph_load(d, &reg_asset, "depends_on", &g, e);
    for (int k = 0; !rc && k < deps->n; k++) {
        if (deps->ids[k] == r->id)
            rc = err_set(e, E_INVALID, "depends_on", "depends_on: %s cannot depend on itself", r->key);
        else if (r->id && reachable(&g, deps->ids[k], r->id, r->id))
            rc = err_set(e, E_INVALID, "depends_on",
                         "depends_on: %s already depends, directly or not, on %s: this would "
                         "make a dependency cycle", deps->keys[k], r->key);
    }
    (void)old;
    graph_free(&g);
    return rc;
}

/* ---- risks ---- */

static int check_residual(const record *r, const char *residual, const char *inherent, isms_err *e)
{
    const value *res = record_cval(r, residual);
    int64_t inh = record_int(r, inherent);
    if (!res->null && res->i > inh)
        return err_set(e, E_INVALID, residual,
                       "%s: %lld is above the inherent %s (%lld); controls cannot make a risk worse",
                       residual, (long long)res->i, inherent, (long long)inh);
    return 0;
}

/* FAIR inputs, when any are given, must make a complete model: one way to
 * the loss event frequency, a primary loss, and a secondary loss only with
 * its probability. The engine checks the rest (ranges, shapes). */
static int check_fair_inputs(const record *r, isms_err *e)
{
    int lef = !!record_text(r, "lef"), tef = !!record_text(r, "tef"),
        vuln = !!record_text(r, "vulnerability"), tcap = !!record_text(r, "threat_capability"),
        rs = !!record_text(r, "resistance_strength"), plm = !!record_text(r, "primary_loss"),
        slep = !!record_text(r, "secondary_probability"), slm = !!record_text(r, "secondary_loss");
    if (!(lef | tef | vuln | tcap | rs | plm | slep | slm))
        return 0;
    if (lef && (tef || vuln || tcap || rs))
        return err_set(e, E_INVALID, "lef", "lef: give the loss event frequency directly, or derive "
                       "it from tef and vulnerability, not both");
    if (!lef && !tef)
        return err_set(e, E_INVALID, "lef", "lef: a FAIR model needs a loss event frequency "
                       "(lef, or tef with vulnerability)");
    if (tef && !vuln && !(tcap && rs))
        return err_set(e, E_INVALID, "vulnerability", "vulnerability: tef needs a vulnerability "
                       "(vulnerability, or threat_capability with resistance_strength)");
    if (vuln && (tcap || rs))
        return err_set(e, E_INVALID, "vulnerability", "vulnerability: give it directly or as threat "
                       "capability against resistance strength, not both");
    if (tcap != rs)
        return err_set(e, E_INVALID, tcap ? "resistance_strength" : "threat_capability",
                       "%s: threat capability and resistance strength go together",
                       tcap ? "resistance_strength" : "threat_capability");
    if (!plm)
        return err_set(e, E_INVALID, "primary_loss", "primary_loss: a FAIR model needs the primary "
                       "loss per event (primary_loss)");
    if (slep != slm)
        return err_set(e, E_INVALID, slep ? "secondary_loss" : "secondary_probability",
                       "%s: secondary probability and secondary loss go together",
                       slep ? "secondary_loss" : "secondary_probability");
    return dom_fair_validate(r, e);
}

int rules_risk(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = check_fair_inputs(r, e);
    if (!rc)
        rc = check_residual(r, "residual_likelihood", "likelihood", e);
    if (!rc)
        rc = check_residual(r, "residual_impact", "impact", e);
    const value *review = record_cval(r, "review_date");
    if (!rc && review->given && review->null)
        rc = err_set(e, E_INVALID, "review_date",
                     "review_date: \"\" would leave the risk without a review date; risks are "
                     "reviewed at least yearly, so give a date (left out when the risk is added, "
                     "it is a year from today)");
    if (!rc && !old && review->null) {
        /* Risk assessments are reviewed at least yearly (DORA Art. 6(5), ISO Cl. 8.2). */
        char today[11], next[11];
        now_date(today);
        date_add_days(next, today, 365);
        record_set_text(r, "review_date", next, dom_arena(d));
    }
    return rc;
}

/* ---- controls ---- */

/* A control's effect in the FAIR model: a factor and the share of it
 * removed, or insurance (transfer) with a deductible or a limit. */
static int check_control_effect(const record *r, isms_err *e)
{
    const char *acts_on = record_text(r, "acts_on"), *reduction = record_text(r, "reduction");
    int insurance = acts_on && !strcmp(acts_on, "transfer");
    int terms = !record_cval(r, "deductible")->null || !record_cval(r, "cover_limit")->null ||
                record_text(r, "cover_basis");
    if (reduction && !acts_on)
        return err_set(e, E_INVALID, "acts_on", "acts_on: a reduction needs the factor it acts on "
                       "(tef, vulnerability, lef, primary-loss, secondary-loss, loss-magnitude)");
    if (acts_on && !insurance && !reduction)
        return err_set(e, E_INVALID, "reduction", "reduction: say how much of %s the control "
                       "removes, e.g. pert(0.3,0.5,0.7)", acts_on);
    if (insurance && reduction)
        return err_set(e, E_INVALID, "reduction", "reduction: insurance transfers loss through "
                       "its deductible and limit, not a reduction");
    if (terms && !insurance)
        return err_set(e, E_INVALID, "deductible", "deductible: deductible, cover limit and cover "
                       "basis belong to insurance (acts_on transfer)");
    return reduction ? dom_fair_check_share(reduction, e) : 0;
}

int rules_control(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = check_control_effect(r, e);
    if (rc)
        return rc;
    const char *status = record_text(r, "status");
    if (!rules_is_retiring(r, old) && !strcmp(status, "retired"))
        return err_set(e, E_INVALID, "status",
                       "status: a control is retired with `isms control retire`, which keeps its history");
    if ((!strcmp(status, "implemented") || !strcmp(status, "operating")) &&
        record_cval(r, "implemented_on")->null) {
        char today[11];
        now_date(today);
        record_set_text(r, "implemented_on", today, dom_arena(d));
    }
    return 0;
}

/* ---- derived values ---- */

int risk_score(const record *risk)
{
    return (int)(record_int(risk, "likelihood") * record_int(risk, "impact"));
}

int risk_residual_score(const record *risk)
{
    const value *rl = record_cval(risk, "residual_likelihood"), *ri = record_cval(risk, "residual_impact");
    int64_t l = rl->null ? record_int(risk, "likelihood") : rl->i;
    int64_t i = ri->null ? record_int(risk, "impact") : ri->i;
    return (int)(l * i);
}

const char *risk_band(int score, int n)
{
    /* Band edges at 16%, 36% and 64% of the largest score: on a 5x5 matrix
     * 1-4 low, 5-9 medium, 10-16 high, 20-25 critical. */
    double f = (double)score / (double)(n * n);
    return f <= 0.16 ? "low" : f <= 0.36 ? "medium" : f <= 0.64 ? "high" : "critical";
}
