/* The responsibility matrix (domain/views/accountability.h): what each
 * person owns in every register, counted as records are written, retired
 * and reassigned; each gap found and gone once mended (a role nobody
 * holds, an owner without the role or a budget, an auditor who owns what
 * they would audit, more than half on one person); people paged by name;
 * the figures kept equal to those counted again (verify); an upgrade to the
 * schema that keeps them counts them; a bad page refused by name. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "domain/views/accountability.h"
#include "domain/views/dashboard.h"
#include "domain/views/metrics.h"
#include "domain/registers/tallies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

/* PER-1 Dana (management body), PER-2 Omar (risk owner, no budget),
 * PER-3 Ina (ISMS lead), PER-4 Lena (internal auditor, control owner). */
static int setup(void **state)
{
    (void)state;
    static int made;
    char name[40];
    snprintf(name, sizeof name, "accountability%d.isms", ++made);
    tu_clock();
    d = tu_create(name, "accountability-test");
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_person, "name=Ina", "email=ina@x.example", "roles=isms-lead",
                      "budget_authority=500000", NULL));
    tu_add(d, tu_make(d, &reg_person, "name=Lena", "email=lena@x.example",
                      "roles=internal-auditor,control-owner", NULL));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_close(d);
}

/* The matrix for a query; its return code, the error in *e. */
static int read_matrix(acc_query q, dom_accountability *m, isms_err *e)
{
    *e = (isms_err){ 0 };
    return dom_accountability_read(d, &q, m, e);
}

static dom_accountability matrix(void)
{
    dom_accountability m;
    isms_err e;
    if (read_matrix(ACC_QUERY_ALL, &m, &e))
        fail_msg("matrix: %s", e.msg);
    return m;
}

static int kind(const dom_accountability *m, const char *reg)
{
    for (int k = 0; k < m->nkinds; k++)
        if (!strcmp(m->kinds[k].reg->name, reg))
            return k;
    fail_msg("no column %s", reg);
    return -1;
}

static const acc_row *row(const dom_accountability *m, const char *key)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->rows[i].key, key))
            return &m->rows[i];
    fail_msg("no row %s", key);
    return NULL;
}

static int64_t owns(const dom_accountability *m, const char *person, const char *reg)
{
    return row(m, person)->owns[kind(m, reg)];
}

/* The gap of kind k naming `person` (NULL: a role), about `what` (a role
 * or registers), or NULL. */
static const acc_gap *gap(const dom_accountability *m, acc_gap_kind k, const char *person,
                          const char *what)
{
    for (int i = 0; i < m->ngaps; i++) {
        const acc_gap *g = &m->gaps[i];
        int same_person = person ? g->person && !strcmp(g->person, person) : !g->person;
        int about = !what || (g->role && !strcmp(g->role, what)) ||
                    (g->registers && !strcmp(g->registers, what));
        if (g->kind == k && same_person && about)
            return g;
    }
    return NULL;
}

static void set(const regdef *reg, const char *key, const char *pair)
{
    record out;
    isms_err e = { 0 };
    if (dom_update(d, reg, key, tu_make(d, reg, pair, NULL), 0, &out, NULL, &e))
        fail_msg("%s %s: %s", key, pair, e.msg);
}

static void retire(const regdef *reg, const char *key)
{
    record out;
    isms_err e = { 0 };
    if (dom_retire(d, reg, key, &out, &e))
        fail_msg("retire %s: %s", key, e.msg);
}

static const char *risk(const char *owner)
{
    return tu_add(d, tu_make(d, &reg_risk, "title=Leak", owner, "likelihood=2", "impact=2", NULL));
}

/* Each register's records counted to their owners, across registers;
 * retired and reassigned ones move; the columns total them. */
