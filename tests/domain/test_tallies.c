/* The dashboard's kept figures (domain/registers/tallies.h, issue 16
 * point 1): after random adds, updates, retires and acceptances, some
 * refused and some rolled back, the dashboard from the kept figures equals
 * the one counted over every register; verify --full counts them again
 * and names one changed behind isms's back; a rolled-back write leaves
 * them as they were. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/integrity/verify.h"
#include "domain/views/dashboard.h"
#include "domain/views/query.h"
#include "domain/views/states.h"
#include "domain/workflows/quantify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;
static const char *repo;
static unsigned seed = 16;

static int setup(void **state)
{
    (void)state;
    tu_clock();
    repo = tu_repo("tallies.isms");
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "tallies-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

static int pick(int n) { return (int)(rand_r(&seed) % (unsigned)n); }

/* An active record's key of `reg` numbered up to `max` (it may be
 * retired or missing: the write is then refused, which is fine). */
static const char *some_key(const char *prefix, int max)
{
    return arena_printf(dom_arena(d), "%s-%d", prefix, 1 + pick(max));
}

static const char *a_date(void)
{
    return arena_printf(dom_arena(d), "20%02d-%02d-%02d", 26 + pick(3), 1 + pick(12), 1 + pick(28));
}

static int nrisks, ncontrols, nobjectives, nacceptances;

static int add(record *r)
{
    record out;
    isms_err e = { 0 };
    return dom_add(d, r, &out, &e);
}

static void add_objective(void)
{
    const char *stake = arena_printf(dom_arena(d), "value_at_stake=%d", 1000 * (1 + pick(50)));
    nobjectives += !add(tu_make(d, &reg_objective, "title=Objective", "owner=PER-1", stake, NULL));
}

static const char *objectives_text(void)
{
    int n = nobjectives ? pick(3) : 0;
    const char *s = "objectives=";
    for (int k = 0; k < n; k++)
        s = arena_printf(dom_arena(d), "%s%s%s", s, k ? "," : "", some_key("OBJ", nobjectives));
    return s;
}

static const char *const treatments[] = { "mitigate", "accept", "avoid", "transfer" };

static void add_risk(void)
{
    int l = 1 + pick(5), i = 1 + pick(5), quantified = pick(2);
    record *r = tu_make(
        d, &reg_risk, "title=Risk", "owner=PER-2", arena_printf(dom_arena(d), "likelihood=%d", l),
        arena_printf(dom_arena(d), "impact=%d", i),
        arena_printf(dom_arena(d), "residual_likelihood=%d", 1 + pick(l)),
        arena_printf(dom_arena(d), "treatment=%s", treatments[pick(4)]), objectives_text(),
        arena_printf(dom_arena(d), "review_date=%s", a_date()),
        quantified ? "lef=const(1)" : "description=not quantified",
        quantified ? "primary_loss=const(1000)" : "description=not quantified", NULL);
    nrisks += !add(r);
}

static const char *const statuses[] = { "planned", "implemented", "operating" };
static const char *const effects[] = { "not-assessed", "effective", "partially-effective",
                                       "ineffective" };

static void add_control(void)
{
    const char *treats = arena_printf(dom_arena(d), "treats=%s,%s", some_key("RISK", nrisks + 1),
                                      some_key("RISK", nrisks + 1));
    record *r = tu_make(d, &reg_control, "title=Control", "owner=PER-1",
                        arena_printf(dom_arena(d), "status=%s", statuses[pick(3)]),
                        arena_printf(dom_arena(d), "effectiveness=%s", effects[pick(4)]),
                        arena_printf(dom_arena(d), "cost=%d", pick(1000)), treats, NULL);
    ncontrols += !add(r);
}

static void update(const regdef *reg, const char *key, record *changes)
{
    record out;
    isms_err e = { 0 };
    dom_update(d, reg, key, changes, 0, &out, NULL, &e);
}

static void change_risk(void)
{
    const char *key = some_key("RISK", nrisks);
    switch (pick(8)) {
    case 0:
    case 5:
        update(&reg_risk, key,
               tu_make(d, &reg_risk, arena_printf(dom_arena(d), "residual_impact=%d", 1 + pick(5)),
                       NULL));
        break;
    case 1:
        update(&reg_risk, key,
               tu_make(d, &reg_risk,
                       arena_printf(dom_arena(d), "treatment=%s", treatments[pick(4)]), NULL));
        break;
    case 2:
    case 6: update(&reg_risk, key, tu_make(d, &reg_risk, objectives_text(), NULL)); break;
    case 3:
        update(&reg_risk, key,
               tu_make(d, &reg_risk, pick(2) ? "lef=const(2)" : "lef=",
                       pick(2) ? "primary_loss=const(10)" : "primary_loss=",
                       arena_printf(dom_arena(d), "review_date=%s", a_date()), NULL));
        break;
    default: {
        record out;
        isms_err e = { 0 };
        dom_retire(d, &reg_risk, key, &out, &e);
    }
    }
}

