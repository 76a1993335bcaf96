/* incidents.c: the incident register (incidents.h): its vocabulary,
 * lifecycle, the authorities' deadlines and its rules. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "domain/engine/dom_internal.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

const char *const incident_statuses[] = { "open", "contained", "resolved", "closed", NULL };
const char *const incident_severities[] = { "low", "medium", "high", "critical", NULL };
const char *const incident_regimes[] = { "nis2", "dora", "gdpr", NULL };

/* An incident is open while it is handled, contained once it stops
 * spreading, resolved once services and data are back, and closed by the
 * ISMS lead on the lessons learnt (ISO/IEC 27001 A.5.27), once no report
 * to an authority is still owed. It is not frozen when closed: a fine or
 * an insurer's payment may change its loss months later. */
static const transition incident_transitions[] = {
    { .verb = "contain",
      .from = "open",
      .to = "contained",
      .flags = LC_BY_OWNER,
      .help = "record that it is contained (its owner, or the isms-lead)" },
    { .verb = "resolve",
      .from = "open",
      .to = "resolved",
      .flags = LC_BY_OWNER,
      .help = "record that it is resolved (its owner, or the isms-lead)" },
    { .verb = "resolve",
      .from = "contained",
      .to = "resolved",
      .flags = LC_BY_OWNER,
      .help = "record that it is resolved (its owner, or the isms-lead)" },
    { .verb = "close",
      .from = "resolved",
      .to = "closed",
      .role = "isms-lead",
      .needs = F_INCIDENT_LESSONS,
      .awaits = F_INCIDENT_REPORT_DUE,
      .stamp_by = F_INCIDENT_CLOSED_BY,
      .stamp_at = F_INCIDENT_CLOSED_AT,
      .help = "close it on the lessons learnt, once every report owed to an authority has "
              "gone (the isms-lead)" },
};
static const lifecycle incident_lifecycle = { .field = F_INCIDENT_STATUS,
                                              .states = incident_statuses,
                                              .transitions = incident_transitions,
                                              .ntransitions = NFIELDS(incident_transitions) };

REGISTER(incident, INCIDENT, "incidents", "INC", F_INCIDENT_TITLE,
         "information security incidents: the risks they realised, the loss they caused, their "
         "reports to the authorities under NIS2, DORA and GDPR with the deadlines, the lessons "
         "learnt",
         .check = rules_incident, .lifecycle = &incident_lifecycle);

int incident_is_open(const char *status)
{
    return status && (!strcmp(status, "open") || !strcmp(status, "contained"));
}

static int under(const record *r, const char *regime)
{
    const value *v = record_cval(r, F_INCIDENT_REGIMES);
    for (int k = 0; k < v->n; k++)
        if (!strcmp(v->keys[k], regime))
            return 1;
    return 0;
}

/* Regime's deadline `at` for a report: the earliest stands, and the
 * regimes that set it are named ("nis2, dora" when they agree). */
static void offer_at(incident_report *rep, const char *regime, const char *at)
{
    int c = rep->owed ? strcmp(at, rep->deadline) : -1;
    if (c < 0) {
        memcpy(rep->deadline, at, sizeof rep->deadline);
        snprintf(rep->set_by, sizeof rep->set_by, "%s", regime);
    } else if (!c) {
        size_t n = strlen(rep->set_by);
        snprintf(rep->set_by + n, sizeof rep->set_by - n, ", %s", regime);
    }
    rep->owed = 1;
}

/* The same, `hours` and then `months` after `from`. */
static void offer(incident_report *rep, const char *regime, const char *from, int hours, int months)
{
    char at[21];
    timestamp_add(at, from, hours, months);
    offer_at(rep, regime, at);
}

/* When report k was made, or else when it was due: what the next counts
 * from. */
static const char *made_or_due(const incident_report *rep)
{
    return rep->made_at ? rep->made_at : rep->deadline;
}

