/* api.c: the JSON API over every register, generic over the field tables
 * (core/record.h) as the CLI is: list with filters on any field, text
 * search, sort and cursor pagination; show with derived values; create;
 * update with optimistic concurrency (ETag = version, If-Match); retire;
 * history from the ledger; lifecycle verbs; risk acceptance. Bodies are
 * strict: a member that is no field, a value of the wrong JSON type,
 * malformed JSON or invalid UTF-8 is refused naming the member, before
 * anything is written. */
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/derived.h"
#include "domain/views/query.h"
#include "formats/json.h"
#include "web/web_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { LIST_DEFAULT = 50, LIST_MAX = 1000, MAX_FILTERS = 64 };

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
        return err_set(e, E_USAGE, "body", "body: expected a JSON object");
    }
    return 0;
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

static int field_by_name(const regdef *reg, const char *name)
{
    for (int i = 0; i < reg->nfields; i++)
        if (!strcmp(reg->fields[i].name, name))
            return i;
    return -1;
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
        int i = field_by_name(reg, name);
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

/* The record with its derived values (risk scores, protection needs). */
static json_t *record_out(web_req *r, const record *rec, int derived, isms_err *e, int *rc)
{
    json_t *o = record_json(rec);
    int n;
    const derived_def *defs = derived ? derived_defs(rec->reg, &n) : NULL;
    if (!defs || !n)
        return o;
    derive_cache *c = derive_cache_new(r->d);
    value *vals = arena_alloc(dom_arena(r->d), (size_t)n * sizeof *vals);
    *rc = derive_record(c, rec, vals, e);
    json_t *dv = json_object();
    for (int k = 0; !*rc && k < n; k++) {
        json_t *into = dv;
        if (defs[k].group) {
            into = json_object_get(dv, defs[k].group);
            if (!into) {
                into = json_object();
                json_object_set_new(dv, defs[k].group, into);
            }
        }
        json_object_set_new(into, defs[k].field.name, field_json(&defs[k].field, &vals[k]));
    }
    derive_cache_free(c);
    json_object_set_new(o, "derived", dv);
    return o;
}

static void warnings_into(web_req *r, json_t *o)
{
    int n;
    const char *const *w = dom_warnings(r->d, &n);
    if (!n)
        return;
    json_t *a = json_array();
    for (int k = 0; k < n; k++)
        json_array_append_new(a, json_string(w[k]));
    json_object_set_new(o, "warnings", a);
}

static int send_record(web_req *r, int status, const record *rec, json_t *extra, isms_err *e)
{
    int rc = 0;
    json_t *o = record_out(r, rec, status == 200 && !extra, e, &rc);
    if (rc) {
        json_decref(o);
        json_decref(extra);
        return rc;
    }
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    warnings_into(r, o);
    r->status = status;
    r->type = "application/json";
    snprintf(r->etag, sizeof r->etag, "\"%" PRId64 "\"", rec->version);
    buf_clear(&r->out);
    js_append(&r->out, o);
    json_decref(o);
    return 0;
}

/* ---- list ---- */

typedef struct list_args {
    web_req *r;
    const regdef *reg;
    dom_filter_arg filters[MAX_FILTERS];
    int nfilters;
    const char *q, *sort, *cursor, *limit, *retired;
    isms_err *e;
    int rc;
} list_args;

static enum MHD_Result one_arg(void *cls, enum MHD_ValueKind kind, const char *name,
                               const char *text)
{
    list_args *la = cls;
    if (la->rc)
        return MHD_NO;
    const char **known[] = { &la->q, &la->sort, &la->cursor, &la->limit, &la->retired };
    static const char *const names[] = { "q", "sort", "cursor", "limit", "retired", NULL };
    int k = choice_index(names, name);
    if (!text)
        text = "";
    if (k >= 0) { /* filters' values are checked as input is; these here */
        la->rc = text_check(name, text, 0, 1000, la->e);
        if (la->rc)
            la->e->code = la->rc = E_USAGE;
        *known[k] = text;
        return la->rc ? MHD_NO : MHD_YES;
    }
    int i = field_by_name(la->reg, name);
    if (i < 0 || !dom_filterable(&la->reg->fields[i])) {
        la->rc = err_set(la->e, E_USAGE, name,
                         i < 0 ? "%s: no such field or parameter of %s"
                               : "%s: %s cannot be filtered on this field",
                         name, la->reg->plural);
        return MHD_NO;
    }
    if (la->nfilters == MAX_FILTERS) {
        la->rc = err_set(la->e, E_USAGE, name, "%s: at most %d filters", name, MAX_FILTERS);
        return MHD_NO;
    }
    la->filters[la->nfilters++] = (dom_filter_arg){ i, text };
    return MHD_YES;
}

typedef struct collected {
    dom *d;
    record *recs;
    int64_t n, cap;
    const char *q; /* lower-case */
    int sort;      /* field index, -1: by key */
    int desc;
} collected;

static int contains_folded(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return 1;
    return 0;
}

static int matches(const record *rec, const char *q)
{
    if (!q || contains_folded(rec->key, q))
        return 1;
    for (int i = 0; i < rec->reg->nfields; i++)
        if (rec->reg->fields[i].type == FT_TEXT && contains_folded(rec->v[i].s, q))
            return 1;
    return 0;
}

static int collect(const record *rec, void *ctx)
{
    collected *c = ctx;
    if (!matches(rec, c->q))
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        record *more = arena_alloc(dom_arena(c->d), (size_t)c->cap * sizeof *more);
        if (c->n)
            memcpy(more, c->recs, (size_t)c->n * sizeof *more);
        c->recs = more;
    }
    record_copy(&c->recs[c->n++], rec, dom_arena(c->d));
    return 0;
}

