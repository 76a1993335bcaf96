/* The views every front end shows alike (domain/views): derived values,
 * list filters and the dashboard, called as a front end calls them. */
#include "support/testutil.h"
#include "domain/views/links.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/views/dashboard.h"
#include "domain/integrity/verify.h"
#include "domain/views/derived.h"
#include "domain/views/query.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

static dom *d;

static int setup(void **state)
{
    (void)state;
    d = tu_create("views.isms", "views-test");
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", "value_at_stake=1000",
                      NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Outage", "owner=PER-2", "likelihood=4", "impact=3",
                      "residual_likelihood=2", "objectives=OBJ-1", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Fraud", "owner=PER-1", "likelihood=5", "impact=5",
                      "treatment=avoid", NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Leak", "owner=PER-2", "likelihood=1", "impact=2", NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dom_close(d);
    return 0;
}

/* The derived value called `name` (in `group`, or NULL) of record r. */
static const value *derived(derive_cache *c, const record *r, const char *group, const char *name)
{
    int n;
    const derived_def *defs = derived_defs(r->reg, &n);
    value *v = arena_alloc(dom_arena(d), sizeof *v * (size_t)(n ? n : 1));
    isms_err e = { 0 };
    if (derive_record(c, r, v, &e))
        fail_msg("derive %s: %s", r->key, e.msg);
    for (int k = 0; k < n; k++)
        if (!strcmp(defs[k].field.name, name) &&
            ((!group && !defs[k].group) ||
             (group && defs[k].group && !strcmp(group, defs[k].group))))
            return &v[k];
    fail_msg("%s has no derived value %s", r->reg->name, name);
    return NULL;
}

static void risks_have_scores_and_bands(void **state)
{
    (void)state;
    record r;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_risk, "RISK-1", &r, &e), 0);
    derive_cache *c = derive_cache_new(d);
    assert_int_equal(derived(c, &r, NULL, "score")->i, 12);
    assert_string_equal(derived(c, &r, NULL, "band")->s, "high");
    assert_int_equal(derived(c, &r, NULL, "residual_score")->i, 6);
    assert_string_equal(derived(c, &r, NULL, "residual_band")->s, "medium");
    derive_cache_free(c);
    /* Registers without derived values have none. */
    int n = -1;
    assert_null(derived_defs(&reg_person, &n));
    assert_int_equal(n, 0);
}

static void assets_say_where_a_need_comes_from(void **state)
{
    (void)state;
    const char *site =
        tu_add(d, tu_make(d, &reg_asset, "name=Site", "type=site", "owner=PER-1", NULL));
    const char *app =
        tu_add(d, tu_make(d, &reg_asset, "name=App", "type=application", "owner=PER-1",
                          "integrity=very-high", "critical_function=yes",
                          arena_printf(dom_arena(d), "depends_on=%s", site), NULL));
    record r;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_asset, site, &r, &e), 0);
    derive_cache *c = derive_cache_new(d);
    assert_string_equal(derived(c, &r, "effective_needs", "integrity")->s, "very-high");
    assert_string_equal(derived(c, &r, "inherited_needs", "integrity")->s, "very-high");
    assert_string_equal(derived(c, &r, "inherited_from", "integrity")->s, app);
    assert_true(derived(c, &r, "inherited_from", "availability")->null); /* nothing raised */
    assert_string_equal(derived(c, &r, "effective_needs", "availability")->s, "normal");
    assert_int_equal(derived(c, &r, NULL, "critical_function_inherited")->i, 1);
    derive_cache_free(c);
}

