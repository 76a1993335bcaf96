/* cli.c: `isms [global options] <noun> [<verb>] [arguments] [options]`.
 *
 * Parses the command line with getopt_long against a table built for the
 * command at hand (the global options, the command's own, and for register
 * commands one option per field), dispatches through commands.def or to the
 * generic register verbs, and maps the result to an exit status:
 * 0 on success, the error table's status otherwise. */
#include "cli/cli.h"
#include "cli/cli_internal.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "domain/registers/registers.h"
#include "domain/views/query.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
    const char *noun, *verb;
    cli_handler handler;
    const char *usage, *summary;
} command;

static const command commands[] = {
#define CMD(noun, verb, handler, usage, summary) {noun, verb, handler, usage, summary},
#include "cli/commands.def"
#undef CMD
};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

static const char *const register_verbs[] = {"add", "list", "show", "update", "retire", NULL};
static const char *const register_verb_help[] = {
    "add a record", "list records (active ones unless --all or --retired)", "show one record",
    "change fields of a record", "retire a record (it stays, with its history)", NULL};

/* Options every command takes. */
enum { OPT_REPO = 1000, OPT_AS, OPT_JSON, OPT_NOTE, OPT_HELP, OPT_EXTRA = 2000, OPT_FIELD = 3000 };

static const struct option global_options[] = {
    {"repo", required_argument, NULL, OPT_REPO},
    {"as", required_argument, NULL, OPT_AS},
    {"json", no_argument, NULL, OPT_JSON},
    {"note", required_argument, NULL, OPT_NOTE},
    {"help", no_argument, NULL, OPT_HELP},
};
enum { NGLOBAL = sizeof global_options / sizeof *global_options };

/* Options of particular commands, beyond fields: name, takes an argument, help. */
typedef struct extra_opt {
    const char *noun, *verb, *name;
    int has_arg;
    const char *help;
} extra_opt;