static void change_control(void)
{
    const char *key = some_key("CTL", ncontrols);
    record out;
    isms_err e = { 0 };
    switch (pick(7)) {
    case 0:
    case 4:
        update(&reg_control, key,
               tu_make(d, &reg_control, arena_printf(dom_arena(d), "status=%s", statuses[pick(3)]),
                       arena_printf(dom_arena(d), "cost=%d", pick(1000)), NULL));
        break;
    case 1:
    case 5:
        update(&reg_control, key,
               tu_make(d, &reg_control,
                       arena_printf(dom_arena(d), "effectiveness=%s", effects[pick(4)]),
                       arena_printf(dom_arena(d), "treats=%s", some_key("RISK", nrisks)), NULL));
        break;
    case 2: dom_retire(d, &reg_control, key, &out, &e); break;
    case 3: /* (the value an objective not quantified counts) */
        update(&reg_objective, some_key("OBJ", nobjectives),
               tu_make(d, &reg_objective,
                       arena_printf(dom_arena(d), "value_at_stake=%d", 1000 * (1 + pick(50))),
                       NULL));
        break;
    default: dom_retire(d, &reg_objective, some_key("OBJ", nobjectives), &out, &e);
    }
}

static void accept_some_risk(void)
{
    record out;
    isms_err e = { 0 };
    tu_as(d, "PER-1"); /* the management body may accept any */
    const char *expires = arena_printf(dom_arena(d), "2027-%02d-%02d", 1 + pick(12), 1 + pick(28));
    if (pick(4)) /* (some never lapse) */
        dom_risk_accept(d, some_key("RISK", nrisks), "tested", expires, &out, &e);
    else
        dom_risk_accept(d, some_key("RISK", nrisks), "tested", NULL, &out, &e);
    nacceptances += !e.code;
    tu_as(d, NULL);
}

/* An acceptance withdrawn: its risk counts under the expiry of the rest. */
static void retire_some_acceptance(void)
{
    record out;
    isms_err e = { 0 };
    if (nacceptances)
        dom_retire(d, &reg_acceptance, some_key("ACC", nacceptances), &out, &e);
}

/* Several writes in one transaction, undone. */
static void rolled_back_writes(void)
{
    isms_err e = { 0 };
    if (dom_txn_begin(d, &e))
        fail_msg("begin: %s", e.msg);
    add_risk();
    change_risk();
    add_control();
    dom_txn_end(d, E_CONFLICT, &e);
}

static void random_writes(int n)
{
    for (int k = 0; k < n; k++) {
        int what = pick(20);
        if (what < 2 || !nobjectives)
            add_objective();
        else if (what < 9 || !nrisks)
            add_risk();
        else if (what < 12 || !ncontrols)
            add_control();
        else if (what < 15)
            change_risk();
        else if (what < 17)
            change_control();
        else if (what < 18)
            accept_some_risk();
        else if (what < 19)
            pick(2) ? accept_some_risk() : retire_some_acceptance();
        else
            rolled_back_writes();
    }
}

#define SAME(field) assert_int_equal(kept->field, counted->field)

static void same_keys(const dash_keys *a, const dash_keys *b, const char *what)
{
    if (a->total != b->total || a->n != b->n)
        fail_msg("%s: %lld keys (%zu listed) kept, %lld (%zu) counted", what, (long long)a->total,
                 a->n, (long long)b->total, b->n);
    for (size_t k = 0; k < a->n; k++)
        if (strcmp(a->keys[k], b->keys[k]))
            fail_msg("%s: key %zu is %s kept, %s counted", what, k, a->keys[k], b->keys[k]);
}

static void same_dashboard(const dom_dash *kept, const dom_dash *counted)
{
    SAME(risks);
    SAME(quantified);
    SAME(objectives);
    SAME(objective_value);
    SAME(value_unquantified);
    SAME(outside_appetite);
    SAME(untreated);
    SAME(accepted_without);
    SAME(acceptances_lapsed);
    SAME(no_objective);
    SAME(overdue);
    SAME(not_assessed);
    SAME(ineffective);
    SAME(partial);
    SAME(control_cost);
    SAME(assets);
    SAME(raised);
    SAME(ntop);
    SAME(risk_owners);
    SAME(responsibility_gaps);
    SAME(owners_with_budget);
    SAME(controls_without_risk);
    SAME(decided_amount);
    SAME(amount_on_risk);
    SAME(decisions_on_risk);
    SAME(decisions_overdue);
    SAME(taken_last_year);
    assert_memory_equal(kept->decisions, counted->decisions, sizeof kept->decisions);
    assert_memory_equal(kept->bands, counted->bands, sizeof kept->bands);
    assert_memory_equal(kept->heat, counted->heat, sizeof kept->heat);
    assert_memory_equal(kept->controls, counted->controls, sizeof kept->controls);
    for (int k = 0; k < kept->ntop; k++) {
        assert_string_equal(kept->top[k].key, counted->top[k].key);
        assert_string_equal(kept->top[k].owner, counted->top[k].owner);
        assert_string_equal(kept->top[k].title, counted->top[k].title);
        assert_string_equal(kept->top[k].treatment, counted->top[k].treatment);
        assert_string_equal(kept->top[k].residual_band, counted->top[k].residual_band);
        assert_int_equal(kept->top[k].residual, counted->top[k].residual);
        assert_int_equal(kept->top[k].score, counted->top[k].score);
    }
    same_keys(&kept->unquantified, &counted->unquantified, "not quantified");
    same_keys(&kept->unquantified_objectives, &counted->unquantified_objectives,
              "objectives not quantified");
    same_keys(&kept->untreated_keys, &counted->untreated_keys, "untreated");
    same_keys(&kept->outside, &counted->outside, "outside appetite");
    same_keys(&kept->matrix_disagrees, &counted->matrix_disagrees, "matrix disagrees");
}

