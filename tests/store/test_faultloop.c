/* Fault injection, the way SQLite tests itself: a write runs with one I/O
 * fault injected at the k-th read, write, fsync, open or close of the
 * repository's files (tests/support/preload/faultk.c), for every k until
 * the write runs clean; and again with the disk full from the k-th write
 * on. After each run: the exit status says what happened (0: the risk and
 * its ledger entry are there; anything else: nothing changed, the export
 * is byte for byte the one before), and `isms verify` (the ledger and the
 * database's own integrity check) passes. Never a lie.
 *
 * File faults have no meaning for a PostgreSQL server's files: SQLite only.
 * ISMS_FAULTLOOP_MAX (default 80) bounds k per kind. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *repo, *marker;
static int runs, committed, refused;

static long count(const char *query)
{
    char *n = tu_sql_value(repo, query);
    long v = atol(n);
    free(n);
    return v;
}

static char *export_text(void)
{
    tu_result r;
    tu_isms(&r, repo, NULL, "export", "-", (const char *)NULL);
    assert_int_equal(r.status, 0);
    char *out = r.out;
    r.out = NULL;
    tu_result_free(&r);
    return out;
}

static void verify_ok(const char *kind, int k)
{
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", (const char *)NULL);
    if (r.status != 0)
        fail_msg("%s fault at %d: verify failed afterwards: %s", kind, k, r.err);
    tu_result_free(&r);
}

/* One write with the fault armed; 1 when the fault fired. */
static int faulted_write(const char *kind, int k, tu_result *r)
{
    char spec[64], title[64];
    snprintf(spec, sizeof spec, "%s:%d", kind, k);
    snprintf(title, sizeof title, "risk under %s fault %d", kind, k);
    unlink(marker);
    char *asan = getenv("ASAN_OPTIONS") ? strdup(getenv("ASAN_OPTIONS")) : NULL;
    setenv("LD_PRELOAD", ISMS_FAULTK_PRELOAD, 1);
    setenv("ISMS_FAULT_AT", spec, 1);
    setenv("ISMS_FAULT_PATH", "/faultloop.isms", 1);
    setenv("ISMS_FAULT_MARK", marker, 1);
    setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
    tu_isms(r, repo, NULL, "risk", "add", "--title", title, "--owner", "PER-1", "--likelihood", "2",
            "--impact", "3", (const char *)NULL);
    unsetenv("LD_PRELOAD");
    unsetenv("ISMS_FAULT_AT");
    if (asan)
        setenv("ASAN_OPTIONS", asan, 1);
    else
        unsetenv("ASAN_OPTIONS");
    free(asan);
    return access(marker, F_OK) == 0;
}

static void sweep(const char *kind)
{
    int max = getenv("ISMS_FAULTLOOP_MAX") ? atoi(getenv("ISMS_FAULTLOOP_MAX")) : 80;
    char *before = export_text();
    int k;
    for (k = 1; k <= max; k++) {
        long risks = count("SELECT COUNT(*) FROM risk"),
             entries = count("SELECT COUNT(*) FROM ledger");
        tu_result r;
        int fired = faulted_write(kind, k, &r);
        runs++;
        long risks_after = count("SELECT COUNT(*) FROM risk");
        long entries_after = count("SELECT COUNT(*) FROM ledger");
        if (r.status == 0) {
            if (risks_after != risks + 1 || entries_after != entries + 1)
                fail_msg("%s fault at %d: exit 0 but %ld -> %ld risks, %ld -> %ld ledger entries",
                         kind, k, risks, risks_after, entries, entries_after);
            committed++;
        } else {
            char *now = export_text();
            if (strcmp(now, before) || risks_after != risks || entries_after != entries)
                fail_msg("%s fault at %d: exit %d (%s) but the repository changed", kind, k,
                         r.status, r.err);
            free(now);
            refused++;
        }
        verify_ok(kind, k);
        if (r.status == 0) {
            free(before);
            before = export_text();
        }
        tu_result_free(&r);
        if (!fired) {
            assert_int_equal(r.status, 0); /* no fault: the write must succeed */
            break;
        }
    }
    free(before);
    print_message("faultloop: %s: faults at k = 1..%d\n", kind, k - 1);
}

static void io_faults_never_lie(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    repo = tu_repo("faultloop.isms");
    marker = tu_path("fault-fired");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "risk-owner"));
    const char *kinds[] = { "read", "write", "fsync", "open", "close", "full" };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        sweep(kinds[i]);
    print_message("faultloop: %d runs, %d committed, %d refused, 0 lies\n", runs, committed,
                  refused);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(io_faults_never_lie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
