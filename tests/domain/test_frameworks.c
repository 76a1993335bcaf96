/* Frameworks over the one control set: the built-in catalogues, finding
 * requirements, mappings and their refusals, suggestions through the
 * crosswalks, coverage, the Statement of Applicability, drift, and the
 * upgrade that brings the catalogues to an older repository. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/engine/dom.h"
#include "domain/integrity/verify.h"
#include "domain/registers/registers.h"
#include "domain/views/frameworks.h"
#include "domain/views/query.h"
#include "domain/workflows/soa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom *d;

static int setup(void **state)
{
    (void)state;
    d = tu_create("frameworks.isms", "fw-test");
    tu_add_people(d); /* PER-1 Dana, management body; PER-2 Omar, risk owner */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dom_close(d);
    return 0;
}

/* How many records of reg match "field=value" filters (NULL-terminated). */
static int64_t count(const regdef *reg, ...)
{
    dom_filter_arg args[8];
    int n = 0;
    va_list ap;
    va_start(ap, reg);
    for (const char *pair = va_arg(ap, const char *); pair; pair = va_arg(ap, const char *)) {
        const char *eq = strchr(pair, '=');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - pair), pair);
        args[n++] = (dom_filter_arg){ regdef_field(reg, name), eq + 1 };
    }
    va_end(ap);
    store_query q = { 0 };
    isms_err e = { 0 };
    if (dom_query_filters(d, reg, args, n, &q, &e))
        fail_msg("filter: %s", e.msg);
    int64_t k;
    if (store_count(dom_store(d), reg, &q, &k, &e))
        fail_msg("count: %s", e.msg);
    return k;
}

static void builtin_catalogues_have_their_counts(void **state)
{
    (void)state;
    assert_int_equal(count(&reg_framework, NULL), 10);
    assert_int_equal(count(&reg_requirement, "framework=iso27001-2022", "level=control", NULL), 93);
    assert_int_equal(count(&reg_requirement, "framework=iso27001-2022", "level=clause", NULL), 41);
    assert_int_equal(count(&reg_requirement, "framework=csf-2.0", "level=function", NULL), 6);
    assert_int_equal(
        count(&reg_requirement, "framework=csf-2.0", "level=category", "withdrawn=no", NULL), 22);
    assert_int_equal(
        count(&reg_requirement, "framework=csf-2.0", "level=subcategory", "withdrawn=no", NULL),
        106);
    assert_int_equal(count(&reg_requirement, "framework=csf-2.0", "assessable=yes", NULL), 106);
    /* SP 800-53 rev5: 1,189 controls and enhancements (182 withdrawn) in 20 families. */
    assert_int_equal(count(&reg_requirement, "framework=sp800-53r5", "level=family", NULL), 20);
    assert_int_equal(count(&reg_requirement, "framework=sp800-53r5", NULL), 1209);
    assert_int_equal(count(&reg_requirement, "framework=sp800-53r5", "withdrawn=yes", NULL), 182);
    assert_int_equal(count(&reg_requirement, "framework=sp800-53r5", "baselines=low", NULL), 149);
    assert_int_equal(count(&reg_requirement, "framework=FW-3", "baselines=moderate", NULL), 287);
    assert_int_equal(count(&reg_requirement, "framework=sp800-53r5", "baselines=high", NULL), 370);
    assert_int_equal(count(&reg_requirement, "framework=sp800-53r5", "baselines=privacy", NULL),
                     96);
    assert_int_equal(count(&reg_requirement, "framework=nis2", "level=point", NULL), 10);
    assert_int_equal(count(&reg_requirement, "framework=nis2-ir-2024-2690", NULL), 439);
    assert_int_equal(count(&reg_requirement, "framework=dora", "level=article", NULL), 64);
    assert_int_equal(count(&reg_requirement, "framework=dora-rts-2024-1774", "level=article", NULL),
                     42);
    assert_int_equal(count(&reg_requirement, "framework=soc2-tsc", "level=criterion", NULL), 61);
    assert_int_equal(count(&reg_requirement, "framework=iso42001-2023", "level=control", NULL), 38);
    assert_int_equal(count(&reg_requirement, "framework=isms-kca", NULL), 7);
    /* Every one of them is in the ledger, and the repository verifies. */
    verify_report rep = { 0 };
    isms_err e = { 0 };
    assert_int_equal(dom_verify(d, &rep, &e), 0);
    assert_int_equal(rep.problems, 0);
}

