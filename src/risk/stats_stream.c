/* stats_stream.c: a summary planned from a pilot and made in one pass.
 *
 * Exact quantiles need the values at a few ranks. The pilot (the first
 * blocks, a random sample of the whole when the blocks are independent
 * draws, as a simulation's are) says roughly where those values lie; around
 * each, a bracket reaching four standard errors of the pilot's quantile
 * either side. The one pass then counts, per bracket, the values at or
 * above its lower end and copies the values inside. At the end, a rank r belongs to a bracket when
 * (values below it) <= r < (values below it) + (values inside), and then it
 * is found among the few copies; otherwise everything is selected again
 * exactly over the whole sample (stats_order_exact).
 *
 * Determinism: block partial sums are added in block order, counts are
 * integers, and the copies are only ever used as a set (selection) or in
 * block order (the expected shortfall's part inside its bracket), so the
 * thread count and the order blocks arrive in do not show in the result. */
#include "risk/stats_impl.h"

#include "core/xalloc.h"

#include <math.h>
#include <stdlib.h>

#define PILOT_MAX 16 /* blocks */
#define Z 4.0        /* bracket half-width, in standard errors */
#define MAX_WANTED (STATS_MAX_RANKS + 1)

typedef struct pool {
    double *v;
    size_t len, cap;
} pool;

typedef struct segment { /* where a block's copies went */
    unsigned worker;
    size_t start, len;
} segment;

struct stats_stream {
    size_t n, nblocks, pilot; /* pilot: blocks made before plan */
    int bracketing;           /* plan brackets from the pilot */
    stats_opts o;
    size_t k; /* expected shortfall: mean of the k largest */
    levels_plan lp;
    size_t wanted[MAX_WANTED]; /* ranks: lp's, then the ES rank */
    size_t nwanted;
    int bracket_of[MAX_WANTED]; /* -1: the minimum or the maximum */
    scan_plan plan;
    scan_tally *tally; /* per block */
    segment *seg;      /* per block */
    pool *pools;       /* per worker */
    unsigned workers;
    int bracketed; /* finish found every rank in its bracket */
};

static const double report_levels[4] = { 0.5, 0.9, 0.95, 0.99 };

int stats_stream_new(stats_stream **out, size_t n, const stats_opts *o, isms_err *e)
{
    *out = NULL;
    if (n == 0)
        return err_set(e, E_INVALID, "sample", "sample: no values to summarise");
    double level = o->var_level == 0.0 ? 0.95 : o->var_level;
    if (!(level > 0.0 && level < 1.0))
        return err_set(e, E_INVALID, "var_level", "var_level: %g is not a level within (0, 1)",
                       o->var_level);
    stats_stream *s = xcalloc(1, sizeof *s);
    s->n = n;
    s->o = *o;
    s->o.var_level = level;
    s->nblocks = (n + STATS_BLOCK - 1) / STATS_BLOCK;
    /* Without brackets, the pilot is block 0: its first value is the
     * shift that keeps the sum of squares accurate. */
    s->pilot = 1;
    s->bracketing = n >= STATS_STREAM_MIN;
    if (s->bracketing) {
        s->pilot = s->nblocks / 4;
        s->pilot = s->pilot < PILOT_MAX ? s->pilot : PILOT_MAX;
    }
    const double levels[5] = { report_levels[0], report_levels[1], report_levels[2],
                               report_levels[3], level };
    stats_plan_levels(&s->lp, levels, 5, n);
    s->k = n - (size_t)floor(level * (double)n);
    s->k = s->k ? s->k : 1;
    memcpy(s->wanted, s->lp.ranks, s->lp.nranks * sizeof *s->wanted);
    s->nwanted = s->lp.nranks;
    s->wanted[s->nwanted++] = n - s->k;
    s->tally = xcalloc(s->nblocks, sizeof *s->tally);
    s->seg = xcalloc(s->nblocks, sizeof *s->seg);
    *out = s;
    return E_OK;
}

size_t stats_stream_pilot(const stats_stream *s) { return s->pilot; }

int stats_stream_bracketed(const stats_stream *s) { return s->bracketed; }

void stats_stream_free(stats_stream *s)
{
    if (!s)
        return;
    for (unsigned w = 0; w < s->workers; w++)
        free(s->pools[w].v);
    free(s->pools);
    free(s->tally);
    free(s->seg);
    free(s);
}

