/* longjob.h: long commands on a terminal (Monte Carlo runs, imports,
 * migrations): progress on stderr when it is a terminal, and Ctrl-C turned
 * into a clean stop. The engine and the backup check the cancel flag
 * between blocks and roll back; the command then exits with the
 * "interrupted" status and says that nothing was saved. */
#ifndef ISMS_CLI_LONGJOB_H
#define ISMS_CLI_LONGJOB_H

#include "core/err.h"

#include <signal.h>
#include <stdint.h>

typedef struct longjob {
    const char *what;
    int tty;
    int last;  /* last percentage or count shown */
    int shown; /* a progress line is on the terminal, to clear at the end */
} longjob;

/* Starts watching for Ctrl-C. */
void longjob_start(longjob *j, const char *what);
/* The flag the long computation polls. */
const volatile sig_atomic_t *longjob_cancel(void);
/* Progress callbacks: a fraction (done of total), or a count. */
void longjob_fraction(void *job, uint64_t done, uint64_t total);
void longjob_count(void *job, uint64_t done);
/* Stops watching; an interrupted failure becomes E_INTERRUPTED. */
int longjob_end(longjob *j, int rc, isms_err *e);

#endif
