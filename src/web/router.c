/* router.c: the route table. Generated once from the register tables, so
 * that every register, and every verb of its lifecycle, is on the web
 * without code of its own; the OpenAPI document and the authorisation
 * test read the same table. HTML pages can be added beside /api/v1 as
 * more rows. */
#include "domain/registers/registers.h"
#include "web/web_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ROUTES = 512 };
static route table[MAX_ROUTES];
static int ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Where the JSON API lives; HTML pages are rows with a base of their own
 * ("" for /risks/{key}), made by the same function. */
#define API "/api/v1"

/* The route's path: `base`, the register's plural (if any), then `rest`
 * and the verb (if any) as a last segment. */
static route *add(const char *base, const char *method, route_kind kind, int access, web_handler fn,
                  const char *summary, const regdef *reg, const char *rest, const char *verb)
{
    if (ntable == MAX_ROUTES)
        abort();
    route *r = &table[ntable++];
    *r = (route){
        .method = method, .kind = kind, .access = access, .fn = fn, .summary = summary, .reg = reg
    };
    snprintf(r->path, sizeof r->path, "%s%s%s%s%s%s", base, reg ? "/" : "", reg ? reg->plural : "",
             rest, verb ? "/" : "", verb ? verb : "");
    return r;
}

/* A verb a generic route already answers (retire, history) is not offered
 * again as a lifecycle verb (lifecycle_check refuses such tables). */
static int seen_verb(const lifecycle *lc, int upto, const char *verb)
{
    for (int k = 0; k < upto; k++)
        if (!strcmp(lc->transitions[k].verb, verb))
            return 1;
    return 0;
}

/* POST <base>/<plural>/{key}/<verb> for each verb of reg's lifecycle. */
static void verb_routes(const char *base, route_kind kind, web_handler fn, const regdef *reg)
{
    const lifecycle *lc = reg->lifecycle;
    for (int k = 0; lc && k < lc->ntransitions; k++) {
        const transition *t = &lc->transitions[k];
        if (seen_verb(lc, k, t->verb))
            continue;
        route *r = add(base, "POST", kind, WEB_SIGNED_IN, fn, t->help, reg, "/{key}", t->verb);
        r->t = t;
    }
}

static void register_routes(const regdef *reg)
{
    int system = reg->flags & REG_SYSTEM, single = reg->flags & REG_SINGLETON;
    add(API, "GET", RK_LIST, WEB_SIGNED_IN, api_list, "list records", reg, "", NULL);
    if (!system && !single) {
        add(API, "POST", RK_CREATE, WEB_SIGNED_IN, api_create, "add a record", reg, "", NULL);
        add(API, "POST", RK_IMPORT, WEB_SIGNED_IN, api_import,
            "add and change records from a text/csv body: a header row (key and fields), a "
            "record a row; all rows or none, each refused row named by its line (?dry_run=1: "
            "check only)",
            reg, "/import", NULL);
    }
    add(API, "GET", RK_SHOW, WEB_SIGNED_IN, api_show, "one record", reg, "/{key}", NULL);
    if (!system)
        add(API, "PATCH", RK_UPDATE, WEB_SIGNED_IN, api_update, "change fields of a record", reg,
            "/{key}", NULL);
    if (!system && !(reg->flags & REG_NO_RETIRE))
        add(API, "POST", RK_RETIRE, WEB_SIGNED_IN, api_retire,
            "retire a record (nothing is deleted)", reg, "/{key}/retire", NULL);
    add(API, "GET", RK_HISTORY, WEB_SIGNED_IN, api_history,
        "the record's ledger entries (?limit up to 1000, ?before: the last of them before an "
        "entry; older_before names the page before)",
        reg, "/{key}/history", NULL);
    verb_routes(API, RK_TRANSITION, api_transition, reg);
    if (reg == &reg_risk)
        add(API, "POST", RK_ACCEPT, WEB_SIGNED_IN, api_accept,
            "accept the risk, as the signed-in person (the authority needed grows with its "
            "size)",
            reg, "/{key}/accept", NULL);
    if (reg == &reg_review)
        add(API, "POST", RK_REVIEW_INPUTS, WEB_SIGNED_IN, api_review_inputs,
            "assemble the planned review's inputs from the data, as they stand now (its owner or "
            "the isms-lead)",
            reg, "/{key}/inputs", NULL);
    if (reg == &reg_metric) {
        add(API, "POST", RK_METRICS_MEASURE, WEB_SIGNED_IN, api_metrics_measure,
            "measure the metrics due (?all=1: every one) that the signed-in person may measure "
            "(their own; the isms-lead's: all), from the data as it stands",
            reg, "/measure", NULL);
        add(API, "POST", RK_METRICS_MEASURE, WEB_SIGNED_IN, api_metrics_measure,
            "measure the metric now, from the data as it stands (its owner or the isms-lead)", reg,
            "/{key}/measure", NULL);
    }
    if (reg == &reg_risk)
        add(API, "GET", RK_QUANTIFY, WEB_SIGNED_IN, api_quantify,
            "FAIR Monte Carlo: inherent, current and target annual loss against appetite (not "
            "saved; ?iterations, ?seed)",
            reg, "/{key}/quantify", NULL);
}

