/* The domain's rules, called as the front ends call them: through dom_*
 * on a real repository. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/registers/assets.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/registers/validate.h"
#include "domain/integrity/verify.h"
#include "formats/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

static int64_t ledger_entries(void)
{
    verify_report rep;
    verify_report_init(&rep);
    isms_err e = { 0 };
    int rc = dom_verify(d, &rep, &e);
    if (rc)
        fail_msg("verify: %s", e.msg);
    int64_t n = rep.entries;
    verify_report_reset(&rep);
    return n;
}

static int add_fails(record *r, const char *needle)
{
    record out;
    isms_err e = { 0 };
    int64_t before = ledger_entries();
    int rc = dom_add(d, r, &out, &e);
    assert_int_not_equal(rc, 0);
    assert_contains(e.msg, needle);
    assert_int_equal(ledger_entries(), before);
    return rc;
}

static int update(const regdef *reg, const char *key, record *changes, int64_t if_version,
                  isms_err *e)
{
    record out;
    return dom_update(d, reg, key, changes, if_version, &out, NULL, e);
}

static int setup(void **state)
{
    (void)state;
    d = tu_create("rules.isms", "rules-test");
    tu_add_people(d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dom_close(d);
    return 0;
}

static int count_row(const record *r, void *ctx)
{
    (void)r;
    (*(int64_t *)ctx)++;
    return 0;
}

static void every_register_matches_the_schema(void **state)
{
    (void)state;
    /* Reading each register runs its generated SQL (columns, references,
     * link tables) against the real tables: a field without a column, or a
     * typo in a link table, fails here. */
    for (int i = 0; registers[i]; i++) {
        int64_t n = 0, rows = 0;
        isms_err e = { 0 };
        store_query all = { .include_retired = 1 };
        store_query one = { .limit = 1 };
        if (store_count(dom_store(d), registers[i], &all, &n, &e) ||
            dom_list(d, registers[i], &all, count_row, &rows, &e) ||
            dom_list(d, registers[i], &one, count_row, &rows, &e))
            fail_msg("%s: %s", registers[i]->name, e.msg);
    }
    /* 62 built-in threats (T-IS-001..015, BSI G-0.1..47), each verified
     * against its ledger entry. */
    int64_t n;
    isms_err e = { 0 };
    assert_int_equal(store_count(dom_store(d), &reg_threat, NULL, &n, &e), 0);
    assert_int_equal(n, 62);
}

static void asset_dependencies_cannot_cycle(void **state)
{
    (void)state;
    const char *a =
        tu_add(d, tu_make(d, &reg_asset, "name=Process", "type=process", "owner=PER-1", NULL));
    const char *b = tu_add(d, tu_make(d, &reg_asset, "name=App", "type=application", "owner=PER-1",
                                      arena_printf(dom_arena(d), "depends_on=%s", a), NULL));
    /* b depends on a, so a may not depend on b, nor on itself. */
    isms_err e = { 0 };
    record *ch = tu_make(d, &reg_asset, arena_printf(dom_arena(d), "depends_on=%s", b), NULL);
    assert_int_equal(update(&reg_asset, a, ch, 0, &e), E_INVALID);
    assert_contains(e.msg, "cycle");
    err_clear(&e);
    ch = tu_make(d, &reg_asset, arena_printf(dom_arena(d), "depends_on=%s", a), NULL);
    assert_int_equal(update(&reg_asset, a, ch, 0, &e), E_INVALID);
    assert_contains(e.msg, "itself");
}

