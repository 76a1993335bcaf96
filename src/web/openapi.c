/* openapi.c: the OpenAPI 3.1 description of the API, generated from the
 * route table and the register tables, so that it lists exactly the
 * routes the server answers (tests/web/test_api.c compares the two). */
#include "domain/registers/registers.h"
#include "formats/json.h"
#include "web/web_internal.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

static json_t *field_schema(const fielddef *f)
{
    json_t *s;
    switch (f->type) {
    case FT_INT: s = json_pack("{s:s}", "type", "integer"); break;
    case FT_MONEY: s = json_pack("{s:s,s:s}", "type", "integer", "format", "minor-units"); break;
    case FT_BOOL: s = json_pack("{s:s}", "type", "boolean"); break;
    case FT_DATE: s = json_pack("{s:s,s:s}", "type", "string", "format", "date"); break;
    case FT_TIME: s = json_pack("{s:s,s:s}", "type", "string", "format", "date-time"); break;
    case FT_ENUM: {
        json_t *choices = json_array();
        for (int k = 0; f->choices && f->choices[k]; k++)
            json_array_append_new(choices, json_string(f->choices[k]));
        s = json_pack("{s:s,s:o}", "type", "string", "enum", choices);
        break;
    }
    case FT_LINKS:
    case FT_ENUMSET:
        s = json_pack("{s:s,s:{s:s}}", "type", "array", "items", "type", "string");
        break;
    default: s = json_pack("{s:s}", "type", "string"); break;
    }
    json_object_set_new(s, "description", json_string(f->help ? f->help : f->name));
    if (f->flags & FF_SYSTEM)
        json_object_set_new(s, "readOnly", json_true());
    return s;
}

static json_t *register_schema(const regdef *reg)
{
    json_t *props = json_object(), *required = json_array();
    json_object_set_new(props, "key", json_pack("{s:s,s:b}", "type", "string", "readOnly", 1));
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        json_object_set_new(props, f->name, field_schema(f));
        if (f->flags & FF_REQUIRED)
            json_array_append_new(required, json_string(f->name));
    }
    json_object_set_new(props, "version", json_pack("{s:s,s:b}", "type", "integer", "readOnly", 1));
    return json_pack("{s:s,s:s,s:o,s:o,s:b}", "type", "object", "description", reg->summary,
                     "properties", props, "required", required, "additionalProperties", 0);
}

static json_t *ref_to(const char *name)
{
    char ref[128];
    snprintf(ref, sizeof ref, "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", ref);
}

static json_t *responses(const route *rt)
{
    json_t *ok = json_pack("{s:s}", "description", "success");
    if (rt->kind == RK_IMPORT)
        json_object_set_new(ok, "content",
                            json_pack("{s:{s:o}}", "application/json", "schema", ref_to("import")));
    else if (rt->reg && rt->kind != RK_HISTORY && rt->kind != RK_LIST && rt->kind != RK_ACCEPT &&
             rt->kind != RK_QUANTIFY && rt->kind != RK_SOA_STATEMENT)
        json_object_set_new(
            ok, "content",
            json_pack("{s:{s:o}}", "application/json", "schema", ref_to(rt->reg->name)));
    json_t *err = json_pack("{s:s,s:{s:{s:o}}}", "description",
                            "an error: {\"error\":{\"code\",\"message\",\"field\"}}", "content",
                            "application/json", "schema", ref_to("error"));
    const char *code = rt->kind == RK_CREATE || rt->kind == RK_ACCEPT ? "201" : "200";
    return json_pack("{s:o,s:o}", code, ok, "default", err);
}

