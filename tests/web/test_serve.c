/* test_serve.c: `isms serve` as a process: it prints where it listens,
 * logs one line per request (no secrets), closes idle connections after
 * its timeout (a slow client cannot hold a worker), shares a repository
 * with another server process without losing or forking a write, and on
 * SIGTERM stops taking connections while the request in flight finishes. */
#include "support/testutil.h"
#include "support/webfix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *repo, *log_path;
static char token[64];
static pid_t server = -1;
static int port;

/* Starts `isms serve` on the repository on any free port: its pid and port. */
static pid_t spawn_server(int *port_out) { return wf_spawn(repo, log_path, port_out); }

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("serve.isms");
    log_path = tu_path("access.log");
    free(tu_isms_ok(NULL, "demo", repo));
    char *out = tu_isms_ok(repo, "--as", WF_LEAD, "token", "add", "--name", "serve-test");
    snprintf(token, sizeof token, "%.43s", strstr(out, ": ") + 2);
    free(out);
    server = spawn_server(&port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (server > 0) {
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
    }
    return 0;
}

static int connect_to(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        close(fd);
        return -1;
    }
    struct timeval tv = { .tv_sec = 10 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void each_request_is_a_log_line_without_secrets(void **state)
{
    (void)state;
    char auth[200];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    tu_http r;
    tu_http_send(&r, port, "GET", "/api/v1/risks?q=secret-query", auth, NULL, 0);
    assert_int_equal(r.status, 200);
    size_t body = r.body_len;
    tu_http_free(&r);
    tu_http_send(&r, port, "GET", "/api/v1/nothing", NULL, NULL, 0);
    assert_int_equal(r.status, 404);
    tu_http_free(&r);
    usleep(200 * 1000);
    char *log = tu_read_file(log_path, NULL);
    char expect[100];
    snprintf(expect, sizeof expect, "GET /api/v1/risks 200 %zu ", body);
    assert_contains(log, expect);
    assert_contains(log, " PER-3\n");
    assert_contains(log, "GET /api/v1/nothing 404 ");
    assert_not_contains(log, token);
    assert_not_contains(log, "secret-query");
    free(log);
}

static void an_idle_connection_is_closed_after_the_timeout(void **state)
{
    (void)state;
    int fd = connect_to();
    assert_true(fd >= 0);
    time_t t0 = time(NULL);
    char c;
    ssize_t n = recv(fd, &c, 1, 0); /* the server closes it: 0 */
    assert_int_equal(n, 0);
    assert_true(time(NULL) - t0 <= 5);
    close(fd);
    /* and it still answers */
    tu_http r;
    tu_http_send(&r, port, "GET", "/api/v1/openapi.json", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
}

/* ---- two processes serving one repository ---- */

enum { PER_WRITER = 10 };

typedef struct writer_arg {
    int port, created;
} writer_arg;

static void *writer(void *arg)
{
    writer_arg *w = arg;
    char auth[200];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    for (int k = 0; k < PER_WRITER; k++) {
        char body[300];
        snprintf(body, sizeof body,
                 "{\"title\":\"From port %d, %d\",\"owner\":\"PER-4\",\"objectives\":"
                 "[\"OBJ-1\"],\"likelihood\":1,\"impact\":1}",
                 w->port, k);
        tu_http r;
        tu_http_send(&r, w->port, "POST", "/api/v1/risks", auth, body, strlen(body));
        w->created += r.status == 201;
        if (r.status != 201)
            fprintf(stderr, "port %d: %d %s\n", w->port, r.status, r.body ? r.body : "");
        tu_http_free(&r);
    }
    return NULL;
}

static void two_servers_share_a_repository_without_a_lost_write(void **state)
{
    (void)state;
    int port2;
    pid_t second = spawn_server(&port2);
    writer_arg w[4] = { { port, 0 }, { port2, 0 }, { port, 0 }, { port2, 0 } };
    pthread_t th[4];
    for (int k = 0; k < 4; k++)
        pthread_create(&th[k], NULL, writer, &w[k]);
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    kill(second, SIGTERM);
    int status;
    waitpid(second, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (int k = 0; k < 4; k++)
        assert_int_equal(w[k].created, PER_WRITER);
    char *out = tu_isms_ok(repo, "risk", "list", "--json");
    int n = 0;
    for (const char *p = out; (p = strstr(p, "\"From port ")); p++)
        n++;
    assert_int_equal(n, 4 * PER_WRITER);
    free(out);
    free(tu_isms_ok(repo, "verify")); /* one chain: no fork of the ledger's head */
}

/* ---- what-ifs inside a request ---- */

/* GET path as the lead, through the server on port p: the status; the
 * body into *body (malloc'd) when body is not NULL. */
static int get_on(int p, const char *path, char **body)
{
    char auth[200];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    tu_http r;
    tu_http_send(&r, p, "GET", path, auth, NULL, 0);
    int status = r.status;
    if (body)
        *body = strdup(r.body ? r.body : "");
    tu_http_free(&r);
    return status;
}

/* A what-if that would compute longer than the server's limit is
 * stopped, refused naming the iterations (with how many fit, and the
 * command that runs it without a limit), and saves nothing; under the
 * default limit the same what-if answers. A limit that is no duration is
 * refused. */
static void a_what_if_longer_than_the_limit_is_stopped_and_refused(void **state)
{
    (void)state;
    int p;
    pid_t limited = wf_spawn_with(repo, log_path, &p, "--what-if-limit", "30ms");
    char *before, *body, *after;
    assert_int_equal(get_on(p, "/api/v1/analyses?limit=1", &before), 200);
    const char *refused[][2] = { { "/api/v1/quantify?iterations=200000", "isms quantify`" },
                                 { "/api/v1/controls/roi?iterations=200000", "isms control roi`" },
                                 { "/controls/roi?iterations=200000", "isms control roi`" } };
    for (size_t k = 0; k < sizeof refused / sizeof *refused; k++) {
        assert_int_equal(get_on(p, refused[k][0], &body), 422);
        assert_contains(body, "iterations: 200000 would take about");
        assert_contains(body, "more than the 0.03 s a what-if may compute");
        assert_contains(body, "nothing was saved");
        assert_contains(body, refused[k][1]);
        if (k == 0)
            assert_contains(body, "\"field\":\"iterations\"");
        free(body);
    }
    assert_int_equal(get_on(p, "/api/v1/analyses?limit=1", &after), 200);
    assert_string_equal(before, after); /* nothing saved */
    free(before);
    free(after);
    /* the server with the default limit computes the same what-if */
    assert_int_equal(get_on(port, "/api/v1/quantify?iterations=200000", NULL), 200);
    kill(limited, SIGKILL);
    waitpid(limited, NULL, 0);
    const char *bad[] = { "0", "5ms", "20x", "400d", "-1s" };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        free(tu_isms_err(repo, 2, "--what-if-limit: ", "serve", "--what-if-limit", bad[k]));
}

/* The stale analyses the dashboard counts (`isms summary`). */
static long long stale_count(void)
{
    char *out = tu_isms_ok(repo, "--json", "summary");
    const char *at = strstr(out, "\"stale_analyses_count\": ");
    assert_non_null(at);
    long long n = atoll(at + strlen("\"stale_analyses_count\": "));
    free(out);
    return n;
}

/* A server asked to (--quantify-every) runs the stale analyses again at
 * its start, saved, and says so in its log: the dashboard has none left,
 * and the ledger verifies. */
static void the_server_runs_stale_analyses_again(void **state)
{
    (void)state;
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--lef", "pert(1,2,6)"));
    long long stale = stale_count();
    assert_true(stale >= 1);
    char *log = tu_read_file(log_path, NULL);
    size_t before = strlen(log);
    free(log);
    int p;
    pid_t s = wf_spawn_with(repo, log_path, &p, "--quantify-every", "1h");
    char expect[96];
    snprintf(expect, sizeof expect, "scheduled quantification: %lld stale analys", stale);
    int seen = 0;
    for (int k = 0; k < 600 && !seen; k++) { /* 60 s at most (sanitizer builds are slow) */
        usleep(100 * 1000);
        log = tu_read_file(log_path, NULL);
        seen = strstr(log + before, expect) != NULL;
        free(log);
    }
    kill(s, SIGTERM);
    waitpid(s, NULL, 0);
    assert_true(seen);
    assert_int_equal(stale_count(), 0);
    free(tu_isms_ok(repo, "verify"));
    free(tu_isms_err(repo, 2, "--quantify-every: ", "serve", "--quantify-every", "500ms"));
}

static void sigterm_lets_the_request_in_flight_finish(void **state)
{
    (void)state;
    const char *body = "{\"title\":\"Made while stopping\",\"owner\":\"PER-4\",\"objectives\":"
                       "[\"OBJ-1\"],\"likelihood\":1,\"impact\":1}";
    char head[400];
    int n = snprintf(head, sizeof head,
                     "POST /api/v1/risks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Authorization: Bearer %s\r\nContent-Length: %zu\r\n\r\n",
                     token, strlen(body));
    int fd = connect_to();
    assert_true(fd >= 0);
    /* the request is in flight: headers and half its body sent */
    assert_int_equal(send(fd, head, (size_t)n, 0), n);
    size_t half = strlen(body) / 2;
    assert_int_equal(send(fd, body, half, 0), (ssize_t)half);
    usleep(300 * 1000);
    kill(server, SIGTERM);
    usleep(300 * 1000);
    /* no new connection is taken */
    int other = connect_to();
    if (other >= 0) { /* the kernel may still accept into the backlog: nothing answers */
        char c;
        assert_true(recv(other, &c, 1, 0) <= 0);
        close(other);
    }
    assert_int_equal(send(fd, body + half, strlen(body) - half, 0), (ssize_t)(strlen(body) - half));
    char answer[4096];
    ssize_t got = 0, k;
    while ((k = recv(fd, answer + got, sizeof answer - 1 - (size_t)got, 0)) > 0)
        got += k;
    answer[got > 0 ? got : 0] = 0;
    close(fd);
    assert_contains(answer, "HTTP/1.1 201");
    int status;
    assert_int_equal(waitpid(server, &status, 0), server);
    server = -1;
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* it was written, whole */
    char *out = tu_isms_ok(repo, "risk", "list", "--json");
    assert_contains(out, "Made while stopping");
    free(out);
    free(tu_isms_ok(repo, "verify"));
}

TU_MAIN(setup, teardown, cmocka_unit_test(each_request_is_a_log_line_without_secrets),
        cmocka_unit_test(an_idle_connection_is_closed_after_the_timeout),
        cmocka_unit_test(two_servers_share_a_repository_without_a_lost_write),
        cmocka_unit_test(a_what_if_longer_than_the_limit_is_stopped_and_refused),
        cmocka_unit_test(the_server_runs_stale_analyses_again),
        cmocka_unit_test(sigterm_lets_the_request_in_flight_finish))
