/* jobs.c: analyses run in the background for a person on the web.
 *
 * A what-if computes inside its request, for at most the server's what-if
 * limit (web_config.whatif_ms). A run longer than that (a risk at a
 * million simulated years, the portfolio of a large register, a stale
 * analysis run again as it ran) is a job: a thread and a repository
 * connection of its own, the engine's progress reports kept for its page,
 * and, at the end, the analysis saved (QNT-n) as `isms risk quantify`
 * saves one: in one transaction, so a job cancelled or cut short by the
 * server stopping saves nothing half-done.
 *
 * Who: only a person who may save an analysis (principal_may_write on the
 * analyses: the isms-lead) starts one, and the job acts as that person,
 * their roles read again when it starts. A job is seen and cancelled by
 * whoever started it and by the isms-lead. At most WEB_JOBS_RUNNING run at
 * once (each on one core: the server's workers keep the rest); the last
 * WEB_JOBS_KEPT are kept, in memory, for their pages: the analyses they
 * saved are in the repository, jobs are not. */
#include "web/jobs.h"
#include "web/web_internal.h"

#include "core/text.h"
#include "core/xalloc.h"
#include "domain/registers/registers.h"
#include "domain/workflows/quantify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
    web_job job;
    int used;
    int joinable; /* its thread has not been joined yet */
    pthread_t thread;
    volatile sig_atomic_t cancel;
    char cancelled_by[256];
    struct web_jobs *owner;
} slot;

struct web_jobs {
    const char *repo;
    FILE *log;
    pthread_mutex_t mu;
    slot slots[WEB_JOBS_KEPT];
    int next_id;
    int running;
};

static const char *const kind_names[] = { [WJ_RISK] = "risk",
                                          [WJ_PORTFOLIO] = "portfolio",
                                          [WJ_BY_OBJECTIVE] = "portfolio-by-objective",
                                          [WJ_RETURNS] = "control-return",
                                          [WJ_RERUN] = "rerun",
                                          [WJ_STALE] = "stale" };

static const char *const state_names[] = { [WJ_RUNNING] = "running",
                                           [WJ_SAVED] = "saved",
                                           [WJ_FAILED] = "failed",
                                           [WJ_CANCELLED] = "cancelled" };

const char *web_job_kind_name(web_job_kind k) { return kind_names[k]; }
const char *web_job_state_name(web_job_state s) { return state_names[s]; }

int web_job_kind_parse(const char *text, web_job_kind *out, isms_err *e)
{
    for (size_t k = 0; k < sizeof kind_names / sizeof *kind_names; k++)
        if (text && !strcmp(text, kind_names[k])) {
            *out = (web_job_kind)k;
            return 0;
        }
    return err_set(e, E_INVALID, "kind",
                   "kind: '%s' is not a kind of analysis (risk, portfolio, "
                   "portfolio-by-objective, control-return, rerun, stale)",
                   text ? text : "");
}

web_jobs *web_jobs_new(const char *repo, FILE *log)
{
    web_jobs *j = xcalloc(1, sizeof *j);
    j->repo = repo;
    j->log = log;
    j->next_id = 1;
    pthread_mutex_init(&j->mu, NULL);
    return j;
}

void web_jobs_stop(web_jobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    for (int k = 0; k < WEB_JOBS_KEPT; k++)
        if (j->slots[k].used && j->slots[k].job.state == WJ_RUNNING)
            j->slots[k].cancel = 1;
    pthread_mutex_unlock(&j->mu);
    for (int k = 0; k < WEB_JOBS_KEPT; k++)
        if (j->slots[k].joinable)
            pthread_join(j->slots[k].thread, NULL);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

/* ---- the job's thread ---- */

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    slot *s = ctx;
    pthread_mutex_lock(&s->owner->mu);
    s->job.done = done;
    s->job.total = total;
    pthread_mutex_unlock(&s->owner->mu);
}

typedef struct stale_run {
    slot *s;
    dom *d;
    quant_opts *o;
} stale_run;

static int rerun_stale(const quant_latest *l, void *ctx, isms_err *e)
{
    stale_run *c = ctx;
    const char *key;
    int rc = dom_latest_rerun(c->d, l, c->o, &key, e);
    if (rc)
        return rc;
    pthread_mutex_lock(&c->s->owner->mu);
    c->s->job.steps++;
    snprintf(c->s->job.analysis, sizeof c->s->job.analysis, "%s", key ? key : "");
    pthread_mutex_unlock(&c->s->owner->mu);
    return 0;
}

