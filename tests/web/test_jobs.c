/* test_jobs.c: analyses run in the background on the web (web/jobs.h),
 * through a real server on the demo bank: a job runs, shows its progress
 * and saves its analysis as its starter, with the reason in the ledger; a
 * rerun gives the figures of the analysis it runs again; a job is its
 * starter's and the isms-lead's, and only who may save analyses starts
 * one; a bad job is refused naming the field, before anything starts; a
 * job cancelled, or under way when the server stops, saves nothing; at
 * most two run at once; the pages offer the form to the lead only and
 * follow a job until it has saved its analysis. */
#include "support/testutil.h"
#include "support/webfix.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* POST /api/v1/jobs as `who`: the answer's JSON (the caller decrefs), the
 * status checked. */
static json_t *start(const char *who, const char *body, int status)
{
    tu_http r;
    wf_req(&r, who, "POST", "/api/v1/jobs", body, NULL);
    if (r.status != status)
        fail_msg("POST /api/v1/jobs %s: %d, expected %d: %.300s", body, r.status, status,
                 r.body ? r.body : "");
    json_t *j = wf_json(&r);
    tu_http_free(&r);
    return j;
}

static json_t *job(const char *who, int id, int status)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/jobs/%d", id);
    tu_http r;
    wf_req(&r, who, "GET", path, NULL, NULL);
    if (r.status != status)
        fail_msg("GET %s: %d, expected %d: %.300s", path, r.status, status, r.body ? r.body : "");
    json_t *j = wf_json(&r);
    tu_http_free(&r);
    return j;
}

static const char *str(json_t *j, const char *name)
{
    return json_string_value(json_object_get(j, name));
}

static int id_of(json_t *j) { return (int)json_integer_value(json_object_get(j, "id")); }

/* Job id once it has ended (two minutes at most: sanitizer builds are slow). */
static json_t *ended(int id)
{
    for (int k = 0; k < 2400; k++) {
        json_t *j = job(WF_LEAD, id, 200);
        if (strcmp(str(j, "state"), "running"))
            return j;
        json_decref(j);
        usleep(50000);
    }
    fail_msg("job %d still running after two minutes", id);
    return NULL;
}

static int64_t analyses(void) { return wf_total("/api/v1/analyses?limit=1"); }

static json_t *analysis(const char *key)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/analyses/%s", key);
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *j = wf_json(&r);
    tu_http_free(&r);
    return j;
}

static void cancel(int id, int status)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/jobs/%d/cancel", id);
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", path, NULL, NULL);
    if (r.status != status)
        fail_msg("POST %s: %d, expected %d: %.300s", path, r.status, status, r.body ? r.body : "");
    tu_http_free(&r);
}

/* A run long enough to be caught under way (seconds), short to cancel. */
#define LONG_RUN "{\"kind\":\"risk\",\"subject\":\"RISK-1\",\"iterations\":10000000}"

static void a_job_saves_its_analysis_as_its_starter(void **state)
{
    (void)state;
    int64_t before = analyses();
    json_t *j = start(
        WF_LEAD, "{\"kind\":\"risk\",\"subject\":\"RISK-1\",\"iterations\":20000,\"seed\":7}", 202);
    assert_string_equal(str(j, "kind"), "risk");
    assert_string_equal(str(j, "started_by"), "PER-3");
    int id = id_of(j);
    json_decref(j);
    j = ended(id);
    assert_string_equal(str(j, "state"), "saved");
    assert_int_equal(json_integer_value(json_object_get(j, "done")), 20000);
    assert_non_null(str(j, "ended_at"));
    char key[32];
    snprintf(key, sizeof key, "%s", str(j, "analysis"));
    json_decref(j);
    assert_int_equal(analyses(), before + 1);
    json_t *a = analysis(key);
    assert_string_equal(str(a, "subject"), "RISK-1");
    assert_int_equal(json_integer_value(json_object_get(a, "iterations")), 20000);
    assert_string_equal(str(a, "seed"), "7");
    json_decref(a);
    /* the ledger says who saved it, and why */
    char path[80];
    snprintf(path, sizeof path, "/api/v1/analyses/%s/history", key);
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, WF_LEAD);
    char why[80];
    snprintf(why, sizeof why, "run in the background from the web (job %d)", id);
    assert_contains(r.body, why);
    tu_http_free(&r);
}

