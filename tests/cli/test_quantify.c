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
#include <time.h>
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
    repo = tu_cli_repo("init", "quant-cli.isms", NULL);
    tu_cli_payments(repo);
    /* Omar (PER-2) owns the risk, whose title must be escaped, and its backups, which cost
     * 50000 a year; an insurance treats the risk too (CTL-2). */
    free(tu_isms_ok(repo, "person", "add", "--name", "Omar", "--email", "omar@x.example", "--role",
                    "risk-owner"));
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--owner", "PER-2", "--title",
                    "Ransomware <script>"));
    free(tu_isms_ok(repo, "control", "update", "CTL-1", "--owner", "PER-2", "--cost", "50000"));
    free(tu_isms_ok(repo, "control", "add", "--title", "Cyber insurance", "--owner", "PER-1",
                    "--treats", "RISK-1", "--status", "operating", "--acts-on", "transfer",
                    "--deductible", "250000", "--cover-limit", "5000000", "--cost", "150000"));
    return 0;
}

static void quantify_json_is_reproducible(void **state)
{
    (void)state;
    char *a = tu_isms_ok(repo, "risk", "quantify", "RISK-1", "--iterations", "20000", "--seed",
                         "42", "--json");
    char *b = tu_isms_ok(repo, "risk", "quantify", "RISK-1", "--iterations", "20000", "--seed",
                         "42", "--threads", "1", "--json", "--no-save");
    json_t *x = json_of(a), *y = json_of(b);
    json_t *cx = json_object_get(json_object_get(x, "current"), "annual_loss");
    json_t *cy = json_object_get(json_object_get(y, "current"), "annual_loss");
    assert_true(json_equal(cx, cy));
    assert_true(json_is_true(json_object_get(x, "outside_appetite")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(x, "appetite"), "statement")), "APP-1");
    assert_string_equal(json_string_value(json_object_get(x, "seed")), "42");
    assert_true(json_is_string(json_object_get(x, "analysis")));
    assert_true(json_is_null(json_object_get(y, "analysis")));
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(x, "current"), "loss_exceedance")), 41);
    const char *top = json_string_value(json_object_get(
        json_array_get(json_object_get(json_object_get(x, "sensitivity"), "drivers"), 0), "input"));
    assert_string_equal(top, "primary_loss");
    json_decref(x);
    json_decref(y);
    free(a);
    free(b);
    char *out = tu_isms_ok(repo, "analysis", "list");
    assert_contains(out, "QNT-1");
    assert_not_contains(out, "QNT-2"); /* --no-save saved nothing */
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
    char *out =
        tu_isms_ok(repo, "quantify", "--by", "objective", "--iterations", "20000", "--json");
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
    free(tu_isms_err(repo, 7, "management body", "--as", "omar@x.example", "risk", "accept",
                     "RISK-1", "--rationale", "cheap"));
    out = tu_isms_ok(repo, "--as", "dana@x.example", "risk", "accept", "RISK-1", "--rationale",
                     "board minute 12");
    assert_contains(out, "ACC-1");
    free(out);
    out = tu_isms_ok(repo, "risk", "show", "RISK-1", "--json");
    assert_contains(out, "\"treatment\": \"accept\"");
    free(out);
    out = tu_isms_ok(repo, "summary");
    assert_contains(out, "Against appetite");
    assert_contains(out, "certain to stay within tolerance");
    assert_contains(out, "outside appetite");
    free(out);
}

/* One money convention in JSON (issue 15, point 11): every amount is an
 * integer in minor units of the currency, as in records, and each document
 * says so; probabilities and shares stay fractions. */
static const char *const money_names[] = {
    "mean", "sd", "p50", "p90", "p95", "p99", "value_at_risk", "expected_shortfall",
    "mean_loss_per_event", "appetite", "tolerance", "annual_cost", "mean_reduction",
    "p95_reduction", "net_benefit", "mean_shift", "deductible", "limit", "value_at_stake", "cost",
    "budget_authority", "mean_loss", "p95_loss",
    /* the board figures: verdicts' measures and margins, standard errors, gaps */
    "loss", "loss_standard_error", "margin", "mean_standard_error", "mean_reduction_standard_error",
    "value_at_stake_not_quantified", NULL
};

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
        json_object_foreach((json_t *)j, k, v)
        {
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
    assert_int_equal(json_integer_value(json_object_get(app, "appetite")),
                     100000000); /* EUR 1m in cents */
    assert_int_equal(json_integer_value(json_object_get(app, "tolerance")), 300000000);
    assert_true(assert_amounts_integer(j, "risk quantify") > 20);
    /* the curve's losses too; its probabilities stay fractions */
    json_t *pt =
        json_array_get(json_object_get(json_object_get(j, "current"), "loss_exceedance"), 10);
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
    assert_true(assert_amounts_integer(inputs, "analysis inputs") >=
                2);                                                 /* controls' costs, cover */
    assert_true(assert_amounts_integer(a, "analysis record") >= 2); /* mean_loss, p95_loss */
    json_decref(results);
    json_decref(inputs);
    json_decref(a);
    free(shown);
    json_decref(j);
    free(out);

    out = tu_isms_ok(repo, "quantify", "--by", "objective", "--iterations", "5000", "--json",
                     "--no-save");
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
    const char *lists[][2] = { { "objective", "list" },
                               { "control", "list" },
                               { "appetite", "list" } };
    for (size_t k = 0; k < 3; k++) {
        out = tu_isms_ok(repo, lists[k][0], lists[k][1], "--json");
        j = json_of(out);
        assert_amounts_integer(j, lists[k][0]);
        json_decref(j);
        free(out);
    }
    out = tu_isms_ok(repo, "control", "show", "CTL-1", "--json");
    assert_contains(out, "\"cost\": 5000000"); /* EUR 50,000.00 */
    free(out);
}

