/* tallies.c: the dashboard's kept figures (see tallies.h). */
#include "domain/registers/tallies.h"
#include "domain/registers/owner_gaps.h"
#include "domain/engine/dom.h"
#include "domain/registers/controls.h"
#include "domain/registers/asset_needs.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))

void tallies_init(tallies *t) { strmap_init(&t->m); }

void tallies_reset(tallies *t) { strmap_reset(&t->m); }

static void add(tallies *t, const char *name, int64_t n)
{
    void **slot = strmap_slot_for(&t->m, name);
    if (!*slot)
        *slot = arena_alloc(strmap_arena(&t->m), sizeof(int64_t));
    *(int64_t *)*slot += n;
}

void tallies_put(tallies *t, const char *name, int64_t n) { add(t, name, n); }

int64_t tallies_get(const tallies *t, const char *name)
{
    const int64_t *n = strmap_get(&t->m, name);
    return n ? *n : 0;
}

void tallies_add(tallies *t, const tallies *more)
{
    for (size_t i = 0; i < more->m.cap; i++)
        if (more->m.slots[i].key)
            add(t, more->m.slots[i].key, *(const int64_t *)more->m.slots[i].value);
}

/* A figure's name in `b`: prefix, then at most 40 bytes of part (then the
 * caller's integers). Built without snprintf: a full verification names
 * three figures a risk, and formatting them was most of this file's cost. */
static const char *named(buf *b, const char *prefix, const char *part)
{
    buf_clear(b);
    buf_puts(b, prefix);
    buf_append(b, part, strnlen(part, 40));
    return buf_str(b);
}

/* n added to figure `what` of the day of timestamp `at` (none: no
 * figure), "day.YYYY-MM-DD.what": the figures of the last year are then
 * one range of names to read (store_tally_scan), however long the
 * history. */
static void add_by_day(tallies *t, buf *name, const char *what, const char *at, int64_t n)
{
    if (!at || strlen(at) < 10)
        return;
    named(name, STORE_DAY_PREFIX, "");
    buf_append(name, at, 10);
    buf_putc(name, '.');
    buf_puts(name, what);
    add(t, buf_str(name), n);
}

/* "risk.cell.L.I": the active risks of residual cell (l, i), the heat
 * map's (a level not assessed is the inherent one). */
static const char *cell_name(buf *b, int64_t l, int64_t i)
{
    named(b, "risk.cell.", "");
    buf_put_int(b, l);
    buf_putc(b, '.');
    buf_put_int(b, i);
    return buf_str(b);
}

/* "owner.REGISTER.ID": the active records of reg that person #id owns. */
static const char *owner_name(buf *b, const regdef *reg, int64_t id)
{
    named(b, TALLY_OWNER_PREFIX, reg->name);
    buf_putc(b, '.');
    buf_put_int(b, id);
    return buf_str(b);
}

static void note_risk(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    const value *rl = record_cval(r, F_RISK_RESIDUAL_LIKELIHOOD),
                *ri = record_cval(r, F_RISK_RESIDUAL_IMPACT);
    add(t,
        cell_name(&name, rl->null ? record_int(r, F_RISK_LIKELIHOOD) : rl->i,
                  ri->null ? record_int(r, F_RISK_IMPACT) : ri->i),
        sign);
    int quantified = dom_risk_quantified(r);
    if (quantified)
        add(t, "risk.quantified", sign);
    const value *objs = record_cval(r, F_RISK_OBJECTIVES);
    if (!objs->n)
        add(t, "risk.no_objective", sign);
    for (int k = 0; k < objs->n; k++) {
        named(&name, "risk.objective.", quantified ? "q." : "u.");
        buf_put_int(&name, objs->ids[k]);
        add(t, buf_str(&name), sign);
    }
    const char *treatment = record_text(r, F_RISK_TREATMENT);
    treatment = treatment ? treatment : "";
    if (!strcmp(treatment, "accept"))
        add(t, "risk.accept", sign);
    else if (strcmp(treatment, "avoid"))
        add(t, "risk.to_treat", sign);
    const char *review = record_text(r, F_RISK_REVIEW_DATE);
    if (review)
        add(t, named(&name, TALLY_REVIEW, review), sign);
    buf_reset(&name);
}

static void note_control(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    const char *status = record_text(r, F_CONTROL_STATUS);
    status = status ? status : "";
    add(t, named(&name, "control.status.", status), sign);
    add(t, "control.cost", sign * record_int(r, F_CONTROL_COST));
    const char *eff = record_text(r, F_CONTROL_EFFECTIVENESS);
    if (strcmp(status, "planned") && eff) /* in place */
        add(t, named(&name, "control.effectiveness.", eff), sign);
    if (!record_cval(r, F_CONTROL_TREATS)->n)
        add(t, "control.no_risk", sign);
    const char *due = record_text(r, F_CONTROL_IMPLEMENTATION_DUE);
    if (due && !strcmp(status, "planned")) /* the treatment plan's dates */
        add(t, named(&name, "control.due.", due), sign);
    buf_reset(&name);
}

/* Decisions by state; of those taken, the money they allocate and those
 * resting on risk information; of those decided and not yet carried out,
 * their due dates. */
