/* review.c: the inputs of a management review (see review.h). */
#include "domain/views/review.h"
#include "domain/views/metrics.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "core/buf.h"
#include "core/text.h"
#include "formats/json.h"

#include <stdlib.h>
#include <string.h>

enum { CHANGES_LISTED = 20 };

typedef struct inputs {
    dom *d;
    buf *b;
    const record *review;
    const char *since; /* the previous review's day, or NULL: none before it */
    const char *previous;
    int listed, more;
} inputs;

static const char *money(dom *d, int64_t minor) { return dom_money_text(d, minor, " "); }

static void keys_line(buf *b, const dash_keys *k)
{
    for (size_t i = 0; i < k->n; i++)
        buf_printf(b, "%s%s", i ? ", " : ": ", k->keys[i]);
    if (k->total > (int64_t)k->n)
        buf_printf(b, ", and %lld more", (long long)(k->total - (int64_t)k->n));
}

/* ---- the review before this one ---- */

static int note_previous(const record *r, void *ctx)
{
    inputs *in = ctx;
    const char *day = record_text(r, F_REVIEW_HELD_ON), *st = record_text(r, F_REVIEW_STATUS);
    if (r->id == in->review->id || !review_held(st) ||
        strcmp(day, record_text(in->review, F_REVIEW_HELD_ON)) > 0)
        return 0;
    if (!in->since || strcmp(day, in->since) > 0) {
        in->since = arena_strdup(dom_arena(in->d), day);
        in->previous = arena_strdup(dom_arena(in->d), r->key);
    }
    return 0;
}

/* ---- b) and c): what changed since ---- */

static int note_changed(const record *r, void *ctx)
{
    inputs *in = ctx;
    if (in->since && strncmp(r->updated_at, in->since, 10) < 0)
        return 0;
    if (in->listed++ >= CHANGES_LISTED) {
        in->more++;
        return 0;
    }
    buf_printf(in->b, "  %s %s, changed %.10s\n", r->key, record_text(r, r->reg->label),
               r->updated_at);
    return 0;
}

/* The issues or interested parties written since the previous review
 * (all of them before the first): registers of tens of records. */
static int changes(inputs *in, const regdef *reg, const char *heading, isms_err *e)
{
    buf_printf(in->b, "\n%s %s\n", heading,
               in->since ? arena_printf(dom_arena(in->d), "since %s (%s)", in->since, in->previous)
                         : "(no review before this one: all of them)");
    in->listed = in->more = 0;
    int rc = dom_list(in->d, reg, &(store_query){ 0 }, note_changed, in, e);
    if (!rc && !in->listed)
        buf_puts(in->b, "  none\n");
    if (!rc && in->more)
        buf_printf(in->b, "  and %d more (isms %s list)\n", in->more, reg->name);
    return rc;
}

/* ---- d): incidents ---- */

/* One incident detected in the period: when, how bad, under which
 * regimes, the risk it realised (or that none did), its loss, its state. */
static void incident_line(inputs *in, const record *r)
{
    const value *regimes = record_cval(r, F_INCIDENT_REGIMES),
                *risks = record_cval(r, F_INCIDENT_RISKS);
    buf *b = in->b;
    buf_printf(b, "    %s %.10s %s, %s: %s", r->key, record_text(r, F_INCIDENT_DETECTED_AT),
               record_text(r, F_INCIDENT_SEVERITY), record_text(r, F_INCIDENT_STATUS),
               record_text(r, F_INCIDENT_TITLE));
    for (int k = 0; k < regimes->n; k++)
        buf_printf(b, "%s%s", k ? "/" : "; reportable under ", regimes->keys[k]);
    for (int k = 0; k < risks->n; k++)
        buf_printf(b, "%s%s", k ? ", " : "; realised ", risks->keys[k]);
    if (!risks->n)
        buf_puts(b, "; no risk of the register: not foreseen");
    buf_printf(b, "; loss %s\n", money(in->d, record_int(r, F_INCIDENT_LOSS)));
}

/* The incidents detected since the previous review (or in the last 365
 * days before the first), newest first, from the front of the index on
 * when they were detected: at most CHANGES_LISTED read. */
