/* api.c: the JSON API over every register, generic over the field tables
 * (core/record.h) as the CLI is: list with filters on any field, text
 * search, sort and cursor pagination; show with derived values; create;
 * update with optimistic concurrency (ETag = version, If-Match); retire;
 * history from the ledger; lifecycle verbs; risk acceptance. Bodies are
 * strict: a member that is no field, a value of the wrong JSON type,
 * malformed JSON or invalid UTF-8 is refused naming the member, before
 * anything is written. */
#include "core/text.h"
#include "domain/engine/batch.h"
#include "domain/registers/registers.h"
#include "domain/views/derived.h"
#include "domain/views/query.h"
#include "domain/views/review.h"
#include "formats/json.h"
#include "web/views_json.h"
#include "web/web_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- bodies ---- */

int api_body(web_req *r, json_t **out, isms_err *e)
{
    if (!r->body.len)
        return err_set(e, E_USAGE, "body", "body: expected a JSON object");
    isms_err pe = { 0 };
    if (js_parse(r->body.data, r->body.len, "body", out, &pe))
        return err_set(e, E_USAGE, "body", "body: malformed JSON: %s", pe.msg);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return err_set(e, E_USAGE, "body", "body: expected a JSON object");
    }
    return 0;
}

int api_body_texts(web_req *r, const char *const *names, unsigned integers, const char **values,
                   isms_err *e)
{
    json_t *body = NULL;
    int rc = api_body(r, &body, e);
    size_t n = 0;
    while (names[n])
        values[n++] = NULL;
    if (rc)
        return rc;
    const char *name;
    json_t *v;
    json_object_foreach(body, name, v)
    {
        if (rc)
            break;
        size_t k = 0;
        while (k < n && strcmp(name, names[k]))
            k++;
        char text[32];
        if (k == n) {
            buf all;
            buf_init(&all);
            for (size_t i = 0; i < n; i++)
                buf_printf(&all, "%s%s", i ? (i + 1 < n ? ", " : " and ") : "", names[i]);
            rc = err_set(e, E_USAGE, name, "%s: unknown member (give %s)", name, buf_str(&all));
            buf_reset(&all);
        } else if (json_is_string(v))
            values[k] = arena_strdup(dom_arena(r->d), json_string_value(v));
        else if (json_is_integer(v) && (integers >> k & 1)) {
            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            values[k] = arena_strdup(dom_arena(r->d), text);
        } else if (!json_is_null(v)) {
            char *shown = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            rc = err_set(e, E_INVALID, name, "%s: %.40s is not a string%s", name,
                         shown ? shown : "?", integers >> k & 1 ? " or an integer" : "");
            free(shown);
        }
    }
    json_decref(body);
    return rc;
}

/* An empty body, or {}: verbs that take no input. */
static int no_body(web_req *r, isms_err *e)
{
    if (!r->body.len)
        return 0;
    json_t *j;
    int rc = api_body(r, &j, e);
    if (rc)
        return rc;
    const char *name = NULL;
    json_t *v;
    json_object_foreach(j, name, v) break;
    if (name)
        rc = err_set(e, E_USAGE, name, "%s: this request takes no members", name);
    json_decref(j);
    return rc;
}

/* Minor units as the major-unit text dom_set_text reads ("-12.50"). */
static const char *money_text(dom *d, json_int_t minor)
{
    int ex = dom_currency_exponent(d);
    json_int_t scale = 1;
    for (int k = 0; k < ex; k++)
        scale *= 10;
    uint64_t a = minor < 0 ? (uint64_t) - (minor + 1) + 1 : (uint64_t)minor;
    char *s = arena_alloc(dom_arena(d), 48);
    if (ex)
        snprintf(s, 48, "%s%" PRIu64 ".%0*" PRIu64, minor < 0 ? "-" : "", a / (uint64_t)scale, ex,
                 a % (uint64_t)scale);
    else
        snprintf(s, 48, "%s%" PRIu64, minor < 0 ? "-" : "", a);
    return s;
}

