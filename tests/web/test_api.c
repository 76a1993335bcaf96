/* test_api.c: the JSON API on a real server (loopback, ephemeral port)
 * over the demo repository: records listed, shown, made, changed with
 * optimistic concurrency, retired, their history; bad requests refused
 * naming the field with nothing written and the server answering the next
 * request; the OpenAPI document against the routes the server answers;
 * concurrent writers serialised. */
#include "support/testutil.h"
#include "support/webfix.h"
#include "web/web_internal.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static json_t *get_ok(const char *who, const char *path)
{
    tu_http r;
    wf_req(&r, who, "GET", path, NULL, NULL);
    if (r.status != 200)
        fail_msg("GET %s: %d %s", path, r.status, r.body ? r.body : "");
    json_t *j = wf_json(&r);
    tu_http_free(&r);
    return j;
}

static json_int_t total_of(const char *path)
{
    json_t *j = get_ok(WF_LEAD, path);
    json_int_t n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return n;
}

static void expect(tu_http *r, int status, const char *field)
{
    if (r->status != status)
        fail_msg("expected %d, got %d: %s", status, r->status, r->body ? r->body : "");
    if (field)
        assert_string_equal(wf_error_field(r), field);
}

static void lists_filter_search_sort_and_page(void **state)
{
    (void)state;
    json_t *all = get_ok(WF_LEAD, "/api/v1/risks");
    json_int_t total = json_integer_value(json_object_get(all, "total"));
    assert_true(total >= 8);
    assert_int_equal(json_array_size(json_object_get(all, "items")), total);
    json_decref(all);

    json_t *page = get_ok(WF_LEAD, "/api/v1/risks?limit=2");
    assert_int_equal(json_array_size(json_object_get(page, "items")), 2);
    /* the next page: after the last record of this one */
    const char *next = json_string_value(json_object_get(page, "next_cursor"));
    assert_string_equal(next, "2a2");
    assert_int_equal(json_integer_value(json_object_get(page, "total")), total);
    json_decref(page);
    const char *const cursors[] = { "2a2", "2" }; /* a count to pass works too */
    for (int c = 0; c < 2; c++) {
        char path[80];
        snprintf(path, sizeof path, "/api/v1/risks?limit=2&cursor=%s", cursors[c]);
        page = get_ok(WF_LEAD, path);
        json_t *first = json_array_get(json_object_get(page, "items"), 0);
        assert_string_equal(json_string_value(json_object_get(first, "key")), "RISK-3");
        assert_string_equal(json_string_value(json_object_get(page, "next_cursor")), "4a4");
        json_decref(page);
    }

    json_t *mine = get_ok(WF_LEAD, "/api/v1/risks?owner=" WF_OWNER);
    size_t k;
    json_t *it;
    assert_true(json_array_size(json_object_get(mine, "items")) > 0);
    json_array_foreach(json_object_get(mine, "items"), k, it)
        assert_string_equal(json_string_value(json_object_get(it, "owner")), "PER-4");
    json_decref(mine);

    json_t *found = get_ok(WF_LEAD, "/api/v1/risks?q=RANSOMWARE");
    assert_int_equal(json_integer_value(json_object_get(found, "total")), 1);
    json_decref(found);

    json_t *sorted = get_ok(WF_LEAD, "/api/v1/risks?sort=-likelihood");
    json_t *items = json_object_get(sorted, "items");
    json_int_t prev = 99;
    json_array_foreach(items, k, it)
    {
        json_int_t l = json_integer_value(json_object_get(it, "likelihood"));
        assert_true(l <= prev);
        prev = l;
    }
    json_decref(sorted);
}

static char *header_of(tu_http *r, const char *name)
{
    char *v = tu_http_header(r, name);
    if (!v)
        fail_msg("no %s header", name);
    return v;
}

