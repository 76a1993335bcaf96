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

/* The SoA of one side: the one picked by key (it must be of framework
 * fw), else the profile in force of the series `profile`. */
static int side_key(dom *d, const gap_report *out, int64_t fw, const char *picked,
                    const char *profile, const char **key, isms_err *e)
{
    if (!picked) {
        int rc = dom_soa_profile_in_force(d, fw, profile, key, e);
        if (!rc && !*key)
            rc = err_set(e, E_NOT_FOUND, "profile",
                         "%s has no %s profile: isms soa generate --framework %s --profile %s",
                         out->framework, profile, out->framework, profile);
        return rc;
    }
    record s;
    int rc = dom_get(d, &reg_soa, picked, &s, e);
    if (!rc && record_int(&s, F_SOA_FRAMEWORK) != fw)
        rc = err_set(e, E_INVALID, profile, "%s: %s is an SoA of %s, not of %s", profile, s.key,
                     record_text(&s, F_SOA_FRAMEWORK), out->framework_key);
    *key = rc ? NULL : s.key;
    return rc;
}

/* One side as a document, its profile and tier. */
static int side_doc(dom *d, const char *key, soa_doc *doc, const char **profile, int *tier,
                    isms_err *e)
{
    record s;
    int rc = dom_get(d, &reg_soa, key, &s, e);
    if (!rc)
        rc = dom_soa_doc(d, key, doc, e);
    *tier = rc ? 0 : (int)record_int(&s, F_SOA_TIER);
    *profile = rc ? NULL : record_text(&s, F_SOA_PROFILE);
    return rc;
}

/* The framework compared: the one named, else that of the SoA picked. */
static int gap_framework(dom *d, const gap_pick *pick, int64_t *fw, record *f, isms_err *e)
{
    const char *typed = pick->framework, *key;
    int retired, rc = 0;
    record s;
    if (!typed && (pick->current || pick->target)) {
        rc = dom_get(d, &reg_soa, pick->current ? pick->current : pick->target, &s, e);
        typed = rc ? NULL : record_text(&s, F_SOA_FRAMEWORK);
    }
    if (!rc && !typed)
        rc = err_set(e, E_USAGE, "framework", "framework: name one, or the SoAs compared");
    if (!rc)
        rc = framework_find(d, typed, fw, &key, &retired, e);
    if (!rc && !*fw)
        rc = err_set(e, E_NOT_FOUND, "framework", "framework: there is no framework %s", typed);
    if (!rc)
        rc = dom_get(d, &reg_framework, key, f, e);
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
        *g = (gap_row){ .requirement = t->requirement,
                        .code = t->code,
                        .ref = t->ref,
                        .title = t->title,
                        .current = c ? c->implementation : NULL,
                        .target = t->applicable ? t->implementation : NULL,
                        .controls = *t->controls || !c ? t->controls : c->controls };
        g->short_of = g->target && rank(g->target) > rank(g->current);
        out->gaps += g->short_of;
    }
    strmap_reset(&now);
}

int dom_profile_gap(dom *d, const gap_pick *pick, gap_report *out, isms_err *e)
{
    *out = (gap_report){ 0 };
    int64_t fw;
    record f;
    int rc = gap_framework(d, pick, &fw, &f, e);
    if (rc)
        return rc;
    out->framework = record_text(&f, F_FRAMEWORK_NAME);
    out->framework_key = f.key;
    rc = side_key(d, out, fw, pick->current, "current", &out->current_soa, e);
    if (!rc)
        rc = side_key(d, out, fw, pick->target, "target", &out->target_soa, e);
    soa_doc cur, tgt;
    if (!rc)
        rc = side_doc(d, out->current_soa, &cur, &out->current_profile, &out->current_tier, e);
    if (!rc)
        rc = side_doc(d, out->target_soa, &tgt, &out->target_profile, &out->target_tier, e);
    if (rc)
        return rc;
    compare(&cur, &tgt, out, dom_arena(d));
    return 0;
}
