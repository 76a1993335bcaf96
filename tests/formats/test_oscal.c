/* The OSCAL readers and the profile resolver (formats/oscal*.c) on the
 * real NIST and BSI files in tests/fixtures/oscal: counts of groups,
 * controls, params and withdrawn controls; the SP 800-53B baseline
 * profiles resolved against the legacy 5.0.1 catalog, against NIST's own
 * resolved catalogs; bad input refused naming the file and the pointer. */
#include "support/testutil.h"
#include "core/strmap.h"
#include "formats/json.h"
#include "formats/oscal.h"
#include "formats/oscal_internal.h"

#include "core/buf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixture(const char *name)
{
    static char path[4][1024];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/tests/fixtures/oscal/%s", ISMS_SOURCE_DIR, name);
    return p;
}

typedef struct counts {
    int groups, controls, params, withdrawn;
} counts;

static void read_catalog(const char *name, oscal_catalog *c, arena *a)
{
    oscal_doc doc;
    oscal_warnings w = { 0 };
    isms_err e = { 0 };
    int rc = oscal_load(fixture(name), &doc, &w, a, &e);
    if (rc)
        fail_msg("%s", e.msg);
    rc = oscal_catalog_read(&doc, c, &e);
    if (rc)
        fail_msg("%s", e.msg);
    oscal_doc_free(&doc);
}

static void assert_counts(const char *name, counts want)
{
    arena a;
    arena_init(&a);
    oscal_catalog c;
    read_catalog(name, &c, &a);
    assert_int_equal(c.ngroups, want.groups);
    assert_int_equal(c.ncontrols, want.controls);
    assert_int_equal(c.nparams, want.params);
    assert_int_equal(c.nwithdrawn, want.withdrawn);
    assert_int_equal(c.n, want.groups + want.controls);
    assert_non_null(c.uuid);
    arena_free(&a);
}

static void real_catalogs_count(void **state)
{
    (void)state;
    assert_counts("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json",
                  (counts){ 18, 149, 445, 0 });
    assert_counts("NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json",
                  (counts){ 18, 287, 643, 0 });
    assert_counts("NIST_SP-800-53_rev5_catalog-min.json", (counts){ 20, 1189, 1258, 182 });
    assert_counts("NIST_CSF_v2.0_catalog.converted.json", (counts){ 6, 219, 0, 91 });
    assert_counts("BSI-Methodik-Grundschutz++-catalog.json", (counts){ 41, 95, 14, 0 });
    assert_counts("basic-catalog.json", (counts){ 4, 4, 2, 0 });
}

/* What the reader keeps of a control: parent, level, label, statement,
 * and the members isms has no field for (a FedRAMP or BSI prop too). */
static void items_keep_what_they_hold(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    oscal_catalog c;
    read_catalog("NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json", &c, &a);
    assert_string_equal(c.baseline, "moderate");
    const oscal_item *ac2 = NULL, *ac21 = NULL;
    for (int i = 0; i < c.n; i++) {
        if (!strcmp(c.items[i].id, "ac-2"))
            ac2 = &c.items[i];
        if (!strcmp(c.items[i].id, "ac-2.1"))
            ac21 = &c.items[i];
    }
    assert_non_null(ac2);
    assert_non_null(ac21);
    assert_string_equal(ac2->parent, "ac");
    assert_string_equal(ac2->level, "SP800-53");
    assert_string_equal(ac2->label, "AC-02");
    assert_string_equal(ac21->parent, "ac-2");
    assert_string_equal(ac21->level, "SP800-53-enhancement");
    assert_non_null(strstr(ac2->statement, "a. Define and document the types of accounts"));
    assert_non_null(strstr(ac2->extra, "\"params\""));
    assert_non_null(strstr(ac2->extra, "\"assessment-objective\""));
    arena_free(&a);

    arena_init(&a);
    read_catalog("BSI-Methodik-Grundschutz++-catalog.json", &c, &a);
    assert_string_equal(c.items[0].id, "GC");
    assert_string_equal(c.items[0].level, "group");
    assert_non_null(strstr(c.items[0].extra, "alt-identifier"));
    assert_non_null(strstr(c.extra, "\"metadata\""));
    arena_free(&a);
}

