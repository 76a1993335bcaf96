/* dashboard.c: the dashboard's figures (see dashboard.h): from the kept
 * figures (dashboard_kept), or counted over the registers (the recount). */
#include "domain/views/dashboard.h"
#include "domain/views/accountability.h"
#include "domain/views/attention.h"
#include "domain/views/metrics.h"
#include "formats/json.h"
#include "domain/views/derived.h"
#include "domain/registers/assets.h"
#include "domain/registers/registers.h"
#include "domain/registers/owner_gaps.h"
#include "domain/registers/tallies.h"
#include "domain/integrity/verify.h"
#include "domain/workflows/quantify.h"
#include "core/strmap.h"
#include "core/text.h"
#include "core/idset.h"
#include "core/xalloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void keys_add(arena *a, dash_keys *k, const char *key)
{
    k->total++;
    if (k->n < DASH_KEYS_FIRST)
        k->keys[k->n++] = arena_strdup(a, key);
}

/* Per objective: how many of its risks are quantified, and how many not. */
typedef struct objective_count {
    int64_t id;
    int quantified, not_quantified;
} objective_count;

/* What the scans share while they count. */
typedef struct gather {
    dom_dash *out;
    dom *d;
    arena *a;
    char today[11];
    id_set treated;             /* risks with a control in place */
    id_set accepted;            /* risks with a valid acceptance */
    id_set owners;              /* people owning an active risk */
    char year_ago[11];          /* today a year ago: a decision taken after it is of the year */
    const quant_latest *latest; /* the latest analysis of each subject */
    size_t nlatest;
    objective_count *objectives;
    size_t nobjectives;
    int64_t top_owner[DASH_TOP_RISKS]; /* the person ids of out->top's owners */
    const tallies *kept;               /* the kept figures (kept_figures) */
    int gaps_kept;                     /* the matrix's gaps read from them (owner_gaps.h) */
    isms_err *e;                       /* where a callback says why it failed */
} gather;

static int band_index(const char *band)
{
    return !strcmp(band, "low") ? 0 : !strcmp(band, "medium") ? 1 : !strcmp(band, "high") ? 2 : 3;
}

static int count_control(const record *r, void *ctx)
{
    gather *g = ctx;
    const value *t = record_cval(r, F_CONTROL_TREATS);
    const char *status = record_text(r, F_CONTROL_STATUS);
    int k = choice_index(control_statuses, status);
    if (k >= 0)
        g->out->controls[k]++;
    g->out->control_cost += record_int(r, F_CONTROL_COST);
    g->out->controls_without_risk += !t->n;
    if (strcmp(status, "planned")) {
        const char *eff = record_text(r, F_CONTROL_EFFECTIVENESS);
        g->out->not_assessed += !strcmp(eff, "not-assessed");
        g->out->ineffective += !strcmp(eff, "ineffective");
        g->out->partial += !strcmp(eff, "partially-effective");
    }
    if (strcmp(status, "planned")) /* a plan treats nothing yet */
        for (int i = 0; i < t->n; i++)
            idset_add(&g->treated, t->ids[i]);
    const char *due = record_text(r, F_CONTROL_IMPLEMENTATION_DUE);
    g->out->controls_overdue += !strcmp(status, "planned") && due && strcmp(due, g->today) < 0;
    return 0;
}

static int count_acceptance(const record *r, void *ctx)
{
    gather *g = ctx;
    const char *expires = record_text(r, F_ACCEPTANCE_EXPIRES_ON);
    if (expires && strcmp(expires, g->today) < 0)
        g->out->acceptances_lapsed++;
    else
        idset_add(&g->accepted, record_cval(r, F_ACCEPTANCE_RISK)->i);
    return 0;
}

/* A decision counted as the kept figures count it (tallies.c). */
static int count_decision(const record *r, void *ctx)
{
    gather *g = ctx;
    dom_dash *s = g->out;
    const char *status = record_text(r, F_DECISION_STATUS),
               *due = record_text(r, F_DECISION_DUE_DATE),
               *at = record_text(r, F_DECISION_DECIDED_AT);
    int64_t amount = record_int(r, F_DECISION_AMOUNT);
    int k = choice_index(decision_statuses, status);
    if (k >= 0)
        s->decisions[k]++;
    if (decision_taken(status)) {
        int on_risk = decision_rests_on_risk(r);
        s->decided_amount += amount;
        s->decisions_on_risk += on_risk;
        s->amount_on_risk += on_risk ? amount : 0;
        s->taken_last_year += at && strncmp(at, g->year_ago, 10) > 0;
    }
    s->decisions_overdue += due && !strcmp(status, "decided") && strcmp(due, g->today) < 0;
    return 0;
}

/* An incident counted as the kept figures count it (tallies.c). */
static int count_incident(const record *r, void *ctx)
{
    gather *g = ctx;
    dom_dash *s = g->out;
    const char *status = record_text(r, F_INCIDENT_STATUS),
               *detected = record_text(r, F_INCIDENT_DETECTED_AT),
               *resolved = record_text(r, F_INCIDENT_RESOLVED_AT);
    int k = choice_index(incident_statuses, status);
    if (k >= 0)
        s->incidents[k]++;
    const char *severity = record_text(r, F_INCIDENT_SEVERITY); /* may be cleared */
    k = severity ? choice_index(incident_severities, severity) : -1;
    if (incident_is_open(status) && k >= 0)
        s->incidents_handled[k]++;
    if (!detected || strncmp(detected, g->year_ago, 10) <= 0)
        return 0;
    s->incidents_year++;
    s->incident_loss_year += record_int(r, F_INCIDENT_LOSS);
    s->incidents_year_on_risk += record_cval(r, F_INCIDENT_RISKS)->n > 0;
    s->incidents_year_reportable += record_cval(r, F_INCIDENT_REGIMES)->n > 0;
    if (resolved) {
        s->incidents_year_resolved++;
        s->incident_minutes_year += (timestamp_epoch(resolved) - timestamp_epoch(detected)) / 60;
    }
    return 0;
}

/* A metric counted as the kept figures count it. */
static int count_metric(const record *r, void *ctx)
{
    gather *g = ctx;
    const char *status = record_text(r, F_METRIC_LAST_STATUS),
               *due = record_text(r, F_METRIC_MEASURE_DUE);
    int k = status ? choice_index(metric_statuses, status) : -1;
    if (k >= 0)
        g->out->metrics[k]++;
    g->out->metrics_overdue += due && strcmp(due, g->today) < 0;
    return 0;
}

