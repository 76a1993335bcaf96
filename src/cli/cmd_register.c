/* cmd_register.c: add, list, show, update and retire, for every register,
 * driven by its field table; plus `org set|show` and `scope approve`. */
#include "cli/cli_internal.h"
#include "core/text.h"
#include "domain/registers/registers.h"

#include <stdlib.h>
#include <string.h>

/* Copies the field options of the command line into r. */
static int fill_fields(cli *c, record *r, isms_err *e)
{
    for (int i = 0; i < c->nopts; i++) {
        if (c->opts[i].field < 0)
            continue;
        int rc = dom_set_text(c->d, r, c->opts[i].field, c->opts[i].arg, e);
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
    const char *label = record_text(r, r->reg->label);
    if (label && strchr(label, '\n'))
        label = "";
    fprintf(c->out, "%s %s  %s\n", verb, r->key, label ? label : "");
}

static int cmd_add(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (fields are options, see --help)", e);
    if (rc)
        return rc;
    record in, out;
    record_init(&in, c->reg, dom_arena(c->d));
    if ((rc = fill_fields(c, &in, e)) || (rc = dom_add(c->d, &in, &out, e)))
        return rc;
    print_result(c, "added", &out);
    return 0;
}

static int cmd_show(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    record r;
    if (rc || (rc = dom_get(c->d, c->reg, c->args[0], &r, e)))
        return rc;
    if (c->json)
        render_record_json(c, &r);
    else
        render_record(c, &r);
    return 0;
}

static int cmd_update(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    if (rc)
        return rc;
    int64_t if_version = 0;
    const char *v = cli_opt_value(c, "if-version");
    if (v && (rc = parse_int64("if-version", v, 1, INT64_MAX, &if_version, e)))
        return rc;
    record changes, out;
    record_init(&changes, c->reg, dom_arena(c->d));
    if ((rc = fill_fields(c, &changes, e)))
        return rc;
    int any = 0;
    for (int i = 0; i < c->reg->nfields; i++)
        any |= changes.v[i].given;
    if (!any)
        return err_set(e, E_USAGE, NULL, "nothing to change: give the fields to update (see --help)");
    int64_t before;
    record old;
    if ((rc = dom_get(c->d, c->reg, c->args[0], &old, e)))
        return rc;
    before = old.version;
    if ((rc = dom_update(c->d, c->reg, c->args[0], &changes, if_version, &out, e)))
        return rc;
    print_result(c, out.version == before ? "unchanged" : "updated", &out);
    return 0;
}

static int cmd_retire(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one key", e);
    record out;
    if (rc || (rc = dom_retire(c->d, c->reg, c->args[0], &out, e)))
        return rc;
    print_result(c, "retired", &out);
    return 0;
}

/* ---- list ---- */

/* Turns a filter option into a store filter, checking its value like input. */
static int make_filter(cli *c, const cli_opt *o, store_filter *f, isms_err *e)
{
    record tmp;
    record_init(&tmp, c->reg, dom_arena(c->d));
    const fielddef *fd = &c->reg->fields[o->field];
    int rc = dom_parse_filter(c->d, &tmp, o->field, o->arg, e);
    if (rc)
        return rc;
    const value *v = &tmp.v[o->field];
    f->field = fd;
    f->sval = v->s;
    f->ival = v->i;
    if (fd->type == FT_REF) {
        const regdef *target = register_find(fd->target);
        int retired;
        const char *key;
        if (target == &reg_person)
            rc = dom_find_person(c->d, v->s, &f->ival, &key, e);
        else
            rc = store_lookup(dom_store(c->d), target, v->s, &f->ival, &retired, e);
        if (!rc && !f->ival)
            rc = err_set(e, E_NOT_FOUND, fd->name, "%s: there is no %s %s", fd->name, fd->target, o->arg);
    }
    return rc;
}

int cli_table_row(const record *r, void *ctx)
{
    table_add(ctx, r);
    return 0;
}

static int cmd_list(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (filters are options, see --help)", e);
    if (rc)
        return rc;
    store_filter filters[CLI_MAX_ARGS];
    store_query q = {.filters = filters, .include_retired = cli_opt_given(c, "all"),
                     .only_retired = cli_opt_given(c, "retired")};
    const char *limit = cli_opt_value(c, "limit"), *offset = cli_opt_value(c, "offset");
    if (limit && (rc = parse_int64("limit", limit, 1, INT64_MAX, &q.limit, e)))
        return rc;
    if (offset && (rc = parse_int64("offset", offset, 0, INT64_MAX, &q.offset, e)))
        return rc;
    for (int i = 0; i < c->nopts; i++)
        if (c->opts[i].field >= 0 && (rc = make_filter(c, &c->opts[i], &filters[q.nfilters++], e)))
            return rc;
    table *t = table_begin(c, c->reg);
    rc = dom_list(c->d, c->reg, &q, cli_table_row, t, e);
    table_end(t);
    return rc;
}

int cmd_register(cli *c, isms_err *e)
{
    if (!strcmp(c->verb, "add"))
        return cmd_add(c, e);
    if (!strcmp(c->verb, "list"))
        return cmd_list(c, e);
    if (!strcmp(c->verb, "show"))
        return cmd_show(c, e);
    if (!strcmp(c->verb, "update"))
        return cmd_update(c, e);
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
    if ((rc = fill_fields(c, &changes, e)) || (rc = dom_org_set(c->d, &changes, &out, e)))
        return rc;
    print_result(c, "set", &out);
    return 0;
}

int cmd_org_show(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    record r;
    if (rc)
        return rc;
    if ((rc = dom_get(c->d, &reg_org, "ORG", &r, e))) {
        if (rc == E_NOT_FOUND) {
            err_clear(e);
            return err_set(e, E_NOT_FOUND, "org", "no organisation profile yet: isms org set --name NAME ...");
        }
        return rc;
    }
    if (c->json)
        render_record_json(c, &r);
    else
        render_record(c, &r);
    return 0;
}

int cmd_approve(cli *c, isms_err *e)
{
    int rc = cli_need_args(c, 1, "one key", e);
    const char *by = cli_opt_value(c, "by");
    if (!rc && !by)
        rc = err_set(e, E_USAGE, "by", "--by PERSON is required: the approving member of the management body");
    if (!rc)
        rc = cli_open(c, e);
    record out;
    if (rc || (rc = dom_approve(c->d, c->reg, c->args[0], by, &out, e)))
        return rc;
    print_result(c, "approved", &out);
    return 0;
}
