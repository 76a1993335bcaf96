/* server.c: libmicrohttpd's thread pool (epoll) serving the route table.
 *
 * Each worker thread has its own repository connection, opened on its
 * first request (SQLite in WAL mode reads concurrently; writers are
 * serialised by the store's write lock, on PostgreSQL across processes
 * too). A request is one domain request: dom_begin with the principal of
 * whoever signed in, the handler, dom_end (which resets the request's
 * arena). Limits: connections, an idle timeout per connection (a slow
 * client cannot hold a worker), the header memory, the body size. SIGINT
 * and SIGTERM stop accepting, let the requests in flight finish, then
 * close. One access-log line per request: method, path, status, bytes,
 * microseconds, user (never a secret: no query string, no header). */
#include "core/text.h"
#include "core/xalloc.h"
#include "domain/engine/batch.h"
#include "formats/json.h"
#include "web/html.h"
#include "web/web_internal.h"

#include <netdb.h>
#include <sodium.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct web_server {
    web_config cfg;
    struct MHD_Daemon *mhd;
    int port;
    pthread_mutex_t lock;
    dom **doms; /* every worker's connection, closed at stop */
    int ndoms, capdoms;
    atomic_int inflight;
    web_scheduled *verifier, *requantifier, *measurer;
    dom_batcher *writer; /* group commit of the API's writes (batch.h) */
    web_jobs *jobs;      /* background analyses (jobs.h) */
};

static _Thread_local dom *worker_dom;

static int thread_dom(web_server *s, dom **out, isms_err *e)
{
    if (!worker_dom) {
        int rc = dom_open(s->cfg.repo, &worker_dom, e);
        if (rc)
            return rc;
        pthread_mutex_lock(&s->lock);
        if (s->ndoms == s->capdoms) {
            s->capdoms = s->capdoms ? 2 * s->capdoms : 16;
            s->doms = xrealloc(s->doms, (size_t)s->capdoms * sizeof *s->doms);
        }
        s->doms[s->ndoms++] = worker_dom;
        pthread_mutex_unlock(&s->lock);
    }
    *out = worker_dom;
    return 0;
}

/* Forgets this worker's connection after the repository became
 * unavailable (a PostgreSQL restart): the next request opens a new one. */
static void drop_thread_dom(web_server *s)
{
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < s->ndoms; i++)
        if (s->doms[i] == worker_dom)
            s->doms[i] = s->doms[--s->ndoms];
    pthread_mutex_unlock(&s->lock);
    dom_close(worker_dom);
    worker_dom = NULL;
}

static int state_changing(const char *method)
{
    return strcmp(method, "GET") && strcmp(method, "HEAD");
}

/* A page or an answer that only reads is read in one transaction: one
 * state of the repository (a list's count, rows and links agree), and on
 * PostgreSQL its cursors, its labels looked up once (store_label_of) and
 * its BEGIN sent with its first query. Not the what-ifs and the full
 * verification: they compute for seconds, and a snapshot held that long
 * keeps SQLite's log from being checkpointed behind it. */
static int reads_one_snapshot(route_kind kind)
{
    switch (kind) {
    case RK_QUANTIFY:
    case RK_PORTFOLIO:
    case RK_ROI:
    case RK_VERIFY:
    case RK_PAGE_QUANTIFY:
    case RK_PAGE_ROI:
    case RK_STATIC:
    case RK_OPENAPI:
    case RK_SESSION_SHOW:
    case RK_PAGE_SIGN_IN:
    case RK_PAGE_SIGN_OUT: return 0;
    default: return 1;
    }
}

/* The routes that take no query parameter. They refuse one, naming it, as
 * the routes that take some refuse those they do not: a parameter that
 * does nothing (a typo, `?fields=` a route does not have) is said, not
 * ignored. */
static int takes_no_query(route_kind kind)
{
    switch (kind) {
    case RK_PAGE_IMPORT_FORM:
    case RK_PAGE_IMPORT:
    case RK_SHOW:
    case RK_SESSION_SHOW:
    case RK_JOBS:
    case RK_JOB:
    case RK_PAGE_HOME:
    case RK_PAGE_REGISTERS:
    case RK_PAGE_MY:
    case RK_PAGE_NEW:
    case RK_PAGE_EDIT:
    case RK_PAGE_ACCEPT_FORM:
    case RK_PAGE_JOBS:
    case RK_PAGE_JOB: return 1;
    default: return 0;
    }
}

