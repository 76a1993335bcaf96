/* dist_sample.c: exact quantiles, and samplers built on them.
 *
 * Each continuous shape has one "node" function giving the exact quantile at
 * a tail probability, computed from the side where it is accurate; the
 * quantile table (qtab.h) is built from it and dist_quantile() answers
 * from it, so the fast and the exact paths cannot drift apart. */
#include "risk/dist.h"

#include "core/xalloc.h"
#include "risk/special.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

/* ---- beta and PERT ---- */

typedef struct beta_shape {
    double lo, range, a, b, lbeta;
} beta_shape;

/* Tables are built for the unit shape beta(a, b) and then moved and
 * stretched onto [min, max] (qtab_scale), cached or not. */
static beta_shape beta_shape_of(const dist *d)
{
    beta_shape s = { 0.0, 1.0, 0.0, 0.0, 0.0 };
    dist_pert_shape(d, &s.a, &s.b);
    s.lbeta = sp_lbeta(s.a, s.b);
    return s;
}

/* Where a beta-family dist lies: [min, max] for a PERT, [0, 1] for beta. */
static void beta_place(const dist *d, double *lo, double *hi)
{
    *lo = d->kind == DIST_PERT ? d->min : 0.0;
    *hi = d->kind == DIST_PERT ? d->max : 1.0;
}

/* In unit coordinates of beta(a, b), measured from the tail's end:
 * d ln f / dx. */
static double beta_dlogf(double x, double a, double b)
{
    return (a - 1.0) / x - (b - 1.0) / (1.0 - x);
}

/* The probability between x0 and x1 by 3-point Gauss-Legendre: exact to
 * ~1e-12 over the short steps between neighbouring nodes, for the price of
 * three densities rather than a continued fraction. */
static double beta_mass(double x0, double x1, double a, double b, double lbeta)
{
    static const double t[3] = { -0.7745966692414834, 0.0, 0.7745966692414834 };
    static const double wt[3] = { 5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0 };
    double h = 0.5 * (x1 - x0), c = 0.5 * (x1 + x0), sum = 0.0;
    for (int k = 0; k < 3; k++)
        sum += wt[k] * sp_beta_pdf(c + h * t[k], a, b, lbeta);
    return h * sum;
}

/* A node one short step from the previous one: a second-order Taylor step
 * in w (x' = 1/f, x'' = -f'/f^3), then one Newton step on the mass
 * gathered since the previous node, whose probability is known exactly.
 * 0 when the step is too long for that (the octave-spaced tail nodes). */
static int beta_step(const beta_shape *s, double a, double b, double w, const qtab_node *prev,
                     double *x, double *pdf)
{
    if (!prev || !(prev->dist > 0.0))
        return 0;
    double x0 = prev->dist / s->range, f0 = prev->pdf * s->range, dw = w - prev->w;
    if (!(fabs(dw) < 0.25 * w && x0 < 1.0))
        return 0;
    double guess = x0 + dw / f0 - 0.5 * dw * dw * beta_dlogf(x0, a, b) / (f0 * f0);
    if (!(guess > 0.0 && guess < 1.0))
        return 0;
    double excess = prev->w + beta_mass(x0, guess, a, b, s->lbeta) - w;
    double f = sp_beta_pdf(guess, a, b, s->lbeta);
    *x = guess - excess / f;
    *pdf = f * (1.0 + (*x - guess) * beta_dlogf(guess, a, b));
    return fabs(*x - guess) < 1e-5 * *x;
}

/* A starting point for the root finder: the previous node extrapolated as
 * a power law in w. */
static double beta_guess(const beta_shape *s, double w, const qtab_node *prev)
{
    if (!prev || !(prev->dist > 0.0))
        return -1.0;
    double x = prev->dist / s->range, f = prev->pdf * s->range;
    return x * pow(w / prev->w, prev->w / (x * f));
}

static void beta_node(const void *ctx, double w, int upper, const qtab_node *prev, qtab_node *out)
{
    const beta_shape *s = ctx;
    /* The upper tail of beta(a, b) is the lower tail of beta(b, a) in 1 - x. */
    double a = upper ? s->b : s->a, b = upper ? s->a : s->b, x, pdf;
    if (!beta_step(s, a, b, w, prev, &x, &pdf)) {
        x = sp_beta_quantile(w, a, b, s->lbeta, beta_guess(s, w, prev));
        pdf = sp_beta_pdf(x, a, b, s->lbeta);
    }
    out->w = w;
    out->dist = s->range * x;
    out->ldist = log(out->dist);
    out->q = upper ? s->lo + s->range - out->dist : s->lo + out->dist;
    out->pdf = pdf / s->range;
}

