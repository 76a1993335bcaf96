/* batch.c: group commit (batch.h). One writer thread with its own
 * connection; callers queue a write and sleep until the batch holding it
 * is committed or failed. */
#include "domain/engine/batch.h"
#include "core/xalloc.h"
#include "domain/engine/dom_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BATCH_DEFAULT_MAX = 64 };

struct dom_batcher {
    char *target;
    dom_batch_config cfg;
    dom *d; /* the writer's connection; NULL until the first batch, or after it was lost */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a write was queued, or stop */
    pthread_cond_t done; /* a batch ended */
    dom_write *head, *tail;
    int queued;
    int stop;
    long batches, writes;
};

/* ---- the writer ---- */

/* The write's warnings, copied in one block (the pointers, then the
 * texts): freed with one free(). */
static void keep_warnings(dom *d, dom_write *it)
{
    int n;
    const char *const *w = dom_warnings(d, &n);
    size_t bytes = (size_t)n * sizeof(char *);
    for (int k = 0; k < n; k++)
        bytes += strlen(w[k]) + 1;
    if (!n)
        return;
    it->warnings = xmalloc(bytes);
    char *text = (char *)(it->warnings + n);
    for (int k = 0; k < n; k++) {
        it->warnings[k] = strcpy(text, w[k]);
        text += strlen(w[k]) + 1;
    }
    it->nwarnings = n;
}

static void drop_warnings(dom_write *it)
{
    free(it->warnings);
    it->warnings = NULL;
    it->nwarnings = 0;
}

/* One write of the batch, in its own savepoint, as its principal. */
static void run_one(dom *d, dom_write *it)
{
    int rc = dom_begin(d, &it->who, &it->e);
    if (!rc) {
        dom_confirm(d, it->confirmed);
        rc = dom_txn_begin(d, &it->e);
        if (!rc)
            rc = dom_txn_end(d, it->fn(d, it->ctx, &it->e), &it->e);
    }
    it->rc = rc;
    if (!rc)
        keep_warnings(d, it);
    dom_end(d);
}

/* Every write of the batch that had not failed on its own fails with rc:
 * nothing of the batch was committed. */
static void fail_written(dom_write *batch, int rc, const isms_err *e)
{
    for (dom_write *it = batch; it; it = it->next) {
        if (it->rc)
            continue;
        it->rc = rc;
        it->e = *e;
        drop_warnings(it);
    }
}

static int commit(dom_batcher *b, int rc, isms_err *e)
{
    if (!rc && b->cfg.before_commit)
        rc = b->cfg.before_commit(b->d, b->cfg.ctx, e);
    if (rc && !e->code)
        err_set(e, rc, NULL, "the batch's commit failed; nothing of it was saved");
    return dom_txn_end(b->d, rc, e);
}

static void run_batch(dom_batcher *b, dom_write *batch)
{
    isms_err e = { 0 };
    int rc = b->d ? 0 : dom_open(b->target, &b->d, &e);
    if (!rc)
        rc = dom_txn_begin(b->d, &e);
    if (!rc) {
        for (dom_write *it = batch; it; it = it->next) {
            run_one(b->d, it);
            if (store_in_txn(dom_store(b->d)))
                continue;
            /* The database ended the whole transaction (a lost connection):
             * the writes before this one went with it, the rest wait for
             * nothing. */
            rc = it->rc ? it->rc : E_STORE;
            if (it->rc)
                e = it->e;
            else
                err_set(&e, rc, NULL, "the batch's transaction was lost; nothing of it was saved");
            break;
        }
        rc = commit(b, rc, &e);
    }
    if (rc)
        fail_written(batch, rc, &e);
    if (rc == E_UNAVAILABLE && b->d) { /* opened again for the next batch */
        dom_close(b->d);
        b->d = NULL;
    }
}

/* Waits for more writes until the batch is full or wait_us has passed. */
static void linger(dom_batcher *b)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += (long)b->cfg.wait_us * 1000;
    until.tv_sec += until.tv_nsec / 1000000000;
    until.tv_nsec %= 1000000000;
    while (!b->stop && b->queued < b->cfg.max)
        if (pthread_cond_timedwait(&b->work, &b->lock, &until) == ETIMEDOUT)
            break;
}

/* Takes up to cfg.max writes off the queue (under the lock). */
static dom_write *take(dom_batcher *b)
{
    dom_write *batch = b->head, *last = b->head;
    int n = 1;
    while (n < b->cfg.max && last->next) {
        last = last->next;
        n++;
    }
    b->head = last->next;
    if (!b->head)
        b->tail = NULL;
    last->next = NULL;
    b->queued -= n;
    b->batches++;
    b->writes += n;
    return batch;
}

