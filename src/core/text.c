#include "core/text.h"
#include "core/buf.h"

#include <errno.h>
#include <sodium.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Eight bytes at a time: how many of the n at s are printable ASCII
 * (0x20..0x7E), the bulk of any text; stops at the word holding another
 * byte (bit tricks of "Bit Twiddling Hacks": a byte below 0x20, 0x7F, or
 * from 0x80). */
static size_t printable_run(const unsigned char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t del = w ^ (0x7F * ones);
        if ((w | ((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) & highs)
            break;
    }
    return i;
}

int utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = printable_run(s, n);
    while (i < n) {
        unsigned c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            if (c < 0x20 || c == 0x7F) /* what stopped the run */
                i += printable_run(s + i, n - i);
            continue;
        }
        int len;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else
            return 0;
        if (i + (size_t)len > n)
            return 0;
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += (size_t)len;
        i += printable_run(s + i, n - i);
    }
    return 1;
}

size_t utf8_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

size_t utf8_prefix(const char *s, size_t cols)
{
    size_t i = 0, w = 0;
    while (s[i]) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (w == cols)
                break;
            w++;
        }
        i++;
    }
    return i;
}

int text_check(const char *field, const char *s, int multiline, size_t max_len, isms_err *e)
{
    size_t n = strlen(s);
    if (!max_len)
        max_len = 65536;
    if (n > max_len)
        return err_set(e, E_INVALID, field,
                       "%s: the value is %zu bytes long; at most %zu are allowed", field, n,
                       max_len);
    if (!utf8_valid(s, n))
        return err_set(e, E_INVALID, field, "%s: the value is not valid UTF-8", field);
    for (size_t i = printable_run((const unsigned char *)s, n); i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\t' || (c == '\r' && multiline)) {
            if (!multiline && c == '\n')
                return err_set(e, E_INVALID, field,
                               "%s: the value must be a single line (it contains a newline)",
                               field);
            i += printable_run((const unsigned char *)s + i + 1, n - i - 1);
            continue;
        }
        if (c < 0x20 || c == 0x7F)
            return err_set(e, E_INVALID, field,
                           "%s: the value contains the control character 0x%02X at byte %zu", field,
                           c, i);
    }
    return 0;
}

int text_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

int parse_int64(const char *field, const char *s, int64_t min, int64_t max, int64_t *out,
                isms_err *e)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return err_set(e, E_INVALID, field, "%s: \"%s\" is not a whole number", field, s);
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return err_set(e, E_INVALID, field, "%s: \"%s\" is not a whole number", field, s);
    /* One spelling per number: "+3" and "03" are refused, not read as 3,
     * so that what is stored is what was meant. */
    if (*s == '+' || (p[0] == '0' && p[1]))
        return err_set(
            e, E_INVALID, field,
            "%s: \"%s\" is not a whole number written plainly (no + sign, no leading zeros)", field,
            s);
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return err_set(e, E_INVALID, field, "%s: %s is out of range %lld..%lld", field, s,
                       (long long)min, (long long)max);
    *out = v;
    return 0;
}

/* The notation isms reads and writes, for the messages. */
#define MONEY_NOTATION                                                                           \
    "a point before the decimals and, if you like, commas between groups of three digits, e.g. " \
    "25000000 or 1,250,000.50"

static int money_error(const char *field, const char *s, const char *why, isms_err *e)
{
    return err_set(e, E_INVALID, field, "%s: \"%s\" %s (write %s)", field, s, why, MONEY_NOTATION);
}