static void records_are_made_changed_retired_and_have_a_history(void **state)
{
    (void)state;
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/risks",
           "{\"title\":\"Phishing of treasury staff\",\"owner\":\"" WF_OWNER
           "\",\"objectives\":[\"OBJ-1\"],\"likelihood\":2,\"impact\":3,\"treatment\":"
           "\"mitigate\"}",
           NULL);
    expect(&r, 201, NULL);
    json_t *made = wf_json(&r);
    const char *key = json_string_value(json_object_get(made, "key"));
    char path[128], hist[160];
    snprintf(path, sizeof path, "/api/v1/risks/%s", key);
    snprintf(hist, sizeof hist, "%s/history", path);
    char *etag = header_of(&r, "ETag"), *loc = header_of(&r, "Location");
    assert_string_equal(etag, "\"1\"");
    assert_string_equal(loc, path);
    free(etag);
    free(loc);
    tu_http_free(&r);

    /* shown, with its derived values */
    json_t *shown = get_ok(WF_OWNER, path);
    assert_string_equal(json_string_value(json_object_get(shown, "title")),
                        "Phishing of treasury staff");
    assert_non_null(json_object_get(json_object_get(shown, "derived"), "score"));
    json_decref(shown);

    /* changed at the version read */
    wf_req(&r, WF_LEAD, "PATCH", path, "{\"title\":\"Phishing of treasury and payments staff\"}",
           "If-Match: \"1\"\r\n");
    expect(&r, 200, NULL);
    etag = header_of(&r, "ETag");
    assert_string_equal(etag, "\"2\"");
    free(etag);
    json_t *changed = wf_json(&r);
    assert_string_equal(json_string_value(json_array_get(json_object_get(changed, "changed"), 0)),
                        "title");
    json_decref(changed);
    tu_http_free(&r);

    /* a stale version: 412, nothing changed */
    wf_req(&r, WF_LEAD, "PATCH", path, "{\"title\":\"Lost update\"}", "If-Match: \"1\"\r\n");
    expect(&r, 412, "version");
    tu_http_free(&r);
    shown = get_ok(WF_LEAD, path);
    assert_string_equal(json_string_value(json_object_get(shown, "title")),
                        "Phishing of treasury and payments staff");
    assert_int_equal(json_integer_value(json_object_get(shown, "version")), 2);
    json_decref(shown);

    /* retired: it stays, and changes no more */
    char retire[160];
    snprintf(retire, sizeof retire, "%s/retire", path);
    wf_req(&r, WF_LEAD, "POST", retire, NULL, "X-Isms-Note: duplicate of RISK-2\r\n");
    expect(&r, 200, NULL);
    tu_http_free(&r);
    wf_req(&r, WF_LEAD, "PATCH", path, "{\"title\":\"After\"}", NULL);
    expect(&r, 409, NULL);
    tu_http_free(&r);
    /* listed among the retired alone (by id, by title, searched), no more
     * among the active */
    static const char *const lists[] = { "/api/v1/risks?retired=only",
                                         "/api/v1/risks?retired=only&sort=-title",
                                         "/api/v1/risks?retired=only&q=treasury&sort=title",
                                         "/api/v1/risks?q=treasury" };
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++) {
        json_t *l = get_ok(WF_AUDITOR, lists[k]), *items = json_object_get(l, "items");
        int found = 0, active = strstr(lists[k], "retired=") == NULL;
        for (size_t j = 0; j < json_array_size(items); j++) {
            json_t *it = json_array_get(items, j);
            found += !strcmp(json_string_value(json_object_get(it, "key")), key);
            if (json_is_null(json_object_get(it, "retired_at")) != active)
                fail_msg("%s: %s is %s", lists[k], tu_json_at(items, j, "key"),
                         active ? "retired" : "active");
        }
        if (found != !active ||
            json_integer_value(json_object_get(l, "total")) != (json_int_t)json_array_size(items))
            fail_msg("%s: %s found %d times; total %lld, %zu items", lists[k], key, found,
                     (long long)json_integer_value(json_object_get(l, "total")),
                     json_array_size(items));
        json_decref(l);
    }

    json_t *h = get_ok(WF_AUDITOR, hist);
    json_t *entries = json_object_get(h, "entries");
    assert_int_equal(json_array_size(entries), 3);
    static const char *const ops[] = { "add", "update", "retire" };
    for (size_t k = 0; k < 3; k++) {
        json_t *en = json_array_get(entries, k);
        assert_string_equal(json_string_value(json_object_get(en, "op")), ops[k]);
        assert_string_equal(json_string_value(json_object_get(en, "actor")), WF_LEAD);
    }
    assert_string_equal(tu_json_at(entries, 2, "note"), "duplicate of RISK-2");
    assert_true(json_is_null(json_object_get(h, "older_before")));
    /* a page of it: the last two, then the one before them */
    char page[200];
    snprintf(page, sizeof page, "%s?limit=2", hist);
    json_t *last = get_ok(WF_AUDITOR, page);
    json_t *two = json_object_get(last, "entries");
    assert_int_equal(json_array_size(two), 2);
    assert_string_equal(tu_json_at(two, 0, "op"), "update");
    assert_string_equal(tu_json_at(two, 1, "op"), "retire");
    json_int_t older = json_integer_value(json_object_get(last, "older_before"));
    assert_int_equal(older, json_integer_value(json_object_get(json_array_get(two, 0), "seq")));
    snprintf(page, sizeof page, "%s?limit=2&before=%lld", hist, (long long)older);
    json_t *first = get_ok(WF_AUDITOR, page);
    assert_int_equal(json_array_size(json_object_get(first, "entries")), 1);
    assert_string_equal(tu_json_at(json_object_get(first, "entries"), 0, "op"), "add");
    assert_true(json_is_null(json_object_get(first, "older_before")));
    json_decref(first);
    json_decref(last);
    json_decref(h);
    json_decref(made);
}

