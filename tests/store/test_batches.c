/* Whole-register and whole-ledger scans read their rows in batches where
 * the driver can (PostgreSQL: a cursor, 1,000 rows a fetch), so memory
 * does not grow with the register. Across batch boundaries every record
 * keeps its links, a scan stopped early leaves its transaction usable, and
 * a scan outside a transaction still sees everything. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ASSETS = 2345 }; /* three batches and a part */

static const char *repo;

static void set(dom *d, record *r, const char *field, const char *text)
{
    isms_err e = { 0 };
    if (dom_set_text(d, r, regdef_field(r->reg, field), text, &e))
        fail_msg("%s: %s", field, e.msg);
}

/* ASSETS assets, each depending on the one before. */
static int setup(void **state)
{
    (void)state;
    repo = tu_repo("batches.isms");
    dom *d;
    isms_err e = { 0 };
    assert_int_equal(dom_create(repo, &(principal){ .actor = "test" }, 0, &d, &e), 0);
    arena *a = dom_arena(d);
    record r, out;
    assert_int_equal(dom_txn_begin(d, &e), 0);
    record_init(&r, &reg_person, a);
    set(d, &r, "name", "Omar Owner");
    set(d, &r, "email", "omar@x.example");
    set(d, &r, "roles", "asset-owner");
    assert_int_equal(dom_add(d, &r, &out, &e), 0);
    for (int i = 1; i <= ASSETS; i++) {
        record_init(&r, &reg_asset, a);
        set(d, &r, "name", arena_printf(a, "Asset %d", i));
        set(d, &r, "type", "system");
        set(d, &r, "owner", "PER-1");
        if (i > 1)
            set(d, &r, "depends_on", arena_printf(a, "AST-%d", i - 1));
        if (dom_add(d, &r, &out, &e))
            fail_msg("asset %d: %s", i, e.msg);
        if (i % 500 == 0)
            arena_reset(a);
    }
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    dom_close(d);
    return 0;
}

typedef struct seen {
    int n, stop_at;
} seen;

static int check_asset(const record *r, void *ctx)
{
    seen *s = ctx;
    s->n++;
    char key[32], dep[32];
    snprintf(key, sizeof key, "AST-%d", s->n);
    snprintf(dep, sizeof dep, "AST-%d", s->n - 1);
    assert_string_equal(r->key, key);
    const value *v = &r->v[regdef_field(&reg_asset, "depends_on")];
    assert_int_equal(v->n, s->n > 1);
    if (s->n > 1)
        assert_string_equal(v->keys[0], dep);
    return s->n == s->stop_at;
}

static int count_entry(const ledger_row *r, void *ctx)
{
    int *n = ctx;
    assert_int_equal(r->seq, ++*n);
    return 0;
}

/* The test's repository open, its store in a transaction (`write`, or
 * reading). */
static store *open_in_txn(dom **d, int write)
{
    isms_err e = { 0 };
    assert_int_equal(dom_open(repo, d, &e), 0);
    store *s = dom_store(*d);
    assert_int_equal(store_begin(s, write, &e), 0);
    return s;
}

static void whole_scans_cross_batches(void **state)
{
    (void)state;
    dom *d;
    isms_err e = { 0 };
    store *s = open_in_txn(&d, 0);
    store_query all = { .include_retired = 1 };
    seen x = { 0 };
    assert_int_equal(store_scan(s, &reg_asset, &all, check_asset, &x, &e), 0);
    assert_int_equal(x.n, ASSETS);
    int entries = 0;
    assert_int_equal(store_ledger_scan(s, NULL, count_entry, &entries, &e), 0);
    assert_true(entries > ASSETS);
    store_rollback(s);
    /* Outside a transaction the rows are read whole: the same records. */
    x = (seen){ 0 };
    assert_int_equal(store_scan(s, &reg_asset, &all, check_asset, &x, &e), 0);
    assert_int_equal(x.n, ASSETS);
    dom_close(d);
}

static void a_scan_stopped_early_leaves_the_transaction_usable(void **state)
{
    (void)state;
    dom *d;
    isms_err e = { 0 };
    store *s = open_in_txn(&d, 1);
    store_query all = { .include_retired = 1 };
    seen x = { .stop_at = 1500 };
    assert_int_equal(store_scan(s, &reg_asset, &all, check_asset, &x, &e), 1);
    /* The same scan again, from the start, and a write, in the same transaction. */
    x = (seen){ .stop_at = 10 };
    assert_int_equal(store_scan(s, &reg_asset, &all, check_asset, &x, &e), 1);
    assert_int_equal(store_meta_set(s, "scan_test", "yes", &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
    /* And in the next transaction. */
    assert_int_equal(store_begin(s, 0, &e), 0);
    x = (seen){ 0 };
    assert_int_equal(store_scan(s, &reg_asset, &all, check_asset, &x, &e), 0);
    assert_int_equal(x.n, ASSETS);
    char *v;
    arena a;
    arena_init(&a);
    assert_int_equal(store_meta_get(s, "scan_test", &v, &a, &e), 0);
    assert_string_equal(v, "yes");
    arena_free(&a);
    store_rollback(s);
    dom_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_scans_cross_batches),
        cmocka_unit_test(a_scan_stopped_early_leaves_the_transaction_usable),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