/* A register's pages: the same records, for a browser. */
static void register_pages(const regdef *reg)
{
    int system = reg->flags & REG_SYSTEM;
    add("", "GET", RK_PAGE_LIST, WEB_SIGNED_IN, page_list, "the list page (format=csv: its rows)",
        reg, "", NULL);
    if (reg == &reg_metric)
        add("", "POST", RK_PAGE_METRICS_MEASURE, WEB_SIGNED_IN, page_metrics_measure,
            "measure the metrics due that the signed-in person may measure", reg, "/measure", NULL);
    if (!system && !(reg->flags & REG_SINGLETON)) { /* before /{key}, which would take "new" */
        add("", "GET", RK_PAGE_NEW, WEB_SIGNED_IN, page_new, "the form for a new record", reg,
            "/new", NULL);
        add("", "POST", RK_PAGE_CREATE, WEB_SIGNED_IN, page_create, "add a record (the form)", reg,
            "", NULL);
        add("", "GET", RK_PAGE_IMPORT_FORM, WEB_SIGNED_IN, page_import_form,
            "the form to import records from a CSV file", reg, "/import", NULL);
        add("", "POST", RK_PAGE_IMPORT, WEB_SIGNED_IN, page_import,
            "import records from a CSV file (the form)", reg, "/import", NULL);
    }
    add("", "GET", RK_PAGE_SHOW, WEB_SIGNED_IN, page_show, "a record's page", reg, "/{key}", NULL);
    if (!system) {
        add("", "GET", RK_PAGE_EDIT, WEB_SIGNED_IN, page_edit, "the form to change a record", reg,
            "/{key}/edit", NULL);
        add("", "POST", RK_PAGE_UPDATE, WEB_SIGNED_IN, page_update, "change a record (the form)",
            reg, "/{key}/edit", NULL);
    }
    if (!system && !(reg->flags & REG_NO_RETIRE))
        add("", "POST", RK_PAGE_RETIRE, WEB_SIGNED_IN, page_retire, "retire the record", reg,
            "/{key}/retire", NULL);
    verb_routes("", RK_PAGE_TRANSITION, page_transition, reg);
    if (reg == &reg_metric)
        add("", "POST", RK_PAGE_METRICS_MEASURE, WEB_SIGNED_IN, page_metrics_measure,
            "measure the metric now (its owner or the isms-lead)", reg, "/{key}/measure", NULL);
    if (reg == &reg_review)
        add("", "POST", RK_PAGE_REVIEW_INPUTS, WEB_SIGNED_IN, page_review_inputs,
            "assemble the planned review's inputs from the data", reg, "/{key}/inputs", NULL);
    if (reg == &reg_risk) {
        add("", "GET", RK_PAGE_ACCEPT_FORM, WEB_SIGNED_IN, page_accept_form,
            "the form to accept the risk: the authority it needs and why", reg, "/{key}/accept",
            NULL);
        add("", "POST", RK_PAGE_ACCEPT, WEB_SIGNED_IN, page_accept,
            "accept the risk as the signed-in person", reg, "/{key}/accept", NULL);
        add("", "GET", RK_PAGE_QUANTIFY, WEB_SIGNED_IN, page_quantify,
            "the risk's figures and loss exceedance curve (not saved)", reg, "/{key}/quantify",
            NULL);
    }
}

