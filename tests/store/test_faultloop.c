/* Fault injection, the way SQLite tests itself: a write runs with one
 * fault injected at the k-th read, write, fsync, open or close of the
 * repository's files, or at the k-th allocation of the process
 * (tests/support/preload/faultk.c), for every k until the write runs clean
 * (allocations: a sample spread over all of them, and a close sample of
 * the last few hundred, where the transaction writes, commits and reports); and again with the disk
 * full from the k-th write on. Three writes: a new record, an update, and
 * a record with links. After each run: the exit status says what happened
 * (0: the change and its ledger entry are there; anything else: nothing
 * changed, the export is byte for byte the one before), and `isms verify`
 * (the ledger and the database's own integrity check) passes. Never a lie.
 *
 * File faults have no meaning for a PostgreSQL server's files: SQLite only.
 * The allocation sweep cannot run under ASan, whose allocator it would
 * bypass. ISMS_FAULTLOOP_MAX (default 80) bounds k per kind. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *repo, *marker;
static int runs, committed, refused;

typedef enum { W_ADD, W_UPDATE, W_LINKED } write_kind;
static const char *const write_names[] = { "risk add", "risk update", "control add --treats" };

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

static void run_write(write_kind w, const char *kind, int k, tu_result *r)
{
    char title[64];
    snprintf(title, sizeof title, "%s under %s fault %d", w == W_LINKED ? "control" : "risk", kind,
             k);
    switch (w) {
    case W_ADD:
        tu_isms(r, repo, NULL, "risk", "add", "--title", title, "--owner", "PER-1", "--likelihood",
                "2", "--impact", "3", (const char *)NULL);
        break;
    case W_UPDATE:
        tu_isms(r, repo, NULL, "risk", "update", "RISK-1", "--title", title, (const char *)NULL);
        break;
    case W_LINKED:
        tu_isms(r, repo, NULL, "control", "add", "--title", title, "--owner", "PER-1", "--treats",
                "RISK-1", "--status", "planned", (const char *)NULL);
        break;
    }
}

/* The preload's settings for one run; undone by disarm(). */
static void arm(const char *spec, const char *count_file)
{
    unlink(marker);
    tu_preload(strncmp(spec, "alloc:", 6) ? ISMS_FAULTK_PRELOAD : ISMS_FAULTK_ALLOC_PRELOAD);
    setenv("ISMS_FAULT_AT", spec, 1);
    setenv("ISMS_FAULT_PATH", "/faultloop.isms", 1);
    setenv("ISMS_FAULT_MARK", marker, 1);
    if (count_file)
        setenv("ISMS_FAULT_COUNT", count_file, 1);
}

static void disarm(void)
{
    tu_preload_end();
    unsetenv("ISMS_FAULT_AT");
    unsetenv("ISMS_FAULT_COUNT");
}

/* One write with the fault armed; 1 when the fault fired. */
static int faulted_write(write_kind w, const char *kind, int k, tu_result *r)
{
    char spec[64];
    snprintf(spec, sizeof spec, "%s:%d", kind, k);
    arm(spec, NULL);
    run_write(w, kind, k, r);
    disarm();
    return access(marker, F_OK) == 0;
}

/* One run with the fault at k, and the judgement of what it left. *before
 * is the export before the run, replaced when the write committed.
 * Returns whether the fault fired. */
static int judge_one(write_kind w, const char *kind, int k, char **before)
{
    long entries = count("SELECT COUNT(*) FROM ledger");
    tu_result r;
    int fired = faulted_write(w, kind, k, &r);
    runs++;
    long entries_after = count("SELECT COUNT(*) FROM ledger");
    verify_ok(kind, k); /* first: an export verifies, and would only fail */
    char *now = export_text();
    if (r.status == 0) {
        if (entries_after != entries + 1 || !strcmp(now, *before))
            fail_msg("%s: %s fault at %d: exit 0 but %ld -> %ld ledger entries%s", write_names[w],
                     kind, k, entries, entries_after,
                     strcmp(now, *before) ? "" : ", the export unchanged");
        committed++;
        free(*before);
        *before = now;
    } else {
        if (strcmp(now, *before) || entries_after != entries)
            fail_msg("%s: %s fault at %d: exit %d (%s) but the repository changed", write_names[w],
                     kind, k, r.status, r.err);
        free(now);
        refused++;
    }
    if (!fired && r.status != 0)
        fail_msg("%s: no %s fault at %d, yet the write failed: %s", write_names[w], kind, k, r.err);
    tu_result_free(&r);
    return fired;
}

