/* oscal_modify.c: a profile's modify, applied to the resolved controls:
 * set-parameters (props and links added, every other member replaced)
 * and alters (removes by name, class, id, item name and namespace; adds
 * at the start or end of a control or of the part or param by-id names,
 * or before or after it). */
#include "formats/oscal_modify.h"

#include <string.h>

static const char *const item_lists[] = { "params", "props", "links", "parts" };
enum { NLISTS = sizeof item_lists / sizeof *item_lists };

/* The object with member id == id under node (node itself, its params,
 * parts, controls, groups), and the object holding it (unchanged when it
 * is node itself). */
static json_t *find_id(json_t *node, const char *id, json_t **parent)
{
    const char *me = json_string_value(json_object_get(node, "id"));
    if (me && !strcmp(me, id))
        return node;
    static const char *const lists[] = { "params", "parts", "controls", "groups" };
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(node, lists[l]), i, x)
        {
            json_t *found = find_id(x, id, parent);
            if (found && found == x && parent)
                *parent = node;
            if (found)
                return found;
        }
    }
    return NULL;
}

json_t *oscal_find_control(json_t *catalog, const char *id) { return find_id(catalog, id, NULL); }

static void set_param(json_t *p, const json_t *set)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)set, k, v)
    {
        if (!strcmp(k, "param-id"))
            continue;
        json_t *have = json_object_get(p, k);
        if ((!strcmp(k, "props") || !strcmp(k, "links")) && json_is_array(have))
            json_array_extend(have, v);
        else
            json_object_set_new(p, k, json_deep_copy(v));
    }
}

int oscal_set_parameters(json_t *catalog, const json_t *sets, oscal_modify_warn warn, void *ctx)
{
    size_t i;
    json_t *set;
    json_array_foreach(sets, i, set)
    {
        const char *id = json_string_value(json_object_get(set, "param-id"));
        json_t *p = id ? find_id(catalog, id, NULL) : NULL;
        if (p)
            set_param(p, set);
        else
            warn(ctx, i, "set-parameter", id);
    }
    return 0;
}

static int str_is(const json_t *obj, const char *key, const char *want)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s && !strcmp(s, want);
}

/* The namespace of a prop or part: its ns, else OSCAL's own, which the
 * schema says an absent ns means (req-modify-alter-remove-match2 removes
 * by-ns OSCAL's a prop that names none). Params and links have no ns. */
static const char *ns_of(const char *list, const json_t *x)
{
    const char *ns = json_string_value(json_object_get(x, "ns"));
    if (ns)
        return ns;
    return strcmp(list, "props") && strcmp(list, "parts") ? "" : "http://csrc.nist.gov/ns/oscal";
}

/* Whether item x of list `list` meets every criterion of the remove. */
static int removes(const json_t *rm, const char *list, const json_t *x)
{
    const char *k;
    json_t *v;
    int any = 0;
    json_object_foreach((json_t *)rm, k, v)
    {
        const char *want = json_string_value(v);
        if (!want)
            continue;
        any = 1;
        if (!strcmp(k, "by-item-name")) {
            if (strncmp(list, want, strlen(want)) || strlen(list) != strlen(want) + 1)
                return 0;
        } else if (!strcmp(k, "by-ns")) {
            if (strcmp(ns_of(list, x), want))
                return 0;
        } else if (!strcmp(k, "by-name") || !strcmp(k, "by-class") || !strcmp(k, "by-id")) {
            if (!str_is(x, k + 3, want))
                return 0;
        }
    }
    return any;
}

/* Removes what rm names from node's lists and, in depth, its parts'. */
static void remove_in(json_t *node, const json_t *rm)
{
    for (int l = 0; l < NLISTS; l++) {
        json_t *arr = json_object_get(node, item_lists[l]);
        for (size_t i = json_array_size(arr); i-- > 0;) {
            json_t *x = json_array_get(arr, i);
            if (removes(rm, item_lists[l], x))
                json_array_remove(arr, i);
            else if (json_is_object(x))
                remove_in(x, rm);
        }
        if (arr && !json_array_size(arr))
            json_object_del(node, item_lists[l]);
    }
}

static json_t *list_of(json_t *node, const char *name)
{
    json_t *arr = json_object_get(node, name);
    if (!arr) {
        arr = json_array();
        json_object_set_new(node, name, arr);
    }
    return arr;
}

static size_t index_in(const json_t *arr, const json_t *x)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (json_array_get(arr, i) == x)
            return i;
    return json_array_size(arr);
}

/* One add: its params, props, links and parts (and title) into target,
 * or beside it in the object that holds it (parent). */
static void add_to(json_t *target, json_t *parent, const json_t *add)
{
    const char *pos = json_string_value(json_object_get(add, "position"));
    int start = pos && (!strcmp(pos, "starting") || !strcmp(pos, "before"));
    int beside = pos && (!strcmp(pos, "before") || !strcmp(pos, "after")) && parent != target;
    if (json_object_get(add, "title"))
        json_object_set_new(target, "title", json_deep_copy(json_object_get(add, "title")));
    for (int l = 0; l < NLISTS; l++) {
        json_t *items = json_object_get(add, item_lists[l]);
        if (!json_array_size(items))
            continue;
        json_t *arr = list_of(beside ? parent : target, item_lists[l]);
        size_t at = start ? 0 : json_array_size(arr);
        size_t there = index_in(arr, target);
        if (beside && there < json_array_size(arr))
            at = there + (start ? 0 : 1);
        size_t i;
        json_t *x;
        json_array_foreach(items, i, x) json_array_insert_new(arr, at + i, json_deep_copy(x));
    }
}

int oscal_alter(json_t *catalog, const json_t *alters, oscal_modify_warn warn, void *ctx)
{
    size_t i, j;
    json_t *alter, *x;
    json_array_foreach(alters, i, alter)
    {
        const char *id = json_string_value(json_object_get(alter, "control-id"));
        json_t *ctl = id ? find_id(catalog, id, NULL) : NULL;
        if (!ctl) {
            warn(ctx, i, "alter", id);
            continue;
        }
        json_array_foreach(json_object_get(alter, "removes"), j, x) remove_in(ctl, x);
        json_array_foreach(json_object_get(alter, "adds"), j, x)
        {
            const char *by = json_string_value(json_object_get(x, "by-id"));
            json_t *parent = ctl;
            json_t *target = by ? find_id(ctl, by, &parent) : ctl;
            if (target)
                add_to(target, target == ctl ? ctl : parent, x);
            else
                warn(ctx, i, "alter add by-id", by);
        }
    }
    return 0;
}