/* The HTML pages: the same registers, for a browser. */
static void page_routes(void)
{
    add("", "GET", RK_STATIC, WEB_PUBLIC, html_css, "the stylesheet", NULL, "/static/isms.css",
        NULL);
    add("", "GET", RK_PAGE_SIGN_IN, WEB_PUBLIC, page_signin_form, "the sign-in form", NULL,
        "/signin", NULL);
    add("", "POST", RK_PAGE_SIGN_IN, WEB_PUBLIC, page_signin, "sign in: sets the session cookie",
        NULL, "/signin", NULL);
    add("", "GET", RK_PAGE_SIGN_OUT, WEB_SIGNED_IN, page_signout_form, "the sign-out form", NULL,
        "/signout", NULL);
    add("", "POST", RK_PAGE_SIGN_OUT, WEB_SIGNED_IN, page_signout,
        "sign out (everywhere=1: every session of the person)", NULL, "/signout", NULL);
    add("", "GET", RK_PAGE_HOME, WEB_SIGNED_IN, page_home, "the dashboard", NULL, "/", NULL);
    add("", "GET", RK_PAGE_REGISTERS, WEB_SIGNED_IN, page_registers, "the registers", NULL,
        "/registers", NULL);
    add("", "GET", RK_PAGE_SEARCH, WEB_SIGNED_IN, page_search, "find records by key or words", NULL,
        "/search", NULL);
    add("", "GET", RK_PAGE_MY, WEB_SIGNED_IN, page_my, "the signed-in person's work", NULL, "/my",
        NULL);
    /* before the registers' pages: /controls/{key} would take it */
    add("", "GET", RK_PAGE_ROI, WEB_SIGNED_IN, page_roi,
        "the return on controls: what each buys (not saved)", NULL, "/controls/roi", NULL);
    add("", "GET", RK_PAGE_COVERAGE, WEB_SIGNED_IN, page_coverage,
        "coverage per framework; ?framework=: one framework's groups and requirements", NULL,
        "/coverage", NULL);
    add("", "GET", RK_PAGE_DRIFT, WEB_SIGNED_IN, page_drift,
        "controls reported inconsistently across frameworks", NULL, "/drift", NULL);
    add("", "GET", RK_PAGE_SOA, WEB_SIGNED_IN, page_soa,
        "the Statements of Applicability in force; ?framework=: that framework's", NULL, "/soa",
        NULL);
    add("", "GET", RK_PAGE_STATEMENT, WEB_SIGNED_IN, page_statement,
        "the Statement of Applicability as a document (format=csv: its rows)", &reg_soa,
        "/{key}/statement", NULL);
    add("", "GET", RK_PAGE_JOBS, WEB_SIGNED_IN, page_jobs,
        "the background analyses the signed-in person may see, newest first", NULL, "/jobs", NULL);
    add("", "POST", RK_PAGE_JOB_START, WEB_SIGNED_IN, page_job_start,
        "start a background analysis, saved when it ends (kind, subject, iterations, seed)", NULL,
        "/jobs", NULL);
    add("", "GET", RK_PAGE_JOB, WEB_SIGNED_IN, page_job,
        "a background analysis: its progress, then what it saved", NULL, "/jobs/{key}", NULL);
    add("", "POST", RK_PAGE_JOB_CANCEL, WEB_SIGNED_IN, page_job_cancel,
        "cancel a background analysis (nothing is saved)", NULL, "/jobs/{key}/cancel", NULL);
    add("", "GET", RK_PAGE_SOA_GAP, WEB_SIGNED_IN, page_soa_gap,
        "two profiles (or SoAs) of a framework compared, sortable (format=csv: its rows)", NULL,
        "/soa-gap", NULL);
    add("", "GET", RK_PAGE_RESPONSIBILITIES, WEB_SIGNED_IN, page_responsibilities,
        "the responsibility matrix: what each person owns, their roles and budget, and the gaps "
        "(?offset, ?limit: a page of people by name; ?gap, ?gap_person, ?gap_offset: which gaps "
        "are listed)",
        NULL, "/responsibilities", NULL);
    add("", "GET", RK_PAGE_ATTENTION, WEB_SIGNED_IN, page_attention,
        "every risk of one of the dashboard's counts of what needs attention (?list: "
        "unquantified, outside-appetite, matrix-disagrees, untreated; ?cursor or ?offset, ?limit)",
        NULL, "/attention", NULL);
}