/* ---- lognormal: exp(mu + sigma z), z standard normal ---- */

/* The standard normal quantile and density at every table node, computed
 * once: building a lognormal table then costs one exp per node. */
typedef struct std_node {
    double z, pdf;
} std_node;
static struct {
    std_node body[QTAB_N / 2 + 1]; /* at u = k/N, k <= N/2 */
    std_node tail[QTAB_J1 + 2];    /* at u = 2^-j */
} std_nodes;
static pthread_once_t std_nodes_once = PTHREAD_ONCE_INIT;

static std_node std_node_at(double w)
{
    double z = sp_norm_quantile(w);
    return (std_node){ z, sp_norm_pdf(z) };
}

static void std_nodes_init(void)
{
    for (int k = 1; k <= QTAB_N / 2; k++)
        std_nodes.body[k] = std_node_at((double)k / QTAB_N);
    for (int j = 1; j <= QTAB_J1 + 1; j++)
        std_nodes.tail[j] = std_node_at(ldexp(1.0, -j));
}

/* The node at lower tail probability w <= 1/2. */
static std_node std_z(double w)
{
    double kw = w * QTAB_N;
    if (kw >= 1.0 && kw == floor(kw))
        return std_nodes.body[(int)kw];
    int j = -ilogb(w);
    if (ldexp(1.0, -j) == w && j <= QTAB_J1 + 1)
        return std_nodes.tail[j];
    return std_node_at(w);
}

typedef struct lognormal_shape {
    double mu, sigma;
} lognormal_shape;

static void lognormal_node(const void *ctx, double w, int upper, const qtab_node *prev,
                           qtab_node *out)
{
    (void)prev;
    const lognormal_shape *s = ctx;
    std_node n = std_z(w);
    double z = upper ? -n.z : n.z;
    out->w = w;
    out->ldist = s->mu + s->sigma * z;
    out->q = out->dist = exp(out->ldist);
    out->pdf = n.pdf / (s->sigma * out->q);
}

/* ---- normal truncated at zero ---- */

typedef struct normal_shape {
    double mean, sd, alpha, tail; /* alpha = -mean/sd; tail = 1 - Phi(alpha) */
} normal_shape;

/* The integral of phi over [a, a + d] for small d, by 5-point Gauss-Legendre
 * (relative error ~ d^10): Phi(a + d) - Phi(a) would cancel. */
static double phi_integral(double a, double d)
{
    static const double x[5] = { 0.0, 0.5384693101056831, -0.5384693101056831, 0.9061798459386640,
                                 -0.9061798459386640 };
    static const double wt[5] = { 0.5688888888888889, 0.4786286704993665, 0.4786286704993665,
                                  0.2369268850561891, 0.2369268850561891 };
    double s = 0.0;
    for (int i = 0; i < 5; i++)
        s += wt[i] * sp_norm_pdf(a + 0.5 * d * (1.0 + x[i]));
    return 0.5 * d * s;
}

/* z - alpha for the lower tail probability w of the truncated normal. */
static double normal_lower_offset(const normal_shape *s, double w)
{
    double above = (1.0 - w) * s->tail; /* standard normal mass above z */
    double z = above <= 0.5 ? -sp_norm_quantile(above) : sp_norm_quantile(1.0 - above);
    double d = z - s->alpha;
    if (d > 1e-2)
        return d;
    /* Near zero the subtraction above has cancelled: solve the mass
     * equation for the offset itself. */
    double mass = w * s->tail;
    d = mass / sp_norm_pdf(s->alpha);
    for (int i = 0; i < 8; i++) {
        double step = (phi_integral(s->alpha, d) - mass) / sp_norm_pdf(s->alpha + d);
        d -= step;
        if (fabs(step) <= 1e-15 * d)
            break;
    }
    return d;
}

static void normal_node(const void *ctx, double w, int upper, const qtab_node *prev, qtab_node *out)
{
    (void)prev;
    const normal_shape *s = ctx;
    double z;
    if (upper) {
        double above = w * s->tail;
        z = above <= 0.5 ? -sp_norm_quantile(above) : sp_norm_quantile(1.0 - above);
        out->q = out->dist = s->sd * (z - s->alpha);
    } else {
        double d = normal_lower_offset(s, w);
        z = s->alpha + d;
        out->q = out->dist = s->sd * d;
    }
    out->w = w;
    out->ldist = log(out->dist);
    out->pdf = sp_norm_pdf(z) / (s->sd * s->tail);
}

