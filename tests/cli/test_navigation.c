/* Navigation and links (issue 15, points 9 and 10), on the demo bank:
 * `show` leads on to what points at a record; lists filter on any
 * reference or link and on the states the dashboard counts, and agree
 * with its counts; owners show by name; links change by adding and
 * removing members, a replaced set says what it lost, and taking a
 * person's last approving role needs --force. */
#include "support/testutil.h"
#include "domain/views/links.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

/* The demo is made on 1 June 2026; the states are looked at on
 * 1 September 2027, when its reviews are due and its acceptance lapsed. */
#define MADE "2026-06-01T09:00:00Z"
#define LATER "2027-09-01T09:00:00Z"

static int setup(void **state)
{
    (void)state;
    repo = tu_cli_repo("demo", "navigation.isms", MADE);
    return 0;
}

static json_t *json_run(const char *const argv[])
{
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status)
        fail_msg("%s %s: exit %d: %s", argv[0], argv[1], r.status, r.err);
    free(r.err);
    return tu_json_take(r.out);
}

/* The keys of a JSON array of records, comma-separated (malloc'd). */
static char *keys_of(json_t *list)
{
    char keys[2048] = "";
    size_t i;
    json_t *rec;
    json_array_foreach(list, i, rec)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", i ? "," : "",
                 json_string_value(json_object_get(rec, "key")));
    return strdup(keys);
}

static int in_set(json_t *rec, const char *field, const char *key)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(rec, field), i,
                       m) if (!strcmp(json_string_value(m), key)) return 1;
    return 0;
}

/* Does show's referred_by hold (register, field, key)? */
static int referred_by(json_t *shown, const char *reg, const char *field, const char *key)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(shown, "referred_by"), i,
                       l) if (!strcmp(json_string_value(json_object_get(l, "register")), reg) &&
                              !strcmp(json_string_value(json_object_get(l, "field")), field) &&
                              !strcmp(json_string_value(json_object_get(l, "key")), key)) return 1;
    return 0;
}

/* ---- point 9: show leads on ---- */

static void show_lists_what_points_at_a_record(void **state)
{
    (void)state;
    /* a risk: the controls that treat it, its acceptances, its latest analysis */
    char *out = tu_isms_ok(repo, "risk", "show", "RISK-1");
    assert_contains(out, "referred to by");
    assert_contains(out, "controls (treats)");
    assert_contains(out, "CTL-1  Immutable offline backups");
    assert_contains(out, "latest analysis        QNT-1");
    free(out);
    const char *show1[] = { "risk", "show", "RISK-1", "--json", NULL };
    json_t *j = json_run(show1);
    assert_true(referred_by(j, "control", "treats", "CTL-1"));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(j, "latest_analysis"), "key")), "QNT-1");
    assert_true(
        json_is_integer(json_object_get(json_object_get(j, "latest_analysis"), "p95_loss")));
    json_decref(j);
    out = tu_isms_ok(repo, "risk", "show", "RISK-10");
    assert_contains(out, "acceptances (risk)");
    assert_contains(out, "ACC-1");
    free(out);
    /* an objective: its risks */
    const char *show2[] = { "objective", "show", "OBJ-2", "--json", NULL };
    j = json_run(show2);
    assert_true(referred_by(j, "risk", "objectives", "RISK-2"));
    assert_true(referred_by(j, "appetite", "objective", "APP-3"));
    json_decref(j);
    /* a person: what they own, approved and accepted; drafts they may approve */
    free(tu_isms_ok(repo, "scope", "add", "--statement", "A draft waiting for the board"));
    const char *show3[] = { "person", "show", "dana.berg@nordhafen.example", "--json", NULL };
    j = json_run(show3);
    assert_true(referred_by(j, "objective", "owner", "OBJ-4"));
    assert_true(referred_by(j, "scope", "approved_by", "SCOPE-1"));
    json_t *open = json_object_get(j, "open_approvals");
    assert_int_equal(json_array_size(open), 3); /* and the demo's two proposed decisions */
    assert_string_equal(tu_json_at(open, 0, "key"), "SCOPE-3");
    assert_string_equal(tu_json_at(open, 0, "verb"), "approve");
    assert_string_equal(tu_json_at(open, 1, "key"), "DEC-4");
    assert_string_equal(tu_json_at(open, 1, "verb"), "decide");
    assert_string_equal(tu_json_at(open, 2, "key"), "DEC-5");
    json_decref(j);
    out = tu_isms_ok(repo, "person", "show", "PER-1");
    assert_contains(out, "open approvals");
    assert_contains(out, "isms --as PER-1 scope approve SCOPE-3");
    free(out);
    /* the ISMS lead approves no scope */
    out = tu_isms_ok(repo, "person", "show", "mara.lindqvist@nordhafen.example");
    assert_contains(out, "acceptances (accepted_by)");
    assert_not_contains(out, "open approvals");
    free(out);
    free(tu_isms_ok(repo, "--as", "dana.berg@nordhafen.example", "scope", "approve", "SCOPE-3"));
    out = tu_isms_ok(repo, "person", "show", "PER-1");
    assert_not_contains(out, "scope approve SCOPE-3");
    assert_contains(out, "isms --as PER-1 decision decide DEC-4");
    free(out);
}

