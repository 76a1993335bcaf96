/* stats_select.c: exact order statistics of a whole sample in two passes.
 *
 * The first pass histograms the top 16 bits of each value's order-
 * preserving key; the second gathers the few buckets that hold the wanted
 * ranks; a quickselect inside those finishes. Two linear passes for any
 * number of ranks, on several threads over fixed chunks whose partial sums
 * are added in chunk order, so the answer does not depend on the thread
 * count. stats_quantiles uses it, and a streamed summary falls back on it
 * when its pilot's brackets missed a rank (stats_stream.c). */
#include "risk/stats_impl.h"

#include "core/xalloc.h"
#include "risk/par.h"

#include <math.h>
#include <stdlib.h>

#define TOP_BITS 16
#define NBUCKETS (UINT32_C(1) << TOP_BITS)
#define SHIFT (64 - TOP_BITS)
#define ZERO_BUCKET ((uint32_t)(STATS_KEY_ZERO >> SHIFT))
#define SMALL 24 /* below this, insertion sort */

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
        size_t lt = 0, i = 0, gt = n; /* [0,lt) < p, [lt,i) == p, [gt,n) > p */
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

/* ---- selection by digits ----
 *
 * Quickselect's comparisons go either way at random, and a mispredicted
 * branch costs more than the rest of the step. Counting does not branch:
 * one pass counts the keys per digit (the bits just below those all keys
 * share), a second copies out the few digits that hold wanted ranks, and
 * each of those is selected in the same way, down to small sets that are
 * sorted. */

#define DIGIT_BITS 11
#define NDIGITS (1u << DIGIT_BITS)
#define SORT_BELOW 48
#define RADIX_MAX_RANKS (STATS_MAX_RANKS + 1)

static void select_sorted(uint64_t *a, size_t n, const size_t *r, size_t nr, uint64_t *out)
{
    insertion_sort(a, n);
    for (size_t i = 0; i < nr; i++)
        out[i] = a[r[i]];
}

static void key_range(const uint64_t *a, size_t n, uint64_t *lo, uint64_t *hi)
{
    uint64_t l = a[0], h = a[0];
    for (size_t i = 1; i < n; i++) {
        l = a[i] < l ? a[i] : l;
        h = a[i] > h ? a[i] : h;
    }
    *lo = l, *hi = h;
}

static void select_within(uint64_t *a, size_t n, uint64_t lo, int width, const size_t *r, size_t nr,
                          uint64_t *out);

/* Which digits hold wanted ranks: per such digit its first rank (index
 * into r), its size and its number; per rank its place inside its digit.
 * slot[d] gets the digit's index among them (0xff: not wanted). */
typedef struct digit_plan {
    size_t nd;
    size_t first[RADIX_MAX_RANKS], size[RADIX_MAX_RANKS], local[RADIX_MAX_RANKS];
    size_t offset[RADIX_MAX_RANKS], fill[RADIX_MAX_RANKS], total;
    uint32_t digit[RADIX_MAX_RANKS];
    uint8_t slot[NDIGITS];
} digit_plan;

static void plan_digits(const uint32_t *count, const size_t *r, size_t nr, digit_plan *p)
{
    size_t below = 0, k = 0;
    p->nd = p->total = 0;
    memset(p->slot, 0xff, sizeof p->slot);
    for (uint32_t d = 0; d < NDIGITS && k < nr; below += count[d++]) {
        if (r[k] >= below + count[d])
            continue;
        size_t j = p->nd++;
        p->first[j] = k, p->size[j] = count[d], p->digit[j] = d, p->slot[d] = (uint8_t)j;
        while (k < nr && r[k] < below + count[d])
            p->local[k] = r[k] - below, k++;
    }
    for (size_t j = 0; j < p->nd; j++)
        p->offset[j] = p->fill[j] = p->total, p->total += p->size[j];
}

/* Selects within each wanted digit's keys (copied to part by the caller). */
static void select_digits(digit_plan *p, uint64_t *part, uint64_t lo, int shift, size_t nr,
                          uint64_t *out)
{
    for (size_t j = 0; j < p->nd; j++) {
        size_t end = j + 1 < p->nd ? p->first[j + 1] : nr;
        select_within(part + p->offset[j], p->size[j], lo + ((uint64_t)p->digit[j] << shift), shift,
                      p->local + p->first[j], end - p->first[j], out + p->first[j]);
    }
}

static int digit_shift(int width) { return width > DIGIT_BITS ? width - DIGIT_BITS : 0; }