static const char *find(const regdef *reg, const char *typed)
{
    int64_t id;
    const char *key;
    int retired;
    isms_err e = { 0 };
    if (dom_find(d, reg, typed, &id, &key, &retired, &e))
        fail_msg("find %s: %s", typed, e.msg);
    return id ? key : NULL;
}

static void requirements_are_found_as_the_framework_writes_them(void **state)
{
    (void)state;
    const char *k = find(&reg_requirement, "iso27001-2022:A.8.13");
    assert_non_null(k);
    assert_string_equal(find(&reg_requirement, "ISO27001-2022:a.8.13"), k);
    assert_string_equal(find(&reg_requirement, "FW-1:A.8.13"), k);
    assert_non_null(find(&reg_requirement, "nis2-ir-2024-2690:1.1.1.a"));
    assert_non_null(find(&reg_requirement, "sp800-53r5:AC-2(1)"));
    assert_null(find(&reg_requirement, "iso27001-2022:A.9.9"));
    assert_null(find(&reg_requirement, "no-such-framework:A.8.13"));
    assert_string_equal(find(&reg_framework, "csf-2.0"), "FW-2");
    assert_string_equal(find(&reg_framework, "fw-2"), "FW-2");
    record r;
    isms_err e = { 0 };
    assert_int_equal(dom_get(d, &reg_requirement, "csf-2.0:GV.OC-01", &r, &e), 0);
    assert_string_equal(record_text(&r, F_REQUIREMENT_PARENT), "GV.OC");
}

static void builtin_catalogues_do_not_change(void **state)
{
    (void)state;
    isms_err e = { 0 };
    record ch, out;
    record_init(&ch, &reg_requirement, dom_arena(d));
    assert_int_equal(
        dom_set_text(d, &ch, regdef_field(&reg_requirement, "title"), "Backups, say", &e), 0);
    assert_int_equal(
        dom_update(d, &reg_requirement, "iso27001-2022:A.8.13", &ch, 0, &out, NULL, &e),
        E_CONFLICT);
    assert_string_equal(e.field, "title");
    err_clear(&e);
    assert_int_equal(dom_retire(d, &reg_framework, "FW-1", &out, &e), E_CONFLICT);
}

/* A mapping of `from` (a control, or a requirement) onto `to`. */
static int map(const char *from, const char *to, const char *rel, isms_err *e)
{
    record in, out;
    record_init(&in, &reg_mapping, dom_arena(d));
    int fromf = strchr(from, ':') ? regdef_field(&reg_mapping, "source")
                                  : regdef_field(&reg_mapping, "control");
    int rc = dom_set_text(d, &in, fromf, from, e);
    if (!rc)
        rc = dom_set_text(d, &in, regdef_field(&reg_mapping, "target"), to, e);
    if (!rc)
        rc = dom_set_text(d, &in, regdef_field(&reg_mapping, "relationship"), rel, e);
    if (rc)
        return rc;
    return dom_add(d, &in, &out, e);
}

static const char *control(const char *title, const char *status, const char *effectiveness)
{
    return tu_add(d, tu_make(d, &reg_control, arena_printf(dom_arena(d), "title=%s", title),
                             "owner=PER-2", arena_printf(dom_arena(d), "status=%s", status),
                             arena_printf(dom_arena(d), "effectiveness=%s", effectiveness), NULL));
}

/* A control mapped onto `ref` by `rel`; its key. */
static const char *mapped(const char *title, const char *status, const char *effectiveness,
                          const char *ref, const char *rel)
{
    const char *key = control(title, status, effectiveness);
    isms_err e = { 0 };
    if (map(key, ref, rel, &e))
        fail_msg("map %s onto %s: %s", title, ref, e.msg);
    return key;
}