/* The refinements HTTP has beyond the error table: nobody signed in is
 * 401, a stale If-Match 412, a method the path does not take 405, too
 * many failed sign-ins 429. */
static int refined_status(web_req *r, int rc, const isms_err *e, int html)
{
    int status = err_http_status(rc);
    if (rc == E_DENIED && !r->signed_in) {
        status = 401;
        if (!html)
            web_header(r, "WWW-Authenticate", "Bearer realm=\"isms\"");
    }
    if (rc == E_RETRY && MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-Match"))
        status = 412;
    if (rc == E_USAGE && r->allow[0]) {
        status = 405;
        web_header(r, "Allow", "%s", r->allow);
    }
    if (rc == E_DENIED && !strcmp(e->field, "sign-in"))
        status = 429; /* back-off after failed sign-ins (auth.c) */
    return status;
}

static void answer_error(web_req *r, int rc, isms_err *e)
{
    if (!rc)
        rc = E_INTERNAL;
    int html = web_is_html(r);
    int status = refined_status(r, rc, e, html);
    if (html && status == 401 && !strcmp(r->method, "GET")) {
        html_redirect_signin(r); /* a page asked for by nobody: to the sign-in form, and back */
        return;
    }
    if (html)
        html_error_page(r, rc, e);
    else
        web_error(r, rc, e);
    r->status = status;
}

/* A form another site made the browser post (its Sec-Fetch-Site says
 * so): refused, signing in too (no one is signed in by another site). */
static int cross_site(web_req *r, isms_err *e)
{
    const char *site = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
    if (site && !strcmp(site, "cross-site"))
        return err_set(e, E_DENIED, "csrf", "csrf: a form posted from another site");
    return 0;
}

static int dispatch(web_req *r, isms_err *e)
{
    const char *key;
    int rc = web_route(r->method, r->url, &r->route, &key, r->allow, dom_arena(r->d), e);
    if (rc)
        return rc;
    r->key = key;
    /* a key is one line of UTF-8 text before it goes near the store */
    if (key && text_check("key", key, 0, 300, e))
        return err_set(e, E_USAGE, "key", "key: not a key");
    rc = web_authenticate(r, e);
    if (rc)
        return rc;
    if (r->route->access == WEB_SIGNED_IN && !r->signed_in)
        return err_set(e, E_DENIED, "authorization",
                       "sign in first: a session cookie (POST /api/v1/session) or an "
                       "Authorization: Bearer token");
    if (takes_no_query(r->route->kind) && web_only_params(r, (const char *const[]){ NULL }, e))
        return e->code;
    /* a page's change comes as a form, its CSRF token among the fields */
    if (!web_route_is_api(r->route) && state_changing(r->method)) {
        rc = cross_site(r, e);
        if (!rc)
            rc = web_form_parse(r, e);
        if (rc)
            return rc;
    }
    /* (signing in needs no CSRF token: it ends the session the cookie holds) */
    if (r->by_cookie && r->route->access == WEB_SIGNED_IN && state_changing(r->method)) {
        const char *t = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!t)
            t = web_form_get(r, "csrf");
        if (!t || strlen(t) != strlen(r->csrf) || sodium_memcmp(t, r->csrf, strlen(t)))
            return err_set(e, E_DENIED, "csrf",
                           "csrf: a change by a signed-in browser needs its session's CSRF "
                           "token (the X-CSRF-Token header, or the form's csrf field): reload "
                           "the page and try again");
    }
    /* X-Isms-Note: the reason for the request's changes, in the ledger */
    r->who.note = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Isms-Note");
    if (!r->who.note) /* a form's "why" */
        r->who.note = web_form_get(r, "note");
    if (r->who.note && !*r->who.note)
        r->who.note = NULL;
    rc = dom_begin(r->d, r->signed_in ? &r->who : NULL, e);
    if (rc)
        return rc;
    if (state_changing(r->method) || !reads_one_snapshot(r->route->kind))
        return r->route->fn(r, e);
    rc = dom_read_begin(r->d, e);
    if (!rc)
        rc = r->route->fn(r, e);
    return dom_txn_end(r->d, rc, e);
}