static void note_decision(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    const char *status = record_text(r, F_DECISION_STATUS);
    add(t, named(&name, "decision.status.", status ? status : ""), sign);
    if (decision_taken(status)) {
        int64_t amount = record_int(r, F_DECISION_AMOUNT);
        add(t, "decision.amount", sign * amount);
        if (decision_rests_on_risk(r)) {
            add(t, "decision.rests_on_risk", sign);
            add(t, "decision.amount_on_risk", sign * amount);
        }
        add_by_day(t, &name, "decision.taken", record_text(r, F_DECISION_DECIDED_AT), sign);
    }
    const char *due = record_text(r, F_DECISION_DUE_DATE);
    if (due && status && !strcmp(status, "decided"))
        add(t, named(&name, "decision.due.", due), sign);
    buf_reset(&name);
}

/* Incidents by state, those being handled by severity; by the day they
 * were detected: how many, their loss, how many realised a risk of the
 * register or were reportable, how many were resolved and in how many
 * minutes. */
static void note_incident(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    const char *status = record_text(r, F_INCIDENT_STATUS),
               *severity = record_text(r, F_INCIDENT_SEVERITY),
               *detected = record_text(r, F_INCIDENT_DETECTED_AT),
               *resolved = record_text(r, F_INCIDENT_RESOLVED_AT);
    add(t, named(&name, "incident.status.", status ? status : ""), sign);
    if (incident_is_open(status))
        add(t, named(&name, "incident.open.", severity ? severity : ""), sign);
    add_by_day(t, &name, "incident.detected", detected, sign);
    add_by_day(t, &name, "incident.loss", detected, sign * record_int(r, F_INCIDENT_LOSS));
    if (record_cval(r, F_INCIDENT_RISKS)->n)
        add_by_day(t, &name, "incident.on_risk", detected, sign);
    if (record_cval(r, F_INCIDENT_REGIMES)->n)
        add_by_day(t, &name, "incident.reportable", detected, sign);
    if (resolved && detected) {
        int64_t minutes = (timestamp_epoch(resolved) - timestamp_epoch(detected)) / 60;
        add_by_day(t, &name, "incident.resolved", detected, sign);
        add_by_day(t, &name, "incident.minutes", detected, sign * minutes);
    }
    buf_reset(&name);
}

/* Metrics by the state of their latest measurement, and by the day
 * they are next due to be measured. */
static void note_metric(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    const char *status = record_text(r, F_METRIC_LAST_STATUS),
               *due = record_text(r, F_METRIC_MEASURE_DUE);
    add(t, named(&name, "metric.status.", status ? status : ""), sign);
    if (due)
        add(t, named(&name, "metric.due.", due), sign);
    buf_reset(&name);
}

/* The index of reg's owner field, -1 when it has none (or not a
 * reference). A verification notes a register's records one after
 * another: one register remembered a thread spares a lookup by name (a
 * loop of strcmp) of every record. */
static int owner_field(const regdef *reg)
{
    static _Thread_local const regdef *last;
    static _Thread_local int at;
    if (reg != last) {
        int f = regdef_field(reg, "owner");
        at = f >= 0 && reg->fields[f].type == FT_REF ? f : -1;
        last = reg;
    }
    return at;
}

/* Every record counts for its register ("records.REGISTER"), and for
 * who answers for it: "owner.REGISTER.PERSON-ID", in every register whose
 * records have an owner (the responsibility matrix; the dashboard's risk
 * owners who hold a budget). */
static void note_record(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    add(t, named(&name, TALLY_RECORDS_PREFIX, r->reg->name), sign);
    int f = owner_field(r->reg);
    if (f >= 0 && !r->v[f].null)
        add(t, owner_name(&name, r->reg, r->v[f].i), sign);
    buf_reset(&name);
}

int tallies_by_value(const fielddef *f)
{
    switch (f->type) {
    case FT_ENUM:
    case FT_ENUMSET:
    case FT_BOOL: return 1;
    case FT_INT: /* a level, whatever the matrix; else at most 16 values */
        return (f->flags & FF_DYNMAX) ||
               (f->max >= f->min && (uint64_t)f->max - (uint64_t)f->min < 16);
    default: return 0;
    }
}

/* "value.REGISTER.FIELD." and the value, text (a choice, a member) or,
 * text NULL, the number i, in out (VALUE_NAME_MAX bytes). Written by
 * memcpy: a full verification names a few of them a record, and a buf's
 * calls were most of their cost. */
enum { VALUE_NAME_MAX = 256 };
static const char *value_name(char *out, const regdef *reg, const fielddef *f, const char *text,
                              int64_t i)
{
    char num[24], *d = num + sizeof num;
    uint64_t u = i < 0 ? -(uint64_t)i : (uint64_t)i;
    *--d = 0;
    do
        *--d = (char)('0' + u % 10);
    while (u /= 10);
    if (i < 0)
        *--d = '-';
    const char *parts[] = { STORE_VALUE_PREFIX, reg->name, ".", f->name, ".", text ? text : d };
    char *p = out;
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) { /* each part at most 40 bytes */
        size_t n = strnlen(parts[k], 40);
        memcpy(p, parts[k], n);
        p += n;
    }
    *p = 0;
    return out;
}