/* A management review held on `day` (YYYY-MM-DD...) counts as the latest
 * if none later does. */
static void note_review_day(dom_dash *s, const char *day)
{
    if (strncmp(day, s->last_review, 10) > 0)
        snprintf(s->last_review, sizeof s->last_review, "%.10s", day);
}

/* A management review counted as the kept figures count it: held in the
 * last 365 days, by the day it was held. */
static int count_review(const record *r, void *ctx)
{
    gather *g = ctx;
    const char *day = record_text(r, F_REVIEW_HELD_ON);
    if (!review_held(record_text(r, F_REVIEW_STATUS)) || !day || strcmp(day, g->year_ago) <= 0)
        return 0;
    g->out->reviews_last_year++;
    note_review_day(g->out, day);
    return 0;
}

/* A latest analysis that is stale (and of a current risk, if of a risk). */
static void note_stale(dom_dash *s, const quant_latest *l)
{
    if (l->fresh.stale && !l->fresh.orphan)
        s->stale[s->nstale++] = (dash_stale){ l->rec->id, l->key, l->subject, l->fresh.since };
}

/* The latest portfolio by objective, whose results the front ends show. */
static void note_portfolio(dom_dash *s, const quant_latest *l)
{
    if (quant_is_objective_portfolio(l)) {
        s->portfolio_results = record_text(l->rec, F_ANALYSIS_RESULTS);
        s->portfolio_key = l->key;
        s->portfolio_stale = l->fresh.stale;
        s->portfolio_since = l->fresh.since;
    }
}

/* From the latest analyses the store keeps: those written since they ran
 * (the only ones that may be stale) and the portfolios, not every one. */
static int note_kept_analyses(dom *d, gather *g, isms_err *e)
{
    quant_latest *written, *portfolios;
    size_t nwritten, nportfolios;
    dom_dash *s = g->out;
    int rc =
        dom_latest_dashboard(d, DASH_KEYS_FIRST, &written, &nwritten, &portfolios, &nportfolios, e);
    if (rc)
        return rc;
    s->stale_total = store_keeps_latest_figures(dom_store(d))
                         ? tallies_get(g->kept, STORE_STALE_TALLY)
                         : (int64_t)nwritten;
    s->stale = arena_alloc(g->a, sizeof *s->stale * (nwritten + 1));
    for (size_t k = 0; k < nwritten; k++)
        note_stale(s, &written[k]);
    for (size_t k = 0; k < nportfolios; k++)
        note_portfolio(s, &portfolios[k]);
    return 0;
}