static const extra_opt extra_options[] = {
    {"*", "update", "if-version", 1, "refuse unless the record is still at this version"},
    {"*", "list", "all", 0, "include retired records"},
    {"*", "list", "retired", 0, "only retired records"},
    {"*", "list", "limit", 1, "at most this many records"},
    {"*", "list", "offset", 1, "skip this many records first"},
    {"log", NULL, "limit", 1, "only the last N entries"},
    {"risk", "quantify", "iterations", 1, "simulated years (default 100000)"},
    {"risk", "quantify", "seed", 1, "random seed: the same seed gives the same figures (default 1)"},
    {"risk", "quantify", "threads", 1, "threads (default: all cores; figures do not depend on it)"},
    {"risk", "quantify", "no-save", 0, "do not record the result as an analysis"},
    {"risk", "lec", "svg", 1, "file to write the chart to (- for standard output)"},
    {"risk", "lec", "iterations", 1, "simulated years (default 100000)"},
    {"risk", "lec", "seed", 1, "random seed (default 1)"},
    {"risk", "lec", "threads", 1, "threads (default: all cores; figures do not depend on it)"},
    {"risk", "lec", "no-save", 0, "do not record the run as an analysis (the chart then names none)"},
    {"risk", "accept", "rationale", 1, "why the risk is accepted"},
    {"risk", "accept", "until", 1, "when the acceptance lapses (default: in a year)"},
    {"quantify", NULL, "by", 1, "objective: also each objective's loss and certainty"},
    {"quantify", NULL, "iterations", 1, "simulated years (default 100000)"},
    {"quantify", NULL, "seed", 1, "random seed (default 1)"},
    {"quantify", NULL, "threads", 1, "threads (default: all cores)"},
    {"quantify", NULL, "no-save", 0, "do not record the result as an analysis"},
    {"quantify", NULL, "correlate", 1, "RISK-A,RISK-B=rho: rank correlation between two risks (repeatable)"},
    {"control", "roi", "iterations", 1, "simulated years (default 100000)"},
    {"control", "roi", "seed", 1, "random seed (default 1)"},
    {"control", "roi", "threads", 1, "threads (default: all cores)"},
    {"control", "roi", "no-save", 0, "do not record the result as an analysis"},
    {"demo", NULL, "force", 0, "replace FILE if it exists"},
    {"verify", NULL, "checkpoint", 1, "also hold the ledger to this signed checkpoint (repeatable)"},
    {"verify", NULL, "pubkey", 1, "trust only this public key for the checkpoints (repeatable)"},
    {"signing_key", "generate", "out", 1, "the new private key file (mode 0600; never overwritten)"},
    {"signing_key", "generate", "name", 1, "the key's name (default: the repository's origin)"},
    {"signing_key", "add", "key", 1, "the private key file whose public half to record"},
    {"signing_key", "add", "pubkey", 1, "a public key, NAME+ID+KEY (an auditor's, say)"},
    {"signing_key", "add", "witness", 0, "an auditor's key that countersigns, not this repository's"},
    {"checkpoint", NULL, "key", 1, "the repository's private key file"},
    {"checkpoint", NULL, "out", 1, "write the checkpoint here (default: standard output)"},
    {"checkpoint", "cosign", "key", 1, "your (the witness's) private key file"},
    {"checkpoint", "cosign", "previous", 1, "the last checkpoint you countersigned"},
    {"checkpoint", "cosign", "proof", 1, "consistency proof from it (isms ledger proof --from --to)"},
    {"checkpoint", "cosign", "pubkey", 1, "trust this public key for the repository's signature"},
    {"checkpoint", "cosign", "out", 1, "write the countersigned checkpoint here"},
    {"ledger", "root", "size", 1, "the tree head of the first N entries (default: all)"},
    {"ledger", "proof", "size", 1, "prove against the ledger's first N entries (default: all)"},
    {"ledger", "proof", "from", 1, "consistency proof from the ledger of N entries"},
    {"ledger", "proof", "to", 1, "to the ledger of M entries (default: all)"},
    {"ledger", "check", "checkpoint", 1, "the signed checkpoint the proof must lead to"},
    {"ledger", "check", "pubkey", 1, "public key the checkpoint must be signed with (repeatable)"},
    {"migrate", NULL, "from", 1, "the repository to copy (default: --repo)"},
    {"migrate", NULL, "to", 1, "the new repository: a new file or an empty PostgreSQL database"},
};
enum { NEXTRA = sizeof extra_options / sizeof *extra_options };

/* The generic verbs a register offers, and its lifecycle's: records of
 * REG_SYSTEM registers are made by workflows (isms risk accept, isms risk
 * quantify), never by hand. */
static int register_verb_allowed(const regdef *reg, const char *verb)
{
    if (reg->flags & REG_SINGLETON)
        return 0;
    if (regdef_transition(reg, verb, NULL))
        return 1;
    if (!strcmp(verb, "list") || !strcmp(verb, "show"))
        return 1;
    if (!strcmp(verb, "retire"))
        return !(reg->flags & REG_NO_RETIRE);
    return !(reg->flags & REG_SYSTEM) && (!strcmp(verb, "add") || !strcmp(verb, "update"));
}

/* Nouns typed for another: `isms key ...` is the signing_key register.
 * Help shows the noun as it is typed. */
static const char *noun_alias(const char *noun)
{
    return !strcmp(noun, "key") ? "signing_key" : noun;
}

static const char *noun_typed(const char *noun)
{
    return !strcmp(noun, "signing_key") ? "key" : noun;
}

static int verb_eq(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

static int extra_applies(const extra_opt *x, const cli *c)
{
    if (!strcmp(x->noun, "*"))
        return c->reg && c->verb && !strcmp(x->verb, c->verb);
    return !strcmp(x->noun, c->noun) && verb_eq(x->verb, c->verb);
}

static const command *find_command(const char *noun, const char *verb)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].noun, noun) && verb_eq(commands[i].verb, verb))
            return &commands[i];
    return NULL;
}

