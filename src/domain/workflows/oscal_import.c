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
#include "domain/engine/dom_internal.h"
#include "domain/registers/framework_data.h"
#include "domain/registers/frameworks.h"
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
    record_init(r, &reg_requirement, dom_arena(d));
    built_set_text(r, F_REQUIREMENT_FRAMEWORK, fwkey);
    record_val(r, F_REQUIREMENT_FRAMEWORK)->i = fw;
    built_set_text(r, F_REQUIREMENT_CODE, it->id);
    built_set_text(r, F_REQUIREMENT_TITLE, it->title);
    built_set_text(r, F_REQUIREMENT_PARENT, it->parent);
    built_set_text(r, F_REQUIREMENT_LEVEL, it->level);
    built_set_text(r, F_REQUIREMENT_STATEMENT, it->statement);
    requirement_set_baselines(r, it->group ? 0 : baseline_bit(c->baseline), dom_arena(d));
    built_set_int(r, F_REQUIREMENT_ASSESSABLE, !it->group && !it->unassessed);
    built_set_int(r, F_REQUIREMENT_WITHDRAWN, it->withdrawn);
    built_set_int(r, F_REQUIREMENT_BUILTIN, 0);
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

typedef struct existing {
    strmap by_code;
    arena *a;
} existing;

static int keep_existing(const record *r, void *ctx)
{
    existing *x = ctx;
    record *copy = arena_alloc(x->a, sizeof *copy);
    record_copy(copy, r, x->a);
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
    existing x = { .a = dom_arena(d) };
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

int oscal_import_catalog(dom *d, const oscal_catalog *c, const oscal_import_opts *o,
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

/* The error of one pair, with its place in the file. */
static int pair_failed(int rc, const oscal_pair *p, isms_err *e)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    snprintf(e->msg, sizeof e->msg, "%.200s: %.300s", p->where, msg);
    const char *ptr = strstr(p->where, ": /");
    if (ptr)
        snprintf(e->field, sizeof e->field, "%s", ptr + 2);
    return rc;
}

static int set_map(dom *d, record *r, int fid, const char *text, isms_err *e)
{
    return dom_set_text(d, r, field_index(&reg_mapping, fid), text, e);
}

static int add_pair(dom *d, const oscal_pair *p, const char *from, const char *to, isms_err *e)
{
    record in, out;
    record_init(&in, &reg_mapping, dom_arena(d));
    arena *a = dom_arena(d);
    int rc = set_map(d, &in, F_MAPPING_SOURCE, arena_printf(a, "%s:%s", from, p->source), e);
    if (!rc)
        rc = set_map(d, &in, F_MAPPING_TARGET, arena_printf(a, "%s:%s", to, p->target), e);
    if (!rc)
        rc = set_map(d, &in, F_MAPPING_RELATIONSHIP, p->relationship, e);
    if (!rc && p->rationale)
        rc = set_map(d, &in, F_MAPPING_RATIONALE, p->rationale, e);
    if (!rc && p->strength)
        rc = set_map(d, &in, F_MAPPING_STRENGTH, arena_printf(a, "%d", p->strength), e);
    if (!rc)
        rc = dom_add(d, &in, &out, e); /* resolves FRAMEWORK:ID, as `map add` does */
    return rc ? pair_failed(rc, p, e) : 0;
}

int oscal_import_mappings(dom *d, const oscal_mappings *m, const char *from, const char *to,
                          const oscal_import_opts *o, oscal_import_result *res, isms_err *e)
{
    *res = (oscal_import_result){ .created = 1 };
    int rc = dom_txn_begin(d, e);
    for (int i = 0; i < m->n && !rc; i++) {
        rc = add_pair(d, &m->pairs[i], from, to, e);
        res->added += !rc;
        if (!rc && i % CHUNK == 0)
            rc = cancelled(o, e);
        if (o->progress)
            o->progress(o->ctx, (uint64_t)i + 1, (uint64_t)m->n);
    }
    return rc ? dom_txn_end(d, rc, e) : dom_txn_end(d, 0, e);
}
