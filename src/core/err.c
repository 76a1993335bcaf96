#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int exit_status;
    int http_status;
    const char *text;
} err_table[] = {
#define ERR(name, exitc, http, text) { #name, exitc, http, text },
#include "core/errors.def"
#undef ERR
};

static int known(int code) { return code >= 0 && code < E__COUNT; }

int err_vset(isms_err *e, int code, const char *field, const char *fmt, va_list ap)
{
    if (!e || e->code)
        return code;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return code;
}

int err_set(isms_err *e, int code, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, code, field, fmt, ap);
    va_end(ap);
    return code;
}

void err_clear(isms_err *e)
{
    if (e)
        memset(e, 0, sizeof *e);
}

const char *err_name(int code) { return known(code) ? err_table[code].name : "UNKNOWN"; }
const char *err_text(int code) { return known(code) ? err_table[code].text : "unknown error"; }
int err_exit_status(int code) { return known(code) ? err_table[code].exit_status : 1; }
int err_http_status(int code) { return known(code) ? err_table[code].http_status : 500; }
