/* The lists of what needs attention (domain/views/attention.h): each holds
 * every risk the dashboard counts for it, no more, a page at a time in key
 * order; its total is the dashboard's; its first keys are the dashboard's;
 * a page by its cursor is the page by offset; a bad list, offset, cursor
 * or limit is refused by name. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/views/attention.h"
#include "domain/views/dashboard.h"
#include "domain/views/query.h"
#include "domain/views/states.h"
#include "domain/workflows/quantify.h"
#include "domain/integrity/verify.h"
#include "domain/registers/tallies.h"
#include "core/buf.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;
static const char *repo;

enum { QUANTIFIED = 7, PLAIN = 9 };

/* RISK-1..7: quantified, a certain loss of 1,000,000 a year on the lowest
 * cell of the matrix (outside an appetite of 500,000, and far from their
 * cell); RISK-8..16: not quantified; of them RISK-8..10 treated by a
 * control in place, RISK-11 accepted; every other one untreated. */
static int setup(void **state)
{
    (void)state;
    char title[32];
    isms_err e = { 0 };
    record out;
    tu_clock();
    repo = tu_repo("attention.isms");
    if (dom_create(repo, &(principal){ .actor = "attention-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_org(d, "name=Acme", "frequency_bands=0.05,0.2,1,4",
           "magnitude_bands=50000,250000,1000000,5000000", NULL);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", "value_at_stake=9000000",
                      NULL));
    for (int k = 1; k <= QUANTIFIED + PLAIN; k++) {
        snprintf(title, sizeof title, "title=Risk %02d", k);
        if (k <= QUANTIFIED)
            tu_add(d,
                   tu_make(d, &reg_risk, title, "owner=PER-2", "objectives=OBJ-1", "likelihood=1",
                           "impact=1", "lef=const(1)", "primary_loss=const(1000000)", NULL));
        else
            tu_add(d,
                   tu_make(d, &reg_risk, title, "owner=PER-2", "objectives=OBJ-1", "likelihood=1",
                           "impact=1", k == 11 ? "treatment=accept" : "treatment=mitigate", NULL));
    }
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2",
                      "treats=RISK-8,RISK-9,RISK-10", "status=operating", NULL));
    const char *pay =
        tu_add(d, tu_make(d, &reg_appetite, "objective=OBJ-1", "statement=Payments: 500k",
                          "appetite=500000", "tolerance=2000000", NULL));
    tu_as(d, "dana@x.example");
    if (dom_transition(d, &reg_appetite, pay, "approve", &out, &e))
        fail_msg("approve: %s", e.msg);
    tu_as(d, NULL);
    quant_opts o = { .iterations = 1000, .seed = 3, .save = 1 };
    risk_quant rq;
    for (int k = 1; k <= QUANTIFIED; k++) {
        snprintf(title, sizeof title, "RISK-%d", k);
        tu_quantify(d, title, o, &rq);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

static dom_attention page_at(att_list list, store_page at)
{
    dom_attention a;
    isms_err e = { 0 };
    if (dom_attention_read(d, list, &at, &a, &e))
        fail_msg("attention %s: %s", att_list_names[list], e.msg);
    return a;
}

static dom_attention page_of(att_list list, int64_t offset, int limit)
{
    return page_at(list, (store_page){ .offset = offset, .limit = limit });
}

/* The page a cursor names, `limit` rows. */
static dom_attention page_by(att_list list, const char *cursor, int limit)
{
    store_page at = { .limit = limit };
    isms_err e = { 0 };
    if (dom_cursor_parse(cursor, &at, &e))
        fail_msg("cursor %s: %s", cursor, e.msg);
    return page_at(list, at);
}

/* Every risk of a list, read two at a time: each once, in key order. */
static int walk(att_list list, char keys[][16], int max)
{
    int n = 0;
    for (int64_t offset = 0;; offset += 2) {
        dom_attention a = page_of(list, offset, 2);
        assert_true(a.n <= 2);
        for (int i = 0; i < a.n && n < max; i++)
            snprintf(keys[n++], 16, "%s", a.rows[i].key);
        if (offset + a.n >= a.total) {
            assert_int_equal(n, a.total);
            return n;
        }
        assert_int_equal(a.n, 2);
    }
}

static void expect_keys(att_list list, const char *const *want, int nwant)
{
    char keys[32][16];
    int n = walk(list, keys, 32);
    assert_int_equal(n, nwant);
    for (int i = 0; i < n; i++)
        assert_string_equal(keys[i], want[i]);
}

/* Each list holds the risks it names, all of them, in key order. */
static void each_list_holds_every_risk_it_counts(void **state)
{
    (void)state;
    static const char *const quantified[] = { "RISK-1", "RISK-2", "RISK-3", "RISK-4",
                                              "RISK-5", "RISK-6", "RISK-7" };
    static const char *const plain[] = { "RISK-8",  "RISK-9",  "RISK-10", "RISK-11", "RISK-12",
                                         "RISK-13", "RISK-14", "RISK-15", "RISK-16" };
    static const char *const untreated[] = { "RISK-1",  "RISK-2",  "RISK-3",  "RISK-4",
                                             "RISK-5",  "RISK-6",  "RISK-7",  "RISK-12",
                                             "RISK-13", "RISK-14", "RISK-15", "RISK-16" };
    expect_keys(ATT_UNQUANTIFIED, plain, PLAIN);
    expect_keys(ATT_OUTSIDE_APPETITE, quantified, QUANTIFIED);
    expect_keys(ATT_MATRIX_DISAGREES, quantified, QUANTIFIED);
    expect_keys(ATT_UNTREATED, untreated, 12);
    dom_attention a = page_of(ATT_UNQUANTIFIED, 0, 0);
    assert_int_equal(a.limit, ATT_PAGE);
    assert_string_equal(a.rows[0].title, "Risk 08");
    assert_string_equal(a.rows[0].owner, "PER-2");
    assert_int_equal(a.rows[0].residual, 1);
    assert_string_equal(a.rows[0].residual_band, "low");
    assert_non_null(strstr(a.what, "not quantified"));
    assert_true(a.computed_at[0] != '\0');
}

/* The totals are the dashboard's, and so are the first keys. */
static void totals_and_first_keys_are_the_dashboards(void **state)
{
    (void)state;
    dom_dash s;
    isms_err e = { 0 };
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    const dash_keys *of[ATT_NLISTS] = { &s.unquantified, &s.outside, &s.matrix_disagrees,
                                        &s.untreated_keys };
    for (int k = 0; k < ATT_NLISTS; k++) {
        dom_attention a = page_of((att_list)k, 0, 0);
        assert_int_equal(a.total, of[k]->total);
        assert_true(of[k]->n > 0);
        for (size_t i = 0; i < of[k]->n; i++)
            assert_string_equal(a.rows[i].key, of[k]->keys[i]);
    }
    /* mended, a risk leaves its list and the count */
    record out;
    if (dom_update(d, &reg_risk, "RISK-12", tu_make(d, &reg_risk, "treatment=avoid", NULL), 0, &out,
                   NULL, &e))
        fail_msg("update: %s", e.msg);
    dom_attention a = page_of(ATT_UNTREATED, 0, 0);
    assert_int_equal(a.total, 11);
    for (int i = 0; i < a.n; i++)
        assert_string_not_equal(a.rows[i].key, "RISK-12");
    tu_verified(d);
}

/* Each list walked by its next cursors, then back by the previous ones,
 * three at a time: every risk once, in key order, the same as by offset;
 * each page says where it starts; the first page has no previous, the last
 * no next. */
static void the_cursors_walk_every_list_both_ways(void **state)
{
    (void)state;
    for (int k = 0; k < ATT_NLISTS; k++) {
        char want[32][16], keys[32][16];
        int nwant = walk((att_list)k, want, 32), n = 0;
        dom_attention a = page_of((att_list)k, 0, 3);
        assert_null(a.prev);
        for (;;) {
            assert_int_equal(a.offset, n);
            for (int i = 0; i < a.n; i++)
                snprintf(keys[n++], 16, "%s", a.rows[i].key);
            if (!a.next)
                break;
            a = page_by((att_list)k, a.next, 3);
        }
        assert_int_equal(n, nwant);
        for (int i = 0; i < n; i++)
            assert_string_equal(keys[i], want[i]);
        /* back from the last page: each page before it as the walk saw it */
        int back = n - a.n;
        while (a.prev) {
            a = page_by((att_list)k, a.prev, 3);
            back -= a.n;
            assert_int_equal(a.offset, back);
            for (int i = 0; i < a.n; i++)
                assert_string_equal(a.rows[i].key, want[back + i]);
        }
        assert_int_equal(back, 0);
    }
}

/* A cursor names a place in the list, not a row: the page after a risk
 * that has left the list goes on from where it stood. */
static void a_cursor_outlives_its_risk(void **state)
{
    (void)state;
    dom_attention a = page_of(ATT_UNQUANTIFIED, 0, 2); /* RISK-8, RISK-9 */
    assert_string_equal(a.rows[1].key, "RISK-9");
    assert_non_null(a.next);
    char next[48];
    snprintf(next, sizeof next, "%s", a.next);
    isms_err e = { 0 };
    record out; /* RISK-9 quantified: no longer on the list */
    if (dom_update(d, &reg_risk, "RISK-9",
                   tu_make(d, &reg_risk, "lef=const(1)", "primary_loss=const(1000)", NULL), 0, &out,
                   NULL, &e))
        fail_msg("update: %s", e.msg);
    a = page_by(ATT_UNQUANTIFIED, next, 2);
    assert_int_equal(a.n, 2);
    assert_string_equal(a.rows[0].key, "RISK-10");
    assert_string_equal(a.rows[1].key, "RISK-11");
    assert_non_null(a.prev);
    a = page_by(ATT_UNQUANTIFIED, a.prev, 2); /* before RISK-10: RISK-8 alone */
    assert_int_equal(a.n, 1);
    assert_string_equal(a.rows[0].key, "RISK-8");
    tu_verified(d);
}

/* A page past the end is empty; bad input is refused by name. */
static void pages_and_bad_input(void **state)
{
    (void)state;
    dom_attention a = page_of(ATT_OUTSIDE_APPETITE, 100, 10);
    assert_int_equal(a.n, 0);
    assert_int_equal(a.total, QUANTIFIED);
    isms_err e = { 0 };
    att_list list;
    assert_int_equal(att_list_parse(d, "untreated", &list, &e), 0);
    assert_int_equal(list, ATT_UNTREATED);
    assert_int_equal(att_list_parse(d, "overdue", &list, &e), E_INVALID);
    assert_string_equal(e.field, "list");
    assert_non_null(strstr(e.msg, "list overdue: give unquantified, outside-appetite"));
    static const struct {
        store_page at;
        const char *field;
    } bad[] = {
        { { .limit = ATT_PAGE_MAX + 1 }, "limit" },
        { { .offset = -1 }, "offset" },
        { { .after = -1 }, "after" },
        { { .before = -1 }, "before" },
        { { .after = 3, .before = 9 }, "before" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        e = (isms_err){ 0 };
        assert_int_equal(dom_attention_read(d, ATT_UNTREATED, &bad[k].at, &a, &e), E_INVALID);
        assert_string_equal(e.field, bad[k].field);
    }
    static const char *const cursors[] = { "",     "x",    "-1",
                                           "5a",   "5a0",  "5c3",
                                           "5a3x", "5b-2", "99999999999999999999" };
    for (size_t k = 0; k < sizeof cursors / sizeof *cursors; k++) {
        store_page at = { 0 };
        e = (isms_err){ 0 };
        assert_int_equal(dom_cursor_parse(cursors[k], &at, &e), E_USAGE);
        assert_string_equal(e.field, "cursor");
    }
}

static char *in_place_of(const char *key)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT in_place FROM risk WHERE key = '%s'", key);
    return tu_sql_value(repo, sql);
}

static void expect_in_place(const char *key, const char *want)
{
    char *n = in_place_of(key);
    assert_string_equal(n, want);
    free(n);
}

/* Each risk counts the controls in place that treat it, moved by the
 * controls' writes (planned ones and retired ones count for nothing);
 * the untreated come from the front of an index on it; a count changed
 * behind isms's back fails a full verification, naming it. */
static void each_risk_counts_its_controls_in_place(void **state)
{
    (void)state;
    expect_in_place("RISK-8", "1");
    expect_in_place("RISK-13", "0");
    const char *ctl = tu_add(d, tu_make(d, &reg_control, "title=Segmentation", "owner=PER-2",
                                        "treats=RISK-8,RISK-13", "status=planned", NULL));
    expect_in_place("RISK-13", "0"); /* planned: not in place */
    record out;
    isms_err e = { 0 };
    if (dom_update(d, &reg_control, ctl, tu_make(d, &reg_control, "status=implemented", NULL), 0,
                   &out, NULL, &e))
        fail_msg("implement: %s", e.msg);
    expect_in_place("RISK-8", "2");
    expect_in_place("RISK-13", "1");
    dom_attention a = page_of(ATT_UNTREATED, 0, 0);
    for (int i = 0; i < a.n; i++)
        assert_string_not_equal(a.rows[i].key, "RISK-13");
    if (dom_update(d, &reg_control, ctl, tu_make(d, &reg_control, "treats=RISK-8", NULL), 0, &out,
                   NULL, &e))
        fail_msg("treats: %s", e.msg);
    expect_in_place("RISK-13", "0");
    if (dom_retire(d, &reg_control, ctl, &out, &e))
        fail_msg("retire: %s", e.msg);
    expect_in_place("RISK-8", "1");
    a = page_of(ATT_UNTREATED, 0, 0);
    int found = 0;
    for (int i = 0; i < a.n; i++)
        found |= !strcmp(a.rows[i].key, "RISK-13");
    assert_true(found);
    tu_verified(d);

    tu_sql(repo, "UPDATE risk SET in_place = 1 WHERE key = 'RISK-14'");
    verify_report rep;
    verify_report_init(&rep);
    assert_int_not_equal(dom_verify(d, &rep, &e), 0); /* failed, naming it */
    assert_int_equal(rep.problems, 1);
    assert_contains(buf_str(&rep.details), "1 risk's count of the controls in place that treat "
                                           "it differs from the controls' links");
    verify_report_reset(&rep);
    assert_int_equal(dom_txn_begin(d, &e), 0); /* counted again, as an import does */
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    expect_in_place("RISK-14", "0");
    tu_verified(d);
}

/* A new repository `name` at schema `version`, as the dom under test (the
 * set-up's kept aside); returns its path. */
static const char *made_at(const char *name, const char *version)
{
    const char *path = tu_repo(name);
    isms_err e = { 0 };
    setenv("ISMS_MIGRATE_UNTIL", version, 1);
    if (dom_create(path, &(principal){ .actor = "attention-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    unsetenv("ISMS_MIGRATE_UNTIL");
    return path;
}

/* Closes it and opens it with today's schema: upgraded from `version`. */
static void upgraded(const char *path, int version)
{
    isms_err e = { 0 };
    dom_close(d);
    if (dom_open(path, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), version);
}

/* A repository from before the counts (schema 27) gets them at its
 * upgrade; read at that schema, the untreated are found as before. */
static void the_upgrade_counts_each_risks_controls_in_place(void **state)
{
    (void)state;
    dom *was = d;
    const char *old = made_at("before-in-place.isms", "27");
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_risk, "title=Leak", "owner=PER-2", "likelihood=2", "impact=2", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Fire", "owner=PER-2", "likelihood=2", "impact=2", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2", "treats=RISK-1",
                      "status=operating", NULL));
    dom_attention a = page_of(ATT_UNTREATED, 0, 0);
    assert_int_equal(a.total, 1);
    assert_string_equal(a.rows[0].key, "RISK-2");
    upgraded(old, 27);
    char *n = tu_sql_value(old, "SELECT in_place FROM risk WHERE key = 'RISK-1'");
    assert_string_equal(n, "1");
    free(n);
    a = page_of(ATT_UNTREATED, 0, 0);
    assert_int_equal(a.total, 1);
    assert_string_equal(a.rows[0].key, "RISK-2");
    tu_verified(d);
    dom_close(d);
    d = was;
}

/* dom_update of risk `key` with `changes`, failing the test if refused. */
static void update(const char *key, record *changes)
{
    record out;
    isms_err e = { 0 };
    if (dom_update(d, &reg_risk, key, changes, 0, &out, NULL, &e))
        fail_msg("update %s: %s", key, e.msg);
}

static char *kept_figure(const char *name)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(n), 0) FROM tally WHERE name = '%s'", name);
    return tu_sql_value(repo, sql);
}

