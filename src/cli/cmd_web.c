/* cmd_web.c: `isms serve`, and web access from the command line: `isms
 * user add|list`, `isms token add|revoke|list`. The CLI stays the
 * administrator's tool: whoever can open the repository manages who may
 * sign in to it. */
#include "cli/cli_internal.h"
#include "core/text.h"
#include "domain/engine/access.h"
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

typedef struct ready_ctx {
    FILE *out;
    char host[300]; /* as typed in --listen */
} ready_ctx;

static void say_ready(int port, void *ctx)
{
    ready_ctx *r = ctx;
    fprintf(r->out, "isms: serving on http://%s:%d/ (Ctrl-C stops)\n", r->host, port);
    fflush(r->out);
    fflush(stdout);
}

/* --name N, an integer in 1..max, into *out (left alone when not given). */
static int int_option(cli *c, const char *name, int max, int *out, isms_err *e)
{
    const char *v = cli_opt_value(c, name);
    int64_t n;
    if (!v)
        return 0;
    int rc = parse_int64(name, v, 1, max, &n, e);
    if (!rc)
        *out = (int)n;
    return rc;
}

/* A duration option: 90 (seconds), 250ms, 90s, 15m, 1h or 1d, into
 * milliseconds in [min_ms, 366 days]; "off" or 0 gives 0 where off_ok.
 * Left alone (0 returned, *ms untouched) when not given. */
static int duration_option(cli *c, const char *name, int64_t min_ms, int off_ok, int64_t *ms,
                           isms_err *e)
{
    const char *v = cli_opt_value(c, name);
    if (!v)
        return 0;
    if (off_ok && !strcmp(v, "off")) {
        *ms = 0;
        return 0;
    }
    static const char *const units[] = { "ms", "s", "m", "h", "d" };
    static const int64_t unit_ms[] = { 1, 1000, 60000, 3600000, 86400000 };
    size_t n = strlen(v), digits = n;
    int64_t scale = 1000, k;
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t len = strlen(units[u]);
        if (n > len && !strcmp(v + n - len, units[u])) {
            digits = n - len;
            scale = unit_ms[u];
            break;
        }
    }
    char number[16];
    snprintf(number, sizeof number, "%.*s", (int)(digits < 15 ? digits : 15), v);
    int bad = digits >= 15 || parse_int64(name, number, 0, 366 * 86400000LL / scale, &k, NULL);
    if (!bad && k != 0 && k * scale < min_ms)
        bad = 1;
    if (!bad && !k && !off_ok)
        bad = 1;
    if (bad)
        return err_set(e, E_USAGE, name,
                       "--%s: %s is not a duration from %lld ms to 366 days (30s, 15m, 1h, "
                       "1d%s)",
                       name, v, (long long)(min_ms ? min_ms : 1),
                       off_ok ? "; off or 0: never" : "");
    *ms = k * scale;
    return 0;
}

/* --verify-every: whole seconds; off (or 0) turns it off (WEB_VERIFY_OFF). */
static int verify_every(cli *c, int *out, isms_err *e)
{
    int64_t ms = -1;
    int rc = duration_option(c, "verify-every", 1000, 1, &ms, e);
    if (!rc && ms >= 0)
        *out = ms ? (int)(ms / 1000) : WEB_VERIFY_OFF;
    return rc;
}

