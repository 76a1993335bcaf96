/* workflows.c: the API's routes beyond records: a risk, the portfolio and
 * the controls' returns quantified (what-ifs, not saved: reading them
 * changes nothing), the ledger verified, and a
 * proof that an entry is in the ledger (its text form is what `isms ledger
 * check` reads, without the repository). Risk acceptance and lifecycle
 * verbs are in api.c beside the records they change. */
#include "core/text.h"
#include "domain/integrity/tree.h"
#include "domain/integrity/verify.h"
#include "domain/workflows/quantify.h"
#include "formats/json.h"
#include "ledger/proof.h"
#include "web/web_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { QUANTIFY_MAX_ITERATIONS = 200000, QUANTIFY_DEFAULT_ITERATIONS = 20000 };

void web_send_doc(web_req *r, json_t *doc)
{
    r->status = 200;
    r->type = "application/json";
    buf_clear(&r->out);
    js_append(&r->out, doc);
    json_decref(doc);
}

/* Query parameter `name` as an integer in [min, max]: def when absent. */
static int query_int(web_req *r, const char *name, int64_t min, int64_t max, int64_t def,
                     int64_t *out, isms_err *e)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    *out = def;
    return v ? web_parse_int(name, v, min, max, out, e) : 0;
}

/* Only the parameters named (NULL-terminated) may be given. */
typedef struct only_args {
    const char *const *names;
    isms_err *e;
    int rc;
} only_args;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *name,
                                 const char *text)
{
    only_args *o = cls;
    if (choice_index(o->names, name) >= 0)
        return MHD_YES;
    o->rc = err_set(o->e, E_USAGE, name, "%s: no such parameter", name);
    return MHD_NO;
}

int web_only_params(web_req *r, const char *const *names, isms_err *e)
{
    only_args o = { names, e, 0 };
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &o);
    return o.rc;
}

/* ?iterations and ?seed (and the parameters in `more`) into o: a what-if,
 * not saved, on one thread (the server's workers are the parallelism). */
static int quant_params(web_req *r, const char *const *names, quant_opts *o, isms_err *e)
{
    int64_t iterations = 0, seed = 0;
    int rc = web_only_params(r, names, e);
    if (!rc)
        rc = query_int(r, "iterations", 1000, QUANTIFY_MAX_ITERATIONS, QUANTIFY_DEFAULT_ITERATIONS,
                       &iterations, e);
    if (!rc)
        rc = query_int(r, "seed", 0, INT64_MAX, QUANT_DEFAULT_SEED, &seed, e);
    if (rc)
        return rc;
    *o = (quant_opts){ .iterations = (size_t)iterations, .seed = (uint64_t)seed, .threads = 1 };
    return 0;
}

/* ---- the what-if clock (web_internal.h) ---- */

static void whatif_progress(void *ctx, uint64_t done, uint64_t total)
{
    web_whatif *w = ctx;
    double t = (double)web_now_us() / 1e6 - w->started;
    if (w->stop || !done || done >= total)
        return;
    double projected = t * (double)total / (double)done;
    if (t > w->limit || (t > w->limit / 10 && projected > 3 * w->limit)) {
        w->projected = projected;
        w->stopped_at = t;
        w->stop = 1;
    }
}

void web_whatif_start(web_req *r, web_whatif *w, quant_opts *o)
{
    int64_t ms = r->cfg->whatif_ms > 0 ? r->cfg->whatif_ms : WEB_WHATIF_DEFAULT_MS;
    *w = (web_whatif){ .limit = (double)ms / 1000,
                       .started = (double)web_now_us() / 1e6,
                       .iterations = o->iterations };
    o->progress = whatif_progress;
    o->progress_ctx = w;
    o->cancel = &w->stop;
}

int web_whatif_end(const web_whatif *w, int rc, const char *instead, isms_err *e)
{
    if (!w->stop || rc != E_INTERRUPTED)
        return rc;
    /* Iterations scale the run's time: those that fit, in whole thousands. */
    double fit = floor((double)w->iterations * w->limit / w->projected / 1000) * 1000;
    char fits[160];
    if (fit >= 1000)
        snprintf(fits, sizeof fits, "ask for at most about %.0f iterations, or", fit);
    else
        snprintf(fits, sizeof fits, "even the fewest (1000 iterations) would take about %.0f s;",
                 w->projected * 1000 / (double)w->iterations);
    err_clear(e); /* the engine's "interrupted" */
    return err_set(e, E_INVALID, "iterations",
                   "iterations: %zu would take about %.*f s on this server, more than the %g s a "
                   "what-if may compute in a request (isms serve --what-if-limit); it was stopped "
                   "after %.*f s and nothing was saved: %s run it in the background, which shows "
                   "its progress and saves the analysis (POST /api/v1/jobs; on a page, Run and "
                   "save in the background), or run `%s` on the server",
                   w->iterations, w->projected < 10 ? 2 : 0, w->projected, w->limit,
                   w->stopped_at < 10 ? 2 : 0, w->stopped_at, fits, instead);
}

/* A document the domain wrote (malloc'd JSON text) as the answer. */
static void send_text(web_req *r, char *json)
{
    r->status = 200;
    r->type = "application/json";
    buf_clear(&r->out);
    buf_puts(&r->out, json);
    free(json);
}

