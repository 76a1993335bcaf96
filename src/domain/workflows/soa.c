/* soa.c: generating a Statement of Applicability (see soa.h). */
#include "domain/workflows/soa.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/buf.h"
#include "core/idset.h"
#include "core/strmap.h"
#include "core/xalloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the generation reads, copied out of the scans into the arena. */
typedef struct soa_ctl {
    int64_t id;
    const char *key;
    int in_operation, fully; /* implemented or operating; and not partially effective */
    int ntreats;
    const char **treats;
} soa_ctl;

typedef struct soa_map {
    int64_t id, control, target;
} soa_map;

typedef struct soa_req {
    int64_t id;
    const char *key;
} soa_req;

typedef struct soa_prev { /* the judgement of the version in force */
    int64_t requirement;
    int applicable;
    const char *justification;
} soa_prev;

typedef struct soa_src {
    arena *a;
    const soa_spec *spec;
    const char *level; /* only requirements of this level, or NULL */
    soa_ctl *ctls;
    soa_map *maps;
    soa_req *reqs; /* assessable requirements in force, in order */
    soa_prev *prev;
    int nctls, nmaps, nreqs, nprev;
    size_t capctls, capmaps, capreqs, capprev;
} soa_src;

static int take_ctl(const record *r, void *ctx)
{
    soa_src *s = ctx;
    ARENA_GROW(s->a, s->ctls, (size_t)s->nctls, s->capctls, 64);
    const char *status = record_text(r, F_CONTROL_STATUS);
    const value *t = record_cval(r, F_CONTROL_TREATS);
    soa_ctl *c = &s->ctls[s->nctls++];
    *c = (soa_ctl){ .id = r->id, .key = arena_strdup(s->a, r->key), .ntreats = t->n };
    c->in_operation = !strcmp(status, "implemented") || !strcmp(status, "operating");
    c->fully = c->in_operation &&
               strcmp(record_text(r, F_CONTROL_EFFECTIVENESS), "partially-effective") &&
               strcmp(record_text(r, F_CONTROL_EFFECTIVENESS), "ineffective");
    c->treats = arena_alloc(s->a, sizeof *c->treats * (size_t)(t->n ? t->n : 1));
    for (int k = 0; k < t->n; k++)
        c->treats[k] = arena_strdup(s->a, t->keys[k]);
    return 0;
}

static int take_map(int64_t mapping, int64_t control, int64_t target, void *ctx)
{
    soa_src *s = ctx;
    ARENA_GROW(s->a, s->maps, (size_t)s->nmaps, s->capmaps, 64);
    s->maps[s->nmaps++] = (soa_map){ mapping, control, target };
    return 0;
}

/* By target, then in the mappings' order: a requirement's are one run. */
static int cmp_map(const void *x, const void *y)
{
    const soa_map *a = x, *b = y;
    if (a->target != b->target)
        return (a->target > b->target) - (a->target < b->target);
    return (a->id > b->id) - (a->id < b->id);
}

static int take_req(const record *r, void *ctx)
{
    soa_src *s = ctx;
    const char *level = record_text(r, F_REQUIREMENT_LEVEL);
    if (!record_int(r, F_REQUIREMENT_ASSESSABLE) || record_int(r, F_REQUIREMENT_WITHDRAWN) ||
        (s->level && (!level || strcmp(level, s->level))))
        return 0;
    ARENA_GROW(s->a, s->reqs, (size_t)s->nreqs, s->capreqs, 64);
    s->reqs[s->nreqs++] = (soa_req){ r->id, arena_strdup(s->a, r->key) };
    return 0;
}

static int take_prev(const record *r, void *ctx)
{
    soa_src *s = ctx;
    ARENA_GROW(s->a, s->prev, (size_t)s->nprev, s->capprev, 64);
    s->prev[s->nprev++] =
        (soa_prev){ record_int(r, F_APPLICABILITY_REQUIREMENT),
                    (int)record_int(r, F_APPLICABILITY_APPLICABLE),
                    arena_strdup(s->a, record_text(r, F_APPLICABILITY_JUSTIFICATION)) };
    return 0;
}

typedef struct prev_soa {
    int64_t approved, draft;
    const char *profile;
} prev_soa;

static int take_soa_version(const record *r, void *ctx)
{
    prev_soa *p = ctx;
    const char *status = record_text(r, F_SOA_STATUS);
    if (strcmp(record_text(r, F_SOA_PROFILE), p->profile))
        return 0; /* another series */
    if (!strcmp(status, "approved"))
        p->approved = r->id;
    else if (!strcmp(status, "draft"))
        p->draft = r->id;
    return 0;
}