static void assert_dashboards_agree(const char *today)
{
    setenv("ISMS_NOW", today, 1);
    dom_dash kept, counted;
    isms_err e = { 0 };
    if (dom_dashboard(d, &kept, &e) || dom_dashboard_recount(d, &counted, &e))
        fail_msg("dashboard: %s", e.msg);
    same_dashboard(&kept, &counted);
    tu_clock();
}

static void assert_verified(void) { tu_verified(d); }

static void kept_figures_equal_a_recount_after_random_writes(void **state)
{
    (void)state;
    for (int round = 0; round < 6; round++) {
        random_writes(30);
        assert_dashboards_agree("2026-11-23T12:00:00Z");
        /* later: reviews overdue and acceptances lapsed */
        assert_dashboards_agree("2027-07-01T00:00:00Z");
    }
    dom_dash s;
    isms_err e = { 0 };
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    /* the writes made every figure count something */
    assert_true(s.risks > 20 && s.quantified > 0 && s.unquantified.total > 0);
    assert_true(s.controls[0] > 0 && s.controls[1] + s.controls[2] > 0 && s.control_cost > 0);
    assert_true(s.untreated > 0 && s.objectives > 0);
    assert_verified();
}

static void tallies_of(tallies *t)
{
    isms_err e = { 0 };
    tallies_init(t);
    if (tallies_read(d, NULL, t, &e))
        fail_msg("tallies: %s", e.msg);
}

static void count_differences(const char *name, int64_t a, int64_t b, void *ctx)
{
    (void)name;
    (void)a;
    (void)b;
    (*(int *)ctx)++;
}

static void a_rolled_back_write_leaves_them_unchanged(void **state)
{
    (void)state;
    tallies before, after;
    tallies_of(&before);
    for (int k = 0; k < 5; k++)
        rolled_back_writes();
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    add_risk();
    assert_int_equal(dom_txn_begin(d, &e), 0); /* a savepoint */
    add_control();
    change_risk();
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    tallies_of(&after);
    int differ = 0;
    assert_int_equal(tallies_compare(&before, &after, count_differences, &differ), 0);
    tallies_reset(&after);
    /* and a committed one moves them */
    tu_add(d, tu_make(d, &reg_risk, "title=Kept", "owner=PER-2", "likelihood=2", "impact=2", NULL));
    tallies_of(&after);
    assert_true(tallies_compare(&before, &after, count_differences, &differ) > 0);
    assert_int_equal(tallies_get(&after, "records.risk"), tallies_get(&before, "records.risk") + 1);
    tallies_reset(&before);
    tallies_reset(&after);
}

/* verify's readers count a share of the records each: their figures add
 * up (tallies_add) to the whole, figure by figure. */
static void figures_counted_in_parts_add_up(void **state)
{
    (void)state;
    tallies whole, sum;
    tallies_of(&whole);
    tallies_init(&sum);
    assert_true(tallies_get(&whole, "records.risk") > 0);
    tallies_add(&sum, &whole);
    int differ = 0;
    assert_int_equal(tallies_compare(&sum, &whole, count_differences, &differ), 0);
    tallies_add(&sum, &whole);
    assert_int_equal(tallies_get(&sum, "records.risk"), 2 * tallies_get(&whole, "records.risk"));
    assert_int_equal(tallies_get(&sum, "objective.value"),
                     2 * tallies_get(&whole, "objective.value"));
    /* every figure that is not 0 now differs */
    int n = tallies_compare(&sum, &whole, count_differences, &differ);
    assert_int_equal(n, differ);
    assert_true(n > 1);
    tallies_reset(&sum);
    tallies_reset(&whole);
}

/* The count of active risks as the dashboard's figures say now. */
static int64_t kept_risks(void)
{
    tallies t;
    tallies_of(&t);
    int64_t n = tallies_get(&t, "records.risk");
    tallies_reset(&t);
    return n;
}

static void add_titled(const char *title)
{
    tu_add(d, tu_make(d, &reg_risk, arena_printf(dom_arena(d), "title=%s", title), "owner=PER-2",
                      "likelihood=2", "impact=2", NULL));
}

/* The figure changes of a transaction wait for its commit (store/tally.c)
 * and follow its savepoints: read inside it they count what it did so
 * far; a savepoint rolled back takes those made in it, nested ones
 * released into it included, and a recount inside one rolled back leaves
 * the figures as they were. */
