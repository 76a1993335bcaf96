/* test_auth.c: signing in to the web. Sessions in HttpOnly, SameSite=Strict
 * cookies, a new id at every sign-in (a planted id never becomes a
 * signed-in one), ended by signing out; CSRF tokens on every change a
 * cookie makes; back-off after failed sign-ins; tokens revoked stop
 * working; nobody signed in reads nothing. */
#include "support/testutil.h"
#include "support/webfix.h"
#include "web/web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define LEAD_PASSWORD "correct horse battery staple"
#define OWNER_PASSWORD "owner-password-2026"

static int setup(void **state)
{
    (void)state;
    wf_start("auth.isms");
    wf_user(WF_LEAD, LEAD_PASSWORD);
    wf_user("PER-4", OWNER_PASSWORD);
    return 0;
}

typedef struct session {
    char cookie[128]; /* "isms_session=..." */
    char csrf[128];
} session;

/* Signs in; `cookie` (may be NULL) is sent along, as a browser would. */
static int sign_in(const char *user, const char *password, const char *cookie, session *s,
                   tu_http *keep)
{
    char body[300], headers[300] = "";
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
    if (cookie)
        snprintf(headers, sizeof headers, "Cookie: %s\r\n", cookie);
    tu_http r;
    wf_req(&r, NULL, "POST", "/api/v1/session", body, headers);
    int status = r.status;
    if (status == 200) {
        char *set = tu_http_header(&r, "Set-Cookie");
        assert_non_null(set);
        assert_contains(set, "HttpOnly");
        assert_contains(set, "SameSite=Strict");
        assert_contains(set, "Path=/");
        snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)strcspn(set, ";"), set);
        free(set);
        json_t *j = wf_json(&r);
        snprintf(s->csrf, sizeof s->csrf, "%s",
                 json_string_value(json_object_get(j, "csrf_token")));
        json_decref(j);
    }
    if (keep)
        *keep = r;
    else
        tu_http_free(&r);
    return status;
}

static int with_cookie(const session *s, const char *method, const char *path, const char *body,
                       const char *csrf)
{
    char headers[400];
    snprintf(headers, sizeof headers, "Cookie: %s\r\n%s%s%s", s->cookie,
             csrf ? "X-CSRF-Token: " : "", csrf ? csrf : "", csrf ? "\r\n" : "");
    tu_http r;
    wf_req(&r, NULL, method, path, body, headers);
    int status = r.status;
    if (status >= 400 && getenv("ISMS_TEST_WEB_LOG"))
        fprintf(stderr, "%s %s: %d %s\n", method, path, status, r.body);
    tu_http_free(&r);
    return status;
}

