/* `isms migrate` copies a repository, ledger included, into another
 * backend and back: the copy verifies and exports the same JSON as the
 * original. The source is always a SQLite file; the target is the backend
 * under test, so the PostgreSQL run goes SQLite -> PostgreSQL -> SQLite. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *source;

static int setup(void **state)
{
    (void)state;
    source = tu_path("source.isms");
    free(tu_isms_ok(NULL, "demo", source));
    /* A retired record and a note: the copy must keep both. */
    char *out = tu_isms_ok(source, "control", "add", "--title", "Old tape backups", "--owner",
                           "PER-4", "--status", "operating");
    char key[32];
    assert_int_equal(sscanf(out, "added %31s", key), 1);
    free(out);
    free(tu_isms_ok(source, "control", "retire", key, "--note", "replaced"));
    return 0;
}

static char *export_of(const char *repo) { return tu_isms_ok(repo, "export", "-"); }

static void there_and_back_again(void **state)
{
    (void)state;
    const char *target = tu_repo("migrated.isms"), *back = tu_path("back.isms");
    char *out = tu_isms_ok(NULL, "migrate", "--from", source, "--to", target);
    assert_contains(out, "verifies");
    free(out);
    out = tu_isms_ok(target, "verify");
    assert_contains(out, "ok:");
    free(out);
    char *original = export_of(source), *copy = export_of(target);
    assert_true(strlen(original) > 10000);
    assert_contains(original, "\"replaced\"");
    assert_string_equal(original, copy);
    free(tu_isms_ok(NULL, "migrate", "--from", target, "--to", back));
    char *returned = export_of(back);
    assert_string_equal(original, returned);
    free(returned);
    /* The copy is a working repository: it takes new entries and verifies. */
    free(tu_isms_ok(target, "risk", "add", "--title", "After the move", "--owner", "PER-3",
                    "--likelihood", "2", "--impact", "2"));
    out = tu_isms_ok(target, "verify");
    assert_contains(out, "ok:");
    free(out);
    char *later = export_of(target);
    assert_string_not_equal(later, copy);
    free(later);
    free(original);
    free(copy);
}

static void an_occupied_target_is_refused(void **state)
{
    (void)state;
    const char *target = tu_repo("occupied.isms");
    free(tu_isms_ok(NULL, "init", target));
    char *before = export_of(target);
    free(tu_isms_err(NULL, 5, "already exists", "migrate", "--from", source, "--to", target));
    char *after = export_of(target);
    assert_string_equal(before, after); /* untouched */
    free(before);
    free(after);
}

static void a_tampered_source_is_not_copied(void **state)
{
    (void)state;
    const char *tampered = tu_path("tampered.isms"), *target = tu_repo("from-tampered.isms");
    free(tu_isms_ok(NULL, "migrate", "--from", source, "--to", tampered));
    tu_sql(tampered, "UPDATE risk SET impact = 1 WHERE key = 'RISK-1'");
    char *err = tu_isms_err(NULL, 10, "RISK-1", "migrate", "--from", tampered, "--to", target);
    assert_contains(err, "nothing was copied");
    free(err);
    assert_false(tu_repo_exists(target));
}

static void usage_and_missing_source(void **state)
{
    (void)state;
    const char *target = tu_repo("never.isms");
    free(tu_isms_err(NULL, 2, "--from", "migrate", "--to", target));
    free(tu_isms_err(NULL, 4, "absent.isms", "migrate", "--from", tu_path("absent.isms"), "--to",
                     target));
    assert_false(tu_repo_exists(target));
}

TU_MAIN(setup, NULL, cmocka_unit_test(there_and_back_again),
        cmocka_unit_test(an_occupied_target_is_refused),
        cmocka_unit_test(a_tampered_source_is_not_copied),
        cmocka_unit_test(usage_and_missing_source))
