/* oscal_select.c: which controls an import of a profile selects, and the
 * copy of its source catalog that keeps them (profile resolution, NIST's
 * specification: include-all, include-controls by id and by match with or
 * without their child controls, exclude-controls; a selected control's
 * ancestors come with it as its parents; a group that keeps no control
 * is left out; merge flat drops the groups, as-is keeps them). */
#include "formats/oscal_select.h"
#include "core/strmap.h"

#include <fnmatch.h>
#include <string.h>

enum { NONE, SELECTED, EXCLUDED };

int oscal_pick_matches(const json_t *sel, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(sel, "with-ids"), i, x)
    {
        const char *s = json_string_value(x);
        if (s && !strcmp(s, id))
            return 1;
    }
    json_array_foreach(json_object_get(sel, "matching"), i, x)
    {
        const char *pat = json_string_value(json_object_get(x, "pattern"));
        if (pat && *pat && !fnmatch(pat, id, 0))
            return 1;
    }
    return 0;
}

static int with_children(const json_t *sel)
{
    const char *s = json_string_value(json_object_get(sel, "with-child-controls"));
    return s && !strcmp(s, "yes");
}

/* The mark `to` on every control under node (its child controls). */
static void mark_below(strmap *ids, const json_t *node, intptr_t to)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(node, "controls"), i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        if (id)
            *strmap_slot_for(ids, id) = (void *)to;
        mark_below(ids, c, to);
    }
}

static void mark_below_all(strmap *ids, const json_t *node)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(node, "groups"), i, g) mark_below_all(ids, g);
    mark_below(ids, node, SELECTED);
}

/* The selectors of an include or exclude, with their with-ids in a map
 * (id -> 1, or 2 with its child controls): a baseline names hundreds of
 * ids, and a lookup per control replaces a scan of them all. */
typedef struct picker {
    const json_t *list;
    strmap by_id;
    int matching; /* some selector matches by pattern */
} picker;

static void picker_init(picker *p, const json_t *list)
{
    *p = (picker){ .list = list };
    strmap_init(&p->by_id);
    size_t i, j;
    json_t *sel, *x;
    json_array_foreach(list, i, sel)
    {
        intptr_t how = with_children(sel) ? 2 : 1;
        json_array_foreach(json_object_get(sel, "with-ids"), j, x)
        {
            const char *id = json_string_value(x);
            void **slot = id ? strmap_slot_for(&p->by_id, id) : NULL;
            if (slot && (intptr_t)*slot < how)
                *slot = (void *)how;
        }
        p->matching |= json_array_size(json_object_get(sel, "matching")) > 0;
    }
}

/* 0: not picked, 1: picked, 2: picked with its child controls. */
static intptr_t picked(const picker *p, const char *id)
{
    intptr_t how = (intptr_t)strmap_get(&p->by_id, id);
    size_t i;
    json_t *sel;
    if (p->matching && how < 2)
        json_array_foreach(p->list, i, sel)
        {
            if (json_object_get(sel, "matching") && oscal_pick_matches(sel, id))
                how = with_children(sel) ? 2 : how > 1 ? how : 1;
        }
    return how;
}

/* Marks the controls under node that the picker's selectors pick. */
static void mark_picked(strmap *ids, const json_t *node, const picker *p, intptr_t to)
{
    static const char *const kids[] = { "groups", "controls" };
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(node, kids[k]), i, c)
        {
            const char *id = json_string_value(json_object_get(c, "id"));
            intptr_t how = k == 1 && id ? picked(p, id) : 0;
            if (how)
                *strmap_slot_for(ids, id) = (void *)to;
            if (how == 2)
                mark_below(ids, c, to);
            mark_picked(ids, c, p, to);
        }
    }
}

static void mark_list(strmap *ids, const json_t *catalog, const json_t *list, intptr_t to)
{
    picker p;
    picker_init(&p, list);
    mark_picked(ids, catalog, &p, to);
    strmap_reset(&p.by_id);
}

static intptr_t mark_of(const sel_ctx *s, const json_t *ctl)
{
    const char *id = json_string_value(json_object_get(ctl, "id"));
    return id ? (intptr_t)strmap_get(s->ids, id) : NONE;
}

