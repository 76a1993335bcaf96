#include "support/testutil.h"
#include "core/text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>

extern char **environ;

static char tmpdir[4096];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tmpdir(void)
{
    if (tmpdir[0] && !getenv("ISMS_KEEP_TMP"))
        nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tu_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/isms-test-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            abort();
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

/* Paths live until exit (tests keep them in statics); freed then. */
static char *paths[4096];
static size_t npaths;

static void free_paths(void)
{
    while (npaths)
        free(paths[--npaths]);
}

/* Keeps s until exit. */
static char *keep(char *s)
{
    if (!npaths)
        atexit(free_paths);
    if (npaths < sizeof paths / sizeof *paths)
        paths[npaths++] = s;
    return s;
}

const char *tu_path(const char *name)
{
    size_t n = strlen(tu_tmpdir()) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", tu_tmpdir(), name);
    return keep(p);
}

static void drain(int fd_out, int fd_err, char **out, char **err)
{
    size_t cap[2] = { 4096, 4096 }, len[2] = { 0, 0 };
    char *b[2] = { malloc(cap[0]), malloc(cap[1]) };
    struct pollfd p[2] = { { fd_out, POLLIN, 0 }, { fd_err, POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (cap[i] - len[i] < 4096) {
                cap[i] *= 2;
                b[i] = realloc(b[i], cap[i]);
            }
            ssize_t n = read(p[i].fd, b[i] + len[i], cap[i] - len[i] - 1);
            if (n <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
            } else {
                len[i] += (size_t)n;
            }
        }
    }
    b[0][len[0]] = 0;
    b[1][len[1]] = 0;
    *out = b[0];
    *err = b[1];
}

static void spawn(tu_result *r, const char *input, const char *const argv[], const char *repo)
{
    int in[2], out[2], err[2];
    if (pipe(in) || pipe(out) || pipe(err))
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        if (repo)
            setenv("ISMS_REPO", repo, 1);
        else
            unsetenv("ISMS_REPO");
        unsetenv("ISMS_ACTOR"); /* who acts is the test's business (--as) */
        execvp(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    /* Input is small in tests; write it all, then close so the child sees EOF. */
    signal(SIGPIPE, SIG_IGN);
    if (input) {
        size_t n = strlen(input), off = 0;
        while (off < n) {
            ssize_t w = write(in[1], input + off, n - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
    }
    close(in[1]);
    drain(out[0], err[0], &r->out, &r->err);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void tu_run(tu_result *r, const char *input, const char *const argv[])
{
    spawn(r, input, argv, getenv("ISMS_REPO"));
}

void tu_isms_argv(tu_result *r, const char *repo, const char *input, const char *const argv[])
{
    const char *full[128];
    int n = 0;
    full[n++] = ISMS_BIN;
    for (int i = 0; argv[i] && n < 127; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    spawn(r, input, full, repo);
}

static int collect_args(const char *argv[128], va_list ap)
{
    int n = 0;
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 127)
        argv[n++] = a;
    argv[n] = NULL;
    return n;
}

void tu_isms(tu_result *r, const char *repo, const char *input, ...)
{
    const char *argv[128];
    va_list ap;
    va_start(ap, input);
    collect_args(argv, ap);
    va_end(ap);
    tu_isms_argv(r, repo, input, argv);
}

static void print_command(const char *file, int line, const char *const argv[])
{
    fprintf(stderr, "%s:%d: isms", file, line);
    for (int i = 0; argv[i]; i++)
        fprintf(stderr, " %s", argv[i]);
}

char *tu_isms_ok_(const char *file, int line, const char *repo, ...)
{
    const char *argv[128];
    va_list ap;
    va_start(ap, repo);
    collect_args(argv, ap);
    va_end(ap);
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status != 0) {
        print_command(file, line, argv);
        fprintf(stderr, "\n  exited %d\n  stderr: %s\n", r.status, r.err);
        _fail(file, line);
    }
    free(r.err);
    return r.out;
}

char *tu_isms_err_(const char *file, int line, const char *repo, const char *input, int status,
                   const char *needle, ...)
{
    const char *argv[128];
    va_list ap;
    va_start(ap, needle);
    collect_args(argv, ap);
    va_end(ap);
    tu_result r;
    tu_isms_argv(&r, repo, input, argv);
    if (r.status != status || !strstr(r.err, needle)) {
        print_command(file, line, argv);
        fprintf(stderr, "\n  exited %d (expected %d, saying \"%s\")\n  stderr: %s\n", r.status,
                status, needle, r.err);
        _fail(file, line);
    }
    free(r.out);
    return r.err;
}

const char *tu_cli_repo(const char *command, const char *name, const char *now)
{
    if (now)
        setenv("ISMS_NOW", now, 1);
    const char *repo = tu_repo(name);
    free(tu_isms_ok(NULL, command, repo));
    return repo;
}

int tu_setup_sodium(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

int tu_setup_demo(void **state)
{
    *state = (void *)tu_cli_repo("demo", "demo.isms", NULL);
    return 0;
}

void tu_cli_payments(const char *repo)
{
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@x.example", "--role",
                    "management-body"));
    free(tu_isms_ok(repo, "objective", "add", "--title", "Payments", "--owner", "PER-1"));
    free(tu_isms_ok(repo, "risk", "add", "--title", "Ransomware halts payments", "--owner", "PER-1",
                    "--objective", "OBJ-1", "--likelihood", "3", "--impact", "5", "--lef",
                    "pert(0.5,2,6)", "--primary-loss", "lognormal90(100000,10000000)"));
    free(tu_isms_ok(repo, "control", "add", "--title", "Backups", "--owner", "PER-1", "--treats",
                    "RISK-1", "--status", "operating", "--acts-on", "primary-loss", "--reduction",
                    "pert(0.3,0.5,0.7)"));
    free(tu_isms_ok(repo, "appetite", "add", "--objective", "OBJ-1", "--statement",
                    "Payments: 1m at P95", "--appetite", "1000000", "--tolerance", "3000000"));
    free(tu_isms_ok(repo, "--as", "dana@x.example", "appetite", "approve", "APP-1"));
}

void tu_assert_export_(const char *file, int line, const char *repo, const char *expected)
{
    char *out = tu_isms_ok_(file, line, repo, "export", "-", (const char *)NULL);
    if (strcmp(out, expected)) {
        fprintf(stderr, "%s:%d: the export of %s differs from what was expected\n", file, line,
                repo);
        _fail(file, line);
    }
    free(out);
}

const char *tu_json_at(const json_t *array, size_t i, const char *member)
{
    const char *s = json_string_value(json_object_get(json_array_get(array, i), member));
    return s ? s : "(none)";
}

const void *tu_find_(const void *array, size_t n, size_t size, size_t offset, const char *key,
                     const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const char *at = (const char *)array + i * size;
        const char *s = *(const char *const *)(at + offset);
        if (s && !strcmp(s, key))
            return at;
    }
    fail_msg("no %s in %s", key, what);
    return NULL;
}

static char *asan_saved;

void tu_preload(const char *library)
{
    free(asan_saved);
    asan_saved = getenv("ASAN_OPTIONS") ? strdup(getenv("ASAN_OPTIONS")) : NULL;
    setenv("LD_PRELOAD", library, 1);
    setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
}

void tu_preload_end(void)
{
    unsetenv("LD_PRELOAD");
    if (asan_saved)
        setenv("ASAN_OPTIONS", asan_saved, 1);
    else
        unsetenv("ASAN_OPTIONS");
    free(asan_saved);
    asan_saved = NULL;
}

void tu_result_free(tu_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

json_t *tu_json_take(char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        fail_msg("not JSON (%s at %d:%d): %.300s", je.text, je.line, je.column, text);
    free(text);
    return j;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *d = malloc(cap);
    size_t got;
    while ((got = fread(d + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            d = realloc(d, cap);
        }
    }
    fclose(f);
    d[n] = 0;
    if (len)
        *len = n;
    return d;
}

int tu_write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(data);
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

void tu_assert_contains_(const char *hay, const char *needle, const char *file, int line)
{
    if (!hay || !strstr(hay, needle)) {
        fprintf(stderr, "%s:%d: expected to find \"%s\" in:\n%s\n", file, line, needle,
                hay ? hay : "(null)");
        _fail(file, line);
    }
}

void tu_assert_not_contains_(const char *hay, const char *needle, const char *file, int line)
{
    if (hay && strstr(hay, needle)) {
        fprintf(stderr, "%s:%d: did not expect \"%s\" in:\n%s\n", file, line, needle, hay);
        _fail(file, line);
    }
}

int tu_backend_is_pg(void)
{
    const char *b = getenv("ISMS_TEST_BACKEND");
    return b && !strcmp(b, "postgres");
}

static int is_pg_repo(const char *repo)
{
    return !strncmp(repo, "postgres://", 11) || !strncmp(repo, "postgresql://", 13) ||
           strstr(repo, "dbname=");
}

/* ---- the PostgreSQL test server ----
 * ctest's `postgres` fixture starts one server per build directory and
 * tells the tests where its socket is (ISMS_TEST_PGHOST); a test that must
 * stop or restart a server starts a private one (tu_pg_private_server). */

static char pg_host[256]; /* the socket directory of the server in use */
static int pg_private;

static const char *pg_socket_dir(void)
{
    if (!pg_host[0]) {
        const char *h = getenv("ISMS_TEST_PGHOST");
        if (!h || !*h)
            fail_msg("ISMS_TEST_BACKEND=postgres needs ISMS_TEST_PGHOST (ctest sets both)");
        snprintf(pg_host, sizeof pg_host, "%s", h);
    }
    return pg_host;
}

static PGconn *pg_admin(void)
{
    char conninfo[400];
    snprintf(conninfo, sizeof conninfo, "host=%s user=isms dbname=postgres", pg_socket_dir());
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot reach the PostgreSQL test server in %s: %s", pg_socket_dir(),
                 PQerrorMessage(c));
    return c;
}

static void pg_admin_exec(const char *sql)
{
    PGconn *c = pg_admin();
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* A new, empty database on the test server, named after the test's repo
 * name, this process and a counter (names are unique across parallel
 * tests). Returns its URI. */
static const char *pg_new_database(const char *name)
{
    static unsigned counter;
    char db[64], sql[128];
    int n = snprintf(db, sizeof db, "t%ld_%u_", (long)getpid(), ++counter);
    for (const char *p = name; *p && n < (int)sizeof db - 1; p++)
        db[n++] = (char)(isalnum((unsigned char)*p) ? tolower((unsigned char)*p) : '_');
    db[n] = 0;
    snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", db);
    pg_admin_exec(sql);
    size_t len = strlen(db) + strlen(pg_socket_dir()) + 40;
    char *uri = malloc(len);
    snprintf(uri, len, "postgresql://isms@/%s?host=%s", db, pg_socket_dir());
    return keep(uri);
}

const char *tu_repo(const char *name)
{
    return tu_backend_is_pg() ? pg_new_database(name) : tu_path(name);
}

static int pg_has_tables(const char *repo)
{
    PGconn *c = PQconnectdb(repo);
    int n = 0;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r =
            PQexec(c, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'");
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            n = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(c);
    return n > 0;
}

int tu_repo_exists(const char *repo)
{
    return is_pg_repo(repo) ? pg_has_tables(repo) : access(repo, F_OK) == 0;
}

static void server_script(const char *action, const char *dir)
{
    const char *argv[] = { "sh", ISMS_SOURCE_DIR "/tests/support/pg_server.sh", action, dir, NULL };
    tu_result r;
    tu_run(&r, NULL, argv);
    if (r.status)
        fail_msg("pg_server.sh %s %s failed (%d): %s", action, dir, r.status, r.err);
    tu_result_free(&r);
}

static void stop_private_server(void)
{
    if (pg_private) {
        const char *argv[] = { "sh", ISMS_SOURCE_DIR "/tests/support/pg_server.sh", "stop", pg_host,
                               NULL };
        tu_result r;
        tu_run(&r, NULL, argv);
        tu_result_free(&r);
        pg_private = 0;
    }
}

void tu_pg_private_server(void)
{
    if (!tu_backend_is_pg() || pg_private)
        return;
    /* Not under tu_tmpdir(): that is closed to the postgres user, and a
     * socket path must stay short. */
    snprintf(pg_host, sizeof pg_host, "/tmp/isms-pgt-%ld", (long)getpid());
    server_script("start", pg_host);
    pg_private = 1;
    atexit(stop_private_server);
}

void tu_pg_server(const char *action)
{
    if (!pg_private)
        fail_msg("tu_pg_server(%s) needs tu_pg_private_server() first", action);
    server_script(action, pg_host);
}

static void sql_run(const char *repo, const char *statement, tu_result *r)
{
    if (is_pg_repo(repo)) {
        const char *bindir = getenv("ISMS_PG_BINDIR");
        char psql[600];
        snprintf(psql, sizeof psql, "%s%spsql", bindir ? bindir : "", bindir ? "/" : "");
        const char *argv[] = { psql, "-X", "-q", "-A",      "-t", "-v", "ON_ERROR_STOP=1",
                               "-d", repo, "-c", statement, NULL };
        tu_run(r, NULL, argv);
        return;
    }
    const char *argv[] = { "sqlite3", repo, statement, NULL };
    tu_run(r, NULL, argv);
}

void tu_sql_(const char *file, int line, const char *repo, const char *statement)
{
    tu_result r;
    sql_run(repo, statement, &r);
    if (r.status) {
        fprintf(stderr, "%s:%d: SQL failed (%s): %s\n", file, line, statement, r.err);
        tu_result_free(&r);
        _fail(file, line);
    }
    tu_result_free(&r);
}

int tu_sql_status(const char *repo, const char *statement)
{
    tu_result r;
    sql_run(repo, statement, &r);
    int status = r.status;
    tu_result_free(&r);
    return status;
}

char *tu_sql_value(const char *repo, const char *query)
{
    tu_result r;
    sql_run(repo, query, &r);
    if (r.status)
        fail_msg("SQL failed (%s): %s", query, r.err);
    char *nl = strchr(r.out, '\n');
    if (nl)
        *nl = 0;
    free(r.err);
    return r.out;
}

int tu_have_script(void)
{
    tu_result r;
    const char *which[] = { "sh", "-c", "command -v script", NULL };
    tu_run(&r, NULL, which);
    int have = r.status == 0;
    tu_result_free(&r);
    return have;
}

int tu_terminal_lines(const char *cmd, const char *expect)
{
    tu_result r;
    const char *argv[] = { "script", "-qec", cmd, "/dev/null", NULL };
    tu_run(&r, NULL, argv);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, expect);
    char *save = NULL;
    int lines = 0;
    for (char *line = strtok_r(r.out, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        if (utf8_width(line) > 80)
            fail_msg("wider than the terminal (%zu): %s", utf8_width(line), line);
        lines++;
    }
    tu_result_free(&r);
    return lines;
}