static int noun_has_verbs(const char *noun)
{
    if (register_find(noun))
        return 1;
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].noun, noun) && commands[i].verb)
            return 1;
    return 0;
}

/* Fields offered as options: what a user may set (add, update, org set) or
 * filter on (list). */
static int field_offered(const cli *c, const fielddef *f)
{
    if (!c->reg || !c->verb)
        return 0;
    if (!strcmp(c->verb, "list"))
        return dom_filterable(f);
    if (!strcmp(c->verb, "add") || !strcmp(c->verb, "update") || !strcmp(c->verb, "set"))
        return !(f->flags & FF_SYSTEM);
    return 0;
}

/* The options of a command, for getopt_long: sized to the command (every
 * field of its register gets its flag), freed by opt_table_free. */
typedef struct opt_table {
    struct option *opts;
    char (*names)[64];      /* field flags, per field */
    int n;
} opt_table;

static void build_options(const cli *c, opt_table *t)
{
    int nfields = c->reg ? c->reg->nfields : 0;
    t->opts = xcalloc((size_t)(NGLOBAL + NEXTRA + nfields + 1), sizeof *t->opts);
    t->names = xcalloc((size_t)nfields + 1, sizeof *t->names);
    t->n = 0;
    for (int i = 0; i < NGLOBAL; i++)
        t->opts[t->n++] = global_options[i];
    for (int i = 0; i < NEXTRA; i++)
        if (extra_applies(&extra_options[i], c))
            t->opts[t->n++] = (struct option){extra_options[i].name,
                                              extra_options[i].has_arg ? required_argument : no_argument,
                                              NULL, OPT_EXTRA + i};
    for (int i = 0; i < nfields; i++)
        if (field_offered(c, &c->reg->fields[i]))
            t->opts[t->n++] = (struct option){field_flag(&c->reg->fields[i], t->names[i], sizeof t->names[i]),
                                              required_argument, NULL, OPT_FIELD + i};
    t->opts[t->n] = (struct option){0, 0, 0, 0};
}

static void opt_table_free(opt_table *t)
{
    free(t->opts);
    free(t->names);
}

static int take_global(cli *c, int code, const char *arg)
{
    switch (code) {
    case OPT_REPO: c->repo = arg; return 1;
    case OPT_AS: c->as = arg; return 1;
    case OPT_JSON: c->json = 1; return 1;
    case OPT_NOTE: c->note = arg; return 1;
    case OPT_HELP: c->help = 1; return 1;
    default: return 0;
    }
}

static int unknown_option(const cli *c, const char *arg, isms_err *e)
{
    /* Approvals and acceptances once named their maker with --by. */
    if (!strncmp(arg, "--by", 4) && c->verb &&
        ((c->reg && regdef_transition(c->reg, c->verb, NULL)) || !strcmp(c->verb, "accept")))
        return err_set(e, E_USAGE, arg, "%s: there is no --by: the person who acts does it (--as PERSON)",
                       c->verb);
    return err_set(e, E_USAGE, arg, "unknown or incomplete option %s (see --help)", arg);
}

/* One option or argument of the command line into c. */
static int take_option(cli *c, int code, const char *arg, isms_err *e)
{
    if (code == 1) {   /* a positional argument, in order ("-" mode) */
        if (c->nargs >= CLI_MAX_ARGS)
            return err_set(e, E_USAGE, NULL, "too many arguments (at most %d)", CLI_MAX_ARGS);
        c->args[c->nargs++] = arg;
    } else if (code == 'h') {
        c->help = 1;
    } else if (!take_global(c, code, arg)) {
        if (c->nopts >= CLI_MAX_ARGS)
            return err_set(e, E_USAGE, NULL, "too many options (at most %d)", CLI_MAX_ARGS);
        cli_opt *o = &c->opts[c->nopts++];
        o->field = code >= OPT_FIELD ? code - OPT_FIELD : -1;
        o->name = code >= OPT_FIELD ? c->reg->fields[o->field].name : extra_options[code - OPT_EXTRA].name;
        o->arg = arg;
    }
    return 0;
}