static void what_each_person_owns_is_counted_as_written(void **state)
{
    (void)state;
    risk("owner=PER-2");
    const char *second = risk("owner=PER-2");
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-4", NULL));
    tu_add(d, tu_make(d, &reg_asset, "name=Core banking", "type=system", "owner=PER-2", NULL));
    tu_add(d,
           tu_make(d, &reg_context, "title=New regulation", "kind=external", "owner=PER-3", NULL));
    dom_accountability m = matrix();
    assert_int_equal(m.people, 4);
    assert_int_equal(m.owners, 3);
    assert_int_equal(owns(&m, "PER-2", "risk"), 2);
    assert_int_equal(owns(&m, "PER-2", "asset"), 1);
    assert_int_equal(owns(&m, "PER-4", "control"), 1);
    assert_int_equal(owns(&m, "PER-3", "context"), 1);
    assert_int_equal(row(&m, "PER-2")->total, 3);
    assert_int_equal(m.kinds[kind(&m, "risk")].total, 2);
    assert_string_equal(row(&m, "PER-4")->roles, "control-owner, internal-auditor");

    set(&reg_risk, second, "owner=PER-3");
    retire(&reg_asset, "AST-1");
    m = matrix();
    assert_int_equal(owns(&m, "PER-2", "risk"), 1);
    assert_int_equal(owns(&m, "PER-3", "risk"), 1);
    assert_int_equal(owns(&m, "PER-2", "asset"), 0);
    assert_int_equal(m.kinds[kind(&m, "asset")].total, 0);
    tu_verified(d); /* the kept figures are those counted again */
}

/* Every register counts its active records as they are written (the
 * built-in catalogues' seeded ones too), as a count of the rows says. */
