/* test_batch.c: group commit (domain/engine/batch.h). Writes from many
 * threads, each with its own connection, go to one writer that runs them
 * in one transaction and commits once: a write that fails gets its own
 * error and the others commit; a commit that fails fails every write of
 * the batch and writes nothing; the ledger stays one verifying chain, its
 * entries made by each write's own principal. */
#include "support/domutil.h"
#include "support/testutil.h"
#include "domain/engine/batch.h"
#include "domain/registers/registers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WRITERS = 8 };

static const char *repo;
static int fail_commit; /* the next batch's commit fails */

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("batch.isms"); /* (a new one at each call) */
    dom *d;
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "tester" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    tu_add(d, tu_make(d, &reg_objective, "title=Keep paying", "owner=PER-1", NULL));
    dom_close(d);
    return 0;
}

static long count(const char *query)
{
    char *n = tu_sql_value(repo, query);
    long v = atol(n);
    free(n);
    return v;
}

static int before_commit(dom *d, void *ctx, isms_err *e)
{
    (void)d;
    (void)ctx;
    if (!fail_commit)
        return 0;
    return err_set(e, E_IO, NULL, "the disk refused the commit (injected)");
}

/* One writer thread: its own connection, acting as Omar, adds one risk
 * through the batcher. */
typedef struct job {
    dom_batcher *b;
    const char *title, *owner;
    int rc;
    isms_err e;
    char key[32];
} job;

typedef struct add_ctx {
    record *in;
    char *key; /* job.key */
} add_ctx;

static int add_in_writer(dom *w, void *ctx, isms_err *e)
{
    add_ctx *c = ctx;
    record out;
    int rc = dom_add(w, c->in, &out, e);
    if (!rc)
        snprintf(c->key, 32, "%s", out.key);
    return rc;
}

static int set(dom *d, record *r, int f, const char *text, isms_err *e)
{
    return dom_set_text(d, r, field_index(&reg_risk, f), text, e);
}

static void *one_write(void *arg)
{
    job *j = arg;
    dom *d;
    principal p;
    j->rc = dom_open(repo, &d, &j->e);
    if (j->rc)
        return NULL;
    j->rc = dom_principal(d, "omar@x.example", &p, &j->e);
    if (!j->rc)
        j->rc = dom_begin(d, &p, &j->e);
    record r;
    record_init(&r, &reg_risk, dom_arena(d));
    if (!j->rc)
        j->rc = set(d, &r, F_RISK_TITLE, j->title, &j->e);
    if (!j->rc)
        j->rc = set(d, &r, F_RISK_OWNER, j->owner, &j->e);
    if (!j->rc)
        j->rc = set(d, &r, F_RISK_OBJECTIVES, "OBJ-1", &j->e);
    if (!j->rc)
        j->rc = set(d, &r, F_RISK_LIKELIHOOD, "2", &j->e);
    if (!j->rc)
        j->rc = set(d, &r, F_RISK_IMPACT, "3", &j->e);
    if (!j->rc)
        j->rc = dom_batched(j->b, d, add_in_writer, &(add_ctx){ &r, j->key }, &j->e);
    dom_end(d);
    dom_close(d);
    return NULL;
}

/* n writes at once (job k's owner is bad_owner when k == bad), gathered
 * into one batch: the writer waits until all n are queued. */
static void write_at_once(job *jobs, int n, int bad, const char *prefix, long *batches)
{
    dom_batcher *b;
    isms_err e = { 0 };
    dom_batch_config c = { .max = n, .wait_us = 10 * 1000 * 1000, .before_commit = before_commit };
    if (dom_batcher_start(repo, &c, &b, &e))
        fail_msg("batcher: %s", e.msg);
    pthread_t th[WRITERS];
    char titles[WRITERS][64];
    for (int k = 0; k < n; k++) {
        snprintf(titles[k], sizeof titles[k], "%s %d", prefix, k);
        jobs[k] = (job){ .b = b, .title = titles[k], .owner = k == bad ? "PER-99" : "PER-2" };
        pthread_create(&th[k], NULL, one_write, &jobs[k]);
    }
    for (int k = 0; k < n; k++)
        pthread_join(th[k], NULL);
    long writes;
    dom_batcher_counts(b, batches, &writes);
    assert_int_equal(writes, n);
    dom_batcher_stop(b);
}

/* `isms verify` exits 0 only when the ledger and the records agree */
static void verify_ok(void) { free(tu_isms_ok(repo, "verify")); }

static void a_batch_commits_once_and_a_bad_write_fails_alone(void **state)
{
    (void)state;
    long batches;
    job jobs[WRITERS];
    write_at_once(jobs, WRITERS, 3, "Batched", &batches);
    assert_int_equal(batches, 1); /* the seven went in with one commit */
    for (int k = 0; k < WRITERS; k++) {
        if (k == 3) { /* its own error, naming the field; its savepoint rolled back */
            assert_int_equal(jobs[k].rc, E_INVALID);
            assert_string_equal(jobs[k].e.field, "owner");
            continue;
        }
        if (jobs[k].rc)
            fail_msg("write %d: %s", k, jobs[k].e.msg);
        assert_true(!strncmp(jobs[k].key, "RISK-", 5));
    }
    assert_int_equal(count("SELECT COUNT(*) FROM risk WHERE title LIKE 'Batched %'"), WRITERS - 1);
    assert_int_equal(count("SELECT COUNT(*) FROM ledger WHERE op = 'add' AND entity = 'risk' AND "
                           "actor = 'omar@x.example'"),
                     WRITERS - 1);
    verify_ok();
}

static void a_failed_commit_fails_every_write_and_writes_nothing(void **state)
{
    (void)state;
    long risks = count("SELECT COUNT(*) FROM risk");
    long entries = count("SELECT COUNT(*) FROM ledger");
    long batches;
    job jobs[4];
    fail_commit = 1;
    write_at_once(jobs, 4, -1, "Lost", &batches);
    fail_commit = 0;
    assert_int_equal(batches, 1);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(jobs[k].rc, E_IO);
        assert_contains(jobs[k].e.msg, "injected");
    }
    assert_int_equal(count("SELECT COUNT(*) FROM risk"), risks);
    assert_int_equal(count("SELECT COUNT(*) FROM ledger"), entries);
    verify_ok();
    /* and the next batch commits */
    write_at_once(jobs, 4, -1, "After", &batches);
    for (int k = 0; k < 4; k++)
        assert_int_equal(jobs[k].rc, 0);
    assert_int_equal(count("SELECT COUNT(*) FROM risk"), risks + 4);
    verify_ok();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(a_batch_commits_once_and_a_bad_write_fails_alone),
    cmocka_unit_test(a_failed_commit_fails_every_write_and_writes_nothing),
};

int main(void) { return cmocka_run_group_tests(tests, setup, NULL); }