static void protection_needs_follow_the_maximum_principle(void **state)
{
    (void)state;
    const char *site =
        tu_add(d, tu_make(d, &reg_asset, "name=Data centre", "type=site", "owner=PER-1", NULL));
    const char *sys = tu_add(d, tu_make(d, &reg_asset, "name=Platform", "type=system",
                                        "owner=PER-1", "availability=high",
                                        arena_printf(dom_arena(d), "depends_on=%s", site), NULL));
    const char *proc =
        tu_add(d, tu_make(d, &reg_asset, "name=Payments", "type=process", "owner=PER-1",
                          "availability=very-high", "confidentiality=high", "critical_function=yes",
                          arena_printf(dom_arena(d), "depends_on=%s", sys), NULL));
    asset_need *needs;
    size_t n;
    isms_err e = { 0 };
    assert_int_equal(dom_asset_needs(d, &needs, &n, &e), 0);
    record r;
    assert_int_equal(dom_get(d, &reg_asset, site, &r, &e), 0);
    const asset_need *s = asset_need_find(needs, n, r.id);
    assert_non_null(s);
    assert_int_equal(s->stated[NEED_A], 0);
    assert_int_equal(asset_effective(s, NEED_A), 2); /* very high, two levels up */
    assert_int_equal(asset_effective(s, NEED_C), 1);
    assert_int_equal(s->inherited[NEED_I], 0); /* normal: nothing higher above */
    assert_true(s->critical_inherited);
    record p;
    assert_int_equal(dom_get(d, &reg_asset, proc, &p, &e), 0);
    assert_int_equal(s->source[NEED_A], p.id); /* named to the user */
    assert_int_equal(dom_get(d, &reg_asset, sys, &r, &e), 0);
    assert_int_equal(asset_need_find(needs, n, r.id)->inherited[NEED_A], 2);
    free(needs);
    /* Retiring the process lowers what the platform inherits. */
    record out;
    assert_int_equal(dom_retire(d, &reg_asset, proc, &out, &e), 0);
    assert_int_equal(dom_asset_needs(d, &needs, &n, &e), 0);
    assert_int_equal(asset_need_find(needs, n, r.id)->inherited[NEED_A], -1);
    free(needs);
}

static void risk_defaults_and_residual_rule(void **state)
{
    (void)state;
    record *r = tu_make(d, &reg_risk, "title=Outage", "owner=omar@x.example", "likelihood=4",
                        "impact=3", NULL);
    const char *key = tu_add(d, r);
    record got;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_risk, key, &got, &e), 0);
    assert_non_null(record_text(&got, F_RISK_REVIEW_DATE)); /* a year from today */
    assert_string_equal(record_text(&got, F_RISK_TREATMENT), "undecided");
    assert_true(record_cval(&got, F_RISK_RESIDUAL_LIKELIHOOD)->null);
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=2", "impact=3",
                      "residual_impact=4", NULL),
              "residual_impact");
    /* Lowering the inherent likelihood below the residual is refused too. */
    record *ch = tu_make(d, &reg_risk, "residual_likelihood=3", NULL);
    assert_int_equal(update(&reg_risk, key, ch, 0, &e), 0);
    ch = tu_make(d, &reg_risk, "likelihood=2", NULL);
    assert_int_equal(update(&reg_risk, key, ch, 0, &e), E_INVALID);
    assert_contains(e.msg, "residual_likelihood");
}

static void stale_versions_are_refused(void **state)
{
    (void)state;
    const char *key = tu_add(
        d, tu_make(d, &reg_risk, "title=Fraud", "owner=PER-2", "likelihood=3", "impact=3", NULL));
    isms_err e = { 0 };
    assert_int_equal(update(&reg_risk, key, tu_make(d, &reg_risk, "impact=4", NULL), 1, &e), 0);
    /* A second writer who read version 1 must not overwrite version 2. */
    assert_int_equal(update(&reg_risk, key, tu_make(d, &reg_risk, "impact=2", NULL), 1, &e),
                     E_RETRY);
    assert_contains(e.msg, "version 2");
    record got;
    err_clear(&e);
    assert_int_equal(dom_get(d, &reg_risk, key, &got, &e), 0);
    assert_int_equal(record_int(&got, F_RISK_IMPACT), 4);
}

static void a_change_that_changes_nothing_writes_nothing(void **state)
{
    (void)state;
    const char *key = tu_add(
        d, tu_make(d, &reg_risk, "title=Same", "owner=PER-2", "likelihood=2", "impact=2", NULL));
    int64_t before = ledger_entries();
    isms_err e = { 0 };
    assert_int_equal(
        update(&reg_risk, key, tu_make(d, &reg_risk, "likelihood=2", "title=Same", NULL), 0, &e),
        0);
    assert_int_equal(ledger_entries(), before);
}

static void links_to_retired_records(void **state)
{
    (void)state;
    const char *o1 = tu_add(d, tu_make(d, &reg_objective, "title=Old goal", "owner=PER-1", NULL));
    const char *o2 = tu_add(d, tu_make(d, &reg_objective, "title=New goal", "owner=PER-1", NULL));
    const char *risk =
        tu_add(d, tu_make(d, &reg_risk, "title=Linked", "owner=PER-2", "likelihood=2", "impact=2",
                          arena_printf(dom_arena(d), "objectives=%s", o1), NULL));
    record out;
    isms_err e = { 0 };
    assert_int_equal(dom_retire(d, &reg_objective, o1, &out, &e), 0);
    /* Keeping an existing link to a retired record is fine; adding one is not. */
    assert_int_equal(
        update(&reg_risk, risk,
               tu_make(d, &reg_risk, arena_printf(dom_arena(d), "objectives=%s,%s", o1, o2), NULL),
               0, &e),
        0);
    add_fails(tu_make(d, &reg_risk, "title=x", "owner=PER-2", "likelihood=2", "impact=2",
                      arena_printf(dom_arena(d), "objectives=%s", o1), NULL),
              "retired");
}