static void figures_wait_for_the_commit_and_follow_savepoints(void **state)
{
    (void)state;
    int64_t before = kept_risks();
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    add_titled("Waits 1");
    assert_int_equal(kept_risks(), before + 1);
    assert_int_equal(dom_txn_begin(d, &e), 0); /* S1 */
    add_titled("Waits 2");
    assert_int_equal(dom_txn_begin(d, &e), 0); /* S2, inside S1 */
    add_titled("Waits 3");
    assert_int_equal(dom_txn_end(d, 0, &e), 0); /* S2 released into S1 */
    assert_int_equal(kept_risks(), before + 3);
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT); /* S1 rolled back */
    assert_int_equal(kept_risks(), before + 1);
    assert_int_equal(dom_txn_begin(d, &e), 0); /* a recount, rolled back */
    assert_int_equal(dom_tallies_rebuild(d, &e), 0);
    assert_int_equal(kept_risks(), before + 1);
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    assert_int_equal(kept_risks(), before + 1);
    assert_int_equal(dom_txn_begin(d, &e), 0); /* a recount, kept */
    assert_int_equal(dom_tallies_rebuild(d, &e), 0);
    add_titled("Waits 4");
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    assert_int_equal(kept_risks(), before + 2);
    assert_dashboards_agree("2026-11-23T12:00:00Z");
    assert_verified();
}

/* A verification inside a write transaction (an import verifies the new
 * repository before its commit) reads the records through that
 * transaction: another connection would see none of its writes, the sums
 * would differ and every record be read again one by one against a map of
 * every key (160 MB at 1M records). */
static void a_verify_inside_a_write_reads_its_own_writes(void **state)
{
    (void)state;
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    add_titled("Seen by no other connection yet");
    verify_report rep;
    verify_report_init(&rep);
    assert_int_equal(dom_verify(d, &rep, &e), 0);
    assert_int_equal(rep.problems, 0);
    assert_true(rep.records > 0);
    if (strstr(buf_str(&rep.notes), "one by one"))
        fail_msg("verify read the records again one by one: %s", buf_str(&rep.notes));
    verify_report_reset(&rep);
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
}

static void a_changed_figure_fails_verify_full_naming_it(void **state)
{
    (void)state;
    assert_verified();
    tu_sql(repo, "UPDATE tally SET n = n + 3 WHERE name = 'records.risk'");
    tu_sql(repo, "INSERT INTO tally (name, n) VALUES ('risk.cell.9.9', 1)");
    verify_report rep;
    verify_report_init(&rep);
    isms_err e = { 0 };
    dom_verify(d, &rep, &e);
    assert_int_equal(rep.problems, 2);
    assert_contains(buf_str(&rep.details), "kept figure records.risk is");
    assert_contains(buf_str(&rep.details),
                    "kept figure risk.cell.9.9 is 1 where the records count 0");
    verify_report_reset(&rep);
    /* counted again from the records, they are whole */
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    assert_verified();
}

/* A list's total by `field` = `val` of reg: *kept as dom_count_query
 * gives it, *counted as the store counts the same query. */
static void total_by(const regdef *reg, const char *field, const char *val, int64_t *kept,
                     int64_t *counted)
{
    store_query q = { 0 };
    dom_filter_arg a = { regdef_field(reg, field), val };
    isms_err e = { 0 };
    if (dom_query_filters(d, reg, &a, 1, &q, &e) || dom_count_query(d, reg, &q, kept, &e) ||
        store_count(dom_store(d), reg, &q, counted, &e))
        fail_msg("%s=%s: %s", field, val, e.msg);
}

/* The same for the risks of residual cell (l, i), the filters in the
 * order the heat map writes them or, impact_first, the other. */
static void cell_total(int l, int i, int impact_first, int64_t *kept, int64_t *counted)
{
    store_query q = { 0 };
    dom_filter_arg a[2] = {
        { regdef_field(&reg_risk, "residual_likelihood"), arena_printf(dom_arena(d), "%d", l) },
        { regdef_field(&reg_risk, "residual_impact"), arena_printf(dom_arena(d), "%d", i) },
    };
    if (impact_first) {
        dom_filter_arg first = a[0];
        a[0] = a[1];
        a[1] = first;
    }
    isms_err e = { 0 };
    if (dom_query_filters(d, &reg_risk, a, 2, &q, &e) ||
        dom_count_query(d, &reg_risk, &q, kept, &e) ||
        store_count(dom_store(d), &reg_risk, &q, counted, &e))
        fail_msg("cell %d.%d: %s", l, i, e.msg);
}

/* The total of a list by one value of a field of few values, by owner, by
 * a role or by a residual cell is a kept figure (0037): equal to the
 * store's count for each value after random writes; the figure itself
 * (moved behind isms's back, the total follows); inside a write, counted
 * with the write's own records. The dashboard's read of the figures
 * leaves them out. */
