/* pages_form.c: the create and edit forms of every register, generated
 * from its field table: an input by field type (text, textarea, number,
 * date, money, a select for enums and references, a multiple select for
 * sets), a label for each, the field's help and its error beside it
 * (aria-describedby). A refused form comes back with the values as they
 * were typed and each field's error, and nothing written. Every form
 * carries the session's CSRF token (checked before any handler runs, in
 * server.c); an edit carries the version it started from, and a stale
 * one is refused (E_RETRY) with nothing changed. A field missing from the
 * posted form is not given (each set field has a hidden empty member, so
 * an emptied set is given, as empty). */
#include "domain/registers/registers.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct form_state {
    const char *values[FIELD_MAX]; /* what the inputs show; NULL: empty */
    const char *errors[FIELD_MAX]; /* beside each field; NULL: none */
    const char *top;               /* an error no field is named by */
    int64_t version;               /* edit: the version the form started from */
} form_state;

static int editable(const fielddef *f) { return !(f->flags & FF_SYSTEM); }

static int is_set(const fielddef *f) { return f->type == FT_LINKS || f->type == FT_ENUMSET; }

/* ---- the inputs ---- */

/* Is field i the first with an error? It takes the focus when the page
 * loads (autofocus: no script needed), so a refused form opens where the
 * first thing to fix is, not at its top. */
static int first_error(const form_state *s, int i)
{
    for (int k = 0; k < i; k++)
        if (s->errors[k])
            return 0;
    return s->errors[i] != NULL;
}

static void describedby(buf *b, const fielddef *f, const form_state *s, int i)
{
    html_f(b, " aria-describedby=\"in-%s-help%r%s%r\"", f->name, s->errors[i] ? " in-" : "",
           s->errors[i] ? f->name : NULL, s->errors[i] ? "-error" : "");
    if (s->errors[i])
        html_f(b, " aria-invalid=\"true\"%r", first_error(s, i) ? " autofocus" : "");
}

static int select_input(web_req *r, const fielddef *f, const form_state *s, int i, isms_err *e)
{
    buf *b = &r->out;
    int fits = 1;
    int rc = f->type == FT_REF || f->type == FT_LINKS ? web_options_fit(r, f->target, &fits, e) : 0;
    if (rc)
        return rc;
    if (!fits) { /* too many records to choose from: their keys, typed */
        html_f(b, "<input id=\"in-%s\" name=\"%s\" type=\"text\" value=\"%s\" placeholder=\"%s\"",
               f->name, f->name, s->values[i], web_ref_hint(r, f->target));
        describedby(b, f, s, i);
        html_f(b, ">");
        return 0;
    }
    if (is_set(f)) /* so that an emptied set is given, as empty */
        html_f(b, "<input type=\"hidden\" name=\"%s\" value=\"\">", f->name);
    html_f(b, "<select id=\"in-%s\" name=\"%s\"%r", f->name, f->name,
           is_set(f) ? " multiple size=\"6\"" : "");
    describedby(b, f, s, i);
    html_f(b, ">");
    if (!is_set(f))
        html_f(b, "<option value=\"\">—</option>");
    rc = web_options(r, f, s->values[i], 1, e);
    html_f(b, "</select>");
    return rc;
}

static void text_input(web_req *r, const fielddef *f, const form_state *s, int i)
{
    buf *b = &r->out;
    if (f->flags & FF_MULTILINE) {
        html_f(b, "<textarea id=\"in-%s\" name=\"%s\"", f->name, f->name);
        describedby(b, f, s, i);
        html_f(b, ">%s</textarea>", s->values[i]);
        return;
    }
    static const char *const types[] = { [FT_INT] = "number", [FT_DATE] = "date" };
    const char *type =
        f->type < sizeof types / sizeof *types && types[f->type] ? types[f->type] : "text";
    html_f(b, "<input id=\"in-%s\" name=\"%s\" type=\"%r\" value=\"%s\"", f->name, f->name, type,
           s->values[i]);
    if (f->type == FT_INT) /* a level of the matrix is a choice (level_input) */
        html_f(b, " min=\"%D\" max=\"%D\"", f->min, f->max);
    if (f->type == FT_MONEY)
        html_f(b, " inputmode=\"decimal\"");
    if (f->type == FT_TIME) /* the one form isms reads: UTC, to the second */
        html_f(b, " placeholder=\"YYYY-MM-DDTHH:MM:SSZ (UTC)\" spellcheck=\"false\"");
    if (f->type == FT_TEXT && f->max > 0)
        html_f(b, " maxlength=\"%D\"", f->max);
    describedby(b, f, s, i);
    html_f(b, ">");
}

