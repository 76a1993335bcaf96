/* test_list_order.c: a list's search, sort and pages, done by the store
 * (store_ids): the order is strcmp's on every backend (bytes, not a
 * locale's collation), nulls come last either way, ties go by key, q
 * finds ASCII letters in either case and takes LIKE's own characters
 * literally, and a cursor pages through the sorted list. */
#include "support/testutil.h"
#include "support/webfix.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    (void)state;
    wf_start("order.isms");
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

static int teardown(void **state)
{
    (void)state;
    wf_stop();
    return 0;
}

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
    /* either case; LIKE's _ and % are themselves */
    expect("/api/v1/risks?q=ORDER%20B", "Order b|Order B", 2);
    expect("/api/v1/risks?q=der%20_", "Order _x%", 1);
    expect("/api/v1/risks?q=_x%25", "Order _x%", 1);
    expect("/api/v1/risks?q=r_b", "", 0);
    /* filters and q together; by key (the store's order) descending */
    expect("/api/v1/risks?q=order&owner=PER-4&sort=-key", "Order _x%|Order B|Order b", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_store_searches_sorts_and_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