/* ---- point 9: lists filter on references and links ---- */

static void lists_filter_on_links_and_roles(void **state)
{
    (void)state;
    const char *all[] = { "risk", "list", "--json", NULL };
    json_t *risks = json_run(all);
    char want[1024] = "", want2[1024] = "";
    size_t i;
    json_t *rec;
    json_array_foreach(risks, i, rec)
    {
        const char *key = json_string_value(json_object_get(rec, "key"));
        if (in_set(rec, "objectives", "OBJ-2"))
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", *want ? "," : "",
                     key);
        if (in_set(rec, "objectives", "OBJ-1") && in_set(rec, "assets", "AST-10"))
            snprintf(want2 + strlen(want2), sizeof want2 - strlen(want2), "%s%s", *want2 ? "," : "",
                     key);
    }
    json_decref(risks);
    assert_true(strchr(want, ',')); /* several, so that the filter has work to do */
    const char *by_objective[] = { "risk", "list", "--objective", "obj-2", "--json", NULL };
    json_t *got = json_run(by_objective);
    char *keys = keys_of(got);
    assert_string_equal(keys, want);
    free(keys);
    json_decref(got);
    /* several filters: records that have them all */
    const char *both[] = { "risk",    "list",   "--objective", "OBJ-1",
                           "--asset", "AST-10", "--json",      NULL };
    got = json_run(both);
    keys = keys_of(got);
    assert_string_equal(keys, want2);
    free(keys);
    json_decref(got);
    const char *treats[] = { "control", "list", "--treats", "RISK-1", "--json", NULL };
    got = json_run(treats);
    size_t n = json_array_size(got);
    assert_true(n >= 3);
    json_array_foreach(got, i, rec) assert_true(in_set(rec, "treats", "RISK-1"));
    json_decref(got);
    const char *board[] = { "person", "list", "--role", "management-body", "--json", NULL };
    got = json_run(board);
    keys = keys_of(got);
    assert_string_equal(keys, "PER-1,PER-2");
    free(keys);
    json_decref(got);
    const char *threat[] = { "risk", "list", "--threat", "G-0.39", "--json", NULL };
    got = json_run(threat);
    keys = keys_of(got);
    assert_string_equal(keys, "RISK-1"); /* ransomware has its proper threat: malware */
    free(keys);
    json_decref(got);
    /* a reference to nothing, and a role that is none */
    char *err = tu_isms_err(repo, 4, "OBJ-99", "risk", "list", "--objective", "OBJ-99");
    assert_contains(err, "--objective");
    free(err);
    free(tu_isms_err(repo, 3, "chief", "person", "list", "--role", "chief"));
}

/* ---- point 9: the dashboard's states, as filters that agree with it ---- */