static int count_row(const record *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static int filter(const regdef *reg, const char *field, const char *text, int *rows, isms_err *e)
{
    dom_filter_arg arg = { regdef_field(reg, field), text };
    store_query q = { 0 };
    *rows = 0;
    int rc = dom_query_filters(d, reg, &arg, 1, &q, e);
    if (rc)
        return rc;
    return dom_list(d, reg, &q, count_row, rows, e);
}

static void filters_resolve_references_and_check_values(void **state)
{
    (void)state;
    int rows;
    isms_err e = { 0 };
    assert_int_equal(filter(&reg_risk, "owner", "omar@x.example", &rows, &e), 0);
    assert_int_equal(rows, 2);
    assert_int_equal(filter(&reg_risk, "owner", "per-1", &rows, &e), 0);
    assert_int_equal(rows, 1);
    assert_int_equal(filter(&reg_risk, "treatment", "avoid", &rows, &e), 0);
    assert_int_equal(rows, 1);
    assert_int_equal(filter(&reg_risk, "owner", "ghost@x.example", &rows, &e), E_NOT_FOUND);
    assert_string_equal(e.field, "owner");
    err_clear(&e);
    assert_int_equal(filter(&reg_risk, "treatment", "ignore", &rows, &e), E_INVALID);
    assert_contains(e.msg, "ignore");
    err_clear(&e);
    assert_int_equal(filter(&reg_risk, "likelihood", "03", &rows, &e), E_INVALID);
    err_clear(&e);
    assert_int_equal(filter(&reg_risk, "description", "x", &rows, &e), E_USAGE);
    err_clear(&e);
    assert_int_equal(filter(&reg_risk, "title", "", &rows, &e), E_INVALID);
    err_clear(&e);
    /* Fields only the workflows set can be searched on. */
    assert_int_equal(filter(&reg_threat, "builtin", "yes", &rows, &e), 0);
    assert_int_equal(rows, 62);
}

static void dashboard_counts(void **state)
{
    (void)state;
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-2", "treats=RISK-1",
                      "status=operating", "cost=500", NULL));
    dom_dash s;
    isms_err e = { 0 };
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_int_equal(s.matrix, 5);
    assert_int_equal(s.risks, 3);
    assert_int_equal(s.objectives, 1);
    assert_int_equal(s.objective_value, 100000);
    /* residual scores: 6 medium, 25 critical, 2 low */
    assert_int_equal(s.bands[0], 1);
    assert_int_equal(s.bands[1], 1);
    assert_int_equal(s.bands[3], 1);
    assert_int_equal(s.heat[2][3], 1);
    assert_int_equal(s.ntop, 3);
    assert_string_equal(s.top[0].key, "RISK-2");
    assert_string_equal(s.top[0].residual_band, "critical");
    assert_string_equal(s.top[0].title, "Fraud");
    assert_string_equal(s.top[0].owner, "PER-1"); /* read by id after the scan */
    assert_string_equal(s.top[1].owner, "PER-2");
    assert_string_equal(s.top[0].treatment, "avoid");
    assert_string_equal(s.top[2].key, "RISK-3");
    /* RISK-1 has a control in place, RISK-2 is avoided: RISK-3 is untreated. */
    assert_int_equal(s.untreated, 1);
    assert_int_equal(s.no_objective, 2);
    assert_int_equal(s.controls[2], 1);
    assert_int_equal(s.control_cost, 50000);
    assert_int_equal(s.assets, 2);
    assert_int_equal(s.raised, 1);
    assert_null(s.portfolio_key);
    /* The dashboard never verifies: nothing recorded yet. */
    assert_false(s.verification.present);
    assert_false(s.ledger_verified);
    assert_true(s.ledger_entries > 15);
    assert_int_equal(strlen(s.ledger_head), 64);
}

/* A scan that asks for some fields reads those, references as ids, and
 * leaves the others null and the link fields not asked for empty. */
static int take_first(const record *r, void *ctx)
{
    record *out = ctx;
    if (!out->id)
        record_copy(out, r, dom_arena(d));
    return 0;
}