static void bad_mappings_are_refused_and_write_nothing(void **state)
{
    (void)state;
    const char *ctl = control("Backups", "operating", "effective");
    int64_t before = count(&reg_mapping, NULL);
    isms_err e = { 0 };
    assert_int_equal(map(ctl, "iso27001-2022:A.8.13", "overlaps", &e), E_INVALID);
    assert_string_equal(e.field, "relationship");
    assert_contains(e.msg, "overlaps");
    err_clear(&e);
    assert_int_equal(map(ctl, "iso27001-2022:A.99.1", "equal-to", &e), E_INVALID);
    assert_string_equal(e.field, "target");
    assert_contains(e.msg, "iso27001-2022:A.99.1");
    err_clear(&e);
    assert_int_equal(map("CTL-999", "iso27001-2022:A.8.13", "equal-to", &e), E_INVALID);
    assert_string_equal(e.field, "control");
    err_clear(&e);
    assert_int_equal(map("iso27001-2022:A.8.13", "iso27001-2022:A.8.13", "equal-to", &e),
                     E_INVALID);
    assert_string_equal(e.field, "source");
    err_clear(&e);
    assert_int_equal(count(&reg_mapping, NULL), before);
    assert_int_equal(map(ctl, "iso27001-2022:A.8.13", "equal-to", &e), 0);
    assert_int_equal(map(ctl, "iso27001-2022:a.8.13", "subset-of", &e), E_CONFLICT);
    assert_contains(e.msg, "already mapped onto iso27001-2022:A.8.13 (REQ-");
    err_clear(&e);
    assert_int_equal(count(&reg_mapping, NULL), before + 1);
    /* another control onto it, and the same control onto another: both */
    const char *other = control("Restore tests", "operating", "effective");
    assert_int_equal(map(other, "iso27001-2022:A.8.13", "subset-of", &e), 0);
    assert_int_equal(map(ctl, "iso27001-2022:A.8.14", "subset-of", &e), 0);
    assert_int_equal(count(&reg_mapping, NULL), before + 3);
}

static const map_suggestion *suggested(const map_suggestion *s, int n, const char *ref)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s[i].ref, ref))
            return &s[i];
    return NULL;
}

static void suggestions_follow_the_crosswalks_with_their_path(void **state)
{
    (void)state;
    const char *ctl = control("Offsite backup copies", "implemented", "effective");
    isms_err e = { 0 };
    assert_int_equal(map(ctl, "iso27001-2022:A.8.13", "superset-of", &e), 0);
    map_suggestion *s;
    int n;
    assert_int_equal(dom_map_suggest(d, ctl, 1, &s, &n, &e), 0);
    const map_suggestion *csf = suggested(s, n, "csf-2.0:PR.DS-11");
    assert_non_null(csf);
    assert_int_equal(csf->hops, 1);
    assert_string_equal(csf->path, "iso27001-2022:A.8.13 -> csf-2.0:PR.DS-11 (intersects-with)");
    assert_non_null(suggested(s, n, "sp800-53r5:CP-9"));
    assert_non_null(suggested(s, n, "nis2-ir-2024-2690:4.2.1"));
    for (int i = 0; i < n; i++) /* other frameworks only */
        assert_string_not_equal(s[i].framework, "iso27001-2022");
    /* Another control's mappings are not this one's starting points. */
    const char *other = control("Access reviews", "implemented", "effective");
    assert_int_equal(map(other, "iso27001-2022:A.5.18", "superset-of", &e), 0);
    int before = n;
    assert_int_equal(dom_map_suggest(d, ctl, 1, &s, &n, &e), 0);
    assert_int_equal(n, before);
    for (int i = 0; i < n; i++)
        assert_true(!strncmp(s[i].path, "iso27001-2022:A.8.13 ->", 23));
    /* Two hops reach further, each with the path that reached it. */
    int one = n;
    assert_int_equal(dom_map_suggest(d, ctl, 2, &s, &n, &e), 0);
    assert_true(n > one);
    const map_suggestion *far = NULL;
    for (int i = 0; i < n && !far; i++)
        far = s[i].hops == 2 ? &s[i] : NULL;
    assert_non_null(far);
    assert_contains(far->path, " -> ");
    /* The repository's own crosswalks count too. */
    tu_add(d, tu_make(d, &reg_framework, "name=acme-bank", "title=Acme bank policy", NULL));
    tu_add(d, tu_make(d, &reg_requirement, "framework=acme-bank", "code=BK-1",
                      "title=Backups are tested monthly", NULL));
    assert_int_equal(map("acme-bank:BK-1", "iso27001-2022:A.8.13", "subset-of", &e), 0);
    assert_int_equal(dom_map_suggest(d, ctl, 1, &s, &n, &e), 0);
    const map_suggestion *own = suggested(s, n, "acme-bank:BK-1");
    assert_non_null(own);
    assert_string_equal(own->path, "iso27001-2022:A.8.13 -> acme-bank:BK-1 (subset-of)");
    assert_int_equal(dom_map_suggest(d, ctl, 4, &s, &n, &e), E_INVALID);
}

