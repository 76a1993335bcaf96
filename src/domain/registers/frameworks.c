/* frameworks.c: framework catalogues, mappings and the Statement of
 * Applicability: vocabularies, fields, rules, and finding a framework or a
 * requirement by what people type. */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/text.h"

#include <stdio.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Sorted: a set reads back sorted, and the built-in records are written
 * as they read back. */
const char *const requirement_baselines[] = { "high", "low", "moderate", "privacy", NULL };
/* NIST IR 8477 set-theory relationships (as OSCAL 1.2's mapping model). */
const char *const mapping_relationships[] = { "equivalent-to", "equal-to",        "subset-of",
                                              "superset-of",   "intersects-with", NULL };
const char *const implementation_states[] = { "planned", "partial", "implemented", NULL };

int cov_relationship(const char *relationship)
{
    int rel = choice_index(mapping_relationships, relationship);
    return rel < 0 ? 4 : rel;
}

int cov_contribution(int retired, const char *status, const char *effectiveness, int rel)
{
    int whole = rel == 0 || rel == 1 || rel == 3; /* equivalent, equal, superset */
    effectiveness = effectiveness ? effectiveness : "";
    status = status ? status : "";
    if (retired || !strcmp(effectiveness, "ineffective"))
        return 0;
    int in_operation = !strcmp(status, "implemented") || !strcmp(status, "operating");
    return in_operation && whole && strcmp(effectiveness, "partially-effective") ? 2 : 1;
}

/* A statement of applicability states what applies (ISO/IEC 27001 Cl.
 * 6.1.3 d); a CSF profile states the current or the target outcomes, with
 * a tier. Each is a series of versions of its own. */
const char *const soa_profiles[] = { "statement", "current", "target", NULL };

static int rules_framework(struct dom *d, record *r, const record *old, isms_err *e);
static int rules_requirement(struct dom *d, record *r, const record *old, isms_err *e);
static int rules_mapping(struct dom *d, record *r, const record *old, isms_err *e);
static int rules_applicability(struct dom *d, record *r, const record *old, isms_err *e);
static int rules_soa(struct dom *d, record *r, const record *old, isms_err *e);

REGISTER(framework, FRAMEWORK, "frameworks", "FW", F_FRAMEWORK_NAME,
         "frameworks laid over the control set: ISO/IEC 27001, NIST CSF 2.0 and SP 800-53, "
         "NIS2, DORA, SOC 2, ISO/IEC 42001 built in, and your own",
         .check = rules_framework, .find = framework_find, .known_as = framework_known_as,
         .typed_as = "its name");
REGISTER(requirement, REQUIREMENT, "requirements", "REQ", F_REQUIREMENT_TITLE,
         "a framework's clauses, controls, subcategories and articles (FRAMEWORK:ID)",
         .check = rules_requirement, .find = requirement_find, .known_as = requirement_known_as,
         .typed_as = "FRAMEWORK:ID");
REGISTER(mapping, MAPPING, "mappings", "MAP", F_MAPPING_RATIONALE,
         "controls and requirements mapped onto requirements (NIST IR 8477 relationships)",
         .check = rules_mapping);

/* A statement supersedes the one approved before it in its series. */
APPROVAL_LIFECYCLE(soa_lifecycle, F_SOA, F_SOA_SERIES);
REGISTER(soa, SOA, "soas", "SOA", F_SOA_TITLE,
         "Statement of Applicability per framework, versioned, approved by the management body "
         "(isms soa generate)",
         .lifecycle = &soa_lifecycle, .check = rules_soa);
REGISTER(applicability, APPLICABILITY, "applicabilities", "APL", F_APPLICABILITY_JUSTIFICATION,
         "one requirement in a Statement of Applicability: applicable or not, and why",
         .check = rules_applicability);

/* ---- finding frameworks and requirements ---- */

