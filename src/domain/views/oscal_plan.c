/* oscal_plan.c: an SSP's implemented requirements against coverage (see
 * oscal_plan.h). */
#include "domain/views/oscal_plan.h"
#include "domain/registers/registers.h"
#include "domain/views/frameworks.h"
#include "core/strmap.h"
#include "core/text.h"

#include <string.h>

/* A framework's requirements by what a plan may call them: the code and
 * the OSCAL id, lower-case. */
typedef struct by_name {
    strmap m;
    arena *a;
} by_name;

static int take_name(const record *r, void *ctx)
{
    by_name *b = ctx;
    const char *code = record_text(r, F_REQUIREMENT_CODE);
    const char *ref = arena_strdup(b->a, code);
    *strmap_slot_for(&b->m, ascii_lower(arena_strdup(b->a, code))) = (void *)ref;
    *strmap_slot_for(&b->m, ascii_lower((char *)requirement_oscal_id(b->a, "", code))) =
        (void *)ref;
    return 0;
}

static int names_of(dom *d, int64_t fw, by_name *b, isms_err *e)
{
    strmap_init(&b->m);
    b->a = dom_arena(d);
    store_filter f = { .field = field_def(&reg_requirement, F_REQUIREMENT_FRAMEWORK), .ival = fw };
    store_query q = { .filters = &f, .nfilters = 1, .ids_only = 1 };
    return store_scan(dom_store(d), &reg_requirement, &q, take_name, b, e);
}

static const char *code_of(dom *d, const by_name *b, const char *control_id)
{
    return strmap_get(&b->m, ascii_lower(arena_strdup(dom_arena(d), control_id)));
}

/* Counting, over every requirement, the plan's control ids each
 * framework holds. */
typedef struct tally {
    strmap ids; /* the plan's control ids, lower-case */
    int64_t fw[64];
    int hits[64], n;
    arena *a;
} tally;

static int take_hit(const record *r, void *ctx)
{
    tally *t = ctx;
    const char *code = record_text(r, F_REQUIREMENT_CODE);
    char *lower = ascii_lower(arena_strdup(t->a, code));
    char *id = ascii_lower((char *)requirement_oscal_id(t->a, "", code));
    if (!strmap_get(&t->ids, lower) && !strmap_get(&t->ids, id))
        return 0;
    int64_t fw = record_int(r, F_REQUIREMENT_FRAMEWORK);
    int i = 0;
    while (i < t->n && t->fw[i] != fw)
        i++;
    if (i == t->n && t->n < 64)
        t->fw[t->n++] = fw;
    if (i < t->n)
        t->hits[i]++;
    return 0;
}

/* The framework holding most of the plan's control ids (0: none). */
static int best_framework(dom *d, const oscal_plan *p, int64_t *best, isms_err *e)
{
    tally t = { .a = dom_arena(d) };
    strmap_init(&t.ids);
    for (int k = 0; k < p->implemented; k++)
        *strmap_slot_for(&t.ids, ascii_lower(arena_strdup(t.a, p->reqs[k].control_id))) = t.a;
    store_query q = { .ids_only = 1 };
    int rc = store_scan(dom_store(d), &reg_requirement, &q, take_hit, &t, e);
    strmap_reset(&t.ids);
    *best = 0;
    for (int i = 0, most = 0; i < t.n; i++)
        if (t.hits[i] > most) {
            most = t.hits[i];
            *best = t.fw[i];
        }
    return rc;
}

static const char *status_of(cov_state s)
{
    return s == COV_COVERED    ? "implemented"
           : s == COV_PARTIAL  ? "partial"
           : s == COV_EXCLUDED ? "excluded"
                               : "planned";
}

/* Each row against coverage of framework fw. */
static int compare(dom *d, const oscal_plan *p, int64_t fw, plan_report *out, isms_err *e)
{
    record fr;
    int rc = store_get_id(dom_store(d), &reg_framework, fw, &fr, dom_arena(d), e);
    cov_report cov;
    if (!rc)
        rc = dom_coverage(d, fr.key, &cov, e);
    by_name b;
    if (!rc)
        rc = names_of(d, fw, &b, e);
    if (rc)
        return rc;
    out->framework = record_text(&fr, F_FRAMEWORK_NAME);
    strmap states;
    strmap_init(&states);
    for (int i = 0; i < cov.nitems; i++)
        *strmap_slot_for(&states, cov.items[i].code) = (void *)status_of(cov.items[i].state);
    for (int i = 0; i < out->n; i++) {
        plan_row *r = &out->rows[i];
        const char *code = code_of(d, &b, r->control_id);
        if (!code)
            continue;
        out->found++;
        r->requirement = arena_printf(dom_arena(d), "%s:%s", out->framework, code);
        r->isms = strmap_get(&states, code);
        if (!r->isms)
            r->isms = "not assessed"; /* a heading, or withdrawn */
        r->differs = r->stated && strcmp(r->stated, r->isms);
        out->differ += r->differs;
    }
    strmap_reset(&states);
    strmap_reset(&b.m);
    return 0;
}

int dom_oscal_plan_compare(dom *d, const oscal_plan *p, const char *framework, plan_report *out,
                           isms_err *e)
{
    *out = (plan_report){ .n = p->implemented };
    out->rows = arena_alloc(dom_arena(d), sizeof *out->rows * (size_t)(p->implemented + 1));
    for (int i = 0; i < p->implemented; i++) {
        out->rows[i] =
            (plan_row){ .control_id = p->reqs[i].control_id, .stated = p->reqs[i].state };
        out->unstated += !p->reqs[i].state;
    }
    int64_t fw = 0;
    const char *key;
    int retired, rc = 0;
    if (framework) {
        rc = framework_find(d, framework, &fw, &key, &retired, e);
        if (!rc && (!fw || retired))
            rc = err_set(e, E_NOT_FOUND, "framework", "framework: there is no %sframework %s",
                         fw ? "active " : "", framework);
    } else {
        rc = best_framework(d, p, &fw, e);
    }
    if (rc || !fw)
        return rc;
    return compare(d, p, fw, out, e);
}
