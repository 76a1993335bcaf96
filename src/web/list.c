/* list.c: a register's records as a list asks for them, the same for the
 * JSON API, the list pages and the search: filters on any field,
 * text search q (words starting the words of the key and the text fields,
 * case and accents ignored: store/words.c), sort, limit and cursor,
 * retired or not. The store filters, searches, counts, sorts and cuts the
 * page (store_ids: the page's ids in order, then its records); only the
 * page is read into memory. A cursor names the record a page starts after
 * (or ends before), so the store reads on from its place in an index:
 * page 1000 costs what page 1 does. */
#include "core/text.h"
#include "domain/registers/tallies.h"
#include "domain/views/states.h"
#include "store/store.h"
#include "web/web_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LIST_DEFAULT = 50, LIST_MAX = 1000 };

int web_field(const regdef *reg, const char *name)
{
    for (int i = 0; i < reg->nfields; i++)
        if (!strcmp(reg->fields[i].name, name))
            return i;
    return -1;
}

typedef struct args_ctx {
    web_list *l;
    int page; /* a page's form: empty values are no filter; format= is known */
    isms_err *e;
    int rc;
} args_ctx;

/* The parameters of a list that are not filters (format= on a page only). */
static const char *const list_params[] = {
    "q", "sort", "cursor", "limit", "retired", "format", NULL
};

static int known_arg(args_ctx *c, const char *name, const char *text)
{
    web_list *l = c->l;
    const char **known[] = { &l->q, &l->sort, &l->cursor, &l->limit_text, &l->retired, &l->format };
    int k = choice_index(list_params, name);
    if (k < 0 || (k == 5 && !c->page))
        return 0;
    /* filters' values are checked as input is; these here */
    c->rc = text_check(name, text, 0, 1000, c->e);
    if (c->rc)
        c->e->code = c->rc = E_USAGE;
    *known[k] = text;
    return 1;
}

/* ?state=NAME: one of the register's states, the dashboard's counts. */
static int state_arg(args_ctx *c, const char *text)
{
    web_list *l = c->l;
    int n;
    const dom_state *states = dom_states(l->reg, &n);
    int k = 0;
    while (k < n && strcmp(states[k].name, text))
        k++;
    if (k == n) {
        if (!n)
            return c->rc = err_set(c->e, E_USAGE, "state", "state: %s have no states ('%.40s')",
                                   l->reg->plural, text);
        buf names;
        buf_init(&names);
        for (int j = 0; j < n; j++)
            buf_printf(&names, "%s%s", j ? ", " : "", states[j].name);
        c->rc = err_set(c->e, E_USAGE, "state", "state: %s have no state '%.40s' (give one of: %s)",
                        l->reg->plural, text, buf_str(&names));
        buf_reset(&names);
        return c->rc;
    }
    if (l->nstates == WEB_LIST_FILTERS)
        return c->rc = err_set(c->e, E_USAGE, "state", "state: at most %d", WEB_LIST_FILTERS);
    l->states[l->nstates++] = k;
    return 0;
}

static enum MHD_Result one_arg(void *cls, enum MHD_ValueKind kind, const char *name,
                               const char *text)
{
    (void)kind;
    args_ctx *c = cls;
    web_list *l = c->l;
    if (c->rc)
        return MHD_NO;
    if (!text)
        text = "";
    if (c->page && !*text &&
        (choice_index(list_params, name) >= 0 || web_field(l->reg, name) >= 0 ||
         !strcmp(name, "state")))
        return MHD_YES; /* a form's field left empty: no filter (a name that is none is refused) */
    if (known_arg(c, name, text))
        return c->rc ? MHD_NO : MHD_YES;
    if (!strcmp(name, "state"))
        return state_arg(c, text) ? MHD_NO : MHD_YES;
    int i = web_field(l->reg, name);
    if (i < 0 || !dom_filterable(&l->reg->fields[i])) {
        c->rc = err_set(c->e, E_USAGE, name,
                        i < 0 ? "%s: no such field or parameter of %s"
                              : "%s: %s cannot be filtered on this field",
                        name, l->reg->plural);
        return MHD_NO;
    }
    if (l->nfilters == WEB_LIST_FILTERS) {
        c->rc = err_set(c->e, E_USAGE, name, "%s: at most %d filters", name, WEB_LIST_FILTERS);
        return MHD_NO;
    }
    l->filters[l->nfilters++] = (dom_filter_arg){ i, text };
    return MHD_YES;
}

