/* pages_jobs.c: the background analyses (jobs.c) on the web: starting
 * one (a form on the quantify page, the return on controls, a stale
 * analysis, the dashboard), its page with its progress until it is saved,
 * the list of them, and the same as JSON under /api/v1/jobs.
 *
 * A job's spec is checked here, in the request, before a thread starts:
 * a kind that is none, a risk that does not exist or has no FAIR inputs,
 * iterations out of bounds are refused at once (naming the field and the
 * value), not reported by a job that fails later. */
#include "core/text.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"
#include "formats/json.h"
#include "web/html.h"
#include "web/jobs.h"
#include "web/web_internal.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { JOB_REFRESH_SECONDS = 2 };

/* ---- the spec, from a form or a JSON body ---- */

static int needs_subject(web_job_kind k) { return k == WJ_RISK || k == WJ_RERUN; }

/* Does the kind take iterations and a seed (not a run again as it ran)? */
static int takes_numbers(web_job_kind k) { return k != WJ_RERUN && k != WJ_STALE; }

/* The subject exists and can be run: a risk with FAIR inputs, an analysis. */
static int check_subject(web_req *r, const web_job_spec *s, isms_err *e)
{
    record rec;
    const regdef *reg = s->kind == WJ_RISK ? &reg_risk : &reg_analysis;
    int rc = dom_get(r->d, reg, s->subject, &rec, e);
    if (rc == E_NOT_FOUND) {
        err_clear(e);
        return err_set(e, E_NOT_FOUND, "subject", "subject: there is no %s %s", reg->name,
                       s->subject);
    }
    if (rc)
        return rc;
    if (rec.retired_at)
        return err_set(e, E_INVALID, "subject", "subject: %s is retired", s->subject);
    if (s->kind == WJ_RISK && !dom_risk_quantified(&rec))
        return err_set(e, E_INVALID, "subject",
                       "subject: %s has no FAIR inputs (lef or tef, primary_loss): nothing to "
                       "quantify",
                       s->subject);
    return 0;
}

static int spec_numbers(web_job_spec *s, const char *iterations, const char *seed, isms_err *e)
{
    int64_t it = QUANT_DEFAULT_ITERATIONS, sd = QUANT_DEFAULT_SEED;
    if (!takes_numbers(s->kind) && ((iterations && *iterations) || (seed && *seed)))
        return err_set(e, E_INVALID, iterations && *iterations ? "iterations" : "seed",
                       "%s: a %s runs as the analysis ran, with its own iterations and seed",
                       iterations && *iterations ? "iterations" : "seed",
                       web_job_kind_name(s->kind));
    int rc = iterations && *iterations
                 ? web_parse_int("iterations", iterations, 1000, QUANT_MAX_ITERATIONS, &it, e)
                 : 0;
    if (!rc && seed && *seed)
        rc = web_parse_int("seed", seed, 0, INT64_MAX, &sd, e);
    if (!rc && takes_numbers(s->kind)) {
        s->iterations = (size_t)it;
        s->seed = (uint64_t)sd;
    }
    return rc;
}

/* The job asked for, by its four fields as text (each may be NULL). */
static int job_spec(web_req *r, const char *kind, const char *subject, const char *iterations,
                    const char *seed, web_job_spec *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    int rc = web_job_kind_parse(kind, &out->kind, e);
    if (rc)
        return rc;
    int has = subject && *subject;
    if (needs_subject(out->kind) && !has)
        return err_set(e, E_INVALID, "subject", "subject: a %s job names its %s", kind,
                       out->kind == WJ_RISK ? "risk (RISK-n)" : "analysis (QNT-n)");
    if (!needs_subject(out->kind) && has)
        return err_set(e, E_INVALID, "subject", "subject: a %s job takes none ('%s' given)", kind,
                       subject);
    if (has && strlen(subject) >= sizeof out->subject)
        return err_set(e, E_INVALID, "subject", "subject: '%.40s...' is no key", subject);
    if (has)
        snprintf(out->subject, sizeof out->subject, "%s", subject);
    rc = spec_numbers(out, iterations, seed, e);
    if (!rc && has)
        rc = check_subject(r, out, e);
    return rc;
}

