/* util.h: what every benchmark program needs: a clock, a way to
 * stop on an error, and records built field by field. */
#ifndef ISMS_BENCH_SUPPORT_UTIL_H
#define ISMS_BENCH_SUPPORT_UTIL_H

#include "core/err.h"
#include "domain/engine/dom.h"

/* Seconds on the monotonic clock. */
double bench_now(void);
/* Prints "<program>: <what>: <message>" and exits 1. */
_Noreturn void bench_die(const char *what, const isms_err *e);
/* Sets field `fid` of r from text, or dies naming the field. */
void bench_set(dom *d, record *r, int fid, const char *text);
/* A number in [0, n) from a fixed xorshift sequence: the same
 * repository on every run. */
unsigned bench_rand(unsigned n);
/* dom_add, or dies. `out` may be NULL. */
void bench_add(dom *d, record *r, record *out);

#endif
