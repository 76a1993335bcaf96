/* term.c: what isms prints is free of control characters, whatever the
 * repository holds. Input is checked on the way in, but a repository can be
 * edited behind isms's back; a title holding ESC [2J must not clear the
 * reader's screen nor forge a line of `isms log`. So every byte the CLI
 * writes goes through one filter: newline and tab pass, any other C0
 * control, DEL and the C1 controls (U+0080..U+009F, which some terminals
 * obey as 8-bit escapes) become a visible \u00NN. Well-formed output (text,
 * JSON, SVG, CSV) never holds those raw, so nothing legitimate changes. */
#define _GNU_SOURCE
#include "cli/cli_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct term_filter {
    FILE *to;
    int lead; /* a 0xC2 held back: it starts a C1 control or a Latin-1 sign */
} term_filter;

static int is_control(unsigned char ch)
{
    return (ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f;
}

/* \u00XX: visible on a terminal, and inside a JSON string the very same
 * character, so `isms export` to stdout of a tampered value still imports
 * exactly. */
static int put_escaped(FILE *to, unsigned char ch)
{
    return fprintf(to, "\\u%04x", ch) < 0 ? -1 : 0;
}

static ssize_t filter_write(void *cookie, const char *buf, size_t n)
{
    term_filter *t = cookie;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];
        int rc = 0;
        if (t->lead) {
            t->lead = 0;
            if (ch >= 0x80 && ch <= 0x9f)
                rc = put_escaped(t->to, ch);
            else if (fputc(0xc2, t->to) == EOF)
                return -1;
            else if (ch == 0xc2)
                t->lead = 1;
            else
                rc = is_control(ch) ? put_escaped(t->to, ch) : (fputc(ch, t->to) == EOF ? -1 : 0);
        } else if (ch == 0xc2) {
            t->lead = 1;
        } else if (is_control(ch)) {
            rc = put_escaped(t->to, ch);
        } else if (fputc(ch, t->to) == EOF) {
            rc = -1;
        }
        if (rc)
            return -1;
    }
    return (ssize_t)n;
}

static int filter_close(void *cookie)
{
    term_filter *t = cookie;
    int rc = 0;
    if (t->lead && fputc(0xc2, t->to) == EOF)
        rc = -1;
    free(t);
    return rc;
}

FILE *term_filter_open(FILE *to)
{
    term_filter *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->to = to;
    FILE *f = fopencookie(t, "w",
                          (cookie_io_functions_t){ .write = filter_write, .close = filter_close });
    if (!f)
        free(t);
    return f;
}

void term_clean(char *s)
{
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            p[0] = p[1] = '?';
        else if (is_control(*p))
            *p = '?';
    }
}