static void every_register_counts_its_records(void **state)
{
    (void)state;
    risk("owner=PER-2");
    tu_add(d, tu_make(d, &reg_asset, "name=Core banking", "type=system", "owner=PER-2", NULL));
    tu_add(d, tu_make(d, &reg_asset, "name=Branch", "type=site", "owner=PER-2", NULL));
    retire(&reg_asset, "AST-1");
    isms_err e = { 0 };
    for (int i = 0; registers[i]; i++) {
        int64_t kept = -1, counted = -1;
        int known = 0;
        store_query active = { 0 };
        assert_int_equal(dom_active_count(d, registers[i], &kept, &known, &e), 0);
        assert_int_equal(store_count(dom_store(d), registers[i], &active, &counted, &e), 0);
        if (!known || kept != counted)
            fail_msg("%s: kept %lld (known %d), counted %lld", registers[i]->name, (long long)kept,
                     known, (long long)counted);
    }
    int64_t n;
    int known;
    assert_int_equal(dom_active_count(d, &reg_asset, &n, &known, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(dom_active_count(d, &reg_requirement, &n, &known, &e), 0);
    assert_true(n > 2000); /* the built-in frameworks' */
    tu_verified(d);
}

/* An owner without the role, without a budget, an auditor owning what
 * they would audit: each found, each gone once mended. */
static void each_gap_is_found_and_goes_when_mended(void **state)
{
    (void)state;
    risk("owner=PER-2");
    tu_add(d, tu_make(d, &reg_asset, "name=Core banking", "type=system", "owner=PER-2", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-4", NULL));
    dom_accountability m = matrix();
    const acc_gap *g = gap(&m, ACC_WITHOUT_ROLE, "PER-2", "asset-owner");
    assert_non_null(g);
    assert_int_equal(g->n, 1);
    assert_non_null(strstr(g->text, "Omar owns 1 asset without the role asset-owner"));
    assert_null(gap(&m, ACC_WITHOUT_ROLE, "PER-2", "risk-owner")); /* holds it */
    g = gap(&m, ACC_WITHOUT_BUDGET, "PER-2", NULL);
    assert_non_null(g);
    assert_non_null(strstr(g->text, "owns 1 risk and holds no budget authority"));
    g = gap(&m, ACC_AUDITOR_OWNS, "PER-4", "controls");
    assert_non_null(g);
    assert_non_null(strstr(g->text, "Cl. 9.2.2"));
    assert_null(gap(&m, ACC_ROLE_VACANT, NULL, NULL)); /* every needed role held */
    assert_int_equal(m.gaps_total, 3);
    assert_int_equal(row(&m, "PER-2")->gaps, 2);
    assert_int_equal(row(&m, "PER-1")->gaps, 0);
    /* the dashboard counts them (kept figures and recounted alike), and a
     * metric measures them */
    dom_dash dash, recounted;
    isms_err e = { 0 };
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dash.responsibility_gaps, 3);
    assert_int_equal(dom_dashboard_recount(d, &recounted, &e), 0);
    assert_int_equal(recounted.responsibility_gaps, 3);
    /* its risk owners who hold a budget: from the matrix's read of each
     * owner, and from the records when recounted */
    assert_int_equal(m.risk_owners, 1);
    assert_int_equal(m.risk_owners_with_budget, 0);
    assert_int_equal(dash.risk_owners, 1);
    assert_int_equal(dash.owners_with_budget, 0);
    assert_int_equal(recounted.risk_owners, 1);
    assert_int_equal(recounted.owners_with_budget, 0);
    metric_reading reading;
    dom_metric_read(d, &dash, M_RESPONSIBILITY_GAPS, &reading);
    assert_true(reading.known);
    assert_int_equal(reading.value, 3);
    assert_string_equal(reading.basis, "3 gaps (isms person matrix)");

    set(&reg_person, "PER-2", "roles=risk-owner,asset-owner");
    set(&reg_person, "PER-2", "budget_authority=100000");
    set(&reg_control, "CTL-1", "owner=PER-3");
    m = matrix();
    assert_int_equal(m.gaps_total, 1); /* the lead owns a control without its role */
    assert_non_null(gap(&m, ACC_WITHOUT_ROLE, "PER-3", "control-owner"));
    assert_int_equal(m.risk_owners_with_budget, 1);
    risk("owner=PER-1"); /* Dana: no budget, no risk-owner role */
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dom_dashboard_recount(d, &recounted, &e), 0);
    assert_int_equal(dash.risk_owners, 2);
    assert_int_equal(dash.owners_with_budget, 1);
    assert_int_equal(recounted.risk_owners, 2);
    assert_int_equal(recounted.owners_with_budget, 1);
    tu_verified(d);
}

/* A role the standard needs and nobody holds: the ISMS lead once the
 * only one leaves; held again, the gap goes. */
static void a_role_nobody_holds_is_a_gap(void **state)
{
    (void)state;
    retire(&reg_person, "PER-3");
    dom_accountability m = matrix();
    const acc_gap *g = gap(&m, ACC_ROLE_VACANT, NULL, "isms-lead");
    assert_non_null(g);
    assert_non_null(strstr(g->text, "No one holds the role isms-lead"));
    assert_int_equal(m.people, 3);
    assert_int_equal(m.holders[1], 0); /* role_names[1]: isms-lead */
    set(&reg_person, "PER-1", "roles=management-body,isms-lead");
    m = matrix();
    assert_null(gap(&m, ACC_ROLE_VACANT, NULL, NULL));
    assert_int_equal(m.holders[0], 1);
    assert_int_equal(m.holders[1], 1);
    tu_verified(d);
}

/* More than half of at least ten risks on one person is a gap; half is
 * not. */
static void most_risks_on_one_person_is_a_gap(void **state)
{
    (void)state;
    set(&reg_person, "PER-2", "budget_authority=100000");
    set(&reg_person, "PER-3", "roles=isms-lead,risk-owner");
    for (int k = 0; k < 10; k++)
        risk(k < 5 ? "owner=PER-2" : "owner=PER-3");
    dom_accountability m = matrix();
    assert_null(gap(&m, ACC_CONCENTRATION, NULL, NULL));
    assert_null(gap(&m, ACC_CONCENTRATION, "PER-2", NULL));
    set(&reg_risk, "RISK-10", "owner=PER-2");
    m = matrix();
    const acc_gap *g = gap(&m, ACC_CONCENTRATION, "PER-2", "risks");
    assert_non_null(g);
    assert_int_equal(g->n, 6);
    assert_int_equal(g->of, 10);
    assert_non_null(strstr(g->text, "owns 6 of the 10 risks (60%)"));
}

/* Past the first ACC_MAX_GAPS, gaps are counted, not listed: a person's
 * row still says how many are theirs. */
static void gaps_past_the_list_are_counted(void **state)
{
    (void)state;
    char name[32], email[48], owner[48];
    for (int k = 0; k <= ACC_MAX_GAPS; k++) { /* each owns a risk and holds no budget */
        snprintf(name, sizeof name, "name=Zed %03d", k);
        snprintf(email, sizeof email, "email=zed%d@x.example", k);
        tu_add(d, tu_make(d, &reg_person, name, email, "roles=risk-owner", NULL));
        snprintf(owner, sizeof owner, "owner=zed%d@x.example", k);
        risk(owner);
    }
    dom_accountability m;
    isms_err e;
    acc_query q = ACC_QUERY_ALL;
    q.offset = 4 + ACC_MAX_GAPS, q.limit = 1;
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.gaps_total, ACC_MAX_GAPS + 1);
    assert_int_equal(m.gaps_asked, ACC_MAX_GAPS + 1);
    assert_int_equal(m.gaps_of_kind[ACC_WITHOUT_BUDGET], ACC_MAX_GAPS + 1);
    assert_int_equal(m.ngaps, ACC_MAX_GAPS);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.rows[0].name, "Zed 200"); /* past every listed gap */
    assert_int_equal(m.rows[0].gaps, 1);
    /* the rest from a gap offset: the last one is Zed 200's */
    q.gap_offset = ACC_MAX_GAPS;
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.ngaps, 1);
    assert_int_equal(m.gap_offset, ACC_MAX_GAPS);
    assert_string_equal(m.gaps[0].person_name, "Zed 200");
    assert_int_equal(m.gaps_total, ACC_MAX_GAPS + 1); /* still all counted */
    q.gap_offset = ACC_MAX_GAPS + 1;
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.ngaps, 0);
    q.gap_offset = -1;
    assert_int_equal(read_matrix(q, &m, &e), E_INVALID);
    assert_string_equal(e.field, "gap_offset");
}