/* A single reference (FT_REF) follows the rule of links: a record that
 * already refers to a retired one keeps it, none may newly refer to it. */
static void single_references_to_retired_records(void **state)
{
    (void)state;
    arena *a = dom_arena(d);
    const char *obj =
        tu_add(d, tu_make(d, &reg_objective, "title=Retiring goal", "owner=PER-1", NULL));
    const char *app = tu_add(d, tu_make(d, &reg_appetite, arena_printf(a, "objective=%s", obj),
                                        "statement=Up to 1m", "appetite=1000000", NULL));
    const char *wide = tu_add(
        d, tu_make(d, &reg_appetite, "statement=Organisation: 5m", "appetite=5000000", NULL));
    record out;
    isms_err e = { 0 };
    assert_int_equal(dom_retire(d, &reg_objective, obj, &out, &e), 0);
    assert_int_equal(
        update(&reg_appetite, app, tu_make(d, &reg_appetite, "statement=Up to 2m", NULL), 0, &e),
        0);
    assert_int_equal(update(&reg_appetite, wide,
                            tu_make(d, &reg_appetite, arena_printf(a, "objective=%s", obj), NULL),
                            0, &e),
                     E_INVALID);
    assert_string_equal(e.field, "objective");
    assert_contains(e.msg, "retired");
    add_fails(tu_make(d, &reg_appetite, arena_printf(a, "objective=%s", obj), "statement=Another",
                      "appetite=1000", NULL),
              "retired");
}

/* An update says which fields it changed; none when it changed nothing. */
static void updates_report_what_changed(void **state)
{
    (void)state;
    const char *key = tu_add(
        d, tu_make(d, &reg_risk, "title=Changes", "owner=PER-2", "likelihood=3", "impact=3", NULL));
    record out;
    dom_changes ch = { .n = -1 };
    isms_err e = { 0 };
    assert_int_equal(
        dom_update(d, &reg_risk, key,
                   tu_make(d, &reg_risk, "residual_likelihood=2", "title=Changes", NULL), 0, &out,
                   &ch, &e),
        0);
    assert_int_equal(ch.n, 1);
    assert_string_equal(reg_risk.fields[ch.fields[0]].name, "residual_likelihood");
    assert_int_equal(out.version, 2);
    assert_int_equal(dom_update(d, &reg_risk, key,
                                tu_make(d, &reg_risk, "residual_likelihood=2", NULL), 0, &out, &ch,
                                &e),
                     0);
    assert_int_equal(ch.n, 0);
    assert_int_equal(out.version, 2);
    /* A set is the same set in any order. */
    const char *p = tu_add(d, tu_make(d, &reg_person, "name=Roles", "email=roles@x.example",
                                      "roles=risk-owner,asset-owner", NULL));
    int64_t before = ledger_entries();
    assert_int_equal(dom_update(d, &reg_person, p,
                                tu_make(d, &reg_person, "roles=asset-owner,risk-owner", NULL), 0,
                                &out, &ch, &e),
                     0);
    assert_int_equal(ch.n, 0);
    assert_int_equal(ledger_entries(), before);
}

/* Values that arrive typed (a JSON body, an import) pass the checks typed
 * text passes: here set directly, as record_from_json would set them. */