/* The digits of a[0..n), all of whose keys lie in [lo, lo + 2^width):
 * counted, the wanted ones copied out and selected within. */
static void select_within(uint64_t *a, size_t n, uint64_t lo, int width, const size_t *r, size_t nr,
                          uint64_t *out)
{
    if (nr == 0)
        return;
    if (n <= SORT_BELOW || width == 0) {
        select_sorted(a, n, r, nr, out);
        return;
    }
    int shift = digit_shift(width);
    uint32_t *count = xcalloc(NDIGITS + 1, sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[(a[i] - lo) >> shift]++;
    digit_plan *p = xmalloc(sizeof *p);
    plan_digits(count, r, nr, p);
    free(count);
    uint64_t *part = xmalloc((p->total ? p->total : 1) * sizeof *part);
    for (size_t i = 0; i < n; i++) {
        uint8_t j = p->slot[(a[i] - lo) >> shift];
        if (j != 0xff)
            part[p->fill[j]++] = a[i];
    }
    select_digits(p, part, lo, shift, nr, out);
    free(part);
    free(p);
}

/* The same straight from a sample of values, not copied to keys first: the
 * first pass finds the key range (and the smallest key above the minimum,
 * for when the minimum is common), the second counts digits, the third
 * copies the wanted ones. */
typedef struct value_range {
    uint64_t lo, above_lo, hi;
    size_t at_lo;
} value_range;

static void value_range_of(const double *x, size_t n, value_range *v)
{
    uint64_t lo = UINT64_MAX, above = UINT64_MAX, hi = 0;
    size_t at_lo = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = stats_key(x[i]);
        if (k < lo) { /* rare after the first few: predicted */
            above = lo;
            lo = k, at_lo = 0;
        } else if (k > lo && k < above) {
            above = k;
        }
        at_lo += k == lo;
        hi = k > hi ? k : hi;
    }
    *v = (value_range){ lo, above, hi, at_lo };
}

void stats_radix_select_values(const double *x, size_t n, const size_t *r, size_t nr, uint64_t *out)
{
    if (nr == 0)
        return;
    value_range v;
    value_range_of(x, n, &v);
    if (v.lo == v.hi) {
        for (size_t i = 0; i < nr; i++)
            out[i] = v.lo;
        return;
    }
    /* A common minimum (years without a loss) is left out of the digits,
     * which then start at the next key up. */
    size_t skip = v.at_lo >= n / 16 ? v.at_lo : 0, rest[RADIX_MAX_RANKS], first = 0;
    while (skip && first < nr && r[first] < skip)
        out[first++] = v.lo;
    for (size_t i = first; i < nr; i++)
        rest[i - first] = r[i] - skip;
    uint64_t base = skip ? v.above_lo : v.lo;
    int shift = digit_shift(64 - __builtin_clzll((v.hi - base) | 1));
    uint32_t *count = xcalloc(NDIGITS + 1, sizeof *count);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = stats_key(x[i]);
        if (k >= base) /* only the common minimum is below */
            count[(k - base) >> shift]++;
    }
    digit_plan *p = xmalloc(sizeof *p);
    plan_digits(count, rest, nr - first, p);
    free(count);
    uint64_t *part = xmalloc((p->total ? p->total : 1) * sizeof *part);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = stats_key(x[i]);
        uint8_t j = k >= base ? p->slot[(k - base) >> shift] : 0xff;
        if (j != 0xff)
            part[p->fill[j]++] = k;
    }
    select_digits(p, part, base, shift, nr - first, out + first);
    free(part);
    free(p);
}

void stats_radix_select(uint64_t *a, size_t n, const size_t *r, size_t nr, uint64_t *out)
{
    if (nr == 0)
        return;
    if (n <= SORT_BELOW) {
        select_sorted(a, n, r, nr, out);
        return;
    }
    uint64_t lo, hi;
    key_range(a, n, &lo, &hi);
    if (lo == hi) { /* all equal: a certain loss */
        for (size_t i = 0; i < nr; i++)
            out[i] = lo;
        return;
    }
    select_within(a, n, lo, 64 - __builtin_clzll(hi - lo), r, nr, out);
}

/* ---- the two passes ---- */

#define CHUNK 16384 /* partial sums per chunk, added in chunk order */
#define MAX_SLOTS (STATS_MAX_RANKS + 3)

