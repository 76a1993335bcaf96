/* pages_import.c: a register's records from CSV on the web, under the
 * rules of domain/workflows/csv_import.h (all rows or none, each refused
 * row named by its line):
 *
 *   GET  /<plural>/import             the form: a file, or rows pasted
 *   POST /<plural>/import             what was imported, or every row refused
 *   POST /api/v1/<plural>/import      a text/csv body (?dry_run=1: check only)
 *
 * The body's limit (1 MiB by default) bounds what the web takes; a larger
 * file is `isms <register> import` on the server, which streams it. */
#include "domain/workflows/csv_import.h"
#include "formats/json.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <jansson.h>
#include <string.h>

/* What the rows did, as the domain says it: those refused, and the
 * records those taken added or changed (for the answer to list). */
typedef struct refusal {
    long line;
    isms_err why;
} refusal;

typedef struct written {
    long line;
    const char *key;
    int outcome; /* DOM_IMPORT_ADDED or DOM_IMPORT_UPDATED */
} written;

typedef struct rows_seen {
    arena *a;
    refusal *refused;
    size_t nrefused, refused_cap;
    written *written;
    size_t nwritten, written_cap;
} rows_seen;

static void note_refused(void *ctx, long line, const isms_err *why)
{
    rows_seen *rs = ctx;
    ARENA_GROW(rs->a, rs->refused, rs->nrefused, rs->refused_cap, 16);
    rs->refused[rs->nrefused++] = (refusal){ line, *why };
}

static void note_taken(void *ctx, long line, const char *key, int outcome)
{
    rows_seen *rs = ctx;
    if (outcome == DOM_IMPORT_UNCHANGED)
        return;
    ARENA_GROW(rs->a, rs->written, rs->nwritten, rs->written_cap, 16);
    rs->written[rs->nwritten++] = (written){ line, arena_strdup(rs->a, key), outcome };
}

static const char *outcome_name(int outcome)
{
    return outcome == DOM_IMPORT_ADDED ? "added" : "changed";
}

static int may_import(web_req *r, const regdef *reg, isms_err *e)
{
    if (reg->flags & (REG_SYSTEM | REG_SINGLETON))
        return err_set(e, E_USAGE, "register", "%s: records are not imported", reg->plural);
    return principal_may_write(dom_who(r->d), reg, NULL, NULL, e);
}

/* Imports the CSV text into the route's register. */
static int run(web_req *r, const char *text, size_t len, int dry_run, rows_seen *rs,
               dom_import_result *res, isms_err *e)
{
    *rs = (rows_seen){ .a = dom_arena(r->d) };
    csv_reader *in = csv_open_mem(text, len, 0);
    dom_import_opts o = { .dry_run = dry_run,
                          .refused = note_refused,
                          .refused_ctx = rs,
                          .taken = note_taken,
                          .taken_ctx = rs };
    int rc = dom_import_csv(r->d, r->route->reg, in, &o, res, e);
    csv_close(in);
    return rc;
}

/* ---- the API ---- */

static json_t *ignored_json(const char *ignored)
{
    json_t *list = json_array();
    for (const char *p = ignored; p && *p;) {
        size_t n = strcspn(p, ",");
        json_array_append_new(list, json_stringn(p, n));
        p += n;
        p += strspn(p, ", ");
    }
    return list;
}

/* {register, rows, added, updated, unchanged, dry_run, warnings, ignored,
 * records: [{line, key, outcome}]}: the records added or changed. */
static json_t *result_json(const regdef *reg, const dom_import_result *res, const rows_seen *rs,
                           int dry_run)
{
    json_t *records = json_array();
    for (size_t k = 0; k < rs->nwritten; k++) {
        const written *w = &rs->written[k];
        json_array_append_new(records,
                              json_pack("{s:I,s:s,s:s}", "line", (json_int_t)w->line, "key", w->key,
                                        "outcome", outcome_name(w->outcome)));
    }
    return json_pack("{s:s,s:I,s:I,s:I,s:I,s:b,s:i,s:o,s:o}", "register", reg->name, "rows",
                     (json_int_t)res->rows, "added", (json_int_t)res->added, "updated",
                     (json_int_t)res->updated, "unchanged", (json_int_t)res->unchanged, "dry_run",
                     dry_run, "warnings", res->warnings, "ignored", ignored_json(res->ignored),
                     "records", records);
}

/* 422 with the error and every row refused: {"error", "refused": [{line,
 * field, message}]}. */