/* ---- words ---- */

/* What a job does, as people read it ("quantify RISK-1"), in the arena. */
static const char *job_what(web_req *r, const web_job_spec *s)
{
    switch (s->kind) {
    case WJ_RISK: return arena_printf(dom_arena(r->d), "quantify %s", s->subject);
    case WJ_PORTFOLIO: return "quantify the portfolio";
    case WJ_BY_OBJECTIVE: return "quantify the portfolio by objective";
    case WJ_RETURNS: return "the return on controls";
    case WJ_RERUN: return arena_printf(dom_arena(r->d), "run %s again as it ran", s->subject);
    case WJ_STALE: return "run every stale analysis again as it ran";
    }
    return "";
}

static const char *years(web_req *r, uint64_t n)
{
    char text[32];
    format_money(text, sizeof text, (int64_t)n, 0); /* grouped digits */
    return arena_strdup(dom_arena(r->d), text);
}

static const char *percent_done(web_req *r, const web_job *j)
{
    return j->total ? arena_printf(dom_arena(r->d), "%.0f %%",
                                   100.0 * (double)j->done / (double)j->total)
                    : "starting";
}

/* "1st", "2nd", "3rd", "4th", ... (11th to 13th), in the arena. */
static const char *ordinal(web_req *r, int n)
{
    int tens = n % 100, ones = n % 10;
    const char *suffix = tens >= 11 && tens <= 13 ? "th"
                         : ones == 1              ? "st"
                         : ones == 2              ? "nd"
                         : ones == 3              ? "rd"
                                                  : "th";
    return arena_printf(dom_arena(r->d), "%d%s", n, suffix);
}

static const char *duration(web_req *r, double s)
{
    if (s < 90)
        return arena_printf(dom_arena(r->d), "%.0f s", s < 1 ? 1 : s);
    if (s < 5400)
        return arena_printf(dom_arena(r->d), "%.0f min", s / 60);
    return arena_printf(dom_arena(r->d), "%.1f h", s / 3600);
}

/* ---- the table, and the buttons other pages show ---- */

static int job_id(web_req *r, int *id, isms_err *e)
{
    int64_t v;
    int rc = web_parse_int("job", r->key, 1, INT_MAX, &v, e);
    *id = (int)v;
    return rc;
}

/* May the signed-in person start jobs (save analyses)? */
static int may_start(web_req *r)
{
    isms_err quiet = { 0 };
    return r->signed_in && !principal_may_write(&r->who, &reg_analysis, NULL, NULL, &quiet);
}

void web_job_form(web_req *r, web_job_kind kind, const char *subject, size_t iterations,
                  uint64_t seed, const char *label)
{
    if (!may_start(r))
        return;
    html_f(&r->out, "<form class=\"job\" method=\"post\" action=\"/jobs\">");
    html_csrf_field(r);
    html_f(&r->out, "<input type=\"hidden\" name=\"kind\" value=\"%s\">", web_job_kind_name(kind));
    if (subject)
        html_f(&r->out, "<input type=\"hidden\" name=\"subject\" value=\"%s\">", subject);
    if (takes_numbers(kind))
        html_f(&r->out,
               "<label for=\"job-iterations\">Simulated years</label><input type=\"number\" "
               "id=\"job-iterations\" name=\"iterations\" min=\"1000\" max=\"%D\" step=\"1000\" "
               "value=\"%D\"><label for=\"job-seed\">Seed</label><input type=\"number\" "
               "id=\"job-seed\" name=\"seed\" min=\"0\" value=\"%D\">",
               (int64_t)QUANT_MAX_ITERATIONS,
               (int64_t)(iterations ? iterations : QUANT_DEFAULT_ITERATIONS), (int64_t)seed);
    html_f(&r->out,
           "<button type=\"submit\">%s</button><span class=\"help\">runs in the background "
           "(its progress on its own page) and saves %s</span></form>",
           label, kind == WJ_STALE ? "each analysis" : "the analysis");
}