/* Each field of few values counts the record under its value (a set's
 * under each member; a residual level not assessed under the inherent
 * one, where its filter finds it); a null value counts nowhere, as no
 * filter selects it. */
static void note_values(tallies *t, const record *r, int sign)
{
    char name[VALUE_NAME_MAX];
    for (int k = 0; k < r->reg->nfields; k++) {
        const fielddef *f = &r->reg->fields[k];
        if (!tallies_by_value(f))
            continue;
        const value *v = &r->v[k];
        const fielddef *other = v->null ? field_otherwise(f) : NULL;
        if (other)
            v = &r->v[other - r->reg->fields];
        if (f->type == FT_ENUMSET)
            for (int m = 0; m < v->n; m++)
                add(t, value_name(name, r->reg, f, v->keys[m], 0), sign);
        else if (!v->null)
            add(t, value_name(name, r->reg, f, f->type == FT_ENUM ? v->s : NULL, v->i), sign);
    }
}

/* The people, and how many hold each role: a role nobody holds is a gap
 * of the responsibility matrix. */
static void note_person(tallies *t, const record *r, int sign)
{
    buf name;
    buf_init(&name);
    const value *roles = record_cval(r, F_PERSON_ROLES);
    for (int k = 0; k < roles->n; k++)
        add(t, named(&name, TALLY_ROLE_PREFIX, roles->keys[k]), sign);
    buf_reset(&name);
}

void tallies_note(tallies *t, const record *r, int sign)
{
    if (!r || r->retired_at)
        return;
    note_record(t, r, sign);
    note_values(t, r, sign);
    if (r->reg == &reg_person)
        note_person(t, r, sign);
    else if (r->reg == &reg_risk)
        note_risk(t, r, sign);
    else if (r->reg == &reg_control)
        note_control(t, r, sign);
    else if (r->reg == &reg_decision)
        note_decision(t, r, sign);
    else if (r->reg == &reg_incident)
        note_incident(t, r, sign);
    else if (r->reg == &reg_metric)
        note_metric(t, r, sign);
    else if (r->reg == &reg_acceptance && record_text(r, F_ACCEPTANCE_EXPIRES_ON)) {
        buf name; /* by the day it lapses: those before today have */
        buf_init(&name);
        add(t, named(&name, TALLY_ACCEPTANCE_EXPIRES, record_text(r, F_ACCEPTANCE_EXPIRES_ON)),
            sign);
        buf_reset(&name);
    } else if (r->reg == &reg_review && review_held(record_text(r, F_REVIEW_STATUS))) {
        buf name; /* by the day it was held: the cadence of the reviews */
        buf_init(&name);
        add_by_day(t, &name, "review.held", record_text(r, F_REVIEW_HELD_ON), sign);
        buf_reset(&name);
    } else if (r->reg == &reg_objective) {
        add(t, "objective.value", sign * record_int(r, F_OBJECTIVE_VALUE_AT_STAKE));
    }
}

/* What a read of kept figures (rc, its error in `quiet`) tells: *known 1
 * when it read them; inside a write transaction, whose changes wait for
 * its commit (E_RETRY), *known 0 and no error: the caller counts. */
static int kept_read(int rc, const isms_err *quiet, int *known, isms_err *e)
{
    *known = !rc;
    if (rc == E_RETRY)
        return 0;
    return rc ? err_set(e, rc, quiet->field, "%s", quiet->msg) : 0;
}

/* The sum of the kept figures names[0..k-1] into *n (kept_read). */
static int kept_sum(dom *d, const char *const *names, int k, int64_t *n, int *known, isms_err *e)
{
    isms_err quiet = { 0 };
    return kept_read(store_tally_sum(dom_store(d), names, k, n, &quiet), &quiet, known, e);
}

int dom_active_count(dom *d, const regdef *reg, int64_t *n, int *known, isms_err *e)
{
    *n = 0;
    *known = 0;
    if (!store_keeps_tallies(dom_store(d)))
        return 0;
    const char *names[16];
    int k = 0;
    char named_status[16][48], records[64];
    if (store_keeps_accountability(dom_store(d))) { /* every register's, by name */
        snprintf(records, sizeof records, TALLY_RECORDS_PREFIX "%s", reg->name);
        names[k++] = records;
    } else if (reg == &reg_risk || reg == &reg_objective) {
        names[k++] = reg->name;       /* "risk", "objective" (0010 to 0026) */
    } else if (reg == &reg_control) { /* each status's, "" for none (note_control) */
        names[k++] = "control.status.";
        for (int j = 0; control_statuses[j] && k < 16; j++, k++) {
            snprintf(named_status[k], sizeof named_status[k], "control.status.%s",
                     control_statuses[j]);
            names[k] = named_status[k];
        }
    } else {
        return 0;
    }
    return kept_sum(d, names, k, n, known, e);
}

int dom_count_active(dom *d, const regdef *reg, int64_t *n, isms_err *e)
{
    int known;
    int rc = dom_active_count(d, reg, n, &known, e);
    return rc || known ? rc : store_count(dom_store(d), reg, &(store_query){ 0 }, n, e);
}

