/* stats_impl.h: the insides of the summaries, shared by stats.c (the public
 * functions), stats_select.c (exact selection in two passes),
 * stats_stream.c (a summary planned from a pilot, made in one pass) and
 * stats_scan.c (that pass's inner loop); not part of the public API. */
#ifndef ISMS_RISK_STATS_IMPL_H
#define ISMS_RISK_STATS_IMPL_H

#include "risk/stats.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define STATS_MAX_LEVELS 32
#define STATS_MAX_RANKS (2 * STATS_MAX_LEVELS + 2)
#define STATS_KEY_ZERO UINT64_C(0x8000000000000000) /* stats_key(+0.0) */

/* Order-preserving keys: a < b as doubles iff key(a) < key(b) (and -0.0
 * sorts just below +0.0). */
static inline uint64_t stats_key(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b ^ ((uint64_t)((int64_t)b >> 63) | UINT64_C(0x8000000000000000));
}

static inline double stats_value(uint64_t k)
{
    uint64_t b = k >> 63 ? k ^ UINT64_C(0x8000000000000000) : ~k;
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* out[i] = the key at rank r[i] (ascending, < n, at most STATS_MAX_RANKS
 * + 1 of them) of a[0..n), which it reorders; by counting digits, without
 * the unpredictable branches of quickselect. */
void stats_radix_select(uint64_t *a, size_t n, const size_t *r, size_t nr, uint64_t *out);
/* The same over the keys of x[0..n), which it leaves as they are. */
void stats_radix_select_values(const double *x, size_t n, const size_t *r, size_t nr,
                               uint64_t *out);

/* ---- the ranks that quantiles need ---- */

/* numpy's "linear" quantile at level q is x(lo) + frac (x(lo+1) - x(lo)),
 * lo = floor(q (n-1)): a plan holds those ranks for several levels, plus
 * the minimum and the maximum, ascending and without repeats. */
typedef struct levels_plan {
    size_t ranks[STATS_MAX_RANKS];
    size_t nranks;
    size_t lo[STATS_MAX_LEVELS]; /* per level: index into ranks of floor(h) */
    double frac[STATS_MAX_LEVELS];
} levels_plan;

void stats_plan_levels(levels_plan *p, const double *levels, size_t nlevels, size_t n);
/* Level i's quantile, keys[j] being the key at rank p->ranks[j]. */
double stats_interpolate(const levels_plan *p, const uint64_t *keys, size_t i);

/* ---- exact selection over a whole sample (two passes) ---- */

typedef struct order_query {
    const size_t *ranks; /* ascending, unique, < n */
    size_t nranks;
    uint64_t *keys; /* out: the key at each rank */
    size_t es_rank; /* sum the values at ranks >= this (n: none) */
    double es_sum;  /* out */
} order_query;

/* E_INVALID when the sample holds a NaN. */
int stats_order_exact(const double *x, size_t n, unsigned threads, order_query *q);

/* Did the last stats_stream_finish find every rank in its bracket (rather
 * than select again over the whole sample)? For the tests. */
int stats_stream_bracketed(const stats_stream *s);

/* ---- one pass over a block of a streamed sample ----
 *
 * Brackets are disjoint value ranges [from, past), ascending, each expected
 * to hold some wanted order statistics. The pass counts the values at or
 * above each bracket's lower end and copies the values inside the brackets,
 * zeros excepted: zeros are counted, since years without a loss can be
 * most of a sample. How many a bracket holds is then its copies plus, when
 * it spans zero, the zeros. */
#define STATS_MAX_BRACKETS 4

typedef struct scan_plan {
    double shift;         /* sum of squares about this */
    double thresholds[2]; /* count values above these */
    double es_from;       /* sum values >= this */
    size_t nbrackets;
    double from[STATS_MAX_BRACKETS]; /* a bracket's lowest value (-inf: all below) */
    double past[STATS_MAX_BRACKETS]; /* the next double after its highest (NaN: none) */
} scan_plan;

/* One block's totals; the sums in a fixed order within the block. */
typedef struct scan_tally {
    double sum, sumsq, es;
    double min, max;
    uint64_t above[2], zeros;
    uint64_t from[STATS_MAX_BRACKETS]; /* values >= from[j] */
} scan_tally;

/* Scans x[0..m) (m <= STATS_BLOCK) into t and appends the values inside
 * the brackets to pool (room for m + 4 needed); returns how many. */
size_t stats_scan(const scan_plan *p, const double *x, size_t m, scan_tally *t, double *pool);

/* The versions stats_scan chooses from (the best the CPU has), each giving
 * the same bits: for the tests that hold them to it. */
enum { STATS_SCAN_PORTABLE, STATS_SCAN_SSE2, STATS_SCAN_AVX2 };
int stats_scan_has(int version);
size_t stats_scan_version(int version, const scan_plan *p, const double *x, size_t m, scan_tally *t,
                          double *pool);

#endif
