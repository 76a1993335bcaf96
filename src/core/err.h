/* err.h: the one error convention of isms.
 *
 * A function that can fail returns an int: 0 (E_OK) on success, otherwise an
 * E_* code from errors.def. It may also fill a caller-supplied `isms_err`
 * (which may be NULL) with a message a user can act on and the place it
 * concerns: a field name, a CLI flag, a JSON pointer or a CSV line:column.
 *
 *     int rc = risk_add(d, &r, e);
 *     if (rc) return rc;
 *
 * The first error set wins: once `code` is non-zero, err_set() leaves the
 * struct alone, so the innermost, most specific message reaches the user. */
#ifndef ISMS_CORE_ERR_H
#define ISMS_CORE_ERR_H

#include <stdarg.h>

enum {
#define ERR(name, exitc, http, text) E_##name,
#include "core/errors.def"
#undef ERR
    E__COUNT
};

typedef struct isms_err {
    int code;       /* E_* or 0 */
    char field[96]; /* what the error concerns: "likelihood", "/risks/3/title", "12:7" */
    char msg[512];  /* full sentence, no trailing newline */
} isms_err;

/* Records an error (unless one is already recorded) and returns `code`. */
int err_set(isms_err *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int err_vset(isms_err *e, int code, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
void err_clear(isms_err *e);

const char *err_name(int code); /* "INVALID" */
const char *err_text(int code); /* "invalid value" */
int err_exit_status(int code);  /* CLI exit status */
int err_http_status(int code);  /* API status */

#endif