/* Does q select active records by its filters alone (no words, no ids,
 * no retired records, no range of ids)? */
static int by_filters_alone(const store_query *q)
{
    return !(q->text && *q->text) && !q->ids && !q->include_retired && !q->only_retired &&
           !q->nany_set && !q->id_after && !q->id_upto;
}

/* Is flt a field equal to a value, no more? */
static int plain_equal(const store_filter *flt)
{
    return flt->field && !flt->is_null && !flt->below && !flt->ival_upto && !flt->risk_state;
}

/* The residual cell's figure, "risk.cell.L.I" (note_risk), for a query of
 * risks by both residual levels (the heat map's link to a cell's risks),
 * in b; else NULL. */
static const char *cell_figure(dom *d, const regdef *reg, const store_filter *flt, buf *b)
{
    const fielddef *l = field_def(&reg_risk, F_RISK_RESIDUAL_LIKELIHOOD),
                   *i = field_def(&reg_risk, F_RISK_RESIDUAL_IMPACT);
    int swapped = flt[0].field == i;
    const store_filter *fl = &flt[swapped], *fi = &flt[!swapped];
    if (reg != &reg_risk || !plain_equal(fl) || !plain_equal(fi) || fl->field != l ||
        fi->field != i || !store_keeps_tallies(dom_store(d)))
        return NULL;
    return cell_name(b, fl->ival, fi->ival);
}

/* The kept figure that counts the records q selects, named in b: q
 * selects active records by one filter, equal to an owner (from 0026) or
 * to a value of a field of few values (from 0037), or by a risk's two
 * residual levels, and by nothing else. NULL: none does. */
static const char *filter_figure(dom *d, const regdef *reg, const store_query *q, buf *b)
{
    if (q->nfilters < 1 || q->nfilters > 2 || !by_filters_alone(q))
        return NULL;
    if (q->nfilters == 2)
        return cell_figure(d, reg, q->filters, b);
    const store_filter *flt = &q->filters[0];
    const fielddef *f = flt->field;
    if (!plain_equal(flt))
        return NULL;
    int owner = owner_field(reg);
    if (owner >= 0 && f == &reg->fields[owner] && store_keeps_accountability(dom_store(d)))
        return owner_name(b, reg, flt->ival);
    if (!tallies_by_value(f) || !store_keeps_values(dom_store(d)))
        return NULL;
    int text = f->type == FT_ENUM || f->type == FT_ENUMSET;
    char name[VALUE_NAME_MAX];
    if (text && !flt->sval)
        return NULL;
    buf_clear(b);
    buf_puts(b, value_name(name, reg, f, text ? flt->sval : NULL, flt->ival));
    return buf_str(b);
}

/* The sum of the kept figures named in [from, upto) by bytes into *n
 * (kept_read). */
static int kept_range(dom *d, const char *from, const char *upto, int64_t *n, int *known,
                      isms_err *e)
{
    isms_err quiet = { 0 };
    return kept_read(store_tally_range(dom_store(d), from, upto, n, &quiet), &quiet, known, e);
}

/* The figures named `prefix` and a day before `day` (or, from, on it or
 * after): a range of names, the prefix's last byte raised ending those of
 * any day. */
static int kept_days(dom *d, const char *prefix, const char *day, int from, int64_t *n, int *known,
                     isms_err *e)
{
    char at[64], end[64];
    int len = snprintf(at, sizeof at, "%s%s", prefix, day);
    *known = 0;
    if (len < 0 || (size_t)len >= sizeof at)
        return 0;
    snprintf(end, sizeof end, "%s", prefix);
    end[strlen(end) - 1]++;
    return from ? kept_range(d, at, end, n, known, e) : kept_range(d, prefix, at, n, known, e);
}

/* Fields whose active records the figures count by their value's day
 * ("PREFIX.YYYY-MM-DD", note_risk and tallies_note), from the schema
 * `kept` says: a filter of a day before some day is a range of them. */
static const struct {
    const regdef *reg;
    int field;
    const char *prefix;
    int (*kept)(const store *s);
} by_day[] = {
    { &reg_risk, F_RISK_REVIEW_DATE, TALLY_REVIEW, store_keeps_tallies }, /* 0010 */
    { &reg_acceptance, F_ACCEPTANCE_EXPIRES_ON, TALLY_ACCEPTANCE_EXPIRES, /* 0029 */
      store_keeps_acceptances },
};

/* The active records before a day (flt: the field's value below sval) of
 * a field counted by the day; *known 0: not one of them, or not yet kept. */
static int before_day(dom *d, const regdef *reg, const store_filter *flt, int64_t *n, int *known,
                      isms_err *e)
{
    *known = 0;
    for (size_t k = 0; k < sizeof by_day / sizeof *by_day; k++)
        if (reg == by_day[k].reg && flt->field == field_def(reg, by_day[k].field))
            return by_day[k].kept(dom_store(d))
                       ? kept_days(d, by_day[k].prefix, flt->sval, 0, n, known, e)
                       : 0;
    return 0;
}