/* Issue 15 on the command line: verdicts with margins, what is not
 * quantified, stale figures re-run with --stale, controls left out of
 * the return on controls, risk show saying whether its figures are
 * current. */
static void board_figures(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "risk", "add", "--title", "Unmodelled", "--owner", "PER-2", "--objective",
                    "OBJ-1", "--likelihood", "2", "--impact", "2"));
    free(tu_isms_ok(repo, "quantify", "--by", "objective", "--iterations", "5000"));
    free(tu_isms_ok(repo, "risk", "quantify", "RISK-1", "--iterations", "5000"));
    char *out = tu_isms_ok(repo, "summary");
    assert_contains(out, "ABOVE TOLERANCE: P95");
    assert_contains(out, "at most"); /* one risk of OBJ-1 is not quantified */
    assert_contains(out, "1 risk not quantified (no FAIR inputs): in no total: RISK-");
    assert_contains(out, "0 analyses stale");
    free(out);
    out = tu_isms_ok(repo, "risk", "show", "RISK-1");
    assert_contains(out, "current");
    free(out);
    /* Retiring the insurance: the dashboard says the figures are stale
     * until they are re-run. */
    free(tu_isms_ok(repo, "control", "retire", "CTL-2"));
    out = tu_isms_ok(repo, "summary");
    assert_contains(out, "STALE: its inputs changed since");
    assert_contains(out, "analyses stale");
    free(out);
    out = tu_isms_ok(repo, "risk", "show", "RISK-1");
    assert_contains(out, "STALE since");
    free(out);
    out = tu_isms_ok(repo, "quantify", "--stale");
    assert_contains(out, "re-run as QNT-");
    free(out);
    out = tu_isms_ok(repo, "summary", "--json");
    json_t *j = json_of(out);
    json_t *att = json_object_get(j, "attention");
    assert_int_equal(json_array_size(json_object_get(att, "stale_analyses")), 0);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(j, "risks"), "not_quantified")), 1);
    json_t *org = json_object_get(json_object_get(j, "objectives"), "organisation");
    assert_string_equal(json_string_value(json_object_get(org, "verdict")), "no-appetite");
    assert_string_equal(json_string_value(json_object_get(org, "certainty_means")),
                        "none: no appetite approved");
    json_decref(j);
    free(out);
    free(tu_isms_ok(repo, "control", "add", "--title", "Policy", "--owner", "PER-2", "--treats",
                    "RISK-1", "--status", "operating"));
    out = tu_isms_ok(repo, "control", "roi", "--iterations", "5000");
    assert_contains(out, "not valued: no effect stated");
    free(out);
}

/* The demo bank's dashboard shows the verdicts, what is stale and what is
 * not quantified, and the flags a board needs (issue 15, "done when"). */
static void demo_summary_has_the_board_figures(void **state)
{
    (void)state;
    const char *bank = tu_repo("bank.isms");
    free(tu_isms_ok(NULL, "demo", "--force", bank));
    char *out = tu_isms_ok(bank, "summary");
    assert_contains(out, "Against appetite (QNT-");
    assert_contains(out, "STALE: its inputs changed since");
    assert_contains(out, "OBJ-1   Process payments 24/7\n          ABOVE TOLERANCE: P95 EUR ");
    assert_contains(out, "; judged against the organisation's appetite APP-1 (none of its own)");
    assert_contains(out, "OBJ-4   Pass the DORA supervisory review without major findings\n"
                         "          NOT QUANTIFIED: none of its 3 risks has FAIR inputs");
    assert_contains(out, "6 quantified, 6 not (50%)");
    assert_contains(out, "at objectives with a risk not quantified");
    assert_contains(out, "analyses stale: their inputs changed since they ran");
    assert_contains(out, "6 risks not quantified (no FAIR inputs): in no total: RISK-6");
    assert_contains(out, "1 objective with no quantified risk: no certainty: OBJ-4");
    assert_contains(out, "more than one band apart");
    assert_contains(out, "controls in place whose effectiveness is not assessed");
    free(out);
    free(tu_isms_ok(bank, "quantify", "--stale"));
    out = tu_isms_ok(bank, "summary");
    assert_contains(out, "0 analyses stale");
    assert_not_contains(out, "STALE");
    free(out);
}