/* The gaps listed can be those of one kind, or naming one person (by key
 * or e-mail); every gap is counted whatever is listed, by kind too. */
static void gaps_are_chosen_by_kind_and_person(void **state)
{
    (void)state;
    risk("owner=PER-2"); /* Omar: without budget */
    tu_add(d, tu_make(d, &reg_asset, "name=Core banking", "type=system", "owner=PER-2", NULL));
    tu_add(d, tu_make(d, &reg_control, "title=Backups", "owner=PER-4", NULL)); /* Lena audits */
    dom_accountability m;
    isms_err e;
    acc_query q = ACC_QUERY_ALL;
    assert_int_equal(acc_gap_kind_parse(d, "without-budget", &q.gap_kind, &e), 0);
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.gaps_total, 3);
    assert_int_equal(m.gaps_asked, 1);
    assert_int_equal(m.ngaps, 1);
    assert_int_equal(m.gaps[0].kind, ACC_WITHOUT_BUDGET);
    assert_int_equal(m.gaps_of_kind[ACC_WITHOUT_ROLE], 1);
    assert_int_equal(m.gaps_of_kind[ACC_AUDITOR_OWNS], 1);
    assert_int_equal(m.gaps_of_kind[ACC_ROLE_VACANT], 0);
    q = ACC_QUERY_ALL;
    q.gap_person = "omar@x.example";
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_string_equal(m.gap_person, "PER-2");
    assert_int_equal(m.gaps_asked, 2);
    assert_int_equal(m.ngaps, 2);
    assert_string_equal(m.gaps[0].person, "PER-2");
    assert_string_equal(m.gaps[1].person, "PER-2");
    q.gap_person = "PER-4";
    assert_int_equal(acc_gap_kind_parse(d, "auditor-owns", &q.gap_kind, &e), 0);
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.ngaps, 1);
    assert_non_null(strstr(m.gaps[0].text, "Cl. 9.2.2"));
    q.gap_person = "PER-1"; /* Dana has none */
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.gaps_asked, 0);
    assert_int_equal(m.gaps_total, 3);
    /* bad kinds and people named */
    assert_int_equal(acc_gap_kind_parse(d, "vacant", &q.gap_kind, &e), E_INVALID);
    assert_string_equal(e.field, "gap");
    assert_non_null(strstr(e.msg, "gap vacant: give role-vacant, without-role, without-budget, "
                                  "auditor-owns or concentration"));
    q = ACC_QUERY_ALL;
    q.gap_person = "nobody@x.example";
    assert_int_equal(read_matrix(q, &m, &e), E_NOT_FOUND);
    assert_string_equal(e.field, "gap_person");
    assert_non_null(strstr(e.msg, "nobody@x.example"));
}

/* People by name, a page at a time; a bad page refused by name. */
static void people_are_paged_by_name(void **state)
{
    (void)state;
    dom_accountability m;
    isms_err e;
    acc_query q = ACC_QUERY_ALL;
    q.offset = 1, q.limit = 2;
    assert_int_equal(read_matrix(q, &m, &e), 0);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.offset, 1);
    assert_string_equal(m.rows[0].name, "Ina"); /* Dana, [Ina, Lena], Omar */
    assert_string_equal(m.rows[1].name, "Lena");
    q.offset = 0, q.limit = 501;
    assert_int_equal(read_matrix(q, &m, &e), E_INVALID);
    assert_string_equal(e.field, "limit");
    q.offset = -1, q.limit = 0;
    assert_int_equal(read_matrix(q, &m, &e), E_INVALID);
    assert_string_equal(e.field, "offset");
}