/* A level of the risk matrix (likelihood, impact): a choice of the
 * organisation's levels by number and name ("4 · likely"), not a bare
 * number to remember the meaning of. */
static void level_input(web_req *r, const fielddef *f, const form_state *s, int i)
{
    buf *b = &r->out;
    html_f(b, "<select id=\"in-%s\" name=\"%s\"", f->name, f->name);
    describedby(b, f, s, i);
    html_f(b, "><option value=\"\">—</option>");
    const char *given = s->values[i] ? s->values[i] : "";
    int n = dom_matrix_size(r->d), chosen = atoi(given);
    for (int l = 1; l <= n; l++) {
        const char *name = dom_field_level_label(r->d, f, l);
        html_f(b, "<option value=\"%d\"%r>%d%r%s</option>", l, l == chosen ? " selected" : "", l,
               *name ? " · " : "", name);
    }
    /* a value the form came back with that is no level stays visible */
    if (*given && (chosen < 1 || chosen > n))
        html_f(b, "<option value=\"%s\" selected>%s</option>", given, given);
    html_f(b, "</select>");
}

static int field_input(web_req *r, const fielddef *f, const form_state *s, int i, isms_err *e)
{
    buf *b = &r->out;
    html_f(b, "<div class=\"field%r\"><label for=\"in-%s\">%s%r%r%s</label>",
           s->errors[i] ? " invalid" : "", f->name, web_field_label(r->d, f->name),
           f->flags & FF_REQUIRED ? " (required)" : "", f->type == FT_MONEY ? ", " : "",
           f->type == FT_MONEY ? dom_currency(r->d) : NULL);
    html_f(b, "<span class=\"help\" id=\"in-%s-help\">%s</span>", f->name, f->help);
    if (s->errors[i])
        html_f(b, "<span class=\"error\" id=\"in-%s-error\">%s</span>", f->name, s->errors[i]);
    int choice = f->type == FT_ENUM || f->type == FT_REF || f->type == FT_BOOL || is_set(f);
    int rc = 0;
    if (dom_field_is_level(f))
        level_input(r, f, s, i);
    else if (choice)
        rc = select_input(r, f, s, i, e);
    else
        text_input(r, f, s, i);
    html_f(b, "</div>");
    return rc;
}

/* Above the form, every field's error with a link to the field: all that
 * must be fixed in one place, however long the form, and a way to each by
 * keyboard. */
static void error_summary(web_req *r, const regdef *reg, const form_state *s)
{
    buf *b = &r->out;
    int n = 0;
    for (int i = 0; i < reg->nfields; i++)
        n += s->errors[i] != NULL;
    if (!n)
        return;
    html_f(b,
           "<div class=\"error-summary\" role=\"alert\" id=\"form-errors\"><p>Nothing was saved: "
           "%d field%r to correct.</p><ul>",
           n, n == 1 ? "" : "s");
    for (int i = 0; i < reg->nfields; i++)
        if (s->errors[i])
            html_f(b, "<li><a href=\"#in-%s\">%s</a>: %s</li>", reg->fields[i].name,
                   web_field_label(r->d, reg->fields[i].name), s->errors[i]);
    html_f(b, "</ul></div>");
}

/* The whole form, posting to `action`. */
static int form(web_req *r, const regdef *reg, const char *action, const form_state *s, isms_err *e)
{
    buf *b = &r->out;
    if (s->top)
        html_f(b, "<p class=\"error\" role=\"alert\" id=\"form-error\">%s</p>", s->top);
    error_summary(r, reg, s);
    html_f(b, "<form class=\"record\" method=\"post\" action=\"%s\" novalidate>", action);
    html_csrf_field(r);
    if (s->version)
        html_f(b, "<input type=\"hidden\" name=\"version\" value=\"%D\">", s->version);
    for (int i = 0; i < reg->nfields; i++) {
        if (!editable(&reg->fields[i]))
            continue;
        int rc = field_input(r, &reg->fields[i], s, i, e);
        if (rc)
            return rc;
    }
    html_f(b,
           "<div class=\"field\"><label for=\"in-note\">Why (kept in the history)</label>"
           "<input id=\"in-note\" name=\"note\" type=\"text\" value=\"%s\"></div>"
           "<div class=\"actions\"><button type=\"submit\">Save</button></div></form>",
           web_form_get(r, "note") ? web_form_get(r, "note") : "");
    return 0;
}

