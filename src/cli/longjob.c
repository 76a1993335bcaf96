#include "cli/longjob.h"

#include <stdio.h>
#include <unistd.h>

/* Set from the signal handler only: the one piece of mutable process
 * state the CLI keeps, as a signal handler can touch nothing else. */
static volatile sig_atomic_t interrupted;

/* The first signal asks for a clean stop (the engine and the backup look
 * at the flag every few milliseconds); a second one, should anything not
 * listen, ends the process at once. */
static void on_interrupt(int sig)
{
    interrupted = 1;
    signal(sig, SIG_DFL);
}

void longjob_start(longjob *j, const char *what)
{
    j->what = what;
    j->tty = isatty(2);
    j->last = -1;
    j->shown = 0;
    interrupted = 0;
    signal(SIGINT, on_interrupt);
    signal(SIGTERM, on_interrupt);
}

const volatile sig_atomic_t *longjob_cancel(void) { return &interrupted; }

void longjob_fraction(void *job, uint64_t done, uint64_t total)
{
    longjob *j = job;
    int pct = total ? (int)(100 * done / total) : 100;
    if (j->tty && pct != j->last) {
        fprintf(stderr, "\r%s: %3d%%", j->what, pct);
        j->last = pct;
        j->shown = 1;
    }
}

void longjob_count(void *job, uint64_t done)
{
    longjob *j = job;
    if (j->tty) {
        fprintf(stderr, "\r%s: %llu", j->what, (unsigned long long)done);
        j->shown = 1;
    }
}

int longjob_end(longjob *j, int rc, isms_err *e)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (j->shown) /* (nothing shown, nothing to clear: a command's output starts clean) */
        fputs("\r\033[K", stderr);
    if (interrupted && rc) {
        err_clear(e);
        return err_set(e, E_INTERRUPTED, NULL, "interrupted: nothing was saved");
    }
    return rc;
}
