/* The latest analysis of each subject, kept by the store (0017, issue 16
 * point 1): the dashboard finds it by key and index and judges only the
 * analyses written since they ran, each at the cost of its own inputs, so
 * it neither reads every analysis nor hashes the whole model; its
 * figures are those counted from every analysis (the recount), and a list
 * or a show of an analysis says the same of it, without the whole model
 * either (a portfolio written since without its inputs changing is stale
 * in all three). */
#include "support/testutil.h"
#include "core/xalloc.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/views/dashboard.h"
#include "domain/views/derived.h"
#include "domain/workflows/quantify.h"
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;
static const char *repo;

static void at(const char *when) { setenv("ISMS_NOW", when, 1); }

/* RISK-1: large, outside the Payments appetite, its residual cell rated
 * low (its figures say high: the cells disagree), treated by CTL-1;
 * RISK-2: small, treated by CTL-2; RISK-3: small, untreated. Each row:
 * title, objectives, likelihood, impact, residual cell, lef, loss. */
static const char *const risks[][8] = {
    { "Ransomware", "OBJ-1", "5", "5", "1", "1", "pert(0.5,2,6)", "lognormal90(100000,10000000)" },
    { "Typos", "OBJ-1", "2", "1", "2", "1", "const(1)", "const(10000)" },
    { "Spills", "", "2", "1", "2", "1", "const(1)", "const(2000)" },
};

static void add_risk(const char *const *f)
{
    arena *a = dom_arena(d);
    tu_add(d, tu_make(d, &reg_risk, arena_printf(a, "title=%s", f[0]), "owner=PER-2",
                      arena_printf(a, "objectives=%s", f[1]),
                      arena_printf(a, "likelihood=%s", f[2]), arena_printf(a, "impact=%s", f[3]),
                      arena_printf(a, "residual_likelihood=%s", f[4]),
                      arena_printf(a, "residual_impact=%s", f[5]), arena_printf(a, "lef=%s", f[6]),
                      arena_printf(a, "primary_loss=%s", f[7]), NULL));
}

/* A control acting on the loss event frequency of one risk. */
static void add_control(const char *title, const char *risk, const char *reduction)
{
    arena *a = dom_arena(d);
    tu_add(d, tu_make(d, &reg_control, arena_printf(a, "title=%s", title), "owner=PER-2",
                      arena_printf(a, "treats=%s", risk), "status=operating",
                      "effectiveness=effective", "acts_on=lef",
                      arena_printf(a, "reduction=const(%s)", reduction), "cost=1000", NULL));
}

/* An appetite of OBJ-1's, added and approved by the management body. */
static void approve_appetite(const char *statement, const char *appetite, const char *tolerance)
{
    record out;
    isms_err e = { 0 };
    arena *a = dom_arena(d);
    const char *key = tu_add(d, tu_make(d, &reg_appetite, "objective=OBJ-1",
                                        arena_printf(a, "statement=%s", statement),
                                        arena_printf(a, "appetite=%s", appetite),
                                        arena_printf(a, "tolerance=%s", tolerance), NULL));
    tu_as(d, "dana@x.example");
    if (dom_transition(d, &reg_appetite, key, "approve", &out, &e))
        fail_msg("approve: %s", e.msg);
    tu_as(d, NULL);
}

static void fill(void)
{
    tu_org(d, "name=Acme", "frequency_bands=0.05,0.2,1,4",
           "magnitude_bands=50000,250000,1000000,5000000", NULL);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", "value_at_stake=10000000",
                      NULL));
    for (size_t k = 0; k < sizeof risks / sizeof *risks; k++)
        add_risk(risks[k]);
    add_control("EDR", "RISK-1", "0.4");
    add_control("Spellcheck", "RISK-2", "0.5");
    approve_appetite("Payments: 500k", "500000", "2000000");
}