static void a_list_total_by_one_value_is_a_kept_figure(void **state)
{
    (void)state;
    random_writes(80);
    static const struct {
        const regdef *reg;
        const char *field, *values[6];
    } cases[] = {
        { &reg_risk, "likelihood", { "1", "2", "3", "4", "5" } },
        { &reg_risk, "residual_likelihood", { "1", "2", "3", "4", "5" } },
        { &reg_risk, "residual_impact", { "1", "2", "3", "4", "5" } },
        { &reg_risk, "treatment", { "mitigate", "accept", "avoid", "transfer", "undecided" } },
        { &reg_risk, "owner", { "PER-1", "PER-2" } },
        { &reg_control, "status", { "planned", "implemented", "operating" } },
        { &reg_control, "effectiveness", { "effective", "ineffective", "not-assessed" } },
        { &reg_person, "roles", { "risk-owner", "management-body", "internal-auditor" } },
    };
    int nonzero = 0;
    int64_t kept, counted;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (int v = 0; v < 6 && cases[c].values[v]; v++) {
            total_by(cases[c].reg, cases[c].field, cases[c].values[v], &kept, &counted);
            if (kept != counted)
                fail_msg("%s %s=%s: %lld kept, %lld counted", cases[c].reg->name, cases[c].field,
                         cases[c].values[v], (long long)kept, (long long)counted);
            nonzero += kept > 0;
        }
    assert_true(nonzero >= 20);
    /* the heat map's cells: both residual levels, either order */
    for (int l = 1; l <= 5; l++)
        for (int i = 1; i <= 5; i++) {
            cell_total(l, i, (l + i) % 2, &kept, &counted);
            if (kept != counted)
                fail_msg("cell %d.%d: %lld kept, %lld counted", l, i, (long long)kept,
                         (long long)counted);
            nonzero += kept > 0;
        }
    assert_true(nonzero >= 30);
    /* the figure answers: moved behind isms's back, the total follows */
    int64_t three, owned, cell;
    total_by(&reg_risk, "likelihood", "3", &three, &counted);
    total_by(&reg_risk, "owner", "PER-2", &owned, &counted);
    cell_total(2, 3, 1, &cell, &counted);
    tu_sql(repo, "UPDATE tally SET n = n + 1000 WHERE name = 'value.risk.likelihood.3'");
    tu_sql(repo, "UPDATE tally SET n = n + 7 WHERE name LIKE 'owner.risk.%'");
    tu_sql(repo, "UPDATE tally SET n = n + 500 WHERE name = 'risk.cell.2.3'");
    total_by(&reg_risk, "likelihood", "3", &kept, &counted);
    assert_int_equal(kept, three + 1000);
    total_by(&reg_risk, "owner", "PER-2", &kept, &counted);
    assert_int_equal(kept, owned + 7);
    for (int impact_first = 0; impact_first < 2; impact_first++) {
        cell_total(2, 3, impact_first, &kept, &counted);
        assert_int_equal(kept, cell + 500);
    }
    /* the dashboard reads none of them, verify --full all */
    tallies t;
    isms_err e = { 0 };
    tallies_init(&t);
    assert_int_equal(tallies_read(d, "2026-01-01", &t, &e), 0);
    assert_int_equal(tallies_get(&t, "value.risk.likelihood.3"), 0);
    assert_true(tallies_get(&t, "records.risk") > 0);
    tallies_reset(&t);
    tallies_of(&t);
    assert_int_equal(tallies_get(&t, "value.risk.likelihood.3"), three + 1000);
    tallies_reset(&t);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    assert_verified();
    /* inside a write: the store counts, the write's risk among them */
    assert_int_equal(dom_txn_begin(d, &e), 0);
    tu_add(d,
           tu_make(d, &reg_risk, "title=Inside", "owner=PER-2", "likelihood=3", "impact=1", NULL));
    total_by(&reg_risk, "likelihood", "3", &kept, &counted);
    assert_int_equal(kept, three + 1);
    assert_int_equal(counted, three + 1);
    dom_txn_end(d, E_CONFLICT, &e);
    total_by(&reg_risk, "likelihood", "3", &kept, &counted);
    assert_int_equal(kept, three);
}

/* Every figure of `all` whose name starts with prefix (want 1) or does not
 * (want 0) and is not by value or a day's, against `got`: the same names,
 * the same counts. */
static void same_figures(const tallies *all, const tallies *got, const char *prefix, int want)
{
    size_t n = 0, had = 0;
    for (size_t i = 0; i < all->m.cap; i++) {
        const char *name = all->m.slots[i].key;
        if (!name || !*(const int64_t *)all->m.slots[i].value ||
            (!want && (!strncmp(name, "value.", 6) || !strncmp(name, "day.", 4))))
            continue;
        if ((strncmp(name, prefix, strlen(prefix)) == 0) != want)
            continue;
        n++;
        if (tallies_get(got, name) != tallies_get(all, name))
            fail_msg("%s: %lld read, %lld kept", name, (long long)tallies_get(got, name),
                     (long long)tallies_get(all, name));
    }
    for (size_t i = 0; i < got->m.cap; i++)
        had += got->m.slots[i].key && strncmp(got->m.slots[i].key, "day.", 4);
    assert_true(n > 0);
    assert_int_equal(had, n);
}

/* The dashboard reads every figure but the owners' (a row per owner and
 * register), the responsibility matrix and coverage only their own: each
 * one range of names, the same figures a whole read gives, in a write
 * transaction too (the figures waiting for its commit merged in). */
