/* bench_oscal: OSCAL import (issue 18). Times, best of RUNS:
 *  - parse: the 3.9 MB MODERATE resolved catalog read by jansson and
 *    told apart (oscal_load_pooled, as `isms oscal import` loads it);
 *  - read: parse and the catalog read into items (oscal_catalog_read);
 *  - resolve: the MODERATE baseline profile resolved against the legacy
 *    5.0.1 catalog (both files read, selection, merge, the catalog read);
 *  - import: parse, read, and the framework with its 305 requirements
 *    stored with their ledger entries in a new repository, committed.
 *
 *   bench_oscal DIR FIXTURES [RUNS]
 *
 * DIR: a directory for the repositories; FIXTURES: tests/fixtures/oscal.
 *
 * Output: one JSON line per phase. */
#include "bench/support/util.h"
#include "domain/workflows/oscal_import.h"
#include "formats/json.h"
#include "formats/oscal.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char moderate[4096], profile[4096], legacy[4096];

static void fixtures(const char *dir)
{
    snprintf(moderate, sizeof moderate, "%s/%s", dir,
             "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json");
    snprintf(profile, sizeof profile, "%s/%s", dir,
             "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json");
    snprintf(legacy, sizeof legacy, "%s/%s", dir, "NIST_SP-800-53_rev5_catalog-min.json");
}

static void check(int rc, const char *what, const isms_err *e)
{
    if (rc)
        bench_die(what, e);
}

static int load(const char *path, oscal_doc *doc, oscal_catalog *c, arena *a, isms_err *e)
{
    int rc = oscal_load_pooled(path, doc, NULL, a, e); /* as isms oscal import loads */
    if (!rc && c)
        rc = oscal_catalog_read(doc, c, e);
    return rc;
}

static double phase_parse(int read)
{
    arena a;
    arena_init(&a);
    oscal_doc doc;
    oscal_catalog c;
    isms_err e = { 0 };
    double t = bench_now();
    check(load(moderate, &doc, read ? &c : NULL, &a, &e), "parse", &e);
    oscal_doc_free(&doc);
    t = bench_now() - t;
    arena_free(&a);
    return t;
}

static double phase_resolve(void)
{
    arena a;
    arena_init(&a);
    oscal_doc doc, out;
    oscal_catalog c;
    isms_err e = { 0 };
    double t = bench_now();
    check(load(profile, &doc, NULL, &a, &e), "load profile", &e);
    check(oscal_profile_resolve(&doc, legacy, &out, &e), "resolve", &e);
    check(oscal_catalog_read(&out, &c, &e), "read resolved", &e);
    oscal_doc_free(&out);
    oscal_doc_free(&doc);
    t = bench_now() - t;
    if (c.ncontrols != 287)
        fprintf(stderr, "bench_oscal: resolved %d controls, not 287\n", c.ncontrols), exit(1);
    arena_free(&a);
    return t;
}

static double phase_import(const char *dir, int run)
{
    char repo[4096];
    snprintf(repo, sizeof repo, "%s/oscal-%d.isms", dir, run);
    unlink(repo);
    dom *d;
    isms_err e = { 0 };
    check(dom_create(repo, NULL, 0, &d, &e), "create", &e);
    check(dom_begin(d, NULL, &e), "begin", &e);
    oscal_doc doc;
    oscal_catalog c;
    oscal_import_opts o = { .source = moderate };
    oscal_import_result res;
    double t = bench_now();
    check(load(moderate, &doc, &c, dom_arena(d), &e), "parse", &e);
    check(oscal_import_catalog(d, &c, &o, &res, &e), "import", &e);
    oscal_doc_free(&doc);
    t = bench_now() - t;
    dom_end(d);
    dom_close(d);
    if (res.added != 305)
        fprintf(stderr, "bench_oscal: imported %d, not 305\n", res.added), exit(1);
    unlink(repo);
    return t;
}

static void best(const char *phase, double (*fn)(void), int runs)
{
    double b = 1e9;
    for (int i = 0; i < runs; i++) {
        double t = fn();
        b = t < b ? t : b;
    }
    printf("{\"phase\":\"%s\",\"seconds\":%.4f,\"runs\":%d}\n", phase, b, runs);
}

static double parse_only(void) { return phase_parse(0); }

static double parse_and_read(void) { return phase_parse(1); }

static const char *import_dir;
static int import_run;

static double import_once(void) { return phase_import(import_dir, import_run++); }

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_oscal DIR FIXTURES [RUNS]\n");
        return 2;
    }
    js_init();
    fixtures(argv[2]);
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    import_dir = argv[1];
    best("parse", parse_only, runs);
    best("read", parse_and_read, runs);
    best("resolve", phase_resolve, runs);
    best("import", import_once, runs);
    return 0;
}