/* Each test on a repository of its own. */
static int setup(void **state)
{
    (void)state;
    static int n;
    char name[32];
    snprintf(name, sizeof name, "latest-%d.isms", ++n);
    at("2026-11-23T08:00:00Z");
    repo = tu_repo(name);
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "latest-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    fill();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

static const char *quantify(const char *key, uint64_t seed)
{
    risk_quant q;
    tu_quantify(d, key, (quant_opts){ .iterations = 2000, .seed = seed, .threads = 1, .save = 1 },
                &q);
    return arena_strdup(dom_arena(d), q.analysis);
}

static const char *run_portfolio(void)
{
    portfolio_quant p;
    tu_quantify_all(d, (quant_opts){ .iterations = 1000, .seed = 3, .threads = 1, .save = 1 }, &p);
    return arena_strdup(dom_arena(d), p.analysis);
}

static void update(const char *when, const regdef *reg, const char *key, record *changes)
{
    at(when);
    record out;
    isms_err e = { 0 };
    if (dom_update(d, reg, key, changes, 0, &out, NULL, &e))
        fail_msg("update %s: %s", key, e.msg);
}

/* The key of the analysis the store keeps as subject's latest. */
static char *kept_latest(const char *subject)
{
    char q[256];
    snprintf(q, sizeof q,
             "SELECT a.key FROM analysis_latest l JOIN analysis a ON a.id = l.analysis "
             "WHERE l.subject = '%s'",
             subject);
    return tu_sql_value(repo, q);
}

static void expect_latest(const char *subject, const char *key)
{
    char *got = kept_latest(subject);
    assert_non_null(got);
    assert_string_equal(got, key);
    free(got);
    record a;
    int found;
    isms_err e = { 0 };
    if (strncmp(subject, "RISK-", 5))
        return;
    if (dom_risk_analysis(d, subject, &a, &found, &e))
        fail_msg("analysis: %s", e.msg);
    assert_true(found);
    assert_string_equal(a.key, key);
}

/* Analysis `key`'s figures as a list or a show of it says (quant_check_of):
 * stale since `since`, or current (since NULL). */
static void expect_figures(const char *key, const char *since)
{
    record a;
    const char *last;
    quant_freshness f;
    isms_err e = { 0 };
    if (dom_get(d, &reg_analysis, key, &a, &e) || quant_last_input_change(d, &last, &e) ||
        quant_check_of(d, last, &a, &f, &e))
        fail_msg("figures of %s: %s", key, e.msg);
    assert_int_equal(f.stale, since != NULL);
    if (since)
        assert_string_equal(f.since, since);
}

/* Appends "key since;" to the char[256] ctx (q's memory is freed after). */
static int note_stale(const quant_latest *q, void *ctx, isms_err *e)
{
    (void)e;
    char *text = ctx;
    size_t n = strlen(text);
    snprintf(text + n, 256 - n, "%s %s;", q->key, q->fresh.since);
    return 0;
}

static void dashboard(dom_dash *s, int recount)
{
    isms_err e = { 0 };
    if ((recount ? dom_dashboard_recount : dom_dashboard)(d, s, &e))
        fail_msg("dashboard: %s", e.msg);
}

/* The stale analyses as "key since; ...". */
static const char *stale_text(const dom_dash *s)
{
    const char *t = "";
    for (size_t k = 0; k < s->nstale; k++)
        t = arena_printf(dom_arena(d), "%s%s %s;", t, s->stale[k].key,
                         s->stale[k].since ? s->stale[k].since : "-");
    return t;
}

static void same_keys(const dash_keys *a, const dash_keys *b)
{
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->n, b->n);
    for (size_t k = 0; k < a->n; k++)
        assert_string_equal(a->keys[k], b->keys[k]);
}

/* The dashboard from the kept rows equals the one from every analysis. */
static void expect_as_counted(void)
{
    dom_dash kept, counted;
    dashboard(&kept, 0);
    dashboard(&counted, 1);
    assert_string_equal(stale_text(&kept), stale_text(&counted));
    assert_int_equal(kept.outside_appetite, counted.outside_appetite);
    same_keys(&kept.outside, &counted.outside);
    same_keys(&kept.matrix_disagrees, &counted.matrix_disagrees);
    assert_int_equal(kept.portfolio_stale, counted.portfolio_stale);
    /* how many in all: the kept tally, the marks counted, every analysis judged */
    assert_int_equal(kept.stale_total, counted.stale_total);
    tallies t;
    tallies_init(&t);
    isms_err e = { 0 };
    int64_t marks = 0;
    if (tallies_read(d, NULL, &t, &e) || store_latest_stale(dom_store(d), &marks, &e))
        fail_msg("tallies: %s", e.msg);
    assert_int_equal(tallies_get(&t, STORE_STALE_TALLY), marks);
    assert_int_equal(marks, counted.stale_total);
    tallies_reset(&t);
    if (kept.portfolio_key && counted.portfolio_key)
        assert_string_equal(kept.portfolio_key, counted.portfolio_key);
    else
        assert_ptr_equal(kept.portfolio_key, counted.portfolio_key);
}

