/* test_writes.c: the API's writes under concurrency, through the server's
 * group commit (domain/engine/batch.h): many clients creating at once,
 * some of them with a request that must fail. Every acknowledged record
 * is there, every refused one is not, the refusals name their field, and
 * the ledger verifies as one chain. */
#include "support/testutil.h"
#include "support/webfix.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLIENTS = 16, PER_CLIENT = 6, BAD_AT = 2 };

static int setup(void **state)
{
    (void)state;
    wf_start("writes.isms");
    wf_token(WF_LEAD); /* made here, before the clients share it */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wf_stop();
    return 0;
}

typedef struct client {
    int id;
    int created, refused;
    char keys[PER_CLIENT][32];
    char problem[300];
} client;

/* Client c's k-th request: a risk, whose owner does not exist when k is
 * BAD_AT (found only inside the write's transaction: its savepoint rolls
 * back, its batch commits). */
static void *creates(void *arg)
{
    client *c = arg;
    for (int k = 0; k < PER_CLIENT; k++) {
        char body[300];
        snprintf(body, sizeof body,
                 "{\"title\":\"Client %d, %d\",\"owner\":\"%s\",\"objectives\":[\"OBJ-1\"],"
                 "\"likelihood\":2,\"impact\":3}",
                 c->id, k, k == BAD_AT ? "PER-999" : "PER-4");
        tu_http r;
        wf_req(&r, WF_LEAD, "POST", "/api/v1/risks", body, NULL);
        if (r.status == 201) {
            char *loc = tu_http_header(&r, "Location");
            snprintf(c->keys[c->created++], 32, "%s", loc ? strrchr(loc, '/') + 1 : "?");
            free(loc);
        } else if (r.status == 422 || r.status == 400) {
            c->refused++;
            if (k != BAD_AT || !strstr(r.body, "\"owner\""))
                snprintf(c->problem, sizeof c->problem, "%d: %s", k, r.body);
        } else {
            snprintf(c->problem, sizeof c->problem, "%d: status %d %s", k, r.status,
                     r.body ? r.body : "");
        }
        tu_http_free(&r);
    }
    return NULL;
}

static long count(const char *query)
{
    char *n = tu_sql_value(wf_repo(), query);
    long v = atol(n);
    free(n);
    return v;
}

static void concurrent_creates_keep_every_acknowledged_record(void **state)
{
    (void)state;
    long entries = count("SELECT COUNT(*) FROM ledger");
    client cs[CLIENTS];
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        cs[i] = (client){ .id = i };
        pthread_create(&th[i], NULL, creates, &cs[i]);
    }
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < CLIENTS; i++) {
        if (cs[i].problem[0])
            fail_msg("client %d: %s", i, cs[i].problem);
        assert_int_equal(cs[i].created, PER_CLIENT - 1);
        assert_int_equal(cs[i].refused, 1);
    }
    /* exactly the acknowledged ones, each readable by its key */
    assert_int_equal(count("SELECT COUNT(*) FROM risk WHERE title LIKE 'Client %'"),
                     CLIENTS * (PER_CLIENT - 1));
    assert_int_equal(count("SELECT COUNT(*) FROM ledger") - entries, CLIENTS * (PER_CLIENT - 1));
    for (int i = 0; i < CLIENTS; i++)
        for (int k = 0; k < cs[i].created; k++) {
            char path[96];
            snprintf(path, sizeof path, "/api/v1/risks/%s", cs[i].keys[k]);
            tu_http r;
            wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
            assert_int_equal(r.status, 200);
            assert_contains(r.body, "\"Client ");
            tu_http_free(&r);
        }
    char *out = tu_isms_ok(wf_repo(), "verify");
    assert_contains(out, "ok:");
    free(out);
}

/* An update and a retire through the writer, with optimistic concurrency:
 * a stale If-Match is 412 and changes nothing. */
static void updates_and_retires_go_through_the_writer(void **state)
{
    (void)state;
    const char *body = "{\"title\":\"To change\",\"owner\":\"PER-4\",\"objectives\":[\"OBJ-1\"],"
                       "\"likelihood\":1,\"impact\":1}";
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/risks", body, NULL);
    assert_int_equal(r.status, 201);
    char *loc = tu_http_header(&r, "Location");
    tu_http_free(&r);
    char path[128];
    snprintf(path, sizeof path, "%s", loc);
    free(loc);
    wf_req(&r, WF_LEAD, "PATCH", path, "{\"impact\":4}", "If-Match: \"1\"\r\n");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\"changed\":[\"impact\"]");
    tu_http_free(&r);
    wf_req(&r, WF_LEAD, "PATCH", path, "{\"impact\":2}", "If-Match: \"1\"\r\n");
    assert_int_equal(r.status, 412);
    tu_http_free(&r);
    char retire[160];
    snprintf(retire, sizeof retire, "%s/retire", path);
    wf_req(&r, WF_LEAD, "POST", retire, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "\"retired_at\":\"");
    tu_http_free(&r);
    wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
    assert_contains(r.body, "\"impact\":4");
    tu_http_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_creates_keep_every_acknowledged_record),
        cmocka_unit_test(updates_and_retires_go_through_the_writer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
