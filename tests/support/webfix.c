/* webfix.c: see webfix.h. */
#include "support/webfix.h"
#include "support/testutil.h"
#include "web/web.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static web_server *server;
static const char *repo;

typedef struct token_cache {
    char who[100];
    char token[64];
} token_cache;
static token_cache tokens[16];
static int ntokens;

void wf_start(const char *name)
{
    repo = tu_repo(name);
    free(tu_isms_ok(NULL, "demo", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Rita Reader", "--email", WF_READER, "--role",
                    "reader"));
    isms_err e = { 0 };
    web_config cfg = { .repo = repo,
                       .listen = "127.0.0.1:0",
                       .threads = 3,
                       .body_max = 64 * 1024,
                       .verify_every = WEB_VERIFY_OFF, /* the tests say when to verify */
                       .log = getenv("ISMS_TEST_WEB_LOG") ? stderr : NULL };
    if (web_start(&cfg, &server, &e))
        fail_msg("web_start: %s", e.msg);
}

void wf_stop(void)
{
    web_stop(server);
    server = NULL;
}

int wf_setup(void **state)
{
    (void)state;
    wf_start("web.isms");
    return 0;
}

int wf_teardown(void **state)
{
    (void)state;
    wf_stop();
    return 0;
}

int wf_port(void) { return web_port(server); }
const char *wf_repo(void) { return repo; }

int wf_spawn(const char *repo_path, const char *log, int *port)
{
    return wf_spawn_with(repo_path, log, port, NULL, NULL);
}

int wf_spawn_with(const char *repo_path, const char *log, int *port, const char *option,
                  const char *value)
{
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        dup2(out[1], 1);
        FILE *logf = fopen(log, "a");
        dup2(fileno(logf), 2);
        close(out[0]);
        execl(ISMS_BIN, "isms", "--repo", repo_path, "serve", "--listen", "127.0.0.1:0",
              "--timeout", "1", "--threads", "2", "--verify-every", "off", option, value,
              (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[300] = "";
    if (!fgets(line, sizeof line, f))
        fail_msg("isms serve printed nothing");
    fclose(f);
    const char *at = strstr(line, "http://127.0.0.1:");
    assert_non_null(at);
    *port = atoi(at + strlen("http://127.0.0.1:"));
    assert_true(*port > 0);
    return pid;
}

void wf_user(const char *who, const char *password)
{
    char input[128];
    snprintf(input, sizeof input, "%s\n", password);
    tu_result r;
    tu_isms(&r, repo, input, "user", "add", who, "--password-stdin", (const char *)NULL);
    if (r.status)
        fail_msg("user add %s: %s", who, r.err);
    tu_result_free(&r);
}

const char *wf_token(const char *who)
{
    for (int i = 0; i < ntokens; i++)
        if (!strcmp(tokens[i].who, who))
            return tokens[i].token;
    char name[120];
    snprintf(name, sizeof name, "test-%d", ntokens);
    char *out = tu_isms_ok(repo, "--as", who, "token", "add", "--name", name);
    const char *colon = strstr(out, ": ");
    assert_non_null(colon);
    token_cache *t = &tokens[ntokens++];
    snprintf(t->who, sizeof t->who, "%s", who);
    snprintf(t->token, sizeof t->token, "%.43s", colon + 2);
    free(out);
    return t->token;
}

void wf_req(tu_http *r, const char *who, const char *method, const char *path, const char *body,
            const char *headers)
{
    char h[1024] = "";
    if (who)
        snprintf(h, sizeof h, "Authorization: Bearer %s\r\n", wf_token(who));
    if (headers)
        strncat(h, headers, sizeof h - strlen(h) - 1);
    if (body)
        strncat(h, "Content-Type: application/json\r\n", sizeof h - strlen(h) - 1);
    tu_http_send(r, wf_port(), method, path, h, body, body ? strlen(body) : 0);
}

void wf_form(tu_http *r, const char *who, const char *path, const char *form)
{
    char h[512] = "Content-Type: application/x-www-form-urlencoded\r\n";
    if (who)
        snprintf(h + strlen(h), sizeof h - strlen(h), "Authorization: Bearer %s\r\n",
                 wf_token(who));
    tu_http_send(r, wf_port(), "POST", path, h, form, strlen(form));
}

char *wf_page(const char *who, const char *path, int status)
{
    tu_http r;
    wf_req(&r, who, "GET", path, NULL, NULL);
    if (r.status != status)
        fail_msg("GET %s: %d, expected %d: %.300s", path, r.status, status, r.body ? r.body : "");
    char *body = strdup(r.body ? r.body : "");
    tu_http_free(&r);
    return body;
}

int64_t wf_total(const char *path)
{
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
    if (r.status != 200)
        fail_msg("GET %s: %d: %.300s", path, r.status, r.body ? r.body : "");
    json_t *j = wf_json(&r);
    int64_t n = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    tu_http_free(&r);
    return n;
}

json_t *wf_json(const tu_http *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body ? r->body : "", r->body_len, 0, &je);
    if (!j)
        fail_msg("not JSON (%s): status %d, %s", je.text, r->status, r->body ? r->body : "");
    return j;
}

const char *wf_error_field(const tu_http *r)
{
    static char field[128];
    field[0] = 0;
    json_t *j = json_loadb(r->body ? r->body : "", r->body_len, 0, NULL);
    const char *f = json_string_value(json_object_get(json_object_get(j, "error"), "field"));
    snprintf(field, sizeof field, "%s", f ? f : "");
    json_decref(j);
    return field;
}
