/* The reader of system security plans, assessment results and POA&Ms
 * (formats/oscal_plan.c) on NIST's examples in tests/fixtures/oscal/
 * examples: every count asserted; bad input refused naming the file and
 * the JSON pointer. */
#include "support/testutil.h"
#include "formats/oscal_plan.h"

#include <stdio.h>
#include <string.h>

/* Each test's arena, error and plan, made afresh by `fresh` and freed by `done`. */
static arena a;
static isms_err e;
static oscal_plan p;

static int fresh(void **state)
{
    (void)state;
    arena_init(&a);
    e = (isms_err){ 0 };
    return 0;
}

static int done(void **state)
{
    (void)state;
    arena_free(&a);
    return 0;
}

/* A system security plan whose implemented requirements are `reqs`. */
#define SSP(reqs)                                                                                 \
    "{\"system-security-plan\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","                    \
    "\"oscal-version\":\"1.2.1\"},\"control-implementation\":{\"implemented-requirements\":" reqs \
    "}}}"

static int read_plan(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/oscal/examples/%s", ISMS_SOURCE_DIR, name);
    oscal_doc doc;
    oscal_warnings w = { 0 };
    int rc = oscal_load(path, &doc, &w, &a, &e);
    if (!rc)
        rc = oscal_plan_read(&doc, &p, &e);
    if (!rc)
        oscal_doc_free(&doc);
    return rc;
}

static int read_text(const char *text)
{
    e = (isms_err){ 0 }; /* a first error is kept: each case starts afresh */
    oscal_doc doc;
    oscal_warnings w = { 0 };
    int rc = oscal_load_bytes(text, strlen(text), "plan.json", &doc, &w, &a, &e);
    if (rc)
        return rc;
    rc = oscal_plan_read(&doc, &p, &e);
    oscal_doc_free(&doc);
    return rc;
}

/* Reads the example `name` and checks its model and every count against `want`'s (0 for
 * what the model does not have). */
#define COUNTS(X)        \
    X(components)        \
    X(users)             \
    X(information_types) \
    X(inventory_items)   \
    X(implemented)       \
    X(statements)        \
    X(by_components)     \
    X(results) X(observations) X(risks) X(findings) X(poam_items) X(open_risks) X(not_satisfied)
static void expect_counts(const char *name, oscal_plan want)
{
    assert_int_equal(read_plan(name), 0);
    assert_int_equal(p.model, want.model);
#define CHECK(f)       \
    if (p.f != want.f) \
        fail_msg("%s: " #f " %d, expected %d", name, p.f, want.f);
    COUNTS(CHECK)
#undef CHECK
}

static void ssp_example_counts(void **state)
{
    (void)state;
    /* clang-format off */
    expect_counts("ssp-example.json", (oscal_plan){
        .model = OSCAL_SYSTEM_SECURITY_PLAN, .components = 6, .users = 5, .information_types = 1,
        .inventory_items = 1, .implemented = 1, .statements = 7, .by_components = 12 });
    /* clang-format on */
    assert_string_equal(p.oscal_version, "1.1.2");
    assert_string_equal(p.system_name, "Enterprise Logging and Auditing System");
    assert_string_equal(p.reqs[0].control_id, "au-1");
    assert_null(p.reqs[0].state); /* its by-components state no status */
    assert_int_equal(p.reqs[0].by_components, 12);
    assert_non_null(strstr(p.reqs[0].where, "/implemented-requirements/0"));
}

static void results_and_poam_counts(void **state)
{
    (void)state;
    /* clang-format off */
    expect_counts("ifa_assessment-results-example.json", (oscal_plan){
        .model = OSCAL_ASSESSMENT_RESULTS, .results = 1, .observations = 2, .risks = 1,
        .open_risks = 1, .findings = 1, .not_satisfied = 1, .poam_items = 0 });
    /* the other risk is deviation-approved */
    expect_counts("ifa_plan-of-action-and-milestones.json", (oscal_plan){
        .model = OSCAL_POAM, .poam_items = 2, .observations = 2, .risks = 2, .open_risks = 1,
        .findings = 0 });
    /* clang-format on */
}

static void states_folded(void **state)
{
    (void)state;
    const char *doc = SSP("["
                          "{\"control-id\":\"ac-1\",\"by-components\":["
                          "{\"implementation-status\":{\"state\":\"implemented\"}},"
                          "{\"implementation-status\":{\"state\":\"planned\"}}]},"
                          "{\"control-id\":\"ac-2\",\"statements\":[{\"by-components\":["
                          "{\"implementation-status\":{\"state\":\"planned\"}}]}]},"
                          "{\"control-id\":\"ac-3\",\"props\":[{\"name\":\"implementation-status\","
                          "\"value\":\"partial\"}],\"by-components\":["
                          "{\"implementation-status\":{\"state\":\"implemented\"}}]}]");
    assert_int_equal(read_text(doc), 0);
    assert_int_equal(p.implemented, 3);
    assert_string_equal(p.reqs[0].state, "partial"); /* some implemented */
    assert_string_equal(p.reqs[1].state, "planned"); /* through its statement */
    assert_string_equal(p.reqs[2].state, "partial"); /* its own prop comes first */
    assert_int_equal(p.statements, 1);
    assert_int_equal(p.by_components, 4);
}

static void bad_input_named(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        int rc;
        const char *where, *what; /* in the message */
    } cases[] = {
        { SSP("{}"), E_INVALID, "plan.json",
          "/system-security-plan/control-implementation/implemented-requirements" },
        { SSP("[{\"uuid\":\"x\"}]"), E_INVALID, "implemented-requirements/0", "control-id" },
        { "{\"assessment-results\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
          "\"oscal-version\":\"1.2.1\"},\"results\":[{\"findings\":\"none\"}]}}",
          E_INVALID, "findings", "findings" },
        { "{\"catalog\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\",\"oscal-version\":\"1.2.1\"}}"
          "}",
          E_USAGE, "", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc = read_text(cases[i].doc);
        if (rc != cases[i].rc || !strstr(e.msg, cases[i].where) || !strstr(e.msg, cases[i].what))
            fail_msg("case %zu: %d, expected %d naming %s and %s: %s", i, rc, cases[i].rc,
                     cases[i].where, cases[i].what, e.msg);
    }
}

TU_MAIN(NULL, NULL, cmocka_unit_test_setup_teardown(ssp_example_counts, fresh, done),
        cmocka_unit_test_setup_teardown(results_and_poam_counts, fresh, done),
        cmocka_unit_test_setup_teardown(states_folded, fresh, done),
        cmocka_unit_test_setup_teardown(bad_input_named, fresh, done))