static _Thread_local collected *sorting;

static int cmp_records(const void *pa, const void *pb)
{
    const record *a = pa, *b = pb;
    int s = sorting->sort, c = 0;
    if (s >= 0) {
        const value *va = &a->v[s], *vb = &b->v[s];
        const fielddef *f = &a->reg->fields[s];
        if (va->null != vb->null)
            return va->null ? 1 : -1; /* nulls last, either way */
        if (!va->null) {
            int number = f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BOOL;
            c = number ? (va->i > vb->i) - (va->i < vb->i)
                       : strcmp(va->s ? va->s : "", vb->s ? vb->s : "");
        }
    }
    if (!c)
        c = (a->id > b->id) - (a->id < b->id);
    return sorting->desc ? -c : c;
}

static int list_query(list_args *la, store_query *q, int64_t *limit, int64_t *offset, int *sort,
                      int *desc, isms_err *e)
{
    *limit = LIST_DEFAULT;
    *offset = 0;
    *sort = -1;
    *desc = 0;
    int rc = 0;
    if (la->limit)
        rc = web_parse_int("limit", la->limit, 1, LIST_MAX, limit, e);
    if (!rc && la->cursor)
        rc = web_parse_int("cursor", la->cursor, 0, INT64_MAX, offset, e);
    if (!rc && la->retired) {
        q->include_retired = !strcmp(la->retired, "include");
        q->only_retired = !strcmp(la->retired, "only");
        if (!q->include_retired && !q->only_retired)
            rc = err_set(e, E_USAGE, "retired", "retired: give include or only");
    }
    if (!rc && la->sort) {
        const char *s = la->sort;
        *desc = *s == '-';
        s += *desc;
        if (strcmp(s, "key")) {
            *sort = field_by_name(la->reg, s);
            if (*sort < 0 || la->reg->fields[*sort].type == FT_LINKS ||
                la->reg->fields[*sort].type == FT_ENUMSET)
                rc = err_set(e, E_USAGE, "sort", "sort: %s is no field %s can be sorted by", s,
                             la->reg->plural);
        }
    }
    if (!rc)
        rc = dom_query_filters(la->r->d, la->reg, la->filters, la->nfilters, q, e);
    return rc;
}

static json_t *page_json(web_req *r, const record *recs, int64_t n, int64_t total, int64_t offset,
                         int64_t limit)
{
    json_t *items = json_array();
    for (int64_t k = 0; k < n; k++)
        json_array_append_new(items, record_json(&recs[k]));
    json_t *next = json_null();
    if (offset + n < total) {
        char c[24];
        snprintf(c, sizeof c, "%" PRId64, offset + n);
        json_decref(next);
        next = json_string(c);
    }
    return json_pack("{s:o,s:I,s:I,s:o}", "items", items, "total", (json_int_t)total, "limit",
                     (json_int_t)limit, "next_cursor", next);
}

/* A list's total, kept while the repository stays as it is: counting is a
 * pass over the register (its filters name the count). */
typedef struct count_args {
    const regdef *reg;
    const store_query *q;
} count_args;

static int count_records(dom *d, void *ctx, void **out, isms_err *e)
{
    const count_args *c = ctx;
    int64_t *n = arena_alloc(dom_arena(d), sizeof *n);
    *out = n;
    return store_count(dom_store(d), c->reg, c->q, n, e);
}

