/* cmd_summary.c: the dashboard. One screen that says whether the ISMS is
 * working: how certain the objectives are (in money, from the latest
 * portfolio analysis), the residual heat map, the worst risks, what needs
 * attention (untreated, unanchored, overdue, outside appetite, lapsed
 * acceptances), and whether the ledger is intact. The figures are the
 * domain's (domain/views/dashboard.h); this file only renders them. */
#include "cli/cli_internal.h"
#include "cli/verdict.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "domain/views/frameworks.h"
#include "domain/views/metrics.h"
#include "formats/json.h"
#include "web/views_json.h"
#include "risk/qual.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---- */

/* Columns as wide as the largest count needs (at least 4), so that counts
 * of a large register stay apart. */
static void print_heat(FILE *f, const dom_dash *s)
{
    int w = 4;
    for (int l = 1; l <= s->matrix; l++)
        for (int i = 1; i <= s->matrix; i++)
            while (w < 12 && s->heat[l][i] >= (long long)pow(10, w - 1))
                w++;
    fprintf(f, "\nResidual risk heat map (rows: likelihood, columns: impact)\n      ");
    for (int i = 1; i <= s->matrix; i++)
        fprintf(f, "%*d", w, i);
    fputc('\n', f);
    for (int l = s->matrix; l >= 1; l--) {
        fprintf(f, "   %2d ", l);
        for (int i = 1; i <= s->matrix; i++) {
            if (s->heat[l][i])
                fprintf(f, "%*d", w, s->heat[l][i]);
            else
                fprintf(f, "%*s", w, ".");
        }
        fputc('\n', f);
    }
}

/* Coverage per framework the controls are mapped onto. A failure to
 * compute it costs the section, not the dashboard. */
static void print_frameworks(cli *c)
{
    cov_report *r;
    int n;
    isms_err e = { 0 };
    if (dom_coverage_all(c->d, &r, &n, &e) || !n)
        return;
    fprintf(c->out, "\nFrameworks (covered by implemented or operating controls; isms coverage "
                    "--framework NAME)\n");
    for (int i = 0; i < n; i++) {
        const cov_tally *t = &r[i].total;
        fprintf(c->out, "  %-20s %3.0f%% covered, %d partly, %d not covered, %d excluded%s%s\n",
                r[i].framework, cov_percent(t), t->n[COV_PARTIAL], t->n[COV_GAP],
                t->n[COV_EXCLUDED], r[i].soa ? "; SoA " : "", r[i].soa ? r[i].soa : "");
    }
}

static json_t *frameworks_json(cli *c)
{
    cov_report *r;
    int n;
    isms_err e = { 0 };
    json_t *a = json_array();
    if (dom_coverage_all(c->d, &r, &n, &e))
        return a;
    for (int i = 0; i < n; i++) {
        const cov_tally *t = &r[i].total;
        json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:s?}", "framework",
                                           r[i].framework, "key", r[i].framework_key, "covered",
                                           t->n[COV_COVERED], "partial", t->n[COV_PARTIAL], "gap",
                                           t->n[COV_GAP], "excluded", t->n[COV_EXCLUDED],
                                           "percent_covered", cov_percent(t), "soa", r[i].soa));
    }
    return a;
}

static void print_judgement(cli *c, json_t *pf, json_t *o, const char *indent)
{
    quant_judgement j;
    quant_threshold t;
    cli_judgement_of_json(o, cli_analysis_per_major(c, pf), &j, &t);
    fprintf(c->out, "%s%s\n%s%s\n", indent, cli_verdict_text(c, &j, &t), indent,
            cli_certainty_text(c, &j, &t));
}

static int listed(json_t *objectives, const char *key)
{
    size_t i;
    json_t *o;
    json_array_foreach(objectives, i,
                       o) if (!strcmp(json_string_value(json_object_get(o, "key")), key)) return 1;
    return 0;
}

/* The organisation and each objective against appetite, from the latest
 * portfolio analysis, marked stale when its inputs changed since. */