/* The active risks in a state (store_filter.risk_state, as the dashboard
 * counts them): the figure of those it applies to less those it does not
 * hold for (to treat less treated; accepted less those with an acceptance
 * in force on sval), or a figure of its own. *known 0: the schema keeps
 * none, or inside a write. */
static int in_state(dom *d, const store_filter *flt, int64_t *n, int *known, isms_err *e)
{
    store *s = dom_store(d);
    static const char *const to_treat = "risk.to_treat", *const treated = "risk.treated",
                             *const accepted = "risk.accept",
                             *const no_objective = "risk.no_objective",
                             *const outside = STORE_OUTSIDE_TALLY;
    int64_t less = 0;
    int rc;
    *known = 0;
    switch (flt->risk_state) {
    case STORE_RISK_UNTREATED:
        if (!store_keeps_link_tallies(s))
            return 0;
        rc = kept_sum(d, &to_treat, 1, n, known, e);
        if (!rc && *known)
            rc = kept_sum(d, &treated, 1, &less, known, e);
        break;
    case STORE_RISK_UNACCEPTED:
        if (!store_keeps_acceptances(s) || !flt->sval)
            return 0;
        rc = kept_sum(d, &accepted, 1, n, known, e);
        if (!rc && *known)
            rc = kept_days(d, TALLY_ACCEPTED_UNTIL, flt->sval, 1, &less, known, e);
        break;
    case STORE_RISK_NO_OBJECTIVE: return kept_sum(d, &no_objective, 1, n, known, e);
    case STORE_RISK_OUTSIDE_APPETITE:
        return store_keeps_flagged(s) ? kept_sum(d, &outside, 1, n, known, e) : 0;
    default: return 0;
    }
    *n -= less;
    return rc;
}

/* A query of one filter that no single figure counts: a risk state, or
 * a day before another. */
static int one_filter(dom *d, const regdef *reg, const store_query *q, int64_t *n, int *known,
                      isms_err *e)
{
    const store_filter *flt = &q->filters[0];
    *known = 0;
    if (q->nfilters != 1 || !by_filters_alone(q) || !store_keeps_tallies(dom_store(d)))
        return 0;
    if (flt->risk_state)
        return reg == &reg_risk ? in_state(d, flt, n, known, e) : 0;
    if (flt->field && flt->below && flt->sval && !flt->is_null && !flt->otherwise)
        return before_day(d, reg, flt, n, known, e);
    return 0;
}

int dom_kept_count(dom *d, const regdef *reg, const store_query *q, int64_t *n, int *known,
                   isms_err *e)
{
    *n = 0;
    *known = 0;
    if (!q->nfilters && by_filters_alone(q))
        return dom_active_count(d, reg, n, known, e);
    buf name;
    buf_init(&name);
    const char *figure = filter_figure(d, reg, q, &name);
    int rc = figure ? kept_sum(d, &figure, 1, n, known, e) : one_filter(d, reg, q, n, known, e);
    buf_reset(&name);
    return rc;
}

int dom_count_query(dom *d, const regdef *reg, const store_query *q, int64_t *n, isms_err *e)
{
    store_query narrowed; /* "RISK-5" is "5": a search of "risk" alone, any risk */
    char *text;
    int known = 0, rc = store_query_narrowed(dom_store(d), reg, q, &narrowed, &text, e);
    if (!rc)
        rc = dom_kept_count(d, reg, &narrowed, n, &known, e);
    if (!rc && !known)
        rc = store_count(dom_store(d), reg, &narrowed, n, e);
    free(text);
    return rc;
}

int tallies_store(store *s, const tallies *t, isms_err *e)
{
    store_tally *rows = xmalloc(sizeof *rows * (t->m.len + 1));
    size_t n = 0;
    for (size_t i = 0; i < t->m.cap; i++)
        if (t->m.slots[i].key && *(const int64_t *)t->m.slots[i].value)
            rows[n++] = (store_tally){ t->m.slots[i].key, *(const int64_t *)t->m.slots[i].value };
    int rc = n ? store_tally_add(s, rows, n, e) : 0;
    free(rows);
    return rc;
}

static int write(dom *d, const tallies *t, isms_err *e)
{
    return tallies_store(dom_store(d), t, e);
}

/* A risk's kept "no objective" (0036), moved when a risk is written
 * without an objective or gains or loses its last: an add with objectives
 * writes nothing more (the column's default). */
static int mark_no_objective(dom *d, const record *before, const record *after, isms_err *e)
{
    if (!after || after->reg != &reg_risk || !store_keeps_no_objective(dom_store(d)))
        return 0;
    int none = !record_cval(after, F_RISK_OBJECTIVES)->n;
    int was = before && !record_cval(before, F_RISK_OBJECTIVES)->n;
    return none == was ? 0 : store_risk_no_objective_mark(dom_store(d), after->id, none, e);
}

/* A person or an objective written: their figures that follow from their
 * record and others' move at the commit (tallies_commit_moves). */
static int touch(dom *d, const record *r, isms_err *e)
{
    if (r->reg == &reg_person) /* their roles or budget: their gaps (0041) */
        return og_touch(dom_store(d), r->id, e);
    if (r->reg == &reg_objective) /* its value, or retired */
        return tallies_objective_touch(dom_store(d), r->id, e);
    return 0;
}

