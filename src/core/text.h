/* text.h: checks and conversions of user-supplied text.
 *
 * Everything a user types passes through here before it reaches a record:
 * UTF-8 validity, single-line-ness, strict integers, money in major units,
 * dates and timestamps in ISO 8601 UTC. Each parser returns 0 or E_INVALID
 * and names `field` and the offending value in the message. */
#ifndef ISMS_CORE_TEXT_H
#define ISMS_CORE_TEXT_H

#include "core/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Is s valid UTF-8 (no overlongs, no surrogates, no NUL)? */
int utf8_valid(const char *s, size_t n);
/* Number of code points (for table widths); s must be valid UTF-8. */
size_t utf8_width(const char *s);
/* Byte length of the longest prefix of s with at most `cols` code points. */
size_t utf8_prefix(const char *s, size_t cols);

/* Checks a text value: valid UTF-8, no control characters (newline and tab
 * allowed when multiline), at most max_len bytes (0 = 64 KiB). */
int text_check(const char *field, const char *s, int multiline, size_t max_len, isms_err *e);

/* Is s empty or only spaces, tabs and line breaks? */
int text_blank(const char *s);

/* Strict base-10 integer: an optional '-', digits only, no leading zeros
 * ("+3" and "03" are refused), within [min, max]. */
int parse_int64(const char *field, const char *s, int64_t min, int64_t max, int64_t *out,
                isms_err *e);

/* Money in major units ("25000000", "25,000,000.50") to integer minor
 * units with `exponent` decimals (2 for EUR). Digit-group separators (',',
 * '_' or ' ', one kind) stand between groups of three digits: "1,2,3",
 * "1.5e6" and the decimal comma "1.250.000,50" are refused. */
int parse_money(const char *field, const char *s, int exponent, int64_t *out, isms_err *e);
/* "25,000,000.00" from minor units. Writes at most n bytes. */
void format_money(char *dst, size_t n, int64_t minor, int exponent);

/* Booleans: yes/no, true/false, 1/0, on/off. */
int parse_bool(const char *field, const char *s, int *out, isms_err *e);

/* Calendar date YYYY-MM-DD (valid day of month, year 1900..9999). */
int parse_date(const char *field, const char *s, isms_err *e);
/* Timestamp YYYY-MM-DDTHH:MM:SSZ (UTC only). */
int parse_timestamp(const char *field, const char *s, isms_err *e);

/* Seconds since the epoch of a timestamp parse_timestamp accepted. */
int64_t timestamp_epoch(const char *ts);
/* Current UTC time as YYYY-MM-DDTHH:MM:SSZ / YYYY-MM-DD into dst[21] / dst[11].
 * ISMS_NOW (a timestamp) overrides the clock, for reproducible tests and demos. */
void now_timestamp(char dst[21]);
void now_date(char dst[11]);
/* Date `days` after `date` (YYYY-MM-DD) into dst[11]. */
void date_add_days(char dst[11], const char *date, int days);
/* Days from date a to date b (negative when b is earlier). */
long date_diff_days(const char *a, const char *b);
/* The timestamp `hours` and then `months` calendar months after ts into
 * dst[21]; a month ends on the same day of the month, or the month's last
 * day if it has none (31 January + 1 month: 28 or 29 February), as
 * regulations' "within one month" are read. */
void timestamp_add(char dst[21], const char *ts, int hours, int months);

/* Standard base64 (with padding) to bytes: 0 with *len bytes in out (at
 * most cap), or -1 unless b64[0..n) is the canonical base64 of some bytes.
 * Strict on the alphabet: libsodium's decoder (1.0.18) reads every byte
 * from 0x80 up as '/', which would give one value many texts, and a signed
 * checkpoint many spellings. */
int base64_decode(const char *b64, size_t n, unsigned char *out, size_t cap, size_t *len);

/* ASCII lower-casing in place (emails, keys are compared this way). */
char *ascii_lower(char *s);
struct buf;
/* A name as people read it, appended to out: "context_issues" as "context
 * issues", "soas" as "SoAs" (the words people spell their own way); the
 * first letter a capital when asked. */
void text_words(struct buf *out, const char *name, int capital);
char *ascii_upper(char *s);

/* In a function taking (..., fmt, ...): its arguments formatted into the
 * char array `out`, cut to fit. */
#define TEXT_FORMAT_ARGS(out, fmt)                 \
    do {                                           \
        va_list ap_;                               \
        va_start(ap_, fmt);                        \
        vsnprintf((out), sizeof(out), (fmt), ap_); \
        va_end(ap_);                               \
    } while (0)

#endif
