/* `isms oscal import` on the real files: each creates a framework with a
 * requirement per group and control (counts asserted through `requirement
 * list`), a second import updates the same framework, profiles import as
 * their resolved catalog, a mapping collection becomes mappings; bad
 * input is refused naming the file and the place, and writes nothing. */
#include "support/testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX ISMS_SOURCE_DIR "/tests/fixtures/oscal/"

static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_cli_repo("init", "oscal.isms", TU_NOW);
    return 0;
}

static json_t *import(const char *file, const char *framework)
{
    return tu_json_take(
        tu_isms_ok(repo, "oscal", "import", file, "--framework", framework, "--json"));
}

static size_t count(const char *framework, const char *extra)
{
    json_t *l = tu_json_take(
        extra ? tu_isms_ok(repo, "requirement", "list", "--framework", framework, extra, "yes",
                           "--json")
              : tu_isms_ok(repo, "requirement", "list", "--framework", framework, "--json"));
    size_t n = json_array_size(l);
    json_decref(l);
    return n;
}

static void assert_import(const char *file, const char *name, int items, int withdrawn)
{
    json_t *r = import(file, name);
    assert_true(json_is_true(json_object_get(r, "created")));
    assert_int_equal(json_integer_value(json_object_get(r, "added")), items);
    json_decref(r);
    assert_int_equal(count(name, NULL), items);
    assert_int_equal(count(name, "--withdrawn"), withdrawn);
}

static void real_files_import(void **state)
{
    (void)state;
    assert_import(FIX "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json",
                  "moderate", 18 + 287, 0);
    assert_import(FIX "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json", "low",
                  18 + 149, 0);
    assert_import(FIX "NIST_SP-800-53_rev5_catalog-min.json", "legacy", 20 + 1189, 182);
    assert_import(FIX "NIST_CSF_v2.0_catalog.converted.json", "csf-oscal", 6 + 219, 91);
    assert_import(FIX "BSI-Methodik-Grundschutz++-catalog.json", "bsi", 41 + 95, 0);
    json_t *q = tu_json_take(tu_isms_ok(repo, "requirement", "show", "moderate:ac-2.1", "--json"));
    assert_string_equal(json_string_value(json_object_get(q, "parent")), "ac-2");
    assert_non_null(strstr(json_string_value(json_object_get(q, "oscal")), "ac-02.01_odp"));
    json_decref(q);
    /* the same document again updates its framework */
    json_t *r = import(FIX "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json", "low");
    assert_true(json_is_false(json_object_get(r, "created")));
    assert_int_equal(json_integer_value(json_object_get(r, "added")), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "unchanged")), 167);
    json_decref(r);
    free(tu_isms_ok(repo, "verify", "--full"));
}

static void profile_imports_resolved(void **state)
{
    (void)state;
    json_t *r = tu_json_take(tu_isms_ok(repo, "oscal", "import",
                                        (FIX "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"),
                                        "--catalog", (FIX "NIST_SP-800-53_rev5_catalog-min.json"),
                                        "--framework", "moderate-501", "--json"));
    assert_int_equal(json_integer_value(json_object_get(r, "added")), 18 + 287);
    json_decref(r);
    assert_int_equal(count("moderate-501", NULL), 305);
}

/* A profile imported for a framework that exists (and that it did not
 * make) is that framework's applicability selection: a draft SoA whose
 * requirements apply when the profile selects them, the rest excluded,
 * each justified by the profile; no new framework. */
