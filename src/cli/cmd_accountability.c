/* cmd_accountability.c: `isms person matrix [--offset N] [--limit N]
 * [--gap KIND] [--gap-person PERSON] [--gap-offset N]`: the
 * responsibility matrix, what each person owns in every register with
 * their roles and budget, and its gaps (domain/views/accountability.h; the
 * JSON is the API's, web/views_json.h). */
#include "cli/cli_internal.h"
#include "domain/views/accountability.h"
#include "domain/views/query.h"
#include "core/text.h"
#include "formats/json.h"
#include "web/views_json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* "of kind without-budget naming PER-5 ": what the listed gaps were chosen by. */
static const char *asked_text(cli *c, const dom_accountability *m)
{
    return arena_printf(c->a, "%s%s%s%s", m->gap_kind >= 0 ? "of kind " : "",
                        m->gap_kind >= 0 ? acc_gap_names[m->gap_kind] : "",
                        m->gap_person ? (m->gap_kind >= 0 ? " naming " : "naming ") : "",
                        m->gap_person ? m->gap_person : "");
}

static void print_gaps(cli *c, const dom_accountability *m)
{
    if (!m->gaps_total) {
        fprintf(c->out, "No gaps: every role the standard needs is held, and every owner holds "
                        "the role and the budget for what they own.\n");
        return;
    }
    fprintf(c->out, "%lld gap%s (", (long long)m->gaps_total, m->gaps_total == 1 ? "" : "s");
    for (int k = 0; k < ACC_NKINDS; k++)
        fprintf(c->out, "%s%s %lld", k ? ", " : "", acc_gap_names[k],
                (long long)m->gaps_of_kind[k]);
    fprintf(c->out, ")");
    const char *chosen = asked_text(c, m);
    if (*chosen)
        fprintf(c->out, "; %lld %s", (long long)m->gaps_asked, chosen);
    fprintf(c->out, ":\n");
    for (int i = 0; i < m->ngaps; i++)
        fprintf(c->out, "  - %s%s%s\n", m->gaps[i].person ? m->gaps[i].person : "",
                m->gaps[i].person ? ": " : "", m->gaps[i].text);
    if (!m->ngaps && m->gaps_asked)
        fprintf(c->out, "  (none past gap offset %lld)\n", (long long)m->gap_offset);
    int64_t next = m->gap_offset + m->ngaps;
    if (m->ngaps && (m->gap_offset || next < m->gaps_asked))
        fprintf(c->out, "  (gaps %lld to %lld of %lld%s)\n", (long long)m->gap_offset + 1,
                (long long)next, (long long)m->gaps_asked,
                next < m->gaps_asked
                    ? arena_printf(c->a, "; more: --gap-offset %lld", (long long)next)
                    : "");
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
        buf words;
        buf_init(&words);
        text_words(&words, m->kinds[shown[j]].reg->plural, 0); /* "context issues" */
        heads[4 + j] = arena_strdup(c->a, buf_str(&words));
        buf_reset(&words);
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

/* The query from the options, each checked and named when bad. */
static int matrix_query(cli *c, acc_query *q, isms_err *e)
{
    const char *limit = cli_opt_value(c, "limit"), *offset = cli_opt_value(c, "offset"),
               *gap = cli_opt_value(c, "gap"), *gap_offset = cli_opt_value(c, "gap-offset");
    int64_t lim = 0;
    int rc = 0;
    *q = ACC_QUERY_ALL;
    q->gap_person = cli_opt_value(c, "gap-person");
    if (limit)
        rc = parse_int64("limit", limit, 1, 500, &lim, e);
    if (!rc && offset)
        rc = parse_int64("offset", offset, 0, DOM_PLACE_MAX, &q->offset, e);
    if (!rc && gap_offset)
        rc = parse_int64("gap-offset", gap_offset, 0, DOM_PLACE_MAX, &q->gap_offset, e);
    if (!rc && gap)
        rc = acc_gap_kind_parse(c->d, gap, &q->gap_kind, e);
    q->limit = (int)lim;
    return rc;
}

int cmd_person_matrix(cli *c, isms_err *e)
{
    acc_query q;
    int rc = cli_start(c, 0, "no arguments", e);
    if (!rc)
        rc = matrix_query(c, &q, e);
    if (!rc)
        rc = dom_read_begin(c->d, e);
    if (rc)
        return rc;
    dom_accountability m;
    rc = dom_accountability_read(c->d, &q, &m, e);
    if (!rc && c->json) {
        json_t *o = accountability_json(&m);
        js_write(c->out, o, 1);
        json_decref(o);
    } else if (!rc) {
        print_matrix(c, &m);
    }
    return dom_txn_end(c->d, rc, e);
}
