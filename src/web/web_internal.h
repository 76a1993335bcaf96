/* web_internal.h: what the web's modules share: one request, the route
 * table, the responses. */
#ifndef ISMS_WEB_INTERNAL_H
#define ISMS_WEB_INTERNAL_H

#include "core/buf.h"
#include "domain/engine/dom.h"
#include "domain/views/query.h"
#include "web/jobs.h"
#include "web/web.h"

#include <microhttpd.h>
#include <signal.h>
#include <stdint.h>

struct route;

enum { WEB_ALLOW_MAX = 64 }; /* "GET, POST, PATCH, DELETE" */

/* One request, from its first byte to its log line. */
typedef struct web_req {
    struct MHD_Connection *conn;
    const web_config *cfg;
    const char *method, *url;
    int64_t started_us;
    buf body;                   /* capped at cfg->body_max */
    int too_large;              /* the body passed the limit: answered 413, read no further */
    dom *d;                     /* this worker thread's repository connection */
    struct dom_batcher *writer; /* the server's writer: API writes go through it (group commit) */
    web_jobs *jobs;             /* the server's background analyses (jobs.h) */
    /* A write handed to the writer (api.c): the connection waits, suspended,
     * for its batch's commit, and is answered when it resumes. */
    struct api_write *pending;
    arena mem; /* the request's own memory, which outlives its dom requests */
    /* who asks */
    int signed_in;    /* a person, by token or session */
    int by_cookie;    /* ... by a session cookie: state changes need the CSRF token */
    principal who;    /* valid while signed_in (strings in the dom's arena) */
    const char *csrf; /* the session's CSRF token */
    const char *sid;  /* the session id the cookie held */
    char user[128];   /* for the access log: the person's key, or "-" */
    /* what the router matched */
    const struct route *route;
    const char *key; /* the {key} segment, or NULL */
    char
        allow[WEB_ALLOW_MAX]; /* the methods the path takes, when the one asked is not among them */
    /* an HTML form's fields (form.c), in the dom's arena */
    const char **form_names, **form_values;
    int nform;
    /* the response */
    int status;
    buf out;
    const char *type;  /* Content-Type */
    const char *cache; /* Cache-Control (NULL: no-store) */
    char etag[32];
    char *headers[8]; /* extra "Name: value" lines, malloc'd */
    int nheaders;
    size_t bytes; /* sent, for the log */
} web_req;

/* A what-if (a quantification not saved) computes inside its request, on
 * one of the server's few workers: it may take at most the server's
 * what-if limit (web_config.whatif_ms). The clock rides on the engine's
 * progress reports and stops the run through its cancel flag once the
 * limit has passed, or early, once a tenth of it shows that the whole run
 * would take more than three times the limit. */
typedef struct web_whatif {
    double limit;      /* seconds */
    double started;    /* web_now_us() in seconds */
    double projected;  /* seconds the whole run would have taken (0: unknown) */
    double stopped_at; /* seconds into the run when it was stopped (0: it was not) */
    size_t iterations;
    volatile sig_atomic_t stop; /* the engine's cancel flag */
} web_whatif;

struct quant_opts;
/* Starts w's clock and hooks it into o (its progress and cancel). */
void web_whatif_start(web_req *r, web_whatif *w, struct quant_opts *o);
/* The computation's rc, unless w stopped it: then E_INVALID naming
 * "iterations", with how long the run would take, the iterations that
 * fit, and `instead` (the command that computes it without a limit). */
int web_whatif_end(const web_whatif *w, int rc, const char *instead, isms_err *e);

typedef int (*web_handler)(web_req *r, isms_err *e);

/* What a route does: the authorisation test and the OpenAPI document
 * read it. A new kind needs a rule in tests/web/test_authz.c. */