static const char *const real_catalogs[] = {
    "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json",
    "NIST_SP-800-53_rev5_catalog-min.json",
    "NIST_CSF_v2.0_catalog.converted.json",
    "BSI-Methodik-Grundschutz++-catalog.json",
    "basic-catalog.json",
};

/* The JSON kept of each item is what jansson's compact dump of those
 * members gives, byte for byte (oscal_catalog.c writes it itself): what a
 * previous import stored compares equal. */
static void extras_are_jansson_bytes(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof real_catalogs / sizeof *real_catalogs; f++) {
        arena a;
        arena_init(&a);
        oscal_catalog c;
        read_catalog(real_catalogs[f], &c, &a);
        int checked = 0;
        for (int i = 0; i < c.n; i++) {
            if (!c.items[i].extra)
                continue;
            json_t *j = json_loads(c.items[i].extra, 0, NULL);
            assert_non_null(j);
            char *again = json_dumps(j, JSON_COMPACT);
            assert_string_equal(again, c.items[i].extra);
            free(again);
            json_decref(j);
            checked++;
        }
        assert_true(checked > 0);
        arena_free(&a);
    }
}

/* The control ids of a catalog, as a map. */
static void ids_of(const oscal_catalog *c, strmap *m)
{
    strmap_init(m);
    for (int i = 0; i < c->n; i++)
        if (!c->items[i].group)
            *strmap_slot_for(m, c->items[i].id) = (void *)1;
}

static int resolve(const char *profile, const char *fallback, oscal_catalog *c, arena *a,
                   isms_err *e)
{
    oscal_doc doc, out;
    oscal_warnings w = { 0 };
    int rc = oscal_load(profile, &doc, &w, a, e);
    if (!rc)
        rc = oscal_profile_resolve(&doc, fallback, &out, e);
    if (!rc) {
        rc = oscal_catalog_read(&out, c, e);
        oscal_doc_free(&out);
    }
    if (doc.tree)
        oscal_doc_free(&doc);
    return rc;
}

/* The baseline profile against the legacy 5.0.1 catalog selects the ids
 * of NIST's resolved 5.1.1 catalog, but for what 5.1.1 changed. */
static void baseline_selects(const char *level, int want, int missing_in_501)
{
    char name[128], resolved[128];
    snprintf(name, sizeof name, "NIST_SP-800-53_rev5_%s-baseline_profile.json", level);
    snprintf(resolved, sizeof resolved,
             "NIST_SP-800-53_rev5_%s-baseline-resolved-profile_catalog.json", level);
    arena a;
    arena_init(&a);
    oscal_catalog got, exp;
    isms_err e = { 0 };
    int rc = resolve(fixture(name), fixture("NIST_SP-800-53_rev5_catalog-min.json"), &got, &a, &e);
    if (rc)
        fail_msg("%s", e.msg);
    read_catalog(resolved, &exp, &a);
    strmap g, x;
    ids_of(&got, &g);
    ids_of(&exp, &x);
    int only_exp = 0, only_got = 0;
    for (int i = 0; i < exp.n; i++)
        if (!exp.items[i].group && !strmap_get(&g, exp.items[i].id)) {
            only_exp++;
            print_message("%s: %s is in NIST's resolved catalog only\n", level, exp.items[i].id);
        }
    for (int i = 0; i < got.n; i++)
        if (!got.items[i].group && !strmap_get(&x, got.items[i].id))
            only_got++;
    assert_int_equal(exp.ncontrols, want);
    assert_int_equal(only_got, 0);
    assert_int_equal(only_exp, missing_in_501);
    assert_int_equal(got.ncontrols, want - missing_in_501);
    assert_int_equal(got.ngroups, exp.ngroups);
    strmap_reset(&g);
    strmap_reset(&x);
    arena_free(&a);
}

static void baselines_resolve_against_legacy(void **state)
{
    (void)state;
    baseline_selects("LOW", 149, 0);
    baseline_selects("MODERATE", 287, 0);
}

