/* testutil.h: what every isms test needs beside cmocka.
 *
 * Tests use real parts: a real SQLite file in a fresh temporary directory,
 * the real `isms` binary run as a child process. Nothing is mocked. */
#ifndef ISMS_TESTUTIL_H
#define ISMS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh directory under $TMPDIR (or /tmp), removed with its contents at
 * exit. The returned string lives until exit. */
const char *tu_tmpdir(void);

/* tu_tmpdir() joined with `name`; the string lives until exit. */
const char *tu_path(const char *name);

/* A fresh, empty repository target called `name` on the backend under
 * test: a file path in tu_tmpdir() for SQLite (the default), a database
 * on the suite's private server when ISMS_TEST_BACKEND=postgres. Nothing is
 * created yet: `isms init` (or dom_create) does that. */
const char *tu_repo(const char *name);
/* Does the repository hold anything (a file, a schema)? */
int tu_repo_exists(const char *repo);
/* Is the backend under test PostgreSQL? */
int tu_backend_is_pg(void);

/* PostgreSQL only (no-op on SQLite): moves this test process to a private
 * server of its own, which tu_pg_server() may then stop and start without
 * disturbing tests running beside it. It is removed at exit. */
void tu_pg_private_server(void);
/* Runs tests/support/pg_server.sh ACTION on the private server: "halt"
 * (stop, keeping the data), "resume", "restart". */
void tu_pg_server(const char *action);

typedef struct tu_result {
    int status;      /* exit status, or 128+signal */
    char *out, *err; /* captured output, NUL-terminated, owned by the result */
} tu_result;

/* Runs the isms binary with the given arguments (NULL-terminated list),
 * feeding `input` (may be NULL) on stdin, capturing stdout and stderr.
 * The environment gets ISMS_REPO=`repo` when repo is not NULL. */
void tu_isms(tu_result *r, const char *repo, const char *input, ...) __attribute__((sentinel));
void tu_isms_argv(tu_result *r, const char *repo, const char *input, const char *const argv[]);

/* Runs any program (argv[0] looked up in PATH). */
void tu_run(tu_result *r, const char *input, const char *const argv[]);
void tu_result_free(tu_result *r);

/* Whether script(1) is at hand, to run a command on a pseudo-terminal. */
int tu_have_script(void);
/* Runs the shell command `cmd` on a pseudo-terminal 80 columns wide
 * (script(1); cmd sets `stty cols 80` itself), failing the test unless it
 * exits 0, prints `expect` and every line fits the terminal; returns how
 * many lines it printed. */
int tu_terminal_lines(const char *cmd, const char *expect);

/* Fails the test (printing the command's stderr) unless it exited 0. */
#define tu_isms_ok(repo, ...) tu_isms_ok_(__FILE__, __LINE__, repo, __VA_ARGS__, (const char *)NULL)
char *tu_isms_ok_(const char *file, int line, const char *repo, ...) __attribute__((sentinel));

/* What isms says on stderr: runs it (arguments NULL-terminated, `input` on stdin, may be NULL)
 * and fails the test, naming the command, unless it exits with `status` and its stderr holds
 * `needle` ("": anything). Returns the stderr (malloc'd) for further checks. */
#define tu_isms_err(repo, status, ...) \
    tu_isms_err_(__FILE__, __LINE__, repo, NULL, status, __VA_ARGS__, (const char *)NULL)
#define tu_isms_err_in(repo, input, status, ...) \
    tu_isms_err_(__FILE__, __LINE__, repo, input, status, __VA_ARGS__, (const char *)NULL)
char *tu_isms_err_(const char *file, int line, const char *repo, const char *input, int status,
                   const char *needle, ...) __attribute__((sentinel));

/* The clock most CLI tests fix. */
#define TU_NOW "2026-06-01T09:00:00Z"
/* A repository `name` made by `isms <command>` ("init", or "demo" for the demo's records), the
 * clock fixed (ISMS_NOW) at `now` first unless it is NULL; fails the test if it cannot be
 * made. */
