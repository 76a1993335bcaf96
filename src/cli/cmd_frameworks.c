/* cmd_frameworks.c: frameworks over the control set on the command line:
 *
 *   isms map add CTL-7 --to iso27001-2022:A.8.13 --relationship subset-of
 *   isms map suggest CTL-7 [--depth N]
 *   isms coverage --framework iso27001-2022 [--gaps]
 *   isms drift
 *   isms soa generate --framework iso27001-2022 [--title T]
 *   isms soa export SOA-2 [--format csv|md|html|json]
 *
 * The figures are the domain's (domain/views/frameworks.h,
 * domain/workflows/soa.h); this file only renders them. */
#include "cli/cli_internal.h"
#include "domain/views/links.h"
#include "core/buf.h"
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/views/frameworks.h"
#include "domain/workflows/soa.h"
#include "formats/csv.h"
#include "formats/json.h"
#include "web/views_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- map add ---- */

static int set_field(cli *c, record *r, int fid, const char *text, isms_err *e)
{
    return text ? dom_set_text(c->d, r, field_index(&reg_mapping, fid), text, e) : 0;
}

int cmd_map_add(cli *c, isms_err *e)
{
    int rc =
        cli_start(c, 1, "what is mapped: a control (CTL-7) or a requirement (FRAMEWORK:ID)", e);
    if (rc)
        return rc;
    const char *from = c->args[0];
    int is_control = !strchr(from, ':') && !strncasecmp(from, "CTL-", 4);
    record in, out;
    record_init(&in, &reg_mapping, dom_arena(c->d));
    rc = set_field(c, &in, is_control ? F_MAPPING_CONTROL : F_MAPPING_SOURCE, from, e);
    if (!rc)
        rc = set_field(c, &in, F_MAPPING_TARGET, cli_opt_value(c, "to"), e);
    if (!rc)
        rc = set_field(c, &in, F_MAPPING_RELATIONSHIP, cli_opt_value(c, "relationship"), e);
    if (!rc)
        rc = set_field(c, &in, F_MAPPING_STRENGTH, cli_opt_value(c, "strength"), e);
    if (!rc)
        rc = set_field(c, &in, F_MAPPING_RATIONALE, cli_opt_value(c, "rationale"), e);
    if (!rc)
        rc = dom_add(c->d, &in, &out, e);
    if (rc && !strcmp(e->field, "target")) /* the option is --to: say so (cli.c's hint) */
        snprintf(e->field, sizeof e->field, "to");
    if (rc)
        return rc;
    if (c->json) {
        render_record_json(c, &out);
        return 0;
    }
    fprintf(c->out, "added %s  %s\n", out.key, dom_record_title(c->d, &out));
    return 0;
}

/* ---- map suggest ---- */

int cmd_map_suggest(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one control key", e);
    int64_t depth = 1;
    const char *dv = cli_opt_value(c, "depth");
    if (!rc && dv)
        rc = parse_int64("depth", dv, 1, 3, &depth, e);
    map_suggestion *s;
    int n;
    if (!rc)
        rc = dom_map_suggest(c->d, c->args[0], (int)depth, &s, &n, e);
    if (rc)
        return rc;
    if (c->json) {
        json_t *a = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "requirement",
                                               s[i].ref, "title", s[i].title, "framework",
                                               s[i].framework, "relationship", s[i].relationship,
                                               "path", s[i].path, "hops", s[i].hops));
        js_write(c->out, a, 1);
        json_decref(a);
        return 0;
    }
    if (!n) {
        fprintf(c->out,
                "no suggestions for %s: map it onto a requirement first (isms map add "
                "%s --to FRAMEWORK:ID --relationship ...)\n",
                c->args[0], c->args[0]);
        return 0;
    }
    static const char *const heads[] = { "requirement", "title", "suggests", "path", NULL };
    ttab *t = ttab_new(c, heads, "llll");
    ttab_limit(t, 3, 120);
    for (int i = 0; i < n; i++) {
        const char *row[] = { s[i].ref, s[i].title, s[i].relationship, s[i].path };
        ttab_row(t, row);
    }
    ttab_print(t, "");
    fprintf(c->out,
            "\n(%d suggestions; add one: isms map add %s --to REQUIREMENT --relationship "
            "...)\n",
            n, c->args[0]);
    return 0;
}

