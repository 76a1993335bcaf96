/* Changes made behind isms's back, with the sqlite3 shell, are caught by
 * `isms verify`, which names what was changed; undoing them restores a
 * clean verification. */
#include "support/testutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

static void sql(const char *statement) { tu_sql(repo, statement); }
static char *sql_value(const char *query) { return tu_sql_value(repo, query); }

static void expect_verify_fails(const char *needle1, const char *needle2)
{
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.err, needle1);
    if (needle2)
        assert_contains(r.err, needle2);
    tu_result_free(&r);
}

static void expect_verify_ok(void)
{
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
}

static void make_repo(const char *name)
{
    repo = tu_repo(name);
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "management-body"));
    free(tu_isms_ok(repo, "risk", "add", "--title", "Ransomware halts payments", "--owner", "PER-1",
                    "--likelihood", "3", "--impact", "5"));
    free(tu_isms_ok(repo, "control", "add", "--title", "Backups", "--owner", "PER-1", "--treats",
                    "RISK-1"));
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--impact", "4"));
}

static int setup(void **state)
{
    (void)state;
    make_repo("tamper.isms");
    return 0;
}

static void risk_title_changed_in_the_shell(void **state)
{
    (void)state;
    expect_verify_ok();
    sql("UPDATE risk SET title = 'Nothing to see here' WHERE key = 'RISK-1'");
    expect_verify_fails("RISK-1", "title");
    sql("UPDATE risk SET title = 'Ransomware halts payments' WHERE key = 'RISK-1'");
    expect_verify_ok();
}

static void link_removed_in_the_shell(void **state)
{
    (void)state;
    sql("DELETE FROM control_risk");
    expect_verify_fails("CTL-1", "treats");
    sql("INSERT INTO control_risk (control, risk) VALUES (1, 1)");
    expect_verify_ok();
}

static void record_inserted_or_deleted_in_the_shell(void **state)
{
    (void)state;
    sql("INSERT INTO risk (id, key, version, created_at, updated_at, title, owner, likelihood, "
        "impact) "
        "VALUES (99, 'RISK-99', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'ghost', 1, 1, "
        "1)");
    expect_verify_fails("RISK-99", "not in the ledger");
    sql("DELETE FROM risk WHERE id = 99");
    expect_verify_ok();
    sql("DELETE FROM control_risk");
    sql("DELETE FROM control");
    expect_verify_fails("CTL-1", "missing from its register");
}

static void ledger_entry_edited_in_the_shell(void **state)
{
    (void)state;
    /* Put the control back as isms stored it, from its ledger data. */
    sql("INSERT INTO control (id, key, version, created_at, updated_at, title, owner, type, "
        "automation, "
        "status, effectiveness) SELECT 1, 'CTL-1', 1, ts, ts, 'Backups', 1, 'preventive', "
        "'manual', "
        "'planned', 'not-assessed' FROM ledger WHERE key = 'CTL-1'");
    sql("INSERT INTO control_risk (control, risk) VALUES (1, 1)");
    expect_verify_ok();
    char *data = sql_value("SELECT data FROM ledger WHERE key = 'RISK-1' AND op = 'add'");
    sql("UPDATE ledger SET data = replace(data, '\"impact\":5', '\"impact\":2') WHERE key = "
        "'RISK-1' AND op = 'add'");
    expect_verify_fails("entry #", "altered");
    /* Recomputing that entry's hash does not help: the next entry's link breaks. */
    char *seq = sql_value("SELECT seq FROM ledger WHERE key = 'RISK-1' AND op = 'add'");
    sql("UPDATE ledger SET hash = "
        "'0000000000000000000000000000000000000000000000000000000000000001' "
        "WHERE key = 'RISK-1' AND op = 'add'");
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.err, seq);
    tu_result_free(&r);
    free(seq);
    free(data);
}

