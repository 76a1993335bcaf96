/* The database's own checks in `isms verify` (SQLite: quick_check and
 * foreign_key_check, run in a thread beside verify's own checks): a row
 * pointing nowhere and a damaged index page are reported, a clean file
 * passes. SQLite only: PostgreSQL enforces its foreign keys itself, and
 * its files are not isms's to damage. */
#include "support/testutil.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *make_repository(const char *name)
{
    const char *repo = tu_repo(name);
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "management-body"));
    for (int i = 0; i < 40; i++)
        free(tu_isms_ok(repo, "asset", "add", "--name", "Server", "--type", "system", "--owner",
                        "PER-1"));
    char *ok = tu_isms_ok(repo, "verify");
    assert_contains(ok, "ok:");
    free(ok);
    return repo;
}

static void dangling_row_is_reported(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    const char *repo = make_repository("dangling.isms");
    /* The sqlite3 shell does not enforce foreign keys unless told to. */
    tu_sql(repo, "INSERT INTO asset_dependency (asset, depends_on) VALUES (1, 999)");
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", "--store", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.out, "integrity check failed");
    assert_contains(r.out, "refers to a missing row of asset");
    tu_result_free(&r);
}

static void damaged_index_is_reported(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    const char *repo = make_repository("damaged.isms");
    char *page =
        tu_sql_value(repo, "SELECT rootpage FROM sqlite_schema WHERE name = 'ledger_by_key'");
    char *size = tu_sql_value(repo, "PRAGMA page_size");
    free(tu_isms_ok(repo, "verify")); /* folds the WAL into the file */
    tu_sql(repo, "PRAGMA wal_checkpoint(TRUNCATE)");
    int fd = open(repo, O_WRONLY);
    assert_true(fd >= 0);
    char junk[64];
    memset(junk, 0x5a, sizeof junk);
    /* The page header and its first cells: a b-tree page no more. */
    off_t at = (off_t)(atol(page) - 1) * atol(size);
    assert_int_equal(pwrite(fd, junk, sizeof junk, at), (ssize_t)sizeof junk);
    close(fd);
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", "--store", (const char *)NULL);
    assert_int_not_equal(r.status, 0);
    if (!strstr(r.out, "integrity check failed") && !strstr(r.err, "damaged"))
        fail_msg("verify did not report the damaged page:\n%s%s", r.out, r.err);
    tu_result_free(&r);
    free(page);
    free(size);
}

/* The structural checks run with --store only; without, verify says they
 * were not run and when they last ran, and what they found. */
static void structural_checks_run_when_asked(void **state)
{
    (void)state;
    const char *repo = make_repository("structure.isms");
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    if (tu_backend_is_pg()) {
        assert_int_equal(r.status, 0);
        assert_null(strstr(r.out, "structural"));
        tu_result_free(&r);
        return;
    }
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "were not run now and never have been");
    tu_result_free(&r);
    char *ran = tu_isms_ok(repo, "verify", "--store");
    assert_contains(ran, "structural checks ran now and passed");
    free(ran);
    tu_sql(repo, "INSERT INTO asset_dependency (asset, depends_on) VALUES (1, 999)");
    char *out = tu_isms_ok(repo, "verify", "--full"); /* the record pass cannot see it */
    assert_contains(out, "they last ran");
    assert_contains(out, "passed");
    free(out);
    free(tu_isms_err(repo, 10, "", "verify", "--store"));
    tu_isms(&r, repo, NULL, "--json", "verify", "--full", (const char *)NULL);
    assert_contains(r.out, "\"last_ok\": false");
    assert_contains(r.out, "\"ran_now\": false");
    tu_result_free(&r);
    tu_sql(repo, "DELETE FROM asset_dependency WHERE depends_on = 999");
    free(tu_isms_ok(repo, "verify", "--store"));
    out = tu_isms_ok(repo, "verify");
    assert_contains(out, "passed");
    free(out);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(dangling_row_is_reported),
        cmocka_unit_test(damaged_index_is_reported),
        cmocka_unit_test(structural_checks_run_when_asked))
