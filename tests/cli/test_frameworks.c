/* Frameworks on the command line, on the demo bank: requirements by
 * FRAMEWORK:ID and by baseline, `map add` refusals naming the option and
 * the value, suggestions, coverage as JSON, the approved SoA and its
 * exports, the dashboard's coverage per framework, and drift. */
#include "support/testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void requirements_by_reference_and_baseline(void **state)
{
    const char *repo = *state;
    json_t *r =
        tu_json_take(tu_isms_ok(repo, "requirement", "show", "iso27001-2022:a.8.13", "--json"));
    assert_string_equal(json_string_value(json_object_get(r, "code")), "A.8.13");
    assert_string_equal(json_string_value(json_object_get(r, "title")), "Information backup");
    json_decref(r);
    json_t *l = tu_json_take(tu_isms_ok(repo, "requirement", "list", "--framework", "sp800-53r5",
                                        "--baseline", "moderate", "--json"));
    assert_int_equal(json_array_size(l), 287);
    json_decref(l);
    char *out = tu_isms_ok(repo, "framework", "list");
    assert_contains(out, "iso27001-2022");
    assert_contains(out, "(10 frameworks)");
    free(out);
}

static void map_add_refuses_naming_the_option_and_the_value(void **state)
{
    const char *repo = *state;
    char *err = tu_isms_err(repo, 3, "relationship: \"overlaps\"", "map", "add", "CTL-5", "--to",
                            "iso27001-2022:A.8.15", "--relationship", "overlaps");
    assert_contains(err, "intersects-with");
    free(err);
    err = tu_isms_err(repo, 3, "there is no requirement iso27001-2022:A.9.4", "map", "add", "CTL-5",
                      "--to", "iso27001-2022:A.9.4", "--relationship", "equal-to");
    assert_contains(err, "--to");
    free(err);
    json_t *l = tu_json_take(tu_isms_ok(repo, "mapping", "list", "--control", "CTL-5", "--json"));
    assert_int_equal(json_array_size(l), 2); /* the demo's two, nothing more */
    json_decref(l);
    char *added =
        tu_isms_ok(repo, "map", "add", "CTL-5", "--to", "iso27001-2022:A.8.15", "--relationship",
                   "subset-of", "--strength", "6", "--rationale", "Logs of database access only");
    /* a mapping has no name: it is called by what it maps */
    assert_contains(added, "  CTL-5 ");
    assert_contains(added, " onto iso27001-2022:A.8.15 Logging (subset-of)\n");
    free(added);
    /* the conflict names the requirement as it was typed, and its key */
    free(tu_isms_err(repo, 5, "CTL-5 is already mapped onto iso27001-2022:A.8.15 (REQ-", "map",
                     "add", "CTL-5", "--to", "iso27001-2022:A.8.15", "--relationship", "equal-to"));
}

/* Tables and show name a requirement as FRAMEWORK:ID and a framework by
 * its name beside their keys (REQ-117 says nothing to an auditor); JSON
 * keeps the keys. */
static void requirements_are_named_as_people_type_them(void **state)
{
    const char *repo = *state;
    json_t *r =
        tu_json_take(tu_isms_ok(repo, "requirement", "show", "iso27001-2022:A.8.13", "--json"));
    const char *req = json_string_value(json_object_get(r, "key"));
    const char *fw = json_string_value(json_object_get(r, "framework"));
    char want[128];
    char *out = tu_isms_ok(repo, "mapping", "list", "--to", req);
    snprintf(want, sizeof want, "%s iso27001-2022:A.8.13 ", req);
    assert_contains(out, want);
    free(out);
    out = tu_isms_ok(repo, "requirement", "list", "--framework", "iso27001-2022");
    snprintf(want, sizeof want, "%s iso27001-2022 ", fw);
    assert_contains(out, want);
    free(out);
    out = tu_isms_ok(repo, "requirement", "show", req);
    snprintf(want, sizeof want, "%s  iso27001-2022:A.8.13 Information backup\n", req);
    assert_true(!strncmp(out, want, strlen(want))); /* its heading */
    free(out);
    json_t *l = tu_json_take(tu_isms_ok(repo, "mapping", "list", "--to", req, "--json"));
    assert_true(json_array_size(l) > 0);
    json_t *m = json_array_get(l, 0);
    assert_string_equal(json_string_value(json_object_get(m, "target")), req);
    out = tu_isms_ok(repo, "mapping", "show", json_string_value(json_object_get(m, "key")));
    snprintf(want, sizeof want, "%s  iso27001-2022:A.8.13 Information backup", req);
    assert_contains(out, want);
    free(out);
    out = tu_isms_ok(repo, "applicability", "list", "--requirement", req);
    snprintf(want, sizeof want, "%s iso27001-2022:A.8.13 ", req);
    assert_contains(out, want);
    free(out);
    /* an applicability is named by its requirement (or statement) and state */
    json_t *apl =
        tu_json_take(tu_isms_ok(repo, "applicability", "list", "--requirement", req, "--json"));
    const char *akey = json_string_value(json_object_get(json_array_get(apl, 0), "key"));
    const char *soa = json_string_value(json_object_get(json_array_get(apl, 0), "soa"));
    out = tu_isms_ok(repo, "applicability", "show", akey);
    snprintf(want, sizeof want, "%s  iso27001-2022:A.8.13 (applicable, ", akey);
    assert_contains(out, want);
    snprintf(want, sizeof want, ") Information backup, in %s\n", soa);
    assert_contains(out, want);
    free(out);
    out = tu_isms_ok(repo, "requirement", "show", req);
    snprintf(want, sizeof want, "%s  %s (applicable, ", akey, soa);
    assert_contains(out, want);
    free(out);
    json_decref(apl);
    json_decref(l);
    json_decref(r);
}