typedef enum route_kind {
    RK_OPENAPI,
    RK_SESSION_SHOW,
    RK_SIGN_IN,
    RK_SIGN_OUT,
    RK_LIST,
    RK_SHOW,
    RK_CREATE,
    RK_UPDATE,
    RK_RETIRE,
    RK_HISTORY,
    RK_TRANSITION,
    RK_ACCEPT,
    RK_REVIEW_INPUTS,   /* POST /api/v1/reviews/<KEY>/inputs: assemble a review's inputs */
    RK_METRICS_MEASURE, /* POST /api/v1/metrics/measure and /api/v1/metrics/<KEY>/measure */
    RK_QUANTIFY,
    RK_VERIFY,
    RK_PROOF,
    RK_PORTFOLIO,
    RK_ROI,
    RK_COVERAGE,      /* /api/v1/coverage: a framework's coverage, or every mapped one's totals */
    RK_DRIFT,         /* /api/v1/drift */
    RK_SOA_STATEMENT, /* /api/v1/soas/<KEY>/statement: the SoA as a document */
    RK_SOA_GAP,       /* /api/v1/soa-gap: two profiles (or SoAs) of a framework compared */
    RK_RESPONSIBILITIES, /* /api/v1/responsibilities: the responsibility matrix, its gaps */
    RK_ATTENTION,        /* /api/v1/attention: one list of what needs attention, in full */
    /* HTML pages (pages*.c): a browser's, signed in by the session cookie */
    RK_STATIC,                /* the stylesheet */
    RK_PAGE_HOME,             /* / */
    RK_PAGE_REGISTERS,        /* the index of registers */
    RK_PAGE_SIGN_IN,          /* GET (the form) and POST /signin */
    RK_PAGE_SIGN_OUT,         /* GET (the form) and POST /signout */
    RK_PAGE_LIST,             /* /<plural>: the list page (and its CSV) */
    RK_PAGE_SHOW,             /* /<plural>/<KEY> */
    RK_PAGE_RETIRE,           /* POST /<plural>/<KEY>/retire */
    RK_PAGE_TRANSITION,       /* POST /<plural>/<KEY>/<verb> */
    RK_PAGE_NEW,              /* GET /<plural>/new: the form */
    RK_PAGE_CREATE,           /* POST /<plural> */
    RK_PAGE_EDIT,             /* GET /<plural>/<KEY>/edit: the form */
    RK_PAGE_UPDATE,           /* POST /<plural>/<KEY>/edit */
    RK_PAGE_SEARCH,           /* /search?q= */
    RK_PAGE_MY,               /* /my: the signed-in person's work */
    RK_PAGE_ACCEPT_FORM,      /* GET /risks/<KEY>/accept: the authority needed, the form */
    RK_PAGE_ACCEPT,           /* POST /risks/<KEY>/accept */
    RK_PAGE_REVIEW_INPUTS,    /* POST /reviews/<KEY>/inputs */
    RK_PAGE_METRICS_MEASURE,  /* POST /metrics/measure and /metrics/<KEY>/measure */
    RK_PAGE_QUANTIFY,         /* /risks/<KEY>/quantify: figures and the loss exceedance curve */
    RK_PAGE_ROI,              /* /controls/roi: the return on controls */
    RK_PAGE_COVERAGE,         /* /coverage[?framework=]: coverage per framework, the gaps */
    RK_PAGE_DRIFT,            /* /drift */
    RK_PAGE_SOA,              /* /soa[?framework=]: the SoAs in force, one's statement */
    RK_PAGE_STATEMENT,        /* /soas/<KEY>/statement: the SoA as a document (and its CSV) */
    RK_PAGE_SOA_GAP,          /* /soa-gap: two profiles compared, sortable (and its CSV) */
    RK_PAGE_RESPONSIBILITIES, /* /responsibilities: the responsibility matrix, its gaps */
    RK_PAGE_ATTENTION,        /* /attention: one list of what needs attention, in full */
    /* background analyses (jobs.h): started by who may save analyses, seen by
     * their starter and the isms-lead */
    RK_JOBS,            /* GET /api/v1/jobs */
    RK_JOB,             /* GET /api/v1/jobs/<id> */
    RK_JOB_START,       /* POST /api/v1/jobs */
    RK_JOB_CANCEL,      /* POST /api/v1/jobs/<id>/cancel */
    RK_PAGE_JOBS,       /* GET /jobs */
    RK_PAGE_JOB,        /* GET /jobs/<id>: its progress, then what it saved */
    RK_PAGE_JOB_START,  /* POST /jobs */
    RK_PAGE_JOB_CANCEL, /* POST /jobs/<id>/cancel */
    /* CSV imports (pages_import.c) */
    RK_IMPORT,           /* POST /api/v1/<plural>/import: a text/csv body */
    RK_PAGE_IMPORT_FORM, /* GET /<plural>/import: the form */
    RK_PAGE_IMPORT,      /* POST /<plural>/import: a file, or rows pasted */
} route_kind;

/* Who may reach a route at all; what a signed-in person may do there is
 * the domain's question (their principal's roles). */
enum { WEB_PUBLIC = 0, WEB_SIGNED_IN = 1 };

typedef struct route {
    const char *method;
    char path[160]; /* "/api/v1/risks/{key}/history" */
    route_kind kind;
    int access;          /* WEB_PUBLIC or WEB_SIGNED_IN */
    const regdef *reg;   /* register routes */
    const transition *t; /* RK_TRANSITION: the lifecycle's (first) transition by that verb */
    web_handler fn;
    const char *summary;
} route;