static void send_refused(web_req *r, int rc, const isms_err *e, const rows_seen *rs)
{
    json_t *doc = web_error_json(rc, e), *list = json_array();
    for (size_t k = 0; k < rs->nrefused; k++) {
        const refusal *f = &rs->refused[k];
        json_array_append_new(list,
                              json_pack("{s:I,s:o,s:s}", "line", (json_int_t)f->line, "field",
                                        f->why.field[0] ? json_string(f->why.field) : json_null(),
                                        "message", f->why.msg));
    }
    json_object_set_new(doc, "refused", list);
    web_send_doc(r, doc);
    r->status = err_http_status(rc);
}

static int dry_run_param(web_req *r, int *dry_run, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ "dry_run", NULL }, e);
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "dry_run");
    *dry_run = v && strcmp(v, "0");
    if (!rc && v && strcmp(v, "0") && strcmp(v, "1"))
        rc = err_set(e, E_USAGE, "dry_run", "dry_run: \"%s\" is not 0 or 1", v);
    return rc;
}

int api_import(web_req *r, isms_err *e)
{
    int dry_run;
    int rc = dry_run_param(r, &dry_run, e);
    if (!rc)
        rc = may_import(r, r->route->reg, e);
    if (rc)
        return rc;
    rows_seen rs;
    dom_import_result res;
    rc = run(r, r->body.data ? r->body.data : "", r->body.len, dry_run, &rs, &res, e);
    if (rc && rs.nrefused) {
        send_refused(r, rc, e, &rs);
        return 0;
    }
    if (!rc)
        web_send_doc(r, result_json(r->route->reg, &res, &rs, dry_run));
    return rc;
}

/* ---- the page ---- */

static void import_form(web_req *r, const regdef *reg)
{
    buf *b = &r->out;
    html_f(b,
           "<form class=\"record\" method=\"post\" action=\"/%u/import\" "
           "enctype=\"multipart/form-data\">",
           reg->plural);
    html_csrf_field(r);
    html_f(b,
           "<div class=\"field\"><label for=\"in-file\">CSV file</label>"
           "<input id=\"in-file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\" "
           "aria-describedby=\"in-file-help\"><span class=\"help\" id=\"in-file-help\">The "
           "first row names the columns (key and the fields of %s); comma, semicolon or tab "
           "separated, as a spreadsheet saves it; up to 1 MiB (larger files: <code>isms %s "
           "import FILE</code> on the server)</span></div>"
           "<div class=\"field\"><label for=\"in-text\">Or the rows, pasted</label>"
           "<textarea id=\"in-text\" name=\"text\" rows=\"6\"></textarea></div>"
           "<div class=\"field\"><label><input type=\"checkbox\" name=\"dry_run\" value=\"1\"> "
           "Check only: write nothing</label></div>"
           "<div class=\"field\"><label for=\"in-note\">Why (kept in the history)</label>"
           "<input id=\"in-note\" name=\"note\" type=\"text\" value=\"CSV import\"></div>"
           "<div class=\"actions\"><button type=\"submit\">Import</button></div></form>",
           web_words(r->d, reg->plural, 0), reg->name);
}

static void columns_help(web_req *r, const regdef *reg)
{
    html_f(&r->out,
           "<details><summary>Columns</summary><p>A row with a <code>key</code> changes that "
           "record (an empty cell clears the field); a row without one adds a record. If any "
           "row is refused, nothing is written, and each refused row is listed.</p><dl>");
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        if (!(f->flags & FF_SYSTEM))
            html_f(&r->out, "<dt><code>%s</code>%r</dt><dd>%s</dd>", f->name,
                   f->flags & FF_REQUIRED ? " (required on add)" : "", f->help);
    }
    html_f(&r->out, "</dl></details>");
}

static const char *rows_text(web_req *r, long n)
{
    return arena_printf(dom_arena(r->d), "%ld row%s", n, n == 1 ? "" : "s");
}

/* What a refused import said: the rows refused, each with its line, or
 * the one fault of the file (its header, a quote out of place). */
static void refused_table(web_req *r, const isms_err *e, const rows_seen *rs,
                          const dom_import_result *res)
{
    buf *b = &r->out;
    html_f(b, "<div class=\"error-summary\" role=\"alert\" id=\"form-errors\">");
    if (!rs->nrefused) {
        html_f(b, "<p>Nothing was imported: %s</p></div>", e->msg);
        return;
    }
    html_f(b,
           "<p>Nothing was imported: %D of the %s read refused. Correct them and import the "
           "file again.</p><table><thead><tr><th scope=\"col\">Line</th><th "
           "scope=\"col\">Field</th><th scope=\"col\">Why</th></tr></thead><tbody>",
           (int64_t)res->refused, rows_text(r, res->rows));
    for (size_t k = 0; k < rs->nrefused; k++)
        html_f(b, "<tr><td>%D</td><td>%s</td><td>%s</td></tr>", (int64_t)rs->refused[k].line,
               rs->refused[k].why.field, rs->refused[k].why.msg);
    html_f(b, "</tbody></table></div>");
}