static void suggest_shows_the_path(void **state)
{
    const char *repo = *state;
    char *out = tu_isms_ok(repo, "map", "suggest", "CTL-1");
    assert_contains(out, "sp800-53r5:CP-9");
    assert_contains(out, "iso27001-2022:A.8.13 -> sp800-53r5:CP-9 (intersects-with)");
    assert_not_contains(out, "\ncsf-2.0:PR.DS-11 "); /* mapped already: not suggested */
    free(out);
}

static void coverage_soa_and_dashboard(void **state)
{
    const char *repo = *state;
    json_t *c =
        tu_json_take(tu_isms_ok(repo, "coverage", "--framework", "iso27001-2022", "--json"));
    json_t *total = json_object_get(c, "total");
    assert_string_equal(json_string_value(json_object_get(c, "soa")), "SOA-1");
    assert_int_equal(json_integer_value(json_object_get(total, "excluded")), 2);
    int64_t n = json_integer_value(json_object_get(total, "covered")) +
                json_integer_value(json_object_get(total, "partial")) +
                json_integer_value(json_object_get(total, "gap")) +
                json_integer_value(json_object_get(total, "excluded"));
    assert_int_equal(n, 123);
    json_decref(c);
    char *csv = tu_isms_ok(repo, "soa", "export", "SOA-1", "--format", "csv");
    assert_contains(csv,
                    "requirement,title,applicable,justification,implementation,controls,risks\n");
    assert_contains(csv, "iso27001-2022:A.8.30,Outsourced development,no,");
    free(csv);
    char *html = tu_isms_ok(repo, "soa", "export", "SOA-1", "--format", "html");
    assert_contains(html, "<td>iso27001-2022:A.8.13</td>");
    assert_not_contains(html, "<script");
    free(html);
    json_t *s = tu_json_take(tu_isms_ok(repo, "soa", "export", "SOA-1", "--json"));
    assert_string_equal(json_string_value(json_object_get(s, "status")), "approved");
    assert_int_equal(json_integer_value(json_object_get(s, "excluded")), 2);
    assert_int_equal(json_integer_value(json_object_get(s, "applicable")), 91); /* Annex A */
    json_decref(s);
    /* An exclusion without a justification is refused, and a frozen SoA too. */
    free(tu_isms_ok(repo, "soa", "generate", "--framework", "iso27001-2022"));
    free(tu_isms_err(repo, 3, "justification", "soa", "exclude", "SOA-2", "iso27001-2022:A.5.7"));
    free(tu_isms_err(repo, 5, "", "soa", "exclude", "SOA-1", "iso27001-2022:A.5.7",
                     "--justification", "x"));
    char *sum = tu_isms_ok(repo, "summary");
    assert_contains(sum, "Frameworks (covered by implemented or operating controls");
    assert_contains(sum, "iso27001-2022");
    assert_contains(sum, "SoA SOA-1");
    free(sum);
    /* The approved SoA predates the mapping of CTL-5 onto A.8.15 above:
     * it states the requirement planned while its control is implemented. */
    char *drift = tu_isms_ok(repo, "drift");
    assert_contains(drift, "iso27001-2022:A.8.15 planned, but CTL-5 is implemented");
    free(drift);
}

int main(void)
{
    setenv("ISMS_NOW", TU_NOW, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requirements_by_reference_and_baseline),
        cmocka_unit_test(map_add_refuses_naming_the_option_and_the_value),
        cmocka_unit_test(requirements_are_named_as_people_type_them),
        cmocka_unit_test(suggest_shows_the_path),
        cmocka_unit_test(coverage_soa_and_dashboard),
    };
    return cmocka_run_group_tests(tests, tu_setup_demo, NULL);
}
