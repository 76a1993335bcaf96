/* oscal_import.c: an OSCAL catalog into the repository as a framework and
 * its requirements; a mapping collection as crosswalk mappings.
 *
 * A catalog imported for the first time makes a framework (its uuid kept,
 * so that the next import of the same document updates it) and enters its
 * groups and controls as requirements many to a statement, each record
 * validated as any other and entered in the ledger (framework_seed.c's
 * road). An update changes what changed, adds what is new and retires what
 * the document no longer holds, record by record through the generic
 * checks. Everything is one transaction: refused or interrupted, nothing
 * stays. */
#include "domain/workflows/oscal_import.h"
#include "domain/workflows/soa.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/framework_data.h"
#include "domain/registers/frameworks.h"
#include "domain/registers/controls.h"
#include "domain/registers/validate.h"
#include "core/strmap.h"
#include "core/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { CHUNK = 256 };

/* "NIST Special Publication 800-53 Revision 5" -> "nist-special-publication-800-53-revision-5" */
static const char *name_from_title(arena *a, const char *title)
{
    char *s = arena_alloc(a, 49);
    size_t n = 0;
    for (const char *p = title; *p && n < 48; p++) {
        unsigned char ch = (unsigned char)*p;
        if (isalnum(ch) && ch < 128)
            s[n++] = (char)tolower(ch);
        else if (n && s[n - 1] != '-')
            s[n++] = '-';
    }
    while (n && s[n - 1] == '-')
        n--;
    s[n] = 0;
    return n ? s : "oscal";
}

static unsigned baseline_bit(const char *b)
{
    if (!b)
        return 0;
    return !strcmp(b, "low")        ? FWB_LOW
           : !strcmp(b, "moderate") ? FWB_MODERATE
           : !strcmp(b, "high")     ? FWB_HIGH
                                    : FWB_PRIVACY;
}

static void build_requirement(dom *d, const oscal_catalog *c, const oscal_item *it, int64_t fw,
                              const char *fwkey, record *r)
{
    fw_req q = { .code = it->id,
                 .parent = it->parent,
                 .level = it->level,
                 .title = it->title,
                 .statement = it->statement,
                 .baselines = (unsigned char)(it->group ? 0 : baseline_bit(c->baseline)),
                 .flags = (unsigned char)((it->group || it->unassessed ? 0 : FWR_ASSESSABLE) |
                                          (it->withdrawn ? FWR_WITHDRAWN : 0)) };
    requirement_build(d, r, &q, fw, fwkey, 0);
    built_set_text(r, F_REQUIREMENT_OSCAL, it->extra);
}

/* An id as a requirement's code: no ':' and no spaces around it. */
static int check_code(const oscal_item *it, isms_err *e)
{
    size_t n = strlen(it->id);
    if (strchr(it->id, ':') || isspace((unsigned char)it->id[0]) ||
        isspace((unsigned char)it->id[n - 1]))
        return err_set(e, E_INVALID, "id",
                       "id \"%s\": an id with ':' or spaces around it cannot "
                       "be a requirement's code",
                       it->id);
    return 0;
}

static int cancelled(const oscal_import_opts *o, isms_err *e)
{
    if (o->cancel && *o->cancel)
        return err_set(e, E_INTERRUPTED, NULL, "interrupted: nothing was imported");
    return 0;
}

static int add_items(dom *d, const oscal_catalog *c, const oscal_import_opts *o, int64_t fw,
                     const char *fwkey, const char *now, oscal_import_result *res, isms_err *e)
{
    record *rs = arena_alloc(dom_arena(d), sizeof *rs * CHUNK);
    int rc = 0;
    for (int i = 0; i < c->n && !rc; i += CHUNK) {
        int n = c->n - i < CHUNK ? c->n - i : CHUNK;
        for (int k = 0; k < n && !rc; k++) {
            rc = check_code(&c->items[i + k], e);
            build_requirement(d, c, &c->items[i + k], fw, fwkey, &rs[k]);
            if (!rc)
                rc = dom_validate(d, &rs[k], DOM_VALIDATE_WHOLE, e);
        }
        if (!rc)
            rc = records_add_built(d, rs, n, now, e);
        if (!rc)
            rc = cancelled(o, e);
        res->added += rc ? 0 : n;
        if (o->progress)
            o->progress(o->ctx, (uint64_t)(i + n), (uint64_t)c->n);
    }
    return rc;
}