static void scans_read_the_fields_asked_for(void **state)
{
    (void)state;
    record ch, out; /* AST-1 is assets_say_where_a_need_comes_from's */
    isms_err e = { 0 };
    ch = *tu_make(d, &reg_risk, "assets=AST-1", NULL);
    assert_int_equal(dom_update(d, &reg_risk, "RISK-1", &ch, 0, &out, NULL, &e), 0);
    static const int fields[] = { F_RISK_TITLE, F_RISK_OWNER, F_RISK_OBJECTIVES };
    store_query q = { .ids_only = 1, .fields = fields, .nfields = 3 };
    record r;
    record_init(&r, &reg_risk, dom_arena(d));
    assert_int_equal(dom_list(d, &reg_risk, &q, take_first, &r, &e), 0);
    assert_string_equal(r.key, "RISK-1");
    assert_string_equal(record_text(&r, F_RISK_TITLE), "Outage");
    assert_false(record_cval(&r, F_RISK_OWNER)->null);
    assert_true(record_cval(&r, F_RISK_OWNER)->i > 0);
    assert_null(record_cval(&r, F_RISK_OWNER)->s); /* the id alone */
    assert_int_equal(record_cval(&r, F_RISK_OBJECTIVES)->n, 1);
    assert_int_equal(record_cval(&r, F_RISK_ASSETS)->n, 0); /* not asked for */
    assert_true(record_cval(&r, F_RISK_LIKELIHOOD)->null);
    /* Without a list, every field, as before. */
    record all;
    record_init(&all, &reg_risk, dom_arena(d));
    assert_int_equal(dom_list(d, &reg_risk, NULL, take_first, &all, &e), 0);
    assert_int_equal(record_cval(&all, F_RISK_ASSETS)->n, 1);
    assert_int_equal(record_int(&all, F_RISK_LIKELIHOOD), 4);
}

/* The dashboard reads what the last verification recorded, and its age. */
/* A record's label (a person's name on a list of risks) is looked up once
 * in a read transaction and kept for it; the next transaction reads it
 * again, so a rename shows at once. */
static void a_label_is_kept_for_one_read_transaction(void **state)
{
    (void)state;
    isms_err e = { 0 };
    const char *label[3];
    for (int k = 0; k < 3; k++) {
        if (k == 2) { /* between the second read and the third */
            record out;
            if (dom_update(d, &reg_person, "PER-2", tu_make(d, &reg_person, "name=Renamed", NULL),
                           0, &out, NULL, &e))
                fail_msg("rename: %s", e.msg);
        }
        assert_int_equal(dom_read_begin(d, &e), 0);
        for (int again = 0; again < 2; again++) /* the second from what was kept */
            if (store_label_of(dom_store(d), &reg_person, "PER-2", &label[k], dom_arena(d), &e))
                fail_msg("label: %s", e.msg);
        assert_int_equal(dom_txn_end(d, 0, &e), 0);
    }
    assert_string_equal(label[0], label[1]);
    assert_string_not_equal(label[1], "Renamed");
    assert_string_equal(label[2], "Renamed");
}

/* One field of risk `key`, read as store_texts_of reads several. */
static int text_of(store *s, const char *key, int fid, const char **t, isms_err *e)
{
    const fielddef *f = field_def(&reg_risk, fid);
    return store_texts_of(s, &reg_risk, key, &f, 1, t, dom_arena(d), e);
}

/* One field of a record by its key: a text, a reference as the key it
 * names; nothing for a key that is not there; what people call a
 * requirement and a framework beside their keys. */