static void deleted_entry_is_named(void **state)
{
    (void)state;
    const char *saved = repo;
    repo = tu_repo("gap.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "A", "--email", "a@x.example"));
    free(tu_isms_ok(repo, "person", "add", "--name", "B", "--email", "b@x.example"));
    sql("DELETE FROM ledger WHERE key = 'PER-1'");
    expect_verify_fails("missing", NULL);
    repo = saved;
}

/* Bytes that are not UTF-8 in an entry's actor or note: verify reports
 * tampering (exit 10, never an abort), and the commands that read the
 * ledger fail instead of dropping the entry. PostgreSQL refuses to store
 * such bytes in the first place, which the test checks instead. */
static void text_that_is_not_utf8_is_tampering(void **state)
{
    (void)state;
    const char *saved = repo;
    repo = tu_repo("utf8.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "--note", "hired", "person", "add", "--name", "A", "--email",
                    "a@x.example"));
    if (tu_backend_is_pg()) {
        assert_int_not_equal(
            tu_sql_status(repo, "UPDATE ledger SET note = E'\\xff' WHERE key = 'PER-1'"), 0);
        expect_verify_ok();
        repo = saved;
        return;
    }
    char *seq = sql_value("SELECT seq FROM ledger WHERE key = 'PER-1'"), entry[32];
    snprintf(entry, sizeof entry, "#%s", seq);
    static const char *const columns[] = {
        "note", "actor", "entity", "op", "key", "ts", "prev_hash"
    };
    for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
        char q[300];
        snprintf(q, sizeof q, "SELECT %s FROM ledger WHERE seq = %s", columns[i], seq);
        char *was = sql_value(q);
        snprintf(q, sizeof q, "UPDATE ledger SET %s = CAST(X'41ff' AS TEXT) WHERE seq = %s",
                 columns[i], seq);
        sql(q);
        expect_verify_fails(entry, "UTF-8");
        const char *const readers[][3] = { { "log", "--json", NULL }, { "export", "-", NULL } };
        for (size_t k = 0; k < 2; k++) {
            tu_result r;
            tu_isms_argv(&r, repo, NULL, readers[k]);
            assert_int_equal(r.status, 10);
            assert_contains(r.err, entry);
            tu_result_free(&r);
        }
        snprintf(q, sizeof q, "UPDATE ledger SET %s = '%s' WHERE seq = %s", columns[i], was, seq);
        sql(q);
        free(was);
        expect_verify_ok();
    }
    free(seq);
    repo = saved;
}

static void expect_write_refused(const char *needle)
{
    tu_result r;
    tu_isms(&r, repo, NULL, "risk", "update", "RISK-1", "--likelihood", "5", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.err, needle);
    tu_result_free(&r);
}

/* A trigger planted once rewrites every later write under the honest
 * actor's name: verify names it, and no write runs until it is gone. The
 * same for a column added behind isms's back. */
static void planted_trigger_is_named_and_writes_refused(void **state)
{
    (void)state;
    make_repo("schema.isms"); /* a clean repository of its own */
    int pg = tu_backend_is_pg();
    if (pg) {
        sql("CREATE FUNCTION evil() RETURNS trigger LANGUAGE plpgsql AS "
            "'BEGIN NEW.likelihood := 1; RETURN NEW; END'");
        sql("CREATE TRIGGER evil BEFORE UPDATE ON risk FOR EACH ROW EXECUTE FUNCTION evil()");
    } else {
        sql("CREATE TRIGGER evil AFTER UPDATE ON risk BEGIN "
            "UPDATE risk SET likelihood = 1 WHERE key = new.key; END");
    }
    expect_write_refused("unexpected trigger evil on risk");
    expect_verify_fails("schema", "unexpected trigger evil on risk");
    sql(pg ? "DROP TRIGGER evil ON risk" : "DROP TRIGGER evil");
    expect_verify_ok();
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--likelihood", "5"));
    char *v = sql_value("SELECT likelihood FROM risk WHERE key = 'RISK-1'");
    assert_string_equal(v, "5");
    free(v);

    sql("ALTER TABLE risk ADD COLUMN shadow TEXT");
    expect_write_refused("unexpected column risk.shadow");
    expect_verify_fails("schema", "unexpected column risk.shadow");
    sql("ALTER TABLE risk DROP COLUMN shadow");
    expect_verify_ok();
}

/* The unsigned metadata beside the ledger: the creation time in `meta` is
 * the genesis entry's. */
static void creation_time_edited_is_named(void **state)
{
    (void)state;
    make_repo("created.isms");
    char *was = sql_value("SELECT value FROM meta WHERE name = 'created_at'");
    sql("UPDATE meta SET value = '2001-01-01T00:00:00Z' WHERE name = 'created_at'");
    expect_verify_fails("creation time (2001-01-01T00:00:00Z)", was);
    char restore[160];
    snprintf(restore, sizeof restore, "UPDATE meta SET value = '%s' WHERE name = 'created_at'",
             was);
    sql(restore);
    free(was);
    expect_verify_ok();
}