static void profile_for_existing_framework_is_its_soa(void **state)
{
    (void)state;
    json_t *fws = tu_json_take(tu_isms_ok(repo, "framework", "list", "--json"));
    size_t before = json_array_size(fws);
    json_decref(fws);
    json_t *r = tu_json_take(tu_isms_ok(repo, "oscal", "import",
                                        (FIX "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"),
                                        "--catalog", (FIX "NIST_SP-800-53_rev5_catalog-min.json"),
                                        "--framework", "sp800-53r5", "--json"));
    assert_string_equal(json_string_value(json_object_get(r, "model")), "profile");
    const char *soa = json_string_value(json_object_get(r, "soa"));
    assert_non_null(soa);
    assert_int_equal(json_integer_value(json_object_get(r, "applicable")), 287);
    assert_int_equal(json_integer_value(json_object_get(r, "unmatched")), 0);
    int excluded = (int)json_integer_value(json_object_get(r, "excluded"));
    assert_true(excluded > 600);
    json_t *doc = tu_json_take(tu_isms_ok(repo, "soa", "export", soa, "--format", "json"));
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "draft");
    assert_int_equal(json_integer_value(json_object_get(doc, "applicable")), 287);
    assert_int_equal(json_integer_value(json_object_get(doc, "excluded")), excluded);
    int seen = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(doc, "requirements"), i, row)
    {
        const char *ref = json_string_value(json_object_get(row, "requirement"));
        const char *why = json_string_value(json_object_get(row, "justification"));
        int applies = json_is_true(json_object_get(row, "applicable"));
        if (!strcmp(ref, "sp800-53r5:AC-2(1)") || !strcmp(ref, "sp800-53r5:AC-2(11)")) {
            /* AC-2(1) is in the MODERATE baseline, AC-2(11) only in HIGH */
            assert_int_equal(applies, !strcmp(ref, "sp800-53r5:AC-2(1)"));
            assert_non_null(
                strstr(why, applies ? "Selected by the profile" : "Not selected by the profile"));
            assert_non_null(strstr(why, "MODERATE IMPACT BASELINE"));
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    json_decref(doc);
    json_decref(r);
    fws = tu_json_take(tu_isms_ok(repo, "framework", "list", "--json"));
    assert_int_equal(json_array_size(fws), before);
    json_decref(fws);
    /* the framework the profile made itself is updated, as before */
    r = tu_json_take(tu_isms_ok(repo, "oscal", "import",
                                (FIX "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"),
                                "--catalog", (FIX "NIST_SP-800-53_rev5_catalog-min.json"),
                                "--framework", "moderate-501", "--json"));
    assert_null(json_object_get(r, "soa"));
    assert_int_equal(json_integer_value(json_object_get(r, "unchanged")), 305);
    json_decref(r);
}

/* NIST CSF 2.0 current and target profiles with tiers: the gap per
 * subcategory between what the current profile states and what the
 * target asks, and the tiers. */
static void csf_current_and_target_gap(void **state)
{
    (void)state;
    tu_result res;
    tu_isms(&res, repo, NULL, "soa", "gap", "--framework", "csf-2.0", (const char *)NULL);
    assert_int_equal(res.status, 4);
    assert_contains(res.err, "csf-2.0 has no current profile");
    tu_result_free(&res);
    free(tu_isms_ok(repo, "soa", "generate", "--framework", "csf-2.0", "--profile", "current",
                    "--tier", "2", "--level", "subcategory"));
    json_t *t =
        tu_json_take(tu_isms_ok(repo, "soa", "generate", "--framework", "csf-2.0", "--profile",
                                "target", "--tier", "3", "--level", "subcategory", "--json"));
    const char *target = json_string_value(json_object_get(t, "key"));
    assert_non_null(target);
    json_t *doc = tu_json_take(tu_isms_ok(repo, "soa", "export", target, "--format", "json"));
    json_t *rows = json_object_get(doc, "requirements");
    assert_int_equal(json_array_size(rows), 106);
    /* the target asks GV.OC-01 implemented and excludes GV.OC-02 */
    const char *apl1 = NULL, *apl2 = NULL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *ref = json_string_value(json_object_get(row, "requirement"));
        if (!strcmp(ref, "csf-2.0:GV.OC-01"))
            apl1 = json_string_value(json_object_get(row, "key"));
        if (!strcmp(ref, "csf-2.0:GV.OC-02"))
            apl2 = json_string_value(json_object_get(row, "key"));
    }
    assert_non_null(apl1);
    assert_non_null(apl2);
    free(tu_isms_ok(repo, "applicability", "update", apl1, "--implementation", "implemented"));
    free(tu_isms_ok(repo, "applicability", "update", apl2, "--implementation", "implemented",
                    "--applicable", "no", "--justification", "out of the target's scope"));
    json_t *g = tu_json_take(tu_isms_ok(repo, "soa", "gap", "--framework", "csf-2.0", "--json"));
    assert_string_equal(json_string_value(json_object_get(g, "framework")), "csf-2.0");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(g, "current"), "tier")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(g, "target"), "tier")), 3);
    assert_string_equal(json_string_value(json_object_get(json_object_get(g, "target"), "soa")),
                        target);
    assert_int_equal(json_integer_value(json_object_get(g, "gaps")), 1);
    int gaps = 0;
    json_array_foreach(json_object_get(g, "requirements"), i, row)
    {
        const char *ref = json_string_value(json_object_get(row, "requirement"));
        int gap = json_is_true(json_object_get(row, "gap"));
        gaps += gap;
        if (!strcmp(ref, "csf-2.0:GV.OC-01")) {
            assert_true(gap);
            assert_string_equal(json_string_value(json_object_get(row, "current")), "planned");
            assert_string_equal(json_string_value(json_object_get(row, "target")), "implemented");
        }
        if (!strcmp(ref, "csf-2.0:GV.OC-02")) { /* excluded from the target: no gap */
            assert_false(gap);
            assert_true(json_is_null(json_object_get(row, "target")));
        }
    }
    assert_int_equal(gaps, 1);
    json_decref(g);
    char *text = tu_isms_ok(repo, "soa", "gap", "--framework", "csf-2.0");
    assert_contains(text, "1 of 106 requirements short of the target");
    assert_contains(text, "GV.OC-01");
    assert_contains(text, "the tier falls short");
    free(text);
    json_decref(doc);
    json_decref(t);
}

