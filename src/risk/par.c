#include "risk/par.h"

#include "core/err.h"
#include "core/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

/* One job at a time; helpers sleep on `wake` between jobs and count
 * themselves out on `idle` when a job's units run out. */
struct par {
    unsigned workers;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t wake, idle;
    unsigned long generation; /* bumped per job; helpers wait for a new one */
    unsigned busy;            /* helpers still inside the current job */
    int quit;

    /* the current job */
    par_fn fn;
    void *ctx;
    size_t n;
    const volatile sig_atomic_t *cancel;
    atomic_size_t next;
    atomic_size_t done;
    atomic_int rc;
};

unsigned par_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

/* Claims and runs units until none are left, a unit fails or *cancel is set. */
static void work(par *p, unsigned worker, par_progress_fn progress, void *pctx)
{
    for (;;) {
        size_t unit = atomic_fetch_add(&p->next, 1);
        if (unit >= p->n)
            return;
        if (p->cancel && *p->cancel) {
            int expected = 0;
            atomic_compare_exchange_strong(&p->rc, &expected, E_INTERRUPTED);
            atomic_store(&p->next, p->n);
            return;
        }
        int rc = p->fn(p->ctx, unit, worker);
        if (rc) {
            int expected = 0;
            atomic_compare_exchange_strong(&p->rc, &expected, rc);
            atomic_store(&p->next, p->n);
            return;
        }
        size_t done = atomic_fetch_add(&p->done, 1) + 1;
        if (progress)
            progress(pctx, done);
    }
}

struct helper_arg {
    par *p;
    unsigned worker;
};

static void *helper(void *arg)
{
    par *p = ((struct helper_arg *)arg)->p;
    unsigned worker = ((struct helper_arg *)arg)->worker;
    free(arg);
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->quit && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit)
            break;
        seen = p->generation;
        pthread_mutex_unlock(&p->lock);
        work(p, worker, NULL, NULL);
        pthread_mutex_lock(&p->lock);
        p->busy--;
        if (p->busy == 0)
            pthread_cond_signal(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

par *par_new(unsigned threads)
{
    par *p = xcalloc(1, sizeof *p);
    p->workers = threads ? threads : par_cpus();
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    p->threads = xcalloc(p->workers, sizeof *p->threads);
    for (unsigned w = 1; w < p->workers; w++) {
        struct helper_arg *arg = xmalloc(sizeof *arg);
        arg->p = p;
        arg->worker = w;
        if (pthread_create(&p->threads[w], NULL, helper, arg) != 0)
            xdie("pthread_create");
    }
    return p;
}

void par_free(par *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned w = 1; w < p->workers; w++)
        pthread_join(p->threads[w], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->lock);
    free(p->threads);
    free(p);
}

unsigned par_workers(const par *p) { return p->workers; }

int par_run(par *p, size_t n, par_fn fn, void *ctx, const volatile sig_atomic_t *cancel,
            par_progress_fn progress, void *progress_ctx)
{
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    p->cancel = cancel;
    atomic_store(&p->next, 0);
    atomic_store(&p->done, 0);
    atomic_store(&p->rc, 0);
    /* Helpers join only when there is more than one unit to share. */
    unsigned helpers = n > 1 ? p->workers - 1 : 0;
    if (helpers) {
        pthread_mutex_lock(&p->lock);
        p->busy = helpers;
        p->generation++;
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    work(p, 0, progress, progress_ctx);
    if (helpers) {
        pthread_mutex_lock(&p->lock);
        while (p->busy)
            pthread_cond_wait(&p->idle, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
    int rc = atomic_load(&p->rc);
    if (progress && !rc && n)
        progress(progress_ctx, n); /* helpers may have finished the last units */
    return rc;
}