/* The two flagged lists hold as many risks as their kept figures say
 * (walk compares the rows listed with the total), and a full
 * verification counts the figures again from the analyses. */
static void expect_flagged(int outside, int disagrees)
{
    char keys[32][16];
    assert_int_equal(walk(ATT_OUTSIDE_APPETITE, keys, 32), outside);
    assert_int_equal(walk(ATT_MATRIX_DISAGREES, keys, 32), disagrees);
    char *o = kept_figure(STORE_OUTSIDE_TALLY), *m = kept_figure(STORE_DISAGREES_TALLY);
    assert_int_equal(atoi(o), outside);
    assert_int_equal(atoi(m), disagrees);
    free(o);
    free(m);
    tu_verified(d);
}

/* The counts of the risks outside appetite and off their cell are kept
 * figures (0030), moved by every write that changes a latest analysis, its
 * cell or its risk's standing: a retirement, FAIR inputs taken away and
 * given back, a cell moved to agree, a new analysis inside appetite, the
 * matrix grown; a figure changed behind isms's back fails a full
 * verification, naming it, and a recount mends it. */
static void the_flagged_counts_follow_every_write(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record out;
    expect_flagged(QUANTIFIED, QUANTIFIED);
    if (dom_retire(d, &reg_risk, "RISK-1", &out, &e))
        fail_msg("retire: %s", e.msg);
    expect_flagged(QUANTIFIED - 1, QUANTIFIED - 1);
    update("RISK-2",
           tu_make(d, &reg_risk, "lef=", "primary_loss=", NULL)); /* no longer quantified */
    expect_flagged(QUANTIFIED - 2, QUANTIFIED - 2);
    update("RISK-2", tu_make(d, &reg_risk, "lef=const(1)", "primary_loss=const(1000000)", NULL));
    expect_flagged(QUANTIFIED - 1, QUANTIFIED - 1); /* its analysis counts again */
    update("RISK-3", tu_make(d, &reg_risk, "likelihood=4", "impact=4", NULL)); /* the cell agrees */
    expect_flagged(QUANTIFIED - 1, QUANTIFIED - 2);
    update("RISK-4", tu_make(d, &reg_risk, "primary_loss=const(1000)", NULL));
    quant_opts o = { .iterations = 1000, .seed = 3, .save = 1 };
    risk_quant rq;
    tu_quantify(d, "RISK-4", o, &rq); /* inside appetite, on the lowest cell as its risk */
    expect_flagged(QUANTIFIED - 2, QUANTIFIED - 3);
    tu_org(d, "risk_matrix=4", NULL); /* every cell judged again */
    char keys[32][16];
    int disagree = walk(ATT_MATRIX_DISAGREES, keys, 32);
    expect_flagged(QUANTIFIED - 2, disagree);

    tu_sql(repo, "UPDATE tally SET n = n + 2 WHERE name = 'analysis.outside'");
    verify_report rep;
    verify_report_init(&rep);
    assert_int_not_equal(dom_verify(d, &rep, &e), 0);
    assert_int_equal(rep.problems, 1);
    assert_contains(buf_str(&rep.details), "kept figure analysis.outside is");
    verify_report_reset(&rep);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    expect_flagged(QUANTIFIED - 2, disagree);
}

