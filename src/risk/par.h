/* par.h: a small worker pool for the engine's data-parallel loops.
 *
 * Work is cut into numbered units (blocks of iterations, risks to prepare);
 * workers claim the next unit from an atomic counter. Every unit writes
 * only its own outputs, so results do not depend on which worker ran what:
 * that is the engine's determinism. The calling thread is worker 0 and the
 * only one that calls the progress callback. */
#ifndef ISMS_RISK_PAR_H
#define ISMS_RISK_PAR_H

#include <signal.h>
#include <stddef.h>

typedef struct par par;

/* Runs unit `unit` on worker `worker` (0 .. par_workers()-1); 0 or an E_* code. */
typedef int (*par_fn)(void *ctx, size_t unit, unsigned worker);
typedef void (*par_progress_fn)(void *ctx, size_t units_done);

/* A pool of `threads` workers (0: one per online CPU), the caller included. */
par *par_new(unsigned threads);
void par_free(par *p);
unsigned par_workers(const par *p);

/* Runs units 0..n-1 and returns when all have finished: 0, the first error
 * a unit returned, or E_INTERRUPTED when *cancel became non-zero (checked
 * before every unit). */
int par_run(par *p, size_t n, par_fn fn, void *ctx, const volatile sig_atomic_t *cancel,
            par_progress_fn progress, void *progress_ctx);

/* The number of online CPUs (at least 1). */
unsigned par_cpus(void);

#endif