typedef struct first_hit {
    int64_t id;
    const char *key;
    int retired;
    const char *code; /* match case-insensitively on the code, when set */
    arena *a;
} first_hit;

/* code's OSCAL id into id (room for strlen(code) + 2 bytes). */
static void oscal_id_into(char *id, const char *code, int lower)
{
    char *p = id;
    if (!isalpha((unsigned char)code[0]) && code[0] != '_')
        *p++ = '_';
    for (const char *c = code; *c; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch == ')')
            continue;
        if (ch == '(')
            *p++ = '.';
        else if (isalnum(ch) || ch == '.' || ch == '-' || ch == '_')
            *p++ = (char)(lower ? tolower(ch) : ch);
        else
            *p++ = '-';
    }
    *p = '\0';
}

const char *requirement_oscal_id(arena *a, const char *framework, const char *code)
{
    int lower = !strncmp(framework, "sp800-53", 8);
    char *id = arena_alloc(a, strlen(code) + 2);
    oscal_id_into(id, code, lower);
    return id;
}

/* Does a requirement's code match what was typed: in any case, or as its
 * OSCAL id (an OSCAL document names "ac-2.1" what the framework writes
 * "AC-2(1)", "_4.1" its "4.1")? */
static int code_matches(const char *code, const char *typed)
{
    if (!strcasecmp(code, typed))
        return 1;
    char id[256];
    if (strlen(code) + 2 > sizeof id)
        return 0;
    oscal_id_into(id, code, 0);
    return !strcasecmp(id, typed);
}

static int take_first(const record *r, void *ctx)
{
    first_hit *h = ctx;
    if (h->code && !code_matches(record_text(r, F_REQUIREMENT_CODE), h->code))
        return 0;
    h->id = r->id;
    h->key = arena_strdup(h->a, r->key);
    h->retired = r->retired_at != NULL;
    return 1;
}

/* The first record of reg matching the filters (retired ones too). */
static int scan_first(dom *d, const regdef *reg, const store_filter *f, int n, first_hit *h,
                      isms_err *e)
{
    store_query q = { .include_retired = 1, .filters = f, .nfilters = n };
    h->a = dom_arena(d);
    int rc = store_scan(dom_store(d), reg, &q, take_first, h, e);
    return rc == 1 ? 0 : rc;
}

