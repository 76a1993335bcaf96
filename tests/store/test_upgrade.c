/* Schema upgrades: a repository made by an older schema (ISMS_MIGRATE_UNTIL
 * stops the migrations there) is brought to the newest one the first time
 * the normal binary opens it: the upgrade is a ledger entry, a SQLite file
 * keeps a copy of itself from before, old records are intact, the ledger
 * verifies, and what the new schema brings (signing keys, checkpoints,
 * the BSI elementary threats with their ledger entries) works on it.
 * Every older version is tried. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "store/store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *schema_version(const char *repo)
{
    return tu_sql_value(repo, "SELECT MAX(version) FROM schema_migration");
}

/* A repository of schema `version` with records in it. Only registers
 * whose tables that version already has are used: the binary writes the
 * newest form of each register. */
static void make_old_repository(const char *repo, int version)
{
    char v[16];
    snprintf(v, sizeof v, "%d", version);
    setenv("ISMS_MIGRATE_UNTIL", v, 1);
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana Weiss", "--email", "dana@acme.example",
                    "--role", "management-body"));
    free(tu_isms_ok(repo, "asset", "add", "--name", "Payments", "--type", "system", "--owner",
                    "PER-1", "--integrity", "very-high"));
    free(tu_isms_ok(repo, "context", "add", "--title", "Regulator expects DORA", "--kind",
                    "external"));
    free(tu_isms_ok(repo, "person", "update", "PER-1", "--job-title", "CEO"));
    unsetenv("ISMS_MIGRATE_UNTIL");
    char *got = schema_version(repo);
    assert_string_equal(got, v);
    free(got);
    /* the catalogue of its time: the BSI threats came with schema 5 */
    char *bsi = tu_sql_value(repo, "SELECT COUNT(*) FROM threat WHERE key LIKE 'G-0.%'");
    assert_string_equal(bsi, version >= 4 ? "47" : "0");
    free(bsi);
}

/* The copy a SQLite upgrade leaves: FILE.v<version>-<time>.bak. */
static char *find_backup(const char *name, int version)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s.v%d-", name, version);
    DIR *dir = opendir(tu_tmpdir());
    assert_non_null(dir);
    char *found = NULL;
    struct dirent *de;
    while ((de = readdir(dir)))
        if (!strncmp(de->d_name, prefix, strlen(prefix)) && strstr(de->d_name, ".bak"))
            found = strdup(tu_path(de->d_name));
    closedir(dir);
    return found;
}

