/* The example of the README and of issue 2, run as a user runs it: the
 * real binary on a real SQLite file. */
#include "support/testutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

static json_t *json_of(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("not JSON (%s at %d:%d): %s", je.text, je.line, je.column, text);
    return j;
}

/* Number of ledger entries, read through `isms verify --json`. */
static long long ledger_length(void)
{
    char *out = tu_isms_ok(repo, "verify", "--json");
    json_t *j = json_of(out);
    long long n = json_integer_value(json_object_get(j, "entries"));
    assert_true(json_is_true(json_object_get(j, "ok")));
    json_decref(j);
    free(out);
    return n;
}

static void setup_repo(void)
{
    repo = tu_repo("acme.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "org", "set", "--name", "Acme Bank", "--sector", "banking",
                    "--nis2-class", "essential", "--dora-entity", "credit-institution",
                    "--currency", "EUR"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana Board", "--email", "dana@acme.example",
                    "--role", "management-body"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Omar Owner", "--email", "omar@acme.example",
                    "--role", "risk-owner,asset-owner,control-owner"));
    free(tu_isms_ok(repo, "objective", "add", "--title", "Process payments 24/7", "--owner",
                    "dana@acme.example", "--value-at-stake", "25000000"));
    free(tu_isms_ok(repo, "asset", "add", "--name", "Payments platform", "--type", "system",
                    "--owner", "omar@acme.example", "--confidentiality", "high", "--integrity",
                    "very-high", "--availability", "very-high"));
    free(tu_isms_ok(repo, "risk", "add", "--title", "Ransomware halts payments", "--objective",
                    "OBJ-1", "--asset", "AST-1", "--threat", "T-IS-004", "--owner",
                    "omar@acme.example", "--likelihood", "3", "--impact", "5"));
    free(tu_isms_ok(repo, "control", "add", "--title", "Immutable offline backups", "--owner",
                    "omar@acme.example", "--treats", "RISK-1", "--status", "implemented"));
}

static int group_setup(void **state)
{
    (void)state;
    setup_repo();
    return 0;
}

static void example_records_are_stored(void **state)
{
    (void)state;
    char *out = tu_isms_ok(repo, "risk", "list", "--json");
    json_t *list = json_of(out);
    assert_int_equal(json_array_size(list), 1);
    json_t *risk = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(risk, "key")), "RISK-1");
    assert_string_equal(json_string_value(json_object_get(risk, "owner")), "PER-2");
    assert_int_equal(json_integer_value(json_object_get(risk, "likelihood")), 3);
    assert_int_equal(json_integer_value(json_object_get(risk, "score")), 15);
    assert_string_equal(json_string_value(json_object_get(risk, "band")), "high");
    assert_string_equal(json_string_value(json_array_get(json_object_get(risk, "objectives"), 0)),
                        "OBJ-1");
    assert_string_equal(json_string_value(json_array_get(json_object_get(risk, "threats"), 0)),
                        "T-IS-004");
    json_decref(list);
    free(out);

    out = tu_isms_ok(repo, "objective", "show", "OBJ-1", "--json");
    json_t *obj = json_of(out);
    /* money is kept in minor units: EUR 25,000,000.00 */
    assert_int_equal(json_integer_value(json_object_get(obj, "value_at_stake")), 2500000000LL);
    json_decref(obj);
    free(out);

    out = tu_isms_ok(repo, "control", "show", "CTL-1");
    assert_contains(out, "Immutable offline backups");
    assert_contains(out, "RISK-1");
    assert_contains(out, "implemented_on"); /* set when it became implemented */
    free(out);
}

static void verify_and_log(void **state)
{
    (void)state;
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--residual-likelihood", "2", "--note",
                    "backups tested"));
    out = tu_isms_ok(repo, "log", "RISK-1");
    assert_contains(out, "add");
    assert_contains(out, "update");
    assert_contains(out, "residual_likelihood");
    assert_contains(out, "backups tested");
    assert_contains(out, "os:"); /* the actor: without --as, the operating-system account */
    free(out);
    out = tu_isms_ok(repo, "log", "RISK-1", "--json");
    json_t *entries = json_of(out);
    assert_int_equal(json_array_size(entries), 2);
    json_t *upd = json_array_get(entries, 1);
    assert_string_equal(json_string_value(json_object_get(upd, "op")), "update");
    assert_string_equal(json_string_value(json_array_get(json_object_get(upd, "changed"), 0)),
                        "residual_likelihood");
    json_decref(entries);
    free(out);
}

