#include "support/testutil.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <string.h>

static void buf_grows_and_formats(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    assert_string_equal(buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    assert_int_equal(b.len, strlen(b.data));
    assert_true(strncmp(b.data, "0,1,2,", 6) == 0);
    assert_non_null(strstr(b.data, "999,"));
    buf_reset(&b);
}

static void arena_strings_survive_until_reset(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    char *s[5000];
    for (int i = 0; i < 5000; i++)
        s[i] = arena_printf(&a, "RISK-%d", i);
    assert_string_equal(s[0], "RISK-0");
    assert_string_equal(s[4999], "RISK-4999");
    assert_null(arena_strdup(&a, NULL));
    arena_free(&a);
}

static void first_error_wins(void **state)
{
    (void)state;
    isms_err e = {0};
    assert_int_equal(err_set(&e, E_INVALID, "likelihood", "likelihood 7 is out of range"), E_INVALID);
    assert_int_equal(err_set(&e, E_STORE, NULL, "outer context"), E_STORE);
    assert_int_equal(e.code, E_INVALID);
    assert_string_equal(e.field, "likelihood");
    assert_string_equal(err_name(E_NOT_FOUND), "NOT_FOUND");
    assert_int_equal(err_exit_status(E_OK), 0);
    assert_int_not_equal(err_exit_status(E_INVALID), 0);
    assert_int_equal(err_http_status(E_DENIED), 403);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_grows_and_formats),
        cmocka_unit_test(arena_strings_survive_until_reset),
        cmocka_unit_test(first_error_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