/* Parses argv[from..] against the command's options. */
static int parse_command(cli *c, int argc, char **argv, int from, isms_err *e)
{
    opt_table t;
    build_options(c, &t);
    char **av = xcalloc((size_t)(argc - from + 2), sizeof *av);
    int ac = 0;
    av[ac++] = "isms";
    for (int i = from; i < argc; i++)
        av[ac++] = argv[i];
    optind = 0;   /* GNU: full re-initialisation, commands may run in-process */
    opterr = 0;
    int code, idx, rc = 0;
    while (!rc && (code = getopt_long(ac, av, "-h", t.opts, &idx)) != -1)
        rc = code == '?' || code == ':' ? unknown_option(c, av[optind - 1], e) : take_option(c, code, optarg, e);
    free(av);
    opt_table_free(&t);
    return rc;
}

/* ---- help ---- */

static void help_global(FILE *f)
{
    fprintf(f, "isms %s: an information security management system\n\n"
               "usage: isms [--repo REPO] [--as PERSON] [--json] [--note TEXT] <noun> [<verb>] ...\n\n"
               "registers (each has add, list, show, update, retire):\n", ISMS_VERSION);
    for (int i = 0; registers[i]; i++)
        fprintf(f, "  %-13s %s\n", noun_typed(registers[i]->name), registers[i]->summary);
    fprintf(f, "\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s%s", noun_typed(commands[i].noun),
                 commands[i].verb ? " " : "", commands[i].verb ? commands[i].verb : "");
        fprintf(f, "  %-13s %s\n", name, commands[i].summary);
    }
    fprintf(f, "\nglobal options:\n"
               "  --repo REPO   repository: a SQLite file or a PostgreSQL connection string\n"
               "                (postgres://user@host/db or host=... dbname=...; default: $ISMS_REPO)\n"
               "  --as PERSON   act as this person (key or e-mail), with their roles; the ledger records\n"
               "                them (default: $ISMS_ACTOR, else the operating-system account, os:<login>)\n"
               "  --json        machine-readable output on every list and show\n"
               "  --note TEXT   the reason for a change, kept in the ledger\n"
               "\n`isms <noun> --help` and `isms <noun> <verb> --help` say more.\n"
               "Exit status: 0 ok, 2 usage, 3 invalid value, 4 not found, 5 conflict, 6 retry,\n"
               "7 not permitted, 10 ledger verification failed; others: see docs/CLI.md.\n");
}

/* Is transition k the first by its verb? A verb that leaves several
 * states is listed once. */
static int first_of_verb(const lifecycle *lc, int k)
{
    for (int j = 0; j < k; j++)
        if (!strcmp(lc->transitions[j].verb, lc->transitions[k].verb))
            return 0;
    return 1;
}

static void help_noun(FILE *f, const char *noun)
{
    const regdef *reg = register_find(noun);
    fprintf(f, "isms %s: %s\n\nverbs:\n", noun_typed(noun), reg ? reg->summary : "");
    for (int i = 0; reg && register_verbs[i]; i++)
        if (register_verb_allowed(reg, register_verbs[i]) && !find_command(noun, register_verbs[i]))
            fprintf(f, "  %-10s %s\n", register_verbs[i], register_verb_help[i]);
    const lifecycle *lc = reg ? reg->lifecycle : NULL;
    for (int k = 0; lc && k < lc->ntransitions; k++)
        if (first_of_verb(lc, k) && !find_command(noun, lc->transitions[k].verb))
            fprintf(f, "  %-10s %s\n", lc->transitions[k].verb, lc->transitions[k].help);
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].noun, noun) && commands[i].verb)
            fprintf(f, "  %-10s %s\n", commands[i].verb, commands[i].summary);
    fprintf(f, "\n`isms %s <verb> --help` lists the options.\n", noun_typed(noun));
}

