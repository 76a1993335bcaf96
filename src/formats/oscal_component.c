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

static int read_impl(void *ctx, json_t *ir)
{
    cwalk *w = ctx;
    const char *id = oscal_str(w->doc, ir, "control-id");
    if (!id || !*id) {
        oscal_warn(w->doc, w->at.s, "an implemented requirement without a control-id: left out");
        return 0;
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
    return 0;
}

static int read_ci(void *ctx, json_t *ci)
{
    cwalk *w = ctx;
    w->source = oscal_str(w->doc, ci, "source");
    return oscal_each(w->doc, &w->at, ci, "implemented-requirements", read_impl, w);
}

static int read_component(void *ctx, json_t *comp)
{
    cwalk *w = ctx;
    w->component = comp;
    w->c->ncomponents++;
    return oscal_each(w->doc, &w->at, comp, "control-implementations", read_ci, w);
}

int oscal_component_read(const oscal_doc *doc, oscal_components *out, isms_err *e)
{
    *out = (oscal_components){ 0 };
    json_t *body = oscal_open_body(doc, OSCAL_COMPONENT_DEFINITION, &out->uuid, &out->title, e);
    if (!body)
        return e->code;
    cwalk w = { .doc = doc, .c = out };
    jptr_push(&w.at, "component-definition");
    return oscal_each(doc, &w.at, body, "components", read_component, &w);
}
