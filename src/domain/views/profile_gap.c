/* profile_gap.c: a CSF current profile against its target (see
 * profile_gap.h). */
#include "domain/views/profile_gap.h"
#include "domain/views/frameworks.h"
#include "domain/registers/frameworks.h"
#include "domain/registers/registers.h"
#include "core/strmap.h"

#include <string.h>

/* planned 0, partial 1, implemented 2 (implementation_states' order) */
static int rank(const char *implementation)
{
    int k = implementation ? choice_index(implementation_states, implementation) : -1;
    return k < 0 ? -1 : k;
}

/* The profile in force of the series, as a document, and its tier. */
static int profile_doc(dom *d, int64_t fw, const char *fwname, const char *profile, soa_doc *doc,
                       int *tier, isms_err *e)
{
    const char *key = NULL;
    int rc = dom_soa_profile_in_force(d, fw, profile, &key, e);
    if (!rc && !key)
        rc = err_set(e, E_NOT_FOUND, "profile",
                     "%s has no %s profile: isms soa generate --framework %s --profile %s", fwname,
                     profile, fwname, profile);
    record s;
    if (!rc)
        rc = dom_get(d, &reg_soa, key, &s, e);
    if (!rc)
        rc = dom_soa_doc(d, key, doc, e);
    *tier = rc ? 0 : (int)record_int(&s, F_SOA_TIER);
    return rc;
}

static void compare(const soa_doc *cur, const soa_doc *tgt, gap_report *out, arena *a)
{
    strmap now;
    strmap_init(&now);
    for (int i = 0; i < cur->n; i++)
        *strmap_slot_for(&now, cur->rows[i].ref) = (void *)&cur->rows[i];
    out->rows = arena_alloc(a, sizeof *out->rows * (size_t)(tgt->n ? tgt->n : 1));
    for (int i = 0; i < tgt->n; i++) {
        const soa_row *t = &tgt->rows[i];
        const soa_row *c = strmap_get(&now, t->ref);
        gap_row *g = &out->rows[out->n++];
        *g = (gap_row){ .code = t->code,
                        .ref = t->ref,
                        .title = t->title,
                        .current = c ? c->implementation : NULL,
                        .target = t->applicable ? t->implementation : NULL };
        g->short_of = g->target && rank(g->target) > rank(g->current);
        out->gaps += g->short_of;
    }
    strmap_reset(&now);
}

int dom_profile_gap(dom *d, const char *framework, gap_report *out, isms_err *e)
{
    *out = (gap_report){ 0 };
    int64_t fw;
    const char *key;
    int retired;
    record f;
    int rc = framework_find(d, framework, &fw, &key, &retired, e);
    if (!rc && fw)
        rc = dom_get(d, &reg_framework, key, &f, e);
    else if (!rc)
        rc = err_set(e, E_NOT_FOUND, "framework", "framework: there is no framework %s", framework);
    if (rc)
        return rc;
    out->framework = record_text(&f, F_FRAMEWORK_NAME);
    soa_doc cur, tgt;
    rc = profile_doc(d, fw, out->framework, "current", &cur, &out->current_tier, e);
    if (!rc)
        rc = profile_doc(d, fw, out->framework, "target", &tgt, &out->target_tier, e);
    if (rc)
        return rc;
    out->current_soa = cur.key;
    out->target_soa = tgt.key;
    compare(&cur, &tgt, out, dom_arena(d));
    return 0;
}