static void a_read_of_some_figures_gives_those_of_a_whole_read(void **state)
{
    (void)state;
    isms_err e = { 0 };
    for (int inside = 0; inside < 2; inside++) {
        if (inside) {
            assert_int_equal(dom_txn_begin(d, &e), 0);
            tu_add(d, tu_make(d, &reg_risk, "title=Read inside", "owner=PER-2", "likelihood=2",
                              "impact=4", NULL));
        }
        tallies all, but, only;
        tallies_of(&all);
        tallies_init(&but);
        tallies_init(&only);
        assert_int_equal(tallies_read_but(d, TALLIES_NO_DAYS,
                                          (const char *const[]){ TALLY_OWNER_PREFIX, NULL }, &but,
                                          &e),
                         0);
        assert_int_equal(tallies_read_prefix(d, TALLY_OWNER_PREFIX, &only, &e), 0);
        same_figures(&all, &but, TALLY_OWNER_PREFIX, 0);
        same_figures(&all, &only, TALLY_OWNER_PREFIX, 1);
        if (inside)
            assert_true(tallies_get(&only, "owner.risk.2") > 0);
        tallies_reset(&all);
        tallies_reset(&but);
        tallies_reset(&only);
        if (inside)
            dom_txn_end(d, E_CONFLICT, &e);
    }
}

/* A list's total in state `state` of reg (dom_states' name) on `when`:
 * *kept as dom_count_query gives it, *counted as the store counts it. */
static void state_total(const regdef *reg, const char *state, const char *when, int64_t *kept,
                        int64_t *counted)
{
    setenv("ISMS_NOW", when, 1);
    int n, which = -1;
    const dom_state *st = dom_states(reg, &n);
    for (int k = 0; k < n; k++)
        if (!strcmp(st[k].name, state))
            which = k;
    assert_true(which >= 0);
    store_query q = { 0 };
    isms_err e = { 0 };
    if (dom_query_states(d, reg, &q, &which, 1, &e) || dom_count_query(d, reg, &q, kept, &e) ||
        store_count(dom_store(d), reg, &q, counted, &e))
        fail_msg("state %s: %s", state, e.msg);
    tu_clock();
}

/* The same for reg's records whose `field` lies before `day`. */
static void before_total(const regdef *reg, const char *field, const char *day, int64_t *kept,
                         int64_t *counted)
{
    store_filter f = { .field = &reg->fields[regdef_field(reg, field)], .sval = day, .below = 1 };
    store_query q = { .filters = &f, .nfilters = 1 };
    isms_err e = { 0 };
    if (dom_count_query(d, reg, &q, kept, &e) || store_count(dom_store(d), reg, &q, counted, &e))
        fail_msg("%s before %s: %s", field, day, e.msg);
}

/* The total of a list in one state (untreated, unaccepted, tied to no
 * objective, outside appetite, a review or an acceptance's expiry passed)
 * is read from the kept figures (a figure, one less another, or the
 * figures of a range of days): equal to the store's count on several days
 * after random writes; the figures answer (moved behind isms's back, the
 * totals follow). */
static void a_list_total_in_a_state_is_read_from_kept_figures(void **state)
{
    (void)state;
    random_writes(120);
    static const char *const days[] = { "2026-01-15T12:00:00Z", "2027-06-30T12:00:00Z",
                                        "2029-03-01T12:00:00Z" };
    static const struct {
        const regdef *reg;
        const char *state;
    } cases[] = {
        { &reg_risk, "overdue" },          { &reg_risk, "untreated" },
        { &reg_risk, "unaccepted" },       { &reg_risk, "no-objective" },
        { &reg_risk, "outside-appetite" }, { &reg_acceptance, "lapsed" },
    };
    int64_t kept, counted, moved[6][3];
    int nonzero = 0, differ = 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (int k = 0; k < 3; k++) {
            state_total(cases[c].reg, cases[c].state, days[k], &kept, &counted);
            if (kept != counted)
                fail_msg("%s %s on %s: %lld kept, %lld counted", cases[c].reg->name, cases[c].state,
                         days[k], (long long)kept, (long long)counted);
            nonzero += kept > 0;
            differ += k && kept != moved[c][k - 1];
            moved[c][k] = kept;
        }
    assert_true(nonzero >= 12);
    assert_true(differ >= 4);            /* the days move overdue, unaccepted and lapsed */
    for (int y = 2025; y <= 2030; y++) { /* any day, not only today */
        const char *day = arena_printf(dom_arena(d), "%d-07-01", y);
        before_total(&reg_risk, "review_date", day, &kept, &counted);
        assert_int_equal(kept, counted);
        before_total(&reg_acceptance, "expires_on", day, &kept, &counted);
        assert_int_equal(kept, counted);
    }
    /* the figures answer */
    tu_sql(repo, "UPDATE tally SET n = n + 100 WHERE name = 'risk.to_treat'");
    tu_sql(repo, "UPDATE tally SET n = n + 5 WHERE name = 'risk.accept'");
    /* in force on the day asked (2029), and lapsed before it */
    tu_sql(repo, "INSERT INTO tally (name, n) VALUES ('risk.accepted_until.2099-01-01', 2)");
    tu_sql(repo, "INSERT INTO tally (name, n) VALUES ('risk.accepted_until.2000-01-01', 7)");
    tu_sql(repo, "INSERT INTO tally (name, n) VALUES ('risk.review.2000-01-01', 9)");
    tu_sql(repo, "DELETE FROM tally WHERE name = 'analysis.outside'");
    tu_sql(repo, "INSERT INTO tally (name, n) VALUES ('analysis.outside', 4)");
    state_total(&reg_risk, "untreated", days[1], &kept, &counted);
    assert_int_equal(kept, moved[1][1] + 100);
    state_total(&reg_risk, "overdue", days[0], &kept, &counted);
    assert_int_equal(kept, moved[0][0] + 9);
    state_total(&reg_risk, "outside-appetite", days[0], &kept, &counted);
    assert_int_equal(kept, 4);
    state_total(&reg_risk, "unaccepted", days[2], &kept, &counted);
    assert_int_equal(kept, moved[2][2] + 5 - 2);
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    assert_verified();
}

