/* frameworks.c: coverage, suggestions through crosswalks, drift (see
 * frameworks.h). Each reads the registers it needs once into arrays in
 * the request's arena and computes in memory: a framework has at most a
 * few thousand requirements and a repository a few thousand mappings. */
#include "domain/views/frameworks.h"
#include "domain/views/collect.h"
#include "domain/registers/framework_data.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/buf.h"
#include "core/idset.h"
#include "core/strmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cov_state_names[] = { "covered", "partial", "gap", "excluded", NULL };

/* ---- reading registers into arrays ---- */

static const char *dup(arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

typedef struct ctl_info {
    int64_t id;
    const char *key, *title, *status, *effectiveness;
    int retired;
} ctl_info;

typedef struct map_info {
    int64_t id, control, source, target;
    const char *key;
    int rel; /* index in mapping_relationships */
} map_info;

typedef struct req_info {
    int64_t id, framework;
    const char *key, *code, *title, *parent;
    int assessable, withdrawn;
} req_info;

typedef struct apl_info {
    int64_t id, soa, requirement;
    const char *key, *justification, *implementation;
    int applicable;
    int ncontrols;
    int64_t *controls;
} apl_info;

static int take_control(const record *r, void *ctx)
{
    vec *v = ctx;
    ctl_info *c = vec_push(v);
    *c = (ctl_info){ .id = r->id,
                     .key = dup(v->a, r->key),
                     .title = dup(v->a, record_text(r, F_CONTROL_TITLE)),
                     .status = dup(v->a, record_text(r, F_CONTROL_STATUS)),
                     .effectiveness = dup(v->a, record_text(r, F_CONTROL_EFFECTIVENESS)),
                     .retired = r->retired_at != NULL };
    return 0;
}

static int take_mapping(const record *r, void *ctx)
{
    vec *v = ctx;
    map_info *m = vec_push(v);
    *m = (map_info){ .id = r->id,
                     .key = dup(v->a, r->key),
                     .control = record_int(r, F_MAPPING_CONTROL),
                     .source = record_int(r, F_MAPPING_SOURCE),
                     .target = record_int(r, F_MAPPING_TARGET),
                     .rel = cov_relationship(record_text(r, F_MAPPING_RELATIONSHIP)) };
    return 0;
}

static int take_requirement(const record *r, void *ctx)
{
    vec *v = ctx;
    req_info *q = vec_push(v);
    *q = (req_info){ .id = r->id,
                     .framework = record_int(r, F_REQUIREMENT_FRAMEWORK),
                     .key = dup(v->a, r->key),
                     .code = dup(v->a, record_text(r, F_REQUIREMENT_CODE)),
                     .title = dup(v->a, record_text(r, F_REQUIREMENT_TITLE)),
                     .parent = dup(v->a, record_text(r, F_REQUIREMENT_PARENT)),
                     .assessable = (int)record_int(r, F_REQUIREMENT_ASSESSABLE),
                     .withdrawn = (int)record_int(r, F_REQUIREMENT_WITHDRAWN) };
    return 0;
}

static int take_applicability(const record *r, void *ctx)
{
    vec *v = ctx;
    apl_info *p = vec_push(v);
    const value *c = record_cval(r, F_APPLICABILITY_CONTROLS);
    *p = (apl_info){ .id = r->id,
                     .key = dup(v->a, r->key),
                     .soa = record_int(r, F_APPLICABILITY_SOA),
                     .requirement = record_int(r, F_APPLICABILITY_REQUIREMENT),
                     .justification = dup(v->a, record_text(r, F_APPLICABILITY_JUSTIFICATION)),
                     .implementation = dup(v->a, record_text(r, F_APPLICABILITY_IMPLEMENTATION)),
                     .applicable = (int)record_int(r, F_APPLICABILITY_APPLICABLE),
                     .ncontrols = c->n };
    if (c->n) {
        p->controls = arena_alloc(v->a, sizeof *p->controls * (size_t)c->n);
        memcpy(p->controls, c->ids, sizeof *p->controls * (size_t)c->n);
    }
    return 0;
}

static const ctl_info *control_by_id(const vec *v, int64_t id) { return VEC_FIND(ctl_info, v, id); }

static const req_info *requirement_by_id(const vec *v, int64_t id)
{
    return VEC_FIND(req_info, v, id);
}

/* The mappings of controls, sorted by target: those onto one requirement
 * are found by bisection, not by a walk over all of them. */
typedef struct by_target {
    const map_info **m;
    int n;
} by_target;

static int cmp_target(const void *x, const void *y)
{
    const map_info *a = *(const map_info *const *)x, *b = *(const map_info *const *)y;
    return a->target < b->target   ? -1
           : a->target > b->target ? 1
                                   : (a->id > b->id) - (a->id < b->id);
}

static by_target index_targets(const vec *maps, arena *a)
{
    by_target t = { arena_alloc(a, sizeof *t.m * (size_t)(maps->n ? maps->n : 1)), 0 };
    const map_info *m = maps->items;
    for (int i = 0; i < maps->n; i++)
        if (m[i].control)
            t.m[t.n++] = &m[i];
    qsort(t.m, (size_t)t.n, sizeof *t.m, cmp_target);
    return t;
}

/* The first of the mappings onto `target` (t->n when none). */
static int first_onto(const by_target *t, int64_t target)
{
    int lo = 0, hi = t->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (t->m[mid]->target < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

typedef struct soa_version {
    dom *d;
    store_record_fn fn;
    void *ctx;
    isms_err *e;
} soa_version;

static int give_version(const char *key, int64_t id, void *ctx)
{
    soa_version *v = ctx;
    record r;
    int rc = store_get_id(dom_store(v->d), &reg_soa, id, &r, dom_arena(v->d), v->e);
    return rc ? rc : v->fn(&r, v->ctx);
}

int dom_soa_versions(dom *d, int64_t fw, int64_t limit, store_record_fn fn, void *ctx, isms_err *e)
{
    soa_version v = { d, fn, ctx, e };
    store_filter of = { .field = field_def(&reg_soa, F_SOA_FRAMEWORK), .ival = fw };
    return store_newest_where(dom_store(d), &reg_soa, &of, 1, limit, give_version, &v, e);
}

/* The SoA in force for a framework: the approved version; with `drafts`,
 * else the newest draft. 0 when there is none. A statement or a target
 * profile says what applies; a current profile is left out. Each is the
 * newest of its framework, profile and status: one entry of the index
 * soa_in_force (0046), however many versions a decade left. */
typedef struct soa_found {
    arena *a;
    int64_t id;
    const char *key;
} soa_found;

static int newer_soa(const char *key, int64_t id, void *ctx)
{
    soa_found *f = ctx;
    if (id > f->id) {
        f->id = id;
        f->key = arena_strdup(f->a, key);
    }
    return 0;
}

static int soa_in_force(dom *d, int64_t framework, const char *profile, int drafts, int64_t *id,
                        const char **key, isms_err *e)
{
    const char *profiles[] = { profile ? profile : "statement", profile ? NULL : "target" };
    const char *statuses[] = { "approved", drafts ? "draft" : NULL };
    soa_found f = { .a = dom_arena(d) };
    int rc = 0;
    for (int k = 0; k < 2 && statuses[k] && !f.id && !rc; k++)
        for (int j = 0; j < 2 && profiles[j] && !rc; j++) {
            store_filter of[] = {
                { .field = field_def(&reg_soa, F_SOA_FRAMEWORK), .ival = framework },
                { .field = field_def(&reg_soa, F_SOA_PROFILE), .sval = profiles[j] },
                { .field = field_def(&reg_soa, F_SOA_STATUS), .sval = statuses[k] },
            };
            rc = store_newest_where(dom_store(d), &reg_soa, of, 3, 1, newer_soa, &f, e);
        }
    *id = f.id;
    *key = f.key;
    return rc;
}

int dom_soa_in_force(dom *d, int64_t fw, const char **key, isms_err *e)
{
    int64_t id;
    return soa_in_force(d, fw, NULL, 1, &id, key, e);
}

int dom_soa_profile_in_force(dom *d, int64_t fw, const char *profile, const char **key, isms_err *e)
{
    int64_t id;
    return soa_in_force(d, fw, profile, 1, &id, key, e);
}

/* The framework `framework` names (key or name); E_NOT_FOUND naming it. */
static int framework_id(dom *d, const char *framework, int64_t *fw, isms_err *e)
{
    const char *key;
    int retired;
    int rc = dom_find(d, &reg_framework, framework, fw, &key, &retired, e);
    if (!rc && !*fw)
        rc = err_set(e, E_NOT_FOUND, "framework", "framework: there is no framework %s", framework);
    return rc;
}

int dom_soa_in_force_of(dom *d, const char *framework, const char **key, isms_err *e)
{
    int64_t fw;
    int rc = framework_id(d, framework, &fw, e);
    if (!rc)
        rc = dom_soa_in_force(d, fw, key, e);
    if (!rc && !*key)
        rc = err_set(e, E_NOT_FOUND, "framework",
                     "framework: %s has no Statement of Applicability yet (isms soa generate "
                     "--framework %s)",
                     framework, framework);
    return rc;
}

/* ---- coverage ---- */

double cov_percent(const cov_tally *t)
{
    int in = t->n[COV_COVERED] + t->n[COV_PARTIAL] + t->n[COV_GAP];
    return in ? 100.0 * t->n[COV_COVERED] / in : 0.0;
}

double cov_weighted(const cov_tally *t)
{
    int in = t->n[COV_COVERED] + t->n[COV_PARTIAL] + t->n[COV_GAP];
    return in ? 100.0 * (t->n[COV_COVERED] + 0.5 * t->n[COV_PARTIAL]) / in : 0.0;
}

static int operating(const ctl_info *c)
{
    return !c->retired && (!strcmp(c->status, "implemented") || !strcmp(c->status, "operating"));
}

/* What one mapped control gives a requirement (cov_contribution), and the
 * phrase that says why. */
static int contribution(const ctl_info *c, int rel, buf *why)
{
    if (c->retired)
        buf_printf(why, "%s is retired", c->key);
    else if (!strcmp(c->effectiveness, "ineffective"))
        buf_printf(why, "%s is ineffective", c->key);
    else
        buf_printf(why, "%s is %s%s, %s", c->key, c->status,
                   !strcmp(c->effectiveness, "partially-effective") ? " and partially effective"
                                                                    : "",
                   mapping_relationships[rel]);
    return cov_contribution(c->retired, c->status, c->effectiveness, rel);
}

typedef struct cov_ctx {
    dom *d;
    const tallies *kept; /* the kept figures, or NULL: count from ctls and maps */
    int named;           /* with kept: maps holds the newest COV_NAMED onto each requirement */
    vec reqs, ctls, maps, apls;
    by_target onto;
    strmap codes; /* code -> req_info (to find groups) */
} cov_ctx;

static const req_info *top_of(cov_ctx *c, const req_info *q)
{
    for (int depth = 0; q->parent && depth < 32; depth++) {
        const req_info *p = strmap_get(&c->codes, q->parent);
        if (!p)
            break;
        q = p;
    }
    return q;
}

static cov_tally *group_of(cov_report *r, const req_info *top, arena *a, int cap)
{
    for (int i = 0; i < r->ngroups; i++)
        if (!strcmp(r->groups[i].code, top->code))
            return &r->groups[i];
    if (!r->groups)
        r->groups = arena_alloc(a, sizeof *r->groups * (size_t)cap);
    cov_tally *g = &r->groups[r->ngroups++];
    *g = (cov_tally){ .code = top->code, .title = top->title };
    return g;
}

static void assess(cov_ctx *c, const req_info *q, const apl_info *apl, cov_item *it)
{
    arena *a = dom_arena(c->d);
    *it = (cov_item){ .id = q->id, .key = q->key, .code = q->code, .title = q->title };
    if (apl && !apl->applicable) {
        it->state = COV_EXCLUDED;
        it->why = arena_printf(a, "excluded (%s): %s", apl->key,
                               apl->justification ? apl->justification : "");
        return;
    }
    buf why, ctls;
    buf_init(&why);
    buf_init(&ctls);
    int best = 0, any = 0;
    for (int i = first_onto(&c->onto, q->id); i < c->onto.n && c->onto.m[i]->target == q->id; i++) {
        const map_info *m = c->onto.m[i];
        const ctl_info *ci = control_by_id(&c->ctls, m->control);
        if (!ci)
            continue;
        buf_puts(&why, any ? "; " : "");
        buf_printf(&ctls, "%s%s", any ? ", " : "", ci->key);
        any = 1;
        int got = contribution(ci, m->rel, &why);
        best = got > best ? got : best;
    }
    it->state = best == 2 ? COV_COVERED : best == 1 ? COV_PARTIAL : COV_GAP;
    it->why = any ? arena_strdup(a, buf_str(&why)) : "no control is mapped onto it";
    it->controls = any ? arena_strdup(a, buf_str(&ctls)) : NULL;
    buf_reset(&why);
    buf_reset(&ctls);
}

/* The same from the kept figures (tallies_links.h): the state alone. */
static void assess_kept(cov_ctx *c, const req_info *q, const apl_info *apl, cov_item *it)
{
    *it = (cov_item){ .id = q->id, .key = q->key, .code = q->code, .title = q->title };
    if (apl && !apl->applicable) {
        it->state = COV_EXCLUDED;
        return;
    }
    it->state = tallies_coverage(c->kept, q->id, ".full")   ? COV_COVERED
                : tallies_coverage(c->kept, q->id, ".part") ? COV_PARTIAL
                                                            : COV_GAP;
}

/* The same where maps holds the newest COV_NAMED mappings onto each
 * requirement (coverage_named): their why, and the state from the kept
 * figures where more are mapped than named. */
static void assess_named(cov_ctx *c, const req_info *q, const apl_info *apl, cov_item *it)
{
    assess(c, q, apl, it);
    int named = 0;
    for (int i = first_onto(&c->onto, q->id); i < c->onto.n && c->onto.m[i]->target == q->id; i++)
        named++;
    int64_t mapped = tallies_coverage(c->kept, q->id, "");
    if (it->state == COV_EXCLUDED || mapped <= named)
        return;
    cov_item kept;
    assess_kept(c, q, apl, &kept);
    it->state = kept.state;
    it->more = mapped - named;
    it->why = arena_printf(dom_arena(c->d),
                           "%s; and %lld more controls mapped (of all %lld: %lld cover it, %lld "
                           "in part)",
                           it->why, (long long)it->more, (long long)mapped,
                           (long long)tallies_coverage(c->kept, q->id, ".full"),
                           (long long)tallies_coverage(c->kept, q->id, ".part"));
}

static const apl_info *applicability_of(const vec *apls, int64_t requirement)
{
    const apl_info *p = apls->items;
    for (int i = 0; i < apls->n; i++)
        if (p[i].requirement == requirement)
            return &p[i];
    return NULL;
}

/* What coverage of any framework reads: every control and every mapping,
 * read once for as many frameworks as are asked about. */
static int coverage_shared(cov_ctx *c, isms_err *e)
{
    int rc = vec_scan(c->d, &reg_control, NULL, 1, take_control, &c->ctls, sizeof(ctl_info), e);
    if (!rc)
        rc = vec_scan(c->d, &reg_mapping, NULL, 0, take_mapping, &c->maps, sizeof(map_info), e);
    if (!rc)
        c->onto = index_targets(&c->maps, dom_arena(c->d));
    return rc;
}

/* What coverage of framework fw reads besides: its requirements, and the
 * applicability records of its approved SoA. */
static int coverage_load(cov_ctx *c, int64_t fw, cov_report *out, isms_err *e)
{
    dom *d = c->d;
    store_filter f = vec_ref_filter(&reg_requirement, F_REQUIREMENT_FRAMEWORK, fw);
    int rc = vec_scan(d, &reg_requirement, &f, 0, take_requirement, &c->reqs, sizeof(req_info), e);
    int64_t soa = 0;
    if (!rc)
        rc = soa_in_force(d, fw, NULL, 0, &soa, &out->soa, e);
    f = vec_ref_filter(&reg_applicability, F_APPLICABILITY_SOA, soa);
    c->apls = (vec){ .size = sizeof(apl_info), .a = dom_arena(d) };
    if (!rc && soa)
        rc = vec_scan(d, &reg_applicability, &f, 0, take_applicability, &c->apls, sizeof(apl_info),
                      e);
    return rc;
}

static void coverage_compute(cov_ctx *c, cov_report *out)
{
    arena *a = dom_arena(c->d);
    req_info *q = c->reqs.items;
    for (int i = 0; i < c->reqs.n; i++)
        *strmap_slot_for(&c->codes, q[i].code) = &q[i];
    const map_info *m = c->maps.items;
    for (int i = 0; !c->kept && i < c->maps.n; i++)
        out->mapped += m[i].control && requirement_by_id(&c->reqs, m[i].target) != NULL;
    for (int i = 0; c->kept && i < c->reqs.n; i++)
        out->mapped += (int)tallies_coverage(c->kept, q[i].id, "");
    out->items = arena_alloc(a, sizeof *out->items * (size_t)(c->reqs.n ? c->reqs.n : 1));
    for (int i = 0; i < c->reqs.n; i++) {
        if (!q[i].assessable || q[i].withdrawn)
            continue;
        cov_item *it = &out->items[out->nitems++];
        (c->named  ? assess_named
         : c->kept ? assess_kept
                   : assess)(c, &q[i], applicability_of(&c->apls, q[i].id), it);
        const req_info *top = top_of(c, &q[i]);
        it->group = top->code;
        group_of(out, top, a, c->reqs.n)->n[it->state]++;
        out->total.n[it->state]++;
    }
}

static int take_id(int64_t id, int64_t control, int64_t target, void *ctx)
{
    (void)control;
    (void)target;
    idset_add(ctx, id);
    return 0;
}

static int take_mapping_id(const char *key, int64_t id, void *ctx)
{
    (void)key;
    idset_add(ctx, id);
    return 0;
}

/* Records of reg with the ids in set into v (dom_scan_ids: those, or every
 * one where they are a large share). */
static int scan_some(dom *d, const regdef *reg, const id_set *set, int retired_too,
                     store_record_fn take, vec *v, size_t size, isms_err *e)
{
    *v = (vec){ .size = size, .a = dom_arena(d) };
    return dom_scan_ids(d, reg, set->ids, set->n, retired_too, take, v, e);
}

/* Into c->maps, c->ctls and c->onto (rc 0: so far so good): the mappings
 * with the ids in maps (freed here) and the controls they map. */
static int read_mapped(cov_ctx *c, id_set *maps, int rc, isms_err *e)
{
    id_set ctls = { 0 };
    idset_seal(maps);
    if (!rc)
        rc = scan_some(c->d, &reg_mapping, maps, 0, take_mapping, &c->maps, sizeof(map_info), e);
    const map_info *m = c->maps.items;
    for (int i = 0; !rc && i < c->maps.n; i++)
        if (m[i].control)
            idset_add(&ctls, m[i].control);
    idset_seal(&ctls);
    if (!rc)
        rc = scan_some(c->d, &reg_control, &ctls, 1, take_control, &c->ctls, sizeof(ctl_info), e);
    if (!rc)
        c->onto = index_targets(&c->maps, dom_arena(c->d));
    idset_free(maps);
    idset_free(&ctls);
    return rc;
}

/* What one framework's coverage reads: the mappings onto its requirements
 * and the controls they map, by id where they are a small share of all:
 * a framework's page cost as much as every mapping and control of the
 * repository together (the rows read that are not this framework's are
 * left out by the requirements they map onto). */
static int coverage_onto(cov_ctx *c, const char *framework, isms_err *e)
{
    int64_t fw;
    id_set maps = { 0 };
    int rc = framework_id(c->d, framework, &fw, e);
    if (!rc)
        rc = store_mappings_onto(dom_store(c->d), fw, take_id, &maps, e);
    return read_mapped(c, &maps, rc, e);
}

/* The same, the newest COV_NAMED mappings of controls onto each
 * assessable requirement of c->reqs only (the index mapping_onto, 0047;
 * on PostgreSQL 64 requirements' queries a round trip). */
static int coverage_named(cov_ctx *c, isms_err *e)
{
    id_set maps = { 0 };
    const req_info *q = c->reqs.items;
    int64_t *ids = arena_alloc(dom_arena(c->d), sizeof *ids * (size_t)(c->reqs.n + 1));
    size_t n = 0; /* (those assessed) */
    for (int i = 0; i < c->reqs.n; i++)
        if (q[i].assessable && !q[i].withdrawn)
            ids[n++] = q[i].id;
    store_filter onto[] = {
        { .field = field_def(&reg_mapping, F_MAPPING_TARGET) },
        { .field = field_def(&reg_mapping, F_MAPPING_CONTROL), .is_null = -1 },
    };
    int rc = store_newest_each(dom_store(c->d), &reg_mapping, onto, 2, ids, n, COV_NAMED,
                               take_mapping_id, &maps, e);
    return read_mapped(c, &maps, rc, e);
}

/* The coverage of the framework `framework` names, from what c shares. */
static int coverage_of(cov_ctx *c, const char *framework, cov_report *out, isms_err *e)
{
    dom *d = c->d;
    *out = (cov_report){ 0 };
    int64_t fw;
    int rc = framework_id(d, framework, &fw, e);
    record fr;
    if (!rc)
        rc = store_get_id(dom_store(d), &reg_framework, fw, &fr, dom_arena(d), e);
    if (rc)
        return rc;
    out->framework = record_text(&fr, F_FRAMEWORK_NAME);
    out->framework_key = fr.key;
    out->title = record_text(&fr, F_FRAMEWORK_TITLE);
    strmap_init(&c->codes);
    rc = coverage_load(c, fw, out, e);
    if (!rc && c->named)
        rc = coverage_named(c, e);
    if (!rc)
        coverage_compute(c, out);
    strmap_reset(&c->codes);
    return rc;
}

int dom_coverage(dom *d, const char *framework, cov_report *out, isms_err *e)
{
    cov_ctx c = { .d = d };
    store *s = dom_store(d);
    if (!store_keeps_mapping_onto(s) || store_in_write_txn(s)) {
        int rc = coverage_onto(&c, framework, e);
        return rc ? rc : coverage_of(&c, framework, out, e);
    }
    tallies kept; /* (every requirement's: the catalogues', not the controls') */
    tallies_init(&kept);
    int rc = tallies_read_prefix(d, TALLY_COVERAGE_PREFIX, &kept, e);
    c.kept = &kept;
    c.named = 1;
    if (!rc)
        rc = coverage_of(&c, framework, out, e);
    tallies_reset(&kept);
    return rc;
}

typedef struct fw_keys {
    vec keys; /* const char * */
} fw_keys;

static int take_framework_key(const record *r, void *ctx)
{
    fw_keys *k = ctx;
    *(const char **)vec_push(&k->keys) = arena_strdup(k->keys.a, r->key);
    return 0;
}

int dom_coverage_all(dom *d, cov_report **out, int *n, isms_err *e)
{
    fw_keys k = { .keys = { .size = sizeof(const char *), .a = dom_arena(d) } };
    store_query q = { 0 };
    cov_ctx c = { .d = d };
    tallies kept;
    tallies_init(&kept);
    int rc = store_scan(dom_store(d), &reg_framework, &q, take_framework_key, &k, e);
    if (!rc && store_keeps_link_tallies(dom_store(d))) {
        rc = tallies_read_prefix(d, TALLY_COVERAGE_PREFIX, &kept, e); /* the links' */
        c.kept = &kept;
    } else if (!rc)
        rc = coverage_shared(&c, e);
    *out = arena_alloc(dom_arena(d), sizeof **out * (size_t)(k.keys.n ? k.keys.n : 1));
    *n = 0;
    for (int i = 0; i < k.keys.n && !rc; i++) {
        rc = coverage_of(&c, ((const char **)k.keys.items)[i], &(*out)[*n], e);
        if (!rc && (*out)[*n].mapped)
            (*n)++;
    }
    tallies_reset(&kept);
    return rc;
}

/* ---- suggestions through crosswalks ---- */

typedef struct node {
    const char *ref, *title, *framework;
} node;

typedef struct edge {
    int to, rel;
} edge;

typedef struct graph {
    vec nodes;    /* node; the built-in requirements first, by their index in fw_reqs */
    strmap index; /* ref -> node number + 1 */
    int *first;   /* CSR: edges of node i are adj[first[i] .. first[i + 1]) */
    edge *adj;
} graph;

static int node_of(graph *g, const char *ref)
{
    return (int)(intptr_t)strmap_get(&g->index, ref) - 1;
}

static int node_add(graph *g, const char *ref, const char *title, const char *framework)
{
    int have = node_of(g, ref);
    if (have >= 0)
        return have;
    node *n = vec_push(&g->nodes);
    *n = (node){ .ref = ref, .title = title, .framework = framework };
    *strmap_slot_for(&g->index, ref) = (void *)(intptr_t)g->nodes.n;
    return g->nodes.n - 1;
}

/* Seen from the other end, a subset is a superset. */
static int inverse(int rel) { return rel == 2 ? 3 : rel == 3 ? 2 : rel; }

static void graph_edges(graph *g, const int (*pairs)[3], int npairs, arena *a)
{
    int n = g->nodes.n;
    g->first = arena_alloc(a, sizeof *g->first * (size_t)(n + 1));
    memset(g->first, 0, sizeof *g->first * (size_t)(n + 1));
    for (int i = 0; i < npairs; i++) {
        g->first[pairs[i][0] + 1]++;
        g->first[pairs[i][1] + 1]++;
    }
    for (int i = 0; i < n; i++)
        g->first[i + 1] += g->first[i];
    int *fill = arena_alloc(a, sizeof *fill * (size_t)(n ? n : 1));
    memcpy(fill, g->first, sizeof *fill * (size_t)n);
    g->adj = arena_alloc(a, sizeof *g->adj * (size_t)(2 * npairs + 1));
    for (int i = 0; i < npairs; i++) {
        int x = pairs[i][0], y = pairs[i][1], rel = pairs[i][2];
        g->adj[fill[x]++] = (edge){ y, rel };
        g->adj[fill[y]++] = (edge){ x, inverse(rel) };
    }
}

typedef struct ref_ctx {
    dom *d;
    strmap fwnames; /* framework id (as text) -> name */
} ref_ctx;

/* FRAMEWORK:ID of requirement `id`, with its title and framework name. */
static int requirement_ref(ref_ctx *rc_, int64_t id, const char **ref, const char **title,
                           const char **fwname, isms_err *e)
{
    arena *a = dom_arena(rc_->d);
    record r;
    int rc = store_get_id(dom_store(rc_->d), &reg_requirement, id, &r, a, e);
    if (rc)
        return rc;
    char fwid[24];
    snprintf(fwid, sizeof fwid, "%lld", (long long)record_int(&r, F_REQUIREMENT_FRAMEWORK));
    void **slot = strmap_slot_for(&rc_->fwnames, fwid);
    if (!*slot) {
        record f;
        rc = store_get_id(dom_store(rc_->d), &reg_framework,
                          record_int(&r, F_REQUIREMENT_FRAMEWORK), &f, a, e);
        if (rc)
            return rc;
        *slot = (void *)arena_strdup(a, record_text(&f, F_FRAMEWORK_NAME));
    }
    *fwname = *slot;
    *ref = arena_printf(a, "%s:%s", *fwname, record_text(&r, F_REQUIREMENT_CODE));
    *title = arena_strdup(a, record_text(&r, F_REQUIREMENT_TITLE));
    return 0;
}

/* The graph: the built-in crosswalks, and the repository's own mappings
 * of a requirement onto another. */
static int graph_build(ref_ctx *rx, graph *g, const vec *maps, isms_err *e)
{
    arena *a = dom_arena(rx->d);
    g->nodes = (vec){ .size = sizeof(node), .a = a };
    for (int f = 0; f < fw_nbuiltins; f++)
        for (int i = 0; i < fw_builtins[f].n; i++) {
            const fw_req *q = &fw_reqs[fw_builtins[f].first + i];
            node_add(g, arena_printf(a, "%s:%s", fw_builtins[f].name, q->code), q->title,
                     fw_builtins[f].name);
        }
    int npairs = fw_nxwalks;
    const map_info *m = maps->items;
    for (int i = 0; i < maps->n; i++)
        npairs += m[i].source != 0;
    int(*pairs)[3] = arena_alloc(a, sizeof *pairs * (size_t)(npairs ? npairs : 1));
    for (int i = 0; i < fw_nxwalks; i++) {
        pairs[i][0] = fw_xwalks[i].from;
        pairs[i][1] = fw_xwalks[i].to;
        pairs[i][2] = fw_xwalks[i].rel;
    }
    int k = fw_nxwalks;
    for (int i = 0; i < maps->n; i++) {
        if (!m[i].source)
            continue;
        const char *ref[2], *title[2], *fw[2];
        int rc = requirement_ref(rx, m[i].source, &ref[0], &title[0], &fw[0], e);
        if (!rc)
            rc = requirement_ref(rx, m[i].target, &ref[1], &title[1], &fw[1], e);
        if (rc)
            return rc;
        pairs[k][0] = node_add(g, ref[0], title[0], fw[0]);
        pairs[k][1] = node_add(g, ref[1], title[1], fw[1]);
        pairs[k][2] = m[i].rel < 0 ? 4 : m[i].rel;
        k++;
    }
    graph_edges(g, (const int(*)[3])pairs, npairs, a);
    return 0;
}

typedef struct walk {
    int *from, *rel, *hops; /* per node: the node it was reached from, by which relationship */
    int *start;             /* the starting node it was reached from */
} walk;

static const char *path_text(const graph *g, const walk *w, int n, arena *a)
{
    const node *nodes = g->nodes.items;
    int hops[4], k = 0;
    for (int at = n; w->from[at] >= 0 && k < 4; at = w->from[at])
        hops[k++] = at;
    buf b;
    buf_init(&b);
    buf_puts(&b, nodes[w->start[n]].ref); /* from what the control is mapped onto */
    while (k--)
        buf_printf(&b, " -> %s (%s)", nodes[hops[k]].ref, mapping_relationships[w->rel[hops[k]]]);
    const char *s = arena_strdup(a, buf_str(&b));
    buf_reset(&b);
    return s;
}

static int cmp_suggestion(const void *x, const void *y)
{
    const map_suggestion *a = x, *b = y;
    int c = strcmp(a->framework, b->framework);
    if (c)
        return c;
    return a->hops != b->hops ? a->hops - b->hops : strcmp(a->ref, b->ref);
}

static void bfs(const graph *g, walk *w, int *queue, int nstart, int depth)
{
    int head = 0, tail = nstart;
    while (head < tail) {
        int at = queue[head++];
        if (w->hops[at] >= depth)
            continue;
        for (int k = g->first[at]; k < g->first[at + 1]; k++) {
            int to = g->adj[k].to;
            if (w->hops[to] >= 0)
                continue;
            w->hops[to] = w->hops[at] + 1;
            w->from[to] = at;
            /* the edge was stored from `at`: read it as "to REL at" */
            w->rel[to] = inverse(g->adj[k].rel);
            w->start[to] = w->start[at];
            queue[tail++] = to;
        }
    }
}

static int suggest_walk(ref_ctx *rx, graph *g, const vec *maps, int64_t control, int depth,
                        map_suggestion **out, int *nout, isms_err *e)
{
    arena *a = dom_arena(rx->d);
    int n = g->nodes.n;
    walk w = { arena_alloc(a, sizeof(int) * (size_t)n), arena_alloc(a, sizeof(int) * (size_t)n),
               arena_alloc(a, sizeof(int) * (size_t)n), arena_alloc(a, sizeof(int) * (size_t)n) };
    int *queue = arena_alloc(a, sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++)
        w.hops[i] = w.from[i] = -1;
    int nstart = 0;
    const map_info *m = maps->items;
    for (int i = 0; i < maps->n; i++) {
        if (m[i].control != control)
            continue;
        const char *ref, *title, *fw;
        int rc = requirement_ref(rx, m[i].target, &ref, &title, &fw, e);
        if (rc)
            return rc;
        int s = node_of(g, ref);
        if (s < 0 || w.hops[s] == 0)
            continue;
        w.hops[s] = 0;
        w.start[s] = s;
        queue[nstart++] = s;
    }
    bfs(g, &w, queue, nstart, depth);
    const node *nodes = g->nodes.items;
    *out = arena_alloc(a, sizeof **out * (size_t)(n ? n : 1));
    *nout = 0;
    for (int i = 0; i < n; i++) {
        if (w.hops[i] <= 0 || !strcmp(nodes[i].framework, nodes[w.start[i]].framework))
            continue;
        int exact = 1;
        for (int at = i; w.from[at] >= 0 && exact; at = w.from[at])
            exact = w.rel[at] <= 1;
        (*out)[(*nout)++] =
            (map_suggestion){ .ref = nodes[i].ref,
                              .title = nodes[i].title,
                              .framework = nodes[i].framework,
                              .relationship = exact ? "equivalent-to" : "intersects-with",
                              .path = path_text(g, &w, i, a),
                              .hops = w.hops[i] };
    }
    qsort(*out, (size_t)*nout, sizeof **out, cmp_suggestion);
    return 0;
}

int dom_map_suggest(dom *d, const char *control, int depth, map_suggestion **out, int *n,
                    isms_err *e)
{
    *out = NULL;
    *n = 0;
    if (depth < 1 || depth > 3)
        return err_set(e, E_INVALID, "depth", "depth: %d is out of range 1..3", depth);
    int64_t id;
    const char *key;
    int retired;
    int rc = dom_find(d, &reg_control, dom_key(d, control), &id, &key, &retired, e);
    if (!rc && !id)
        rc = err_set(e, E_NOT_FOUND, "control", "control: there is no control %s", control);
    /* the control's mappings and the crosswalks of requirement onto
     * requirement, each by its index: not every control's mappings */
    vec mine, crosswalks;
    store_filter of_control = vec_ref_filter(&reg_mapping, F_MAPPING_CONTROL, id),
                 requirement_onto = { .field = field_def(&reg_mapping, F_MAPPING_SOURCE),
                                      .is_null = -1 };
    if (!rc)
        rc = vec_scan(d, &reg_mapping, &of_control, 0, take_mapping, &mine, sizeof(map_info), e);
    if (!rc)
        rc = vec_scan(d, &reg_mapping, &requirement_onto, 0, take_mapping, &crosswalks,
                      sizeof(map_info), e);
    if (rc)
        return rc;
    ref_ctx rx = { .d = d };
    graph g = { 0 };
    strmap_init(&rx.fwnames);
    strmap_init(&g.index);
    rc = graph_build(&rx, &g, &crosswalks, e);
    if (!rc)
        rc = suggest_walk(&rx, &g, &mine, id, depth, out, n, e);
    strmap_reset(&rx.fwnames);
    strmap_reset(&g.index);
    return rc;
}

/* ---- drift ---- */

typedef struct drift_ctx {
    dom *d;
    vec ctls, maps, apls, reqs;
    vec items; /* drift_item */
    ref_ctx rx;
} drift_ctx;

static void drift_add(drift_ctx *c, const char *kind, const char *control, const char *what)
{
    drift_item *it = vec_push(&c->items);
    *it = (drift_item){ .kind = kind, .control = control, .what = what };
}

static int drift_retired(drift_ctx *c, isms_err *e)
{
    const map_info *m = c->maps.items;
    for (int i = 0; i < c->maps.n; i++) {
        const ctl_info *ci = m[i].control ? control_by_id(&c->ctls, m[i].control) : NULL;
        if (!ci || !ci->retired)
            continue;
        const char *ref, *title, *fw;
        int rc = requirement_ref(&c->rx, m[i].target, &ref, &title, &fw, e);
        if (rc)
            return rc;
        drift_add(c, "retired-control", ci->key,
                  arena_printf(dom_arena(c->d),
                               "%s maps retired control %s onto %s: map a control in operation, "
                               "or retire the mapping",
                               m[i].key, ci->key, ref));
    }
    return 0;
}

/* Which applicability records concern which control (linked to it, or
 * their requirement mapped from it): pairs sorted by control, so that
 * each control's are together. */
typedef struct concern {
    int64_t control;
    int apl; /* index in drift_ctx.apls */
} concern;

static int cmp_concern(const void *x, const void *y)
{
    const concern *a = x, *b = y;
    if (a->control != b->control)
        return a->control < b->control ? -1 : 1;
    return a->apl - b->apl;
}

static void concern_add(vec *v, int64_t control, int apl)
{
    concern *c = vec_push(v);
    *c = (concern){ control, apl };
}

static vec concerns(const drift_ctx *c)
{
    vec v = { .size = sizeof(concern), .a = dom_arena(c->d) };
    by_target onto = index_targets(&c->maps, dom_arena(c->d));
    const apl_info *p = c->apls.items;
    for (int i = 0; i < c->apls.n; i++) {
        for (int k = 0; k < p[i].ncontrols; k++)
            concern_add(&v, p[i].controls[k], i);
        for (int k = first_onto(&onto, p[i].requirement);
             k < onto.n && onto.m[k]->target == p[i].requirement; k++)
            concern_add(&v, onto.m[k]->control, i);
    }
    if (v.n) /* (no concern: no array either, and qsort takes none) */
        qsort(v.items, (size_t)v.n, sizeof(concern), cmp_concern);
    return v;
}

/* What the control's state implies for an SoA's implementation column. */
static const char *implied(const ctl_info *ci)
{
    if (operating(ci)) /* as the SoA's generation says it (workflows/soa.c) */
        return strcmp(ci->effectiveness, "partially-effective") &&
                       strcmp(ci->effectiveness, "ineffective")
                   ? "implemented"
                   : "partial";
    return "planned";
}

/* The drift of one control, over the applicability records that concern
 * it: cs[0 .. n), each once. */
static int drift_control(drift_ctx *c, const ctl_info *ci, const concern *cs, int n, isms_err *e)
{
    arena *a = dom_arena(c->d);
    const apl_info *all = c->apls.items, *in = NULL, *out = NULL, *impl = NULL;
    const char *ref, *title, *fw;
    for (int k = 0; k < n; k++) {
        if (k && cs[k].apl == cs[k - 1].apl)
            continue; /* linked and mapped both */
        const apl_info *p = &all[cs[k].apl];
        if (!p->applicable) {
            out = out ? out : p;
            continue;
        }
        in = in ? in : p;
        if (strcmp(p->implementation, implied(ci))) {
            int rc = requirement_ref(&c->rx, p->requirement, &ref, &title, &fw, e);
            if (rc)
                return rc;
            drift_add(c, "implementation", ci->key,
                      arena_printf(a, "%s states %s %s, but %s is %s", p->key, ref,
                                   p->implementation, ci->key, ci->status));
        }
        if (impl && strcmp(impl->implementation, p->implementation) && impl->soa != p->soa)
            drift_add(c, "implementation", ci->key,
                      arena_printf(a, "%s states %s, %s states %s, for the same control %s",
                                   impl->key, impl->implementation, p->key, p->implementation,
                                   ci->key));
        impl = impl ? impl : p;
    }
    if (!in || !out || in->soa == out->soa)
        return 0;
    const char *excluded;
    int rc = requirement_ref(&c->rx, in->requirement, &ref, &title, &fw, e);
    if (!rc)
        rc = requirement_ref(&c->rx, out->requirement, &excluded, &title, &fw, e);
    if (rc)
        return rc;
    drift_add(c, "applicability", ci->key,
              arena_printf(a, "%s is behind %s, applicable (%s), and %s, excluded (%s: %s)",
                           ci->key, ref, in->key, excluded, out->key,
                           out->justification ? out->justification : ""));
    return 0;
}

typedef struct soa_list {
    vec ids; /* int64_t: the SoA in force per framework */
    dom *d;
} soa_list;

static int take_framework_soa(const record *r, void *ctx)
{
    soa_list *l = ctx;
    *(int64_t *)vec_push(&l->ids) = r->id;
    return 0;
}

/* The applicability records of every framework's SoA in force. */
static int drift_load_soas(drift_ctx *c, isms_err *e)
{
    dom *d = c->d;
    soa_list fws = { .ids = { .size = sizeof(int64_t), .a = dom_arena(d) }, .d = d };
    store_query q = { 0 };
    int rc = store_scan(dom_store(d), &reg_framework, &q, take_framework_soa, &fws, e);
    c->apls = (vec){ .size = sizeof(apl_info), .a = dom_arena(d) };
    for (int i = 0; i < fws.ids.n && !rc; i++) {
        int64_t soa;
        const char *key;
        rc = soa_in_force(d, ((int64_t *)fws.ids.items)[i], NULL, 1, &soa, &key, e);
        if (rc || !soa)
            continue;
        vec one;
        store_filter f = vec_ref_filter(&reg_applicability, F_APPLICABILITY_SOA, soa);
        rc = vec_scan(d, &reg_applicability, &f, 0, take_applicability, &one, sizeof(apl_info), e);
        for (int k = 0; k < one.n && !rc; k++)
            *(apl_info *)vec_push(&c->apls) = ((apl_info *)one.items)[k];
    }
    return rc;
}

int dom_drift(dom *d, drift_item **out, int *n, isms_err *e)
{
    drift_ctx c = { .d = d, .rx = { .d = d } };
    c.items = (vec){ .size = sizeof(drift_item), .a = dom_arena(d) };
    strmap_init(&c.rx.fwnames);
    int rc = vec_scan(d, &reg_control, NULL, 1, take_control, &c.ctls, sizeof(ctl_info), e);
    if (!rc)
        rc = vec_scan(d, &reg_mapping, NULL, 0, take_mapping, &c.maps, sizeof(map_info), e);
    if (!rc)
        rc = drift_retired(&c, e);
    if (!rc)
        rc = drift_load_soas(&c, e);
    vec cv = { 0 };
    if (!rc)
        cv = concerns(&c);
    const concern *cs = cv.items;
    for (int i = 0, j; i < cv.n && !rc; i = j) {
        for (j = i; j < cv.n && cs[j].control == cs[i].control; j++)
            ;
        const ctl_info *ci = control_by_id(&c.ctls, cs[i].control);
        if (ci && !ci->retired)
            rc = drift_control(&c, ci, &cs[i], j - i, e);
    }
    strmap_reset(&c.rx.fwnames);
    *out = c.items.items;
    *n = c.items.n;
    return rc;
}

/* ---- the SoA as a document ---- */

static const char *joined(const value *v, arena *a)
{
    buf b;
    buf_init(&b);
    for (int k = 0; k < v->n; k++)
        buf_printf(&b, "%s%s", k ? ", " : "", v->keys[k]);
    const char *s = arena_strdup(a, buf_str(&b));
    buf_reset(&b);
    return s;
}

typedef struct soa_rows {
    vec rows; /* soa_row, then requirement ids beside them */
    vec reqs; /* int64_t */
} soa_rows;

static int take_soa_row(const record *r, void *ctx)
{
    soa_rows *s = ctx;
    arena *a = s->rows.a;
    soa_row *row = vec_push(&s->rows);
    *row = (soa_row){ .key = dup(a, r->key),
                      .requirement = dup(a, record_text(r, F_APPLICABILITY_REQUIREMENT)),
                      .applicable = (int)record_int(r, F_APPLICABILITY_APPLICABLE),
                      .justification = dup(a, record_text(r, F_APPLICABILITY_JUSTIFICATION)),
                      .implementation = dup(a, record_text(r, F_APPLICABILITY_IMPLEMENTATION)),
                      .controls = joined(record_cval(r, F_APPLICABILITY_CONTROLS), a),
                      .risks = joined(record_cval(r, F_APPLICABILITY_RISKS), a) };
    *(int64_t *)vec_push(&s->reqs) = record_int(r, F_APPLICABILITY_REQUIREMENT);
    return 0;
}

int dom_soa_doc(dom *d, const char *soa, soa_doc *out, isms_err *e)
{
    *out = (soa_doc){ 0 };
    record s;
    int rc = dom_get(d, &reg_soa, soa, &s, e);
    if (rc)
        return rc;
    *out = (soa_doc){ .key = s.key,
                      .title = record_text(&s, F_SOA_TITLE),
                      .status = record_text(&s, F_SOA_STATUS),
                      .approved_by = record_text(&s, F_SOA_APPROVED_BY),
                      .approved_at = record_text(&s, F_SOA_APPROVED_AT) };
    arena *a = dom_arena(d);
    record fw;
    rc = store_get_id(dom_store(d), &reg_framework, record_int(&s, F_SOA_FRAMEWORK), &fw, a, e);
    if (rc)
        return rc;
    out->framework = record_text(&fw, F_FRAMEWORK_NAME);
    soa_rows rows = { .rows = { .size = sizeof(soa_row), .a = a },
                      .reqs = { .size = sizeof(int64_t), .a = a } };
    store_filter f = vec_ref_filter(&reg_applicability, F_APPLICABILITY_SOA, s.id);
    store_query q = { .filters = &f, .nfilters = 1 };
    rc = store_scan(dom_store(d), &reg_applicability, &q, take_soa_row, &rows, e);
    ref_ctx rx = { .d = d };
    strmap_init(&rx.fwnames);
    soa_row *r = rows.rows.items;
    for (int i = 0; i < rows.rows.n && !rc; i++) {
        record req;
        const char *fwname;
        rc = requirement_ref(&rx, ((int64_t *)rows.reqs.items)[i], &r[i].ref, &r[i].title, &fwname,
                             e);
        if (!rc)
            rc = store_get_id(dom_store(d), &reg_requirement, ((int64_t *)rows.reqs.items)[i], &req,
                              a, e);
        if (!rc)
            r[i].code = record_text(&req, F_REQUIREMENT_CODE);
        out->applicable += r[i].applicable;
        out->excluded += !r[i].applicable;
    }
    strmap_reset(&rx.fwnames);
    out->rows = r;
    out->n = rows.rows.n;
    return rc;
}