static normal_shape normal_shape_of(const dist *d)
{
    normal_shape s = { d->mu, d->sigma, -d->mu / d->sigma, 0.0 };
    s.tail = sp_norm_sf(s.alpha);
    return s;
}

/* ---- the table-driven shapes, one switch ---- */

typedef struct node_source {
    qtab_node_fn fn;
    union {
        beta_shape beta;
        lognormal_shape lognormal;
        normal_shape normal;
    } shape;
    double lo, hi;
} node_source;

static int node_source_of(const dist *d, node_source *src)
{
    switch (d->kind) {
    case DIST_PERT:
    case DIST_BETA:
        src->fn = beta_node;
        src->shape.beta = beta_shape_of(d);
        src->lo = src->shape.beta.lo;
        src->hi = src->lo + src->shape.beta.range;
        return 1;
    case DIST_LOGNORMAL:
    case DIST_LOGNORMAL90:
        pthread_once(&std_nodes_once, std_nodes_init);
        src->fn = lognormal_node;
        dist_lognormal_params(d, &src->shape.lognormal.mu, &src->shape.lognormal.sigma);
        src->lo = 0.0, src->hi = INFINITY;
        return 1;
    case DIST_NORMAL:
        src->fn = normal_node;
        src->shape.normal = normal_shape_of(d);
        src->lo = 0.0, src->hi = INFINITY;
        return 1;
    default: return 0;
    }
}

double dist_quantile(const dist *d, double u)
{
    node_source src;
    if (node_source_of(d, &src)) {
        double lo = src.lo, hi = src.hi, scale = 1.0;
        if (src.fn == beta_node) {
            beta_place(d, &lo, &hi);
            scale = hi - lo;
        }
        if (!(u > 0.0))
            return lo;
        if (!(u < 1.0))
            return hi;
        qtab_node n;
        if (u <= 0.5)
            src.fn(&src.shape, u, 0, NULL, &n);
        else
            src.fn(&src.shape, 1.0 - u, 1, NULL, &n);
        if (src.fn != beta_node)
            return n.q;
        return u <= 0.5 ? lo + scale * n.dist : hi - scale * n.dist;
    }
    double r = d->max - d->min;
    size_t i;
    switch (d->kind) {
    case DIST_CONST: return d->value;
    case DIST_UNIFORM: return d->min + r * u;
    case DIST_TRIANGULAR:
        if (u * r < d->mode - d->min)
            return d->min + sqrt(u * r * (d->mode - d->min));
        return d->max - sqrt((1.0 - u) * r * (d->max - d->mode));
    case DIST_EMPIRICAL:
        i = (size_t)(u * (double)d->ndata);
        return d->data[i < d->ndata ? i : d->ndata - 1];
    default: return NAN;
    }
}

/* ---- samplers ---- */

/* ---- the cache of unit tables ---- */

/* Bounds the memory a run's cache may hold (~20 KiB a table). */
#define CACHE_MAX 256

typedef struct cache_entry {
    double a, b;
    qtab *unit;
} cache_entry;

struct dist_cache {
    pthread_mutex_t lock;
    cache_entry *entries;
    size_t n, cap;
};

dist_cache *dist_cache_new(void)
{
    dist_cache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void dist_cache_free(dist_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->entries[i].unit);
    free(c->entries);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static const qtab *cache_find(dist_cache *c, double a, double b)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->entries[i].a == a && c->entries[i].b == b)
            return c->entries[i].unit;
    return NULL;
}

/* Copies the unit table of (a, b) into t, building it (outside the lock:
 * two threads may both build one; the tables are identical) if needed. */
static void cached_unit(dist_cache *c, const node_source *src, qtab *t)
{
    double a = src->shape.beta.a, b = src->shape.beta.b;
    pthread_mutex_lock(&c->lock);
    const qtab *found = cache_find(c, a, b);
    if (found)
        *t = *found;
    pthread_mutex_unlock(&c->lock);
    if (found)
        return;
    qtab_build(t, src->lo, src->hi, src->fn, &src->shape);
    pthread_mutex_lock(&c->lock);
    if (c->n < CACHE_MAX && !cache_find(c, a, b)) {
        XGROW(c->entries, c->n, c->cap, 64);
        qtab *unit = xmalloc(sizeof *unit);
        *unit = *t;
        c->entries[c->n++] = (cache_entry){ a, b, unit };
    }
    pthread_mutex_unlock(&c->lock);
}