/* ---- planning the brackets from the pilot ---- */

/* A wanted rank's range in the pilot: [lo, hi] (lo < 0: from the bottom,
 * hi >= m: to the top). */
typedef struct span {
    long lo, hi;
    size_t wanted; /* its index in stats_stream.wanted */
    size_t bracket;
} span;

static void pilot_span(size_t r, size_t n, size_t m, span *sp)
{
    double q = ((double)r + 0.5) / (double)n, centre = q * (double)m - 0.5;
    double half = Z * sqrt((double)m * q * (1.0 - q)) + 2.0;
    sp->lo = (long)floor(centre - half);
    sp->hi = (long)ceil(centre + half);
}

/* Merges the spans' brackets until at most STATS_MAX_BRACKETS are left:
 * first those that overlap, then the closest. *nb brackets, each a range
 * of pilot ranks [blo, bhi]. */
static size_t merge_spans(span *sp, size_t ns, long *blo, long *bhi)
{
    size_t nb = 0;
    for (size_t i = 0; i < ns; i++) { /* spans come in ascending order */
        if (nb && sp[i].lo <= bhi[nb - 1]) {
            bhi[nb - 1] = sp[i].hi > bhi[nb - 1] ? sp[i].hi : bhi[nb - 1];
        } else {
            blo[nb] = sp[i].lo;
            bhi[nb++] = sp[i].hi;
        }
        sp[i].bracket = nb - 1;
    }
    while (nb > STATS_MAX_BRACKETS) {
        size_t best = 0;
        for (size_t j = 1; j + 1 < nb; j++)
            if (blo[j + 1] - bhi[j] < blo[best + 1] - bhi[best])
                best = j;
        bhi[best] = bhi[best + 1];
        for (size_t j = best + 1; j + 1 < nb; j++)
            blo[j] = blo[j + 1], bhi[j] = bhi[j + 1];
        nb--;
        for (size_t i = 0; i < ns; i++)
            sp[i].bracket -= sp[i].bracket > best;
    }
    return nb;
}

/* The pilot's keys at the brackets' ends. */
static void pilot_values(const double *x, size_t m, const long *blo, const long *bhi, size_t nb,
                         uint64_t *lo_key, uint64_t *hi_key)
{
    size_t ranks[2 * STATS_MAX_BRACKETS] = { 0 }, nr = 0;
    for (size_t j = 0; j < nb; j++) {
        if (blo[j] >= 0)
            ranks[nr++] = (size_t)blo[j];
        if (bhi[j] < (long)m)
            ranks[nr++] = (size_t)bhi[j];
    }
    uint64_t at[2 * STATS_MAX_BRACKETS];
    stats_radix_select_values(x, m, ranks, nr, at);
    for (size_t j = 0, i = 0; j < nb; j++) {
        lo_key[j] = blo[j] >= 0 ? at[i++] : 0;
        hi_key[j] = bhi[j] < (long)m ? at[i++] : UINT64_MAX;
    }
}

/* Brackets that touch in value (ties in the pilot) become one. */
static size_t merge_touching(uint64_t *lo, uint64_t *hi, size_t nb, span *sp, size_t ns)
{
    size_t out = 0;
    for (size_t j = 0; j < nb; j++) {
        if (out && lo[j] <= hi[out - 1]) {
            hi[out - 1] = hi[j] > hi[out - 1] ? hi[j] : hi[out - 1];
        } else {
            lo[out] = lo[j];
            hi[out++] = hi[j];
        }
        for (size_t i = 0; i < ns; i++)
            if (sp[i].bracket == j)
                sp[i].bracket = out - 1;
    }
    return out;
}

static void set_brackets(stats_stream *s, const uint64_t *lo, const uint64_t *hi, size_t nb)
{
    scan_plan *p = &s->plan;
    p->nbrackets = nb;
    for (size_t j = 0; j < nb; j++) {
        p->from[j] = lo[j] ? stats_value(lo[j]) : -INFINITY;
        /* No upper end: v >= NaN is false for every v. */
        p->past[j] = hi[j] != UINT64_MAX ? nextafter(stats_value(hi[j]), INFINITY) : NAN;
    }
}