/* ---- coverage ---- */

static void coverage_json(cli *c, const cov_report *r, int gaps_only)
{
    json_t *o = cov_report_json(r, gaps_only, c->a);
    js_write(c->out, o, 1);
    json_decref(o);
}

static const char *tally_cells(cli *c, const cov_tally *t, int k)
{
    return arena_printf(c->a, "%d", t->n[k]);
}

static void coverage_text(cli *c, const cov_report *r, int gaps_only)
{
    fprintf(c->out, "Coverage of %s (%s): %s\n", r->framework, r->framework_key, r->title);
    fprintf(c->out, "  %d control mappings; exclusions from %s\n\n", r->mapped,
            r->soa ? r->soa : "no approved SoA (none excluded)");
    static const char *const heads[] = { "group", "title",    "covered",  "partial",
                                         "gap",   "excluded", "covered%", NULL };
    ttab *t = ttab_new(c, heads, "llrrrrr");
    for (int i = 0; i <= r->ngroups; i++) {
        const cov_tally *g = i < r->ngroups ? &r->groups[i] : &r->total;
        const char *row[] = { g->code ? g->code : "total",
                              g->title ? g->title : "",
                              tally_cells(c, g, COV_COVERED),
                              tally_cells(c, g, COV_PARTIAL),
                              tally_cells(c, g, COV_GAP),
                              tally_cells(c, g, COV_EXCLUDED),
                              arena_printf(c->a, "%.0f%%", cov_percent(g)) };
        ttab_row(t, row);
    }
    ttab_print(t, "  ");
    static const char *const iheads[] = { "requirement", "title", "state", "why", NULL };
    ttab *g = ttab_new(c, iheads, "llll");
    ttab_limit(g, 3, 100);
    for (int i = 0; i < r->nitems; i++) {
        const cov_item *it = &r->items[i];
        if (gaps_only ? it->state != COV_GAP && it->state != COV_PARTIAL : it->state == COV_COVERED)
            continue;
        const char *row[] = { it->code, it->title, cov_state_names[it->state], it->why };
        ttab_row(g, row);
    }
    if (ttab_rows(g)) {
        fprintf(c->out, "\n%s\n",
                gaps_only ? "Gaps (not or partly covered)" : "Not fully covered, and why");
        ttab_print(g, "  ");
    }
}

/* The start of a command about one framework: no arguments, and
 * --framework NAME, which `why` says it needs. */
static int framework_start(cli *c, const char *why, const char **fw, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (--framework NAME)", e);
    return cli_opt_required(c, rc, "framework", why, fw, e);
}

int cmd_coverage(cli *c, isms_err *e)
{
    const char *fw;
    int rc = framework_start(c, "--framework is required: which framework (isms framework list)",
                             &fw, e);
    cov_report r;
    if (!rc)
        rc = dom_coverage(c->d, fw, &r, e);
    if (rc)
        return rc;
    if (c->json)
        coverage_json(c, &r, cli_opt_given(c, "gaps"));
    else
        coverage_text(c, &r, cli_opt_given(c, "gaps"));
    return 0;
}

/* ---- drift ---- */

int cmd_drift(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    drift_item *d;
    int n;
    if (!rc)
        rc = dom_drift(c->d, &d, &n, e);
    if (rc)
        return rc;
    if (c->json) {
        json_t *a = drift_json(d, n);
        js_write(c->out, a, 1);
        json_decref(a);
        return 0;
    }
    if (!n) {
        fprintf(c->out, "no drift: every control is reported alike in every framework\n");
        return 0;
    }
    static const char *const heads[] = { "control", "kind", "what", NULL };
    ttab *t = ttab_new(c, heads, "lll");
    ttab_limit(t, 2, 160);
    for (int i = 0; i < n; i++) {
        const char *row[] = { d[i].control, d[i].kind, d[i].what };
        ttab_row(t, row);
    }
    ttab_print(t, "");
    fprintf(c->out, "\n(%d inconsistencies)\n", n);
    return 0;
}