static int list_total(const list_args *la, const store_query *q, int64_t *total, isms_err *e)
{
    buf name;
    buf_init(&name);
    buf_printf(&name, "count %s %s", la->reg->name, la->retired ? la->retired : "");
    for (int k = 0; k < la->nfilters; k++)
        buf_printf(&name, "\n%d=%s", la->filters[k].field, la->filters[k].text);
    void *n;
    int rc =
        dom_cached(la->r->d, buf_str(&name), count_records, &(count_args){ la->reg, q }, &n, e);
    buf_reset(&name);
    *total = rc ? 0 : *(const int64_t *)n;
    return rc;
}

int api_list(web_req *r, isms_err *e)
{
    list_args la = { .r = r, .reg = r->route->reg, .e = e };
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, one_arg, &la);
    if (la.rc)
        return la.rc;
    store_query q = { 0 };
    int64_t limit, offset, total;
    int sort, desc;
    int rc = list_query(&la, &q, &limit, &offset, &sort, &desc, e);
    if (rc)
        return rc;
    collected c = { .d = r->d, .q = la.q && *la.q ? la.q : NULL, .sort = sort, .desc = desc };
    int in_memory = c.q || la.sort;
    if (!in_memory) { /* the store counts and pages */
        rc = list_total(&la, &q, &total, e);
        q.limit = limit;
        q.offset = offset;
    }
    if (!rc)
        rc = dom_list(r->d, la.reg, &q, collect, &c, e);
    if (rc)
        return rc;
    const record *page = c.recs;
    int64_t n = c.n;
    if (in_memory) {
        total = c.n;
        sorting = &c;
        if (c.n > 1)
            qsort(c.recs, (size_t)c.n, sizeof *c.recs, cmp_records);
        page = offset < c.n ? c.recs + offset : NULL;
        n = offset < c.n ? c.n - offset : 0;
        if (n > limit)
            n = limit;
    }
    json_t *doc = page_json(r, page, n, total, offset, limit);
    r->status = 200;
    r->type = "application/json";
    js_append(&r->out, doc);
    json_decref(doc);
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

int api_create(web_req *r, isms_err *e)
{
    record in, out;
    int given;
    int rc = body_record(r, r->route->reg, &in, &given, e);
    if (!rc)
        rc = dom_add(r->d, &in, &out, e);
    if (rc)
        return rc;
    web_header(r, "Location", "/api/v1/%s/%s", out.reg->plural, out.key);
    return send_record(r, 201, &out, NULL, e);
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
    int64_t version;
    record changes, out;
    int given;
    int rc = if_match(r, &version, e);
    if (!rc)
        rc = body_record(r, r->route->reg, &changes, &given, e);
    if (!rc && !given)
        rc = err_set(e, E_USAGE, "body", "body: nothing to change: give the fields to update");
    dom_changes changed;
    if (!rc)
        rc = dom_update(r->d, r->route->reg, r->key, &changes, version, &out, &changed, e);
    if (rc)
        return rc;
    json_t *names = json_array();
    for (int k = 0; k < changed.n; k++)
        json_array_append_new(names, json_string(out.reg->fields[changed.fields[k]].name));
    return send_record(r, 200, &out, json_pack("{s:o}", "changed", names), e);
}

int api_retire(web_req *r, isms_err *e)
{
    record out;
    int rc = no_body(r, e);
    if (!rc)
        rc = dom_retire(r->d, r->route->reg, r->key, &out, e);
    if (!rc)
        rc = send_record(r, 200, &out, json_object(), e);
    return rc;
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

int api_accept(web_req *r, isms_err *e)
{
    json_t *body;
    int rc = api_body(r, &body, e);
    if (rc)
        return rc;
    const char *name, *rationale = NULL, *until = NULL;
    json_t *v;
    json_object_foreach(body, name, v)
    {
        const char **into = !strcmp(name, "rationale") ? &rationale
                            : !strcmp(name, "until")   ? &until
                                                       : NULL;
        if (!into) {
            rc = err_set(e, E_USAGE, name, "%s: unknown member (give rationale and until)", name);
            break;
        }
        if (!json_is_string(v)) {
            rc = err_set(e, E_INVALID, name, "%s: expected a string", name);
            break;
        }
        *into = arena_strdup(dom_arena(r->d), json_string_value(v));
    }
    json_decref(body);
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

int api_history(web_req *r, isms_err *e)
{
    record rec;
    int rc = dom_get(r->d, r->route->reg, r->key, &rec, e);
    if (rc)
        return rc;
    json_t *entries = json_array();
    rc = dom_history(r->d, rec.key, entry_json, entries, e);
    if (rc) {
        json_decref(entries);
        return rc;
    }
    json_t *doc = json_pack("{s:s,s:o}", "key", rec.key, "entries", entries);
    r->status = 200;
    r->type = "application/json";
    js_append(&r->out, doc);
    json_decref(doc);
    return 0;
}
