/* A command line that guides, and guards (issue 15, points 12 and 13):
 * --version, help by noun, "did you mean" for nouns, verbs and options, a
 * description for every noun, registers made by workflows said as such,
 * errors naming the option typed, table columns cut cleanly; the built-in
 * threats (T-IS-* and the BSI elementary threats) fixed, user threats not,
 * and review dates in the past warned about. */
#include "support/testutil.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_cli_repo("init", "guide.isms", TU_NOW);
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana Weiß", "--email", "dana@x.example",
                    "--role", "management-body"));
    free(tu_isms_ok(repo, "objective", "add", "--title", "Payments", "--owner", "PER-1"));
    return 0;
}

static void expect_usage(const char *const argv[], int status, const char *needle)
{
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status != status)
        fail_msg("%s %s: exit %d, not %d: %s", argv[0], argv[1] ? argv[1] : "", r.status, status,
                 r.err);
    assert_contains(r.err, needle);
    tu_result_free(&r);
}

/* ---- point 13 ---- */

static void version_and_help_by_noun(void **state)
{
    (void)state;
    char *v = tu_isms_ok(NULL, "--version");
    char *w = tu_isms_ok(NULL, "version");
    assert_string_equal(v, w);
    assert_contains(v, "isms ");
    assert_contains(v, "(schema ");
    free(v);
    free(w);
    char *a = tu_isms_ok(NULL, "help", "risk");
    char *b = tu_isms_ok(NULL, "risk", "--help");
    assert_string_equal(a, b);
    assert_contains(a, "isms risk: risks to objectives");
    free(a);
    free(b);
    a = tu_isms_ok(NULL, "help", "risk", "update");
    b = tu_isms_ok(NULL, "risk", "update", "--help");
    assert_string_equal(a, b);
    assert_contains(a, "--add-asset, --remove-asset KEY");
    free(a);
    free(b);
    a = tu_isms_ok(NULL, "help");
    b = tu_isms_ok(NULL, "--help");
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void mistypes_get_a_suggestion(void **state)
{
    (void)state;
    const char *noun[] = { "rsik", "list", NULL };
    expect_usage(noun, 2, "unknown command \"rsik\"; did you mean risk?");
    const char *noun2[] = { "contorls", "list", NULL };
    expect_usage(noun2, 2, "did you mean controls?");
    const char *verb[] = { "risk", "lsit", NULL };
    expect_usage(verb, 2, "isms risk has no verb \"lsit\"; did you mean list?");
    const char *verb2[] = { "control", "updte", "CTL-1", NULL };
    expect_usage(verb2, 2, "did you mean update?");
    const char *opt[] = { "risk", "list", "--objetive", "OBJ-1", NULL };
    expect_usage(opt, 2, "unknown option --objetive; did you mean --objective?");
    const char *opt2[] = { "risk", "update", "RISK-1", "--likelyhood", "3", NULL };
    expect_usage(opt2, 2, "did you mean --likelihood?");
    const char *opt3[] = { "--jsno", "risk", "list", NULL };
    expect_usage(opt3, 2, "did you mean --json?");
    /* nothing close: no guess */
    char *err = tu_isms_err(repo, 2, "", "zebra");
    assert_not_contains(err, "did you mean");
    free(err);
    /* an abbreviation that fits several options */
    const char *ambiguous[] = { "risk", "list", "--residual", "2", NULL };
    expect_usage(ambiguous, 2, "ambiguous");
}

/* Every noun of the global help has a description there, and its own help
 * says what it is. */
static void every_noun_is_described(void **state)
{
    (void)state;
    char *help = tu_isms_ok(NULL, "--help");
    int nouns = 0;
    char *save = NULL;
    char *copy = strdup(help);
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "  ", 2) || line[2] == ' ' || line[2] == '-')
            continue; /* not a noun's line */
        char noun[64];
        if (sscanf(line + 2, "%63s", noun) != 1)
            continue;
        const char *rest = line + 2 + strlen(noun);
        rest += strspn(rest, " ");
        if (strlen(rest) < 8)
            fail_msg("the global help describes \"%s\" with \"%s\"", noun, rest);
        tu_result r;
        tu_isms(&r, NULL, NULL, noun, "--help", (const char *)NULL);
        if (r.status)
            fail_msg("isms %s --help: exit %d", noun, r.status);
        if (strlen(r.out) < 20)
            fail_msg("isms %s --help says too little: %s", noun, r.out);
        tu_result_free(&r);
        nouns++;
    }
    assert_true(nouns > 25);
    free(copy);
    /* registers made by workflows say so, and refuse add with the way */
    assert_contains(help, "records made by isms risk accept, not add (list, show, retire)");
    assert_contains(help, "records made by isms risk quantify");
    char *own = tu_isms_ok(NULL, "help", "analysis");
    assert_contains(own, "records are made by isms risk quantify");
    free(own);
    const char *add[] = { "acceptance", "add", "--risk", "RISK-1", NULL };
    expect_usage(add, 2,
                 "isms acceptance has no verb \"add\": its records are made by isms risk accept");
    char *ledger = tu_isms_ok(NULL, "ledger", "--help");
    assert_contains(ledger, "isms ledger: the ledger's Merkle tree");
    free(ledger);
    free(help);
}

