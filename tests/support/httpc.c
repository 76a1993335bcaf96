/* httpc.c: see httpc.h. */
#include "support/httpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return; /* the server may close early (a refused body): read its answer */
        p += w;
        n -= (size_t)w;
    }
}

/* Un-chunks a chunked body in place. */
static size_t dechunk(char *b, size_t n)
{
    size_t in = 0, out = 0;
    while (in < n) {
        size_t len = strtoul(b + in, NULL, 16);
        char *eol = strstr(b + in, "\r\n");
        if (!eol || !len)
            break;
        in = (size_t)(eol - b) + 2;
        memmove(b + out, b + in, len);
        out += len;
        in += len + 2;
    }
    b[out] = 0;
    return out;
}

/* half_close: the end of the request is told by shutting the sending
 * side (a raw request may be incomplete on purpose: the server sees the
 * end of it). A whole request does not: no client does, and a server that
 * answers later (a write waiting for its group commit) would read the
 * half-close as a client gone before its answer. */
static void http_exchange(tu_http *r, int port, const char *request, size_t len, int half_close)
{
    memset(r, 0, sizeof *r);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
        close(fd);
        return;
    }
    send_all(fd, request, len);
    if (half_close)
        shutdown(fd, SHUT_WR);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
        ssize_t got = recv(fd, buf + n, cap - n, 0);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = 0;
    char *end = strstr(buf, "\r\n\r\n");
    if (strncmp(buf, "HTTP/1.", 7) || !end) {
        free(buf);
        return;
    }
    r->status = atoi(buf + 9);
    *end = 0;
    r->headers = strdup(buf);
    size_t blen = n - (size_t)(end + 4 - buf);
    r->body = malloc(blen + 1);
    memcpy(r->body, end + 4, blen);
    r->body[blen] = 0;
    r->body_len = blen;
    char *te = tu_http_header(r, "Transfer-Encoding");
    if (te && !strcasecmp(te, "chunked"))
        r->body_len = dechunk(r->body, blen);
    free(te);
    free(buf);
}

void tu_http_raw(tu_http *r, int port, const char *request, size_t len)
{
    http_exchange(r, port, request, len, 1);
}

void tu_http_send(tu_http *r, int port, const char *method, const char *path, const char *headers,
                  const char *body, size_t len)
{
    size_t hn = strlen(method) + strlen(path) + (headers ? strlen(headers) : 0) + 200;
    char *req = malloc(hn + len);
    int k = snprintf(req, hn,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, headers ? headers : "", body ? len : 0);
    if (body)
        memcpy(req + k, body, len);
    http_exchange(r, port, req, (size_t)k + (body ? len : 0), 0);
    free(req);
}

char *tu_http_header(const tu_http *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > n && line[n] == ':' && !strncasecmp(line, name, n)) {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            return strndup(v, len - (size_t)(v - line));
        }
        line = eol ? eol + 2 : line + len;
    }
    return NULL;
}

void tu_http_free(tu_http *r)
{
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}