static void mapping_collection_imports(void **state)
{
    (void)state;
    /* the real collection names 5.1.1 controls the 5.0.1 catalog lacks */
    free(tu_isms_err(repo, 4,
                     "/mapping-collection/mappings/0/maps/23: target: there is no "
                     "requirement sp800-53r5:sa-24",
                     "oscal", "import", (FIX "mapping-collection.json"), "--from", "csf-2.0",
                     "--to", "sp800-53r5"));
    json_t *l = tu_json_take(tu_isms_ok(repo, "mapping", "list", "--json"));
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    const char *path = tu_path("pairs.json");
    assert_int_equal(
        tu_write_file(path,
                      "{\"mapping-collection\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
                      "\"oscal-version\":\"1.2.1\"},\"mappings\":[{\"maps\":[{\"relationship\":"
                      "\"superset-of\",\"sources\":[{\"type\":\"control\",\"id-ref\":"
                      "\"de.ae-02\"}],\"targets\":[{\"type\":\"control\",\"id-ref\":\"au-6\"},"
                      "{\"type\":\"control\",\"id-ref\":\"si-4\"}]}]}]}}"),
        0);
    json_t *r = tu_json_take(tu_isms_ok(repo, "oscal", "import", path, "--from", "csf-oscal",
                                        "--to", "legacy", "--json"));
    assert_int_equal(json_integer_value(json_object_get(r, "added")), 2);
    json_decref(r);
    l = tu_json_take(tu_isms_ok(repo, "mapping", "list", "--json"));
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);
}

