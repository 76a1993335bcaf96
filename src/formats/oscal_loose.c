/* oscal_loose.c: loose parameters of a resolved profile. A parameter that
 * belongs to no control the resolution kept (the catalog's own, an
 * excluded control's; a group's when merged flat) comes along, as a
 * parameter of the resolved catalog, when a kept control inserts it
 * ("{{ insert: param, ID }}"). Merged as-is, a group keeps its own
 * parameters (oscal_select.c). */
#include "formats/oscal_modify.h"
#include "core/strmap.h"

#include <string.h>

static void refs_in(const json_t *j, strmap *refs)
{
    static const char mark[] = "{{ insert: param, ";
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        while ((s = strstr(s, mark))) {
            s += sizeof mark - 1;
            const char *end = strstr(s, " }}");
            if (!end)
                return;
            char id[256];
            size_t n = (size_t)(end - s) < sizeof id - 1 ? (size_t)(end - s) : sizeof id - 1;
            memcpy(id, s, n);
            id[n] = 0;
            *strmap_slot_for(refs, id) = (void *)1;
        }
        return;
    }
    size_t i;
    const char *k;
    json_t *v;
    if (json_is_array(j))
        json_array_foreach(j, i, v) refs_in(v, refs);
    else if (json_is_object(j))
        json_object_foreach((json_t *)j, k, v) refs_in(v, refs);
}

/* The ids of the params the kept controls hold, and what they insert. */
static void walk_kept(json_t *node, strmap *held, strmap *refs)
{
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(node, "params"), i, x)
    {
        const char *id = json_string_value(json_object_get(x, "id"));
        if (id)
            *strmap_slot_for(held, id) = (void *)1;
    }
    const char *k;
    json_object_foreach(node, k, x)
    {
        if (strcmp(k, "groups") && strcmp(k, "controls"))
            refs_in(x, refs);
    }
    json_array_foreach(json_object_get(node, "groups"), i, x) walk_kept(x, held, refs);
    json_array_foreach(json_object_get(node, "controls"), i, x) walk_kept(x, held, refs);
}

void oscal_loose_params(json_t *catalog, const json_t *pool)
{
    strmap held, refs;
    strmap_init(&held);
    strmap_init(&refs);
    json_object_del(catalog, "params");
    walk_kept(catalog, &held, &refs);
    json_t *loose = json_array(), *p;
    size_t i;
    json_array_foreach(pool, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "id"));
        if (!id || !strmap_get(&refs, id) || strmap_get(&held, id))
            continue;
        *strmap_slot_for(&held, id) = (void *)1; /* once */
        json_array_append_new(loose, json_deep_copy(p));
    }
    if (json_array_size(loose))
        json_object_set(catalog, "params", loose);
    json_decref(loose);
    strmap_reset(&held);
    strmap_reset(&refs);
}

static void collect(const json_t *node, int is_group, int groups_too, json_t *pool)
{
    size_t i;
    json_t *x;
    json_t *params = json_object_get(node, "params");
    if (json_is_array(params) && (groups_too || !is_group))
        json_array_extend(pool, params);
    json_array_foreach(json_object_get(node, "groups"), i, x) collect(x, 1, groups_too, pool);
    json_array_foreach(json_object_get(node, "controls"), i, x) collect(x, 0, groups_too, pool);
}

void oscal_collect_params(const json_t *node, int groups_too, json_t *pool)
{
    collect(node, 0, groups_too, pool);
}
