/* oscal_profile.c: a profile resolved into a catalog, as NIST's
 * profile-resolution specification says: each import (a file relative to
 * the importing one, or "#uuid" naming a back-matter resource whose rlink
 * is followed, the JSON one first) gives its selection of a catalog, or
 * of a profile resolved in turn; merge as-is, flat or custom puts them
 * together (combine use-first keeps the first of a control imported
 * twice); modify sets parameters and alters controls. A circular import,
 * or one that cannot be found, is an error naming the chain of hrefs. */
#include "formats/oscal_internal.h"
#include "formats/oscal_modify.h"
#include "formats/oscal_select.h"
#include "core/buf.h"
#include "core/sha256.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_DEPTH = 16 };

typedef struct resolver {
    const oscal_doc *top;
    const char *fallback;
    const char *chain[MAX_DEPTH]; /* real paths of the profiles being resolved */
    const char *hrefs[MAX_DEPTH]; /* as written, for messages */
    int depth;
    isms_err *e;
} resolver;

static int resolve_body(resolver *r, const oscal_doc *doc, json_t **out);

static const char *chain_text(resolver *r, const char *last)
{
    buf b;
    buf_init(&b);
    for (int i = 0; i < r->depth; i++)
        buf_printf(&b, "%s -> ", r->hrefs[i]);
    buf_puts(&b, last);
    const char *s = arena_strdup(r->top->a, buf_str(&b));
    buf_reset(&b);
    return s;
}

/* "#uuid": the back-matter resource's rlink, JSON first; an XML or YAML
 * one is read as its JSON twin. */
static const char *rlink_of(const oscal_doc *doc, const json_t *body, const char *uuid)
{
    size_t i, j;
    json_t *res, *rl;
    json_array_foreach(json_object_get(json_object_get(body, "back-matter"), "resources"), i, res)
    {
        const char *u = json_string_value(json_object_get(res, "uuid"));
        if (!u || strcmp(u, uuid))
            continue;
        const char *first = NULL;
        json_array_foreach(json_object_get(res, "rlinks"), j, rl)
        {
            const char *h = json_string_value(json_object_get(rl, "href"));
            size_t n = h ? strlen(h) : 0;
            if (n > 5 && !strcmp(h + n - 5, ".json"))
                return h;
            if (!first && h)
                first = h;
        }
        if (!first)
            return NULL;
        const char *dot = strrchr(first, '.');
        size_t stem = dot ? (size_t)(dot - first) : strlen(first);
        return arena_printf(doc->a, "%.*s.json", (int)stem, first);
    }
    return NULL;
}

/* The file an import's href names, relative to the importing file. */
static const char *path_of(resolver *r, const oscal_doc *doc, const char *href, const char *ptr)
{
    const char *rel = href;
    if (href[0] == '#') {
        rel = rlink_of(doc, oscal_body(doc), href + 1);
        if (!rel) {
            oscal_fail(r->e, doc, E_NOT_FOUND, ptr,
                       "import \"%s\": no back-matter resource with that uuid and an rlink (%s)",
                       href, chain_text(r, href));
            return NULL;
        }
    }
    if (rel[0] == '/')
        return rel;
    char *copy = arena_strdup(doc->a, doc->path);
    return arena_printf(doc->a, "%s/%s", dirname(copy), rel);
}

static int check_cycle(resolver *r, const oscal_doc *doc, const char *path, const char *href,
                       const char *ptr)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return 0;
    for (int i = 0; i < r->depth; i++)
        if (!strcmp(r->chain[i], real))
            return oscal_fail(r->e, doc, E_INVALID, ptr, "circular import: %s",
                              chain_text(r, href));
    if (r->depth >= MAX_DEPTH)
        return oscal_fail(r->e, doc, E_INVALID, ptr, "imports nested more than %d deep: %s",
                          MAX_DEPTH, chain_text(r, href));
    return 0;
}

/* Loads what an import names: a catalog (its object, a new reference in
 * *out) or a profile, resolved. */