/* ---- the gaps' kept figures (0041) against the matrix's count ---- */

static unsigned seed = 41;
static int pick(int n) { return (int)(rand_r(&seed) % (unsigned)n); }

static const regdef *const owned_regs[] = { &reg_risk, &reg_control, &reg_asset, &reg_objective,
                                            &reg_stakeholder };
static const char *const prefixes[] = { "RISK", "CTL", "AST", "OBJ", "STK" };
static int made[5];

/* An owner, most often PER-2 while `lopsided` and never PER-2 after:
 * someone comes to own more than half of a register, and later not. */
static const char *an_owner(int lopsided)
{
    int who = lopsided && pick(3) ? 2 : lopsided ? 1 + pick(4) : (int[]){ 1, 3, 4 }[pick(3)];
    return arena_printf(dom_arena(d), "owner=PER-%d", who);
}

static void quiet_add(int k, int lopsided)
{
    const regdef *reg = owned_regs[k];
    record *r = reg == &reg_risk ? tu_make(d, reg, "title=Leak", an_owner(lopsided), "likelihood=2",
                                           "impact=2", NULL)
                : reg == &reg_control ? tu_make(d, reg, "title=Backups", an_owner(lopsided), NULL)
                : reg == &reg_asset
                    ? tu_make(d, reg, "name=Ledger", "type=system", an_owner(lopsided), NULL)
                : reg == &reg_stakeholder /* (PER-5 owns only these: an owner, then none) */
                    ? tu_make(d, reg, "name=Regulator", "type=supervisor", "owner=PER-5", NULL)
                    : tu_make(d, reg, "title=Uptime", an_owner(lopsided), NULL);
    record out;
    isms_err e = { 0 };
    made[k] += !dom_add(d, r, &out, &e);
}

static const char *const role_sets[] = {
    "roles=risk-owner",       "roles=control-owner,asset-owner",
    "roles=internal-auditor", "roles=isms-lead,risk-owner",
    "roles=management-body",  "roles=internal-auditor,risk-owner",
};

/* One write of many kinds, refused ones (a retired record) included. */
static void ownership_write(int lopsided)
{
    int k = pick(5);
    const char *key =
        made[k] ? arena_printf(dom_arena(d), "%s-%d", prefixes[k], 1 + pick(made[k])) : NULL;
    record out;
    isms_err e = { 0 };
    switch (key ? pick(6) : 0) {
    case 0:
    case 1: quiet_add(k, lopsided); break;
    case 2:
        dom_update(d, owned_regs[k], key, tu_make(d, owned_regs[k], an_owner(lopsided), NULL), 0,
                   &out, NULL, &e);
        break;
    case 3: dom_retire(d, owned_regs[k], key, &out, &e); break;
    case 4:
        dom_update(d, &reg_person, arena_printf(dom_arena(d), "PER-%d", 1 + pick(4)),
                   tu_make(d, &reg_person, role_sets[pick(6)], NULL), 0, &out, NULL, &e);
        break;
    default:
        dom_update(
            d, &reg_person, arena_printf(dom_arena(d), "PER-%d", 1 + pick(4)),
            tu_make(d, &reg_person, pick(2) ? "budget_authority=0" : "budget_authority=900", NULL),
            0, &out, NULL, &e);
    }
}

static void kept_gaps_as_the_matrix_counts(void)
{
    dom_dash dash;
    isms_err e = { 0 };
    if (dom_dashboard(d, &dash, &e))
        fail_msg("dashboard: %s", e.msg);
    dom_accountability m = matrix();
    assert_int_equal(dash.responsibility_gaps, m.gaps_total);
    assert_int_equal(dash.risk_owners, m.risk_owners);
    assert_int_equal(dash.owners_with_budget, m.risk_owners_with_budget);
    tu_figures_as_counted(d); /* each person's, the counts' and the most's */
}

static void same_gap(const acc_gap *a, const acc_gap *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_string_equal(a->person ? a->person : "-", b->person ? b->person : "-");
    assert_string_equal(a->role ? a->role : "-", b->role ? b->role : "-");
    assert_string_equal(a->registers ? a->registers : "-", b->registers ? b->registers : "-");
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->of, b->of);
    assert_string_equal(a->text ? a->text : "-", b->text ? b->text : "-");
}

