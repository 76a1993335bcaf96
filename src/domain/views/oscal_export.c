/* oscal_export.c: OSCAL 1.2.1 documents from the registers (see
 * oscal_export.h). Each model reads what it needs into the request's
 * arena, then writes through the streaming JSON writer. */
#include "domain/views/oscal_export.h"
#include "domain/registers/registers.h"
#include "domain/views/collect.h"
#include "domain/views/frameworks.h"
#include "core/buf.h"
#include "core/sha256.h"
#include "core/strmap.h"
#include "core/text.h"
#include "formats/jsonw.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char *const oscal_export_models[] = { "catalog", "profile", "ssp", "mapping", NULL };

/* ---- uuids and ids ---- */

static void uuid_text(unsigned char b[16], char out[37], int version)
{
    b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

void oscal_uuid_random(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    uuid_text(b, out, 4);
}

void oscal_uuid_named(const char *name, char out[37])
{
    buf in;
    buf_init(&in);
    buf_printf(&in, "isms-oscal:%s", name);
    unsigned char h[32];
    sha256(buf_str(&in), in.len, h);
    buf_reset(&in);
    uuid_text(h, out, 5);
}

/* ---- what every model writes ---- */

/* A framework named by the export's options. */
typedef struct fw_pick {
    int64_t id; /* 0: none named */
    const char *name, *title, *edition;
    const char *oscal; /* what an import kept of the catalog (JSON), or NULL */
} fw_pick;

typedef struct ox {
    dom *d;
    arena *a;
    jw *w; /* made by begin(), once everything is read */
    FILE *f;
    char now[21];
    const char *org; /* the organisation's name */
    /* the framework, when one is named */
    fw_pick fw;
    /* mapping: the framework whose crosswalks are written (0: the controls) */
    fw_pick src;
} ox;

/* The uuid of thing `a` (of `b`, when given) of a kind. */
static const char *named(ox *x, const char *kind, const char *a, const char *b)
{
    char *u = arena_alloc(x->a, 37);
    const char *name =
        b ? arena_printf(x->a, "%s:%s>%s", kind, a, b) : arena_printf(x->a, "%s:%s", kind, a);
    oscal_uuid_named(name, u);
    return u;
}

/* A prop; nothing when the value is empty (OSCAL strings may not be). */
static void prop(jw *w, const char *name, const char *ns, const char *text, const char *remarks)
{
    if (!text || !*text)
        return;
    jw_object(w, NULL);
    jw_str(w, "name", name);
    if (ns)
        jw_str(w, "ns", ns);
    jw_str(w, "value", text);
    if (remarks && *remarks)
        jw_str(w, "remarks", remarks);
    jw_end(w);
}

static void str_if(jw *w, const char *name, const char *s)
{
    if (s && *s)
        jw_str(w, name, s);
}

/* Opens the document: {"MODEL": {"uuid": ..., "metadata": {...  (left
 * open for the model's own metadata members). */
static void begin(ox *x, const char *model, const char *title, const char *version)
{
    char u[37];
    oscal_uuid_random(u);
    x->w = jw_stream(x->f);
    jw_object(x->w, NULL);
    jw_object(x->w, model);
    jw_str(x->w, "uuid", u);
    jw_object(x->w, "metadata");
    jw_str(x->w, "title", title);
    jw_str(x->w, "last-modified", x->now);
    jw_str(x->w, "version", version && *version ? version : "1.0");
    jw_str(x->w, "oscal-version", OSCAL_VERSION);
}

static void finish(ox *x)
{
    jw_end(x->w);
    jw_end(x->w);
}

/* The active framework `typed` names (the option's value) into r. */
static int framework_record(ox *x, const char *typed, const char *option, record *r, isms_err *e)
{
    const char *key;
    int retired;
    int64_t id;
    int rc = dom_find(x->d, &reg_framework, typed, &id, &key, &retired, e);
    if (!rc && (!id || retired))
        rc = err_set(e, E_NOT_FOUND, option, "%s: there is no %sframework %s", option,
                     id ? "active " : "", typed);
    if (rc)
        return rc;
    return store_get_id(dom_store(x->d), &reg_framework, id, r, x->a, e);
}

/* The framework `name` names (nothing when NULL), read into *out. */
static fw_pick fw_pick_of(const record *r)
{
    return (fw_pick){ .id = r->id,
                      .name = record_text(r, F_FRAMEWORK_NAME),
                      .title = record_text(r, F_FRAMEWORK_TITLE),
                      .edition = record_text(r, F_FRAMEWORK_EDITION),
                      .oscal = record_text(r, F_FRAMEWORK_OSCAL) };
}

static int pick_framework(ox *x, const char *name, const char *field, fw_pick *out, isms_err *e)
{
    if (!name)
        return 0;
    record r;
    int rc = framework_record(x, name, field, &r, e);
    if (rc == 0)
        *out = fw_pick_of(&r);
    return rc;
}

static int find_frameworks(ox *x, const oscal_export_spec *spec, isms_err *e)
{
    int rc = pick_framework(x, spec->framework, "framework", &x->fw, e);
    if (rc)
        return rc;
    return pick_framework(x, spec->source, "source", &x->src, e);
}

static int need_framework(const char *framework, const char *model, isms_err *e)
{
    return framework ? 0
                     : err_set(e, E_USAGE, "framework",
                               "framework: an OSCAL %s is of one framework: give --framework NAME",
                               model);
}

static const char *catalog_href(ox *x, const char *framework)
{
    return arena_printf(x->a, "%s-catalog.json", framework ? framework : "isms-controls");
}

/* ---- catalog: the internal control set ---- */

/* A control's prose as its statement part (none when there is none). */
static void statement_part(ox *x, const char *id, const char *prose)
{
    if (!prose || !*prose)
        return;
    jw *w = x->w;
    jw_array(w, "parts");
    jw_object(w, NULL);
    jw_str(w, "id", arena_printf(x->a, "%s_smt", id));
    jw_str(w, "name", "statement");
    jw_str(w, "prose", prose);
    jw_end(w);
    jw_end(w);
}

static const char *person_key(const recs *people, int64_t id)
{
    const record *p = recs_by_id(people, id);
    return p ? p->key : NULL;
}

static const char *person_name(const recs *people, int64_t id)
{
    const record *p = recs_by_id(people, id);
    return p ? record_text(p, F_PERSON_NAME) : NULL;
}

static void write_control(ox *x, const record *c, const recs *people)
{
    jw *w = x->w;
    const char *id = requirement_oscal_id(x->a, "", c->key);
    jw_object(w, NULL);
    jw_str(w, "id", id);
    jw_str(w, "class", "isms-control");
    jw_str(w, "title", record_text(c, F_CONTROL_TITLE));
    jw_array(w, "props");
    prop(w, "label", NULL, c->key, NULL);
    prop(w, "status", OSCAL_ISMS_NS, record_text(c, F_CONTROL_STATUS), NULL);
    const value *owner = record_cval(c, F_CONTROL_OWNER);
    prop(w, "owner", OSCAL_ISMS_NS, person_key(people, owner->i), person_name(people, owner->i));
    prop(w, "automation", OSCAL_ISMS_NS, record_text(c, F_CONTROL_AUTOMATION), NULL);
    prop(w, "effectiveness", OSCAL_ISMS_NS, record_text(c, F_CONTROL_EFFECTIVENESS), NULL);
    jw_end(w);
    statement_part(x, id, record_text(c, F_CONTROL_DESCRIPTION));
    jw_end(w);
}

static int export_controls(ox *x, isms_err *e)
{
    recs ctls, people;
    int rc = recs_load(x->d, &reg_control, 0, 0, &ctls, e);
    if (!rc)
        rc = recs_load(x->d, &reg_person, 0, 0, &people, e);
    if (rc)
        return rc;
    begin(x, "catalog", arena_printf(x->a, "%s: internal control set", x->org), NULL);
    jw_array(x->w, "props");
    prop(x->w, "controls", OSCAL_ISMS_NS, arena_printf(x->a, "%d", ctls.n), NULL);
    jw_end(x->w);
    jw_end(x->w);
    /* The register's one grouping: the control's type. */
    const char *const *types = field_def(&reg_control, F_CONTROL_TYPE)->choices;
    if (!ctls.n) {
        finish(x);
        return 0;
    }
    jw_array(x->w, "groups");
    for (int t = 0; types[t]; t++) {
        int any = 0;
        for (int i = 0; i < ctls.n; i++) {
            if (strcmp(record_text(&ctls.r[i], F_CONTROL_TYPE), types[t]))
                continue;
            if (!any++) {
                jw_object(x->w, NULL);
                jw_str(x->w, "id", types[t]);
                jw_str(x->w, "class", "control-type");
                jw_str(x->w, "title",
                       arena_printf(x->a, "%c%s controls", toupper((unsigned char)types[t][0]),
                                    types[t] + 1));
                jw_array(x->w, "controls");
            }
            write_control(x, &ctls.r[i], &people);
        }
        if (any) {
            jw_end(x->w);
            jw_end(x->w);
        }
    }
    jw_end(x->w);
    finish(x);
    return 0;
}

/* ---- catalog: a framework's requirements, nested by parent ---- */

typedef struct tree {
    const recs *reqs;
    int *first, *next; /* children of requirement i: first[i], then next[] */
    int top;           /* the first top-level requirement (-1: none) */
} tree;

static tree requirement_tree(ox *x, const recs *reqs)
{
    size_t n = (size_t)(reqs->n ? reqs->n : 1);
    tree t = { reqs, arena_alloc(x->a, n * sizeof(int)), arena_alloc(x->a, n * sizeof(int)), -1 };
    strmap codes;
    strmap_init(&codes);
    for (int i = 0; i < reqs->n; i++) {
        t.first[i] = t.next[i] = -1;
        *strmap_slot_for(&codes, record_text(&reqs->r[i], F_REQUIREMENT_CODE)) = &reqs->r[i];
    }
    /* Backwards, so that each list comes out in the framework's order. */
    for (int i = reqs->n - 1; i >= 0; i--) {
        const char *parent = record_text(&reqs->r[i], F_REQUIREMENT_PARENT);
        const record *p = parent ? strmap_get(&codes, parent) : NULL;
        int *head = p ? &t.first[p - reqs->r] : &t.top;
        t.next[i] = *head;
        *head = i;
    }
    strmap_reset(&codes);
    return t;
}

static void requirement_body(ox *x, const record *q, const char *id, const char *code)
{
    jw *w = x->w;
    const char *level = record_text(q, F_REQUIREMENT_LEVEL);
    if (level && *level)
        jw_str(w, "class", requirement_oscal_id(x->a, "", level));
    jw_array(w, "props");
    prop(w, "label", NULL, code, NULL);
    if (record_int(q, F_REQUIREMENT_WITHDRAWN))
        prop(w, "status", NULL, "withdrawn", NULL);
    if (!record_int(q, F_REQUIREMENT_ASSESSABLE))
        prop(w, "assessable", OSCAL_ISMS_NS, "no", NULL);
    const value *b = record_cval(q, F_REQUIREMENT_BASELINES);
    for (int k = 0; k < b->n; k++)
        prop(w, "baseline", OSCAL_ISMS_NS, b->keys[k], NULL);
    jw_end(w);
    statement_part(x, id, record_text(q, F_REQUIREMENT_STATEMENT));
}

static void write_requirement(ox *x, const tree *t, int i)
{
    jw *w = x->w;
    const record *q = &t->reqs->r[i];
    const char *code = record_text(q, F_REQUIREMENT_CODE);
    const char *id = requirement_oscal_id(x->a, x->fw.name, code);
    jw_object(w, NULL);
    jw_str(w, "id", id);
    jw_str(w, "title", record_text(q, F_REQUIREMENT_TITLE));
    /* What an import kept (class, params, props, links, parts) goes back
     * as it came; isms's own requirements are written from their fields. */
    if (!jw_members(w, record_text(q, F_REQUIREMENT_OSCAL), NULL, NULL))
        requirement_body(x, q, id, code);
    if (t->first[i] >= 0) {
        jw_array(w, "controls");
        for (int k = t->first[i]; k >= 0; k = t->next[k])
            write_requirement(x, t, k);
        jw_end(w);
    }
    jw_end(w);
}

static int export_framework_catalog(ox *x, isms_err *e)
{
    recs reqs;
    int rc = recs_load(x->d, &reg_requirement, F_REQUIREMENT_FRAMEWORK, x->fw.id, &reqs, e);
    if (rc)
        return rc;
    tree t = requirement_tree(x, &reqs);
    begin(x, "catalog", x->fw.title, x->fw.edition);
    /* An imported catalog's metadata, params and back-matter go back. */
    if (!jw_members(x->w, x->fw.oscal, "metadata", NULL)) {
        jw_array(x->w, "props");
        prop(x->w, "framework", OSCAL_ISMS_NS, x->fw.name, NULL);
        jw_end(x->w);
    }
    jw_end(x->w);
    static const char *const but_params[] = { "metadata", "back-matter", NULL };
    jw_members(x->w, x->fw.oscal, NULL, but_params);
    if (t.top >= 0) {
        jw_array(x->w, "controls");
        for (int i = t.top; i >= 0; i = t.next[i])
            write_requirement(x, &t, i);
        jw_end(x->w);
    }
    jw_members(x->w, x->fw.oscal, NULL, (const char *const[]){ "metadata", "params", NULL });
    finish(x);
    return 0;
}

/* ---- profile: the framework's SoA ---- */

/* What the profile selects: the SoA in force, else every assessable
 * requirement in force of the framework. */
typedef struct selection {
    const char *soa, *status; /* NULL without an SoA */
    soa_row *rows;
    int n, applicable;
} selection;

static int select_requirements(ox *x, selection *s, isms_err *e)
{
    *s = (selection){ 0 };
    int rc = dom_soa_in_force(x->d, x->fw.id, &s->soa, e);
    soa_doc doc;
    if (!rc && s->soa)
        rc = dom_soa_doc(x->d, s->soa, &doc, e);
    if (!rc && s->soa) {
        s->status = doc.status;
        s->rows = doc.rows;
        s->n = doc.n;
        s->applicable = doc.applicable;
    }
    recs reqs = { 0 };
    if (!rc && !s->soa)
        rc = recs_load(x->d, &reg_requirement, F_REQUIREMENT_FRAMEWORK, x->fw.id, &reqs, e);
    if (rc)
        return rc;
    if (!s->soa)
        s->rows = arena_alloc(x->a, sizeof *s->rows * (size_t)(reqs.n ? reqs.n : 1));
    for (int i = 0; i < reqs.n; i++) {
        const record *q = &reqs.r[i];
        if (!record_int(q, F_REQUIREMENT_ASSESSABLE) || record_int(q, F_REQUIREMENT_WITHDRAWN))
            continue;
        s->rows[s->n++] = (soa_row){ .key = q->key,
                                     .code = record_text(q, F_REQUIREMENT_CODE),
                                     .title = record_text(q, F_REQUIREMENT_TITLE),
                                     .applicable = 1 };
        s->applicable++;
    }
    if (!s->applicable)
        return err_set(e, E_INVALID, "framework",
                       "framework: nothing of %s applies%s%s: a profile must select at least "
                       "one requirement",
                       x->fw.name, s->soa ? " in " : "", s->soa ? s->soa : "");
    return 0;
}

static void with_ids(ox *x, const char *member, const selection *s, int applicable)
{
    jw_array(x->w, member);
    jw_object(x->w, NULL);
    jw_array(x->w, "with-ids");
    for (int i = 0; i < s->n; i++)
        if (s->rows[i].applicable == applicable)
            jw_str(x->w, NULL, requirement_oscal_id(x->a, x->fw.name, s->rows[i].code));
    jw_end(x->w);
    jw_end(x->w);
    jw_end(x->w);
}

/* What the SoA says of each requirement that applies: its implementation,
 * and why it is included, as props the profile adds to the control. */
static void soa_alters(ox *x, const selection *s)
{
    jw *w = x->w;
    jw_object(w, "modify");
    jw_array(w, "alters");
    for (int i = 0; i < s->n; i++) {
        const soa_row *r = &s->rows[i];
        if (!r->applicable)
            continue;
        jw_object(w, NULL);
        jw_str(w, "control-id", requirement_oscal_id(x->a, x->fw.name, r->code));
        jw_array(w, "adds");
        jw_object(w, NULL);
        jw_str(w, "position", "ending");
        jw_array(w, "props");
        prop(w, "implementation-status", OSCAL_ISMS_NS,
             r->implementation ? r->implementation : "planned", r->justification);
        prop(w, "controls", OSCAL_ISMS_NS, r->controls, NULL);
        prop(w, "risks", OSCAL_ISMS_NS, r->risks, NULL);
        jw_end(w);
        jw_end(w);
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w);
}

static int export_profile(ox *x, isms_err *e)
{
    selection s;
    int rc = select_requirements(x, &s, e);
    if (rc)
        return rc;
    const char *title = s.soa ? arena_printf(x->a, "Statement of Applicability: %s", x->fw.title)
                              : arena_printf(x->a, "Every assessable requirement: %s", x->fw.title);
    begin(x, "profile", title, s.soa ? s.soa : "1.0");
    jw *w = x->w;
    jw_array(w, "props");
    prop(w, "framework", OSCAL_ISMS_NS, x->fw.name, NULL);
    prop(w, "soa", OSCAL_ISMS_NS, s.soa, NULL);
    prop(w, "soa-status", OSCAL_ISMS_NS, s.status, NULL);
    /* An exclusion with its justification: ISO/IEC 27001 Cl. 6.1.3 d. */
    for (int i = 0; i < s.n; i++)
        if (!s.rows[i].applicable)
            prop(w, "excluded", OSCAL_ISMS_NS,
                 requirement_oscal_id(x->a, x->fw.name, s.rows[i].code), s.rows[i].justification);
    jw_end(w);
    jw_end(w);
    const char *resource = named(x, "catalog", x->fw.name, NULL);
    jw_array(w, "imports");
    jw_object(w, NULL);
    jw_str(w, "href", arena_printf(x->a, "#%s", resource));
    with_ids(x, "include-controls", &s, 1);
    if (s.applicable < s.n)
        with_ids(x, "exclude-controls", &s, 0);
    jw_end(w);
    jw_end(w);
    jw_object(w, "merge");
    jw_bool(w, "as-is", 1);
    jw_end(w);
    if (s.soa)
        soa_alters(x, &s);
    jw_object(w, "back-matter");
    jw_array(w, "resources");
    jw_object(w, NULL);
    jw_str(w, "uuid", resource);
    jw_str(w, "title", x->fw.title);
    jw_array(w, "rlinks");
    jw_object(w, NULL);
    jw_str(w, "href", catalog_href(x, x->fw.name));
    jw_str(w, "media-type", "application/oscal.catalog+json");
    jw_end(w);
    jw_end(w);
    jw_end(w);
    jw_end(w);
    jw_end(w);
    finish(x);
    return 0;
}

/* ---- ssp: a system security plan for a framework ---- */

typedef struct ssp {
    recs ctls, people, assets, maps, scopes;
    const record *scope; /* the approved scope, else the newest draft, or NULL */
    strmap onto;         /* requirement id -> 1 + the first mapping onto it */
    int *next;           /* the next mapping onto the same requirement, -1 */
    cov_report cov;
    const char *system; /* the this-system component's uuid */
} ssp;

/* BSI protection needs as FIPS 199 levels: the nearest, not the same. */
static const char *fips199(int level)
{
    static const char *const levels[] = { "fips-199-low", "fips-199-moderate", "fips-199-high" };
    return levels[level < 0 ? 0 : level > 2 ? 2 : level];
}

static int protection(const record *asset, int fid)
{
    return choice_index(field_def(&reg_asset, fid)->choices, record_text(asset, fid));
}

static int highest(const recs *assets, int fid)
{
    int best = 0;
    for (int i = 0; i < assets->n; i++) {
        int l = protection(&assets->r[i], fid);
        best = l > best ? l : best;
    }
    return best;
}

/* A record id as a key of a strmap. */
static const char *id_text(ox *x, int64_t id) { return arena_printf(x->a, "%lld", (long long)id); }

static int ssp_load(ox *x, ssp *s, isms_err *e)
{
    memset(s, 0, sizeof *s);
    int rc = recs_load(x->d, &reg_control, 0, 0, &s->ctls, e);
    if (!rc)
        rc = recs_load(x->d, &reg_person, 0, 0, &s->people, e);
    if (!rc)
        rc = recs_load(x->d, &reg_asset, 0, 0, &s->assets, e);
    if (!rc)
        rc = recs_load(x->d, &reg_mapping, 0, 0, &s->maps, e);
    if (!rc)
        rc = recs_load(x->d, &reg_scope, 0, 0, &s->scopes, e);
    if (!rc)
        rc = dom_coverage(x->d, x->fw.name, &s->cov, e);
    if (rc)
        return rc;
    for (int i = 0; i < s->scopes.n; i++) {
        const char *st = record_text(&s->scopes.r[i], F_SCOPE_STATUS);
        if (!strcmp(st, "approved") || (!strcmp(st, "draft") && !s->scope))
            s->scope = &s->scopes.r[i];
    }
    int in = 0;
    for (int i = 0; i < s->cov.nitems; i++)
        in += s->cov.items[i].state != COV_EXCLUDED;
    if (!in)
        return err_set(e, E_INVALID, "framework",
                       "framework: nothing of %s applies: a plan must implement at least one "
                       "requirement",
                       x->fw.name);
    strmap_init(&s->onto);
    s->next = arena_alloc(x->a, sizeof(int) * (size_t)(s->maps.n ? s->maps.n : 1));
    for (int i = s->maps.n - 1; i >= 0; i--) {
        const record *m = &s->maps.r[i];
        if (!record_int(m, F_MAPPING_CONTROL))
            continue;
        void **slot = strmap_slot_for(&s->onto, id_text(x, record_int(m, F_MAPPING_TARGET)));
        s->next[i] = (int)(intptr_t)*slot - 1;
        *slot = (void *)(intptr_t)(i + 1);
    }
    return 0;
}

static const char *scope_text(const ssp *s, int fid)
{
    const char *t = s->scope ? record_text(s->scope, fid) : NULL;
    return t && *t ? t : NULL;
}

static void ssp_metadata(ox *x, const ssp *s)
{
    jw *w = x->w;
    jw_array(w, "roles");
    for (int i = 0; role_names[i]; i++) {
        jw_object(w, NULL);
        jw_str(w, "id", role_names[i]);
        jw_str(w, "title", role_names[i]);
        jw_end(w);
    }
    jw_end(w);
    jw_array(w, "parties");
    const char *org = named(x, "org", x->org, NULL);
    jw_object(w, NULL);
    jw_str(w, "uuid", org);
    jw_str(w, "type", "organization");
    jw_str(w, "name", x->org);
    jw_end(w);
    for (int i = 0; i < s->people.n; i++) {
        const record *p = &s->people.r[i];
        jw_object(w, NULL);
        jw_str(w, "uuid", named(x, "person", p->key, NULL));
        jw_str(w, "type", "person");
        jw_str(w, "name", record_text(p, F_PERSON_NAME));
        jw_array(w, "props");
        prop(w, "key", OSCAL_ISMS_NS, p->key, NULL);
        jw_end(w);
        const char *mail = record_text(p, F_PERSON_EMAIL);
        if (mail && *mail) {
            jw_array(w, "email-addresses");
            jw_str(w, NULL, mail);
            jw_end(w);
        }
        jw_array(w, "member-of-organizations");
        jw_str(w, NULL, org);
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
    jw_end(w); /* metadata */
}

static void impact(jw *w, const char *name, int level)
{
    jw_object(w, name);
    jw_str(w, "base", fips199(level));
    jw_end(w);
}

static void information_type(ox *x, const char *uuid, const char *title, const char *desc,
                             const int cia[3])
{
    jw *w = x->w;
    jw_object(w, NULL);
    jw_str(w, "uuid", uuid);
    jw_str(w, "title", title);
    jw_str(w, "description", desc && *desc ? desc : title);
    impact(w, "confidentiality-impact", cia[0]);
    impact(w, "integrity-impact", cia[1]);
    impact(w, "availability-impact", cia[2]);
    jw_end(w);
}

/* Information assets are the plan's information types; without any, one
 * type stands for what the scope holds. */
static void system_information(ox *x, const ssp *s, const int cia[3])
{
    jw *w = x->w;
    jw_object(w, "system-information");
    jw_array(w, "information-types");
    int any = 0;
    for (int i = 0; i < s->assets.n; i++) {
        const record *a = &s->assets.r[i];
        if (strcmp(record_text(a, F_ASSET_TYPE), "information"))
            continue;
        int own[3] = { protection(a, F_ASSET_CONFIDENTIALITY), protection(a, F_ASSET_INTEGRITY),
                       protection(a, F_ASSET_AVAILABILITY) };
        information_type(x, named(x, "asset", a->key, NULL), record_text(a, F_ASSET_NAME),
                         record_text(a, F_ASSET_DESCRIPTION), own);
        any = 1;
    }
    if (!any)
        information_type(x, named(x, "information", x->org, NULL),
                         "Information within the scope of the ISMS", NULL, cia);
    jw_end(w);
    jw_end(w);
}

static void system_characteristics(ox *x, const ssp *s)
{
    jw *w = x->w;
    int cia[3] = { highest(&s->assets, F_ASSET_CONFIDENTIALITY),
                   highest(&s->assets, F_ASSET_INTEGRITY),
                   highest(&s->assets, F_ASSET_AVAILABILITY) };
    int top = cia[0] > cia[1] ? cia[0] : cia[1];
    top = top > cia[2] ? top : cia[2];
    const char *statement = scope_text(s, F_SCOPE_STATEMENT);
    jw_object(w, "system-characteristics");
    jw_array(w, "system-ids");
    jw_object(w, NULL);
    jw_str(w, "identifier-type", "https://ietf.org/rfc/rfc4122");
    jw_str(w, "id", named(x, "system", x->org, NULL));
    jw_end(w);
    jw_end(w);
    jw_str(w, "system-name", x->org);
    jw_str(w, "description",
           statement
               ? statement
               : arena_printf(x->a, "The information security management system of %s.", x->org));
    if (s->scope) {
        jw_array(w, "props");
        prop(w, "scope", OSCAL_ISMS_NS, s->scope->key, NULL);
        jw_end(w);
    }
    jw_str(w, "security-sensitivity-level", fips199(top));
    system_information(x, s, cia);
    jw_object(w, "security-impact-level");
    jw_str(w, "security-objective-confidentiality", fips199(cia[0]));
    jw_str(w, "security-objective-integrity", fips199(cia[1]));
    jw_str(w, "security-objective-availability", fips199(cia[2]));
    jw_end(w);
    jw_object(w, "status");
    int approved = s->scope && !strcmp(record_text(s->scope, F_SCOPE_STATUS), "approved");
    jw_str(w, "state", approved ? "operational" : "under-development");
    jw_end(w);
    jw_object(w, "authorization-boundary");
    const char *bounds = scope_text(s, F_SCOPE_BOUNDARIES);
    jw_str(w, "description",
           bounds      ? bounds
           : statement ? statement
                       : "No approved scope states the boundary yet.");
    str_if(w, "remarks", scope_text(s, F_SCOPE_EXCLUSIONS));
    jw_end(w);
    jw_end(w);
}

/* isms asset types as OSCAL component types (information and people are
 * not components: the former are information types, the latter parties). */
static const char *component_type(const char *asset_type)
{
    static const char *const map[][2] = {
        { "process", "process-procedure" }, { "system", "system" }, { "application", "software" },
        { "service", "service" },           { "site", "physical" }, { "ai-system", "software" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(map[i][0], asset_type))
            return map[i][1];
    return NULL;
}

static void responsible(ox *x, const char *role, const char *who)
{
    jw *w = x->w;
    jw_array(w, "responsible-roles");
    jw_object(w, NULL);
    jw_str(w, "role-id", role);
    jw_array(w, "party-uuids");
    jw_str(w, NULL, named(x, "person", who, NULL));
    jw_end(w);
    jw_end(w);
    jw_end(w);
}

static void component(ox *x, const char *uuid, const char *type, const char *title,
                      const char *desc, const char *key, const char *owner)
{
    jw *w = x->w;
    jw_object(w, NULL);
    jw_str(w, "uuid", uuid);
    jw_str(w, "type", type);
    jw_str(w, "title", title);
    jw_str(w, "description", desc && *desc ? desc : title);
    if (key) {
        jw_array(w, "props");
        prop(w, "asset", OSCAL_ISMS_NS, key, NULL);
        jw_end(w);
    }
    jw_object(w, "status");
    jw_str(w, "state", "operational");
    jw_end(w);
    if (owner)
        responsible(x, "asset-owner", owner);
    jw_end(w);
}

static void system_implementation(ox *x, ssp *s)
{
    jw *w = x->w;
    jw_object(w, "system-implementation");
    jw_array(w, "users");
    for (int i = 0; role_names[i]; i++) {
        jw_object(w, NULL);
        jw_str(w, "uuid", named(x, "role", role_names[i], NULL));
        jw_str(w, "title", role_names[i]);
        jw_array(w, "role-ids");
        jw_str(w, NULL, role_names[i]);
        jw_end(w);
        jw_end(w);
    }
    jw_end(w);
    jw_array(w, "components");
    s->system = named(x, "this-system", x->org, NULL);
    component(x, s->system, "this-system", x->org,
              scope_text(s, F_SCOPE_STATEMENT) ? scope_text(s, F_SCOPE_STATEMENT)
                                               : "The organisation's ISMS in scope.",
              NULL, NULL);
    for (int i = 0; i < s->assets.n; i++) {
        const record *a = &s->assets.r[i];
        const char *type = component_type(record_text(a, F_ASSET_TYPE));
        if (type)
            component(x, named(x, "asset", a->key, NULL), type, record_text(a, F_ASSET_NAME),
                      record_text(a, F_ASSET_DESCRIPTION), a->key,
                      person_key(&s->people, record_int(a, F_ASSET_OWNER)));
    }
    jw_end(w);
    jw_end(w);
}

static const char *control_state(const record *c)
{
    const char *st = record_text(c, F_CONTROL_STATUS);
    return !strcmp(st, "implemented") || !strcmp(st, "operating") ? "implemented" : "planned";
}

static void by_component(ox *x, const ssp *s, const cov_item *it, const record *m, const record *c)
{
    jw *w = x->w;
    jw_object(w, NULL);
    jw_str(w, "component-uuid", s->system);
    jw_str(w, "uuid", named(x, "by-component", c->key, it->key));
    const char *desc = record_text(c, F_CONTROL_DESCRIPTION);
    jw_str(w, "description",
           arena_printf(x->a, "%s %s%s%s", c->key, record_text(c, F_CONTROL_TITLE),
                        desc && *desc ? ": " : "", desc && *desc ? desc : ""));
    jw_array(w, "props");
    prop(w, "control", OSCAL_ISMS_NS, c->key, NULL);
    prop(w, "relationship", OSCAL_ISMS_NS, record_text(m, F_MAPPING_RELATIONSHIP), NULL);
    prop(w, "status", OSCAL_ISMS_NS, record_text(c, F_CONTROL_STATUS), NULL);
    jw_end(w);
    jw_object(w, "implementation-status");
    jw_str(w, "state", control_state(c));
    jw_end(w);
    responsible(x, "control-owner", person_key(&s->people, record_int(c, F_CONTROL_OWNER)));
    jw_end(w);
}

/* Coverage's verdict as the plan's status: covered whole is implemented,
 * partly is partial, not at all is planned. */
static const char *coverage_state(cov_state st)
{
    return st == COV_COVERED ? "implemented" : st == COV_PARTIAL ? "partial" : "planned";
}

static void implemented_requirement(ox *x, const ssp *s, const cov_item *it)
{
    jw *w = x->w;
    jw_object(w, NULL);
    jw_str(w, "uuid", named(x, "implemented-requirement", x->fw.name, it->code));
    jw_str(w, "control-id", requirement_oscal_id(x->a, x->fw.name, it->code));
    jw_array(w, "props");
    prop(w, "implementation-status", OSCAL_ISMS_NS, coverage_state(it->state), it->why);
    jw_end(w);
    int first = (int)(intptr_t)strmap_get(&s->onto, id_text(x, it->id)) - 1, any = 0;
    for (int i = first; i >= 0; i = s->next[i]) {
        const record *m = &s->maps.r[i];
        const record *c = recs_by_id(&s->ctls, record_int(m, F_MAPPING_CONTROL));
        if (!c)
            continue; /* retired: coverage says so in the remarks */
        if (!any++)
            jw_array(w, "by-components");
        by_component(x, s, it, m, c);
    }
    if (any)
        jw_end(w);
    else
        jw_str(w, "remarks", it->why);
    jw_end(w);
}

static void write_ssp(ox *x, ssp *s)
{
    begin(x, "system-security-plan",
          arena_printf(x->a, "System Security Plan: %s, %s", x->org, x->fw.title), NULL);
    jw *w = x->w;
    ssp_metadata(x, s);
    jw_object(w, "import-profile");
    jw_str(w, "href", arena_printf(x->a, "%s-profile.json", x->fw.name));
    jw_end(w);
    system_characteristics(x, s);
    system_implementation(x, s);
    jw_object(w, "control-implementation");
    jw_str(w, "description",
           arena_printf(x->a,
                        "How %s meets %s: one implemented requirement per requirement that "
                        "applies, with the controls of its ISMS behind it.",
                        x->org, x->fw.title));
    jw_array(w, "implemented-requirements");
    for (int i = 0; i < s->cov.nitems; i++)
        if (s->cov.items[i].state != COV_EXCLUDED)
            implemented_requirement(x, s, &s->cov.items[i]);
    jw_end(w);
    jw_end(w);
    finish(x);
    strmap_reset(&s->onto);
}

static int export_ssp(ox *x, isms_err *e)
{
    ssp s;
    int rc = ssp_load(x, &s, e);
    if (!rc)
        write_ssp(x, &s);
    return rc;
}

/* ---- mapping: the internal control set (or a framework) onto frameworks ---- */

/* What is mapped: the controls (source 0), or the requirements of the
 * source framework (crosswalks), each with its OSCAL id. */
typedef struct mapset {
    recs maps, from, fws;
    recs *reqs;        /* per framework (fws order): its requirements */
    const char *name;  /* the source: "isms-controls" or its framework's name */
    const char *title; /* and its title */
} mapset;

static int mapset_load(ox *x, mapset *m, isms_err *e)
{
    int rc = recs_load(x->d, &reg_mapping, 0, 0, &m->maps, e);
    if (!rc && x->src.id)
        rc = recs_load(x->d, &reg_requirement, F_REQUIREMENT_FRAMEWORK, x->src.id, &m->from, e);
    else if (!rc)
        rc = recs_load(x->d, &reg_control, 0, 0, &m->from, e);
    if (!rc)
        rc = recs_load(x->d, &reg_framework, 0, 0, &m->fws, e);
    if (rc)
        return rc;
    m->name = x->src.id ? x->src.name : "isms-controls";
    m->title = x->src.id ? x->src.title : arena_printf(x->a, "%s: internal control set", x->org);
    m->reqs = arena_alloc(x->a, sizeof *m->reqs * (size_t)(m->fws.n ? m->fws.n : 1));
    for (int i = 0; i < m->fws.n && !rc; i++)
        if (!x->fw.id || m->fws.r[i].id == x->fw.id)
            rc = recs_load(x->d, &reg_requirement, F_REQUIREMENT_FRAMEWORK, m->fws.r[i].id,
                           &m->reqs[i], e);
    return rc;
}

/* The source of mapping r, when it is of the set mapped: a control, or a
 * requirement of the source framework. */
static const record *source_of(ox *x, const mapset *m, const record *r)
{
    return recs_by_id(&m->from, record_int(r, x->src.id ? F_MAPPING_SOURCE : F_MAPPING_CONTROL));
}

/* Its OSCAL id. */
static const char *source_id(ox *x, const record *s)
{
    return x->src.id ? requirement_oscal_id(x->a, x->src.name, record_text(s, F_REQUIREMENT_CODE))
                     : requirement_oscal_id(x->a, "", s->key);
}

/* The mappings from the set onto framework i's requirements: the
 * requirement of each in reqs[] (NULL for the others). */
static int onto_framework(ox *x, const mapset *m, int i, const record **reqs)
{
    int n = 0;
    for (int k = 0; k < m->maps.n; k++) {
        const record *r = &m->maps.r[k];
        reqs[k] =
            source_of(x, m, r) ? recs_by_id(&m->reqs[i], record_int(r, F_MAPPING_TARGET)) : NULL;
        n += reqs[k] != NULL;
    }
    return n;
}

static void map_item(jw *w, const char *member, const char *id)
{
    jw_array(w, member);
    jw_object(w, NULL);
    jw_str(w, "type", "control");
    jw_str(w, "id-ref", id);
    jw_end(w);
    jw_end(w);
}

static void one_map(ox *x, const mapset *m, const char *fw, const record *r, const record *q)
{
    jw *w = x->w;
    const char *source = source_id(x, source_of(x, m, r));
    const char *code = record_text(q, F_REQUIREMENT_CODE);
    jw_object(w, NULL);
    jw_str(w, "uuid", named(x, "map", source, arena_printf(x->a, "%s:%s", fw, code)));
    jw_str(w, "relationship", record_text(r, F_MAPPING_RELATIONSHIP));
    map_item(w, "sources", source);
    map_item(w, "targets", requirement_oscal_id(x->a, fw, code));
    int64_t strength = record_int(r, F_MAPPING_STRENGTH);
    if (strength) {
        jw_array(w, "props");
        prop(w, "strength", OSCAL_ISMS_NS, arena_printf(x->a, "%lld", (long long)strength), NULL);
        jw_end(w);
    }
    str_if(w, "remarks", record_text(r, F_MAPPING_RATIONALE));
    jw_end(w);
}

static void resource(ox *x, const char *member, const char *name)
{
    jw_object(x->w, member);
    jw_str(x->w, "type", "catalog");
    jw_str(x->w, "href", catalog_href(x, name));
    jw_end(x->w);
}

static void one_mapping(ox *x, const mapset *m, int i, const record **reqs)
{
    jw *w = x->w;
    const char *fw = record_text(&m->fws.r[i], F_FRAMEWORK_NAME);
    jw_object(w, NULL);
    jw_str(w, "uuid", named(x, "mapping", m->name, fw));
    resource(x, "source-resource", m->name);
    resource(x, "target-resource", fw);
    jw_array(w, "maps");
    for (int k = 0; k < m->maps.n; k++)
        if (reqs[k])
            one_map(x, m, fw, &m->maps.r[k], reqs[k]);
    jw_end(w);
    jw_end(w);
}

/* Framework i is one the collection maps onto. */
static int wanted(ox *x, const mapset *m, int i, const record **reqs)
{
    return (!x->fw.id || m->fws.r[i].id == x->fw.id) && m->fws.r[i].id != x->src.id &&
           onto_framework(x, m, i, reqs) > 0;
}

static int export_mapping(ox *x, isms_err *e)
{
    mapset m = { 0 };
    int rc = mapset_load(x, &m, e);
    if (rc)
        return rc;
    const record **reqs = arena_alloc(x->a, sizeof *reqs * (size_t)(m.maps.n ? m.maps.n : 1));
    int any = 0;
    for (int i = 0; i < m.fws.n; i++)
        any += wanted(x, &m, i, reqs);
    if (!any)
        return err_set(e, E_NOT_FOUND, "framework",
                       "framework: nothing of %s is mapped onto %s: map it first (isms map add "
                       "... --to FRAMEWORK:ID --relationship R)",
                       m.name, x->fw.id ? x->fw.name : "any framework");
    begin(x, "mapping-collection",
          arena_printf(x->a, "%s onto %s", m.title, x->fw.id ? x->fw.title : "its frameworks"),
          NULL);
    jw *w = x->w;
    jw_end(w);
    jw_object(w, "provenance");
    jw_str(w, "method", "human");
    jw_str(w, "matching-rationale", "semantic");
    jw_str(w, "status", "complete");
    jw_str(w, "mapping-description",
           "The controls of the ISMS (or a framework's requirements) mapped onto the "
           "requirements of each framework by the people who run it, with NIST IR 8477 "
           "set-theory relationships.");
    jw_end(w);
    jw_array(w, "mappings");
    for (int i = 0; i < m.fws.n; i++)
        if (wanted(x, &m, i, reqs))
            one_mapping(x, &m, i, reqs);
    jw_end(w);
    finish(x);
    return 0;
}

/* ---- the door ---- */

int dom_oscal_export(dom *d, const oscal_export_spec *spec, FILE *f, isms_err *e)
{
    ox x = { .d = d, .a = dom_arena(d), .f = f };
    const char *model = spec->model;
    int kind = choice_index(oscal_export_models, model);
    if (kind < 0)
        return err_set(e, E_USAGE, "model",
                       "model: %s is not an OSCAL model isms exports (catalog, profile, ssp, "
                       "mapping)",
                       model);
    int rc = kind == 1 || kind == 2 ? need_framework(spec->framework, model, e) : 0;
    if (!rc && spec->source && kind != 3)
        rc = err_set(e, E_USAGE, "source",
                     "source: only a mapping collection has a source framework");
    if (!rc)
        rc = find_frameworks(&x, spec, e);
    record org;
    if (!rc && dom_get(d, &reg_org, "ORG", &org, NULL) == 0)
        x.org = record_text(&org, F_ORG_NAME);
    if (rc)
        return rc;
    if (!x.org || !*x.org)
        x.org = "The organisation";
    now_timestamp(x.now);
    switch (kind) {
    case 0: rc = x.fw.id ? export_framework_catalog(&x, e) : export_controls(&x, e); break;
    case 1: rc = export_profile(&x, e); break;
    case 2: rc = export_ssp(&x, e); break;
    default: rc = export_mapping(&x, e);
    }
    int wrc = x.w ? jw_stream_end(x.w) : 0;
    if (!rc && wrc)
        rc = err_set(e, E_IO, "FILE", "cannot write the OSCAL document: %m");
    return rc;
}