int web_list_args(web_req *r, const regdef *reg, int page, web_list *l, isms_err *e)
{
    *l = (web_list){ .reg = reg };
    args_ctx c = { .l = l, .page = page, .e = e };
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, one_arg, &c);
    return c.rc;
}

typedef struct collected {
    dom *d;
    record *recs;
    int64_t n, cap;
} collected;

static int collect(const record *rec, void *ctx)
{
    collected *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        record *more = arena_alloc(dom_arena(c->d), (size_t)c->cap * sizeof *more);
        if (c->n)
            memcpy(more, c->recs, (size_t)c->n * sizeof *more);
        c->recs = more;
    }
    record_copy(&c->recs[c->n++], rec, dom_arena(c->d));
    return 0;
}

int web_list_sortable(const fielddef *f) { return f->type != FT_LINKS && f->type != FT_ENUMSET; }

static int parse_sort(web_list *l, int *sort, int *desc, isms_err *e)
{
    const char *s = l->sort;
    *desc = *s == '-';
    s += *desc;
    if (!strcmp(s, "key"))
        return 0;
    *sort = web_field(l->reg, s);
    if (*sort < 0 || !web_list_sortable(&l->reg->fields[*sort]))
        return err_set(e, E_USAGE, "sort", "sort: %s is no field %s can be sorted by", s,
                       l->reg->plural);
    return 0;
}

static int parse_cursor(const char *text, int64_t *offset, store_query *q, isms_err *e)
{
    store_page at;
    int rc = dom_cursor_parse(text, &at, e);
    if (rc)
        return rc;
    *offset = at.offset;
    q->after = at.after;
    q->before = at.before;
    if (!at.after && !at.before)
        q->offset = at.offset; /* a count of records to pass */
    return 0;
}

static int list_query(web_req *r, web_list *l, store_query *q, int *sort, int *desc, isms_err *e)
{
    if (l->limit <= 0) /* (a caller may have set one: the search) */
        l->limit = LIST_DEFAULT;
    l->offset = 0;
    *sort = -1;
    *desc = 0;
    int rc = 0;
    if (l->limit_text)
        rc = web_parse_int("limit", l->limit_text, 1, LIST_MAX, &l->limit, e);
    if (!rc && l->cursor)
        rc = parse_cursor(l->cursor, &l->offset, q, e);
    if (!rc && l->retired) {
        q->include_retired = !strcmp(l->retired, "include");
        q->only_retired = !strcmp(l->retired, "only");
        if (!q->include_retired && !q->only_retired)
            rc = err_set(e, E_USAGE, "retired", "retired: give include or only");
    }
    if (!rc && l->sort)
        rc = parse_sort(l, sort, desc, e);
    if (!rc)
        rc = dom_query_filters(r->d, l->reg, l->filters, l->nfilters, q, e);
    if (!rc)
        rc = dom_query_states(r->d, l->reg, q, l->states, l->nstates, e);
    return rc;
}

/* The records read in id order, put in the order of ids (the page's). */
static void reorder(collected *c, const int64_t *ids, int64_t n)
{
    record *sorted = arena_alloc(dom_arena(c->d), (size_t)(n + 1) * sizeof *sorted);
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++)
        for (int64_t j = 0; j < c->n; j++)
            if (c->recs[j].id == ids[k]) {
                sorted[m++] = c->recs[j];
                break;
            }
    c->recs = sorted;
    c->n = m;
}