static void a_field_and_a_name_by_key(void **state)
{
    (void)state;
    isms_err e = { 0 };
    const char *t;
    store *s = dom_store(d);
    assert_int_equal(text_of(s, "RISK-2", F_RISK_TITLE, &t, &e), 0);
    assert_string_equal(t, "Fraud");
    assert_int_equal(text_of(s, "RISK-1", F_RISK_OWNER, &t, &e), 0);
    assert_string_equal(t, "PER-2");
    assert_int_equal(text_of(s, "RISK-99", F_RISK_TITLE, &t, &e), 0);
    assert_null(t);
    assert_int_equal(text_of(s, "RISK-1", F_RISK_LIKELIHOOD, &t, &e), E_INTERNAL);
    err_clear(&e);
    /* several fields, one read */
    const fielddef *two[] = { field_def(&reg_risk, F_RISK_OWNER),
                              field_def(&reg_risk, F_RISK_TITLE) };
    const char *got[2];
    assert_int_equal(store_texts_of(s, &reg_risk, "RISK-3", two, 2, got, dom_arena(d), &e), 0);
    assert_string_equal(got[0], "PER-2");
    assert_string_equal(got[1], "Leak");
    int64_t id;
    const char *key;
    int retired;
    assert_int_equal(dom_find(d, &reg_requirement, "iso27001-2022:a.5.1", &id, &key, &retired, &e),
                     0);
    assert_string_equal(dom_known_as(d, &reg_requirement, key), "iso27001-2022:A.5.1");
    assert_string_equal(dom_label(d, &reg_requirement, key),
                        "iso27001-2022:A.5.1 Policies for information security");
    assert_null(dom_known_as(d, &reg_requirement, "REQ-999999"));
    assert_null(dom_label(d, &reg_requirement, "REQ-999999"));
    assert_int_equal(dom_find(d, &reg_framework, "iso27001-2022", &id, &key, &retired, &e), 0);
    assert_string_equal(dom_label(d, &reg_framework, key), "iso27001-2022"); /* not twice */
    assert_null(dom_known_as(d, &reg_risk, "RISK-1"));
    assert_string_equal(dom_label(d, &reg_risk, "RISK-1"), "Outage");
}

static void dashboard_reads_the_last_verification(void **state)
{
    (void)state;
    verify_report rep;
    verify_report_init(&rep);
    rep.incremental = 1;
    isms_err e = { 0 };
    assert_int_equal(dom_verify_recorded(d, &rep, &e), 0);
    assert_true(rep.full); /* nothing recorded to continue from */
    verify_report_reset(&rep);
    dom_dash s;
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_true(s.verification.present);
    assert_true(s.ledger_verified);
    assert_true(s.verification.full);
    assert_int_equal(s.verification.seq, s.ledger_entries);
    assert_int_equal(s.not_verified, 0);
    assert_true(s.verified_age >= 0 && s.verified_age < 120);
    int64_t at = s.ledger_entries;
    tu_add(d, tu_make(d, &reg_control, "title=Firewall", "owner=PER-2", NULL));
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_int_equal(s.not_verified, s.ledger_entries - at);
    assert_true(s.not_verified > 0);
    verify_report_init(&rep);
    rep.incremental = 1;
    assert_int_equal(dom_verify_recorded(d, &rep, &e), 0);
    assert_false(rep.full);
    assert_int_equal(rep.from_seq, at);
    assert_int_equal(rep.checked, s.ledger_entries - at);
    assert_true(rep.records >= 1);
    verify_report_reset(&rep);
    assert_int_equal(dom_dashboard(d, &s, &e), 0);
    assert_false(s.verification.full);
    assert_int_equal(s.not_verified, 0);
}

/* How many of b's links are risks through their objectives, and does the
 * last of them say there are more? */
static int risk_links(const dom_backlinks *b, int *more)
{
    int n = 0;
    *more = 0;
    for (int k = 0; k < b->n; k++)
        if (b->links[k].reg == &reg_risk) {
            n++;
            *more = b->links[k].more;
        }
    return n;
}

/* What refers to a record, as a page shows it: the first `limit` of each
 * register and field, the last of them saying there are more (by index:
 * a page costs the same however many refer); exactly `limit` has no more;
 * no limit gives every one. */