static void expect_stale(const char *want)
{
    dom_dash s;
    dashboard(&s, 0);
    assert_string_equal(stale_text(&s), want);
}

static void the_latest_of_each_subject_after_several_saves(void **state)
{
    (void)state;
    at("2026-11-23T09:00:00Z");
    quantify("RISK-1", 1);
    const char *r2 = quantify("RISK-2", 1);
    const char *p = run_portfolio();
    quantify("RISK-2", 2);
    const char *r1 = quantify("RISK-1", 2);
    expect_latest("RISK-2", r2 = quantify("RISK-2", 3));
    expect_latest("RISK-1", r1);
    expect_latest("portfolio by objective", p);
    expect_latest("portfolio by objective", p = run_portfolio());
    dom_dash s;
    dashboard(&s, 0);
    assert_string_equal(s.portfolio_key, p);
    assert_false(s.portfolio_stale);
    assert_int_equal(s.outside_appetite, 1);
    assert_string_equal(s.outside.keys[0], "RISK-1");
    assert_int_equal(s.matrix_disagrees.total, 1);
    assert_string_equal(s.matrix_disagrees.keys[0], "RISK-1");
    expect_as_counted();
    /* The risk's cell moved to its figures' band: the cells agree now;
     * a cell is no input: every analysis stays current. */
    update("2026-11-23T09:30:00Z", &reg_risk, "RISK-1",
           tu_make(d, &reg_risk, "residual_likelihood=4", "residual_impact=5", NULL));
    dashboard(&s, 0);
    assert_int_equal(s.matrix_disagrees.total, 0);
    assert_int_equal(s.nstale, 0);
    expect_as_counted();
}

/* A risk's analysis is stale when its own inputs changed (the risk, a
 * control treating it), not when another risk's or an unrelated record
 * did; a portfolio when any risk or control was written since it ran. */
static void stale_when_its_own_inputs_change(void **state)
{
    (void)state;
    at("2026-11-24T09:00:00Z");
    const char *r1 = quantify("RISK-1", 1), *r3 = quantify("RISK-3", 1), *p = run_portfolio();
    expect_stale("");
    /* Unrelated registers: nothing is stale. */
    at("2026-11-24T10:00:00Z");
    tu_add(d, tu_make(d, &reg_asset, "name=Laptop", "type=system", "owner=PER-2", NULL));
    tu_add(d, tu_make(d, &reg_person, "name=Tess Temp", "email=tess@x.example", NULL));
    expect_stale("");
    expect_as_counted();
    /* Another risk's figures: RISK-1's and RISK-3's analyses are current,
     * the portfolio is stale since. */
    update("2026-11-24T11:00:00Z", &reg_risk, "RISK-2",
           tu_make(d, &reg_risk, "primary_loss=const(12000)", NULL));
    expect_stale(arena_printf(dom_arena(d), "%s 2026-11-24T11:00:00Z;", p));
    expect_as_counted();
    /* RISK-1's title only: its analysis current; the portfolio's "since"
     * names the latest change after it ran, as it always has. */
    update("2026-11-24T12:00:00Z", &reg_risk, "RISK-1",
           tu_make(d, &reg_risk, "title=Ransomware again", NULL));
    expect_stale(arena_printf(dom_arena(d), "%s 2026-11-24T12:00:00Z;", p));
    expect_as_counted();
    /* The control treating RISK-1: stale since that change. */
    update("2026-11-24T13:00:00Z", &reg_control, "CTL-1",
           tu_make(d, &reg_control, "reduction=const(0.6)", NULL));
    expect_stale(
        arena_printf(dom_arena(d), "%s 2026-11-24T13:00:00Z;%s 2026-11-24T13:00:00Z;", r1, p));
    expect_as_counted();
    /* RISK-3's own figures, then a new run of RISK-1: current again. */
    update("2026-11-24T14:00:00Z", &reg_risk, "RISK-3",
           tu_make(d, &reg_risk, "primary_loss=const(3000)", NULL));
    at("2026-11-24T15:00:00Z");
    quantify("RISK-1", 4);
    expect_stale(
        arena_printf(dom_arena(d), "%s 2026-11-24T14:00:00Z;%s 2026-11-24T14:00:00Z;", r3, p));
    expect_as_counted();
    at("2026-11-24T16:00:00Z");
    quantify("RISK-3", 4);
    run_portfolio();
    expect_stale("");
    expect_as_counted();
}