static void print_certainty(cli *c, const dom_dash *s, json_t *pf)
{
    FILE *f = c->out;
    json_t *objectives = json_object_get(pf, "objectives");
    if (!pf) {
        fprintf(f, "\nAgainst appetite: no pf analysis yet (isms quantify --by objective)\n");
        return;
    }
    fprintf(f, "\nAgainst appetite (%s: annual loss at the appetite's percentile)%s\n",
            s->portfolio_key,
            s->portfolio_stale
                ? arena_printf(c->a,
                               "\n  STALE: its inputs changed%s%s; re-run: isms quantify --stale",
                               s->portfolio_since ? " since " : "",
                               s->portfolio_since ? s->portfolio_since : "")
                : "");
    fprintf(f, "  %-7s %s\n", "ORG", "the organisation");
    print_judgement(c, pf, pf, "          ");
    size_t i;
    json_t *o;
    json_array_foreach(objectives, i, o)
    {
        fprintf(f, "  %-7s %s\n", json_string_value(json_object_get(o, "key")),
                json_string_value(json_object_get(o, "title")));
        print_judgement(c, pf, o, "          ");
    }
    for (size_t k = 0; k < s->unquantified_objectives.n; k++)
        if (!listed(objectives, s->unquantified_objectives.keys[k]))
            fprintf(f, "  %-7s no quantified risk: no certainty\n",
                    s->unquantified_objectives.keys[k]);
    if (s->unquantified_objectives.total > (int64_t)s->unquantified_objectives.n)
        fprintf(
            f, "  and %lld more objectives with no quantified risk\n",
            (long long)(s->unquantified_objectives.total - (int64_t)s->unquantified_objectives.n));
    fprintf(f, "  (certainty: the chance the year's loss stays within tolerance, or within "
               "appetite where no "
               "tolerance is set)\n");
}

/* The first keys, and how many more; where a command lists them all
 * (`all`, or NULL), it is named. */
static void print_keys_all(FILE *f, const dash_keys *k, const char *all)
{
    for (size_t i = 0; i < k->n; i++)
        fprintf(f, "%s%s", i ? ", " : ": ", k->keys[i]);
    if (k->total > (int64_t)k->n)
        fprintf(f, ", and %lld more%s%s", (long long)(k->total - (int64_t)k->n), all ? ": " : "",
                all ? all : "");
    fputc('\n', f);
}

static void print_keys(FILE *f, const dash_keys *k) { print_keys_all(f, k, NULL); }