typedef struct selection {
    const double *x;
    size_t n, nchunks, chunks_per_unit;
    unsigned units;
    order_query *q;
    uint32_t *hist;               /* units x NBUCKETS */
    double *chunk_sum, *chunk_es; /* the sum only to find NaNs */
    size_t *zeros_of;             /* per unit: values that are +0.0 */
    /* the plan: buckets holding wanted ranks ("slots") */
    uint64_t wanted[NBUCKETS / 64]; /* bit per bucket: is it a slot? (fits L1) */
    uint8_t *slot_of;               /* per bucket: its slot; read only for wanted
                                     buckets, whose few lines stay cached */
    size_t nslots;
    uint32_t bucket[MAX_SLOTS];
    size_t start[MAX_SLOTS], count[MAX_SLOTS], offset[MAX_SLOTS];
    size_t gathered[MAX_SLOTS]; /* count, or 0 for a bucket of zeros */
    size_t zeros;               /* values that are +0.0 */
    uint32_t es_bucket;         /* NBUCKETS: none */
    uint64_t *pool;             /* the slots' keys, in sample order */
    size_t *fill;               /* units x nslots: where each unit writes */
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
    double sum;
    size_t zeros;
} tally1;

/* One value of the first pass: branch-free, so that random zeros cost no
 * mispredictions. */
static inline void histogram_one(double v, uint32_t *hist, tally1 *t)
{
    uint64_t k = stats_key(v);
    hist[k >> SHIFT]++;
    t->sum += v;
    t->zeros += k == STATS_KEY_ZERO;
}

static int pass_histogram(void *ctx, size_t unit, unsigned worker)
{
    (void)worker;
    selection *sel = ctx;
    uint32_t *hist = sel->hist + unit * NBUCKETS;
    memset(hist, 0, NBUCKETS * sizeof *hist);
    size_t c0, c1, zeros = 0;
    unit_range(sel, (unsigned)unit, &c0, &c1);
    for (size_t c = c0; c < c1; c++) {
        const double *x = sel->x + c * CHUNK;
        size_t m = sel->n - c * CHUNK < CHUNK ? sel->n - c * CHUNK : CHUNK, i = 0;
        /* Two sets of totals: two short chains of dependent additions. */
        tally1 a = { 0 }, b = { 0 };
        for (; i + 2 <= m; i += 2) {
            histogram_one(x[i], hist, &a);
            histogram_one(x[i + 1], hist, &b);
        }
        if (i < m)
            histogram_one(x[i], hist, &a);
        sel->chunk_sum[c] = a.sum + b.sum;
        zeros += a.zeros + b.zeros;
    }
    sel->zeros_of[unit] = zeros;
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
    uint64_t k = stats_key(v);
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
        q->keys[(*next_rank)++] = STATS_KEY_ZERO;
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
        size_t at = nl; /* keep `local` sorted with the ES rank among them */
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
                s += stats_value(original[j]), greater++;
        *es_sum += s + (double)(sel->n - q->es_rank - greater) * stats_value(t);
        free(original);
    }
}

static void selection_free(selection *sel)
{
    free(sel->hist);
    free(sel->chunk_sum);
    free(sel->zeros_of);
    free(sel->pool);
    free(sel->fill);
    free(sel->slot_of);
}

int stats_order_exact(const double *x, size_t n, unsigned threads, order_query *q)
{
    selection sel = { .x = x, .n = n, .q = q };
    sel.nchunks = (n + CHUNK - 1) / CHUNK;
    unsigned workers = threads ? threads : par_cpus();
    sel.units = workers < sel.nchunks ? workers : (unsigned)sel.nchunks;
    sel.chunks_per_unit = (sel.nchunks + sel.units - 1) / sel.units;
    sel.hist = xmalloc((size_t)sel.units * NBUCKETS * sizeof *sel.hist);
    sel.chunk_sum = xmalloc(2 * sel.nchunks * sizeof *sel.chunk_sum);
    sel.chunk_es = sel.chunk_sum + sel.nchunks;
    sel.zeros_of = xcalloc(sel.units, sizeof *sel.zeros_of);
    sel.slot_of = xmalloc(NBUCKETS);
    par *pool = par_new(sel.units);
    par_run(pool, sel.units, pass_histogram, &sel, NULL, NULL, NULL);

    double total = sum_in_order(sel.chunk_sum, sel.nchunks);
    if (isnan(total)) {
        par_free(pool);
        selection_free(&sel);
        return E_INVALID;
    }
    for (unsigned u = 0; u < sel.units; u++)
        sel.zeros += sel.zeros_of[u];

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