static long long lines_of(const char *text)
{
    long long n = 0;
    for (const char *p = strchr(text, '\n'); p; p = strchr(p + 1, '\n'))
        n++;
    return n;
}

/* `log --limit N` is the last N entries, and an update among them names
 * what changed even when the record's entry before it lies outside them. */
static void log_shows_the_last_entries(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "asset", "update", "AST-1", "--confidentiality", "very-high", "--note",
                    "customer data moved here"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Lena Audit", "--email", "lena@acme.example"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Ivo Intern", "--email", "ivo@acme.example"));
    long long n = ledger_length();
    char *out = tu_isms_ok(repo, "log", "--limit", "3");
    assert_int_equal(lines_of(out), 5); /* the header, three entries, the page before */
    char seq[32];
    snprintf(seq, sizeof seq, "#%-6lld", n - 2);
    assert_contains(out, seq);
    assert_contains(out, "update    AST-1      confidentiality  \"customer data moved here\"");
    assert_contains(out, "PER-4");
    assert_not_contains(out, "PER-2 "); /* before the last three */
    free(out);
    out = tu_isms_ok(repo, "log", "AST-1", "--limit", "1", "--json");
    json_t *entries = json_of(out);
    assert_int_equal(json_array_size(entries), 1);
    json_t *upd = json_array_get(entries, 0);
    assert_int_equal(json_integer_value(json_object_get(upd, "seq")), n - 2);
    json_t *changed = json_object_get(upd, "changed");
    assert_int_equal(json_array_size(changed), 1);
    assert_string_equal(json_string_value(json_array_get(changed, 0)), "confidentiality");
    json_decref(entries);
    free(out);
    out = tu_isms_ok(repo, "log", "--limit", "1000000");
    assert_int_equal(lines_of(out), n + 1); /* more asked than there are: all of them */
    assert_not_contains(out, "(older:");
    free(out);
    free(tu_isms_err(repo, 3, "limit", "log", "--limit", "0"));
    free(tu_isms_err(repo, 3, "before", "log", "--before", "#x"));
    free(tu_isms_err(repo, 3, "before", "log", "--before", "0"));
}

/* `log --before SEQ` is the page before an entry, as the page after it
 * names it: walked back from the end four at a time, every entry once,
 * each page in order, the first page naming none before it; of one key,
 * its entries before one of them. */
static void log_pages_back_through_the_ledger(void **state)
{
    (void)state;
    long long n = ledger_length(), want = n, pages = 0;
    char before[32] = "";
    for (;;) {
        char *out = before[0] ? tu_isms_ok(repo, "log", "--limit", "4", "--before", before)
                              : tu_isms_ok(repo, "log", "--limit", "4");
        pages++;
        char seq[32];
        long long first = want - 3 > 1 ? want - 3 : 1;
        for (long long k = first; k <= want; k++) { /* these, in order */
            snprintf(seq, sizeof seq, "\n#%-6lld", k);
            assert_contains(out, seq);
            if (k > first)
                assert_true(strstr(out, seq) > strstr(out, "\n#"));
        }
        assert_int_equal(lines_of(out), 1 + (want - first + 1) + (first > 1));
        before[0] = 0;
        const char *older = strstr(out, "(older: --before ");
        if (older)
            snprintf(before, sizeof before, "%.*s", (int)strcspn(older + 17, ")"), older + 17);
        free(out);
        if (!before[0])
            break;
        assert_int_equal(atoll(before), first);
        want = first - 1;
    }
    assert_int_equal(pages, (n + 3) / 4);
    assert_int_equal(want - 3 > 1 ? want - 3 : 1, 1);
    /* one key: AST-1's entries before its last (an add and an update) */
    char *text = tu_isms_ok(repo, "log", "AST-1", "--json");
    json_t *all = json_of(text);
    free(text);
    size_t m = json_array_size(all);
    assert_true(m >= 2);
    char at[32];
    snprintf(at, sizeof at, "#%lld",
             (long long)json_integer_value(json_object_get(json_array_get(all, m - 1), "seq")));
    text = tu_isms_ok(repo, "log", "AST-1", "--before", at, "--limit", "1", "--json");
    json_t *page = json_of(text);
    free(text);
    assert_int_equal(json_array_size(page), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(page, 0), "seq")),
                     json_integer_value(json_object_get(json_array_get(all, m - 2), "seq")));
    json_decref(page);
    /* before its first entry: none */
    snprintf(at, sizeof at, "%lld",
             (long long)json_integer_value(json_object_get(json_array_get(all, 0), "seq")));
    json_decref(all);
    free(tu_isms_err(repo, 4, "no entries for AST-1 before #", "log", "AST-1", "--before", at));
}