/* The run the spec asks for, saved: *key the analysis. */
static int compute(dom *d, slot *s, const web_job_spec *spec, quant_opts *o, const char **key,
                   isms_err *e)
{
    switch (spec->kind) {
    case WJ_RISK: return dom_quantify_kind(d, "risk", spec->subject, o, key, e);
    case WJ_PORTFOLIO: return dom_quantify_kind(d, "portfolio", "portfolio", o, key, e);
    case WJ_BY_OBJECTIVE:
        return dom_quantify_kind(d, "portfolio", "portfolio by objective", o, key, e);
    case WJ_RETURNS: return dom_quantify_kind(d, "control-return", "controls", o, key, e);
    case WJ_RERUN: return dom_analysis_rerun(d, spec->subject, o, key, e);
    case WJ_STALE: {
        stale_run c = { s, d, o };
        *key = NULL; /* each saved is noted as it is (rerun_stale) */
        return dom_latest_stale_each(d, rerun_stale, &c, e);
    }
    }
    return err_set(e, E_INTERNAL, "kind", "kind: %d unknown", (int)spec->kind);
}

/* Runs slot s's job as the person who started it: the analysis's key
 * into `analysis`, or the reason into e. */
static int run_job(slot *s, const web_job *job, char *analysis, size_t n, isms_err *e)
{
    dom *d;
    int rc = dom_open(s->owner->repo, &d, e);
    if (rc)
        return rc;
    principal p;
    rc = dom_principal(d, job->person_key, &p, e);
    if (!rc) {
        p.note = arena_printf(dom_arena(d), "run in the background from the web (job %d)", job->id);
        rc = dom_begin(d, &p, e);
    }
    if (!rc) {
        quant_opts o = { .iterations = job->spec.iterations,
                         .seed = job->spec.seed,
                         .threads = 1,
                         .save = 1,
                         .progress = on_progress,
                         .progress_ctx = s,
                         .cancel = &s->cancel };
        const char *key = NULL;
        rc = compute(d, s, &job->spec, &o, &key, e);
        if (!rc && key)
            snprintf(analysis, n, "%s", key);
        dom_end(d);
    }
    dom_close(d);
    return rc;
}

/* One line in the server's log a job: who ran what, how it ended, and
 * how long it took (an operator's record beside the ledger's). Written by
 * one call, so that the workers' lines cannot cut into it. */
static void log_end(FILE *log, const web_job *job)
{
    if (!log)
        return;
    const web_job_spec *sp = &job->spec;
    char numbers[64] = "";
    if (sp->iterations)
        snprintf(numbers, sizeof numbers, ", %zu iterations, seed %llu", sp->iterations,
                 (unsigned long long)sp->seed);
    int saved = job->state == WJ_SAVED;
    if (saved && sp->kind == WJ_STALE)
        snprintf(numbers, sizeof numbers, ": %d run again", job->steps);
    fprintf(log, "isms serve: job %d (%s%s%s%s) by %s: %s%s%s after %.1f s%s%s\n", job->id,
            kind_names[sp->kind], sp->subject[0] ? " " : "", sp->subject, numbers, job->person_key,
            state_names[job->state], saved && job->analysis[0] ? " " : "",
            saved ? job->analysis : "", (double)(job->ended_us - job->started_us) / 1e6,
            saved ? "" : ": ", saved ? "" : job->error);
    fflush(log);
}

static void *run(void *arg)
{
    slot *s = arg;
    web_jobs *j = s->owner;
    pthread_mutex_lock(&j->mu);
    web_job job = s->job; /* the thread's own copy: the slot changes under the lock */
    pthread_mutex_unlock(&j->mu);
    char analysis[sizeof job.analysis] = "";
    isms_err e = { 0 };
    int rc = run_job(s, &job, analysis, sizeof analysis, &e);
    pthread_mutex_lock(&j->mu);
    s->job.ended_us = web_now_us();
    now_timestamp(s->job.ended_at);
    if (!rc) {
        s->job.state = WJ_SAVED;
        s->job.done = s->job.total;
        if (analysis[0]) /* (a stale job noted each as it went) */
            snprintf(s->job.analysis, sizeof s->job.analysis, "%s", analysis);
    } else if (rc == E_INTERRUPTED && s->cancel) {
        s->job.state = WJ_CANCELLED;
        snprintf(s->job.error, sizeof s->job.error, "cancelled by %s: nothing was saved",
                 s->cancelled_by[0] ? s->cancelled_by : "the server stopping");
    } else {
        s->job.state = WJ_FAILED;
        snprintf(s->job.error, sizeof s->job.error, "%s", e.msg);
    }
    j->running--;
    web_job ended = s->job;
    pthread_mutex_unlock(&j->mu);
    log_end(j->log, &ended);
    return NULL;
}

/* ---- starting, reading, cancelling ---- */

static int visible(const slot *s, const principal *p)
{
    return s->used && p->person_key &&
           (!strcmp(s->job.person_key, p->person_key) || principal_has_role(p, "isms-lead"));
}

/* A slot for a new job (the caller holds the lock): a free one, else the
 * one of the oldest job that has ended, its thread joined; NULL: none. */