static void fill_framework(record *r, const oscal_catalog *c, const char *name, const char *source)
{
    built_set_text(r, F_FRAMEWORK_NAME, name);
    built_set_text(r, F_FRAMEWORK_TITLE, c->title);
    built_set_text(r, F_FRAMEWORK_EDITION, c->version);
    built_set_text(r, F_FRAMEWORK_PUBLISHER, c->publisher);
    built_set_text(r, F_FRAMEWORK_SOURCE, source);
    built_set_text(r, F_FRAMEWORK_UUID, c->uuid);
    built_set_text(r, F_FRAMEWORK_OSCAL, c->extra);
}

static int create(dom *d, const oscal_catalog *c, const oscal_import_opts *o, const char *now,
                  oscal_import_result *res, isms_err *e)
{
    record in, out;
    record_init(&in, &reg_framework, dom_arena(d));
    const char *name = o->framework ? o->framework : name_from_title(dom_arena(d), c->title);
    fill_framework(&in, c, name, o->source);
    built_set_int(&in, F_FRAMEWORK_BUILTIN, 0);
    int rc = dom_add_in_txn(d, &in, &out, e);
    if (rc)
        return rc;
    res->framework = out.key;
    res->name = record_text(&out, F_FRAMEWORK_NAME);
    res->created = 1;
    return add_items(d, c, o, out.id, out.key, now, res, e);
}

/* The framework's requirements as stored, by code: those left when the
 * document's items are done are the ones it no longer holds. */
typedef struct existing {
    dom *d;
    strmap by_code;
} existing;

static int keep_existing(const record *r, void *ctx)
{
    existing *x = ctx;
    arena *a = dom_arena(x->d);
    record *copy = arena_alloc(a, sizeof *copy);
    record_copy(copy, r, a);
    *strmap_slot_for(&x->by_code, record_text(r, F_REQUIREMENT_CODE)) = copy;
    return 0;
}

/* Copies the given values of the new record over the stored one. */
static int take_values(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)d;
    (void)e;
    const record *want = arg;
    for (int i = 0; i < r->reg->nfields; i++)
        if (want->v[i].given)
            r->v[i] = want->v[i];
    return 0;
}

static int update_one(dom *d, const oscal_catalog *c, const oscal_item *it, const record *fw,
                      existing *x, oscal_import_result *res, isms_err *e)
{
    record want, out;
    build_requirement(d, c, it, fw->id, fw->key, &want);
    record *old = strmap_get(&x->by_code, it->id);
    int rc;
    if (!old) {
        rc = dom_add_in_txn(d, &want, &out, e);
        res->added += !rc;
        return rc;
    }
    int64_t before = old->version;
    *strmap_slot_for(&x->by_code, it->id) = NULL; /* seen */
    rc = dom_change_in_txn(d, &reg_requirement, old->key, 0, take_values, &want, "update", &out, e);
    res->updated += !rc && out.version != before;
    res->unchanged += !rc && out.version == before;
    return rc;
}

