/* cmd_oscal.c: `isms oscal import FILE`: the document's model, told by
 * its root key, chooses the importer: a catalog becomes a framework (or
 * updates the one it made), a profile is resolved and imported as its
 * catalog, a mapping collection becomes crosswalk mappings, a component
 * definition controls mapped onto the requirements they implement. The
 * models isms writes but does not read yet say so. */
#include "cli/cli_internal.h"
#include "cli/longjob.h"
#include "domain/workflows/oscal_import.h"
#include "formats/oscal.h"

#include <stdio.h>
#include <string.h>

typedef int (*importer)(cli *c, oscal_doc *doc, const oscal_import_opts *o,
                        oscal_import_result *res, isms_err *e);

/* The options a model cannot be imported without. */
static const struct {
    oscal_model model;
    const char *a, *b, *why;
} required[] = {
    { OSCAL_MAPPING_COLLECTION, "from", "to",
      "a mapping collection needs --from and --to: the frameworks of its sources and targets" },
    { OSCAL_COMPONENT_DEFINITION, "framework", "owner",
      "a component definition needs --framework (whose controls its components implement) and "
      "--owner (who owns the controls they become)" },
};

/* The model's required options given, or a usage error naming the first
 * missing. */
static int need(cli *c, oscal_model m, isms_err *e)
{
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        if (required[i].model != m)
            continue;
        const char *a = cli_opt_value(c, required[i].a), *b = cli_opt_value(c, required[i].b);
        if (!a || !b)
            return err_set(e, E_USAGE, a ? required[i].b : required[i].a, "%s", required[i].why);
    }
    return 0;
}

/* A catalog, mapping collection or component definition: read, then the
 * repository opened (a document refused opens nothing), then imported. */
static int import_read(cli *c, oscal_doc *doc, const oscal_import_opts *o, oscal_import_result *res,
                       isms_err *e)
{
    union {
        oscal_catalog cat;
        oscal_mappings m;
        oscal_components k;
    } u;
    int rc = doc->model == OSCAL_CATALOG              ? oscal_catalog_read(doc, &u.cat, e)
             : doc->model == OSCAL_MAPPING_COLLECTION ? oscal_mapping_read(doc, &u.m, e)
                                                      : oscal_component_read(doc, &u.k, e);
    /* A catalog's items hold copies of what they need: its tree (ten times
     * the file's size in small blocks) is freed before the writing, which
     * reuses that memory instead of touching new pages. */
    if (!rc && doc->model == OSCAL_CATALOG)
        oscal_doc_free(doc);
    if (!rc)
        rc = cli_open(c, e);
    if (rc)
        return rc;
    if (doc->model == OSCAL_CATALOG)
        return oscal_import_catalog(c->d, &u.cat, o, res, e);
    if (doc->model == OSCAL_MAPPING_COLLECTION)
        return oscal_import_mappings(c->d, &u.m, cli_opt_value(c, "from"), cli_opt_value(c, "to"),
                                     o, res, e);
    return oscal_import_components(c->d, &u.k, o->framework, cli_opt_value(c, "owner"), o, res, e);
}

static int import_profile(cli *c, oscal_doc *doc, const oscal_import_opts *o,
                          oscal_import_result *res, isms_err *e)
{
    oscal_doc resolved;
    int rc = oscal_profile_resolve(doc, cli_opt_value(c, "catalog"), &resolved, e);
    if (rc)
        return rc;
    oscal_import_opts as_profile = *o;
    as_profile.profile = 1;
    rc = import_read(c, &resolved, &as_profile, res, e);
    oscal_doc_free(&resolved);
    return rc;
}

/* assessment plans (system security plans, assessment results and POA&Ms
 * are read and reported: cli_oscal_plan) */
static int not_yet(cli *c, oscal_doc *doc, const oscal_import_opts *o, oscal_import_result *res,
                   isms_err *e)
{
    (void)c;
    (void)o;
    (void)res;
    return err_set(e, E_USAGE, "model", "%s: importing a %s is not supported yet", doc->path,
                   oscal_model_name(doc->model));
}

