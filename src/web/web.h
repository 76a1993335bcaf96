/* web.h: `isms serve`, the web application and its JSON API.
 *
 * The web is a front end like the CLI: it turns HTTP requests into calls
 * of the domain (domain/engine/dom.h), each acting for the principal of
 * the signed-in person, and renders what comes back. Every rule lives in
 * the domain, so the CLI's rules hold here too.
 *
 *   server.c   libmicrohttpd: threads, limits, timeouts, shutdown, access log
 *   router.c   the route table, generated from the register tables
 *   api.c      the JSON API over every register (/api/v1)
 *   workflows.c  quantify a risk, verify the ledger, ledger proofs
 *   auth.c     who asks: tokens, session cookies, CSRF, sign-in back-off
 *   http.c     responses: the one error shape, security headers
 *   openapi.c  the OpenAPI 3.1 description of the route table
 *   scheduled.c the scheduled verification and re-quantification
 *   jobs.c     analyses a person runs in the background, saved at the end
 *   pages*.c   the HTML pages (pages_jobs.c: the jobs' pages and API) */
#ifndef ISMS_WEB_H
#define ISMS_WEB_H

#include "core/err.h"

#include <stddef.h>
#include <stdio.h>

typedef struct web_config {
    const char *repo;    /* the repository (file or postgres:// URI) */
    const char *listen;  /* "127.0.0.1:8080"; port 0 takes any free port */
    int threads;         /* worker threads, each with its own repository connection (0: 4) */
    int max_connections; /* 0: 256 */
    int timeout;         /* seconds a connection may stay idle (0: 30) */
    size_t body_max;     /* request body limit in bytes (0: 1 MiB) */
    int session_ttl;     /* seconds a session lasts (0: 8 hours) */
    FILE *log;           /* access log, one line per request (NULL: none) */
    /* The address of a reverse proxy in front (TLS ends there): only its
     * X-Forwarded-For and X-Forwarded-Proto are believed (NULL: nobody's). */
    const char *trusted_proxy;
    /* Seconds between the scheduled incremental verifications, recorded
     * as `isms verify` records them (0: WEB_VERIFY_DEFAULT; WEB_VERIFY_OFF
     * or any negative: none). The first runs at the start. */
    int verify_every;
    /* Milliseconds a what-if (a quantification not saved: a risk's, the
     * portfolio's, the return on controls) may compute inside a request
     * (0: WEB_WHATIF_DEFAULT_MS); a longer one is stopped and refused. */
    int64_t whatif_ms;
    /* Seconds between runs of the stale analyses again, saved (what `isms
     * quantify --stale` does), the first at the start; 0 or negative:
     * never (the default). */
    int quantify_every;
    /* Seconds between measurements of the metrics due (what `isms metric
     * measure` does), the first at the start; 0 or negative: never (the
     * default). */
    int measure_every;
} web_config;

enum { WEB_VERIFY_DEFAULT = 3600, WEB_VERIFY_OFF = -1, WEB_WHATIF_DEFAULT_MS = 20000 };

typedef struct web_server web_server;

/* Starts serving in background threads. */
int web_start(const web_config *c, web_server **out, isms_err *e);
/* The port it listens on (the one chosen when the configuration said 0). */
int web_port(const web_server *s);
/* Stops accepting connections, lets the requests in flight finish (up to
 * a few seconds), then closes everything. */
void web_stop(web_server *s);
/* web_start, then serves until SIGINT or SIGTERM, then web_stop. `ready`
 * (may be NULL) is called once listening, with the port. */
int web_serve(const web_config *c, void (*ready)(int port, void *ctx), void *ctx, isms_err *e);

#endif