/* A small framework of one's own: two groups, five requirements. */
static void own_framework(const char *name)
{
    char fw[80];
    snprintf(fw, sizeof fw, "framework=%s", name);
    tu_add(d, tu_make(d, &reg_framework, arena_printf(dom_arena(d), "name=%s", name),
                      "title=Test framework", NULL));
    tu_add(d,
           tu_make(d, &reg_requirement, fw, "code=G1", "title=Group one", "assessable=no", NULL));
    tu_add(d,
           tu_make(d, &reg_requirement, fw, "code=G2", "title=Group two", "assessable=no", NULL));
    for (int i = 1; i <= 5; i++)
        tu_add(d, tu_make(d, &reg_requirement, fw, arena_printf(dom_arena(d), "code=R%d", i),
                          arena_printf(dom_arena(d), "title=Requirement %d", i),
                          i < 5 ? "parent=G1" : "parent=G2", NULL));
}

static const cov_item *item(const cov_report *r, const char *code)
{
    return TU_FIND(r->items, r->nitems, cov_item, code, code);
}

static void set_applicability(const char *soa, const char *req, const char *applicable,
                              const char *why, int expect)
{
    soa_doc doc;
    isms_err e = { 0 };
    assert_int_equal(dom_soa_doc(d, soa, &doc, &e), 0);
    for (int i = 0; i < doc.n; i++) {
        if (strcmp(doc.rows[i].ref, req))
            continue;
        record ch, out;
        record_init(&ch, &reg_applicability, dom_arena(d));
        dom_set_text(d, &ch, regdef_field(&reg_applicability, "applicable"), applicable, &e);
        if (why)
            dom_set_text(d, &ch, regdef_field(&reg_applicability, "justification"), why, &e);
        int rc = dom_update(d, &reg_applicability, doc.rows[i].key, &ch, 0, &out, NULL, &e);
        if (rc != expect)
            fail_msg("update %s: %d (%s), expected %d", req, rc, e.msg, expect);
        if (expect == E_INVALID)
            assert_string_equal(e.field, "justification");
        return;
    }
    fail_msg("%s has no row for %s", soa, req);
}

