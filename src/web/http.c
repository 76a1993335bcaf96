/* http.c: responses. One error shape, {"error":{"code","message","field"}},
 * with the HTTP status of the error's row in core/errors.def; the security
 * headers on every response. */
#include "core/text.h"
#include "formats/json.h"
#include "web/web_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t web_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int web_parse_int(const char *name, const char *text, int64_t min, int64_t max, int64_t *out,
                  isms_err *e)
{
    if (!parse_int64(name, text, min, max, out, e))
        return 0;
    e->code = E_USAGE; /* the message stands; a bad parameter is a bad request */
    return E_USAGE;
}

const char *web_query(web_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

void web_json(web_req *r, int status, const char *json)
{
    r->status = status;
    r->type = "application/json";
    buf_clear(&r->out);
    buf_puts(&r->out, json);
}

void web_header(web_req *r, const char *name, const char *fmt, ...)
{
    if (r->nheaders == (int)(sizeof r->headers / sizeof *r->headers))
        return;
    buf b;
    buf_init(&b);
    buf_printf(&b, "%s: ", name);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    r->headers[r->nheaders++] = buf_detach(&b);
}

json_t *web_error_json(int code, const isms_err *e)
{
    if (!code)
        code = E_INTERNAL;
    json_t *err = json_object();
    json_object_set_new(err, "code", json_string(err_name(code)));
    const char *msg = e && e->code ? e->msg : err_text(code);
    json_t *m = json_string(msg);
    json_object_set_new(err, "message", m ? m : json_string(err_text(code)));
    json_t *f = e && e->code && e->field[0] ? json_string(e->field) : NULL;
    json_object_set_new(err, "field", f ? f : json_null());
    return json_pack("{s:o}", "error", err);
}

void web_error(web_req *r, int code, const isms_err *e)
{
    json_t *doc = web_error_json(code, e);
    r->status = err_http_status(code ? code : E_INTERNAL);
    r->type = "application/json";
    buf_clear(&r->out);
    js_append(&r->out, doc);
    json_decref(doc);
}

static void add(struct MHD_Response *resp, const char *name, const char *text)
{
    MHD_add_response_header(resp, name, text);
}

/* Every response: no inline script or style, no framing, no sniffing, no
 * referrer, nothing cached that belongs to a signed-in person. */
static void security_headers(struct MHD_Response *resp, const char *cache)
{
    add(resp, "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    add(resp, "X-Content-Type-Options", "nosniff");
    add(resp, "X-Frame-Options", "DENY");
    add(resp, "Referrer-Policy", "no-referrer");
    add(resp, "Cache-Control", cache ? cache : "no-store");
}

enum MHD_Result web_send(web_req *r)
{
    size_t len = r->out.len;
    char *data = buf_detach(&r->out);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, data ? data : "", data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    security_headers(resp, r->cache);
    if (r->type)
        add(resp, "Content-Type", r->type);
    if (r->etag[0])
        add(resp, "ETag", r->etag);
    for (int i = 0; i < r->nheaders; i++) {
        char *colon = strchr(r->headers[i], ':');
        *colon = 0;
        add(resp, r->headers[i], colon + 2);
    }
    r->bytes = len;
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}