static slot *free_slot(web_jobs *j)
{
    slot *oldest = NULL;
    for (int k = 0; k < WEB_JOBS_KEPT; k++) {
        slot *s = &j->slots[k];
        if (!s->used)
            return s;
        if (s->job.state != WJ_RUNNING && (!oldest || s->job.id < oldest->job.id))
            oldest = s;
    }
    if (oldest && oldest->joinable) {
        pthread_join(oldest->thread, NULL); /* it has ended: at once */
        oldest->joinable = 0;
    }
    return oldest;
}

/* The jobs under way as "3 and 4", for a refusal. */
static void running_ids(web_jobs *j, char *dst, size_t n)
{
    size_t len = 0;
    dst[0] = 0;
    for (int k = 0; k < WEB_JOBS_KEPT && len < n; k++)
        if (j->slots[k].used && j->slots[k].job.state == WJ_RUNNING)
            len +=
                (size_t)snprintf(dst + len, n - len, "%s%d", len ? ", " : "", j->slots[k].job.id);
}

int web_jobs_start(web_jobs *j, const principal *p, const web_job_spec *spec, int *id, isms_err *e)
{
    if (!p->person_key)
        return err_set(e, E_DENIED, "job", "job: only a person signed in may start one");
    int rc = principal_may_write(p, &reg_analysis, NULL, NULL, e);
    if (rc)
        return rc;
    pthread_mutex_lock(&j->mu);
    if (j->running >= WEB_JOBS_RUNNING) {
        char ids[64];
        running_ids(j, ids, sizeof ids);
        pthread_mutex_unlock(&j->mu);
        return err_set(e, E_CONFLICT, "job",
                       "job: the server runs %d analyses at once and %d are under way (jobs %s): "
                       "start this one when one has ended, or cancel one",
                       WEB_JOBS_RUNNING, WEB_JOBS_RUNNING, ids);
    }
    slot *s = free_slot(j);
    *s = (slot){ .used = 1, .owner = j };
    s->job = (web_job){ .id = j->next_id, .spec = *spec, .state = WJ_RUNNING, .total = 0 };
    snprintf(s->job.person_key, sizeof s->job.person_key, "%s", p->person_key);
    s->job.started_us = web_now_us();
    now_timestamp(s->job.started_at);
    if (pthread_create(&s->thread, NULL, run, s)) {
        s->used = 0;
        pthread_mutex_unlock(&j->mu);
        return err_set(e, E_IO, "job", "job: cannot start a thread for it");
    }
    s->joinable = 1;
    j->running++;
    *id = j->next_id++;
    pthread_mutex_unlock(&j->mu);
    return 0;
}

/* Job `id` if p may see it (the caller holds the lock). */
static slot *find(web_jobs *j, int id, const principal *p, isms_err *e)
{
    for (int k = 0; k < WEB_JOBS_KEPT; k++) {
        slot *s = &j->slots[k];
        if (!s->used || s->job.id != id)
            continue;
        if (visible(s, p))
            return s;
        err_set(e, E_DENIED, "job",
                "job: %d was started by someone else (only they and the isms-lead see it)", id);
        return NULL;
    }
    err_set(e, E_NOT_FOUND, "job",
            "job: %d is not among the last %d jobs of this server since it started", id,
            WEB_JOBS_KEPT);
    return NULL;
}

int web_jobs_get(web_jobs *j, int id, const principal *p, web_job *out, isms_err *e)
{
    pthread_mutex_lock(&j->mu);
    slot *s = find(j, id, p, e);
    if (s)
        *out = s->job;
    pthread_mutex_unlock(&j->mu);
    return s ? 0 : e->code;
}

int web_jobs_cancel(web_jobs *j, int id, const principal *p, isms_err *e)
{
    pthread_mutex_lock(&j->mu);
    slot *s = find(j, id, p, e);
    int rc = s ? 0 : e->code;
    if (s && s->job.state != WJ_RUNNING)
        rc = err_set(e, E_CONFLICT, "job", "job: %d has already ended (%s)", id,
                     state_names[s->job.state]);
    else if (s) {
        snprintf(s->cancelled_by, sizeof s->cancelled_by, "%s",
                 p->actor ? p->actor : p->person_key);
        s->cancel = 1;
    }
    pthread_mutex_unlock(&j->mu);
    return rc;
}

size_t web_jobs_list(web_jobs *j, const principal *p, web_job *out, size_t max)
{
    size_t n = 0;
    pthread_mutex_lock(&j->mu);
    for (int k = 0; k < WEB_JOBS_KEPT && n < max; k++)
        if (visible(&j->slots[k], p))
            out[n++] = j->slots[k].job;
    pthread_mutex_unlock(&j->mu);
    for (size_t a = 1; a < n; a++) /* newest first: a few dozen at most */
        for (size_t b = a; b > 0 && out[b].id > out[b - 1].id; b--) {
            web_job t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return n;
}

double web_job_remaining(const web_job *job, int64_t now_us)
{
    if (job->state != WJ_RUNNING || !job->done || job->done >= job->total)
        return -1;
    double spent = (double)(now_us - job->started_us) / 1e6;
    return spent * (double)(job->total - job->done) / (double)job->done;
}
