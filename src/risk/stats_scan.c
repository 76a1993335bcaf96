/* stats_scan.c: the one pass of a streamed summary over a block of values.
 *
 * Per value: the sums for the mean and the variance, the tail sum for the
 * expected shortfall, minimum and maximum, counts above the thresholds and
 * at the brackets' lower ends, and a copy of the value when it falls inside
 * a bracket. It is most of a summary's cost, so it runs branch-free on
 * vector registers: SSE2 (part of every x86-64 CPU), or AVX2 where the CPU
 * has it. A value is stored to the pool unconditionally and the pool only
 * grows when the value belongs there; a value is inside a bracket when an
 * odd number of bracket ends lie at or below it.
 *
 * Sums are kept in four lanes (value i in lane i mod 4), added as
 * (l0 + l1) + (l2 + l3) at the end, by every version: the portable one, the
 * SSE2 one and the AVX2 one give the same bits, and a test holds them to it. */
#include "risk/stats_impl.h"

#include "core/cpu.h"

#include <math.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86 1
#endif

typedef struct lanes {
    double sum[4], sumsq[4], es[4];
} lanes;

static void lanes_init(lanes *l, scan_tally *t)
{
    memset(l, 0, sizeof *l);
    memset(t, 0, sizeof *t);
    t->min = INFINITY;
    t->max = -INFINITY;
}

static void lanes_finish(const lanes *l, scan_tally *t)
{
    t->sum = (l->sum[0] + l->sum[1]) + (l->sum[2] + l->sum[3]);
    t->sumsq = (l->sumsq[0] + l->sumsq[1]) + (l->sumsq[2] + l->sumsq[3]);
    t->es = (l->es[0] + l->es[1]) + (l->es[2] + l->es[3]);
}

/* One value in `lane`; returns the pool's new length. min and max read as
 * the vector instructions do: the old minimum stays unless it is not
 * below v. */
static inline size_t scan_one(const scan_plan *p, double v, int lane, lanes *l, scan_tally *t,
                              double *pool, size_t len)
{
    double d = v - p->shift;
    l->sum[lane] += v;
    l->sumsq[lane] += d * d;
    l->es[lane] += v >= p->es_from ? v : 0.0;
    t->min = t->min < v ? t->min : v;
    t->max = t->max > v ? t->max : v;
    t->above[0] += v > p->thresholds[0];
    t->above[1] += v > p->thresholds[1];
    int zero = v == 0.0, in = 0;
    t->zeros += (uint64_t)zero;
    for (size_t j = 0; j < p->nbrackets; j++) {
        int from = v >= p->from[j];
        t->from[j] += (uint64_t)from;
        in ^= from ^ (v >= p->past[j]);
    }
    pool[len] = v;
    return len + (size_t)(in & !zero);
}

#ifdef HAVE_X86

/* A vector comparison's true lane is all ones: -1 as an integer. */
#define COUNT128(c, mask) _mm_sub_epi64((c), _mm_castpd_si128(mask))

static uint64_t total128(__m128i c)
{
    uint64_t v[2];
    _mm_storeu_si128((__m128i *)v, c);
    return v[0] + v[1];
}

/* The counts of one vector pass, two 64-bit lanes each. */
typedef struct counts128 {
    __m128i above0, above1, zeros, from[STATS_MAX_BRACKETS];
} counts128;

static void counts128_add(const counts128 *c, size_t nb, scan_tally *t)
{
    t->above[0] += total128(c->above0);
    t->above[1] += total128(c->above1);
    t->zeros += total128(c->zeros);
    for (size_t j = 0; j < nb; j++)
        t->from[j] += total128(c->from[j]);
}

/* The per-lane sums of one register's lanes. */
typedef struct sums128 {
    __m128d sum, sumsq, es;
} sums128;

/* The constants of a pass, loaded once: the pool's stores could alias
 * the plan, so its fields would be read again at every value. */
typedef struct plan128 {
    __m128d shift, t0, t1, es_from, zero;
    __m128d from[STATS_MAX_BRACKETS], past[STATS_MAX_BRACKETS];
} plan128;

/* Two values: their sums into s, the rest into the shared totals; returns
 * the pool's new length. */