static void coverage_and_the_soa(void **state)
{
    (void)state;
    own_framework("cov-test");
    const char *a = mapped("A", "operating", "effective", "cov-test:R1", "equal-to");
    mapped("B", "planned", "effective", "cov-test:R2", "equal-to");
    mapped("C", "operating", "effective", "cov-test:R3", "subset-of");
    mapped("X", "operating", "ineffective", "cov-test:R5", "equivalent-to");
    isms_err e = { 0 };
    cov_report r;
    assert_int_equal(dom_coverage(d, "cov-test", &r, &e), 0);
    assert_int_equal(r.nitems, 5);
    assert_int_equal(r.mapped, 4);
    assert_int_equal(item(&r, "R1")->state, COV_COVERED);
    assert_int_equal(item(&r, "R2")->state, COV_PARTIAL);
    assert_contains(item(&r, "R2")->why, "is planned");
    assert_int_equal(item(&r, "R3")->state, COV_PARTIAL);
    assert_contains(item(&r, "R3")->why, "subset-of");
    assert_int_equal(item(&r, "R4")->state, COV_GAP);
    assert_string_equal(item(&r, "R4")->why, "no control is mapped onto it");
    assert_int_equal(item(&r, "R5")->state, COV_GAP);
    assert_contains(item(&r, "R5")->why, "ineffective");
    assert_int_equal(r.ngroups, 2);
    assert_string_equal(r.groups[0].code, "G1");
    assert_int_equal(r.groups[0].n[COV_PARTIAL], 2);
    assert_int_equal(r.total.n[COV_GAP], 2);
    assert_true(cov_percent(&r.total) > 19.9 && cov_percent(&r.total) < 20.1);

    /* The SoA: generated, an exclusion needs its justification, approved
     * by the management body, and then it counts. */
    record soa;
    int n;
    assert_int_equal(dom_soa_generate(d, &(soa_spec){ .framework = "cov-test" }, &soa, &n, &e), 0);
    assert_int_equal(n, 5);
    set_applicability(soa.key, "cov-test:R4", "no", NULL, E_INVALID);
    set_applicability(soa.key, "cov-test:R4", "no", "  ", E_INVALID);
    set_applicability(soa.key, "cov-test:R4", "no", "Nothing of the kind in scope", 0);
    soa_doc doc;
    assert_int_equal(dom_soa_doc(d, soa.key, &doc, &e), 0);
    assert_int_equal(doc.excluded, 1);
    assert_int_equal(doc.applicable, 4);
    assert_string_equal(doc.rows[0].controls, a);
    assert_string_equal(doc.rows[0].implementation, "implemented");
    assert_string_equal(doc.rows[1].implementation, "planned");
    record out;
    tu_as(d, "omar@x.example");
    assert_int_equal(dom_transition(d, &reg_soa, soa.key, "approve", &out, &e), E_DENIED);
    err_clear(&e);
    tu_as(d, "dana@x.example");
    assert_int_equal(dom_transition(d, &reg_soa, soa.key, "approve", &out, &e), 0);
    tu_as(d, NULL);
    set_applicability(soa.key, "cov-test:R1", "no", "Frozen now", E_CONFLICT);
    assert_int_equal(dom_coverage(d, "cov-test", &r, &e), 0);
    assert_string_equal(r.soa, soa.key);
    assert_int_equal(item(&r, "R4")->state, COV_EXCLUDED);
    assert_contains(item(&r, "R4")->why, "Nothing of the kind in scope");
    assert_true(cov_percent(&r.total) > 24.9 && cov_percent(&r.total) < 25.1);
    /* The next version carries the judgement over. */
    record soa2;
    assert_int_equal(dom_soa_generate(d, &(soa_spec){ .framework = "cov-test", .title = "second" },
                                      &soa2, &n, &e),
                     0);
    assert_int_equal(dom_soa_doc(d, soa2.key, &doc, &e), 0);
    assert_int_equal(doc.excluded, 1);
    /* A CSF-style target profile is a series of its own: approving it
     * leaves the approved statement in force. */
    record target, got;
    assert_int_equal(
        dom_soa_generate(d,
                         &(soa_spec){ .framework = "cov-test", .profile = "target", .tier = "3" },
                         &target, &n, &e),
        0);
    assert_int_equal(dom_soa_doc(d, target.key, &doc, &e), 0);
    assert_int_equal(doc.excluded, 0); /* the statement's judgement is not the target's */
    assert_int_equal(record_int(&target, F_SOA_TIER), 3);
    tu_as(d, "dana@x.example");
    assert_int_equal(dom_transition(d, &reg_soa, target.key, "approve", &out, &e), 0);
    tu_as(d, NULL);
    assert_int_equal(dom_get(d, &reg_soa, soa.key, &got, &e), 0);
    assert_string_equal(record_text(&got, F_SOA_STATUS), "approved");
    /* In force: of each series its approved version (not the newer draft);
     * of the framework the newest approved statement or target. */
    const char *in_force, *fw_key;
    int64_t fw;
    int retired;
    assert_int_equal(dom_find(d, &reg_framework, "cov-test", &fw, &fw_key, &retired, &e), 0);
    assert_int_equal(dom_soa_profile_in_force(d, fw, "statement", &in_force, &e), 0);
    assert_string_equal(in_force, soa.key);
    assert_int_equal(dom_soa_profile_in_force(d, fw, "target", &in_force, &e), 0);
    assert_string_equal(in_force, target.key);
    assert_int_equal(dom_soa_profile_in_force(d, fw, "current", &in_force, &e), 0);
    assert_null(in_force);
    assert_int_equal(dom_soa_in_force(d, fw, &in_force, &e), 0);
    assert_string_equal(in_force, target.key);
    assert_int_equal(
        dom_soa_generate(d, &(soa_spec){ .framework = "cov-test", .profile = "x" }, &got, &n, &e),
        E_INVALID);
    assert_string_equal(e.field, "profile");
    err_clear(&e);
    assert_int_equal(
        dom_soa_generate(d,
                         &(soa_spec){ .framework = "cov-test", .profile = "current", .tier = "5" },
                         &got, &n, &e),
        E_INVALID);
    assert_string_equal(e.field, "tier");
}