/* Ascending by lower end (the ES rank comes last among the wanted). */
static void sort_spans(span *sp, size_t ns)
{
    for (size_t a = 1; a < ns; a++)
        for (size_t b = a; b > 0 && sp[b - 1].lo > sp[b].lo; b--) {
            span t = sp[b];
            sp[b] = sp[b - 1];
            sp[b - 1] = t;
        }
}

static void plan_brackets(stats_stream *s, const double *x)
{
    size_t m = s->pilot * STATS_BLOCK;
    span sp[MAX_WANTED];
    size_t ns = 0;
    for (size_t i = 0; i < s->nwanted; i++) {
        size_t r = s->wanted[i];
        if (r == 0 || r == s->n - 1)
            continue; /* the minimum and the maximum are tracked as such */
        pilot_span(r, s->n, m, &sp[ns]);
        sp[ns++].wanted = i;
    }
    sort_spans(sp, ns);
    long blo[MAX_WANTED], bhi[MAX_WANTED];
    uint64_t lo[STATS_MAX_BRACKETS], hi[STATS_MAX_BRACKETS];
    size_t nb = merge_spans(sp, ns, blo, bhi);
    pilot_values(x, m, blo, bhi, nb, lo, hi);
    nb = merge_touching(lo, hi, nb, sp, ns);
    set_brackets(s, lo, hi, nb);
    for (size_t i = 0; i < ns; i++)
        s->bracket_of[sp[i].wanted] = (int)sp[i].bracket;
    /* The expected shortfall's tail above its bracket is summed per block. */
    int es = s->bracket_of[s->nwanted - 1];
    s->plan.es_from = es >= 0 ? s->plan.past[es] : NAN;
}

void stats_stream_plan(stats_stream *s, const double *x, unsigned workers)
{
    s->workers = workers ? workers : 1;
    s->pools = xcalloc(s->workers, sizeof *s->pools);
    scan_plan *p = &s->plan;
    p->shift = x[0];
    p->thresholds[0] = s->o.appetite;
    p->thresholds[1] = s->o.tolerance;
    p->es_from = NAN;
    p->nbrackets = 0;
    for (size_t i = 0; i < s->nwanted; i++)
        s->bracket_of[i] = -1;
    if (s->bracketing)
        plan_brackets(s, x);
}

void stats_stream_block(stats_stream *s, const double *x, size_t block, unsigned worker)
{
    size_t first = block * STATS_BLOCK;
    size_t m = s->n - first < STATS_BLOCK ? s->n - first : STATS_BLOCK;
    pool *pl = &s->pools[worker];
    if (pl->cap - pl->len < m + 4) {
        pl->cap = pl->cap * 2 > pl->len + m + 4 ? pl->cap * 2 : pl->len + m + 4;
        pl->v = xrealloc(pl->v, pl->cap * sizeof *pl->v);
    }
    size_t len = stats_scan(&s->plan, x + first, m, &s->tally[block], pl->v + pl->len);
    s->seg[block] = (segment){ worker, pl->len, len };
    pl->len += len;
}

/* ---- finishing ---- */

/* The whole sample's totals, from the blocks' in block order. */
typedef struct totals {
    double sum, sumsq, min, max;
    uint64_t above[2], zeros;
    uint64_t from[STATS_MAX_BRACKETS];
} totals;

static void add_up(const stats_stream *s, totals *t)
{
    memset(t, 0, sizeof *t);
    t->min = INFINITY;
    t->max = -INFINITY;
    for (size_t b = 0; b < s->nblocks; b++) {
        const scan_tally *k = &s->tally[b];
        t->sum += k->sum;
        t->sumsq += k->sumsq;
        t->min = k->min < t->min ? k->min : t->min;
        t->max = k->max > t->max ? k->max : t->max;
        t->above[0] += k->above[0];
        t->above[1] += k->above[1];
        t->zeros += k->zeros;
        for (size_t j = 0; j < s->plan.nbrackets; j++)
            t->from[j] += k->from[j];
    }
}

/* What a bracket holds: below it, inside it, of which zeros (counted, not
 * copied) and copies. */
typedef struct held {
    uint64_t below, inside, zeros;
    uint64_t *keys; /* the copies' keys */
    size_t ncopies;
} held;