/* ---- what the form holds ---- */

/* Every value of `name` the form posted, non-empty ones joined by commas
 * (a multiple select sends one per member); NULL when the form has none. */
static const char *posted(web_req *r, const char *name)
{
    buf b;
    buf_init(&b);
    int found = 0;
    for (int k = 0; k < r->nform; k++) {
        if (strcmp(r->form_names[k], name))
            continue;
        found = 1;
        if (*r->form_values[k])
            buf_printf(&b, "%s%s", b.len ? "," : "", r->form_values[k]);
    }
    const char *s = found ? arena_strdup(dom_arena(r->d), buf_str(&b)) : NULL;
    buf_reset(&b);
    return s;
}

static void values_of_record(web_req *r, const record *rec, form_state *s)
{
    for (int i = 0; i < rec->reg->nfields; i++)
        s->values[i] = dom_value_text(r->d, &rec->reg->fields[i], &rec->v[i]);
    s->version = rec->version;
}

static void values_posted(web_req *r, const regdef *reg, form_state *s)
{
    for (int i = 0; i < reg->nfields; i++)
        s->values[i] = posted(r, reg->fields[i].name);
}

/* An error beside its field (the first for a field), or above the form
 * when it names none. */
static void place_one(const regdef *reg, form_state *s, int code, const char *field,
                      const char *msg)
{
    int i = field && field[0] ? web_field(reg, field) : -1;
    msg = msg && msg[0] ? msg : err_text(code);
    if (i >= 0 && editable(&reg->fields[i])) {
        if (!s->errors[i])
            s->errors[i] = msg;
    } else if (!s->top) {
        s->top = msg;
    }
}

/* The domain's errors: every field's it noted (dom_errors_collect), else
 * the one it returned. */
static void place_error(web_req *r, const regdef *reg, form_state *s, const isms_err *e)
{
    const dom_field_error *fe;
    int n = dom_errors(r->d, &fe);
    for (int k = 0; k < n; k++)
        place_one(reg, s, fe[k].code, fe[k].field, fe[k].msg);
    if (!n)
        place_one(reg, s, e->code, e->field, e->msg);
}

/* The posted values into rec (only those given: different from `before`,
 * when editing). Each field is read on its own, so that every bad one is
 * named at once; the number of errors. */
static int read_fields(web_req *r, const regdef *reg, const form_state *before, record *rec,
                       form_state *s, int *given)
{
    int bad = 0;
    *given = 0;
    for (int i = 0; i < reg->nfields; i++) {
        const char *v = s->values[i];
        if (!editable(&reg->fields[i]) || !v || (!before && !*v)) /* new: empty is not given */
            continue;
        if (before && !strcmp(v, before->values[i] ? before->values[i] : ""))
            continue;
        isms_err fe = { 0 };
        int rc = dom_set_text(r->d, rec, i, v, &fe);
        if (rc) {
            s->errors[i] = arena_strdup(dom_arena(r->d), fe.msg[0] ? fe.msg : err_text(rc));
            bad++;
        }
        (*given)++;
    }
    return bad;
}

/* ---- the pages ---- */

static const char *action_new(web_req *r, const regdef *reg)
{
    return arena_printf(dom_arena(r->d), "/%s", reg->plural);
}

static const char *action_edit(web_req *r, const record *rec)
{
    return web_record_url(r->d, rec->reg, rec->key, "/edit");
}

static int show_form(web_req *r, const char *title, const regdef *reg, const char *action,
                     const form_state *s, int status, isms_err *e)
{
    page_begin(r, title, NAV_REGISTERS);
    int rc = form(r, reg, action, s, e);
    page_end(r);
    r->status = status;
    return rc;
}

static int may_add(web_req *r, const regdef *reg, isms_err *e)
{
    if (reg->flags & (REG_SYSTEM | REG_SINGLETON))
        return err_set(e, E_USAGE, "register", "%s: records are not added by hand", reg->plural);
    return principal_may_write(dom_who(r->d), reg, NULL, NULL, e);
}