/* A list's total, kept while the repository stays as it is (dom_cached).
 * Every active record, unsearched, or those of one owner or one value of a
 * field of few values, is a figure the store keeps with each write
 * (dom_count_query; after a write, counting a million risks again took 31
 * ms a worker on SQLite, 58 ms on PostgreSQL); else a pass over the
 * register's matches. Its filters name the count. */
typedef struct count_args {
    const regdef *reg;
    const store_query *q;
} count_args;

static int count_records(dom *d, void *ctx, void **out, isms_err *e)
{
    const count_args *c = ctx;
    int64_t *n = arena_alloc(dom_arena(d), sizeof *n);
    *out = n;
    return dom_count_query(d, c->reg, c->q, n, e);
}

void web_list_states_name(buf *b, const web_list *l)
{
    char today[11];
    now_date(today);
    for (int k = 0; k < l->nstates; k++)
        buf_printf(b, "\nstate=%d@%s", l->states[k], today);
}

static int list_total(web_req *r, web_list *l, const store_query *q, isms_err *e)
{
    buf name;
    buf_init(&name);
    buf_printf(&name, "count %s %s\nq=%s", l->reg->name, l->retired ? l->retired : "",
               q->text ? q->text : "");
    for (int k = 0; k < l->nfilters; k++)
        buf_printf(&name, "\n%d=%s", l->filters[k].field, l->filters[k].text);
    web_list_states_name(&name, l);
    void *n;
    int rc = dom_cached(r->d, buf_str(&name), count_records, &(count_args){ l->reg, q }, &n, e);
    buf_reset(&name);
    l->total = rc ? 0 : *(const int64_t *)n;
    return rc;
}

/* The cursors of the pages around this one. */
static void page_cursors(web_req *r, web_list *l)
{
    dom_cursors(dom_arena(r->d), l->offset, l->n, l->limit, l->total, l->n ? l->items[0].id : 0,
                l->n ? l->items[l->n - 1].id : 0, &l->next, &l->prev);
}

int web_list_run(web_req *r, web_list *l, isms_err *e)
{
    store_query q = { 0 };
    int sort, desc;
    int rc = list_query(r, l, &q, &sort, &desc, e);
    if (rc)
        return rc;
    q.text = l->q && *l->q ? l->q : NULL;
    rc = list_total(r, l, &q, e);
    if (rc)
        return rc;
    q.limit = l->limit;
    collected c = { .d = r->d };
    /* From the start by key, unsearched: the store's own order. A search
     * reads its page's ids first: the records' query and each link
     * table's would each look the words up again. */
    if (!l->sort && !q.after && !q.before && !q.text)
        rc = dom_list(r->d, l->reg, &q, collect, &c, e);
    else {
        int64_t *ids, n;
        rc = store_ids(dom_store(r->d), l->reg, &q, sort >= 0 ? &l->reg->fields[sort] : NULL, desc,
                       &ids, &n, dom_arena(r->d), e);
        q = (store_query){ .include_retired = q.include_retired,
                           .only_retired = q.only_retired,
                           .ids = ids,
                           .nids = (int)n };
        if (!rc && n)
            rc = dom_list(r->d, l->reg, &q, collect, &c, e);
        if (!rc)
            reorder(&c, ids, n);
    }
    if (rc)
        return rc;
    l->items = c.recs;
    l->n = c.n;
    page_cursors(r, l);
    return 0;
}

const char *web_searched(arena *a, const regdef *reg)
{
    int last = -1;
    for (int i = 0; i < reg->nfields; i++)
        if (store_searched(&reg->fields[i]))
            last = i;
    const char *out = "key";
    for (int i = 0; i <= last; i++)
        if (store_searched(&reg->fields[i]))
            out = arena_printf(a, "%s%s%s", out, i == last ? " or " : ", ", reg->fields[i].name);
    return out;
}