static void handle(web_server *s, web_req *r)
{
    isms_err e = { 0 };
    int rc = thread_dom(s, &r->d, &e);
    if (rc) {
        web_error(r, rc == E_NOT_FOUND ? E_UNAVAILABLE : rc, &e);
        return;
    }
    if (r->pending) { /* resumed: its write's batch ended */
        rc = api_write_answer(r, &e);
    } else if (r->too_large) {
        rc = err_set(&e, E_TOO_LARGE, "body", "body: more than %zu bytes", s->cfg.body_max);
    } else {
        rc = dispatch(r, &e);
    }
    if (rc)
        answer_error(r, rc, &e);
    dom_end(r->d);
    if (rc == E_UNAVAILABLE)
        drop_thread_dom(s);
}

static web_req *request_new(web_server *s, struct MHD_Connection *conn, const char *url,
                            const char *method)
{
    web_req *r = xcalloc(1, sizeof *r);
    r->conn = conn;
    r->cfg = &s->cfg;
    r->writer = s->writer;
    r->jobs = s->jobs;
    r->url = xstrdup(url);
    r->method = xstrdup(method);
    r->started_us = web_now_us();
    r->status = 500;
    strcpy(r->user, "-");
    buf_init_capped(&r->body, s->cfg.body_max);
    buf_init(&r->out);
    arena_init(&r->mem);
    atomic_fetch_add(&s->inflight, 1);
    return r;
}

/* A body announced as larger than the limit is refused before it is read. */
static int announced_too_large(web_server *s, struct MHD_Connection *conn)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    return cl && strtoull(cl, NULL, 10) > s->cfg.body_max;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    web_server *s = cls;
    web_req *r = *con_cls;
    if (!r) {
        *con_cls = r = request_new(s, conn, url, method);
        if (!announced_too_large(s, conn))
            return MHD_YES;
        r->too_large = 1;
        handle(s, r);
        return web_send(r);
    }
    if (*upload_size) {
        if (!r->too_large)
            buf_append(&r->body, upload_data, *upload_size);
        r->too_large |= r->body.over;
        *upload_size = 0;
        return MHD_YES;
    }
    int resumed = r->pending != NULL;
    handle(s, r);
    if (r->pending && !resumed) /* handed to the writer: suspended until its batch ends */
        return MHD_YES;
    return web_send(r);
}

/* The log line's text: control characters and spaces become '?', so that
 * a path cannot forge a line or a field. */
static void clean(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < n; i++)
        dst[i] = (unsigned char)src[i] <= ' ' || src[i] == 0x7f ? '?' : src[i];
    dst[i] = 0;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    web_server *s = cls;
    web_req *r = *con_cls;
    if (!r)
        return;
    if (s->cfg.log) {
        char path[512];
        clean(path, sizeof path, r->url);
        fprintf(s->cfg.log, "%s %s %d %zu %lld %s\n", r->method, path, r->status, r->bytes,
                (long long)(web_now_us() - r->started_us), r->user);
        fflush(s->cfg.log);
    }
    for (int i = 0; i < r->nheaders; i++)
        free(r->headers[i]);
    api_write_forget(r);
    arena_free(&r->mem);
    buf_reset(&r->body);
    buf_reset(&r->out);
    free((char *)r->url);
    free((char *)r->method);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

/* "host:port" or "[v6]:port" to a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *sa, isms_err *e)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return err_set(e, E_USAGE, "listen", "listen: %s is not HOST:PORT", listen);
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *h = host;
    if (*h == '[' && h[strlen(h) - 1] == ']') {
        h[strlen(h) - 1] = 0;
        h++;
    }
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res;
    int g = getaddrinfo(h, colon + 1, &hints, &res);
    if (g)
        return err_set(e, E_USAGE, "listen", "listen: %s: %s", listen, gai_strerror(g));
    memcpy(sa, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

static void defaults(web_config *c)
{
    if (!c->listen)
        c->listen = "127.0.0.1:8080";
    if (c->threads <= 0)
        c->threads = 4;
    if (c->max_connections <= 0)
        c->max_connections = 256;
    if (c->timeout <= 0)
        c->timeout = 30;
    if (!c->body_max)
        c->body_max = 1 << 20;
    if (c->session_ttl <= 0)
        c->session_ttl = 8 * 3600;
    if (!c->verify_every)
        c->verify_every = WEB_VERIFY_DEFAULT;
}

static void free_server(web_server *s)
{
    web_jobs_stop(s->jobs);      /* after the requests: a job under way is cancelled, not saved */
    dom_batcher_stop(s->writer); /* after the requests: none waits for it any more */
    for (int i = 0; i < s->ndoms; i++)
        dom_close(s->doms[i]);
    free(s->doms);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Opens the repository once before serving: it must exist, and an older
 * schema is upgraded here, once, not by the first requests at once. */