/* A repository from before the flagged figures (schema 29) has them
 * counted by its upgrade. */
static void the_upgrade_counts_the_flagged(void **state)
{
    (void)state;
    dom *was = d;
    const char *old = made_at("before-flagged.isms", "29");
    tu_org(d, "name=Acme", "frequency_bands=0.05,0.2,1,4",
           "magnitude_bands=50000,250000,1000000,5000000", NULL);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_risk, "title=Leak", "owner=PER-2", "likelihood=1", "impact=1",
                      "lef=const(1)", "primary_loss=const(1000000)", NULL));
    quant_opts o = { .iterations = 1000, .seed = 3, .save = 1 };
    risk_quant rq;
    tu_quantify(d, "RISK-1", o, &rq);
    dom_attention a = page_of(ATT_MATRIX_DISAGREES, 0, 0);
    assert_int_equal(a.total, 1); /* counted at the read */
    upgraded(old, 29);
    char *n = tu_sql_value(old, "SELECT n FROM tally WHERE name = 'analysis.disagrees'");
    assert_string_equal(n, "1");
    free(n);
    a = page_of(ATT_MATRIX_DISAGREES, 0, 0);
    assert_int_equal(a.total, 1);
    tu_verified(d);
    dom_close(d);
    d = was;
}

/* The keys of the active risks in state `state` (of dom_states), with
 * retired ones too when `all`, comma-separated. */
