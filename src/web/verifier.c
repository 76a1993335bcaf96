/* verifier.c: the server verifies the repository on a schedule, so that
 * the dashboard can show a recent verification without ever verifying
 * on a page view (issue 16). One background thread, on its own
 * repository connection, runs the incremental verify every
 * `verify_every` seconds and records the result as `isms verify` does
 * (meta last_verification); requests never wait for it (SQLite in WAL
 * mode and PostgreSQL read beside it; only the one-row record at the end
 * is a write). Stopping waits for a verification under way to finish:
 * it is one read and one small write, never half-recorded. */
#include "core/xalloc.h"
#include "domain/integrity/verify.h"
#include "web/web_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct web_verifier {
    const web_config *cfg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stopping;
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

static void *run(void *arg)
{
    web_verifier *v = arg;
    pthread_mutex_lock(&v->lock);
    while (!v->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += v->cfg->verify_every;
        int w = 0;
        while (!v->stopping && w != ETIMEDOUT)
            w = pthread_cond_timedwait(&v->wake, &v->lock, &until);
        if (v->stopping)
            break;
        pthread_mutex_unlock(&v->lock);
        verify_once(v);
        pthread_mutex_lock(&v->lock);
    }
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

int web_verifier_start(const web_config *c, web_verifier **out, isms_err *e)
{
    *out = NULL;
    if (c->verify_every <= 0)
        return 0;
    web_verifier *v = xcalloc(1, sizeof *v);
    v->cfg = c;
    pthread_mutex_init(&v->lock, NULL);
    pthread_cond_init(&v->wake, NULL);
    if (pthread_create(&v->thread, NULL, run, v)) {
        pthread_cond_destroy(&v->wake);
        pthread_mutex_destroy(&v->lock);
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
    pthread_mutex_lock(&v->lock);
    v->stopping = 1;
    pthread_cond_signal(&v->wake);
    pthread_mutex_unlock(&v->lock);
    pthread_join(v->thread, NULL);
    pthread_cond_destroy(&v->wake);
    pthread_mutex_destroy(&v->lock);
    free(v);
}
