/* Creating and opening repositories: `isms init` takes only an empty
 * target and never overwrites, a database or file that is not an isms
 * repository is named as such, and a connection string's password never
 * reaches the output. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void init_refuses_a_repository(void **state)
{
    (void)state;
    const char *repo = tu_repo("twice.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@x.example"));
    free(tu_isms_err(NULL, 5, "already exists", "init", repo));
    char *out = tu_isms_ok(repo, "person", "show", "PER-1"); /* still there */
    assert_contains(out, "dana@x.example");
    free(out);
}

/* Something else's data: init leaves it alone, commands say it is not a
 * repository, and it is still there afterwards. */
static void foreign_data_is_left_alone(void **state)
{
    (void)state;
    const char *repo = tu_repo("foreign.isms");
    tu_sql(repo, "CREATE TABLE payroll (employee TEXT, salary BIGINT)");
    tu_sql(repo, "INSERT INTO payroll VALUES ('dana', 100)");
    free(tu_isms_err(NULL, 5, "", "init", repo));
    free(tu_isms_err(repo, 9, "not an isms repository", "risk", "list"));
    char *n = tu_sql_value(repo, "SELECT salary FROM payroll");
    assert_string_equal(n, "100");
    free(n);
    /* `demo --force` replaces a file, as asked; a database holding other
     * tables it refuses to empty. */
    if (tu_backend_is_pg()) {
        free(tu_isms_err(NULL, 5, "not an isms repository", "demo", "--force", repo));
        n = tu_sql_value(repo, "SELECT salary FROM payroll");
        assert_string_equal(n, "100");
        free(n);
    }
}

/* The repository with a password in its connection string (PostgreSQL
 * ignores it here: the test server trusts its socket). */
static const char *with_password(const char *repo)
{
    static char uri[1024];
    const char *at = strstr(repo, "isms@");
    if (!tu_backend_is_pg() || !at)
        return repo;
    snprintf(uri, sizeof uri, "%.*sisms:Pa55w0rd-S3cret@%s", (int)(at - repo), repo, at + 5);
    return uri;
}

static void passwords_are_never_shown(void **state)
{
    (void)state;
    const char *repo = with_password(tu_repo("secret.isms"));
    tu_result r;
    tu_isms(&r, NULL, NULL, "init", repo, (const char *)NULL);
    assert_int_equal(r.status, 0);
    assert_not_contains(r.out, "S3cret");
    tu_result_free(&r);
    const char *const commands[][8] = {
        { "init", repo, NULL }, /* exists now */
        { "--repo", repo, "verify", NULL },
        { "--repo", repo, "risk", "show" },
        { "demo", "--force", repo, NULL }, /* replaces it, and says so */
        { "--json", "--repo", repo, "export", "-" },
    };
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        tu_isms_argv(&r, NULL, NULL, commands[i]);
        assert_not_contains(r.out, "S3cret");
        assert_not_contains(r.err, "S3cret");
        tu_result_free(&r);
    }
    /* A server that is not there: the error names it, not its password. */
    const char *const gone[] = {
        "--repo", "postgresql://isms:Pa55w0rd-S3cret@/nowhere?host=/nonexistent-isms", "risk",
        "list", NULL
    };
    tu_isms_argv(&r, NULL, NULL, gone);
    assert_int_equal(r.status, 14);
    assert_contains(r.err, "nowhere");
    assert_not_contains(r.err, "S3cret");
    tu_result_free(&r);
}

/* Connection strings libpq cannot read, or whose server is not there,
 * each with the marker password: every command that takes a repository,
 * text and --json, fails without the password in anything it prints. */
#define MARKER "Mk9-S3cr3t-PW"
static const char *const malformed[] = {
    "postgresql://isms:" MARKER "@[bad",
    "postgres://isms:" MARKER "@[::1",
    "postgresql://isms:" MARKER "@host/db%zz",
    "postgresql://isms:" MARKER "%zz@host/db",
    "postgresql://isms:" MARKER "%@host/db",
    "postgresql://isms:" MARKER "@host:notaport/db",
    "postgresql://isms:" MARKER "@host/db?bogus=1",
    "postgresql://isms:" MARKER "@host/db?host",
    "postgresql://isms:" MARKER "@host/db?sslmode=bogus",
    "postgresql://isms:" MARKER "@/db?host=/nonexistent-isms",
    "postgresql:/isms:" MARKER "@host/db",
    "POSTGRESQL://isms:" MARKER "@host/db",
    "host=/nonexistent-isms dbname=x user=isms password=" MARKER,
    "host=/nonexistent-isms password='" MARKER,
    "dbname=x password=" MARKER " =oops",
    "dbname=x password=" MARKER " port=" MARKER,
};

static void no_output_holds_the_password(const char *const argv[])
{
    tu_result r;
    tu_isms_argv(&r, NULL, NULL, argv);
    if (!r.status || strstr(r.out, MARKER) || strstr(r.err, MARKER))
        fail_msg("isms %s %s %s %s: status %d\nout: %s\nerr: %s", argv[0], argv[1], argv[2],
                 argv[3] ? argv[3] : "", r.status, r.out, r.err);
    tu_result_free(&r);
}