static int has_drift(const drift_item *it, int n, const char *kind, const char *text)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(it[i].kind, kind) && strstr(it[i].what, text))
            return 1;
    return 0;
}

/* A framework's coverage reads the mappings onto its own requirements and
 * the controls they map, by id where they are a small share of all (else
 * every one): both roads give the same report, retired controls included. */
static void a_frameworks_coverage_is_the_same_by_either_road(void **state)
{
    (void)state;
    own_framework("cov-small");
    const char *kept = mapped("Small A", "operating", "effective", "cov-small:R1", "equal-to");
    const char *gone = mapped("Small B", "operating", "effective", "cov-small:R2", "equal-to");
    record out;
    isms_err e = { 0 };
    assert_int_equal(dom_retire(d, &reg_control, gone, &out, &e), 0);
    cov_report whole, small;
    assert_int_equal(dom_txn_begin(d, &e), 0); /* (inside a write: from the mappings) */
    assert_int_equal(dom_coverage(d, "cov-small", &whole, &e), 0); /* a large share: every one */
    dom_txn_end(d, E_CONFLICT, &e);
    for (int i = 0; i < 40; i++) /* the others' mappings now outnumber its own */
        mapped(arena_printf(dom_arena(d), "Other %d", i), "operating", "effective",
               i % 2 ? "cov-test:R3" : "cov-test:R4", "subset-of");
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_coverage(d, "cov-small", &small, &e), 0); /* by id */
    dom_txn_end(d, E_CONFLICT, &e);
    cov_report named; /* and outside one: named from the newest, counted as kept */
    assert_int_equal(dom_coverage(d, "cov-small", &named, &e), 0);
    assert_int_equal(named.mapped, whole.mapped);
    for (int i = 0; i < named.nitems; i++) {
        assert_int_equal(named.items[i].state, whole.items[i].state);
        assert_string_equal(named.items[i].why, whole.items[i].why);
    }
    assert_int_equal(small.nitems, whole.nitems);
    assert_int_equal(small.mapped, whole.mapped);
    for (int i = 0; i < small.nitems; i++) {
        assert_string_equal(small.items[i].code, whole.items[i].code);
        assert_int_equal(small.items[i].state, whole.items[i].state);
        assert_string_equal(small.items[i].why, whole.items[i].why);
    }
    assert_int_equal(item(&small, "R1")->state, COV_COVERED);
    assert_string_equal(item(&small, "R1")->controls, kept);
    assert_contains(item(&small, "R2")->controls, gone); /* retired, and said so */
}