static void errors_name_the_option_typed(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "risk", "add", "--title", "Ransomware", "--owner", "PER-1",
                    "--likelihood", "3", "--impact", "4", "--objective", "OBJ-1", "--lef",
                    "pert(0.5,2,6)", "--primary-loss", "lognormal90(1000,100000)"));
    const char *level[] = { "risk", "update", "RISK-1", "--residual-likelihood", "9", NULL };
    expect_usage(level, 3, "(option --residual-likelihood)");
    const char *member[] = { "risk", "update", "RISK-1", "--add-objective", "OBJ-9", NULL };
    expect_usage(member, 3, "(option --add-objective)");
    const char *own[] = { "risk", "quantify", "RISK-1", "--iterations", "12", NULL };
    expect_usage(own, 3, "(option --iterations)");
    const char *limit[] = { "risk", "list", "--limit", "lots", NULL };
    expect_usage(limit, 3, "(option --limit)");
    /* an abbreviation is answered with the full name */
    const char *abbrev[] = { "risk", "update", "RISK-1", "--residual-l", "9", NULL };
    expect_usage(abbrev, 3, "(option --residual-likelihood)");
}

/* Column k of a table line starts where the header's column k does. */
static size_t column_at(const char *line, const char *word)
{
    const char *p = strstr(line, word);
    assert_non_null(p);
    char *prefix = strndup(line, (size_t)(p - line));
    size_t w = utf8_width(prefix);
    free(prefix);
    return w;
}

static void table_columns_are_cut_cleanly(void **state)
{
    (void)state;
    char title[400] = "Überweisungsbetrug über gefälschte Zahlungsaufträge — ";
    while (strlen(title) < 280)
        strcat(title, "ä lange Überschrift ");
    free(tu_isms_ok(repo, "risk", "add", "--title", title, "--owner", "PER-1", "--likelihood", "2",
                    "--impact", "2"));
    char *out = tu_isms_ok(repo, "risk", "list");
    char *header = strtok(out, "\n");
    size_t owner_col = column_at(header, "owner");
    int rows = 0;
    for (char *line = strtok(NULL, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "RISK-", 5))
            continue;
        /* the owner starts where its header does: nothing ran into it */
        if (column_at(line, "PER-1 Dana Weiß") != owner_col)
            fail_msg("misaligned row: %s", line);
        rows++;
        if (strstr(line, "Überweisungsbetrug")) {
            assert_contains(line, "…  ");
            const char *cut = strstr(line, "…");
            char *cell = strndup(line + 9, (size_t)(cut - line - 9) + strlen("…"));
            assert_true(utf8_width(cell) <= 44);
            free(cell);
        }
    }
    assert_int_equal(rows, 2);
    free(out);
    /* on a terminal of 80 columns (a pseudo-terminal, where script(1) is
     * at hand) the table fits it: the titles give way */
    if (tu_have_script() && !tu_backend_is_pg()) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "stty cols 80; ISMS_REPO='%s' '%s' risk list --limit 3 | cat >/dev/null; "
                 "ISMS_REPO='%s' '%s' control list",
                 repo, ISMS_BIN, repo, ISMS_BIN);
        free(tu_isms_ok(repo, "control", "add", "--title", title, "--owner", "PER-1", "--cost",
                        "1250000"));
        assert_true(tu_terminal_lines(cmd, "EUR 1,250,000.00") >= 3);
    }
    free(tu_isms_ok(repo, "risk", "retire", "RISK-2"));
}

