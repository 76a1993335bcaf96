/* api_views.c: the domain's views as JSON (views_json.h), for the API and
 * the command line alike: a record's derived values; coverage, drift and
 * the Statement of Applicability, and the API's routes that answer with
 * them:
 *
 *   GET /api/v1/coverage?framework=NAME[&gaps=1]   one framework's coverage
 *   GET /api/v1/coverage                           every mapped framework's totals
 *   GET /api/v1/drift                              what isms drift lists
 *   GET /api/v1/soas/{key}/statement               the SoA as a document
 *   GET /api/v1/soa-gap?framework=NAME[&current=SOA-n][&target=SOA-n]
 *                                                  two profiles compared (isms soa gap)
 *   GET /api/v1/responsibilities[?offset=N][&limit=N]  the responsibility matrix
 *                                                  and its gaps (page_accountability.c) */
#include "web/views_json.h"
#include "domain/registers/registers.h"
#include "formats/json.h"
#include "web/web_internal.h"

#include <string.h>

void derived_json_into(json_t *o, const derived_def *defs, int n, const value *v, int detail)
{
    for (int k = 0; k < n; k++) {
        json_t *into = o;
        if (defs[k].detail && !detail)
            continue; /* not computed for a list: absent, not null */
        if (defs[k].group) {
            into = json_object_get(o, defs[k].group);
            if (!into) {
                into = json_object();
                json_object_set_new(o, defs[k].group, into);
            }
        }
        json_object_set_new(into, defs[k].field.name, field_json(&defs[k].field, &v[k]));
    }
}

json_t *cov_tally_json(const cov_tally *t)
{
    return json_pack("{s:s?, s:s?, s:i, s:i, s:i, s:i, s:f, s:f}", "group", t->code, "title",
                     t->title, "covered", t->n[COV_COVERED], "partial", t->n[COV_PARTIAL], "gap",
                     t->n[COV_GAP], "excluded", t->n[COV_EXCLUDED], "percent_covered",
                     cov_percent(t), "percent_weighted", cov_weighted(t));
}

static json_t *cov_item_json(const cov_report *r, const cov_item *it, arena *a)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:I}", "requirement",
                     arena_printf(a, "%s:%s", r->framework, it->code), "key", it->key, "title",
                     it->title, "group", it->group, "state", cov_state_names[it->state], "why",
                     it->why, "controls", it->controls, "more_controls", (json_int_t)it->more);
}

json_t *cov_report_json(const cov_report *r, int gaps_only, arena *a)
{
    json_t *groups = json_array(), *items = json_array();
    for (int i = 0; i < r->ngroups; i++)
        json_array_append_new(groups, cov_tally_json(&r->groups[i]));
    for (int i = 0; i < r->nitems; i++) {
        const cov_item *it = &r->items[i];
        if (!gaps_only || it->state == COV_GAP || it->state == COV_PARTIAL)
            json_array_append_new(items, cov_item_json(r, it, a));
    }
    return json_pack("{s:s, s:s, s:s, s:s?, s:i, s:o, s:o, s:o}", "framework", r->framework, "key",
                     r->framework_key, "title", r->title, "soa", r->soa, "mappings", r->mapped,
                     "total", cov_tally_json(&r->total), "groups", groups, "requirements", items);
}

json_t *drift_json(const drift_item *d, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "kind", d[i].kind, "control",
                                           d[i].control, "what", d[i].what));
    return a;
}

json_t *soa_doc_json(const soa_doc *s)
{
    json_t *rows = json_array();
    for (int i = 0; i < s->n; i++) {
        const soa_row *r = &s->rows[i];
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:b, s:s?, s:s, s:s, s:s}", "key",
                                              r->key, "requirement", r->ref, "title", r->title,
                                              "applicable", r->applicable, "justification",
                                              r->justification, "implementation", r->implementation,
                                              "controls", r->controls, "risks", r->risks));
    }
    return json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?, s:i, s:i, s:o}", "key", s->key, "title",
                     s->title, "framework", s->framework, "status", s->status, "approved_by",
                     s->approved_by, "approved_at", s->approved_at, "applicable", s->applicable,
                     "excluded", s->excluded, "requirements", rows);
}

static json_t *tier_json(int tier) { return tier ? json_integer(tier) : json_null(); }

json_t *gap_report_json(const gap_report *r)
{
    json_t *rows = json_array();
    for (int i = 0; i < r->n; i++) {
        const gap_row *g = &r->rows[i];
        json_array_append_new(rows,
                              json_pack("{s:s, s:s, s:s?, s:s?, s:b, s:s}", "requirement", g->ref,
                                        "title", g->title, "current", g->current, "target",
                                        g->target, "gap", g->short_of, "controls", g->controls));
    }
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:o}, s:{s:s, s:s, s:o}, s:i, s:o}", "framework",
                     r->framework, "key", r->framework_key, "current", "soa", r->current_soa,
                     "profile", r->current_profile, "tier", tier_json(r->current_tier), "target",
                     "soa", r->target_soa, "profile", r->target_profile, "tier",
                     tier_json(r->target_tier), "gaps", r->gaps, "requirements", rows);
}

