/* fuzz_http: what the web application does with what a request carries:
 * its path and query parameters (filters, q, sort, cursor, limit, format,
 * iterations, seed, framework, ...), form bodies and JSON bodies, through
 * a real server (web_start, in this process) on the demo bank, acting as
 * its isms-lead by API token, so that every handler is reached and state
 * changes need no CSRF token. libmicrohttpd parses HTTP itself; the
 * harness feeds it well-formed requests and fuzzes their parts.
 *
 * Input: "<M><path and query>\n<body>". M picks the method and the body's
 * type: G GET, P POST of a form, J POST of JSON, U PATCH of JSON, D
 * DELETE (anything else: GET). The path's bytes that cannot stand in a
 * request line are percent-encoded, and a path not starting with '/' gets
 * one.
 *
 * Beyond not crashing: no answer is a 500 (an internal error, an error
 * of the repository, or a handler that forgot to answer), and every answer
 * has a status. A request the server cannot act on is a 4xx naming what is
 * wrong, and a what-if stopped by its limit a 422. FUZZ_HTTP_SHOW=1 prints
 * each request line with its status. */
#include "cli/cli_internal.h"
#include "web/web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], repo[256], token[128];
static int port;

/* The demo repository goes with the process (the server still holds it
 * open: its files are unlinked, which is fine for both). */
static void remove_repository(void)
{
    const char *suffixes[] = { "", "-wal", "-shm" };
    char path[300];
    for (size_t k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s%s", repo, suffixes[k]);
        unlink(path);
    }
    rmdir(dir);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "fuzz_http: %s: %s\n", what, why);
    abort();
}

/* The CLI run on the demo repository, its output into out (may be NULL). */
static void isms(char **argv, int argc, FILE *out)
{
    isms_err e = { 0 };
    FILE *sink = out ? out : fopen("/dev/null", "w");
    if (cli_run(argc, argv, NULL, sink, &e))
        die(argv[1], e.msg);
    if (!out)
        fclose(sink);
}

/* The demo bank, a token for its isms-lead (PER-3), and the server. */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/isms-fuzz-http-XXXXXX");
    if (!mkdtemp(dir))
        die("mkdtemp", "cannot make a directory");
    snprintf(repo, sizeof repo, "%s/demo.isms", dir);
    atexit(remove_repository);
    char *demo[] = { "isms", "demo", "--force", repo, NULL };
    isms(demo, 4, NULL);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    char *add[] = {
        "isms", "--repo", repo, "token", "add", "--name", "fuzz", "--as", "PER-3", NULL
    };
    isms(add, 9, f);
    fclose(f);
    const char *at = strstr(out, ": ");
    if (!at || sscanf(at + 2, "%127s", token) != 1)
        die("token", out);
    free(out);
    static web_config c;
    c = (web_config){ .repo = repo,
                      .listen = "127.0.0.1:0",
                      .threads = 2,
                      .verify_every = WEB_VERIFY_OFF,
                      .whatif_ms = 200 };
    static web_server *server; /* served until the process ends */
    isms_err e = { 0 };
    if (web_start(&c, &server, &e))
        die("web_start", e.msg);
    port = web_port(server);
}

/* The request line's path: bytes that cannot stand in it encoded. */
static void append_path(char **req, size_t *n, size_t *cap, const uint8_t *p, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        if (*n + 4 > *cap)
            *req = realloc(*req, *cap = 2 * *cap + 64);
        if (p[k] <= ' ' || p[k] >= 0x7f || p[k] == '#')
            *n += (size_t)sprintf(*req + *n, "%%%02X", p[k]);
        else
            (*req)[(*n)++] = (char)p[k];
    }
}

/* read(2), again when a signal interrupted it (libFuzzer's timer, SIGALRM). */
static ssize_t read_again(int fd, void *p, size_t n)
{
    ssize_t r;
    while ((r = read(fd, p, n)) < 0 && errno == EINTR)
        ;
    return r;
}

/* Sends the request, reads the answer's status (0: none). */
static int exchange(const char *req, size_t n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    while ((rc = connect(fd, (struct sockaddr *)&a, sizeof a)) && errno == EINTR)
        ;
    if (fd < 0 || rc)
        die("connect", "the server does not answer");
    for (size_t sent = 0; sent < n;) {
        ssize_t w = write(fd, req + sent, n - sent);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        sent += (size_t)w;
    }
    char head[64] = "";
    size_t got = 0;
    ssize_t r;
    while (got < sizeof head - 1 && (r = read_again(fd, head + got, sizeof head - 1 - got)) > 0)
        got += (size_t)r;
    char rest[4096];
    while (read_again(fd, rest, sizeof rest) > 0) /* the whole answer, so the server is done */
        ;
    close(fd);
    int status = 0;
    sscanf(head, "HTTP/1.%*d %d", &status);
    return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!port)
        setup();
    if (!size || size > 8192)
        return 0;
    static const struct {
        char code;
        const char *method, *type;
    } kinds[] = { { 'G', "GET", NULL },
                  { 'P', "POST", "application/x-www-form-urlencoded" },
                  { 'J', "POST", "application/json" },
                  { 'U', "PATCH", "application/json" },
                  { 'D', "DELETE", NULL } };
    size_t kind = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (data[0] == kinds[k].code)
            kind = k;
    const uint8_t *path = data + 1, *nl = memchr(path, '\n', size - 1);
    size_t plen = nl ? (size_t)(nl - path) : size - 1;
    const uint8_t *body = nl ? nl + 1 : data + size;
    size_t blen = (size_t)(data + size - body);
    size_t n = 0, cap = 256 + plen * 3 + blen;
    char *req = malloc(cap);
    n += (size_t)sprintf(req, "%s ", kinds[kind].method);
    if (!plen || path[0] != '/')
        req[n++] = '/';
    append_path(&req, &n, &cap, path, plen);
    if (n + 512 + blen > cap)
        req = realloc(req, cap = n + 512 + blen);
    n += (size_t)sprintf(req + n,
                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: "
                         "Bearer %s\r\n",
                         token);
    if (kinds[kind].type)
        n += (size_t)sprintf(req + n, "Content-Type: %s\r\n", kinds[kind].type);
    n += (size_t)sprintf(req + n, "Content-Length: %zu\r\n\r\n", blen);
    memcpy(req + n, body, blen);
    n += blen;
    int status = exchange(req, n);
    if (getenv("FUZZ_HTTP_SHOW")) /* what each input got, for looking over a corpus */
        fprintf(stderr, "%d %.*s\n", status, (int)strcspn(req, "\r"), req);
    free(req);
    if (status < 100 || status == 500)
        die("answer", status ? "500" : "no status");
    return 0;
}
