#include "support/testutil.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Up to the limit, a capped buffer is an ordinary one. */
static void capped_holds_up_to_its_limit(void **state)
{
    (void)state;
    buf b;
    buf_init_capped(&b, 10);
    buf_puts(&b, "12345");
    buf_printf(&b, "%d", 6789);
    buf_putc(&b, '0');
    isms_err e = { 0 };
    assert_int_equal(buf_check(&b, "request body", &e), 0);
    assert_int_equal(e.code, 0);
    assert_string_equal(buf_str(&b), "1234567890");
    char *s = buf_detach(&b);
    assert_string_equal(s, "1234567890");
    free(s);
    assert_int_equal(b.max, 10); /* detached, still capped */
    buf_reset(&b);
}

/* One byte past the limit: the check fails, and what the buffer held is
 * gone (never a prefix that could pass for the whole); later appends that
 * would fit are dropped as well. */
static void capped_refuses_past_its_limit(void **state)
{
    (void)state;
    isms_err e = { 0 };
    buf b;
    buf_init_capped(&b, 8);
    buf_puts(&b, "{\"a\":");
    buf_puts(&b, "1234}");
    buf_putc(&b, 'x');
    assert_true(b.over);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_check(&b, "request body", &e), E_TOO_LARGE);
    assert_string_equal(e.field, "request body");
    assert_contains(e.msg, "request body");
    assert_contains(e.msg, "8 bytes");
    assert_int_equal(err_http_status(E_TOO_LARGE), 413);
    assert_int_not_equal(err_exit_status(E_TOO_LARGE), 0);

    /* The formatted path too; clear starts again under the same limit. */
    buf_clear(&b);
    assert_int_equal(buf_check(&b, "body", NULL), 0);
    buf_printf(&b, "%s", "12345678");
    assert_int_equal(buf_check(&b, "body", NULL), 0);
    buf_printf(&b, "%d", 9);
    assert_int_equal(buf_check(&b, "body", NULL), E_TOO_LARGE);
    /* A reset buffer keeps its limit. */
    buf_reset(&b);
    buf_append(&b, "123456789", 9);
    assert_int_equal(buf_check(&b, "body", NULL), E_TOO_LARGE);
    buf_reset(&b);
    /* An uncapped buffer has no limit to pass. */
    buf_init(&b);
    for (int i = 0; i < 10000; i++)
        buf_puts(&b, "0123456789");
    assert_int_equal(buf_check(&b, "body", NULL), 0);
    assert_int_equal(b.len, 100000);
    buf_reset(&b);
}

/* Reading a buffer over its limit without heeding buf_check() stops the
 * program rather than hand on nothing as if it were the body. */
static void reading_an_over_buffer_stops(void **state)
{
    (void)state;
    for (int detach = 0; detach < 2; detach++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stderr))
                _exit(2);
            buf b;
            buf_init_capped(&b, 4);
            buf_puts(&b, "too long");
            if (detach)
                free(buf_detach(&b));
            else
                (void)buf_str(&b);
            _exit(0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), SIGABRT);
    }
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
    isms_err e = { 0 };
    assert_int_equal(err_set(&e, E_INVALID, "likelihood", "likelihood 7 is out of range"),
                     E_INVALID);
    assert_int_equal(err_set(&e, E_STORE, NULL, "outer context"), E_STORE);
    assert_int_equal(e.code, E_INVALID);
    assert_string_equal(e.field, "likelihood");
    assert_string_equal(err_name(E_NOT_FOUND), "NOT_FOUND");
    assert_int_equal(err_exit_status(E_OK), 0);
    assert_int_not_equal(err_exit_status(E_INVALID), 0);
    assert_int_equal(err_http_status(E_DENIED), 403);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(buf_grows_and_formats),
        cmocka_unit_test(capped_holds_up_to_its_limit),
        cmocka_unit_test(capped_refuses_past_its_limit),
        cmocka_unit_test(reading_an_over_buffer_stops),
        cmocka_unit_test(arena_strings_survive_until_reset), cmocka_unit_test(first_error_wins))