static int check_repository(const char *repo, isms_err *e)
{
    dom *d;
    int rc = dom_open(repo, &d, e);
    if (!rc)
        dom_close(d);
    return rc;
}

/* A path and its parameters are decoded by libmicrohttpd (%HH), but for
 * one that holds %00: decoded, the NUL would cut the C string short of
 * what the request said ("/jobs/1%00x" read as job 1, "?owner=PER-3%00x"
 * as PER-3), so it stays as it came, which no route, key or value takes. */
static size_t unescape_but_nul(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strstr(s, "%00") ? strlen(s) : MHD_http_unescape(s);
}

static int bound_port(struct MHD_Daemon *mhd)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    if (!info || getsockname(info->listen_fd, (struct sockaddr *)&sa, &len))
        return 0;
    if (sa.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
    return ntohs(((struct sockaddr_in *)&sa)->sin_port);
}

int web_start(const web_config *c, web_server **out, isms_err *e)
{
    *out = NULL;
    web_server *s = xcalloc(1, sizeof *s);
    s->cfg = *c;
    defaults(&s->cfg);
    pthread_mutex_init(&s->lock, NULL);
    struct sockaddr_storage sa = { 0 };
    int rc = parse_listen(s->cfg.listen, &sa, e);
    if (!rc)
        rc = check_repository(s->cfg.repo, e);
    if (rc) {
        free_server(s);
        return rc;
    }
    rc = dom_batcher_start(s->cfg.repo, NULL, &s->writer, e);
    if (rc) {
        free_server(s);
        return rc;
    }
    s->jobs = web_jobs_new(s->cfg.repo, s->cfg.log);
    js_init(); /* out of memory in jansson ends the process, as everywhere */
    web_auth_init();
    int routes;
    web_routes(&routes); /* built before the threads need it */
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)s->cfg.max_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->cfg.timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape_but_nul, NULL, MHD_OPTION_END);
    if (!s->mhd) {
        free_server(s);
        return err_set(e, E_IO, "listen",
                       "listen: cannot serve on %s (in use, or not an "
                       "address of this machine?)",
                       c->listen ? c->listen : "127.0.0.1:8080");
    }
    s->port = bound_port(s->mhd);
    rc = web_verifier_start(&s->cfg, &s->verifier, e);
    if (!rc)
        rc = web_requantifier_start(&s->cfg, &s->requantifier, e);
    if (!rc)
        rc = web_measurer_start(&s->cfg, &s->measurer, e);
    if (rc) {
        web_scheduled_stop(s->requantifier);
        web_scheduled_stop(s->verifier);
        MHD_stop_daemon(s->mhd);
        free_server(s);
        return rc;
    }
    *out = s;
    return 0;
}

int web_port(const web_server *s) { return s->port; }

void web_stop(web_server *s)
{
    if (!s)
        return;
    /* no new connections: the listening socket is handed back, and closed */
    MHD_socket listening = MHD_quiesce_daemon(s->mhd);
    if (listening != MHD_INVALID_SOCKET)
        close(listening);
    /* The requests in flight finish (10 s at most): nothing half-answered. */
    for (int i = 0; i < 1000 && atomic_load(&s->inflight) > 0; i++)
        usleep(10000);
    MHD_stop_daemon(s->mhd);
    web_scheduled_stop(s->measurer);
    web_scheduled_stop(s->requantifier);
    web_scheduled_stop(s->verifier);
    if (s->cfg.log) {
        long batches, writes;
        dom_batcher_counts(s->writer, &batches, &writes);
        fprintf(s->cfg.log, "isms serve: %ld writes in %ld commits\n", writes, batches);
    }
    free_server(s);
}

int web_serve(const web_config *c, void (*ready)(int port, void *ctx), void *ctx, isms_err *e)
{
    /* The worker threads inherit this mask: only sigwait below sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    web_server *s;
    int rc = web_start(c, &s, e);
    if (rc)
        return rc;
    if (ready)
        ready(s->port, ctx);
    int sig;
    sigwait(&set, &sig);
    if (s->cfg.log)
        fprintf(s->cfg.log, "isms serve: %s, finishing the requests in flight\n",
                sig == SIGINT ? "interrupted" : "terminated");
    web_stop(s);
    return 0;
}