/* Keys are PREFIX-N; anything else is a name. */
static int looks_like_key(const char *typed, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(typed, prefix, n) || typed[n] != '-' || !typed[n + 1])
        return 0;
    for (const char *p = typed + n + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

int framework_find(dom *d, const char *typed, int64_t *id, const char **key, int *retired,
                   isms_err *e)
{
    *id = 0;
    *key = typed;
    *retired = 0;
    if (looks_like_key(typed, reg_framework.key_prefix)) {
        *key = dom_key(d, typed);
        return store_lookup(dom_store(d), &reg_framework, *key, id, retired, e);
    }
    char *name = ascii_lower(arena_strdup(dom_arena(d), typed));
    store_filter f = { .field = field_def(&reg_framework, F_FRAMEWORK_NAME), .sval = name };
    first_hit h = { 0 };
    int rc = scan_first(d, &reg_framework, &f, 1, &h, e);
    if (rc || !h.id)
        return rc;
    *id = h.id;
    *key = h.key;
    *retired = h.retired;
    return 0;
}

/* A requirement by framework id and code: as written, else in any case
 * (what is typed on a command line was often upper-cased on its way). */
static int requirement_by_code(dom *d, int64_t fw, const char *code, first_hit *h, isms_err *e)
{
    store_filter f[2] = {
        { .field = field_def(&reg_requirement, F_REQUIREMENT_FRAMEWORK), .ival = fw },
        { .field = field_def(&reg_requirement, F_REQUIREMENT_CODE), .sval = code },
    };
    int rc = scan_first(d, &reg_requirement, f, 2, h, e);
    if (rc || h->id)
        return rc;
    h->code = code;
    return scan_first(d, &reg_requirement, f, 1, h, e);
}

int requirement_find(dom *d, const char *typed, int64_t *id, const char **key, int *retired,
                     isms_err *e)
{
    *id = 0;
    *key = typed;
    *retired = 0;
    const char *colon = strchr(typed, ':');
    if (!colon) {
        *key = dom_key(d, typed);
        return store_lookup(dom_store(d), &reg_requirement, *key, id, retired, e);
    }
    const char *fwname = arena_strndup(dom_arena(d), typed, (size_t)(colon - typed));
    int64_t fw;
    const char *fwkey;
    int fwretired;
    int rc = framework_find(d, fwname, &fw, &fwkey, &fwretired, e);
    if (rc || !fw)
        return rc;
    first_hit h = { 0 };
    rc = requirement_by_code(d, fw, colon + 1, &h, e);
    if (rc || !h.id)
        return rc;
    *id = h.id;
    *key = h.key;
    *retired = h.retired;
    return 0;
}

/* A framework's name is required: it is there when the framework is (and
 * store_label_of keeps it for the next reference: a list names FW-1 on
 * every row). */
int framework_known_as(dom *d, const char *key, const char **out, isms_err *e)
{
    return store_label_of(dom_store(d), &reg_framework, key, out, dom_arena(d), e);
}

int requirement_known_as(dom *d, const char *key, const char **out, isms_err *e)
{
    *out = NULL;
    const fielddef *f[] = { field_def(&reg_requirement, F_REQUIREMENT_FRAMEWORK),
                            field_def(&reg_requirement, F_REQUIREMENT_CODE) };
    const char *got[2], *name = NULL;
    arena *a = dom_arena(d);
    int rc = store_texts_of(dom_store(d), &reg_requirement, key, f, 2, got, a, e);
    if (!rc && got[0] && got[1])
        rc = framework_known_as(d, got[0], &name, e);
    if (!rc && name)
        *out = arena_printf(a, "%s:%s", name, got[1]);
    return rc;
}

/* "iso27001-2022:A.8.13 (REQ-117)": a requirement in a message, as
 * people type it. */
static const char *requirement_named(dom *d, const char *key)
{
    const char *name = dom_known_as(d, &reg_requirement, key);
    return name ? arena_printf(dom_arena(d), "%s (%s)", name, key) : key;
}

/* "iso27001-2022 (FW-1)": the framework of statement soa in a message. */
static const char *framework_named(dom *d, const record *soa)
{
    const char *key = record_text(soa, F_SOA_FRAMEWORK);
    const char *name = key ? dom_known_as(d, &reg_framework, key) : NULL;
    return name ? arena_printf(dom_arena(d), "%s (%s)", name, key) : key ? key : "?";
}

/* ---- rules ---- */

/* Does field i hold the same in a and b? (Sets: the same members, in the
 * sorted order both are read in.) */
static int same_field(const record *a, const record *b, int i)
{
    const value *x = &a->v[i], *y = &b->v[i];
    ftype t = a->reg->fields[i].type;
    if (t == FT_LINKS || t == FT_ENUMSET) {
        if (x->n != y->n)
            return 0;
        for (int k = 0; k < x->n; k++)
            if (strcmp(x->keys[k], y->keys[k]))
                return 0;
        return 1;
    }
    if (x->null || y->null)
        return x->null == y->null;
    if (t == FT_INT || t == FT_MONEY || t == FT_BOOL)
        return x->i == y->i;
    return !strcmp(x->s, y->s);
}

/* Built-in catalogue records are the publisher's: they do not change and
 * are not retired, so FRAMEWORK:ID means the same in every repository. */
static int builtin_fixed(const record *r, const record *old, int builtin_field, isms_err *e)
{
    if (!old || !record_int(old, builtin_field))
        return 0;
    if (rules_is_retiring(r, old))
        return err_set(e, E_CONFLICT, r->reg->name, "%s %s is built in and cannot be retired",
                       r->reg->name, r->key);
    for (int i = 0; i < r->reg->nfields; i++)
        if (!same_field(r, old, i))
            return err_set(e, E_CONFLICT, r->reg->fields[i].name,
                           "%s: %s %s is built in and does not change; add your own instead",
                           r->reg->fields[i].name, r->reg->name, r->key);
    return 0;
}

static int rules_framework(dom *d, record *r, const record *old, isms_err *e)
{
    (void)d;
    const char *name = record_text(r, F_FRAMEWORK_NAME);
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
              *p == '_'))
            return err_set(e, E_INVALID, "name",
                           "name: \"%s\": a short name is lower-case letters, digits, '-', '.' "
                           "and '_' (it is written before the ':' of NAME:ID)",
                           name);
    if (looks_like_key(name, reg_framework.key_prefix))
        return err_set(e, E_INVALID, "name", "name: \"%s\" would read as a key", name);
    return builtin_fixed(r, old, F_FRAMEWORK_BUILTIN, e);
}

