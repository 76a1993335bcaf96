/* test_import.c: records from CSV on the web (pages_import.c), through a
 * real server on the demo bank: the API takes a text/csv body and answers
 * what it wrote, or 422 with every refused row and nothing written; a dry
 * run writes nothing; the page takes a file (multipart) or pasted rows;
 * who may not add records may not import; a list's own CSV export reads
 * back as "unchanged". */
#include "support/testutil.h"
#include "support/webfix.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const good = "title,owner,likelihood,impact,objectives\n"
                                "Imported one,PER-3,2,3,OBJ-1\n"
                                "Imported two,PER-3,1,4,\"OBJ-1, OBJ-2\"\n";
static const char *const bad = "title,owner,likelihood,impact\n"
                               "Fine,PER-3,2,3\n"
                               "Too likely,PER-3,9,3\n"
                               "Nobody's,nobody@x.example,1,1\n";

/* POST the CSV to path as `who`, with extra header lines. */
static void post_csv(tu_http *r, const char *who, const char *path, const char *csv,
                     const char *headers)
{
    char h[1024];
    snprintf(h, sizeof h, "Content-Type: text/csv\r\n%s%s%s", headers ? headers : "",
             who ? "Authorization: Bearer " : "", who ? wf_token(who) : "");
    if (who)
        strncat(h, "\r\n", sizeof h - strlen(h) - 1);
    tu_http_send(r, wf_port(), "POST", path, h, csv, strlen(csv));
}

/* post_csv, and the answer's status checked; the answer freed. */
static void posted(const char *who, const char *path, const char *csv, int status)
{
    tu_http r;
    post_csv(&r, who, path, csv, NULL);
    if (r.status != status)
        fail_msg("POST %s: %d, expected %d: %.300s", path, r.status, status, r.body);
    tu_http_free(&r);
}

static int64_t risks(void) { return wf_total("/api/v1/risks?retired=include"); }

static json_t *member(json_t *j, const char *name) { return json_object_get(j, name); }

static void the_api_imports_a_csv_body(void **state)
{
    (void)state;
    int64_t before = risks();
    tu_http r;
    post_csv(&r, WF_LEAD, "/api/v1/risks/import", good, "X-Isms-Note: from the old register\r\n");
    assert_int_equal(r.status, 200);
    json_t *j = wf_json(&r);
    assert_int_equal(json_integer_value(member(j, "rows")), 2);
    assert_int_equal(json_integer_value(member(j, "added")), 2);
    assert_true(json_is_false(member(j, "dry_run")));
    json_t *records = member(j, "records"); /* what each row wrote, by line */
    assert_int_equal(json_array_size(records), 2);
    assert_int_equal(json_integer_value(member(json_array_get(records, 1), "line")), 3);
    assert_string_equal(tu_json_at(records, 1, "outcome"), "added");
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT title FROM risk WHERE key = '%s'",
             tu_json_at(records, 1, "key"));
    char *title = tu_sql_value(wf_repo(), sql);
    assert_string_equal(title, "Imported two");
    free(title);
    json_decref(j);
    tu_http_free(&r);
    assert_int_equal(risks(), before + 2);
    char *note = tu_sql_value(wf_repo(), "SELECT note FROM ledger ORDER BY seq DESC LIMIT 1");
    assert_string_equal(note, "from the old register");
    free(note);
}

static void refused_rows_are_listed_and_nothing_is_written(void **state)
{
    (void)state;
    int64_t before = risks();
    tu_http r;
    post_csv(&r, WF_LEAD, "/api/v1/risks/import", bad, NULL);
    assert_int_equal(r.status, 422);
    json_t *j = wf_json(&r);
    assert_string_equal(json_string_value(member(member(j, "error"), "code")), "INVALID");
    json_t *list = member(j, "refused");
    assert_int_equal(json_array_size(list), 2);
    assert_int_equal(json_integer_value(member(json_array_get(list, 0), "line")), 3);
    assert_string_equal(tu_json_at(list, 0, "field"), "likelihood");
    assert_int_equal(json_integer_value(member(json_array_get(list, 1), "line")), 4);
    assert_string_equal(tu_json_at(list, 1, "field"), "owner");
    json_decref(j);
    tu_http_free(&r);
    assert_int_equal(risks(), before);
    /* a file that is not CSV at all: 422 naming the place, nothing written */
    post_csv(&r, WF_LEAD, "/api/v1/risks/import", "title\n\"open\n", NULL);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "line 2, column 1");
    tu_http_free(&r);
    assert_int_equal(risks(), before);
}