/* The domain says whether an update changed anything; the CLI says so. */
static void update_says_whether_it_changed(void **state)
{
    (void)state;
    long long before = ledger_length();
    char *out =
        tu_isms_ok(repo, "risk", "update", "RISK-1", "--title", "Ransomware halts payments");
    assert_contains(out, "unchanged RISK-1");
    free(out);
    assert_int_equal(ledger_length(), before);
    out = tu_isms_ok(repo, "risk", "update", "RISK-1", "--residual-impact", "4");
    assert_contains(out, "updated RISK-1");
    free(out);
    assert_int_equal(ledger_length(), before + 1);
}

/* Each bad input: a clear message naming field and value, a non-zero exit,
 * and no change to the ledger or the data. */
typedef struct bad_case {
    const char *args[16];
    int status;
    const char *message[3];
} bad_case;

/* A risk that would be added but for what a case appends. */
#define RISK_ADD                                                                        \
    "risk", "add", "--title", "x", "--owner", "dana@acme.example", "--likelihood", "2", \
        "--impact", "2"
/* One line a case. */
/* clang-format off */
static const bad_case bad_cases[] = {
    { { "risk", "show", "RISK-99" }, 4, { "RISK-99" } },
    { { "risk", "add", "--title", "x", "--owner", "dana@acme.example", "--likelihood", "7",
        "--impact", "2" },
      3, { "likelihood", "7", "1..5" } },
    { { "risk", "add", "--owner", "dana@acme.example", "--likelihood", "2", "--impact", "2" },
      3, { "title is required", "(option --title)" } },
    { { "risk", "add", "--title", "x", "--owner", "ghost@acme.example", "--likelihood", "2",
        "--impact", "2" },
      3, { "owner", "ghost@acme.example" } },
    { { RISK_ADD, "--review-date", "2026-02-30" }, 3, { "review_date", "2026-02-30" } },
    { { "risk", "add", "--title", "bad \xff\xfe title", "--owner", "dana@acme.example",
        "--likelihood", "2", "--impact", "2" },
      3, { "title", "UTF-8" } },
    { { "risk", "add", "--title", "x", "--owner", "dana@acme.example", "--likelihood", "two",
        "--impact", "2" },
      3, { "likelihood", "two" } },
    { { RISK_ADD, "--objective", "OBJ-9" }, 3, { "objectives", "OBJ-9" } },
    { { RISK_ADD, "--treatment", "ignore" }, 3, { "treatment", "ignore", "mitigate" } },
    { { RISK_ADD, "--residual-likelihood", "3" },
      3, { "residual_likelihood: 3", "(option --residual-likelihood)" } },
    { { "risk", "add", "--title", "x", "--bogus", "1" }, 2, { "--bogus" } },
    { { "risk", "update", "RISK-1", "--owner", "nobody" }, 3, { "owner", "NOBODY" } },
    { { "risk", "update", "RISK-1", "--title", "" }, 3, { "title" } },
    { { "risk", "update", "RISK-1", "--title", "y", "--if-version", "1" }, 6, { "version" } },
    { { "objective", "add", "--title", "x", "--owner", "dana@acme.example", "--value-at-stake",
        "1e6" },
      3, { "value_at_stake", "1e6" } },
    { { "person", "add", "--name", "Dup", "--email", "DANA@acme.example" },
      5, { "email", "dana@acme.example", "PER-1" } },
    { { "person", "add", "--name", "Bad", "--email", "not-an-address" },
      3, { "email", "not-an-address" } },
    { { "person", "add", "--name", "Bad", "--email", "b@acme.example", "--role", "king" },
      3, { "roles", "king" } },
    { { "person", "retire", "PER-2" }, 5, { "PER-2", "RISK-1" } },
    { { "asset", "add", "--name", "x", "--type", "castle", "--owner", "PER-1" },
      3, { "type", "castle" } },
    { { "control", "add", "--title", "x", "--owner", "PER-1", "--status", "retired" },
      3, { "status", "retired" } },
    { { "org", "set", "--risk-matrix", "9" }, 3, { "risk_matrix", "9" } },
    { { "org", "set", "--currency", "XXX" }, 3, { "currency", "XXX" } },
    { { "org", "set", "--currency", "USD" }, 5, { "currency" } }, /* amounts already recorded */
    { { "org", "set", "--risk-matrix", "3" }, 5, { "risk_matrix", "5" } }, /* a risk is rated 5 */
    /* Lax parsing, refused (issue 14): a blank title, money with misplaced
     * or foreign grouping, an empty review date on add, levels typed "+3"
     * or "03", an empty value for a field that always holds one. */
    { { "risk", "add", "--title", "   ", "--owner", "dana@acme.example", "--likelihood", "2",
        "--impact", "2" },
      3, { "title", "\"   \"", "blank" } },
    { { "objective", "add", "--title", "x", "--owner", "dana@acme.example", "--value-at-stake",
        "1,2,3" },
      3, { "value_at_stake", "\"1,2,3\"", "separator" } },
    { { "objective", "add", "--title", "x", "--owner", "dana@acme.example", "--value-at-stake",
        "1.250.000,50" },
      3, { "value_at_stake", "\"1.250.000,50\"", "1,250,000.50" } },
    { { RISK_ADD, "--review-date", "" }, 3, { "review_date", "\"\"", "(option --review-date)" } },
    { { "risk", "add", "--title", "x", "--owner", "dana@acme.example", "--likelihood", "+3",
        "--impact", "2" },
      3, { "likelihood", "\"+3\"", "no + sign" } },
    { { "risk", "add", "--title", "x", "--owner", "dana@acme.example", "--likelihood", "3",
        "--impact", "03" },
      3, { "impact", "\"03\"", "leading zeros" } },
    { { "risk", "update", "RISK-1", "--treatment", "" },
      3, { "treatment is required", "(option --treatment)" } },
    { { "--as", "dana@acme.example", "risk", "accept", "RISK-1", "--rationale", "fine", "--until",
        "" },
      3, { "expires_on", "\"\"" } },
    { { "risk", "update", "RISK-1", "--title", " \t " }, 3, { "title", "blank" } },
    { { "risk", "list", "--likelihood", "03" }, 3, { "likelihood", "\"03\"" } },
    { { "risk", "list", "--owner", "ghost@acme.example" }, 4, { "owner", "ghost@acme.example" } },
    { { "--as", "dana@acme.example", "scope", "approve", "SCOPE-1" }, 4, { "SCOPE-1" } },
    { { "scope", "approve", "SCOPE-1", "--by", "dana@acme.example" }, 2, { "--by" } },
    { { "--as", "ghost@acme.example", "risk", "list" },
      7, { "ghost@acme.example", "not a person" } },
    { { "--as", "dana@acme.example", "risk", "accept", "RISK-1", "--by", "dana@acme.example",
        "--rationale", "x" },
      2, { "--by" } },
    { { "risk", "accept", "RISK-1", "--rationale", "x" }, 7, { "--as" } },
    { { "--as", "dana@acme.example", "init", "other.isms" }, 2, { "--as" } },
    { { "frobnicate" }, 2, { "frobnicate" } },
    { { "risk", "explode" }, 2, { "explode" } },
};
#undef RISK_ADD
/* clang-format on */