static inline __attribute__((always_inline)) size_t sse2_pair(const plan128 *k, __m128d v,
                                                              sums128 *s, __m128d *lo, __m128d *hi,
                                                              counts128 *c, double *pool,
                                                              size_t len, size_t nb)
{
    __m128d d = _mm_sub_pd(v, k->shift);
    s->sum = _mm_add_pd(s->sum, v);
    s->sumsq = _mm_add_pd(s->sumsq, _mm_mul_pd(d, d));
    s->es = _mm_add_pd(s->es, _mm_and_pd(_mm_cmpge_pd(v, k->es_from), v));
    *lo = _mm_min_pd(*lo, v);
    *hi = _mm_max_pd(*hi, v);
    c->above0 = COUNT128(c->above0, _mm_cmpgt_pd(v, k->t0));
    c->above1 = COUNT128(c->above1, _mm_cmpgt_pd(v, k->t1));
    __m128d z = _mm_cmpeq_pd(v, k->zero), in = k->zero;
    c->zeros = COUNT128(c->zeros, z);
#pragma GCC unroll 4
    for (size_t j = 0; j < nb; j++) {
        __m128d a = _mm_cmpge_pd(v, k->from[j]);
        c->from[j] = COUNT128(c->from[j], a);
        in = _mm_xor_pd(in, _mm_xor_pd(a, _mm_cmpge_pd(v, k->past[j])));
    }
    int bits = _mm_movemask_pd(_mm_andnot_pd(z, in));
    _mm_storel_pd(pool + len, v);
    len += (size_t)(bits & 1);
    _mm_storeh_pd(pool + len, v);
    return len + (size_t)(bits >> 1);
}

/* SSE2 over m values, m a multiple of 4: lanes 0-1 in one register, 2-3
 * in another; the counts and the extremes do not care which lane a value
 * was in and share registers. nb is a constant where this is inlined: the
 * bracket loop unrolls. */
static inline __attribute__((always_inline)) size_t sse2_quads(const scan_plan *p, const double *x,
                                                               size_t m, lanes *l, scan_tally *t,
                                                               double *pool, size_t nb)
{
    plan128 k;
    k.shift = _mm_set1_pd(p->shift);
    k.t0 = _mm_set1_pd(p->thresholds[0]);
    k.t1 = _mm_set1_pd(p->thresholds[1]);
    k.es_from = _mm_set1_pd(p->es_from);
    k.zero = _mm_setzero_pd();
    for (size_t j = 0; j < nb; j++) {
        k.from[j] = _mm_set1_pd(p->from[j]);
        k.past[j] = _mm_set1_pd(p->past[j]);
    }
    sums128 a = { k.zero, k.zero, k.zero }, b = a;
    __m128d lo = _mm_set1_pd(INFINITY), hi = _mm_set1_pd(-INFINITY);
    counts128 c;
    memset(&c, 0, sizeof c);
    size_t len = 0;
    for (size_t i = 0; i < m; i += 4) {
        len = sse2_pair(&k, _mm_loadu_pd(x + i), &a, &lo, &hi, &c, pool, len, nb);
        len = sse2_pair(&k, _mm_loadu_pd(x + i + 2), &b, &lo, &hi, &c, pool, len, nb);
    }
    _mm_storeu_pd(l->sum, a.sum);
    _mm_storeu_pd(l->sum + 2, b.sum);
    _mm_storeu_pd(l->sumsq, a.sumsq);
    _mm_storeu_pd(l->sumsq + 2, b.sumsq);
    _mm_storeu_pd(l->es, a.es);
    _mm_storeu_pd(l->es + 2, b.es);
    double mins[2], maxs[2];
    _mm_storeu_pd(mins, lo);
    _mm_storeu_pd(maxs, hi);
    t->min = mins[0] < mins[1] ? mins[0] : mins[1];
    t->max = maxs[0] > maxs[1] ? maxs[0] : maxs[1];
    counts128_add(&c, nb, t);
    return len;
}

