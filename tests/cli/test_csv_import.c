/* `isms <register> import FILE.csv`: a spreadsheet's rows become records,
 * each checked as a record typed in; one refused row writes nothing and
 * every refused row is named by its line; a row with a key changes its
 * record; a dry run writes nothing; Ctrl-C writes nothing. */
#include "support/testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_cli_repo("init", "csv.isms", TU_NOW);
    tu_cli_payments(repo);
    return 0;
}

static char *ledger_size(void) { return tu_sql_value(repo, "SELECT COUNT(*) FROM ledger"); }

/* Fails unless the ledger still has the entries it had (before: freed). */
static void assert_ledger_still(char *before)
{
    char *after = ledger_size();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static const char *csv_file(const char *name, const char *text)
{
    const char *path = tu_path(name);
    assert_int_equal(tu_write_file(path, text), 0);
    return path;
}

/* What a spreadsheet in a European locale saves: a byte-order mark,
 * semicolons, CRLF, headers as people write them, a quoted cell with a
 * line break and a set of two. */
static void a_spreadsheet_becomes_risks(void **state)
{
    (void)state;
    const char *path = csv_file(
        "sheet.csv", "\xef\xbb\xbfTitle;Owner;Likelihood;Impact;Objective;Treatment;"
                     "Description\r\n"
                     "Supplier outage;dana@x.example;2;4;OBJ-1;mitigate;\"Cloud host down,\r\n"
                     "for days\"\r\n"
                     "Insider fraud;PER-1;1;5;OBJ-1;;\r\n");
    char *out = tu_isms_ok(repo, "risk", "import", path);
    assert_contains(out, "2 rows; added 2, changed 0, 0 unchanged");
    free(out);
    char *title = tu_sql_value(repo, "SELECT title FROM risk WHERE key = 'RISK-2'");
    assert_string_equal(title, "Supplier outage");
    free(title);
    /* the cell's CR LF is kept as LF, as a form's is */
    char *desc = tu_sql_value(repo, "SELECT length(description) FROM risk WHERE key = 'RISK-2'");
    assert_string_equal(desc, "25"); /* "Cloud host down,\nfor days" */
    free(desc);
    /* an empty cell on add is the field's default */
    char *treatment = tu_sql_value(repo, "SELECT treatment FROM risk WHERE key = 'RISK-3'");
    assert_string_equal(treatment, "undecided");
    free(treatment);
    char *links = tu_sql_value(repo, "SELECT COUNT(*) FROM risk_objective WHERE risk = "
                                     "(SELECT id FROM risk WHERE key = 'RISK-3')");
    assert_string_equal(links, "1");
    free(links);
    /* each entry says where its record came from */
    char *note = tu_sql_value(repo, "SELECT note FROM ledger WHERE key = 'RISK-3'");
    assert_contains(note, "imported from ");
    assert_contains(note, "sheet.csv");
    free(note);
    free(tu_isms_ok(repo, "verify"));
}

/* Two bad rows among good ones: both named with their lines and fields,
 * and not even the good rows are written. */
static void a_refused_row_imports_nothing(void **state)
{
    (void)state;
    const char *path = csv_file("bad.csv", "title,owner,likelihood,impact\n"
                                           "Good one,PER-1,2,2\n"
                                           "Too likely,PER-1,9,2\n"
                                           "Nobody's,nobody@x.example,2,2\n"
                                           "Good two,PER-1,3,3\n");
    char *before = ledger_size();
    char *err = tu_isms_err(repo, 3, "2 of 4 rows refused", "risk", "import", path);
    assert_contains(err, "line 3: ");
    assert_contains(err, "likelihood");
    assert_contains(err, "line 4: ");
    assert_contains(err, "nobody@x.example");
    assert_contains(err, "nothing was imported");
    assert_not_contains(err, "line 2:");
    free(err);
    assert_ledger_still(before);
    char *n = tu_sql_value(repo, "SELECT COUNT(*) FROM risk WHERE title LIKE 'Good%'");
    assert_string_equal(n, "0");
    free(n);
}

/* A row with a key changes that record; one that changes nothing writes
 * nothing; an empty cell clears a field; a key that is not there is
 * refused. */
static void a_key_changes_its_record(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--treatment-plan", "restore drill"));
    const char *path = csv_file("keys.csv", "key,title,treatment,treatment_plan\n"
                                            "risk-1,Ransomware halts payments,mitigate,\n");
    char *before = ledger_size();
    char *out = tu_isms_ok(repo, "risk", "import", path);
    assert_contains(out, "1 rows; added 0, changed 1, 0 unchanged");
    free(out);
    char *plan = tu_sql_value(repo, "SELECT COALESCE(treatment_plan, '(null)') FROM risk "
                                    "WHERE key = 'RISK-1'");
    assert_string_equal(plan, "(null)");
    free(plan);
    char *after = ledger_size();
    assert_int_equal(atoi(after), atoi(before) + 1);
    /* the same file again changes nothing and writes nothing */
    out = tu_isms_ok(repo, "risk", "import", path);
    assert_contains(out, "added 0, changed 0, 1 unchanged");
    free(out);
    char *again = ledger_size();
    assert_string_equal(again, after);
    free(before);
    free(after);
    free(again);
    path = csv_file("nokey.csv", "key,title\nRISK-99,Ghost\n");
    free(tu_isms_err(repo, 3, "line 2: there is no risk RISK-99", "risk", "import", path));
}

static void a_bad_header_is_named(void **state)
{
    (void)state;
    const char *path = csv_file("colour.csv", "title,colour\nA,red\n");
    char *err =
        tu_isms_err(repo, 3, "column 2: \"colour\" is not a field of risk", "risk", "import", path);
    assert_contains(err, "likelihood"); /* the columns it may have */
    free(err);
    /* a spreadsheet's trailing empty columns are read past while empty */
    path = csv_file("trailing.csv", "\n\ntitle;owner;likelihood;impact;;\n"
                                    "Trailing;PER-1;1;1;;\nStray;PER-1;1;1;;x\n");
    err = tu_isms_err(repo, 3, "line 5: column 6 holds \"x\" but has no name", "risk", "import",
                      path);
    assert_not_contains(err, "line 4");
    free(err);
    path = csv_file("header3.csv", "\n\ntitle,colour\n");
    free(tu_isms_err(repo, 3, "line 3, column 2", "risk", "import", path));
    path = csv_file("twice.csv", "title,Title\nA,B\n");
    free(tu_isms_err(repo, 3, "given twice", "risk", "import", path));
    path = csv_file("empty.csv", "");
    free(tu_isms_err(repo, 3, "empty", "risk", "import", path));
    free(tu_isms_err(repo, 4, "no-such.csv", "risk", "import", tu_path("no-such.csv")));
    free(tu_isms_err(repo, 2, "delimiter", "risk", "import", "--delimiter", "|", path));
    /* records made by workflows are not imported */
    free(tu_isms_err(repo, 2, "import", "analysis", "import", path));
}

/* A broken file is named by line and column, and nothing is written. */
static void a_malformed_file_is_placed(void **state)
{
    (void)state;
    const char *path = csv_file("broken.csv", "title,owner,likelihood,impact\n"
                                              "Fine,PER-1,1,1\n"
                                              "\"Open,PER-1,1,1\n");
    char *before = ledger_size();
    free(tu_isms_err(repo, 3, "line 3, column 1", "risk", "import", path));
    path = csv_file("short.csv", "title,owner,likelihood,impact\nFine,PER-1,1\n");
    free(tu_isms_err(repo, 3, "3 cells where the header has 4", "risk", "import", path));
    assert_ledger_still(before);
}

/* --dry-run checks every row and writes nothing; standard input works. */
static void a_dry_run_writes_nothing(void **state)
{
    (void)state;
    const char *csv = "title,owner,likelihood,impact\nDry,PER-1,1,2\n";
    char *before = ledger_size();
    tu_result r;
    tu_isms(&r, repo, csv, "risk", "import", "--dry-run", "-", (const char *)NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "would add 1");
    assert_contains(r.out, "nothing was written");
    tu_result_free(&r);
    assert_ledger_still(before);
    tu_isms(&r, repo, csv, "--json", "risk", "import", "-", (const char *)NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"added\": 1");
    tu_result_free(&r);
}

/* What a list's CSV export holds beside the fields people set (a
 * threat's builtin flag) is read past and named; a cell guarded against
 * spreadsheet formulas reads back as it was. */
static void an_export_reads_back(void **state)
{
    (void)state;
    const char *path = csv_file("threats.csv", "key,name,builtin\n"
                                               ",\"'=HYPERLINK(\"\"x\"\")\",no\n");
    tu_result r;
    tu_isms(&r, repo, NULL, "threat", "import", path, (const char *)NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "read past");
    assert_contains(r.err, "builtin");
    tu_result_free(&r);
    char *title = tu_sql_value(repo, "SELECT name FROM threat ORDER BY id DESC LIMIT 1");
    assert_string_equal(title, "=HYPERLINK(\"x\")");
    free(title);
}

/* `list --csv` holds every field as `import` reads it back: the file
 * imported as it is changes nothing (a retired record and an approved
 * appetite included, which refuse any change); one cell edited changes
 * that record's field and nothing else. */
static void a_register_exported_as_csv_reads_back(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "risk", "add", "--title", "Gone soon", "--owner", "PER-1", "--likelihood",
                    "1", "--impact", "1"));
    free(tu_isms_ok(repo, "risk", "retire", "RISK-4"));
    const char *const registers[] = { "risk", "control", "appetite", "person", "objective" };
    for (size_t k = 0; k < sizeof registers / sizeof *registers; k++) {
        char *csv = tu_isms_ok(repo, registers[k], "list", "--all", "--csv");
        assert_contains(csv, "key,");
        char name[64];
        snprintf(name, sizeof name, "%s-export.csv", registers[k]);
        const char *path = csv_file(name, csv);
        char *before = ledger_size();
        char *out = tu_isms_ok(repo, registers[k], "import", path);
        assert_contains(out, "added 0, changed 0");
        free(out);
        assert_ledger_still(before);
        free(csv);
    }
    char *csv = tu_isms_ok(repo, "risk", "list", "--csv");
    assert_contains(csv, "\"pert(0.5,2,6)\""); /* a distribution's commas quoted */
    char *at = strstr(csv, "Ransomware halts payments");
    assert_non_null(at);
    memcpy(at, "Ransomware stops", 16); /* the title edited, in place */
    const char *path = csv_file("edited.csv", csv);
    char *out = tu_isms_ok(repo, "risk", "import", path);
    assert_contains(out, "added 0, changed 1");
    free(out);
    free(csv);
    char *title = tu_sql_value(repo, "SELECT title FROM risk WHERE key = 'RISK-1'");
    assert_string_equal(title, "Ransomware stops payments");
    free(title);
}

