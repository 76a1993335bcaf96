/* Lists read links by merging one query per link table with the records'
 * query, restricted to the records selected when the list is a page or
 * filtered. Whatever the query, each listed record must be exactly what
 * `show` (which reads one record and its links directly) says it is. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("scan.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@x.example", "--role",
                    "management-body,risk-owner"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Omar", "--email", "omar@x.example", "--role",
                    "risk-owner,asset-owner"));
    for (int i = 1; i <= 3; i++) {
        char title[32];
        snprintf(title, sizeof title, "Objective %d", i);
        free(tu_isms_ok(repo, "objective", "add", "--title", title, "--owner", "PER-1"));
        snprintf(title, sizeof title, "Asset %d", i);
        free(tu_isms_ok(repo, "asset", "add", "--name", title, "--type", "system", "--owner",
                        "PER-2"));
    }
    /* Risks with different, sometimes empty, link sets; one retired. */
    static const char *const links[][4] = {
        { "PER-1", "OBJ-1,OBJ-3", "AST-2", "T-IS-001" },
        { "PER-2", "", "", "" },
        { "PER-1", "OBJ-2", "AST-1,AST-2,AST-3", "" },
        { "PER-2", "OBJ-1,OBJ-2,OBJ-3", "", "T-IS-004,T-IS-002" },
        { "PER-1", "", "AST-3", "T-IS-015" },
        { "PER-2", "OBJ-3", "AST-1", "T-IS-003" },
        { "PER-1", "OBJ-2", "", "" },
    };
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        char title[32];
        snprintf(title, sizeof title, "Risk %zu", i + 1);
        const char *argv[24] = { "risk",      "add",          "--title", title,      "--owner",
                                 links[i][0], "--likelihood", "2",       "--impact", "3" };
        int n = 10;
        static const char *const flags[] = { NULL, "--objective", "--asset", "--threat" };
        for (int k = 1; k < 4; k++)
            if (*links[i][k]) {
                argv[n++] = flags[k];
                argv[n++] = links[i][k];
            }
        tu_result r;
        tu_isms_argv(&r, repo, NULL, argv);
        if (r.status)
            fail_msg("risk add %zu: %s", i + 1, r.err);
        tu_result_free(&r);
    }
    free(tu_isms_ok(repo, "risk", "retire", "RISK-4"));
    return 0;
}

/* Runs `risk list --json` with the given options and checks every record
 * against `risk show`; returns the keys listed, comma-separated. */
static char *list_matches_show(const char *const opts[])
{
    const char *argv[16] = { "risk", "list", "--json" };
    int n = 3;
    for (int i = 0; opts[i]; i++)
        argv[n++] = opts[i];
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status)
        fail_msg("risk list: %s", r.err);
    json_t *list = tu_json_take(r.out);
    free(r.err);
    char keys[256] = "";
    size_t i;
    json_t *rec;
    json_array_foreach(list, i, rec)
    {
        const char *key = json_string_value(json_object_get(rec, "key"));
        json_t *shown = tu_json_take(tu_isms_ok(repo, "risk", "show", key, "--json"));
        /* show adds what points at the record and the year it lived through
         * (a query of its own a list does not make); the record itself is
         * the same */
        json_object_del(shown, "referred_by");
        json_object_del(shown, "latest_analysis");
        json_object_del(shown, "last_365_days");
        assert_null(json_object_get(rec, "last_365_days"));
        char *a = json_dumps(rec, JSON_SORT_KEYS), *b = json_dumps(shown, JSON_SORT_KEYS);
        if (strcmp(a, b))
            fail_msg("listed and shown %s differ:\n%s\n%s", key, a, b);
        free(a);
        free(b);
        json_decref(shown);
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", i ? "," : "", key);
    }
    json_decref(list);
    return strdup(keys);
}

static void expect_list(const char *const opts[], const char *keys)
{
    char *got = list_matches_show(opts);
    assert_string_equal(got, keys);
    free(got);
}

static void whole_lists(void **state)
{
    (void)state;
    expect_list((const char *[]){ NULL }, "RISK-1,RISK-2,RISK-3,RISK-5,RISK-6,RISK-7");
    expect_list((const char *[]){ "--all", NULL },
                "RISK-1,RISK-2,RISK-3,RISK-4,RISK-5,RISK-6,RISK-7");
    expect_list((const char *[]){ "--retired", NULL }, "RISK-4");
}

static void pages(void **state)
{
    (void)state;
    expect_list((const char *[]){ "--limit", "2", NULL }, "RISK-1,RISK-2");
    expect_list((const char *[]){ "--limit", "3", "--offset", "2", NULL }, "RISK-3,RISK-5,RISK-6");
    expect_list((const char *[]){ "--offset", "4", NULL }, "RISK-6,RISK-7");
    expect_list((const char *[]){ "--all", "--limit", "2", "--offset", "2", NULL },
                "RISK-3,RISK-4");
    expect_list((const char *[]){ "--offset", "10", NULL }, "");
}

static void filtered(void **state)
{
    (void)state;
    expect_list((const char *[]){ "--owner", "PER-1", NULL }, "RISK-1,RISK-3,RISK-5,RISK-7");
    expect_list((const char *[]){ "--owner", "omar@x.example", "--all", NULL },
                "RISK-2,RISK-4,RISK-6");
    expect_list((const char *[]){ "--owner", "PER-1", "--limit", "2", "--offset", "1", NULL },
                "RISK-3,RISK-5");
}

typedef struct got {
    int64_t *ids;
    int64_t n;
} got;

static int take_id(const record *r, void *ctx)
{
    got *g = ctx;
    g->ids = realloc(g->ids, sizeof *g->ids * (size_t)(g->n + 1));
    g->ids[g->n++] = r->id;
    return 0;
}

/* Records by their ids, many at once (the owners of the responsibility
 * matrix): each one asked for, once, in id order, a missing id skipped;
 * on PostgreSQL a thousand to a query (here 2,326 requirements: three). */
static void records_by_their_ids(void **state)
{
    (void)state;
    isms_err e = { 0 };
    dom *d;
    assert_int_equal(dom_open(repo, &d, &e), 0);
    got all = { 0 }, each = { 0 };
    assert_int_equal(
        store_scan(dom_store(d), &reg_requirement, &(store_query){ 0 }, take_id, &all, &e), 0);
    assert_true(all.n > 2 * STORE_GET_AT_ONCE);
    int64_t *asked = malloc(sizeof *asked * (size_t)(all.n + 1));
    for (int64_t k = 0; k < all.n; k++)
        asked[k] = all.ids[k];
    asked[all.n] = all.ids[all.n - 1] + 1000; /* no such requirement */
    arena a;
    arena_init(&a);
    assert_int_equal(
        store_get_each(dom_store(d), &reg_requirement, asked, all.n + 1, take_id, &each, &a, &e),
        0);
    assert_int_equal(each.n, all.n);
    for (int64_t k = 0; k < all.n; k++)
        assert_int_equal(each.ids[k], all.ids[k]);
    arena_free(&a);
    free(asked);
    free(all.ids);
    free(each.ids);
    dom_close(d);
}

TU_MAIN(setup, NULL, cmocka_unit_test(whole_lists), cmocka_unit_test(pages),
        cmocka_unit_test(filtered), cmocka_unit_test(records_by_their_ids))