static size_t scan_sse2(const scan_plan *p, const double *x, size_t m, lanes *l, scan_tally *t,
                        double *pool)
{
    switch (p->nbrackets) { /* a loop per bracket count */
    case 0: return sse2_quads(p, x, m, l, t, pool, 0);
    case 1: return sse2_quads(p, x, m, l, t, pool, 1);
    case 2: return sse2_quads(p, x, m, l, t, pool, 2);
    case 3: return sse2_quads(p, x, m, l, t, pool, 3);
    default: return sse2_quads(p, x, m, l, t, pool, STATS_MAX_BRACKETS);
    }
}

/* AVX2: the four lanes in one register, constants read from memory by
 * the comparisons (three-operand forms, no copies), and the values to keep
 * compacted to the front of the register by a permutation from a table of
 * the 16 lane masks, stored with one write. */
typedef struct plan256 {
    __m256d shift, t0, t1, es_from, from[STATS_MAX_BRACKETS], past[STATS_MAX_BRACKETS];
} plan256;

typedef struct compact256 {
    int32_t index[16][8]; /* per lane mask: the 32-bit halves of the kept lanes first */
    uint8_t kept[16];
} compact256;

static compact256 compact_table;

static void compact_table_build(void)
{
    for (int mask = 0; mask < 16; mask++) {
        int n = 0;
        for (int lane = 0; lane < 4; lane++)
            if (mask >> lane & 1) {
                compact_table.index[mask][2 * n] = 2 * lane;
                compact_table.index[mask][2 * n + 1] = 2 * lane + 1;
                n++;
            }
        for (int k = 2 * n; k < 8; k++)
            compact_table.index[mask][k] = k;
        compact_table.kept[mask] = (uint8_t)n;
    }
}

#define CMP256(a, b, op) _mm256_cmp_pd((a), (b), (op))
#define COUNT256(c, mask) _mm256_sub_epi64((c), _mm256_castpd_si256(mask))

__attribute__((target("avx2"))) static uint64_t total256(__m256i c)
{
    uint64_t v[4];
    _mm256_storeu_si256((__m256i *)v, c);
    return (v[0] + v[1]) + (v[2] + v[3]);
}

__attribute__((target("avx2"))) static inline __attribute__((always_inline)) size_t avx2_quads(
    const scan_plan *p, const double *x, size_t m, lanes *l, scan_tally *t, double *pool, size_t nb)
{
    plan256 k;
    k.shift = _mm256_set1_pd(p->shift);
    k.t0 = _mm256_set1_pd(p->thresholds[0]);
    k.t1 = _mm256_set1_pd(p->thresholds[1]);
    k.es_from = _mm256_set1_pd(p->es_from);
    for (size_t j = 0; j < nb; j++) {
        k.from[j] = _mm256_set1_pd(p->from[j]);
        k.past[j] = _mm256_set1_pd(p->past[j]);
    }
    const __m256d zero = _mm256_setzero_pd();
    __m256d sum = zero, sumsq = zero, es = zero;
    __m256d lo = _mm256_set1_pd(INFINITY), hi = _mm256_set1_pd(-INFINITY);
    __m256i above0 = _mm256_setzero_si256(), above1 = above0, zeros = above0;
    __m256i from[STATS_MAX_BRACKETS];
    for (size_t j = 0; j < nb; j++)
        from[j] = above0;
    size_t len = 0;
    for (size_t i = 0; i < m; i += 4) {
        __m256d v = _mm256_loadu_pd(x + i), d = _mm256_sub_pd(v, k.shift);
        sum = _mm256_add_pd(sum, v);
        sumsq = _mm256_add_pd(sumsq, _mm256_mul_pd(d, d));
        es = _mm256_add_pd(es, _mm256_and_pd(CMP256(v, k.es_from, _CMP_GE_OQ), v));
        lo = _mm256_min_pd(lo, v);
        hi = _mm256_max_pd(hi, v);
        above0 = COUNT256(above0, CMP256(v, k.t0, _CMP_GT_OQ));
        above1 = COUNT256(above1, CMP256(v, k.t1, _CMP_GT_OQ));
        __m256d z = CMP256(v, zero, _CMP_EQ_OQ), in = zero;
        zeros = COUNT256(zeros, z);
#pragma GCC unroll 4
        for (size_t j = 0; j < nb; j++) {
            __m256d a = CMP256(v, k.from[j], _CMP_GE_OQ);
            from[j] = COUNT256(from[j], a);
            in = _mm256_xor_pd(in, _mm256_xor_pd(a, CMP256(v, k.past[j], _CMP_GE_OQ)));
        }
        int bits = _mm256_movemask_pd(_mm256_andnot_pd(z, in));
        __m256i order = _mm256_loadu_si256((const __m256i *)compact_table.index[bits]);
        __m256 kept = _mm256_permutevar8x32_ps(_mm256_castpd_ps(v), order);
        _mm256_storeu_ps((float *)(pool + len), kept);
        len += compact_table.kept[bits];
    }
    _mm256_storeu_pd(l->sum, sum);
    _mm256_storeu_pd(l->sumsq, sumsq);
    _mm256_storeu_pd(l->es, es);
    double mins[4], maxs[4];
    _mm256_storeu_pd(mins, lo);
    _mm256_storeu_pd(maxs, hi);
    for (int q = 0; q < 4; q++) {
        t->min = t->min < mins[q] ? t->min : mins[q];
        t->max = t->max > maxs[q] ? t->max : maxs[q];
    }
    t->above[0] += total256(above0);
    t->above[1] += total256(above1);
    t->zeros += total256(zeros);
    for (size_t j = 0; j < nb; j++)
        t->from[j] += total256(from[j]);
    return len;
}