static char *figures_of(const char *analysis)
{
    char *out = tu_isms_ok(repo, "analysis", "show", analysis, "--json");
    json_t *j = json_of(out);
    char *figures = strdup(json_string_value(json_object_get(j, "figures")));
    json_decref(j);
    free(out);
    return figures;
}

static char *saved_analysis(const char *what, const char *arg)
{
    char *out =
        arg ? tu_isms_ok(repo, what, "quantify", arg, "--iterations", "5000", "--json")
            : tu_isms_ok(repo, "quantify", "--by", "objective", "--iterations", "5000", "--json");
    json_t *j = json_of(out);
    char *key = strdup(json_string_value(json_object_get(j, "analysis")));
    json_decref(j);
    free(out);
    return key;
}

static char *risk_titled(const char *title)
{
    char *out = tu_isms_ok(repo, "risk", "list", "--json");
    json_t *risks = json_of(out), *r;
    char *key = NULL;
    size_t i;
    json_array_foreach(risks, i, r)
    {
        if (!strcmp(json_string_value(json_object_get(r, "title")), title))
            key = strdup(json_string_value(json_object_get(r, "key")));
    }
    assert_non_null(key);
    json_decref(risks);
    free(out);
    return key;
}

/* An analysis record says whether its figures are current, judged on its
 * own inputs: a risk's analysis is not made stale by another risk's
 * change, and is by its own; a portfolio's by any risk's. */
static void analysis_figures_follow_their_own_inputs(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "risk", "add", "--title", "Unrelated", "--owner", "PER-2", "--objective",
                    "OBJ-1", "--likelihood", "2", "--impact", "2"));
    char *one = saved_analysis("risk", "RISK-1"), *all = saved_analysis("portfolio", NULL);
    char *f = figures_of(one);
    assert_string_equal(f, "current");
    free(f);
    f = figures_of(all);
    assert_string_equal(f, "current");
    free(f);
    char *other = risk_titled("Unrelated");
    free(tu_isms_ok(repo, "risk", "update", other, "--likelihood", "3"));
    f = figures_of(one);
    assert_string_equal(f, "current"); /* another risk's change */
    free(f);
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--lef", "pert(1,3,9)"));
    f = figures_of(one);
    assert_contains(f, "STALE since ");
    free(f);
    f = figures_of(all);
    assert_contains(f, "STALE");
    free(f);
    free(other);
    free(one);
    free(all);
}

static void bad_parameters_name_the_field(void **state)
{
    (void)state;
    static const char *const cases[][12] = {
        { "risk", "update", "RISK-1", "--lef", "pert(6,2,1)", NULL },
        { "risk", "update", "RISK-1", "--lef", "nonsense(1)", NULL },
        { "risk", "update", "RISK-1", "--primary-loss", "lognormal90(10,1)", NULL },
        { "risk", "update", "RISK-1", "--lef", "const(-1)", NULL },
        { "risk", "update", "RISK-1", "--lef", "pert(nan,1,2)", NULL },
        { "risk", "quantify", "RISK-1", "--iterations", "12", NULL },
        { "quantify", "--correlate", "RISK-1,RISK-9=0.5", NULL },
        { "quantify", "--correlate", "RISK-1=2", NULL },
    };
    static const char *const field[] = { "lef", "lef",        "primary_loss", "lef",
                                         "lef", "iterations", "correlate",    "correlate" };
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
    assert_int_equal(WEXITSTATUS(st), 12); /* E_INTERRUPTED */
    char *after = tu_isms_ok(repo, "analysis", "list", "--json");
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(tu_isms_ok(repo, "verify"));
}

/* ---- runaway inputs ---- */

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void expect_refused(const char *r, const char *const argv[], const char *needle1,
                           const char *needle2)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tu_result res;
    tu_isms_argv(&res, r, NULL, argv);
    if (res.status != 3)
        fail_msg("%s %s: exit %d: %s", argv[0], argv[1], res.status, res.err);
    assert_contains(res.err, needle1);
    assert_contains(res.err, needle2);
    assert_true(seconds_since(&t0) < 20);
    tu_result_free(&res);
}

