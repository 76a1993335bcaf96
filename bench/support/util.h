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
/* n numbers drawn with bench_rand in order: out[k] in 1..limit[k]. */
void bench_draw(unsigned *out, const unsigned *limit, int n);
/* r (id and key set) written straight through the store with its ledger
 * entry, as dom_add would leave them (record_canonical + ledger_append),
 * or dies: the fast path of bench_scale and bench_mixed. */
void bench_insert_logged(dom *d, const record *r);
/* dom_add, or dies. `out` may be NULL. */
void bench_add(dom *d, record *r, record *out);
/* A record of `reg` from (field id, text) pairs ended by -1, added with
 * bench_add. */
void bench_record(dom *d, const regdef *reg, record *out, ...);
/* Risk i ("Risk i: loss of service through supplier failure", owned by
 * Omar, mitigated) on OBJ-`objective` with these levels, and further
 * (field id, text) pairs ended by -1; added with bench_add. */
void bench_risk(dom *d, long i, unsigned objective, unsigned likelihood, unsigned impact, ...);
/* The people every benchmark repository has: PER-1 Dana Board (the
 * management body), PER-2 Omar Owner (omar@bench.example: risks, assets,
 * controls), PER-3 Cleo Control (controls); then OBJ-1..`objectives`
 * owned by Dana, each with `value_at_stake`, and AST-1..`assets`, systems
 * owned by Omar. */
void bench_seed(dom *d, int objectives, const char *value_at_stake, int assets);

#endif
