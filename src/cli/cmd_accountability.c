/* cmd_accountability.c: `isms person matrix [--offset N] [--limit N]`: the
 * responsibility matrix, what each person owns in every register with
 * their roles and budget, and its gaps (domain/views/accountability.h; the
 * JSON is the API's, web/views_json.h). */
#include "cli/cli_internal.h"
#include "domain/views/accountability.h"
#include "core/text.h"
#include "formats/json.h"
#include "web/views_json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void print_gaps(cli *c, const dom_accountability *m)
{
    if (!m->gaps_total) {
        fprintf(c->out, "No gaps: every role the standard needs is held, and every owner holds "
                        "the role and the budget for what they own.\n");
        return;
    }
    fprintf(c->out, "%lld gap%s:\n", (long long)m->gaps_total, m->gaps_total == 1 ? "" : "s");
    for (int i = 0; i < m->ngaps; i++)
        fprintf(c->out, "  - %s%s%s\n", m->gaps[i].person ? m->gaps[i].person : "",
                m->gaps[i].person ? ": " : "", m->gaps[i].text);
    if (m->gaps_total > m->ngaps)
        fprintf(c->out, "  ... and %lld more (--json lists the same first %d)\n",
                (long long)(m->gaps_total - m->ngaps), m->ngaps);
}

/* The columns shown: the registers someone owns records of. */
static int shown_kinds(const dom_accountability *m, int *shown)
{
    int n = 0;
    for (int k = 0; k < m->nkinds; k++)
        if (m->kinds[k].total)
            shown[n++] = k;
    return n;
}

static void print_rows(cli *c, const dom_accountability *m)
{
    int shown[ACC_MAX_KINDS], ns = shown_kinds(m, shown);
    const char *heads[ACC_MAX_KINDS + 6] = { "person", "name", "roles", "budget" };
    char align[ACC_MAX_KINDS + 6] = "llll";
    for (int j = 0; j < ns; j++) {
        char *head = arena_strdup(c->a, m->kinds[shown[j]].reg->plural);
        for (char *u = strchr(head, '_'); u; u = strchr(u, '_'))
            *u = ' '; /* "context issues" */
        heads[4 + j] = head;
        align[4 + j] = 'r';
    }
    heads[4 + ns] = "gaps";
    align[4 + ns] = 'r';
    ttab *t = ttab_new(c, heads, align);
    for (int i = 0; i < m->n; i++) {
        const acc_row *w = &m->rows[i];
        const char *cells[ACC_MAX_KINDS + 6] = { w->key, w->name, w->roles, w->budget_text };
        for (int j = 0; j < ns; j++)
            cells[4 + j] =
                w->owns[shown[j]] ? arena_printf(c->a, "%lld", (long long)w->owns[shown[j]]) : "-";
        cells[4 + ns] = w->gaps ? arena_printf(c->a, "%d", w->gaps) : "-";
        ttab_row(t, cells);
    }
    if (m->n)
        ttab_print(t, "");
}

static void print_matrix(cli *c, const dom_accountability *m)
{
    fprintf(c->out, "Responsibility matrix: %lld people, %lld of whom own records (computed %s)\n",
            (long long)m->people, (long long)m->owners, m->computed_at);
    print_gaps(c, m);
    fprintf(c->out, "\n");
    if (!m->n) {
        fprintf(c->out, "No people %s.\n", m->offset ? "past that offset" : "yet");
        return;
    }
    fprintf(c->out,
            "People %lld to %lld of %lld, by name; each register's active records "
            "they own:\n",
            (long long)m->offset + 1, (long long)m->offset + m->n, (long long)m->people);
    print_rows(c, m);
    if (m->offset + m->n < m->people)
        fprintf(c->out, "(more: --offset %lld)\n", (long long)(m->offset + m->n));
}

int cmd_person_matrix(cli *c, isms_err *e)
{
    const char *limit = cli_opt_value(c, "limit"), *offset = cli_opt_value(c, "offset");
    int64_t lim = 0, off = 0;
    int rc = cli_start(c, 0, "no arguments", e);
    if (!rc && limit)
        rc = parse_int64("limit", limit, 1, 500, &lim, e);
    if (!rc && offset)
        rc = parse_int64("offset", offset, 0, INT64_MAX, &off, e);
    if (!rc)
        rc = dom_read_begin(c->d, e);
    if (rc)
        return rc;
    dom_accountability m;
    rc = dom_accountability_read(c->d, off, (int)lim, &m, e);
    if (!rc && c->json) {
        json_t *o = accountability_json(&m);
        js_write(c->out, o, 1);
        json_decref(o);
    } else if (!rc) {
        print_matrix(c, &m);
    }
    return dom_txn_end(c->d, rc, e);
}
