/* pages_list.c: a register's list page, /<plural>, generic over its
 * field table: the columns the table marks for lists, sortable headers,
 * filters on its enum, reference and set fields, text search, cursor
 * pagination with the total, and the same rows as CSV (?format=csv).
 * The records come from web_list, as the API's do; retired ones only when
 * asked for. */
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/workflows/csv_import.h"
#include "domain/views/states.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <string.h>

enum { MAX_COLUMNS = 32, MAX_OPTIONS = 200 };

/* The columns: the fields marked FF_LIST, else the label. */
static int columns(const regdef *reg, int cols[MAX_COLUMNS])
{
    int n = 0;
    for (int i = 0; i < reg->nfields && n < MAX_COLUMNS; i++)
        if (reg->fields[i].flags & FF_LIST)
            cols[n++] = i;
    if (!n)
        cols[n++] = field_index(reg, reg->label);
    return n;
}

/* "?a=b&c=d" of the list as asked, with sort, cursor and format replaced
 * (NULL: none), percent-encoded; the caller escapes it into an attribute. */
static void query_of(buf *b, const web_list *l, const char *sort, const char *cursor,
                     const char *format)
{
    const char *names[] = { "q", "retired", "limit", "sort", "cursor", "format" };
    const char *values[] = { l->q, l->retired, l->limit_text, sort, cursor, format };
    char sep = '?';
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        if (!values[k] || !*values[k])
            continue;
        buf_printf(b, "%c%s=", sep, names[k]);
        html_url_part(b, values[k]);
        sep = '&';
    }
    int n;
    const dom_state *states = dom_states(l->reg, &n);
    for (int k = 0; k < l->nstates; k++) {
        buf_printf(b, "%cstate=", sep);
        html_url_part(b, states[l->states[k]].name);
        sep = '&';
    }
    for (int k = 0; k < l->nfilters; k++) {
        buf_printf(b, "%c", sep);
        html_url_part(b, l->reg->fields[l->filters[k].field].name);
        buf_putc(b, '=');
        html_url_part(b, l->filters[k].text);
        sep = '&';
    }
}

/* ` href="/plural?..."` for the list with sort, cursor and format given. */
static void list_href(buf *b, const web_list *l, const char *sort, const char *cursor,
                      const char *format)
{
    buf u;
    buf_init(&u);
    buf_printf(&u, "/%s", l->reg->plural);
    query_of(&u, l, sort, cursor, format);
    html_f(b, " href=\"%s\"", buf_str(&u));
    buf_reset(&u);
}

static const char *filter_of(const web_list *l, int field)
{
    for (int k = 0; k < l->nfilters; k++)
        if (l->filters[k].field == field)
            return l->filters[k].text;
    return NULL;
}

/* Is v one of the comma-separated members of list (or list itself)? */
static int in_list(const char *list, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = list; p && *p;) {
        p += strspn(p, ", ");
        size_t m = strcspn(p, ",");
        size_t len = m;
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && !strncmp(p, v, n))
            return 1;
        p += m;
    }
    return 0;
}

/* An <option>, selected when its value is (one of) `selected`. */
static void option(buf *b, const char *v, const char *text, const char *selected)
{
    html_f(b, "<option value=\"%s\"%r>%s</option>", v, in_list(selected, v) ? " selected" : "",
           text);
}

typedef struct options_ctx {
    web_req *r;
    const regdef *reg;
    const char *selected;
    int n;
} options_ctx;

static int one_option(const record *rec, void *ctx)
{
    options_ctx *c = ctx;
    const char *label = record_text(rec, c->reg->label);
    buf t;
    buf_init(&t);
    buf_printf(&t, "%s%s%s", rec->key, label ? " · " : "", label ? label : "");
    option(&c->r->out, rec->key, buf_str(&t), c->selected);
    buf_reset(&t);
    c->n++;
    return 0;
}

const char *web_ref_hint(web_req *r, const char *target)
{
    const regdef *reg = register_find(target);
    if (!reg)
        return "key";
    return reg->typed_as
               ? arena_printf(dom_arena(r->d), "%s-n or %s", reg->key_prefix, reg->typed_as)
               : arena_printf(dom_arena(r->d), "%s-n", reg->key_prefix);
}

/* Can a reference to `target` be chosen from a list (at most MAX_OPTIONS
 * active records)? Else it is typed. The kept count says (counting a
 * million risks took 30 ms for each such filter of a page). */
int web_options_fit(web_req *r, const char *target, int *fits, isms_err *e)
{
    const regdef *reg = register_find(target);
    int64_t n = 0;
    *fits = 0;
    int rc = reg ? dom_count_active(r->d, reg, &n, e) : 0;
    *fits = !rc && reg && n <= MAX_OPTIONS;
    return rc;
}

