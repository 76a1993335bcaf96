/* verifier.c: the server verifies the repository on a schedule, so that
 * the dashboard can show a recent verification without ever verifying
 * on a page view (issue 16). One background thread, on its own
 * repository connection, runs the incremental verify at the start and
 * then every `verify_every` seconds and records the result as `isms verify` does
 * (meta last_verification); requests never wait for it (SQLite in WAL
 * mode and PostgreSQL read beside it; only the one-row record at the end
 * is a write). Stopping waits for a verification under way to finish:
 * it is one read and one small write, never half-recorded. */
#include "core/xalloc.h"
#include "domain/integrity/verify.h"
#include "web/web_internal.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct web_verifier {
    const web_config *cfg;
    pthread_t thread;
    sem_t stop; /* posted once, to stop */
};

/* One incremental verification, recorded; a line in the access log. */
static void verify_once(web_verifier *v)
{
    dom *d;
    isms_err e = { 0 };
    int rc = dom_open(v->cfg->repo, &d, &e);
    if (!rc) {
        verify_report rep;
        verify_report_init(&rep);
        rep.incremental = 1;
        rc = dom_verify_recorded(d, &rep, &e);
        if (v->cfg->log && (!rc || rc == E_TAMPERED))
            fprintf(v->cfg->log, "isms serve: scheduled verification %s: %lld entries (%s)\n",
                    rc ? "FAILED" : "ok", (long long)rep.entries,
                    rep.full ? "full" : "incremental");
        verify_report_reset(&rep);
        dom_close(d);
    }
    if (v->cfg->log && rc && rc != E_TAMPERED)
        fprintf(v->cfg->log, "isms serve: scheduled verification could not run: %s\n", e.msg);
    if (v->cfg->log)
        fflush(v->cfg->log);
}

/* Waits one interval: 1 when told to stop meanwhile (or before). */
static int stop_posted(web_verifier *v)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += v->cfg->verify_every;
    int r = sem_timedwait(&v->stop, &until);
    while (r && errno == EINTR)
        r = sem_timedwait(&v->stop, &until);
    return r == 0;
}

/* Once at the start (the dashboard then shows this process's own
 * verification), then every interval until stopped; a stop during a
 * verification takes effect when it is recorded. */
static void *run(void *arg)
{
    web_verifier *v = arg;
    do
        verify_once(v);
    while (!stop_posted(v));
    return NULL;
}

int web_verifier_start(const web_config *c, web_verifier **out, isms_err *e)
{
    *out = NULL;
    if (c->verify_every <= 0)
        return 0;
    web_verifier *v = xcalloc(1, sizeof *v);
    v->cfg = c;
    sem_init(&v->stop, 0, 0);
    if (pthread_create(&v->thread, NULL, run, v)) {
        sem_destroy(&v->stop);
        free(v);
        return err_set(e, E_IO, "verify-every", "verify-every: cannot start the verifier thread");
    }
    *out = v;
    return 0;
}

void web_verifier_stop(web_verifier *v)
{
    if (!v)
        return;
    sem_post(&v->stop);
    pthread_join(v->thread, NULL);
    sem_destroy(&v->stop);
    free(v);
}
