/* oscal_mapping.c: an OSCAL 1.2 mapping collection read into pairs: each
 * map's sources times its targets, with the map's relationship (checked
 * against NIST IR 8477 by the importer, which knows the vocabulary). */
#include "formats/oscal_internal.h"

#include <math.h>
#include <string.h>

typedef struct mwalk {
    const oscal_doc *doc;
    oscal_mappings *m;
    jptr at;
    isms_err *e;
} mwalk;

/* confidence-score {percentage: 0..1} as a strength of 1..10 */
static int strength_of(const json_t *map)
{
    json_t *pc = json_object_get(json_object_get(map, "confidence-score"), "percentage");
    if (!json_is_number(pc))
        return 0;
    double s = ceil(json_number_value(pc) * 10.0);
    return s < 1 ? 1 : s > 10 ? 10 : (int)s;
}

static const char *id_ref(mwalk *w, json_t *end, const char *side, size_t i)
{
    const char *id = oscal_str(w->doc, end, "id-ref");
    if (!id || !*id) {
        size_t at = jptr_push(&w->at, side);
        jptr_index(&w->at, i);
        oscal_warn(w->doc, w->at.s, "no id-ref: left out");
        jptr_pop(&w->at, at);
    }
    return id;
}

static void add_pair(mwalk *w, const json_t *map, const char *src, const char *dst)
{
    oscal_mappings *m = w->m;
    ARENA_GROW(w->doc->a, m->pairs, (size_t)m->n, m->cap, 128);
    m->pairs[m->n++] = (oscal_pair){
        .source = src,
        .target = dst,
        .relationship = oscal_str(w->doc, map, "relationship"),
        .rationale = oscal_str(w->doc, map, "remarks"),
        .strength = strength_of(map),
        .where = arena_printf(w->doc->a, "%s: %s", w->doc->path, w->at.s),
    };
}

static int read_map(void *ctx, json_t *map)
{
    mwalk *w = ctx;
    if (!json_is_string(json_object_get(map, "relationship")))
        return oscal_fail(w->e, w->doc, E_INVALID, w->at.s, "a map needs a relationship");
    json_t *srcs = json_object_get(map, "sources"), *dsts = json_object_get(map, "targets");
    size_t i, j;
    json_t *s, *t;
    json_array_foreach(srcs, i, s)
    {
        const char *src = id_ref(w, s, "sources", i);
        json_array_foreach(dsts, j, t)
        {
            const char *dst = id_ref(w, t, "targets", j);
            if (src && dst)
                add_pair(w, map, src, dst);
        }
    }
    return 0;
}

static int read_mapping(void *ctx, json_t *mapping)
{
    mwalk *w = ctx;
    if (!w->m->source_href) {
        w->m->source_href = oscal_str(w->doc, json_object_get(mapping, "source-resource"), "href");
        w->m->target_href = oscal_str(w->doc, json_object_get(mapping, "target-resource"), "href");
    }
    return oscal_each(w->doc, &w->at, mapping, "maps", read_map, w);
}

int oscal_mapping_read(const oscal_doc *doc, oscal_mappings *out, isms_err *e)
{
    *out = (oscal_mappings){ 0 };
    json_t *body = oscal_open_body(doc, OSCAL_MAPPING_COLLECTION, &out->uuid, &out->title, e);
    if (!body)
        return e->code;
    mwalk w = { .doc = doc, .m = out, .e = e };
    jptr_push(&w.at, "mapping-collection");
    return oscal_each(doc, &w.at, body, "mappings", read_mapping, &w);
}
