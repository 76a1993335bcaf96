/* bench_fair: the FAIR workloads (bench/fair/workloads/README.md) run
 * through isms's engine, one JSON line per case in the numpy harness's
 * format, so that run.sh can put the two side by side.
 *
 *   bench_fair PORTFOLIO_CSV
 *
 * BENCH_SCALE multiplies the iteration counts (as params.py does),
 * BENCH_REPEATS sets the timed runs per case (median reported, default 3)
 * after BENCH_WARMUP untimed ones (default 2: on the project's shared VMs
 * the first runs of a process were often the slowest),
 * BENCH_THREADS the worker threads (default: one per CPU), BENCH_CASE
 * limits the run to the cases whose name contains it.
 *
 * Each case's time is the whole job: preparing the distributions, the
 * simulation and the summary statistics (mean, P50/P90/P95/P99), as the
 * numpy baseline's time includes np.percentile. Beside it, two floors for
 * the same sampling work without statistics (see run_floor): "limit_seconds"
 * (uniforms, affine maps, the model's combination) and
 * "cubic_limit_seconds" (the same with the arithmetic of an interpolated
 * inverse CDF per uniform). "cpu_seconds" are CPU times summed over the
 * threads: steadier than wall times on a shared machine. */
#include "risk/fair.h"
#include "risk/par.h"
#include "risk/poisson.h"
#include "risk/portfolio.h"
#include "risk/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RISKS 1000
#define MAX_REPEATS 15

