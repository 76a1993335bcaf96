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

/* The test's repository, open from open_in_txn to close_repo (each test's teardown). */
static dom *d;

/* Opens the repository, its store in a transaction (`write`, or reading). */
static store *open_in_txn(int write)
{
    isms_err e = { 0 };
    assert_int_equal(dom_open(repo, &d, &e), 0);
    store *s = dom_store(d);
    assert_int_equal(store_begin(s, write, &e), 0);
    return s;
}

static int close_repo(void **state)
{
    (void)state;
    dom_close(d);
    d = NULL;
    return 0;
}

/* How many assets a scan of them all reads, checking each, stopping after `stop_at` (0:
 * never); store_scan says 1 when stopped. */
static int scan_assets(store *s, int stop_at)
{
    store_query all = { .include_retired = 1 };
    seen x = { .stop_at = stop_at };
    isms_err e = { 0 };
    assert_int_equal(store_scan(s, &reg_asset, &all, check_asset, &x, &e), stop_at ? 1 : 0);
    return x.n;
}

static void whole_scans_cross_batches(void **state)
{
    (void)state;
    isms_err e = { 0 };
    store *s = open_in_txn(0);
    assert_int_equal(scan_assets(s, 0), ASSETS);
    int entries = 0;
    assert_int_equal(store_ledger_scan(s, NULL, count_entry, &entries, &e), 0);
    assert_true(entries > ASSETS);
    store_rollback(s);
    /* Outside a transaction the rows are read whole: the same records. */
    assert_int_equal(scan_assets(s, 0), ASSETS);
}

static void a_scan_stopped_early_leaves_the_transaction_usable(void **state)
{
    (void)state;
    isms_err e = { 0 };
    store *s = open_in_txn(1);
    assert_int_equal(scan_assets(s, 1500), 1500);
    /* The same scan again, from the start, and a write, in the same transaction. */
    assert_int_equal(scan_assets(s, 10), 10);
    assert_int_equal(store_meta_set(s, "scan_test", "yes", &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
    /* And in the next transaction. */
    assert_int_equal(store_begin(s, 0, &e), 0);
    assert_int_equal(scan_assets(s, 0), ASSETS);
    char *v;
    arena a;
    arena_init(&a);
    assert_int_equal(store_meta_get(s, "scan_test", &v, &a, &e), 0);
    assert_string_equal(v, "yes");
    arena_free(&a);
    store_rollback(s);
}

TU_MAIN(setup, NULL, cmocka_unit_test_teardown(whole_scans_cross_batches, close_repo),
        cmocka_unit_test_teardown(a_scan_stopped_early_leaves_the_transaction_usable, close_repo))