/* A requirement many controls are mapped onto: its why names the newest
 * COV_NAMED and counts the rest, its state from the kept figures of them
 * all (the one control that covers it is the oldest, not named); read
 * inside a write (every mapping read) the same states and total, every
 * control named. */
static void many_controls_on_one_requirement_are_counted(void **state)
{
    (void)state;
    own_framework("cov-many");
    const char *first = mapped("First", "operating", "effective", "cov-many:R1", "equal-to");
    for (int i = 0; i < COV_NAMED + 4; i++)
        mapped(arena_printf(dom_arena(d), "Weak %d", i), "operating", "ineffective", "cov-many:R1",
               "equal-to");
    isms_err e = { 0 };
    cov_report named, every;
    assert_int_equal(dom_coverage(d, "cov-many", &named, &e), 0);
    const cov_item *r1 = item(&named, "R1");
    assert_int_equal(r1->state, COV_COVERED);
    assert_int_equal(r1->more, 5);
    assert_null(strstr(r1->controls, first));
    assert_contains(r1->why, "and 5 more controls mapped (of all 13: 1 cover it, 0 in part)");
    assert_int_equal(dom_txn_begin(d, &e), 0);
    assert_int_equal(dom_coverage(d, "cov-many", &every, &e), 0);
    dom_txn_end(d, E_CONFLICT, &e); /* (nothing written: rolled back) */
    assert_int_equal(item(&every, "R1")->more, 0);
    assert_contains(item(&every, "R1")->controls, first);
    assert_int_equal(named.mapped, 13);
    assert_int_equal(every.mapped, 13);
    assert_int_equal(named.nitems, every.nitems);
    for (int i = 0; i < named.nitems; i++)
        assert_int_equal(named.items[i].state, every.items[i].state);
    for (int k = 0; k < 4; k++)
        assert_int_equal(named.total.n[k], every.total.n[k]);
}

/* One row a requirement in a statement: a second is refused by name; the
 * same requirement in another statement is its own row. */
static void a_requirement_has_one_row_a_statement(void **state)
{
    (void)state;
    const char *soa[2];
    for (int k = 0; k < 2; k++)
        soa[k] = tu_add(d, tu_make(d, &reg_soa, "framework=iso27001-2022", "profile=statement",
                                   arena_printf(dom_arena(d), "title=Rows %d", k), NULL));
    record out;
    isms_err e = { 0 };
    for (int k = 0; k < 2; k++)
        tu_add(d, tu_make(d, &reg_applicability, arena_printf(dom_arena(d), "soa=%s", soa[k]),
                          "requirement=iso27001-2022:A.5.1", "applicable=yes", NULL));
    tu_add(d, tu_make(d, &reg_applicability, arena_printf(dom_arena(d), "soa=%s", soa[0]),
                      "requirement=iso27001-2022:A.5.2", "applicable=yes", NULL));
    record *again = tu_make(d, &reg_applicability, arena_printf(dom_arena(d), "soa=%s", soa[0]),
                            "requirement=iso27001-2022:A.5.1", "applicable=yes", NULL);
    assert_int_equal(dom_add(d, again, &out, &e), E_CONFLICT);
    assert_string_equal(e.field, "requirement");
    assert_contains(e.msg, "already has iso27001-2022:A.5.1 (REQ-");
    err_clear(&e);
    /* a requirement of another framework: named both ways */
    record *other = tu_make(d, &reg_applicability, arena_printf(dom_arena(d), "soa=%s", soa[0]),
                            "requirement=csf-2.0:GV.OC-01", "applicable=yes", NULL);
    assert_int_equal(dom_add(d, other, &out, &e), E_INVALID);
    assert_string_equal(e.field, "requirement");
    assert_contains(e.msg, "requirement: csf-2.0:GV.OC-01 (REQ-");
    assert_contains(e.msg, "'s framework iso27001-2022 (FW-");
}