/* How the structure of a catalog is written as text (sig). */
enum { SIG_NESTED = 0, SIG_UNNESTED = 1, SIG_NO_GROUP_PARAMS = 2, SIG_TREE = 4 };

/* The structure a resolution gives, as text: groups and controls by id,
 * with their params (and values), props and parts by name and id; with
 * SIG_UNNESTED child controls follow their parent instead of being inside
 * it, with SIG_NO_GROUP_PARAMS a group's own params are left out, with
 * SIG_TREE only the groups and controls are written. */
static void sig(const json_t *node, int how, buf *b)
{
    static const char *const lists[] = { "params", "props", "parts", "groups", "controls" };
    for (size_t l = (how & SIG_TREE) ? 3 : 0; l < sizeof lists / sizeof *lists; l++) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(node, lists[l]), i, x)
        {
            const char *id = json_string_value(json_object_get(x, "id"));
            const char *name = json_string_value(json_object_get(x, "name"));
            const char *val = json_string_value(json_object_get(x, "value"));
            buf_printf(b, " %c:%s%s%s%s%s(", lists[l][1], id ? id : "", name ? "@" : "",
                       name ? name : "", val ? "=" : "", val ? val : "");
            json_t *vs = json_object_get(x, "values");
            size_t j;
            json_t *v;
            json_array_foreach(vs, j, v) buf_printf(b, "v=%s ", json_string_value(v));
            int unnest = (how & SIG_UNNESTED) && l == 4;
            json_t *node_x = x;
            json_t *bare = NULL;
            if (unnest || ((how & SIG_NO_GROUP_PARAMS) && l == 3)) {
                bare = json_copy(x);
                json_object_del(bare, unnest ? "controls" : "params");
                node_x = bare;
            }
            sig(node_x, how, b);
            buf_puts(b, ")");
            if (unnest) {
                json_t *kids = json_pack("{s:O}", "controls", json_object_get(x, "controls"));
                if (json_object_get(x, "controls"))
                    sig(kids, how, b);
                json_decref(kids);
            }
            json_decref(bare);
        }
    }
}

static char *sig_of(const json_t *catalog, int how)
{
    buf b;
    buf_init(&b);
    sig(catalog, how, &b);
    return buf_detach(&b);
}

/* What a case of NIST's profile-resolution tests must give. Where NIST's
 * expected output is missing, contradicts another expected output or the
 * OSCAL 1.x schema, the case asserts isms's choice instead (docs/OSCAL.md,
 * "Conformance", says why for each). */
typedef enum verdict {
    AS_NIST,           /* the structure of output-expected, exactly */
    AS_DERIVED,        /* the same against an output-expected that NIST does not
                          ship, derived from the specification's text
                          (tests/fixtures/oscal/spec/README.md) */
    REFUSED,           /* an error; NIST's tool writes an empty catalog or none */
    ISMS_NESTED,       /* NIST's older examples list child controls after their
                       parent: isms nests them, as the 1.x requirement tests do */
    ISMS_GROUP_PARAMS, /* NIST's structure but for a kept group's own params:
                          as-is keeps them, as the specification says and the
                          older include-all-test does; the 1.x
                          req-structure-asis1 and -asis2 drop them */
    ISMS_SOURCES,      /* the source catalogs as they are, one after the other */
    ISMS_SIG,          /* exactly this structure */
} verdict;

typedef struct spec_case {
    const char *name;
    verdict v;
    const char *arg; /* ISMS_SOURCES: catalogs, space separated; ISMS_SIG: the structure */
    const char *sub; /* the choices' table: the directory of the case */
} spec_case;

#define REQS "requirement-tests"
#define EXAMPLES "profile-resolution-examples"

/* The requirement tests whose output is NIST's expected one. */
static const char requirement_as_nist[] =
    "keep-everything-twice req-chained-all-asis req-chained-deepA req-import-by-resource "
    "req-include-all-asis req-include-all-flat req-include-by-id req-include-by-match-empty "
    "req-include-by-match req-include-exclude1 req-include-exclude2 req-include-exclude3 "
    "req-include-exclude4 req-include-exclude5 req-loose-params1 req-loose-params2 "
    "req-merge-usefirst2 req-modify-alter-remove-match1 req-modify-alter-remove-match2 "
    "req-with-child-controls-no "
    "req-with-child-controls-none req-with-parent-controls-none req-with-parent-controls-yes1 "
    "req-with-parent-controls-yes2";

