/* oscal_catalog.c: an OSCAL catalog read into items (groups and controls,
 * parents first), with the statement part as text and every member isms
 * has no field for (class, params, props, links, parts, of any namespace:
 * FedRAMP's, BSI's) kept as JSON, so an export can write them back. */
#include "formats/oscal_internal.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "formats/json.h"

#include <string.h>
#include <strings.h>
#include <stdlib.h>

typedef struct walk {
    const oscal_doc *doc;
    oscal_catalog *c;
    jptr at;
    isms_err *e;
    buf scratch; /* an item's extra members, as JSON */
} walk;

static int walk_list(walk *w, json_t *parent, const char *pid, int depth, int ingroup);

/* The statement part as text: its prose, then each item's label and prose,
 * indented by depth. */
static void statement_text(const json_t *part, int depth, buf *b)
{
    const char *label = oscal_prop(part, "label");
    const char *prose = json_string_value(json_object_get(part, "prose"));
    if (label || prose) {
        if (b->len)
            buf_putc(b, '\n');
        for (int i = 1; i < depth; i++)
            buf_puts(b, "  ");
        if (label)
            buf_printf(b, "%s%s", label, prose ? " " : "");
        if (prose)
            buf_puts(b, prose);
    }
    size_t i;
    json_t *sub;
    json_array_foreach(json_object_get(part, "parts"), i, sub)
    {
        const char *name = json_string_value(json_object_get(sub, "name"));
        if (name && (!strcmp(name, "item") || !strcmp(name, "statement")))
            statement_text(sub, depth + 1, b);
    }
}

static const char *statement_of(walk *w, const json_t *node)
{
    size_t i;
    json_t *part;
    json_array_foreach(json_object_get(node, "parts"), i, part)
    {
        const char *name = json_string_value(json_object_get(part, "name"));
        if (!name || strcmp(name, "statement"))
            continue;
        buf b;
        buf_init(&b);
        statement_text(part, 0, &b);
        const char *s = b.len ? arena_strdup(w->doc->a, buf_str(&b)) : NULL;
        buf_reset(&b);
        return s;
    }
    return NULL;
}

/* Every member but the ones the item's fields and children hold, as
 * compact JSON written by jansson member by member into the reused
 * scratch buffer (an object of them, built for one dump, cost more). */
static const char *extra_of(walk *w, json_t *node)
{
    buf *b = &w->scratch;
    b->len = 0;
    const char *k;
    json_t *v;
    json_object_foreach(node, k, v)
    {
        if (!strcmp(k, "id") || !strcmp(k, "title") || !strcmp(k, "controls") ||
            !strcmp(k, "groups"))
            continue;
        buf_putc(b, b->len ? ',' : '{');
        js_quote(b, k);
        buf_putc(b, ':');
        js_append(b, v);
    }
    if (!b->len)
        return NULL;
    buf_putc(b, '}');
    return arena_strndup(w->doc->a, b->data, b->len);
}

/* isms's own prop `name` (OSCAL_ISMS_NS): its value and remarks. */
static const json_t *isms_prop(const json_t *node, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(node, "props"), i, p)
    {
        const char *n = json_string_value(json_object_get(p, "name"));
        const char *ns = json_string_value(json_object_get(p, "ns"));
        if (n && ns && !strcmp(n, name) && !strcmp(ns, OSCAL_ISMS_NS))
            return p;
    }
    return NULL;
}

/* What an isms SoA exported as a profile says of a control it includes. */
static void soa_said(const oscal_doc *doc, const json_t *node, oscal_item *it)
{
    const json_t *p = isms_prop(node, "implementation-status");
    it->soa_implementation = oscal_str(doc, p, "value");
    it->soa_why = oscal_str(doc, p, "remarks");
}

/* ... and of the controls it excludes: the profile's metadata props, which
 * its resolved catalog keeps. */
static void soa_exclusions(const oscal_doc *doc, const json_t *meta, oscal_catalog *c)
{
    size_t i, n = 0;
    json_t *p;
    json_array_foreach(json_object_get(meta, "props"), i, p) n++;
    c->excluded = arena_alloc(doc->a, sizeof *c->excluded * (n ? n : 1));
    json_array_foreach(json_object_get(meta, "props"), i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *ns = json_string_value(json_object_get(p, "ns"));
        const char *id = oscal_str(doc, p, "value");
        if (name && ns && id && !strcmp(name, "excluded") && !strcmp(ns, OSCAL_ISMS_NS))
            c->excluded[c->nexcluded++] = (oscal_exclusion){ id, oscal_str(doc, p, "remarks") };
    }
}

