/* cmd_summary.c: the dashboard. One screen that says whether the ISMS is
 * working: objectives and the risks to them, the residual heat map, the
 * worst risks, what needs attention, and whether the ledger is intact. */
#include "cli/cli_internal.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "domain/registers.h"
#include "domain/rules.h"
#include "domain/verify.h"
#include "io/json.h"

#include <stdlib.h>
#include <string.h>

enum { TOP_RISKS = 5 };

typedef struct risk_row {
    const char *key, *title, *owner, *treatment;
    int score, residual;
    int64_t id;
} risk_row;

typedef struct summary {
    cli *c;
    int n;                       /* matrix size */
    int heat[6][6];              /* residual [likelihood][impact] */
    int bands[4];                /* residual: low, medium, high, critical */
    int64_t risks, no_objective, overdue, accepted_high;
    risk_row top[TOP_RISKS];
    int ntop;
    int64_t *treated;            /* ids of risks with a control in place, sorted */
    size_t ntreated, cap_treated;
    int64_t untreated;
    int64_t controls[4];         /* planned, implemented, operating, retired */
    int64_t control_cost;
    int64_t objectives, objective_value;
    char today[11];
    arena *a;
} summary;

static int band_index(const char *band)
{
    return !strcmp(band, "low") ? 0 : !strcmp(band, "medium") ? 1 : !strcmp(band, "high") ? 2 : 3;
}

static int mark_treated(const record *r, void *ctx)
{
    summary *s = ctx;
    const value *t = record_cval(r, "treats");
    const char *status = record_text(r, "status");
    int k = choice_index(control_statuses, status);
    if (k >= 0)
        s->controls[k]++;
    s->control_cost += record_int(r, "cost");
    if (!strcmp(status, "planned"))
        return 0;   /* a plan treats nothing yet */
    for (int i = 0; i < t->n; i++) {
        if (s->ntreated == s->cap_treated) {
            s->cap_treated = s->cap_treated ? s->cap_treated * 2 : 256;
            s->treated = xrealloc(s->treated, s->cap_treated * sizeof *s->treated);
        }
        s->treated[s->ntreated++] = t->ids[i];
    }
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

static int is_treated(const summary *s, int64_t id)
{
    return s->ntreated && bsearch(&id, s->treated, s->ntreated, sizeof id, cmp_id);
}

/* Keeps the TOP_RISKS highest residual scores, highest first. */
static void keep_top(summary *s, const record *r, int residual)
{
    if (s->ntop == TOP_RISKS && s->top[TOP_RISKS - 1].residual >= residual)
        return;
    int at = s->ntop < TOP_RISKS ? s->ntop++ : TOP_RISKS - 1;
    risk_row row = {arena_strdup(s->a, r->key), arena_strdup(s->a, record_text(r, "title")),
                    arena_strdup(s->a, record_text(r, "owner")), arena_strdup(s->a, record_text(r, "treatment")),
                    risk_score(r), residual, r->id};
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
    const value *rl = record_cval(r, "residual_likelihood"), *ri = record_cval(r, "residual_impact");
    int l = (int)(rl->null ? record_int(r, "likelihood") : rl->i);
    int i = (int)(ri->null ? record_int(r, "impact") : ri->i);
    s->risks++;
    if (l >= 1 && l <= 5 && i >= 1 && i <= 5)
        s->heat[l][i]++;
    s->bands[band_index(risk_band(residual, s->n))]++;
    if (!record_cval(r, "objectives")->n)
        s->no_objective++;
    const char *review = record_text(r, "review_date");
    if (review && strcmp(review, s->today) < 0)
        s->overdue++;
    if (!is_treated(s, r->id) && strcmp(record_text(r, "treatment"), "accept") &&
        strcmp(record_text(r, "treatment"), "avoid"))
        s->untreated++;
    keep_top(s, r, residual);
    return 0;
}

static int count_objective(const record *r, void *ctx)
{
    summary *s = ctx;
    s->objectives++;
    s->objective_value += record_int(r, "value_at_stake");
    return 0;
}

static void print_heat(cli *c, summary *s)
{
    fprintf(c->out, "\nResidual risk heat map (rows: likelihood, columns: impact)\n      ");
    for (int i = 1; i <= s->n; i++)
        fprintf(c->out, "%4d", i);
    fputc('\n', c->out);
    for (int l = s->n; l >= 1; l--) {
        fprintf(c->out, "   %2d ", l);
        for (int i = 1; i <= s->n; i++) {
            if (s->heat[l][i])
                fprintf(c->out, "%4d", s->heat[l][i]);
            else
                fprintf(c->out, "%4s", ".");
        }
        fputc('\n', c->out);
    }
}

static int count_needs(cli *c, int *raised, size_t *assets, isms_err *e)
{
    asset_need *needs;
    size_t n;
    int rc = dom_asset_needs(c->d, &needs, &n, e);
    if (rc)
        return rc;
    *raised = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < NEED_COUNT; k++)
            if (needs[i].inherited[k] > needs[i].stated[k]) {
                (*raised)++;
                break;
            }
    *assets = n;
    free(needs);
    return 0;
}