static int scan_by(dom *d, const regdef *reg, int fid, int64_t id, store_record_fn fn, void *ctx,
                   isms_err *e)
{
    store_filter f = { .field = fid ? field_def(reg, fid) : NULL, .ival = id };
    store_query q = { .filters = &f, .nfilters = fid ? 1 : 0, .ids_only = 1 };
    return store_scan(dom_store(d), reg, &q, fn, ctx, e);
}

/* The active controls the mappings name, each once, read by id (or every
 * one, where they are most of them: dom_scan_ids); a mapping of a retired
 * control finds none and counts for nothing. */
static int read_controls(dom *d, soa_src *s, isms_err *e)
{
    int64_t *ids = xmalloc(sizeof *ids * (size_t)(s->nmaps + 1));
    size_t n = 0;
    for (int m = 0; m < s->nmaps; m++)
        ids[n++] = s->maps[m].control;
    size_t k = ids_sort_unique(ids, n);
    int rc = dom_scan_ids(d, &reg_control, ids, k, 0, take_ctl, s, e);
    free(ids);
    return rc;
}

/* What the generation reads: the mappings of controls onto the
 * framework's requirements and those controls (not every mapping and
 * control of the repository), its requirements, and the judgement of the
 * version in force. */
static int soa_read(dom *d, int64_t fw, const char *profile, soa_src *s, isms_err *e)
{
    int rc = store_control_mappings_onto(dom_store(d), fw, take_map, s, e);
    if (!rc && s->nmaps)
        qsort(s->maps, (size_t)s->nmaps, sizeof *s->maps, cmp_map);
    if (!rc)
        rc = read_controls(d, s, e);
    if (!rc)
        rc = scan_by(d, &reg_requirement, F_REQUIREMENT_FRAMEWORK, fw, take_req, s, e);
    prev_soa p = { .profile = profile };
    if (!rc)
        rc = scan_by(d, &reg_soa, F_SOA_FRAMEWORK, fw, take_soa_version, &p, e);
    int64_t prev = p.approved ? p.approved : p.draft;
    if (!rc && prev)
        rc = scan_by(d, &reg_applicability, F_APPLICABILITY_SOA, prev, take_prev, s, e);
    return rc;
}

/* The controls come in id order (dom_scan_ids): found by halves. */
static const soa_ctl *ctl_by_id(const soa_src *s, int64_t id)
{
    size_t at =
        ids_lower_bound_at(s->ctls, (size_t)s->nctls, sizeof *s->ctls, offsetof(soa_ctl, id), id);
    return at < (size_t)s->nctls && s->ctls[at].id == id ? &s->ctls[at] : NULL;
}

/* The first of requirement `req`'s mappings (they are sorted by target). */
static int first_map(const soa_src *s, int64_t req)
{
    return (int)ids_lower_bound_at(s->maps, (size_t)s->nmaps, sizeof *s->maps,
                                   offsetof(soa_map, target), req);
}

/* Appends key to the comma-separated list in b, unless `seen` has it. */
static void add_member(buf *b, strmap *seen, const char *key)
{
    void **slot = strmap_slot_for(seen, key);
    if (*slot)
        return;
    *slot = b;
    buf_printf(b, "%s%s", b->len ? "," : "", key);
}

/* The values of one applicability record: controls, risks, implementation,
 * and a justification when none carries over. */