int tallies_commit_moves(store *s, tallies *t, isms_err *e)
{
    int rc = og_moves(s, t, e);
    return rc ? rc : tallies_objectives_moves(s, t, e);
}

int tallies_before_flush(store *s, void *ctx, isms_err *e)
{
    (void)ctx;
    tallies t;
    tallies_init(&t);
    int rc = tallies_commit_moves(s, &t, e);
    if (!rc)
        rc = tallies_store(s, &t, e);
    tallies_reset(&t);
    return rc;
}

int dom_tallies_changed(dom *d, const record *before, const record *after, isms_err *e)
{
    const regdef *reg = after ? after->reg : before ? before->reg : NULL;
    if (!reg || !store_keeps_tallies(dom_store(d))) /* (every register counts its records) */
        return 0;
    tallies t;
    tallies_init(&t);
    tallies_note(&t, before, -1);
    tallies_note(&t, after, 1);
    int rc =
        store_keeps_link_tallies(dom_store(d)) ? tallies_links_changed(d, &t, before, after, e) : 0;
    if (!rc)
        rc = write(d, &t, e);
    if (!rc)
        rc = mark_no_objective(d, before, after, e);
    if (!rc)
        rc = touch(d, after ? after : before, e);
    tallies_reset(&t);
    return rc;
}

int dom_tallies_added(dom *d, const record *rs, int n, isms_err *e)
{
    if (!store_keeps_tallies(dom_store(d)))
        return 0;
    tallies t;
    tallies_init(&t);
    for (int i = 0; i < n; i++)
        tallies_note(&t, &rs[i], 1);
    int rc = write(d, &t, e);
    for (int i = 0; i < n && !rc; i++)
        rc = touch(d, &rs[i], e);
    tallies_reset(&t);
    return rc;
}

/* Each register read for the fields its figures need (references as ids),
 * its owner among them (note_record). */
static const int risk_fields[] = { F_RISK_LIKELIHOOD,          F_RISK_IMPACT,
                                   F_RISK_RESIDUAL_LIKELIHOOD, F_RISK_RESIDUAL_IMPACT,
                                   F_RISK_TREATMENT,           F_RISK_REVIEW_DATE,
                                   F_RISK_OBJECTIVES,          F_RISK_OWNER };
enum { NRISK_FIELDS = sizeof risk_fields / sizeof *risk_fields, MAX_INPUTS = 16 };
static const int control_fields[] = { F_CONTROL_STATUS,
                                      F_CONTROL_COST,
                                      F_CONTROL_EFFECTIVENESS,
                                      F_CONTROL_TREATS,
                                      F_CONTROL_IMPLEMENTATION_DUE,
                                      F_CONTROL_OWNER };
static const int objective_fields[] = { F_OBJECTIVE_VALUE_AT_STAKE, F_OBJECTIVE_OWNER };
static const int decision_fields[] = { F_DECISION_STATUS,   F_DECISION_AMOUNT,
                                       F_DECISION_RISKS,    F_DECISION_ANALYSIS,
                                       F_DECISION_DUE_DATE, F_DECISION_DECIDED_AT,
                                       F_DECISION_OWNER };
static const int review_fields[] = { F_REVIEW_STATUS, F_REVIEW_HELD_ON, F_REVIEW_OWNER };
static const int incident_fields[] = { F_INCIDENT_STATUS,      F_INCIDENT_SEVERITY,
                                       F_INCIDENT_DETECTED_AT, F_INCIDENT_RESOLVED_AT,
                                       F_INCIDENT_LOSS,        F_INCIDENT_RISKS,
                                       F_INCIDENT_REGIMES,     F_INCIDENT_OWNER };
static const int metric_fields[] = { F_METRIC_LAST_STATUS, F_METRIC_MEASURE_DUE, F_METRIC_OWNER };
static const int person_fields[] = { F_PERSON_ROLES };
static const int acceptance_fields[] = { F_ACCEPTANCE_EXPIRES_ON };

/* A register counted, the fields it is read for, and the schema that
 * brought its figures (NULL: the tallies' own, 0010). */
typedef struct counted_reg {
    const regdef *reg;
    const int *fields;
    int nfields;
    int (*kept)(const store *s);
} counted_reg;

static int kept_always(const store *s) { return s != NULL; }

/* Reviews came with 0021 and were counted from 0022. */
static const counted_reg counted_regs[] = {
    { &reg_control, control_fields, COUNT(control_fields), kept_always },
    { &reg_objective, objective_fields, COUNT(objective_fields), kept_always },
    { &reg_decision, decision_fields, COUNT(decision_fields), store_keeps_decisions },
    { &reg_incident, incident_fields, COUNT(incident_fields), store_keeps_incidents },
    { &reg_review, review_fields, COUNT(review_fields), store_keeps_incidents },
    { &reg_metric, metric_fields, COUNT(metric_fields), store_keeps_metrics },
    { &reg_person, person_fields, COUNT(person_fields), store_keeps_accountability },
    { &reg_acceptance, acceptance_fields, COUNT(acceptance_fields), store_keeps_acceptances },
};