static void same_row(const acc_row *a, const acc_row *b, int nkinds)
{
    assert_string_equal(a->key, b->key);
    assert_string_equal(a->roles, b->roles);
    for (int k = 0; k < nkinds; k++)
        assert_int_equal(a->owns[k], b->owns[k]);
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->gaps, b->gaps);
}

/* The matrix for q as kept (its totals read, the people listed and shown
 * read with their figures) equals the matrix with every owner read and
 * judged (count_all). */
static void kept_matrix_as_counted(acc_query q)
{
    dom_accountability a, b;
    isms_err e;
    if (read_matrix(q, &a, &e))
        fail_msg("matrix: %s", e.msg);
    q.count_all = 1;
    if (read_matrix(q, &b, &e))
        fail_msg("matrix, every owner: %s", e.msg);
    assert_int_equal(a.people, b.people);
    assert_int_equal(a.owners, b.owners);
    assert_int_equal(a.risk_owners, b.risk_owners);
    assert_int_equal(a.risk_owners_with_budget, b.risk_owners_with_budget);
    assert_int_equal(a.nkinds, b.nkinds);
    for (int k = 0; k < a.nkinds; k++)
        assert_int_equal(a.kinds[k].total, b.kinds[k].total);
    for (int r = 0; r < a.nroles; r++)
        assert_int_equal(a.holders[r], b.holders[r]);
    assert_int_equal(a.gaps_total, b.gaps_total);
    for (int k = 0; k < ACC_NKINDS; k++)
        assert_int_equal(a.gaps_of_kind[k], b.gaps_of_kind[k]);
    assert_int_equal(a.gaps_asked, b.gaps_asked);
    assert_int_equal(a.ngaps, b.ngaps);
    for (int i = 0; i < a.ngaps; i++)
        same_gap(&a.gaps[i], &b.gaps[i]);
    assert_int_equal(a.n, b.n);
    for (int i = 0; i < a.n; i++)
        same_row(&a.rows[i], &b.rows[i], a.nkinds);
}

/* ... for the whole matrix, each kind of gap, each person's, and pages of
 * gaps and people. */
static void kept_matrices_as_counted(void)
{
    kept_matrix_as_counted(ACC_QUERY_ALL);
    for (int k = 0; k < ACC_NKINDS; k++)
        kept_matrix_as_counted((acc_query){ .gap_kind = k, .gap_offset = pick(3) });
    for (int p = 1; p <= 5; p++)
        kept_matrix_as_counted(
            (acc_query){ .gap_kind = pick(2) ? -1 : pick(ACC_NKINDS),
                         .gap_person = arena_printf(dom_arena(d), "PER-%d", p) });
    kept_matrix_as_counted((acc_query){ .gap_kind = -1, .gap_offset = 1 + pick(4) });
    kept_matrix_as_counted((acc_query){ .gap_kind = -1, .gap_offset = 1000 });
    kept_matrix_as_counted((acc_query){ .gap_kind = -1, .limit = 2, .offset = pick(4) });
}

/* Random adds, reassignments, retirements, roles and budgets, alone, a
 * few to a transaction, and rolled back: the dashboard's gaps, from the
 * kept figures, are the matrix's, and the figures are as counted again.
 * (A lopsided phase puts most on one person, and a spread one takes it
 * off: the most anyone owns falls, and is found again.) */
static void kept_gaps_follow_random_writes(void **state)
{
    (void)state;
    tu_add(d, tu_make(d, &reg_person, "name=Pia", "email=pia@x.example", NULL));
    int concentrated = 0, gone = 0, owners_moved = 0;
    int64_t owners = -1;
    for (int round = 0; round < 24; round++) {
        int lopsided = round % 8 < 4;
        isms_err e = { 0 };
        int batch = round % 3 == 1, undone = round % 6 == 5;
        if (batch || undone)
            assert_int_equal(dom_txn_begin(d, &e), 0);
        for (int k = 0; k < 40; k++)
            ownership_write(lopsided);
        if (batch || undone)
            dom_txn_end(d, undone ? E_CONFLICT : 0, &e);
        kept_gaps_as_the_matrix_counts();
        kept_matrices_as_counted();
        dom_accountability m = matrix();
        concentrated |= m.gaps_of_kind[ACC_CONCENTRATION] > 0;
        gone |= concentrated && !m.gaps_of_kind[ACC_CONCENTRATION];
        owners_moved += owners >= 0 && m.owners != owners;
        owners = m.owners;
    }
    assert_true(concentrated && gone); /* the run went through both */
    assert_true(owners_moved >= 2);    /* PER-5 came to own, and then not */
    tu_verified(d);
}