static void bad_input_changes_nothing(void **state)
{
    (void)state;
    long long before = ledger_length();
    char *list_before = tu_isms_ok(repo, "export", "-");
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const bad_case *b = &bad_cases[i];
        tu_result r;
        tu_isms_argv(&r, repo, NULL, b->args);
        if (r.status != b->status)
            fail_msg("case %zu (%s %s): exit %d, expected %d; stderr: %s", i, b->args[0],
                     b->args[1], r.status, b->status, r.err);
        for (int k = 0; k < 3 && b->message[k]; k++)
            assert_contains(r.err, b->message[k]);
        assert_string_equal(r.out, "");
        tu_result_free(&r);
    }
    assert_int_equal(ledger_length(), before);
    tu_assert_export(repo, list_before);
    free(list_before);
}

static void help_at_every_level(void **state)
{
    (void)state;
    char *out = tu_isms_ok(NULL, "--help");
    assert_contains(out, "risk");
    assert_contains(out, "verify");
    free(out);
    out = tu_isms_ok(NULL, "risk", "--help");
    assert_contains(out, "add");
    assert_contains(out, "retire");
    free(out);
    out = tu_isms_ok(NULL, "risk", "add", "--help");
    assert_contains(out, "--likelihood");
    assert_contains(out, "(required)");
    assert_contains(out, "mitigate");
    free(out);
    out = tu_isms_ok(NULL, "scope", "--help");
    assert_contains(out, "approve"); /* a verb of the scope's lifecycle table */
    free(out);
    out = tu_isms_ok(NULL, "scope", "approve", "--help");
    assert_contains(out, "--as PERSON");
    assert_contains(out, "draft -> approved");
    assert_contains(out, "management-body");
    assert_not_contains(out, "--by");
    free(out);
    free(tu_isms_err(NULL, 2, "")); /* no command at all */
}