static void typed_values_pass_the_same_checks(void **state)
{
    (void)state;
    record *r =
        tu_make(d, &reg_risk, "title=Typed", "owner=PER-2", "likelihood=2", "impact=2", NULL);
    record_val(r, F_RISK_LIKELIHOOD)->i = 9;
    add_fails(r, "likelihood: 9 is out of range 1..5");
    r = tu_make(d, &reg_risk, "title=Typed", "owner=PER-2", "likelihood=2", "impact=2", NULL);
    record_set_text(r, F_RISK_TREATMENT, "ignore", dom_arena(d));
    add_fails(r, "treatment: \"ignore\" is not one of");
    r = tu_make(d, &reg_risk, "title=Typed", "owner=PER-2", "likelihood=2", "impact=2", NULL);
    record_set_text(r, F_RISK_TITLE, " \t ", dom_arena(d));
    add_fails(r, "blank");
    r = tu_make(d, &reg_risk, "title=Typed", "owner=PER-2", "likelihood=2", "impact=2", NULL);
    record_set_text(r, F_RISK_REVIEW_DATE, "2026-02-30", dom_arena(d));
    add_fails(r, "review_date");
    r = tu_make(d, &reg_risk, "title=Typed", "owner=PER-2", "likelihood=2", "impact=2",
                "tef=const(2)", "primary_loss=const(5)", NULL);
    record_set_text(r, F_RISK_VULNERABILITY, "uniform(0,2)", dom_arena(d));
    add_fails(r, "vulnerability: a probability lies within [0, 1]");
    r = tu_make(d, &reg_objective, "title=Negative", "owner=PER-1", NULL);
    value *stake = record_val(r, F_OBJECTIVE_VALUE_AT_STAKE);
    *stake = (value){ .given = 1, .i = -100 };
    add_fails(r, "value_at_stake: -1.00 is negative");
    /* Fields only the workflows set: refused from a person, whatever the form. */
    r = tu_make(d, &reg_scope, "statement=Everything", NULL);
    record_set_text(r, F_SCOPE_STATUS, "approved", dom_arena(d));
    add_fails(r, "status is set by isms");
    /* A whole record (an import) must hold its required fields. */
    r = tu_make(d, &reg_risk, "owner=PER-2", "likelihood=2", "impact=2", NULL);
    isms_err e = { 0 };
    assert_int_equal(dom_validate(d, r, DOM_VALIDATE_WHOLE, &e), E_INVALID);
    assert_string_equal(e.msg, "title is required");
    err_clear(&e);
    assert_int_equal(dom_validate(d, r, 0, &e), 0); /* given values only */
}

static void control_lifecycle(void **state)
{
    (void)state;
    const char *key = tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2", NULL));
    record got;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_control, key, &got, &e), 0);
    assert_string_equal(record_text(&got, F_CONTROL_STATUS), "planned");
    assert_null(record_text(&got, F_CONTROL_IMPLEMENTED_ON));
    assert_int_equal(
        update(&reg_control, key, tu_make(d, &reg_control, "status=operating", NULL), 0, &e), 0);
    assert_int_equal(dom_get(d, &reg_control, key, &got, &e), 0);
    assert_non_null(record_text(&got, F_CONTROL_IMPLEMENTED_ON));
    record out;
    assert_int_equal(dom_retire(d, &reg_control, key, &out, &e), 0);
    assert_string_equal(record_text(&out, F_CONTROL_STATUS), "retired");
    assert_int_equal(dom_retire(d, &reg_control, key, &out, &e), E_CONFLICT);
}

static void organisation_rules(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record out;
    assert_int_equal(
        dom_org_set(d, tu_make(d, &reg_org, "name=Acme", "currency=EUR", NULL), &out, &e), 0);
    assert_int_equal(
        dom_org_set(d, tu_make(d, &reg_org, "likelihood_labels=low,high", NULL), &out, &e),
        E_INVALID);
    assert_contains(e.msg, "5x5");
    err_clear(&e);
    assert_int_equal(dom_org_set(d, tu_make(d, &reg_org, "country=de", NULL), &out, &e), E_INVALID);
    err_clear(&e);
    assert_int_equal(dom_org_set(d, tu_make(d, &reg_org, "country=DE", NULL), &out, &e), 0);
    /* No money recorded yet: the currency may still change. */
    assert_int_equal(dom_org_set(d, tu_make(d, &reg_org, "currency=CHF", NULL), &out, &e), 0);
    assert_string_equal(dom_currency(d), "CHF");
    tu_add(d,
           tu_make(d, &reg_objective, "title=Valued", "owner=PER-1", "value_at_stake=1000", NULL));
    assert_int_equal(dom_org_set(d, tu_make(d, &reg_org, "currency=EUR", NULL), &out, &e),
                     E_CONFLICT);
    assert_string_equal(dom_currency(d), "CHF");
}

static void canonical_form_leaves_out_empties(void **state)
{
    (void)state;
    record r;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_person, "PER-2", &r, &e), 0);
    char *canon = record_canonical(&r);
    assert_contains(canon, "\"email\":\"omar@x.example\"");
    assert_not_contains(canon, "null");
    assert_not_contains(canon, "job_title");
    assert_not_contains(canon, " "); /* no insignificant whitespace */
    /* keys sorted: created_at < email < key < name < roles */
    assert_true(strstr(canon, "\"created_at\"") < strstr(canon, "\"email\""));
    assert_true(strstr(canon, "\"email\"") < strstr(canon, "\"name\""));
    free(canon);
}