static void sweep(write_kind w, const char *kind)
{
    int max = getenv("ISMS_FAULTLOOP_MAX") ? atoi(getenv("ISMS_FAULTLOOP_MAX")) : 80;
    char *before = export_text();
    int k;
    for (k = 1; k <= max; k++)
        if (!judge_one(w, kind, k, &before))
            break;
    free(before);
    print_message("faultloop: %s: %s faults at k = 1..%d\n", write_names[w], kind, k - 1);
}

/* Copies the repository's file and its WAL to `to`. */
static void copy_repository(const char *to)
{
    static const char *const suffix[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char from[4096], dst[4096];
        snprintf(from, sizeof from, "%s%s", repo, suffix[i]);
        snprintf(dst, sizeof dst, "%s%s", to, suffix[i]);
        unlink(dst);
        size_t len = 0;
        char *data = i == 2 ? NULL : tu_read_file(from, &len);
        if (!data)
            continue;
        FILE *f = fopen(dst, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        free(data);
    }
}

/* How many allocations the write makes from the repository as it is now:
 * counted on a copy, so that the repository stays as it was (a write's
 * count depends on its state: each ledger entry completes as many stored
 * subtrees as its number has trailing ones, the search index merges its
 * segments now and then; from the same state it is the same). */
static long allocations(write_kind w)
{
    const char *file = tu_path("alloc-count");
    const char *real = repo, *probe = tu_path("probe.isms");
    copy_repository(probe);
    repo = probe;
    tu_result r;
    arm("alloc:0", file);
    run_write(w, "count", 0, &r);
    disarm();
    repo = real;
    assert_int_equal(r.status, 0);
    tu_result_free(&r);
    char *text = tu_read_file(file, NULL);
    long n = text ? atol(text) : 0;
    free(text);
    assert_true(n > 0);
    return n;
}

/* Out of memory at the k-th allocation: `spread` points over the whole
 * run, then every `stride`-th of the last `tail` allocations, where the
 * transaction writes, commits and is reported (a failure after the commit
 * must still exit 0: the change is saved). Each point is placed from a
 * count of the run about to be made, as a commit changes the next write's
 * count. */
static void sweep_allocations(write_kind w, long spread, long tail, long stride)
{
    char *before = export_text();
    int fired = 0, fired_tail = 0, tail_points = 0;
    long n = 0;
    for (long i = 0; i < spread; i++) {
        n = allocations(w);
        long from = n > tail ? n - tail : 1;
        fired += judge_one(w, "alloc", (int)(1 + i * (from / spread)), &before);
    }
    for (long back = tail; back >= 0; back -= stride, tail_points++) {
        long k = allocations(w) - back;
        fired_tail += judge_one(w, "alloc", (int)(k > 1 ? k : 1), &before);
    }
    free(before);
    print_message("faultloop: %s: about %ld allocations, out of memory at %d of %ld early points "
                  "and %d of %d among the last %ld\n",
                  write_names[w], n, fired, spread, fired_tail, tail_points, tail);
    assert_int_equal(fired, spread);
    /* the count run's title is shorter than a faulted run's by a digit
     * or so: its last allocation may be one the faulted run does not make */
    assert_true(fired_tail >= tail_points - 1);
}

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("faultloop.isms");
    marker = tu_path("fault-fired");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "risk-owner"));
    free(tu_isms_ok(repo, "risk", "add", "--title", "Outage", "--owner", "PER-1", "--likelihood",
                    "2", "--impact", "3"));
    return 0;
}

static void io_faults_never_lie(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    const char *kinds[] = { "read", "write", "fsync", "open", "close", "full" };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        sweep(W_ADD, kinds[i]);
    const char *some[] = { "write", "full" };
    for (write_kind w = W_UPDATE; w <= W_LINKED; w++)
        for (size_t i = 0; i < sizeof some / sizeof *some; i++)
            sweep(w, some[i]);
    print_message("faultloop: %d runs, %d committed, %d refused, 0 lies\n", runs, committed,
                  refused);
}

static void out_of_memory_never_lies(void **state)
{
    (void)state;
#ifdef ISMS_SANITIZED
    skip();
#endif
    if (tu_backend_is_pg())
        skip();
    runs = committed = refused = 0;
    sweep_allocations(W_ADD, 20, 300, 5);
    sweep_allocations(W_UPDATE, 10, 300, 15);
    sweep_allocations(W_LINKED, 10, 300, 15);
    print_message("faultloop: out of memory: %d runs, %d committed, %d refused, 0 lies\n", runs,
                  committed, refused);
}

TU_MAIN(setup, NULL, cmocka_unit_test(io_faults_never_lie),
        cmocka_unit_test(out_of_memory_never_lies))