__attribute__((target("avx2"))) static size_t scan_avx2(const scan_plan *p, const double *x,
                                                        size_t m, lanes *l, scan_tally *t,
                                                        double *pool)
{
    switch (p->nbrackets) {
    case 0: return avx2_quads(p, x, m, l, t, pool, 0);
    case 1: return avx2_quads(p, x, m, l, t, pool, 1);
    case 2: return avx2_quads(p, x, m, l, t, pool, 2);
    case 3: return avx2_quads(p, x, m, l, t, pool, 3);
    default: return avx2_quads(p, x, m, l, t, pool, STATS_MAX_BRACKETS);
    }
}

#endif

/* The vector part of a scan: m (a multiple of 4) values into l and t. */
typedef size_t (*quads_fn)(const scan_plan *p, const double *x, size_t m, lanes *l, scan_tally *t,
                           double *pool);

static quads_fn quads_version(int which)
{
#ifdef HAVE_X86
    if (which == STATS_SCAN_AVX2 && cpu_has_avx2())
        return scan_avx2;
    if (which == STATS_SCAN_SSE2)
        return scan_sse2;
#endif
    (void)which;
    return NULL;
}

/* The best version the CPU has, chosen once. */
static quads_fn best_quads(void)
{
    static quads_fn best;
    static int chosen;
    if (!__atomic_load_n(&chosen, __ATOMIC_ACQUIRE)) {
        quads_fn f = quads_version(STATS_SCAN_AVX2);
#ifdef HAVE_X86
        if (f)
            compact_table_build();
#endif
        f = f ? f : quads_version(STATS_SCAN_SSE2);
        __atomic_store_n(&best, f, __ATOMIC_RELAXED);
        __atomic_store_n(&chosen, 1, __ATOMIC_RELEASE);
    }
    return best;
}

static size_t scan_with(quads_fn quads, const scan_plan *p, const double *x, size_t m,
                        scan_tally *t, double *pool)
{
    lanes l;
    lanes_init(&l, t);
    size_t len = 0, done = quads ? m & ~(size_t)3 : 0;
    if (done)
        len = quads(p, x, done, &l, t, pool);
    for (size_t i = done; i < m; i++)
        len = scan_one(p, x[i], (int)(i & 3), &l, t, pool, len);
    lanes_finish(&l, t);
    return len;
}

size_t stats_scan(const scan_plan *p, const double *x, size_t m, scan_tally *t, double *pool)
{
    return scan_with(best_quads(), p, x, m, t, pool);
}

int stats_scan_has(int version)
{
    return version == STATS_SCAN_PORTABLE || quads_version(version) != NULL;
}

size_t stats_scan_version(int version, const scan_plan *p, const double *x, size_t m, scan_tally *t,
                          double *pool)
{
    best_quads(); /* builds the tables */
    return scan_with(quads_version(version), p, x, m, t, pool);
}