int web_jobs_note(web_req *r)
{
    web_job jobs[WEB_JOBS_KEPT];
    size_t n = r->signed_in ? web_jobs_list(r->jobs, &r->who, jobs, WEB_JOBS_KEPT) : 0;
    int running = 0;
    for (size_t k = 0; k < n; k++)
        if (jobs[k].state == WJ_RUNNING)
            html_f(&r->out, "%r<a href=\"/jobs/%D\">job %D</a> (%s, %s)",
                   running++ ? ", " : "<p class=\"notice\">Running in the background: ",
                   (int64_t)jobs[k].id, (int64_t)jobs[k].id, job_what(r, &jobs[k].spec),
                   percent_done(r, &jobs[k]));
    if (running)
        html_f(&r->out, ". <a href=\"/jobs\">All jobs</a></p>");
    return running;
}

/* ---- pages ---- */

static void job_state_text(web_req *r, const web_job *j, int64_t now)
{
    arena *a = dom_arena(r->d);
    const char *text = percent_done(r, j);
    double left = web_job_remaining(j, now);
    switch (j->state) {
    case WJ_RUNNING:
        if (j->spec.kind == WJ_STALE)
            text = arena_printf(a, "%d run again so far; the %s: %s", j->steps,
                                ordinal(r, j->steps + 1), text);
        else if (j->total && j->done >= j->total)
            text = "the simulation is done; the figures are being computed and the analysis "
                   "saved";
        else if (j->total)
            text = arena_printf(a, "%s (%s of %s simulated years)", text, years(r, j->done),
                                years(r, j->total));
        if (left >= 0)
            text = arena_printf(a, "%s, about %s left%s", text, duration(r, left),
                                j->spec.kind == WJ_STALE ? " for it" : "");
        html_f(&r->out,
               "<p class=\"notice\" role=\"status\">Running: %s.</p><progress max=\"%D\" "
               "value=\"%D\">%s</progress>",
               text, (int64_t)(j->total ? j->total : 1), (int64_t)j->done, percent_done(r, j));
        break;
    case WJ_SAVED:
        if (j->spec.kind == WJ_STALE && !j->steps)
            html_f(&r->out, "<p class=\"ok\">No stale analysis to run again (one of a risk since "
                            "retired, or no longer quantified, stays stale: there is nothing to "
                            "run).</p>");
        else if (j->spec.kind == WJ_STALE)
            html_f(&r->out,
                   "<p class=\"ok\">Saved: %d analys%s run again, the last <a "
                   "href=\"/analyses/%u\">%s</a>.</p>",
                   j->steps, j->steps == 1 ? "is" : "es", j->analysis, j->analysis);
        else
            html_f(&r->out, "<p class=\"ok\">Saved as <a href=\"/analyses/%u\">%s</a>.</p>",
                   j->analysis, j->analysis);
        break;
    case WJ_FAILED:
        html_f(&r->out, "<p class=\"error\" role=\"alert\">Failed: %s</p>", j->error);
        break;
    case WJ_CANCELLED: html_f(&r->out, "<p class=\"notice\">Cancelled: %s.</p>", j->error); break;
    }
}

static const char *subject_link(web_req *r, const web_job_spec *s)
{
    if (!needs_subject(s->kind))
        return NULL;
    return web_record_url(r->d, s->kind == WJ_RISK ? &reg_risk : &reg_analysis, s->subject, "");
}