void incident_reports(const record *r, incident_report out[INCIDENT_REPORTS])
{
    static const char *const names[] = { "initial", "intermediate", "final" };
    static const int made[] = { F_INCIDENT_INITIAL_REPORT_AT, F_INCIDENT_INTERMEDIATE_REPORT_AT,
                                F_INCIDENT_FINAL_REPORT_AT };
    memset(out, 0, sizeof *out * INCIDENT_REPORTS);
    for (int k = 0; k < INCIDENT_REPORTS; k++) {
        out[k].name = names[k];
        out[k].made_at = record_text(r, made[k]);
    }
    const char *detected = record_text(r, F_INCIDENT_DETECTED_AT);
    if (!detected)
        return;
    incident_report *initial = &out[INCIDENT_INITIAL], *inter = &out[INCIDENT_INTERMEDIATE],
                    *final = &out[INCIDENT_FINAL];
    if (under(r, "gdpr"))
        offer(initial, "gdpr", detected, 72, 0);
    if (under(r, "nis2")) {
        offer(initial, "nis2", detected, 24, 0);
        offer(inter, "nis2", detected, 72, 0);
    }
    if (under(r, "dora")) {
        /* 4 hours from its classification as major, 24 from detection at
         * the latest (Delegated Regulation (EU) 2025/301, Art. 5) */
        char dora_initial[21], four[21];
        const char *classified = record_text(r, F_INCIDENT_CLASSIFIED_AT);
        timestamp_add(dora_initial, detected, 24, 0);
        if (classified && (timestamp_add(four, classified, 4, 0), strcmp(four, dora_initial) < 0))
            memcpy(dora_initial, four, sizeof four);
        offer_at(initial, "dora", dora_initial);
        offer(inter, "dora", initial->made_at ? initial->made_at : dora_initial, 72, 0);
    }
    if (inter->owed) /* NIS2 and DORA: one month after the one before */
        offer(final, inter->set_by, made_or_due(inter), 0, 1);
    for (int k = 0; k < INCIDENT_REPORTS; k++)
        if (out[k].owed && out[k].made_at && strcmp(out[k].made_at, out[k].deadline) > 0)
            out[k].late_minutes =
                (long)((timestamp_epoch(out[k].made_at) - timestamp_epoch(out[k].deadline)) / 60);
}

/* The deadline of the first report owed and not made ("" if none). */
static void next_due(const incident_report reps[INCIDENT_REPORTS], char dst[21])
{
    dst[0] = 0;
    for (int k = 0; k < INCIDENT_REPORTS; k++)
        if (reps[k].owed && !reps[k].made_at) {
            memcpy(dst, reps[k].deadline, 21);
            return;
        }
}

/* ---- rules ---- */

static const char *name_of(const record *r, int fid) { return field_def(r->reg, fid)->name; }

/* Field `later`, when set, is not before field `earlier`. */
static int not_before(const record *r, int later, int earlier, isms_err *e)
{
    const char *a = record_text(r, later), *b = record_text(r, earlier);
    if (!a || !b || strcmp(a, b) >= 0)
        return 0;
    return err_set(e, E_INVALID, name_of(r, later), "%s: %s is before %s %s", name_of(r, later), a,
                   name_of(r, earlier), b);
}

/* The times people give: none in the future. */
static int check_not_future(const record *r, const char *now, isms_err *e)
{
    static const int given[] = { F_INCIDENT_OCCURRED_AT,
                                 F_INCIDENT_DETECTED_AT,
                                 F_INCIDENT_CLASSIFIED_AT,
                                 F_INCIDENT_CONTAINED_AT,
                                 F_INCIDENT_RESOLVED_AT,
                                 F_INCIDENT_INITIAL_REPORT_AT,
                                 F_INCIDENT_INTERMEDIATE_REPORT_AT,
                                 F_INCIDENT_FINAL_REPORT_AT };
    for (size_t k = 0; k < sizeof given / sizeof *given; k++) {
        const value *v = record_cval(r, given[k]);
        if (v->given && !v->null && strcmp(v->s, now) > 0)
            return err_set(e, E_INVALID, name_of(r, given[k]), "%s: %s is in the future",
                           name_of(r, given[k]), v->s);
    }
    return 0;
}

/* Each time after what precedes it (those the state filled in too). */
static int check_order(const record *r, isms_err *e)
{
    static const int order[][2] = {
        { F_INCIDENT_DETECTED_AT, F_INCIDENT_OCCURRED_AT },
        { F_INCIDENT_CLASSIFIED_AT, F_INCIDENT_DETECTED_AT },
        { F_INCIDENT_CONTAINED_AT, F_INCIDENT_DETECTED_AT },
        { F_INCIDENT_RESOLVED_AT, F_INCIDENT_CONTAINED_AT },
        { F_INCIDENT_RESOLVED_AT, F_INCIDENT_DETECTED_AT },
        { F_INCIDENT_INITIAL_REPORT_AT, F_INCIDENT_DETECTED_AT },
        { F_INCIDENT_INTERMEDIATE_REPORT_AT, F_INCIDENT_INITIAL_REPORT_AT },
        { F_INCIDENT_FINAL_REPORT_AT, F_INCIDENT_INTERMEDIATE_REPORT_AT },
        { F_INCIDENT_FINAL_REPORT_AT, F_INCIDENT_INITIAL_REPORT_AT },
    };
    int rc = 0;
    for (size_t k = 0; !rc && k < sizeof order / sizeof *order; k++)
        rc = not_before(r, order[k][0], order[k][1], e);
    return rc;
}