static void a_session_is_a_strict_cookie_and_a_new_one_at_every_sign_in(void **state)
{
    (void)state;
    session a, b;
    tu_http r;
    assert_int_equal(sign_in(WF_LEAD, LEAD_PASSWORD, NULL, &a, &r), 200);
    json_t *j = wf_json(&r);
    json_t *user = json_object_get(j, "user");
    assert_string_equal(json_string_value(json_object_get(user, "key")), "PER-3");
    assert_string_equal(json_string_value(json_array_get(json_object_get(user, "roles"), 0)),
                        "isms-lead");
    json_decref(j);
    tu_http_free(&r);
    assert_int_equal(with_cookie(&a, "GET", "/api/v1/session", NULL, NULL), 200);
    assert_int_equal(with_cookie(&a, "GET", "/api/v1/risks/RISK-1", NULL, NULL), 200);
    /* signing in again with the cookie held: a new id; the old one is gone */
    assert_int_equal(sign_in("PER-3", LEAD_PASSWORD, a.cookie, &b, NULL), 200);
    assert_string_not_equal(a.cookie, b.cookie);
    assert_string_not_equal(a.csrf, b.csrf);
    assert_int_equal(with_cookie(&a, "GET", "/api/v1/session", NULL, NULL), 401);
    assert_int_equal(with_cookie(&b, "GET", "/api/v1/session", NULL, NULL), 200);
    /* a planted id: signing in replaces it, it never becomes a session */
    session planted = { .cookie = "isms_session=planted-by-an-attacker" }, c;
    assert_int_equal(sign_in(WF_LEAD, LEAD_PASSWORD, planted.cookie, &c, NULL), 200);
    assert_string_not_equal(c.cookie, planted.cookie);
    assert_int_equal(with_cookie(&planted, "GET", "/api/v1/session", NULL, NULL), 401);
    /* signing out ends it */
    assert_int_equal(with_cookie(&c, "DELETE", "/api/v1/session", NULL, c.csrf), 200);
    assert_int_equal(with_cookie(&c, "GET", "/api/v1/session", NULL, NULL), 401);
    /* everywhere: every session of the person */
    assert_int_equal(with_cookie(&b, "DELETE", "/api/v1/session?everywhere=1", NULL, b.csrf), 200);
    assert_int_equal(sign_in(WF_LEAD, LEAD_PASSWORD, NULL, &a, NULL), 200);
    assert_int_equal(sign_in(WF_LEAD, LEAD_PASSWORD, NULL, &b, NULL), 200);
    assert_int_equal(with_cookie(&a, "DELETE", "/api/v1/session?everywhere=1", NULL, a.csrf), 200);
    assert_int_equal(with_cookie(&b, "GET", "/api/v1/session", NULL, NULL), 401);
}

