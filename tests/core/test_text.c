#include "support/testutil.h"
#include "core/text.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void utf8_rules(void **state)
{
    (void)state;
    assert_true(utf8_valid("plain", 5));
    assert_true(utf8_valid("Grüße ✓ 𝄞", strlen("Grüße ✓ 𝄞")));
    assert_false(utf8_valid("\xff", 1));
    assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    assert_false(utf8_valid("\xe2\x82", 2));         /* truncated */
    assert_int_equal(utf8_width("Grüße"), 5);
    assert_int_equal(utf8_prefix("Grüße", 3), 4);
}

/* utf8_valid and text_check skip printable ASCII eight bytes at a time:
 * a byte they must see at any place of a long text, after a long run or
 * between two, is still seen. */
static void long_texts_are_checked_everywhere(void **state)
{
    (void)state;
    char t[64];
    for (int at = 0; at < 40; at++) {
        memset(t, 'a', 40);
        t[40] = 0;
        t[at] = '\xff';
        assert_false(utf8_valid(t, 40));
        t[at] = 0; /* a NUL inside the given length */
        assert_false(utf8_valid(t, 40));
        t[at] = '\x7f';
        assert_true(utf8_valid(t, 40));
        isms_err e = { 0 };
        assert_int_equal(text_check("notes", t, 1, 0, &e), E_INVALID);
        char where[32];
        snprintf(where, sizeof where, "at byte %d", at);
        assert_non_null(strstr(e.msg, where));
        t[at] = '\n';
        assert_int_equal(text_check("notes", t, 1, 0, NULL), 0);
        t[(at + 17) % 40] = '\x01'; /* after a newline and a run */
        assert_int_equal(text_check("notes", t, 1, 0, &e), E_INVALID);
        t[at] = '\xc3';
        t[(at + 17) % 40] = 'a';
        if (at < 39) {
            t[at + 1] = '\xa9'; /* é, then ASCII again */
            assert_true(utf8_valid(t, 40));
            t[(at + 20) % 40] = '\x80'; /* a lone continuation byte */
            assert_false(utf8_valid(t, 40));
        }
    }
}

static void text_check_names_field(void **state)
{
    (void)state;
    isms_err e = { 0 };
    assert_int_equal(text_check("title", "one\ntwo", 0, 0, &e), E_INVALID);
    assert_string_equal(e.field, "title");
    assert_non_null(strstr(e.msg, "single line"));
    err_clear(&e);
    assert_int_equal(text_check("description", "one\ntwo", 1, 0, NULL), 0);
    assert_int_equal(text_check("title", "bell\a", 1, 0, &e), E_INVALID);
    assert_non_null(strstr(e.msg, "0x07"));
    err_clear(&e);
    assert_int_equal(text_check("country", "DEU", 0, 2, &e), E_INVALID);
}

static void integers_are_strict(void **state)
{
    (void)state;
    int64_t v;
    isms_err e = { 0 };
    assert_int_equal(parse_int64("n", "42", 0, 100, &v, NULL), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_int64("n", "-3", -5, 5, &v, NULL), 0);
    assert_int_equal(v, -3);
    assert_int_equal(parse_int64("n", "4.0", 0, 100, &v, NULL), E_INVALID);
    assert_int_equal(parse_int64("n", " 4", 0, 100, &v, NULL), E_INVALID);
    assert_int_equal(parse_int64("n", "", 0, 100, &v, NULL), E_INVALID);
    assert_int_equal(parse_int64("n", "99999999999999999999", 0, INT64_MAX, &v, NULL), E_INVALID);
    assert_int_equal(parse_int64("likelihood", "7", 1, 5, &v, &e), E_INVALID);
    assert_non_null(strstr(e.msg, "1..5"));
    assert_int_equal(parse_int64("n", "0", 0, 100, &v, NULL), 0);
    assert_int_equal(v, 0);
}

/* One spelling per number: a level typed "+3" or "03" is refused, naming
 * the field and the value, rather than read as 3. */