/* ---- router.c ---- */
/* The route table (built once from the registers): *n routes. */
const route *web_routes(int *n);
/* Finds the route for method and path; E_NOT_FOUND for no path,
 * E_USAGE (405) when the path exists for other methods, which `allow`
 * then lists ("GET, PATCH"). */
int web_route(const char *method, const char *path, const route **out, const char **key,
              char allow[WEB_ALLOW_MAX], arena *a, isms_err *e);

/* Is the route one of the JSON API's (under /api/v1), not a page? */
int web_route_is_api(const route *rt);

/* ---- list.c ---- */
enum { WEB_LIST_FILTERS = 64 };

/* A list as asked for (web_list_args) and answered (web_list_run). */
typedef struct web_list {
    const regdef *reg;
    dom_filter_arg filters[WEB_LIST_FILTERS];
    int nfilters;
    /* ?state=NAME (of dom_states: overdue, untreated...), each an index of
     * the register's states: the records in all of them */
    int states[WEB_LIST_FILTERS];
    int nstates;
    const char *q, *sort, *cursor, *limit_text, *retired, *format; /* as given, or NULL */
    const record *items; /* the page: n records of total, from offset */
    int64_t n, total, offset, limit;
    /* The cursors of the next and the previous page, or NULL: "50a1234" is
     * the page after record #1234, its first record the 51st; "0b1185"
     * the page before record #1185 (web_list_run). */
    const char *next, *prev;
} web_list;

/* The list reg's request asks for: ?FIELD=VALUE filters, q, sort, limit,
 * cursor, retired. For a page (page = 1) an empty value is no filter, and
 * format= is taken too. E_USAGE naming a parameter that is none. */
int web_list_args(web_req *r, const regdef *reg, int page, web_list *l, isms_err *e);
/* Appends what l's states select to a kept page's or count's name: the
 * states, and today's date (overdue and unaccepted change with it). */
void web_list_states_name(buf *b, const web_list *l);
/* Finds the page of records l asks for, and their total. */
int web_list_run(web_req *r, web_list *l, isms_err *e);
/* What q searches in reg, as people read it: "key, name or email"
 * (store_searched), from the arena. */
const char *web_searched(arena *a, const regdef *reg);
/* Can a list be sorted by f? (Not by a set.) */
int web_list_sortable(const fielddef *f);
/* The index of reg's field called `name` (its JSON name), or -1. */
int web_field(const regdef *reg, const char *name);

/* ---- values.c ---- */
/* A value as people read it in HTML (dom_value_text's text, escaped): a
 * reference is a link to its record. */
void html_value(buf *b, dom *d, const fielddef *f, const value *v);
/* A link to record `key` of reg, followed by its name (html_value does
 * this for every reference). */
void html_ref(buf *b, dom *d, const regdef *reg, const char *key);
/* html_time's markup for iso, in the dom's arena (for html_f's %r). */
const char *web_time_html(dom *d, const char *iso);
/* "/risks/RISK-1" and suffix, percent-encoded, in the dom's arena. */
const char *web_record_url(dom *d, const regdef *reg, const char *key, const char *suffix);
/* A field's name as a heading ("Residual likelihood"), in the dom's arena. */
const char *web_field_label(dom *d, const char *name);
/* A name ("soa", "approved_by") as words people read ("SoA", "approved
 * by"), the first capitalised with `capital`. */
const char *web_words(dom *d, const char *name, int capital);

/* ---- http.c ---- */
/* A request parameter (query, header) as an integer in [min, max]:
 * E_USAGE (400) naming it when it is not one. */
int web_parse_int(const char *name, const char *text, int64_t min, int64_t max, int64_t *out,
                  isms_err *e);
void web_json(web_req *r, int status, const char *json);
void web_error(web_req *r, int code, const isms_err *e);
/* The error document web_error sends, {"error":{"code","message","field"}},
 * for an answer that adds to it (the caller owns the reference). */