static void a_lifecycle_verb_is_a_route(void **state)
{
    (void)state;
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/scopes",
           "{\"statement\":\"Everything the bank runs\",\"exclusions\":null}", NULL);
    if (r.status != 201)
        fail_msg("scope add: %d %s", r.status, r.body);
    json_t *made = wf_json(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/scopes/%s/approve",
             json_string_value(json_object_get(made, "key")));
    json_decref(made);
    tu_http_free(&r);
    wf_req(&r, WF_LEAD, "POST", path, NULL, NULL); /* the lead is not the board */
    expect(&r, 403, "as");
    tu_http_free(&r);
    wf_req(&r, WF_BOARD, "POST", path, NULL, NULL);
    expect(&r, 200, NULL);
    json_t *done = wf_json(&r);
    assert_string_equal(json_string_value(json_object_get(done, "status")), "approved");
    assert_string_equal(json_string_value(json_object_get(done, "approved_by")), "PER-1");
    json_decref(done);
    tu_http_free(&r);
}

/* The items of an unfiltered list, read a page of 1,000. */
static json_int_t items_of(const char *plural)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/%s?limit=1000", plural);
    json_t *j = get_ok(WF_LEAD, path);
    json_int_t n = (json_int_t)json_array_size(json_object_get(j, "items"));
    json_decref(j);
    return n;
}

/* An unfiltered list's total (from the figures kept with each write, for
 * risks, controls and objectives) is the number of its active records,
 * after an add and a retirement as before them. */
static void a_list_total_is_its_active_records(void **state)
{
    (void)state;
    static const char *const plurals[] = { "risks", "controls", "objectives", "assets" };
    for (int round = 0; round < 2; round++) {
        for (size_t k = 0; k < sizeof plurals / sizeof *plurals; k++) {
            char path[96];
            snprintf(path, sizeof path, "/api/v1/%s?limit=1", plurals[k]);
            assert_int_equal(total_of(path), items_of(plurals[k]));
        }
        if (round)
            break;
        tu_http r;
        wf_req(&r, WF_LEAD, "POST", "/api/v1/risks",
               "{\"title\":\"Counted\",\"owner\":\"PER-4\",\"objectives\":[\"OBJ-1\"],"
               "\"likelihood\":1,\"impact\":1}",
               NULL);
        expect(&r, 201, NULL);
        tu_http_free(&r);
        wf_req(&r, WF_LEAD, "POST", "/api/v1/controls/CTL-1/retire", NULL, "If-Match: *\r\n");
        expect(&r, 200, NULL);
        tu_http_free(&r);
    }
}