static void check_upgraded(const char *repo, int from)
{
    char latest[16], data[64];
    snprintf(latest, sizeof latest, "%d", store_schema_latest());
    char *got = schema_version(repo);
    assert_string_equal(got, latest);
    free(got);
    snprintf(data, sizeof data, "{\"from\":%d,\"to\":%d}", from, store_schema_latest());
    char *migrate = tu_sql_value(repo, "SELECT data FROM ledger WHERE op = 'migrate'");
    assert_string_equal(migrate, data);
    free(migrate);
    /* Migration 0011: the ledger's indexes are its key on seq and
     * ledger_by_key; UNIQUE(hash) and UNIQUE(prev_hash) are gone, the rows
     * kept (verify, below, walks them). */
    char *indexes = tu_sql_value(
        repo,
        tu_backend_is_pg()
            ? "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'ledger' "
              "AND schemaname = current_schema()"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger'");
    assert_string_equal(indexes, tu_backend_is_pg() ? "2" : "1");
    free(indexes);
    char *person = tu_isms_ok(repo, "person", "show", "PER-1");
    assert_contains(person, "Dana Weiss");
    assert_contains(person, "CEO");
    free(person);
    char *assets = tu_isms_ok(repo, "asset", "list");
    assert_contains(assets, "Payments");
    free(assets);
    char *ok = tu_isms_ok(repo, "verify");
    assert_contains(ok, "ok:");
    free(ok);
    /* the built-in catalogue is complete, each threat in the ledger, added
     * by isms after the upgrade's own entry */
    char *malware = tu_isms_ok(repo, "threat", "show", "G-0.39");
    assert_contains(malware, "Malware");
    free(malware);
    char *n =
        tu_sql_value(repo, "SELECT COUNT(*) FROM threat WHERE key LIKE 'G-0.%' AND builtin = 1");
    assert_string_equal(n, "47");
    free(n);
    char *entries = tu_sql_value(
        repo, "SELECT COUNT(*) FROM ledger WHERE key LIKE 'G-0.%' AND op = 'add' "
              "AND actor = 'isms' AND seq > (SELECT seq FROM ledger WHERE op = 'migrate')");
    assert_string_equal(entries, from >= 4 ? "0" : "47");
    free(entries);
}

static void upgrade_from(int version)
{
    char name[64];
    snprintf(name, sizeof name, "upgrade-v%d.isms", version);
    const char *repo = tu_repo(name);
    make_old_repository(repo, version);

    /* The first open by the normal binary upgrades, and says so. */
    free(tu_isms_err(repo, 0, "upgraded", "verify"));
    check_upgraded(repo, version);
    if (!tu_backend_is_pg()) {
        char *bak = find_backup(name, version);
        if (!bak)
            fail_msg("no %s.v%d-*.bak beside the upgraded file", name, version);
        char *old = schema_version(bak);
        assert_int_equal(atoi(old), version);
        free(old);
        free(bak);
    }
    /* Only once: a second open finds nothing to do. */
    char *err = tu_isms_err(repo, 0, "", "verify");
    assert_not_contains(err, "upgraded");
    free(err);

    /* What the newer schema brought works on the upgraded repository. */
    snprintf(name, sizeof name, "upgrade-v%d.key", version);
    const char *key = tu_path(name);
    snprintf(name, sizeof name, "upgrade-v%d.cp", version);
    const char *cp = tu_path(name);
    free(tu_isms_ok(repo, "key", "generate", "--out", key));
    free(tu_isms_ok(repo, "key", "add", "--key", key));
    free(tu_isms_ok(repo, "checkpoint", "--key", key, "--out", cp));
    char *ok = tu_isms_ok(repo, "verify", "--checkpoint", cp);
    assert_contains(ok, "equals it");
    free(ok);

    /* And it travels: export -> import -> export is identical. */
    snprintf(name, sizeof name, "upgrade-v%d-a.json", version);
    const char *a = tu_path(name);
    snprintf(name, sizeof name, "upgrade-v%d-b.json", version);
    const char *b = tu_path(name);
    snprintf(name, sizeof name, "upgrade-v%d-copy", version);
    const char *copy = tu_repo(name);
    free(tu_isms_ok(repo, "export", a));
    free(tu_isms_ok(NULL, "import", a, copy));
    free(tu_isms_ok(copy, "export", b));
    char *ta = tu_read_file(a, NULL), *tb = tu_read_file(b, NULL);
    assert_string_equal(ta, tb);
    free(ta);
    free(tb);
}

static void every_older_schema_upgrades(void **state)
{
    (void)state;
    assert_true(store_schema_latest() >= 2);
    for (int v = 1; v < store_schema_latest(); v++)
        upgrade_from(v);
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* The copy is written as NAME.part and renamed when whole: what a copy cut
 * short left (a process killed) is removed by the next upgrade, and no
 * .part is left beside a whole copy. */
static void a_copy_cut_short_is_not_left(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    const char *repo = tu_repo("cut.isms");
    make_old_repository(repo, store_schema_latest() - 1);
    char cut[4200], journal[4300], other[4200];
    snprintf(cut, sizeof cut, "%s.v3-20260101T000000Z.bak.part", repo);
    snprintf(journal, sizeof journal, "%s-journal", cut);
    snprintf(other, sizeof other, "%s.notes.part", repo); /* not a copy: stays */
    const char *made[] = { cut, journal, other };
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(made[k], "w");
        assert_non_null(f);
        fputs("cut short", f);
        fclose(f);
    }
    free(tu_isms_err(repo, 0, "upgraded", "verify"));
    assert_false(exists(cut));
    assert_false(exists(journal));
    assert_true(exists(other));
    char *bak = find_backup("cut.isms", store_schema_latest() - 1);
    assert_non_null(bak);
    assert_null(strstr(bak, ".part"));
    char part[4200];
    snprintf(part, sizeof part, "%s.part", bak);
    assert_false(exists(part));
    char *old = schema_version(bak);
    assert_int_equal(atoi(old), store_schema_latest() - 1);
    free(old);
    free(bak);
}

/* Ctrl-C's flag, and the step of the upgrade at which the test sets it
 * (the progress the store reports: what, done of total). */
static volatile sig_atomic_t stop_flag;
static const char *stop_at;
static int copied; /* the copy was reported whole */

static void stop_there(const char *what, int64_t done, int64_t total)
{
    copied |= strstr(what, "copy") && done == total;
    if (stop_at && strstr(what, stop_at) && done == total)
        stop_flag = 1;
}

/* Opens repo with the flag set at `at` (NULL: from the start): refused as
 * interrupted, naming the version it stays at. */
static void interrupted_at(const char *repo, const char *at, int version)
{
    dom *d = NULL;
    isms_err e = { 0 };
    stop_flag = at == NULL;
    stop_at = at;
    copied = 0;
    store_set_progress(stop_there);
    store_set_cancel(&stop_flag);
    int rc = dom_open(repo, &d, &e);
    store_set_cancel(NULL);
    store_set_progress(NULL);
    assert_int_equal(rc, E_INTERRUPTED);
    assert_null(d);
    char want[64];
    snprintf(want, sizeof want, "stays at schema version %d, unchanged", version);
    assert_contains(e.msg, want);
}

/* An upgrade interrupted (Ctrl-C: the store's cancel flag) while the
 * copy is made, or after it, between the migrations, leaves the
 * repository as it was, at its version with its records, and no copy or
 * piece of one beside it; the next open upgrades it whole. */
static void an_interrupted_upgrade_leaves_it_as_it_was(void **state)
{
    (void)state;
    const char *repo = tu_repo("interrupted.isms");
    int old = store_schema_latest() - 3;
    make_old_repository(repo, old);
    const char *steps[] = { NULL, "a copy of the old file first", "the schema's changes" };
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        if (steps[k] && tu_backend_is_pg() && strstr(steps[k], "copy"))
            continue; /* (no copy made of a database) */
        interrupted_at(repo, steps[k], old);
        if (!steps[k]) /* the copy's statement itself stopped, not run to its end */
            assert_false(copied);
        char *v = schema_version(repo);
        assert_int_equal(atoi(v), old);
        free(v);
        char *bak = find_backup("interrupted.isms", old);
        if (bak)
            fail_msg("step %zu: %s left beside the file", k, bak);
    }
    free(tu_isms_err(repo, 0, "upgraded", "verify"));
    char *out = tu_isms_ok(repo, "person", "show", "PER-1");
    assert_contains(out, "CEO");
    free(out);
    char *v = schema_version(repo);
    assert_int_equal(atoi(v), store_schema_latest());
    free(v);
    if (!tu_backend_is_pg()) {
        char *bak = find_backup("interrupted.isms", old);
        assert_non_null(bak); /* a finished upgrade keeps it */
        free(bak);
    }
}

TU_MAIN(NULL, NULL, cmocka_unit_test(every_older_schema_upgrades),
        cmocka_unit_test(a_copy_cut_short_is_not_left),
        cmocka_unit_test(an_interrupted_upgrade_leaves_it_as_it_was))
