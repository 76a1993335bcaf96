/* pages_record.c: one record's page, /<plural>/<KEY>, generic over the
 * register's tables: every field, its derived values (domain/views), the
 * records that point at it, its history from the ledger (who, when,
 * what, why), and the buttons for what the signed-in person may do to
 * it: edit, retire, the verbs of its lifecycle that the domain says they
 * may make now. The domain refuses anything else all the same. */
#include "core/text.h"
#include "domain/engine/lifecycle.h"
#include "domain/registers/registers.h"
#include "domain/views/derived.h"
#include "domain/views/links.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <jansson.h>
#include <string.h>

/* ---- the buttons ---- */

/* A form posting to /<plural>/<KEY>/<verb>, with the CSRF token. */
static void verb_button(web_req *r, const record *rec, const char *verb, const char *label,
                        const char *cls)
{
    html_f(&r->out, "<form method=\"post\" action=\"/%u/%u/%u\">", rec->reg->plural, rec->key,
           verb);
    html_csrf_field(r);
    html_f(&r->out, "<button type=\"submit\"%r>%s</button></form>", cls, label);
}

void web_verb_buttons(web_req *r, const record *rec)
{
    const lifecycle *lc = rec->reg->lifecycle;
    for (int k = 0; lc && k < lc->ntransitions; k++) {
        const transition *t = &lc->transitions[k];
        isms_err no = { 0 };
        if (!dom_may_transition(r->d, rec, t, &no))
            verb_button(r, rec, t->verb, web_field_label(r->d, t->verb), "");
    }
}

static void actions(web_req *r, const record *rec)
{
    const regdef *reg = rec->reg;
    isms_err quiet = { 0 };
    int may_write = !(reg->flags & REG_SYSTEM) && !rec->retired_at &&
                    !principal_may_write(dom_who(r->d), reg, rec, NULL, &quiet);
    int by_parent = 0, frozen = may_write && dom_record_frozen(r->d, rec, &by_parent);
    html_f(&r->out, "<div class=\"actions\">");
    web_verb_buttons(r, rec);
    if (may_write && !frozen)
        html_f(&r->out, "<a class=\"button\" href=\"/%u/%u/edit\">Edit</a>", reg->plural, rec->key);
    if (frozen && !by_parent && reg->lifecycle->superseded) /* approved: a new version */
        html_f(&r->out, "<a class=\"button\" href=\"/%u/new\">New version</a>", reg->plural);
    if (may_write && !(reg->flags & REG_NO_RETIRE) && !(frozen && by_parent))
        verb_button(r, rec, "retire", "Retire", " class=\"secondary\"");
    web_workflow_links(r, rec);
    html_f(&r->out, "</div>");
}

/* ---- fields ---- */

/* A JSON document kept in a text field (an analysis's inputs and
 * results): folded, and wrapped where it is shown, or one line of it
 * would widen the page to thousands of pixels. */
static int is_document(const fielddef *f, const value *v)
{
    return f->type == FT_TEXT && (f->flags & FF_MULTILINE) && v->s &&
           (*v->s == '{' || *v->s == '[');
}

/* A field's name, its help on hover: "LEF" says little to a reader who
 * does not know FAIR's words. Opens the <dd>. */
static void dt(buf *b, dom *d, const char *name, const char *help)
{
    if (help && *help)
        html_f(b, "<dt title=\"%s\">%s</dt><dd>", help, web_field_label(d, name));
    else
        html_f(b, "<dt>%s</dt><dd>", web_field_label(d, name));
}

/* A large set of links (a control treating thousands of risks): the
 * first DOM_BACKLINKS_SHOWN with their labels, the others behind "and N
 * more", opened in place, by key alone (a label is a read: thousands of
 * them would make the page cost what the set's records do). */
static void large_set(buf *b, dom *d, const fielddef *f, const value *v)
{
    value first = *v;
    first.n = DOM_BACKLINKS_SHOWN;
    html_value(b, d, f, &first);
    html_f(b, "<details><summary>and %D more</summary>", (int64_t)(v->n - first.n));
    const regdef *target = register_find(f->target);
    for (int k = first.n; k < v->n; k++)
        html_f(b, "%s<a href=\"/%u/%u\">%s</a>", k > first.n ? ", " : "", target->plural,
               v->keys[k], v->keys[k]);
    html_f(b, "</details>");
}