static void every_list_and_show_has_json(void **state)
{
    (void)state;
    static const char *const nouns[] = { "person", "scope",  "context", "stakeholder", "objective",
                                         "asset",  "threat", "risk",    "control",     NULL };
    for (int i = 0; nouns[i]; i++) {
        char *out = tu_isms_ok(repo, nouns[i], "list", "--json");
        json_t *j = json_of(out);
        assert_true(json_is_array(j));
        json_decref(j);
        free(out);
    }
    char *out = tu_isms_ok(repo, "threat", "show", "T-IS-012", "--json");
    json_t *j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "category")), "ai");
    assert_true(json_is_true(json_object_get(j, "builtin")));
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "threat", "list", "--json");
    j = json_of(out);
    assert_int_equal(json_array_size(j), 15 + 47); /* T-IS-001..015, BSI G-0.1..47 */
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "org", "show", "--json");
    j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "dora_entity")), "credit-institution");
    json_decref(j);
    free(out);
}

static void list_filters(void **state)
{
    (void)state;
    /* a table's count says what it counts in words, not as a table name */
    char *out = tu_isms_ok(repo, "context", "list");
    assert_contains(out, "(0 context issues)\n");
    free(out);
    out = tu_isms_ok(repo, "key", "list");
    assert_contains(out, "(0 signing keys)\n");
    free(out);
    out = tu_isms_ok(repo, "risk", "list", "--owner", "omar@acme.example", "--json");
    json_t *j = json_of(out);
    assert_int_equal(json_array_size(j), 1);
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "risk", "list", "--owner", "dana@acme.example", "--json");
    j = json_of(out);
    assert_int_equal(json_array_size(j), 0);
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "threat", "list", "--limit", "2", "--offset", "3", "--json");
    j = json_of(out);
    assert_int_equal(json_array_size(j), 2);
    assert_string_equal(tu_json_at(j, 0, "key"), "T-IS-004");
    assert_string_equal(tu_json_at(j, 1, "key"), "T-IS-005");
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "threat", "list", "--category", "supply-chain");
    assert_contains(out, "T-IS-009");
    assert_not_contains(out, "T-IS-001");
    free(out);
}

static void retire_keeps_history(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "control", "add", "--title", "Old tape backups", "--owner", "PER-2",
                    "--status", "operating"));
    free(tu_isms_ok(repo, "control", "retire", "CTL-2", "--note", "replaced by CTL-1"));
    char *out = tu_isms_ok(repo, "control", "list");
    assert_not_contains(out, "CTL-2");
    free(out);
    out = tu_isms_ok(repo, "control", "list", "--all");
    assert_contains(out, "CTL-2");
    free(out);
    out = tu_isms_ok(repo, "control", "show", "CTL-2", "--json");
    json_t *j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "retired");
    assert_true(json_is_string(json_object_get(j, "retired_at")));
    json_decref(j);
    free(out);
    free(tu_isms_err(repo, 5, "retired", "control", "update", "CTL-2", "--title", "zombie"));
    out = tu_isms_ok(repo, "log", "CTL-2");
    assert_contains(out, "retire");
    assert_contains(out, "replaced by CTL-1");
    free(out);
}

