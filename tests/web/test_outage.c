/* test_outage.c: the server outlives its database. When the PostgreSQL
 * server restarts or is down, requests are answered 503 in the one error
 * shape, and once it is back each worker opens a new connection and
 * answers again, without a restart of isms serve. (PostgreSQL only: this
 * test runs a server of its own; on SQLite there is nothing to restart.) */
#include "support/testutil.h"
#include "support/webfix.h"

#include <jansson.h>
#include <string.h>

static int setup(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        return 0;
    tu_pg_private_server();
    wf_start("outage.isms");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        wf_stop();
    return 0;
}

/* Asks until the answer is 200 (at most `tries` times); every other
 * answer must be 503 with the error shape. Returns the 503s seen. */
static int until_ok(int tries)
{
    int unavailable = 0;
    for (int k = 0; k < tries; k++) {
        tu_http r;
        wf_req(&r, WF_LEAD, "GET", "/api/v1/risks/RISK-1", NULL, NULL);
        int status = r.status;
        if (status != 200) {
            if (status != 503)
                fail_msg("expected 200 or 503, got %d: %s", status, r.body ? r.body : "");
            json_t *j = wf_json(&r);
            assert_string_equal(
                json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                "UNAVAILABLE");
            json_decref(j);
            unavailable++;
        }
        tu_http_free(&r);
        if (status == 200)
            return unavailable;
    }
    fail_msg("no answer but 503 in %d tries", tries);
    return unavailable;
}

/* Asks until six answers in a row are 200: every worker has met the
 * database again, whichever order the requests reach them in. Returns the
 * 503s seen on the way. */
static int settle(void)
{
    int unavailable = 0, in_a_row = 0;
    for (int k = 0; k < 60 && in_a_row < 6; k++) {
        int seen = until_ok(8);
        unavailable += seen;
        in_a_row = seen ? 1 : in_a_row + 1;
    }
    if (in_a_row < 6)
        fail_msg("the server did not settle: %d answers of 200 in a row", in_a_row);
    return unavailable;
}

static void a_database_restart_costs_a_request_at_most_per_worker(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    wf_token(WF_LEAD);
    assert_int_equal(until_ok(1), 0);
    tu_pg_server("restart");
    /* three workers, each loses one request and reconnects */
    assert_true(settle() <= 3);
}

static void while_the_database_is_down_it_answers_503(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    tu_pg_server("halt");
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", "/api/v1/risks/RISK-1", NULL, NULL);
    assert_int_equal(r.status, 503);
    tu_http_free(&r);
    tu_pg_server("resume");
    settle();
}

TU_MAIN(setup, teardown, cmocka_unit_test(a_database_restart_costs_a_request_at_most_per_worker),
        cmocka_unit_test(while_the_database_is_down_it_answers_503))
