/* The kept figures that follow from links (0016, domain/registers/
 * tallies_links.c; issue 16, point 1): after random adds, updates and
 * retires of risks, controls and mappings, some in savepoints rolled back,
 * the coverage the dashboard reads from them equals the one counted over
 * every control and mapping, and every kept figure a recount; the
 * dashboard's coverage and untreated risks come from the figures (a figure
 * changed behind isms's back shows there), and verify --full names it. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/integrity/verify.h"
#include "domain/views/dashboard.h"
#include "domain/views/frameworks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;
static const char *repo;
static unsigned seed = 1616;
static int nrisks, ncontrols, nmappings;

/* A new repository at `path` with its two people (the migrations up to
 * ISMS_MIGRATE_UNTIL when it is set). */
static dom *created(const char *path)
{
    dom *made;
    isms_err e = { 0 };
    if (dom_create(path, &(principal){ .actor = "link-tallies-test" }, 0, &made, &e))
        fail_msg("create %s: %s", path, e.msg);
    tu_add_people(made);
    return made;
}

/* cmocka's set-up and its undoing: the state is the module's `d`. */
static int setup(void **state)
{
    tu_clock();
    *state = d = created(repo = tu_repo("link_tallies.isms"));
    return 0;
}

static int teardown(void **state) { return tu_close(*state = d); }

static int pick(int n) { return (int)(rand_r(&seed) % (unsigned)n); }

static const char *key_of(const char *prefix, int max)
{
    return arena_printf(dom_arena(d), "%s-%d", prefix, 1 + pick(max > 0 ? max : 1));
}

/* dom_add, dom_update, or dom_retire when `changes` is NULL: refused ones
 * (a retired record, a rule) are fine, the figures follow what is written. */
static int written(const regdef *reg, const char *key, record *changes)
{
    isms_err e = { 0 };
    record out;
    if (!key)
        return dom_add(d, changes, &out, &e) == 0;
    return (changes ? dom_update(d, reg, key, changes, 0, &out, NULL, &e)
                    : dom_retire(d, reg, key, &out, &e)) == 0;
}

static int add(record *r) { return written(r->reg, NULL, r); }
static void update(const regdef *reg, const char *key, record *changes)
{
    written(reg, key, changes);
}
static void retire(const regdef *reg, const char *key) { written(reg, key, NULL); }

static const char *const treatments[] = { "undecided", "mitigate", "accept", "avoid" };
static const char *const statuses[] = { "planned", "implemented", "operating" };
static const char *const effects[] = { "not-assessed", "effective", "partially-effective",
                                       "ineffective" };
static const char *const rels[] = { "equivalent-to", "equal-to", "subset-of", "superset-of",
                                    "intersects-with" };

static const char *treatment(void)
{
    return arena_printf(dom_arena(d), "treatment=%s", treatments[pick(4)]);
}

static const char *treats(void)
{
    int n = pick(3);
    const char *s = "treats=";
    for (int k = 0; k < n && nrisks; k++)
        s = arena_printf(dom_arena(d), "%s%s%s", s, k ? "," : "", key_of("RISK", nrisks));
    return s;
}

static void add_risk(void)
{
    nrisks += add(tu_make(d, &reg_risk, "title=Risk", "owner=PER-2", "likelihood=3", "impact=2",
                          treatment(), NULL));
}

static void add_control(void)
{
    ncontrols += add(tu_make(d, &reg_control, "title=Control", "owner=PER-1",
                             arena_printf(dom_arena(d), "status=%s", statuses[pick(3)]),
                             arena_printf(dom_arena(d), "effectiveness=%s", effects[pick(4)]),
                             treats(), NULL));
}

/* A few requirements of two frameworks, so that several mappings meet. */
static const char *a_requirement(void)
{
    return pick(3) ? arena_printf(dom_arena(d), "iso27001-2022:A.8.%d", 1 + pick(12))
                   : arena_printf(dom_arena(d), "iso27001-2022:A.5.%d", 1 + pick(6));
}

static void add_mapping(void)
{
    if (!ncontrols)
        return;
    record in, out;
    isms_err e = { 0 };
    record_init(&in, &reg_mapping, dom_arena(d));
    int rc =
        dom_set_text(d, &in, regdef_field(&reg_mapping, "control"), key_of("CTL", ncontrols), &e);
    if (!rc)
        rc = dom_set_text(d, &in, regdef_field(&reg_mapping, "target"), a_requirement(), &e);
    if (!rc)
        rc = dom_set_text(d, &in, regdef_field(&reg_mapping, "relationship"), rels[pick(5)], &e);
    nmappings += !rc && !dom_add(d, &in, &out, &e);
}

static void change_control(void)
{
    const char *key = key_of("CTL", ncontrols), *change;
    arena *a = dom_arena(d);
    switch (pick(4)) {
    case 0: change = arena_printf(a, "status=%s", statuses[pick(3)]); break;
    case 1: change = arena_printf(a, "effectiveness=%s", effects[pick(4)]); break;
    case 2: change = treats(); break;
    default: retire(&reg_control, key); return;
    }
    update(&reg_control, key, tu_make(d, &reg_control, change, NULL));
}