static void state_filters_agree_with_the_dashboard(void **state)
{
    (void)state;
    setenv("ISMS_NOW", LATER, 1);
    const char *summary[] = { "summary", "--json", NULL };
    json_t *dash = json_run(summary);
    json_t *att = json_object_get(dash, "attention");
    /* each list of a state, and the dashboard's count it must agree with */
    static const struct {
        const char *count;
        const char *argv[5];
    } cases[] = {
        { "review_overdue", { "risk", "list", "--overdue", "--json" } },
        { "untreated", { "risk", "list", "--untreated", "--json" } },
        { "accepted_without_acceptance", { "risk", "list", "--unaccepted", "--json" } },
        { "without_objective", { "risk", "list", "--no-objective", "--json" } },
        { "outside_appetite", { "risk", "list", "--outside-appetite", "--json" } },
        { "acceptances_lapsed", { "acceptance", "list", "--lapsed", "--json" } },
    };
    int nonzero = 0;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        json_t *got = json_run(cases[k].argv);
        json_int_t want = json_integer_value(json_object_get(att, cases[k].count));
        if ((json_int_t)json_array_size(got) != want)
            fail_msg("%s list %s: %zu records, the dashboard counts %lld", cases[k].argv[0],
                     cases[k].argv[2], json_array_size(got), (long long)want);
        nonzero += want > 0;
        json_decref(got);
    }
    assert_true(nonzero >= 4);
    json_decref(dash);
    /* states combine with each other, with filters and with pages */
    const char *combined[] = { "risk", "list",     "--overdue", "--objective", "OBJ-4", "--limit",
                               "1",    "--offset", "1",         "--json",      NULL };
    json_t *got = json_run(combined);
    assert_int_equal(json_array_size(got), 1);
    assert_true(in_set(json_array_get(got, 0), "objectives", "OBJ-4"));
    json_decref(got);
    /* a page of a state the store lists from its index is that page of
     * the whole list */
    const char *const listed[] = { "--untreated", "--outside-appetite" };
    for (size_t k = 0; k < sizeof listed / sizeof *listed; k++) {
        const char *whole[] = { "risk", "list", listed[k], "--json", NULL };
        const char *paged[] = { "risk",     "list", listed[k], "--limit", "2",
                                "--offset", "1",    "--json",  NULL };
        json_t *w = json_run(whole), *pg = json_run(paged);
        size_t n = json_array_size(w);
        assert_true(n >= (k ? 1 : 2)); /* untreated: a page after the first */
        assert_int_equal(json_array_size(pg), n > 2 ? 2 : n - 1);
        for (size_t j = 0; j < json_array_size(pg); j++)
            assert_string_equal(
                json_string_value(json_object_get(json_array_get(pg, j), "key")),
                json_string_value(json_object_get(json_array_get(w, j + 1), "key")));
        json_decref(w);
        json_decref(pg);
    }
    /* a retired risk is in a page of the state with --all, as in the whole
     * list, and a limit past any page scans (a separate repository) */
    const char *other = tu_repo("states-retired.isms");
    free(tu_isms_ok(NULL, "init", other));
    free(tu_isms_ok(other, "person", "add", "--name", "Omar", "--email", "o@x.example", "--role",
                    "risk-owner"));
    for (int k = 0; k < 3; k++)
        free(tu_isms_ok(other, "risk", "add", "--title", "Untreated", "--owner", "PER-1",
                        "--likelihood", "2", "--impact", "2"));
    free(tu_isms_ok(other, "risk", "retire", "RISK-2"));
    char *out = tu_isms_ok(other, "risk", "list", "--untreated", "--all", "--limit", "10");
    assert_contains(out, "RISK-2 ");
    assert_contains(out, "(3 risks)");
    free(out);
    out = tu_isms_ok(other, "risk", "list", "--untreated", "--limit", "9223372036854775807");
    assert_not_contains(out, "RISK-2 ");
    assert_contains(out, "(2 risks)");
    free(out);
    /* a date passed (the store's) with a test of each record (here) */
    const char *both[] = { "risk", "list", "--overdue", "--untreated", "--json", NULL };
    const char *both_page[] = { "risk", "list",     "--overdue", "--untreated", "--limit",
                                "1",    "--offset", "1",         "--json",      NULL };
    json_t *all = json_run(both);
    got = json_run(both_page);
    assert_true(json_array_size(all) >= 2);
    assert_int_equal(json_array_size(got), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(got, 0), "key")),
                        json_string_value(json_object_get(json_array_get(all, 1), "key")));
    json_decref(all);
    json_decref(got);
    out = tu_isms_ok(repo, "acceptance", "list", "--lapsed");
    assert_contains(out, "ACC-1");
    free(out);
    setenv("ISMS_NOW", MADE, 1);
    out = tu_isms_ok(repo, "acceptance", "list", "--lapsed");
    assert_contains(out, "(0 acceptances)");
    free(out);
}