/* The workflows that read: quantification (not saved), verification, proofs. */
static void workflows_answer_and_save_nothing(void **state)
{
    (void)state;
    json_int_t analyses = total_of("/api/v1/analyses");
    json_t *q = get_ok(WF_READER, "/api/v1/risks/RISK-1/quantify?iterations=2000&seed=7");
    assert_string_equal(json_string_value(json_object_get(q, "key")), "RISK-1");
    assert_true(json_is_null(json_object_get(q, "analysis"))); /* not saved */
    json_decref(q);
    q = get_ok(WF_AUDITOR, "/api/v1/quantify?by=objective&iterations=2000");
    assert_true(json_is_object(q));
    json_decref(q);
    q = get_ok(WF_BOARD, "/api/v1/controls/roi?iterations=2000");
    assert_true(json_is_object(q));
    json_decref(q);
    assert_int_equal(total_of("/api/v1/analyses"), analyses);
    /* A full verification for those who answer for the ledger; then
     * anyone's checks only what was added since (recorded by the first). */
    json_t *v = get_ok(WF_AUDITOR, "/api/v1/verify?full=1");
    assert_true(json_is_true(json_object_get(v, "intact")));
    assert_true(json_is_true(json_object_get(v, "full")));
    json_int_t entries = json_integer_value(json_object_get(v, "entries"));
    assert_true(entries > 100);
    json_decref(v);
    v = get_ok(WF_OWNER, "/api/v1/verify");
    assert_true(json_is_true(json_object_get(v, "intact")));
    assert_true(json_is_false(json_object_get(v, "full")));
    assert_true(json_integer_value(json_object_get(v, "from_seq")) >= entries);
    assert_true(json_integer_value(json_object_get(v, "checked")) <= 5);
    json_decref(v);
    tu_http denied;
    wf_req(&denied, WF_OWNER, "GET", "/api/v1/verify?full=1", NULL, NULL);
    expect(&denied, 403, "full");
    tu_http_free(&denied);
    json_t *p = get_ok(WF_AUDITOR, "/api/v1/ledger/proof?seq=3");
    assert_int_equal(json_integer_value(json_object_get(p, "seq")), 3);
    assert_contains(json_string_value(json_object_get(p, "proof")), "inclusion");
    json_decref(p);
    tu_http r;
    const char *bad[][2] = { { "/api/v1/ledger/proof", "seq" },
                             { "/api/v1/ledger/proof?seq=0", "seq" },
                             { "/api/v1/verify?deep=1", "deep" },
                             { "/api/v1/verify?full=2", "full" },
                             { "/api/v1/quantify?by=owner", "by" },
                             { "/api/v1/risks/RISK-1/quantify?iterations=5", "iterations" } };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        wf_req(&r, WF_LEAD, "GET", bad[k][0], NULL, NULL);
        expect(&r, 400, bad[k][1]);
        tu_http_free(&r);
    }
}

static int64_t ledger_size(void)
{
    json_t *h = get_ok(WF_LEAD, "/api/v1/risks/RISK-1/history");
    int64_t n = (int64_t)json_array_size(json_object_get(h, "entries"));
    json_decref(h);
    return n + total_of("/api/v1/risks?retired=include");
}