/* "3 hours ago": the age in its largest whole unit. */
static void age_text(int64_t sec, char *out, size_t n)
{
    static const struct {
        int64_t secs;
        const char *unit;
    } units[] = { { 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" } };
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (sec >= units[i].secs || units[i].secs == 1) {
            int64_t k = sec / units[i].secs;
            snprintf(out, n, "%lld %s%s ago", (long long)k, units[i].unit, k == 1 ? "" : "s");
            return;
        }
}

/* What the last verification reported, as recorded: the dashboard never
 * verifies (it would cost a pass over the whole repository). */
static void print_verification(FILE *f, const dom_dash *s)
{
    const verify_record *v = &s->verification;
    if (!v->present) {
        fputs("Ledger never verified: run isms verify\n", f);
        return;
    }
    char age[64];
    age_text(s->verified_age, age, sizeof age);
    char when[17];
    snprintf(when, sizeof when, "%.10s %.5s", v->at, v->at + 11);
    if (v->problems)
        fprintf(f, "Ledger verification FAILED %s (%s, %s UTC, %d problem%s): %s\n", age,
                v->full ? "full" : "incremental", when, v->problems, v->problems == 1 ? "" : "s",
                v->first);
    else
        fprintf(f,
                "Ledger verified ok %s (%s, %s UTC, up to entry #%lld; %lld entr%s since not yet "
                "verified)\n",
                age, v->full ? "full" : "incremental", when, (long long)v->seq,
                (long long)s->not_verified, s->not_verified == 1 ? "y" : "ies");
    fputs("  (as the last verification recorded it; run isms verify for a fresh answer)\n", f);
}

static void attention(FILE *f, int64_t n, const char *one, const char *many)
{
    fprintf(f, "  %lld %s\n", (long long)n, n == 1 ? one : many);
}

static void attention_keys(FILE *f, const dash_keys *k, const char *one, const char *many,
                           const char *all)
{
    fprintf(f, "  %lld %s", (long long)k->total, k->total == 1 ? one : many);
    print_keys_all(f, k, all);
}

static void print_stale(FILE *f, const dom_dash *s)
{
    fprintf(f, "  %lld %s", (long long)s->stale_total,
            s->stale_total == 1
                ? "analysis stale: its inputs changed since it ran (isms quantify --stale)"
                : "analyses stale: their inputs changed since they ran (isms quantify --stale)");
    for (size_t k = 0; k < s->nstale; k++)
        fprintf(f, "%s%s %s%s%s", k ? "; " : ": ", s->stale[k].key, s->stale[k].subject,
                s->stale[k].since ? " since " : "", s->stale[k].since ? s->stale[k].since : "");
    if (s->stale_total > (int64_t)s->nstale)
        fprintf(f, "; and %lld more", (long long)(s->stale_total - (int64_t)s->nstale));
    fputc('\n', f);
}

static const char *share(cli *c, int64_t part, int64_t whole)
{
    return whole > 0 ? arena_printf(c->a, "%.0f%%", 100.0 * (double)part / (double)whole) : "-";
}

/* The governance loop: what is before the body, what it decided and
 * funded, and whether what it decided rests on risk information. */
static void print_decisions(cli *c, const dom_dash *s)
{
    FILE *f = c->out;
    fprintf(f,
            "\nDecisions: %lld decided, %lld carried out, %s allocated by them; %lld proposed, "
            "awaiting the body",
            (long long)s->decisions[1], (long long)s->decisions[2],
            render_money(c, s->decided_amount), (long long)s->decisions[0]);
    print_keys(f, &s->awaiting_decision);
}

/* Reports owed to authorities: how many (over DASH_REPORTS_READ: "more
 * than"), and the first keys. */
static void print_reports(FILE *f, const dash_keys *k, const char *what)
{
    if (k->total < 0)
        fprintf(f, "  more than %d %s", DASH_REPORTS_READ, what);
    else
        fprintf(f, "  %lld %s", (long long)k->total, what);
    print_keys(f, k);
}

/* What happened, what it cost, whether the register foresaw it, and what
 * the authorities are owed now. */
static void print_incidents(cli *c, const dom_dash *s)
{
    FILE *f = c->out;
    const int64_t *h = s->incidents_handled;
    fprintf(f,
            "\nIncidents: %lld being handled (%lld critical, %lld high, %lld medium, %lld low), "
            "%lld resolved, %lld closed\n",
            (long long)(s->incidents[0] + s->incidents[1]), (long long)h[3], (long long)h[2],
            (long long)h[1], (long long)h[0], (long long)s->incidents[2],
            (long long)s->incidents[3]);
    fprintf(f,
            "  last 365 days: %lld detected, %lld realised a risk of the register, %lld "
            "reportable; loss %s",
            (long long)s->incidents_year, (long long)s->incidents_year_on_risk,
            (long long)s->incidents_year_reportable, render_money(c, s->incident_loss_year));
    if (s->incidents_year_resolved)
        fprintf(f, "; resolved in %.1f hours on average (%lld resolved)\n",
                (double)s->incident_minutes_year / 60.0 / (double)s->incidents_year_resolved,
                (long long)s->incidents_year_resolved);
    else
        fputs("; none resolved\n", f);
    if (s->incident_loss_against)
        fprintf(f, "  that loss against the figures: %s\n", s->incident_loss_against);
}

/* What the ISMS measures of itself (Cl. 9.1), by the latest measurement. */
static void print_metrics(cli *c, FILE *f, const dom_dash *s)
{
    const int64_t *m = s->metrics;
    if (!s->metrics_all)
        return;
    fprintf(f,
            "Metrics: %lld; by the latest measurement %lld on target, %lld warning, %lld off "
            "target, %lld with nothing to measure, %lld not measured yet\n",
            (long long)s->metrics_all, (long long)m[2], (long long)m[3], (long long)m[4],
            (long long)m[1], (long long)m[0]);
    for (int k = 0; k < s->nboard; k++) { /* the board's */
        const dash_metric *b = &s->board[k];
        fprintf(f, "  %-7s %-44.44s %12s  %-12s target %s, measured %.10s\n", b->key, b->title,
                b->value_text, b->status, b->target_text,
                b->measured_at ? b->measured_at : "never");
    }
}

static void health_line(cli *c, const char *what, int64_t part, int64_t whole)
{
    fprintf(c->out, "  %-50s %8lld of %-8lld %s\n", what, (long long)part, (long long)whole,
            share(c, part, whole));
}

/* What tells a management system from a register kept for the auditor:
 * whether risk information reaches the people who spend and decide. */
static void print_health(cli *c, const dom_dash *s)
{
    FILE *f = c->out;
    fprintf(f, "\nIs risk information driving decisions?\n");
    for (int k = 0; k < DASH_HEALTH; k++)
        health_line(c, s->health[k].what, s->health[k].part, s->health[k].whole);
    fprintf(f, "  %-50s %s of %s, %s\n", "Money allocated by those decisions",
            render_money(c, s->amount_on_risk), render_money(c, s->decided_amount),
            share(c, s->amount_on_risk, s->decided_amount));
    fprintf(f, "  %-50s %8lld\n", "Decisions taken in the last 365 days",
            (long long)s->taken_last_year);
    fprintf(f, "  %-50s %8lld%s%s%s\n", "Management reviews held in the last 365 days",
            (long long)s->reviews_last_year, *s->last_review ? " (the latest on " : "",
            s->last_review, *s->last_review ? ")" : "");
    fprintf(f, "  (active records now; a decision rests on risk information when it names a risk "
               "or cites a quantified analysis; an incident realises a risk when it names one)\n");
}

static void print_text(cli *c, const dom_dash *s, json_t *pf)
{
    FILE *f = c->out;
    const record *org = &s->org;
    if (s->has_org)
        fprintf(f, "%s  ·  %s  ·  NIS2 %s  ·  DORA %s  ·  %s  ·  %dx%d risk matrix\n",
                record_text(org, F_ORG_NAME),
                record_text(org, F_ORG_SECTOR) ? record_text(org, F_ORG_SECTOR) : "sector not set",
                record_text(org, F_ORG_NIS2_CLASS), record_text(org, F_ORG_DORA_ENTITY),
                s->currency, s->matrix, s->matrix);
    else
        fprintf(f, "No organisation profile yet (isms org set --name ...)\n");
    fprintf(f,
            "\nObjectives: %lld, value at stake %s; %s (%s) of it at objectives with a risk not "
            "quantified\n",
            (long long)s->objectives, render_money(c, s->objective_value),
            render_money(c, s->value_unquantified),
            share(c, s->value_unquantified, s->objective_value));
    print_certainty(c, s, pf);
    fprintf(f,
            "\nRisks: %lld active, %lld quantified, %lld not (%s); residual: %d critical, %d high, "
            "%d medium, %d low\n",
            (long long)s->risks, (long long)s->quantified, (long long)s->unquantified.total,
            share(c, s->unquantified.total, s->risks), s->bands[3], s->bands[2], s->bands[1],
            s->bands[0]);
    if (s->risks)
        print_heat(f, s);
    if (s->ntop) {
        fprintf(f, "\nTop risks by residual score\n");
        for (int i = 0; i < s->ntop; i++)
            fprintf(f, "  %-8s %-44.44s %2d %-8s owner %-7s %s\n", s->top[i].key, s->top[i].title,
                    s->top[i].residual, s->top[i].residual_band, s->top[i].owner,
                    s->top[i].treatment);
    }
    fprintf(f, "\nControls: %lld planned, %lld implemented, %lld operating; annual cost %s\n",
            (long long)s->controls[0], (long long)s->controls[1], (long long)s->controls[2],
            render_money(c, s->control_cost));
    fprintf(f,
            "  in place: %lld not assessed for effectiveness, %lld partially effective, %lld "
            "ineffective "
            "(ineffective ones reduce no current loss)\n",
            (long long)s->not_assessed, (long long)s->partial, (long long)s->ineffective);
    fprintf(f, "Assets: %zu, of which %d inherit a higher protection need than stated\n", s->assets,
            s->raised);
    print_decisions(c, s);
    print_incidents(c, s);
    print_metrics(c, f, s);
    print_health(c, s);
    print_frameworks(c);
    fprintf(f, "\nNeeds attention\n");
    attention_keys(f, &s->outside, "risk outside appetite (latest analysis)",
                   "risks outside appetite (latest analyses)", "isms attention outside-appetite");
    print_stale(f, s);
    attention_keys(f, &s->unquantified, "risk not quantified (no FAIR inputs): in no total",
                   "risks not quantified (no FAIR inputs): in no total",
                   "isms attention unquantified");
    attention_keys(f, &s->unquantified_objectives,
                   "objective with no quantified risk: no certainty",
                   "objectives with no quantified risk: no certainty", NULL);
    attention_keys(f, &s->matrix_disagrees,
                   "risk whose matrix cell and FAIR figures lie more than one band apart",
                   "risks whose matrix cell and FAIR figures lie more than one band apart",
                   "isms attention matrix-disagrees");
    attention(f, s->not_assessed, "control in place whose effectiveness is not assessed",
              "controls in place whose effectiveness is not assessed");
    attention_keys(f, &s->untreated_keys,
                   "risk with no implemented control and no accept/avoid decision",
                   "risks with no implemented control and no accept/avoid decision",
                   "isms attention untreated");
    attention(f, s->accepted_without, "risk marked accepted without a valid acceptance",
              "risks marked accepted without a valid acceptance");
    attention(f, s->acceptances_lapsed, "acceptance lapsed: the risk is back for review",
              "acceptances lapsed: the risks are back for review");
    attention(f, s->no_objective, "risk tied to no business objective",
              "risks tied to no business objective");
    attention(f, s->overdue, "risk review overdue", "risk reviews overdue");
    attention(f, s->controls_overdue,
              "planned control past the date it was to be in place by (the treatment plan)",
              "planned controls past the date they were to be in place by (the treatment plan)");
    attention(f, s->decisions_overdue, "decision decided and not carried out by its due date",
              "decisions decided and not carried out by their due dates");
    if (s->responsibility_gaps >= 0) /* (counted from schema 26) */
        attention(
            f, s->responsibility_gaps,
            "responsibility gap: a role nobody holds, or an owner without the role or a budget "
            "(isms person matrix)",
            "responsibility gaps: roles nobody holds, owners without the role or a budget "
            "(isms person matrix)");
    attention_keys(f, &s->metrics_off, "metric off target (its latest measurement)",
                   "metrics off target (their latest measurements)",
                   "isms metric list --last-status off-target");
    attention(f, s->metrics_overdue, "metric overdue for measurement (isms metric measure)",
              "metrics overdue for measurement (isms metric measure)");
    print_reports(f, &s->reports_late, "reports to an authority late (NIS2, DORA, GDPR)");
    print_reports(f, &s->reports_soon, "reports to an authority due in the next 24 hours");
    if (s->reports_as_of[0])
        fprintf(f, "  (reports as of %.10s %.5s UTC)\n", s->reports_as_of, s->reports_as_of + 11);
    fprintf(f, "\nLedger: %lld entries, head %.16s…\n", (long long)s->ledger_entries,
            s->ledger_head);
    print_verification(f, s);
}

/* ---- JSON ---- */

static json_t *verification_json(const dom_dash *s)
{
    const verify_record *v = &s->verification;
    if (!v->present)
        return json_pack("{s:b}", "recorded", 0);
    return json_pack("{s:b, s:b, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:i, s:s?, s:I, s:I}",
                     "recorded", 1, "ok", !v->problems, "at", v->at, "mode",
                     v->full ? "full" : "incremental", "age_seconds", (json_int_t)s->verified_age,
                     "hash", v->hash, "up_to_entry", (json_int_t)v->seq, "entries",
                     (json_int_t)v->entries, "records", (json_int_t)v->records, "problem_count",
                     v->problems, "first_problem", v->problems ? v->first : NULL, "duration_ms",
                     (json_int_t)v->ms, "entries_since", (json_int_t)s->not_verified);
}

/* The first keys of a list (its total beside it, as name_count). */
static json_t *keys_json(const dash_keys *k)
{
    json_t *a = json_array();
    for (size_t i = 0; i < k->n; i++)
        json_array_append_new(a, json_string(k->keys[i]));
    return a;
}

/* Verdicts, what is stale, what is not quantified, where the matrix and
 * the money disagree, and the controls' effectiveness. */
static void add_board_figures(const dom_dash *s, json_t *o, json_t *pf)
{
    json_t *obj = json_object_get(o, "objectives"), *risks = json_object_get(o, "risks");
    json_t *att = json_object_get(o, "attention"), *ctl = json_object_get(o, "controls");
    json_object_set_new(obj, "value_at_stake_not_quantified", json_integer(s->value_unquantified));
    json_object_set_new(obj, "not_quantified", keys_json(&s->unquantified_objectives));
    json_object_set_new(obj, "not_quantified_count",
                        json_integer(s->unquantified_objectives.total));
    json_object_set_new(obj, "analysis_stale", json_boolean(s->portfolio_stale));
    json_object_set_new(obj, "stale_since",
                        s->portfolio_since ? json_string(s->portfolio_since) : json_null());
    json_object_set(obj, "organisation", pf ? json_object_get(pf, "verdict") : json_null());
    json_object_set_new(risks, "quantified", json_integer(s->quantified));
    json_object_set_new(risks, "not_quantified", keys_json(&s->unquantified));
    json_object_set_new(risks, "not_quantified_count", json_integer(s->unquantified.total));
    json_object_set_new(att, "outside_appetite_risks", keys_json(&s->outside));
    json_t *stale = json_array();
    for (size_t k = 0; k < s->nstale; k++)
        json_array_append_new(stale,
                              json_pack("{s:s, s:s, s:s?}", "analysis", s->stale[k].key, "subject",
                                        s->stale[k].subject, "since", s->stale[k].since));
    json_object_set_new(att, "stale_analyses", stale);
    json_object_set_new(att, "stale_analyses_count", json_integer(s->stale_total));
    json_object_set_new(att, "matrix_disagrees", keys_json(&s->matrix_disagrees));
    json_object_set_new(att, "matrix_disagrees_count", json_integer(s->matrix_disagrees.total));
    json_object_set_new(att, "controls_not_assessed", json_integer(s->not_assessed));
    json_object_set_new(ctl, "not_assessed", json_integer(s->not_assessed));
    json_object_set_new(ctl, "partially_effective", json_integer(s->partial));
    json_object_set_new(ctl, "ineffective", json_integer(s->ineffective));
}

/* A count of reports owed: null when there are more than were read. */
static json_t *reports_json(const dash_keys *k)
{
    return json_pack("{s:o, s:o}", "count", k->total < 0 ? json_null() : json_integer(k->total),
                     "incidents", keys_json(k));
}

static json_t *incidents_json(const dom_dash *s)
{
    const int64_t *h = s->incidents_handled;
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "open",
        (json_int_t)s->incidents[0], "contained", (json_int_t)s->incidents[1], "resolved",
        (json_int_t)s->incidents[2], "closed", (json_int_t)s->incidents[3], "handled_by_severity",
        "low", (json_int_t)h[0], "medium", (json_int_t)h[1], "high", (json_int_t)h[2], "critical",
        (json_int_t)h[3], "last_365_days", "detected", (json_int_t)s->incidents_year,
        "realising_a_risk", (json_int_t)s->incidents_year_on_risk, "reportable",
        (json_int_t)s->incidents_year_reportable, "loss", (json_int_t)s->incident_loss_year,
        "resolved", (json_int_t)s->incidents_year_resolved, "minutes_to_resolve",
        (json_int_t)s->incident_minutes_year);
    json_object_set_new(o, "loss_against_portfolio",
                        s->incident_loss_against ? json_string(s->incident_loss_against)
                                                 : json_null());
    json_object_set_new(o, "reports_as_of", json_string(s->reports_as_of));
    json_object_set_new(o, "reports_late", reports_json(&s->reports_late));
    json_object_set_new(o, "reports_due_24h", reports_json(&s->reports_soon));
    return o;
}

static json_t *metrics_json(const dom_dash *s)
{
    const int64_t *m = s->metrics;
    json_t *board = json_array();
    for (int k = 0; k < s->nboard; k++) {
        const dash_metric *b = &s->board[k];
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:I}", "key", b->key, "title", b->title, "measure",
                      b->measure, "status", b->status, "target", (json_int_t)b->target);
        json_object_set_new(o, "value", b->known ? json_integer(b->value) : json_null());
        json_object_set_new(o, "measured_at",
                            b->measured_at ? json_string(b->measured_at) : json_null());
        json_array_append_new(board, o);
    }
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "not_measured", (json_int_t)m[0],
                     "no_data", (json_int_t)m[1], "on_target", (json_int_t)m[2], "warning",
                     (json_int_t)m[3], "off_target", (json_int_t)m[4], "overdue",
                     (json_int_t)s->metrics_overdue, "off_target_keys", keys_json(&s->metrics_off),
                     "board", board);
}