static void change_mapping(void)
{
    const char *key = key_of("MAP", nmappings);
    if (pick(2))
        retire(&reg_mapping, key);
    else
        update(&reg_mapping, key,
               tu_make(d, &reg_mapping,
                       arena_printf(dom_arena(d), "relationship=%s", rels[pick(5)]), NULL));
}

static void change_risk(void)
{
    const char *key = key_of("RISK", nrisks);
    if (pick(4))
        update(&reg_risk, key, tu_make(d, &reg_risk, treatment(), NULL));
    else
        retire(&reg_risk, key);
}

/* A write drawn by weight: risks and controls first, while there are none. */
static void (*const writes[])(void) = { add_risk,       add_risk,       add_control, add_control,
                                        add_mapping,    add_mapping,    add_mapping, change_control,
                                        change_control, change_mapping, change_risk, change_risk };

static void one_write(void)
{
    void (*w)(void) = writes[pick(12)];
    if (!nrisks)
        w = add_risk;
    else if (!ncontrols && w != add_risk)
        w = add_control;
    w();
}

/* A transaction that keeps some writes and rolls a savepoint's back. */
static void writes_with_a_savepoint_rolled_back(void)
{
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    one_write();
    assert_int_equal(dom_txn_begin(d, &e), 0);
    add_mapping();
    change_control();
    change_risk();
    add_control();
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    one_write();
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
}

static void count_differences(const char *name, int64_t kept, int64_t counted, void *ctx)
{
    fprintf(stderr, "  figure %s: kept %lld, counted %lld\n", name, (long long)kept,
            (long long)counted);
    (*(int *)ctx)++;
}

/* Every kept figure equals its count from the records. */
static void assert_kept_equal_a_recount(void) { tu_figures_as_counted(d); }

/* The dashboard's coverage (kept) against each framework's counted over
 * every control and mapping. */
static void assert_coverage_as_counted(void)
{
    cov_report *all;
    int n;
    isms_err e = { 0 };
    assert_int_equal(dom_coverage_all(d, &all, &n, &e), 0);
    static const char *const frameworks[] = { "iso27001-2022", "csf-2.0", "nis2", "dora" };
    int mapped = 0;
    for (size_t f = 0; f < sizeof frameworks / sizeof *frameworks; f++) {
        cov_report one;
        assert_int_equal(dom_coverage(d, frameworks[f], &one, &e), 0);
        if (!one.mapped)
            continue;
        assert_true(mapped < n);
        const cov_report *k = &all[mapped++];
        assert_string_equal(k->framework, one.framework);
        assert_int_equal(k->mapped, one.mapped);
        assert_memory_equal(k->total.n, one.total.n, sizeof one.total.n);
        assert_int_equal(k->ngroups, one.ngroups);
        for (int g = 0; g < one.ngroups; g++)
            assert_memory_equal(k->groups[g].n, one.groups[g].n, sizeof one.groups[g].n);
        assert_int_equal(k->nitems, one.nitems);
        for (int i = 0; i < one.nitems; i++)
            assert_int_equal(k->items[i].state, one.items[i].state);
    }
    assert_int_equal(mapped, n);
}

static void assert_untreated_as_counted(void)
{
    dom_dash kept, counted;
    isms_err e = { 0 };
    if (dom_dashboard(d, &kept, &e) || dom_dashboard_recount(d, &counted, &e))
        fail_msg("dashboard: %s", e.msg);
    assert_int_equal(kept.untreated, counted.untreated);
}

static void kept_coverage_and_treated_equal_a_recount(void **state)
{
    (void)state;
    for (int round = 0; round < 6; round++) {
        for (int k = 0; k < 40; k++)
            one_write();
        writes_with_a_savepoint_rolled_back();
        assert_kept_equal_a_recount();
        assert_coverage_as_counted();
        assert_untreated_as_counted();
    }
    cov_report *all;
    int n;
    isms_err e = { 0 };
    assert_int_equal(dom_coverage_all(d, &all, &n, &e), 0);
    /* the writes made every state count something */
    assert_int_equal(n, 1);
    assert_true(all[0].total.n[COV_COVERED] > 0 && all[0].total.n[COV_PARTIAL] > 0);
    assert_true(all[0].mapped > 10);
    dom_dash s;
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_true(s.untreated > 0 && s.untreated < s.risks);
    tu_verified(d);
}

/* A savepoint rolled back takes its figure changes with it; a released
 * one hands them to its transaction. */
