#define _GNU_SOURCE /* program_invocation_short_name */
#include "bench/support/util.h"
#include "domain/registers/registers.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

_Noreturn void bench_die(const char *what, const isms_err *e)
{
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, e ? e->msg : "failed");
    exit(1);
}

void bench_set(dom *d, record *r, int fid, const char *text)
{
    isms_err e = { 0 };
    if (dom_set_text(d, r, field_index(r->reg, fid), text, &e))
        bench_die(field_def(r->reg, fid)->name, &e);
}

void bench_add(dom *d, record *r, record *out)
{
    isms_err e = { 0 };
    record ignored;
    if (dom_add(d, r, out ? out : &ignored, &e))
        bench_die("add", &e);
}

unsigned bench_rand(unsigned n)
{
    static uint64_t state = 88172645463325252ull;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state % n);
}