/* CTL-1's risks changed by members (dom_add_members, dom_remove_members). */
static void change_members(const char *when, const char *add, const char *remove)
{
    record *ch = tu_make(d, &reg_control, NULL);
    int f = regdef_field(&reg_control, "treats");
    isms_err e = { 0 };
    if ((add && dom_add_members(d, ch, f, add, &e)) ||
        (remove && dom_remove_members(d, ch, f, remove, &e)))
        fail_msg("members: %s", e.msg);
    update(when, &reg_control, "CTL-1", ch);
}

/* A control's set of risks changed marks the risks that joined or left
 * it, not those it goes on treating (a risk's inputs name its controls,
 * not the controls' other risks); a change of its effect marks every one
 * it treats. The kept marks agree with every analysis judged again. */
static void a_set_changed_marks_who_joined_or_left(void **state)
{
    (void)state;
    change_members("2026-11-24T09:00:00Z", "RISK-2", NULL);
    at("2026-11-24T10:00:00Z");
    const char *r1 = quantify("RISK-1", 1), *r2 = quantify("RISK-2", 1),
               *r3 = quantify("RISK-3", 1);
    expect_stale("");
    change_members("2026-11-24T11:00:00Z", "RISK-3", NULL);
    expect_stale(arena_printf(dom_arena(d), "%s 2026-11-24T11:00:00Z;", r3));
    expect_as_counted();
    /* RISK-2 left: stale since that write (a judge of its inputs alone
     * finds none written since it ran, and says "-"); RISK-3 goes on
     * being stale, since then too; RISK-1 as it was */
    change_members("2026-11-24T12:00:00Z", NULL, "RISK-2");
    expect_stale(
        arena_printf(dom_arena(d), "%s 2026-11-24T12:00:00Z;%s 2026-11-24T12:00:00Z;", r2, r3));
    dom_dash kept, counted;
    dashboard(&kept, 0);
    dashboard(&counted, 1);
    assert_int_equal(kept.stale_total, counted.stale_total);
    /* CTL-2 (RISK-2's) gains RISK-3: both stale since (more are marked
     * than it has risks: they are found from its links, not the marks) */
    update("2026-11-24T12:30:00Z", &reg_control, "CTL-2",
           tu_make(d, &reg_control, "treats=RISK-2,RISK-3", NULL));
    expect_stale(
        arena_printf(dom_arena(d), "%s 2026-11-24T12:30:00Z;%s 2026-11-24T12:30:00Z;", r2, r3));
    expect_as_counted();
    /* the whole set given, RISK-2 back: its analysis current again */
    update("2026-11-24T13:00:00Z", &reg_control, "CTL-1",
           tu_make(d, &reg_control, "treats=RISK-3,RISK-2,RISK-1", NULL));
    expect_stale(arena_printf(dom_arena(d), "%s 2026-11-24T13:00:00Z;", r3));
    expect_as_counted();
    /* its effect: every risk it treats */
    update("2026-11-24T14:00:00Z", &reg_control, "CTL-1",
           tu_make(d, &reg_control, "reduction=const(0.7)", NULL));
    expect_stale(arena_printf(dom_arena(d),
                              "%s 2026-11-24T14:00:00Z;%s 2026-11-24T14:00:00Z;%s "
                              "2026-11-24T14:00:00Z;",
                              r1, r2, r3));
    expect_as_counted();
}