/* Run again as it ran: the same iterations and seed on the same inputs
 * give the same figures. */
static void a_rerun_gives_the_figures_it_ran_with(void **state)
{
    (void)state;
    json_t *j =
        start(WF_LEAD, "{\"kind\":\"control-return\",\"iterations\":3000,\"seed\":11}", 202);
    json_t *first = ended(id_of(j));
    json_decref(j);
    assert_string_equal(str(first, "state"), "saved");
    char body[128];
    snprintf(body, sizeof body, "{\"kind\":\"rerun\",\"subject\":\"%s\"}", str(first, "analysis"));
    j = start(WF_LEAD, body, 202);
    assert_true(json_is_null(json_object_get(j, "iterations")));
    json_t *again = ended(id_of(j));
    json_decref(j);
    assert_string_equal(str(again, "state"), "saved");
    assert_string_not_equal(str(again, "analysis"), str(first, "analysis"));
    json_t *a = analysis(str(first, "analysis")), *b = analysis(str(again, "analysis"));
    assert_int_equal(json_integer_value(json_object_get(b, "iterations")), 3000);
    assert_string_equal(str(b, "seed"), "11");
    assert_string_equal(str(b, "kind"), "control-return");
    assert_string_equal(str(a, "results"), str(b, "results"));
    json_decref(a);
    json_decref(b);
    json_decref(first);
    json_decref(again);
}

static void a_job_is_its_starters_and_the_leads(void **state)
{
    (void)state;
    json_t *j = start(WF_LEAD, "{\"kind\":\"portfolio\",\"iterations\":2000}", 202);
    int id = id_of(j);
    json_decref(j);
    const char *others[] = { WF_BOARD, WF_OWNER, WF_AUDITOR, WF_READER };
    for (size_t k = 0; k < sizeof others / sizeof *others; k++) {
        json_decref(job(others[k], id, 403));
        json_decref(start(others[k], "{\"kind\":\"portfolio\"}", 403));
        tu_http r;
        wf_req(&r, others[k], "GET", "/api/v1/jobs", NULL, NULL);
        assert_int_equal(r.status, 200);
        json_t *list = wf_json(&r);
        assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
        json_decref(list);
        tu_http_free(&r);
    }
    json_decref(job(NULL, id, 401));
    json_decref(ended(id));
    json_decref(job(WF_LEAD, 9999, 404));
}

static void a_bad_job_is_refused_naming_the_field(void **state)
{
    (void)state;
    struct {
        const char *body;
        int status;
        const char *field, *says;
    } bad[] = {
        { "{\"kind\":\"everything\"}", 422, "kind", "'everything' is not a kind" },
        { "{\"kind\":\"risk\"}", 422, "subject", "names its risk" },
        { "{\"kind\":\"risk\",\"subject\":\"RISK-999\"}", 404, "subject", "no risk RISK-999" },
        { "{\"kind\":\"portfolio\",\"subject\":\"RISK-1\"}", 422, "subject", "takes none" },
        { "{\"kind\":\"risk\",\"subject\":\"RISK-1\",\"iterations\":999}", 400, "iterations",
          "999 is out of range" },
        { "{\"kind\":\"risk\",\"subject\":\"RISK-1\",\"iterations\":1.5}", 422, "iterations",
          "1.5 is not a string or an integer" },
        { "{\"kind\":\"portfolio\",\"seed\":-1}", 400, "seed", "-1 is out of range" },
        { "{\"kind\":\"rerun\",\"subject\":\"QNT-1\",\"iterations\":5000}", 422, "iterations",
          "as the analysis ran" },
        { "{\"kind\":\"rerun\",\"subject\":\"RISK-1\"}", 404, "subject", "no analysis RISK-1" },
        { "{\"kind\":\"portfolio\",\"colour\":\"red\"}", 400, "colour",
          "unknown member (give kind, subject, iterations and seed)" },
        { "[1]", 400, "body", "" },
    };
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", "/api/v1/jobs", NULL, NULL);
    char *before = strdup(r.body);
    tu_http_free(&r);
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        wf_req(&r, WF_LEAD, "POST", "/api/v1/jobs", bad[k].body, NULL);
        if (r.status != bad[k].status || strcmp(wf_error_field(&r), bad[k].field))
            fail_msg("%s: %d field %s, expected %d %s: %s", bad[k].body, r.status,
                     wf_error_field(&r), bad[k].status, bad[k].field, r.body);
        assert_contains(r.body, bad[k].says);
        tu_http_free(&r);
    }
    wf_req(&r, WF_LEAD, "GET", "/api/v1/jobs", NULL, NULL);
    assert_string_equal(r.body, before); /* none started */
    tu_http_free(&r);
    free(before);
}

