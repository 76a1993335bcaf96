/* The reader of system security plans, assessment results and POA&Ms
 * (formats/oscal_plan.c) on NIST's examples in tests/fixtures/oscal/
 * examples: every count asserted; bad input refused naming the file and
 * the JSON pointer. */
#include "support/testutil.h"
#include "formats/oscal_plan.h"

#include <stdio.h>
#include <string.h>

static int read_plan(const char *name, oscal_plan *p, arena *a, isms_err *e)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/oscal/examples/%s", ISMS_SOURCE_DIR, name);
    oscal_doc doc;
    oscal_warnings w = { 0 };
    int rc = oscal_load(path, &doc, &w, a, e);
    if (!rc)
        rc = oscal_plan_read(&doc, p, e);
    if (!rc)
        oscal_doc_free(&doc);
    return rc;
}

static int read_text(const char *text, oscal_plan *p, arena *a, isms_err *e)
{
    *e = (isms_err){ 0 }; /* a first error is kept: each case starts afresh */
    oscal_doc doc;
    oscal_warnings w = { 0 };
    int rc = oscal_load_bytes(text, strlen(text), "plan.json", &doc, &w, a, e);
    if (rc)
        return rc;
    rc = oscal_plan_read(&doc, p, e);
    oscal_doc_free(&doc);
    return rc;
}

static void ssp_example_counts(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err e = { 0 };
    oscal_plan p;
    assert_int_equal(read_plan("ssp-example.json", &p, &a, &e), 0);
    assert_int_equal(p.model, OSCAL_SYSTEM_SECURITY_PLAN);
    assert_string_equal(p.oscal_version, "1.1.2");
    assert_string_equal(p.system_name, "Enterprise Logging and Auditing System");
    assert_int_equal(p.components, 6);
    assert_int_equal(p.users, 5);
    assert_int_equal(p.information_types, 1);
    assert_int_equal(p.inventory_items, 1);
    assert_int_equal(p.implemented, 1);
    assert_int_equal(p.statements, 7);
    assert_int_equal(p.by_components, 12);
    assert_string_equal(p.reqs[0].control_id, "au-1");
    assert_null(p.reqs[0].state); /* its by-components state no status */
    assert_int_equal(p.reqs[0].by_components, 12);
    assert_non_null(strstr(p.reqs[0].where, "/implemented-requirements/0"));
    arena_free(&a);
}

static void results_and_poam_counts(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err e = { 0 };
    oscal_plan p;
    assert_int_equal(read_plan("ifa_assessment-results-example.json", &p, &a, &e), 0);
    assert_int_equal(p.model, OSCAL_ASSESSMENT_RESULTS);
    assert_int_equal(p.results, 1);
    assert_int_equal(p.observations, 2);
    assert_int_equal(p.risks, 1);
    assert_int_equal(p.open_risks, 1);
    assert_int_equal(p.findings, 1);
    assert_int_equal(p.not_satisfied, 1);
    assert_int_equal(p.poam_items, 0);
    assert_int_equal(read_plan("ifa_plan-of-action-and-milestones.json", &p, &a, &e), 0);
    assert_int_equal(p.model, OSCAL_POAM);
    assert_int_equal(p.poam_items, 2);
    assert_int_equal(p.observations, 2);
    assert_int_equal(p.risks, 2);
    assert_int_equal(p.open_risks, 1); /* the other is deviation-approved */
    assert_int_equal(p.findings, 0);
    arena_free(&a);
}

static void states_folded(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err e = { 0 };
    oscal_plan p;
    const char *doc =
        "{\"system-security-plan\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
        "\"oscal-version\":\"1.2.1\"},\"control-implementation\":{\"implemented-requirements\":["
        "{\"control-id\":\"ac-1\",\"by-components\":["
        "{\"implementation-status\":{\"state\":\"implemented\"}},"
        "{\"implementation-status\":{\"state\":\"planned\"}}]},"
        "{\"control-id\":\"ac-2\",\"statements\":[{\"by-components\":["
        "{\"implementation-status\":{\"state\":\"planned\"}}]}]},"
        "{\"control-id\":\"ac-3\",\"props\":[{\"name\":\"implementation-status\","
        "\"value\":\"partial\"}],\"by-components\":["
        "{\"implementation-status\":{\"state\":\"implemented\"}}]}]}}}";
    assert_int_equal(read_text(doc, &p, &a, &e), 0);
    assert_int_equal(p.implemented, 3);
    assert_string_equal(p.reqs[0].state, "partial"); /* some implemented */
    assert_string_equal(p.reqs[1].state, "planned"); /* through its statement */
    assert_string_equal(p.reqs[2].state, "partial"); /* its own prop comes first */
    assert_int_equal(p.statements, 1);
    assert_int_equal(p.by_components, 4);
    arena_free(&a);
}

static void bad_input_named(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    isms_err e = { 0 };
    oscal_plan p;
    const char *not_array =
        "{\"system-security-plan\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
        "\"oscal-version\":\"1.2.1\"},\"control-implementation\":{\"implemented-requirements\":"
        "{}}}}";
    assert_int_equal(read_text(not_array, &p, &a, &e), E_INVALID);
    assert_non_null(strstr(e.msg, "plan.json"));
    assert_non_null(
        strstr(e.msg, "/system-security-plan/control-implementation/implemented-requirements"));
    const char *no_id =
        "{\"system-security-plan\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
        "\"oscal-version\":\"1.2.1\"},\"control-implementation\":{\"implemented-requirements\":"
        "[{\"uuid\":\"x\"}]}}}";
    assert_int_equal(read_text(no_id, &p, &a, &e), E_INVALID);
    assert_non_null(strstr(e.msg, "implemented-requirements/0"));
    assert_non_null(strstr(e.msg, "control-id"));
    const char *findings = "{\"assessment-results\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
                           "\"oscal-version\":\"1.2.1\"},\"results\":[{\"findings\":\"none\"}]}}";
    assert_int_equal(read_text(findings, &p, &a, &e), E_INVALID);
    assert_non_null(strstr(e.msg, "findings"));
    const char *catalog =
        "{\"catalog\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\",\"oscal-version\":\"1.2.1\"}}}";
    assert_int_equal(read_text(catalog, &p, &a, &e), E_USAGE);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ssp_example_counts),
        cmocka_unit_test(results_and_poam_counts),
        cmocka_unit_test(states_folded),
        cmocka_unit_test(bad_input_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