/* A control that does not treat RISK-1, its reduction broken behind
 * isms's back, stops whatever loads the whole model; an analysis of
 * RISK-2 superseded long ago, its subject gone, what reads every
 * analysis. The dashboard reads neither: RISK-1's analysis and the
 * portfolio stale since RISK-1 changed. */
static void the_dashboard_reads_neither_every_analysis_nor_the_whole_model(void **state)
{
    (void)state;
    at("2026-11-25T09:00:00Z");
    const char *old = quantify("RISK-2", 1);
    quantify("RISK-2", 2);
    const char *r1 = quantify("RISK-1", 1), *p = run_portfolio();
    update("2026-11-25T10:00:00Z", &reg_risk, "RISK-1",
           tu_make(d, &reg_risk, "lef=pert(0.5,3,6)", NULL));
    tu_sql(repo, "UPDATE control SET reduction = 'pert(0.9,0.1' WHERE key = 'CTL-2'");
    tu_sql(repo,
           arena_printf(dom_arena(d), "UPDATE analysis SET subject = NULL WHERE key = '%s'", old));
    /* the keys live in the arena the close frees */
    char *want = xstrdup(
             arena_printf(dom_arena(d), "%s 2026-11-25T10:00:00Z;%s 2026-11-25T10:00:00Z;", r1, p)),
         *r1_key = xstrdup(r1), *p_key = xstrdup(p);
    dom_close(d);
    isms_err e = { 0 };
    if (dom_open(repo, &d, &e)) /* nothing kept in memory from before */
        fail_msg("open: %s", e.msg);
    at("2026-11-25T11:00:00Z");
    dom_dash s;
    dashboard(&s, 0);
    assert_string_equal(stale_text(&s), want);
    assert_true(s.portfolio_stale);
    assert_string_equal(s.portfolio_since, "2026-11-25T10:00:00Z");
    /* Each analysis's own figures are judged without the whole model
     * too: the portfolio's by its kept mark, RISK-1's by its own model;
     * what `quantify --stale` re-runs is found by the marks, without
     * reading RISK-2's analysis (its control is the broken one); what
     * runs the whole model does stop on the broken control. */
    expect_figures(p_key, "2026-11-25T10:00:00Z");
    expect_figures(r1_key, "2026-11-25T10:00:00Z");
    char got[256] = "";
    if (dom_latest_stale_each(d, note_stale, got, &e))
        fail_msg("stale: %s", e.msg);
    assert_string_equal(got, want);
    free(want);
    free(r1_key);
    free(p_key);
    portfolio_quant q;
    quant_opts o = { .iterations = 1000, .seed = 3, .threads = 1 };
    assert_int_not_equal(dom_portfolio_quantify(d, &o, 1, &q, &e), 0);
    assert_contains(e.msg, "CTL-2");
}

/* A repository whose analyses were saved before the table: the upgrade
 * fills it from the analyses, and the dashboard is the counted one. */
static void an_upgrade_keeps_them_from_the_analyses(void **state)
{
    (void)state;
    dom_close(d); /* the set-up's, made at the newest schema */
    repo = tu_repo("before-latest.isms");
    char until[16];
    snprintf(until, sizeof until, "%d", store_migration_version("0017_") - 1);
    setenv("ISMS_MIGRATE_UNTIL", until, 1);
    at("2026-11-26T08:00:00Z");
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "latest-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    fill();
    at("2026-11-26T09:00:00Z");
    quantify("RISK-1", 1);
    quantify("RISK-2", 1);
    char *r1 = xstrdup(quantify("RISK-1", 2)), *p = xstrdup(run_portfolio());
    update("2026-11-26T10:00:00Z", &reg_control, "CTL-1",
           tu_make(d, &reg_control, "reduction=const(0.7)", NULL));
    dom_close(d); /* its arena with it: the keys were copied */
    unsetenv("ISMS_MIGRATE_UNTIL");
    if (dom_open(repo, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), store_migration_version("0017_") - 1);
    expect_latest("RISK-1", r1);
    expect_stale(
        arena_printf(dom_arena(d), "%s 2026-11-26T10:00:00Z;%s 2026-11-26T10:00:00Z;", r1, p));
    expect_as_counted();
    free(r1);
    free(p);
}

