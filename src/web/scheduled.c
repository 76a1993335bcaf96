/* scheduled.c: what the server does on its own, on a schedule, so that a
 * page view never does it (issue 16): verify the repository (the
 * incremental verify, recorded as `isms verify` records it: meta
 * last_verification), and, when asked, run the stale analyses again (what
 * `isms quantify --stale` does: the dashboard's figures current without
 * anyone running it).
 *
 * Each job is one background thread on a repository connection of its
 * own, run at the start and then every interval; requests never wait for
 * it (SQLite in WAL mode and PostgreSQL read beside it; its writes take
 * the write lock as any writer's do). Stopping: a verification under way
 * finishes (one read and one small write, never half-recorded); a
 * re-quantification under way is cancelled through the engine's flag and
 * the analysis it was running is not saved. When asked, too: measure the
 * metrics due (what `isms metric measure` does), so that each is measured
 * on its schedule without anyone running it. One line in the log a run. */
#include "core/xalloc.h"
#include "domain/integrity/verify.h"
#include "domain/views/metrics.h"
#include "domain/workflows/quantify.h"
#include "web/web_internal.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*scheduled_fn)(const web_config *cfg, dom *d, const volatile sig_atomic_t *cancel);

struct web_scheduled {
    const web_config *cfg;
    const char *what; /* "verification", for messages */
    scheduled_fn fn;
    int every; /* seconds */
    pthread_t thread;
    sem_t stop; /* posted once, to stop */
    volatile sig_atomic_t cancel;
};

static void could_not_run(const web_config *cfg, const char *what, const char *why)
{
    if (!cfg->log)
        return;
    fprintf(cfg->log, "isms serve: scheduled %s could not run: %s\n", what, why);
    fflush(cfg->log);
}

/* One incremental verification, recorded. */
static void verify_once(const web_config *cfg, dom *d, const volatile sig_atomic_t *cancel)
{
    (void)cancel; /* short: it finishes */
    verify_report rep;
    verify_report_init(&rep);
    rep.incremental = 1;
    isms_err e = { 0 };
    int rc = dom_verify_recorded(d, &rep, &e);
    if (rc && rc != E_TAMPERED)
        could_not_run(cfg, "verification", e.msg);
    else if (cfg->log) {
        fprintf(cfg->log, "isms serve: scheduled verification %s: %lld entries (%s)\n",
                rc ? "FAILED" : "ok", (long long)rep.entries, rep.full ? "full" : "incremental");
        fflush(cfg->log);
    }
    verify_report_reset(&rep);
}

typedef struct rerun_count {
    dom *d;
    quant_opts *o;
    size_t n;
} rerun_count;

static int rerun_one(const quant_latest *l, void *ctx, isms_err *e)
{
    rerun_count *c = ctx;
    const char *key;
    int rc = dom_latest_rerun(c->d, l, c->o, &key, e);
    c->n += !rc;
    return rc;
}

/* Every stale analysis run again as it ran, and saved, one at a time. */
static void requantify_once(const web_config *cfg, dom *d, const volatile sig_atomic_t *cancel)
{
    quant_opts o = { .threads = 1, .save = 1, .cancel = cancel };
    rerun_count c = { d, &o, 0 };
    isms_err e = { 0 };
    int rc = dom_latest_stale_each(d, rerun_one, &c, &e);
    if (!cfg->log)
        return;
    fprintf(cfg->log, "isms serve: scheduled quantification: %zu stale analys%s run again%s%s\n",
            c.n, c.n == 1 ? "is" : "es", rc ? "; stopped: " : "", rc ? e.msg : "");
    fflush(cfg->log);
}

/* The metrics due measured, as the process (isms metric measure). */
static void measure_once(const web_config *cfg, dom *d, const volatile sig_atomic_t *cancel)
{
    (void)cancel; /* short: one dashboard and two writes a metric */
    dom_measured m;
    isms_err e = { 0 };
    int rc = dom_metrics_measure(d, NULL, 0, 0, &m, &e);
    if (rc)
        could_not_run(cfg, "measurement", e.msg);
    else if (cfg->log) {
        fprintf(cfg->log, "isms serve: scheduled measurement: %zu metric%s measured\n", m.n,
                m.n == 1 ? "" : "s");
        fflush(cfg->log);
    }
}

static void run_once(web_scheduled *s)
{
    dom *d;
    isms_err e = { 0 };
    if (dom_open(s->cfg->repo, &d, &e)) {
        could_not_run(s->cfg, s->what, e.msg);
        return;
    }
    s->fn(s->cfg, d, &s->cancel);
    dom_close(d);
}

/* Waits one interval: 1 when told to stop meanwhile (or before). */
static int stop_posted(web_scheduled *s)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += s->every;
    int r = sem_timedwait(&s->stop, &until);
    while (r && errno == EINTR)
        r = sem_timedwait(&s->stop, &until);
    return r == 0;
}

/* Once at the start, then every interval until stopped. */
static void *run(void *arg)
{
    web_scheduled *s = arg;
    do
        run_once(s);
    while (!s->cancel && !stop_posted(s));
    return NULL;
}

static int start(const web_config *c, const char *what, const char *option, int every,
                 scheduled_fn fn, web_scheduled **out, isms_err *e)
{
    *out = NULL;
    if (every <= 0)
        return 0;
    web_scheduled *s = xcalloc(1, sizeof *s);
    *s = (web_scheduled){ .cfg = c, .what = what, .fn = fn, .every = every };
    sem_init(&s->stop, 0, 0);
    if (pthread_create(&s->thread, NULL, run, s)) {
        sem_destroy(&s->stop);
        free(s);
        return err_set(e, E_IO, option, "%s: cannot start the %s thread", option, what);
    }
    *out = s;
    return 0;
}

int web_verifier_start(const web_config *c, web_scheduled **out, isms_err *e)
{
    return start(c, "verification", "verify-every", c->verify_every, verify_once, out, e);
}

int web_requantifier_start(const web_config *c, web_scheduled **out, isms_err *e)
{
    return start(c, "quantification", "quantify-every", c->quantify_every, requantify_once, out, e);
}

int web_measurer_start(const web_config *c, web_scheduled **out, isms_err *e)
{
    return start(c, "measurement", "measure-every", c->measure_every, measure_once, out, e);
}

void web_scheduled_stop(web_scheduled *s)
{
    if (!s)
        return;
    s->cancel = 1;
    sem_post(&s->stop);
    pthread_join(s->thread, NULL);
    sem_destroy(&s->stop);
    free(s);
}