struct json_t *web_error_json(int code, const isms_err *e);
void web_header(web_req *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Queues the response (security headers, ETag, extra headers). */
enum MHD_Result web_send(web_req *r);
int64_t web_now_us(void);

/* ---- form.c ---- */
/* Parses the request body as an HTML form into r->form_*. */
int web_form_parse(web_req *r, isms_err *e);
/* The form's first value of `name`, or NULL. */
const char *web_form_get(const web_req *r, const char *name);

/* ---- auth.c ---- */
/* Who asks: a bearer token, or a session cookie (and for a state change by
 * cookie, its CSRF token). 0 also for nobody (r->signed_in = 0). */
int web_authenticate(web_req *r, isms_err *e);
int web_sign_in(web_req *r, isms_err *e);
int web_sign_out(web_req *r, isms_err *e);
/* Signs `user` (key or e-mail) in with `password`: the back-off, a new
 * session (the old one ends), its cookie; r->who is the person after.
 * The API's and the sign-in form's. */
int web_sign_in_as(web_req *r, const char *user, const char *password, const char **csrf,
                   isms_err *e);
/* Ends the request's session (everywhere: every session of the person)
 * and clears its cookie. */
int web_session_end(web_req *r, int everywhere, isms_err *e);
int web_session_show(web_req *r, isms_err *e);
void web_auth_init(void);

/* ---- api.c ---- */
int api_list(web_req *r, isms_err *e);
int api_show(web_req *r, isms_err *e);
int api_create(web_req *r, isms_err *e);
/* pages_import.c */
int api_import(web_req *r, isms_err *e);
int page_import_form(web_req *r, isms_err *e);
int page_import(web_req *r, isms_err *e);
int api_update(web_req *r, isms_err *e);
int api_retire(web_req *r, isms_err *e);
int api_history(web_req *r, isms_err *e);
int api_transition(web_req *r, isms_err *e);
int api_accept(web_req *r, isms_err *e);
int api_review_inputs(web_req *r, isms_err *e);
int api_metrics_measure(web_req *r, isms_err *e);
/* The answer to the request's write (r->pending), once its batch ended. */
int api_write_answer(web_req *r, isms_err *e);
/* Frees what a pending write holds, at the end of the request. */
void api_write_forget(web_req *r);
/* The request body as a JSON object (E_USAGE naming the fault). */
struct json_t;
int api_body(web_req *r, struct json_t **out, isms_err *e);
/* The request body as a JSON object of the members `names` (NULL-
 * terminated), each a string (or, where bit i of `integers` is set, an
 * integer, written out): values[i] the text of names[i] (NULL when absent
 * or null), in the dom's arena. E_USAGE naming a member that is none of
 * them, E_INVALID one of another type, with its value. */
int api_body_texts(web_req *r, const char *const *names, unsigned integers, const char **values,
                   isms_err *e);

/* ---- workflows.c ---- */
/* Answers 200 with doc (a jansson document, whose reference it takes). */
void web_send_doc(web_req *r, struct json_t *doc);
/* Only the query parameters named (NULL-terminated) may be given:
 * E_USAGE naming another. */
int web_only_params(web_req *r, const char *const *names, isms_err *e);
/* Query parameter `name`, NULL when absent or empty. */
const char *web_query(web_req *r, const char *name);
int api_quantify(web_req *r, isms_err *e);
int api_portfolio(web_req *r, isms_err *e);
int api_roi(web_req *r, isms_err *e);
int api_verify(web_req *r, isms_err *e);
int api_proof(web_req *r, isms_err *e);

/* ---- page_dashboard.c, pages_workflows.c: the dashboard and the workflows ---- */
/* An amount in minor units as people read it: "EUR 1,250,000.00". */
const char *web_money(web_req *r, int64_t minor);
int page_accept_form(web_req *r, isms_err *e);
int page_accept(web_req *r, isms_err *e);
int page_review_inputs(web_req *r, isms_err *e);
int page_metrics_measure(web_req *r, isms_err *e);
int page_quantify(web_req *r, isms_err *e);
struct risk_quant;
/* A risk's figures (verdict, annual loss per scenario, loss exceedance
 * curve): the quantify page's, and a saved analysis's (page_analysis.c). */
void web_risk_figures(web_req *r, const struct risk_quant *q);
/* A saved analysis's page, above its fields: whether its figures still
 * hold (`figures`, its derived value, or NULL), what it found, read from
 * the results it keeps, and what drove the loss. */
void web_analysis_figures(web_req *r, const record *analysis, const char *figures);
/* An objective's page: its loss, verdict and certainty in the latest
 * portfolio analysis by objective (or why there are none), said stale
 * when its inputs changed. */
int web_objective_figures(web_req *r, const record *objective, isms_err *e);
/* A metric's measurements drawn against its target (page_metric.c). */
int web_metric_trend(web_req *r, const record *metric, isms_err *e);
int page_roi(web_req *r, isms_err *e);
/* Links to the workflows of a record's page (a risk: quantify, accept; a
 * control: the return on controls), inside its actions. */
void web_workflow_links(web_req *r, const record *rec);

/* ---- api_views.c, page_frameworks.c: coverage, drift, the SoA ---- */
typedef int web_handler_fn(web_req *r, isms_err *e); /* what a web_handler points at */
web_handler_fn api_coverage, api_drift, api_soa_statement, api_soa_gap;
web_handler_fn page_coverage, page_drift, page_soa, page_statement, page_soa_gap;
/* page_accountability.c: the responsibility matrix */
web_handler_fn api_responsibilities, page_responsibilities;
web_handler_fn api_attention, page_attention;
struct cov_report;
struct drift_item;
/* The drift (isms drift) the request asks for: it takes no parameters. */
int web_drift(web_req *r, struct drift_item **d, int *n, isms_err *e);
struct gap_report;
/* The two profiles (or SoAs) the request picks compared (isms soa gap),
 * the request allowed only `params`. */
int web_soa_gap(web_req *r, const char *const *params, struct gap_report *out, isms_err *e);
/* The coverage of n frameworks as a table: each framework a link to its
 * coverage page, its totals, its approved SoA a link to its statement. */
void web_coverage_table(web_req *r, const struct cov_report *rep, int n);

/* ---- scheduled.c ---- */
typedef struct web_scheduled web_scheduled;
/* Starts verifying every c->verify_every seconds (*out NULL when not
 * positive); c must outlive it. */
int web_verifier_start(const web_config *c, web_scheduled **out, isms_err *e);
/* Starts running the stale analyses again every c->quantify_every seconds
 * (*out NULL when not positive); c must outlive it. */
int web_requantifier_start(const web_config *c, web_scheduled **out, isms_err *e);
/* Starts measuring the metrics due every c->measure_every seconds (*out
 * NULL when not positive); c must outlive it. */
int web_measurer_start(const web_config *c, web_scheduled **out, isms_err *e);
/* Stops a job: a verification under way is recorded first, a
 * re-quantification under way cancelled (its analysis not saved). */
void web_scheduled_stop(web_scheduled *s);

/* ---- html_css.c, pages*.c: the HTML front end (html.h) ---- */
int html_css(web_req *r, isms_err *e);
int page_home(web_req *r, isms_err *e);
int page_registers(web_req *r, isms_err *e);
int page_signin_form(web_req *r, isms_err *e);
int page_signin(web_req *r, isms_err *e);
int page_signout_form(web_req *r, isms_err *e);
int page_signout(web_req *r, isms_err *e);
int page_list(web_req *r, isms_err *e);
int page_show(web_req *r, isms_err *e);
int page_retire(web_req *r, isms_err *e);
int page_transition(web_req *r, isms_err *e);
int page_new(web_req *r, isms_err *e);
int page_create(web_req *r, isms_err *e);
int page_edit(web_req *r, isms_err *e);
int page_update(web_req *r, isms_err *e);
int page_search(web_req *r, isms_err *e);
int page_my(web_req *r, isms_err *e);
/* The buttons for the verbs of rec's lifecycle the signed-in person may
 * make now (each a form posting to /<plural>/<KEY>/<verb>). */
void web_verb_buttons(web_req *r, const record *rec);
/* "RISK-1 · Ransomware halts payments", in the dom's arena. */
const char *web_record_title(dom *d, const record *rec);
/* A field's <option>s: its choices, yes and no, or the active records of
 * the register it refers to; `selected` is marked. */
int web_options(web_req *r, const fielddef *f, const char *selected, int form, isms_err *e);
/* Are the records of register `target` few enough to choose from a list? */
int web_options_fit(web_req *r, const char *target, int *fits, isms_err *e);
/* How a reference to `target` is typed where there are too many to choose
 * from: "RISK-n", "REQ-n or FRAMEWORK:ID" (a placeholder), in the arena. */
const char *web_ref_hint(web_req *r, const char *target);
/* Is the request for an HTML page (not under /api/)? Its errors are pages. */
int web_is_html(const web_req *r);

/* ---- pages_jobs.c: background analyses (jobs.h) ---- */
web_handler_fn api_jobs, api_job, api_job_start, api_job_cancel;
web_handler_fn page_jobs, page_job, page_job_start, page_job_cancel;
/* A form that starts a job of `kind` on `subject` (NULL: none), its
 * iterations and seed to fill in (not for a rerun), for a person who may
 * start one (nothing for anyone else). */
void web_job_form(web_req *r, web_job_kind kind, const char *subject, size_t iterations,
                  uint64_t seed, const char *label);
/* A line naming the jobs under way the signed-in person may see (nothing
 * when none): how many. */
int web_jobs_note(web_req *r);

/* ---- openapi.c ---- */
int api_openapi(web_req *r, isms_err *e);

#endif