int parse_money(const char *field, const char *s, int exponent, int64_t *out, isms_err *e)
{
    /* A decimal comma ("1.250.000,50") would otherwise read as a point
     * followed by too many decimals: name the notation instead. */
    const char *dot = strchr(s, '.');
    if (dot && (strchr(dot + 1, '.') || strchr(dot + 1, ',')))
        return money_error(field, s, "is not in isms's notation for money", e);
    const char *p = s;
    int neg = *p == '-';
    if (neg)
        p++;
    int64_t major = 0, minor = 0;
    int digits = 0, group = 0, groups = 0, frac_digits = 0;
    char sep = 0;
    for (; *p && *p != '.'; p++) {
        if (*p >= '0' && *p <= '9') {
            int d = *p - '0';
            if (major > (INT64_MAX / 1000 - d) / 10)
                return err_set(e, E_INVALID, field, "%s: \"%s\" is too large", field, s);
            major = major * 10 + d;
            digits++;
            group++;
        } else if (*p == ',' || *p == '_' || *p == ' ') {
            /* Separators stand between groups of three digits, all alike:
             * "1,2,3" is not 123. */
            if (!digits || (sep && *p != sep) || (groups ? group != 3 : group > 3))
                return money_error(field, s, "has a misplaced digit-group separator", e);
            sep = *p;
            groups++;
            group = 0;
        } else {
            return money_error(field, s, "is not an amount of money", e);
        }
    }
    if (!digits || (groups && group != 3))
        return money_error(
            field, s,
            groups ? "has a misplaced digit-group separator" : "is not an amount of money", e);
    if (*p == '.') {
        if (exponent == 0)
            return err_set(e, E_INVALID, field, "%s: \"%s\" has decimals; the currency has none",
                           field, s);
        for (p++; *p; p++) {
            if (*p < '0' || *p > '9')
                return money_error(field, s, "is not an amount of money", e);
            frac_digits++;
            if (frac_digits > exponent)
                return err_set(e, E_INVALID, field, "%s: \"%s\" has more than %d decimal places",
                               field, s, exponent);
            minor = minor * 10 + (*p - '0');
        }
        if (!frac_digits)
            return money_error(field, s, "is not an amount of money", e);
    }
    for (int k = frac_digits; k < exponent; k++)
        minor *= 10;
    int64_t scale = 1;
    for (int k = 0; k < exponent; k++)
        scale *= 10;
    *out = (major * scale + minor) * (neg ? -1 : 1);
    return 0;
}

void format_money(char *dst, size_t n, int64_t minor, int exponent)
{
    int64_t scale = 1;
    for (int k = 0; k < exponent; k++)
        scale *= 10;
    int neg = minor < 0;
    uint64_t m = neg ? (uint64_t)(-(minor + 1)) + 1 : (uint64_t)minor;
    uint64_t major = m / (uint64_t)scale, frac = m % (uint64_t)scale;
    char digits[32], grouped[48];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)major);
    int g = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = 0;
    if (exponent > 0 && exponent < 10)
        snprintf(dst, n, "%s%s.%0*llu", neg ? "-" : "", grouped, exponent,
                 (unsigned long long)frac);
    else
        snprintf(dst, n, "%s%s", neg ? "-" : "", grouped);
}

int parse_bool(const char *field, const char *s, int *out, isms_err *e)
{
    static const char *yes[] = { "yes", "true", "1", "on", "y" };
    static const char *no[] = { "no", "false", "0", "off", "n" };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (!strcasecmp(s, yes[i])) {
            *out = 1;
            return 0;
        }
        if (!strcasecmp(s, no[i])) {
            *out = 0;
            return 0;
        }
    }
    return err_set(e, E_INVALID, field, "%s: \"%s\" is not yes or no", field, s);
}

static int days_in_month(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* Parses YYYY-MM-DD at s; returns the number of bytes used or 0. */
static int scan_date(const char *s, int *y, int *m, int *d)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    *y = atoi(s);
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return 0;
    return 10;
}

int parse_date(const char *field, const char *s, isms_err *e)
{
    int y, m, d;
    if (strlen(s) != 10 || !scan_date(s, &y, &m, &d))
        return err_set(e, E_INVALID, field, "%s: \"%s\" is not a date (expected YYYY-MM-DD)", field,
                       s);
    return 0;
}