static void help_field(FILE *f, const fielddef *fd, const char *verb)
{
    char flag[64], arg[64];
    field_flag(fd, flag, sizeof flag);
    switch (fd->type) {
    case FT_INT: snprintf(arg, sizeof arg, fd->flags & FF_DYNMAX ? "1..n" : "N"); break;
    case FT_MONEY: snprintf(arg, sizeof arg, "AMOUNT"); break;
    case FT_BOOL: snprintf(arg, sizeof arg, "yes|no"); break;
    case FT_DATE: snprintf(arg, sizeof arg, "YYYY-MM-DD"); break;
    case FT_REF: snprintf(arg, sizeof arg, "%s", !strcmp(fd->target, "person") ? "PERSON" : "KEY"); break;
    case FT_LINKS: snprintf(arg, sizeof arg, "KEY[,KEY]"); break;
    case FT_ENUM: case FT_ENUMSET: snprintf(arg, sizeof arg, "VALUE"); break;
    case FT_DIST: snprintf(arg, sizeof arg, "DIST"); break;
    default: snprintf(arg, sizeof arg, "TEXT"); break;
    }
    char left[160];
    snprintf(left, sizeof left, "--%s %s", flag, arg);
    fprintf(f, "  %-30s %s%s\n", left, fd->help,
            (fd->flags & FF_REQUIRED) && !strcmp(verb, "add") ? " (required)" : "");
    if (fd->choices) {
        fprintf(f, "  %-30s   one of:", "");
        for (int k = 0; fd->choices[k]; k++)
            fprintf(f, " %s", fd->choices[k]);
        fputc('\n', f);
    }
    if (fd->deflt && !strcmp(verb, "add"))
        fprintf(f, "  %-30s   default: %s\n", "", fd->deflt);
}

/* A lifecycle verb: what it does, from which states to which, and who may. */
static void help_transition(FILE *f, const cli *c)
{
    const lifecycle *lc = c->reg->lifecycle;
    fprintf(f, "usage: isms --as PERSON %s %s KEY\n\n", noun_typed(c->noun), c->verb);
    for (int k = 0; k < lc->ntransitions; k++) {
        const transition *t = &lc->transitions[k];
        if (strcmp(t->verb, c->verb))
            continue;
        fprintf(f, "%s\n  %s -> %s; ", t->help, t->from, t->to);
        if (t->role)
            fprintf(f, "by a person with the role %s", t->role);
        else if (t->role_field)
            fprintf(f, "by a person with the role its %s calls for:",
                    field_def(c->reg, t->role_field)->name);
        else
            fprintf(f, "by anyone");
        for (const lc_role_by *b = t->role_field ? t->role_by : NULL; b && b->value; b++)
            fprintf(f, "%s %s: %s", b == t->role_by ? "" : ",", b->value, b->role);
        fprintf(f, "%s%s%s\n", t->flags & LC_FOUR_EYES ? "; not by whoever made it" : "",
                t->flags & LC_FREEZES ? "; the record can no longer change after" : "",
                t->flags & LC_SUPERSEDES ? "; supersedes the one it replaces" : "");
    }
    fprintf(f, "\nglobal options: --repo REPO, --as PERSON, --json, --note TEXT (see isms --help)\n");
}