static int holds_zero(const scan_plan *p, size_t j)
{
    return 0.0 >= p->from[j] && !(0.0 >= p->past[j]);
}

/* The bracket a copied value lies in (every copy lies in one). */
static size_t bracket_at(const scan_plan *p, double v)
{
    size_t j = 0;
    for (size_t k = 1; k < p->nbrackets; k++)
        j += v >= p->from[k];
    return j;
}

/* Sorts the workers' copies into their brackets, as keys, in one buffer
 * (h[0].keys owns it), and counts what each bracket holds. */
static void collect_copies(const stats_stream *s, const totals *t, held *h)
{
    size_t nb = s->plan.nbrackets, count[STATS_MAX_BRACKETS] = { 0 };
    for (unsigned w = 0; w < s->workers; w++)
        for (size_t i = 0; i < s->pools[w].len; i++)
            count[bracket_at(&s->plan, s->pools[w].v[i])]++;
    size_t total = 0;
    for (size_t j = 0; j < nb; j++)
        total += count[j];
    uint64_t *buf = xmalloc((total + 1) * sizeof *buf);
    h[0].keys = buf;
    for (size_t j = 0, at = 0; j < nb; at += count[j++]) {
        h[j] = (held){ .below = s->n - t->from[j], .keys = buf + at };
        h[j].zeros = holds_zero(&s->plan, j) ? t->zeros : 0;
        h[j].inside = count[j] + h[j].zeros;
    }
    for (unsigned w = 0; w < s->workers; w++)
        for (size_t i = 0; i < s->pools[w].len; i++) {
            double v = s->pools[w].v[i];
            held *k = &h[bracket_at(&s->plan, v)];
            k->keys[k->ncopies++] = stats_key(v);
        }
}

static void free_copies(held *h) { free(h[0].keys); }

/* Does every wanted rank lie inside its bracket? */
static int brackets_hold(const stats_stream *s, const held *h)
{
    for (size_t i = 0; i < s->nwanted; i++) {
        int j = s->bracket_of[i];
        size_t r = s->wanted[i];
        if (j >= 0 && !(h[j].below <= r && r < h[j].below + h[j].inside))
            return 0;
    }
    return 1;
}

/* Finds the keys at ranks r[0..nr) (ascending) of bracket j. Zeros are
 * not among the copies: ranks past the negative copies and the zeros
 * shift down by the zeros. */
static void select_in(held *h, size_t j, const size_t *r, size_t nr, uint64_t *out)
{
    size_t negative = 0;
    if (h[j].zeros)
        for (size_t i = 0; i < h[j].ncopies; i++)
            negative += h[j].keys[i] < STATS_KEY_ZERO;
    size_t local[MAX_WANTED], where[MAX_WANTED], nl = 0;
    for (size_t i = 0; i < nr; i++) {
        size_t t = r[i] - h[j].below;
        where[i] = nl;
        if (t >= negative && t < negative + h[j].zeros) {
            out[i] = STATS_KEY_ZERO;
            where[i] = MAX_WANTED;
            continue;
        }
        local[nl++] = t < negative ? t : t - h[j].zeros;
    }
    uint64_t got[MAX_WANTED];
    stats_radix_select(h[j].keys, h[j].ncopies, local, nl, got);
    for (size_t i = 0; i < nr; i++)
        if (where[i] < MAX_WANTED)
            out[i] = got[where[i]];
}

/* The keys at every wanted rank, from the brackets. */
static void select_wanted(const stats_stream *s, const totals *t, held *h, uint64_t *keys)
{
    for (size_t j = 0; j < s->plan.nbrackets; j++) {
        size_t r[MAX_WANTED], at[MAX_WANTED], nr = 0;
        for (size_t i = 0; i < s->nwanted; i++)
            if (s->bracket_of[i] == (int)j)
                at[nr] = i, r[nr++] = s->wanted[i];
        /* ranks ascend within a bracket except the ES rank, which comes last */
        for (size_t a = 1; a < nr; a++)
            for (size_t b = a; b > 0 && r[b - 1] > r[b]; b--) {
                size_t tr = r[b], ta = at[b];
                r[b] = r[b - 1], at[b] = at[b - 1];
                r[b - 1] = tr, at[b - 1] = ta;
            }
        uint64_t got[MAX_WANTED];
        select_in(h, j, r, nr, got);
        for (size_t i = 0; i < nr; i++)
            keys[at[i]] = got[i];
    }
    for (size_t i = 0; i < s->nwanted; i++)
        if (s->bracket_of[i] < 0)
            keys[i] = stats_key(s->wanted[i] == 0 ? t->min : t->max);
}