static void malformed_connection_strings_hide_the_password(void **state)
{
    (void)state;
    const char *good = tu_repo("good.isms");
    free(tu_isms_ok(NULL, "init", good));
    const char *exported = tu_path("good.json");
    free(tu_isms_ok(good, "export", exported));
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
        const char *u = malformed[i];
        const char *const commands[][10] = {
            { "--repo", u, "verify", NULL },
            { "--json", "--repo", u, "verify", NULL },
            { "--repo", u, "risk", "list", NULL },
            { "--json", "--repo", u, "risk", "show", "RISK-1", NULL },
            { "init", u, NULL },
            { "--json", "init", u, NULL },
            { "migrate", "--from", u, "--to", tu_path("copy.isms"), NULL },
            { "--json", "migrate", "--from", good, "--to", u, NULL },
            { "import", exported, u, NULL },
            { "--repo", u, "export", "-", NULL },
        };
        for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
            no_output_holds_the_password(commands[k]);
    }
}

/* A role that may connect but not create tables gets "not permitted"
 * (exit 7) and a hint, and the database stays empty. PostgreSQL only: a
 * file's permissions mean nothing to root, who runs CI. */
static void a_role_without_rights_is_denied(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    const char *repo = tu_repo("no-rights.isms");
    char sql[200], role[64], uri[1024];
    snprintf(role, sizeof role, "reader_%ld", (long)getpid());
    snprintf(sql, sizeof sql, "CREATE ROLE %s LOGIN", role);
    tu_sql(repo, sql);
    const char *at = strstr(repo, "isms@");
    assert_non_null(at);
    snprintf(uri, sizeof uri, "%.*s%s@%s", (int)(at - repo), repo, role, at + 5);
    char *err = tu_isms_err(NULL, 7, "permission denied", "init", uri);
    assert_false(tu_repo_exists(repo));
    assert_contains(err, "own the database");
    free(err);
}

/* A person is named by key or e-mail for every command, changes too. */
static void a_person_is_retired_by_e_mail(void **state)
{
    (void)state;
    const char *repo = tu_repo("people.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Ada Gone", "--email", "ada@x.example"));
    free(tu_isms_ok(repo, "person", "update", "ada@x.example", "--job-title", "leaver"));
    char *out = tu_isms_ok(repo, "person", "retire", "ada@x.example");
    assert_contains(out, "retired PER-");
    free(out);
    tu_result r;
    tu_isms(&r, repo, NULL, "person", "retire", "nobody@x.example", (const char *)NULL);
    assert_int_not_equal(r.status, 0);
    assert_contains(r.err, "there is no person nobody@x.example");
    tu_result_free(&r);
    out = tu_isms_ok(repo, "person", "list", "--retired");
    assert_contains(out, "Ada Gone");
    free(out);
    out = tu_isms_ok(repo, "person", "show", "ada@x.example");
    assert_contains(out, "leaver");
    free(out);
}

/* Fails unless neither output of `isms <args>` holds a control character
 * other than newline and tab (raw or as a UTF-8 C1 code). */
static void prints_no_control_characters(const char *repo, const char *const argv[])
{
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    const char *outs[2] = { r.out, r.err };
    for (int k = 0; k < 2; k++)
        for (const unsigned char *p = (const unsigned char *)outs[k]; *p; p++)
            if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f ||
                (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
                fail_msg("isms %s %s printed control character 0x%02x", argv[0],
                         argv[1] ? argv[1] : "", *p);
    tu_result_free(&r);
}

/* Values planted behind isms's back (SQL on the repository) reach the
 * terminal escaped: no ESC byte clears a screen or forges a line from a
 * list, a record, the log or a message. */
static void tampered_text_reaches_no_terminal_raw(void **state)
{
    (void)state;
    const char *repo = tu_repo("ansi.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example",
                    "--role", "risk-owner"));
    free(tu_isms_ok(repo, "risk", "add", "--title", "plain", "--owner", "PER-1", "--likelihood",
                    "2", "--impact", "2"));
    const char *chr = tu_backend_is_pg() ? "chr" : "char";
    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE risk SET title = 'a' || %s(27) || '[2J' || %s(13) || 'b' || %s(155) WHERE key "
             "= 'RISK-1'",
             chr, chr, chr);
    tu_sql(repo, sql);
    snprintf(sql, sizeof sql, "UPDATE ledger SET actor = 'x' || %s(27) || '[2J' WHERE seq = 1",
             chr);
    tu_sql(repo, sql);
    const char *const commands[][8] = {
        { "risk", "list", NULL }, { "risk", "show", "RISK-1", NULL },
        { "log", NULL },          { "log", "RISK-1", NULL },
        { "verify", NULL },       { "risk", "list", "--json", NULL },
    };
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
        prints_no_control_characters(repo, commands[k]);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(init_refuses_a_repository),
        cmocka_unit_test(foreign_data_is_left_alone), cmocka_unit_test(passwords_are_never_shown),
        cmocka_unit_test(malformed_connection_strings_hide_the_password),
        cmocka_unit_test(a_role_without_rights_is_denied),
        cmocka_unit_test(tampered_text_reaches_no_terminal_raw),
        cmocka_unit_test(a_person_is_retired_by_e_mail))