static void owners_show_by_name(void **state)
{
    (void)state;
    char *out = tu_isms_ok(repo, "risk", "list");
    assert_contains(out, "PER-4 Tomasz Nowak");
    free(out);
    out = tu_isms_ok(repo, "control", "list", "--treats", "RISK-1");
    assert_contains(out, "PER-5 Aylin Demir");
    free(out);
    /* JSON keeps keys: names are for people */
    out = tu_isms_ok(repo, "risk", "show", "RISK-1", "--json");
    assert_contains(out, "\"owner\": \"PER-4\"");
    free(out);
}

/* ---- point 10: links change by adding and removing ---- */

static char *assets_of(const char *risk)
{
    const char *show[] = { "risk", "show", risk, "--json", NULL };
    json_t *j = json_run(show);
    char keys[256] = "";
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j, "assets"), i, m)
        snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", i ? "," : "",
                 json_string_value(m));
    json_decref(j);
    return strdup(keys);
}

static void links_change_by_members(void **state)
{
    (void)state;
    char *before = assets_of("RISK-1");
    assert_string_equal(before, "AST-4,AST-5");
    free(before);
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--add-asset", "AST-7", "--remove-asset",
                    "ast-4"));
    char *now = assets_of("RISK-1");
    assert_string_equal(now, "AST-5,AST-7");
    free(now);
    /* adding what is there changes nothing */
    char *out = tu_isms_ok(repo, "risk", "update", "RISK-1", "--add-asset", "AST-7");
    assert_contains(out, "unchanged RISK-1");
    free(out);
    /* removing what is not there is refused, naming the option typed */
    char *err = tu_isms_err(repo, 3, "AST-9 is not one of RISK-1's assets (AST-5, AST-7)", "risk",
                            "update", "RISK-1", "--remove-asset", "AST-9");
    assert_contains(err, "(option --remove-asset)");
    free(err);
    /* a whole set and members together: which one is meant? */
    free(tu_isms_err(repo, 2, "not both", "risk", "update", "RISK-1", "--asset", "AST-5",
                     "--add-asset", "AST-4"));
    /* --asset keeps replacing, and says what it removed */
    err = tu_isms_err(repo, 0, "assets: removed AST-7", "risk", "update", "RISK-1", "--asset",
                      "AST-5");
    assert_contains(err, "--add-asset");
    free(err);
    now = assets_of("RISK-1");
    assert_string_equal(now, "AST-5");
    free(now);
    /* of a large set, the first ten are named and the rest counted */
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--asset",
                    "AST-1,AST-2,AST-3,AST-4,AST-5,AST-6,AST-7,AST-8,AST-9,AST-10,AST-11,AST-12"));
    err = tu_isms_err(repo, 0,
                      "assets: removed AST-2, AST-3, AST-4, AST-5, AST-6, AST-7, AST-8, AST-9, "
                      "AST-10, AST-11 and 1 more (",
                      "risk", "update", "RISK-1", "--asset", "AST-1");
    free(err);
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--asset",
                    "AST-1,AST-2,AST-3,AST-4,AST-5,AST-6,AST-7,AST-8,AST-9,AST-10,AST-11,AST-12"));
    free(tu_isms_err(repo, 3,
                     "AST-13 is not one of RISK-1's assets (AST-1, AST-2, AST-3, AST-4, AST-5, "
                     "AST-6, AST-7, AST-8, AST-9, AST-10 and 2 more)",
                     "risk", "update", "RISK-1", "--remove-asset", "AST-13"));
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--asset", "AST-5"));
    /* every link and role field has them */
    free(tu_isms_ok(repo, "control", "update", "CTL-1", "--add-treats", "RISK-2"));
    free(tu_isms_ok(repo, "asset", "update", "AST-13", "--add-depends-on", "AST-9"));
    free(tu_isms_ok(repo, "risk", "update", "RISK-9", "--add-threat", "G-0.19",
                    "--remove-objective", "OBJ-2", "--add-objective", "OBJ-3"));
    out = tu_isms_ok(repo, "risk", "show", "RISK-9", "--json");
    assert_contains(out, "\"G-0.19\"");
    assert_contains(out, "\"OBJ-3\"");
    assert_not_contains(out, "\"OBJ-2\"");
    free(out);
    free(tu_isms_ok(repo, "person", "update", "PER-8", "--add-role", "reader"));
    out = tu_isms_ok(repo, "person", "show", "PER-8", "--json");
    assert_contains(out, "\"internal-auditor\"");
    assert_contains(out, "\"reader\"");
    free(out);
    /* the ledger has the set as it became, like any update */
    out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
}