static void fields(web_req *r, const record *rec)
{
    buf *b = &r->out;
    char today[11], now[21];
    now_date(today);
    now_timestamp(now);
    html_f(b, "<dl class=\"fields\">");
    for (int i = 0; i < rec->reg->nfields; i++) {
        const fielddef *f = &rec->reg->fields[i];
        dt(b, r->d, f->name, f->help);
        int set = f->type == FT_LINKS || f->type == FT_ENUMSET;
        if (set ? !rec->v[i].n : rec->v[i].null) /* nothing, or an empty set */
            html_f(b, "<span class=\"muted\">—</span>");
        else if (dom_field_is_level(f))
            html_f(b, "%D%r%s", rec->v[i].i,
                   *dom_field_level_label(r->d, f, rec->v[i].i) ? " · " : "",
                   dom_field_level_label(r->d, f, rec->v[i].i));
        else if (dom_field_is_due(f) && !rec->retired_at &&
                 strcmp(rec->v[i].s, f->type == FT_TIME ? now : today) < 0)
            html_f(b, "%r <strong class=\"error\">%s</strong>",
                   f->type == FT_TIME ? web_time_html(r->d, rec->v[i].s)
                                      : arena_printf(dom_arena(r->d), "%s", rec->v[i].s),
                   strstr(f->name, "expires") ? "lapsed" : "overdue");
        else if (f->type == FT_LINKS && rec->v[i].n > DOM_BACKLINKS_SHOWN)
            large_set(b, r->d, f, &rec->v[i]);
        else if (is_document(f, &rec->v[i]))
            html_f(b,
                   "<details><summary>JSON as kept (%D characters)</summary><pre "
                   "class=\"doc\">%s</pre></details>",
                   (int64_t)strlen(rec->v[i].s), rec->v[i].s);
        else
            html_value(b, r->d, f, &rec->v[i]);
        html_f(b, "</dd>");
    }
    html_f(b, "<dt>Version</dt><dd>%D</dd><dt>Created</dt><dd>%r</dd><dt>Updated</dt><dd>%r</dd>",
           rec->version, web_time_html(r->d, rec->created_at),
           web_time_html(r->d, rec->updated_at));
    if (rec->retired_at)
        html_f(b, "<dt>Retired</dt><dd>%r</dd>", web_time_html(r->d, rec->retired_at));
    html_f(b, "</dl>");
}

/* A record's derived values, computed once for the page. */
typedef struct derived_vals {
    const derived_def *defs;
    value *vals;
    int n;
} derived_vals;

static int derive(web_req *r, const record *rec, derived_vals *dv, isms_err *e)
{
    int n;
    *dv = (derived_vals){ .defs = derived_defs(rec->reg, &n) };
    if (!dv->defs || n <= 0)
        return 0;
    dv->n = n;
    derive_cache *c = derive_cache_new(r->d);
    derive_cache_detail(c); /* one record's page */
    dv->vals = arena_alloc(dom_arena(r->d), (size_t)dv->n * sizeof *dv->vals);
    int rc = derive_record(c, rec, dv->vals, e);
    derive_cache_free(c);
    return rc;
}

/* The text of the derived value called `name`, or NULL. */
static const char *derived_text(const derived_vals *dv, const char *name)
{
    for (int k = 0; k < dv->n; k++)
        if (!strcmp(dv->defs[k].field.name, name) && !dv->vals[k].null)
            return dv->vals[k].s;
    return NULL;
}

