/* tallies_links.c: the kept figures that follow from links between
 * records (see tallies.h, 0016_link_tallies.sql): framework coverage per
 * requirement and the risks a control in place treats. A write moves them
 * by what it changes, reading only the records its change reaches; the
 * recount reads the controls, the mappings and one join. */
#include "domain/registers/tallies.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "core/idset.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *coverage_name(char *name, size_t size, int64_t requirement, const char *suffix)
{
    snprintf(name, size, TALLY_COVERAGE_PREFIX "%lld%s", (long long)requirement, suffix);
    return name;
}

int64_t tallies_coverage(const tallies *t, int64_t requirement, const char *suffix)
{
    char name[48];
    return tallies_get(t, coverage_name(name, sizeof name, requirement, suffix));
}

/* What a control gives a requirement it is mapped onto: `whole` through a
 * whole relationship (equivalent), `part` through another (intersects-with):
 * cov_contribution depends on nothing else of the mapping. */
typedef struct ctl_gives {
    int64_t id;
    int whole, part;
} ctl_gives;

static ctl_gives gives_of(const record *c)
{
    if (!c)
        return (ctl_gives){ 0 };
    int retired = c->retired_at != NULL;
    const char *status = record_text(c, F_CONTROL_STATUS),
               *eff = record_text(c, F_CONTROL_EFFECTIVENESS);
    return (ctl_gives){ c->id, cov_contribution(retired, status, eff, 0),
                        cov_contribution(retired, status, eff, 4) };
}

static int whole_relationship(int rel) { return cov_contribution(0, "operating", "", rel) == 2; }

/* What mapping m onto its target counts for, its control giving g. */
static void note_mapping(tallies *t, int64_t target, int rel, const ctl_gives *g, int sign)
{
    char name[48];
    tallies_put(t, coverage_name(name, sizeof name, target, ""), sign);
    int got = whole_relationship(rel) ? g->whole : g->part;
    if (got)
        tallies_put(t, coverage_name(name, sizeof name, target, got == 2 ? ".full" : ".part"),
                    sign);
}

static int mapping_counts(const record *m)
{
    return m && !m->retired_at && record_int(m, F_MAPPING_CONTROL) &&
           record_int(m, F_MAPPING_TARGET);
}

static const int control_fields[] = { F_CONTROL_STATUS, F_CONTROL_EFFECTIVENESS };

static int take_gives(const record *r, void *ctx)
{
    *(ctl_gives *)ctx = gives_of(r);
    return 0;
}

/* Record `id` of reg, retired or not, with `fields` alone, to fn (not
 * called when there is no such record). */
static int read_one(dom *d, const regdef *reg, int64_t id, const int *fields, int nfields,
                    store_record_fn fn, void *ctx, isms_err *e)
{
    store_query q = { .include_retired = 1, .ids_only = 1, .fields = fields, .nfields = nfields };
    q.ids = &id;
    q.nids = 1;
    return store_scan(dom_store(d), reg, &q, fn, ctx, e);
}

/* What control `id` gives (nothing when there is no such control). */
static int control_gives(dom *d, int64_t id, ctl_gives *g, isms_err *e)
{
    *g = (ctl_gives){ 0 };
    return read_one(d, &reg_control, id, control_fields, 2, take_gives, g, e);
}

static int mapping_changed(dom *d, tallies *t, const record *before, const record *after,
                           isms_err *e)
{
    ctl_gives g;
    int rc = 0;
    if (mapping_counts(before) &&
        !(rc = control_gives(d, record_int(before, F_MAPPING_CONTROL), &g, e)))
        note_mapping(t, record_int(before, F_MAPPING_TARGET),
                     cov_relationship(record_text(before, F_MAPPING_RELATIONSHIP)), &g, -1);
    if (!rc && mapping_counts(after) &&
        !(rc = control_gives(d, record_int(after, F_MAPPING_CONTROL), &g, e)))
        note_mapping(t, record_int(after, F_MAPPING_TARGET),
                     cov_relationship(record_text(after, F_MAPPING_RELATIONSHIP)), &g, 1);
    return rc;
}