static void build(void)
{
    add(API, "GET", RK_OPENAPI, WEB_PUBLIC, api_openapi, "this API's OpenAPI 3.1 description", NULL,
        "/openapi.json", NULL);
    add(API, "GET", RK_SESSION_SHOW, WEB_SIGNED_IN, web_session_show,
        "who is signed in, with their roles and CSRF token", NULL, "/session", NULL);
    add(API, "POST", RK_SIGN_IN, WEB_PUBLIC, web_sign_in,
        "sign in with {user, password}: sets the session cookie", NULL, "/session", NULL);
    add(API, "DELETE", RK_SIGN_OUT, WEB_SIGNED_IN, web_sign_out,
        "sign out (?everywhere=1: every session of the person)", NULL, "/session", NULL);
    add(API, "GET", RK_VERIFY, WEB_SIGNED_IN, api_verify,
        "check the ledger and the registers against it: what was added since the last "
        "verification (full=1: everything, for the ISMS lead and internal auditors)",
        NULL, "/verify", NULL);
    add(API, "GET", RK_PROOF, WEB_SIGNED_IN, api_proof,
        "prove ledger entry ?seq is in the ledger (of ?size entries): isms ledger check reads it",
        NULL, "/ledger/proof", NULL);
    add(API, "GET", RK_PORTFOLIO, WEB_SIGNED_IN, api_portfolio,
        "the organisation's annual loss against appetite, and each objective's with by=objective "
        "(not saved; ?iterations, ?seed)",
        NULL, "/quantify", NULL);
    /* before the registers' routes: /controls/{key} would take it */
    add(API, "GET", RK_ROI, WEB_SIGNED_IN, api_roi,
        "return on controls: what each buys, proposed ones ranked (not saved)", NULL,
        "/controls/roi", NULL);
    add(API, "GET", RK_COVERAGE, WEB_SIGNED_IN, api_coverage,
        "coverage of ?framework (key or name) by the controls mapped onto it: per requirement "
        "and group (?gaps=1: only what is not or partly covered); without it, every mapped "
        "framework's totals",
        NULL, "/coverage", NULL);
    add(API, "GET", RK_DRIFT, WEB_SIGNED_IN, api_drift,
        "controls reported inconsistently across frameworks (isms drift)", NULL, "/drift", NULL);
    add(API, "GET", RK_SOA_STATEMENT, WEB_SIGNED_IN, api_soa_statement,
        "the Statement of Applicability as a document: one row per requirement", &reg_soa,
        "/{key}/statement", NULL);
    add(API, "GET", RK_SOA_GAP, WEB_SIGNED_IN, api_soa_gap,
        "a framework's current profile against its target (?framework), or the SoAs ?current and "
        "?target: per requirement the implementation short of the target, and the tiers (isms "
        "soa gap)",
        NULL, "/soa-gap", NULL);
    add(API, "GET", RK_RESPONSIBILITIES, WEB_SIGNED_IN, api_responsibilities,
        "the responsibility matrix: for a page of people by name (?offset, ?limit up to 500), "
        "their roles, budget authority and the active records of each register they own; the "
        "roles held, and every gap counted, 200 listed of those asked for (?gap: a kind, "
        "?gap_person, ?gap_offset) (isms person matrix)",
        NULL, "/responsibilities", NULL);
    add(API, "GET", RK_ATTENTION, WEB_SIGNED_IN, api_attention,
        "every risk of one of the dashboard's counts of what needs attention, a page at a time "
        "(?list: unquantified, outside-appetite, matrix-disagrees, untreated; ?cursor: the "
        "next_cursor or prev_cursor of a page, or ?offset; ?limit up to 500) (isms attention)",
        NULL, "/attention", NULL);
    add(API, "GET", RK_JOBS, WEB_SIGNED_IN, api_jobs,
        "the background analyses the signed-in person may see, newest first", NULL, "/jobs", NULL);
    add(API, "POST", RK_JOB_START, WEB_SIGNED_IN, api_job_start,
        "start a background analysis, saved as an analysis when it ends: {kind (risk, portfolio, "
        "portfolio-by-objective, control-return, rerun), subject (RISK-n, QNT-n), iterations, "
        "seed}; 202 and its URL",
        NULL, "/jobs", NULL);
    add(API, "GET", RK_JOB, WEB_SIGNED_IN, api_job,
        "a background analysis: its state, progress, time left, the analysis it saved", NULL,
        "/jobs/{key}", NULL);
    add(API, "POST", RK_JOB_CANCEL, WEB_SIGNED_IN, api_job_cancel,
        "cancel a background analysis (nothing is saved)", NULL, "/jobs/{key}/cancel", NULL);
    for (int i = 0; registers[i]; i++)
        register_routes(registers[i]);
    page_routes();
    for (int i = 0; registers[i]; i++)
        register_pages(registers[i]);
}