static void print_json(cli *c, const dom_dash *s, json_t *pf)
{
    json_t *heat = json_array(), *top = json_array();
    for (int l = 1; l <= s->matrix; l++) {
        json_t *row = json_array();
        for (int i = 1; i <= s->matrix; i++)
            json_array_append_new(row, json_integer(s->heat[l][i]));
        json_array_append_new(heat, row);
    }
    for (int i = 0; i < s->ntop; i++)
        json_array_append_new(top, dash_risk_json(&s->top[i]));
    json_t *o = json_pack(
        "{s:o, s:s, s:i, s:{s:I, s:I, s:s?, s:O?}, s:{s:I, s:{s:i, s:i, s:i, s:i}, s:o, s:o}, "
        "s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:i}, s:{s:I, s:s, "
        "s:b}}",
        "org", s->has_org ? record_json(&s->org) : json_null(), "currency", s->currency, "matrix",
        s->matrix, "objectives", "count", (json_int_t)s->objectives, "value_at_stake",
        (json_int_t)s->objective_value, "analysis", s->portfolio_key, "certainty",
        pf ? json_object_get(pf, "objectives") : NULL, "risks", "active", (json_int_t)s->risks,
        "residual_bands", "low", s->bands[0], "medium", s->bands[1], "high", s->bands[2],
        "critical", s->bands[3], "heat_map", heat, "top", top, "attention", "outside_appetite",
        (json_int_t)s->outside_appetite, "untreated", (json_int_t)s->untreated,
        "accepted_without_acceptance", (json_int_t)s->accepted_without, "acceptances_lapsed",
        (json_int_t)s->acceptances_lapsed, "without_objective", (json_int_t)s->no_objective,
        "review_overdue", (json_int_t)s->overdue, "controls", "planned", (json_int_t)s->controls[0],
        "implemented", (json_int_t)s->controls[1], "operating", (json_int_t)s->controls[2],
        "annual_cost", (json_int_t)s->control_cost, "assets", "count", (json_int_t)s->assets,
        "inherit_higher_need", s->raised, "ledger", "entries", (json_int_t)s->ledger_entries,
        "head", s->ledger_head, "verified", s->ledger_verified);
    json_object_set_new(json_object_get(o, "ledger"), "last_verification", verification_json(s));
    json_object_set_new(json_object_get(o, "controls"), "past_implementation_due",
                        json_integer(s->controls_overdue));
    json_object_set_new(o, "responsibility_gaps",
                        s->responsibility_gaps < 0 ? json_null()
                                                   : json_integer(s->responsibility_gaps));
    json_object_set_new(
        o, "decisions",
        json_pack("{s:I, s:I, s:I, s:o, s:I, s:I, s:I}", "proposed", (json_int_t)s->decisions[0],
                  "decided", (json_int_t)s->decisions[1], "carried_out",
                  (json_int_t)s->decisions[2], "awaiting", keys_json(&s->awaiting_decision),
                  "allocated", (json_int_t)s->decided_amount, "resting_on_risk",
                  (json_int_t)s->decisions_on_risk, "overdue", (json_int_t)s->decisions_overdue));
    json_object_set_new(
        o, "health",
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "risks_tied_to_objectives",
                  (json_int_t)s->health[DASH_RISKS_ON_OBJECTIVES].part, "risk_owners",
                  (json_int_t)s->risk_owners, "risk_owners_with_budget",
                  (json_int_t)s->owners_with_budget, "controls_tied_to_risks",
                  (json_int_t)s->health[DASH_CONTROLS_ON_RISKS].part, "decisions_taken",
                  (json_int_t)s->health[DASH_DECISIONS_ON_RISK].whole, "decisions_resting_on_risk",
                  (json_int_t)s->decisions_on_risk, "allocated_resting_on_risk",
                  (json_int_t)s->amount_on_risk, "decisions_taken_last_365_days",
                  (json_int_t)s->taken_last_year));
    json_t *h = json_object_get(o, "health");
    json_object_set_new(h, "reviews_held_last_365_days", json_integer(s->reviews_last_year));
    json_object_set_new(h, "last_review",
                        *s->last_review ? json_string(s->last_review) : json_null());
    json_object_set_new(o, "incidents", incidents_json(s));
    json_object_set_new(o, "metrics", metrics_json(s));
    add_board_figures(s, o, pf);
    json_object_set_new(o, "frameworks", frameworks_json(c));
    js_write(c->out, o, 1);
    json_decref(o);
}

int cmd_summary(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    dom_dash *s = arena_alloc(c->a, sizeof *s);
    rc = dom_dashboard(c->d, s, e);
    if (rc)
        return rc;
    /* The certainty per objective is the analysis's stored result. */
    json_t *pf = s->portfolio_results ? json_loads(s->portfolio_results, 0, NULL) : NULL;
    if (c->json)
        print_json(c, s, pf);
    else
        print_text(c, s, pf);
    json_decref(pf);
    return 0;
}