/* Risk r's derived value `name` (a text, or a reference's key) is `want`
 * (NULL: none), as a list or a show reads it through the cache c (NULL: a
 * cache of its own, as a show). */
static void expect_derived_in(derive_cache *c, const record *r, const char *name, const char *want)
{
    int n;
    const derived_def *defs = derived_defs(r->reg, &n);
    value *v = arena_alloc(dom_arena(d), sizeof *v * (size_t)n);
    derive_cache *own = c ? NULL : derive_cache_new(d);
    isms_err e = { 0 };
    if (derive_record(c ? c : own, r, v, &e))
        fail_msg("derived: %s", e.msg);
    int k = 0;
    while (k < n && strcmp(defs[k].field.name, name))
        k++;
    if (k >= n)
        fail_msg("%s: no derived value %s (of %d)", r->key, name, n);
    if (!want)
        assert_true(v[k].null);
    else if (v[k].null || strcmp(v[k].s, want))
        fail_msg("%s %s: %s, not %s", r->key, name, v[k].null ? "none" : v[k].s, want);
    derive_cache_free(own);
}

static void expect_derived(const record *r, const char *name, const char *want)
{
    expect_derived_in(NULL, r, name, want);
}

/* A risk's mark is its inputs hash's verdict, kept at each write: a value
 * set back unmarks it, an objective's title marks only the portfolio, an
 * approved appetite marks every analysis, a retired risk's is unmarked;
 * the count is a tally, and every figure is the one judged from every
 * analysis. */
static void marks_follow_the_inputs_and_are_counted(void **state)
{
    (void)state;
    at("2026-11-27T09:00:00Z");
    const char *r1 = quantify("RISK-1", 1), *r2 = quantify("RISK-2", 1), *p;
    quantify("RISK-3", 1);
    p = run_portfolio();
    expect_stale("");
    expect_as_counted();
    update("2026-11-27T10:00:00Z", &reg_control, "CTL-1",
           tu_make(d, &reg_control, "reduction=const(0.6)", NULL));
    expect_stale(
        arena_printf(dom_arena(d), "%s 2026-11-27T10:00:00Z;%s 2026-11-27T10:00:00Z;", r1, p));
    expect_as_counted();
    /* set back: RISK-1's is current again; the portfolio, its inputs
     * written since, stale (its "written since" is not judged) */
    update("2026-11-27T11:00:00Z", &reg_control, "CTL-1",
           tu_make(d, &reg_control, "reduction=const(0.4)", NULL));
    expect_stale(arena_printf(dom_arena(d), "%s 2026-11-27T11:00:00Z;", p));
    /* a show or a list of the analyses says what the dashboard says */
    expect_figures(r1, NULL);
    expect_figures(p, "2026-11-27T11:00:00Z");
    const char *before = p;
    at("2026-11-27T12:00:00Z");
    p = run_portfolio();
    update("2026-11-27T13:00:00Z", &reg_objective, "OBJ-1",
           tu_make(d, &reg_objective, "title=Payments and cards", NULL));
    expect_stale(""); /* no analysis's inputs name an objective's title */
    expect_as_counted();
    expect_figures(p, NULL);
    /* one superseded: stale since the last risk, control or appetite
     * written after it ran */
    expect_figures(before, "2026-11-27T11:00:00Z");
    /* OBJ-1's appetite: its risks' analyses, not RISK-3's (no objective) */
    at("2026-11-27T14:00:00Z");
    approve_appetite("Payments: 400k", "400000", "1500000");
    expect_stale(arena_printf(dom_arena(d),
                              "%s 2026-11-27T14:00:00Z;%s 2026-11-27T14:00:00Z;%s "
                              "2026-11-27T14:00:00Z;",
                              r1, r2, p));
    expect_as_counted();
    at("2026-11-27T15:00:00Z");
    dom_dash s;
    record out;
    isms_err e = { 0 };
    if (dom_retire(d, &reg_risk, "RISK-1", &out, &e)) /* stale: its mark goes with it */
        fail_msg("retire: %s", e.msg);
    dashboard(&s, 0);
    assert_int_equal(s.stale_total, 2); /* RISK-2's and the portfolio's */
    for (size_t k = 0; k < s.nstale; k++)
        assert_string_not_equal(s.stale[k].key, r1);
    /* its analysis, shown with it, is stale for good */
    expect_derived(&out, "analysis", r1);
    expect_derived(&out, "figures", "STALE: the risk is no longer quantified");
    expect_as_counted();
}