/* A register's records noted, saying how far by their ids (store_progress:
 * an upgrade's count, an import's) when there are many: at 1,000,000
 * risks the count takes 13 s. */
typedef struct counting {
    tallies *t;
    char what[80];
    int64_t top; /* the register's largest id */
} counting;
enum { SAY_EVERY = 65536 };

static int note_counted(const record *r, void *ctx)
{
    counting *c = ctx;
    tallies_note(c->t, r, 1);
    if (c->top > SAY_EVERY && r->id % SAY_EVERY == 0)
        store_progress(c->what, r->id, c->top);
    return 0;
}

/* Only reg's active records counted, as "records.REGISTER". */
static int count_records(dom *d, const regdef *reg, tallies *t, isms_err *e)
{
    int64_t n = 0;
    char name[64];
    int rc = store_count(dom_store(d), reg, &(store_query){ 0 }, &n, e);
    snprintf(name, sizeof name, TALLY_RECORDS_PREFIX "%s", reg->name);
    if (!rc && n)
        tallies_put(t, name, n);
    return rc;
}

/* Notes each active record of reg into t, read for the fields `base`
 * (nbase of them) that its figures need and, where the store keeps them
 * (0037), its fields of few values; with no field to read, counts them. */
static int scan_counted(dom *d, const regdef *reg, const int *base, int nbase, tallies *t,
                        isms_err *e)
{
    int *fields = xmalloc(sizeof *fields * (size_t)(nbase + reg->nfields + 1)), n = nbase;
    memcpy(fields, base, sizeof *base * (size_t)nbase);
    for (int f = 0; f < reg->nfields && store_keeps_values(dom_store(d)); f++) {
        int fid = FIELD_ID(reg->num, f), have = 0;
        for (int k = 0; k < nbase; k++)
            have |= base[k] == fid;
        if (!have && tallies_by_value(&reg->fields[f]))
            fields[n++] = fid;
    }
    counting c = { .t = t };
    snprintf(c.what, sizeof c.what, "the kept figures of the %s", reg->plural);
    int rc = n ? store_max_id(dom_store(d), reg, &c.top, e) : count_records(d, reg, t, e);
    store_query q = { .ids_only = 1, .fields = fields, .nfields = n };
    if (!rc && n)
        rc = store_scan(dom_store(d), reg, &q, note_counted, &c, e);
    free(fields);
    if (!rc && c.top > SAY_EVERY)
        store_progress(c.what, c.top, c.top);
    return rc;
}

/* The other registers: those with an owner read for it (note_record
 * counts the record too) and for their fields of few values, the rest for
 * those or, having none, only counted. */
static int count_the_rest(dom *d, tallies *t, isms_err *e)
{
    int rc = 0;
    for (int i = 0; registers[i] && !rc; i++) {
        const regdef *reg = registers[i];
        int f = regdef_field(reg, "owner"), listed = reg == &reg_risk;
        for (int k = 0; k < COUNT(counted_regs); k++) /* (scanned where their schema is) */
            listed |= counted_regs[k].reg == reg && counted_regs[k].kept(dom_store(d));
        int owner = f >= 0 ? FIELD_ID(reg->num, f) : 0; /* (none: read for values alone) */
        if (!listed)
            rc = scan_counted(d, reg, &owner, f >= 0, t, e);
    }
    return rc;
}

/* Into t: the figures that follow from others in it: the responsibility
 * matrix's gaps from the owners' (0041), the objectives not quantified
 * from their risks' (0042). (A rebuild leaves them to its commit,
 * tallies_before_flush, which counts them from nothing after a clear.) */
static int derived_recount(dom *d, tallies *t, isms_err *e)
{
    tallies more;
    tallies_init(&more);
    store *s = dom_store(d);
    int rc = store_keeps_owner_gaps(s) ? og_recount(s, t, &more, e) : 0;
    if (!rc && store_keeps_objective_figures(s))
        rc = tallies_objectives_recount(s, t, &more, e);
    if (!rc)
        tallies_add(t, &more);
    tallies_reset(&more);
    return rc;
}

/* The figures kept beside the records, and (derived) those that follow
 * from others in t. */
static int kept_recount(dom *d, tallies *t, int derived, isms_err *e)
{
    store *s = dom_store(d);
    int64_t stale; /* the latest analyses marked written since they ran */
    int rc = store_keeps_latest_figures(s) ? store_latest_stale(s, &stale, e) : 0;
    if (!rc && store_keeps_latest_figures(s))
        tallies_put(t, STORE_STALE_TALLY, stale);
    store_flagged flagged; /* those outside appetite or off their cell */
    if (!rc && store_keeps_flagged(s) && !(rc = store_latest_flagged_count(s, &flagged, e))) {
        tallies_put(t, STORE_OUTSIDE_TALLY, flagged.outside);
        tallies_put(t, STORE_DISAGREES_TALLY, flagged.disagrees);
    }
    int64_t raised; /* the assets raised above a stated need */
    if (!rc && store_keeps_asset_needs(s) && !(rc = store_assets_raised(s, &raised, e)))
        tallies_put(t, STORE_RAISED_TALLY, raised);
    return rc || !derived ? rc : derived_recount(d, t, e);
}