static void help_verb(FILE *f, cli *c, const command *cmd)
{
    if (!cmd && regdef_transition(c->reg, c->verb, NULL)) {
        help_transition(f, c);
        return;
    }
    if (cmd)
        fprintf(f, "usage: isms %s%s%s %s\n\n%s\n", cmd->noun, cmd->verb ? " " : "",
                cmd->verb ? cmd->verb : "", cmd->usage, cmd->summary);
    else
        fprintf(f, "usage: isms %s %s%s [options]\n", c->noun, c->verb,
                !strcmp(c->verb, "add") || !strcmp(c->verb, "list") ? "" : " KEY");
    if (c->reg && c->verb) {
        int header = 0;
        for (int i = 0; i < c->reg->nfields; i++)
            if (field_offered(c, &c->reg->fields[i])) {
                if (!header++)
                    fprintf(f, "\n%s:\n", !strcmp(c->verb, "list") ? "filters" : "fields");
                help_field(f, &c->reg->fields[i], c->verb);
            }
    }
    int header = 0;
    for (int i = 0; i < NEXTRA; i++)
        if (extra_applies(&extra_options[i], c)) {
            if (!header++)
                fprintf(f, "\noptions:\n");
            char left[64];
            snprintf(left, sizeof left, "--%s%s", extra_options[i].name, extra_options[i].has_arg ? " VALUE" : "");
            fprintf(f, "  %-30s %s\n", left, extra_options[i].help);
        }
    fprintf(f, "\nglobal options: --repo REPO, --as PERSON, --json, --note TEXT (see isms --help)\n");
}

/* ---- shared helpers ---- */

static int open_repository(cli *c, isms_err *e)
{
    const char *repo = c->repo ? c->repo : getenv("ISMS_REPO");
    if (!repo || !*repo)
        return err_set(e, E_USAGE, "repo",
                       "no repository given: use --repo FILE|postgres://... or set ISMS_REPO");
    int rc = dom_open(repo, &c->d, e);
    if (!rc && dom_upgraded_from(c->d)) {
        char *name = store_label(repo);
        int file = !strcmp(store_backend(dom_store(c->d)), "sqlite");
        fprintf(stderr, "isms: upgraded %s from schema version %d to %d%s\n", name,
                dom_upgraded_from(c->d), store_schema_latest(),
                file ? " (a copy of the old file was kept beside it)" : "");
        free(name);
    }
    return rc;
}

int cli_open(cli *c, isms_err *e)
{
    if (c->began)
        return 0;
    int rc = c->d ? 0 : open_repository(c, e);
    if (rc)
        return rc;
    c->a = dom_arena(c->d);
    const char *who = c->as ? c->as : getenv("ISMS_ACTOR");
    principal p;
    if ((rc = dom_principal(c->d, who && *who ? who : NULL, &p, e)))
        return rc;
    p.note = c->note;
    if ((rc = dom_begin(c->d, &p, e)))
        return rc;
    c->began = 1;
    return 0;
}

int cli_no_as(const cli *c, isms_err *e)
{
    if (!c->as)
        return 0;
    return err_set(e, E_USAGE, "as", "--as: isms %s acts as the operating-system account; --as names "
                   "a person of an existing repository, for the commands on it", c->noun);
}

const char *cli_opt_value(const cli *c, const char *name)
{
    const char *v = NULL;
    for (int i = 0; i < c->nopts; i++)
        if (!strcmp(c->opts[i].name, name))
            v = c->opts[i].arg ? c->opts[i].arg : "";
    return v;
}

int cli_opt_given(const cli *c, const char *name) { return cli_opt_value(c, name) != NULL; }

int cli_start(cli *c, int n, const char *what, isms_err *e)
{
    int rc = cli_need_args(c, n, what, e);
    return rc ? rc : cli_open(c, e);
}

int cli_need_args(const cli *c, int n, const char *what, isms_err *e)
{
    if (c->nargs == n)
        return 0;
    return err_set(e, E_USAGE, what, "%s %s%s%s: expected %s, got %d argument%s", "isms", c->noun,
                   c->verb ? " " : "", c->verb ? c->verb : "", what, c->nargs, c->nargs == 1 ? "" : "s");
}

/* ---- dispatch ---- */

