/* cmd_oscal_plan.c: `isms oscal import` of a system security plan,
 * assessment results or a POA&M: read, counted and reported. isms has no
 * register for plans, audits, findings or POA&M items yet, so nothing is
 * stored; an SSP's implemented requirements are held against the
 * repository's coverage and the differences listed (domain/views/
 * oscal_plan.h), never written over the controls' own status. */
#include "cli/cli_internal.h"
#include "domain/views/oscal_plan.h"
#include "formats/json.h"

#include <stdio.h>

static json_t *plan_json(const oscal_plan *p, const plan_report *r)
{
    json_t *o = json_pack(
        "{s:s, s:s?, s:s?, s:s?, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
        "model", oscal_model_name(p->model), "title", p->title, "oscal_version", p->oscal_version,
        "system_name", p->system_name, "components", p->components, "users", p->users,
        "information_types", p->information_types, "inventory_items", p->inventory_items,
        "implemented_requirements", p->implemented, "statements", p->statements, "by_components",
        p->by_components, "results", p->results, "observations", p->observations, "risks", p->risks,
        "open_risks", p->open_risks, "findings", p->findings, "poam_items", p->poam_items);
    json_object_set_new(o, "stored", json_false());
    if (!r)
        return o;
    json_t *rows = json_array();
    for (int i = 0; i < r->n; i++)
        json_array_append_new(rows, json_pack("{s:s, s:s?, s:s?, s:s?, s:b}", "control_id",
                                              r->rows[i].control_id, "stated", r->rows[i].stated,
                                              "requirement", r->rows[i].requirement, "isms",
                                              r->rows[i].isms, "differs", r->rows[i].differs));
    json_object_set_new(o, "framework", r->framework ? json_string(r->framework) : json_null());
    json_object_set_new(o, "found", json_integer(r->found));
    json_object_set_new(o, "differ", json_integer(r->differ));
    json_object_set_new(o, "requirements", rows);
    return o;
}

static void ssp_text(cli *c, const oscal_plan *p, const plan_report *r)
{
    fprintf(c->out,
            "  %d components, %d users, %d information types, %d inventory items\n"
            "  %d implemented requirements, %d statements, %d by-components\n",
            p->components, p->users, p->information_types, p->inventory_items, p->implemented,
            p->statements, p->by_components);
    if (!r->framework) {
        fprintf(c->out, "  no framework of the repository holds its control ids\n");
        return;
    }
    fprintf(c->out,
            "  against %s: %d of %d control ids found; %d state a status coverage does not "
            "support; %d state none\n",
            r->framework, r->found, r->n, r->differ, r->unstated);
    static const char *const heads[] = { "control", "requirement", "plan states", "isms", NULL };
    ttab *t = ttab_new(c, heads, "llll");
    for (int i = 0; i < r->n; i++) {
        const plan_row *w = &r->rows[i];
        const char *row[] = { w->control_id, w->requirement, w->stated ? w->stated : "-",
                              w->isms ? w->isms : "-" };
        ttab_row(t, row);
    }
    ttab_print(t, "  ");
    fprintf(c->out,
            "nothing stored: isms keeps no system security plans yet, and a control's status "
            "is changed on the control (isms control update), never by an import\n");
}

static void findings_text(cli *c, const oscal_plan *p)
{
    if (p->model == OSCAL_ASSESSMENT_RESULTS)
        fprintf(c->out, "  %d results, ", p->results);
    else
        fprintf(c->out, "  %d POA&M items, ", p->poam_items);
    fprintf(c->out, "%d observations, %d risks (%d open), %d findings (%d not satisfied)\n",
            p->observations, p->risks, p->open_risks, p->findings, p->not_satisfied);
    fprintf(c->out, "nothing stored: isms has no %s register yet\n",
            p->model == OSCAL_POAM ? "POA&M" : "audit or finding");
}

int cli_oscal_plan(cli *c, const oscal_doc *doc, isms_err *e)
{
    oscal_plan p;
    int rc = oscal_plan_read(doc, &p, e);
    plan_report r;
    int ssp = p.model == OSCAL_SYSTEM_SECURITY_PLAN;
    if (!rc && ssp)
        rc = cli_open(c, e);
    if (!rc && ssp)
        rc = dom_oscal_plan_compare(c->d, &p, cli_opt_value(c, "framework"), &r, e);
    if (rc)
        return rc;
    if (c->json) {
        json_t *o = plan_json(&p, ssp ? &r : NULL);
        js_write(c->out, o, 1);
        json_decref(o);
        return 0;
    }
    fprintf(c->out, "read %s %s (OSCAL %s): %s\n", oscal_model_name(p.model), doc->path,
            p.oscal_version ? p.oscal_version : "?", p.title ? p.title : "(untitled)");
    if (ssp)
        ssp_text(c, &p, &r);
    else
        findings_text(c, &p);
    return 0;
}
