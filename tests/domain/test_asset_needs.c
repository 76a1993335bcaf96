/* Each asset's inherited protection needs as kept (0031,
 * domain/registers/asset_needs.c): after every write, random ones among
 * them, they equal the whole dependency graph worked out again
 * (dom_asset_needs), and so does the kept count of the raised; a kept need
 * changed behind isms's back fails a full verification, naming it, and a
 * rebuild mends it; an upgrade from 30 works them out. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/integrity/verify.h"
#include "domain/registers/asset_needs.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/buf.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;
static const char *repo;

static int setup(void **state)
{
    (void)state;
    tu_clock();
    repo = tu_repo("asset-needs.isms");
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "asset-needs-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

/* The kept needs against the graph, and the kept count against both. */
static void expect_whole(const char *after)
{
    int64_t wrong, raised;
    isms_err e = { 0 };
    if (dom_asset_needs_check(d, &wrong, &raised, &e))
        fail_msg("check: %s", e.msg);
    if (wrong)
        fail_msg("after %s: %lld assets keep needs the graph does not give", after,
                 (long long)wrong);
    char *kept = tu_sql_value(repo, "SELECT COALESCE(SUM(n), 0) FROM tally WHERE name = "
                                    "'" STORE_RAISED_TALLY "'");
    if (atoll(kept) != raised)
        fail_msg("after %s: the kept count of the raised is %s, the graph raises %lld", after, kept,
                 (long long)raised);
    free(kept);
}

