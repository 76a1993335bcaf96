/* cli.c: `isms [global options] <noun> [<verb>] [arguments] [options]`.
 *
 * Parses the command line with getopt_long against a table built for the
 * command at hand (the global options, the command's own, and for register
 * commands one option per field), dispatches through commands.def or to the
 * generic register verbs, and maps the result to an exit status:
 * 0 on success, the error table's status otherwise. */
#include "cli/cli.h"
#include "cli/cli_internal.h"
#include "cli/longjob.h"
#include "core/buf.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "domain/registers/registers.h"
#include "formats/json.h"
#include "domain/views/query.h"
#include "domain/views/states.h"
#include "store/store.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct command {
    const char *noun, *verb;
    cli_handler handler;
    const char *usage, *summary;
} command;

static const command commands[] = {
#define CMD(noun, verb, handler, usage, summary) { noun, verb, handler, usage, summary },
#include "cli/commands.def"
#undef CMD
};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

static const char *const register_verbs[] = { "add",    "list",   "show", "update",
                                              "retire", "import", NULL };
static const char *const register_verb_help[] = {
    "add a record",
    "list records (active ones unless --all or --retired)",
    "show one record",
    "change fields of a record",
    "retire a record (it stays, with its history)",
    "add and change records from a CSV file (a spreadsheet's): all rows or none",
    NULL
};

/* Options every command takes; then, by ranges of codes, a command's own
 * options (extra_options), its register's fields (set, add members,
 * remove members) and its derived states (list filters). */
enum {
    OPT_REPO = 1000,
    OPT_AS,
    OPT_JSON,
    OPT_NOTE,
    OPT_HELP,
    OPT_VERSION,
    OPT_EXTRA = 2000,
    OPT_FIELD = 3000,
    OPT_ADD = 4000,
    OPT_REMOVE = 5000,
    OPT_STATE = 6000,
};

static const struct option global_options[] = {
    { "repo", required_argument, NULL, OPT_REPO }, { "as", required_argument, NULL, OPT_AS },
    { "json", no_argument, NULL, OPT_JSON },       { "note", required_argument, NULL, OPT_NOTE },
    { "help", no_argument, NULL, OPT_HELP },       { "version", no_argument, NULL, OPT_VERSION },
};
enum { NGLOBAL = sizeof global_options / sizeof *global_options };

/* Options of particular commands, beyond fields: name, takes an argument, help. */
typedef struct extra_opt {
    const char *noun, *verb, *name;
    int has_arg;
    const char *help;
} extra_opt;

static const extra_opt extra_options[] = {
#define OPT(noun, verb, name, has_arg, help) { noun, verb, name, has_arg, help },
#include "cli/options.def"
#undef OPT
};
enum { NEXTRA = sizeof extra_options / sizeof *extra_options };

/* What a noun is for when it is neither a register nor a command of its
 * own (whose summary says it), only the noun of its verbs. */
static const struct {
    const char *noun, *summary;
} noun_summaries[] = {
    { "ledger",
      "the ledger's Merkle tree: its head, proofs, and checking them without the repository" },
    { "user", "who may sign in to the web (isms serve) with a password: the repository's people" },
    { "token", "API tokens: the web API for automation, acting for a person, revocable" },
    { "oscal", "NIST OSCAL documents: catalogs, profiles, mapping collections in; the control set, "
               "SoA, system security plan and mappings out" },
    { "map", "mappings of controls and requirements onto requirements, and suggestions through "
             "the crosswalks" },
};

/* The registers whose records workflows make, and which: said in the help,
 * and when someone tries `add`. */
static const struct {
    const char *noun, *made_by;
} made_by[] = {
    { "acceptance", "isms risk accept" },
    { "analysis", "isms risk quantify, isms risk lec, isms quantify, isms control roi" },
};

static const char *noun_summary(const char *noun)
{
    const regdef *reg = register_find(noun);
    if (reg)
        return reg->summary;
    for (size_t i = 0; i < sizeof noun_summaries / sizeof *noun_summaries; i++)
        if (!strcmp(noun_summaries[i].noun, noun))
            return noun_summaries[i].summary;
    return NULL;
}