int parse_timestamp(const char *field, const char *s, isms_err *e)
{
    int y, mo, d;
    if (strlen(s) != 20 || !scan_date(s, &y, &mo, &d) || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z')
        goto bad;
    int hh = atoi(s + 11), mm = atoi(s + 14), ss = atoi(s + 17);
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
            goto bad;
    if (hh > 23 || mm > 59 || ss > 60)
        goto bad;
    return 0;
bad:
    return err_set(e, E_INVALID, field,
                   "%s: \"%s\" is not a UTC timestamp (expected YYYY-MM-DDTHH:MM:SSZ)", field, s);
}

static time_t now_epoch(void)
{
    const char *fixed = getenv("ISMS_NOW");
    if (fixed && parse_timestamp("ISMS_NOW", fixed, NULL) == 0)
        return (time_t)timestamp_epoch(fixed);
    return time(NULL);
}

int64_t timestamp_epoch(const char *ts)
{
    struct tm tm = { 0 };
    tm.tm_year = atoi(ts) - 1900;
    tm.tm_mon = atoi(ts + 5) - 1;
    tm.tm_mday = atoi(ts + 8);
    tm.tm_hour = atoi(ts + 11);
    tm.tm_min = atoi(ts + 14);
    tm.tm_sec = atoi(ts + 17);
    return (int64_t)timegm(&tm);
}

void now_timestamp(char dst[21])
{
    time_t t = now_epoch();
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(dst, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void now_date(char dst[11])
{
    char ts[21];
    now_timestamp(ts);
    memcpy(dst, ts, 10);
    dst[10] = 0;
}

static time_t date_epoch(const char *date)
{
    struct tm tm = { 0 };
    tm.tm_year = atoi(date) - 1900;
    tm.tm_mon = atoi(date + 5) - 1;
    tm.tm_mday = atoi(date + 8);
    return timegm(&tm);
}

void date_add_days(char dst[11], const char *date, int days)
{
    time_t t = date_epoch(date) + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(dst, 11, "%Y-%m-%d", &tm);
}

long date_diff_days(const char *a, const char *b)
{
    return (long)((date_epoch(b) - date_epoch(a)) / 86400);
}

void timestamp_add(char dst[21], const char *ts, int hours, int months)
{
    time_t t = (time_t)timestamp_epoch(ts) + (time_t)hours * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    int month = tm.tm_mon + months;
    tm.tm_year += month >= 0 ? month / 12 : (month - 11) / 12;
    tm.tm_mon = ((month % 12) + 12) % 12;
    int last = days_in_month(tm.tm_year + 1900, tm.tm_mon + 1);
    if (tm.tm_mday > last)
        tm.tm_mday = last;
    strftime(dst, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int base64_decode(const char *b64, size_t n, unsigned char *out, size_t cap, size_t *len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    *len = 0;
    for (size_t i = 0; i < n; i++)
        if (!b64[i] || !memchr(alphabet, b64[i], sizeof alphabet - 1))
            return -1;
    return sodium_base642bin(out, cap, b64, n, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) ? -1
                                                                                                : 0;
}

char *ascii_lower(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return s;
}

char *ascii_upper(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    return s;
}

/* Words people write in capitals, or in their own way. */
static const char *const spelled[][2] = {
    { "soa", "SoA" }, { "soas", "SoAs" }, { "oscal", "OSCAL" }, { "csf", "CSF" },
    { "roi", "ROI" }, { "id", "ID" },     { "url", "URL" },     { "uuid", "UUID" },
    { "lef", "LEF" }, { "tef", "TEF" },   { "p95", "P95" },
};

void text_words(buf *b, const char *name, int capital)
{
    size_t start = b->len;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "_ ");
        const char *as = NULL;
        for (size_t k = 0; k < sizeof spelled / sizeof *spelled && !as; k++)
            if (strlen(spelled[k][0]) == n && !strncmp(p, spelled[k][0], n))
                as = spelled[k][1];
        if (as)
            buf_puts(b, as);
        else
            buf_append(b, p, n);
        p += n;
        if (*p) {
            buf_putc(b, ' ');
            p++;
        }
    }
    if (capital && b->len > start && b->data[start] >= 'a' && b->data[start] <= 'z')
        b->data[start] = (char)(b->data[start] - 'a' + 'A');
}