static int take_key(const record *r, void *ctx)
{
    buf *b = ctx;
    buf_printf(b, "%s%s", *buf_str(b) ? "," : "", r->key);
    return 0;
}

static void expect_in_state(int state, int all, const char *want)
{
    buf b;
    buf_init(&b);
    isms_err e = { 0 };
    store_query q = { .include_retired = all };
    if (dom_list_in_states(d, &reg_risk, &q, &state, 1, take_key, &b, &e))
        fail_msg("list: %s", e.msg);
    assert_string_equal(buf_str(&b), want);
    buf_reset(&b);
}

static char *no_objective_of(const char *key)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT no_objective FROM risk WHERE key = '%s'", key);
    return tu_sql_value(repo, sql);
}

enum { STATE_NO_OBJECTIVE = 3 }; /* of dom_states(&reg_risk) */

/* Each risk marks whether it is tied to no objective, moved by its own
 * writes (an add without one, the last one removed, one added again);
 * the state's list is read by the mark (active risks) or by the links
 * (retired ones too), and both agree; a mark changed behind isms's back
 * fails a full verification, naming it, and a rebuild sets it again. */
static void each_risk_marks_whether_it_has_an_objective(void **state)
{
    (void)state;
    int n;
    assert_string_equal(dom_states(&reg_risk, &n)[STATE_NO_OBJECTIVE].name, "no-objective");
    expect_in_state(STATE_NO_OBJECTIVE, 0, "");
    const char *loose = tu_add(
        d, tu_make(d, &reg_risk, "title=Loose", "owner=PER-2", "likelihood=1", "impact=1", NULL));
    char *v = no_objective_of(loose);
    assert_string_equal(v, "1");
    free(v);
    expect_in_state(STATE_NO_OBJECTIVE, 0, loose);
    update(loose, tu_make(d, &reg_risk, "objectives=OBJ-1", NULL));
    expect_in_state(STATE_NO_OBJECTIVE, 0, "");
    const char *gone = tu_add(d, tu_make(d, &reg_risk, "title=Gone", "owner=PER-2",
                                         "objectives=OBJ-1", "likelihood=1", "impact=1", NULL));
    update(gone, tu_make(d, &reg_risk, "objectives=", NULL));
    update(loose, tu_make(d, &reg_risk, "objectives=", NULL));
    expect_in_state(STATE_NO_OBJECTIVE, 0, "RISK-17,RISK-18");
    update(gone, tu_make(d, &reg_risk, "title=Gone again", NULL)); /* stays marked */
    record out;
    isms_err e = { 0 };
    if (dom_retire(d, &reg_risk, gone, &out, &e))
        fail_msg("retire: %s", e.msg);
    expect_in_state(STATE_NO_OBJECTIVE, 0, "RISK-17");
    expect_in_state(STATE_NO_OBJECTIVE, 1, "RISK-17,RISK-18");
    tu_verified(d);

    tu_sql(repo, "UPDATE risk SET no_objective = 0 WHERE key = 'RISK-17'");
    expect_in_state(STATE_NO_OBJECTIVE, 0, ""); /* what the mark hides */
    verify_report rep;
    verify_report_init(&rep);
    assert_int_not_equal(dom_verify(d, &rep, &e), 0);
    assert_int_equal(rep.problems, 1);
    assert_contains(buf_str(&rep.details), "1 risk's mark of being tied to no objective differs "
                                           "from the objective links");
    verify_report_reset(&rep);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_end(d, dom_tallies_rebuild(d, &e), &e), 0);
    expect_in_state(STATE_NO_OBJECTIVE, 0, "RISK-17");
    tu_verified(d);
    update(loose, tu_make(d, &reg_risk, "objectives=OBJ-1", NULL));
}

