/* cmd_attention.c: `isms attention LIST [--cursor C | --offset N] [--limit
 * N]`: every risk of one of the dashboard's counts of what needs attention,
 * a page at a time (domain/views/attention.h; the JSON is the API's,
 * web/views_json.h). The next page's cursor reads on from the last risk
 * shown, at the cost of the first page wherever it lies. */
#include "cli/cli_internal.h"
#include "domain/views/attention.h"
#include "domain/views/query.h"
#include "core/text.h"
#include "formats/json.h"
#include "web/views_json.h"

#include <stdint.h>
#include <stdio.h>

static void print_rows(cli *c, const dom_attention *a)
{
    const char *heads[] = { "risk", "title", "residual", "band", "owner", "treatment", NULL };
    ttab *t = ttab_new(c, heads, "llrlll");
    for (int i = 0; i < a->n; i++) {
        const dash_risk *r = &a->rows[i];
        const char *cells[] = { r->key,
                                r->title,
                                arena_printf(c->a, "%d", r->residual),
                                r->residual_band,
                                r->owner ? r->owner : "-",
                                r->treatment ? r->treatment : "-" };
        ttab_row(t, cells);
    }
    ttab_print(t, "");
}

static void print_attention(cli *c, const dom_attention *a)
{
    fprintf(c->out, "%lld %s (computed %s)\n%s\n\n", (long long)a->total, a->what, a->computed_at,
            a->why);
    if (!a->n) {
        fprintf(c->out, "No risks %s.\n", a->offset && a->total ? "past that offset" : "here");
        return;
    }
    fprintf(c->out, "Risks %lld to %lld of %lld, by key:\n", (long long)a->offset + 1,
            (long long)a->offset + a->n, (long long)a->total);
    print_rows(c, a);
    if (a->next)
        fprintf(c->out, "(more: --cursor %s)\n", a->next);
}

int cmd_attention(cli *c, isms_err *e)
{
    const char *limit = cli_opt_value(c, "limit"), *offset = cli_opt_value(c, "offset"),
               *cursor = cli_opt_value(c, "cursor");
    store_page at = { 0 };
    att_list list = ATT_UNQUANTIFIED;
    int rc = cli_start(
        c, 1, "one list: unquantified, outside-appetite, matrix-disagrees or untreated", e);
    if (!rc)
        rc = att_list_parse(c->d, c->args[0], &list, e);
    if (!rc && limit)
        rc = parse_int64("limit", limit, 1, ATT_PAGE_MAX, &at.limit, e);
    if (!rc && offset && cursor)
        rc = err_set(e, E_USAGE, "cursor", "--cursor %s: give a cursor or an offset, not both",
                     cursor);
    if (!rc && offset)
        rc = parse_int64("offset", offset, 0, DOM_PLACE_MAX, &at.offset, e);
    if (!rc && cursor)
        rc = dom_cursor_parse(cursor, &at, e);
    if (!rc)
        rc = dom_read_begin(c->d, e);
    if (rc)
        return rc;
    dom_attention a;
    rc = dom_attention_read(c->d, list, &at, &a, e);
    if (!rc && c->json) {
        json_t *o = attention_json(&a);
        js_write(c->out, o, 1);
        json_decref(o);
    } else if (!rc) {
        print_attention(c, &a);
    }
    return dom_txn_end(c->d, rc, e);
}