static int load_import(resolver *r, const oscal_doc *doc, const char *href, const char *ptr,
                       json_t **out)
{
    const char *path = path_of(r, doc, href, ptr);
    if (!path)
        return r->e->code;
    if (access(path, R_OK) && r->fallback) {
        oscal_warn(doc, ptr, "import \"%s\" (%s) not found: %s stands for it", href, path,
                   r->fallback);
        path = r->fallback;
    }
    if (access(path, R_OK))
        return oscal_fail(r->e, doc, E_NOT_FOUND, ptr, "import \"%s\" not found (%s): %s", href,
                          path, chain_text(r, href));
    int rc = check_cycle(r, doc, path, href, ptr);
    if (rc)
        return rc;
    oscal_doc sub;
    rc = oscal_load(path, &sub, doc->warn, doc->a, r->e);
    if (rc)
        return rc;
    if (sub.model == OSCAL_CATALOG) {
        *out = json_incref(oscal_body(&sub));
    } else if (sub.model == OSCAL_PROFILE) {
        char real[PATH_MAX];
        r->chain[r->depth] = arena_strdup(doc->a, realpath(path, real) ? real : path);
        r->hrefs[r->depth++] = href;
        rc = resolve_body(r, &sub, out);
        r->depth--;
    } else {
        rc = oscal_fail(r->e, &sub, E_INVALID, "/", "imported, but a %s, not a catalog or profile",
                        oscal_model_name(sub.model));
    }
    oscal_doc_free(&sub);
    return rc;
}

static int by_position(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, OSCAL_POS));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, OSCAL_POS));
    if (x != y)
        return x < y ? -1 : 1;
    return a < b ? -1 : a > b; /* stable: the order they came in */
}

/* The controls of a group merged from one source, in the source's order. */
static void in_source_order(json_t *controls)
{
    size_t n = json_array_size(controls);
    json_t **v = malloc(n * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(controls, i));
    qsort(v, n, sizeof *v, by_position);
    json_array_clear(controls);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(controls, v[i]);
    free(v);
}

/* The group of `into` that g is: the same id, or for an id-less group the
 * same provenance (one group of one source catalog, imported again). */
static json_t *same_group(json_t *into, const json_t *g, int *by_source)
{
    const char *id = json_string_value(json_object_get(g, "id"));
    const char *prov = json_string_value(json_object_get(g, OSCAL_PROV));
    size_t j;
    json_t *h;
    json_array_foreach(into, j, h)
    {
        const char *hid = json_string_value(json_object_get(h, "id"));
        const char *hprov = json_string_value(json_object_get(h, OSCAL_PROV));
        *by_source = !id && !hid && prov && hprov && !strcmp(prov, hprov);
        if ((id && hid && !strcmp(id, hid)) || *by_source)
            return h;
    }
    return NULL;
}

/* The groups of as-is imports, merged: same-id groups are one group, and
 * so are the id-less groups of one source (NIST's req-chained-deepA). */
static void merge_groups(json_t *into, json_t *groups)
{
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        int by_source = 0;
        json_t *same = same_group(into, g, &by_source);
        if (!same) {
            json_array_append(into, g);
            continue;
        }
        json_t *sub = json_object_get(g, "groups");
        if (sub && !json_object_get(same, "groups"))
            json_object_set(same, "groups", sub);
        else if (sub)
            merge_groups(json_object_get(same, "groups"), sub);
        json_t *add = json_object_get(g, "controls");
        json_t *have = json_object_get(same, "controls");
        if (add && !have)
            json_object_set(same, "controls", add);
        else if (add)
            json_array_extend(have, add);
        if (add && have && by_source)
            in_source_order(have);
    }
}

static void add_resources(json_t *res, const json_t *catalog)
{
    json_t *r = json_object_get(json_object_get(catalog, "back-matter"), "resources");
    if (r)
        json_array_extend(res, r);
}

typedef struct merged {
    json_t *groups, *controls, *params, *resources; /* params: every one imported */
} merged;

static int do_imports(resolver *r, const oscal_doc *doc, const json_t *body, sel_ctx *s, merged *m)
{
    size_t i;
    json_t *imp;
    jptr at = { .len = 0 };
    jptr_push(&at, oscal_model_name(doc->model));
    jptr_push(&at, "imports");
    json_array_foreach(json_object_get(body, "imports"), i, imp)
    {
        size_t mark = jptr_index(&at, i);
        const char *href = json_string_value(json_object_get(imp, "href"));
        json_t *cat = NULL;
        int rc = href ? load_import(r, doc, href, at.s, &cat)
                      : oscal_fail(r->e, doc, E_INVALID, at.s, "an import without an href");
        if (rc)
            return rc;
        json_t *gs = json_array();
        oscal_select(s, cat, imp, s->flat ? NULL : gs, m->controls);
        merge_groups(m->groups, gs);
        json_decref(gs);
        oscal_collect_params(cat, s->flat, m->params);
        add_resources(m->resources, cat);
        json_decref(cat);
        jptr_pop(&at, mark);
    }
    return 0;
}