static const importer importers[OSCAL_NMODELS] = {
    [OSCAL_CATALOG] = import_read,
    [OSCAL_PROFILE] = import_profile,
    [OSCAL_COMPONENT_DEFINITION] = import_read,
    [OSCAL_MAPPING_COLLECTION] = import_read,
    [OSCAL_SYSTEM_SECURITY_PLAN] = not_yet,
    [OSCAL_ASSESSMENT_PLAN] = not_yet,
    [OSCAL_ASSESSMENT_RESULTS] = not_yet,
    [OSCAL_POAM] = not_yet,
};

static void report(cli *c, const oscal_doc *doc, const oscal_import_result *r,
                   const oscal_warnings *w)
{
    for (int i = 0; i < w->n; i++)
        fprintf(stderr, "warning: %s\n", w->msgs[i]);
    if (c->json && r->soa) {
        fprintf(c->out,
                "{\"model\":\"profile\",\"framework\":\"%s\",\"soa\":\"%s\",\"applicable\":%d,"
                "\"excluded\":%d,\"unmatched\":%d,\"warnings\":%d}\n",
                r->framework, r->soa, r->applicable, r->excluded, r->unmatched, w->n);
        return;
    }
    if (r->soa) {
        fprintf(c->out,
                "%s (draft) of %s (%s) from %s: %d requirements apply, %d excluded; %d ids of the "
                "profile are not in the framework\n",
                r->soa, r->framework, r->name, doc->path, r->applicable, r->excluded, r->unmatched);
        return;
    }
    if (c->json) {
        fprintf(c->out,
                "{\"model\":\"%s\",\"framework\":%s%s%s,\"created\":%s,\"added\":%d,"
                "\"updated\":%d,\"retired\":%d,\"unchanged\":%d,\"warnings\":%d}\n",
                oscal_model_name(doc->model), r->framework ? "\"" : "",
                r->framework ? r->framework : "null", r->framework ? "\"" : "",
                r->created ? "true" : "false", r->added, r->updated, r->retired, r->unchanged,
                w->n);
        return;
    }
    if (doc->model == OSCAL_MAPPING_COLLECTION || doc->model == OSCAL_COMPONENT_DEFINITION) {
        fprintf(c->out, "imported %s: %d mappings", doc->path, r->added);
        if (doc->model == OSCAL_COMPONENT_DEFINITION)
            fprintf(c->out, ", %d controls", r->updated);
        fputc('\n', c->out);
        return;
    }
    fprintf(c->out, "%s %s (%s) from %s: %d requirements added, %d updated, %d retired\n",
            r->created ? "created" : "updated", r->framework, r->name, doc->path, r->added,
            r->updated, r->retired);
}

int cmd_oscal_import(cli *c, isms_err *e)
{
    int rc = cli_need_args(c, 1, "the OSCAL file (JSON)", e);
    if (rc)
        return rc;
    oscal_doc doc;
    oscal_warnings w = { 0 };
    rc = oscal_load_pooled(c->args[0], &doc, &w, c->a, e);
    if (rc)
        return rc;
    if (doc.model == OSCAL_SYSTEM_SECURITY_PLAN || doc.model == OSCAL_ASSESSMENT_RESULTS ||
        doc.model == OSCAL_POAM) {
        for (int i = 0; i < w.n; i++)
            fprintf(stderr, "warning: %s\n", w.msgs[i]);
        rc = cli_oscal_plan(c, &doc, e);
        oscal_doc_free(&doc);
        return rc;
    }
    rc = need(c, doc.model, e);
    if (rc) {
        oscal_doc_free(&doc);
        return rc;
    }
    longjob j;
    longjob_start(&j, "importing");
    oscal_import_opts o = { .framework = cli_opt_value(c, "framework"),
                            .source = c->args[0],
                            .progress = longjob_fraction,
                            .ctx = &j,
                            .cancel = longjob_cancel() };
    oscal_import_result res = { 0 };
    rc = longjob_end(&j, importers[doc.model](c, &doc, &o, &res, e), e);
    if (!rc)
        report(c, &doc, &res, &w);
    oscal_doc_free(&doc);
    return rc;
}
