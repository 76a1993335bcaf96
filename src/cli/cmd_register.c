/* cmd_register.c: add, list, show, update and retire, for every register,
 * driven by its field table, and the verbs of its lifecycle table (scope
 * approve); plus `org set|show`. */
#include "cli/cli_internal.h"
#include "core/buf.h"
#include "core/idset.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/links.h"
#include "domain/views/query.h"
#include "domain/views/states.h"

#include <stdlib.h>
#include <string.h>

/* Copies the field options of the command line into r: values, and on
 * update the members to add (--add-asset) and remove (--remove-asset). */
static int fill_fields(cli *c, record *r, isms_err *e)
{
    for (int i = 0; i < c->nopts; i++) {
        const cli_opt *o = &c->opts[i];
        if (o->field < 0)
            continue;
        int rc = o->mode == '+'   ? dom_add_members(c->d, r, o->field, o->arg, e)
                 : o->mode == '-' ? dom_remove_members(c->d, r, o->field, o->arg, e)
                                  : dom_set_text(c->d, r, o->field, o->arg, e);
        if (rc)
            return rc;
    }
    return 0;
}

static void print_result(cli *c, const char *verb, const record *r)
{
    if (c->json) {
        render_record_json(c, r);
        return;
    }
    const char *label = dom_record_title(c->d, r);
    fprintf(c->out, "%s %s  %s\n", verb, r->key, label ? label : "");
}

static int cmd_add(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (fields are options, see --help)", e);
    if (rc)
        return rc;
    record in, out;
    record_init(&in, c->reg, dom_arena(c->d));
    rc = fill_fields(c, &in, e);
    if (rc)
        return rc;
    rc = dom_add(c->d, &in, &out, e);
    if (rc)
        return rc;
    print_result(c, "added", &out);
    return 0;
}

static int cmd_show(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    if (rc)
        return rc;
    rc = dom_read_begin(c->d, e);
    if (rc)
        return rc;
    record r;
    rc = dom_get(c->d, c->reg, c->args[0], &r, e);
    if (!rc)
        rc = render_show(c, &r, e);
    return dom_txn_end(c->d, rc, e);
}

/* Is member k of set a (a record before) still in set b? Links by
 * halves: a record as written holds them ascending by id. */
static int still_there(const fielddef *f, const value *a, int k, const value *b)
{
    if (f->type == FT_LINKS) {
        size_t at = ids_lower_bound(b->ids, (size_t)b->n, a->ids[k]);
        return at < (size_t)b->n && b->ids[at] == a->ids[k];
    }
    for (int j = 0; j < b->n; j++)
        if (!strcmp(a->keys[k], b->keys[j]))
            return 1;
    return 0;
}

enum { GONE_NAMED = 10 }; /* members a warning names; the rest are counted */

/* A set given whole replaces the old one: say what that took away, which
 * is easily more than meant (--add-asset adds one). */
static void say_replaced(cli *c, const record *changes, const dom_changes *changed,
                         const record *after)
{
    const record *before = changed->before;
    for (int i = 0; before && i < c->reg->nfields; i++) {
        const fielddef *f = &c->reg->fields[i];
        const value *ch = &changes->v[i];
        if ((f->type != FT_LINKS && f->type != FT_ENUMSET) || !ch->given || ch->delta)
            continue;
        buf gone;
        buf_init(&gone);
        int ngone = 0;
        for (int k = 0; k < before->v[i].n; k++)
            if (!still_there(f, &before->v[i], k, &after->v[i]) && ngone++ < GONE_NAMED)
                buf_printf(&gone, "%s%s", gone.len ? ", " : "", before->v[i].keys[k]);
        if (ngone > GONE_NAMED)
            buf_printf(&gone, " and %d more", ngone - GONE_NAMED);
        char flag[80];
        field_flag(f, flag, sizeof flag);
        if (gone.len)
            fprintf(stderr,
                    "isms: %s: removed %s (--%s replaces the whole set; --add-%s and --remove-%s "
                    "change members)\n",
                    f->name, buf_str(&gone), flag, flag, flag);
        buf_reset(&gone);
    }
}

static int cmd_update(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    if (rc)
        return rc;
    int64_t if_version = 0;
    const char *v = cli_opt_value(c, "if-version");
    if (v) {
        rc = parse_int64("if-version", v, 1, INT64_MAX, &if_version, e);
        if (rc)
            return rc;
    }
    record changes, out;
    record_init(&changes, c->reg, dom_arena(c->d));
    rc = fill_fields(c, &changes, e);
    if (rc)
        return rc;
    int any = 0;
    for (int i = 0; i < c->reg->nfields; i++)
        any |= changes.v[i].given;
    if (!any)
        return err_set(e, E_USAGE, NULL,
                       "nothing to change: give the fields to update (see --help)");
    dom_confirm(c->d, cli_opt_given(c, "force"));
    dom_changes changed;
    rc = dom_update(c->d, c->reg, c->args[0], &changes, if_version, &out, &changed, e);
    if (rc)
        return rc;
    print_result(c, changed.n ? "updated" : "unchanged", &out);
    say_replaced(c, &changes, &changed, &out);
    return 0;
}

static int cmd_retire(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    if (rc)
        return rc;
    record out;
    rc = dom_retire(c->d, c->reg, c->args[0], &out, e);
    if (rc)
        return rc;
    print_result(c, "retired", &out);
    return 0;
}

/* ---- list ---- */