static int by_analysis(const void *a, const void *b)
{
    const dash_stale *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Every stale one noted: the first DASH_KEYS_FIRST in the analyses'
 * order, as the kept rows give them, and how many in all. */
static void keep_first_stale(dom_dash *s)
{
    if (s->nstale > 1)
        qsort(s->stale, s->nstale, sizeof *s->stale, by_analysis);
    s->stale_total = (int64_t)s->nstale;
    if (s->nstale > DASH_KEYS_FIRST)
        s->nstale = DASH_KEYS_FIRST;
}

/* The latest analyses, the stale ones among them, and the latest
 * portfolio by objective (whose results the front ends show). */
static int note_analyses(dom *d, gather *g, isms_err *e)
{
    if (g->kept && store_keeps_latest(dom_store(d)))
        return note_kept_analyses(d, g, e);
    dom_dash *s = g->out;
    int rc = dom_latest_analyses_kept(d, &g->latest, &g->nlatest, e);
    if (rc)
        return rc;
    s->stale = arena_alloc(g->a, sizeof *s->stale * (g->nlatest + 1));
    for (size_t k = 0; k < g->nlatest; k++) {
        note_stale(s, &g->latest[k]);
        note_portfolio(s, &g->latest[k]);
    }
    keep_first_stale(s);
    return 0;
}

static const quant_latest *latest_of(const gather *g, const char *risk)
{
    for (size_t k = 0; k < g->nlatest; k++)
        if (!strcmp(g->latest[k].kind, "risk") && !strcmp(g->latest[k].subject, risk))
            return &g->latest[k];
    return NULL;
}

static objective_count *objective_of(gather *g, int64_t id)
{
    for (size_t k = 0; k < g->nobjectives; k++)
        if (g->objectives[k].id == id)
            return &g->objectives[k];
    g->objectives = xrealloc(g->objectives, (g->nobjectives + 1) * sizeof *g->objectives);
    g->objectives[g->nobjectives] = (objective_count){ id, 0, 0 };
    return &g->objectives[g->nobjectives++];
}

/* A risk's figures: quantified or not (and its objectives with it), its
 * latest verdict, and whether its cell agrees with the one its figures
 * imply. */
static void note_quantified(gather *g, const record *r, int l, int i)
{
    dom_dash *s = g->out;
    int quantified = dom_risk_quantified(r);
    const value *objs = record_cval(r, F_RISK_OBJECTIVES);
    for (int k = 0; k < objs->n; k++) {
        objective_count *o = objective_of(g, objs->ids[k]);
        o->quantified += quantified;
        o->not_quantified += !quantified;
    }
    if (!quantified) {
        keys_add(g->a, &s->unquantified, r->key);
        return;
    }
    s->quantified++;
    const quant_latest *a = latest_of(g, r->key);
    if (!a)
        return;
    if (record_int(a->rec, F_ANALYSIS_OUTSIDE_APPETITE)) {
        s->outside_appetite++;
        keys_add(g->a, &s->outside, r->key);
    }
    const value *al = record_cval(a->rec, F_ANALYSIS_LIKELIHOOD),
                *ai = record_cval(a->rec, F_ANALYSIS_IMPACT);
    if (!al->null && !ai->null && quant_cells_disagree(s->matrix, l, i, (int)al->i, (int)ai->i))
        keys_add(g->a, &s->matrix_disagrees, r->key);
}

/* Keeps the DASH_TOP_RISKS highest residual scores, highest first. */
static void keep_top(gather *g, const record *r, int residual)
{
    dom_dash *s = g->out;
    if (s->ntop == DASH_TOP_RISKS && s->top[DASH_TOP_RISKS - 1].residual >= residual)
        return;
    int at = s->ntop < DASH_TOP_RISKS ? s->ntop++ : DASH_TOP_RISKS - 1;
    dash_risk row = { arena_strdup(g->a, r->key),
                      arena_strdup(g->a, record_text(r, F_RISK_TITLE)),
                      NULL, /* its key, once the scan is over (top_owners) */
                      arena_strdup(g->a, record_text(r, F_RISK_TREATMENT)),
                      risk_score(r),
                      residual,
                      risk_band(residual, s->matrix) };
    int64_t owner = record_cval(r, F_RISK_OWNER)->i;
    while (at > 0 && s->top[at - 1].residual < residual) {
        s->top[at] = s->top[at - 1];
        g->top_owner[at] = g->top_owner[at - 1];
        at--;
    }
    s->top[at] = row;
    g->top_owner[at] = owner;
}

/* The owners' keys of the top risks: the scan reads references as ids. */
static int top_owners(gather *g, isms_err *e)
{
    for (int k = 0; k < g->out->ntop; k++) {
        record p;
        int rc = store_get_id(dom_store(g->d), &reg_person, g->top_owner[k], &p, g->a, e);
        if (rc)
            return rc;
        g->out->top[k].owner = p.key;
    }
    return 0;
}

static int count_risk(const record *r, void *ctx)
{
    gather *g = ctx;
    dom_dash *s = g->out;
    int residual = risk_residual_score(r);
    const value *rl = record_cval(r, F_RISK_RESIDUAL_LIKELIHOOD),
                *ri = record_cval(r, F_RISK_RESIDUAL_IMPACT);
    int l = (int)(rl->null ? record_int(r, F_RISK_LIKELIHOOD) : rl->i);
    int i = (int)(ri->null ? record_int(r, F_RISK_IMPACT) : ri->i);
    const char *treatment = record_text(r, F_RISK_TREATMENT),
               *review = record_text(r, F_RISK_REVIEW_DATE);
    s->risks++;
    idset_add(&g->owners, record_cval(r, F_RISK_OWNER)->i);
    note_quantified(g, r, l, i);
    if (l >= 1 && l <= 5 && i >= 1 && i <= 5)
        s->heat[l][i]++;
    s->bands[band_index(risk_band(residual, s->matrix))]++;
    s->no_objective += !record_cval(r, F_RISK_OBJECTIVES)->n;
    s->overdue += review && strcmp(review, g->today) < 0;
    if (!strcmp(treatment, "accept"))
        s->accepted_without += !idset_has(&g->accepted, r->id);
    else if (strcmp(treatment, "avoid") && !idset_has(&g->treated, r->id)) {
        s->untreated++;
        keys_add(g->a, &s->untreated_keys, r->key);
    }
    keep_top(g, r, residual);
    return 0;
}

static int count_objective(const record *r, void *ctx)
{
    gather *g = ctx;
    g->out->objectives++;
    g->out->objective_value += record_int(r, F_OBJECTIVE_VALUE_AT_STAKE);
    const objective_count *o = objective_of(g, r->id);
    if (!o->quantified)
        keys_add(g->a, &g->out->unquantified_objectives, r->key);
    if (o->not_quantified)
        g->out->value_unquantified += record_int(r, F_OBJECTIVE_VALUE_AT_STAKE);
    return 0;
}

static int count_needs(dom *d, dom_dash *s, isms_err *e)
{
    asset_need *needs;
    int rc = dom_asset_needs(d, &needs, &s->assets, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < s->assets; i++)
        for (int k = 0; k < NEED_COUNT; k++)
            if (needs[i].inherited[k] > needs[i].stated[k]) {
                s->raised++;
                break;
            }
    free(needs);
    return 0;
}

/* Seconds since `at` (2026-12-02T10:00:00Z), 0 when unreadable. */
static int64_t age_of(const char *at)
{
    struct tm tm = { 0 };
    if (sscanf(at, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t age = (int64_t)(time(NULL) - timegm(&tm));
    return age > 0 ? age : 0;
}

/* The ledger's length and head, and what the last verification reported:
 * a few rows, where verifying is a pass over the whole repository. */
static int check_ledger(dom *d, dom_dash *s, isms_err *e)
{
    int rc = dom_ledger_head(d, &s->ledger_entries, s->ledger_head, e);
    if (!rc)
        rc = dom_verify_last(d, &s->verification, e);
    if (rc)
        return rc;
    const verify_record *v = &s->verification;
    s->ledger_verified = v->present && !v->problems;
    s->verified_age = v->present ? age_of(v->at) : 0;
    s->not_verified = v->present && s->ledger_entries > v->seq ? s->ledger_entries - v->seq : 0;
    return 0;
}

/* The registers read field by field: each scan reads only the fields its
 * counts need, references as ids (store_query.fields, ids_only). */
static const int control_fields[] = { F_CONTROL_TREATS, F_CONTROL_STATUS, F_CONTROL_COST,
                                      F_CONTROL_EFFECTIVENESS, F_CONTROL_IMPLEMENTATION_DUE };
static const int acceptance_fields[] = { F_ACCEPTANCE_EXPIRES_ON, F_ACCEPTANCE_RISK };
static const int objective_fields[] = { F_OBJECTIVE_VALUE_AT_STAKE };
static const int decision_fields[] = { F_DECISION_STATUS,   F_DECISION_AMOUNT,
                                       F_DECISION_RISKS,    F_DECISION_ANALYSIS,
                                       F_DECISION_DUE_DATE, F_DECISION_DECIDED_AT };
static const int review_fields[] = { F_REVIEW_STATUS, F_REVIEW_HELD_ON };
static const int metric_fields[] = { F_METRIC_LAST_STATUS, F_METRIC_MEASURE_DUE };
static const int incident_fields[] = { F_INCIDENT_STATUS,      F_INCIDENT_SEVERITY,
                                       F_INCIDENT_DETECTED_AT, F_INCIDENT_RESOLVED_AT,
                                       F_INCIDENT_LOSS,        F_INCIDENT_RISKS,
                                       F_INCIDENT_REGIMES };
static const int risk_fields[] = {
    F_RISK_LIKELIHOOD,      F_RISK_IMPACT,    F_RISK_RESIDUAL_LIKELIHOOD,
    F_RISK_RESIDUAL_IMPACT, F_RISK_TREATMENT, F_RISK_REVIEW_DATE,
    F_RISK_OBJECTIVES,      F_RISK_TITLE,     F_RISK_OWNER
};
enum { NRISK_FIELDS = sizeof risk_fields / sizeof *risk_fields };

#define FIELDS_OF(list)                                                      \
    {                                                                        \
        .ids_only = 1, .fields = list, .nfields = sizeof list / sizeof *list \
    }

static int scan_risks(dom *d, gather *g, isms_err *e)
{
    const int *inputs;
    int ninputs = dom_risk_input_fields(&inputs), fields[NRISK_FIELDS + 16];
    if (ninputs > 16)
        return err_set(e, E_INTERNAL, "risk", "%d FAIR inputs", ninputs);
    memcpy(fields, risk_fields, sizeof risk_fields);
    memcpy(fields + NRISK_FIELDS, inputs, sizeof *inputs * (size_t)ninputs);
    store_query q = { .ids_only = 1, .fields = fields, .nfields = NRISK_FIELDS + ninputs };
    int rc = dom_list(d, &reg_risk, &q, count_risk, g, e);
    if (rc)
        return rc;
    return top_owners(g, e);
}

static int scan(dom *d, gather *g, isms_err *e)
{
    store_query controls = FIELDS_OF(control_fields), acceptances = FIELDS_OF(acceptance_fields),
                objectives = FIELDS_OF(objective_fields), decisions = FIELDS_OF(decision_fields),
                incidents = FIELDS_OF(incident_fields), reviews = FIELDS_OF(review_fields),
                metrics = FIELDS_OF(metric_fields);
    int rc = dom_list(d, &reg_control, &controls, count_control, g, e);
    if (!rc)
        rc = dom_list(d, &reg_acceptance, &acceptances, count_acceptance, g, e);
    if (!rc)
        rc = note_analyses(d, g, e);
    idset_seal(&g->treated);
    idset_seal(&g->accepted);
    if (!rc)
        rc = scan_risks(d, g, e);
    if (!rc)
        rc = dom_list(d, &reg_objective, &objectives, count_objective, g, e);
    if (!rc && store_keeps_decisions(dom_store(d)))
        rc = dom_list(d, &reg_decision, &decisions, count_decision, g, e);
    if (!rc && store_keeps_incidents(dom_store(d)))
        rc = dom_list(d, &reg_incident, &incidents, count_incident, g, e);
    if (!rc && store_keeps_incidents(dom_store(d))) /* as tallies.c counts them */
        rc = dom_list(d, &reg_review, &reviews, count_review, g, e);
    if (!rc && store_keeps_metrics(dom_store(d)))
        rc = dom_list(d, &reg_metric, &metrics, count_metric, g, e);
    if (!rc)
        rc = count_needs(d, g->out, e);
    return rc;
}

/* ---- from the kept figures ---- */

/* One of the incidents' kept figures (tallies.c, note_incident), without
 * its "incident." prefix. */
static void incident_figure(gather *g, const char *name, int64_t n)
{
    dom_dash *s = g->out;
    int c;
    if (!strncmp(name, "status.", 7) && (c = choice_index(incident_statuses, name + 7)) >= 0)
        s->incidents[c] += n;
    else if (!strncmp(name, "open.", 5) && (c = choice_index(incident_severities, name + 5)) >= 0)
        s->incidents_handled[c] += n;
}

/* One of the metrics' kept figures (tallies.c, note_metric), without its
 * "metric." prefix. */
static void metric_figure(gather *g, const char *name, int64_t n)
{
    dom_dash *s = g->out;
    int c;
    if (!strncmp(name, "status.", 7) && (c = choice_index(metric_statuses, name + 7)) >= 0)
        s->metrics[c] += n;
    else if (!strncmp(name, "due.", 4) && strcmp(name + 4, g->today) < 0)
        s->metrics_overdue += n;
}

/* A figure counted by the day, "day.YYYY-MM-DD.what", if of the last 365
 * days (the store read no older ones: the day is checked all the same). */
static void day_figure(gather *g, const char *name, int64_t n)
{
    dom_dash *s = g->out;
    size_t p = sizeof STORE_DAY_PREFIX - 1;
    if (strlen(name) < p + 11 || strncmp(name + p, g->year_ago, 10) <= 0)
        return;
    static const struct {
        const char *what;
        size_t at;
    } days[] = {
        { "decision.taken", offsetof(dom_dash, taken_last_year) },
        { "incident.detected", offsetof(dom_dash, incidents_year) },
        { "incident.loss", offsetof(dom_dash, incident_loss_year) },
        { "incident.on_risk", offsetof(dom_dash, incidents_year_on_risk) },
        { "incident.reportable", offsetof(dom_dash, incidents_year_reportable) },
        { "incident.resolved", offsetof(dom_dash, incidents_year_resolved) },
        { "incident.minutes", offsetof(dom_dash, incident_minutes_year) },
        { "review.held", offsetof(dom_dash, reviews_last_year) },
    };
    for (size_t k = 0; k < sizeof days / sizeof *days; k++)
        if (!strcmp(name + p + 11, days[k].what))
            *(int64_t *)((char *)s + days[k].at) += n;
    if (!strcmp(name + p + 11, "review.held") && n > 0)
        note_review_day(s, name + p);
}

/* What the kept figures say of themselves: the cells and bands, reviews
 * overdue, controls by status and effectiveness. One pass over the
 * figures, whose number is that of the distinct cells, dates, statuses
 * and objectives, not of the records. The risk owners come from the
 * responsibility matrix (owners_and_gaps) where the schema keeps who owns
 * what in every register (0026); before it, from the risks' own figures
 * (0021 to 0025; by their new name when this isms wrote them). */
static void from_tallies(gather *g, const tallies *t)
{
    static const char risk_owners[] = "risk.owner.", new_owners[] = TALLY_OWNER_PREFIX "risk.";
    int owners_here = !store_keeps_accountability(dom_store(g->d));
    dom_dash *s = g->out;
    for (size_t k = 0; k < t->m.cap; k++) {
        const char *name = t->m.slots[k].key;
        int64_t n = name ? *(const int64_t *)t->m.slots[k].value : 0;
        int l, i, c;
        if (!n)
            continue;
        if (sscanf(name, "risk.cell.%d.%d", &l, &i) == 2) {
            if (l >= 1 && l <= 5 && i >= 1 && i <= 5)
                s->heat[l][i] += (int)n;
            s->bands[band_index(risk_band(l * i, s->matrix))] += (int)n;
        } else if (!strncmp(name, "risk.review.", 12)) {
            s->overdue += strcmp(name + 12, g->today) < 0 ? n : 0;
        } else if (!strncmp(name, "control.status.", 15)) {
            c = choice_index(control_statuses, name + 15);
            if (c >= 0)
                s->controls[c] += n;
        } else if (!strncmp(name, "decision.status.", 16)) {
            c = choice_index(decision_statuses, name + 16);
            if (c >= 0)
                s->decisions[c] += n;
        } else if (!strncmp(name, "control.due.", 12)) {
            s->controls_overdue += strcmp(name + 12, g->today) < 0 ? n : 0;
        } else if (!strncmp(name, "decision.due.", 13)) {
            s->decisions_overdue += strcmp(name + 13, g->today) < 0 ? n : 0;
        } else if (!strncmp(name, STORE_DAY_PREFIX, sizeof STORE_DAY_PREFIX - 1)) {
            day_figure(g, name, n);
        } else if (owners_here && (!strncmp(name, risk_owners, sizeof risk_owners - 1) ||
                                   !strncmp(name, new_owners, sizeof new_owners - 1))) {
            idset_add(&g->owners, strtoll(strrchr(name, '.') + 1, NULL, 10));
        } else if (!strncmp(name, "incident.", 9)) {
            incident_figure(g, name + 9, n);
        } else if (!strncmp(name, "metric.", 7)) {
            metric_figure(g, name + 7, n);
        }
    }
    /* each register's active records (0026); before, the risks' and the
     * objectives' own counts */
    int records = store_keeps_accountability(dom_store(g->d));
    s->risks = tallies_get(t, records ? TALLY_RECORDS_PREFIX "risk" : "risk");
    s->quantified = tallies_get(t, "risk.quantified");
    s->no_objective = tallies_get(t, "risk.no_objective");
    s->control_cost = tallies_get(t, "control.cost");
    s->not_assessed = tallies_get(t, "control.effectiveness.not-assessed");
    s->ineffective = tallies_get(t, "control.effectiveness.ineffective");
    s->partial = tallies_get(t, "control.effectiveness.partially-effective");
    s->objectives = tallies_get(t, records ? TALLY_RECORDS_PREFIX "objective" : "objective");
    s->objective_value = tallies_get(t, "objective.value");
    s->decided_amount = tallies_get(t, "decision.amount");
    s->amount_on_risk = tallies_get(t, "decision.amount_on_risk");
    s->controls_without_risk = tallies_get(t, "control.no_risk");
    s->decisions_on_risk = tallies_get(t, "decision.rests_on_risk");
}

/* The first keys of a list whose total is known: a scan stops once it
 * has them. */
static void key_keep(arena *a, dash_keys *k, const char *key)
{
    if (k->n < DASH_KEYS_FIRST)
        k->keys[k->n++] = arena_strdup(a, key);
}

typedef struct first_keys {
    gather *g;
    dash_keys *keys;
} first_keys;

static int first_key(const char *key, int64_t id, void *ctx)
{
    (void)id;
    first_keys *f = ctx;
    key_keep(f->g->a, f->keys, key);
    return 0;
}

static int first_record_key(const record *r, void *ctx) { return first_key(r->key, r->id, ctx); }

/* The first risks not quantified, by id: the database selects them (every
 * FAIR input null) and stops at the page's worth, so the cost does not grow
 * with the quantified risks read past (PostgreSQL would otherwise send the
 * whole register). */
static int unquantified_keys(gather *g, isms_err *e)
{
    dash_keys *k = &g->out->unquantified;
    k->total = g->out->risks - g->out->quantified;
    if (k->total <= 0)
        return 0;
    store_query q;
    dom_unquantified_query(g->a, 0, DASH_KEYS_FIRST, &q);
    first_keys f = { g, k };
    return dom_list(g->d, &reg_risk, &q, first_record_key, &f, e);
}

/* Untreated, accepted without a valid acceptance, acceptances lapsed: the
 * risks to treat less those a control in place treats (a kept figure from
 * 0016, else a query), the accepted ones
 * less those with an acceptance in force (queries over the controls'
 * links and the acceptances, not the risks). */
/* The figures named prefix + a day, summed: those from `today` on
 * (from 1), or those before it. */
static int64_t by_day(const tallies *t, const char *prefix, const char *today, int from)
{
    size_t len = strlen(prefix);
    int64_t n = 0;
    for (size_t k = 0; k < t->m.cap; k++) {
        const char *name = t->m.slots[k].key;
        if (name && !strncmp(name, prefix, len) && (strcmp(name + len, today) >= 0) == from)
            n += *(const int64_t *)t->m.slots[k].value;
    }
    return n;
}

/* Risks accepted with an acceptance in force, and acceptances lapsed:
 * kept by the day from 0029, else counted over the acceptances. */
static int acceptances(gather *g, const tallies *t, int64_t *valid, isms_err *e)
{
    store *st = dom_store(g->d);
    if (store_keeps_acceptances(st)) {
        *valid = by_day(t, TALLY_ACCEPTED_UNTIL, g->today, 1);
        g->out->acceptances_lapsed = by_day(t, TALLY_ACCEPTANCE_EXPIRES, g->today, 0);
        return 0;
    }
    int rc = store_risks_accepted_validly(st, g->today, valid, e);
    return rc ? rc : store_acceptances_lapsed(st, g->today, &g->out->acceptances_lapsed, e);
}

static int treatment(gather *g, const tallies *t, isms_err *e)
{
    dom_dash *s = g->out;
    store *st = dom_store(g->d);
    int64_t treated = tallies_get(t, "risk.treated"), valid;
    int rc = store_keeps_link_tallies(st) ? 0 : store_risks_treated(st, &treated, e);
    if (!rc)
        rc = acceptances(g, t, &valid, e);
    if (rc)
        return rc;
    s->untreated = tallies_get(t, "risk.to_treat") - treated;
    s->accepted_without = tallies_get(t, "risk.accept") - valid;
    s->untreated_keys.total = s->untreated;
    first_keys f = { g, &s->untreated_keys };
    const store_page first = { .limit = DASH_KEYS_FIRST };
    return s->untreated > 0 ? store_risks_untreated(st, &first, first_key, &f, e) : 0;
}

/* One of the worst risks, read whole by id (g->e says why it failed). */
static int top_row(const char *key, int64_t id, void *ctx)
{
    gather *g = ctx;
    dom_dash *s = g->out;
    record r;
    int rc = store_get_id(dom_store(g->d), &reg_risk, id, &r, g->a, g->e);
    if (rc)
        return rc;
    (void)key;
    s->top[s->ntop++] = dom_dash_risk(&r, s->matrix);
    return 0;
}

dash_risk dom_dash_risk(const record *r, int matrix)
{
    int residual = risk_residual_score(r);
    return (dash_risk){ r->key,
                        record_text(r, F_RISK_TITLE),
                        record_cval(r, F_RISK_OWNER)->s,
                        record_text(r, F_RISK_TREATMENT),
                        risk_score(r),
                        residual,
                        risk_band(residual, matrix) };
}

/* The worst risks, from the front of the index on the residual score. */
static int top_risks(gather *g, isms_err *e)
{
    g->e = e;
    return store_risks_top_residual(dom_store(g->d), DASH_TOP_RISKS, top_row, g, e);
}

static int objective_kept(const record *r, void *ctx)
{
    gather *g = ctx;
    char name[64];
    snprintf(name, sizeof name, "risk.objective.q.%lld", (long long)r->id);
    if (!tallies_get(g->kept, name))
        keys_add(g->a, &g->out->unquantified_objectives, r->key);
    snprintf(name, sizeof name, "risk.objective.u.%lld", (long long)r->id);
    if (tallies_get(g->kept, name))
        g->out->value_unquantified += record_int(r, F_OBJECTIVE_VALUE_AT_STAKE);
    return 0;
}

static int unquantified_key(const record *r, void *ctx)
{
    gather *g = ctx;
    keys_add(g->a, &g->out->unquantified_objectives, r->key);
    return 0;
}

/* The objectives with no quantified risk and the value of those with one
 * not quantified, from their kept sums (0042), and the first few of the
 * former by id. */
static int unquantified_kept(gather *g, const tallies *t, isms_err *e)
{
    int64_t ids[DASH_KEYS_FIRST];
    int n;
    int rc = tallies_unquantified_first(dom_store(g->d), DASH_KEYS_FIRST, ids, &n, e);
    if (!rc)
        rc = store_get_each(dom_store(g->d), &reg_objective, ids, n, unquantified_key, g, g->a, e);
    g->out->unquantified_objectives.total = tallies_get(t, "objective.unquantified");
    g->out->value_unquantified = tallies_get(t, "objective.value_unquantified");
    return rc;
}

/* A risk's latest analysis that speaks against it (outside appetite, or
 * its figures' cell far from the risk's). */
typedef struct flagged {
    int64_t id;
    const char *key;
    int outside, disagrees;
} flagged;

static int cmp_flagged(const void *a, const void *b)
{
    const flagged *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int flag_risk(gather *g, const quant_latest *l, flagged *out, int *ok, isms_err *e)
{
    record r;
    isms_err why = { 0 };
    *ok = 0;
    int rc = store_get(dom_store(g->d), &reg_risk, l->subject, &r, g->a, &why);
    if (rc == E_NOT_FOUND || (!rc && (r.retired_at || !dom_risk_quantified(&r))))
        return 0;
    if (rc)
        return err_set(e, why.code, why.field, "%s", why.msg);
    const value *rl = record_cval(&r, F_RISK_RESIDUAL_LIKELIHOOD),
                *ri = record_cval(&r, F_RISK_RESIDUAL_IMPACT);
    int lk = (int)(rl->null ? record_int(&r, F_RISK_LIKELIHOOD) : rl->i);
    int im = (int)(ri->null ? record_int(&r, F_RISK_IMPACT) : ri->i);
    const value *al = record_cval(l->rec, F_ANALYSIS_LIKELIHOOD),
                *ai = record_cval(l->rec, F_ANALYSIS_IMPACT);
    *out = (flagged){ r.id, r.key, (int)record_int(l->rec, F_ANALYSIS_OUTSIDE_APPETITE),
                      !al->null && !ai->null &&
                          quant_cells_disagree(g->out->matrix, lk, im, (int)al->i, (int)ai->i) };
    *ok = 1;
    return 0;
}

static int add_flagged(const char *key, int64_t id, void *ctx)
{
    (void)id;
    void **c = ctx;
    keys_add(c[0], c[1], key);
    return 0;
}

/* The same from the latest analyses the store keeps: a count and the
 * first keys, each from the front of a partial index. */
static int flag_kept(gather *g, isms_err *e)
{
    dash_keys *lists[] = { &g->out->outside, &g->out->matrix_disagrees };
    const store_page first = { .limit = DASH_KEYS_FIRST };
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        void *c[] = { g->a, lists[k] };
        int64_t total;
        rc = store_latest_flagged(dom_store(g->d), k, &first, add_flagged, c, &total, e);
        lists[k]->total = total;
    }
    g->out->outside_appetite = g->out->outside.total;
    return rc;
}

/* Outside appetite and matrix disagreements, from the latest analyses of
 * risks (each risk read by key), in the risks' order. */
static int flag_risks(gather *g, isms_err *e)
{
    if (store_keeps_latest(dom_store(g->d)))
        return flag_kept(g, e);
    flagged *f = xmalloc(sizeof *f * (g->nlatest + 1));
    size_t n = 0;
    int rc = 0;
    for (size_t k = 0; k < g->nlatest && !rc; k++) {
        int ok = 0;
        if (!strcmp(g->latest[k].kind, "risk"))
            rc = flag_risk(g, &g->latest[k], &f[n], &ok, e);
        n += (size_t)ok;
    }
    if (n)
        qsort(f, n, sizeof *f, cmp_flagged);
    for (size_t k = 0; k < n && !rc; k++) {
        if (f[k].outside)
            keys_add(g->a, &g->out->outside, f[k].key);
        if (f[k].disagrees)
            keys_add(g->a, &g->out->matrix_disagrees, f[k].key);
    }
    g->out->outside_appetite = g->out->outside.total;
    free(f);
    return rc;
}

static int kept_figures(dom *d, gather *g, isms_err *e)
{
    tallies t;
    tallies_init(&t);
    g->kept = &t;
    store_query objectives = FIELDS_OF(objective_fields);
    /* the owners' figures are the responsibility matrix's (owners_and_gaps)
     * where the schema keeps them; before it, from_tallies reads them; the
     * objectives', where their sums are kept, are not read (in a write,
     * the sums move at its commit, and the objectives are read instead) */
    store *st = dom_store(d);
    int writing = store_in_write_txn(st), sums = store_keeps_objective_figures(st) && !writing;
    const char *const owners[] = { TALLY_OWNER_PREFIX, sums ? TALLY_OBJECTIVE_PREFIX : NULL, NULL };
    int rc =
        tallies_read_but(d, g->year_ago, store_keeps_accountability(st) ? owners : NULL, &t, e);
    if (!rc)
        from_tallies(g, &t);
    if (!rc && store_keeps_owner_gaps(st) && !writing) {
        og_counts gaps; /* (in a write, the gaps' figures move at its commit) */
        og_counted(&t, &gaps);
        g->out->responsibility_gaps = gaps.gaps;
        g->out->risk_owners = gaps.risk_owners;
        g->out->owners_with_budget = gaps.budgeted;
        g->gaps_kept = 1;
    }
    if (!rc)
        rc = note_analyses(d, g, e);
    if (!rc)
        rc = flag_risks(g, e);
    if (!rc)
        rc = unquantified_keys(g, e);
    if (!rc)
        rc = treatment(g, &t, e);
    if (!rc)
        rc = top_risks(g, e);
    if (!rc && sums)
        rc = unquantified_kept(g, &t, e);
    else if (!rc)
        rc = dom_list(d, &reg_objective, &objectives, objective_kept, g, e);
    if (!rc && store_keeps_asset_needs(dom_store(d))) { /* kept (0031) */
        g->out->assets = (size_t)tallies_get(&t, TALLY_RECORDS_PREFIX "asset");
        g->out->raised = (int)tallies_get(&t, STORE_RAISED_TALLY);
    } else if (!rc)
        rc = count_needs(d, g->out, e);
    g->kept = NULL;
    tallies_reset(&t);
    return rc;
}

/* ---- both ---- */

/* How many of the risk owners hold a budget: a person read each, by id
 * (their number, not the risks', bounds the cost). */
static int owners_with_budget(gather *g, isms_err *e)
{
    idset_seal(&g->owners);
    g->out->risk_owners = (int64_t)g->owners.n;
    for (size_t k = 0; k < g->owners.n; k++) {
        record p;
        int rc = store_get_id(dom_store(g->d), &reg_person, g->owners.ids[k], &p, g->a, e);
        if (rc)
            return rc;
        g->out->owners_with_budget += record_int(&p, F_PERSON_BUDGET_AUTHORITY) > 0;
    }
    return 0;
}

/* The responsibility matrix's gaps and, from the same read of each owner,
 * how many risk owners hold a budget. A recount (or a schema that does not
 * keep who owns what: gaps -1) reads the owners the records named
 * instead: what checks the kept figures must not rest on them. */
static int owners_and_gaps(gather *g, int recount, isms_err *e)
{
    if (g->gaps_kept && !recount) /* counted from the kept figures (0041) */
        return 0;
    dom_dash *out = g->out;
    out->responsibility_gaps = -1;
    if (!store_keeps_accountability(dom_store(g->d)))
        return owners_with_budget(g, e);
    dom_accountability m;
    acc_query q = ACC_QUERY_ALL;
    q.limit = 1;
    q.gap_offset = INT64_MAX; /* counted, none listed: no text written */
    q.count_all = recount;
    int rc = dom_accountability_read(g->d, &q, &m, e);
    if (rc)
        return rc;
    out->responsibility_gaps = m.gaps_total;
    if (recount)
        return owners_with_budget(g, e);
    out->risk_owners = m.risk_owners;
    out->owners_with_budget = m.risk_owners_with_budget;
    return 0;
}

/* The first DASH_KEYS_FIRST active records of reg whose state field
 * `fid` holds `state`, of `total` (by the field's list index). */
static int keys_in_state(dom *d, const regdef *reg, int fid, const char *state, int64_t total,
                         dash_keys *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    out->total = total;
    if (total <= 0) /* (and none on a schema without them) */
        return 0;
    const int fields[] = { fid };
    store_filter in_state = { .field = &reg->fields[field_index(reg, fid)], .sval = state };
    store_query q = { .ids_only = 1,
                      .fields = fields,
                      .nfields = 1,
                      .filters = &in_state,
                      .nfilters = 1,
                      .limit = DASH_KEYS_FIRST };
    gather g = { .d = d, .a = dom_arena(d) };
    first_keys f = { &g, out };
    return dom_list(d, reg, &q, first_record_key, &f, e);
}

int dom_decision_keys(dom *d, const char *state, int64_t total, dash_keys *out, isms_err *e)
{
    return keys_in_state(d, &reg_decision, F_DECISION_STATUS, state, total, out, e);
}

/* One metric of the board's, as it stands. */
static int board_metric(const record *r, void *ctx)
{
    gather *g = ctx;
    dom_dash *s = g->out;
    const value *v = record_cval(r, F_METRIC_LAST_VALUE);
    const metric_measure *m = metric_measure_find(record_text(r, F_METRIC_MEASURE));
    int64_t target = record_int(r, F_METRIC_TARGET);
    s->board[s->nboard++] =
        (dash_metric){ arena_strdup(g->a, r->key),
                       arena_strdup(g->a, record_text(r, F_METRIC_TITLE)),
                       arena_strdup(g->a, record_text(r, F_METRIC_MEASURE)),
                       arena_strdup(g->a, record_text(r, F_METRIC_LAST_STATUS)),
                       arena_strdup(g->a, record_text(r, F_METRIC_LAST_MEASURED_AT)),
                       !v->null,
                       v->i,
                       target,
                       v->null ? "-" : dom_metric_value_text(g->d, m, v->i),
                       dom_metric_value_text(g->d, m, target) };
    return 0;
}

/* The metrics whose audience is the board, the first DASH_BOARD_METRICS
 * by key (by the list index on audience): what the management body reads
 * of the ISMS's own measurements. */
static int board_metrics(dom *d, gather *g, isms_err *e)
{
    if (!g->out->metrics_all)
        return 0; /* (and none on a schema without them) */
    store_filter board = { .field = &reg_metric.fields[field_index(&reg_metric, F_METRIC_AUDIENCE)],
                           .sval = "board" };
    store_query q = { .filters = &board, .nfilters = 1, .limit = DASH_BOARD_METRICS };
    return dom_list(d, &reg_metric, &q, board_metric, g, e);
}

typedef struct portfolio_year {
    dom *d;
    dom_dash *s;
} portfolio_year;

static int year_against(const char *const *v, void *ctx)
{
    portfolio_year *y = ctx;
    dom_dash *s = y->s;
    if (!v[0] || !v[1])
        return 0;
    const char *text = dom_loss_against(y->d, s->incident_loss_year, strtoll(v[0], NULL, 10),
                                        strtoll(v[1], NULL, 10), s->portfolio_key);
    int64_t modelled = v[2] ? strtoll(v[2], NULL, 10) : 0,
            all = modelled + (v[3] ? strtoll(v[3], NULL, 10) : 0);
    s->incident_loss_against = arena_printf(
        dom_arena(y->d), "%s%s%s", text,
        modelled < all ? arena_printf(dom_arena(y->d),
                                      "; it models %lld of %lld risks: the others add loss it "
                                      "does not count",
                                      (long long)modelled, (long long)all)
                       : "",
        s->portfolio_stale ? "; its inputs changed since it ran (STALE)" : "");
    return 0;
}

/* The year's incidents against the figures of the whole portfolio: does
 * the year the organisation lived through fit what it decides on? */
static int incidents_against_portfolio(dom *d, dom_dash *s, isms_err *e)
{
    if (!s->portfolio_results || !s->incidents_year)
        return 0;
    static const char *const paths[] = { "annual_loss.mean", "annual_loss.p95", "risks_modelled",
                                         "risks_not_modelled" };
    portfolio_year y = { d, s };
    return js_rows(s->portfolio_results, NULL, paths, 4, year_against, &y, e);
}

/* The health figures as shares: what each counts, out of what. */
static void health_shares(dom_dash *s)
{
    int64_t controls = s->controls[0] + s->controls[1] + s->controls[2],
            in_place = s->controls[1] + s->controls[2];
    const dash_share shares[DASH_HEALTH] = {
        [DASH_RISKS_ON_OBJECTIVES] = { "Risks tied to a business objective",
                                       s->risks - s->no_objective, s->risks },
        [DASH_OWNERS_WITH_BUDGET] = { "Risk owners who hold a budget", s->owners_with_budget,
                                      s->risk_owners },
        [DASH_CONTROLS_ON_RISKS] = { "Controls tied to a risk they treat",
                                     controls - s->controls_without_risk, controls },
        [DASH_CONTROLS_ASSESSED] = { "Controls in place assessed for effectiveness",
                                     in_place - s->not_assessed, in_place },
        [DASH_DECISIONS_ON_RISK] = { "Decisions taken that rest on risk information",
                                     s->decisions_on_risk, s->decisions[1] + s->decisions[2] },
        [DASH_INCIDENTS_ON_RISKS] = { "Incidents (last 365 days) realising a known risk",
                                      s->incidents_year_on_risk, s->incidents_year },
    };
    memcpy(s->health, shares, sizeof shares);
}

static int fill(dom *d, const char *today, int recount, dom_dash *out, isms_err *e)
{
    out->matrix = dom_matrix_size(d);
    out->currency = arena_strdup(dom_arena(d), dom_currency(d));
    out->has_org = dom_get(d, &reg_org, "ORG", &out->org, NULL) == 0;
    gather g = { .out = out, .d = d, .a = dom_arena(d) };
    memcpy(g.today, today, sizeof g.today);
    date_add_days(g.year_ago, today, -365);
    int rc =
        recount || !store_keeps_tallies(dom_store(d)) ? scan(d, &g, e) : kept_figures(d, &g, e);
    if (!rc)
        rc = dom_decision_keys(d, decision_statuses[0], out->decisions[0], &out->awaiting_decision,
                               e);
    for (int k = 0; k < 5; k++)
        out->metrics_all += out->metrics[k];
    if (!rc)
        rc = keys_in_state(d, &reg_metric, F_METRIC_LAST_STATUS, "off-target", out->metrics[4],
                           &out->metrics_off, e);
    if (!rc)
        rc = board_metrics(d, &g, e);
    if (!rc)
        rc = owners_and_gaps(&g, recount || !store_keeps_tallies(dom_store(d)), e);
    if (!rc)
        rc = incidents_against_portfolio(d, out, e);
    if (!rc)
        health_shares(out);
    free(g.objectives);
    idset_free(&g.treated);
    idset_free(&g.accepted);
    idset_free(&g.owners);
    return rc;
}

/* Everything but the ledger's state: kept while the repository stays as
 * it is (and the date the same: reviews fall due, acceptances lapse). */
static int compute(dom *d, void *ctx, void **v, isms_err *e)
{
    dom_dash *out = arena_alloc(dom_arena(d), sizeof *out);
    *v = out;
    return fill(d, ctx, 0, out, e);
}

typedef struct report_keys {
    arena *a;
    dash_keys *keys;
} report_keys;

static int add_report(const char *key, const char *date, void *ctx)
{
    (void)date;
    report_keys *r = ctx;
    if (!key) /* more than were read */
        r->keys->total = -1;
    else
        keys_add(r->a, r->keys, key);
    return 0;
}

/* The incidents whose next report to an authority is due after `after`
 * (NULL: any time) and by `upto`, from the front of the index on that
 * deadline (at most DASH_REPORTS_READ: total -1 when there are more). */
static int reports_due(dom *d, const char *after, const char *upto, dash_keys *out, isms_err *e)
{
    const regdef *reg = &reg_incident;
    store_due_query q = { .when = &reg->fields[field_index(reg, F_INCIDENT_REPORT_DUE)],
                          .after = after,
                          .upto = upto,
                          .limit = DASH_REPORTS_READ };
    report_keys r = { dom_arena(d), out };
    memset(out, 0, sizeof *out);
    return store_due(dom_store(d), reg, &q, add_report, &r, e);
}

/* The reports owed to the authorities, as of now: those late, and those
 * due in the next 24 hours. */
int dom_reports_owed(dom *d, dom_dash *out, isms_err *e)
{
    if (!store_keeps_incidents(dom_store(d)))
        return 0;
    char soon[21];
    now_timestamp(out->reports_as_of);
    timestamp_add(soon, out->reports_as_of, 24, 0);
    int rc = reports_due(d, NULL, out->reports_as_of, &out->reports_late, e);
    return rc ? rc : reports_due(d, out->reports_as_of, soon, &out->reports_soon, e);
}

int dom_dashboard(dom *d, dom_dash *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    char today[11], name[32];
    now_date(today);
    snprintf(name, sizeof name, "dashboard %s", today);
    void *kept;
    int rc = dom_cached(d, name, compute, today, &kept, e);
    if (rc)
        return rc;
    *out = *(const dom_dash *)kept;
    rc = dom_reports_owed(d, out, e);
    return rc ? rc : check_ledger(d, out, e);
}

int dom_dashboard_recount(dom *d, dom_dash *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    char today[11];
    now_date(today);
    int rc = fill(d, today, 1, out, e);
    if (!rc)
        rc = dom_reports_owed(d, out, e);
    return rc ? rc : check_ledger(d, out, e);
}

int dom_dashboard_ledger(dom *d, dom_dash *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    return check_ledger(d, out, e);
}