static void integers_have_one_spelling(void **state)
{
    (void)state;
    int64_t v = 0;
    isms_err e = { 0 };
    assert_int_equal(parse_int64("likelihood", "+3", 1, 5, &v, &e), E_INVALID);
    assert_string_equal(e.field, "likelihood");
    assert_non_null(strstr(e.msg, "\"+3\""));
    assert_non_null(strstr(e.msg, "no + sign"));
    err_clear(&e);
    assert_int_equal(parse_int64("impact", "03", 1, 5, &v, &e), E_INVALID);
    assert_string_equal(e.field, "impact");
    assert_non_null(strstr(e.msg, "\"03\""));
    assert_non_null(strstr(e.msg, "leading zeros"));
    assert_int_equal(parse_int64("n", "-03", -5, 5, &v, NULL), E_INVALID);
    assert_int_equal(parse_int64("n", "00", 0, 5, &v, NULL), E_INVALID);
    assert_int_equal(v, 0); /* nothing written on failure */
}

static void money_in_major_units(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(parse_money("m", "25000000", 2, &v, NULL), 0);
    assert_int_equal(v, 2500000000LL);
    assert_int_equal(parse_money("m", "25,000,000.5", 2, &v, NULL), 0);
    assert_int_equal(v, 2500000050LL);
    assert_int_equal(parse_money("m", "1_250.75", 2, &v, NULL), 0);
    assert_int_equal(v, 125075);
    assert_int_equal(parse_money("m", "1000", 0, &v, NULL), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(parse_money("m", "1.001", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "1.5", 0, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "1e6", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "1,,000", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", ",100", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "100.", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "99999999999999999999", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "1,250.50", 2, &v, NULL), 0);
    assert_int_equal(v, 125050);
    assert_int_equal(parse_money("m", "1250", 2, &v, NULL), 0);
    assert_int_equal(v, 125000);
    char s[64];
    format_money(s, sizeof s, 2500000050LL, 2);
    assert_string_equal(s, "25,000,000.50");
    format_money(s, sizeof s, 999, 0);
    assert_string_equal(s, "999");
    format_money(s, sizeof s, -123456, 3);
    assert_string_equal(s, "-123.456");
}

/* Separators between groups of three digits only: "1,2,3" was read as
 * 123 (12300 minor units); a decimal comma is named as such. */
static void money_grouping_is_strict(void **state)
{
    (void)state;
    int64_t v = -1;
    isms_err e = { 0 };
    assert_int_equal(parse_money("value_at_stake", "1,2,3", 2, &v, &e), E_INVALID);
    assert_int_equal(v, -1);
    assert_string_equal(e.field, "value_at_stake");
    assert_non_null(strstr(e.msg, "\"1,2,3\""));
    assert_non_null(strstr(e.msg, "separator"));
    err_clear(&e);
    assert_int_equal(parse_money("cost", "1.250.000,50", 2, &v, &e), E_INVALID);
    assert_non_null(strstr(e.msg, "\"1.250.000,50\""));
    assert_non_null(strstr(e.msg, "1,250,000.50")); /* the notation to use */
    err_clear(&e);
    assert_int_equal(parse_money("m", "1250,50", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "12,50", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "1,000_000", 2, &v, NULL),
                     E_INVALID); /* one kind of separator */
    assert_int_equal(parse_money("m", "1000,000", 2, &v, NULL), E_INVALID);
    assert_int_equal(parse_money("m", "1 250 000", 0, &v, NULL), 0);
    assert_int_equal(v, 1250000);
    assert_int_equal(parse_money("m", "-1,250", 0, &v, NULL), 0);
    assert_int_equal(v, -1250);
}

static void blank_text(void **state)
{
    (void)state;
    assert_true(text_blank(""));
    assert_true(text_blank("  \t\n"));
    assert_false(text_blank(" x "));
}

static void dates_and_times(void **state)
{
    (void)state;
    assert_int_equal(parse_date("d", "2024-02-29", NULL), 0);
    assert_int_equal(parse_date("d", "2023-02-29", NULL), E_INVALID);
    assert_int_equal(parse_date("d", "2026-13-01", NULL), E_INVALID);
    assert_int_equal(parse_date("d", "2026-1-01", NULL), E_INVALID);
    assert_int_equal(parse_date("d", "26-01-01", NULL), E_INVALID);
    assert_int_equal(parse_timestamp("t", "2026-11-23T16:00:00Z", NULL), 0);
    assert_int_equal(parse_timestamp("t", "2026-11-23T16:00:00+01:00", NULL), E_INVALID);
    assert_int_equal(parse_timestamp("t", "2026-11-23T24:00:00Z", NULL), E_INVALID);
    char d[11];
    date_add_days(d, "2026-12-31", 1);
    assert_string_equal(d, "2027-01-01");
    date_add_days(d, "2024-02-28", 1);
    assert_string_equal(d, "2024-02-29");
    char t[21]; /* regulators' clocks: hours, then calendar months */
    timestamp_add(t, "2026-12-31T23:30:00Z", 1, 0);
    assert_string_equal(t, "2027-01-01T00:30:00Z");
    timestamp_add(t, "2026-01-31T08:00:00Z", 0, 1);
    assert_string_equal(t, "2026-02-28T08:00:00Z");
    timestamp_add(t, "2028-01-31T08:00:00Z", 0, 1);
    assert_string_equal(t, "2028-02-29T08:00:00Z");
    timestamp_add(t, "2026-11-28T22:00:00Z", 72, 1);
    assert_string_equal(t, "2027-01-01T22:00:00Z");
    timestamp_add(t, "2026-03-15T10:00:00Z", 0, -3);
    assert_string_equal(t, "2025-12-15T10:00:00Z");
}

static void clock_can_be_fixed(void **state)
{
    (void)state;
    setenv("ISMS_NOW", "2030-05-06T07:08:09Z", 1);
    char ts[21], d[11];
    now_timestamp(ts);
    now_date(d);
    unsetenv("ISMS_NOW");
    assert_string_equal(ts, "2030-05-06T07:08:09Z");
    assert_string_equal(d, "2030-05-06");
}

static void booleans(void **state)
{
    (void)state;
    int b;
    assert_int_equal(parse_bool("b", "Yes", &b, NULL), 0);
    assert_true(b);
    assert_int_equal(parse_bool("b", "off", &b, NULL), 0);
    assert_false(b);
    assert_int_equal(parse_bool("b", "maybe", &b, NULL), E_INVALID);
}

/* One text per value: every character of the alphabet, the padding and
 * the bits it leaves over as the encoder writes them. */
static void base64_is_strict(void **state)
{
    (void)state;
    unsigned char out[8];
    size_t n;
    assert_int_equal(base64_decode("QUJD", 4, out, sizeof out, &n), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "ABC", 3);
    assert_int_equal(base64_decode("Pz8/", 4, out, sizeof out, &n), 0);
    assert_memory_equal(out, "???", 3);
    assert_int_equal(base64_decode("QQ==", 4, out, sizeof out, &n), 0);
    assert_int_equal(n, 1);
    /* libsodium alone reads any byte from 0x80 as '/': "Pz8\xff" was "???". */
    assert_int_equal(base64_decode("Pz8\xff", 4, out, sizeof out, &n), -1);
    assert_int_equal(base64_decode("Pz\xc5\xa5", 4, out, sizeof out, &n), -1);
    assert_int_equal(n, 0);
    assert_int_equal(base64_decode("QR==", 4, out, sizeof out, &n), -1); /* bits left over */
    assert_int_equal(base64_decode("QQ", 2, out, sizeof out, &n), -1);   /* padding missing */
    assert_int_equal(base64_decode("QU JD", 5, out, sizeof out, &n), -1);
    assert_int_equal(base64_decode("QUJD", 4, out, 2, &n), -1); /* does not fit */
}

/* Names as people read them: underscores are spaces, some words spelt
 * their own way, appended after what the buffer holds. */
static void names_as_words(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        { "context_issues", "context issues", "Context issues" },
        { "soas", "SoAs", "SoAs" },
        { "signing_key", "signing key", "Signing key" },
        { "roi_of_csf_id", "ROI of CSF ID", "ROI of CSF ID" },
        { "risks", "risks", "Risks" },
        { "", "", "" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        for (int capital = 0; capital < 2; capital++) {
            buf b;
            buf_init(&b);
            buf_puts(&b, "x:");
            text_words(&b, cases[k][0], capital);
            char want[64];
            snprintf(want, sizeof want, "x:%s", cases[k][1 + capital]);
            assert_string_equal(buf_str(&b), want);
            buf_reset(&b);
        }
}

TU_MAIN(NULL, NULL, cmocka_unit_test(utf8_rules),
        cmocka_unit_test(long_texts_are_checked_everywhere),
        cmocka_unit_test(text_check_names_field), cmocka_unit_test(integers_are_strict),
        cmocka_unit_test(money_in_major_units), cmocka_unit_test(dates_and_times),
        cmocka_unit_test(clock_can_be_fixed), cmocka_unit_test(booleans),
        cmocka_unit_test(integers_have_one_spelling), cmocka_unit_test(money_grouping_is_strict),
        cmocka_unit_test(blank_text), cmocka_unit_test(base64_is_strict),
        cmocka_unit_test(names_as_words))
