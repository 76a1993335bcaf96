/* httpc.h: a small HTTP/1.1 client over a raw loopback socket, for the
 * web tests (one request per connection; the bytes sent are exactly the
 * caller's, so malformed and oversized requests can be sent too). */
#ifndef ISMS_TEST_HTTPC_H
#define ISMS_TEST_HTTPC_H

#include <stddef.h>

typedef struct tu_http {
    int status;    /* 0: no answer */
    char *headers; /* the header lines as received */
    char *body;    /* NUL-terminated */
    size_t body_len;
} tu_http;

/* Sends method and path with the extra header lines `headers` (each ending
 * in \r\n; may be NULL) and `body` (len bytes; NULL: none), and reads the
 * whole answer. */
void tu_http_send(tu_http *r, int port, const char *method, const char *path, const char *headers,
                  const char *body, size_t len);
/* Raw bytes, as they are: the answer read back. */
void tu_http_raw(tu_http *r, int port, const char *request, size_t len);
/* The value of header `name` (case-insensitive), malloc'd, or NULL. */
char *tu_http_header(const tu_http *r, const char *name);
void tu_http_free(tu_http *r);

#endif