int web_route_is_api(const route *rt) { return !strncmp(rt->path, API "/", strlen(API "/")); }

int web_is_html(const web_req *r) { return strncmp(r->url, "/api/", 5) != 0; }

const route *web_routes(int *n)
{
    pthread_once(&once, build);
    *n = ntable;
    return table;
}

/* Does path match pattern, a {key} segment taking any one segment? */
static int match(const char *pattern, const char *path, const char **key, arena *a)
{
    const char *k = NULL;
    size_t klen = 0;
    while (*pattern && *path) {
        if (!strncmp(pattern, "{key}", 5)) {
            size_t n = strcspn(path, "/");
            if (!n)
                return 0;
            k = path;
            klen = n;
            pattern += 5;
            path += n;
            continue;
        }
        if (*pattern++ != *path++)
            return 0;
    }
    if (*pattern || *path)
        return 0;
    if (k) {
        char *s = arena_alloc(a, klen + 1);
        memcpy(s, k, klen);
        *key = s;
    }
    return 1;
}

int web_route(const char *method, const char *path, const route **out, const char **key,
              char allow[WEB_ALLOW_MAX], arena *a, isms_err *e)
{
    int n;
    const route *t = web_routes(&n);
    *key = NULL;
    allow[0] = 0;
    for (int i = 0; i < n; i++) {
        if (!match(t[i].path, path, key, a))
            continue;
        if (!strcmp(t[i].method, method)) {
            *out = &t[i];
            allow[0] = 0;
            return 0;
        }
        *key = NULL; /* (a {key} of another method's route: /metrics/{key} took "measure") */
        size_t len = strlen(allow);
        snprintf(allow + len, WEB_ALLOW_MAX - len, "%s%s", len ? ", " : "", t[i].method);
    }
    if (allow[0])
        return err_set(e, E_USAGE, "method", "method: %s is not allowed on %s (%s are)", method,
                       path, allow);
    return err_set(e, E_NOT_FOUND, "path", "path: there is no %s", path);
}