static json_t *operation(const route *rt)
{
    char id[200];
    snprintf(id, sizeof id, "%s %s", rt->method, rt->path);
    json_t *op = json_pack("{s:s,s:s,s:o}", "summary", rt->summary, "operationId", id, "responses",
                           responses(rt));
    json_t *params = json_array();
    if (strstr(rt->path, "{key}"))
        json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", "key", "in",
                                                "path", "required", 1, "schema", "type", "string"));
    if (rt->kind == RK_UPDATE)
        json_array_append_new(params,
                              json_pack("{s:s,s:s,s:s,s:{s:s}}", "name", "If-Match", "in", "header",
                                        "description", "the ETag read: a stale one gets 412",
                                        "schema", "type", "string"));
    if (rt->kind == RK_LIST) {
        static const char *const list_params[][2] = {
            { "q", "(its key and short list texts; never long text such as a description or "
                   "a statement). Words are runs of letters and digits (any "
                   "script); case and accents are ignored (\"CRÈME\" finds \"Crème\" and "
                   "\"creme\"); anything else only parts words (\"e-mail\" is \"e\" and "
                   "\"mail\"). No word: every record. Retired records only with retired=" },
            { "sort", "FIELD or -FIELD (descending): text in byte order, a reference by the "
                      "order its records were made in, empty values last either way, ties by "
                      "key" },
            { "limit", "records a page, 50 unless given, at most 1000" },
            { "cursor", "next_cursor of the page before: the page after that page's last "
                        "record (keyset paging: every page costs what the first does)" },
            { "retired", "include or only" },
            { "state", "risks: overdue, untreated, unaccepted, no-objective or "
                       "outside-appetite; acceptances: lapsed (the dashboard's counts; "
                       "several: in all of them)" },
        };
        arena a;
        arena_init(&a);
        for (size_t k = 0; k < sizeof list_params / sizeof *list_params; k++) {
            const char *say = list_params[k][1];
            if (!k) /* q: what it searches in this register */
                say = arena_printf(&a,
                                   "words to find: a record matches when each word starts a "
                                   "word of its %s %s",
                                   web_searched(&a, rt->reg), say);
            json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s}}", "name",
                                                    list_params[k][0], "in", "query", "description",
                                                    say, "schema", "type", "string"));
        }
        arena_free(&a);
    }
    enum { MAXQ = 5 };
    static const char *const query[][MAXQ] = {
        [RK_QUANTIFY] = { "iterations", "seed" },
        [RK_PROOF] = { "seq", "size" },
        [RK_COVERAGE] = { "framework", "gaps" },
        [RK_SOA_GAP] = { "framework", "current", "target" },
        [RK_RESPONSIBILITIES] = { "offset", "limit", "gap", "gap_person", "gap_offset" },
        [RK_ATTENTION] = { "list", "cursor", "offset", "limit" },
        [RK_HISTORY] = { "limit", "before" }
    };
    for (int k = 0; rt->kind < sizeof query / sizeof *query && k < MAXQ && query[rt->kind][k];
         k++) {
        const char *name = query[rt->kind][k];
        int text = rt->kind == RK_SOA_GAP || !strcmp(name, "framework") || !strcmp(name, "gap") ||
                   !strcmp(name, "gap_person") || !strcmp(name, "list") ||
                   !strcmp(name, "cursor"); /* names, keys and cursors */
        json_array_append_new(params, json_pack("{s:s,s:s,s:{s:s}}", "name", name, "in", "query",
                                                "schema", "type", text ? "string" : "integer"));
    }
    if (rt->kind == RK_IMPORT)
        json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s,s:[s,s]}}", "name", "dry_run",
                                                "in", "query", "description",
                                                "1: check every row and write nothing", "schema",
                                                "type", "string", "enum", "0", "1"));
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    if (rt->kind == RK_IMPORT)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:s,s:{s:{s:{s:s}}}}", "required", 1, "description",
                                      "CSV (RFC 4180; comma, semicolon or tab): a header row "
                                      "naming key and fields, then a record a row",
                                      "content", "text/csv", "schema", "type", "string"));
    if (rt->kind == RK_CREATE || rt->kind == RK_UPDATE)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
                                      "application/json", "schema", ref_to(rt->reg->name)));
    if (rt->access == WEB_PUBLIC)
        json_object_set_new(op, "security", json_array());
    if (rt->reg)
        json_object_set_new(op, "tags", json_pack("[s]", rt->reg->plural));
    return op;
}

static json_t *document(void)
{
    json_t *paths = json_object(), *schemas = json_object();
    int n;
    const route *t = web_routes(&n);
    for (int i = 0; i < n; i++) {
        if (!web_route_is_api(&t[i]))
            continue;
        json_t *item = json_object_get(paths, t[i].path);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, t[i].path, item);
        }
        char method[16];
        size_t k = 0;
        for (; t[i].method[k] && k + 1 < sizeof method; k++)
            method[k] = (char)tolower((unsigned char)t[i].method[k]);
        method[k] = 0;
        json_object_set_new(item, method, operation(&t[i]));
    }
    for (int i = 0; registers[i]; i++)
        json_object_set_new(schemas, registers[i]->name, register_schema(registers[i]));
    json_object_set_new(
        schemas, "import",
        json_pack(
            "{s:s,s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:{s:s}}}}",
            "type", "object", "description",
            "what an import wrote (or, dry_run, would write); refused rows answer 422 "
            "with the error and refused: [{line, field, message}]",
            "properties", "register", "type", "string", "rows", "type", "integer", "added", "type",
            "integer", "updated", "type", "integer", "unchanged", "type", "integer", "dry_run",
            "type", "boolean", "warnings", "type", "integer", "ignored", "type", "array", "items",
            "type", "string"));
    json_object_set_new(schemas, "error",
                        json_pack("{s:s,s:{s:{s:s,s:{s:{s:s},s:{s:s},s:{s:[s,s]}}}}}", "type",
                                  "object", "properties", "error", "type", "object", "properties",
                                  "code", "type", "string", "message", "type", "string", "field",
                                  "type", "string", "null"));
    return json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:o,s:{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}},s:[{s:[]},{s:[]}]}",
        "openapi", "3.1.0", "info", "title", "isms", "version", ISMS_VERSION, "description",
        "The registers of an information security management system", "paths", paths, "components",
        "schemas", schemas, "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
        "session", "type", "apiKey", "in", "cookie", "name", "isms_session", "security", "bearer",
        "session");
}

/* The document depends on the tables alone: made once per process. */
static char *made;
static size_t made_len;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void make(void)
{
    json_t *doc = document();
    buf b;
    buf_init(&b);
    js_append(&b, doc);
    json_decref(doc);
    made_len = b.len;
    made = buf_detach(&b); /* kept for the process's life */
}

int api_openapi(web_req *r, isms_err *e)
{
    pthread_once(&once, make);
    r->status = 200;
    r->type = "application/json";
    buf_clear(&r->out);
    buf_append(&r->out, made, made_len);
    return 0;
}