/* A reader may not import; nothing is written. */
static void a_reader_may_not_import(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "person", "add", "--name", "Rea", "--email", "rea@x.example", "--role",
                    "reader"));
    const char *path = csv_file("reader.csv", "title,owner,likelihood,impact\nR,PER-1,1,1\n");
    char *before = ledger_size();
    free(tu_isms_err(repo, 7, "", "--as", "rea@x.example", "risk", "import", path));
    assert_ledger_still(before);
}

/* Ctrl-C during an import (here while it waits for more of a pipe):
 * exit status 12, nothing written, the ledger verifies. */
static void an_interrupted_import_writes_nothing(void **state)
{
    (void)state;
    char *before = ledger_size();
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("ISMS_REPO", repo, 1);
        dup2(fds[0], 0);
        close(fds[1]);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execl(ISMS_BIN, "isms", "risk", "import", "-", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    const char *rows = "title,owner,likelihood,impact\nA,PER-1,1,1\nB,PER-1,2,2\n";
    assert_int_equal(write(fds[1], rows, strlen(rows)), (ssize_t)strlen(rows));
    usleep(500 * 1000);
    kill(pid, SIGINT);
    usleep(100 * 1000);
    close(fds[1]);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 12); /* E_INTERRUPTED */
    assert_ledger_still(before);
    free(tu_isms_ok(repo, "verify"));
}

TU_MAIN(setup, NULL, cmocka_unit_test(a_spreadsheet_becomes_risks),
        cmocka_unit_test(a_refused_row_imports_nothing), cmocka_unit_test(a_key_changes_its_record),
        cmocka_unit_test(a_bad_header_is_named), cmocka_unit_test(a_malformed_file_is_placed),
        cmocka_unit_test(a_dry_run_writes_nothing), cmocka_unit_test(an_export_reads_back),
        cmocka_unit_test(a_register_exported_as_csv_reads_back),
        cmocka_unit_test(a_reader_may_not_import),
        cmocka_unit_test(an_interrupted_import_writes_nothing))