static void a_cancelled_job_saves_nothing(void **state)
{
    (void)state;
    int64_t before = analyses();
    json_t *j = start(WF_LEAD, LONG_RUN, 202);
    int id = id_of(j);
    json_decref(j);
    cancel(id, 200);
    j = ended(id);
    assert_string_equal(str(j, "state"), "cancelled");
    assert_contains(str(j, "error"), "cancelled by " WF_LEAD ": nothing was saved");
    assert_true(json_is_null(json_object_get(j, "analysis")));
    json_decref(j);
    cancel(id, 409); /* it has ended */
    assert_int_equal(analyses(), before);
}

static void at_most_two_run_at_once(void **state)
{
    (void)state;
    json_t *a = start(WF_LEAD, LONG_RUN, 202), *b = start(WF_LEAD, LONG_RUN, 202);
    json_t *third = start(WF_LEAD, "{\"kind\":\"portfolio\"}", 409);
    char ids[64];
    snprintf(ids, sizeof ids, "(jobs %d, %d)", id_of(a), id_of(b));
    assert_contains(json_string_value(json_object_get(json_object_get(third, "error"), "message")),
                    ids);
    cancel(id_of(a), 200);
    cancel(id_of(b), 200);
    json_decref(ended(id_of(a)));
    json_decref(ended(id_of(b)));
    json_decref(start(WF_LEAD, "{\"kind\":\"portfolio\",\"iterations\":1000}", 202));
    json_decref(a);
    json_decref(b);
    json_decref(third);
}

