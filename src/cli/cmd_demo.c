/* cmd_demo.c: `isms demo FILE` builds the demo repository from the script
 * compiled into the binary (demo/nordhafen-bank.txt), running each line
 * through the same command dispatcher a user types into. */
#include "cli/cli_internal.h"
#include "domain/engine/access.h"
#include "core/xalloc.h"
#include "domain/integrity/verify.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wordexp.h>

/* Known to everyone, printed by `make run`: a demo's, never a real one's. */
#define DEMO_PASSWORD "nordhafen-demo"

extern const struct {
    const char *name;
    const char *data;
    size_t len;
} isms_demo_scripts[];

/* Runs one script line; its output goes nowhere, its errors name the line. */
static int run_line(dom *d, const char *line, int lineno, FILE *sink, isms_err *e)
{
    wordexp_t w;
    /* WRDE_NOCMD: the script is data, never a way to run commands. */
    int wrc = wordexp(line, &w, WRDE_NOCMD | WRDE_UNDEF);
    if (wrc)
        return err_set(e, E_INTERNAL, "demo", "demo script line %d cannot be split (wordexp %d)",
                       lineno, wrc);
    char **argv = xmalloc((w.we_wordc + 2) * sizeof *argv);
    argv[0] = "isms";
    for (size_t i = 0; i < w.we_wordc; i++)
        argv[i + 1] = w.we_wordv[i];
    argv[w.we_wordc + 1] = NULL;
    isms_err le = { 0 };
    int rc = cli_run((int)w.we_wordc + 1, argv, d, sink, &le);
    if (rc)
        err_set(e, rc, "demo", "demo script line %d: %s", lineno, le.msg);
    free(argv);
    wordfree(&w);
    return rc;
}

static int run_script(dom *d, const char *script, isms_err *e)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return err_set(e, E_IO, "demo", "cannot open /dev/null: %m");
    char *copy = xstrdup(script), *save = NULL;
    int rc = 0, lineno = 0;
    for (char *line = strtok_r(copy, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        while (*line == ' ')
            line++;
        if (*line && *line != '#')
            rc = run_line(d, line, lineno, sink, e);
    }
    free(copy);
    fclose(sink);
    return rc;
}

int cmd_demo(cli *c, isms_err *e)
{
    int rc = cli_need_args_no_as(c, 1, "one file to create", e);
    if (rc)
        return rc;
    const char *path = c->args[0];
    if (cli_opt_given(c, "force")) {
        rc = store_remove(path, e);
        if (rc)
            return rc;
    }
    dom *d;
    /* Lines without --as are the demo's own doing; approvals and
     * acceptances name the person who makes them. */
    rc = dom_create(path, &(principal){ .actor = "demo" }, 0, &d, e);
    if (rc)
        return rc;
    rc = dom_txn_begin(d, e);
    if (!rc)
        rc = dom_txn_end(d, run_script(d, isms_demo_scripts[0].data, e), e);
    int users = 0;
    if (!rc) /* the demo's people sign in to the web with a known password */
        rc = dom_user_set_password_everyone(d, DEMO_PASSWORD, &users, e);
    dom_close(d);
    if (rc) {
        store_remove(path, NULL);
        return rc;
    }
    char *name = store_label(path); /* a connection string may hold a password */
    fprintf(c->out, "created the demo repository %s (Nordhafen Bank AG)\n", name);
    fprintf(c->out,
            "its %d people sign in to `isms serve` by e-mail with the demo password %s "
            "(mara.lindqvist@nordhafen.example leads the ISMS)\n",
            users, DEMO_PASSWORD);
    free(name);
    return 0;
}