const char *const gap_columns[GAP_COLUMNS + 1] = { "requirement", "title",    "current", "target",
                                                   "gap",         "controls", NULL };

void gap_row_cells(const gap_row *g, const char *cells[GAP_COLUMNS])
{
    cells[0] = g->ref;
    cells[1] = g->title;
    cells[2] = g->current;
    cells[3] = g->target;
    cells[4] = g->short_of ? "yes" : "no";
    cells[5] = g->controls;
}

const char *const soa_columns[SOA_COLUMNS + 1] = { "requirement",    "title",
                                                   "applicable",     "justification",
                                                   "implementation", "controls",
                                                   "risks",          NULL };

void soa_row_cells(const soa_row *r, const char *cells[SOA_COLUMNS])
{
    cells[0] = r->ref;
    cells[1] = r->title;
    cells[2] = r->applicable ? "yes" : "no";
    cells[3] = r->justification;
    cells[4] = r->implementation;
    cells[5] = r->controls;
    cells[6] = r->risks;
}

/* ---- the routes ---- */

static const char *query(web_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* Every mapped framework's totals: what the dashboard shows. */
static json_t *coverage_totals_json(const cov_report *rep, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = cov_tally_json(&rep[i].total);
        json_object_del(o, "group");
        json_object_set_new(o, "title", json_string(rep[i].title));
        json_object_set_new(o, "framework", json_string(rep[i].framework));
        json_object_set_new(o, "key", json_string(rep[i].framework_key));
        json_object_set_new(o, "soa", rep[i].soa ? json_string(rep[i].soa) : json_null());
        json_object_set_new(o, "mappings", json_integer(rep[i].mapped));
        json_array_append_new(a, o);
    }
    return json_pack("{s:o}", "frameworks", a);
}

int api_coverage(web_req *r, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ "framework", "gaps", NULL }, e);
    const char *fw = query(r, "framework"), *gaps = query(r, "gaps");
    if (!rc && gaps && strcmp(gaps, "1") && strcmp(gaps, "0"))
        rc = err_set(e, E_USAGE, "gaps", "gaps: \"%s\" is neither 1 nor 0", gaps);
    if (rc)
        return rc;
    cov_report rep, *all;
    int n;
    if (!fw || !*fw) {
        rc = dom_coverage_all(r->d, &all, &n, e);
        if (!rc)
            web_send_doc(r, coverage_totals_json(all, n));
        return rc;
    }
    rc = dom_coverage(r->d, fw, &rep, e);
    if (!rc)
        web_send_doc(r, cov_report_json(&rep, gaps && !strcmp(gaps, "1"), dom_arena(r->d)));
    return rc;
}

int web_drift(web_req *r, drift_item **d, int *n, isms_err *e)
{
    int rc = web_only_params(r, (const char *const[]){ NULL }, e);
    if (!rc)
        rc = dom_drift(r->d, d, n, e);
    return rc;
}

int api_drift(web_req *r, isms_err *e)
{
    drift_item *d;
    int n;
    int rc = web_drift(r, &d, &n, e);
    if (!rc)
        web_send_doc(r, json_pack("{s:o, s:i}", "drift", drift_json(d, n), "total", n));
    return rc;
}

int api_soa_statement(web_req *r, isms_err *e)
{
    soa_doc s;
    int rc = web_only_params(r, (const char *const[]){ NULL }, e);
    if (!rc)
        rc = dom_soa_doc(r->d, r->key, &s, e);
    if (!rc)
        web_send_doc(r, soa_doc_json(&s));
    return rc;
}

int web_soa_gap(web_req *r, const char *const *params, gap_report *out, isms_err *e)
{
    int rc = web_only_params(r, params, e);
    /* an empty choice (the page's form) is the one in force */
    const char *fw = query(r, "framework"), *cur = query(r, "current"), *tgt = query(r, "target");
    gap_pick pick = { .framework = fw && *fw ? fw : NULL,
                      .current = cur && *cur ? cur : NULL,
                      .target = tgt && *tgt ? tgt : NULL };
    if (!rc)
        rc = dom_profile_gap(r->d, &pick, out, e);
    return rc;
}

int api_soa_gap(web_req *r, isms_err *e)
{
    gap_report g;
    int rc = web_soa_gap(r, (const char *const[]){ "framework", "current", "target", NULL }, &g, e);
    if (!rc)
        web_send_doc(r, gap_report_json(&g));
    return rc;
}

