/* fuzz_text: the parsers of user-typed values (CLI flags, form fields).
 * Beyond not crashing: a parsed amount must format and parse back to the
 * same number, and a valid UTF-8 verdict must agree with text_check. */
#include "core/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    int64_t v;
    int b;
    for (int exp = 0; exp <= 3; exp++) {
        if (parse_money("m", s, exp, &v, NULL) == 0) {
            char out[64];
            int64_t back;
            format_money(out, sizeof out, v, exp);
            if (parse_money("m", out, exp, &back, NULL) != 0 || back != v)
                abort();
        }
    }
    parse_int64("n", s, INT64_MIN, INT64_MAX, &v, NULL);
    parse_bool("b", s, &b, NULL);
    if (parse_date("d", s, NULL) == 0 && strlen(s) != 10)
        abort();
    parse_timestamp("t", s, NULL);
    int valid = utf8_valid(s, strlen(s));
    if (text_check("f", s, 1, 0, NULL) == 0 && !valid)
        abort();
    if (valid) {
        utf8_width(s);
        utf8_prefix(s, 7);
    }
    free(s);
    return 0;
}