static void build_table(dist_sampler *s, const dist *d, const node_source *src, dist_cache *c)
{
    s->table = xmalloc_aligned(64, sizeof *s->table); /* rows whole in cache lines */
    if (src->fn != beta_node) {
        qtab_build(s->table, src->lo, src->hi, src->fn, &src->shape);
        return;
    }
    if (c)
        cached_unit(c, src, s->table);
    else
        qtab_build(s->table, src->lo, src->hi, src->fn, &src->shape);
    double lo, hi;
    beta_place(d, &lo, &hi);
    qtab_scale(s->table, lo, hi - lo, hi);
}

int dist_sampler_init_cached(dist_sampler *s, const dist *d, dist_cache *c, const char *field,
                             isms_err *e)
{
    *s = (dist_sampler){ .kind = d->kind };
    int rc = dist_validate(d, field, e);
    if (rc)
        return rc;
    node_source src;
    if (node_source_of(d, &src)) {
        build_table(s, d, &src, c);
        return E_OK;
    }
    switch (d->kind) {
    case DIST_CONST: s->lo = d->value; break;
    case DIST_UNIFORM: s->lo = d->min, s->lo_scale = d->max - d->min; break;
    case DIST_TRIANGULAR:
        /* Below the mode: min + sqrt(u·lo_scale); above: max - sqrt((1-u)·hi_scale). */
        s->lo = d->min, s->hi = d->max;
        s->lo_scale = (d->max - d->min) * (d->mode - d->min);
        s->hi_scale = (d->max - d->min) * (d->max - d->mode);
        s->split = (d->mode - d->min) / (d->max - d->min);
        break;
    case DIST_EMPIRICAL: s->data = d->data, s->ndata = d->ndata; break;
    default: break;
    }
    return E_OK;
}

int dist_sampler_init(dist_sampler *s, const dist *d, const char *field, isms_err *e)
{
    return dist_sampler_init_cached(s, d, NULL, field, e);
}

void dist_sampler_reset(dist_sampler *s)
{
    free(s->table);
    *s = (dist_sampler){ 0 };
}

static double triangular_at(const dist_sampler *s, uint64_t x)
{
    /* One square root and selects rather than a branch: which side of the
     * mode a sample falls on is a coin toss the predictor cannot learn. */
    double u = rng_u01(x);
    int below = u < s->split;
    double r = sqrt(below ? u * s->lo_scale : rng_u01_complement(x) * s->hi_scale);
    return below ? s->lo + r : s->hi - r;
}

static double empirical_at(const dist_sampler *s, uint64_t x)
{
    size_t i = (size_t)(rng_u01(x) * (double)s->ndata);
    return s->data[i < s->ndata ? i : s->ndata - 1];
}

double dist_sampler_at(const dist_sampler *s, uint64_t x)
{
    if (s->table)
        return qtab_at(s->table, x);
    switch (s->kind) {
    case DIST_UNIFORM: return s->lo + s->lo_scale * rng_u01(x);
    case DIST_TRIANGULAR: return triangular_at(s, x);
    case DIST_EMPIRICAL: return empirical_at(s, x);
    default: return s->lo;
    }
}

void dist_sampler_draw(const dist_sampler *s, rng *r, double *out, size_t n)
{
    /* One loop per shape, so that the hot loops carry no dispatch. */
    rng g = *r;
    if (s->table) {
        uint64_t word[256]; /* the words first, then the table on many at once */
        for (size_t done = 0; done < n; done += 256) {
            size_t m = n - done < 256 ? n - done : 256;
            rng_fill(&g, word, m);
            qtab_fill(s->table, word, out + done, m);
        }
    } else if (s->kind == DIST_UNIFORM) {
        for (size_t i = 0; i < n; i++)
            out[i] = s->lo + s->lo_scale * rng_u01(rng_next(&g));
    } else if (s->kind == DIST_TRIANGULAR) {
        for (size_t i = 0; i < n; i++)
            out[i] = triangular_at(s, rng_next(&g));
    } else if (s->kind == DIST_EMPIRICAL) {
        for (size_t i = 0; i < n; i++)
            out[i] = empirical_at(s, rng_next(&g));
    } else {
        for (size_t i = 0; i < n; i++)
            out[i] = s->lo; /* const: no numbers drawn */
    }
    *r = g;
}
