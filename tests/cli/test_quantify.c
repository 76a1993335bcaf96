/* The risk engine from the command line: quantify, the SVG curve, the
 * portfolio by objective, returns on controls, acceptance, and a long run
 * interrupted with Ctrl-C that saves nothing. */
#include "support/testutil.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *repo;

static json_t *json_of(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("not JSON (%s): %s", je.text, text);
    return j;
}

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("quant-cli.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@x.example", "--role", "management-body"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Omar", "--email", "omar@x.example", "--role", "risk-owner"));
    free(tu_isms_ok(repo, "objective", "add", "--title", "Payments", "--owner", "PER-1"));
    free(tu_isms_ok(repo, "risk", "add", "--title", "Ransomware <script>", "--owner", "PER-2", "--objective", "OBJ-1",
                    "--likelihood", "3", "--impact", "5", "--lef", "pert(0.5,2,6)", "--primary-loss",
                    "lognormal90(100000,10000000)"));
    free(tu_isms_ok(repo, "control", "add", "--title", "Backups", "--owner", "PER-2", "--treats", "RISK-1",
                    "--status", "operating", "--acts-on", "primary-loss", "--reduction", "pert(0.3,0.5,0.7)",
                    "--cost", "50000"));
    free(tu_isms_ok(repo, "control", "add", "--title", "Cyber insurance", "--owner", "PER-1", "--treats", "RISK-1",
                    "--status", "operating", "--acts-on", "transfer", "--deductible", "250000", "--cover-limit",
                    "5000000", "--cost", "150000"));
    free(tu_isms_ok(repo, "appetite", "add", "--objective", "OBJ-1", "--statement", "Payments: 1m at P95",
                    "--appetite", "1000000", "--tolerance", "3000000"));
    free(tu_isms_ok(repo, "--as", "dana@x.example", "appetite", "approve", "APP-1"));
    return 0;
}

static void quantify_json_is_reproducible(void **state)
{
    (void)state;
    char *a = tu_isms_ok(repo, "risk", "quantify", "RISK-1", "--iterations", "20000", "--seed", "42", "--json");
    char *b = tu_isms_ok(repo, "risk", "quantify", "RISK-1", "--iterations", "20000", "--seed", "42",
                         "--threads", "1", "--json", "--no-save");
    json_t *x = json_of(a), *y = json_of(b);
    json_t *cx = json_object_get(json_object_get(x, "current"), "annual_loss");
    json_t *cy = json_object_get(json_object_get(y, "current"), "annual_loss");
    assert_true(json_equal(cx, cy));
    assert_true(json_is_true(json_object_get(x, "outside_appetite")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(x, "appetite"), "statement")), "APP-1");
    assert_string_equal(json_string_value(json_object_get(x, "seed")), "42");
    assert_true(json_is_string(json_object_get(x, "analysis")));
    assert_true(json_is_null(json_object_get(y, "analysis")));
    assert_int_equal(json_array_size(json_object_get(json_object_get(x, "current"), "loss_exceedance")), 41);
    const char *top = json_string_value(json_object_get(json_array_get(json_object_get(x, "sensitivity"), 0), "input"));
    assert_string_equal(top, "primary_loss");
    json_decref(x);
    json_decref(y);
    free(a);
    free(b);
    char *out = tu_isms_ok(repo, "analysis", "list");
    assert_contains(out, "QNT-1");
    assert_not_contains(out, "QNT-2");   /* --no-save saved nothing */
    free(out);
    out = tu_isms_ok(repo, "verify");
    free(out);
}

static void lec_is_an_svg_with_escaped_text(void **state)
{
    (void)state;
    const char *path = tu_path("lec.svg");
    free(tu_isms_ok(repo, "risk", "lec", "RISK-1", "--svg", path, "--iterations", "5000"));
    char *svg = tu_read_file(path, NULL);
    assert_non_null(svg);
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    assert_contains(svg, "Ransomware &lt;script&gt;");
    assert_not_contains(svg, "<script>");
    assert_contains(svg, "<polyline");
    assert_contains(svg, "appetite");
    free(svg);
}