static double clock_seconds(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

/* CPU time of all threads: what a case costs even when other work shares
 * the machine and stretches its wall time. */
static double cpu_now(void) { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }

static double env_double(const char *name, double fallback)
{
    const char *v = getenv(name);
    return v && *v ? atof(v) : fallback;
}

/* BENCH_CASE: run only the cases whose name contains it. */
static int wanted(const char *name)
{
    const char *only = getenv("BENCH_CASE");
    return !only || !*only || strstr(name, only);
}

static size_t scaled(double n, double scale)
{
    double v = floor(n * scale);
    return v < 1000 ? 1000 : (size_t)v;
}

typedef struct timing {
    double total, sim, stats, cpu;
    double limit, limit_cpu; /* the bare floor */
    double cubic, cubic_cpu; /* the inversion-arithmetic floor */
    stats_summary s;
} timing;

static int by_total(const void *a, const void *b)
{
    double x = ((const timing *)a)->total, y = ((const timing *)b)->total;
    return (x > y) - (x < y);
}

static void report(const char *name, size_t samples, timing *runs, int repeats, const char *note)
{
    double times[MAX_REPEATS];
    for (int i = 0; i < repeats; i++)
        times[i] = runs[i].total;
    qsort(runs, (size_t)repeats, sizeof *runs, by_total);
    const timing *med = &runs[repeats / 2];
    printf("{\"tool\": \"isms\", \"case\": \"%s\", \"samples\": %zu, \"seconds\": %.4f, "
           "\"samples_per_s\": %.0f, \"runs\": [",
           name, samples, med->total, (double)samples / med->total);
    for (int i = 0; i < repeats; i++)
        printf("%s%.4f", i ? ", " : "", times[i]);
    printf("], \"stats\": {\"mean\": %.2f, \"p50\": %.2f, \"p90\": %.2f, \"p95\": %.2f, "
           "\"p99\": %.2f}, \"sim_seconds\": %.4f, \"stats_seconds\": %.4f, "
           "\"limit_seconds\": %.4f, \"cubic_limit_seconds\": %.4f, \"cpu_seconds\": %.4f, "
           "\"limit_cpu_seconds\": %.4f, \"cubic_limit_cpu_seconds\": %.4f, \"note\": \"%s\"}\n",
           med->s.mean, med->s.p50, med->s.p90, med->s.p95, med->s.p99, med->sim, med->stats,
           med->limit, med->cubic, med->cpu, med->limit_cpu, med->cubic_cpu, note);
    fflush(stdout);
}

static void summarize(const double *x, size_t n, unsigned threads, timing *t)
{
    double t0 = now();
    stats_opts o = { .threads = threads };
    isms_err e = { 0 };
    if (stats_summarize(x, n, &o, &t->s, &e)) {
        fprintf(stderr, "bench_fair: %s\n", e.msg);
        exit(1);
    }
    t->stats = now() - t0;
}

static void die(const isms_err *e)
{
    fprintf(stderr, "bench_fair: %s (%s)\n", e->msg, e->field);
    exit(1);
}

/* ---- the engine ---- */

static const fair_scenario inherent = { FAIR_INHERENT, -1, NULL };

/* One risk as `isms risk quantify` runs it: the summary made while the
 * losses are simulated, so "sim" includes the one pass of the statistics
 * and "stats" is what is left to finish them. */
static void run_risk(const fair_risk *r, size_t n, unsigned threads, double *x, timing *t)
{
    isms_err e = { 0 };
    double t0 = now(), c0 = cpu_now();
    fair_model *m;
    stats_stream *summary;
    stats_opts so = { .threads = threads };
    if (fair_model_new(&m, r, NULL, 0, &e) || stats_stream_new(&summary, n, &so, &e))
        die(&e);
    fair_opts o = { .seed = 1, .iterations = n, .threads = threads, .summaries = &summary };
    if (fair_simulate(m, &inherent, 1, &o, &x, NULL, &e))
        die(&e);
    fair_model_free(m);
    t->sim = now() - t0;
    double t1 = now();
    if (stats_stream_finish(summary, x, &t->s, &e))
        die(&e);
    stats_stream_free(summary);
    t->stats = now() - t1;
    t->total = now() - t0;
    t->cpu = cpu_now() - c0;
}

static void run_portfolio(const fair_risk *risks, size_t nrisks, size_t n, unsigned threads,
                          timing *t)
{
    isms_err e = { 0 };
    double t0 = now(), c0 = cpu_now();
    portfolio *p;
    portfolio_result res;
    if (portfolio_new(&p, risks, nrisks, NULL, 0, &e))
        die(&e);
    fair_opts o = { .seed = 1, .iterations = n, .threads = threads };
    if (portfolio_run(p, &inherent, &o, &res, &e))
        die(&e);
    t->sim = now() - t0;
    summarize(res.total, n, threads, t);
    t->total = now() - t0;
    t->cpu = cpu_now() - c0;
    portfolio_result_reset(&res);
    portfolio_free(p);
}

/* ---- the machine's floors ----
 *
 * "bare": the same number of uniforms from the same generator on the same
 * threads, each mapped by an affine function (no inverse CDF), combined as
 * the model combines them (product, scatter-add into the years).
 * "cubic": the same, but each uniform goes through the arithmetic of one
 * interpolated inverse CDF: position within a slice, a cubic in Horner
 * form, with fixed coefficients in registers instead of table lookups. */

typedef struct floor_job {
    size_t n, nrisks;
    const double *rate; /* per risk: events a year (compound) */
    double *out;
    int compound, cubic;
} floor_job;

static inline double floor_sample(uint64_t x, int cubic, double lo, double width)
{
    if (!cubic)
        return lo + width * rng_u01(x);
    double s = rng_u01(x << 9);
    return lo + width * (0.1 + s * (0.7 + s * (0.15 + s * 0.05)));
}

/* One risk's year of frequency x magnitude, per iteration. */
static void floor_product(const floor_job *j, size_t r, size_t block, double *out, size_t n)
{
    rng a, b;
    rng_stream(&a, 1, r, block, 0);
    rng_stream(&b, 1, r, block, 1);
    int cubic = j->cubic;
    for (size_t i = 0; i < n; i++)
        out[i] += floor_sample(rng_next(&a), cubic, 0.5, 5.5) *
                  floor_sample(rng_next(&b), cubic, 1e4, 9.9e5);
}

/* One risk's events scattered over the block's years. */
static void floor_compound(const floor_job *j, size_t r, size_t block, double *out, size_t n)
{
    rng k, y, m;
    rng_stream(&k, 1, r, block, 2);
    rng_stream(&y, 1, r, block, 3);
    rng_stream(&m, 1, r, block, 4);
    uint64_t events = poisson_draw(&k, j->rate[r] * (double)n);
    int cubic = j->cubic;
    for (uint64_t e = 0; e < events; e++) {
        size_t year = (size_t)(((rng_next(&y) >> 32) * n) >> 32);
        out[year] += floor_sample(rng_next(&m), cubic, 1e5, 1e7);
    }
}

static int floor_unit(void *ctx, size_t block, unsigned worker)
{
    (void)worker;
    const floor_job *j = ctx;
    size_t first = block * FAIR_BLOCK;
    size_t n = j->n - first < FAIR_BLOCK ? j->n - first : FAIR_BLOCK;
    double *out = j->out + first;
    memset(out, 0, n * sizeof *out);
    for (size_t r = 0; r < j->nrisks; r++) {
        if (j->compound)
            floor_compound(j, r, block, out, n);
        else
            floor_product(j, r, block, out, n);
    }
    return 0;
}

/* Runs the job's bare and cubic floors. */
static void run_floor(floor_job *j, unsigned threads, timing *t)
{
    for (int cubic = 0; cubic <= 1; cubic++) {
        j->cubic = cubic;
        double t0 = now(), c0 = cpu_now();
        par *pool = par_new(threads);
        par_run(pool, (j->n + FAIR_BLOCK - 1) / FAIR_BLOCK, floor_unit, j, NULL, NULL, NULL);
        par_free(pool);
        double wall = now() - t0, cpu = cpu_now() - c0;
        if (cubic)
            t->cubic = wall, t->cubic_cpu = cpu;
        else
            t->limit = wall, t->limit_cpu = cpu;
    }
}

/* ---- the cases ---- */

typedef struct bench_case {
    const char *name, *note;
    floor_job floor; /* its floors' work */
    const fair_risk *risks;
    size_t nrisks;
    int portfolio; /* run as a portfolio (else one risk) */
} bench_case;

static void run_engine(const bench_case *c, floor_job *f, unsigned threads, timing *t)
{
    if (c->portfolio)
        run_portfolio(c->risks, c->nrisks, f->n, threads, t);
    else
        run_risk(c->risks, f->n, threads, f->out, t);
}

static void run_case(const bench_case *c, unsigned threads, int repeats, int warmup)
{
    if (!wanted(c->name))
        return;
    timing runs[MAX_REPEATS];
    floor_job f = c->floor;
    for (int i = 0; i < warmup; i++)
        run_engine(c, &f, threads, &runs[0]);
    for (int i = 0; i < repeats; i++) {
        run_floor(&f, threads, &runs[i]);
        run_engine(c, &f, threads, &runs[i]);
    }
    char note[160];
    snprintf(note, sizeof note, "%s; %u threads", c->note, threads ? threads : par_cpus());
    report(c->name, f.n * c->nrisks, runs, repeats, note);
}

/* ---- the portfolio file ---- */

typedef struct row {
    double rate, low, high, lef[3], lm[3];
} row;

static size_t read_portfolio(const char *path, row *rows)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_fair: cannot open %s\n", path);
        exit(1);
    }
    char line[1024];
    size_t n = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (n < MAX_RISKS && fgets(line, sizeof line, f)) {
        row *r = &rows[n];
        int id;
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &id, &r->rate, &r->low, &r->high,
                   &r->lef[0], &r->lef[1], &r->lef[2], &r->lm[0], &r->lm[1], &r->lm[2]) == 10)
            n++;
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_fair PORTFOLIO_CSV\n");
        return 2;
    }
    double scale = env_double("BENCH_SCALE", 1.0);
    int repeats = (int)env_double("BENCH_REPEATS", 3);
    repeats = repeats < 1 ? 1 : repeats > MAX_REPEATS ? MAX_REPEATS : repeats;
    unsigned threads = (unsigned)env_double("BENCH_THREADS", 0);
    int warmup = (int)env_double("BENCH_WARMUP", 2);

    static row rows[MAX_RISKS];
    static fair_risk compound[MAX_RISKS], product[MAX_RISKS];
    static double rates[MAX_RISKS];
    size_t nrisks = read_portfolio(argv[1], rows);
    for (size_t i = 0; i < nrisks; i++) {
        const row *r = &rows[i];
        rates[i] = r->rate;
        compound[i] = (fair_risk){ .name = "c",
                                   .stream_id = i,
                                   .lef = dist_const(r->rate),
                                   .plm = dist_lognormal90(r->low, r->high) };
        product[i] =
            (fair_risk){ .name = "c",
                         .stream_id = i,
                         .mode = FAIR_PRODUCT,
                         .lef = dist_pert(r->lef[0], r->lef[1], r->lef[2], 4, DIST_PERT_PYFAIR),
                         .plm = dist_pert(r->lm[0], r->lm[1], r->lm[2], 4, DIST_PERT_PYFAIR) };
    }

    size_t n1 = scaled(1e6, scale), nc = scaled(1e5, scale);
    double *x = malloc((n1 > nc ? n1 : nc) * sizeof *x), rate_b = 2.0;
    fair_risk a = { .name = "a",
                    .stream_id = 1,
                    .mode = FAIR_PRODUCT,
                    .lef = dist_pert(0.5, 2, 6, 4, DIST_PERT_PYFAIR),
                    .plm = dist_pert(1e4, 1e5, 1e6, 4, DIST_PERT_PYFAIR) };
    fair_risk b = {
        .name = "b", .stream_id = 2, .lef = dist_const(2), .plm = dist_lognormal90(1e5, 1e7)
    };
    const bench_case cases[] = {
        { "a_pert_x_pert_1risk",
          "PERT x PERT by quantile tables, product",
          { .n = n1, .nrisks = 1, .out = x },
          &a,
          1,
          0 },
        { "b_poisson_lognormal_1risk",
          "Poisson events scattered per block, lognormal table",
          { .n = n1, .nrisks = 1, .rate = &rate_b, .out = x, .compound = 1 },
          &b,
          1,
          0 },
        { "c_portfolio_compound",
          "riskquant model, events scattered over the years",
          { .n = nc, .nrisks = nrisks, .rate = rates, .out = x, .compound = 1 },
          compound,
          nrisks,
          1 },
        { "c_portfolio_product",
          "pyfair model, PERT x PERT per risk and iteration",
          { .n = nc, .nrisks = nrisks, .rate = rates, .out = x },
          product,
          nrisks,
          1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i], threads, repeats, warmup);
    free(x);
    return 0;
}