/* More people with a gap than one read of their figures holds (256): the
 * list goes on from where each read ended, a gap offset deep in it lists
 * what the matrix counting every owner lists, and the concentration of
 * someone without a gap of their own falls in its place by id. */
static void a_long_list_of_gaps_is_read_on(void **state)
{
    (void)state;
    isms_err e = { 0 };
    assert_int_equal(dom_txn_begin(d, &e), 0);
    for (int k = 0; k < 600; k++) {
        if (k == 300) /* a risk owner with a budget: no gap of their own */
            tu_add(d, tu_make(d, &reg_person, "name=Max", "email=max@x.example", "roles=risk-owner",
                              "budget_authority=100", NULL));
        char email[40];
        snprintf(email, sizeof email, "email=p%d@x.example", k);
        tu_add(d, tu_make(d, &reg_person, "name=Someone", email, NULL));
        risk(arena_printf(dom_arena(d), "owner=PER-%d", 5 + k + (k >= 300)));
    }
    for (int k = 0; k < 700; k++)
        risk("owner=PER-305");
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    dom_accountability m = matrix();
    assert_int_equal(m.gaps_of_kind[ACC_WITHOUT_ROLE], 600);
    assert_int_equal(m.gaps_of_kind[ACC_CONCENTRATION], 1);
    int64_t offsets[] = { 0, 200, 255, 511, 512, 599, 600, 601, 900, 1199, 1200, 1201 };
    for (size_t k = 0; k < sizeof offsets / sizeof *offsets; k++) {
        kept_matrix_as_counted((acc_query){ .gap_kind = -1, .gap_offset = offsets[k] });
        kept_matrix_as_counted(
            (acc_query){ .gap_kind = ACC_CONCENTRATION, .gap_offset = offsets[k] / 600 });
    }
    kept_matrix_as_counted((acc_query){ .gap_kind = -1, .gap_person = "PER-305" });
    /* (each owner: a risk without the role, and without a budget) */
    assert_int_equal(read_matrix((acc_query){ .gap_kind = -1, .gap_offset = 599 }, &m, &e), 0);
    assert_int_equal(m.gaps[0].kind, ACC_WITHOUT_BUDGET);
    assert_string_equal(m.gaps[0].person, "PER-304"); /* the 300th owner's, then Max's */
    assert_int_equal(m.gaps[1].kind, ACC_CONCENTRATION);
    assert_string_equal(m.gaps[1].person, "PER-305");
    tu_verified(d);
}

/* A repository from before the gaps' figures (schema 40) gets them
 * counted from the owners' figures at its upgrade, and the objectives not
 * quantified (0042) from theirs; before it, the dashboard counts the gaps
 * by the matrix and reads every objective. */
static void an_upgrade_counts_the_gaps(void **state)
{
    (void)state;
    const char *old = tu_repo("before-owner-gaps.isms");
    isms_err e = { 0 };
    dom *was = d;
    setenv("ISMS_MIGRATE_UNTIL", "40", 1);
    if (dom_create(old, &(principal){ .actor = "accountability-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    for (int k = 0; k < 11; k++)
        risk("owner=PER-2"); /* most on one person; no budget; no lead, no auditor */
    tu_add(d, tu_make(d, &reg_asset, "name=Core banking", "type=system", "owner=PER-1", NULL));
    /* and (0042) an objective with no risk, one with a risk not quantified
     * (the management body owns them without a budget: a sixth gap) */
    tu_add(d,
           tu_make(d, &reg_objective, "title=Uptime", "owner=PER-1", "value_at_stake=5000", NULL));
    tu_add(d, tu_make(d, &reg_objective, "title=Payments", "owner=PER-1", "value_at_stake=7000",
                      NULL));
    tu_add(d, tu_make(d, &reg_risk, "title=Outage", "owner=PER-2", "likelihood=2", "impact=2",
                      "objectives=OBJ-2", NULL));
    dom_dash dash;
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dash.responsibility_gaps, 6);
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    char *kept = tu_sql_value(old, "SELECT COUNT(*) FROM tally WHERE name LIKE 'accountability.%'");
    assert_string_equal(kept, "0");
    free(kept);
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 40);
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dash.responsibility_gaps, 6);
    assert_int_equal(dash.unquantified_objectives.total, 2);
    assert_int_equal(dash.unquantified_objectives.n, 2);
    assert_string_equal(dash.unquantified_objectives.keys[0], "OBJ-1");
    assert_int_equal(dash.value_unquantified, 700000); /* (in cents) */
    kept_gaps_as_the_matrix_counts();
    kept = tu_sql_value(old, "SELECT n FROM tally WHERE name = 'accountability.most.risk'");
    assert_string_equal(kept, "12");
    free(kept);
    tu_verified(d);
    dom_close(d);
    d = was;
}