static int dispatch(cli *c, int argc, char **argv, isms_err *e)
{
    opterr = 0;
    optind = 0;
    struct option g[NGLOBAL + 1];
    memcpy(g, global_options, sizeof global_options);
    g[NGLOBAL] = (struct option){0, 0, 0, 0};
    int code, idx;
    while ((code = getopt_long(argc, argv, "+h", g, &idx)) != -1) {
        if (code == 'h')
            c->help = 1;
        else if (!take_global(c, code, optarg))
            return unknown_option(c, argv[optind - 1], e);
    }
    if (optind >= argc) {
        help_global(c->help ? c->out : stderr);
        return c->help ? 0 : err_set(e, E_USAGE, NULL, "no command given");
    }
    int at = optind;
    c->noun = noun_alias(argv[at++]);
    if (!strcmp(c->noun, "help")) {
        help_global(c->out);
        return 0;
    }
    if (noun_has_verbs(c->noun) && at < argc && argv[at][0] != '-')
        c->verb = argv[at++];
    c->reg = register_find(c->noun);
    if (c->reg)
        c->noun = c->reg->name;
    const command *cmd = find_command(c->noun, c->verb);
    if (!cmd && !c->reg && !noun_has_verbs(c->noun))
        return err_set(e, E_USAGE, c->noun, "unknown command \"%s\" (see isms --help)", c->noun);
    if (!cmd && !c->verb) {
        for (int i = at; i < argc; i++)
            c->help |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
        help_noun(c->help ? c->out : stderr, c->noun);
        return c->help ? 0 : err_set(e, E_USAGE, c->noun, "isms %s: which verb?",
                                     noun_typed(c->noun));
    }
    if (!cmd && (!c->reg || !register_verb_allowed(c->reg, c->verb)))
        return err_set(e, E_USAGE, c->verb, "isms %s has no verb \"%s\" (see isms %s --help)",
                       noun_typed(c->noun), c->verb, noun_typed(c->noun));
    int rc = parse_command(c, argc, argv, at, e);
    if (rc)
        return rc;
    if (c->help) {
        help_verb(c->out, c, cmd);
        return 0;
    }
    return cmd ? cmd->handler(c, e) : cmd_register(c, e);
}

/* The domain's messages name fields ("residual_likelihood: 6 is out of
 * range 1..5"); on the command line the user typed an option, so the
 * message gets it as a hint, here, once for every command. */
static void hint_option(const cli *c, isms_err *e)
{
    if (!e || !e->code || !c->reg)
        return;
    int fi = regdef_field(c->reg, e->field);
    if (fi < 0 || strcmp(c->reg->fields[fi].name, e->field) || !field_offered(c, &c->reg->fields[fi]))
        return;
    char flag[64], option[80];
    snprintf(option, sizeof option, "--%s", field_flag(&c->reg->fields[fi], flag, sizeof flag));
    size_t len = strlen(e->msg);
    if (!strstr(e->msg, option))
        snprintf(e->msg + len, sizeof e->msg - len, " (option %s)", option);
}

int cli_run(int argc, char **argv, dom *shared, FILE *out, isms_err *e)
{
    cli c;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.d = shared;
    arena_init(&c.own);
    c.a = &c.own;
    int rc = dispatch(&c, argc, argv, e);
    if (rc)
        hint_option(&c, e);
    if (c.began)
        dom_end(c.d);
    if (c.d && c.d != shared)
        dom_close(c.d);
    derive_cache_free(c.derived);
    arena_free(&c.own);
    return rc;
}

int cli_main(int argc, char **argv)
{
    isms_err e = {0};
    int rc = cli_run(argc, argv, NULL, stdout, &e);
    if (fflush(stdout) != 0 && !rc)
        rc = err_set(&e, E_IO, NULL, "cannot write the output: %m");
    if (rc) {
        fprintf(stderr, "isms: %s\n", e.msg[0] ? e.msg : err_text(rc));
        return err_exit_status(rc);
    }
    return 0;
}
