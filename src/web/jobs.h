/* jobs.h: analyses run in the background for a person on the web, saved
 * at the end (jobs.c says how and for whom). The table is the server's;
 * pages_jobs.c is its pages and API. */
#ifndef ISMS_WEB_JOBS_H
#define ISMS_WEB_JOBS_H

#include "core/err.h"
#include "domain/engine/dom.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
    WEB_JOBS_KEPT = 32,   /* jobs kept for their pages, the newest */
    WEB_JOBS_RUNNING = 2, /* under way at once */
};

typedef enum web_job_kind {
    WJ_RISK,         /* one risk (subject RISK-n) */
    WJ_PORTFOLIO,    /* the organisation */
    WJ_BY_OBJECTIVE, /* the organisation and each objective */
    WJ_RETURNS,      /* the return on controls */
    WJ_RERUN,        /* analysis subject (QNT-n) again, as it ran */
    WJ_STALE,        /* every stale analysis again, as each ran (isms quantify --stale) */
} web_job_kind;

typedef enum web_job_state { WJ_RUNNING, WJ_SAVED, WJ_FAILED, WJ_CANCELLED } web_job_state;

typedef struct web_job_spec {
    web_job_kind kind;
    char subject[64];  /* RISK-n, QNT-n; "" for the others */
    size_t iterations; /* 0 for a rerun: the analysis's own */
    uint64_t seed;
} web_job_spec;

/* A job as its page shows it: a copy, taken under the table's lock. */
typedef struct web_job {
    int id;
    web_job_spec spec;
    char person_key[32]; /* who started it */
    web_job_state state;
    uint64_t done, total;              /* simulated years, of (0 of 0: not started yet) */
    int steps;                         /* a stale job: the analyses run again so far */
    int64_t started_us, ended_us;      /* web_now_us(): for durations */
    char started_at[21], ended_at[21]; /* ISO 8601 UTC; ended_at "" while running */
    char analysis[32];                 /* saved: QNT-n (a stale job: the last it saved) */
    char error[512];                   /* failed: why; cancelled: by whom */
} web_job;

typedef struct web_jobs web_jobs;

/* The table for repository `repo`; each job's end is a line in `log`
 * (NULL: none). Both must outlive it. */
web_jobs *web_jobs_new(const char *repo, FILE *log);
/* Cancels the jobs under way (nothing of theirs is saved), waits for
 * their threads, and frees the table. */
void web_jobs_stop(web_jobs *j);

/* Starts a job for p (who must be allowed to save an analysis: E_DENIED);
 * E_CONFLICT when WEB_JOBS_RUNNING are under way. *id its number. The
 * spec is taken as it is: the caller checked it (pages_jobs.c). */
int web_jobs_start(web_jobs *j, const principal *p, const web_job_spec *spec, int *id, isms_err *e);
/* Job `id` as it is now: E_NOT_FOUND when it is not kept, E_DENIED when p
 * did not start it and is not the isms-lead. */
int web_jobs_get(web_jobs *j, int id, const principal *p, web_job *out, isms_err *e);
/* Stops job `id` (as web_jobs_get finds it; E_CONFLICT when it has ended). */
int web_jobs_cancel(web_jobs *j, int id, const principal *p, isms_err *e);
/* The jobs p may see, newest first, at most max: how many. */
size_t web_jobs_list(web_jobs *j, const principal *p, web_job *out, size_t max);

const char *web_job_kind_name(web_job_kind k); /* "risk", "portfolio-by-objective", ... */
const char *web_job_state_name(web_job_state s);
int web_job_kind_parse(const char *text, web_job_kind *out, isms_err *e);
/* Seconds a running job has left, from its pace so far; -1: unknown. */
double web_job_remaining(const web_job *job, int64_t now_us);

#endif