/* Refused, naming the file and the place; nothing written. */
static void refused(const char *name, const char *text, const char *const *extra, const char *want)
{
    const char *path = tu_path(name);
    assert_int_equal(tu_write_file(path, text), 0);
    char *before = tu_isms_ok(repo, "log", "--limit", "1");
    const char *argv[12] = { "oscal", "import", path };
    int n = 3;
    for (int i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    tu_result res;
    tu_isms_argv(&res, repo, NULL, argv);
    assert_int_not_equal(res.status, 0);
    assert_contains(res.err, name);
    assert_contains(res.err, want);
    tu_result_free(&res);
    char *after = tu_isms_ok(repo, "log", "--limit", "1");
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    refused("truncated.json", "{\"catalog\": {\"uuid\": \"x\", \"metadata\": {", NULL, "not JSON");
    refused("text.json", "hello", NULL, "not JSON");
    refused("other.json", "{\"risks\": []}", NULL, "not OSCAL");
    refused(
        "version.json",
        "{\"catalog\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\",\"oscal-version\":\"9.0.0\"}}}",
        NULL, "/catalog/metadata/oscal-version");
    refused(
        "missing.json",
        "{\"profile\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\",\"oscal-version\":\"1.1.2\"},"
        "\"imports\":[{\"href\":\"nowhere.json\",\"include-all\":{}}]}}",
        NULL, "/profile/imports/0");
    refused(
        "self.json",
        "{\"profile\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\",\"oscal-version\":\"1.1.2\"},"
        "\"imports\":[{\"href\":\"self.json\",\"include-all\":{}}]}}",
        NULL, "circular import");
    static const char *const fromto[] = { "--from", "csf-oscal", "--to", "legacy", NULL };
    const char *map_head =
        "{\"mapping-collection\":{\"uuid\":\"u\",\"metadata\":{\"title\":\"t\","
        "\"oscal-version\":\"1.2.1\"},\"mappings\":[{\"maps\":[{\"relationship\":";
    char text[1024];
    snprintf(text, sizeof text,
             "%s\"equal-to\",\"sources\":[{\"type\":\"control\",\"id-ref\":\"gv.oc-01\"}],"
             "\"targets\":[{\"type\":\"control\",\"id-ref\":\"zz-99\"}]}]}]}}",
             map_head);
    refused("nomatch.json", text, fromto, "/mapping-collection/mappings/0/maps/0");
    snprintf(text, sizeof text,
             "%s\"resembles\",\"sources\":[{\"type\":\"control\",\"id-ref\":\"gv.oc-01\"}],"
             "\"targets\":[{\"type\":\"control\",\"id-ref\":\"ac-2\"}]}]}]}}",
             map_head);
    refused("relation.json", text, fromto, "resembles");
}

/* The licence basis of data/frameworks/README.md: of ISO/IEC's and
 * AICPA's standards only ids and short titles, no statement, and no parts
 * in their OSCAL export. */
static void copyrighted_frameworks_hold_ids_and_titles_only(void **state)
{
    (void)state;
    static const char *const owned[] = { "iso27001-2022", "iso42001-2023", "soc2-tsc" };
    static const int rows[] = { 138, 88, 81 };
    for (size_t f = 0; f < sizeof owned / sizeof *owned; f++) {
        json_t *l = tu_json_take(
            tu_isms_ok(repo, "requirement", "list", "--framework", owned[f], "--json"));
        assert_int_equal(json_array_size(l), rows[f]);
        size_t i;
        json_t *r;
        json_array_foreach(l, i, r)
        {
            const char *st = json_string_value(json_object_get(r, "statement"));
            if (st && *st)
                fail_msg("%s %s holds a statement", owned[f],
                         json_string_value(json_object_get(r, "code")));
            assert_true(strlen(json_string_value(json_object_get(r, "title"))) <= 100);
        }
        json_decref(l);
        char *cat = tu_isms_ok(repo, "oscal", "export", "catalog", "--framework", owned[f], "-");
        assert_null(strstr(cat, "\"parts\""));
        assert_null(strstr(cat, "\"prose\""));
        free(cat);
    }
}

/* Each component a control, each implemented requirement a mapping of it;
 * SP 800-53's OSCAL ids (sc-8.1) find the built-in catalogue's SC-8(1). */
static void component_definition_imports(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "person", "add", "--name", "Ada Admin", "--email", "ada@example.org"));
    char *out = tu_isms_ok(repo, "oscal", "import", (FIX "example-component-definition.json"),
                           "--framework", "sp800-53r5", "--owner", "PER-1");
    assert_contains(out, "3 mappings, 1 controls");
    free(out);
    json_t *c = tu_json_take(tu_isms_ok(repo, "control", "list", "--json"));
    assert_int_equal(json_array_size(c), 1);
    assert_string_equal(tu_json_at(c, 0, "title"), "MongoDB");
    json_decref(c);
    char *cov = tu_isms_ok(repo, "requirement", "show", "sp800-53r5:SC-8(1)");
    assert_contains(cov, "MAP-");
    free(cov);
    free(tu_isms_err(repo, 2, "--owner", "oscal", "import",
                     (FIX "example-component-definition.json"), "--framework", "sp800-53r5"));
}

TU_MAIN(setup, NULL, cmocka_unit_test(real_files_import),
        cmocka_unit_test(profile_imports_resolved),
        cmocka_unit_test(profile_for_existing_framework_is_its_soa),
        cmocka_unit_test(csf_current_and_target_gap), cmocka_unit_test(mapping_collection_imports),
        cmocka_unit_test(bad_input_is_refused), cmocka_unit_test(component_definition_imports),
        cmocka_unit_test(copyrighted_frameworks_hold_ids_and_titles_only))