/* ---- incremental verify (issue 16.1) ---- */

static char *verify_json_mode(void)
{
    char *out = tu_isms_ok(repo, "--json", "verify");
    json_t *j = tu_json_take(out);
    char *mode = strdup(json_string_value(json_object_get(j, "mode")));
    json_decref(j);
    return mode;
}

/* A new entry edited after it was written: the incremental check reads it. */
static void incremental_catches_a_tampered_new_entry(void **state)
{
    (void)state;
    make_repo("inc-entry.isms");
    expect_verify_ok();
    free(tu_isms_ok(repo, "risk", "add", "--title", "Late risk", "--owner", "PER-1", "--likelihood",
                    "2", "--impact", "2"));
    sql("UPDATE ledger SET data = replace(data, 'Late risk', 'Other') WHERE key = 'RISK-2'");
    expect_verify_fails("entry #", "altered");
}

/* A record changed in the shell after a later entry: incremental reads
 * the records the new entries touched. */
static void incremental_catches_a_record_touched_since(void **state)
{
    (void)state;
    make_repo("inc-record.isms");
    expect_verify_ok();
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--likelihood", "2"));
    sql("UPDATE risk SET title = 'Nothing to see here' WHERE key = 'RISK-1'");
    free(tu_isms_err(repo, 10, "changed outside isms", "verify"));
}

/* make_repo's, with RISK-2 to RISK-8 added. */
static void make_repo_of_eight_risks(const char *name)
{
    make_repo(name);
    for (int i = 2; i <= 8; i++)
        free(tu_isms_ok(repo, "risk", "add", "--title", "Another risk", "--owner", "PER-1",
                        "--likelihood", "2", "--impact", "2"));
}

/* A full verification reads the registers in id ranges, on two threads
 * and connections: a record changed, added or deleted at either end of a
 * register is named, and a kept figure changed is named too. */
static void either_reader_share_is_checked(void **state)
{
    (void)state;
    make_repo_of_eight_risks("shares.isms");
    expect_verify_ok();
    sql("UPDATE risk SET title = 'first share' WHERE key = 'RISK-1'");
    sql("UPDATE risk SET title = 'second share' WHERE key = 'RISK-8'");
    sql("DELETE FROM risk WHERE key = 'RISK-7'");
    sql("INSERT INTO risk (id, key, version, created_at, updated_at, title, owner, likelihood, "
        "impact) VALUES (5000, 'RISK-5000', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', "
        "'ghost', 1, 1, 1)");
    sql("UPDATE tally SET n = n + 5 WHERE name = 'risk.cell.2.2'");
    static const char *const named[] = {
        "RISK-1 (risk) was changed outside isms", /* reader 0's share */
        "RISK-8 (risk) was changed outside isms", /* reader 1's */
        "RISK-7 (risk) is in the ledger",
        "RISK-5000 (risk) is in the register but not in the ledger",
        "kept figure risk.cell.2.2",
    };
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    assert_int_equal(r.status, 10);
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        assert_contains(r.out, named[i]);
    tu_result_free(&r);
}

/* A full verification reads each register in id ranges taken from a
 * shared queue by the reader thread and, after the chain, by the main one;
 * ISMS_VERIFY_RANGE_IDS=2 cuts RISK-1..8 (ids 1..8) into four: (0,2],
 * (2,4], (4,6] and (6,-). Untouched, the records' sum equals the ledger's
 * at once (a range read twice or left out would make them differ, and the
 * records be read again one by one, which verify notes); a record changed
 * in a middle range and one in the last are each named. */