static int rules_requirement(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = builtin_fixed(r, old, F_REQUIREMENT_BUILTIN, e);
    if (rc)
        return rc;
    const char *code = record_text(r, F_REQUIREMENT_CODE);
    int64_t fw = record_int(r, F_REQUIREMENT_FRAMEWORK);
    if (strchr(code, ':') || text_blank(code) || code[0] == ' ' || code[strlen(code) - 1] == ' ')
        return err_set(e, E_INVALID, "code",
                       "code: \"%s\": an id has no ':' and no spaces around it", code);
    first_hit h = { 0 };
    rc = requirement_by_code(d, fw, code, &h, e);
    if (rc)
        return rc;
    if (h.id && h.id != r->id)
        return err_set(e, E_CONFLICT, "code", "code: %s already has %s (%s)",
                       record_text(r, F_REQUIREMENT_FRAMEWORK), code, h.key);
    const char *parent = record_text(r, F_REQUIREMENT_PARENT);
    if (!parent)
        return 0;
    first_hit p = { 0 };
    rc = requirement_by_code(d, fw, parent, &p, e);
    if (!rc && !p.id)
        rc = err_set(e, E_INVALID, "parent", "parent: %s has no requirement %s",
                     record_text(r, F_REQUIREMENT_FRAMEWORK), parent);
    return rc;
}

typedef struct same_mapping {
    int64_t self, from;
    int from_field;
    const char *key;
    arena *a;
} same_mapping;

static int find_same(const record *m, void *ctx)
{
    same_mapping *s = ctx;
    if (m->id == s->self || record_int(m, s->from_field) != s->from)
        return 0;
    s->key = arena_strdup(s->a, m->key);
    return 1;
}

static int rules_mapping(dom *d, record *r, const record *old, isms_err *e)
{
    (void)old;
    if (r->retired_at)
        return 0;
    const value *ctl = record_cval(r, F_MAPPING_CONTROL), *src = record_cval(r, F_MAPPING_SOURCE);
    if (ctl->null == src->null)
        return err_set(e, E_INVALID, ctl->null ? "control" : "source",
                       "%s: a mapping maps either a control (--control) or a requirement "
                       "(--source) onto its target, %s",
                       ctl->null ? "control" : "source", ctl->null ? "not neither" : "not both");
    int64_t target = record_int(r, F_MAPPING_TARGET);
    if (!src->null && src->i == target)
        return err_set(e, E_INVALID, "source", "source: %s is the target itself",
                       requirement_named(d, src->s));
    same_mapping s = { .self = r->id,
                       .from = ctl->null ? src->i : ctl->i,
                       .from_field = ctl->null ? F_MAPPING_SOURCE : F_MAPPING_CONTROL,
                       .a = dom_arena(d) };
    /* by target and by what is mapped: a few rows, not every mapping onto
     * a requirement fifty controls are mapped onto */
    store_filter f[] = { { .field = field_def(&reg_mapping, F_MAPPING_TARGET), .ival = target },
                         { .field = field_def(&reg_mapping, s.from_field), .ival = s.from } };
    store_query q = { .filters = f, .nfilters = 2 };
    int rc = store_scan(dom_store(d), &reg_mapping, &q, find_same, &s, e);
    if (rc == 1)
        return err_set(e, E_CONFLICT, "target",
                       "target: %s is already mapped onto %s by %s; update that mapping",
                       ctl->null ? requirement_named(d, src->s) : ctl->s,
                       requirement_named(d, record_text(r, F_MAPPING_TARGET)), s.key);
    return rc;
}