int page_job(web_req *r, isms_err *e)
{
    int id;
    web_job j;
    int rc = job_id(r, &id, e);
    if (!rc)
        rc = web_jobs_get(r->jobs, id, &r->who, &j, e);
    if (rc)
        return rc;
    int64_t now = web_now_us();
    if (j.state == WJ_RUNNING) /* the page follows the job until it ends */
        web_header(r, "Refresh", "%d", JOB_REFRESH_SECONDS);
    page_begin(r, arena_printf(dom_arena(r->d), "Job %d: %s", id, job_what(r, &j.spec)),
               NAV_DASHBOARD);
    job_state_text(r, &j, now);
    html_f(&r->out, "<dl class=\"fields\"><dt>What</dt><dd>");
    const char *link = subject_link(r, &j.spec);
    if (link)
        html_f(&r->out, "%s <a href=\"%s\">%s</a>",
               j.spec.kind == WJ_RISK ? "quantify" : "run again as it ran:", link, j.spec.subject);
    else
        html_f(&r->out, "%s", job_what(r, &j.spec));
    html_f(&r->out, ", and save %s</dd>", j.spec.kind == WJ_STALE ? "each" : "the analysis");
    if (takes_numbers(j.spec.kind))
        html_f(&r->out, "<dt>Simulated years</dt><dd>%s</dd><dt>Seed</dt><dd>%D</dd>",
               years(r, j.spec.iterations), (int64_t)j.spec.seed);
    html_f(&r->out, "<dt>Started by</dt><dd>");
    html_ref(&r->out, r->d, &reg_person, j.person_key);
    html_f(&r->out, ", %r</dd>", web_time_html(r->d, j.started_at));
    if (j.state != WJ_RUNNING)
        html_f(&r->out, "<dt>Ended</dt><dd>%r, after %s</dd>", web_time_html(r->d, j.ended_at),
               duration(r, (double)(j.ended_us - j.started_us) / 1e6));
    html_f(&r->out, "</dl>");
    if (j.state == WJ_RUNNING) {
        html_f(&r->out, "<form method=\"post\" action=\"/jobs/%D/cancel\">", (int64_t)id);
        html_csrf_field(r);
        html_f(&r->out,
               "<button type=\"submit\">Cancel</button></form>"
               "<p class=\"muted\">This page follows the job every %d seconds. "
               "Cancelled, or cut short by the server stopping, it saves nothing.</p>",
               JOB_REFRESH_SECONDS);
    }
    html_f(&r->out, "<p><a href=\"/jobs\">All jobs</a></p>");
    page_end(r);
    return 0;
}

int page_jobs(web_req *r, isms_err *e)
{
    (void)e;
    web_job jobs[WEB_JOBS_KEPT];
    size_t n = web_jobs_list(r->jobs, &r->who, jobs, WEB_JOBS_KEPT);
    int running = 0;
    for (size_t k = 0; k < n; k++)
        running += jobs[k].state == WJ_RUNNING;
    if (running)
        web_header(r, "Refresh", "%d", JOB_REFRESH_SECONDS);
    page_begin(r, "Background analyses", NAV_DASHBOARD);
    if (!n) {
        html_f(&r->out, "<p>None since the server started. A risk's quantify page, the return on "
                        "controls and a stale analysis's page start one (the isms-lead's), which "
                        "saves its analysis when it ends.</p>");
        page_end(r);
        return 0;
    }
    html_f(&r->out,
           "<div class=\"scroll\"><table><caption class=\"vh\">Jobs, newest first</caption>"
           "<thead><tr><th scope=\"col\">Job</th><th scope=\"col\">What</th><th "
           "scope=\"col\">Started by</th><th scope=\"col\">Started</th><th "
           "scope=\"col\">State</th></tr></thead><tbody>");
    for (size_t k = 0; k < n; k++) {
        const web_job *j = &jobs[k];
        const char *state = j->state == WJ_RUNNING
                                ? arena_printf(dom_arena(r->d), "running, %s", percent_done(r, j))
                                : web_job_state_name(j->state);
        html_f(&r->out, "<tr><th scope=\"row\"><a href=\"/jobs/%D\">%D</a></th><td>%s</td><td>",
               (int64_t)j->id, (int64_t)j->id, job_what(r, &j->spec));
        html_ref(&r->out, r->d, &reg_person, j->person_key);
        html_f(&r->out, "</td><td>%r</td><td>%s", web_time_html(r->d, j->started_at), state);
        if (j->state == WJ_SAVED && j->spec.kind == WJ_STALE)
            html_f(&r->out, " (%d run again)", j->steps);
        else if (j->state == WJ_SAVED)
            html_f(&r->out, " as <a href=\"/analyses/%u\">%s</a>", j->analysis, j->analysis);
        html_f(&r->out, "</td></tr>");
    }
    html_f(&r->out,
           "</tbody></table></div><p class=\"muted\">The last %d jobs since the server "
           "started%s; the analyses they saved stay in the repository.</p>",
           WEB_JOBS_KEPT, running ? ", followed every few seconds" : "");
    page_end(r);
    return 0;
}