/* A set's members, comma-separated, as the CLI takes them. */
static int members_text(dom *d, const fielddef *f, const json_t *v, const char **out, isms_err *e)
{
    if (!json_is_array(v))
        return err_set(e, E_INVALID, f->name, "%s: expected an array of strings", f->name);
    buf b;
    buf_init(&b);
    size_t k;
    json_t *m;
    int rc = 0;
    json_array_foreach(v, k, m)
    {
        const char *s = json_string_value(m);
        if (!s || strchr(s, ',') || !*s) {
            rc = err_set(e, E_INVALID, f->name, "%s: member %zu: expected a key or name", f->name,
                         k);
            break;
        }
        buf_printf(&b, "%s%s", k ? "," : "", s);
    }
    *out = arena_strdup(dom_arena(d), buf_str(&b));
    buf_reset(&b);
    return rc;
}

/* One member of a body as the text dom_set_text reads. */
static int member_text(dom *d, const fielddef *f, const json_t *v, const char **out, isms_err *e)
{
    if (json_is_null(v)) {
        *out = "";
        return 0;
    }
    switch (f->type) {
    case FT_INT:
    case FT_MONEY:
        if (!json_is_integer(v))
            return err_set(e, E_INVALID, f->name, "%s: expected an integer%s", f->name,
                           f->type == FT_MONEY ? " (minor units)" : "");
        if (f->type == FT_MONEY) {
            *out = money_text(d, json_integer_value(v));
        } else {
            char *s = arena_alloc(dom_arena(d), 24);
            snprintf(s, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            *out = s;
        }
        return 0;
    case FT_BOOL:
        if (!json_is_boolean(v))
            return err_set(e, E_INVALID, f->name, "%s: expected true or false", f->name);
        *out = json_is_true(v) ? "true" : "false";
        return 0;
    case FT_LINKS:
    case FT_ENUMSET: return members_text(d, f, v, out, e);
    default:
        if (!json_is_string(v))
            return err_set(e, E_INVALID, f->name, "%s: expected a string", f->name);
        if (!*json_string_value(v))
            return err_set(e, E_INVALID, f->name, "%s: empty (null clears a field)", f->name);
        *out = json_string_value(v);
        return 0;
    }
}

/* The body's members into rec, each checked like CLI text is. */
static int body_record(web_req *r, const regdef *reg, record *rec, int *given, isms_err *e)
{
    json_t *body;
    int rc = api_body(r, &body, e);
    if (rc)
        return rc;
    record_init(rec, reg, dom_arena(r->d));
    const char *name;
    json_t *v;
    *given = 0;
    json_object_foreach(body, name, v)
    {
        int i = web_field(reg, name);
        if (i < 0) {
            static const char *const own[] = { "key",        "version",    "created_at",
                                               "updated_at", "retired_at", NULL };
            rc = choice_index(own, name) >= 0
                     ? err_set(e, E_USAGE, name, "%s: set by isms, not by a request", name)
                     : err_set(e, E_USAGE, name, "%s: %s has no such field", name, reg->name);
            break;
        }
        const char *text = NULL;
        rc = member_text(r->d, &reg->fields[i], v, &text, e);
        if (!rc)
            rc = dom_set_text(r->d, rec, i, text, e);
        if (rc)
            break;
        (*given)++;
    }
    json_decref(body);
    return rc;
}

/* ---- records out ---- */

/* A write the server's writer makes for a request (below). */
typedef enum { W_ADD, W_UPDATE, W_RETIRE } write_kind;

typedef struct api_write {
    dom_write job;
    web_req *r;
    write_kind kind;
    const regdef *reg;
    const char *key;
    record *in; /* W_ADD: the record; W_UPDATE: the changes */
    int64_t version;
    record out;
    dom_changes changed;
} api_write;

/* The record with its derived values (risk scores, protection needs). */
static json_t *record_out(web_req *r, const record *rec, int derived, isms_err *e, int *rc)
{
    json_t *o = record_json(rec);
    int n;
    const derived_def *defs = derived ? derived_defs(rec->reg, &n) : NULL;
    if (!defs || !n)
        return o;
    derive_cache *c = derive_cache_new(r->d);
    derive_cache_detail(c); /* one record, as GET /api/v1/risks/RISK-1 gives it */
    value *vals = arena_alloc(dom_arena(r->d), (size_t)n * sizeof *vals);
    *rc = derive_record(c, rec, vals, e);
    json_t *dv = json_object();
    if (!*rc)
        derived_json_into(dv, defs, n, vals, 1);
    derive_cache_free(c);
    json_object_set_new(o, "derived", dv);
    return o;
}

/* The request's warnings: its write's, when the writer made it. */
static const char *const *request_warnings(web_req *r, int *n)
{
    if (r->pending) {
        *n = r->pending->job.nwarnings;
        return (const char *const *)r->pending->job.warnings;
    }
    return dom_warnings(r->d, n);
}

static void warnings_into(web_req *r, json_t *o)
{
    int n;
    const char *const *w = request_warnings(r, &n);
    if (!n)
        return;
    json_t *a = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(a, json_string(w[k]));
    json_object_set_new(o, "warnings", a);
}

static int send_record(web_req *r, int status, const record *rec, json_t *extra, isms_err *e)
{
    int rc = 0, nwarnings;
    r->status = status;
    r->type = "application/json";
    snprintf(r->etag, sizeof r->etag, "\"%" PRId64 "\"", rec->version);
    buf_clear(&r->out);
    request_warnings(r, &nwarnings);
    if (status != 200 && !extra && !nwarnings) { /* the record alone (a create's) */
        record_json_append(&r->out, rec);
        return 0;
    }
    json_t *o = record_out(r, rec, status == 200 && !extra, e, &rc);
    if (rc) {
        r->etag[0] = 0;
        json_decref(o);
        json_decref(extra);
        return rc;
    }
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    warnings_into(r, o);
    js_append(&r->out, o);
    json_decref(o);
    return 0;
}

/* ---- list ---- */

/* {"items":[...],"total":N,"limit":N,"next_cursor":"N"|null}, each record
 * written straight into the response (no tree of jansson values). */
static void page_out(buf *b, const web_list *l)
{
    buf_puts(b, "{\"items\":[");
    for (int64_t k = 0; k < l->n; k++) {
        if (k)
            buf_putc(b, ',');
        record_json_append(b, &l->items[k]);
    }
    buf_puts(b, "],\"total\":");
    buf_put_int(b, l->total);
    buf_puts(b, ",\"limit\":");
    buf_put_int(b, l->limit);
    if (l->next)
        buf_printf(b, ",\"next_cursor\":\"%s\"}", l->next);
    else
        buf_puts(b, ",\"next_cursor\":null}");
}

static int page_text(dom *d, void *ctx, buf *out, isms_err *e)
{
    (void)d;
    web_req *r = ((void **)ctx)[0];
    web_list *l = ((void **)ctx)[1];
    int rc = web_list_run(r, l, e);
    if (!rc)
        page_out(out, l);
    return rc;
}

/* What names a page among the kept ones: the register, every argument
 * as given, and the roles of who asks (every signed-in person reads every
 * record today; were what one sees to depend on who one is, that would
 * have to be part of the name). */
static const char *page_name(web_req *r, const web_list *l)
{
    buf b;
    buf_init(&b);
    buf_printf(&b, "api page %s %u", l->reg->name, r->who.roles);
    const char *const given[] = { l->q, l->sort, l->cursor, l->limit_text, l->retired };
    for (size_t k = 0; k < sizeof given / sizeof *given; k++)
        buf_printf(&b, "\n%zu:%s", k, given[k] ? given[k] : "\x01");
    for (int k = 0; k < l->nfilters; k++)
        buf_printf(&b, "\nf%d=%s", l->filters[k].field, l->filters[k].text);
    web_list_states_name(&b, l);
    const char *name = arena_strdup(dom_arena(r->d), buf_str(&b));
    buf_reset(&b);
    return name;
}

/* Does If-None-Match name etag (or *)? */
static int not_modified(web_req *r, const char *etag)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (!h)
        return 0;
    if (!strcmp(h, "*"))
        return 1;
    size_t n = strlen(etag);
    for (const char *p = strstr(h, etag); p; p = strstr(p + 1, etag))
        if ((p == h || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/') &&
            (!p[n] || p[n] == ',' || p[n] == ' '))
            return 1;
    return 0;
}

/* A page of a list: the bytes are kept while the repository stays as it
 * is (dom_cached_text: every change, by any process, is a new ledger
 * head), and their ETag names that state: If-None-Match gets 304. */
int api_list(web_req *r, isms_err *e)
{
    web_list l;
    int rc = web_list_args(r, r->route->reg, 0, &l, e);
    if (rc)
        return rc;
    r->type = "application/json";
    r->status = 200;
    if (getenv("ISMS_SERVE_NO_PAGE_CACHE")) /* the benchmark's switch: every page from the store */
        return page_text(r->d, (void *[]){ r, &l }, &r->out, e);
    dom_text page;
    const char *name = page_name(r, &l);
    rc = dom_cached_text(r->d, name, page_text, (void *[]){ r, &l }, &page, e);
    if (rc)
        return rc;
    if (page.head) {
        /* the state, and which page of it (FNV-1a of the name) */
        uint32_t h = 2166136261u;
        for (const char *c = name; *c; c++)
            h = (h ^ (unsigned char)*c) * 16777619u;
        snprintf(r->etag, sizeof r->etag, "\"%.20s-%08" PRIx32 "\"", page.head, h);
        r->cache = "private, no-cache";
        if (not_modified(r, r->etag)) {
            r->status = 304;
            return 0;
        }
    }
    buf_append(&r->out, page.bytes, page.len);
    return 0;
}

/* ---- one record ---- */

int api_show(web_req *r, isms_err *e)
{
    record rec;
    int rc = dom_get(r->d, r->route->reg, r->key, &rec, e);
    if (!rc)
        rc = send_record(r, 200, &rec, NULL, e);
    return rc;
}

/* ---- writes: through the server's writer, many requests to a commit ----
 *
 * A write request is parsed here, handed to the writer (batch.h) and its
 * connection suspended: the worker thread serves other connections
 * meanwhile, so that as many writes as there are clients wait for one
 * commit. The writer resumes the connection when the batch holding the
 * write is committed or failed, and the request is answered then. */

/* In the writer's thread, for the request's principal. */
static int write_now(dom *d, void *ctx, isms_err *e)
{
    api_write *w = ctx;
    record out;
    dom_changes changed = { 0 };
    int rc;
    if (w->kind == W_ADD)
        rc = dom_add(d, w->in, &out, e);
    else if (w->kind == W_UPDATE)
        rc = dom_update(d, w->reg, w->key, w->in, w->version, &out, &changed, e);
    else
        rc = dom_retire(d, w->reg, w->key, &out, e);
    if (rc)
        return rc;
    /* the writer's memory is reset after this write: the results move to
     * the request's (which nothing else touches while it waits) */
    arena *a = &w->r->mem;
    record_copy(&w->out, &out, a);
    int *fields = arena_alloc(a, (size_t)(changed.n + 1) * sizeof *fields);
    if (changed.n)
        memcpy(fields, changed.fields, (size_t)changed.n * sizeof *fields);
    w->changed = (dom_changes){ .n = changed.n, .fields = fields };
    return 0;
}

/* In the writer's thread: the batch ended; the connection goes on. */
static void write_done(dom_write *job)
{
    MHD_resume_connection(((api_write *)job->done_ctx)->r->conn);
}

/* Hands the write to the writer, the request's parts copied into its own
 * memory (the dom's request ends before the write is done). */
static int api_defer(web_req *r, api_write w, const record *in)
{
    api_write *p = arena_alloc(&r->mem, sizeof *p);
    *p = w;
    p->r = r;
    p->key = w.key ? arena_strdup(&r->mem, w.key) : NULL;
    if (in) {
        p->in = arena_alloc(&r->mem, sizeof *p->in);
        record_copy(p->in, in, &r->mem);
    }
    dom_write_init(&p->job, r->d, write_now, p);
    p->job.done = write_done;
    p->job.done_ctx = p;
    r->pending = p;
    /* suspended first: the writer may be done before this returns */
    MHD_suspend_connection(r->conn);
    int rc = dom_batch_submit(r->writer, &p->job, &p->job.e);
    if (rc) {
        p->job.rc = rc;
        p->job.finished = 1;
        MHD_resume_connection(r->conn);
    }
    return 0;
}

void api_write_forget(web_req *r)
{
    /* (a write still queued stays the writer's: only a finished one goes) */
    if (r->pending && r->pending->job.finished)
        dom_write_reset(&r->pending->job);
    r->pending = NULL;
}

int api_write_answer(web_req *r, isms_err *e)
{
    api_write *w = r->pending;
    int rc = w->job.rc;
    if (rc) {
        *e = w->job.e;
        return rc;
    }
    if (w->kind == W_ADD) {
        web_header(r, "Location", "/api/v1/%s/%s", w->out.reg->plural, w->out.key);
        return send_record(r, 201, &w->out, NULL, e);
    }
    json_t *extra = json_object();
    if (w->kind == W_UPDATE) {
        json_t *names = json_array();
        for (int k = 0; k < w->changed.n; k++)
            json_array_append_new(names,
                                  json_string(w->out.reg->fields[w->changed.fields[k]].name));
        json_object_set_new(extra, "changed", names);
    }
    return send_record(r, 200, &w->out, extra, e);
}

int api_create(web_req *r, isms_err *e)
{
    record in;
    int given;
    int rc = body_record(r, r->route->reg, &in, &given, e);
    if (rc)
        return rc;
    return api_defer(r, (api_write){ .kind = W_ADD }, &in);
}

/* If-Match: "3", W/"3" or 3 is version 3; * or none, any version. */
static int if_match(web_req *r, int64_t *version, isms_err *e)
{
    *version = 0;
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-Match");
    if (!h || !strcmp(h, "*"))
        return 0;
    if (!strncmp(h, "W/", 2))
        h += 2;
    char digits[24];
    size_t n = strlen(h);
    if (n >= 2 && h[0] == '"' && h[n - 1] == '"') {
        h++;
        n -= 2;
    }
    if (!n || n >= sizeof digits)
        return err_set(e, E_USAGE, "If-Match", "If-Match: expected the record's ETag");
    memcpy(digits, h, n);
    digits[n] = 0;
    return web_parse_int("If-Match", digits, 1, INT64_MAX, version, e);
}

int api_update(web_req *r, isms_err *e)
{
    record changes;
    int given;
    int64_t version;
    int rc = if_match(r, &version, e);
    if (!rc)
        rc = body_record(r, r->route->reg, &changes, &given, e);
    if (!rc && !given)
        rc = err_set(e, E_USAGE, "body", "body: nothing to change: give the fields to update");
    if (rc)
        return rc;
    return api_defer(
        r, (api_write){ .kind = W_UPDATE, .reg = r->route->reg, .key = r->key, .version = version },
        &changes);
}

int api_retire(web_req *r, isms_err *e)
{
    int rc = no_body(r, e);
    if (rc)
        return rc;
    return api_defer(r, (api_write){ .kind = W_RETIRE, .reg = r->route->reg, .key = r->key }, NULL);
}

int api_transition(web_req *r, isms_err *e)
{
    record out;
    int rc = no_body(r, e);
    if (!rc)
        rc = dom_transition(r->d, r->route->reg, r->key, r->route->t->verb, &out, e);
    if (!rc)
        rc = send_record(r, 200, &out, json_object(), e);
    return rc;
}

int api_review_inputs(web_req *r, isms_err *e)
{
    record out;
    int rc = no_body(r, e);
    if (!rc)
        rc = dom_review_inputs(r->d, r->key, &out, e);
    if (!rc)
        rc = send_record(r, 200, &out, json_object(), e);
    return rc;
}

/* POST /api/v1/metrics/measure (?all=1) and /api/v1/metrics/<KEY>/measure:
 * what measuring did (views_json.h). */
int api_metrics_measure(web_req *r, isms_err *e)
{
    static const char *const params[] = { "all", NULL };
    int rc = no_body(r, e);
    if (!rc)
        rc = web_only_params(r, params, e);
    const char *all = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "all");
    if (!rc && all && strcmp(all, "1") && strcmp(all, "0"))
        rc = err_set(e, E_USAGE, "all", "all: \"%.40s\" is neither 1 nor 0", all);
    dom_measured m;
    const char *const keys[] = { r->key };
    if (!rc)
        rc = dom_metrics_measure(r->d, keys, r->key ? 1 : 0, all && !strcmp(all, "1"), &m, e);
    if (!rc)
        web_send_doc(r, measured_json(&m));
    return rc;
}

