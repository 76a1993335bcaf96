/* export -> import -> export gives identical JSON, the rebuilt repository
 * verifies, and an import that cannot be trusted leaves nothing behind. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void round_trip_is_identical(void **state)
{
    const char *demo = *state;
    const char *a = tu_path("a.json"), *b = tu_path("b.json"), *copy = tu_repo("copy.isms");
    free(tu_isms_ok(demo, "export", a));
    free(tu_isms_ok(NULL, "import", a, copy));
    free(tu_isms_ok(copy, "verify"));
    free(tu_isms_ok(copy, "export", b));
    char *x = tu_read_file(a, NULL), *y = tu_read_file(b, NULL);
    assert_non_null(x);
    assert_non_null(y);
    assert_true(strlen(x) > 10000);
    assert_string_equal(x, y);
    assert_contains(x, "\"ledger\"");
    assert_contains(x, "Nordhafen Bank AG");
    free(x);
    free(y);
    /* The copy is a working repository, not a museum piece. */
    free(tu_isms_ok(copy, "risk", "add", "--title", "After import", "--owner", "PER-3",
                    "--likelihood", "2", "--impact", "2"));
    char *out = tu_isms_ok(copy, "verify");
    assert_contains(out, "ok:");
    free(out);
}

static void import_refuses_to_overwrite(void **state)
{
    const char *demo = *state;
    const char *a = tu_path("a.json");
    free(tu_isms_err(NULL, 5, "already exists", "import", a, demo));
    free(tu_isms_ok(demo, "verify"));
}

static void tampered_export_is_refused(void **state)
{
    (void)state;
    char *x = tu_read_file(tu_path("a.json"), NULL);
    char *at = strstr(x, "Ransomware halts payments");
    assert_non_null(at);
    memcpy(at, "Ransomware halts nothing!", 25);
    const char *bad = tu_path("tampered.json"), *target = tu_repo("tampered.isms");
    assert_int_equal(tu_write_file(bad, x), 0);
    free(x);
    tu_result r;
    tu_isms(&r, NULL, NULL, "import", bad, target, (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.err, "RISK-1");
    assert_false(tu_repo_exists(target)); /* nothing left behind */
    tu_result_free(&r);
}

/* The export with the value of member `name` of the first record after
 * `after` replaced by `json` (the document is indented: one member a line). */
static char *set_member(const char *doc, const char *after, const char *name, const char *json)
{
    char member[64];
    snprintf(member, sizeof member, "\"%s\": ", name);
    const char *at = strstr(strstr(doc, after), member);
    assert_non_null(at);
    at += strlen(member);
    const char *end = strchr(at, '\n');
    if (end[-1] == ',')
        end--;
    size_t head = (size_t)(at - doc);
    char *out = malloc(strlen(doc) + strlen(json) + 1);
    memcpy(out, doc, head);
    strcpy(out + head, json);
    strcat(out, end);
    return out;
}

/* The values of an export pass the checks typed input passes, whatever
 * the ledger says: the import names the record and the field. */
typedef struct bad_value {
    const char *name, *json, *message; /* the field, its value in the export, the refusal */
} bad_value;

static void invalid_values_are_refused(void **state)
{
    (void)state;
    static const bad_value edits[] = {
        { "likelihood", "9", "likelihood: 9 is out of range" },
        { "title", "\"   \"", "title: \"   \" is blank" },
        { "treatment", "\"ignore\"", "treatment: \"ignore\"" },
        { "review_date", "\"2027-02-30\"", "review_date: \"2027-02-30\"" },
        { "owner", "null", "owner is required" },
        { "lef", "\"pert(6,2,1)\"", "lef" },
    };
    char *x = tu_read_file(tu_path("a.json"), NULL);
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char *bad = set_member(x, "\"key\": \"RISK-1\"", edits[i].name, edits[i].json);
        const char *path = tu_path("invalid.json"), *target = tu_repo("invalid.isms");
        assert_int_equal(tu_write_file(path, bad), 0);
        free(bad);
        tu_result r;
        tu_isms(&r, NULL, NULL, "import", path, target, (const char *)NULL);
        if (r.status != 3)
            fail_msg("edit %zu: exit %d, stderr %s", i, r.status, r.err);
        assert_contains(r.err, "/registers/risks/0");
        assert_contains(r.err, edits[i].message);
        assert_false(tu_repo_exists(target));
        tu_result_free(&r);
    }
    free(x);
}

static void malformed_files_are_refused(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"format\": \"isms-export\", \"format_version\": 1, ", /* truncated */
        "[1, 2, 3]",                                             /* not an export */
        "{\"format\": \"something-else\"}",
        "{\"format\": \"isms-export\", \"format\": \"isms-export\"}", /* duplicate key */
        "{\"format\": \"isms-export\", \"format_version\": 1, \"schema_version\": 999}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        const char *path = tu_path("bad.json"), *target = tu_repo("bad.isms");
        assert_int_equal(tu_write_file(path, docs[i]), 0);
        tu_result r;
        tu_isms(&r, NULL, NULL, "import", path, target, (const char *)NULL);
        if (r.status != 3)
            fail_msg("document %zu: exit %d, stderr %s", i, r.status, r.err);
        assert_false(tu_repo_exists(target));
        tu_result_free(&r);
    }
}

static void demo_summary_reads_well(void **state)
{
    const char *demo = *state;
    free(tu_isms_ok(demo, "verify")); /* the summary shows what it recorded */
    char *out = tu_isms_ok(demo, "summary");
    assert_contains(out, "Nordhafen Bank AG");
    assert_contains(out, "heat map");
    assert_contains(out, "Top risks");
    assert_contains(out, "Ledger verified ok");
    assert_contains(out, " ago (");
    free(out);
    out = tu_isms_ok(demo, "summary", "--json");
    assert_contains(out, "\"verified\": true");
    free(out);
}

TU_MAIN(tu_setup_demo, NULL, cmocka_unit_test(round_trip_is_identical),
        cmocka_unit_test(import_refuses_to_overwrite), cmocka_unit_test(tampered_export_is_refused),
        cmocka_unit_test(invalid_values_are_refused), cmocka_unit_test(malformed_files_are_refused),
        cmocka_unit_test(demo_summary_reads_well))