/* Inside one write transaction the store keeps what it wrote (the ledger's
 * head, each register's next key, the tree's newest nodes) instead of
 * reading it back: a savepoint rolled back takes that back too, and the
 * next add is numbered and chained as if the undone one had never been. */
static record *risk_titled(const char *title)
{
    char t[64];
    snprintf(t, sizeof t, "title=%s", title);
    return tu_make(d, &reg_risk, "owner=PER-2", "likelihood=1", "impact=1", t, NULL);
}

static void a_rolled_back_add_leaves_no_trace(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record a, b, c, x;
    int64_t before = ledger_entries();
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_add(d, risk_titled("One"), &a, &e), 0);
    for (int k = 0; k < 3; k++) {                  /* enough entries for nodes above the leaves */
        assert_int_equal(dom_txn_begin(d, &e), 0); /* a savepoint */
        assert_int_equal(dom_add(d, risk_titled("Undone"), &b, &e), 0);
        assert_int_equal(dom_add(d, risk_titled("Undone too"), &x, &e), 0);
        assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    }
    assert_int_equal(dom_add(d, risk_titled("Three"), &c, &e), 0);
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    assert_int_equal(c.id, b.id);
    assert_string_equal(c.key, b.key);
    assert_int_equal(c.id, a.id + 1);
    assert_int_equal(ledger_entries(), before + 2); /* verify: the chain and tree hold */
}

/* dom_add of a risk inside the transaction in flight; its error code,
 * e filled. */
static int add_risk(const char *title, const char *owner, const char *more, isms_err *e)
{
    record out;
    *e = (isms_err){ 0 };
    return dom_add(d, tu_make(d, &reg_risk, title, owner, "likelihood=2", "impact=2", more, NULL),
                   &out, e);
}

/* A write transaction keeps the references it found (the store's kept
 * references): what the transaction does to them afterwards must show, a
 * savepoint rolled back, a retirement, a new e-mail. */
static void kept_references_follow_the_transaction(void **state)
{
    (void)state;
    arena *a = dom_arena(d);
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0); /* a savepoint, rolled back */
    const char *undone =
        tu_add(d, tu_make(d, &reg_objective, "title=Undone goal", "owner=PER-1", NULL));
    const char *names_undone = arena_printf(a, "objectives=%s", undone);
    assert_int_equal(add_risk("title=Kept", "owner=dana@x.example", names_undone, &e), 0);
    assert_int_equal(dom_txn_end(d, E_CONFLICT, &e), E_CONFLICT);
    assert_int_not_equal(add_risk("title=Gone", "owner=PER-1", names_undone, &e), 0);
    assert_contains(e.msg, undone);

    const char *goal =
        tu_add(d, tu_make(d, &reg_objective, "title=Kept goal", "owner=PER-1", NULL));
    const char *names_goal = arena_printf(a, "objectives=%s", goal);
    assert_int_equal(add_risk("title=Before", "owner=PER-1", names_goal, &e), 0);
    record out;
    assert_int_equal(dom_retire(d, &reg_objective, goal, &out, &e), 0);
    assert_int_not_equal(add_risk("title=After", "owner=PER-1", names_goal, &e), 0);
    assert_contains(e.msg, "retired");

    assert_int_equal(add_risk("title=Old mail", "owner=omar@x.example", NULL, &e), 0);
    assert_int_equal(
        update(&reg_person, "PER-2", tu_make(d, &reg_person, "email=omar@y.example", NULL), 0, &e),
        0);
    assert_int_not_equal(add_risk("title=Old mail", "owner=omar@x.example", NULL, &e), 0);
    assert_int_equal(add_risk("title=New mail", "owner=omar@y.example", NULL, &e), 0);
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_register_matches_the_schema),
        cmocka_unit_test(asset_dependencies_cannot_cycle),
        cmocka_unit_test(protection_needs_follow_the_maximum_principle),
        cmocka_unit_test(risk_defaults_and_residual_rule),
        cmocka_unit_test(stale_versions_are_refused),
        cmocka_unit_test(a_change_that_changes_nothing_writes_nothing),
        cmocka_unit_test(links_to_retired_records),
        cmocka_unit_test(control_lifecycle),
        cmocka_unit_test(organisation_rules),
        cmocka_unit_test(canonical_form_leaves_out_empties),
        /* after organisation_rules: these record amounts, which fix the currency */
        cmocka_unit_test(single_references_to_retired_records),
        cmocka_unit_test(updates_report_what_changed),
        cmocka_unit_test(typed_values_pass_the_same_checks),
        cmocka_unit_test(a_rolled_back_add_leaves_no_trace),
        cmocka_unit_test(kept_references_follow_the_transaction),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
