/* cmd_summary.c: the dashboard. One screen that says whether the ISMS is
 * working: how certain the objectives are (in money, from the latest
 * portfolio analysis), the residual heat map, the worst risks, what needs
 * attention (untreated, unanchored, overdue, outside appetite, lapsed
 * acceptances), and whether the ledger is intact. */
#include "cli/cli_internal.h"
#include "core/strmap.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "domain/registers/registers.h"
#include "domain/integrity/verify.h"
#include "formats/json.h"
#include "risk/qual.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { TOP_RISKS = 5 };

/* A set of record ids: appended, then sorted once, then searched. */
typedef struct id_set {
    int64_t *ids;
    size_t n, cap;
} id_set;

static void id_add(id_set *s, int64_t id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->ids = xrealloc(s->ids, s->cap * sizeof *s->ids);
    }
    s->ids[s->n++] = id;
}

static int cmp_id(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

static void id_seal(id_set *s)
{
    if (s->n)
        qsort(s->ids, s->n, sizeof *s->ids, cmp_id);
}

static int id_has(const id_set *s, int64_t id)
{
    return s->n && bsearch(&id, s->ids, s->n, sizeof id, cmp_id);
}

typedef struct risk_row {
    const char *key, *title, *owner, *treatment;
    int score, residual;
} risk_row;

typedef struct summary {
    cli *c;
    char today[11];
    int n;                       /* matrix size */
    record org;
    int has_org;
    /* risks */
    int heat[RISK_MATRIX_MAX + 1][RISK_MATRIX_MAX + 1];  /* residual [likelihood][impact], 1-based */
    int bands[4];                /* residual: low, medium, high, critical */
    int64_t risks, no_objective, overdue, untreated, accepted_without;
    risk_row top[TOP_RISKS];
    int ntop;
    id_set treated;              /* risks with a control in place */
    id_set accepted;             /* risks with a valid acceptance */
    /* controls, objectives, assets */
    int64_t controls[4];         /* planned, implemented, operating, retired */
    int64_t control_cost;
    int64_t objectives, objective_value;
    int raised;
    size_t assets;
    /* money: latest analyses */
    strmap risk_outside;         /* risk key -> "1"/"0", from its latest analysis */
    int64_t outside_appetite;
    int64_t acceptances_lapsed;
    const char *portfolio_key;   /* latest portfolio analysis */
    json_t *portfolio;           /* its results */
    /* ledger */
    verify_report rep;
    int verified;
} summary;

static int band_index(const char *band)
{
    return !strcmp(band, "low") ? 0 : !strcmp(band, "medium") ? 1 : !strcmp(band, "high") ? 2 : 3;
}

static int count_control(const record *r, void *ctx)
{
    summary *s = ctx;
    const value *t = record_cval(r, F_CONTROL_TREATS);
    const char *status = record_text(r, F_CONTROL_STATUS);
    int k = choice_index(control_statuses, status);
    if (k >= 0)
        s->controls[k]++;
    s->control_cost += record_int(r, F_CONTROL_COST);
    if (strcmp(status, "planned"))   /* a plan treats nothing yet */
        for (int i = 0; i < t->n; i++)
            id_add(&s->treated, t->ids[i]);
    return 0;
}

static int count_acceptance(const record *r, void *ctx)
{
    summary *s = ctx;
    const char *expires = record_text(r, F_ACCEPTANCE_EXPIRES_ON);
    if (expires && strcmp(expires, s->today) < 0)
        s->acceptances_lapsed++;
    else
        id_add(&s->accepted, record_cval(r, F_ACCEPTANCE_RISK)->i);
    return 0;
}

static int note_analysis(const record *r, void *ctx)
{
    summary *s = ctx;
    const char *kind = record_text(r, F_ANALYSIS_KIND), *subject = record_text(r, F_ANALYSIS_SUBJECT);
    if (!strcmp(kind, "risk")) {
        *strmap_slot_for(&s->risk_outside, subject) = record_int(r, F_ANALYSIS_OUTSIDE_APPETITE) ? "1" : "0";
    } else if (!strcmp(kind, "portfolio") && strstr(subject, "objective")) {
        /* analyses come in id order: the last one seen is the latest */
        json_decref(s->portfolio);
        const char *text = record_text(r, F_ANALYSIS_RESULTS);
        s->portfolio = text ? json_loads(text, 0, NULL) : NULL;
        s->portfolio_key = arena_strdup(&s->c->a, r->key);
    }
    return 0;
}

/* Keeps the TOP_RISKS highest residual scores, highest first. */
static void keep_top(summary *s, const record *r, int residual)
{
    if (s->ntop == TOP_RISKS && s->top[TOP_RISKS - 1].residual >= residual)
        return;
    int at = s->ntop < TOP_RISKS ? s->ntop++ : TOP_RISKS - 1;
    arena *a = &s->c->a;
    risk_row row = {arena_strdup(a, r->key), arena_strdup(a, record_text(r, F_RISK_TITLE)),
                    arena_strdup(a, record_text(r, F_RISK_OWNER)), arena_strdup(a, record_text(r, F_RISK_TREATMENT)),
                    risk_score(r), residual};
    while (at > 0 && s->top[at - 1].residual < residual) {
        s->top[at] = s->top[at - 1];
        at--;
    }
    s->top[at] = row;
}

static int count_risk(const record *r, void *ctx)
{
    summary *s = ctx;
    int residual = risk_residual_score(r);
    const value *rl = record_cval(r, F_RISK_RESIDUAL_LIKELIHOOD), *ri = record_cval(r, F_RISK_RESIDUAL_IMPACT);
    int l = (int)(rl->null ? record_int(r, F_RISK_LIKELIHOOD) : rl->i);
    int i = (int)(ri->null ? record_int(r, F_RISK_IMPACT) : ri->i);
    const char *treatment = record_text(r, F_RISK_TREATMENT), *review = record_text(r, F_RISK_REVIEW_DATE);
    const char *outside = strmap_get(&s->risk_outside, r->key);
    s->risks++;
    if (l >= 1 && l <= RISK_MATRIX_MAX && i >= 1 && i <= RISK_MATRIX_MAX)
        s->heat[l][i]++;
    s->bands[band_index(risk_band(residual, s->n))]++;
    s->no_objective += !record_cval(r, F_RISK_OBJECTIVES)->n;
    s->overdue += review && strcmp(review, s->today) < 0;
    s->outside_appetite += outside && *outside == '1';
    if (!strcmp(treatment, "accept"))
        s->accepted_without += !id_has(&s->accepted, r->id);
    else if (strcmp(treatment, "avoid"))
        s->untreated += !id_has(&s->treated, r->id);
    keep_top(s, r, residual);
    return 0;
}

static int count_objective(const record *r, void *ctx)
{
    summary *s = ctx;
    s->objectives++;
    s->objective_value += record_int(r, F_OBJECTIVE_VALUE_AT_STAKE);
    return 0;
}

static int count_needs(summary *s, isms_err *e)
{
    asset_need *needs;
    int rc = dom_asset_needs(s->c->d, &needs, &s->assets, e);
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

static int gather(summary *s, isms_err *e)
{
    dom *d = s->c->d;
    int rc = dom_list(d, &reg_control, NULL, count_control, s, e);
    if (!rc)
        rc = dom_list(d, &reg_acceptance, NULL, count_acceptance, s, e);
    if (!rc)
        rc = dom_list(d, &reg_analysis, NULL, note_analysis, s, e);
    id_seal(&s->treated);
    id_seal(&s->accepted);
    if (!rc)
        rc = dom_list(d, &reg_risk, NULL, count_risk, s, e);
    if (!rc)
        rc = dom_list(d, &reg_objective, NULL, count_objective, s, e);
    if (!rc)
        rc = count_needs(s, e);
    if (!rc)
        s->verified = dom_verify(d, &s->rep, NULL) == 0;
    return rc;
}

/* ---- text ---- */

static const char *major(cli *c, double v)
{
    char amount[64];
    format_money(amount, sizeof amount, isfinite(v) ? (int64_t)llround(v) : 0, 0);
    return arena_printf(&c->a, "%s %s", dom_currency(c->d), amount);
}

static void print_heat(FILE *f, const summary *s)
{
    fprintf(f, "\nResidual risk heat map (rows: likelihood, columns: impact)\n      ");
    for (int i = 1; i <= s->n; i++)
        fprintf(f, "%4d", i);
    fputc('\n', f);
    for (int l = s->n; l >= 1; l--) {
        fprintf(f, "   %2d ", l);
        for (int i = 1; i <= s->n; i++) {
            if (s->heat[l][i])
                fprintf(f, "%4d", s->heat[l][i]);
            else
                fputs("   .", f);
        }
        fputc('\n', f);
    }
}

static void print_certainty(cli *c, const summary *s)
{
    FILE *f = c->out;
    json_t *objectives = json_object_get(s->portfolio, "objectives");
    if (!json_array_size(objectives))
        return;
    fprintf(f, "\nHow certain are the objectives? (%s: annual loss, and the chance it stays within tolerance)\n",
            s->portfolio_key);
    size_t i;
    json_t *o;
    json_array_foreach(objectives, i, o) {
        double certainty = json_number_value(json_object_get(o, "certainty"));
        json_t *loss = json_object_get(o, "annual_loss");
        fprintf(f, "  %-7s %-40.40s mean %16s   P95 %16s   %s\n", json_string_value(json_object_get(o, "key")),
                json_string_value(json_object_get(o, "title")),
                major(c, json_number_value(json_object_get(loss, "mean"))),
                major(c, json_number_value(json_object_get(loss, "p95"))),
                json_is_number(json_object_get(o, "certainty")) && certainty >= 0
                    ? arena_printf(&c->a, "%.0f%% certain", 100 * certainty) : "no appetite set");
    }
}

static void attention(FILE *f, int64_t n, const char *one, const char *many)
{
    fprintf(f, "  %lld %s\n", (long long)n, n == 1 ? one : many);
}

static void print_text(cli *c, const summary *s)
{
    FILE *f = c->out;
    const record *org = &s->org;
    if (s->has_org)
        fprintf(f, "%s  ·  %s  ·  NIS2 %s  ·  DORA %s  ·  %s  ·  %dx%d risk matrix\n",
                record_text(org, F_ORG_NAME), record_text(org, F_ORG_SECTOR) ? record_text(org, F_ORG_SECTOR) : "sector not set",
                record_text(org, F_ORG_NIS2_CLASS), record_text(org, F_ORG_DORA_ENTITY), dom_currency(c->d), s->n, s->n);
    else
        fprintf(f, "No organisation profile yet (isms org set --name ...)\n");
    fprintf(f, "\nObjectives: %lld, value at stake %s\n", (long long)s->objectives,
            render_money(c, s->objective_value));
    print_certainty(c, s);
    fprintf(f, "\nRisks: %lld active; residual: %d critical, %d high, %d medium, %d low\n",
            (long long)s->risks, s->bands[3], s->bands[2], s->bands[1], s->bands[0]);
    if (s->risks)
        print_heat(f, s);
    if (s->ntop) {
        fprintf(f, "\nTop risks by residual score\n");
        for (int i = 0; i < s->ntop; i++)
            fprintf(f, "  %-8s %-44.44s %2d %-8s owner %-7s %s\n", s->top[i].key, s->top[i].title,
                    s->top[i].residual, risk_band(s->top[i].residual, s->n), s->top[i].owner, s->top[i].treatment);
    }
    fprintf(f, "\nControls: %lld planned, %lld implemented, %lld operating; annual cost %s\n",
            (long long)s->controls[0], (long long)s->controls[1], (long long)s->controls[2],
            render_money(c, s->control_cost));
    fprintf(f, "Assets: %zu, of which %d inherit a higher protection need than stated\n", s->assets, s->raised);
    fprintf(f, "\nNeeds attention\n");
    attention(f, s->outside_appetite, "risk outside appetite (latest analysis)", "risks outside appetite (latest analyses)");
    attention(f, s->untreated, "risk with no implemented control and no accept/avoid decision",
              "risks with no implemented control and no accept/avoid decision");
    attention(f, s->accepted_without, "risk marked accepted without a valid acceptance",
              "risks marked accepted without a valid acceptance");
    attention(f, s->acceptances_lapsed, "acceptance lapsed: the risk is back for review",
              "acceptances lapsed: the risks are back for review");
    attention(f, s->no_objective, "risk tied to no business objective", "risks tied to no business objective");
    attention(f, s->overdue, "risk review overdue", "risk reviews overdue");
    fprintf(f, "\nLedger: %lld entries, head %.16s…, %s\n", (long long)s->rep.entries, s->rep.head_hash,
            s->verified ? "verified" : "VERIFICATION FAILED (run isms verify)");
}

/* ---- JSON ---- */

static void print_json(cli *c, const summary *s)
{
    json_t *heat = json_array(), *top = json_array();
    for (int l = 1; l <= s->n; l++) {
        json_t *row = json_array();
        for (int i = 1; i <= s->n; i++)
            json_array_append_new(row, json_integer(s->heat[l][i]));
        json_array_append_new(heat, row);
    }
    for (int i = 0; i < s->ntop; i++)
        json_array_append_new(top, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s}", "key", s->top[i].key,
                                             "title", s->top[i].title, "score", s->top[i].score,
                                             "residual_score", s->top[i].residual, "residual_band",
                                             risk_band(s->top[i].residual, s->n), "owner", s->top[i].owner,
                                             "treatment", s->top[i].treatment));
    json_t *o = json_pack(
        "{s:o, s:s, s:i, s:{s:I, s:I, s:s?, s:O?}, s:{s:I, s:{s:i, s:i, s:i, s:i}, s:o, s:o}, "
        "s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:i}, s:{s:I, s:s, s:b}}",
        "org", s->has_org ? record_json(&s->org) : json_null(), "currency", dom_currency(c->d), "matrix", s->n,
        "objectives", "count", (json_int_t)s->objectives, "value_at_stake", (json_int_t)s->objective_value,
        "analysis", s->portfolio_key, "certainty", s->portfolio ? json_object_get(s->portfolio, "objectives") : NULL,
        "risks", "active", (json_int_t)s->risks, "residual_bands", "low", s->bands[0], "medium", s->bands[1],
        "high", s->bands[2], "critical", s->bands[3], "heat_map", heat, "top", top,
        "attention", "outside_appetite", (json_int_t)s->outside_appetite, "untreated", (json_int_t)s->untreated,
        "accepted_without_acceptance", (json_int_t)s->accepted_without, "acceptances_lapsed",
        (json_int_t)s->acceptances_lapsed, "without_objective", (json_int_t)s->no_objective,
        "review_overdue", (json_int_t)s->overdue,
        "controls", "planned", (json_int_t)s->controls[0], "implemented", (json_int_t)s->controls[1],
        "operating", (json_int_t)s->controls[2], "annual_cost", (json_int_t)s->control_cost,
        "assets", "count", (json_int_t)s->assets, "inherit_higher_need", s->raised,
        "ledger", "entries", (json_int_t)s->rep.entries, "head", s->rep.head_hash, "verified", s->verified);
    js_write(c->out, o, 1);
    json_decref(o);
}

int cmd_summary(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    summary *s = arena_alloc(&c->a, sizeof *s);
    s->c = c;
    s->n = dom_matrix_size(c->d);
    now_date(s->today);
    s->has_org = dom_get(c->d, &reg_org, "ORG", &s->org, NULL) == 0;
    strmap_init(&s->risk_outside);
    verify_report_init(&s->rep);
    rc = gather(s, e);
    if (!rc && c->json)
        print_json(c, s);
    else if (!rc)
        print_text(c, s);
    verify_report_reset(&s->rep);
    strmap_reset(&s->risk_outside);
    json_decref(s->portfolio);
    free(s->treated.ids);
    free(s->accepted.ids);
    return rc;
}
