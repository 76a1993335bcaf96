/* The lists of what needs attention (domain/views/attention.h): each holds
 * every risk the dashboard counts for it, no more, a page at a time in key
 * order; its total is the dashboard's; its first keys are the dashboard's;
 * a bad list, offset or limit is refused by name. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/views/attention.h"
#include "domain/views/dashboard.h"
#include "domain/workflows/quantify.h"

#include <stdio.h>
#include <string.h>

static dom *d;

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
    d = tu_create("attention.isms", "attention-test");
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

static dom_attention page_of(att_list list, int64_t offset, int limit)
{
    dom_attention a;
    isms_err e = { 0 };
    if (dom_attention_read(d, list, offset, limit, &a, &e))
        fail_msg("attention %s: %s", att_list_names[list], e.msg);
    return a;
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

/* A page past the end is empty; bad input is refused by name. */
static void pages_and_bad_input(void **state)
{
    (void)state;
    dom_attention a = page_of(ATT_OUTSIDE_APPETITE, 100, 10);
    assert_int_equal(a.n, 0);
    assert_int_equal(a.total, QUANTIFIED);
    isms_err e = { 0 };
    att_list list;
    assert_int_equal(att_list_parse("untreated", &list, &e), 0);
    assert_int_equal(list, ATT_UNTREATED);
    assert_int_equal(att_list_parse("overdue", &list, &e), E_INVALID);
    assert_string_equal(e.field, "list");
    assert_non_null(strstr(e.msg, "list overdue: give unquantified, outside-appetite"));
    e = (isms_err){ 0 };
    assert_int_equal(dom_attention_read(d, ATT_UNTREATED, 0, ATT_PAGE_MAX + 1, &a, &e), E_INVALID);
    assert_string_equal(e.field, "limit");
    e = (isms_err){ 0 };
    assert_int_equal(dom_attention_read(d, ATT_UNTREATED, -1, 0, &a, &e), E_INVALID);
    assert_string_equal(e.field, "offset");
}

TU_MAIN(setup, teardown, cmocka_unit_test(each_list_holds_every_risk_it_counts),
        cmocka_unit_test(totals_and_first_keys_are_the_dashboards),
        cmocka_unit_test(pages_and_bad_input))