static void a_dry_run_writes_nothing(void **state)
{
    (void)state;
    int64_t before = risks();
    tu_http r;
    post_csv(&r, WF_LEAD, "/api/v1/risks/import?dry_run=1", good, NULL);
    assert_int_equal(r.status, 200);
    json_t *j = wf_json(&r);
    assert_int_equal(json_integer_value(member(j, "added")), 2);
    assert_true(json_is_true(member(j, "dry_run")));
    json_decref(j);
    tu_http_free(&r);
    assert_int_equal(risks(), before);
    post_csv(&r, WF_LEAD, "/api/v1/risks/import?dry_run=yes", good, NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(wf_error_field(&r), "dry_run");
    tu_http_free(&r);
    posted(WF_LEAD, "/api/v1/risks/import?dryrun=1", good, 400);
    assert_int_equal(risks(), before);
}

static void who_may_not_add_may_not_import(void **state)
{
    (void)state;
    int64_t before = risks();
    posted(WF_READER, "/api/v1/risks/import", good, 403);
    posted(NULL, "/api/v1/risks/import", good, 401);
    /* an owner may import only what they may add: rows owned by another are refused */
    posted(WF_OWNER, "/api/v1/risks/import", good, 422);
    assert_int_equal(risks(), before);
    free(wf_page(WF_READER, "/risks/import", 403));
    char *list = wf_page(WF_READER, "/risks", 200);
    assert_not_contains(list, "/risks/import");
    free(list);
    /* records isms's workflows make are not imported */
    posted(WF_LEAD, "/api/v1/analyses/import", good, 405); /* (GET /analyses/{key} is the path's) */
}

/* The page: the form, a file posted as multipart/form-data (a browser's
 * way), and rows pasted. */
static void the_page_takes_a_file(void **state)
{
    (void)state;
    char *list = wf_page(WF_LEAD, "/risks", 200);
    assert_contains(list, "href=\"/risks/import\"");
    free(list);
    char *form = wf_page(WF_LEAD, "/risks/import", 200);
    assert_contains(form, "enctype=\"multipart/form-data\"");
    assert_contains(form, "residual_likelihood"); /* the columns it may have */
    free(form);
    int64_t before = risks();
    char body[2048], h[512];
    snprintf(body, sizeof body,
             "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n"
             "Content-Type: text/csv\r\n\r\n%s\r\n--XyZ--\r\n",
             good);
    snprintf(h, sizeof h,
             "Content-Type: multipart/form-data; boundary=XyZ\r\nAuthorization: Bearer %s\r\n",
             wf_token(WF_LEAD));
    tu_http r;
    tu_http_send(&r, wf_port(), "POST", "/risks/import", h, body, strlen(body));
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Imported 2 rows: added 2");
    assert_contains(r.body, "<td>3</td><td><a href=\"/risks/RISK-"); /* each row's record */
    tu_http_free(&r);
    assert_int_equal(risks(), before + 2);
    /* refused rows: 422, the page lists them with their lines */
    wf_form(&r, WF_LEAD, "/risks/import",
            "text=title%2Cowner%2Clikelihood%2Cimpact%0AX%2CPER-3%2C9%2C1%0A");
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "Nothing was imported: 1 of the 1 row read refused");
    assert_contains(r.body, "<td>2</td><td>likelihood</td>");
    tu_http_free(&r);
    /* nothing chosen */
    wf_form(&r, WF_LEAD, "/risks/import", "text=");
    assert_int_equal(r.status, 400);
    tu_http_free(&r);
    assert_int_equal(risks(), before + 2);
}

/* A list's CSV, brought back as it is, changes nothing. */
static void a_list_export_reads_back_unchanged(void **state)
{
    (void)state;
    char *csv = wf_page(WF_LEAD, "/risks?format=csv", 200);
    char *ledger = tu_sql_value(wf_repo(), "SELECT COUNT(*) FROM ledger");
    tu_http r;
    post_csv(&r, WF_LEAD, "/api/v1/risks/import", csv, NULL);
    if (r.status != 200)
        fail_msg("%d: %.600s", r.status, r.body);
    json_t *j = wf_json(&r);
    assert_int_equal(json_integer_value(member(j, "added")), 0);
    assert_int_equal(json_integer_value(member(j, "updated")), 0);
    assert_true(json_integer_value(member(j, "unchanged")) >= 12);
    json_decref(j);
    tu_http_free(&r);
    char *after = tu_sql_value(wf_repo(), "SELECT COUNT(*) FROM ledger");
    assert_string_equal(ledger, after);
    free(ledger);
    free(after);
    free(csv);
}

/* Over the body's limit (the fixture's 64 KiB): 413, nothing written. */
static void a_body_over_the_limit_is_refused(void **state)
{
    (void)state;
    int64_t before = risks();
    size_t n = 70 * 1024, k = 0;
    char *big = malloc(n + 1);
    for (k = 0; k + 15 <= n; k += 15)
        memcpy(big + k, "Same,PER-3,1,1\n", 15);
    big[k] = 0;
    memcpy(big, "title,owner,l,i", 15); /* (the header, refused if ever read) */
    posted(WF_LEAD, "/api/v1/risks/import", big, 413);
    free(big);
    assert_int_equal(risks(), before);
}

TU_MAIN(wf_setup, wf_teardown, cmocka_unit_test(the_api_imports_a_csv_body),
        cmocka_unit_test(refused_rows_are_listed_and_nothing_is_written),
        cmocka_unit_test(a_dry_run_writes_nothing),
        cmocka_unit_test(who_may_not_add_may_not_import), cmocka_unit_test(the_page_takes_a_file),
        cmocka_unit_test(a_list_export_reads_back_unchanged),
        cmocka_unit_test(a_body_over_the_limit_is_refused))