/* The options of a field: its choices (on a form, with what each means
 * where the field says), yes and no, or the active records of the
 * register it refers to. */
int web_options(web_req *r, const fielddef *f, const char *selected, int form, isms_err *e)
{
    for (int k = 0; f->choices && f->choices[k]; k++)
        option(&r->out, f->choices[k],
               form && f->choice_help
                   ? arena_printf(dom_arena(r->d), "%s: %s", f->choices[k], f->choice_help[k])
                   : f->choices[k],
               selected);
    if (f->type == FT_BOOL) {
        option(&r->out, "true", "yes", selected);
        option(&r->out, "false", "no", selected);
    }
    if (f->type != FT_REF && f->type != FT_LINKS)
        return 0;
    const regdef *reg = register_find(f->target);
    store_query q = { 0 };
    options_ctx c = { .r = r, .reg = reg, .selected = selected };
    return reg ? dom_list(r->d, reg, &q, one_option, &c, e) : 0;
}

static int select_filter(web_req *r, const fielddef *f, const char *now, isms_err *e)
{
    buf *b = &r->out;
    html_f(b, "<div><label for=\"f-%s\">%s</label>", f->name, web_field_label(r->d, f->name));
    int fits = 1, rc = 0;
    if (f->type == FT_REF || f->type == FT_LINKS)
        rc = web_options_fit(r, f->target, &fits, e);
    if (!rc && !fits) { /* too many to choose from: typed, as wide as the hint */
        const char *hint = web_ref_hint(r, f->target);
        html_f(b, "<input id=\"f-%s\" name=\"%s\" value=\"%s\" placeholder=\"%s\" size=\"%d\">",
               f->name, f->name, now ? now : "", hint, (int)strlen(hint) + 2);
    }
    if (!rc && fits) {
        html_f(b, "<select id=\"f-%s\" name=\"%s\"><option value=\"\">any</option>", f->name,
               f->name);
        rc = web_options(r, f, now, 0, e);
        html_f(b, "</select>");
    }
    html_f(b, "</div>");
    return rc;
}

static int choosable(const fielddef *f)
{
    return f->type == FT_ENUM || f->type == FT_ENUMSET || f->type == FT_REF ||
           f->type == FT_LINKS || f->type == FT_BOOL;
}

/* The register's states (the dashboard's counts) to choose one from; a
 * list of several, as a URL may ask, shows the first. */
static void state_filter(buf *b, const web_list *l)
{
    int n;
    const dom_state *states = dom_states(l->reg, &n);
    if (!n)
        return;
    const char *now = l->nstates ? states[l->states[0]].name : NULL;
    html_f(b, "<div><label for=\"f-state\">State</label><select id=\"f-state\" name=\"state\">"
              "<option value=\"\">any</option>");
    for (int k = 0; k < n; k++)
        option(b, states[k].name, states[k].help, now);
    html_f(b, "</select></div>");
}

static int filters_form(web_req *r, const web_list *l, isms_err *e)
{
    buf *b = &r->out;
    html_f(b,
           "<form class=\"filters\" method=\"get\" action=\"/%u\"><div><label "
           "for=\"f-q\">Words of %s</label><input id=\"f-q\" type=\"search\" name=\"q\" "
           "value=\"%s\"></div>",
           l->reg->plural, web_searched(dom_arena(r->d), l->reg), l->q ? l->q : "");
    for (int i = 0; i < l->reg->nfields; i++) {
        const fielddef *f = &l->reg->fields[i];
        if (!choosable(f) || !dom_filterable(f))
            continue;
        int rc = select_filter(r, f, filter_of(l, i), e);
        if (rc)
            return rc;
    }
    state_filter(b, l);
    html_f(b, "<div><label for=\"f-retired\">Retired</label><select id=\"f-retired\" "
              "name=\"retired\"><option value=\"\">hidden</option>");
    option(b, "include", "shown too", l->retired);
    option(b, "only", "only retired", l->retired);
    html_f(b, "</select></div>");
    if (l->sort)
        html_f(b, "<input type=\"hidden\" name=\"sort\" value=\"%s\">", l->sort);
    html_f(b,
           "<div><button type=\"submit\">Filter</button> <a href=\"/%u\">Clear</a></div>"
           "</form>",
           l->reg->plural);
    return 0;
}

static void header_cell(web_req *r, const web_list *l, const char *name, const char *label)
{
    buf *b = &r->out;
    const char *now = l->sort ? l->sort : "key";
    int asc = !strcmp(now, name), desc = now[0] == '-' && !strcmp(now + 1, name);
    char toggled[96];
    snprintf(toggled, sizeof toggled, "%s%s", asc ? "-" : "", name);
    html_f(b, "<th scope=\"col\"%r><a",
           asc    ? " aria-sort=\"ascending\""
           : desc ? " aria-sort=\"descending\""
                  : "");
    list_href(b, l, toggled, NULL, NULL);
    /* the arrow stays beside its label when a narrow column wraps */
    html_f(b, ">%s%r</a></th>", label, asc ? "\u00a0▲" : desc ? "\u00a0▼" : "");
}