static void print_text(cli *c, summary *s, const record *org, int has_org, int raised, size_t nassets,
                       const verify_report *rep, int verified)
{
    FILE *f = c->out;
    if (has_org)
        fprintf(f, "%s  ·  %s  ·  NIS2 %s  ·  DORA %s  ·  %s  ·  %dx%d risk matrix\n",
                record_text(org, "name"), record_text(org, "sector") ? record_text(org, "sector") : "sector not set",
                record_text(org, "nis2_class"), record_text(org, "dora_entity"), dom_currency(c->d), s->n, s->n);
    else
        fprintf(f, "No organisation profile yet (isms org set --name ...)\n");
    fprintf(f, "\nObjectives: %lld, value at stake %s\n", (long long)s->objectives,
            render_money(c, s->objective_value));
    fprintf(f, "Risks: %lld active; residual: %d critical, %d high, %d medium, %d low\n",
            (long long)s->risks, s->bands[3], s->bands[2], s->bands[1], s->bands[0]);
    if (s->risks)
        print_heat(c, s);
    if (s->ntop) {
        fprintf(f, "\nTop risks by residual score\n");
        for (int i = 0; i < s->ntop; i++)
            fprintf(f, "  %-8s %-44.44s %2d %-8s owner %-7s %s\n", s->top[i].key, s->top[i].title,
                    s->top[i].residual, risk_band(s->top[i].residual, s->n), s->top[i].owner,
                    s->top[i].treatment);
    }
    fprintf(f, "\nControls: %lld planned, %lld implemented, %lld operating; annual cost %s\n",
            (long long)s->controls[0], (long long)s->controls[1], (long long)s->controls[2],
            render_money(c, s->control_cost));
    fprintf(f, "Assets: %zu, of which %d inherit a higher protection need than stated\n", nassets, raised);
    fprintf(f, "\nNeeds attention\n");
    fprintf(f, "  %lld risk%s with no implemented control and no accept/avoid decision\n",
            (long long)s->untreated, s->untreated == 1 ? "" : "s");
    fprintf(f, "  %lld risk%s tied to no business objective\n", (long long)s->no_objective,
            s->no_objective == 1 ? "" : "s");
    fprintf(f, "  %lld risk review%s overdue\n", (long long)s->overdue, s->overdue == 1 ? "" : "s");
    fprintf(f, "\nLedger: %lld entries, head %.16s…, %s\n", (long long)rep->entries, rep->head_hash,
            verified ? "verified" : "VERIFICATION FAILED (run isms verify)");
}

static void print_json(cli *c, summary *s, const record *org, int has_org, int raised, size_t nassets,
                       const verify_report *rep, int verified)
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
        "{s:o, s:s, s:i, s:{s:I, s:I}, s:{s:I, s:{s:i, s:i, s:i, s:i}, s:o, s:o, s:I, s:I, s:I}, "
        "s:{s:I, s:I, s:I, s:I}, s:{s:I, s:i}, s:{s:I, s:s, s:b}}",
        "org", has_org ? record_json(org) : json_null(), "currency", dom_currency(c->d), "matrix", s->n,
        "objectives", "count", (json_int_t)s->objectives, "value_at_stake", (json_int_t)s->objective_value,
        "risks", "active", (json_int_t)s->risks, "residual_bands", "low", s->bands[0], "medium",
        s->bands[1], "high", s->bands[2], "critical", s->bands[3], "heat_map", heat, "top", top,
        "untreated", (json_int_t)s->untreated, "without_objective", (json_int_t)s->no_objective,
        "review_overdue", (json_int_t)s->overdue, "controls", "planned", (json_int_t)s->controls[0],
        "implemented", (json_int_t)s->controls[1], "operating", (json_int_t)s->controls[2],
        "annual_cost", (json_int_t)s->control_cost, "assets", "count", (json_int_t)nassets,
        "inherit_higher_need", raised, "ledger", "entries", (json_int_t)rep->entries, "head",
        rep->head_hash, "verified", verified);
    js_write(c->out, o, 1);
    json_decref(o);
}

int cmd_summary(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    summary s = {.c = c, .n = dom_matrix_size(c->d), .a = &c->a};
    now_date(s.today);
    record org;
    int has_org = dom_get(c->d, &reg_org, "ORG", &org, NULL) == 0;
    int raised = 0;
    size_t nassets = 0;
    rc = dom_list(c->d, &reg_control, NULL, mark_treated, &s, e);
    if (s.ntreated)
        qsort(s.treated, s.ntreated, sizeof *s.treated, cmp_id);
    if (!rc)
        rc = dom_list(c->d, &reg_risk, NULL, count_risk, &s, e);
    if (!rc)
        rc = dom_list(c->d, &reg_objective, NULL, count_objective, &s, e);
    if (!rc)
        rc = count_needs(c, &raised, &nassets, e);
    verify_report rep;
    verify_report_init(&rep);
    int verified = !rc && dom_verify(c->d, &rep, NULL) == 0;
    if (!rc && c->json)
        print_json(c, &s, &org, has_org, raised, nassets, &rep, verified);
    else if (!rc)
        print_text(c, &s, &org, has_org, raised, nassets, &rep, verified);
    verify_report_reset(&rep);
    free(s.treated);
    return rc;
}