/* A repository from before the figures (schema 25) gets them counted at
 * its upgrade (and those that follow from them at its commit: an
 * objective with no risk is not quantified); read at that schema, the
 * matrix says it cannot. */
static void an_upgrade_counts_who_owns_what(void **state)
{
    (void)state;
    const char *old = tu_repo("before-accountability.isms");
    isms_err e = { 0 };
    dom *was = d;
    setenv("ISMS_MIGRATE_UNTIL", "25", 1);
    if (dom_create(old, &(principal){ .actor = "accountability-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    risk("owner=PER-2");
    tu_add(d, tu_make(d, &reg_asset, "name=Core banking", "type=system", "owner=PER-2", NULL));
    /* (an objective with no risk: the recount leaves it to its commit) */
    tu_add(d,
           tu_make(d, &reg_objective, "title=Uptime", "owner=PER-1", "value_at_stake=5000", NULL));
    dom_accountability m;
    assert_int_equal(read_matrix(ACC_QUERY_ALL, &m, &e), E_CONFLICT);
    assert_string_equal(e.field, "repository");
    dom_dash dash; /* the risk owners from the risks' own figures */
    e = (isms_err){ 0 };
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dash.responsibility_gaps, -1);
    assert_int_equal(dash.risk_owners, 1);
    dom_close(d);
    unsetenv("ISMS_MIGRATE_UNTIL");
    /* as the isms of schema 25 kept them */
    tu_sql(old, "DELETE FROM tally WHERE name LIKE 'owner.%' OR name LIKE 'person%' OR "
                "name LIKE 'records.%'");
    tu_sql(old, "INSERT INTO tally (name, n) VALUES ('risk.owner.2', 1)");
    if (dom_open(old, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(d), 25);
    m = matrix();
    assert_int_equal(m.people, 2);
    assert_int_equal(owns(&m, "PER-2", "risk"), 1);
    assert_int_equal(owns(&m, "PER-2", "asset"), 1);
    assert_non_null(gap(&m, ACC_ROLE_VACANT, NULL, "isms-lead"));
    int64_t assets;
    int known;
    assert_int_equal(dom_active_count(d, &reg_asset, &assets, &known, &e), 0);
    assert_true(known);
    assert_int_equal(assets, 1); /* each register's records, counted too */
    char *left = tu_sql_value(old, "SELECT COUNT(*) FROM tally WHERE name LIKE 'risk.owner.%'");
    assert_string_equal(left, "0"); /* the old name went */
    free(left);
    assert_int_equal(dom_dashboard(d, &dash, &e), 0);
    assert_int_equal(dash.unquantified_objectives.total, 1);
    assert_string_equal(dash.unquantified_objectives.keys[0], "OBJ-1");
    tu_verified(d);
    dom_close(d);
    d = was;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(what_each_person_owns_is_counted_as_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(every_register_counts_its_records, setup, teardown),
        cmocka_unit_test_setup_teardown(each_gap_is_found_and_goes_when_mended, setup, teardown),
        cmocka_unit_test_setup_teardown(a_role_nobody_holds_is_a_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(most_risks_on_one_person_is_a_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(gaps_past_the_list_are_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(gaps_are_chosen_by_kind_and_person, setup, teardown),
        cmocka_unit_test_setup_teardown(people_are_paged_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(an_upgrade_counts_who_owns_what, setup, teardown),
        cmocka_unit_test_setup_teardown(kept_gaps_follow_random_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(a_long_list_of_gaps_is_read_on, setup, teardown),
        cmocka_unit_test_setup_teardown(an_upgrade_counts_the_gaps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