int api_accept(web_req *r, isms_err *e)
{
    static const char *const names[] = { "rationale", "until", NULL };
    const char *given[2];
    int rc = api_body_texts(r, names, 0, given, e);
    const char *rationale = given[0], *until = given[1];
    if (!rc && !rationale)
        rc = err_set(e, E_USAGE, "rationale", "rationale: say why the risk is accepted");
    record out;
    if (!rc)
        rc = dom_risk_accept(r->d, dom_key(r->d, r->key), rationale, until, &out, e);
    if (rc)
        return rc;
    web_header(r, "Location", "/api/v1/%s/%s", out.reg->plural, out.key);
    return send_record(r, 201, &out, json_object(), e);
}

/* ---- history ---- */

static int entry_json(const ledger_row *row, void *ctx)
{
    json_t *data = json_loads(row->data, 0, NULL);
    json_array_append_new(ctx, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o}", "seq",
                                         (json_int_t)row->seq, "ts", row->ts, "actor", row->actor,
                                         "op", row->op, "entity", row->entity, "note",
                                         row->note ? json_string(row->note) : json_null(), "data",
                                         data ? data : json_null()));
    return 0;
}

enum { HISTORY_MAX = 1000 }; /* entries a page of the API's history */

/* Every entry of the record, or (?limit, ?before) the last `limit` of
 * them before entry #before, read from that place in the (key, seq) index:
 * a page of a long history at the cost of the page. older_before: the
 * `before` of the page before this one, or null. */