/* ---- the Statement of Applicability ---- */

int cmd_soa_generate(cli *c, isms_err *e)
{
    const char *fw;
    int rc =
        framework_start(c, "--framework is required: the framework whose SoA to generate", &fw, e);
    record out;
    int n;
    soa_spec spec = { .framework = fw,
                      .profile = cli_opt_value(c, "profile"),
                      .tier = cli_opt_value(c, "tier"),
                      .title = cli_opt_value(c, "title"),
                      .level = cli_opt_value(c, "level") };
    if (!rc)
        rc = dom_soa_generate(c->d, &spec, &out, &n, e);
    if (rc)
        return rc;
    if (c->json) {
        render_record_json(c, &out);
        return 0;
    }
    fprintf(c->out,
            "generated %s  %s (draft, %d requirements)\n  review: isms applicability list --soa "
            "%s; exclude: isms applicability update APL-N --applicable no --justification ...\n"
            "  approve: isms --as PERSON soa approve %s\n",
            out.key, record_text(&out, F_SOA_TITLE), n, out.key, out.key);
    return 0;
}

/* One CSV line of the n cells (csv_cell quotes what must be, and guards
 * what a spreadsheet would run as a formula, as the web's export does), ended by
 * '\n'; built whole, then written at once. */
static void csv_line_out(FILE *f, const char *const *cells, int n)
{
    buf b;
    buf_init(&b);
    for (int k = 0; k < n; k++) {
        if (k)
            buf_putc(&b, ',');
        csv_cell(&b, cells[k] ? cells[k] : "", 1); /* a formula typed in is text */
    }
    buf_putc(&b, '\n');
    fwrite(b.data, 1, b.len, f);
    buf_reset(&b);
}

/* Markdown and HTML cells: what would break the table escaped. */
static void md_cell(FILE *f, const char *s)
{
    fputs(" ", f);
    for (s = s ? s : ""; *s; s++)
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputs("<br>", f);
        else
            fputc(*s, f);
    fputs(" |", f);
}

