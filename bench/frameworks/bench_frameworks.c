/* bench_frameworks: frameworks at the scale of a large control set. Makes
 * a repository (the built-in catalogues: timed), adds CONTROLS controls,
 * maps each onto three requirements of each of six frameworks (ISO/IEC
 * 27001, CSF 2.0, SP 800-53, NIS2 IR, DORA, SOC 2), then times coverage of
 * the six, drift, suggestions for one control, and generating the ISO
 * SoA.
 *
 *   bench_frameworks REPO [CONTROLS]       default 1000
 *
 * REPO must not exist (a SQLite path or a postgres:// URI of an empty
 * database). Output: one JSON line per phase. */
#include "bench/support/util.h"
#include "domain/engine/dom.h"
#include "domain/registers/framework_data.h"
#include "domain/registers/registers.h"
#include "domain/views/frameworks.h"
#include "domain/workflows/soa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int rc, const char *what, const isms_err *e)
{
    if (rc)
        bench_die(what, e);
}

/* A record of reg from name, value pairs (NULL-terminated), added. */
static void add(dom *d, const regdef *reg, const char *const *pairs)
{
    record r;
    record_init(&r, reg, dom_arena(d));
    for (int i = 0; pairs[i]; i += 2)
        bench_set(d, &r, FIELD_ID(reg->num, regdef_field(reg, pairs[i])), pairs[i + 1]);
    bench_add(d, &r, NULL);
}

/* The i-th assessable requirement (cyclically) of built-in framework f, as
 * FRAMEWORK:ID. */
static const char *nth(const fw_builtin *f, int i, char *buf, size_t n)
{
    int count = 0;
    for (int k = 0; k < f->n; k++)
        count += (fw_reqs[f->first + k].flags & FWR_ASSESSABLE) != 0;
    int want = i % count;
    for (int k = 0; k < f->n; k++)
        if ((fw_reqs[f->first + k].flags & FWR_ASSESSABLE) && !want--) {
            snprintf(buf, n, "%s:%s", f->name, fw_reqs[f->first + k].code);
            return buf;
        }
    return NULL;
}

static void load(dom *d, int controls)
{
    static const char *const fws[] = { "iso27001-2022",     "csf-2.0", "sp800-53r5",
                                       "nis2-ir-2024-2690", "dora",    "soc2-tsc" };
    static const char *const statuses[] = { "planned", "implemented", "operating" };
    static const char *const rels[] = { "equal-to", "subset-of", "intersects-with", "superset-of" };
    isms_err e = { 0 };
    check(dom_txn_begin(d, &e), "begin", &e);
    add(d, &reg_person,
        (const char *const[]){ "name", "Cleo", "email", "cleo@bench.example", NULL });
    for (int c = 1; c <= controls; c++) {
        char title[64], key[32], ref[160];
        snprintf(title, sizeof title, "Control %d", c);
        add(d, &reg_control,
            (const char *const[]){ "title", title, "owner", "PER-1", "status", statuses[c % 3],
                                   NULL });
        snprintf(key, sizeof key, "CTL-%d", c);
        for (int f = 0; f < 6; f++) {
            const fw_builtin *b = NULL;
            for (int k = 0; k < fw_nbuiltins; k++)
                if (!strcmp(fw_builtins[k].name, fws[f]))
                    b = &fw_builtins[k];
            for (int m = 0; m < 3; m++)
                add(d, &reg_mapping,
                    (const char *const[]){ "control", key, "target",
                                           nth(b, c * 3 + m, ref, sizeof ref), "relationship",
                                           rels[(c + m) % 4], NULL });
        }
        if (c % 100 == 0)
            arena_reset(dom_arena(d));
    }
    check(dom_txn_end(d, 0, &e), "commit", &e);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_frameworks REPO [CONTROLS]\n");
        return 2;
    }
    int controls = argc > 2 ? atoi(argv[2]) : 1000;
    isms_err e = { 0 };
    dom *d;
    double t = bench_now();
    check(dom_create(argv[1], NULL, 0, &d, &e), "create", &e);
    printf("{\"phase\":\"init\",\"seconds\":%.3f}\n", bench_now() - t);
    t = bench_now();
    load(d, controls);
    printf("{\"phase\":\"load\",\"controls\":%d,\"mappings\":%d,\"seconds\":%.3f}\n", controls,
           controls * 18, bench_now() - t);
    static const char *const fws[] = { "iso27001-2022",     "csf-2.0", "sp800-53r5",
                                       "nis2-ir-2024-2690", "dora",    "soc2-tsc" };
    t = bench_now();
    int covered = 0;
    for (int f = 0; f < 6; f++) {
        cov_report r;
        check(dom_coverage(d, fws[f], &r, &e), "coverage", &e);
        covered += r.total.n[COV_COVERED];
    }
    printf("{\"phase\":\"coverage of 6 frameworks, one at a time\",\"covered\":%d,"
           "\"seconds\":%.3f}\n",
           covered, bench_now() - t);
    arena_reset(dom_arena(d));
    t = bench_now();
    cov_report *all;
    int nall;
    check(dom_coverage_all(d, &all, &nall, &e), "coverage", &e);
    printf("{\"phase\":\"coverage of every mapped framework (the dashboard)\",\"frameworks\":%d,"
           "\"seconds\":%.3f}\n",
           nall, bench_now() - t);
    arena_reset(dom_arena(d));
    t = bench_now();
    record soa;
    int n;
    check(dom_soa_generate(d, &(soa_spec){ .framework = "iso27001-2022" }, &soa, &n, &e), "soa",
          &e);
    printf("{\"phase\":\"soa generate\",\"entries\":%d,\"seconds\":%.3f}\n", n, bench_now() - t);
    t = bench_now();
    drift_item *dr;
    check(dom_drift(d, &dr, &n, &e), "drift", &e);
    printf("{\"phase\":\"drift\",\"items\":%d,\"seconds\":%.3f}\n", n, bench_now() - t);
    t = bench_now();
    map_suggestion *s;
    check(dom_map_suggest(d, "CTL-1", 2, &s, &n, &e), "suggest", &e);
    printf("{\"phase\":\"suggest, 2 hops\",\"suggestions\":%d,\"seconds\":%.3f}\n", n,
           bench_now() - t);
    dom_close(d);
    return 0;
}