static void last_approving_role_needs_force(void **state)
{
    (void)state;
    /* the ISMS lead's last approving role is isms-lead (she accepts risks) */
    char *err = tu_isms_err(
        repo, 5, "PER-3 would no longer approve anything nor accept risks (losing isms-lead)",
        "person", "update", "PER-3", "--remove-role", "isms-lead");
    assert_contains(err, "nobody else holds isms-lead");
    assert_contains(err, "--force");
    free(err);
    /* a list of roles typed in full that forgets one is caught the same way */
    err = tu_isms_err(repo, 5, "losing management-body", "person", "update", "PER-1", "--role",
                      "reader");
    assert_contains(err, "(option --role)");
    free(err);
    /* other roles come and go freely */
    free(tu_isms_ok(repo, "person", "update", "PER-3", "--remove-role", "risk-owner"));
    free(tu_isms_ok(repo, "person", "update", "PER-3", "--remove-role", "control-owner"));
    /* forced: done, and said */
    free(tu_isms_err(
        repo, 0, "warning: roles: PER-3 no longer approves or accepts anything (was: isms-lead)",
        "person", "update", "PER-3", "--remove-role", "isms-lead", "--force"));
    char *out = tu_isms_ok(repo, "person", "show", "PER-3", "--json");
    assert_contains(out, "\"roles\": []");
    free(out);
}

/* A show lists the first DOM_BACKLINKS_SHOWN records of each field that
 * refers here, then the command that lists every one: its output does not
 * grow with what refers to the record. */
static void show_lists_the_first_referrers_and_how_to_list_all(void **state)
{
    (void)state;
    json_t *j = tu_json_take(tu_isms_ok(repo, "objective", "show", "OBJ-4", "--json"));
    int had = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(j, "referred_by"), i, x)
    {
        had += !strcmp(json_string_value(json_object_get(x, "register")), "risk");
    }
    json_decref(j);
    for (int k = had; k <= DOM_BACKLINKS_SHOWN; k++)
        free(tu_isms_ok(repo, "risk", "add", "--title", "One of many", "--owner", "PER-1",
                        "--likelihood", "1", "--impact", "1", "--objective", "OBJ-4"));
    char *out = tu_isms_ok(repo, "objective", "show", "OBJ-4");
    assert_contains(out, "and more: isms risk list --objective OBJ-4\n");
    free(out);
    j = tu_json_take(tu_isms_ok(repo, "objective", "show", "OBJ-4", "--json"));
    int risks = 0;
    json_array_foreach(json_object_get(j, "referred_by"), i, x)
    {
        risks += !strcmp(json_string_value(json_object_get(x, "register")), "risk");
    }
    assert_int_equal(risks, DOM_BACKLINKS_SHOWN);
    json_t *more = json_array_get(json_object_get(j, "referred_by_more"), 0);
    assert_string_equal(json_string_value(json_object_get(more, "list")),
                        "isms risk list --objective OBJ-4");
    json_decref(j);
    /* the command lists them all */
    j = tu_json_take(tu_isms_ok(repo, "risk", "list", "--objective", "OBJ-4", "--json"));
    assert_int_equal(json_array_size(j), DOM_BACKLINKS_SHOWN + 1);
    json_decref(j);
}