/* A list reads which analysis is each risk's latest a window of ids at a
 * time: asked in key order across windows, in reverse, and every other
 * one, each risk gets its own latest analysis, and one without none. */
static void a_list_reads_each_risks_latest_in_any_order(void **state)
{
    (void)state;
    enum { N = 300 }; /* more than one window of ids (LATEST_WINDOW, 256) */
    for (int k = 4; k <= N; k++)
        add_risk(risks[k % 2]);
    const char *want[N + 1] = { 0 };
    const int quantified[] = { 1, 2, 255, 256, 257, 257, 258, N }; /* 257 twice: the second */
    for (size_t q = 0; q < sizeof quantified / sizeof *quantified; q++)
        want[quantified[q]] =
            quantify(arena_printf(dom_arena(d), "RISK-%d", quantified[q]), 1 + (uint64_t)q);
    record *r = arena_alloc(dom_arena(d), sizeof *r * (N + 1));
    for (int k = 1; k <= N; k++)
        if (dom_get(d, &reg_risk, arena_printf(dom_arena(d), "RISK-%d", k), &r[k], NULL))
            fail_msg("RISK-%d: not read", k);
    static const int orders[][2] = { { 1, 1 }, { N, -1 }, { 2, 2 } }; /* first, step */
    for (size_t o = 0; o < sizeof orders / sizeof *orders; o++) {
        derive_cache *c = derive_cache_new(d);
        for (int k = orders[o][0]; k >= 1 && k <= N; k += orders[o][1]) {
            expect_derived_in(c, &r[k], "analysis", want[k]);
            expect_derived_in(c, &r[k], "figures", want[k] ? "current" : NULL);
        }
        derive_cache_free(c);
    }
}

/* What re-running the stale analyses notes of each (copied: each runs in
 * memory of its own). */
typedef struct reruns {
    char key[8][32], kind[8][32];
    int n;
} reruns;

static int rerun_each(const quant_latest *l, void *ctx, isms_err *e)
{
    reruns *r = ctx;
    quant_opts o = { .threads = 1, .save = 1 };
    const char *key;
    int rc = dom_latest_rerun(d, l, &o, &key, e);
    if (!rc && r->n < 8) {
        snprintf(r->key[r->n], sizeof r->key[r->n], "%s", key);
        snprintf(r->kind[r->n++], sizeof r->kind[0], "%s", l->kind);
    }
    return rc;
}

/* A stale analysis runs again as it ran (dom_latest_rerun: the server's
 * schedule and `quantify --stale`): a portfolio with its iterations, seed
 * and correlations, a risk's with its own. */
static void a_stale_analysis_runs_again_as_it_ran(void **state)
{
    (void)state;
    at("2026-11-29T09:00:00Z");
    quantify("RISK-1", 5);
    quant_corr corr[] = { { "RISK-1", "RISK-2", 0.6 } };
    portfolio_quant p;
    tu_quantify_all(
        d,
        (quant_opts){
            .iterations = 1500, .seed = 9, .threads = 1, .save = 1, .corr = corr, .ncorr = 1 },
        &p);
    update("2026-11-29T10:00:00Z", &reg_risk, "RISK-1",
           tu_make(d, &reg_risk, "lef=const(2)", NULL));
    reruns r = { 0 };
    isms_err e = { 0 };
    if (dom_latest_stale_each(d, rerun_each, &r, &e))
        fail_msg("stale: %s", e.msg);
    assert_int_equal(r.n, 2);
    for (int k = 0; k < r.n; k++) {
        record a;
        if (dom_get(d, &reg_analysis, r.key[k], &a, &e))
            fail_msg("%s: %s", r.key[k], e.msg);
        int whole = !strcmp(r.kind[k], "portfolio");
        assert_int_equal(record_int(&a, F_ANALYSIS_ITERATIONS), whole ? 1500 : 2000);
        assert_string_equal(record_text(&a, F_ANALYSIS_SEED), whole ? "9" : "5");
        if (whole) {
            const char *in = record_text(&a, F_ANALYSIS_INPUTS),
                       *pair = "\"correlations\":[{\"a\":\"RISK-1\",\"b\":\"RISK-2\","
                               "\"rank_correlation\":";
            assert_contains(in, pair);
            assert_true(fabs(strtod(strstr(in, pair) + strlen(pair), NULL) - 0.6) < 1e-12);
        }
    }
    if (dom_latest_stale_each(d, rerun_each, &r, &e)) /* none left */
        fail_msg("stale: %s", e.msg);
    assert_int_equal(r.n, 2);
}