/* A repository kept at schema 28, before the acceptances were counted by
 * the day they lapse (0029; ISMS_MIGRATE_UNTIL, as an older isms left
 * it): the list of those lapsed counts them, and says as many as it
 * lists; the risks' overdue, whose figures it keeps, agree too. */
static void before_0029_the_lapsed_are_counted(void **state)
{
    (void)state;
    dom *kept = d;
    int saved[4] = { nrisks, ncontrols, nobjectives, nacceptances };
    nrisks = ncontrols = nobjectives = nacceptances = 0;
    isms_err e = { 0 };
    const char *old = tu_repo("at-28.isms");
    setenv("ISMS_MIGRATE_UNTIL", "28", 1);
    if (dom_create(old, &(principal){ .actor = "tallies-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    random_writes(80);
    /* this isms notes them at any schema; an isms of schema 28 kept none */
    tu_sql(old, "DELETE FROM tally WHERE name LIKE 'acceptance.expires.%'");
    int64_t kept_n, counted;
    state_total(&reg_acceptance, "lapsed", "2029-03-01T12:00:00Z", &kept_n, &counted);
    assert_true(counted > 0);
    assert_int_equal(kept_n, counted);
    state_total(&reg_risk, "overdue", "2027-06-30T12:00:00Z", &kept_n, &counted);
    assert_true(counted > 0);
    assert_int_equal(kept_n, counted);
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    d = kept;
    nrisks = saved[0], ncontrols = saved[1], nobjectives = saved[2], nacceptances = saved[3];
}

/* A repository written before the figures were kept: the upgrade counts
 * them from its records (and the dashboard counted them itself before). */
static void an_upgrade_counts_them_from_the_records(void **state)
{
    (void)state;
    dom *kept = d;
    int saved[3] = { nrisks, ncontrols, nobjectives };
    nrisks = ncontrols = nobjectives = 0;
    const char *old = tu_repo("before-tallies.isms");
    isms_err e = { 0 };
    setenv("ISMS_MIGRATE_UNTIL", "9", 1);
    if (dom_create(old, &(principal){ .actor = "tallies-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    random_writes(80);
    assert_dashboards_agree("2026-11-23T12:00:00Z"); /* both count over the registers */
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 9);
    assert_dashboards_agree("2026-11-23T12:00:00Z");
    assert_dashboards_agree("2027-07-01T00:00:00Z");
    assert_verified();
    dom_close(d);
    d = kept;
    nrisks = saved[0], ncontrols = saved[1], nobjectives = saved[2];
}

/* Schema 26 kept the risks' and objectives' counts twice ("risk" beside
 * "records.risk"): the upgrade to 27 drops the older names, and the
 * dashboard reads the count every register keeps, before and after. */
static void the_upgrade_to_27_keeps_one_count_a_register(void **state)
{
    (void)state;
    dom *kept = d;
    int saved[3] = { nrisks, ncontrols, nobjectives };
    nrisks = ncontrols = nobjectives = 0;
    const char *old = tu_repo("before-one-count.isms");
    isms_err e = { 0 };
    setenv("ISMS_MIGRATE_UNTIL", "26", 1);
    if (dom_create(old, &(principal){ .actor = "tallies-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    random_writes(40);
    assert_dashboards_agree("2026-11-23T12:00:00Z");
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    /* as the isms of schema 26 kept them */
    tu_sql(old, "INSERT INTO tally (name, n) SELECT 'risk', n FROM tally WHERE name = "
                "'records.risk'");
    tu_sql(old, "INSERT INTO tally (name, n) SELECT 'objective', n FROM tally WHERE name = "
                "'records.objective'");
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 26);
    char *left =
        tu_sql_value(old, "SELECT COUNT(*) FROM tally WHERE name IN ('risk', 'objective')");
    assert_string_equal(left, "0");
    free(left);
    dom_dash dash, recounted;
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &recounted, &e), 0);
    assert_true(dash.risks > 0);
    assert_int_equal(dash.risks, recounted.risks);
    assert_int_equal(dash.objectives, recounted.objectives);
    assert_dashboards_agree("2026-11-23T12:00:00Z");
    assert_verified();
    dom_close(d);
    d = kept;
    nrisks = saved[0], ncontrols = saved[1], nobjectives = saved[2];
}

static dom_dash dashboard_on(const char *when)
{
    setenv("ISMS_NOW", when, 1);
    dom_dash s, counted;
    isms_err e = { 0 };
    if (dom_dashboard(d, &s, &e) || dom_dashboard_recount(d, &counted, &e))
        fail_msg("dashboard: %s", e.msg);
    assert_int_equal(s.accepted_without, counted.accepted_without);
    assert_int_equal(s.acceptances_lapsed, counted.acceptances_lapsed);
    tu_clock();
    return s;
}

/* An acceptance is in force through the day it expires, and lapsed the
 * day after; withdrawn, its risk is accepted without one; kept figures
 * and a count over the acceptances agree on each day. */
static void an_acceptance_is_in_force_through_its_last_day(void **state)
{
    (void)state;
    record out;
    isms_err e = { 0 };
    const char *risk = tu_add(d, tu_make(d, &reg_risk, "title=Accepted", "owner=PER-2",
                                         "likelihood=1", "impact=1", "treatment=accept", NULL));
    dom_dash before = dashboard_on("2027-03-10T12:00:00Z");
    tu_as(d, "PER-1");
    if (dom_risk_accept(d, risk, "small", "2027-03-10", &out, &e))
        fail_msg("accept: %s", e.msg);
    tu_as(d, NULL);
    dom_dash on = dashboard_on("2027-03-10T12:00:00Z"),
             after = dashboard_on("2027-03-11T00:00:00Z");
    assert_int_equal(on.accepted_without, before.accepted_without - 1);
    assert_int_equal(on.acceptances_lapsed, before.acceptances_lapsed);
    assert_int_equal(after.accepted_without, on.accepted_without + 1);
    assert_true(after.acceptances_lapsed >= on.acceptances_lapsed + 1);
    if (dom_retire(d, &reg_acceptance, out.key, &out, &e))
        fail_msg("retire: %s", e.msg);
    on = dashboard_on("2027-03-10T12:00:00Z");
    assert_int_equal(on.accepted_without, before.accepted_without);
    assert_verified();
}

static size_t stale_now(const char *when)
{
    setenv("ISMS_NOW", when, 1);
    const quant_latest *rows;
    size_t n, stale = 0;
    isms_err e = { 0 };
    if (dom_latest_analyses_kept(d, &rows, &n, &e))
        fail_msg("analyses: %s", e.msg);
    for (size_t k = 0; k < n; k++)
        stale += (size_t)rows[k].fresh.stale;
    return stale;
}

/* An analysis after which nothing it depends on changed is current
 * without the whole model hashed; a change after it is looked at (stale
 * when it moved the inputs, not when it did not). */
static void analyses_current_when_nothing_changed_since(void **state)
{
    (void)state;
    setenv("ISMS_NOW", "2026-11-24T08:00:00Z", 1);
    const char *key =
        tu_add(d, tu_make(d, &reg_risk, "title=Measured", "owner=PER-2", "likelihood=2", "impact=2",
                          "lef=const(1)", "primary_loss=const(5000)", NULL));
    setenv("ISMS_NOW", "2026-11-24T09:00:00Z", 1);
    quant_opts o = { .iterations = 2000, .seed = 5, .save = 1 };
    risk_quant q;
    isms_err e = { 0 };
    if (dom_risk_quantify(d, key, &o, &q, &e))
        fail_msg("quantify: %s", e.msg);
    assert_int_equal(stale_now("2026-11-24T10:00:00Z"), 0);
    setenv("ISMS_NOW", "2026-11-24T11:00:00Z", 1);
    update(&reg_risk, key, tu_make(d, &reg_risk, "title=Measured again", NULL));
    assert_int_equal(stale_now("2026-11-24T11:30:00Z"), 0); /* its inputs are the same */
    setenv("ISMS_NOW", "2026-11-24T12:00:00Z", 1);
    update(&reg_risk, key, tu_make(d, &reg_risk, "primary_loss=const(9000)", NULL));
    assert_int_equal(stale_now("2026-11-24T12:30:00Z"), 1);
    assert_dashboards_agree("2026-11-24T12:30:00Z");
    tu_clock();
}

TU_MAIN(setup, teardown, cmocka_unit_test(kept_figures_equal_a_recount_after_random_writes),
        cmocka_unit_test(a_rolled_back_write_leaves_them_unchanged),
        cmocka_unit_test(a_list_total_in_a_state_is_read_from_kept_figures),
        cmocka_unit_test(before_0029_the_lapsed_are_counted),
        cmocka_unit_test(figures_counted_in_parts_add_up),
        cmocka_unit_test(figures_wait_for_the_commit_and_follow_savepoints),
        cmocka_unit_test(a_changed_figure_fails_verify_full_naming_it),
        cmocka_unit_test(a_list_total_by_one_value_is_a_kept_figure),
        cmocka_unit_test(a_verify_inside_a_write_reads_its_own_writes),
        cmocka_unit_test(an_upgrade_counts_them_from_the_records),
        cmocka_unit_test(the_upgrade_to_27_keeps_one_count_a_register),
        cmocka_unit_test(an_acceptance_is_in_force_through_its_last_day),
        cmocka_unit_test(analyses_current_when_nothing_changed_since),
        cmocka_unit_test(a_read_of_some_figures_gives_those_of_a_whole_read))