/* A person's open approvals are the first DOM_BACKLINKS_SHOWN of each
 * transition (drafts of scopes, which the management body approves; and
 * decisions, whose body a field names), then how to list the rest: a
 * board member's page costs what it shows, however many wait. */
static void a_persons_open_approvals_are_the_first_of_each(void **state)
{
    (void)state;
    for (int k = 0; k <= DOM_BACKLINKS_SHOWN; k++) {
        free(tu_isms_ok(repo, "scope", "add", "--statement", "A draft among many"));
        free(tu_isms_ok(repo, "decision", "add", "--title", "One decision of many", "--proposal",
                        "Fund it", "--owner", "PER-3"));
    }
    json_t *j = tu_json_take(tu_isms_ok(repo, "person", "show", "PER-1", "--json"));
    json_t *open = json_object_get(j, "open_approvals"), *x;
    size_t i;
    int scopes = 0, decisions = 0;
    json_array_foreach(open, i, x)
    {
        const char *reg = json_string_value(json_object_get(x, "register"));
        scopes += !strcmp(reg, "scope");
        decisions += !strcmp(reg, "decision");
    }
    assert_int_equal(scopes, DOM_BACKLINKS_SHOWN);
    assert_int_equal(decisions, DOM_BACKLINKS_SHOWN);
    json_t *more = json_object_get(j, "open_approvals_more");
    assert_int_equal(json_array_size(more), 2);
    assert_string_equal(tu_json_at(more, 0, "list"), "isms scope list --status draft");
    assert_string_equal(tu_json_at(more, 1, "list"), "isms decision list --status proposed");
    json_decref(j);
    char *out = tu_isms_ok(repo, "person", "show", "PER-1");
    assert_contains(out, "and more: isms scope list --status draft\n");
    assert_contains(out, "and more: isms decision list --status proposed\n");
    free(out);
    /* the lists named hold them all */
    j = tu_json_take(tu_isms_ok(repo, "scope", "list", "--status", "draft", "--json"));
    assert_true(json_array_size(j) > DOM_BACKLINKS_SHOWN);
    json_decref(j);
    /* the ISMS lead holds neither role: nothing waits for them */
    out = tu_isms_ok(repo, "person", "show", "PER-3");
    assert_not_contains(out, "open approvals");
    free(out);
}

/* A show lists the first DOM_BACKLINKS_SHOWN members of a large set with
 * their labels, and counts the rest; JSON holds every one. */
static void show_lists_the_first_members_of_a_large_set(void **state)
{
    (void)state;
    char keys[1024] = "";
    for (int k = 0; k < DOM_BACKLINKS_SHOWN + 5; k++) {
        char *out = tu_isms_ok(repo, "risk", "add", "--title", "Member", "--owner", "PER-1",
                               "--likelihood", "1", "--impact", "1");
        char key[32];
        assert_int_equal(sscanf(out, "added %31s", key), 1);
        size_t at = strlen(keys);
        snprintf(keys + at, sizeof keys - at, "%s%s", at ? "," : "", key);
        free(out);
    }
    char *out =
        tu_isms_ok(repo, "control", "add", "--title", "Wide", "--owner", "PER-1", "--treats", keys);
    char ctl[32];
    assert_int_equal(sscanf(out, "added %31s", ctl), 1);
    free(out);
    out = tu_isms_ok(repo, "control", "show", ctl);
    char more[128];
    snprintf(more, sizeof more, "and 5 more: isms --json control show %s lists every one", ctl);
    assert_contains(out, more);
    int members = 0;
    for (const char *p = out; (p = strstr(p, "  Member\n")); p++)
        members++;
    assert_int_equal(members, DOM_BACKLINKS_SHOWN);
    free(out);
    json_t *j = tu_json_take(tu_isms_ok(repo, "control", "show", ctl, "--json"));
    assert_int_equal(json_array_size(json_object_get(j, "treats")), DOM_BACKLINKS_SHOWN + 5);
    json_decref(j);
}