static void drift_finds_inconsistent_reports(void **state)
{
    (void)state;
    own_framework("drift-a");
    own_framework("drift-b");
    const char *c = mapped("Shared", "operating", "effective", "drift-a:R1", "equal-to");
    mapped("Planned", "planned", "effective", "drift-a:R2", "equal-to");
    const char *gone = mapped("Gone", "operating", "effective", "drift-a:R3", "equal-to");
    isms_err e = { 0 };
    assert_int_equal(map(c, "drift-b:R1", "equal-to", &e), 0);
    record out;
    assert_int_equal(dom_retire(d, &reg_control, gone, &out, &e), 0);
    drift_item *it;
    int n;
    assert_int_equal(dom_drift(d, &it, &n, &e), 0);
    assert_true(has_drift(it, n, "retired-control", "drift-a:R3"));
    assert_false(has_drift(it, n, "applicability", c));
    /* Applicable in one framework's SoA, excluded in the other's. */
    record sa, sb;
    int k;
    assert_int_equal(dom_soa_generate(d, &(soa_spec){ .framework = "drift-a" }, &sa, &k, &e), 0);
    assert_int_equal(dom_soa_generate(d, &(soa_spec){ .framework = "drift-b" }, &sb, &k, &e), 0);
    set_applicability(sb.key, "drift-b:R1", "no", "Not offered here", 0);
    assert_int_equal(dom_drift(d, &it, &n, &e), 0);
    assert_true(has_drift(it, n, "applicability", "Not offered here"));
    /* An SoA stating an implementation the control does not have. */
    soa_doc doc;
    assert_int_equal(dom_soa_doc(d, sa.key, &doc, &e), 0);
    record ch;
    record_init(&ch, &reg_applicability, dom_arena(d));
    dom_set_text(d, &ch, regdef_field(&reg_applicability, "implementation"), "implemented", &e);
    assert_string_equal(doc.rows[1].ref, "drift-a:R2");
    assert_int_equal(dom_update(d, &reg_applicability, doc.rows[1].key, &ch, 0, &out, NULL, &e), 0);
    assert_int_equal(dom_drift(d, &it, &n, &e), 0);
    assert_true(has_drift(it, n, "implementation", "drift-a:R2 implemented"));
}

/* A repository made before frameworks gets them, with their ledger
 * entries, when it is upgraded. */
static void upgrade_brings_the_catalogues(void **state)
{
    (void)state;
    const char *repo = tu_repo("upgrade-fw.isms");
    char until[16];
    snprintf(until, sizeof until, "%d", store_migration_version("0007_") - 1);
    setenv("ISMS_MIGRATE_UNTIL", until, 1);
    isms_err e = { 0 };
    dom *old;
    if (dom_create(repo, NULL, 0, &old, &e))
        fail_msg("create: %s", e.msg);
    dom_close(old);
    unsetenv("ISMS_MIGRATE_UNTIL");
    dom *up;
    if (dom_open(repo, &up, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_upgraded_from(up), atoi(until));
    int64_t n;
    store_query q = { 0 };
    assert_int_equal(store_count(dom_store(up), &reg_requirement, &q, &n, &e), 0);
    assert_int_equal(n, 2326);
    verify_report rep = { 0 };
    assert_int_equal(dom_verify(up, &rep, &e), 0);
    assert_int_equal(rep.problems, 0);
    dom_close(up);
}

TU_MAIN(setup, teardown, cmocka_unit_test(builtin_catalogues_have_their_counts),
        cmocka_unit_test(requirements_are_found_as_the_framework_writes_them),
        cmocka_unit_test(builtin_catalogues_do_not_change),
        cmocka_unit_test(bad_mappings_are_refused_and_write_nothing),
        cmocka_unit_test(suggestions_follow_the_crosswalks_with_their_path),
        cmocka_unit_test(coverage_and_the_soa),
        cmocka_unit_test(a_frameworks_coverage_is_the_same_by_either_road),
        cmocka_unit_test(many_controls_on_one_requirement_are_counted),
        cmocka_unit_test(a_requirement_has_one_row_a_statement),
        cmocka_unit_test(drift_finds_inconsistent_reports),
        cmocka_unit_test(upgrade_brings_the_catalogues))