int api_history(web_req *r, isms_err *e)
{
    static const char *const known[] = { "limit", "before", NULL };
    const char *limit = web_query(r, "limit"), *at = web_query(r, "before");
    int64_t last = 0, before = 0;
    int older = 0;
    record rec;
    int rc = web_only_params(r, known, e);
    if (!rc && limit)
        rc = web_parse_int("limit", limit, 1, HISTORY_MAX, &last, e);
    if (!rc && at)
        rc = web_parse_int("before", at, 1, INT64_MAX, &before, e);
    if (!rc)
        rc = dom_get(r->d, r->route->reg, r->key, &rec, e);
    if (rc)
        return rc;
    json_t *entries = json_array();
    rc = limit || at ? dom_log(r->d, rec.key, last, before, &older, entry_json, entries, e)
                     : dom_history(r->d, rec.key, entry_json, entries, e);
    if (rc) {
        json_decref(entries);
        return rc;
    }
    json_t *first = json_array_get(entries, 0);
    json_t *doc =
        json_pack("{s:s,s:o,s:o}", "key", rec.key, "entries", entries, "older_before",
                  older && first ? json_incref(json_object_get(first, "seq")) : json_null());
    r->status = 200;
    r->type = "application/json";
    js_append(&r->out, doc);
    json_decref(doc);
    return 0;
}