/* A control's mappings, moved from what it gave to what it gives. */
typedef struct regive {
    tallies *t;
    ctl_gives was, is;
} regive;

static int regive_one(const record *m, void *ctx)
{
    const regive *r = ctx;
    int rel = cov_relationship(record_text(m, F_MAPPING_RELATIONSHIP));
    for (int sign = -1; sign <= 1 && mapping_counts(m); sign += 2)
        note_mapping(r->t, record_int(m, F_MAPPING_TARGET), rel, sign < 0 ? &r->was : &r->is, sign);
    return 0;
}

static const int mapping_fields[] = { F_MAPPING_CONTROL, F_MAPPING_TARGET, F_MAPPING_RELATIONSHIP };

static int control_coverage_changed(dom *d, tallies *t, const record *before, const record *after,
                                    isms_err *e)
{
    regive r = { t, gives_of(before), gives_of(after) };
    /* A new control has no mappings yet; one that gives the same gives it
     * to each of them. */
    if (!before || (r.was.whole == r.is.whole && r.was.part == r.is.part))
        return 0;
    store_filter f = { .field = field_def(&reg_mapping, F_MAPPING_CONTROL), .ival = before->id };
    store_query q = {
        .filters = &f, .nfilters = 1, .ids_only = 1, .fields = mapping_fields, .nfields = 3
    };
    return store_scan(dom_store(d), &reg_mapping, &q, regive_one, &r, e);
}

/* ---- risks treated ---- */

static int in_place(const record *c)
{
    const char *status = c ? record_text(c, F_CONTROL_STATUS) : NULL;
    return c && !c->retired_at && (!status || strcmp(status, "planned"));
}

static int to_treat(const record *r)
{
    const char *treatment = r ? record_text(r, F_RISK_TREATMENT) : NULL;
    treatment = treatment ? treatment : "";
    return r && !r->retired_at && strcmp(treatment, "accept") && strcmp(treatment, "avoid");
}

static int count_to_treat(const record *r, void *ctx)
{
    *(int64_t *)ctx += to_treat(r);
    return 0;
}

static const int risk_fields[] = { F_RISK_TREATMENT };

/* The risks (ascending, no repeats) gain (sign 1) or lose (-1) control
 * `control` in place: each one's count of controls in place moves (0028),
 * and "risk.treated" by those to treat that no other control treats, read
 * by id, their treatment alone, many to a query (a control of thousands
 * of risks: a few statements, not three a risk). The array is reused for
 * those. */
static int risks_reached(dom *d, tallies *t, int64_t *risks, size_t n, int64_t control, int sign,
                         isms_err *e)
{
    enum { READ_CHUNK = 500 };
    store *s = dom_store(d);
    size_t alone = 0;
    int64_t treat = 0;
    int rc = store_keeps_in_place(s) ? store_risks_in_place_add(s, risks, n, sign, e) : 0;
    if (!rc)
        rc = store_risks_alone(s, risks, n, control, &alone, e);
    for (size_t at = 0; at < alone && !rc; at += READ_CHUNK) {
        store_query q = { .include_retired = 1,
                          .ids_only = 1,
                          .fields = risk_fields,
                          .nfields = 1,
                          .ids = risks + at,
                          .nids = (int)(alone - at < READ_CHUNK ? alone - at : READ_CHUNK) };
        rc = store_scan(s, &reg_risk, &q, count_to_treat, &treat, e);
    }
    if (!rc && treat)
        tallies_put(t, "risk.treated", sign * treat);
    return rc;
}

/* a's ids (sorted) that b's (sorted) has not, to out; their count. */
static size_t ids_minus(const int64_t *a, size_t na, const int64_t *b, size_t nb, int64_t *out)
{
    size_t n = 0, j = 0;
    for (size_t k = 0; k < na; k++) {
        while (j < nb && b[j] < a[k])
            j++;
        if (j == nb || b[j] != a[k])
            out[n++] = a[k];
    }
    return n;
}