int tallies_kept_recount(dom *d, tallies *t, isms_err *e) { return kept_recount(d, t, 1, e); }

/* Every figure counted from the records (derived: and those that follow
 * from others). */
static int recount(dom *d, tallies *t, int derived, isms_err *e)
{
    const int *inputs;
    int ninputs = dom_risk_input_fields(&inputs), fields[NRISK_FIELDS + MAX_INPUTS];
    if (ninputs > MAX_INPUTS)
        return err_set(e, E_INTERNAL, "risk", "%d FAIR inputs", ninputs);
    memcpy(fields, risk_fields, sizeof risk_fields);
    memcpy(fields + NRISK_FIELDS, inputs, sizeof *inputs * (size_t)ninputs);
    int rc = scan_counted(d, &reg_risk, fields, NRISK_FIELDS + ninputs, t, e);
    for (int k = 0; k < COUNT(counted_regs) && !rc; k++) {
        const counted_reg *c = &counted_regs[k];
        if (c->kept(dom_store(d)))
            rc = scan_counted(d, c->reg, c->fields, c->nfields, t, e);
    }
    if (!rc && store_keeps_accountability(dom_store(d)))
        rc = count_the_rest(d, t, e);
    if (!rc && store_keeps_link_tallies(dom_store(d)))
        rc = tallies_links_recount(d, t, 0, e);
    return rc ? rc : kept_recount(d, t, derived, e);
}

int dom_tallies_recount(dom *d, tallies *t, isms_err *e) { return recount(d, t, 1, e); }

int dom_tallies_rebuild(dom *d, isms_err *e)
{
    if (!store_keeps_tallies(dom_store(d)))
        return 0;
    tallies t;
    tallies_init(&t);
    int rc = recount(d, &t, 0, e);
    if (!rc)
        rc = store_tally_clear(dom_store(d), e);
    if (!rc)
        rc = write(d, &t, e);
    /* (an objective with no risk is not quantified: its commit counts it) */
    if (!rc)
        rc = tallies_objectives_touch_all(dom_store(d), e);
    /* and each risk's controls in place, which the untreated are read by */
    if (!rc && store_keeps_in_place(dom_store(d)))
        rc = store_risks_in_place_set(dom_store(d), e);
    /* and which risks have no objective, which that state's lists read */
    if (!rc && store_keeps_no_objective(dom_store(d)))
        rc = store_risks_no_objective_set(dom_store(d), e);
    /* and what each asset inherits (the count of the raised moves with it) */
    if (!rc)
        rc = dom_asset_needs_rebuild(d, e);
    tallies_reset(&t);
    return rc;
}

int dom_tallies_links_fill(dom *d, isms_err *e)
{
    tallies t;
    tallies_init(&t);
    int rc = tallies_links_recount(d, &t, 1, e);
    if (!rc)
        rc = write(d, &t, e);
    tallies_reset(&t);
    return rc;
}

static int read_row(const char *name, int64_t n, void *ctx)
{
    add(ctx, name, n);
    return 0;
}

int tallies_fill(store *s, const char *prefix, tallies_recount_fn count, isms_err *e)
{
    tallies figures, out;
    tallies_init(&figures);
    tallies_init(&out);
    int rc = store_tally_prefix(s, prefix, read_row, &figures, e);
    if (!rc)
        rc = count(s, &figures, &out, e);
    if (!rc)
        rc = tallies_store(s, &out, e);
    tallies_reset(&figures);
    tallies_reset(&out);
    return rc;
}

int tallies_read(dom *d, const char *after, tallies *t, isms_err *e)
{
    return store_tally_scan(dom_store(d), after, NULL, read_row, t, e);
}

int tallies_read_but(dom *d, const char *after, const char *const *skips, tallies *t, isms_err *e)
{
    return store_tally_scan(dom_store(d), after, skips, read_row, t, e);
}

int tallies_read_prefix(dom *d, const char *prefix, tallies *t, isms_err *e)
{
    return store_tally_prefix(dom_store(d), prefix, read_row, t, e);
}

static void diff_one(const tallies *a, const tallies *b, const char *name, int a_first,
                     tallies_diff_fn fn, void *ctx, int *n)
{
    int64_t x = tallies_get(a, name), y = tallies_get(b, name);
    if (x == y)
        return;
    (*n)++;
    if (a_first)
        fn(name, x, y, ctx);
    else
        fn(name, y, x, ctx);
}

int tallies_compare(const tallies *counted_t, const tallies *kept, tallies_diff_fn fn, void *ctx)
{
    int n = 0;
    for (size_t i = 0; i < counted_t->m.cap; i++)
        if (counted_t->m.slots[i].key)
            diff_one(counted_t, kept, counted_t->m.slots[i].key, 1, fn, ctx, &n);
    for (size_t i = 0; i < kept->m.cap; i++) {
        const char *name = kept->m.slots[i].key;
        if (name && !strmap_get(&counted_t->m, name)) /* the others were compared above */
            diff_one(kept, counted_t, name, 0, fn, ctx, &n);
    }
    return n;
}