static int incidents_since(inputs *in, const char *since, isms_err *e)
{
    const regdef *reg = &reg_incident;
    int64_t *ids, n;
    store_query q = { .limit = CHANGES_LISTED + 1 };
    int rc = store_ids(dom_store(in->d), reg, &q, field_def(reg, F_INCIDENT_DETECTED_AT), 1, &ids,
                       &n, dom_arena(in->d), e);
    int listed = 0;
    for (int64_t k = 0; !rc && k < n; k++) {
        record r;
        rc = store_get_id(dom_store(in->d), reg, ids[k], &r, dom_arena(in->d), e);
        if (rc || strncmp(record_text(&r, F_INCIDENT_DETECTED_AT), since, 10) < 0)
            break;
        if (listed++ == CHANGES_LISTED)
            buf_printf(in->b, "    and more (isms incident list --sort detected_at --desc)\n");
        else
            incident_line(in, &r);
    }
    if (!rc && !listed)
        buf_puts(in->b, "    none\n");
    return rc;
}

static int incidents(inputs *in, const dom_dash *s, isms_err *e)
{
    buf *b = in->b;
    char year_ago[11], today[11];
    now_date(today);
    date_add_days(year_ago, today, -365);
    buf_printf(b, "  Incidents detected %s:\n",
               in->since ? arena_printf(dom_arena(in->d), "since %s (%s)", in->since, in->previous)
                         : "in the last 365 days (no review before this one)");
    int rc = store_keeps_incidents(dom_store(in->d))
                 ? incidents_since(in, in->since ? in->since : year_ago, e)
                 : 0;
    if (rc)
        return rc;
    buf_printf(b,
               "  In the last 365 days: %lld detected, %lld realising a risk of the register, "
               "%lld reportable to an authority; loss %s",
               (long long)s->incidents_year, (long long)s->incidents_year_on_risk,
               (long long)s->incidents_year_reportable, money(in->d, s->incident_loss_year));
    if (s->incidents_year_resolved)
        buf_printf(b, "; resolved in %.1f hours from detection on average",
                   (double)s->incident_minutes_year / 60.0 / (double)s->incidents_year_resolved);
    if (s->incident_loss_against)
        buf_printf(b, ".\n  That loss against the figures: %s", s->incident_loss_against);
    buf_printf(b,
               ".\n  Being handled now: %lld (%lld critical, %lld high). Reports to an authority "
               "late now: %s",
               (long long)(s->incidents[0] + s->incidents[1]), (long long)s->incidents_handled[3],
               (long long)s->incidents_handled[2],
               s->reports_late.total < 0
                   ? arena_printf(dom_arena(in->d), "more than %d", DASH_REPORTS_READ)
                   : arena_printf(dom_arena(in->d), "%lld", (long long)s->reports_late.total));
    keys_line(b, &s->reports_late);
    buf_puts(b, ".\n");
    return 0;
}

/* ---- d): performance ---- */

/* One objective of the portfolio's results: key, title, verdict,
 * measure, loss (minor units), certainty (a share). */
static int objective_line(const char *const *v, void *ctx)
{
    inputs *in = ctx;
    if (!v[3]) /* no quantified risk: listed after */
        return 0;
    buf_printf(in->b, "    %s %s: %s, %s %s, %.1f%% certain\n", v[0], v[1] ? v[1] : "",
               v[2] ? v[2] : "", v[3], money(in->d, v[4] ? strtoll(v[4], NULL, 10) : 0),
               100 * (v[5] ? strtod(v[5], NULL) : 0));
    return 0;
}

/* Each objective against appetite, from the portfolio analysis the
 * dashboard reads. */
static int objectives(inputs *in, const dom_dash *s, isms_err *e)
{
    buf *b = in->b;
    if (!s->portfolio_results) {
        buf_puts(b, "  Objectives against appetite: not quantified (isms quantify --by "
                    "objective)\n");
        return 0;
    }
    buf_printf(b, "  Objectives against appetite (%s, %s):\n", s->portfolio_key,
               s->portfolio_stale ? arena_printf(dom_arena(in->d), "STALE: its inputs changed%s%s",
                                                 s->portfolio_since ? " since " : "",
                                                 s->portfolio_since ? s->portfolio_since : "")
                                  : "current");
    static const char *const paths[] = {
        "key", "title", "verdict.verdict", "verdict.measure", "verdict.loss", "certainty"
    };
    int rc = js_rows(s->portfolio_results, "objectives", paths, 6, objective_line, in, e);
    if (rc)
        return rc;
    if (s->unquantified_objectives.total) {
        buf_printf(b, "    with no quantified risk, no certainty");
        keys_line(b, &s->unquantified_objectives);
        buf_putc(b, '\n');
    }
    buf_puts(b, "    (certain: the chance the year's loss stays within tolerance, or within "
                "appetite where no tolerance is set)\n");
    return 0;
}