/* Frequencies no run could simulate are refused with the bound they break;
 * a risk stored with one (by an older isms, or behind its back) makes the
 * portfolio commands name it instead of hanging; a run that would take
 * minutes is refused with the iterations that would do. */
static void runaway_inputs_are_bounded(void **state)
{
    (void)state;
    const char *r = tu_repo("runaway.isms");
    free(tu_isms_ok(NULL, "init", r));
    free(tu_isms_ok(r, "person", "add", "--name", "Dana", "--email", "dana@x.example"));
    free(tu_isms_ok(r, "risk", "add", "--title", "Fraud", "--owner", "PER-1", "--likelihood", "3",
                    "--impact", "3", "--lef", "pert(1000,2000,3000)", "--primary-loss",
                    "const(10)"));
    free(tu_isms_ok(r, "risk", "add", "--title", "Outage", "--owner", "PER-1", "--likelihood", "3",
                    "--impact", "3", "--lef", "pert(0.5,1,2)", "--primary-loss", "const(10)"));
    free(tu_isms_ok(r, "control", "add", "--title", "Monitoring", "--owner", "PER-1", "--treats",
                    "RISK-2", "--acts-on", "lef", "--reduction", "const(0.5)"));
    const char *const absurd[] = { "lognormal90(1,1e308)", "pert(1e6,2e6,3e6)" };
    for (int i = 0; i < 2; i++) {
        const char *const add[] = {
            "risk",           "add",      "--title",  "X", "--owner", "PER-1",
            "--likelihood",   "1",        "--impact", "1", "--lef",   absurd[i],
            "--primary-loss", "const(1)", NULL
        };
        expect_refused(r, add, "lef", "at most 1000000 loss events a year");
    }
    const char *const too_long[] = { "risk",    "quantify",  "RISK-1", "--iterations",
                                     "1000000", "--no-save", NULL };
    expect_refused(r, too_long, "RISK-1", "at most 250000 iterations");
    tu_sql(r, "UPDATE risk SET lef = 'lognormal90(1,1e308)' WHERE key = 'RISK-2'");
    const char *const portfolio[][10] = {
        { "quantify", "--iterations", "2000", "--no-save", NULL },
        { "control", "roi", "--iterations", "2000", "--no-save", NULL },
        { "risk", "quantify", "RISK-2", "--iterations", "2000", "--no-save" },
    };
    for (int i = 0; i < 3; i++)
        expect_refused(r, portfolio[i], "RISK-2", "at most 1000000 loss events a year");
    tu_sql(r, "UPDATE risk SET lef = 'pert(0.5,1,2)' WHERE key = 'RISK-2'");
    free(tu_isms_ok(r, "quantify", "--iterations", "2000", "--no-save"));
    free(tu_isms_ok(r, "verify"));
}

/* SIGTERM (and Ctrl-C) end a run within a second even when one block of
 * years takes many seconds: the engine looks at the flag inside blocks. */
static void sigterm_ends_a_heavy_run_at_once(void **state)
{
    (void)state;
    const char *r = tu_repo("heavy.isms");
    free(tu_isms_ok(NULL, "init", r));
    free(tu_isms_ok(r, "person", "add", "--name", "Dana", "--email", "dana@x.example"));
    free(tu_isms_ok(r, "risk", "add", "--title", "Card fraud", "--owner", "PER-1", "--likelihood",
                    "3", "--impact", "3", "--lef", "uniform(300000,500000)", "--primary-loss",
                    "const(10)"));
    pid_t pid = fork();
    if (pid == 0) {
        setenv("ISMS_REPO", r, 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(ISMS_BIN, "isms", "risk", "quantify", "RISK-1", "--iterations", "1000", "--threads",
              "1", "--no-save", (char *)NULL);
        _exit(127);
    }
    usleep(1500 * 1000);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    double took = seconds_since(&t0);
    print_message("SIGTERM to exit: %.3f s\n", took);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 12);
    assert_true(took < 1.0);
}

TU_MAIN(setup, NULL, cmocka_unit_test(quantify_json_is_reproducible),
        cmocka_unit_test(lec_is_an_svg_with_escaped_text),
        cmocka_unit_test(portfolio_returns_and_acceptance),
        cmocka_unit_test(json_money_is_integer_minor_units), cmocka_unit_test(board_figures),
        cmocka_unit_test(demo_summary_has_the_board_figures),
        cmocka_unit_test(analysis_figures_follow_their_own_inputs),
        cmocka_unit_test(bad_parameters_name_the_field),
        cmocka_unit_test(interrupted_run_saves_nothing),
        cmocka_unit_test(runaway_inputs_are_bounded),
        cmocka_unit_test(sigterm_ends_a_heavy_run_at_once))