static unsigned next_random(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

static const char *const levels[] = { "normal", "high", "very-high" };

/* "depends_on=AST-a,AST-b" of up to two assets among the first n. */
static const char *some_links(unsigned *seed, int n)
{
    int k = (int)(next_random(seed) % 3);
    if (!k || n < 1)
        return "depends_on=";
    int a = 1 + (int)(next_random(seed) % (unsigned)n),
        b = 1 + (int)(next_random(seed) % (unsigned)n);
    return k == 1 || a == b ? arena_printf(dom_arena(d), "depends_on=AST-%d", a)
                            : arena_printf(dom_arena(d), "depends_on=AST-%d,AST-%d", a, b);
}

/* One write at random: an add below or above others, stated needs, a
 * critical function, new dependencies (a cycle is refused: nothing
 * written), a retirement. Returns what it did, for messages. */
static const char *random_write(unsigned *seed, int *n)
{
    isms_err e = { 0 };
    record out;
    int which = 1 + (int)(next_random(seed) % (unsigned)*n);
    const char *key = arena_printf(dom_arena(d), "AST-%d", which);
    record *r;
    switch (next_random(seed) % 6) {
    case 0:
    case 1:
        r = tu_make(d, &reg_asset, arena_printf(dom_arena(d), "name=Asset %d", *n + 1),
                    "type=system", "owner=PER-1", some_links(seed, *n),
                    arena_printf(dom_arena(d), "availability=%s", levels[next_random(seed) % 3]),
                    NULL);
        if (dom_add(d, r, &out, &e) == 0)
            (*n)++;
        return "an add";
    case 2:
        r = tu_make(d, &reg_asset,
                    arena_printf(dom_arena(d), "confidentiality=%s", levels[next_random(seed) % 3]),
                    arena_printf(dom_arena(d), "availability=%s", levels[next_random(seed) % 3]),
                    NULL);
        break;
    case 3:
        r = tu_make(d, &reg_asset,
                    next_random(seed) % 2 ? "critical_function=yes" : "critical_function=no", NULL);
        break;
    case 4: r = tu_make(d, &reg_asset, some_links(seed, *n), NULL); break;
    default:
        dom_retire(d, &reg_asset, key, &out, &e); /* refused when retired already */
        return "a retirement";
    }
    if (dom_update(d, &reg_asset, key, r, 0, &out, NULL, &e) && e.code != E_INVALID &&
        e.code != E_CONFLICT)
        fail_msg("update %s: %s", key, e.msg);
    return "an update";
}

static void kept_needs_follow_every_write(void **state)
{
    (void)state;
    unsigned seed = 20261206;
    tu_add(d, tu_make(d, &reg_asset, "name=Asset 1", "type=site", "owner=PER-1", NULL));
    int n = 1;
    for (int step = 0; step < 400; step++) {
        const char *what = random_write(&seed, &n);
        expect_whole(arena_printf(dom_arena(d), "step %d, %s", step, what));
        if (step % 100 == 99)
            tu_verified(d);
    }
    assert_true(n > 40);
}

static int64_t id_of(const char *key) { return atoll(strchr(key, '-') + 1); }

/* Where two paths of a change meet, an asset taken early from a dependent's
 * old needs is worked out again when that dependent changes: C below B and
 * W, B below Z (high) and W (very high); W retired, C is worked out (by id)
 * before B and first still sees B's very high from W, then B's high from Z. */
static void a_need_met_by_two_paths_is_worked_out_again(void **state)
{
    (void)state;
    const char *c =
        tu_add(d, tu_make(d, &reg_asset, "name=Core C", "type=system", "owner=PER-1", NULL));
    const char *b = tu_add(d, tu_make(d, &reg_asset, "name=Broker B", "type=system", "owner=PER-1",
                                      arena_printf(dom_arena(d), "depends_on=%s", c), NULL));
    const char *z = tu_add(d, tu_make(d, &reg_asset, "name=Zone Z", "type=process", "owner=PER-1",
                                      "availability=high",
                                      arena_printf(dom_arena(d), "depends_on=%s", b), NULL));
    const char *w = tu_add(d, tu_make(d, &reg_asset, "name=Wire W", "type=process", "owner=PER-1",
                                      "availability=very-high",
                                      arena_printf(dom_arena(d), "depends_on=%s,%s", b, c), NULL));
    asset_need n;
    isms_err e = { 0 };
    assert_int_equal(dom_asset_need_kept(d, id_of(c), &n, &e), 0);
    assert_int_equal(n.inherited[NEED_A], 2);
    assert_int_equal(n.source[NEED_A], id_of(w));
    record out;
    assert_int_equal(dom_retire(d, &reg_asset, w, &out, &e), 0);
    expect_whole("the retirement of W");
    assert_int_equal(dom_asset_need_kept(d, id_of(c), &n, &e), 0);
    assert_int_equal(n.inherited[NEED_A], 1);
    assert_int_equal(n.source[NEED_A], id_of(z));
}

/* A kept need changed with SQL fails a full verification, naming it; a
 * rebuild (as an import makes) works it out again. */
static void a_changed_need_fails_verify_full(void **state)
{
    (void)state;
    tu_verified(d);
    tu_sql(repo, "UPDATE asset SET inherited_a = 2, inherited_from_a = 1 WHERE id = "
                 "(SELECT MAX(id) FROM asset WHERE retired_at IS NULL)");
    verify_report rep;
    verify_report_init(&rep);
    isms_err e = { 0 };
    assert_int_not_equal(dom_verify(d, &rep, &e), 0);
    assert_contains(buf_str(&rep.details), "1 asset's inherited protection needs differ");
    verify_report_reset(&rep);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    expect_whole("a rebuild");
    tu_verified(d);
}

/* A repository from before the kept needs (schema 30): its upgrade works
 * them out, and what a page shows is what the graph gave before. */
static void the_upgrade_works_them_out(void **state)
{
    (void)state;
    dom *was = d;
    const char *old = tu_repo("before-needs.isms"), *was_repo = repo;
    isms_err e = { 0 };
    setenv("ISMS_MIGRATE_UNTIL", "30", 1);
    if (dom_create(old, &(principal){ .actor = "asset-needs-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    unsetenv("ISMS_MIGRATE_UNTIL");
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_asset, "name=Site", "type=site", "owner=PER-1", NULL));
    tu_add(d, tu_make(d, &reg_asset, "name=Payments", "type=process", "owner=PER-1",
                      "availability=very-high", "critical_function=yes", "depends_on=AST-1", NULL));
    dom_close(d);
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 30);
    repo = old;
    expect_whole("the upgrade");
    asset_need n;
    assert_int_equal(dom_asset_need_kept(d, 1, &n, &e), 0);
    assert_int_equal(n.inherited[NEED_A], 2);
    assert_int_equal(n.source[NEED_A], 2);
    assert_true(n.critical_inherited);
    char *raised = tu_sql_value(old, "SELECT n FROM tally WHERE name = 'asset.raised'");
    assert_string_equal(raised, "1");
    free(raised);
    tu_verified(d);
    dom_close(d);
    d = was;
    repo = was_repo;
}

TU_MAIN(setup, teardown, cmocka_unit_test(kept_needs_follow_every_write),
        cmocka_unit_test(a_need_met_by_two_paths_is_worked_out_again),
        cmocka_unit_test(a_changed_need_fails_verify_full),
        cmocka_unit_test(the_upgrade_works_them_out))