/* The risks a control treats in place before and after, each that one
 * has and the other has not moved. */
static int control_treats_changed(dom *d, tallies *t, const record *before, const record *after,
                                  isms_err *e)
{
    const value *was = in_place(before) ? record_cval(before, F_CONTROL_TREATS) : NULL,
                *is = in_place(after) ? record_cval(after, F_CONTROL_TREATS) : NULL;
    size_t nw = was ? (size_t)was->n : 0, ni = is ? (size_t)is->n : 0;
    if (!nw && !ni)
        return 0;
    int64_t *w = xmalloc(sizeof *w * 2 * (nw + ni)), *i = w + nw, *out = i + ni;
    if (nw)
        memcpy(w, was->ids, sizeof *w * nw);
    if (ni)
        memcpy(i, is->ids, sizeof *i * ni);
    ids_sort(w, nw);
    ids_sort(i, ni);
    int64_t id = after ? after->id : before->id;
    int rc = risks_reached(d, t, out, ids_minus(w, nw, i, ni, out), id, -1, e);
    if (!rc)
        rc = risks_reached(d, t, out, ids_minus(i, ni, w, nw, out), id, 1, e);
    free(w);
    return rc;
}

/* A risk that becomes to treat, or stops being, moves "risk.treated"
 * when a control in place treats it (a new risk has none yet). */
static int risk_changed(dom *d, tallies *t, const record *before, const record *after, isms_err *e)
{
    int was = to_treat(before), is = to_treat(after), treated;
    if (was == is || !before)
        return 0;
    int rc = store_risk_in_place(dom_store(d), before->id, 0, &treated, e);
    if (!rc && treated)
        tallies_put(t, "risk.treated", is - was);
    return rc;
}

/* ---- risks accepted, and until when (0029) ---- */

static int accepted(const record *r)
{
    const char *treatment = r ? record_text(r, F_RISK_TREATMENT) : NULL;
    return r && !r->retired_at && treatment && !strcmp(treatment, "accept");
}

static int take_accepted(const record *r, void *ctx)
{
    *(int *)ctx = accepted(r);
    return 0;
}

/* n added to "risk.accepted_until.UNTIL" (none: "" ). */
static void until_put(tallies *t, const char *until, int n)
{
    char name[64];
    if (!*until)
        return;
    snprintf(name, sizeof name, TALLY_ACCEPTED_UNTIL "%s", until);
    tallies_put(t, name, n);
}

/* The later of two expiries ("" none, STORE_NEVER never), in `out`. */
static void later(char out[11], const char *a, const char *b)
{
    snprintf(out, 11, "%s", strcmp(a, b) >= 0 ? a : b);
}

static const char *until_of(const record *acc)
{
    const char *expires = acc ? record_text(acc, F_ACCEPTANCE_EXPIRES_ON) : NULL;
    return !acc || acc->retired_at ? "" : expires ? expires : STORE_NEVER;
}

/* A risk treated by acceptance, or no longer: it counts under the latest
 * expiry of its acceptances, which its own write does not change. */
static int risk_accept_changed(dom *d, tallies *t, const record *before, const record *after,
                               isms_err *e)
{
    int was = accepted(before), is = accepted(after);
    char until[11];
    if (was == is || !before) /* (a new risk has no acceptance yet) */
        return 0;
    int rc = store_risk_accepted_until(dom_store(d), before->id, 0, until, e);
    if (!rc)
        until_put(t, until, is - was);
    return rc;
}

static const int accept_fields[] = { F_RISK_TREATMENT };

/* An acceptance written: its risk, if treated by acceptance, moves from
 * the latest expiry with the acceptance as it was to that with it as it
 * is (the others read from the store, this one left out). */