static void portfolio_returns_and_acceptance(void **state)
{
    (void)state;
    char *out = tu_isms_ok(repo, "quantify", "--by", "objective", "--iterations", "20000", "--json");
    json_t *j = json_of(out);
    json_t *obj = json_array_get(json_object_get(j, "objectives"), 0);
    assert_string_equal(json_string_value(json_object_get(obj, "key")), "OBJ-1");
    double certainty = json_number_value(json_object_get(obj, "certainty"));
    assert_true(certainty > 0 && certainty < 1);
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "control", "roi", "--iterations", "20000");
    assert_contains(out, "CTL-1");
    assert_contains(out, "CTL-2");
    free(out);
    tu_result r;
    tu_isms(&r, repo, NULL, "--as", "omar@x.example", "risk", "accept", "RISK-1", "--rationale", "cheap", (const char *)NULL);
    assert_int_equal(r.status, 7);
    assert_contains(r.err, "management body");
    tu_result_free(&r);
    out = tu_isms_ok(repo, "--as", "dana@x.example", "risk", "accept", "RISK-1", "--rationale", "board minute 12");
    assert_contains(out, "ACC-1");
    free(out);
    out = tu_isms_ok(repo, "risk", "show", "RISK-1", "--json");
    assert_contains(out, "\"treatment\": \"accept\"");
    free(out);
    out = tu_isms_ok(repo, "summary");
    assert_contains(out, "How certain are the objectives?");
    assert_contains(out, "outside appetite");
    free(out);
}

/* One money convention in JSON (issue 15, point 11): every amount is an
 * integer in minor units of the currency, as in records, and each document
 * says so; probabilities and shares stay fractions. */
static const char *const money_names[] = {
    "mean", "sd", "p50", "p90", "p95", "p99", "value_at_risk", "expected_shortfall", "mean_loss_per_event",
    "appetite", "tolerance", "annual_cost", "mean_reduction", "p95_reduction", "net_benefit", "mean_shift",
    "deductible", "limit", "value_at_stake", "cost", "budget_authority", "mean_loss", "p95_loss", NULL};

static int is_money_name(const char *name)
{
    for (int i = 0; money_names[i]; i++)
        if (!strcmp(name, money_names[i]))
            return 1;
    return 0;
}

/* Walks j; every member named as money is an integer (or null); returns
 * how many amounts it saw. */
static int assert_amounts_integer(const json_t *j, const char *where)
{
    int n = 0;
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) {
            if (is_money_name(k) && !json_is_object(v)) {
                if (!json_is_integer(v) && !json_is_null(v))
                    fail_msg("%s: %s is not an integer amount", where, k);
                n++;
            }
            n += assert_amounts_integer(v, where);
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach((json_t *)j, i, v) n += assert_amounts_integer(v, where);
    }
    return n;
}