static void the_pages_start_a_job_and_follow_it(void **state)
{
    (void)state;
    char *html = wf_page(WF_LEAD, "/risks/RISK-1/quantify?iterations=2000", 200);
    assert_contains(html, "action=\"/jobs\"");
    assert_contains(html, "name=\"kind\" value=\"risk\"");
    assert_contains(html, "name=\"subject\" value=\"RISK-1\"");
    free(html);
    html = wf_page(WF_BOARD, "/risks/RISK-1/quantify?iterations=2000", 200);
    assert_not_contains(html, "action=\"/jobs\""); /* the board reads; the lead saves */
    free(html);
    tu_http r;
    wf_form(&r, WF_LEAD, "/jobs", "kind=risk&subject=RISK-1&iterations=10000000&seed=2");
    assert_int_equal(r.status, 303);
    char *where = tu_http_header(&r, "Location");
    assert_non_null(where);
    assert_int_equal(strncmp(where, "/jobs/", 6), 0);
    int id = atoi(where + 6);
    tu_http_free(&r);
    /* under way: the page follows it, and offers to cancel it */
    wf_req(&r, WF_LEAD, "GET", where, NULL, NULL);
    assert_int_equal(r.status, 200);
    char *refresh = tu_http_header(&r, "Refresh");
    assert_non_null(refresh);
    assert_string_equal(refresh, "2");
    free(refresh);
    assert_contains(r.body, "Running:");
    assert_contains(r.body, "<progress");
    assert_contains(r.body, "/cancel\"");
    tu_http_free(&r);
    html = wf_page(WF_LEAD, "/", 200);
    assert_contains(html, "Running in the background:");
    free(html);
    char path[64];
    snprintf(path, sizeof path, "%s/cancel", where);
    wf_form(&r, WF_LEAD, path, "");
    assert_int_equal(r.status, 303);
    tu_http_free(&r);
    json_decref(ended(id));
    html = wf_page(WF_LEAD, where, 200);
    assert_contains(html, "Cancelled: cancelled by " WF_LEAD);
    free(html);
    free(where);
    /* a short one ends saved, linked to its analysis; the list shows both */
    wf_form(&r, WF_LEAD, "/jobs", "kind=control-return&iterations=2000&seed=5");
    assert_int_equal(r.status, 303);
    where = tu_http_header(&r, "Location");
    tu_http_free(&r);
    json_t *j = ended(atoi(where + 6));
    html = wf_page(WF_LEAD, where, 200);
    char saved[96];
    snprintf(saved, sizeof saved, "Saved as <a href=\"/analyses/%s\">", str(j, "analysis"));
    assert_contains(html, saved);
    free(html);
    html = wf_page(WF_LEAD, "/jobs", 200);
    assert_contains(html, "the return on controls");
    assert_contains(html, "cancelled");
    free(html);
    json_decref(j);
    free(where);
    /* nobody else's */
    snprintf(path, sizeof path, "/jobs/%d", id);
    free(wf_page(WF_OWNER, path, 403));
    wf_form(&r, WF_OWNER, "/jobs", "kind=portfolio");
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
}

/* A stale analysis's page offers to run it again (the lead), a current
 * one does not. */