int cmd_serve(cli *c, isms_err *e)
{
    int rc = cli_start_as_process(c, 0, "no arguments", e);
    if (rc)
        return rc;
    web_config cfg = { .repo = c->repo ? c->repo : getenv("ISMS_REPO"),
                       .listen = cli_opt_value(c, "listen"),
                       .trusted_proxy = cli_opt_value(c, "trusted-proxy"),
                       .log = stderr };
    if (!cfg.repo)
        return err_set(e, E_USAGE, "repo", "--repo: which repository to serve");
    rc = int_option(c, "threads", 256, &cfg.threads, e);
    if (!rc)
        rc = int_option(c, "timeout", 3600, &cfg.timeout, e);
    if (!rc)
        rc = verify_every(c, &cfg.verify_every, e);
    int64_t whatif_ms = 0, quantify_ms = 0, measure_ms = 0;
    if (!rc)
        rc = duration_option(c, "what-if-limit", 10, 0, &whatif_ms, e);
    if (!rc)
        rc = duration_option(c, "quantify-every", 1000, 1, &quantify_ms, e);
    if (!rc)
        rc = duration_option(c, "measure-every", 1000, 1, &measure_ms, e);
    cfg.whatif_ms = whatif_ms;
    cfg.quantify_every = (int)(quantify_ms / 1000);
    cfg.measure_every = (int)(measure_ms / 1000);
    if (rc)
        return rc;
    ready_ctx ready = { .out = c->out };
    const char *listen = cfg.listen ? cfg.listen : "127.0.0.1:8080";
    const char *colon = strrchr(listen, ':');
    snprintf(ready.host, sizeof ready.host, "%.*s", colon ? (int)(colon - listen) : 0, listen);
    return web_serve(&cfg, say_ready, &ready, e);
}

/* A password from standard input: the first line, without its newline. */
static int read_password(cli *c, char **out, isms_err *e)
{
    char line[DOM_PASSWORD_MAX + 2];
    if (!fgets(line, sizeof line, stdin))
        return err_set(e, E_USAGE, "password-stdin", "--password-stdin: no password on input");
    line[strcspn(line, "\r\n")] = 0;
    *out = arena_strdup(c->a, line);
    return 0;
}

int cmd_user_add(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one person (key or e-mail)", e);
    if (rc)
        return rc;
    char *password = NULL;
    if (cli_opt_given(c, "password-stdin")) {
        rc = read_password(c, &password, e);
        if (rc)
            return rc;
    }
    const char *generated = NULL;
    rc = dom_user_set_password(c->d, c->args[0], password, &generated, e);
    if (rc)
        return rc;
    if (generated)
        fprintf(c->out, "%s may sign in with the password %s (shown once: pass it on safely)\n",
                c->args[0], generated);
    else
        fprintf(c->out, "%s may sign in with the password given\n", c->args[0]);
    return 0;
}

int cmd_user_remove(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one person (key or e-mail)", e);
    if (!rc)
        rc = dom_user_remove(c->d, c->args[0], e);
    if (!rc)
        fprintf(c->out, "%s can no longer sign in (their sessions ended)\n", c->args[0]);
    return rc;
}

static int print_user(const dom_user *u, void *ctx)
{
    cli *c = ctx;
    fprintf(c->out, "%-8s %-36s %-30s since %s%s\n", u->person_key, u->email, u->name,
            u->created_at, u->retired ? "  (retired: cannot sign in)" : "");
    return 0;
}

int cmd_user_list(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (!rc)
        rc = dom_user_list(c->d, print_user, c, e);
    return rc;
}

int cmd_token_add(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (--name N, and --as PERSON: whom it acts for)", e);
    if (rc)
        return rc;
    const principal *p = dom_who(c->d);
    if (!p->person)
        return err_set(e, E_USAGE, "as", "--as PERSON: the person the token acts for");
    const char *name = cli_opt_value(c, "name"), *token;
    rc = dom_token_add(c->d, name, p->person_key, &token, e);
    if (rc)
        return rc;
    fprintf(c->out,
            "token %s acts for %s: %s\n(shown once; send it as Authorization: Bearer "
            "TOKEN; isms token revoke --name %s ends it)\n",
            name, p->person_key, token, name);
    return 0;
}

int cmd_token_revoke(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments (--name N)", e);
    if (rc)
        return rc;
    const char *name = cli_opt_value(c, "name");
    if (!name)
        return err_set(e, E_USAGE, "name", "--name: which token to revoke");
    rc = dom_token_revoke(c->d, name, e);
    if (!rc)
        fprintf(c->out, "revoked token %s\n", name);
    return rc;
}