/* The keys of the active risks of owner PER-2 (or any, `owned` 0) that
 * filter f selects (a risk state, or a date before a day), the store
 * given it as a condition or as the list of its ids (`as_list`); a page
 * of `limit` (0: all) from `offset`. */
static void keys_in(store_filter f, int as_list, int owned, int64_t limit, int64_t offset, buf *out)
{
    isms_err e = { 0 };
    store_query q = { 0 };
    dom_filter_arg owner = { (int)(field_def(&reg_risk, F_RISK_OWNER) - reg_risk.fields), "PER-2" };
    if (owned && dom_query_filters(d, &reg_risk, &owner, 1, &q, &e))
        fail_msg("owner: %s", e.msg);
    store_filter fs[2] = { [1] = f };
    fs[1].as_list = as_list;
    if (owned)
        fs[0] = q.filters[0];
    q.filters = owned ? fs : fs + 1;
    q.nfilters = owned ? 2 : 1;
    q.limit = limit;
    q.offset = offset;
    if (dom_list(d, &reg_risk, &q, take_key, out, &e))
        fail_msg("list: %s", e.msg);
}

/* A state the store is given as a condition (many risks in it) or as the
 * list of its ids (few: store_risk_state_few, or the kept figures) selects
 * the same risks, alone or with a filter, whole or a page at a time (a
 * page whose query builds a list reads its ids first: store_scan); so
 * does a review date before a day. The domain gives them as lists here,
 * where every state is few. */
