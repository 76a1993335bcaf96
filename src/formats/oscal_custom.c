/* oscal_custom.c: merge custom, the groups a profile makes: each group of
 * the directive with the selected controls its insert-controls take
 * (include-all, or include-controls by id or by match; order keep,
 * ascending or descending by id). Controls no group takes are left out. */
#include "formats/oscal_modify.h"
#include "formats/oscal_select.h"

#include <stdlib.h>
#include <string.h>

static int picks(const json_t *ins, const char *id)
{
    if (json_object_get(ins, "include-all"))
        return 1;
    size_t i;
    json_t *sel;
    json_array_foreach(json_object_get(ins, "include-controls"), i, sel)
    {
        if (oscal_pick_matches(sel, id))
            return 1;
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const char *x = json_string_value(json_object_get(*(json_t *const *)a, "id"));
    const char *y = json_string_value(json_object_get(*(json_t *const *)b, "id"));
    return strcmp(x ? x : "", y ? y : "");
}

static void insert(json_t *into, const json_t *pool, const json_t *ins)
{
    size_t n = 0, i;
    json_t **got = calloc(json_array_size(pool) + 1, sizeof *got), *c;
    json_array_foreach(pool, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        if (id && picks(ins, id))
            got[n++] = c;
    }
    const char *order = json_string_value(json_object_get(ins, "order"));
    if (order && strcmp(order, "keep"))
        qsort(got, n, sizeof *got, by_id);
    int down = order && !strcmp(order, "descending");
    for (i = 0; i < n; i++)
        json_array_append(into, got[down ? n - 1 - i : i]);
    free(got);
}

/* Sets node's controls and groups to the lists that hold anything, and
 * lets go of both. */
static void put_children(json_t *node, json_t *controls, json_t *groups)
{
    if (json_array_size(controls))
        json_object_set(node, "controls", controls);
    if (json_array_size(groups))
        json_object_set(node, "groups", groups);
    json_decref(controls);
    json_decref(groups);
}

static json_t *custom_group(const json_t *g, const json_t *pool)
{
    json_t *x = json_object(), *v, *cs = json_array();
    const char *k;
    json_object_foreach((json_t *)g, k, v)
    {
        if (strcmp(k, "insert-controls") && strcmp(k, "groups"))
            json_object_set_new(x, k, json_deep_copy(v));
    }
    size_t i;
    json_t *ins, *sub, *gs = json_array();
    json_array_foreach(json_object_get(g, "insert-controls"), i, ins) insert(cs, pool, ins);
    json_array_foreach(json_object_get(g, "groups"), i, sub)
        json_array_append_new(gs, custom_group(sub, pool));
    put_children(x, cs, gs);
    return x;
}

void oscal_merge_custom(json_t *catalog, const json_t *custom)
{
    json_t *pool = json_incref(json_object_get(catalog, "controls"));
    json_t *groups = json_array(), *top = json_array(), *g;
    size_t i;
    json_array_foreach(json_object_get(custom, "groups"), i, g)
        json_array_append_new(groups, custom_group(g, pool));
    json_array_foreach(json_object_get(custom, "insert-controls"), i, g) insert(top, pool, g);
    json_object_del(catalog, "controls");
    json_object_del(catalog, "groups");
    put_children(catalog, top, groups);
    json_decref(pool);
}