static void a_change_by_cookie_needs_the_csrf_token(void **state)
{
    (void)state;
    session s;
    assert_int_equal(sign_in(WF_LEAD, LEAD_PASSWORD, NULL, &s, NULL), 200);
    const char *patch = "{\"treatment_plan\":\"Reviewed by the CISO\"}";
    tu_http r;
    char headers[300];
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", s.cookie);
    wf_req(&r, NULL, "PATCH", "/api/v1/risks/RISK-2", patch, headers);
    assert_int_equal(r.status, 403);
    assert_string_equal(wf_error_field(&r), "csrf");
    tu_http_free(&r);
    assert_int_equal(with_cookie(&s, "PATCH", "/api/v1/risks/RISK-2", patch, "wrong"), 403);
    json_t *before = NULL;
    wf_req(&r, WF_LEAD, "GET", "/api/v1/risks/RISK-2", NULL, NULL);
    before = wf_json(&r);
    tu_http_free(&r);
    assert_int_equal(json_integer_value(json_object_get(before, "version")), 1);
    json_decref(before);
    assert_int_equal(with_cookie(&s, "PATCH", "/api/v1/risks/RISK-2", patch, s.csrf), 200);
    /* a token is no cookie: no CSRF token needed */
    wf_req(&r, WF_LEAD, "PATCH", "/api/v1/risks/RISK-2", "{\"treatment_plan\":\"Again\"}", NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
}

static void failed_sign_ins_back_off(void **state)
{
    (void)state;
    session s;
    tu_http r;
    for (int k = 0; k < 4; k++) { /* by key and by e-mail: one account */
        assert_int_equal(sign_in(k % 2 ? "PER-4" : WF_OWNER, "not the password", NULL, &s, &r),
                         401);
        assert_string_equal(wf_error_field(&r), "password");
        tu_http_free(&r);
    }
    /* the right password, too soon: refused until the delay passes */
    assert_int_equal(sign_in("PER-4", OWNER_PASSWORD, NULL, &s, &r), 429);
    char *retry = tu_http_header(&r, "Retry-After");
    assert_non_null(retry);
    assert_true(atoi(retry) >= 1);
    free(retry);
    tu_http_free(&r);
    /* an unknown user fails as a wrong password does */
    assert_int_equal(sign_in("nobody@nowhere.example", "whatever-password", NULL, &s, &r), 401);
    assert_contains(r.body, "unknown user or wrong password");
    tu_http_free(&r);
    sleep(2);
    assert_int_equal(sign_in("PER-4", OWNER_PASSWORD, NULL, &s, NULL), 200);
    /* malformed sign-ins */
    wf_req(&r, NULL, "POST", "/api/v1/session", "{\"user\":\"PER-4\"}", NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(wf_error_field(&r), "password");
    tu_http_free(&r);
    wf_req(&r, NULL, "POST", "/api/v1/session", "{\"user\":\"PER-4\",\"password\":1}", NULL);
    assert_int_equal(r.status, 422);
    tu_http_free(&r);
}

/* A sign-in with JSON `body` on the server at `port`: its status. */
static int sign_in_at(int port, const char *body, tu_http *keep)
{
    tu_http r;
    tu_http_send(&r, port, "POST", "/api/v1/session", "Content-Type: application/json\r\n", body,
                 strlen(body));
    int status = r.status;
    if (keep)
        *keep = r;
    else
        tu_http_free(&r);
    return status;
}

/* A second `isms serve` process on the same repository: the failures
 * counted by one make the other wait too (they live in the repository),
 * a success on either clears them, and what is kept stays bounded. */
static void the_back_off_is_shared_by_every_process_serving_the_repository(void **state)
{
    (void)state;
    int port;
    int pid = wf_spawn(wf_repo(), tu_path("auth-second.log"), &port);
    const char *body = "{\"user\":\"PER-4\",\"password\":\"not the password\"}";
    const char *good = "{\"user\":\"PER-4\",\"password\":\"" OWNER_PASSWORD "\"}";
    tu_http r;
    session s;
    for (int k = 0; k < 3; k++) { /* the free failures, on this process */
        assert_int_equal(sign_in("PER-4", "not the password", NULL, &s, NULL), 401);
    }
    assert_int_equal(sign_in_at(port, body, NULL), 401); /* the 4th, on the other */
    char *n =
        tu_sql_value(wf_repo(), "SELECT failures FROM web_signin_failure WHERE who = 'u:PER-4'");
    assert_string_equal(n, "4");
    free(n);
    /* both refuse the right password now */
    assert_int_equal(sign_in("PER-4", OWNER_PASSWORD, NULL, &s, NULL), 429);
    assert_int_equal(sign_in_at(port, good, &r), 429);
    char *retry = tu_http_header(&r, "Retry-After");
    assert_non_null(retry);
    assert_true(atoi(retry) >= 1 && atoi(retry) <= 2);
    free(retry);
    tu_http_free(&r);
    sleep(3);
    assert_int_equal(sign_in_at(port, good, NULL), 200);
    n = tu_sql_value(wf_repo(), "SELECT COUNT(*) FROM web_signin_failure WHERE who = 'u:PER-4'");
    assert_string_equal(n, "0"); /* cleared by the success on the other process */
    free(n);
    /* failures a day old are forgotten at the next failure */
    tu_sql(wf_repo(), "INSERT INTO web_signin_failure (who, failures, last_at, until_at) VALUES "
                      "('u:old', 9, '2020-01-01T00:00:00Z', '2020-01-01T00:15:00Z')");
    assert_int_equal(sign_in("PER-4", "not the password", NULL, &s, NULL), 401);
    n = tu_sql_value(wf_repo(), "SELECT COUNT(*) FROM web_signin_failure WHERE who = 'u:old'");
    assert_string_equal(n, "0");
    free(n);
    assert_int_equal(sign_in("PER-4", OWNER_PASSWORD, NULL, &s, NULL), 200);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

static void a_revoked_token_no_longer_works(void **state)
{
    (void)state;
    char *out = tu_isms_ok(wf_repo(), "--as", WF_AUDITOR, "token", "add", "--name", "audit-bot");
    const char *colon = strstr(out, ": ");
    char auth[200];
    snprintf(auth, sizeof auth, "Authorization: Bearer %.43s\r\n", colon + 2);
    free(out);
    tu_http r;
    tu_http_send(&r, wf_port(), "GET", "/api/v1/risks", auth, NULL, 0);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    free(tu_isms_ok(wf_repo(), "token", "revoke", "--name", "audit-bot"));
    tu_http_send(&r, wf_port(), "GET", "/api/v1/risks", auth, NULL, 0);
    assert_int_equal(r.status, 401);
    tu_http_free(&r);
    tu_http_send(&r, wf_port(), "GET", "/api/v1/risks", "Authorization: Bearer made-up\r\n", NULL,
                 0);
    assert_int_equal(r.status, 401);
    tu_http_free(&r);
    tu_http_send(&r, wf_port(), "GET", "/api/v1/risks", "Authorization: Basic eDp5\r\n", NULL, 0);
    assert_int_equal(r.status, 401);
    tu_http_free(&r);
    /* names stay taken; revoking twice says there is none */
    free(tu_isms_err(wf_repo(), 5, "", "--as", WF_AUDITOR, "token", "add", "--name", "audit-bot"));
    free(tu_isms_err(wf_repo(), 4, "", "token", "revoke", "--name", "audit-bot"));
}

/* A session lasts as long as the server says, then it is gone. */
static void a_session_expires(void **state)
{
    (void)state;
    web_config cfg = { .repo = wf_repo(),
                       .listen = "127.0.0.1:0",
                       .threads = 1,
                       .session_ttl = 1,
                       .verify_every = WEB_VERIFY_OFF };
    web_server *short_lived;
    isms_err e = { 0 };
    if (web_start(&cfg, &short_lived, &e))
        fail_msg("web_start: %s", e.msg);
    char body[200], headers[200];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", WF_LEAD, LEAD_PASSWORD);
    tu_http r;
    tu_http_send(&r, web_port(short_lived), "POST", "/api/v1/session", NULL, body, strlen(body));
    assert_int_equal(r.status, 200);
    char *set = tu_http_header(&r, "Set-Cookie");
    assert_contains(set, "Max-Age=1");
    snprintf(headers, sizeof headers, "Cookie: %.*s\r\n", (int)strcspn(set, ";"), set);
    free(set);
    tu_http_free(&r);
    tu_http_send(&r, web_port(short_lived), "GET", "/api/v1/session", headers, NULL, 0);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    sleep(2);
    tu_http_send(&r, web_port(short_lived), "GET", "/api/v1/session", headers, NULL, 0);
    assert_int_equal(r.status, 401);
    tu_http_free(&r);
    web_stop(short_lived);
}

/* X-Forwarded-Proto counts only from the proxy the server was told of:
 * then the cookie is Secure. */
static char *cookie_from(int port, const char *headers)
{
    char body[200];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", WF_LEAD, LEAD_PASSWORD);
    tu_http r;
    tu_http_send(&r, port, "POST", "/api/v1/session", headers, body, strlen(body));
    assert_int_equal(r.status, 200);
    char *set = tu_http_header(&r, "Set-Cookie");
    tu_http_free(&r);
    return set;
}

static void behind_the_trusted_proxy_the_cookie_is_secure(void **state)
{
    (void)state;
    const char *https = "X-Forwarded-Proto: https\r\nX-Forwarded-For: 192.0.2.7\r\n";
    char *set = cookie_from(wf_port(), https); /* no proxy configured: not believed */
    assert_not_contains(set, "Secure");
    free(set);
    web_config cfg = { .repo = wf_repo(),
                       .listen = "127.0.0.1:0",
                       .threads = 1,
                       .trusted_proxy = "127.0.0.1",
                       .verify_every = WEB_VERIFY_OFF };
    web_server *proxied;
    isms_err e = { 0 };
    if (web_start(&cfg, &proxied, &e))
        fail_msg("web_start: %s", e.msg);
    set = cookie_from(web_port(proxied), https);
    assert_contains(set, "; Secure");
    free(set);
    set = cookie_from(web_port(proxied), NULL); /* plain HTTP to the proxy */
    assert_not_contains(set, "Secure");
    free(set);
    web_stop(proxied);
}

/* Retiring a person, or taking the web away from them, ends their access. */
static void a_removed_user_or_retired_person_no_longer_gets_in(void **state)
{
    (void)state;
    wf_user(WF_READER, "reader-password-1");
    session s;
    assert_int_equal(sign_in(WF_READER, "reader-password-1", NULL, &s, NULL), 200);
    free(tu_isms_ok(wf_repo(), "user", "remove", WF_READER));
    assert_int_equal(with_cookie(&s, "GET", "/api/v1/session", NULL, NULL), 401);
    assert_int_equal(sign_in(WF_READER, "reader-password-1", NULL, &s, NULL), 401);
    /* a token of a person who is then retired */
    tu_http r;
    wf_req(&r, WF_READER, "GET", "/api/v1/risks", NULL, NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    wf_req(&r, WF_LEAD, "GET", "/api/v1/people/" WF_READER, NULL, NULL); /* by e-mail */
    assert_int_equal(r.status, 200);
    json_t *rita = wf_json(&r);
    tu_http_free(&r);
    free(
        tu_isms_ok(wf_repo(), "person", "retire", json_string_value(json_object_get(rita, "key"))));
    json_decref(rita);
    wf_req(&r, WF_READER, "GET", "/api/v1/risks", NULL, NULL);
    assert_int_equal(r.status, 401);
    tu_http_free(&r);
}

static void nobody_signed_in_reads_nothing(void **state)
{
    (void)state;
    tu_http r;
    wf_req(&r, NULL, "GET", "/api/v1/risks", NULL, NULL);
    assert_int_equal(r.status, 401);
    char *www = tu_http_header(&r, "WWW-Authenticate");
    assert_non_null(www);
    free(www);
    tu_http_free(&r);
    wf_req(&r, NULL, "POST", "/api/v1/risks", "{\"title\":\"x\"}", NULL);
    assert_int_equal(r.status, 401);
    tu_http_free(&r);
    wf_req(&r, NULL, "GET", "/api/v1/openapi.json", NULL, NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
}

static void user_list_and_one_time_passwords(void **state)
{
    (void)state;
    char *out = tu_isms_ok(wf_repo(), "user", "add", WF_AUDITOR);
    assert_contains(out, "shown once");
    const char *pw = strstr(out, "password ");
    char password[64];
    snprintf(password, sizeof password, "%.43s", pw + 9);
    free(out);
    session s;
    assert_int_equal(sign_in(WF_AUDITOR, password, NULL, &s, NULL), 200);
    out = tu_isms_ok(wf_repo(), "user", "list");
    assert_contains(out, WF_AUDITOR);
    assert_contains(out, WF_LEAD);
    assert_not_contains(out, "argon2"); /* no hash is ever shown */
    free(out);
    free(tu_isms_err_in(wf_repo(), "short\n", 3, "password", "user", "add", "PER-5",
                        "--password-stdin"));
}

TU_MAIN(setup, wf_teardown,
        cmocka_unit_test(a_session_is_a_strict_cookie_and_a_new_one_at_every_sign_in),
        cmocka_unit_test(a_change_by_cookie_needs_the_csrf_token),
        cmocka_unit_test(failed_sign_ins_back_off),
        cmocka_unit_test(the_back_off_is_shared_by_every_process_serving_the_repository),
        cmocka_unit_test(a_revoked_token_no_longer_works), cmocka_unit_test(a_session_expires),
        cmocka_unit_test(behind_the_trusted_proxy_the_cookie_is_secure),
        cmocka_unit_test(a_removed_user_or_retired_person_no_longer_gets_in),
        cmocka_unit_test(nobody_signed_in_reads_nothing),
        cmocka_unit_test(user_list_and_one_time_passwords))