static int update(dom *d, const oscal_catalog *c, const oscal_import_opts *o, const record *fw,
                  oscal_import_result *res, isms_err *e)
{
    record want, out;
    record_init(&want, &reg_framework, dom_arena(d));
    fill_framework(&want, c, record_text(fw, F_FRAMEWORK_NAME), o->source);
    int rc =
        dom_change_in_txn(d, &reg_framework, fw->key, 0, take_values, &want, "update", &out, e);
    existing x = { .d = d };
    strmap_init(&x.by_code);
    store_filter f = { .field = field_def(&reg_requirement, F_REQUIREMENT_FRAMEWORK),
                       .ival = fw->id };
    store_query q = { .filters = &f, .nfilters = 1 };
    if (!rc)
        rc = dom_list(d, &reg_requirement, &q, keep_existing, &x, e);
    for (int i = 0; i < c->n && !rc; i++) {
        rc = update_one(d, c, &c->items[i], fw, &x, res, e);
        if (!rc && o->progress && i % CHUNK == 0)
            o->progress(o->ctx, (uint64_t)i, (uint64_t)c->n);
        if (!rc && i % CHUNK == 0)
            rc = cancelled(o, e);
    }
    /* what the document no longer holds, children first */
    for (size_t s = x.by_code.cap; s-- > 0 && !rc;) {
        record *gone = x.by_code.slots[s].key ? x.by_code.slots[s].value : NULL;
        if (gone && !gone->retired_at) {
            rc = dom_retire(d, &reg_requirement, gone->key, &out, e);
            res->retired += !rc;
        }
    }
    strmap_reset(&x.by_code);
    return rc;
}

/* The framework the document made before (by its uuid), or --framework. */
static int find_framework(dom *d, const oscal_catalog *c, const oscal_import_opts *o, record *fw,
                          isms_err *e)
{
    int64_t id = 0;
    const char *key = NULL;
    int retired = 0;
    int rc =
        store_lookup_by(dom_store(d), &reg_framework, field_def(&reg_framework, F_FRAMEWORK_UUID),
                        c->uuid, &id, &key, dom_arena(d), e);
    if (!rc && !id && o->framework)
        rc = framework_find(d, o->framework, &id, &key, &retired, e);
    if (rc || !id) {
        fw->id = 0;
        return rc;
    }
    rc = dom_get(d, &reg_framework, key, fw, e);
    if (!rc && record_int(fw, F_FRAMEWORK_BUILTIN))
        rc = err_set(e, E_CONFLICT, "framework",
                     "framework %s (%s) is built in and does not change: import under another "
                     "--framework name",
                     key, record_text(fw, F_FRAMEWORK_NAME));
    return rc;
}

static int import_framework(dom *d, const oscal_catalog *c, const oscal_import_opts *o,
                            oscal_import_result *res, isms_err *e)
{
    *res = (oscal_import_result){ 0 };
    char now[21];
    now_timestamp(now);
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    record fw;
    rc = find_framework(d, c, o, &fw, e);
    if (!rc && fw.id) {
        res->framework = fw.key;
        res->name = record_text(&fw, F_FRAMEWORK_NAME);
        rc = update(d, c, o, &fw, res, e);
    } else if (!rc) {
        rc = create(d, c, o, now, res, e);
    }
    return dom_txn_end(d, rc, e);
}

/* The error of one record, with its place in the file ("FILE: /ptr"). */
static int place_failed(int rc, const char *where, isms_err *e)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    snprintf(e->msg, sizeof e->msg, "%.200s: %.300s", where, msg);
    const char *ptr = strstr(where, ": /");
    if (ptr)
        snprintf(e->field, sizeof e->field, "%s", ptr + 2);
    return rc;
}

static int set_map(dom *d, record *r, int fid, const char *text, isms_err *e)
{
    return text ? dom_set_text(d, r, field_index(&reg_mapping, fid), text, e) : 0;
}

/* One mapping: from (a control's key, or FRAMEWORK:ID in field
 * from_field) onto the requirement `to`. */
typedef struct map_in {
    int from_field;
    const char *from, *to, *relationship, *rationale, *where;
    int strength;
} map_in;

static int add_mapping(dom *d, const map_in *m, isms_err *e)
{
    record in, out;
    record_init(&in, &reg_mapping, dom_arena(d));
    int rc = set_map(d, &in, m->from_field, m->from, e);
    if (!rc)
        rc = set_map(d, &in, F_MAPPING_TARGET, m->to, e);
    if (!rc)
        rc = set_map(d, &in, F_MAPPING_RELATIONSHIP, m->relationship, e);
    if (!rc)
        rc = set_map(d, &in, F_MAPPING_RATIONALE, m->rationale, e);
    if (!rc && m->strength)
        rc = set_map(d, &in, F_MAPPING_STRENGTH, arena_printf(dom_arena(d), "%d", m->strength), e);
    if (!rc)
        rc = dom_add(d, &in, &out, e); /* resolves FRAMEWORK:ID, as `map add` does */
    return rc ? place_failed(rc, m->where, e) : 0;
}