static void derived(web_req *r, const derived_vals *dv)
{
    if (!dv->n)
        return;
    html_f(&r->out, "<h2>Derived</h2><dl class=\"fields\">");
    for (int k = 0; k < dv->n; k++) {
        const derived_def *def = &dv->defs[k];
        const value *v = &dv->vals[k];
        dt(&r->out, r->d, def->label ? def->label : def->field.name, def->field.help);
        if (v->null || (v->s && !*v->s)) /* nothing derived: as an empty field */
            html_f(&r->out, "<span class=\"muted\">—</span>");
        else
            html_value(&r->out, r->d, &def->field, v);
        html_f(&r->out, "</dd>");
    }
    html_f(&r->out, "</dl>");
}

/* What points here: the other way of the links the fields show. */
static int backlinks(web_req *r, const record *rec, isms_err *e)
{
    dom_backlinks bl;
    int rc = dom_backlinks_of(r->d, rec, DOM_BACKLINKS_SHOWN, &bl, e);
    if (rc)
        return rc;
    buf *b = &r->out;
    html_f(b, "<h2>Linked here</h2>");
    if (!bl.n)
        html_f(b, "<p class=\"muted\">Nothing refers to %s.</p>", rec->key);
    else
        html_f(b, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Record</th><th "
                  "scope=\"col\">Name</th><th scope=\"col\">Through</th></tr></thead><tbody>");
    for (int k = 0; k < bl.n; k++) {
        const dom_backlink *l = &bl.links[k];
        html_f(b, "<tr><td><a href=\"/%u/%u\">%s</a></td><td>%s</td><td>its %s</td></tr>",
               l->reg->plural, l->key, l->key, l->label, l->field->name);
        if (l->more) /* the first DOM_BACKLINKS_SHOWN: the rest in their list */
            html_f(b,
                   "<tr><td colspan=\"3\">and more: <a href=\"/%u?%u=%u\">every %s whose "
                   "%s name %s</a></td></tr>",
                   l->reg->plural, l->field->name, rec->key, web_words(r->d, l->reg->name, 0),
                   web_words(r->d, l->field->name, 0), rec->key);
    }
    if (bl.n)
        html_f(b, "</tbody></table></div>");
    if (bl.analysis)
        html_f(b, "<p>Latest analysis: <a href=\"/analyses/%u\">%s</a> (%r)</p>", bl.analysis,
               bl.analysis, web_time_html(r->d, bl.analysed_at));
    return 0;
}

/* ---- history ---- */

enum { HISTORY_PAGE = 50 }; /* entries on a record's page */

/* What an entry changed: the fields whose value differs from before. */
static void changes(buf *b, json_t *prev, json_t *now)
{
    static const char *const own[] = { "version", "updated_at", "created_at", "key" };
    const char *name;
    json_t *v;
    int n = 0;
    json_object_foreach(now, name, v)
    {
        int skip = 0;
        for (size_t k = 0; k < sizeof own / sizeof *own; k++)
            skip |= !strcmp(name, own[k]);
        if (skip || (prev && json_equal(v, json_object_get(prev, name))))
            continue;
        char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        html_f(b, "%r%s: %s", n++ ? "; " : " ", name, text ? text : json_string_value(v));
        free(text);
    }
}

/* The rows of a page of history, written apart: what is said above them
 * depends on them. */
typedef struct history_rows {
    web_req *r;
    buf rows;
    int64_t n, first; /* entries, the first's seq */
} history_rows;

/* One entry, what it changed against the record's entry before it (which
 * the store reads beside it: the page holds no earlier versions). */
static int history_row(const ledger_row *row, void *ctx)
{
    history_rows *h = ctx;
    buf *b = &h->rows;
    json_t *data = json_loads(row->data ? row->data : "", 0, NULL);
    json_t *prev = row->prev_data ? json_loads(row->prev_data, 0, NULL) : NULL;
    html_f(b, "<tr><td>%r</td><td>%s</td><td>%s", web_time_html(h->r->d, row->ts), row->actor,
           row->op);
    if (json_is_object(data) && strcmp(row->op, "add"))
        changes(b, json_is_object(prev) ? prev : NULL, data);
    html_f(b, "</td><td>%s</td></tr>", row->note ? row->note : "");
    json_decref(prev);
    json_decref(data);
    if (!h->n++)
        h->first = row->seq;
    return 0;
}