static int is_withdrawn(const json_t *node)
{
    const char *s = oscal_prop(node, "status");
    return s && !strcasecmp(s, "withdrawn");
}

static const char *level_of(json_t *node, int group, int ingroup)
{
    const char *cls = json_string_value(json_object_get(node, "class"));
    if (cls)
        return cls;
    return group ? "group" : ingroup ? "control" : "enhancement";
}

/* A group without an id (the specification's examples have them) is
 * named by its place, with a warning: a requirement needs a code. */
static const char *id_of(walk *w, json_t *node, int group)
{
    const char *id = oscal_str(w->doc, node, "id");
    if (id && *id)
        return id;
    if (!group)
        return NULL;
    oscal_warn(w->doc, w->at.s, "a group without an id: named \"group-%d\"", w->c->ngroups + 1);
    return arena_printf(w->doc->a, "group-%d", w->c->ngroups + 1);
}

static int add_item(walk *w, json_t *node, const char *pid, int depth, int group, int ingroup)
{
    oscal_catalog *c = w->c;
    const char *id = id_of(w, node, group);
    if (!id) {
        oscal_warn(w->doc, w->at.s, "a control without an id: left out, with what it holds");
        return 0;
    }
    ARENA_GROW(w->doc->a, c->items, (size_t)c->n, c->cap, 256);
    oscal_item *it = &c->items[c->n++];
    const char *title = oscal_str(w->doc, node, "title");
    if (!title || !*title) {
        oscal_warn(w->doc, w->at.s, "%s has no title: its id stands for it", id);
        title = id;
    }
    *it = (oscal_item){ .id = id,
                        .title = title,
                        .parent = pid,
                        .level = level_of(node, group, ingroup),
                        .label = oscal_prop(node, "label"),
                        .statement = statement_of(w, node),
                        .extra = extra_of(w, node),
                        .group = group,
                        .withdrawn = is_withdrawn(node),
                        .unassessed = oscal_prop(node, "assessable") &&
                                      !strcmp(oscal_prop(node, "assessable"), "no"),
                        .depth = depth,
                        .nparams = (int)json_array_size(json_object_get(node, "params")) };
    if (!group)
        soa_said(w->doc, node, it);
    it->level = arena_strdup(w->doc->a, it->level);
    it->label = arena_strdup(w->doc->a, it->label);
    c->nparams += it->nparams;
    c->ngroups += group;
    c->ncontrols += !group;
    c->nwithdrawn += !group && it->withdrawn;
    int rc = walk_list(w, node, id, depth + 1, group);
    return rc;
}

typedef struct level_ctx {
    walk *w;
    const char *pid;
    int depth, group, ingroup;
} level_ctx;

static int add_one(void *ctx, json_t *node)
{
    level_ctx *l = ctx;
    return add_item(l->w, node, l->pid, l->depth, l->group, l->ingroup);
}

static int walk_member(walk *w, json_t *parent, const char *member, const char *pid, int depth,
                       int group, int ingroup)
{
    level_ctx l = { w, pid, depth, group, ingroup };
    return oscal_each(w->doc, &w->at, parent, member, add_one, &l);
}

static int walk_list(walk *w, json_t *parent, const char *pid, int depth, int ingroup)
{
    if (depth > 64)
        return oscal_fail(w->e, w->doc, E_INVALID, w->at.s, "nested more than 64 deep");
    int rc = walk_member(w, parent, "groups", pid, depth, 1, 1);
    if (!rc)
        rc = walk_member(w, parent, "controls", pid, depth, 0, ingroup);
    return rc;
}

static const char *party_named(const oscal_doc *doc, const json_t *meta, const char *uuid)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(meta, "parties"), i, p)
    {
        const char *u = json_string_value(json_object_get(p, "uuid"));
        if (u && !strcmp(u, uuid))
            return oscal_str(doc, p, "name");
    }
    return NULL;
}