/* The sum of the k largest values, v the value at rank n - k: the values
 * above v, in block order (each block's tail past the bracket, then its
 * copies above v), plus v as often as it is needed to make k. */
static double top_sum(const stats_stream *s, const totals *t, const held *h, double v)
{
    int j = s->bracket_of[s->nwanted - 1];
    if (j < 0) /* k = n: everything; k = 1: the maximum */
        return s->k == s->n ? t->sum : t->max;
    double past = s->plan.past[j], sum = 0.0;
    uint64_t greater = t->from[j] - h[j].inside + (h[j].zeros && 0.0 > v ? h[j].zeros : 0);
    for (size_t b = 0; b < s->nblocks; b++) {
        const segment *g = &s->seg[b];
        const double *c = s->pools[g->worker].v + g->start;
        double inside = 0.0;
        for (size_t i = 0; i < g->len; i++) {
            int above = c[i] > v && !(c[i] >= past); /* not a branch: no guessing */
            inside += above ? c[i] : 0.0;
            greater += (uint64_t)above;
        }
        sum += s->tally[b].es + inside;
    }
    return sum + (double)(s->k - greater) * v;
}

/* The exact way, over the whole sample: no pilot, or a bracket missed. */
static int select_exact(const stats_stream *s, const double *x, uint64_t *keys, double *es_sum)
{
    order_query q = {
        .ranks = s->lp.ranks, .nranks = s->lp.nranks, .keys = keys, .es_rank = s->n - s->k
    };
    int rc = stats_order_exact(x, s->n, s->o.threads, &q);
    keys[s->nwanted - 1] = 0; /* the ES rank's own value is not needed */
    *es_sum = q.es_sum;
    return rc;
}

static void fill_summary(const stats_stream *s, const totals *t, const uint64_t *keys,
                         double es_sum, stats_summary *out)
{
    double mean = t->sum / (double)s->n, d = mean - s->plan.shift;
    double sumsq = t->sumsq - (double)s->n * d * d; /* about the mean */
    sumsq = sumsq > 0.0 ? sumsq : 0.0;
    const levels_plan *p = &s->lp;
    *out = (stats_summary){
        .n = s->n,
        .mean = mean,
        .min = t->min,
        .max = t->max,
        .sd = s->n > 1 ? sqrt(sumsq / (double)(s->n - 1)) : 0.0,
        .p50 = stats_interpolate(p, keys, 0),
        .p90 = stats_interpolate(p, keys, 1),
        .p95 = stats_interpolate(p, keys, 2),
        .p99 = stats_interpolate(p, keys, 3),
        .var_level = s->o.var_level,
        .var = stats_interpolate(p, keys, 4),
        .es = es_sum / (double)s->k,
        .p_above_appetite = (double)t->above[0] / (double)s->n,
        .p_above_tolerance = (double)t->above[1] / (double)s->n,
    };
}

int stats_stream_finish(stats_stream *s, const double *x, stats_summary *out, isms_err *e)
{
    totals t;
    add_up(s, &t);
    if (isnan(t.sum))
        return err_set(e, E_INVALID, "sample", "sample: contains a NaN");
    held h[STATS_MAX_BRACKETS];
    uint64_t keys[MAX_WANTED];
    double es_sum;
    int bracketed = s->bracketing;
    if (bracketed) {
        collect_copies(s, &t, h);
        bracketed = brackets_hold(s, h);
        if (bracketed) {
            select_wanted(s, &t, h, keys);
            es_sum = top_sum(s, &t, h, stats_value(keys[s->nwanted - 1]));
        }
        free_copies(h);
    }
    s->bracketed = bracketed;
    if (!bracketed && select_exact(s, x, keys, &es_sum))
        return err_set(e, E_INVALID, "sample", "sample: contains a NaN");
    fill_summary(s, &t, keys, es_sum, out);
    return E_OK;
}