json_t *measured_json(const dom_measured *m)
{
    json_t *a = json_array();
    for (size_t k = 0; k < m->n; k++) {
        const dom_measured_item *it = &m->items[k];
        json_t *o = json_pack("{s:s, s:s, s:s}", "metric", it->metric, "measurement",
                              it->measurement, "status", it->status);
        json_object_set_new(o, "value", it->known ? json_integer(it->value) : json_null());
        json_array_append_new(a, o);
    }
    return json_pack("{s:s, s:o, s:I, s:I}", "measured_at", m->at, "measured", a, "not_due",
                     (json_int_t)m->not_due, "not_yours", (json_int_t)m->not_yours);
}

json_t *accountability_json(const dom_accountability *m)
{
    json_t *roles = json_object(), *regs = json_array(), *rows = json_array(), *gaps = json_array();
    for (int k = 0; k < m->nroles; k++)
        json_object_set_new(roles, role_names[k], json_integer(m->holders[k]));
    for (int k = 0; k < m->nkinds; k++)
        json_array_append_new(regs, json_pack("{s:s, s:s, s:I}", "register", m->kinds[k].reg->name,
                                              "plural", m->kinds[k].reg->plural, "owned",
                                              (json_int_t)m->kinds[k].total));
    for (int i = 0; i < m->n; i++) {
        const acc_row *w = &m->rows[i];
        json_t *owns = json_object(), *held = json_array();
        for (int k = 0; k < m->nkinds; k++)
            json_object_set_new(owns, m->kinds[k].reg->plural, json_integer(w->owns[k]));
        for (int k = 0; k < w->nroles; k++)
            json_array_append_new(held, json_string(w->role_list[k]));
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:o, s:s?, s:o, s:I, s:i}", "person", w->key, "name",
                      w->name, "email", w->email, "roles", held, "budget_authority_text",
                      w->budget_text, "owns", owns, "total", (json_int_t)w->total, "gaps", w->gaps);
        json_object_set_new(o, "budget_authority", /* minor units, as the people register's */
                            w->budget_text ? json_integer(w->budget) : json_null());
        json_array_append_new(rows, o);
    }
    for (int i = 0; i < m->ngaps; i++) {
        const acc_gap *g = &m->gaps[i];
        json_t *o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s}", "kind", acc_gap_names[g->kind],
                              "person", g->person, "name", g->person_name, "role", g->role,
                              "registers", g->registers, "text", g->text);
        if (g->n)
            json_object_set_new(o, "records", json_integer(g->n));
        if (g->of)
            json_object_set_new(o, "of", json_integer(g->of));
        json_array_append_new(gaps, o);
    }
    json_t *of_kind = json_object();
    for (int k = 0; k < ACC_NKINDS; k++)
        json_object_set_new(of_kind, acc_gap_names[k], json_integer(m->gaps_of_kind[k]));
    json_t *o =
        json_pack("{s:s, s:I, s:I, s:o, s:o, s:I, s:o, s:I, s:o, s:o}", "computed_at",
                  m->computed_at, "people", (json_int_t)m->people, "owners", (json_int_t)m->owners,
                  "roles", roles, "registers", regs, "offset", (json_int_t)m->offset, "rows", rows,
                  "gaps_total", (json_int_t)m->gaps_total, "gaps_by_kind", of_kind, "gaps", gaps);
    /* which gaps are listed: those asked for, from gap_offset among them */
    json_object_set_new(o, "gap",
                        m->gap_kind >= 0 ? json_string(acc_gap_names[m->gap_kind]) : json_null());
    json_object_set_new(o, "gap_person", m->gap_person ? json_string(m->gap_person) : json_null());
    json_object_set_new(o, "gaps_asked", json_integer(m->gaps_asked));
    json_object_set_new(o, "gap_offset", json_integer(m->gap_offset));
    return o;
}

json_t *dash_risk_json(const dash_risk *r)
{
    return json_pack("{s:s, s:s, s:i, s:i, s:s, s:s?, s:s?}", "key", r->key, "title", r->title,
                     "score", r->score, "residual_score", r->residual, "residual_band",
                     r->residual_band, "owner", r->owner, "treatment", r->treatment);
}

json_t *attention_json(const dom_attention *a)
{
    json_t *rows = json_array();
    for (int i = 0; i < a->n; i++)
        json_array_append_new(rows, dash_risk_json(&a->rows[i]));
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:o, s:s?, s:s?}", "list",
                     att_list_names[a->list], "what", a->what, "why", a->why, "computed_at",
                     a->computed_at, "total", (json_int_t)a->total, "offset", (json_int_t)a->offset,
                     "limit", a->limit, "rows", rows, "next_cursor", a->next, "prev_cursor",
                     a->prev);
}