static int fill_entry(dom *d, const soa_src *s, int i, const char *soa_key, record *in, isms_err *e)
{
    buf ctls, risks;
    buf_init(&ctls);
    buf_init(&risks);
    strmap seen_ctls, seen_risks;
    strmap_init(&seen_ctls);
    strmap_init(&seen_risks);
    int n = 0, operating = 0, fully = 0;
    for (int m = first_map(s, s->reqs[i].id); m < s->nmaps && s->maps[m].target == s->reqs[i].id;
         m++) {
        const soa_ctl *c = ctl_by_id(s, s->maps[m].control);
        if (!c)
            continue;
        add_member(&ctls, &seen_ctls, c->key);
        for (int k = 0; k < c->ntreats; k++)
            add_member(&risks, &seen_risks, c->treats[k]);
        n++;
        operating += c->in_operation;
        fully += c->fully;
    }
    const char *impl = n && fully == n ? "implemented" : operating ? "partial" : "planned";
    int applicable = 1;
    const char *why = NULL;
    for (int p = 0; p < s->nprev; p++)
        if (s->prev[p].requirement == s->reqs[i].id) {
            applicable = s->prev[p].applicable;
            why = s->prev[p].justification;
        }
    if (s->spec->selects) {
        soa_said said = { NULL, NULL };
        applicable = s->spec->selects(s->spec->ctx, s->reqs[i].key, &said);
        why = said.why ? said.why : applicable ? s->spec->selected_why : s->spec->unselected_why;
        impl = said.implementation ? said.implementation : impl;
    }
    if (!why)
        why =
            n ? arena_printf(dom_arena(d), "Required to treat the risks behind %s.", buf_str(&ctls))
              : "Applicable: no reason to exclude it has been given; no control is mapped onto "
                "it yet.";
    int rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_SOA), soa_key, e);
    if (!rc)
        rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_REQUIREMENT),
                           s->reqs[i].key, e);
    if (!rc)
        rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_APPLICABLE),
                           applicable ? "yes" : "no", e);
    if (!rc)
        rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_JUSTIFICATION),
                           why, e);
    if (!rc)
        rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_IMPLEMENTATION),
                           impl, e);
    if (!rc && ctls.len)
        rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_CONTROLS),
                           buf_str(&ctls), e);
    if (!rc && risks.len)
        rc = dom_set_value(d, in, field_index(&reg_applicability, F_APPLICABILITY_RISKS),
                           buf_str(&risks), e);
    buf_reset(&ctls);
    buf_reset(&risks);
    strmap_reset(&seen_ctls);
    strmap_reset(&seen_risks);
    return rc;
}

static int set_soa(dom *d, record *in, int fid, const char *text, isms_err *e)
{
    return text ? dom_set_value(d, in, field_index(&reg_soa, fid), text, e) : 0;
}

static int soa_write(dom *d, const char *fwkey, const char *fwname, const soa_spec *spec,
                     const soa_src *s, record *out, isms_err *e)
{
    static const char *const titles[] = { "Statement of Applicability", "Current profile",
                                          "Target profile" };
    const char *profile = spec->profile ? spec->profile : "statement";
    int k = choice_index(soa_profiles, profile);
    record in;
    record_init(&in, &reg_soa, dom_arena(d));
    int rc = set_soa(d, &in, F_SOA_FRAMEWORK, fwkey, e);
    if (!rc)
        rc = set_soa(d, &in, F_SOA_PROFILE, profile, e);
    if (!rc)
        rc = set_soa(d, &in, F_SOA_TIER, spec->tier, e);
    if (!rc)
        rc = set_soa(d, &in, F_SOA_TITLE,
                     spec->title
                         ? spec->title
                         : arena_printf(dom_arena(d), "%s: %s", titles[k < 0 ? 0 : k], fwname),
                     e);
    if (!rc)
        rc = dom_add_in_txn(d, &in, out, e);
    for (int i = 0; i < s->nreqs && !rc; i++) {
        record entry, stored;
        record_init(&entry, &reg_applicability, dom_arena(d));
        rc = fill_entry(d, s, i, out->key, &entry, e);
        if (!rc)
            rc = dom_add_in_txn(d, &entry, &stored, e);
    }
    return rc;
}

int dom_soa_generate(dom *d, const soa_spec *spec, record *out, int *entries, isms_err *e)
{
    int64_t fw;
    const char *fwkey;
    int retired;
    *entries = 0;
    const char *profile = spec->profile ? spec->profile : "statement";
    if (choice_index(soa_profiles, profile) < 0)
        return err_set(e, E_INVALID, "profile",
                       "profile: \"%s\" is not one of statement, current, target", profile);
    int rc = dom_find(d, &reg_framework, dom_key(d, spec->framework), &fw, &fwkey, &retired, e);
    if (!rc && (!fw || retired))
        rc = err_set(e, E_INVALID, "framework", "framework: there is no %sframework %s",
                     fw ? "active " : "", spec->framework);
    record f;
    if (!rc)
        rc = store_get_id(dom_store(d), &reg_framework, fw, &f, dom_arena(d), e);
    if (rc)
        return rc;
    rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    soa_src s = { .a = dom_arena(d), .spec = spec, .level = spec->level };
    rc = soa_read(d, fw, profile, &s, e);
    if (!rc)
        rc = soa_write(d, f.key, record_text(&f, F_FRAMEWORK_NAME), spec, &s, out, e);
    if (!rc && !s.nreqs)
        rc = err_set(e, E_INVALID, "level", "level: %s has no assessable requirement%s%s",
                     spec->framework, spec->level ? " of level " : "",
                     spec->level ? spec->level : "");
    *entries = rc ? 0 : s.nreqs;
    return dom_txn_end(d, rc, e);
}