static int acceptance_changed(dom *d, tallies *t, const record *before, const record *after,
                              isms_err *e)
{
    const record *any = after ? after : before;
    int64_t risk = record_cval(any, F_ACCEPTANCE_RISK)->i;
    int treated = 0;
    char others[11], was[11], is[11];
    int rc = read_one(d, &reg_risk, risk, accept_fields, 1, take_accepted, &treated, e);
    if (rc || !treated)
        return rc;
    rc = store_risk_accepted_until(dom_store(d), risk, any->id, others, e);
    if (rc)
        return rc;
    later(was, others, until_of(before));
    later(is, others, until_of(after));
    if (strcmp(was, is)) {
        until_put(t, was, -1);
        until_put(t, is, 1);
    }
    return 0;
}

static int take_until(const char *until, int64_t n, void *ctx)
{
    char name[64];
    snprintf(name, sizeof name, TALLY_ACCEPTED_UNTIL "%s", until ? until : "");
    tallies_put(ctx, name, n);
    return 0;
}

int tallies_links_changed(dom *d, tallies *t, const record *before, const record *after,
                          isms_err *e)
{
    const regdef *reg = after ? after->reg : before->reg;
    int acceptances = store_keeps_acceptances(dom_store(d));
    if (reg == &reg_mapping)
        return mapping_changed(d, t, before, after, e);
    if (reg == &reg_acceptance)
        return acceptances ? acceptance_changed(d, t, before, after, e) : 0;
    if (reg == &reg_risk) {
        int rc = risk_changed(d, t, before, after, e);
        return rc || !acceptances ? rc : risk_accept_changed(d, t, before, after, e);
    }
    if (reg != &reg_control)
        return 0;
    int rc = control_coverage_changed(d, t, before, after, e);
    return rc ? rc : control_treats_changed(d, t, before, after, e);
}

/* ---- the recount ---- */

typedef struct recount {
    tallies *t;
    ctl_gives *gives; /* every control's, in id order (as scans give them) */
    size_t n, cap;
    int progress; /* an upgrade's: say how far it is */
} recount;

static int take_control(const record *r, void *ctx)
{
    recount *c = ctx;
    XGROW(c->gives, c->n, c->cap, 1024);
    c->gives[c->n++] = gives_of(r);
    return 0;
}

static int by_id(const void *key, const void *item)
{
    int64_t id = *(const int64_t *)key, other = ((const ctl_gives *)item)->id;
    return (id > other) - (id < other);
}

static int take_mapping(const record *m, void *ctx)
{
    recount *c = ctx;
    if (!mapping_counts(m))
        return 0;
    int64_t control = record_int(m, F_MAPPING_CONTROL);
    const ctl_gives *g = bsearch(&control, c->gives, c->n, sizeof *c->gives, by_id);
    note_mapping(c->t, record_int(m, F_MAPPING_TARGET),
                 cov_relationship(record_text(m, F_MAPPING_RELATIONSHIP)),
                 g ? g : &(ctl_gives){ 0 }, 1);
    return 0;
}

/* What an upgrade's fill says between its steps, when they take long
 * (more controls than this). */
enum { MANY_CONTROLS = 50000 };

static void step_done(const recount *c, int step)
{
    if (c->progress && c->n > MANY_CONTROLS)
        store_progress("the coverage and the risks treated", step, 3);
}

int tallies_links_recount(dom *d, tallies *t, int progress, isms_err *e)
{
    recount c = { .t = t, .progress = progress };
    store_query controls = { .include_retired = 1,
                             .ids_only = 1,
                             .fields = control_fields,
                             .nfields = 2 },
                mappings = { .ids_only = 1, .fields = mapping_fields, .nfields = 3 };
    int64_t treated;
    int rc = store_scan(dom_store(d), &reg_control, &controls, take_control, &c, e);
    step_done(&c, 1);
    if (!rc)
        rc = store_scan(dom_store(d), &reg_mapping, &mappings, take_mapping, &c, e);
    step_done(&c, 2);
    if (!rc)
        rc = store_risks_treated(dom_store(d), &treated, e);
    step_done(&c, 3);
    if (!rc)
        tallies_put(t, "risk.treated", treated);
    if (!rc && store_keeps_acceptances(dom_store(d)))
        rc = store_risks_accepted_until(dom_store(d), take_until, t, e);
    free(c.gives);
    return rc;
}
