/* cmd_summary.c: the dashboard. One screen that says whether the ISMS is
 * working: how certain the objectives are (in money, from the latest
 * portfolio analysis), the residual heat map, the worst risks, what needs
 * attention (untreated, unanchored, overdue, outside appetite, lapsed
 * acceptances), and whether the ledger is intact. The figures are the
 * domain's (domain/views/dashboard.h); this file only renders them. */
#include "cli/cli_internal.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "formats/json.h"
#include "risk/qual.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

/* An amount of a saved analysis: integer minor units, as every JSON of
 * isms has them ("money": "minor units"); analyses saved before that
 * convention hold major units. Shown rounded to whole major units. */
static const char *analysis_amount(cli *c, const json_t *doc, const json_t *v)
{
    const char *money = json_string_value(json_object_get(doc, "money"));
    double x = json_number_value(v);
    if (money && !strcmp(money, "minor units"))
        x /= pow(10, dom_currency_exponent(c->d));
    char amount[64];
    format_money(amount, sizeof amount, isfinite(x) ? (int64_t)llround(x) : 0, 0);
    return arena_printf(c->a, "%s %s", dom_currency(c->d), amount);
}

static void print_heat(FILE *f, const dom_dash *s)
{
    fprintf(f, "\nResidual risk heat map (rows: likelihood, columns: impact)\n      ");
    for (int i = 1; i <= s->matrix; i++)
        fprintf(f, "%4d", i);
    fputc('\n', f);
    for (int l = s->matrix; l >= 1; l--) {
        fprintf(f, "   %2d ", l);
        for (int i = 1; i <= s->matrix; i++) {
            if (s->heat[l][i])
                fprintf(f, "%4d", s->heat[l][i]);
            else
                fputs("   .", f);
        }
        fputc('\n', f);
    }
}

static void print_certainty(cli *c, const dom_dash *s, json_t *portfolio)
{
    FILE *f = c->out;
    json_t *objectives = json_object_get(portfolio, "objectives");
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
                analysis_amount(c, portfolio, json_object_get(loss, "mean")),
                analysis_amount(c, portfolio, json_object_get(loss, "p95")),
                json_is_number(json_object_get(o, "certainty")) && certainty >= 0
                    ? arena_printf(c->a, "%.0f%% certain", 100 * certainty) : "no appetite set");
    }
}

static void attention(FILE *f, int64_t n, const char *one, const char *many)
{
    fprintf(f, "  %lld %s\n", (long long)n, n == 1 ? one : many);
}

static void print_text(cli *c, const dom_dash *s, json_t *portfolio)
{
    FILE *f = c->out;
    const record *org = &s->org;
    if (s->has_org)
        fprintf(f, "%s  ·  %s  ·  NIS2 %s  ·  DORA %s  ·  %s  ·  %dx%d risk matrix\n",
                record_text(org, F_ORG_NAME), record_text(org, F_ORG_SECTOR) ? record_text(org, F_ORG_SECTOR) : "sector not set",
                record_text(org, F_ORG_NIS2_CLASS), record_text(org, F_ORG_DORA_ENTITY), s->currency, s->matrix,
                s->matrix);
    else
        fprintf(f, "No organisation profile yet (isms org set --name ...)\n");
    fprintf(f, "\nObjectives: %lld, value at stake %s\n", (long long)s->objectives,
            render_money(c, s->objective_value));
    print_certainty(c, s, portfolio);
    fprintf(f, "\nRisks: %lld active; residual: %d critical, %d high, %d medium, %d low\n",
            (long long)s->risks, s->bands[3], s->bands[2], s->bands[1], s->bands[0]);
    if (s->risks)
        print_heat(f, s);
    if (s->ntop) {
        fprintf(f, "\nTop risks by residual score\n");
        for (int i = 0; i < s->ntop; i++)
            fprintf(f, "  %-8s %-44.44s %2d %-8s owner %-7s %s\n", s->top[i].key, s->top[i].title,
                    s->top[i].residual, s->top[i].residual_band, s->top[i].owner, s->top[i].treatment);
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
    fprintf(f, "\nLedger: %lld entries, head %.16s…, %s\n", (long long)s->ledger_entries, s->ledger_head,
            s->ledger_verified ? "verified" : "VERIFICATION FAILED (run isms verify)");
}

/* ---- JSON ---- */

static void print_json(cli *c, const dom_dash *s, json_t *portfolio)
{
    json_t *heat = json_array(), *top = json_array();
    for (int l = 1; l <= s->matrix; l++) {
        json_t *row = json_array();
        for (int i = 1; i <= s->matrix; i++)
            json_array_append_new(row, json_integer(s->heat[l][i]));
        json_array_append_new(heat, row);
    }
    for (int i = 0; i < s->ntop; i++)
        json_array_append_new(top, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s, s:s}", "key", s->top[i].key,
                                             "title", s->top[i].title, "score", s->top[i].score,
                                             "residual_score", s->top[i].residual, "residual_band",
                                             s->top[i].residual_band, "owner", s->top[i].owner,
                                             "treatment", s->top[i].treatment));
    json_t *o = json_pack(
        "{s:o, s:s, s:i, s:{s:I, s:I, s:s?, s:O?}, s:{s:I, s:{s:i, s:i, s:i, s:i}, s:o, s:o}, "
        "s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:i}, s:{s:I, s:s, s:b}}",
        "org", s->has_org ? record_json(&s->org) : json_null(), "currency", s->currency, "matrix", s->matrix,
        "objectives", "count", (json_int_t)s->objectives, "value_at_stake", (json_int_t)s->objective_value,
        "analysis", s->portfolio_key, "certainty", portfolio ? json_object_get(portfolio, "objectives") : NULL,
        "risks", "active", (json_int_t)s->risks, "residual_bands", "low", s->bands[0], "medium", s->bands[1],
        "high", s->bands[2], "critical", s->bands[3], "heat_map", heat, "top", top,
        "attention", "outside_appetite", (json_int_t)s->outside_appetite, "untreated", (json_int_t)s->untreated,
        "accepted_without_acceptance", (json_int_t)s->accepted_without, "acceptances_lapsed",
        (json_int_t)s->acceptances_lapsed, "without_objective", (json_int_t)s->no_objective,
        "review_overdue", (json_int_t)s->overdue,
        "controls", "planned", (json_int_t)s->controls[0], "implemented", (json_int_t)s->controls[1],
        "operating", (json_int_t)s->controls[2], "annual_cost", (json_int_t)s->control_cost,
        "assets", "count", (json_int_t)s->assets, "inherit_higher_need", s->raised,
        "ledger", "entries", (json_int_t)s->ledger_entries, "head", s->ledger_head, "verified",
        s->ledger_verified);
    js_write(c->out, o, 1);
    json_decref(o);
}

int cmd_summary(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    dom_dash *s = arena_alloc(c->a, sizeof *s);
    if ((rc = dom_dashboard(c->d, s, e)))
        return rc;
    /* The certainty per objective is the analysis's stored result. */
    json_t *portfolio = s->portfolio_results ? json_loads(s->portfolio_results, 0, NULL) : NULL;
    if (c->json)
        print_json(c, s, portfolio);
    else
        print_text(c, s, portfolio);
    json_decref(portfolio);
    return 0;
}