/* The records added and changed, the first WRITTEN_SHOWN of them. */
enum { WRITTEN_SHOWN = 200 };
static void written_table(web_req *r, const regdef *reg, const rows_seen *rs, int dry_run)
{
    buf *b = &r->out;
    if (!rs->nwritten || dry_run)
        return;
    html_f(b, "<table><thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Record</th>"
              "<th scope=\"col\">What</th></tr></thead><tbody>");
    for (size_t k = 0; k < rs->nwritten && k < WRITTEN_SHOWN; k++) {
        const written *w = &rs->written[k];
        html_f(b, "<tr><td>%D</td><td>", (int64_t)w->line);
        html_ref(b, r->d, reg, w->key);
        html_f(b, "</td><td>%s</td></tr>", outcome_name(w->outcome));
    }
    html_f(b, "</tbody></table>");
    if (rs->nwritten > WRITTEN_SHOWN)
        html_f(b, "<p class=\"muted\">and %D more.</p>", (int64_t)(rs->nwritten - WRITTEN_SHOWN));
}

/* The page with its form, after what a refused import said (why NULL:
 * none). */
static void import_page(web_req *r, const regdef *reg, const isms_err *why, const rows_seen *rs,
                        const dom_import_result *res)
{
    page_begin(r, arena_printf(dom_arena(r->d), "Import %s", web_words(r->d, reg->plural, 0)),
               NAV_REGISTERS);
    if (why)
        refused_table(r, why, rs, res);
    import_form(r, reg);
    columns_help(r, reg);
    page_end(r);
}

int page_import_form(web_req *r, isms_err *e)
{
    int rc = may_import(r, r->route->reg, e);
    if (rc)
        return rc;
    import_page(r, r->route->reg, NULL, NULL, NULL);
    return 0;
}

static void result_page(web_req *r, const regdef *reg, const dom_import_result *res,
                        const rows_seen *rs, int dry_run)
{
    page_begin(r, arena_printf(dom_arena(r->d), "Import %s", web_words(r->d, reg->plural, 0)),
               NAV_REGISTERS);
    html_f(&r->out, "<p class=\"notice\" role=\"status\">%s %s: %s %D, %s %D, %D unchanged.%r</p>",
           dry_run ? "Checked" : "Imported", rows_text(r, res->rows),
           dry_run ? "would add" : "added", (int64_t)res->added,
           dry_run ? "would change" : "changed", (int64_t)res->updated, (int64_t)res->unchanged,
           dry_run ? " Nothing was written: choose the file again to import it." : "");
    if (res->ignored)
        html_f(&r->out,
               "<p class=\"muted\">Columns read past (set by isms's workflows, not by an "
               "import): %s.</p>",
               res->ignored);
    written_table(r, reg, rs, dry_run);
    html_f(&r->out, "<p><a href=\"/%u?sort=-key\">The %s, newest first</a></p>", reg->plural,
           web_words(r->d, reg->plural, 0));
    if (dry_run)
        import_form(r, reg);
    page_end(r);
}

int page_import(web_req *r, isms_err *e)
{
    const regdef *reg = r->route->reg;
    int rc = may_import(r, reg, e);
    if (rc)
        return rc;
    const char *file = web_form_get(r, "file"), *text = web_form_get(r, "text");
    const char *csv = file && *file ? file : text;
    if (!csv || !*csv)
        return err_set(e, E_USAGE, "file", "file: choose a CSV file, or paste its rows");
    int dry_run = web_form_get(r, "dry_run") != NULL;
    rows_seen rs;
    dom_import_result res;
    isms_err why = { 0 };
    rc = run(r, csv, strlen(csv), dry_run, &rs, &res, &why);
    if (rc == E_INVALID || rc == E_USAGE || rc == E_TOO_LARGE) {
        import_page(r, reg, &why, &rs, &res);
        r->status = err_http_status(rc);
        return 0;
    }
    if (rc) {
        *e = why;
        return rc;
    }
    result_page(r, reg, &res, &rs, dry_run);
    return 0;
}