static void bad_requests_are_refused_naming_the_field_and_write_nothing(void **state)
{
    (void)state;
    int64_t before = ledger_size();
    tu_http r;
    struct {
        const char *method, *path, *body;
        int status;
        const char *field;
    } cases[] = {
        { "POST", "/api/v1/risks", "{\"title\":", 400, "body" },
        { "POST", "/api/v1/risks", "[1,2]", 400, "body" },
        { "POST", "/api/v1/risks", "", 400, "body" },
        { "POST", "/api/v1/risks", "{\"title\":\"x\",\"bogus\":1}", 400, "bogus" },
        { "POST", "/api/v1/risks", "{\"title\":\"x\",\"version\":3}", 400, "version" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"likelihood\":\"high\"}", 422, "likelihood" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"likelihood\":9}", 422, "likelihood" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"objectives\":\"OBJ-1\"}", 422, "objectives" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"title\":\"a\\u0000b\"}", 400, "body" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"title\":\"a\\u0001b\"}", 422, "title" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"title\":\"x\",\"title\":\"y\"}", 400, "body" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"title\":\"\xc3\x28\"}", 400, "body" },
        { "PATCH", "/api/v1/risks/RISK-1", "{}", 400, "body" },
        { "PATCH", "/api/v1/risks/RISK-1", "{\"owner\":\"PER-999\"}", 422, "owner" },
        { "PATCH", "/api/v1/risks/RISK-999", "{\"title\":\"x\"}", 404, NULL },
        { "GET", "/api/v1/risks/RISK-999", NULL, 404, NULL },
        { "GET", "/api/v1/risks/RISK-1/history?limit=0", NULL, 400, "limit" },
        { "GET", "/api/v1/risks/RISK-1/history?before=x", NULL, 400, "before" },
        { "GET", "/api/v1/risks/RISK-1/history?sort=seq", NULL, 400, "sort" },
        { "GET", "/api/v1/nothing", NULL, 404, "path" },
        { "DELETE", "/api/v1/risks/RISK-1", NULL, 405, "method" },
        { "GET", "/api/v1/risks?bogus=1", NULL, 400, "bogus" },
        { "GET", "/api/v1/risks?limit=0", NULL, 400, "limit" },
        { "GET", "/api/v1/risks?sort=objectives", NULL, 400, "sort" },
        { "GET", "/api/v1/risks?owner=nobody@nowhere.example", NULL, 404, NULL },
        { "GET", "/api/v1/risks?owner=%FF", NULL, 422, "owner" },
        { "GET", "/api/v1/risks?q=%FF%FE", NULL, 400, "q" },
        { "GET", "/api/v1/risks/RISK-%FF", NULL, 400, "key" },
        { "POST", "/api/v1/risks/RISK-1/retire", "{\"why\":1}", 400, "why" },
        { "POST", "/api/v1/risks/RISK-1/accept", "{\"rationale\":3}", 422, "rationale" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        wf_req(&r, WF_LEAD, cases[k].method, cases[k].path, cases[k].body, "If-Match: *\r\n");
        if (r.status != cases[k].status)
            fail_msg("case %zu (%s %s %s): expected %d, got %d: %s", k, cases[k].method,
                     cases[k].path, cases[k].body ? cases[k].body : "", cases[k].status, r.status,
                     r.body);
        if (cases[k].field)
            assert_string_equal(wf_error_field(&r), cases[k].field);
        json_t *j = wf_json(&r); /* always the one error shape */
        json_t *err = json_object_get(j, "error");
        assert_non_null(json_object_get(err, "code"));
        assert_non_null(json_object_get(err, "message"));
        json_decref(j);
        tu_http_free(&r);
    }
    /* a body over the limit: 413, announced or not */
    size_t big = 70 * 1024;
    char *body = malloc(big + 1);
    memset(body, 'x', big);
    memcpy(body, "{\"title\":\"", 10);
    body[big] = 0;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/risks", body, NULL);
    expect(&r, 413, "body");
    tu_http_free(&r);
    char *chunked = malloc(big + 512);
    int n = snprintf(chunked, 512,
                     "POST /api/v1/risks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n%zx\r\n",
                     wf_token(WF_LEAD), big);
    memcpy(chunked + n, body, big);
    memcpy(chunked + n + big, "\r\n0\r\n\r\n", 7);
    tu_http_raw(&r, wf_port(), chunked, (size_t)n + big + 7);
    expect(&r, 413, "body");
    tu_http_free(&r);
    free(chunked);
    free(body);
    /* garbage and huge headers: refused by the server itself */
    tu_http_raw(&r, wf_port(), "NONSENSE\r\n\r\n", 12);
    assert_true(r.status == 0 || (r.status >= 400 && r.status < 500)); /* or just closed */
    tu_http_free(&r);
    char *huge = malloc(200 * 1024);
    n = snprintf(huge, 200, "GET /api/v1/risks HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(huge + n, 'a', 150 * 1024);
    memcpy(huge + n + 150 * 1024, "\r\n\r\n", 4);
    tu_http_raw(&r, wf_port(), huge, (size_t)n + 150 * 1024 + 4);
    assert_true(r.status == 431 || r.status == 413 || r.status == 400 || r.status == 0);
    tu_http_free(&r);
    free(huge);
    wf_req(&r, WF_LEAD, "PUT", "/api/v1/risks/RISK-1", "{}", NULL);
    expect(&r, 405, "method");
    char *allow = tu_http_header(&r, "Allow");
    assert_non_null(allow);
    assert_string_equal(allow, "GET, PATCH");
    free(allow);
    tu_http_free(&r);
    /* nothing was written, and the server answers the next request */
    assert_int_equal(ledger_size(), before);
    json_t *ok = get_ok(WF_READER, "/api/v1/risks/RISK-1");
    json_decref(ok);
}

static void expect_header(tu_http *r, const char *name, const char *want)
{
    char *got = header_of(r, name);
    assert_string_equal(got, want);
    free(got);
}

static void every_answer_carries_the_security_headers(void **state)
{
    (void)state;
    const char *paths[] = { "/api/v1/risks", "/api/v1/nothing", "/api/v1/openapi.json" };
    const char *who[] = { WF_LEAD, NULL };
    for (size_t k = 0; k < 3; k++)
        for (size_t w = 0; w < 2; w++) {
            tu_http r;
            wf_req(&r, who[w], "GET", paths[k], NULL, NULL);
            char *csp = header_of(&r, "Content-Security-Policy");
            assert_contains(csp, "default-src 'self'");
            assert_contains(csp, "frame-ancestors 'none'");
            assert_not_contains(csp, "unsafe-inline");
            free(csp);
            expect_header(&r, "X-Content-Type-Options", "nosniff");
            expect_header(&r, "X-Frame-Options", "DENY");
            expect_header(&r, "Referrer-Policy", "no-referrer");
            tu_http_free(&r);
        }
}

/* The routes the server answers are the ones the document lists: every
 * route of the table is in the document and every operation of the
 * document is in the table; and the server routes each of them (a probe
 * with a key that does not exist reaches its handler: no 404 naming the
 * path, no 405). */
static void the_openapi_document_lists_exactly_the_routes_answered(void **state)
{
    (void)state;
    json_t *doc = get_ok(NULL, "/api/v1/openapi.json");
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *paths = json_object_get(doc, "paths");
    int n;
    const route *t = web_routes(&n);
    size_t documented = 0;
    const char *p;
    json_t *item;
    json_object_foreach(paths, p, item) documented += json_object_size(item);
    size_t api = 0;
    for (int i = 0; i < n; i++)
        api += (size_t)web_route_is_api(&t[i]);
    assert_int_equal(documented, api);
    for (int i = 0; i < n; i++) {
        if (!web_route_is_api(&t[i]))
            continue; /* the HTML pages are not the API's */
        char method[16];
        size_t k = 0;
        for (; t[i].method[k]; k++)
            method[k] = (char)(t[i].method[k] | 0x20);
        method[k] = 0;
        if (!json_object_get(json_object_get(paths, t[i].path), method))
            fail_msg("%s %s is answered but not documented", t[i].method, t[i].path);
        char path[200];
        const char *key = strstr(t[i].path, "{key}");
        if (key)
            snprintf(path, sizeof path, "%.*sZZZ-0%s", (int)(key - t[i].path), t[i].path, key + 5);
        else
            snprintf(path, sizeof path, "%s", t[i].path);
        tu_http r;
        int writes = strcmp(t[i].method, "GET") != 0;
        wf_req(&r, WF_READER, t[i].method, path, writes ? "[]" : NULL, NULL);
        if (r.status == 405 || (r.status == 404 && !strcmp(wf_error_field(&r), "path")))
            fail_msg("%s %s is documented but not answered: %d %s", t[i].method, path, r.status,
                     r.body);
        tu_http_free(&r);
    }
    json_decref(doc);
}

/* ---- concurrent writers ---- */

enum { WRITERS = 4, EACH = 8 };
static int created[WRITERS];

static void *writer(void *arg)
{
    int w = (int)(intptr_t)arg;
    for (int k = 0; k < EACH; k++) {
        char body[300];
        snprintf(body, sizeof body,
                 "{\"title\":\"Concurrent %d.%d\",\"owner\":\"PER-4\",\"objectives\":[\"OBJ-1\"],"
                 "\"likelihood\":1,\"impact\":1}",
                 w, k);
        tu_http r;
        wf_req(&r, WF_LEAD, "POST", "/api/v1/risks", body, NULL);
        created[w] += r.status == 201;
        tu_http_free(&r);
    }
    return NULL;
}

static void concurrent_writers_are_serialised(void **state)
{
    (void)state;
    json_int_t before = total_of("/api/v1/risks?retired=include");
    wf_token(WF_LEAD); /* made before the threads share it */
    pthread_t th[WRITERS];
    for (int w = 0; w < WRITERS; w++)
        pthread_create(&th[w], NULL, writer, (void *)(intptr_t)w);
    for (int w = 0; w < WRITERS; w++)
        pthread_join(th[w], NULL);
    for (int w = 0; w < WRITERS; w++)
        assert_int_equal(created[w], EACH);
    assert_int_equal(total_of("/api/v1/risks?retired=include"), before + WRITERS * EACH);
    free(tu_isms_ok(wf_repo(), "verify"));
}

TU_MAIN(wf_setup, wf_teardown, cmocka_unit_test(lists_filter_search_sort_and_page),
        cmocka_unit_test(records_are_made_changed_retired_and_have_a_history),
        cmocka_unit_test(a_lifecycle_verb_is_a_route),
        cmocka_unit_test(workflows_answer_and_save_nothing),
        cmocka_unit_test(a_list_total_is_its_active_records),
        cmocka_unit_test(bad_requests_are_refused_naming_the_field_and_write_nothing),
        cmocka_unit_test(every_answer_carries_the_security_headers),
        cmocka_unit_test(the_openapi_document_lists_exactly_the_routes_answered),
        cmocka_unit_test(concurrent_writers_are_serialised))
