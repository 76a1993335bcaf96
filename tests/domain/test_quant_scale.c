/* Quantification at the cost of its own work (issue 16): one risk's run
 * reads that risk and the controls treating it, by key and index, and
 * nothing else; the portfolio's per-risk effect lists are built once
 * (not by looking through every control for each risk) and give the
 * figures, bit for bit, of the quadratic code they replaced. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "ledger/ledger.h"
#include "domain/engine/dom.h"
#include "domain/workflows/quantify.h"
#include "domain/workflows/quantify_impl.h"
#include "domain/registers/registers.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RISKS = 40, CONTROLS = 30 };

static dom *d;
static const char *repo;

/* A repository of many risks and controls linked across each other:
 * control j treats risks j, 7j and 13j (mod RISKS), on factors in turn,
 * some partially effective, some proposed, every tenth an insurance;
 * every seventh risk is qualitative only. */
static int setup(void **state)
{
    (void)state;
    isms_err e = { 0 };
    tu_clock();
    repo = tu_repo("quantscale.isms"); /* kept: the test writes to it behind isms's back */
    if (dom_create(repo, &(principal){ .actor = "quant-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    arena *a = dom_arena(d);
    tu_add(d, tu_make(d, &reg_person, "name=Omar", "email=omar@x.example",
                      "roles=risk-owner,control-owner", NULL));
    for (int k = 1; k <= 3; k++)
        tu_add(d, tu_make(d, &reg_objective, arena_printf(a, "title=Objective %d", k),
                          "owner=PER-1", "value_at_stake=5000000", NULL));
    for (int i = 1; i <= RISKS; i++) {
        const char *title = arena_printf(a, "title=Risk %d", i);
        const char *obj = arena_printf(a, "objectives=OBJ-%d", i % 3 + 1);
        if (i % 7 == 0) {
            tu_add(d, tu_make(d, &reg_risk, title, "owner=PER-1", obj, "likelihood=2", "impact=3",
                              NULL));
            continue;
        }
        tu_add(d,
               tu_make(d, &reg_risk, title, "owner=PER-1", obj, "likelihood=2", "impact=3",
                       i % 5 ? "loss_model=compound" : "loss_model=product",
                       arena_printf(a, "lef=pert(0.1,%d,8)", i % 4 + 1),
                       arena_printf(a, "primary_loss=lognormal90(%d000,2000000)", i + 10), NULL));
    }
    static const char *const targets[] = { "acts_on=lef", "acts_on=primary-loss",
                                           "acts_on=loss-magnitude" };
    for (int j = 1; j <= CONTROLS; j++) {
        int r1 = j, r2 = (j * 7) % RISKS + 1, r3 = (j * 13) % RISKS + 1;
        const char *treats = arena_printf(a, "treats=RISK-%d", r1);
        if (r2 != r1)
            treats = arena_printf(a, "%s,RISK-%d", treats, r2);
        if (r3 != r1 && r3 != r2)
            treats = arena_printf(a, "%s,RISK-%d", treats, r3);
        const char *title = arena_printf(a, "title=Control %d", j);
        const char *status = j % 6 == 5 ? "status=planned" : "status=operating";
        if (j % 10 == 0) {
            tu_add(d, tu_make(d, &reg_control, title, "owner=PER-1", treats, status,
                              "acts_on=transfer", "deductible=20000", "cover_limit=1000000",
                              "cost=30000", NULL));
            continue;
        }
        tu_add(d, tu_make(d, &reg_control, title, "owner=PER-1", treats, status, targets[j % 3],
                          arena_printf(a, "reduction=pert(0.%d,0.4,0.7)", j % 3 + 1),
                          j % 4 ? "effectiveness=effective" : "effectiveness=partially-effective",
                          "cost=25000", NULL));
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

/* "%a": the figure's exact bits. */
static const char *bits(double x)
{
    static char text[8][40];
    static int next;
    char *s = text[next++ % 8];
    snprintf(s, 40, "%a", x);
    return s;
}

/* The figures main's code gave on this repository before the effect lists
 * were indexed (the quadratic effects_for and the scan of every risk and
 * control for one risk): the same seeds must give the same bits. */
static const char *const golden_portfolio[] = {
    "0x1.85f23ebf8fe8fp+24", "0x1.3b3ee5a920c53p+25",
    "0x1.113825a5dd83p+23",  "0x1.e2def4d586494p+22",
    "0x1.093cdd6e7f2a1p+23", "0ecbcd09fab155b4a0a7917e1dc73ef8e4112023166a7be3d020a2358d12ef3e",
};
static const char *const golden_one[] = {
    "0x1.4fe7abed70349p+20",
    "0x1.a9cf6935a7782p+19",
    "0x1.e5fa80e32c016p+18",
    "0x1.9bfe3dee7de54p+21",
    "40239dd2e58c3b2b9aae04a05a5c53b5326222b965cc58e2272d6ce02fa540cc",
    "0x1.146e7a5f8edacp+19",
    "54ae903cb118da3575416582401b9f450a593b7fa1df0b76da016d61aa1c5780",
};

/* Every figure equal to its golden one; each that is not is named. */
static void expect_figures(const char *what, const char *const *got, const char *const *want,
                           size_t n)
{
    int wrong = 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(got[k], want[k])) {
            print_message("%s figure %zu is \"%s\", not \"%s\"\n", what, k, got[k], want[k]);
            wrong++;
        }
    if (wrong)
        fail_msg("%s: %d figures differ", what, wrong);
}

static void portfolio_figures_are_the_quadratic_ones(void **state)
{
    (void)state;
    portfolio_quant p;
    tu_quantify_all(d, (quant_opts){ .iterations = 4000, .seed = 11, .threads = 1 }, &p);
    assert_int_equal(p.modelled, RISKS - RISKS / 7);
    assert_int_equal(p.unmodelled, RISKS / 7);
    assert_int_equal(p.ngroups, 3);
    const char *got[] = { bits(p.total.mean),           bits(p.total.p95),
                          bits(p.groups[0].stats.mean), bits(p.groups[1].stats.mean),
                          bits(p.groups[2].stats.mean), p.inputs_hash };
    expect_figures("portfolio", got, golden_portfolio, sizeof got / sizeof *got);
    /* threads change how the work is cut, never the figures */
    portfolio_quant q;
    tu_quantify_all(d, (quant_opts){ .iterations = 4000, .seed = 11, .threads = 2 }, &q);
    assert_true(q.total.mean == p.total.mean && q.total.p95 == p.total.p95);
}

/* The inputs an analysis kept. */
/* Field `field` of the analysis keyed `analysis`, as it was saved. */
static const char *kept_field(const char *analysis, int field)
{
    record r;
    isms_err e = { 0 };
    if (dom_get(d, &reg_analysis, analysis, &r, &e))
        fail_msg("%s: %s", analysis, e.msg);
    return record_text(&r, field);
}

static const char *kept_inputs(const char *analysis)
{
    return kept_field(analysis, F_ANALYSIS_INPUTS);
}

/* The portfolio streams the registers into the engine: cut into chunks
 * of 1, 3 or 7 risk ids, correlated risks in different chunks, it gives
 * the figures, the inputs hash and the inputs kept of one chunk, bit for
 * bit (one chunk's are the golden ones), and the engine never holds more
 * risks than a chunk's, where one chunk holds the register. */
static void portfolio_streams_in_chunks(void **state)
{
    (void)state;
    static const quant_corr corr[] = { { "RISK-1", "RISK-20", 0.6 },
                                       { "RISK-2", "RISK-33", -0.3 } };
    quant_opts o = { .iterations = 4000, .seed = 11, .threads = 2, .save = 1 };
    portfolio_quant whole;
    tu_quantify_all(d, o, &whole);
    assert_string_equal(whole.inputs_hash, golden_portfolio[5]);
    assert_int_equal(whole.held_most, whole.modelled); /* the default chunk holds all 34 */
    char *want = dom_portfolio_json(&whole);
    const char *want_inputs = kept_inputs(whole.analysis);
    o.corr = corr;
    o.ncorr = 2;
    portfolio_quant correlated;
    tu_quantify_all(d, o, &correlated);
    char *want_corr = dom_portfolio_json(&correlated);
    const char *want_corr_inputs = kept_inputs(correlated.analysis);
    static const size_t chunks[] = { 1, 3, 7 };
    for (size_t k = 0; k < 3; k++) {
        portfolio_quant p;
        o.chunk = chunks[k];
        o.ncorr = 0;
        tu_quantify_all(d, o, &p);
        assert_true(p.held_most <= chunks[k]);
        assert_string_equal(kept_inputs(p.analysis), want_inputs);
        p.analysis = whole.analysis; /* the one thing that differs */
        char *got = dom_portfolio_json(&p);
        assert_string_equal(got, want);
        free(got);
        o.ncorr = 2;
        tu_quantify_all(d, o, &p);
        assert_string_equal(kept_inputs(p.analysis), want_corr_inputs);
        p.analysis = correlated.analysis;
        got = dom_portfolio_json(&p);
        assert_string_equal(got, want_corr);
        free(got);
    }
    free(want);
    free(want_corr);
}

/* sha256 of the return on controls' JSON (analysis null) that main's code
 * gave on this repository before it was streamed (the whole model loaded,
 * every risk scanned per control). */
static const char golden_returns[] =
    "2b4457922bb796c500b8b2f1d3a244eff676a9f637d581ec16be2da450d16157";

static const char *returns_sha(const quant_opts *o, returns_quant *r)
{
    isms_err e = { 0 };
    if (dom_control_returns(d, o, r, &e))
        fail_msg("returns: %s", e.msg);
    const char *analysis = r->analysis;
    r->analysis = NULL;
    char *json = dom_returns_json(r), *hex = arena_alloc(dom_arena(d), 65);
    r->analysis = analysis;
    sha256_hex(json, strlen(json), hex);
    free(json);
    return hex;
}

/* The return on controls streams too: a chunk of 1, 3 or 7 control ids at
 * a time gives the figures, the inputs hash and the inputs kept of one
 * chunk, and those of the code that loaded everything, bit for bit; a
 * chunk holds only the risks its controls treat. */
static void returns_stream_in_chunks(void **state)
{
    (void)state;
    quant_opts o = { .iterations = 4000, .seed = 11, .threads = 2 };
    returns_quant whole;
    const char *want = returns_sha(&o, &whole);
    print_message("returns: %s, %zu rows, %zu left out\n", want, whole.n, whole.nleft_out);
    assert_string_equal(want, golden_returns);
    assert_int_equal(whole.n, CONTROLS);                  /* each treats a quantified risk */
    assert_int_equal(whole.held_most, RISKS - RISKS / 7); /* the default chunk: every control */
    o.save = 1;
    returns_quant saved;
    returns_sha(&o, &saved);
    const char *want_inputs = kept_inputs(saved.analysis);
    static const size_t chunks[] = { 1, 3, 7 };
    for (size_t k = 0; k < 3; k++) {
        returns_quant r;
        o.chunk = chunks[k];
        assert_string_equal(returns_sha(&o, &r), want);
        assert_string_equal(kept_inputs(r.analysis), want_inputs);
        assert_string_equal(r.inputs_hash, whole.inputs_hash);
        assert_true(r.held_most <= 3 * chunks[k]); /* three risks a control at most */
    }
}

static const char *kept_results(const char *analysis)
{
    return kept_field(analysis, F_ANALYSIS_RESULTS);
}

static json_t *parsed(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

/* What an analysis keeps is bounded by its fields (16 MB, where a
 * portfolio of 100,000 risks has 44 MB of inputs and the return on as many
 * controls 38 MB of rows: saving either failed after the whole run). Past
 * the bound the inputs are kept as what they were, their size and the
 * run's correlations (what a re-run needs), and the return on controls as
 * its rows of highest return and what was left out; the figures and the inputs hash
 * are those of the run kept whole. Here the bound is a few kilobytes. */
static void an_analysis_keeps_what_fits(void **state)
{
    (void)state;
    static const quant_corr corr[] = { { "RISK-1", "RISK-20", 0.6 } };
    quant_opts o = { .iterations = 4000, .seed = 11, .threads = 2, .save = 1 };
    o.corr = corr;
    o.ncorr = 1;
    portfolio_quant whole, bounded;
    tu_quantify_all(d, o, &whole);
    const char *all = kept_inputs(whole.analysis);
    quant_kept_max(4096);
    tu_quantify_all(d, o, &bounded);
    json_t *in = parsed(kept_inputs(bounded.analysis));
    assert_true(strlen(all) > 4096 && strlen(kept_inputs(bounded.analysis)) < 4096);
    assert_int_equal(json_integer_value(json_object_get(in, "bytes")), strlen(all));
    assert_int_equal(json_integer_value(json_object_get(in, "risks")), whole.modelled);
    assert_int_equal(json_integer_value(json_object_get(in, "controls")), CONTROLS);
    assert_non_null(strstr(json_string_value(json_object_get(in, "not_kept")), "isms log"));
    json_t *c = json_array_get(json_object_get(in, "correlations"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "b")), "RISK-20");
    json_decref(in);
    assert_string_equal(bounded.inputs_hash, whole.inputs_hash);
    bounded.analysis = whole.analysis;
    char *want = dom_portfolio_json(&whole), *got = dom_portfolio_json(&bounded);
    assert_string_equal(got, want);
    free(want);
    free(got);

    /* The return on controls: its rows of highest return, while they fit. */
    quant_kept_max(0);
    o.ncorr = 0;
    returns_quant r, cut;
    isms_err e = { 0 };
    if (dom_control_returns(d, &o, &r, &e))
        fail_msg("returns: %s", e.msg);
    const char *analysis = r.analysis;
    r.analysis = NULL; /* as it is kept: the analysis names itself by its key */
    want = dom_returns_json(&r);
    assert_string_equal(kept_results(analysis), want); /* under the bound: whole, byte for byte */
    quant_kept_max(6000);
    if (dom_control_returns(d, &o, &cut, &e))
        fail_msg("returns: %s", e.msg);
    quant_kept_max(0);
    const char *text = kept_results(cut.analysis);
    json_t *full = parsed(want), *kept = parsed(text);
    size_t rows = json_array_size(json_object_get(kept, "controls"));
    print_message("returns kept: %zu of %d rows, %zu of %zu bytes\n", rows, CONTROLS, strlen(text),
                  strlen(want));
    assert_true(rows > 0 && rows < CONTROLS && strlen(text) <= 6000);
    for (size_t k = 0; k < rows; k++)
        assert_true(json_equal(json_array_get(json_object_get(kept, "controls"), k),
                               json_array_get(json_object_get(full, "controls"), k)));
    assert_int_equal(json_integer_value(json_object_get(kept, "controls_valued")), CONTROLS);
    assert_non_null(strstr(json_string_value(json_object_get(kept, "not_kept")), "re-run"));
    assert_null(json_object_get(full, "not_kept"));
    json_decref(full);
    json_decref(kept);
    free(want);
}

static void one_risk(const char *key, risk_quant *q)
{
    tu_quantify(d, key, (quant_opts){ .iterations = 4000, .seed = 5, .threads = 1 }, q);
}

static void one_risk_reads_only_its_own_controls(void **state)
{
    (void)state;
    risk_quant q, insured;
    one_risk("RISK-5", &q);        /* a proposed control and two partly effective */
    one_risk("RISK-11", &insured); /* two insurances and a proposed control */
    const char *got[] = { bits(q.inherent.stats.mean),
                          bits(q.current.stats.mean),
                          bits(q.target.stats.mean),
                          bits(q.current.stats.p95),
                          q.inputs_hash,
                          bits(insured.current.stats.mean),
                          insured.inputs_hash };
    expect_figures("one risk", got, golden_one, sizeof got / sizeof *got);
    /* A control that does not treat RISK-5, its stored reduction broken
     * behind isms's back: the portfolio, which reads it, stops on it;
     * RISK-5's run never reads it and gives the same figures. */
    tu_sql(repo, "UPDATE control SET reduction = 'pert(0.9,0.1' WHERE key = 'CTL-2'");
    isms_err e = { 0 };
    quant_opts o = { .iterations = 1000, .seed = 5, .threads = 1 };
    portfolio_quant p;
    assert_int_not_equal(dom_portfolio_quantify(d, &o, 0, &p, &e), 0);
    assert_contains(e.msg, "CTL-2");
    risk_quant again;
    one_risk("RISK-5", &again);
    assert_true(again.current.stats.mean == q.current.stats.mean);
    assert_string_equal(again.inputs_hash, q.inputs_hash);
    /* More risks and controls elsewhere change nothing either. */
    tu_add(d, tu_make(d, &reg_risk, "title=Elsewhere", "owner=PER-1", "likelihood=2", "impact=3",
                      "lef=const(3)", "primary_loss=const(100000)", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Elsewhere too", "owner=PER-1",
                      arena_printf(dom_arena(d), "treats=RISK-%d", RISKS + 1), "status=operating",
                      "acts_on=lef", "reduction=const(0.5)", NULL));
    one_risk("RISK-5", &again);
    assert_true(again.current.stats.mean == q.current.stats.mean);
    assert_string_equal(again.inputs_hash, q.inputs_hash);
    /* A control that does treat it, broken the same way, is read. */
    tu_sql(repo, "UPDATE control SET reduction = 'pert(0.9,0.1' WHERE key = 'CTL-12'");
    err_clear(&e);
    assert_int_not_equal(dom_risk_quantify(d, "RISK-5", &o, &again, &e), 0);
    assert_contains(e.msg, "CTL-12");
}

TU_MAIN(setup, teardown, cmocka_unit_test(portfolio_figures_are_the_quadratic_ones),
        cmocka_unit_test(portfolio_streams_in_chunks), cmocka_unit_test(returns_stream_in_chunks),
        cmocka_unit_test(an_analysis_keeps_what_fits),
        cmocka_unit_test(one_risk_reads_only_its_own_controls))