/* One metric's latest, as the review reads it. */
static int metric_line(const record *r, void *ctx)
{
    inputs *in = ctx;
    const metric_measure *m = metric_measure_find(record_text(r, F_METRIC_MEASURE));
    const value *v = record_cval(r, F_METRIC_LAST_VALUE);
    const char *at = record_text(r, F_METRIC_LAST_MEASURED_AT);
    buf_printf(in->b, "    %s %s: %s, %s against a target of %s (%s)\n", r->key,
               record_text(r, F_METRIC_TITLE),
               m && !v->null ? dom_metric_value_text(in->d, m, v->i) : "no value",
               record_text(r, F_METRIC_LAST_STATUS),
               m ? dom_metric_value_text(in->d, m, record_int(r, F_METRIC_TARGET)) : "?",
               at ? arena_printf(dom_arena(in->d), "measured %.10s", at) : "never measured");
    return 0;
}

/* Monitoring and measurement results (Cl. 9.3.2 d 2): the metrics by
 * their latest state, the first METRICS_LISTED of them each. */
enum { METRICS_LISTED = 20 };
static int metrics(inputs *in, const dom_dash *s, isms_err *e)
{
    const int64_t *m = s->metrics, all = s->metrics_all;
    buf_printf(in->b,
               "  Metrics (monitoring and measurement results): %lld; %lld on target, %lld "
               "warning, %lld off target, %lld with nothing to measure, %lld not measured yet; "
               "%lld overdue for measurement.\n",
               (long long)all, (long long)m[2], (long long)m[3], (long long)m[4], (long long)m[1],
               (long long)m[0], (long long)s->metrics_overdue);
    if (!all)
        return 0;
    store_query q = { .limit = METRICS_LISTED };
    int rc = dom_list(in->d, &reg_metric, &q, metric_line, in, e);
    if (!rc && all > METRICS_LISTED)
        buf_puts(in->b, "    and more (isms metric list)\n");
    return rc;
}

static int performance(inputs *in, const dom_dash *s, isms_err *e)
{
    buf *b = in->b;
    buf_puts(b, "\nd) Feedback on performance\n");
    int rc = objectives(in, s, e);
    if (rc)
        return rc;
    buf_printf(b,
               "  Risk reviews overdue: %lld. Controls in place: %lld, of which %lld not assessed "
               "for effectiveness, %lld partially effective, %lld ineffective.\n",
               (long long)s->overdue, (long long)(s->controls[1] + s->controls[2]),
               (long long)s->not_assessed, (long long)s->partial, (long long)s->ineffective);
    rc = incidents(in, s, e);
    if (!rc && store_keeps_metrics(dom_store(in->d)))
        rc = metrics(in, s, e);
    if (!rc)
        buf_puts(b, "  Nonconformities, corrective actions and audit results: not recorded in "
                    "isms.\n");
    return rc;
}

/* ---- a), f), g) ---- */

static int actions(inputs *in, const dom_dash *s, isms_err *e)
{
    buf *b = in->b;
    dash_keys decided;
    int rc = dom_decision_keys(in->d, "decided", s->decisions[1], &decided, e);
    if (rc)
        return rc;
    buf_printf(b,
               "a) Actions from previous reviews\n  Decisions decided and not yet carried out: "
               "%lld, %lld of them past their due date",
               (long long)s->decisions[1], (long long)s->decisions_overdue);
    keys_line(b, &decided);
    buf_printf(b, ".\n  Carried out: %lld. Proposed, awaiting the body: %lld",
               (long long)s->decisions[2], (long long)s->decisions[0]);
    keys_line(b, &s->awaiting_decision);
    buf_puts(b, ".\n");
    return 0;
}