static const char *register_made_by(const regdef *reg)
{
    for (size_t i = 0; i < sizeof made_by / sizeof *made_by; i++)
        if (!strcmp(made_by[i].noun, reg->name))
            return made_by[i].made_by;
    return NULL;
}

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
    return !(reg->flags & REG_SYSTEM) &&
           (!strcmp(verb, "add") || !strcmp(verb, "update") || !strcmp(verb, "import"));
}

/* Nouns typed for another: `isms key ...` is the signing_key register.
 * Help shows the noun as it is typed. */
static const char *noun_alias(const char *noun)
{
    return !strcmp(noun, "key") ? "signing_key" : noun;
}

const char *cli_noun_typed(const char *noun) { return !strcmp(noun, "signing_key") ? "key" : noun; }

static int verb_eq(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* The commands that run the Monte Carlo engine share its options. */
static int runs_simulation(const cli *c)
{
    static const char *const runs[][2] = {
        { "risk", "quantify" }, { "risk", "lec" }, { "quantify", NULL }, { "control", "roi" }
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        if (!strcmp(c->noun, runs[i][0]) && verb_eq(c->verb, runs[i][1]))
            return 1;
    return 0;
}

static int extra_applies(const extra_opt *x, const cli *c)
{
    if (!strcmp(x->noun, "@simulation"))
        return runs_simulation(c);
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

/* A set field changed by members on update: --add-asset, --remove-asset. */
static int members_offered(const cli *c, const fielddef *f)
{
    return c->verb && !strcmp(c->verb, "update") &&
           (f->type == FT_LINKS || f->type == FT_ENUMSET) && field_offered(c, f);
}

/* The derived states a list may select (risk list --overdue). */
static const dom_state *states_offered(const cli *c, int *n)
{
    *n = 0;
    if (!c->reg || !c->verb || strcmp(c->verb, "list"))
        return NULL;
    return dom_states(c->reg, n);
}

/* The options of a command, for getopt_long: sized to the command (every
 * field of its register gets its flags), freed by opt_table_free. */
typedef struct opt_table {
    struct option *opts;
    char (*names)[3][80]; /* per field: its flag, add-flag, remove-flag */
    int n;
} opt_table;

static void build_options(const cli *c, opt_table *t)
{
    int nfields = c->reg ? c->reg->nfields : 0, nstates;
    const dom_state *states = states_offered(c, &nstates);
    t->opts = xcalloc((size_t)(NGLOBAL + NEXTRA + 3 * nfields + nstates + 1), sizeof *t->opts);
    t->names = xcalloc((size_t)nfields + 1, sizeof *t->names);
    t->n = 0;
    for (int i = 0; i < NGLOBAL; i++)
        t->opts[t->n++] = global_options[i];
    for (int i = 0; i < NEXTRA; i++)
        if (extra_applies(&extra_options[i], c))
            t->opts[t->n++] =
                (struct option){ extra_options[i].name,
                                 extra_options[i].has_arg ? required_argument : no_argument, NULL,
                                 OPT_EXTRA + i };
    for (int i = 0; i < nfields; i++) {
        const fielddef *f = &c->reg->fields[i];
        if (!field_offered(c, f))
            continue;
        char *names = t->names[i][0];
        t->opts[t->n++] =
            (struct option){ field_flag(f, names, 80), required_argument, NULL, OPT_FIELD + i };
        if (!members_offered(c, f))
            continue;
        snprintf(t->names[i][1], 80, "add-%.70s", names); /* flags are far shorter */
        snprintf(t->names[i][2], 80, "remove-%.70s", names);
        t->opts[t->n++] = (struct option){ t->names[i][1], required_argument, NULL, OPT_ADD + i };
        t->opts[t->n++] =
            (struct option){ t->names[i][2], required_argument, NULL, OPT_REMOVE + i };
    }
    for (int k = 0; k < nstates; k++)
        t->opts[t->n++] = (struct option){ states[k].name, no_argument, NULL, OPT_STATE + k };
    t->opts[t->n] = (struct option){ 0, 0, 0, 0 };
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
    case OPT_VERSION: c->version = 1; return 1;
    default: return 0;
    }
}

/* ---- "did you mean" ---- */

/* Edit distance between a and b, a swap of neighbours counting once
 * (optimal string alignment), case-insensitive; 0..WORD_MAX. */
enum { WORD_MAX = 64 };
static int lower(int ch) { return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch; }

static int edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n >= WORD_MAX || m >= WORD_MAX)
        return WORD_MAX;
    int d[WORD_MAX][WORD_MAX];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            int best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* The candidate closest to `typed`, if close enough to be a slip of the
 * keyboard: one edit in a short word, two in a longer one (or typed is the
 * start of it). NULL: none. */
typedef struct suggestion {
    const char *typed, *best;
    int distance;
} suggestion;

static void consider(suggestion *s, const char *candidate)
{
    if (!candidate || !*candidate)
        return;
    int d = edit_distance(s->typed, candidate);
    size_t len = strlen(s->typed);
    int limit = len <= 4 ? 1 : 2;
    if (len >= 3 && !strncmp(candidate, s->typed, len))
        d = d < limit ? d : limit; /* an unfinished word */
    if (d <= limit && (!s->best || d < s->distance)) {
        s->best = candidate;
        s->distance = d;
    }
}

/* " (did you mean X?)", or "", in the arena. */
static const char *did_you_mean(cli *c, const suggestion *s, const char *prefix)
{
    return s->best ? arena_printf(c->a, "; did you mean %s%s?", prefix, s->best) : "";
}

static int unknown_option(cli *c, const opt_table *t, const char *arg, isms_err *e)
{
    /* Approvals and acceptances once named their maker with --by. */
    if (!strncmp(arg, "--by", 4) && c->verb &&
        ((c->reg && regdef_transition(c->reg, c->verb, NULL)) || !strcmp(c->verb, "accept")))
        return err_set(e, E_USAGE, arg,
                       "%s: there is no --by: the person who acts does it (--as PERSON)", c->verb);
    char name[WORD_MAX];
    snprintf(name, sizeof name, "%s", arg + strspn(arg, "-"));
    name[strcspn(name, "=")] = 0;
    suggestion s = { .typed = name };
    int prefix_of = 0;
    for (int i = 0; i < t->n; i++) {
        consider(&s, t->opts[i].name);
        prefix_of += *name && !strncmp(t->opts[i].name, name, strlen(name));
    }
    if (prefix_of > 1)
        return err_set(e, E_USAGE, arg, "option %s is ambiguous: it begins %d options (see --help)",
                       arg, prefix_of);
    return err_set(e, E_USAGE, arg, "unknown option %s%s (see isms %s%s%s --help)", arg,
                   did_you_mean(c, &s, "--"), cli_noun_typed(c->noun ? c->noun : ""),
                   c->verb ? " " : "", c->verb ? c->verb : "");
}

/* One option or argument of the command line into c. */
static int take_option(cli *c, int code, const char *arg, isms_err *e)
{
    if (code == 1) { /* a positional argument, in order ("-" mode) */
        if (c->nargs >= CLI_MAX_ARGS)
            return err_set(e, E_USAGE, NULL, "too many arguments (at most %d)", CLI_MAX_ARGS);
        c->args[c->nargs++] = arg;
    } else if (code == 'h') {
        c->help = 1;
    } else if (!take_global(c, code, arg)) {
        if (c->nopts >= CLI_MAX_ARGS)
            return err_set(e, E_USAGE, NULL, "too many options (at most %d)", CLI_MAX_ARGS);
        cli_opt *o = &c->opts[c->nopts++];
        *o = (cli_opt){ .field = -1, .state = -1, .mode = '=', .arg = arg };
        if (code >= OPT_STATE) {
            int n;
            o->state = code - OPT_STATE;
            o->name = dom_states(c->reg, &n)[o->state].name;
        } else if (code >= OPT_FIELD) {
            o->field = (code - OPT_FIELD) % 1000;
            o->mode = code >= OPT_REMOVE ? '-' : code >= OPT_ADD ? '+' : '=';
            o->name = c->reg->fields[o->field].name;
        } else {
            o->name = extra_options[code - OPT_EXTRA].name;
        }
        o->typed = c->typed_opt;
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
    optind = 0; /* GNU: full re-initialisation, commands may run in-process */
    opterr = 0;
    int code, idx, rc = 0;
    while (!rc) {
        idx = -1;
        code = getopt_long(ac, av, "-h", t.opts, &idx);
        if (code == -1)
            break;
        if (code == '?' || code == ':') {
            rc = unknown_option(c, &t, av[optind - 1], e);
            break;
        }
        /* the option's full name, as the hints of errors give it back */
        c->typed_opt = idx >= 0 ? arena_strdup(c->a, t.opts[idx].name) : NULL;
        rc = take_option(c, code, optarg, e);
    }
    free(av);
    opt_table_free(&t);
    return rc;
}

/* ---- help ---- */

/* The generic verbs reg offers, "list, show, retire", in the arena. */
static const char *verbs_of(cli *c, const regdef *reg)
{
    buf b;
    buf_init(&b);
    for (int i = 0; register_verbs[i]; i++)
        if (register_verb_allowed(reg, register_verbs[i]) ||
            find_command(reg->name, register_verbs[i]))
            buf_printf(&b, "%s%s", b.len ? ", " : "", register_verbs[i]);
    const char *s = arena_strdup(c->a, buf_str(&b));
    buf_reset(&b);
    return s;
}

static void help_global(cli *c, FILE *f)
{
    int width = 13; /* the names' column: as wide as the widest, and two spaces */
    for (int i = 0; i < NCOMMANDS; i++) {
        int w = (int)strlen(cli_noun_typed(commands[i].noun)) +
                (commands[i].verb ? 1 + (int)strlen(commands[i].verb) : 0);
        width = w > width ? w : width;
    }
    width++;
    fprintf(f,
            "isms %s: an information security management system\n\n"
            "usage: isms [--repo REPO] [--as PERSON] [--json] [--note TEXT] <noun> [<verb>] ...\n"
            "       isms help <noun> [<verb>]          isms --version\n\n"
            "registers (each has add, list, show, update, retire, unless said):\n",
            ISMS_VERSION);
    for (int i = 0; registers[i]; i++) {
        const regdef *reg = registers[i];
        fprintf(f, "  %-*s %s\n", width, cli_noun_typed(reg->name), reg->summary);
        const char *by = register_made_by(reg);
        if (by)
            fprintf(f, "  %-*s   records made by %s, not add (%s)\n", width, "", by,
                    verbs_of(c, reg));
        else if (reg->flags & REG_SINGLETON)
            fprintf(f, "  %-*s   one record: isms %s set, isms %s show\n", width, "", reg->name,
                    reg->name);
    }
    fprintf(f, "\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++) {
        const char *noun = commands[i].noun;
        int first = 1;
        for (int j = 0; j < i; j++)
            first &= strcmp(commands[j].noun, noun) != 0;
        if (first && commands[i].verb && !register_find(noun)) /* a noun of verbs: what it is for */
            fprintf(f, "  %-*s %s\n", width, cli_noun_typed(noun),
                    noun_summary(noun) ? noun_summary(noun) : "");
        char name[64];
        snprintf(name, sizeof name, "%s%s%s", cli_noun_typed(noun), commands[i].verb ? " " : "",
                 commands[i].verb ? commands[i].verb : "");
        fprintf(f, "  %-*s %s\n", width, name, commands[i].summary);
    }
    fprintf(
        f,
        "\nglobal options:\n"
        "  --repo REPO   repository: a SQLite file or a PostgreSQL connection string\n"
        "                (postgres://user@host/db or host=... dbname=...; default: $ISMS_REPO)\n"
        "  --as PERSON   act as this person (key or e-mail), with their roles; the ledger records\n"
        "                them (default: $ISMS_ACTOR, else the operating-system account, "
        "os:<login>)\n"
        "  --json        machine-readable output on every list and show\n"
        "  --note TEXT   the reason for a change, kept in the ledger\n"
        "  --version     print the version\n"
        "\n`isms help <noun>` (or `isms <noun> --help`) and `isms help <noun> <verb>` say more.\n"
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
    const char *summary = noun_summary(noun), *by = reg ? register_made_by(reg) : NULL;
    fprintf(f, "isms %s: %s\n", cli_noun_typed(noun), summary ? summary : "");
    if (by)
        fprintf(f, "records are made by %s, not added by hand\n", by);
    fprintf(f, "\nverbs:\n");
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
    fprintf(f, "\n`isms %s <verb> --help` lists the options.\n", cli_noun_typed(noun));
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
    case FT_REF:
        snprintf(arg, sizeof arg, "%s", !strcmp(fd->target, "person") ? "PERSON" : "KEY");
        break;
    case FT_LINKS:
        snprintf(arg, sizeof arg, "%s", !strcmp(verb, "list") ? "KEY" : "KEY[,KEY]");
        break;
    case FT_ENUM:
    case FT_ENUMSET: snprintf(arg, sizeof arg, "VALUE"); break;
    case FT_DIST: snprintf(arg, sizeof arg, "DIST"); break;
    default: snprintf(arg, sizeof arg, "TEXT"); break;
    }
    char left[160];
    snprintf(left, sizeof left, "--%s %s", flag, arg);
    fprintf(f, "  %-30s %s%s\n", left, fd->help,
            (fd->flags & FF_REQUIRED) && !strcmp(verb, "add") ? " (required)" : "");
    if (fd->choices && fd->choice_help) { /* one a line, with what each means */
        fprintf(f, "  %-30s   one of:\n", "");
        for (int k = 0; fd->choices[k]; k++)
            fprintf(f, "  %-30s     %s: %s\n", "", fd->choices[k], fd->choice_help[k]);
    } else if (fd->choices) {
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
    fprintf(f, "usage: isms --as PERSON %s %s KEY\n\n", cli_noun_typed(c->noun), c->verb);
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
    fprintf(f,
            "\nglobal options: --repo REPO, --as PERSON, --json, --note TEXT (see isms --help)\n");
}

/* `import`: the columns its header may name (the fields are not options). */
static void help_import(FILE *f, const cli *c)
{
    fprintf(f,
            "usage: isms %s import FILE.csv|- [options]\n\n"
            "The first row names the columns; each other row is a record. A row with a key\n"
            "changes that record (an empty cell clears the field); a row without one adds a\n"
            "record (an empty cell takes the default). Every row is checked as `isms %s add`\n"
            "or `update` would check it; if any is refused, nothing is written and each\n"
            "refused row is named with its line.\n\ncolumns:\n  %-30s %s\n",
            cli_noun_typed(c->noun), cli_noun_typed(c->noun), "key",
            "the record a row changes (empty: a new record)");
    for (int i = 0; i < c->reg->nfields; i++) {
        const fielddef *fd = &c->reg->fields[i];
        if (!(fd->flags & FF_SYSTEM))
            fprintf(f, "  %-30s %s%s\n", fd->name, fd->help,
                    fd->flags & FF_REQUIRED ? " (required on add)" : "");
    }
}

static void help_verb(FILE *f, cli *c, const command *cmd)
{
    if (!cmd && regdef_transition(c->reg, c->verb, NULL)) {
        help_transition(f, c);
        return;
    }
    if (!cmd && !strcmp(c->verb, "import"))
        help_import(f, c);
    else if (cmd)
        fprintf(f, "usage: isms %s%s%s %s\n\n%s\n", cmd->noun, cmd->verb ? " " : "",
                cmd->verb ? cmd->verb : "", cmd->usage, cmd->summary);
    else
        fprintf(f, "usage: isms %s %s%s [options]\n", c->noun, c->verb,
                !strcmp(c->verb, "add") || !strcmp(c->verb, "list") ? "" : " KEY");
    if (c->reg && c->verb) {
        int header = 0;
        for (int i = 0; i < c->reg->nfields; i++)
            if (field_offered(c, &c->reg->fields[i])) {
                if (!header)
                    fprintf(f, "\n%s:\n", !strcmp(c->verb, "list") ? "filters" : "fields");
                header = 1;
                help_field(f, &c->reg->fields[i], c->verb);
            }
        header = 0;
        for (int i = 0; i < c->reg->nfields; i++)
            if (members_offered(c, &c->reg->fields[i])) {
                char flag[80], left[200];
                field_flag(&c->reg->fields[i], flag, sizeof flag);
                if (!header++)
                    fprintf(f, "\nmembers of sets (a set given whole replaces the old one):\n");
                snprintf(left, sizeof left, "--add-%s, --remove-%s %s", flag, flag,
                         c->reg->fields[i].type == FT_LINKS ? "KEY" : "VALUE");
                fprintf(f, "  %-30s add or remove members of %s\n", left, c->reg->fields[i].name);
            }
        int nstates;
        const dom_state *states = states_offered(c, &nstates);
        for (int k = 0; k < nstates; k++) {
            char left[80];
            if (!k)
                fprintf(f, "\nstates (as the dashboard counts them):\n");
            snprintf(left, sizeof left, "--%s", states[k].name);
            fprintf(f, "  %-30s %s\n", left, states[k].help);
        }
    }
    int header = 0;
    for (int i = 0; i < NEXTRA; i++)
        if (extra_applies(&extra_options[i], c)) {
            if (!header)
                fprintf(f, "\noptions:\n");
            header = 1;
            char left[64];
            snprintf(left, sizeof left, "--%s%s", extra_options[i].name,
                     extra_options[i].has_arg ? " VALUE" : "");
            fprintf(f, "  %-30s %s\n", left, extra_options[i].help);
        }
    fprintf(f,
            "\nglobal options: --repo REPO, --as PERSON, --json, --note TEXT (see isms --help)\n");
}

/* ---- shared helpers ---- */

/* A long upgrade's progress, on a terminal: one line rewritten. */
static void upgrade_progress(const char *what, int64_t done, int64_t total)
{
    fprintf(stderr, "\risms: upgrading: %s: %3d%%", what, (int)(100 * done / total));
    if (done >= total)
        fputc('\n', stderr);
}

static int open_repository(cli *c, isms_err *e)
{
    const char *repo = c->repo ? c->repo : getenv("ISMS_REPO");
    if (!repo || !*repo)
        return err_set(e, E_USAGE, "repo",
                       "no repository given: use --repo FILE|postgres://... or set ISMS_REPO");
    store_set_progress(isatty(STDERR_FILENO) ? upgrade_progress : NULL);
    /* an upgrade is a long job: Ctrl-C stops it, the repository unchanged */
    longjob j;
    longjob_start(&j, "upgrading");
    store_set_cancel(longjob_cancel());
    int rc = dom_open(repo, &c->d, e);
    store_set_cancel(NULL);
    int stopped = *longjob_cancel();
    longjob_end(&j, 0, e); /* (an interrupted upgrade said so itself) */
    if (!rc && dom_upgraded_from(c->d)) {
        char *name = store_label(repo);
        int file = !strcmp(store_backend(dom_store(c->d)), "sqlite");
        fprintf(stderr, "isms: upgraded %s from schema version %d to %d%s\n", name,
                dom_upgraded_from(c->d), store_schema_latest(),
                file ? " (a copy of the old file was kept beside it)" : "");
        free(name);
    }
    if (!rc && stopped) { /* Ctrl-C while it opened: the command is not run */
        dom_close(c->d);
        c->d = NULL;
        rc = err_set(e, E_INTERRUPTED, NULL, "interrupted: the command was not run");
    }
    return rc;
}

/* The command acts for the person `who` names (--as, ISMS_ACTOR). */
static int begin_as(cli *c, const char *who, isms_err *e)
{
    principal p;
    int rc = dom_principal(c->d, who, &p, e);
    if (rc)
        return rc;
    p.note = c->note;
    return dom_begin(c->d, &p, e);
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
    rc = who && *who ? begin_as(c, who, e) : dom_begin_as_process(c->d, c->note, e);
    if (rc)
        return rc;
    c->began = 1;
    return 0;
}

int cli_no_as(const cli *c, isms_err *e)
{
    if (!c->as)
        return 0;
    return err_set(e, E_USAGE, "as",
                   "--as: isms %s acts as the operating-system account; --as names "
                   "a person of an existing repository, for the commands on it",
                   c->noun);
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

int cli_opt_required(const cli *c, int rc, const char *name, const char *msg, const char **out,
                     isms_err *e)
{
    *out = cli_opt_value(c, name);
    if (!rc && !*out)
        rc = err_set(e, E_USAGE, name, "%s", msg);
    return rc;
}

int cli_start(cli *c, int n, const char *what, isms_err *e)
{
    int rc = cli_need_args(c, n, what, e);
    if (rc)
        return rc;
    return cli_open(c, e);
}

int cli_need_args(const cli *c, int n, const char *what, isms_err *e)
{
    if (c->nargs == n)
        return 0;
    return err_set(e, E_USAGE, what, "%s %s%s%s: expected %s, got %d argument%s", "isms", c->noun,
                   c->verb ? " " : "", c->verb ? c->verb : "", what, c->nargs,
                   c->nargs == 1 ? "" : "s");
}

int cli_start_as_process(const cli *c, int n, const char *what, isms_err *e)
{
    int rc = cli_need_args(c, n, what, e);
    if (rc)
        return rc;
    return cli_no_as(c, e);
}

/* ---- dispatch ---- */

static int unknown_noun(cli *c, isms_err *e)
{
    suggestion s = { .typed = c->noun };
    for (int i = 0; registers[i]; i++) {
        consider(&s, cli_noun_typed(registers[i]->name));
        consider(&s, registers[i]->plural);
    }
    for (int i = 0; i < NCOMMANDS; i++)
        consider(&s, cli_noun_typed(commands[i].noun));
    consider(&s, "help");
    return err_set(e, E_USAGE, c->noun, "unknown command \"%s\"%s (see isms --help)", c->noun,
                   did_you_mean(c, &s, ""));
}

static int unknown_verb(cli *c, isms_err *e)
{
    const char *noun = cli_noun_typed(c->noun);
    if (c->reg && register_made_by(c->reg) && !strcmp(c->verb, "add"))
        return err_set(e, E_USAGE, c->verb,
                       "isms %s has no verb \"add\": its records are made by %s "
                       "(see isms %s --help)",
                       noun, register_made_by(c->reg), noun);
    suggestion s = { .typed = c->verb };
    for (int i = 0; c->reg && register_verbs[i]; i++)
        if (register_verb_allowed(c->reg, register_verbs[i]))
            consider(&s, register_verbs[i]);
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].noun, c->noun))
            consider(&s, commands[i].verb);
    return err_set(e, E_USAGE, c->verb, "isms %s has no verb \"%s\"%s (see isms %s --help)", noun,
                   c->verb, did_you_mean(c, &s, ""), noun);
}

static int print_version(cli *c)
{
    fprintf(c->out, "isms %s (schema %d)\n", ISMS_VERSION, store_schema_latest());
    return 0;
}

static int dispatch(cli *c, int argc, char **argv, isms_err *e)
{
    opterr = 0;
    optind = 0;
    struct option g[NGLOBAL + 1];
    memcpy(g, global_options, sizeof global_options);
    g[NGLOBAL] = (struct option){ 0, 0, 0, 0 };
    opt_table globals = { .opts = g, .n = NGLOBAL };
    int code, idx;
    for (;;) {
        code = getopt_long(argc, argv, "+h", g, &idx);
        if (code == -1)
            break;
        if (code == 'h')
            c->help = 1;
        else if (!take_global(c, code, optarg))
            return unknown_option(c, &globals, argv[optind - 1], e);
    }
    if (c->version)
        return print_version(c);
    if (optind >= argc) {
        help_global(c, c->help ? c->out : stderr);
        return c->help ? 0 : err_set(e, E_USAGE, NULL, "no command given");
    }
    int at = optind;
    c->noun = noun_alias(argv[at++]);
    if (!strcmp(c->noun, "help")) { /* isms help [NOUN [VERB]]: isms NOUN [VERB] --help */
        if (at >= argc) {
            help_global(c, c->out);
            return 0;
        }
        c->help = 1;
        c->noun = noun_alias(argv[at++]);
    }
    if (noun_has_verbs(c->noun) && at < argc && argv[at][0] != '-')
        c->verb = argv[at++];
    c->reg = register_find(c->noun);
    if (c->reg)
        c->noun = c->reg->name;
    const command *cmd = find_command(c->noun, c->verb);
    if (!cmd && !c->reg && !noun_has_verbs(c->noun))
        return unknown_noun(c, e);
    if (!cmd && !c->verb) {
        for (int i = at; i < argc; i++)
            c->help |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
        help_noun(c->help ? c->out : stderr, c->noun);
        return c->help
                   ? 0
                   : err_set(e, E_USAGE, c->noun, "isms %s: which verb?", cli_noun_typed(c->noun));
    }
    if (!cmd && (!c->reg || !register_verb_allowed(c->reg, c->verb)))
        return unknown_verb(c, e);
    int rc = parse_command(c, argc, argv, at, e);
    if (rc)
        return rc;
    if (c->version)
        return print_version(c);
    if (c->help) {
        help_verb(c->out, c, cmd);
        return 0;
    }
    return cmd ? cmd->handler(c, e) : cmd_register(c, e);
}

/* An option's name and a field's, "gap-offset" and "gap_offset" alike. */
static int same_name(const char *option, const char *field)
{
    for (; *option && *field; option++, field++)
        if (*option != *field && !(*option == '-' && *field == '_'))
            return 0;
    return *option == *field;
}

/* The domain's messages name fields ("residual_likelihood: 6 is out of
 * range 1..5"); on the command line the user typed an option, so the
 * message gets it as a hint, here, once for every command: the option as
 * typed for that field (--add-asset, not --asset), or a command's own
 * option of that name (--iterations). */
static void hint_option(const cli *c, isms_err *e)
{
    if (!e || !e->code || !e->field[0])
        return;
    const char *typed = NULL;
    int fi = c->reg ? regdef_field(c->reg, e->field) : -1;
    if (fi >= 0 && strcmp(c->reg->fields[fi].name, e->field))
        fi = -1; /* found by its flag, not its name: not the field the message means */
    for (int i = 0; i < c->nopts; i++)
        if ((fi >= 0 && c->opts[i].field == fi) ||
            (c->opts[i].field < 0 && same_name(c->opts[i].name, e->field)))
            typed = c->opts[i].typed ? c->opts[i].typed : c->opts[i].name;
    char flag[80];
    if (!typed && fi >= 0 && field_offered(c, &c->reg->fields[fi]))
        typed = field_flag(&c->reg->fields[fi], flag, sizeof flag);
    if (!typed)
        return;
    char option[96];
    snprintf(option, sizeof option, "--%s", typed);
    size_t len = strlen(e->msg);
    if (!strstr(e->msg, option))
        snprintf(e->msg + len, sizeof e->msg - len, " (option %s)", option);
}

/* What the domain said besides the result (a review date in the past),
 * on standard error, where messages go. */
static void print_warnings(const cli *c)
{
    int n;
    const char *const *w = dom_warnings(c->d, &n);
    for (int i = 0; i < n; i++)
        fprintf(stderr, "isms: warning: %s\n", w[i]);
}

int cli_run(int argc, char **argv, dom *shared, FILE *out, isms_err *e)
{
    cli c;
    memset(&c, 0, sizeof c);
    FILE *filtered = term_filter_open(out);
    c.out = filtered ? filtered : out;
    c.out_fd = fileno(out);
    c.d = shared;
    arena_init(&c.own);
    c.a = &c.own;
    int rc = dispatch(&c, argc, argv, e);
    if (rc)
        hint_option(&c, e);
    else if (c.began && !shared) /* the demo's script keeps its own counsel */
        print_warnings(&c);
    derive_cache_free(c.derived); /* its last row's memory goes to the request */
    if (c.began)
        dom_end(c.d);
    if (c.d && c.d != shared)
        dom_close(c.d);
    render_reset(&c);
    arena_free(&c.own);
    if (filtered && fclose(filtered) && !rc)
        rc = err_set(e, E_IO, NULL, "cannot write the output: %m");
    if (e)
        term_clean(e->msg);
    return rc;
}

/* The exit status says whether the change was saved, whatever fails after
 * it: once a transaction has committed, a failure to report it is a
 * warning and the status stays 0. */
static void warn_saved(const char *what)
{
    fprintf(stderr,
            "isms: warning: %s after the change was saved: it is in the repository and its "
            "ledger, but this command's output may be incomplete\n",
            what);
}

static void die_after_commit(const char *what)
{
    if (!store_commits_made())
        return;
    warn_saved(what);
    _exit(0);
}

int cli_main(int argc, char **argv)
{
    isms_err e = { 0 };
    xdie_set_hook(die_after_commit);
    js_init();
    int rc = cli_run(argc, argv, NULL, stdout, &e);
    if (fflush(stdout) != 0 && !rc) {
        if (store_commits_made()) {
            warn_saved("the output could not be written");
            return 0;
        }
        rc = err_set(&e, E_IO, NULL, "cannot write the output: %m");
    }
    if (rc) {
        fprintf(stderr, "isms: %s\n", e.msg[0] ? e.msg : err_text(rc));
        return err_exit_status(rc);
    }
    return 0;
}