static void every_id_range_is_read(void **state)
{
    (void)state;
    make_repo_of_eight_risks("ranges.isms");
    char *ids = sql_value("SELECT MIN(id) || ' ' || MAX(id) || ' ' || COUNT(*) FROM risk");
    assert_string_equal(ids, "1 8 8");
    char *four = sql_value("SELECT id FROM risk WHERE key = 'RISK-4'");
    assert_string_equal(four, "4");
    free(four);
    free(ids);
    setenv("ISMS_VERIFY_RANGE_IDS", "2", 1);
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "records match them");
    assert_not_contains(r.out, "one by one");
    assert_not_contains(r.err, "one by one");
    tu_result_free(&r);
    sql("UPDATE risk SET title = 'middle range' WHERE key = 'RISK-4'");
    sql("UPDATE risk SET title = 'last range' WHERE key = 'RISK-8'");
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.out, "RISK-4 (risk) was changed outside isms");
    assert_contains(r.out, "RISK-8 (risk) was changed outside isms");
    tu_result_free(&r);
    unsetenv("ISMS_VERIFY_RANGE_IDS");
}

/* A record put back as an earlier entry of its own left it (the row and
 * its version, as the add wrote them): it equals an entry of its key, but
 * not the latest, which a full verification holds it to. */
static void record_put_back_to_an_earlier_entry(void **state)
{
    (void)state;
    make_repo("put-back.isms");
    expect_verify_ok();
    sql("UPDATE risk SET impact = 5, version = 1, updated_at = created_at WHERE key = 'RISK-1'");
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", "--full", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.out, "RISK-1 (risk) was changed outside isms");
    assert_contains(r.out, "impact");
    tu_result_free(&r);
    sql("UPDATE risk SET impact = 4, version = 2, updated_at = (SELECT ts FROM ledger WHERE key "
        "= 'RISK-1' AND op = 'update') WHERE key = 'RISK-1'");
    free(tu_isms_ok(repo, "verify", "--full"));
}

/* What incremental leaves out (docs/LEDGER.md): a record edited in the
 * shell with no ledger entry since the last verification; --full finds it. */
static void full_catches_what_incremental_misses(void **state)
{
    (void)state;
    make_repo("inc-miss.isms");
    expect_verify_ok();
    sql("UPDATE control SET title = 'Nothing to see here' WHERE key = 'CTL-1'");
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "incremental");
    free(out);
    tu_result r;
    free(tu_isms_err(repo, 10, "CTL-1", "verify", "--full"));
    /* The dashboard shows the failure the last verification recorded. */
    out = tu_isms_ok(repo, "summary");
    assert_contains(out, "verification FAILED");
    assert_contains(out, "CTL-1");
    assert_contains(out, "run isms verify for a fresh answer");
    free(out);
    /* After a failure the next verification checks everything again. */
    tu_isms(&r, repo, NULL, "verify", (const char *)NULL);
    assert_int_equal(r.status, 10);
    assert_contains(r.out, "the last verification");
    tu_result_free(&r);
}

/* A recorded head that is no longer the ledger's: back to full, saying why. */
static void falls_back_to_full_when_the_head_moved(void **state)
{
    (void)state;
    make_repo("inc-head.isms");
    char *mode = verify_json_mode();
    assert_string_equal(mode, "full");
    free(mode);
    mode = verify_json_mode();
    assert_string_equal(mode, "incremental");
    free(mode);
    sql("UPDATE meta SET value = replace(value, (SELECT hash FROM ledger ORDER BY seq DESC "
        "LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000') "
        "WHERE name = 'last_verification'");
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "is no longer the one the last verification ended at");
    assert_false(strstr(out, "incremental:") != NULL);
    free(out);
}

TU_MAIN(setup, NULL, cmocka_unit_test(risk_title_changed_in_the_shell),
        cmocka_unit_test(link_removed_in_the_shell),
        cmocka_unit_test(record_inserted_or_deleted_in_the_shell),
        cmocka_unit_test(ledger_entry_edited_in_the_shell),
        cmocka_unit_test(deleted_entry_is_named),
        cmocka_unit_test(text_that_is_not_utf8_is_tampering),
        cmocka_unit_test(planted_trigger_is_named_and_writes_refused),
        cmocka_unit_test(creation_time_edited_is_named),
        cmocka_unit_test(incremental_catches_a_tampered_new_entry),
        cmocka_unit_test(incremental_catches_a_record_touched_since),
        cmocka_unit_test(either_reader_share_is_checked), cmocka_unit_test(every_id_range_is_read),
        cmocka_unit_test(record_put_back_to_an_earlier_entry),
        cmocka_unit_test(full_catches_what_incremental_misses),
        cmocka_unit_test(falls_back_to_full_when_the_head_moved))
