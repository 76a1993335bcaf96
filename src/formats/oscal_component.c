/* oscal_component.c: an OSCAL component definition read into its
 * implemented requirements: which component implements which control of
 * which source catalog or profile, and how. */
#include "formats/oscal_internal.h"

#include <string.h>

typedef struct cwalk {
    const oscal_doc *doc;
    oscal_components *c;
    jptr at;
    const json_t *component;
    const char *source;
} cwalk;

static void read_impl(cwalk *w, json_t *ir)
{
    const char *id = oscal_str(w->doc, ir, "control-id");
    if (!id || !*id) {
        oscal_warn(w->doc, w->at.s, "an implemented requirement without a control-id: left out");
        return;
    }
    oscal_components *c = w->c;
    ARENA_GROW(w->doc->a, c->impls, (size_t)c->n, c->cap, 32);
    c->impls[c->n++] = (oscal_impl){
        .component = oscal_str(w->doc, w->component, "title"),
        .type = oscal_str(w->doc, w->component, "type"),
        .description = oscal_str(w->doc, w->component, "description"),
        .source = w->source,
        .control_id = id,
        .statement = oscal_str(w->doc, ir, "description"),
        .where = arena_printf(w->doc->a, "%s: %s", w->doc->path, w->at.s),
    };
}

/* Walks the array `member` of obj, calling fn on each object in it. */
static void each(cwalk *w, const json_t *obj, const char *member, void (*fn)(cwalk *, json_t *))
{
    size_t mark = jptr_push(&w->at, member), i;
    json_t *x;
    json_array_foreach(json_object_get(obj, member), i, x)
    {
        size_t at = jptr_index(&w->at, i);
        if (json_is_object(x))
            fn(w, x);
        else
            oscal_warn(w->doc, w->at.s, "not an object: left out");
        jptr_pop(&w->at, at);
    }
    jptr_pop(&w->at, mark);
}

static void read_ci(cwalk *w, json_t *ci)
{
    w->source = oscal_str(w->doc, ci, "source");
    each(w, ci, "implemented-requirements", read_impl);
}

static void read_component(cwalk *w, json_t *comp)
{
    w->component = comp;
    w->c->ncomponents++;
    each(w, comp, "control-implementations", read_ci);
}

int oscal_component_read(const oscal_doc *doc, oscal_components *out, isms_err *e)
{
    *out = (oscal_components){ 0 };
    if (doc->model != OSCAL_COMPONENT_DEFINITION)
        return oscal_fail(e, doc, E_INVALID, "/", "a %s, not a component-definition",
                          oscal_model_name(doc->model));
    json_t *body = oscal_body(doc);
    out->uuid = oscal_str(doc, body, "uuid");
    out->title = oscal_str(doc, json_object_get(body, "metadata"), "title");
    cwalk w = { .doc = doc, .c = out };
    jptr_push(&w.at, "component-definition");
    each(&w, body, "components", read_component);
    return 0;
}