/* The record's last HISTORY_PAGE entries, or those before entry #before
 * (?history_before=SEQ), with a link to the ones before them: the cost of
 * a page however long the record's history. */
static int history(web_req *r, const record *rec, int64_t before, isms_err *e)
{
    int older = 0;
    history_rows h = { .r = r };
    buf_init(&h.rows);
    int rc = dom_log(r->d, rec->key, HISTORY_PAGE, before, &older, history_row, &h, e);
    const char *url = web_record_url(r->d, rec->reg, rec->key, "");
    html_f(&r->out, "<h2 id=\"history\">History</h2>");
    if (!rc && (older || before)) {
        html_f(&r->out, "<p class=\"muted\">%s %D %s.",
               !before ? "The last"
               : older ? "Earlier:"
                       : "The first",
               h.n, h.n == 1 ? "change" : "changes");
        if (older)
            html_f(&r->out, " <a href=\"%s?history_before=%D#history\">Earlier changes</a>", url,
                   h.first);
        if (before)
            html_f(&r->out, " <a href=\"%s#history\">The latest</a>", url);
        html_f(&r->out, "</p>");
    }
    html_f(&r->out, "<div class=\"scroll\"><table><thead><tr><th scope=\"col\">When</th><th "
                    "scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">Why</th>"
                    "</tr></thead><tbody>");
    if (!rc)
        buf_append(&r->out, h.rows.data, h.rows.len);
    html_f(&r->out, "</tbody></table></div>");
    buf_reset(&h.rows);
    return rc;
}

/* ---- the page ---- */

/* "RISK-1 · Ransomware halts payments" */
const char *web_record_title(dom *d, const record *rec)
{
    const char *label = dom_record_title(d, rec);
    return label ? arena_printf(dom_arena(d), "%s · %s", rec->key, label) : rec->key;
}

int page_show(web_req *r, isms_err *e)
{
    record rec;
    static const char *const known[] = { "history_before", NULL };
    const char *at = web_query(r, "history_before");
    int64_t before = 0;
    int rc = web_only_params(r, known, e);
    if (!rc && at)
        rc = web_parse_int("history_before", at, 1, INT64_MAX, &before, e);
    if (!rc)
        rc = dom_get(r->d, r->route->reg, r->key, &rec, e);
    if (rc)
        return rc;
    page_begin(r, web_record_title(r->d, &rec), NAV_REGISTERS);
    html_f(&r->out, "<p><a href=\"/%u\">All %s</a></p>", rec.reg->plural,
           web_words(r->d, rec.reg->plural, 0));
    if (rec.retired_at)
        html_f(&r->out, "<p class=\"notice\">Retired on %r.</p>",
               web_time_html(r->d, rec.retired_at));
    actions(r, &rec);
    derived_vals dv;
    rc = derive(r, &rec, &dv, e);
    if (!rc && rec.reg == &reg_analysis)
        web_analysis_figures(r, &rec, derived_text(&dv, "figures"));
    if (!rc && rec.reg == &reg_metric)
        rc = web_metric_trend(r, &rec, e);
    if (!rc) {
        fields(r, &rec);
        derived(r, &dv);
    }
    if (!rc && rec.reg == &reg_objective && !rec.retired_at)
        rc = web_objective_figures(r, &rec, e);
    if (!rc)
        rc = backlinks(r, &rec, e);
    if (!rc)
        rc = history(r, &rec, before, e);
    page_end(r);
    return rc;
}

/* After a change: back to the record's page (303, so a reload does not
 * post again). */
static void to_record(web_req *r, const record *rec)
{
    html_redirect(r, web_record_url(r->d, rec->reg, rec->key, ""));
}

int page_retire(web_req *r, isms_err *e)
{
    record out;
    int rc = dom_retire(r->d, r->route->reg, r->key, &out, e);
    if (!rc)
        to_record(r, &out);
    return rc;
}

int page_transition(web_req *r, isms_err *e)
{
    record out;
    int rc = dom_transition(r->d, r->route->reg, r->key, r->route->t->verb, &out, e);
    if (!rc)
        to_record(r, &out);
    return rc;
}