/* `list --after KEY` is the page after that record, as --offset reaches
 * it: walked three at a time by the `more:` each page names, the whole
 * list once in order, and the last page names none; with a state too; a
 * key that is none is refused by name. */
static void a_list_pages_after_a_key(void **state)
{
    (void)state;
    const char *whole_argv[] = { "risk", "list", "--json", NULL };
    json_t *whole = json_run(whole_argv);
    char *want = keys_of(whole);
    size_t n = json_array_size(whole);
    assert_true(n > 6);
    json_decref(whole);
    char walked[2048] = "", after[64] = "";
    size_t pages = 0;
    for (;;) {
        char *out = after[0] ? tu_isms_ok(repo, "risk", "list", "--limit", "3", "--after", after)
                             : tu_isms_ok(repo, "risk", "list", "--limit", "3");
        pages++;
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            if (!strncmp(line, "RISK-", 5))
                snprintf(walked + strlen(walked), sizeof walked - strlen(walked), "%s%.*s",
                         walked[0] ? "," : "", (int)strcspn(line, " "), line);
            after[0] = 0;
            if (!strncmp(line, "(more: --after ", 15))
                snprintf(after, sizeof after, "%.*s", (int)strcspn(line + 15, ")"), line + 15);
        }
        free(out);
        if (!after[0])
            break;
        assert_true(pages < 100);
    }
    assert_string_equal(walked, want);
    assert_int_equal(pages, (n + 2) / 3);
    free(want);
    /* the same as the JSON page by offset, with a state */
    const char *by_offset[] = { "risk",    "list", "--untreated", "--offset", "1",
                                "--limit", "2",    "--json",      NULL };
    const char *first[] = { "risk", "list", "--untreated", "--limit", "1", "--json", NULL };
    json_t *o = json_run(by_offset), *f = json_run(first);
    const char *key = json_string_value(json_object_get(json_array_get(f, 0), "key"));
    const char *by_after[] = { "risk",    "list", "--untreated", "--after", key,
                               "--limit", "2",    "--json",      NULL };
    json_t *a = json_run(by_after);
    char *ko = keys_of(o), *ka = keys_of(a);
    assert_string_equal(ka, ko);
    assert_true(json_array_size(a) >= 1);
    free(ko);
    free(ka);
    json_decref(o);
    json_decref(f);
    json_decref(a);
    tu_result r;
    tu_isms(&r, repo, NULL, "risk", "list", "--after", "RISK-999", NULL);
    assert_int_equal(r.status, 4);
    assert_contains(r.err, "--after RISK-999: no risk has that key");
    free(r.out);
    free(r.err);
    /* an offset past any list (2^53) is refused by name, the last one taken */
    free(tu_isms_ok(repo, "risk", "list", "--offset", "9007199254740992"));
    tu_isms(&r, repo, NULL, "risk", "list", "--offset", "9007199254740993", NULL);
    assert_int_not_equal(r.status, 0);
    assert_contains(r.err, "offset");
    assert_contains(r.err, "9007199254740993");
    free(r.out);
    free(r.err);
}

TU_MAIN(setup, NULL, cmocka_unit_test(show_lists_what_points_at_a_record),
        cmocka_unit_test(lists_filter_on_links_and_roles),
        cmocka_unit_test(state_filters_agree_with_the_dashboard),
        cmocka_unit_test(owners_show_by_name), cmocka_unit_test(links_change_by_members),
        cmocka_unit_test(last_approving_role_needs_force),
        cmocka_unit_test(show_lists_the_first_referrers_and_how_to_list_all),
        cmocka_unit_test(show_lists_the_first_members_of_a_large_set),
        cmocka_unit_test(a_persons_open_approvals_are_the_first_of_each),
        cmocka_unit_test(a_list_pages_after_a_key))