static void backlinks_are_the_first_of_each_field(void **state)
{
    (void)state;
    char obj[32], link[64];
    snprintf(obj, sizeof obj, "%s",
             tu_add(d, tu_make(d, &reg_objective, "title=Many", "owner=PER-1",
                               "value_at_stake=1000", NULL)));
    snprintf(link, sizeof link, "objectives=%s", obj);
    char first[32] = "";
    for (int k = 0; k <= DOM_BACKLINKS_SHOWN; k++) {
        const char *key = tu_add(d, tu_make(d, &reg_risk, "title=Linked", "owner=PER-2",
                                            "likelihood=1", "impact=1", link, NULL));
        if (!k)
            snprintf(first, sizeof first, "%s", key);
        if (k + 1 < DOM_BACKLINKS_SHOWN)
            continue;
        record o;
        dom_backlinks b;
        isms_err e = { 0 };
        int more;
        assert_int_equal(dom_get(d, &reg_objective, obj, &o, &e), 0);
        assert_int_equal(dom_backlinks_of(d, &o, DOM_BACKLINKS_SHOWN, &b, &e), 0);
        assert_int_equal(risk_links(&b, &more), DOM_BACKLINKS_SHOWN);
        assert_int_equal(more, k == DOM_BACKLINKS_SHOWN); /* 20 refer: none more; 21: more */
        assert_string_equal(b.links[0].key, first);       /* the first, in id order */
        assert_int_equal(dom_backlinks_of(d, &o, 0, &b, &e), 0);
        assert_int_equal(risk_links(&b, &more), k + 1);
        assert_int_equal(more, 0);
    }
}

/* What of a person's is due: every register's records naming them with a
 * due date up to a day, earliest first, the first `limit` of them with
 * word of more; a date after the day is not due. */
static void what_is_due_is_earliest_first(void **state)
{
    (void)state;
    const char *who = tu_add(
        d, tu_make(d, &reg_person, "name=Dora", "email=dora@x.example", "roles=risk-owner", NULL));
    char owner[40], date[40];
    snprintf(owner, sizeof owner, "owner=%s", who);
    for (int k = 22; k >= 1; k--) { /* written latest first: the order is the dates' */
        snprintf(date, sizeof date, "review_date=2000-01-%02d", k);
        tu_add(d,
               tu_make(d, &reg_risk, "title=Due", owner, "likelihood=1", "impact=1", date, NULL));
    }
    tu_add(d, tu_make(d, &reg_risk, "title=Later", owner, "likelihood=1", "impact=1",
                      "review_date=2001-06-01", NULL));
    const char *obj = tu_add(d, tu_make(d, &reg_objective, "title=Target", owner,
                                        "value_at_stake=1", "target_date=2000-01-05", NULL));
    char objective[32];
    snprintf(objective, sizeof objective, "%s", obj);
    record person;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_person, "dora@x.example", &person, &e), 0);
    dom_due due;
    assert_int_equal(dom_due_of(d, &person, "2000-12-31", 20, &due, &e), 0);
    assert_int_equal(due.n, 20);
    assert_int_equal(due.more, 1);
    assert_string_equal(due.items[0].date, "2000-01-01");
    int seen_objective = 0;
    for (int k = 0; k < due.n; k++) {
        if (k)
            assert_true(strcmp(due.items[k - 1].date, due.items[k].date) <= 0);
        assert_true(strcmp(due.items[k].date, "2000-12-31") <= 0);
        seen_objective += !strcmp(due.items[k].key, objective);
    }
    assert_int_equal(seen_objective, 1); /* 2000-01-05, among the first 20 */
    assert_int_equal(dom_due_of(d, &person, "2000-12-31", 30, &due, &e), 0);
    assert_int_equal(due.n, 23); /* 22 reviews and the target; not the one of 2001 */
    assert_int_equal(due.more, 0);
    assert_string_equal(due.items[22].date, "2000-01-22");
}

TU_MAIN(setup, teardown, cmocka_unit_test(risks_have_scores_and_bands),
        cmocka_unit_test(a_label_is_kept_for_one_read_transaction),
        cmocka_unit_test(a_field_and_a_name_by_key),
        cmocka_unit_test(assets_say_where_a_need_comes_from),
        cmocka_unit_test(filters_resolve_references_and_check_values),
        cmocka_unit_test(dashboard_counts), cmocka_unit_test(dashboard_reads_the_last_verification),
        cmocka_unit_test(scans_read_the_fields_asked_for),
        cmocka_unit_test(backlinks_are_the_first_of_each_field),
        cmocka_unit_test(what_is_due_is_earliest_first))