int page_job_start(web_req *r, isms_err *e)
{
    web_job_spec spec;
    int id;
    int rc = job_spec(r, web_form_get(r, "kind"), web_form_get(r, "subject"),
                      web_form_get(r, "iterations"), web_form_get(r, "seed"), &spec, e);
    if (!rc)
        rc = web_jobs_start(r->jobs, &r->who, &spec, &id, e);
    if (!rc)
        html_redirect(r, arena_printf(dom_arena(r->d), "/jobs/%d", id));
    return rc;
}

int page_job_cancel(web_req *r, isms_err *e)
{
    int id;
    int rc = job_id(r, &id, e);
    if (!rc)
        rc = web_jobs_cancel(r->jobs, id, &r->who, e);
    if (!rc)
        html_redirect(r, arena_printf(dom_arena(r->d), "/jobs/%d", id));
    return rc;
}

/* ---- the API ---- */

static json_t *or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *job_json(const web_job *j, int64_t now)
{
    double left = web_job_remaining(j, now);
    int as_ran = !takes_numbers(j->spec.kind); /* a rerun's numbers are its analysis's */
    return json_pack(
        "{s:I, s:s, s:o, s:o, s:o, s:s, s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)j->id, "kind", web_job_kind_name(j->spec.kind), "subject",
        or_null(j->spec.subject), "iterations",
        as_ran ? json_null() : json_integer((json_int_t)j->spec.iterations), "seed",
        as_ran ? json_null() : json_integer((json_int_t)j->spec.seed), "state",
        web_job_state_name(j->state), "done", (json_int_t)j->done, "total", (json_int_t)j->total,
        "remaining_seconds", left >= 0 ? json_real(left) : json_null(), "started_by", j->person_key,
        "started_at", j->started_at, "ended_at", or_null(j->ended_at), "analysis",
        or_null(j->analysis), "error", or_null(j->error), "url",
        json_sprintf("/api/v1/jobs/%d", j->id), "analyses_run_again",
        j->spec.kind == WJ_STALE ? json_integer(j->steps) : json_null());
}

int api_jobs(web_req *r, isms_err *e)
{
    (void)e;
    web_job jobs[WEB_JOBS_KEPT];
    size_t n = web_jobs_list(r->jobs, &r->who, jobs, WEB_JOBS_KEPT);
    int64_t now = web_now_us();
    json_t *items = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(items, job_json(&jobs[k], now));
    web_send_doc(r, json_pack("{s:o}", "items", items));
    return 0;
}

int api_job(web_req *r, isms_err *e)
{
    int id;
    web_job j;
    int rc = job_id(r, &id, e);
    if (!rc)
        rc = web_jobs_get(r->jobs, id, &r->who, &j, e);
    if (!rc)
        web_send_doc(r, job_json(&j, web_now_us()));
    return rc;
}

int api_job_start(web_req *r, isms_err *e)
{
    static const char *const names[] = { "kind", "subject", "iterations", "seed", NULL };
    const char *given[4];
    web_job_spec spec;
    int id;
    int rc = api_body_texts(r, names, 1u << 2 | 1u << 3, given, e); /* iterations, seed */
    if (!rc)
        rc = job_spec(r, given[0], given[1], given[2], given[3], &spec, e);
    if (!rc)
        rc = web_jobs_start(r->jobs, &r->who, &spec, &id, e);
    web_job j;
    if (!rc)
        rc = web_jobs_get(r->jobs, id, &r->who, &j, e);
    if (rc)
        return rc;
    web_send_doc(r, job_json(&j, web_now_us()));
    r->status = 202;
    web_header(r, "Location", "/api/v1/jobs/%d", id);
    return 0;
}

int api_job_cancel(web_req *r, isms_err *e)
{
    int id;
    web_job j;
    int rc = job_id(r, &id, e);
    if (!rc)
        rc = web_jobs_cancel(r->jobs, id, &r->who, e);
    if (!rc)
        rc = web_jobs_get(r->jobs, id, &r->who, &j, e);
    if (!rc)
        web_send_doc(r, job_json(&j, web_now_us()));
    return rc;
}
