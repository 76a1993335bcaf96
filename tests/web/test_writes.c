/* test_writes.c: the API under many clients at once.
 *
 * Writes go through the server's group commit (domain/engine/batch.h):
 * many clients creating at once, some with a request that must fail;
 * every acknowledged record is there, every refused one is not, the
 * refusals name their field, and the ledger verifies as one chain.
 *
 * A list's pages are kept while the repository stays as it is
 * (dom_cached_text), with an ETag naming that state: the same request
 * again is the same bytes, If-None-Match gets 304, and a change made by
 * another process (the CLI) is seen at once.
 *
 * The store searches, sorts and pages (store_ids): strcmp's order on
 * every backend (bytes, not a locale's collation), nulls last either way,
 * ties by key, q finds words that start words of the records, in either
 * case, punctuation only parting words. */
#include "support/testutil.h"
#include "support/webfix.h"
#include "domain/views/query.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLIENTS = 16, PER_CLIENT = 6, BAD_AT = 2 };

/* The demo, and three risks for the order tests. */
static int setup(void **state)
{
    (void)state;
    wf_start("writes.isms");
    wf_token(WF_LEAD); /* made here, before the clients share it */
    wf_token(WF_READER);
    static const char *const risks[] = {
        "{\"title\":\"Order b\",\"description\":\"second\"",
        "{\"title\":\"Order B\"",
        "{\"title\":\"Order _x%\",\"description\":\"first\"",
    };
    for (int k = 0; k < 3; k++) {
        char body[300];
        snprintf(body, sizeof body,
                 "%s,\"owner\":\"PER-4\",\"objectives\":[\"OBJ-1\"],\"likelihood\":1,\"impact\":1}",
                 risks[k]);
        tu_http r;
        wf_req(&r, WF_LEAD, "POST", "/api/v1/risks", body, NULL);
        assert_int_equal(r.status, 201);
        tu_http_free(&r);
    }
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
    free(tu_isms_ok(wf_repo(), "verify")); /* exits 0 only when the ledger verifies */
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

static json_int_t total_of(const tu_http *r)
{
    json_t *j = wf_json(r);
    json_int_t n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

static void get(tu_http *r, const char *path, const char *etag)
{
    char h[200] = "";
    if (etag)
        snprintf(h, sizeof h, "If-None-Match: %s\r\n", etag);
    wf_req(r, WF_READER, "GET", path, NULL, etag ? h : NULL);
}

static void a_kept_page_is_revalidated_against_the_ledger_head(void **state)
{
    (void)state;
    tu_http r, again;
    get(&r, "/api/v1/risks?limit=3", NULL);
    assert_int_equal(r.status, 200);
    char *etag = tu_http_header(&r, "ETag");
    assert_non_null(etag);
    char *cc = tu_http_header(&r, "Cache-Control");
    assert_string_equal(cc, "private, no-cache");
    free(cc);
    json_int_t total = total_of(&r);
    /* the same bytes again (from any worker), and 304 for who has them */
    for (int k = 0; k < 4; k++) {
        get(&again, "/api/v1/risks?limit=3", NULL);
        assert_int_equal(again.status, 200);
        assert_string_equal(again.body, r.body);
        tu_http_free(&again);
    }
    get(&again, "/api/v1/risks?limit=3", etag);
    assert_int_equal(again.status, 304);
    assert_int_equal(again.body_len, 0);
    tu_http_free(&again);
    /* another query is another page */
    get(&again, "/api/v1/risks?limit=2", etag);
    assert_int_equal(again.status, 200);
    assert_string_not_equal(again.body, r.body);
    tu_http_free(&again);
    /* the last page, kept before a change */
    char last[96];
    snprintf(last, sizeof last, "/api/v1/risks?limit=3&cursor=%lld", (long long)total - 1);
    get(&again, last, NULL);
    assert_contains(again.body, "\"next_cursor\":null");
    tu_http_free(&again);
    /* a change by another process */
    free(tu_isms_ok(wf_repo(), "risk", "add", "--title", "Added behind the server's back",
                    "--owner", "PER-4", "--objective", "OBJ-1", "--likelihood", "1", "--impact",
                    "1"));
    get(&again, "/api/v1/risks?limit=3", etag);
    assert_int_equal(again.status, 200);
    assert_int_equal(total_of(&again), total + 1);
    char *etag2 = tu_http_header(&again, "ETag");
    assert_string_not_equal(etag2, etag);
    tu_http_free(&again);
    get(&again, last, NULL); /* not the page kept before */
    assert_contains(again.body, "Added behind the server's back");
    tu_http_free(&again);
    free(etag2);
    free(etag);
    tu_http_free(&r);
}

/* The last page's next_cursor ("" when none), and its last record's
 * number (RISK-12: 12, its id in these repositories). */
static char next_cursor[64];
static long long last_id;

/* The titles of the page, joined by '|', and the total. */
static void titles(const char *path, char *out, size_t n, json_int_t *total)
{
    tu_http r;
    wf_req(&r, WF_READER, "GET", path, NULL, NULL);
    if (r.status != 200)
        fail_msg("%s: %d %s", path, r.status, r.body);
    json_t *j = wf_json(&r);
    out[0] = 0;
    size_t k;
    json_t *item;
    json_array_foreach(json_object_get(j, "items"), k, item)
    {
        snprintf(out + strlen(out), n - strlen(out), "%s%s", k ? "|" : "",
                 json_string_value(json_object_get(item, "title")));
    }
    *total = json_integer_value(json_object_get(j, "total"));
    const char *next = json_string_value(json_object_get(j, "next_cursor"));
    snprintf(next_cursor, sizeof next_cursor, "%s", next ? next : "");
    json_t *last = json_array_get(json_object_get(j, "items"),
                                  json_array_size(json_object_get(j, "items")) - 1);
    const char *key = json_string_value(json_object_get(last, "key"));
    last_id = key ? atoll(strchr(key, '-') + 1) : 0;
    json_decref(j);
    tu_http_free(&r);
}

static void expect(const char *path, const char *want, json_int_t want_total)
{
    char got[1000];
    json_int_t total;
    titles(path, got, sizeof got, &total);
    if (strcmp(got, want) || total != want_total)
        fail_msg("%s: got %s (%lld), want %s (%lld)", path, got, (long long)total, want,
                 (long long)want_total);
}

/* path is a 400 whose message names `field`. */
static void refused(const char *path, const char *field)
{
    tu_http r;
    wf_req(&r, WF_READER, "GET", path, NULL, NULL);
    if (r.status != 400 || !strstr(r.body, field))
        fail_msg("%s: %d %s, want 400 naming %s", path, r.status, r.body, field);
    tu_http_free(&r);
}

static void the_store_searches_sorts_and_pages(void **state)
{
    (void)state;
    /* bytes: 'B' (0x42) < '_' (0x5f) < 'b' (0x62); a locale would put b by B */
    expect("/api/v1/risks?q=order%20&sort=title", "Order B|Order _x%|Order b", 3);
    expect("/api/v1/risks?q=order%20&sort=-title", "Order b|Order _x%|Order B", 3);
    /* nulls last, ascending and descending */
    expect("/api/v1/risks?q=order%20&sort=description", "Order _x%|Order b|Order B", 3);
    expect("/api/v1/risks?q=order%20&sort=-description", "Order b|Order _x%|Order B", 3);
    /* a page of the sorted list, and the next */
    expect("/api/v1/risks?q=order%20&sort=title&limit=1&cursor=1", "Order _x%", 3);
    expect("/api/v1/risks?q=order%20&sort=title&limit=2&cursor=2", "Order b", 3);
    /* the furthest place a cursor may name, a word that only starts others:
     * none (the rows the store tries first, twice the place, were 2^64
     * and more at 2^63 - 1, which is refused) */
    expect("/api/v1/risks?q=ord&cursor=9007199254740992", "", 3);
    expect("/api/v1/risks?q=ord&sort=title&cursor=9007199254740992", "", 3);
    refused("/api/v1/risks?q=ord&cursor=9007199254740993", "cursor");
    refused("/api/v1/risks?cursor=9223372036854775807a1", "cursor");
    /* either case; words start words, punctuation parts them */
    expect("/api/v1/risks?q=ORDER%20B", "Order b|Order B", 2);
    expect("/api/v1/risks?q=der", "", 0);
    expect("/api/v1/risks?q=_x%25", "Order _x%", 1);
    expect("/api/v1/risks?q=ord_b", "Order b|Order B", 2);
    /* the cursors the list gives, page after page; and a page before */
    expect("/api/v1/risks?q=order&sort=-title&limit=1", "Order b", 3);
    long long b = last_id;
    const char *const pages[] = { "Order _x%", "Order B" };
    for (int k = 0; k < 2; k++) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/risks?q=order&sort=-title&limit=1&cursor=%s",
                 next_cursor);
        expect(path, pages[k], 3);
    }
    assert_string_equal(next_cursor, "");
    char before[160];
    snprintf(before, sizeof before, "/api/v1/risks?q=order&sort=title&limit=2&cursor=0b%lld", b);
    expect(before, "Order B|Order _x%", 3);
    char far[160]; /* the furthest place: the next cursor's place one more */
    snprintf(far, sizeof far, "/api/v1/risks?q=order&sort=-title&limit=1&cursor=%llda%lld",
             (long long)DOM_PLACE_MAX, b);
    expect(far, "Order _x%", 3);
    /* filters and q together; by key (the store's order) descending */
    expect("/api/v1/risks?q=order&owner=PER-4&sort=-key", "Order _x%|Order B|Order b", 3);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(concurrent_creates_keep_every_acknowledged_record),
    cmocka_unit_test(updates_and_retires_go_through_the_writer),
    cmocka_unit_test(a_kept_page_is_revalidated_against_the_ledger_head),
    cmocka_unit_test(the_store_searches_sorts_and_pages),
};

int main(void) { return cmocka_run_group_tests(tests, setup, wf_teardown); }
