/* test_pages_kept.c: a list's pages are kept while the repository stays
 * as it is (dom_cached_text), with an ETag naming that state: the same
 * request again is the same bytes, If-None-Match gets 304, and a change
 * made by another process (the CLI) is seen at once, the old ETag no
 * longer matching. */
#include "support/testutil.h"
#include "support/webfix.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    (void)state;
    wf_start("kept.isms");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wf_stop();
    return 0;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_kept_page_is_revalidated_against_the_ledger_head),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