/* The older examples whose output is NIST's expected one. */
static const char example_as_nist[] =
    "base2-test_profile full-test_profile import-twice_profile include-all-test_profile "
    "include-loose-param-test_profile include-match-test_profile merge-implicit-keep_profile "
    "merge-keep-resources_profile merge-keep_profile modify-adds_profile";

/* The cases whose output is isms's documented choice, by directory. */
static const spec_case choices[] = {
    { "req-broken-import", REFUSED, NULL, REQS },
    { "req-circular_import", REFUSED, NULL, REQS },
    /* NIST ships no expected output: the one derived from the text */
    { "req-merge-keep1", AS_DERIVED, NULL, REQS },
    { "req-merge-keep2", AS_DERIVED, NULL, REQS },
    /* NIST's output keeps the first control of each group, losing a2, b3
     * and c2, which req-merge-use-first keeps (the first of each id) and
     * req-merge-usefirst2 (the same imports, merged flat) keeps */
    { "req-merge-usefirst1", ISMS_SOURCES, "catalogs/abc-simple_catalog.json", REQS },
    { "req-missing-resource", REFUSED, NULL, REQS },
    /* the group's params, which the specification keeps and its own
     * controls insert, are not in NIST's output */
    { "req-structure-asis1", ISMS_GROUP_PARAMS, NULL, REQS },
    { "req-structure-asis2", ISMS_GROUP_PARAMS, NULL, REQS },
    /* with-ids c3 selects c3 (req-include-by-id), which NIST's output
     * leaves out; in req-with-parent-controls-yes1 the same selector keeps
     * the control it names (c3.a) */
    { "req-with-parent-controls-no1", ISMS_SIG,
      " o:c3( r:@label=ninth() a:c3-stmt@statement() o:c3.a( r:@label=tenth() "
      "a:c3-stmt@statement() o:c3.a-1( r:@label=eleventh() a:c3-stmt@statement())))",
      REQS },
    { "base-test_profile", ISMS_NESTED, NULL, EXAMPLES },
    { "broken_profile", REFUSED, NULL, EXAMPLES },
    { "circular_profile", REFUSED, NULL, EXAMPLES },
    { "exclude-call-test_profile", ISMS_NESTED, NULL, EXAMPLES },
    { "home_profile", REFUSED, NULL, EXAMPLES },
    { "include-all-no-children-test_profile", ISMS_NESTED, NULL, EXAMPLES },
    { "include-call-with-children-test_profile", ISMS_NESTED, NULL, EXAMPLES },
    { "without-parent_profile", ISMS_NESTED, NULL, EXAMPLES },
};

/* The source catalogs named in `list`, as they are, one after the other. */
static char *sources_sig(const char *dir, const char *list)
{
    buf b;
    buf_init(&b);
    char copy[256];
    snprintf(copy, sizeof copy, "%s", list);
    char *save = NULL;
    for (char *f = strtok_r(copy, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, f);
        json_t *j = json_load_file(path, 0, NULL);
        assert_non_null(j);
        sig(json_object_get(j, "catalog"), SIG_NESTED, &b);
        json_decref(j);
    }
    return buf_detach(&b);
}

/* Whether got meets what c says; differences are printed. */
static int meets(const char *dir, const spec_case *c, const json_t *got, const json_t *want)
{
    int how = c->v == ISMS_NESTED         ? SIG_UNNESTED
              : c->v == ISMS_GROUP_PARAMS ? SIG_NO_GROUP_PARAMS
                                          : SIG_NESTED;
    char *g = sig_of(got, how);
    char *w = c->v == ISMS_SIG       ? strdup(c->arg)
              : c->v == ISMS_SOURCES ? sources_sig(dir, c->arg)
                                     : sig_of(want, how);
    int ok = !strcmp(g, w);
    if (ok && (c->v == ISMS_NESTED || c->v == ISMS_GROUP_PARAMS)) {
        /* the choice shows: NIST's structure as it is differs from isms's */
        char *g0 = sig_of(got, SIG_NESTED), *w0 = sig_of(want, SIG_NESTED);
        ok = strcmp(g0, w0) != 0;
        free(g0);
        free(w0);
    }
    if (!ok)
        print_message("%-40s differs\n  want%s\n  got %s\n", c->name, w, g);
    free(g);
    free(w);
    return ok;
}