/* The party responsible as creator (NIST) or publisher, else the first. */
static const char *publisher_of(const oscal_doc *doc, const json_t *meta)
{
    size_t i;
    json_t *rp;
    json_array_foreach(json_object_get(meta, "responsible-parties"), i, rp)
    {
        const char *role = json_string_value(json_object_get(rp, "role-id"));
        json_t *uuids = json_object_get(rp, "party-uuids");
        const char *u = json_string_value(json_array_get(uuids, 0));
        if (role && u && (!strcmp(role, "creator") || !strcmp(role, "publisher")))
            return party_named(doc, meta, u);
    }
    return oscal_str(doc, json_array_get(json_object_get(meta, "parties"), 0), "name");
}

/* SP 800-53B's resolved baselines say which in their title (in capitals). */
static const char *baseline_of(const char *title)
{
    static const char *const names[][2] = {
        { "LOW IMPACT BASELINE", "low" },
        { "MODERATE IMPACT BASELINE", "moderate" },
        { "HIGH IMPACT BASELINE", "high" },
        { "PRIVACY BASELINE", "privacy" },
    };
    for (size_t i = 0; title && i < sizeof names / sizeof *names; i++)
        if (strstr(title, names[i][0]))
            return names[i][1];
    return NULL;
}

/* metadata isms keeps no field for, the catalog's own params, back-matter */
static const char *catalog_extra(const oscal_doc *doc, json_t *body)
{
    json_t *x = json_object();
    json_t *meta = json_deep_copy(json_object_get(body, "metadata"));
    static const char *const mine[] = { "title", "version", "oscal-version", "published",
                                        "last-modified" };
    for (size_t i = 0; i < sizeof mine / sizeof *mine; i++)
        json_object_del(meta, mine[i]);
    json_object_set_new(x, "metadata", meta);
    static const char *const kept[] = { "params", "back-matter" };
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
        if (json_object_get(body, kept[i]))
            json_object_set(x, kept[i], json_object_get(body, kept[i]));
    char *s = json_dumps(x, JSON_COMPACT);
    json_decref(x);
    const char *out = arena_strdup(doc->a, s);
    free(s);
    return out;
}

static int read_head(const oscal_doc *doc, json_t *body, oscal_catalog *c, isms_err *e)
{
    json_t *meta = json_object_get(body, "metadata");
    c->uuid = oscal_str(doc, body, "uuid");
    c->title = oscal_str(doc, meta, "title");
    if (!c->uuid || !c->title)
        return oscal_fail(e, doc, E_INVALID, c->uuid ? "/catalog/metadata/title" : "/catalog/uuid",
                          "a catalog needs a uuid and a title");
    c->version = oscal_str(doc, meta, "version");
    c->oscal_version = doc->version;
    c->published = oscal_str(doc, meta, "published");
    c->last_modified = oscal_str(doc, meta, "last-modified");
    c->publisher = publisher_of(doc, meta);
    c->baseline = baseline_of(c->title);
    c->extra = catalog_extra(doc, body);
    soa_exclusions(doc, meta, c);
    return 0;
}

/* Two items of one id would be one requirement: refused. */
static int check_unique(const oscal_doc *doc, const oscal_catalog *c, isms_err *e)
{
    strmap seen;
    strmap_init(&seen);
    int rc = 0;
    for (int i = 0; i < c->n && !rc; i++) {
        void **slot = strmap_slot_for(&seen, c->items[i].id);
        if (*slot)
            rc = oscal_fail(e, doc, E_INVALID, "/catalog", "the id \"%s\" is used twice",
                            c->items[i].id);
        *slot = &c->items[i];
    }
    strmap_reset(&seen);
    return rc;
}

int oscal_catalog_read(const oscal_doc *doc, oscal_catalog *out, isms_err *e)
{
    *out = (oscal_catalog){ 0 };
    if (doc->model != OSCAL_CATALOG)
        return oscal_fail(e, doc, E_INVALID, "/", "a %s, not a catalog",
                          oscal_model_name(doc->model));
    json_t *body = oscal_body(doc);
    int rc = read_head(doc, body, out, e);
    if (rc)
        return rc;
    walk w = { .doc = doc, .c = out, .e = e };
    jptr_push(&w.at, "catalog");
    buf_init(&w.scratch);
    rc = walk_list(&w, body, NULL, 0, 1);
    buf_reset(&w.scratch);
    if (!rc)
        rc = check_unique(doc, out, e);
    return rc;
}