/* A what-if computed from ?iterations and ?seed (and the parameters in
 * `params`): compute fills json (malloc'd JSON text the domain wrote). */
typedef int (*quant_compute)(web_req *r, const quant_opts *o, char **json, isms_err *e);

static int quant_answer(web_req *r, const char *const *params, quant_compute compute,
                        const char *instead, isms_err *e)
{
    quant_opts o;
    web_whatif w;
    char *json = NULL;
    int rc = quant_params(r, params, &o, e);
    if (!rc) {
        web_whatif_start(r, &w, &o);
        rc = web_whatif_end(&w, compute(r, &o, &json, e), instead, e);
    }
    if (!rc)
        send_text(r, json);
    return rc;
}

static const char *const plain_params[] = { "iterations", "seed", NULL };

static int risk_json(web_req *r, const quant_opts *o, char **json, isms_err *e)
{
    risk_quant q;
    int rc = dom_risk_quantify(r->d, r->key, o, &q, e);
    if (!rc)
        *json = dom_risk_quant_json(&q);
    return rc;
}

static int portfolio_json(web_req *r, const quant_opts *o, char **json, isms_err *e)
{
    portfolio_quant q;
    const char *by = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "by");
    if (by && strcmp(by, "objective"))
        return err_set(e, E_USAGE, "by", "by: \"%s\" is not a grouping; give by=objective", by);
    int rc = dom_portfolio_quantify(r->d, o, by != NULL, &q, e);
    if (!rc)
        *json = dom_portfolio_json(&q);
    return rc;
}

static int returns_json(web_req *r, const quant_opts *o, char **json, isms_err *e)
{
    returns_quant q;
    int rc = dom_control_returns(r->d, o, &q, e);
    if (!rc)
        *json = dom_returns_json(&q);
    return rc;
}

int api_quantify(web_req *r, isms_err *e)
{
    return quant_answer(r, plain_params, risk_json, "isms risk quantify RISK-N", e);
}

int api_portfolio(web_req *r, isms_err *e)
{
    return quant_answer(r, (const char *const[]){ "iterations", "seed", "by", NULL },
                        portfolio_json, "isms quantify", e);
}

int api_roi(web_req *r, isms_err *e)
{
    return quant_answer(r, plain_params, returns_json, "isms control roi", e);
}

/* A full verification reads the whole repository (seconds at a million
 * records): those who answer for the ledger's integrity may ask for one;
 * anyone signed in gets the incremental one, which checks what was added
 * since the last verification recorded (the server's schedule keeps that
 * short). */
static int may_verify_fully(const principal *p)
{
    return principal_has_role(p, "isms-lead") || principal_has_role(p, "internal-auditor");
}

int api_verify(web_req *r, isms_err *e)
{
    static const char *const params[] = { "full", NULL };
    int64_t full;
    int rc = web_only_params(r, params, e);
    if (!rc)
        rc = query_int(r, "full", 0, 1, 0, &full, e);
    if (!rc && full && !may_verify_fully(dom_who(r->d)))
        rc = err_set(e, E_DENIED, "full",
                     "full: a full verification reads the whole repository; the ISMS lead or "
                     "an internal auditor may ask for one (without full: what was added since "
                     "the last verification)");
    if (rc)
        return rc;
    verify_report rep;
    verify_report_init(&rep);
    rep.incremental = !full;
    isms_err found = { 0 };
    rc = dom_verify_recorded(r->d, &rep, &found);
    if (rc && rc != E_TAMPERED) {
        verify_report_reset(&rep);
        *e = found;
        return rc;
    }
    json_t *doc = json_pack(
        "{s:b,s:b,s:I,s:I,s:I,s:I,s:i,s:s,s:s,s:s}", "intact", rc == 0, "full", rep.full,
        "from_seq", (json_int_t)rep.from_seq, "checked", (json_int_t)rep.checked, "entries",
        (json_int_t)rep.entries, "records", (json_int_t)rep.records, "problems", rep.problems,
        "head_hash", rep.head_hash, "details", buf_str(&rep.details), "notes", buf_str(&rep.notes));
    if (rep.first_bad_seq)
        json_object_set_new(doc, "first_bad_seq", json_integer(rep.first_bad_seq));
    verify_report_reset(&rep);
    web_send_doc(r, doc);
    return 0;
}

int api_proof(web_req *r, isms_err *e)
{
    static const char *const params[] = { "seq", "size", NULL };
    int64_t seq, size;
    int rc = web_only_params(r, params, e);
    if (!rc)
        rc = query_int(r, "seq", 1, INT64_MAX, 0, &seq, e);
    if (!rc && !seq)
        rc = err_set(e, E_USAGE, "seq", "seq: which ledger entry to prove");
    if (!rc)
        rc = query_int(r, "size", 1, INT64_MAX, 0, &size, e);
    ledger_proof p;
    if (!rc)
        rc = ledger_prove_inclusion(r->d, seq, size, &p, e);
    if (rc)
        return rc;
    buf text;
    buf_init(&text);
    proof_format(&p, &text);
    json_t *doc = json_pack("{s:I,s:I,s:s}", "seq", (json_int_t)p.seq, "size", (json_int_t)p.size,
                            "proof", buf_str(&text));
    buf_reset(&text);
    web_send_doc(r, doc);
    return 0;
}