/* The last ledger entry of `key`: its actor and op. */
static void last_entry(const char *key, const char *actor, const char *op)
{
    char *text = tu_isms_ok(repo, "log", key, "--json");
    json_t *log = json_of(text);
    free(text);
    json_t *last = json_array_get(log, json_array_size(log) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "actor")), actor);
    assert_string_equal(json_string_value(json_object_get(last, "op")), op);
    json_decref(log);
}

static void expect_refused(int status, const char *needle, const char *const argv[])
{
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status != status)
        fail_msg("%s %s: exit %d, expected %d; stderr: %s", argv[0], argv[1], r.status, status,
                 r.err);
    assert_contains(r.err, needle);
    tu_result_free(&r);
}

/* The approver is whoever acts (--as), and only that person: there is no
 * --by naming someone else, and the ledger records the approver. */
static void scope_is_approved_by_the_board(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "scope", "add", "--statement",
                    "Payments and online banking of Acme Bank"));
    long long before = ledger_length();
    expect_refused(2, "--by",
                   (const char *const[]){ "--as", "omar@acme.example", "scope", "approve",
                                          "SCOPE-1", "--by", "dana@acme.example", NULL });
    expect_refused(
        7, "management body",
        (const char *const[]){ "--as", "omar@acme.example", "scope", "approve", "SCOPE-1", NULL });
    expect_refused(7, "--as PERSON", (const char *const[]){ "scope", "approve", "SCOPE-1", NULL });
    expect_refused(7, "not a person",
                   (const char *const[]){ "--as", "mallory@evil.example", "scope", "approve",
                                          "SCOPE-1", NULL });
    assert_int_equal(ledger_length(), before);
    free(tu_isms_ok(repo, "--as", "dana@acme.example", "scope", "approve", "SCOPE-1"));
    last_entry("SCOPE-1", "dana@acme.example", "approve");
    char *out = tu_isms_ok(repo, "scope", "show", "SCOPE-1", "--json");
    json_t *j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "approved");
    assert_string_equal(json_string_value(json_object_get(j, "approved_by")), "PER-1");
    json_decref(j);
    free(out);
    expect_refused(
        5, "draft",
        (const char *const[]){ "--as", "dana@acme.example", "scope", "approve", "SCOPE-1", NULL });
    /* An approved version is frozen; a new version supersedes it on approval. */
    expect_refused(
        5, "can no longer change",
        (const char *const[]){ "scope", "update", "SCOPE-1", "--statement", "changed", NULL });
    free(
        tu_isms_ok(repo, "scope", "add", "--statement", "Payments, online banking and AI chatbot"));
    free(tu_isms_ok(repo, "scope", "approve", "SCOPE-2", "--as", "PER-1"));
    last_entry("SCOPE-1", "dana@acme.example", "supersede");
    out = tu_isms_ok(repo, "scope", "list", "--all", "--json");
    j = json_of(out);
    assert_string_equal(tu_json_at(j, 0, "status"), "superseded");
    assert_string_equal(tu_json_at(j, 1, "status"), "approved");
    json_decref(j);
    free(out);
}

TU_MAIN(group_setup, NULL, cmocka_unit_test(example_records_are_stored),
        cmocka_unit_test(verify_and_log), cmocka_unit_test(log_shows_the_last_entries),
        cmocka_unit_test(log_pages_back_through_the_ledger),
        cmocka_unit_test(update_says_whether_it_changed),
        cmocka_unit_test(bad_input_changes_nothing), cmocka_unit_test(help_at_every_level),
        cmocka_unit_test(every_list_and_show_has_json), cmocka_unit_test(list_filters),
        cmocka_unit_test(retire_keeps_history), cmocka_unit_test(scope_is_approved_by_the_board))