static void *writer(void *arg)
{
    dom_batcher *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->head && !b->stop)
            pthread_cond_wait(&b->work, &b->lock);
        if (!b->head)
            break;
        if (b->cfg.wait_us > 0)
            linger(b);
        dom_write *batch = take(b);
        pthread_mutex_unlock(&b->lock);
        run_batch(b, batch);
        /* Told: a waiter under the lock, a submitter by its callback (after
         * which the write is no longer the writer's to read). */
        pthread_mutex_lock(&b->lock);
        dom_write *told = NULL;
        for (dom_write *it = batch, *next; it; it = next) {
            next = it->next;
            it->finished = 1;
            if (it->done) {
                it->next = told;
                told = it;
            }
        }
        pthread_cond_broadcast(&b->done);
        pthread_mutex_unlock(&b->lock);
        for (dom_write *it = told, *next; it; it = next) {
            next = it->next;
            it->done(it);
        }
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* ---- callers ---- */

static int enqueue_locked(dom_batcher *b, dom_write *w, isms_err *e);

static void batcher_free(dom_batcher *b)
{
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->work);
    pthread_cond_destroy(&b->done);
    free(b->target);
    free(b);
}

int dom_batcher_start(const char *target, const dom_batch_config *c, dom_batcher **out, isms_err *e)
{
    dom_batcher *b = xcalloc(1, sizeof *b);
    b->target = xstrdup(target);
    if (c)
        b->cfg = *c;
    if (b->cfg.max <= 0)
        b->cfg.max = BATCH_DEFAULT_MAX;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done, NULL);
    *out = NULL;
    if (pthread_create(&b->thread, NULL, writer, b)) {
        batcher_free(b);
        return err_set(e, E_INTERNAL, NULL, "cannot start the writer thread");
    }
    *out = b;
    return 0;
}

/* The writes queued are done first: the writer stops when its queue is
 * empty and stop is set. */
void dom_batcher_stop(dom_batcher *b)
{
    if (!b)
        return;
    isms_err none = { 0 };
    enqueue_locked(b, NULL, &none);
    pthread_join(b->thread, NULL);
    dom_close(b->d);
    batcher_free(b);
}

void dom_write_init(dom_write *w, dom *caller, dom_write_fn fn, void *ctx)
{
    const principal *p = dom_who(caller);
    *w = (dom_write){ .fn = fn, .ctx = ctx, .who = *p, .confirmed = dom_confirmed(caller) };
    /* the caller's strings end with its request; the write may outlive it */
    w->who.actor = xstrdup(p->actor);
    w->who.person_key = p->person_key ? xstrdup(p->person_key) : NULL;
    w->who.note = p->note ? xstrdup(p->note) : NULL;
}

void dom_write_reset(dom_write *w)
{
    drop_warnings(w);
    free((char *)w->who.actor);
    free((char *)w->who.person_key);
    free((char *)w->who.note);
    w->who = (principal){ 0 };
}

/* Queues w (NULL: asks the writer to stop), under the lock. */
static int enqueue(dom_batcher *b, dom_write *w, isms_err *e)
{
    if (b->stop)
        return err_set(e, E_UNAVAILABLE, NULL, "the server is stopping; nothing was written");
    if (!w) {
        b->stop = 1;
        pthread_cond_signal(&b->work);
        return 0;
    }
    w->next = NULL;
    w->finished = 0;
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
    b->queued++;
    pthread_cond_signal(&b->work);
    return 0;
}

static int enqueue_locked(dom_batcher *b, dom_write *w, isms_err *e)
{
    pthread_mutex_lock(&b->lock);
    int rc = enqueue(b, w, e);
    pthread_mutex_unlock(&b->lock);
    return rc;
}

int dom_batch_submit(dom_batcher *b, dom_write *w, isms_err *e) { return enqueue_locked(b, w, e); }

int dom_batched(dom_batcher *b, dom *caller, dom_write_fn fn, void *ctx, isms_err *e)
{
    dom_write w;
    dom_write_init(&w, caller, fn, ctx);
    pthread_mutex_lock(&b->lock);
    int rc = enqueue(b, &w, e);
    while (!rc && !w.finished)
        pthread_cond_wait(&b->done, &b->lock);
    pthread_mutex_unlock(&b->lock);
    if (!rc) {
        rc = w.rc;
        if (rc && e)
            *e = w.e;
        for (int k = 0; !rc && k < w.nwarnings; k++)
            dom_warn(caller, "%s", w.warnings[k]);
    }
    dom_write_reset(&w);
    return rc;
}

void dom_batcher_counts(dom_batcher *b, long *batches, long *writes)
{
    pthread_mutex_lock(&b->lock);
    *batches = b->batches;
    *writes = b->writes;
    pthread_mutex_unlock(&b->lock);
}