static void a_state_as_a_condition_or_a_list_selects_alike(void **state)
{
    (void)state;
    update("RISK-2", tu_make(d, &reg_risk, "review_date=2026-01-10", NULL));
    update("RISK-9", tu_make(d, &reg_risk, "review_date=2026-03-01", NULL));
    update("RISK-12", tu_make(d, &reg_risk, "review_date=2025-12-31", "owner=PER-1", NULL));
    update("RISK-14", tu_make(d, &reg_risk, "review_date=2026-02-14", NULL));
    update("RISK-15", tu_make(d, &reg_risk, "review_date=2027-01-01", NULL));
    update("RISK-16", tu_make(d, &reg_risk, "review_date=2026-12-01", NULL)); /* due that day */
    const store_filter filters[] = {
        { .risk_state = STORE_RISK_UNTREATED, .sval = "2026-12-01" },
        { .risk_state = STORE_RISK_UNACCEPTED, .sval = "2026-12-01" },
        { .risk_state = STORE_RISK_NO_OBJECTIVE, .sval = "2026-12-01" },
        { .field = field_def(&reg_risk, F_RISK_REVIEW_DATE), .sval = "2026-12-01", .below = 1 },
    };
    static const int64_t pages[][2] = { { 0, 0 }, { 2, 0 }, { 2, 1 }, { 3, 2 }, { 50, 0 } };
    int some = 0, paged = 0;
    for (size_t k = 0; k < sizeof filters / sizeof *filters; k++)
        for (int owned = 0; owned < 2; owned++)
            for (size_t p = 0; p < sizeof pages / sizeof *pages; p++) {
                buf cond, list;
                buf_init(&cond);
                buf_init(&list);
                keys_in(filters[k], 0, owned, pages[p][0], pages[p][1], &cond);
                keys_in(filters[k], 1, owned, pages[p][0], pages[p][1], &list);
                assert_string_equal(buf_str(&cond), buf_str(&list));
                some += !p && *buf_str(&cond) != 0;
                paged += p && strchr(buf_str(&cond), ',') != NULL;
                buf_reset(&cond);
                buf_reset(&list);
            }
    assert_true(some >= 5); /* untreated, unaccepted and overdue, with and without the owner */
    assert_true(paged >= 8);
    buf due;
    buf_init(&due);
    keys_in(filters[3], 1, 0, 2, 1, &due);
    assert_string_equal(buf_str(&due), "RISK-9,RISK-12");
    buf_reset(&due);
    /* sorted by the date itself (the dashboard's link), either way */
    for (int desc = 0; desc < 2; desc++)
        for (int as_list = 0; as_list < 2; as_list++) {
            store_filter f = filters[3];
            f.as_list = as_list;
            store_query q = { .filters = &f, .nfilters = 1, .limit = 3 };
            int64_t *ids, n;
            isms_err e = { 0 };
            if (store_ids(dom_store(d), &reg_risk, &q, f.field, desc, &ids, &n, dom_arena(d), &e))
                fail_msg("ids: %s", e.msg);
            assert_int_equal(n, 3);
            static const int64_t want[2][3] = { { 12, 2, 14 }, { 9, 14, 2 } };
            for (int k = 0; k < 3; k++)
                assert_int_equal(ids[k], want[desc][k]);
        }
    int few = 0;
    isms_err e = { 0 };
    assert_int_equal(
        store_risk_state_few(dom_store(d), STORE_RISK_UNTREATED, "2026-12-01", &few, &e), 0);
    assert_true(few);
}