/* One of the specification's tests, as its verdict says. */
static int conforms(const char *dir, const spec_case *c)
{
    arena a;
    arena_init(&a);
    const char *profile = arena_printf(&a, "%s/%s.json", dir, c->name);
    const char *expected = arena_printf(&a, "%s/output-expected/%s_RESOLVED.json", dir, c->name);
    oscal_doc doc, out;
    oscal_warnings w = { 0 };
    isms_err e = { 0 };
    int rc = oscal_load(profile, &doc, &w, &a, &e);
    assert_int_equal(rc, 0);
    rc = oscal_profile_resolve(&doc, NULL, &out, &e);
    oscal_doc_free(&doc);
    json_t *exp = json_load_file(expected, 0, NULL);
    int ok;
    if (c->v == REFUSED) {
        ok = rc != 0;
        print_message("%-40s %s (%s)\n", c->name, ok ? "refused" : "NOT refused", e.msg);
    } else if (rc) {
        ok = 0;
        print_message("%-40s refused: %s\n", c->name, e.msg);
    } else {
        ok = meets(dir, c, json_object_get(out.tree, "catalog"), json_object_get(exp, "catalog"));
    }
    if (!rc) /* resolved, whether it should have been or not */
        oscal_doc_free(&out);
    json_decref(exp);
    arena_free(&a);
    return ok;
}

/* The cases of a directory: the names in as_nist (AS_NIST), then the
 * choices. */
static spec_case *cases_of(const char *sub, const char *as_nist, size_t *n, char **names)
{
    size_t nchoices = sizeof choices / sizeof *choices;
    *names = strdup(as_nist);
    spec_case *cases = calloc(strlen(as_nist) / 2 + nchoices + 1, sizeof *cases);
    assert_non_null(cases);
    *n = 0;
    char *save = NULL;
    for (char *w = strtok_r(*names, " ", &save); w; w = strtok_r(NULL, " ", &save))
        cases[(*n)++] = (spec_case){ w, AS_NIST, NULL, sub };
    for (size_t k = 0; k < nchoices; k++)
        if (!strcmp(choices[k].sub, sub))
            cases[(*n)++] = choices[k];
    return cases;
}

/* Every profile of the directory is a case, and every case gives what its
 * verdict says: a case that regresses, or a new fixture without a
 * verdict, fails. */
static void conform_dir(const char *sub, const char *as_nist)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/oscal/spec/%s", ISMS_SOURCE_DIR, sub);
    size_t n;
    char *names;
    spec_case *cases = cases_of(sub, as_nist, &n, &names);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    size_t profiles = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") ||
            strstr(de->d_name, "circular_importer")) /* req-circular_import's partner */
            continue;
        char path[1280];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        json_t *j = json_load_file(path, 0, NULL);
        int is_profile = json_object_get(j, "profile") != NULL;
        json_decref(j);
        if (!is_profile)
            continue;
        profiles++;
        size_t i = 0;
        while (i < n &&
               (strlen(cases[i].name) != len - 5 || strncmp(cases[i].name, de->d_name, len - 5)))
            i++;
        if (i == n)
            fail_msg("%s/%s: no verdict in the test's table", sub, de->d_name);
    }
    closedir(d);
    assert_int_equal(profiles, n);
    size_t failed = 0;
    int nist = 0, derived = 0;
    for (size_t i = 0; i < n; i++) {
        if (!conforms(dir, &cases[i])) {
            failed++;
            print_message("FAILED: %s\n", cases[i].name);
        } else if (cases[i].v == AS_NIST || cases[i].v == REFUSED) {
            nist++;
        } else if (cases[i].v == AS_DERIVED) {
            derived++;
        }
    }
    print_message("%s: %d of %zu as NIST expects, %d as derived from the specification's text, "
                  "%zu as isms documents\n",
                  sub, nist, n, derived, n - (size_t)(nist + derived) - failed);
    free(cases);
    free(names);
    assert_int_equal(failed, 0);
}