static void html_text(FILE *f, const char *s)
{
    for (s = s ? s : ""; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static const char *approval_line(cli *c, const soa_doc *s)
{
    return s->approved_by ? arena_printf(c->a, "%s, approved by %s at %s", s->status,
                                         s->approved_by, s->approved_at)
                          : s->status;
}

static void soa_csv(cli *c, const soa_doc *s)
{
    csv_line_out(c->out, soa_columns, SOA_COLUMNS);
    for (int i = 0; i < s->n; i++) {
        const char *cells[SOA_COLUMNS];
        soa_row_cells(&s->rows[i], cells);
        csv_line_out(c->out, cells, SOA_COLUMNS);
    }
}

static void soa_md(cli *c, const soa_doc *s)
{
    FILE *f = c->out;
    fprintf(f, "# %s\n\n%s, %s (%s). %d applicable, %d excluded.\n\n|", s->title ? s->title : "",
            s->key, s->framework, approval_line(c, s), s->applicable, s->excluded);
    for (int k = 0; k < SOA_COLUMNS; k++)
        md_cell(f, soa_columns[k]);
    fputs("\n|", f);
    for (int k = 0; k < SOA_COLUMNS; k++)
        fputs("---|", f);
    fputc('\n', f);
    for (int i = 0; i < s->n; i++) {
        const char *cells[SOA_COLUMNS];
        soa_row_cells(&s->rows[i], cells);
        fputc('|', f);
        for (int k = 0; k < SOA_COLUMNS; k++)
            md_cell(f, cells[k]);
        fputc('\n', f);
    }
}

/* A row of n cells, each in <tag> (th or td). */
static void html_row(FILE *f, const char *tag, const char *const *cells, int n)
{
    fputs("<tr>", f);
    for (int k = 0; k < n; k++) {
        fprintf(f, "<%s>", tag);
        html_text(f, cells[k]);
        fprintf(f, "</%s>", tag);
    }
    fputs("</tr>\n", f);
}

static void soa_html(cli *c, const soa_doc *s)
{
    FILE *f = c->out;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
    html_text(f, s->title);
    fputs("</title></head><body>\n<h1>", f);
    html_text(f, s->title);
    fputs("</h1>\n<p>", f);
    html_text(f, arena_printf(c->a, "%s, %s (%s). %d applicable, %d excluded.", s->key,
                              s->framework, approval_line(c, s), s->applicable, s->excluded));
    fputs("</p>\n<table>\n", f);
    html_row(f, "th", soa_columns, SOA_COLUMNS);
    for (int i = 0; i < s->n; i++) {
        const char *cells[SOA_COLUMNS];
        soa_row_cells(&s->rows[i], cells);
        html_row(f, "td", cells, SOA_COLUMNS);
    }
    fputs("</table>\n</body></html>\n", f);
}

static void soa_json(cli *c, const soa_doc *s)
{
    json_t *o = soa_doc_json(s);
    js_write(c->out, o, 1);
    json_decref(o);
}

int cmd_soa_export(cli *c, isms_err *e)
{
    const char *format = cli_opt_value(c, "format");
    format = format ? format : c->json ? "json" : "md";
    static const char *const formats[] = { "csv", "md", "html", "json", NULL };
    int rc = cli_start(c, 1, "one SoA key", e);
    if (!rc && choice_index(formats, format) < 0)
        rc = err_set(e, E_USAGE, "format", "format: \"%s\" is not one of csv, md, html, json",
                     format);
    soa_doc s;
    if (!rc)
        rc = dom_soa_doc(c->d, c->args[0], &s, e);
    if (rc)
        return rc;
    if (!strcmp(format, "csv"))
        soa_csv(c, &s);
    else if (!strcmp(format, "html"))
        soa_html(c, &s);
    else if (!strcmp(format, "json"))
        soa_json(c, &s);
    else
        soa_md(c, &s);
    return 0;
}

/* `soa exclude|include SOA-N FRAMEWORK:ID --justification TEXT`: the
 * applicability record of that requirement in that version, updated. */
static int soa_decide(cli *c, const char *applicable, isms_err *e)
{
    int rc = cli_start(c, 2, "an SoA key and a requirement (FRAMEWORK:ID)", e);
    int64_t id;
    const char *req;
    int retired;
    if (!rc)
        rc = dom_find(c->d, &reg_requirement, c->args[1], &id, &req, &retired, e);
    if (!rc && !id)
        rc = err_set(e, E_NOT_FOUND, "requirement", "requirement: there is no requirement %s",
                     c->args[1]);
    soa_doc s;
    if (!rc)
        rc = dom_soa_doc(c->d, c->args[0], &s, e);
    if (rc)
        return rc;
    for (int i = 0; i < s.n; i++) {
        if (strcmp(s.rows[i].requirement, req))
            continue;
        record ch, out;
        record_init(&ch, &reg_applicability, dom_arena(c->d));
        const char *why = cli_opt_value(c, "justification");
        rc = dom_set_text(c->d, &ch, field_index(&reg_applicability, F_APPLICABILITY_APPLICABLE),
                          applicable, e);
        if (!rc && why)
            rc = dom_set_text(
                c->d, &ch, field_index(&reg_applicability, F_APPLICABILITY_JUSTIFICATION), why, e);
        if (!rc)
            rc = dom_update(c->d, &reg_applicability, s.rows[i].key, &ch, 0, &out, NULL, e);
        if (rc)
            return rc;
        if (c->json)
            render_record_json(c, &out);
        else
            fprintf(c->out, "%s %s in %s (%s)\n", *applicable == 'y' ? "included" : "excluded",
                    s.rows[i].ref, s.key, out.key);
        return 0;
    }
    return err_set(e, E_NOT_FOUND, "requirement", "requirement: %s has no row for %s", s.key,
                   c->args[1]);
}

int cmd_soa_exclude(cli *c, isms_err *e) { return soa_decide(c, "no", e); }

int cmd_soa_include(cli *c, isms_err *e) { return soa_decide(c, "yes", e); }