static json_t *copy_without_children(const json_t *node)
{
    json_t *x = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)node, k, v)
    {
        if (strcmp(k, "controls") && strcmp(k, "groups"))
            json_object_set(x, k, v);
    }
    json_t *copy = json_deep_copy(x); /* the modifications must not reach the source */
    json_decref(x);
    return copy;
}

static void copy_into(sel_ctx *s, const json_t *node, json_t *groups, json_t *controls);

/* Tags a copy kept as-is with where it comes from, unless it already is
 * (a group or control of a resolved profile keeps its first source). */
static void tag(json_t *x, const char *key, json_t *value)
{
    if (!json_object_get(x, key))
        json_object_set(x, key, value);
    json_decref(value);
}

/* A control kept: itself, with what is kept beneath it as its controls;
 * not kept: what is kept beneath it takes its place. */
static void copy_control(sel_ctx *s, const json_t *c, json_t *groups, json_t *controls)
{
    json_int_t pos = s->controls_seen++;
    json_t *below = json_array();
    copy_into(s, c, NULL, below);
    intptr_t m = mark_of(s, c);
    const char *id = json_string_value(json_object_get(c, "id"));
    int dup = id && s->seen && strmap_get(s->seen, id);
    int keep = !dup && (m == SELECTED || (m == NONE && json_array_size(below)));
    if (keep) {
        json_t *x = copy_without_children(c);
        if (json_array_size(below))
            json_object_set(x, "controls", below);
        if (!s->flat)
            tag(x, OSCAL_POS, json_integer(pos));
        json_array_append_new(controls, x);
        if (s->seen)
            *strmap_slot_for(s->seen, id) = (void *)1;
    } else {
        json_array_extend(controls, below);
    }
    json_decref(below);
    (void)groups;
}

/* A group kept (as-is) when anything beneath it is, with "all of its
 * non-control children intact" (the specification's
 * id-structure-as-is-list-1), its params too: NIST's older
 * include-all-test keeps them, its 1.x req-structure-asis1 and -asis2 drop
 * them (docs/OSCAL.md); flat: its controls take its place. */
static void copy_group(sel_ctx *s, const json_t *g, json_t *groups, json_t *controls)
{
    if (s->flat) {
        copy_into(s, g, NULL, controls);
        return;
    }
    json_int_t n = s->groups_seen++;
    json_t *gs = json_array(), *cs = json_array();
    copy_into(s, g, gs, cs);
    if (json_array_size(gs) || json_array_size(cs)) {
        json_t *x = copy_without_children(g);
        tag(x, OSCAL_PROV, json_sprintf("%s#%" JSON_INTEGER_FORMAT, s->source ? s->source : "", n));
        if (json_array_size(gs))
            json_object_set(x, "groups", gs);
        if (json_array_size(cs))
            json_object_set(x, "controls", cs);
        json_array_append_new(groups, x);
    }
    json_decref(gs);
    json_decref(cs);
}

static void copy_into(sel_ctx *s, const json_t *node, json_t *groups, json_t *controls)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(node, "groups"), i, x) copy_group(s, x, groups, controls);
    json_array_foreach(json_object_get(node, "controls"), i, x)
        copy_control(s, x, groups, controls);
}

void oscal_strip_provenance(json_t *node)
{
    static const char *const kids[] = { "groups", "controls" };
    json_object_del(node, OSCAL_PROV);
    json_object_del(node, OSCAL_POS);
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(node, kids[k]), i, x) oscal_strip_provenance(x);
    }
}

void oscal_select(sel_ctx *s, const json_t *catalog, const json_t *import, json_t *groups,
                  json_t *controls)
{
    s->source = json_string_value(json_object_get(catalog, "uuid"));
    s->groups_seen = s->controls_seen = 0;
    strmap ids;
    strmap_init(&ids);
    s->ids = &ids;
    if (json_object_get(import, "include-all"))
        mark_below_all(&ids, catalog);
    else
        mark_list(&ids, catalog, json_object_get(import, "include-controls"), SELECTED);
    mark_list(&ids, catalog, json_object_get(import, "exclude-controls"), EXCLUDED);
    copy_into(s, catalog, groups, controls);
    s->ids = NULL;
    strmap_reset(&ids);
}