int cli_table_row(const record *r, void *ctx)
{
    table_add(ctx, r);
    return 0;
}

/* The rows of a page as the table shows them, and the one past it: there
 * are more, after the last shown. */
enum { PAGE_FULL = -1 }; /* page_row's stop: no error */

typedef struct page_rows {
    table *t;
    int64_t n, limit; /* limit 0: every row */
    buf last;         /* the last row's key */
} page_rows;

static int page_row(const record *r, void *ctx)
{
    page_rows *p = ctx;
    if (p->limit && p->n == p->limit)
        return PAGE_FULL; /* the one past the page */
    p->n++;
    buf_clear(&p->last);
    buf_puts(&p->last, r->key);
    table_add(p->t, r);
    return 0;
}

/* --limit, --offset and --after KEY (the records after it: store_query's
 * id_after, read on from its place in the id order the list is in). */
static int list_page(cli *c, store_query *q, isms_err *e)
{
    const char *limit = cli_opt_value(c, "limit"), *offset = cli_opt_value(c, "offset"),
               *after = cli_opt_value(c, "after");
    int rc = 0;
    if (limit)
        rc = parse_int64("limit", limit, 1, INT64_MAX, &q->limit, e);
    if (!rc && offset)
        rc = parse_int64("offset", offset, 0, DOM_PLACE_MAX, &q->offset, e);
    if (!rc && after) {
        const char *key;
        int retired;
        rc = dom_find(c->d, c->reg, after, &q->id_after, &key, &retired, e);
        if (!rc && !q->id_after)
            rc = err_set(e, E_NOT_FOUND, "after", "--after %s: no %s has that key", after,
                         c->reg->name);
    }
    return rc;
}

static int cmd_list(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (filters are options, see --help)", e);
    if (rc)
        return rc;
    store_query q = { .include_retired = cli_opt_given(c, "all"),
                      .only_retired = cli_opt_given(c, "retired") };
    rc = list_page(c, &q, e);
    if (rc)
        return rc;
    dom_filter_arg filters[CLI_MAX_ARGS];
    int states[CLI_MAX_ARGS];
    int n = 0, nstates = 0;
    for (int i = 0; i < c->nopts; i++) {
        if (c->opts[i].field >= 0)
            filters[n++] = (dom_filter_arg){ c->opts[i].field, c->opts[i].arg };
        if (c->opts[i].state >= 0)
            states[nstates++] = c->opts[i].state;
    }
    rc = dom_query_filters(c->d, c->reg, filters, n, &q, e);
    if (rc)
        return rc;
    /* One read transaction: the rows and their links from one snapshot,
     * and on PostgreSQL read through cursors a batch at a time (outside
     * one, each query's whole answer is held: 1 GB for a million risks). */
    rc = dom_read_begin(c->d, e);
    if (rc)
        return rc;
    if (cli_opt_given(c, "csv"))
        return dom_txn_end(c->d, cli_list_csv(c, &q, states, nstates, e), e);
    page_rows p = { .t = table_begin(c, c->reg), .limit = q.limit };
    buf_init(&p.last);
    if (q.limit && q.limit < INT64_MAX)
        q.limit++; /* one more: are there more? */
    rc = dom_list_in_states(c->d, c->reg, &q, states, nstates, page_row, &p, e);
    int more = rc == PAGE_FULL;
    rc = more ? 0 : rc;
    table_end(p.t);
    if (!rc && more && !c->json)
        fprintf(c->out, "(more: --after %s)\n", buf_str(&p.last));
    buf_reset(&p.last);
    return dom_txn_end(c->d, rc, e);
}

/* A lifecycle verb (`isms --as PERSON scope approve SCOPE-2`): done by
 * the principal; shows the record in its new state. */
static int cmd_transition(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    if (rc)
        return rc;
    record out;
    rc = dom_transition(c->d, c->reg, c->args[0], c->verb, &out, e);
    if (rc)
        return rc;
    print_result(c, record_text(&out, c->reg->lifecycle->field), &out);
    return 0;
}

int cmd_register(cli *c, isms_err *e)
{
    if (regdef_transition(c->reg, c->verb, NULL))
        return cmd_transition(c, e);
    if (!strcmp(c->verb, "add"))
        return cmd_add(c, e);
    if (!strcmp(c->verb, "list"))
        return cmd_list(c, e);
    if (!strcmp(c->verb, "show"))
        return cmd_show(c, e);
    if (!strcmp(c->verb, "update"))
        return cmd_update(c, e);
    if (!strcmp(c->verb, "import"))
        return cmd_register_import(c, e);
    return cmd_retire(c, e);
}

/* ---- the organisation profile and the scope ---- */

int cmd_org_set(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (fields are options, see --help)", e);
    if (rc)
        return rc;
    record changes, out;
    record_init(&changes, &reg_org, dom_arena(c->d));
    rc = fill_fields(c, &changes, e);
    if (rc)
        return rc;
    rc = dom_org_set(c->d, &changes, &out, e);
    if (rc)
        return rc;
    print_result(c, "set", &out);
    return 0;
}

int cmd_org_show(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    record r;
    rc = dom_get(c->d, &reg_org, "ORG", &r, e);
    if (rc) {
        if (rc == E_NOT_FOUND) {
            err_clear(e);
            return err_set(e, E_NOT_FOUND, "org",
                           "no organisation profile yet: isms org set --name NAME ...");
        }
        return rc;
    }
    if (c->json)
        render_record_json(c, &r);
    else
        render_record(c, &r);
    return 0;
}