/* A repository from before the mark (schema 35) has it set by its
 * upgrade from the links. */
static void the_upgrade_marks_the_risks_without_objective(void **state)
{
    (void)state;
    dom *was = d;
    const char *old = made_at("before-no-objective.isms", "35");
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Tied", "owner=PER-2", "objectives=OBJ-1", "likelihood=1",
                      "impact=1", NULL));
    tu_add(d,
           tu_make(d, &reg_risk, "title=Loose", "owner=PER-2", "likelihood=1", "impact=1", NULL));
    expect_in_state(STATE_NO_OBJECTIVE, 0, "RISK-2"); /* by the links, at 35 */
    upgraded(old, 35);
    char *v = tu_sql_value(old, "SELECT COUNT(*) FROM risk WHERE no_objective = 1");
    assert_string_equal(v, "1");
    free(v);
    v = tu_sql_value(old, "SELECT key FROM risk WHERE no_objective = 1");
    assert_string_equal(v, "RISK-2");
    free(v);
    expect_in_state(STATE_NO_OBJECTIVE, 0, "RISK-2");
    tu_verified(d);
    dom_close(d);
    d = was;
}

TU_MAIN(setup, teardown, cmocka_unit_test(each_list_holds_every_risk_it_counts),
        cmocka_unit_test(totals_and_first_keys_are_the_dashboards),
        cmocka_unit_test(pages_and_bad_input),
        cmocka_unit_test(the_cursors_walk_every_list_both_ways),
        cmocka_unit_test(each_risk_counts_its_controls_in_place),
        cmocka_unit_test(the_upgrade_counts_each_risks_controls_in_place),
        cmocka_unit_test(the_flagged_counts_follow_every_write),
        cmocka_unit_test(the_upgrade_counts_the_flagged),
        cmocka_unit_test(each_risk_marks_whether_it_has_an_objective),
        cmocka_unit_test(a_state_as_a_condition_or_a_list_selects_alike),
        cmocka_unit_test(the_upgrade_marks_the_risks_without_objective),
        cmocka_unit_test(a_cursor_outlives_its_risk))