static void warn_missing(void *ctx, size_t i, const char *what, const char *id)
{
    const oscal_doc *doc = ctx;
    char ptr[96];
    snprintf(ptr, sizeof ptr, "/profile/modify/%zu", i);
    oscal_warn(doc, ptr, "%s: no \"%s\" in the resolved catalog", what, id ? id : "?");
}

/* A uuid derived from the profile's: the same profile resolves to the
 * same catalog (a version-5-like uuid from SHA-256). */
static json_t *derived_uuid(const char *from)
{
    unsigned char h[32];
    char text[64];
    snprintf(text, sizeof text, "isms resolved %s", from ? from : "");
    sha256(text, strlen(text), h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    char u[37];
    snprintf(u, sizeof u, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
    return json_string(u);
}

static json_t *catalog_of(const oscal_doc *doc, const json_t *body, merged *m)
{
    json_t *cat = json_object();
    json_object_set_new(cat, "uuid",
                        derived_uuid(json_string_value(json_object_get(body, "uuid"))));
    json_t *meta = json_deep_copy(json_object_get(body, "metadata"));
    json_t *link = json_pack("{s:s,s:s}", "rel", "source-profile", "href", doc->path);
    json_t *links = json_object_get(meta, "links");
    if (!links) {
        links = json_array();
        json_object_set_new(meta, "links", links);
    }
    json_array_append_new(links, link);
    json_object_set_new(cat, "metadata", meta);
    if (json_array_size(m->controls))
        json_object_set(cat, "controls", m->controls);
    if (json_array_size(m->groups))
        json_object_set(cat, "groups", m->groups);
    json_t *res = json_object_get(json_object_get(body, "back-matter"), "resources");
    if (res)
        json_array_extend(m->resources, res);
    if (json_array_size(m->resources))
        json_object_set_new(cat, "back-matter", json_pack("{s:O}", "resources", m->resources));
    oscal_loose_params(cat, m->params);
    return cat;
}

static int resolve_body(resolver *r, const oscal_doc *doc, json_t **out)
{
    const json_t *body = oscal_body(doc);
    const json_t *merge = json_object_get(body, "merge");
    const char *how =
        json_string_value(json_object_get(json_object_get(merge, "combine"), "method"));
    strmap seen;
    strmap_init(&seen);
    sel_ctx s = { .seen = how && !strcmp(how, "use-first") ? &seen : NULL,
                  .flat = !json_is_true(json_object_get(merge, "as-is")) };
    merged m = { json_array(), json_array(), json_array(), json_array() };
    int rc = do_imports(r, doc, body, &s, &m);
    strmap_reset(&seen);
    if (!rc) {
        *out = catalog_of(doc, body, &m);
        if (json_object_get(merge, "custom"))
            oscal_merge_custom(*out, json_object_get(merge, "custom"));
        json_t *mod = json_object_get(body, "modify");
        oscal_set_parameters(*out, json_object_get(mod, "set-parameters"), warn_missing,
                             (void *)doc);
        oscal_alter(*out, json_object_get(mod, "alters"), warn_missing, (void *)doc);
    }
    json_decref(m.groups);
    json_decref(m.controls);
    json_decref(m.params);
    json_decref(m.resources);
    return rc;
}

int oscal_profile_resolve(const oscal_doc *profile, const char *fallback, oscal_doc *out,
                          isms_err *e)
{
    if (profile->model != OSCAL_PROFILE)
        return oscal_fail(e, profile, E_INVALID, "/", "a %s, not a profile",
                          oscal_model_name(profile->model));
    resolver r = { .top = profile, .fallback = fallback, .e = e };
    char real[PATH_MAX];
    r.chain[0] = arena_strdup(profile->a, realpath(profile->path, real) ? real : profile->path);
    r.hrefs[0] = profile->path;
    r.depth = 1;
    json_t *cat = NULL;
    int rc = resolve_body(&r, profile, &cat);
    if (rc)
        return rc;
    oscal_strip_provenance(cat);
    json_t *tree = json_pack("{s:o}", "catalog", cat);
    return oscal_adopt(tree, profile->path, out, profile->warn, profile->a, e);
}
