/* Faults in the middle of work: a writer killed inside its transaction, a
 * connection dropped by the server, a server stopped or restarted between
 * commands or during one. Each time: a clear error, nothing half-written,
 * and the next command works.
 *
 * On PostgreSQL this test runs its own server (tu_pg_private_server) so
 * that stopping it does not disturb the tests running beside it. The
 * server faults have no SQLite counterpart and are skipped there. */
#include "support/testutil.h"
#include "core/record.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *repo;

static int setup(void **state)
{
    (void)state;
    tu_pg_private_server();
    repo = tu_repo("faults.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "management-body,risk-owner"));
    return 0;
}

static long risk_count(void)
{
    char *n = tu_sql_value(repo, "SELECT COUNT(*) FROM risk");
    long v = atol(n);
    free(n);
    return v;
}

static void verify_ok(void)
{
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
}

/* The next command works: a new risk goes in and the ledger verifies. */
static void next_command_works(long expect_before)
{
    assert_int_equal(risk_count(), expect_before);
    free(tu_isms_ok(repo, "risk", "add", "--title", "after the fault", "--owner", "PER-1",
                    "--likelihood", "1", "--impact", "1"));
    assert_int_equal(risk_count(), expect_before + 1);
    verify_ok();
}

static int add_risk(dom *d, const char *title, isms_err *e)
{
    arena *a = dom_arena(d);
    record r, out;
    record_init(&r, &reg_risk, a);
    int rc = dom_set_text(d, &r, field_index(&reg_risk, F_RISK_TITLE), title, e);
    if (!rc)
        rc = dom_set_text(d, &r, field_index(&reg_risk, F_RISK_OWNER), "PER-1", e);
    if (!rc)
        rc = dom_set_text(d, &r, field_index(&reg_risk, F_RISK_LIKELIHOOD), "3", e);
    if (!rc)
        rc = dom_set_text(d, &r, field_index(&reg_risk, F_RISK_IMPACT), "3", e);
    if (rc)
        return rc;
    return dom_add(d, &r, &out, e);
}

/* Opens the repository, begins a batch and adds `n` risks in it: a
 * transaction with work in it, not yet committed. NULL on failure. */
static dom *open_with_work(int n, isms_err *e)
{
    dom *d;
    if (dom_open(repo, &d, e))
        return NULL;
    int rc = dom_begin(d, &(principal){ .actor = "faulty" }, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    for (int i = 0; i < n && !rc; i++)
        rc = add_risk(d, "half-done", e);
    if (rc) {
        dom_close(d);
        return NULL;
    }
    return d;
}

static dom *must_open_with_work(int n)
{
    isms_err e = { 0 };
    dom *d = open_with_work(n, &e);
    if (!d)
        fail_msg("open with work: %s", e.msg);
    return d;
}

/* After the connection is gone: the next write fails with E_UNAVAILABLE
 * and says nothing was written, and so does the commit. */
static void expect_lost(dom *d)
{
    isms_err e = { 0 };
    assert_int_equal(add_risk(d, "after the drop", &e), E_UNAVAILABLE);
    assert_contains(e.msg, "lost");
    assert_contains(e.msg, "nothing was written");
    isms_err ce = { 0 };
    assert_int_equal(dom_txn_end(d, 0, &ce), E_UNAVAILABLE);
    dom_close(d);
}

static void killed_writer_leaves_nothing(void **state)
{
    (void)state;
    long before = risk_count();
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        isms_err e = { 0 };
        if (!open_with_work(25, &e) || write(ready[1], "x", 1) != 1)
            _exit(1);
        pause(); /* inside the transaction, until killed */
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    close(ready[0]);
    close(ready[1]);
    verify_ok();
    next_command_works(before);
}

static void connection_dropped_mid_transaction(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    long before = risk_count();
    dom *d = must_open_with_work(10);
    /* The server ends the session (as an administrator or a failover
     * would); psql's own session is spared. */
    char *n = tu_sql_value(repo, "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid, 10000) "
                                 "FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND application_name = 'isms') AS t");
    assert_string_equal(n, "1");
    free(n);
    expect_lost(d);
    verify_ok();
    next_command_works(before);
}

static void server_restart_between_commands(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    long before = risk_count();
    tu_pg_server("restart");
    next_command_works(before);
}

static void server_down_then_back(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    long before = risk_count();
    tu_pg_server("halt");
    char *err = tu_isms_err(repo, 14, "cannot connect", "risk", "add", "--title", "while down",
                            "--owner", "PER-1", "--likelihood", "1", "--impact", "1");
    assert_not_contains(err, "added");
    free(err);
    tu_pg_server("resume");
    next_command_works(before);
}

static void server_stops_mid_transaction(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    long before = risk_count();
    dom *d = must_open_with_work(10);
    tu_pg_server("halt");
    expect_lost(d);
    tu_pg_server("resume");
    verify_ok();
    next_command_works(before);
}

TU_MAIN(setup, NULL, cmocka_unit_test(killed_writer_leaves_nothing),
        cmocka_unit_test(connection_dropped_mid_transaction),
        cmocka_unit_test(server_restart_between_commands), cmocka_unit_test(server_down_then_back),
        cmocka_unit_test(server_stops_mid_transaction))