static void a_stale_analysis_offers_to_run_again(void **state)
{
    (void)state;
    json_t *j =
        start(WF_LEAD, "{\"kind\":\"risk\",\"subject\":\"RISK-2\",\"iterations\":2000}", 202);
    json_t *done = ended(id_of(j));
    json_decref(j);
    char path[64];
    snprintf(path, sizeof path, "/analyses/%s", str(done, "analysis"));
    char *html = wf_page(WF_LEAD, path, 200);
    assert_not_contains(html, "value=\"rerun\"");
    free(html);
    tu_http r;
    wf_req(&r, WF_LEAD, "PATCH", "/api/v1/risks/RISK-2", "{\"tef\":\"pert(2,7,15)\"}", NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    html = wf_page(WF_LEAD, path, 200);
    assert_contains(html, "name=\"kind\" value=\"rerun\"");
    char subject[64];
    snprintf(subject, sizeof subject, "name=\"subject\" value=\"%s\"", str(done, "analysis"));
    assert_contains(html, subject);
    free(html);
    html = wf_page(WF_AUDITOR, path, 200);
    assert_not_contains(html, "value=\"rerun\"");
    free(html);
    json_decref(done);
}

/* A server of its own on the fixture's repository (option and value:
 * one more, or NULL), as a process: its pid, *port, and in `auth` the
 * lead's Authorization header line. */
static pid_t serve_alone(const char *log, const char *option, const char *value, int *port,
                         char auth[200])
{
    snprintf(auth, 200, "Authorization: Bearer %s\r\n", wf_token(WF_LEAD));
    return wf_spawn_with(wf_repo(), tu_path(log), port, option, value);
}

/* Every stale analysis run again, from the dashboard's needs-attention
 * item: each as it ran, saved; then none is stale, and a second run
 * says so. */
static void the_stale_analyses_run_again(void **state)
{
    (void)state;
    json_t *j =
        start(WF_LEAD, "{\"kind\":\"risk\",\"subject\":\"RISK-1\",\"iterations\":2000}", 202);
    json_decref(ended(id_of(j)));
    json_decref(j);
    tu_http r;
    wf_req(&r, WF_LEAD, "PATCH", "/api/v1/risks/RISK-1", "{\"lef\":\"pert(0.1,0.4,1.5)\"}", NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    char *html = wf_page(WF_LEAD, "/", 200);
    assert_contains(html, "name=\"kind\" value=\"stale\"");
    free(html);
    json_decref(start(WF_LEAD, "{\"kind\":\"stale\",\"seed\":3}", 422));
    int64_t before = analyses();
    j = start(WF_LEAD, "{\"kind\":\"stale\"}", 202);
    json_t *done = ended(id_of(j));
    json_decref(j);
    assert_string_equal(str(done, "state"), "saved");
    json_int_t n = json_integer_value(json_object_get(done, "analyses_run_again"));
    assert_true(n >= 1);
    assert_int_equal(analyses(), before + n);
    json_decref(done);
    html = wf_page(WF_LEAD, "/", 200);
    assert_not_contains(html, "value=\"stale\"");
    free(html);
    j = start(WF_LEAD, "{\"kind\":\"stale\"}", 202);
    done = ended(id_of(j));
    assert_int_equal(json_integer_value(json_object_get(done, "analyses_run_again")), 0);
    char path[32];
    snprintf(path, sizeof path, "/jobs/%d", id_of(j));
    html = wf_page(WF_LEAD, path, 200);
    assert_contains(html, "No stale analysis to run again");
    free(html);
    json_decref(j);
    json_decref(done);
}

/* A what-if longer than the server's limit is refused on a page that
 * offers the same run in the background. */
static void a_refused_what_if_offers_the_background(void **state)
{
    (void)state;
    int p;
    char auth[200];
    pid_t pid = serve_alone("jobs-limited.log", "--what-if-limit", "10ms", &p, auth);
    tu_http r;
    tu_http_send(&r, p, "GET", "/controls/roi?iterations=200000", auth, NULL, 0);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "iterations: 200000 would take about");
    assert_contains(r.body, "name=\"kind\" value=\"control-return\"");
    assert_contains(r.body, "value=\"200000\"");
    tu_http_free(&r);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* A job under way when the server stops is cancelled: the server ends at
 * once, nothing is saved, and its log says so. */
static void stopping_the_server_cancels_its_jobs(void **state)
{
    (void)state;
    int p;
    char auth[200];
    int64_t before = analyses();
    pid_t pid = serve_alone("jobs-stop.log", NULL, NULL, &p, auth);
    tu_http r;
    const char *body = "{\"kind\":\"risk\",\"subject\":\"RISK-1\",\"iterations\":10000000}";
    tu_http_send(&r, p, "POST", "/api/v1/jobs", auth, body, strlen(body));
    assert_int_equal(r.status, 202);
    tu_http_free(&r);
    usleep(100000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kill(pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(t1.tv_sec - t0.tv_sec < 20);
    assert_int_equal(analyses(), before);
    /* the server's log says so, a line for the job */
    char *log = tu_read_file(tu_path("jobs-stop.log"), NULL);
    assert_contains(log, "(risk RISK-1, 10000000 iterations, seed 1) by PER-3: cancelled after");
    assert_contains(log, "cancelled by the server stopping: nothing was saved");
    free(log);
}

TU_MAIN(wf_setup, wf_teardown, cmocka_unit_test(a_job_saves_its_analysis_as_its_starter),
        cmocka_unit_test(a_rerun_gives_the_figures_it_ran_with),
        cmocka_unit_test(a_job_is_its_starters_and_the_leads),
        cmocka_unit_test(a_bad_job_is_refused_naming_the_field),
        cmocka_unit_test(a_cancelled_job_saves_nothing), cmocka_unit_test(at_most_two_run_at_once),
        cmocka_unit_test(the_pages_start_a_job_and_follow_it),
        cmocka_unit_test(a_stale_analysis_offers_to_run_again),
        cmocka_unit_test(the_stale_analyses_run_again),
        cmocka_unit_test(a_refused_what_if_offers_the_background),
        cmocka_unit_test(stopping_the_server_cancels_its_jobs))