static void risks(inputs *in, const dom_dash *s)
{
    buf *b = in->b;
    buf_printf(b,
               "\nf) Results of risk assessment and status of risk treatment\n"
               "  Active risks: %lld; residual: %d critical, %d high, %d medium, %d low; %lld "
               "quantified, %lld not.\n  Outside appetite by their latest analyses: %lld",
               (long long)s->risks, s->bands[3], s->bands[2], s->bands[1], s->bands[0],
               (long long)s->quantified, (long long)s->unquantified.total,
               (long long)s->outside_appetite);
    keys_line(b, &s->outside);
    buf_printf(b, ".\n  Untreated (no control in place, no accept or avoid decision): %lld",
               (long long)s->untreated);
    keys_line(b, &s->untreated_keys);
    buf_printf(b,
               ".\n  Marked accepted without a valid acceptance: %lld. Acceptances lapsed: %lld. "
               "Analyses stale: %lld.\n  Planned controls: %lld, %lld of them past the date they "
               "were to be in place by.\n",
               (long long)s->accepted_without, (long long)s->acceptances_lapsed,
               (long long)s->stale_total, (long long)s->controls[0],
               (long long)s->controls_overdue);
}

static void health(inputs *in, const dom_dash *s)
{
    buf_puts(in->b, "\ng) Is risk information driving decisions?\n");
    for (int k = 0; k < DASH_HEALTH; k++)
        buf_printf(in->b, "  %s: %lld of %lld.\n", s->health[k].what, (long long)s->health[k].part,
                   (long long)s->health[k].whole);
    buf_printf(in->b,
               "  Money allocated by those decisions: %s of %s. Decisions taken in the last 365 "
               "days: %lld. Management reviews held in them: %lld%s%s.\n",
               money(in->d, s->amount_on_risk), money(in->d, s->decided_amount),
               (long long)s->taken_last_year, (long long)s->reviews_last_year,
               *s->last_review ? ", the latest on " : "", s->last_review);
    if (s->responsibility_gaps >= 0) /* (Cl. 5.3: counted from schema 26) */
        buf_printf(in->b,
                   "  Responsibility gaps (roles nobody holds, owners without the role or a "
                   "budget; isms person matrix): %lld.\n",
                   (long long)s->responsibility_gaps);
}

/* The whole text, Cl. 9.3.2's items in its order (e, the feedback of
 * interested parties, lies in their register: c). */
static int assemble(inputs *in, const char *now, isms_err *e)
{
    dom_dash s;
    int rc = dom_dashboard(in->d, &s, e);
    if (!rc)
        rc = dom_list(in->d, &reg_review, &(store_query){ 0 }, note_previous, in, e);
    if (rc)
        return rc;
    buf_printf(in->b,
               "Inputs to %s (ISO/IEC 27001 Cl. 9.3.2), assembled by isms at %s from ledger "
               "entry #%lld.\n\n",
               in->review->key, now, (long long)s.ledger_entries);
    rc = actions(in, &s, e);
    if (!rc)
        rc = changes(in, &reg_context, "b) Changes in external and internal issues", e);
    if (!rc)
        rc = changes(in, &reg_stakeholder,
                     "c) Changes in the needs and expectations of interested parties", e);
    if (!rc)
        rc = performance(in, &s, e);
    if (rc)
        return rc;
    risks(in, &s);
    health(in, &s);
    return 0;
}

typedef struct written {
    const char *text, *at;
} written;

static int set_inputs(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)e;
    const written *w = arg;
    record_set_text(r, F_REVIEW_INPUTS, w->text, dom_arena(d));
    record_set_text(r, F_REVIEW_INPUTS_AT, w->at, dom_arena(d));
    return 0;
}

static int inputs_in_txn(dom *d, const char *key, record *out, isms_err *e)
{
    record r;
    int rc = dom_get(d, &reg_review, key, &r, e);
    if (rc)
        return rc;
    const char *st = record_text(&r, F_REVIEW_STATUS);
    if (r.retired_at || !st || strcmp(st, "planned"))
        return err_set(e, E_CONFLICT, "status",
                       "%s is %s: its inputs are those it was held on (only a planned review's "
                       "are assembled)",
                       r.key,
                       r.retired_at ? "retired"
                       : st         ? st
                                    : "in no state");
    rc = principal_may_write(dom_who(d), &reg_review, &r, &r, e);
    if (rc)
        return rc;
    char now[21];
    now_timestamp(now);
    buf text;
    buf_init(&text);
    inputs in = { .d = d, .b = &text, .review = &r };
    rc = assemble(&in, now, e);
    written w = { arena_strdup(dom_arena(d), buf_str(&text)), now };
    buf_reset(&text);
    if (!rc)
        rc = dom_change_in_txn(d, &reg_review, r.key, 0, set_inputs, &w, "inputs", out, e);
    return rc;
}

int dom_review_inputs(dom *d, const char *key, record *out, isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    return dom_txn_end(d, inputs_in_txn(d, dom_key(d, key), out, e), e);
}