/* SP 800-53's OSCAL id as the publication writes it: ac-2.1 -> AC-2(1). */
static const char *sp800_53_label(arena *a, const char *id)
{
    char fam[3];
    int n = 0, enh = 0, used = 0;
    if (sscanf(id, "%2[a-z]-%d%n", fam, &n, &used) != 2 || strlen(fam) != 2)
        return NULL;
    int more = 0;
    if (id[used] == '.' && sscanf(id + used, ".%d%n", &enh, &more) == 1 && !id[used + more])
        return arena_printf(a, "%c%c-%d(%d)", toupper(fam[0]), toupper(fam[1]), n, enh);
    return id[used] ? NULL : arena_printf(a, "%c%c-%d", toupper(fam[0]), toupper(fam[1]), n);
}

/* A framework's requirements by code in lower case: one read, where a
 * lookup per pair would scan the framework (ids match in any case). */
typedef struct code_index {
    strmap by_code;
    strmap level_of; /* requirement key -> its level */
    const char *name;
    arena *a;
} code_index;

static const char *lower(arena *a, const char *s)
{
    char *l = arena_strdup(a, s);
    for (char *p = l; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return l;
}

/* Each requirement by its code and by its OSCAL id ("4.1" is "_4.1" in an
 * OSCAL document, "AC-2(1)" is "ac-2.1"), as requirement_find finds it. */
static int index_code(const record *r, void *ctx)
{
    code_index *x = ctx;
    const char *code = record_text(r, F_REQUIREMENT_CODE), *key = arena_strdup(x->a, r->key);
    *strmap_slot_for(&x->by_code, lower(x->a, code)) = (void *)key;
    *strmap_slot_for(&x->by_code, lower(x->a, requirement_oscal_id(x->a, "", code))) = (void *)key;
    const char *level = record_text(r, F_REQUIREMENT_LEVEL);
    if (record_int(r, F_REQUIREMENT_ASSESSABLE)) /* what an SoA holds */
        *strmap_slot_for(&x->level_of, key) = (void *)arena_strdup(x->a, level ? level : "");
    return 0;
}

static int index_open(dom *d, const char *framework, code_index *x, isms_err *e)
{
    *x = (code_index){ .name = framework, .a = dom_arena(d) };
    strmap_init(&x->by_code);
    strmap_init(&x->level_of);
    int64_t id;
    const char *key;
    int retired;
    int rc = framework_find(d, framework, &id, &key, &retired, e);
    if (!rc && !id)
        rc = err_set(e, E_NOT_FOUND, "framework", "there is no framework %s", framework);
    store_filter f = { .field = field_def(&reg_requirement, F_REQUIREMENT_FRAMEWORK), .ival = id };
    store_query q = { .filters = &f, .nfilters = 1 };
    if (rc)
        return rc;
    return dom_list(d, &reg_requirement, &q, index_code, x, e);
}

static void index_close(code_index *x)
{
    strmap_reset(&x->by_code);
    strmap_reset(&x->level_of);
}

/* The key of the requirement id (or of its SP 800-53 label: the built-in
 * sp800-53r5 is written AC-2(1)); NULL when the framework has neither. */
static const char *index_key(code_index *x, const char *id)
{
    const char *key = strmap_get(&x->by_code, lower(x->a, id));
    const char *label = key ? NULL : sp800_53_label(x->a, id);
    return label ? strmap_get(&x->by_code, lower(x->a, label)) : key;
}

static int resolve_ref(code_index *x, const char *id, const char *side, const char *where,
                       const char **key, isms_err *e)
{
    *key = index_key(x, id);
    if (*key)
        return 0;
    err_set(e, E_NOT_FOUND, side, "%s: there is no requirement %s:%s", side, x->name, id);
    return place_failed(E_NOT_FOUND, where, e);
}

static int add_pair(dom *d, const oscal_pair *p, code_index *from, code_index *to, isms_err *e)
{
    const char *src, *dst;
    int rc = resolve_ref(from, p->source, "source", p->where, &src, e);
    if (!rc)
        rc = resolve_ref(to, p->target, "target", p->where, &dst, e);
    if (rc)
        return rc;
    map_in m = { .from_field = F_MAPPING_SOURCE,
                 .from = src,
                 .to = dst,
                 .relationship = p->relationship,
                 .rationale = p->rationale,
                 .where = p->where,
                 .strength = p->strength };
    return add_mapping(d, &m, e);
}

int oscal_import_mappings(dom *d, const oscal_mappings *m, const char *from, const char *to,
                          const oscal_import_opts *o, oscal_import_result *res, isms_err *e)
{
    *res = (oscal_import_result){ .created = 1 };
    code_index src, dst;
    int rc = index_open(d, from, &src, e);
    int rd = index_open(d, to, &dst, e);
    if (!rc)
        rc = rd;
    if (!rc)
        rc = dom_txn_begin(d, e);
    int began = !rc; /* else the indexes are closed and rc returned */
    for (int i = 0; i < m->n && !rc; i++) {
        rc = add_pair(d, &m->pairs[i], &src, &dst, e);
        res->added += !rc;
        if (!rc && i % CHUNK == 0)
            rc = cancelled(o, e);
        if (o->progress)
            o->progress(o->ctx, (uint64_t)i + 1, (uint64_t)m->n);
    }
    index_close(&src);
    index_close(&dst);
    return began ? dom_txn_end(d, rc, e) : rc;
}

/* The control a component becomes (made once per component title). */
static int component_control(dom *d, const oscal_impl *k, const char *owner, strmap *made,
                             const char **key, isms_err *e)
{
    *key = strmap_get(made, k->component);
    if (*key)
        return 0;
    record in, out;
    record_init(&in, &reg_control, dom_arena(d));
    int rc = dom_set_text(d, &in, field_index(&reg_control, F_CONTROL_TITLE), k->component, e);
    if (!rc && k->description)
        rc = dom_set_text(d, &in, field_index(&reg_control, F_CONTROL_DESCRIPTION), k->description,
                          e);
    if (!rc)
        rc = dom_set_text(d, &in, field_index(&reg_control, F_CONTROL_OWNER), owner, e);
    if (!rc)
        rc = dom_add(d, &in, &out, e);
    if (rc)
        return place_failed(rc, k->where, e);
    *key = out.key;
    *strmap_slot_for(made, k->component) = (void *)out.key;
    return 0;
}

int oscal_import_components(dom *d, const oscal_components *k, const char *framework,
                            const char *owner, const oscal_import_opts *o, oscal_import_result *res,
                            isms_err *e)
{
    *res = (oscal_import_result){ .created = 1 };
    code_index fw;
    strmap made;
    strmap_init(&made);
    int rc = index_open(d, framework, &fw, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    int began = !rc;
    for (int i = 0; i < k->n && !rc; i++) {
        const oscal_impl *im = &k->impls[i];
        const char *ctl = NULL, *req = NULL;
        int before = (int)made.len;
        rc = resolve_ref(&fw, im->control_id, "target", im->where, &req, e);
        if (!rc)
            rc = component_control(d, im, owner, &made, &ctl, e);
        res->updated += !rc && (int)made.len > before; /* controls made */
        map_in m = { .from_field = F_MAPPING_CONTROL,
                     .from = ctl,
                     .to = req,
                     .relationship = "intersects-with",
                     .rationale = im->statement,
                     .where = im->where };
        if (!rc)
            rc = add_mapping(d, &m, e);
        res->added += !rc;
        if (!rc)
            rc = cancelled(o, e);
    }
    strmap_reset(&made);
    index_close(&fw);
    return began ? dom_txn_end(d, rc, e) : rc;
}

/* ---- a profile as an existing framework's applicability selection ---- */

typedef struct selection {
    strmap picked;   /* requirement key -> the item the profile selects */
    strmap excluded; /* requirement key -> why (an isms SoA's exclusion) */
    int yes, no;
} selection;

/* Whether the profile selects the requirement, and what an isms SoA
 * exported as a profile says of it: why it applies and how far it is
 * implemented, or why it is excluded (ISO/IEC 27001 Cl. 6.1.3 d). */
static int selects(void *ctx, const char *requirement, soa_said *said)
{
    selection *s = ctx;
    const oscal_item *it = strmap_get(&s->picked, requirement);
    s->yes += it != NULL;
    s->no += it == NULL;
    if (it) {
        said->why = it->soa_why;
        said->implementation = it->soa_implementation;
    } else {
        said->why = strmap_get(&s->excluded, requirement);
    }
    return it != NULL;
}

static int profile_soa(dom *d, const oscal_catalog *c, const record *fw, oscal_import_result *res,
                       isms_err *e)
{
    code_index x;
    int rc = index_open(d, record_text(fw, F_FRAMEWORK_NAME), &x, e);
    selection s = { .yes = 0 };
    strmap_init(&s.picked);
    strmap_init(&s.excluded);
    for (int i = 0; i < c->nexcluded && !rc; i++) {
        const char *key = index_key(&x, c->excluded[i].id);
        if (key && c->excluded[i].why)
            *strmap_slot_for(&s.excluded, key) = (void *)c->excluded[i].why;
    }
    /* the level of every assessable requirement selected (ISO/IEC 27001's
     * Annex A: control), to which the SoA keeps; mixed: every level */
    const char *level = NULL;
    int mixed = 0;
    for (int i = 0; i < c->n && !rc; i++) {
        const char *key = c->items[i].group ? NULL : index_key(&x, c->items[i].id);
        const char *l = key ? strmap_get(&x.level_of, key) : NULL;
        if (key)
            *strmap_slot_for(&s.picked, key) = (void *)&c->items[i];
        res->unmatched += !key && !c->items[i].group;
        mixed |= l && level && strcmp(l, level);
        level = level ? level : l;
    }
    arena *a = dom_arena(d);
    soa_spec spec = { .framework = fw->key,
                      .level = mixed || (level && !*level) ? NULL : level,
                      .title = arena_printf(a, "Statement of Applicability: %s", c->title),
                      .selects = selects,
                      .ctx = &s,
                      .selected_why = arena_printf(a, "Selected by the profile %s.", c->title),
                      .unselected_why =
                          arena_printf(a, "Not selected by the profile %s.", c->title) };
    record soa;
    int entries = 0;
    if (!rc)
        rc = dom_soa_generate(d, &spec, &soa, &entries, e);
    if (!rc) {
        res->soa = soa.key;
        res->framework = fw->key;
        res->name = record_text(fw, F_FRAMEWORK_NAME);
        res->applicable = s.yes;
        res->excluded = s.no;
    }
    index_close(&x);
    strmap_reset(&s.picked);
    strmap_reset(&s.excluded);
    return rc;
}

int oscal_import_catalog(dom *d, const oscal_catalog *c, const oscal_import_opts *o,
                         oscal_import_result *res, isms_err *e)
{
    *res = (oscal_import_result){ 0 };
    int64_t id = 0;
    const char *key = NULL;
    int retired = 0;
    int rc =
        o->profile && o->framework ? framework_find(d, o->framework, &id, &key, &retired, e) : 0;
    record fw;
    if (!rc && id && !retired)
        rc = dom_get(d, &reg_framework, key, &fw, e);
    if (rc)
        return rc;
    if (!id || retired)
        return import_framework(d, c, o, res, e);
    const char *made_from = record_text(&fw, F_FRAMEWORK_UUID);
    if (made_from && c->uuid && !strcmp(made_from, c->uuid))
        return import_framework(d, c, o, res, e); /* this profile made it: an update */
    return profile_soa(d, c, &fw, res, e);
}