/* Each report made is one a regime asks for, after the one before it. */
static int check_reports(const record *r, const incident_report reps[INCIDENT_REPORTS], isms_err *e)
{
    static const int made[] = { F_INCIDENT_INITIAL_REPORT_AT, F_INCIDENT_INTERMEDIATE_REPORT_AT,
                                F_INCIDENT_FINAL_REPORT_AT };
    for (int k = 0; k < INCIDENT_REPORTS; k++) {
        const char *name = name_of(r, made[k]);
        if (!reps[k].made_at)
            continue;
        if (!reps[k].owed)
            return err_set(e, E_INVALID, name,
                           "%s: no regime it is reportable under asks for a%s %s report "
                           "(regimes: nis2, dora or gdpr)",
                           name, k == INCIDENT_INTERMEDIATE ? "n" : "", reps[k].name);
        if (k && reps[k - 1].owed && !reps[k - 1].made_at)
            return err_set(e, E_INVALID, name, "%s: the %s report comes first (%s)", name,
                           reps[k - 1].name, name_of(r, made[k - 1]));
    }
    return 0;
}

/* What the lifecycle's state says of the times: contained and resolved
 * only once it is; when not given, the moment it was recorded so (one
 * resolved straight from open keeps no containment time). */
static int check_state_times(dom *d, record *r, const char *now, isms_err *e)
{
    const char *status = record_text(r, F_INCIDENT_STATUS);
    if (!status)
        status = incident_statuses[0];
    int resolved = !incident_is_open(status), contained = resolved || !strcmp(status, "contained");
    if (!contained && !record_cval(r, F_INCIDENT_CONTAINED_AT)->null)
        return err_set(e, E_INVALID, "contained_at",
                       "contained_at: %s is open; record that it is contained first (isms "
                       "incident contain)",
                       r->key ? r->key : "the incident");
    if (!resolved && !record_cval(r, F_INCIDENT_RESOLVED_AT)->null)
        return err_set(e, E_INVALID, "resolved_at",
                       "resolved_at: %s is %s; record that it is resolved first (isms incident "
                       "resolve)",
                       r->key ? r->key : "the incident", status);
    if (resolved && record_cval(r, F_INCIDENT_RESOLVED_AT)->null)
        record_set_text(r, F_INCIDENT_RESOLVED_AT, now, dom_arena(d));
    if (!strcmp(status, "contained") && record_cval(r, F_INCIDENT_CONTAINED_AT)->null)
        record_set_text(r, F_INCIDENT_CONTAINED_AT, now, dom_arena(d));
    return 0;
}

/* A high or critical incident reportable under no regime, at an
 * organisation NIS2 or DORA applies to: the first report may be due within
 * 24 hours of detection, so whoever records it is asked to classify it. */
static void warn_unclassified(dom *d, const record *r, const record *old)
{
    const char *severity = record_text(r, F_INCIDENT_SEVERITY);
    if (record_cval(r, F_INCIDENT_REGIMES)->n || !severity ||
        (strcmp(severity, "high") && strcmp(severity, "critical")))
        return;
    if (old && !record_cval(r, F_INCIDENT_SEVERITY)->given &&
        !record_cval(r, F_INCIDENT_REGIMES)->given)
        return; /* said when it was so */
    record org;
    if (store_get(dom_store(d), &reg_org, "ORG", &org, dom_arena(d), NULL))
        return;
    const char *nis2 = record_text(&org, F_ORG_NIS2_CLASS),
               *dora = record_text(&org, F_ORG_DORA_ENTITY);
    int by_nis2 = nis2 && strcmp(nis2, "out-of-scope"), by_dora = dora && strcmp(dora, "none");
    if (!by_nis2 && !by_dora)
        return;
    dom_warn(d,
             "%s: a %s incident reportable under no regime, where %s: if it is %s, set its "
             "regimes (--regime): the first report is due within 24 hours of detection",
             r->key ? r->key : "the new incident", severity,
             by_nis2 && by_dora ? "NIS2 and DORA apply"
             : by_nis2          ? "NIS2 applies"
                                : "DORA applies",
             by_nis2 && by_dora ? "significant (NIS2 Art. 23) or major (DORA Art. 19)"
             : by_nis2          ? "significant (NIS2 Art. 23)"
                                : "major (DORA Art. 19)");
}

int rules_incident(dom *d, record *r, const record *old, isms_err *e)
{
    char now[21], due[21];
    now_timestamp(now);
    incident_report reps[INCIDENT_REPORTS];
    incident_reports(r, reps);
    int rc = check_not_future(r, now, e);
    if (!rc)
        rc = check_reports(r, reps, e);
    if (!rc)
        rc = check_state_times(d, r, now, e);
    if (!rc)
        rc = check_order(r, e);
    if (rc)
        return rc;
    next_due(reps, due);
    const char *status = record_text(r, F_INCIDENT_STATUS);
    if (*due && status && !strcmp(status, "closed"))
        return err_set(e, E_CONFLICT, "regimes",
                       "regimes: %s is closed, but a report to the authority would be owed by %s",
                       r->key, due);
    const char *was = record_text(r, F_INCIDENT_REPORT_DUE);
    if (*due ? !was || strcmp(was, due) : was != NULL)
        record_set_text(r, F_INCIDENT_REPORT_DUE, *due ? due : NULL, dom_arena(d));
    warn_unclassified(d, r, old);
    return 0;
}