static int new_form(web_req *r, const form_state *s, int status, isms_err *e)
{
    const regdef *reg = r->route->reg;
    const char *title = arena_printf(dom_arena(r->d), "New %s", web_words(r->d, reg->name, 0));
    return show_form(r, title, reg, action_new(r, reg), s, status, e);
}

int page_new(web_req *r, isms_err *e)
{
    form_state s = { 0 };
    for (int i = 0; i < r->route->reg->nfields; i++)
        s.values[i] = r->route->reg->fields[i].deflt;
    int rc = may_add(r, r->route->reg, e);
    if (rc)
        return rc;
    return new_form(r, &s, 200, e);
}

int page_create(web_req *r, isms_err *e)
{
    const regdef *reg = r->route->reg;
    form_state s = { 0 };
    int rc = may_add(r, reg, e);
    if (rc)
        return rc;
    values_posted(r, reg, &s);
    record in, out;
    record_init(&in, reg, dom_arena(r->d));
    int given, bad = read_fields(r, reg, NULL, &in, &s, &given);
    isms_err de = { 0 };
    dom_errors_collect(r->d);
    rc = bad ? E_INVALID : dom_add(r->d, &in, &out, &de);
    if (rc == E_INVALID || rc == E_USAGE || rc == E_NOT_FOUND || rc == E_CONFLICT) {
        if (!bad)
            place_error(r, reg, &s, &de);
        return new_form(r, &s, err_http_status(rc), e);
    }
    if (rc) {
        *e = de;
        return rc;
    }
    html_redirect(r, web_record_url(r->d, reg, out.key, ""));
    return 0;
}

/* The record to edit, if the person may change it. */
static int editing(web_req *r, record *rec, isms_err *e)
{
    int rc = dom_get(r->d, r->route->reg, r->key, rec, e);
    if (!rc && rec->retired_at)
        rc = err_set(e, E_CONFLICT, "key", "%s is retired: it can no longer change", rec->key);
    if (!rc)
        rc = principal_may_write(dom_who(r->d), rec->reg, rec, NULL, e);
    return rc;
}

static const char *edit_title(web_req *r, const record *rec)
{
    return arena_printf(dom_arena(r->d), "Edit %s", web_record_title(r->d, rec));
}

int page_edit(web_req *r, isms_err *e)
{
    record rec;
    int rc = editing(r, &rec, e);
    if (rc)
        return rc;
    form_state s = { 0 };
    values_of_record(r, &rec, &s);
    return show_form(r, edit_title(r, &rec), rec.reg, action_edit(r, &rec), &s, 200, e);
}

/* The version the form started from (0: none given, any). */
static int64_t posted_version(web_req *r, isms_err *e, int *rc)
{
    const char *v = web_form_get(r, "version");
    int64_t version = 0;
    *rc = v && *v ? web_parse_int("version", v, 1, INT64_MAX, &version, e) : 0;
    return version;
}

int page_update(web_req *r, isms_err *e)
{
    record cur, out;
    int rc = editing(r, &cur, e);
    if (rc)
        return rc;
    int64_t version = posted_version(r, e, &rc);
    if (rc)
        return rc;
    form_state before = { 0 }, s = { 0 };
    values_of_record(r, &cur, &before);
    values_posted(r, cur.reg, &s);
    s.version = version ? version : cur.version;
    record changes;
    record_init(&changes, cur.reg, dom_arena(r->d));
    int given, bad = read_fields(r, cur.reg, &before, &changes, &s, &given);
    isms_err de = { 0 };
    dom_errors_collect(r->d);
    rc = bad ? E_INVALID : dom_update(r->d, cur.reg, cur.key, &changes, version, &out, NULL, &de);
    if (rc == E_RETRY)
        de.field[0] = 0; /* above the form: the record changed since it was opened */
    if (rc == E_INVALID || rc == E_USAGE || rc == E_NOT_FOUND || rc == E_CONFLICT ||
        rc == E_RETRY) {
        if (!bad)
            place_error(r, cur.reg, &s, &de);
        return show_form(r, edit_title(r, &cur), cur.reg, action_edit(r, &cur), &s,
                         err_http_status(rc), e);
    }
    if (rc) {
        *e = de;
        return rc;
    }
    html_redirect(r, web_record_url(r->d, cur.reg, cur.key, ""));
    return 0;
}