static void a_rolled_back_savepoint_leaves_them_as_they_were(void **state)
{
    (void)state;
    tallies before, after;
    tallies_init(&before);
    tallies_init(&after);
    isms_err e = { 0 };
    assert_int_equal(tallies_read(d, NULL, &before, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    for (int k = 0; k < 10; k++) {
        add_mapping();
        change_control();
    }
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    assert_int_equal(tallies_read(d, NULL, &after, &e), 0);
    int differ = 0;
    tallies_compare(&before, &after, count_differences, &differ);
    assert_int_equal(differ, 0);
    tallies_reset(&before);
    tallies_reset(&after);
    assert_kept_equal_a_recount();
}

static int64_t requirement_id(const char *ref)
{
    int64_t id;
    const char *key;
    int retired;
    isms_err e = { 0 };
    assert_int_equal(dom_find(d, &reg_requirement, ref, &id, &key, &retired, &e), 0);
    assert_true(id > 0);
    return id;
}

static void reopen(void)
{
    isms_err e = { 0 };
    dom_close(d);
    if (dom_open(repo, &d, &e))
        fail_msg("open: %s", e.msg);
}

/* The dashboard reads coverage and the risks treated from the kept
 * figures, not from the controls: a figure changed behind isms's back
 * shows in it (and in verify --full, which names it). */
static void the_dashboard_reads_the_kept_figures_and_verify_names_a_changed_one(void **state)
{
    (void)state;
    tu_verified(d);
    cov_report *was;
    int n;
    dom_dash before;
    isms_err e = { 0 };
    assert_int_equal(dom_coverage_all(d, &was, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(dom_dashboard(d, &before, &e), 0);
    cov_tally total = was[0].total;
    int mapped = was[0].mapped;
    /* A.8.30 is never mapped above: a gap */
    int64_t id = requirement_id("iso27001-2022:A.8.30");
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO tally (name, n) VALUES ('coverage.%lld', 1), ('coverage.%lld.full', 1)",
             (long long)id, (long long)id);
    tu_sql(repo, sql);
    tu_sql(repo, "UPDATE tally SET n = n + 1 WHERE name = 'risk.treated'");
    reopen(); /* the dashboard a write ago is cached until the next */
    cov_report *now;
    dom_dash after;
    assert_int_equal(dom_coverage_all(d, &now, &n, &e), 0);
    assert_int_equal(dom_dashboard(d, &after, &e), 0);
    assert_int_equal(now[0].mapped, mapped + 1);
    assert_int_equal(now[0].total.n[COV_COVERED], total.n[COV_COVERED] + 1);
    assert_int_equal(now[0].total.n[COV_GAP], total.n[COV_GAP] - 1);
    assert_int_equal(after.untreated, before.untreated - 1);

    verify_report rep;
    verify_report_init(&rep);
    dom_verify(d, &rep, &e);
    assert_int_equal(rep.problems, 3);
    assert_contains(buf_str(&rep.details),
                    arena_printf(dom_arena(d),
                                 "kept figure coverage.%lld.full is 1 where the "
                                 "records count 0",
                                 (long long)id));
    assert_contains(buf_str(&rep.details), "kept figure risk.treated is");
    verify_report_reset(&rep);
    /* counted again from the records, they are whole */
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    tu_verified(d);
    assert_coverage_as_counted();
}

/* A repository at 0015: the upgrade to 0016 counts them from its records. */
static void an_upgrade_counts_them_from_the_records(void **state)
{
    (void)state;
    const char *old = tu_repo("link_tallies_old.isms");
    isms_err e = { 0 };
    setenv("ISMS_MIGRATE_UNTIL", "15", 1);
    dom *keep = d;
    d = created(old);
    int r = nrisks, c = ncontrols, m = nmappings;
    nrisks = ncontrols = nmappings = 0;
    for (int k = 0; k < 60; k++)
        one_write();
    /* one risk a control in place treats, at least */
    record risk, ctl;
    isms_err e2 = { 0 };
    assert_int_equal(dom_add(d,
                             tu_make(d, &reg_risk, "title=Treated", "owner=PER-2", "likelihood=2",
                                     "impact=2", "treatment=mitigate", NULL),
                             &risk, &e2),
                     0);
    assert_int_equal(
        dom_add(d,
                tu_make(d, &reg_control, "title=In place", "owner=PER-1", "status=operating",
                        arena_printf(dom_arena(d), "treats=%s", risk.key), NULL),
                &ctl, &e2),
        0);
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 15);
    tallies t;
    tallies_init(&t);
    assert_int_equal(tallies_read(d, NULL, &t, &e), 0);
    assert_true(tallies_get(&t, "risk.treated") >= 1);
    tallies_reset(&t);
    assert_kept_equal_a_recount();
    assert_coverage_as_counted();
    tu_verified(d);
    dom_close(d);
    d = keep;
    nrisks = r, ncontrols = c, nmappings = m;
}

TU_MAIN(setup, teardown, cmocka_unit_test(kept_coverage_and_treated_equal_a_recount),
        cmocka_unit_test(a_rolled_back_savepoint_leaves_them_as_they_were),
        cmocka_unit_test(the_dashboard_reads_the_kept_figures_and_verify_names_a_changed_one),
        cmocka_unit_test(an_upgrade_counts_them_from_the_records))