static void json_money_is_integer_minor_units(void **state)
{
    (void)state;
    char *out = tu_isms_ok(repo, "risk", "quantify", "RISK-1", "--iterations", "5000", "--json");
    json_t *j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "money")), "minor units");
    assert_string_equal(json_string_value(json_object_get(j, "currency")), "EUR");
    json_t *app = json_object_get(j, "appetite");
    assert_true(json_is_integer(json_object_get(app, "appetite")));
    assert_int_equal(json_integer_value(json_object_get(app, "appetite")), 100000000);   /* EUR 1m in cents */
    assert_int_equal(json_integer_value(json_object_get(app, "tolerance")), 300000000);
    assert_true(assert_amounts_integer(j, "risk quantify") > 20);
    /* the curve's losses too; its probabilities stay fractions */
    json_t *pt = json_array_get(json_object_get(json_object_get(j, "current"), "loss_exceedance"), 10);
    assert_true(json_is_integer(json_array_get(pt, 0)));
    assert_true(json_is_real(json_array_get(pt, 1)));
    const char *analysis = json_string_value(json_object_get(j, "analysis"));
    char *shown = tu_isms_ok(repo, "analysis", "show", analysis, "--json");
    json_t *a = json_of(shown);
    json_t *results = json_of(json_string_value(json_object_get(a, "results")));
    json_t *inputs = json_of(json_string_value(json_object_get(a, "inputs")));
    assert_string_equal(json_string_value(json_object_get(results, "money")), "minor units");
    assert_string_equal(json_string_value(json_object_get(inputs, "money")), "minor units");
    assert_true(assert_amounts_integer(results, "analysis results") > 20);
    assert_true(assert_amounts_integer(inputs, "analysis inputs") >= 2);   /* controls' costs, cover */
    assert_true(assert_amounts_integer(a, "analysis record") >= 2);        /* mean_loss, p95_loss */
    json_decref(results);
    json_decref(inputs);
    json_decref(a);
    free(shown);
    json_decref(j);
    free(out);

    out = tu_isms_ok(repo, "quantify", "--by", "objective", "--iterations", "5000", "--json", "--no-save");
    j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "money")), "minor units");
    assert_true(assert_amounts_integer(j, "quantify") > 10);
    json_decref(j);
    free(out);
    out = tu_isms_ok(repo, "control", "roi", "--iterations", "5000", "--json", "--no-save");
    j = json_of(out);
    assert_string_equal(json_string_value(json_object_get(j, "money")), "minor units");
    json_t *ctl = json_array_get(json_object_get(j, "controls"), 0);
    assert_true(json_is_integer(json_object_get(ctl, "annual_cost")));
    assert_true(assert_amounts_integer(j, "control roi") >= 8);
    json_decref(j);
    free(out);
    /* records, as ever: objectives, controls, appetites */
    const char *lists[][2] = {{"objective", "list"}, {"control", "list"}, {"appetite", "list"}};
    for (size_t k = 0; k < 3; k++) {
        out = tu_isms_ok(repo, lists[k][0], lists[k][1], "--json");
        j = json_of(out);
        assert_amounts_integer(j, lists[k][0]);
        json_decref(j);
        free(out);
    }
    out = tu_isms_ok(repo, "control", "show", "CTL-1", "--json");
    assert_contains(out, "\"cost\": 5000000");   /* EUR 50,000.00 */
    free(out);
}

static void bad_parameters_name_the_field(void **state)
{
    (void)state;
    static const char *const cases[][8] = {
        {"risk", "update", "RISK-1", "--lef", "pert(6,2,1)", NULL},
        {"risk", "update", "RISK-1", "--lef", "nonsense(1)", NULL},
        {"risk", "update", "RISK-1", "--primary-loss", "lognormal90(10,1)", NULL},
        {"risk", "update", "RISK-1", "--lef", "const(-1)", NULL},
        {"risk", "update", "RISK-1", "--lef", "pert(nan,1,2)", NULL},
        {"risk", "quantify", "RISK-1", "--iterations", "12", NULL},
        {"quantify", "--correlate", "RISK-1,RISK-9=0.5", NULL},
        {"quantify", "--correlate", "RISK-1=2", NULL},
    };
    static const char *const field[] = {"lef", "lef", "primary_loss", "lef", "lef", "iterations", "correlate", "correlate"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tu_result r;
        tu_isms_argv(&r, repo, NULL, cases[i]);
        if (r.status != 3)
            fail_msg("case %zu: exit %d: %s", i, r.status, r.err);
        assert_contains(r.err, field[i]);
        tu_result_free(&r);
    }
}

static void interrupted_run_saves_nothing(void **state)
{
    (void)state;
    char *before = tu_isms_ok(repo, "analysis", "list", "--json");
    pid_t pid = fork();
    if (pid == 0) {
        setenv("ISMS_REPO", repo, 1);
        int devnull = open("/dev/null", 1);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(ISMS_BIN, "isms", "quantify", "--iterations", "50000000", (char *)NULL);
        _exit(127);
    }
    usleep(400 * 1000);
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 12);   /* E_INTERRUPTED */
    char *after = tu_isms_ok(repo, "analysis", "list", "--json");
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(tu_isms_ok(repo, "verify"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantify_json_is_reproducible),
        cmocka_unit_test(lec_is_an_svg_with_escaped_text),
        cmocka_unit_test(portfolio_returns_and_acceptance),
        cmocka_unit_test(json_money_is_integer_minor_units),
        cmocka_unit_test(bad_parameters_name_the_field),
        cmocka_unit_test(interrupted_run_saves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