static int rules_applicability(dom *d, record *r, const record *old, isms_err *e)
{
    const char *why = record_text(r, F_APPLICABILITY_JUSTIFICATION);
    int excluding = !record_int(r, F_APPLICABILITY_APPLICABLE);
    /* The reason a requirement was included does not justify excluding it:
     * an exclusion brings its own. */
    int newly = excluding && old && record_int(old, F_APPLICABILITY_APPLICABLE);
    if (excluding && (!why || text_blank(why) ||
                      (newly && !record_cval(r, F_APPLICABILITY_JUSTIFICATION)->given)))
        return err_set(e, E_INVALID, "justification",
                       "justification: excluding %s needs a justification of the exclusion "
                       "(ISO/IEC 27001 Cl. 6.1.3 d): give --justification",
                       record_text(r, F_APPLICABILITY_REQUIREMENT));
    record soa, req;
    arena *a = dom_arena(d);
    int rc = store_get_id(dom_store(d), &reg_soa, record_int(r, F_APPLICABILITY_SOA), &soa, a, e);
    if (!rc)
        rc = store_get_id(dom_store(d), &reg_requirement,
                          record_int(r, F_APPLICABILITY_REQUIREMENT), &req, a, e);
    if (rc)
        return rc;
    if (record_int(&soa, F_SOA_FRAMEWORK) != record_int(&req, F_REQUIREMENT_FRAMEWORK))
        return err_set(e, E_INVALID, "requirement", "requirement: %s is not of %s's framework %s",
                       requirement_named(d, req.key), soa.key, framework_named(d, &soa));
    same_mapping s = {
        .self = r->id, .from = req.id, .from_field = F_APPLICABILITY_REQUIREMENT, .a = a
    };
    /* by statement and by requirement: at most a row, not every row of the
     * statement (a generation wrote n rows in n squared reads) */
    store_filter f[] = {
        { .field = field_def(&reg_applicability, F_APPLICABILITY_SOA), .ival = soa.id },
        { .field = field_def(&reg_applicability, F_APPLICABILITY_REQUIREMENT), .ival = req.id }
    };
    store_query q = { .filters = f, .nfilters = 2 };
    rc = store_scan(dom_store(d), &reg_applicability, &q, find_same, &s, e);
    if (rc == 1)
        return err_set(e, E_CONFLICT, "requirement", "requirement: %s already has %s in %s",
                       soa.key, requirement_named(d, req.key), s.key);
    return rc;
}

/* The series a version belongs to: its framework and its profile.
 * Approving a version supersedes the approved one of its series: a target
 * profile does not replace the current one, nor a profile the statement. */
static int rules_soa(dom *d, record *r, const record *old, isms_err *e)
{
    (void)old;
    (void)e;
    char series[64];
    snprintf(series, sizeof series, "%lld/%s", (long long)record_int(r, F_SOA_FRAMEWORK),
             record_text(r, F_SOA_PROFILE));
    const char *was = record_text(r, F_SOA_SERIES);
    if (!was || strcmp(was, series))
        record_set_text(r, F_SOA_SERIES, series, dom_arena(d));
    return 0;
}