static void table(web_req *r, const web_list *l, const int *cols, int ncols)
{
    buf *b = &r->out;
    const regdef *reg = l->reg;
    html_f(b, "<div class=\"scroll\"><table><thead><tr>");
    header_cell(r, l, "key", "Key");
    for (int c = 0; c < ncols; c++) {
        const fielddef *f = &reg->fields[cols[c]];
        if (web_list_sortable(f))
            header_cell(r, l, f->name, web_field_label(r->d, f->name));
        else
            html_f(b, "<th scope=\"col\">%s</th>", web_field_label(r->d, f->name));
    }
    html_f(b, "</tr></thead><tbody>");
    for (int64_t k = 0; k < l->n; k++) {
        const record *rec = &l->items[k];
        html_f(b, "<tr%r><td><a href=\"/%u/%u\">%s</a></td>",
               rec->retired_at ? " class=\"retired\"" : "", reg->plural, rec->key, rec->key);
        for (int c = 0; c < ncols; c++) {
            html_f(b, "<td>");
            html_value(b, r->d, &reg->fields[cols[c]], &rec->v[cols[c]]);
            html_f(b, "</td>");
        }
        html_f(b, "</tr>");
    }
    html_f(b, "</tbody></table></div>");
}

static void pager(web_req *r, const web_list *l)
{
    buf *b = &r->out;
    html_f(b, "<nav class=\"pager\" aria-label=\"Pages\"><span>%D–%D of %D</span>",
           l->n ? l->offset + 1 : 0, l->offset + l->n, l->total);
    if (l->prev) {
        html_f(b, "<a rel=\"prev\"");
        list_href(b, l, l->sort, l->prev, NULL);
        html_f(b, ">Previous</a>");
    }
    if (l->next) {
        html_f(b, "<a rel=\"next\"");
        list_href(b, l, l->sort, l->next, NULL);
        html_f(b, ">Next</a>");
    }
    html_f(b, "<a");
    list_href(b, l, l->sort, l->cursor, "csv");
    html_f(b, ">CSV of these rows</a></nav>");
}

/* ---- CSV ---- */

static void csv(web_req *r, const web_list *l, const int *cols, int ncols)
{
    buf *b = &r->out;
    r->status = 200;
    r->type = "text/csv; charset=utf-8";
    buf_clear(b);
    dom_csv_header(b, l->reg, cols, ncols);
    buf_puts(b, "\r\n");
    for (int64_t k = 0; k < l->n; k++) {
        dom_csv_row(r->d, b, &l->items[k], cols, ncols);
        buf_puts(b, "\r\n");
    }
    web_header(r, "Content-Disposition", "attachment; filename=\"%s.csv\"", l->reg->plural);
}

/* ---- the page ---- */

static void new_link(web_req *r, const regdef *reg)
{
    isms_err quiet = { 0 };
    if (reg->flags & (REG_SYSTEM | REG_SINGLETON) ||
        principal_may_write(dom_who(r->d), reg, NULL, NULL, &quiet))
        return;
    html_f(&r->out,
           "<div class=\"actions\"><a class=\"button\" href=\"/%u/new\">New %s</a> "
           "<a href=\"/%u/import\">Import from CSV</a>",
           reg->plural, web_words(r->d, reg->name, 0), reg->plural);
    if (reg == &reg_metric) { /* (those the one acting may measure: their own, or all) */
        html_f(&r->out, "<form method=\"post\" action=\"/metrics/measure\">");
        html_csrf_field(r);
        html_f(&r->out, "<button type=\"submit\">Measure those due now</button></form>");
    }
    html_f(&r->out, "</div>");
}

int page_list(web_req *r, isms_err *e)
{
    web_list l;
    int rc = web_list_args(r, r->route->reg, 1, &l, e);
    if (!rc && l.format && strcmp(l.format, "csv"))
        rc = err_set(e, E_USAGE, "format", "format: give csv, or none for the page");
    if (!rc)
        rc = web_list_run(r, &l, e);
    if (rc)
        return rc;
    int cols[MAX_COLUMNS], ncols = columns(l.reg, cols);
    if (l.format) {
        csv(r, &l, cols, ncols);
        return 0;
    }
    page_begin(r, web_field_label(r->d, l.reg->plural), NAV_REGISTERS);
    html_f(&r->out, "<p class=\"muted\">%s</p>", l.reg->summary);
    new_link(r, l.reg);
    rc = filters_form(r, &l, e);
    if (rc)
        return rc;
    table(r, &l, cols, ncols);
    pager(r, &l);
    page_end(r);
    return 0;
}
