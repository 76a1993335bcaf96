/* oscal_plan.c: system security plans, assessment results and POA&Ms
 * counted (see oscal_plan.h). */
#include "formats/oscal_plan.h"
#include "formats/oscal_internal.h"

#include <string.h>

typedef struct pwalk {
    const oscal_doc *doc;
    oscal_plan *p;
    jptr at;
    isms_err *e;
} pwalk;

/* The array `name` of obj (0 when absent; an error when it is there and
 * not an array). */
static int array_of(pwalk *w, const json_t *obj, const char *name, json_t **out)
{
    *out = json_object_get(obj, name);
    if (!*out || json_is_array(*out))
        return 0;
    size_t at = jptr_push(&w->at, name);
    int rc = oscal_fail(w->e, w->doc, E_INVALID, w->at.s, "%s must be an array", name);
    jptr_pop(&w->at, at);
    return rc;
}

static int count(pwalk *w, const json_t *obj, const char *name, int *n)
{
    json_t *a;
    int rc = array_of(w, obj, name, &a);
    *n += (int)json_array_size(a);
    return rc;
}

/* What by-components say, folded: -1 none yet, else the index of the
 * state in states[] (mixed ones make "partial"). */
static const char *const states[] = { "implemented", "partial", "planned", "alternative",
                                      "not-applicable" };

static int fold(int so_far, const char *state)
{
    int s = -1;
    for (int i = 0; i < 5 && state; i++)
        if (!strcmp(states[i], state))
            s = i;
    if (s < 0)
        return so_far;
    if (so_far < 0 || so_far == s)
        return s;
    return so_far <= 1 || s <= 1 ? 1 : so_far; /* some implemented: partial */
}

static int by_components(pwalk *w, const json_t *owner, oscal_plan_req *r, int *state)
{
    json_t *bcs, *bc;
    int rc = array_of(w, owner, "by-components", &bcs);
    size_t i;
    json_array_foreach(bcs, i, bc)
    {
        r->by_components++;
        *state = fold(*state, json_string_value(json_object_get(
                                  json_object_get(bc, "implementation-status"), "state")));
    }
    return rc;
}

static int implemented_requirement(pwalk *w, const json_t *ir)
{
    oscal_plan *p = w->p;
    const char *id = oscal_str(w->doc, ir, "control-id");
    if (!id || !*id)
        return oscal_fail(w->e, w->doc, E_INVALID, w->at.s,
                          "an implemented requirement needs a control-id");
    ARENA_GROW(w->doc->a, p->reqs, (size_t)p->implemented, p->cap, 64);
    oscal_plan_req *r = &p->reqs[p->implemented++];
    *r = (oscal_plan_req){ .control_id = id,
                           .where = arena_printf(w->doc->a, "%s: %s", w->doc->path, w->at.s) };
    int state = -1;
    int rc = by_components(w, ir, r, &state);
    json_t *stmts, *st;
    if (!rc)
        rc = array_of(w, ir, "statements", &stmts);
    size_t i;
    json_array_foreach(stmts, i, st)
    {
        r->statements++;
        if (!rc)
            rc = by_components(w, st, r, &state);
    }
    /* What the requirement itself states comes first; else its parts'. */
    const char *own = oscal_prop(ir, "implementation-status");
    r->state = arena_strdup(w->doc->a, own ? own : state >= 0 ? states[state] : NULL);
    p->statements += r->statements;
    p->by_components += r->by_components;
    return rc;
}

static int read_ssp(pwalk *w, const json_t *body)
{
    oscal_plan *p = w->p;
    const json_t *chars = json_object_get(body, "system-characteristics");
    const json_t *impl = json_object_get(body, "system-implementation");
    p->system_name = oscal_str(w->doc, chars, "system-name");
    p->profile = oscal_str(w->doc, json_object_get(body, "import-profile"), "href");
    int rc = count(w, impl, "components", &p->components);
    if (!rc)
        rc = count(w, impl, "users", &p->users);
    if (!rc)
        rc = count(w, impl, "inventory-items", &p->inventory_items);
    if (!rc)
        rc = count(w, json_object_get(chars, "system-information"), "information-types",
                   &p->information_types);
    json_t *irs, *ir;
    size_t at = jptr_push(&w->at, "control-implementation");
    if (!rc)
        rc = array_of(w, json_object_get(body, "control-implementation"),
                      "implemented-requirements", &irs);
    jptr_push(&w->at, "implemented-requirements");
    size_t i;
    json_array_foreach(irs, i, ir)
    {
        size_t back = jptr_index(&w->at, i);
        if (!rc)
            rc = implemented_requirement(w, ir);
        jptr_pop(&w->at, back);
    }
    jptr_pop(&w->at, at);
    return rc;
}

/* Observations, risks and findings: of each result, or of the POA&M. */
static int findings(pwalk *w, const json_t *holder)
{
    oscal_plan *p = w->p;
    int rc = count(w, holder, "observations", &p->observations);
    json_t *risks, *finds, *x;
    if (!rc)
        rc = array_of(w, holder, "risks", &risks);
    if (!rc)
        rc = array_of(w, holder, "findings", &finds);
    size_t i;
    json_array_foreach(risks, i, x)
    {
        const char *st = json_string_value(json_object_get(x, "status"));
        p->risks++;
        p->open_risks += st && (!strcmp(st, "open") || !strcmp(st, "investigating"));
    }
    json_array_foreach(finds, i, x)
    {
        const char *st = json_string_value(
            json_object_get(json_object_get(json_object_get(x, "target"), "status"), "state"));
        p->findings++;
        p->not_satisfied += st && !strcmp(st, "not-satisfied");
    }
    return rc;
}

static int read_results(pwalk *w, const json_t *body)
{
    json_t *results, *r;
    int rc = array_of(w, body, "results", &results);
    size_t i;
    json_array_foreach(results, i, r)
    {
        w->p->results++;
        if (!rc)
            rc = findings(w, r);
    }
    return rc;
}

static int read_poam(pwalk *w, const json_t *body)
{
    int rc = count(w, body, "poam-items", &w->p->poam_items);
    if (rc)
        return rc;
    return findings(w, body);
}

int oscal_plan_read(const oscal_doc *doc, oscal_plan *out, isms_err *e)
{
    *out = (oscal_plan){ .model = doc->model };
    json_t *body = oscal_body(doc);
    pwalk w = { .doc = doc, .p = out, .e = e };
    jptr_push(&w.at, oscal_model_name(doc->model));
    const json_t *meta = json_object_get(body, "metadata");
    out->uuid = oscal_str(doc, body, "uuid");
    out->title = oscal_str(doc, meta, "title");
    out->version = oscal_str(doc, meta, "version");
    out->oscal_version = doc->version;
    switch (doc->model) {
    case OSCAL_SYSTEM_SECURITY_PLAN: return read_ssp(&w, body);
    case OSCAL_ASSESSMENT_RESULTS: return read_results(&w, body);
    case OSCAL_POAM: return read_poam(&w, body);
    default:
        return oscal_fail(e, doc, E_USAGE, "/", "a %s is not a plan, assessment results or POA&M",
                          oscal_model_name(doc->model));
    }
}