/* ---- point 12 ---- */

static void builtin_threats_are_fixed(void **state)
{
    (void)state;
    /* the BSI elementary threats, by id and title */
    static const char *const bsi[][2] = { { "G-0.1", "Fire" },
                                          { "G-0.14", "Interception of Information / Espionage" },
                                          { "G-0.23", "Unauthorised Access to IT Systems" },
                                          { "G-0.39", "Malware" },
                                          { "G-0.40", "Denial of Service" },
                                          { "G-0.42", "Social Engineering" },
                                          { "G-0.45", "Data Loss" },
                                          { "G-0.47",
                                            "Harmful Side Effects of IT-Supported Attacks" } };
    for (size_t k = 0; k < sizeof bsi / sizeof *bsi; k++) {
        char *out = tu_isms_ok(repo, "threat", "show", bsi[k][0]);
        char want[160];
        snprintf(want, sizeof want, "%s  %s\n", bsi[k][0], bsi[k][1]);
        assert_contains(out, want);
        assert_contains(out, "builtin                yes");
        free(out);
    }
    char *list = tu_isms_ok(repo, "threat", "list", "--builtin", "yes");
    assert_contains(list, "(62 threats)");
    free(list);
    /* a ransomware risk gets its proper threat */
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--add-threat", "G-0.39"));
    /* built-in: neither renamed nor retired; its steward may be named */
    const char *rename[] = { "threat", "update", "T-IS-004", "--name", "Drift", NULL };
    expect_usage(rename, 5, "T-IS-004 is a built-in threat");
    const char *recat[] = { "threat", "update", "G-0.39", "--category", "other", NULL };
    expect_usage(recat, 5, "cannot change");
    const char *retire[] = { "threat", "retire", "G-0.39", NULL };
    expect_usage(retire, 5, "cannot be retired");
    const char *retire2[] = { "threat", "retire", "T-IS-001", NULL };
    expect_usage(retire2, 5, "cannot be retired");
    free(tu_isms_ok(repo, "threat", "update", "T-IS-004", "--steward", "IT operations"));
    /* a threat of one's own: both */
    char *added = tu_isms_ok(repo, "threat", "add", "--name", "Ransomware", "--category", "cyber");
    assert_contains(added, "THR-1");
    free(added);
    free(tu_isms_ok(repo, "threat", "update", "THR-1", "--name", "Ransomware with data theft"));
    free(tu_isms_ok(repo, "threat", "retire", "THR-1"));
    char *ok = tu_isms_ok(repo, "verify");
    assert_contains(ok, "ok:");
    free(ok);
}

static void past_review_dates_warn(void **state)
{
    (void)state;
    tu_result r;
    tu_isms(&r, repo, NULL, "risk", "update", "RISK-1", "--review-date", "2026-01-31",
            (const char *)NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "updated RISK-1");
    assert_contains(
        r.err,
        "isms: warning: review_date: 2026-01-31 is in the past: RISK-1 is due for review now");
    tu_result_free(&r);
    free(tu_isms_err(
        repo, 0,
        "warning: review_date: 2025-12-01 is in the past: the new control is due for review now",
        "control", "add", "--title", "Backups", "--owner", "PER-1", "--review-date", "2025-12-01"));
    free(tu_isms_err(repo, 0, "warning: review_date", "context", "add", "--title", "DORA", "--kind",
                     "external", "--review-date", "2026-05-31"));
    /* today or later: nothing to say */
    char *err = tu_isms_err(repo, 0, "", "risk", "update", "RISK-1", "--review-date", "2026-06-01");
    assert_not_contains(err, "warning");
    free(err);
}

TU_MAIN(setup, NULL, cmocka_unit_test(version_and_help_by_noun),
        cmocka_unit_test(mistypes_get_a_suggestion), cmocka_unit_test(every_noun_is_described),
        cmocka_unit_test(errors_name_the_option_typed),
        cmocka_unit_test(table_columns_are_cut_cleanly),
        cmocka_unit_test(builtin_threats_are_fixed), cmocka_unit_test(past_review_dates_warn))