static void specification_examples(void **state)
{
    (void)state;
    conform_dir(REQS, requirement_as_nist);
    conform_dir(EXAMPLES, example_as_nist);
}

/* A file of the specification's tests, loaded; the test fails without it. */
static json_t *spec_file(const char *sub, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/fixtures/oscal/spec/%s/%s", ISMS_SOURCE_DIR, sub, name);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("%s: %s", path, je.text);
    return j;
}

/* The tree of groups and controls (ids and nesting) of a document's catalog. */
static char *tree_of(const json_t *doc)
{
    return sig_of(json_object_get(doc, "catalog"), SIG_TREE);
}

/* Why the older examples' nesting cannot be met as well as the requirement
 * tests': base-test and include-call-with-children-test (older examples)
 * and req-include-by-id (a requirement test) are the same profile over
 * catalogs with the same tree of controls, and their expected outputs
 * differ in that tree. No resolver gives both; isms gives the requirement
 * test's (docs/OSCAL.md, "Conformance"). */
static void nist_outputs_contradict_each_other(void **state)
{
    (void)state;
    static const char *const older[] = { "base-test_profile",
                                         "include-call-with-children-test_profile" };
    json_t *req = spec_file(REQS, "req-include-by-id.json");
    json_t *req_out = spec_file(REQS, "output-expected/req-include-by-id_RESOLVED.json");
    json_t *req_cat = spec_file(REQS, "catalogs/abc-simple_catalog.json");
    const char *keys[] = { "uuid", "metadata", "back-matter" };
    json_t *req_p = json_copy(json_object_get(req, "profile"));
    for (size_t k = 0; k < 3; k++)
        json_object_del(req_p, keys[k]);
    char *req_tree = tree_of(req_out), *req_cat_tree = tree_of(req_cat);
    for (size_t i = 0; i < sizeof older / sizeof *older; i++) {
        char name[128];
        snprintf(name, sizeof name, "%s.json", older[i]);
        json_t *ex = spec_file(EXAMPLES, name);
        snprintf(name, sizeof name, "output-expected/%s_RESOLVED.json", older[i]);
        json_t *ex_out = spec_file(EXAMPLES, name);
        json_t *ex_cat = spec_file(EXAMPLES, "catalogs/abc-simple_catalog.json");
        json_t *ex_p = json_copy(json_object_get(ex, "profile"));
        for (size_t k = 0; k < 3; k++)
            json_object_del(ex_p, keys[k]);
        char *ex_tree = tree_of(ex_out), *ex_cat_tree = tree_of(ex_cat);
        assert_true(json_equal(ex_p, req_p));           /* the same profile */
        assert_string_equal(ex_cat_tree, req_cat_tree); /* the same controls, nested alike */
        assert_string_not_equal(ex_tree, req_tree);     /* two different answers */
        print_message("%s and req-include-by-id: the same input, expected\n  %s\n  %s\n", older[i],
                      ex_tree, req_tree);
        free(ex_tree);
        free(ex_cat_tree);
        json_decref(ex_p);
        json_decref(ex_cat);
        json_decref(ex_out);
        json_decref(ex);
    }
    free(req_tree);
    free(req_cat_tree);
    json_decref(req_p);
    json_decref(req_cat);
    json_decref(req_out);
    json_decref(req);
}

/* The controls under a catalog, group or control, at any depth. */
static size_t controls_in(const json_t *node)
{
    size_t n = 0, i;
    json_t *x;
    json_array_foreach(json_object_get(node, "groups"), i, x) n += controls_in(x);
    json_array_foreach(json_object_get(node, "controls"), i, x) n += 1 + controls_in(x);
    return n;
}