/* More stale than a front end lists: the first DASH_KEYS_FIRST in the
 * analyses' order and the count, as from every analysis. */
static void the_dashboard_lists_the_first_stale_and_counts_them_all(void **state)
{
    (void)state;
    at("2026-11-28T09:00:00Z");
    for (int k = 0; k < DASH_KEYS_FIRST + 2; k++)
        add_risk(risks[k % 2]);
    for (int k = 1; k <= DASH_KEYS_FIRST + 4; k++)
        quantify(arena_printf(dom_arena(d), "RISK-%d", k), 1);
    at("2026-11-28T10:00:00Z");
    approve_appetite("Payments: 400k", "400000", "1500000");
    dom_dash s; /* RISK-3's not: it weighs the organisation's appetite */
    dashboard(&s, 0);
    assert_int_equal(s.stale_total, DASH_KEYS_FIRST + 3);
    assert_int_equal(s.nstale, DASH_KEYS_FIRST);
    assert_string_equal(s.stale[0].subject, "RISK-1");
    expect_as_counted();
}

/* The dashboard's top risks in money: the latest analyses of the risks
 * still quantified, largest P95 first, from the front of an index. */
static void top_risks_in_money_by_their_latest_p95(void **state)
{
    (void)state;
    at("2026-11-29T09:00:00Z");
    quantify("RISK-2", 1);
    quantify("RISK-3", 1);
    quantify("RISK-1", 1);
    const char *r2 = quantify("RISK-2", 2);
    quant_latest *top;
    size_t n;
    isms_err e = { 0 };
    if (dom_latest_top_money(d, 2, &top, &n, &e))
        fail_msg("top: %s", e.msg);
    assert_int_equal(n, 2);
    assert_string_equal(top[0].subject, "RISK-1"); /* lognormal up to 10M */
    assert_string_equal(top[1].subject, "RISK-2"); /* const(10000) */
    assert_string_equal(top[1].key, r2);           /* its latest, not its first */
    assert_true(record_int(top[0].rec, F_ANALYSIS_P95_LOSS) >=
                record_int(top[1].rec, F_ANALYSIS_P95_LOSS));
    record out;
    if (dom_retire(d, &reg_risk, "RISK-1", &out, &e))
        fail_msg("retire: %s", e.msg);
    if (dom_latest_top_money(d, 5, &top, &n, &e))
        fail_msg("top: %s", e.msg);
    assert_int_equal(n, 2);
    assert_string_equal(top[0].subject, "RISK-2");
    assert_string_equal(top[1].subject, "RISK-3");
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
TU_MAIN(NULL, NULL, TEST(the_latest_of_each_subject_after_several_saves),
        TEST(a_list_reads_each_risks_latest_in_any_order),
        TEST(a_stale_analysis_runs_again_as_it_ran), TEST(stale_when_its_own_inputs_change),
        TEST(a_set_changed_marks_who_joined_or_left), TEST(an_upgrade_keeps_them_from_the_analyses),
        TEST(the_dashboard_reads_neither_every_analysis_nor_the_whole_model),
        TEST(marks_follow_the_inputs_and_are_counted),
        TEST(the_dashboard_lists_the_first_stale_and_counts_them_all),
        TEST(top_risks_in_money_by_their_latest_p95))
