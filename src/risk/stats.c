#include "risk/stats.h"

#include "core/xalloc.h"
#include "risk/par.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TOP_BITS 16
#define NBUCKETS (UINT32_C(1) << TOP_BITS)
#define SHIFT (64 - TOP_BITS)
#define KEY_ZERO UINT64_C(0x8000000000000000)   /* key_of(+0.0) */
#define ZERO_BUCKET ((uint32_t)(KEY_ZERO >> SHIFT))
#define SMALL 24   /* below this, insertion sort */
#define MAX_LEVELS 32
#define MAX_RANKS (2 * MAX_LEVELS)

/* ---- order-preserving keys: a < b as doubles iff key(a) < key(b) ---- */

static inline uint64_t key_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b ^ ((uint64_t)((int64_t)b >> 63) | UINT64_C(0x8000000000000000));
}

static inline double value_of(uint64_t k)
{
    uint64_t b = k >> 63 ? k ^ UINT64_C(0x8000000000000000) : ~k;
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* ---- selection of several ranks at once ---- */

static void insertion_sort(uint64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    return c <= a ? a : c >= b ? b : c;
}

/* Rearranges a[0..n) so that every rank in r[0..nr) (ascending, all < n)
 * holds its order statistic, smaller keys before it and larger after.
 * Three-way partitions, so runs of equal keys (years without loss) cost one
 * pass. */
static void multiselect(uint64_t *a, size_t n, size_t *r, size_t nr)
{
    while (nr > 0) {
        if (n <= SMALL) {
            insertion_sort(a, n);
            return;
        }
        uint64_t p = median3(a[n / 4], a[n / 2], a[3 * n / 4]);
        size_t lt = 0, i = 0, gt = n;   /* [0,lt) < p, [lt,i) == p, [gt,n) > p */
        while (i < gt) {
            uint64_t v = a[i];
            if (v < p) {
                a[i++] = a[lt];
                a[lt++] = v;
            } else if (v > p) {
                a[i] = a[--gt];
                a[gt] = v;
            } else {
                i++;
            }
        }
        size_t left = 0, right = nr;
        while (left < nr && r[left] < lt)
            left++;
        while (right > left && r[right - 1] >= gt)
            right--;
        /* Ranks in [lt, gt) are done; recurse into the smaller side. */
        if (lt < n - gt) {
            multiselect(a, lt, r, left);
            for (size_t k = right; k < nr; k++)
                r[k] -= gt;
            a += gt, n -= gt, r += right, nr -= right;
        } else {
            for (size_t k = right; k < nr; k++)
                r[k] -= gt;
            multiselect(a + gt, n - gt, r + right, nr - right);
            n = lt, nr = left;
        }
    }
}

/* ---- the two passes ---- */

#define CHUNK 16384        /* partial sums per chunk, added in chunk order */
#define MAX_SLOTS (MAX_RANKS + 3)

/* What a caller wants: order statistics at some ranks, the expected
 * shortfall sum above one rank, moments and exceedance counts. */
typedef struct order_query {
    const size_t *ranks;     /* ascending, unique, < n */
    size_t nranks;
    uint64_t *keys;          /* out: the key at each rank */
    size_t es_rank;          /* sum the values at ranks >= this (n: none) */
    double es_sum;           /* out */
    double thresholds[2];    /* count values above these */
    size_t above[2];         /* out */
    double mean, sumsq;      /* out: sumsq of deviations from the mean */
} order_query;

typedef struct selection {
    const double *x;
    size_t n, nchunks, chunks_per_unit;
    unsigned units;
    order_query *q;
    double shift;                 /* a sample value: sum of squares about it */
    uint32_t *hist;               /* units x NBUCKETS */
    double *chunk_sum, *chunk_sq, *chunk_es;
    size_t (*above)[3];           /* per unit: above each threshold, +0.0s */
    /* the plan: buckets holding wanted ranks ("slots") */
    uint64_t wanted[NBUCKETS / 64];   /* bit per bucket: is it a slot? (fits L1) */
    uint8_t *slot_of;             /* per bucket: its slot; read only for wanted
                                     buckets, whose few lines stay cached */
    size_t nslots;
    uint32_t bucket[MAX_SLOTS];
    size_t start[MAX_SLOTS], count[MAX_SLOTS], offset[MAX_SLOTS];
    size_t gathered[MAX_SLOTS];   /* count, or 0 for a bucket of zeros */
    size_t zeros;                 /* values that are +0.0 */
    uint32_t es_bucket;           /* NBUCKETS: none */
    uint64_t *pool;               /* the slots' keys, in sample order */
    size_t *fill;                 /* units x nslots: where each unit writes */
} selection;

static void unit_range(const selection *sel, unsigned u, size_t *from, size_t *to)
{
    size_t c0 = u * sel->chunks_per_unit, c1 = c0 + sel->chunks_per_unit;
    c1 = c1 < sel->nchunks ? c1 : sel->nchunks;
    *from = c0 < sel->nchunks ? c0 : sel->nchunks;
    *to = c1;
}

/* The first pass's running totals over one chunk. */
typedef struct tally1 {
    double sum, sumsq;
    size_t above0, above1, zeros;
} tally1;

/* One value of the first pass: branch-free, so that random zeros or
 * threshold crossings cost no mispredictions. */
static inline void histogram_one(double v, double shift, double t0, double t1, uint32_t *hist,
                                 tally1 *t)
{
    uint64_t k = key_of(v);
    double d = v - shift;
    hist[k >> SHIFT]++;
    t->sum += v;
    t->sumsq += d * d;
    t->above0 += v > t0;
    t->above1 += v > t1;
    t->zeros += k == KEY_ZERO;
}

static int pass_histogram(void *ctx, size_t unit, unsigned worker)
{
    (void)worker;
    selection *sel = ctx;
    uint32_t *hist = sel->hist + unit * NBUCKETS;
    memset(hist, 0, NBUCKETS * sizeof *hist);
    size_t c0, c1, above0 = 0, above1 = 0, zeros = 0;
    double t0 = sel->q->thresholds[0], t1 = sel->q->thresholds[1], shift = sel->shift;
    unit_range(sel, (unsigned)unit, &c0, &c1);
    for (size_t c = c0; c < c1; c++) {
        const double *x = sel->x + c * CHUNK;
        size_t m = sel->n - c * CHUNK < CHUNK ? sel->n - c * CHUNK : CHUNK, i = 0;
        /* Two sets of totals: two short chains of dependent additions. */
        tally1 a = {0}, b = {0};
        for (; i + 2 <= m; i += 2) {
            histogram_one(x[i], shift, t0, t1, hist, &a);
            histogram_one(x[i + 1], shift, t0, t1, hist, &b);
        }
        if (i < m)
            histogram_one(x[i], shift, t0, t1, hist, &a);
        sel->chunk_sum[c] = a.sum + b.sum;
        sel->chunk_sq[c] = a.sumsq + b.sumsq;
        above0 += a.above0 + b.above0;
        above1 += a.above1 + b.above1;
        zeros += a.zeros + b.zeros;
    }
    sel->above[unit][0] = above0;
    sel->above[unit][1] = above1;
    sel->above[unit][2] = zeros;
    return E_OK;
}

static void add_slot(selection *sel, uint32_t b, size_t below, size_t c)
{
    size_t k = sel->nslots++;
    sel->bucket[k] = b;
    sel->start[k] = below;
    sel->count[k] = c;
    /* Years without a loss can be most of a sample: when a bucket is all
     * zeros its ranks are known without gathering. */
    sel->gathered[k] = b == ZERO_BUCKET && c == sel->zeros ? 0 : c;
    if (sel->gathered[k])
        sel->wanted[b / 64] |= UINT64_C(1) << (b % 64);
    sel->slot_of[b] = (uint8_t)k;
}

/* Finds the buckets of the wanted ranks in the merged histogram. */
static void plan_slots(selection *sel, const uint32_t *total)
{
    const order_query *q = sel->q;
    size_t below = 0, w = 0;
    sel->nslots = 0;
    sel->es_bucket = NBUCKETS;
    for (uint32_t b = 0; b < NBUCKETS; b++) {
        size_t c = total[b];
        int mine = 0;
        while (w < q->nranks && q->ranks[w] < below + c)
            mine = 1, w++;
        if (q->es_rank >= below && q->es_rank < below + c)
            mine = 1, sel->es_bucket = b;
        if (mine)
            add_slot(sel, b, below, c);
        below += c;
    }
    size_t pooled = 0;
    for (size_t k = 0; k < sel->nslots; k++) {
        sel->offset[k] = pooled;
        pooled += sel->gathered[k];
    }
    sel->pool = xmalloc((pooled ? pooled : 1) * sizeof *sel->pool);
    /* Unit u writes a slot's keys after those of units before it: the pool
     * holds each slot's keys in sample order whatever the thread count. */
    sel->fill = xmalloc((size_t)sel->units * (sel->nslots + 1) * sizeof *sel->fill);
    for (size_t k = 0; k < sel->nslots; k++) {
        size_t at = sel->offset[k];
        for (unsigned u = 0; u < sel->units; u++) {
            sel->fill[u * sel->nslots + k] = at;
            at += sel->gathered[k] ? sel->hist[(size_t)u * NBUCKETS + sel->bucket[k]] : 0;
        }
    }
}

/* One value of the second pass: gathered if its bucket is wanted, summed
 * if it lies above the expected-shortfall bucket. */
static inline double gather_one(const selection *sel, size_t *fill, double v)
{
    uint64_t k = key_of(v);
    uint32_t b = (uint32_t)(k >> SHIFT);
    if (sel->wanted[b / 64] >> (b % 64) & 1)
        sel->pool[fill[sel->slot_of[b]]++] = k;
    return b > sel->es_bucket ? v : 0.0;
}

static int pass_gather(void *ctx, size_t unit, unsigned worker)
{
    (void)worker;
    selection *sel = ctx;
    size_t *fill = sel->fill + unit * sel->nslots;
    size_t c0, c1;
    unit_range(sel, (unsigned)unit, &c0, &c1);
    for (size_t c = c0; c < c1; c++) {
        const double *x = sel->x + c * CHUNK;
        size_t m = sel->n - c * CHUNK < CHUNK ? sel->n - c * CHUNK : CHUNK, i = 0;
        double es0 = 0, es1 = 0;
        for (; i + 2 <= m; i += 2) {
            es0 += gather_one(sel, fill, x[i]);
            es1 += gather_one(sel, fill, x[i + 1]);
        }
        if (i < m)
            es0 += gather_one(sel, fill, x[i]);
        sel->chunk_es[c] = es0 + es1;
    }
    return E_OK;
}

static double sum_in_order(const double *parts, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += parts[i];
    return s;
}

/* Inside slot k: selects the wanted ranks and, in the ES bucket, adds the
 * values above the ES rank's in sample order (before selection reorders). */
/* A bucket of zeros: every rank in it is 0, and none of it is above 0. */
static void finish_zeros(selection *sel, size_t k, size_t *next_rank)
{
    order_query *q = sel->q;
    while (*next_rank < q->nranks && q->ranks[*next_rank] < sel->start[k] + sel->count[k])
        q->keys[(*next_rank)++] = KEY_ZERO;
}

static void finish_slot(selection *sel, size_t k, size_t *next_rank, double *es_sum)
{
    order_query *q = sel->q;
    if (!sel->gathered[k] && sel->count[k]) {
        finish_zeros(sel, k, next_rank);
        return;
    }
    uint64_t *keys = sel->pool + sel->offset[k];
    size_t local[MAX_SLOTS], nl = 0, first = *next_rank, start = sel->start[k];
    int es_here = sel->bucket[k] == sel->es_bucket;
    size_t es_local = es_here ? q->es_rank - start : 0;
    uint64_t *original = NULL;
    if (es_here) {
        original = xmalloc((sel->count[k] ? sel->count[k] : 1) * sizeof *original);
        memcpy(original, keys, sel->count[k] * sizeof *original);
    }
    while (*next_rank < q->nranks && q->ranks[*next_rank] < start + sel->count[k])
        local[nl++] = q->ranks[(*next_rank)++] - start;
    if (es_here) {
        size_t at = nl;   /* keep `local` sorted with the ES rank among them */
        while (at > 0 && local[at - 1] > es_local)
            at--;
        if (!(at > 0 && local[at - 1] == es_local)) {
            memmove(local + at + 1, local + at, (nl - at) * sizeof *local);
            local[at] = es_local;
            nl++;
        }
    }
    multiselect(keys, sel->count[k], local, nl);
    for (size_t j = first; j < *next_rank; j++)
        q->keys[j] = keys[q->ranks[j] - start];
    if (es_here) {
        /* Top k = the values above t, plus as many copies of t as needed. */
        uint64_t t = keys[es_local];
        size_t greater = sel->n - (start + sel->count[k]);
        double s = 0.0;
        for (size_t j = 0; j < sel->count[k]; j++)
            if (original[j] > t)
                s += value_of(original[j]), greater++;
        *es_sum += s + (double)(sel->n - q->es_rank - greater) * value_of(t);
        free(original);
    }
}

static void selection_free(selection *sel)
{
    free(sel->hist);
    free(sel->chunk_sum);
    free(sel->above);
    free(sel->pool);
    free(sel->fill);
    free(sel->slot_of);
}

static int order_stats(const double *x, size_t n, unsigned threads, order_query *q)
{
    selection sel = {.x = x, .n = n, .q = q, .shift = x[0]};
    sel.nchunks = (n + CHUNK - 1) / CHUNK;
    unsigned workers = threads ? threads : par_cpus();
    sel.units = workers < sel.nchunks ? workers : (unsigned)sel.nchunks;
    sel.chunks_per_unit = (sel.nchunks + sel.units - 1) / sel.units;
    sel.hist = xmalloc((size_t)sel.units * NBUCKETS * sizeof *sel.hist);
    sel.chunk_sum = xmalloc(3 * sel.nchunks * sizeof *sel.chunk_sum);
    sel.chunk_sq = sel.chunk_sum + sel.nchunks;
    sel.chunk_es = sel.chunk_sq + sel.nchunks;
    sel.above = xcalloc(sel.units, sizeof *sel.above);
    sel.slot_of = xmalloc(NBUCKETS);
    par *pool = par_new(sel.units);
    par_run(pool, sel.units, pass_histogram, &sel, NULL, NULL, NULL);

    double total = sum_in_order(sel.chunk_sum, sel.nchunks);
    if (isnan(total)) {
        par_free(pool);
        selection_free(&sel);
        return E_INVALID;
    }
    q->mean = total / (double)n;
    double d = q->mean - sel.shift;   /* sum (x-m)^2 = sum (x-s)^2 - n (m-s)^2 */
    q->sumsq = sum_in_order(sel.chunk_sq, sel.nchunks) - (double)n * d * d;
    q->sumsq = q->sumsq > 0.0 ? q->sumsq : 0.0;
    q->above[0] = q->above[1] = 0;
    for (unsigned u = 0; u < sel.units; u++) {
        q->above[0] += sel.above[u][0], q->above[1] += sel.above[u][1];
        sel.zeros += sel.above[u][2];
    }

    uint32_t *merged = xcalloc(NBUCKETS, sizeof *merged);
    for (unsigned u = 0; u < sel.units; u++)
        for (uint32_t b = 0; b < NBUCKETS; b++)
            merged[b] += sel.hist[(size_t)u * NBUCKETS + b];
    plan_slots(&sel, merged);
    free(merged);
    par_run(pool, sel.units, pass_gather, &sel, NULL, NULL, NULL);
    par_free(pool);

    double es_sum = sum_in_order(sel.chunk_es, sel.nchunks);
    size_t next_rank = 0;
    for (size_t k = 0; k < sel.nslots; k++)
        finish_slot(&sel, k, &next_rank, &es_sum);
    q->es_sum = es_sum;
    selection_free(&sel);
    return E_OK;
}

/* ---- linear interpolation between order statistics ---- */

typedef struct levels_plan {
    size_t ranks[MAX_RANKS + 2];
    size_t nranks;
    size_t lo[MAX_LEVELS];      /* per level: index into ranks of floor(h) */
    double frac[MAX_LEVELS];
} levels_plan;

static size_t add_rank(levels_plan *p, size_t rank)
{
    for (size_t i = 0; i < p->nranks; i++)
        if (p->ranks[i] == rank)
            return i;
    p->ranks[p->nranks] = rank;
    return p->nranks++;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static size_t floor_rank(double level, size_t n, double *frac)
{
    double h = level * (double)(n - 1);
    size_t lo = (size_t)h;
    lo = lo > n - 1 ? n - 1 : lo;
    *frac = h - (double)lo;
    return lo;
}

/* Plans `nlevels` (<= MAX_LEVELS) quantiles: ranks floor(h) and floor(h)+1,
 * plus the minimum and the maximum. */
static void plan_levels(levels_plan *p, const double *levels, size_t nlevels, size_t n)
{
    p->nranks = 0;
    add_rank(p, 0);
    add_rank(p, n - 1);
    for (size_t i = 0; i < nlevels; i++) {
        size_t lo = floor_rank(levels[i], n, &p->frac[i]);
        add_rank(p, lo);
        if (lo + 1 < n)
            add_rank(p, lo + 1);
    }
    qsort(p->ranks, p->nranks, sizeof *p->ranks, cmp_size);
    for (size_t i = 0; i < nlevels; i++) {
        double frac;
        p->lo[i] = add_rank(p, floor_rank(levels[i], n, &frac));   /* finds it */
    }
}

static double interpolate(const levels_plan *p, const uint64_t *keys, size_t i)
{
    size_t r = p->lo[i];
    double a = value_of(keys[r]);
    if (p->frac[i] == 0.0 || r + 1 >= p->nranks)
        return a;
    double b = value_of(keys[r + 1]);
    return a + p->frac[i] * (b - a);
}

static int check_sample(const double *x, size_t n, isms_err *e)
{
    if (!x || n == 0)
        return err_set(e, E_INVALID, "sample", "sample: no values to summarise");
    return E_OK;
}

static int nan_error(isms_err *e)
{
    return err_set(e, E_INVALID, "sample", "sample: contains a NaN");
}

int stats_quantiles(const double *x, size_t n, const double *levels, size_t nlevels,
                    unsigned threads, double *out, isms_err *e)
{
    int rc = check_sample(x, n, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < nlevels; i++)
        if (!(levels[i] >= 0.0 && levels[i] <= 1.0))
            return err_set(e, E_INVALID, "levels", "levels: quantile level %g is outside [0, 1]",
                           levels[i]);
    for (size_t done = 0; done < nlevels; done += MAX_LEVELS) {
        size_t m = nlevels - done < MAX_LEVELS ? nlevels - done : MAX_LEVELS;
        levels_plan p;
        plan_levels(&p, levels + done, m, n);
        uint64_t keys[MAX_RANKS + 2];
        order_query q = {.ranks = p.ranks, .nranks = p.nranks, .keys = keys, .es_rank = n};
        if (order_stats(x, n, threads, &q))
            return nan_error(e);
        for (size_t i = 0; i < m; i++)
            out[done + i] = interpolate(&p, keys, i);
    }
    return E_OK;
}

int stats_summarize(const double *x, size_t n, const stats_opts *o, stats_summary *out,
                    isms_err *e)
{
    int rc = check_sample(x, n, e);
    if (rc)
        return rc;
    double level = o->var_level == 0.0 ? 0.95 : o->var_level;
    if (!(level > 0.0 && level < 1.0))
        return err_set(e, E_INVALID, "var_level", "var_level: %g is not a level within (0, 1)",
                       o->var_level);
    const double levels[5] = {0.5, 0.9, 0.95, 0.99, level};
    levels_plan p;
    plan_levels(&p, levels, 5, n);
    uint64_t keys[MAX_RANKS + 2];
    size_t k = n - (size_t)floor(level * (double)n);
    k = k ? k : 1;
    order_query q = {.ranks = p.ranks, .nranks = p.nranks, .keys = keys, .es_rank = n - k,
                     .thresholds = {o->appetite, o->tolerance}};
    if (order_stats(x, n, o->threads, &q))
        return nan_error(e);
    *out = (stats_summary){
        .n = n, .mean = q.mean,
        .min = value_of(keys[0]), .max = value_of(keys[p.nranks - 1]),
        .sd = n > 1 ? sqrt(q.sumsq / (double)(n - 1)) : 0.0,
        .p50 = interpolate(&p, keys, 0), .p90 = interpolate(&p, keys, 1),
        .p95 = interpolate(&p, keys, 2), .p99 = interpolate(&p, keys, 3),
        .var_level = level, .var = interpolate(&p, keys, 4),
        .es = q.es_sum / (double)k,
        .p_above_appetite = (double)q.above[0] / (double)n,
        .p_above_tolerance = (double)q.above[1] / (double)n,
    };
    return E_OK;
}

static double count_above(const double *x, size_t n, double t)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += x[i] > t;
    return (double)c / (double)n;
}

double stats_mean(const double *x, size_t n)
{
    double s[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            s[k] += x[i + k];
    for (; i < n; i++)
        s[0] += x[i];
    return n ? ((s[0] + s[1]) + (s[2] + s[3])) / (double)n : NAN;
}

double stats_prob_above(const double *x, size_t n, double threshold)
{
    return n ? count_above(x, n, threshold) : NAN;
}

double stats_prob_within(const double *x, size_t n, double threshold)
{
    return n ? 1.0 - count_above(x, n, threshold) : NAN;
}

/* ---- loss exceedance curve ---- */

static double grid_point(double lo, double hi, size_t k, size_t m, int log_scale)
{
    double t = m > 1 ? (double)k / (double)(m - 1) : 0.0;
    return log_scale ? lo * pow(hi / lo, t) : lo + (hi - lo) * t;
}

/* How many grid points lie strictly below v. */
static size_t points_below(const double *g, size_t m, double lo, double hi, int log_scale, double v)
{
    double t;
    if (log_scale)
        t = v > 0.0 ? log(v / lo) / log(hi / lo) : -1.0;
    else
        t = (v - lo) / (hi - lo);
    double est = ceil(t * (double)(m - 1));
    size_t j = est <= 0.0 ? 0 : est >= (double)m ? m : (size_t)est;
    /* The estimate can be one off by rounding: settle it exactly. */
    while (j > 0 && g[j - 1] >= v)
        j--;
    while (j < m && g[j] < v)
        j++;
    return j;
}

int stats_lec(const double *x, size_t n, size_t npoints, double lo, double hi, int log_scale,
              stats_lec_point *out, isms_err *e)
{
    int rc = check_sample(x, n, e);
    if (rc)
        return rc;
    if (npoints < 2)
        return err_set(e, E_INVALID, "points", "points: a curve needs at least 2, not %zu", npoints);
    if (lo == 0.0 && hi == 0.0) {
        double level = 0.999, max;
        if ((rc = stats_quantiles(x, n, &level, 1, 0, &hi, e)))
            return rc;
        level = 1.0;
        stats_quantiles(x, n, &level, 1, 0, &max, e);
        if (!(hi > 0.0))
            hi = max > 0.0 ? max : 1.0;   /* no loss at all: a flat curve */
        lo = log_scale ? hi / 1000.0 : 0.0;
    }
    if (!(isfinite(lo) && isfinite(hi) && hi > lo && (!log_scale || lo > 0.0)))
        return err_set(e, E_INVALID, "range", "range: [%g, %g] is not an increasing%s range",
                       lo, hi, log_scale ? " positive" : "");
    double *g = xmalloc(npoints * sizeof *g);
    size_t *below = xcalloc(npoints + 1, sizeof *below);
    for (size_t k = 0; k < npoints; k++)
        g[k] = grid_point(lo, hi, k, npoints, log_scale);
    for (size_t i = 0; i < n; i++)
        below[points_below(g, npoints, lo, hi, log_scale, x[i])]++;
    /* x exceeds point k iff more than k points lie below x. */
    size_t exceed = 0;
    for (size_t k = npoints; k-- > 0;) {
        exceed += below[k + 1];
        out[k] = (stats_lec_point){g[k], (double)exceed / (double)n};
    }
    free(below);
    free(g);
    return E_OK;
}