/* Whether a param of this id is defined anywhere under node. */
static int defines_param(const json_t *node, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(node, i, x)
    {
        if (defines_param(x, id))
            return 1;
    }
    json_array_foreach(json_object_get(node, "params"), i, x)
    {
        const char *own = json_string_value(json_object_get(x, "id"));
        if (own && !strcmp(own, id))
            return 1;
    }
    const char *k;
    json_object_foreach((json_t *)node, k, x)
    {
        if ((json_is_array(x) || json_is_object(x)) && defines_param(x, id))
            return 1;
    }
    return 0;
}

/* Two more expected outputs that break a sentence of the specification
 * whatever the resolver: req-merge-usefirst1 and -usefirst2 are the same
 * imports and combine, as-is and flat, and req-merge-order combines before
 * it structures, yet NIST expects 8 controls of one and 11 of the other;
 * req-with-parent-controls-no1 names c3 (req-include-by-id: "MUST be
 * included") and NIST's output has no c3. */
static void nist_outputs_break_the_text(void **state)
{
    (void)state;
    json_t *p1 = spec_file(REQS, "req-merge-usefirst1.json");
    json_t *p2 = spec_file(REQS, "req-merge-usefirst2.json");
    json_t *o1 = spec_file(REQS, "output-expected/req-merge-usefirst1_RESOLVED.json");
    json_t *o2 = spec_file(REQS, "output-expected/req-merge-usefirst2_RESOLVED.json");
    json_t *pr1 = json_object_get(p1, "profile"), *pr2 = json_object_get(p2, "profile");
    assert_true(json_equal(json_object_get(pr1, "imports"), json_object_get(pr2, "imports")));
    json_t *m1 = json_copy(json_object_get(pr1, "merge"));
    assert_true(json_is_true(json_object_get(m1, "as-is")));
    json_object_del(m1, "as-is");
    assert_true(json_equal(m1, json_object_get(pr2, "merge"))); /* as-is is the one difference */
    size_t n1 = controls_in(json_object_get(o1, "catalog"));
    size_t n2 = controls_in(json_object_get(o2, "catalog"));
    print_message("req-merge-usefirst1: %zu controls expected, -usefirst2: %zu\n", n1, n2);
    assert_int_equal(n1, 8);
    assert_int_equal(n2, 11);
    json_decref(m1);
    json_t *no1 = spec_file(REQS, "req-with-parent-controls-no1.json");
    json_t *no1_out = spec_file(REQS, "output-expected/req-with-parent-controls-no1_RESOLVED.json");
    json_t *imp = json_array_get(json_object_get(json_object_get(no1, "profile"), "imports"), 0);
    json_t *sel = json_array_get(json_object_get(imp, "include-controls"), 0);
    json_t *ids = json_object_get(sel, "with-ids");
    assert_int_equal(json_array_size(ids), 1);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), "c3");
    char *tree = tree_of(no1_out);
    assert_null(strstr(tree, "o:c3("));
    free(tree);
    /* req-structure-asis1 and -asis2: the output's a1 inserts param-A.a,
     * which the source catalog's group defines and the output no longer
     * does (its group's params are gone) */
    json_t *crazy = spec_file(REQS, "catalogs/abc-crazy_catalog.json");
    assert_true(defines_param(crazy, "param-A.a"));
    json_decref(crazy);
    for (int k = 1; k <= 2; k++) {
        char name[96];
        snprintf(name, sizeof name, "output-expected/req-structure-asis%d_RESOLVED.json", k);
        json_t *out = spec_file(REQS, name);
        char *text = json_dumps(out, JSON_COMPACT);
        assert_non_null(strstr(text, "{{ insert: param, param-A.a }}"));
        assert_false(defines_param(out, "param-A.a"));
        free(text);
        json_decref(out);
    }
    json_t *all[] = { p1, p2, o1, o2, no1, no1_out };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        json_decref(all[i]);
}

int main(void)
{
    js_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_catalogs_count),
        cmocka_unit_test(items_keep_what_they_hold),
        cmocka_unit_test(extras_are_jansson_bytes),
        cmocka_unit_test(baselines_resolve_against_legacy),
        cmocka_unit_test(specification_examples),
        cmocka_unit_test(nist_outputs_contradict_each_other),
        cmocka_unit_test(nist_outputs_break_the_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