const char *tu_cli_repo(const char *command, const char *name, const char *now);

/* A cmocka group set-up for tests that call libsodium: initialises it. */
int tu_setup_sodium(void **state);

/* A cmocka group set-up: a repository made by `isms demo` (at the clock the caller set, if
 * any), handed to the tests in *state. */
int tu_setup_demo(void **state);

/* The quantified risk the CLI's quantification tests start from, added to `repo`: PER-1 Dana
 * (dana@x.example) of the management body, OBJ-1 Payments, RISK-1 "Ransomware halts payments"
 * with its FAIR inputs, CTL-1 Backups acting on its primary loss, APP-1 the approved appetite of
 * OBJ-1 (1m, tolerance 3m). */
void tu_cli_payments(const char *repo);

/* Fails the test unless `isms export -` of `repo` prints exactly `expected`. */
#define tu_assert_export(repo, expected) tu_assert_export_(__FILE__, __LINE__, repo, expected)
void tu_assert_export_(const char *file, int line, const char *repo, const char *expected);

/* Loads `library` (LD_PRELOAD) into the commands run after, until tu_preload_end; under ASan,
 * whose runtime wants to be loaded first, with its link-order check and leak check off. */
void tu_preload(const char *library);
/* Unloads it, and gives ASan its options back. */
void tu_preload_end(void);

/* Runs one SQL statement directly on a repository, behind isms's back
 * (sqlite3 shell or psql), failing the test if it fails. tu_sql_value
 * returns the first column of the first row (malloc'd). */
#define tu_sql(repo, statement) tu_sql_(__FILE__, __LINE__, repo, statement)
void tu_sql_(const char *file, int line, const char *repo, const char *statement);
char *tu_sql_value(const char *repo, const char *query);
/* Runs one SQL statement that may fail; returns the shell's exit status. */
int tu_sql_status(const char *repo, const char *statement);

/* Parses `text` as JSON, failing the test if it is not, and frees `text`
 * (made for tu_json_take(tu_isms_ok(repo, ..., "--json"))). The caller
 * owns the result (json_decref). */
struct json_t;
struct json_t *tu_json_take(char *text);

/* The string member `member` of element i of the JSON array `array`; "(none)" when there is
 * none. */
const char *tu_json_at(const struct json_t *array, size_t i, const char *member);

/* The element of array[0..n) of `type` whose string member `member` is `key`, failing the test
 * (naming the array and the key) when there is none. */
#define TU_FIND(array, n, type, member, key)                                                   \
    ((const type *)tu_find_((array), (size_t)(n), sizeof(type), offsetof(type, member), (key), \
                            #array))
const void *tu_find_(const void *array, size_t n, size_t size, size_t offset, const char *key,
                     const char *what);

/* Reads a whole file into a malloc'd NUL-terminated string (NULL if absent). */
char *tu_read_file(const char *path, size_t *len);
int tu_write_file(const char *path, const char *data);

/* Does `hay` contain `needle`? For assert_true with a readable failure. */
#define assert_contains(hay, needle) tu_assert_contains_((hay), (needle), __FILE__, __LINE__)
void tu_assert_contains_(const char *hay, const char *needle, const char *file, int line);
#define assert_not_contains(hay, needle) \
    tu_assert_not_contains_((hay), (needle), __FILE__, __LINE__)
void tu_assert_not_contains_(const char *hay, const char *needle, const char *file, int line);

/* A test program's main: its cases (cmocka_unit_test(...), ...) run as one
 * group, with the group's set-up and teardown (either may be NULL). */
#define TU_MAIN(setup, teardown, ...)                          \
    int main(void)                                             \
    {                                                          \
        const struct CMUnitTest tests[] = { __VA_ARGS__ };     \
        return cmocka_run_group_tests(tests, setup, teardown); \
    }

#endif
