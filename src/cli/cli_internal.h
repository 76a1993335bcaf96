/* cli_internal.h: what the command modules share.
 *
 * A command is a row of commands.def: a noun, an optional verb, its handler
 * and its help. Handlers receive the parsed command line (struct cli) and
 * return an E_* code; cli.c prints the error and turns it into the exit
 * status. Output goes to c->out (stdout), messages to stderr. */
#ifndef ISMS_CLI_INTERNAL_H
#define ISMS_CLI_INTERNAL_H

#include "core/arena.h"
#include "core/err.h"
#include "core/record.h"
#include "domain/engine/dom.h"
#include "domain/views/derived.h"

#include <stdio.h>

enum { CLI_MAX_ARGS = 256 };

/* One option given on the command line, in order. */
typedef struct cli_opt {
    int field;         /* field index of the register, or -1 */
    char mode;         /* a field's: '=' sets it, '+' adds members, '-' removes them */
    int state;         /* a list's derived state (domain/views/states.h), or -1 */
    const char *name;  /* option name without dashes (a field's: the field's name) */
    const char *typed; /* the option as typed, without dashes ("add-asset") */
    const char *arg;   /* its value, NULL for flags */
} cli_opt;

typedef struct cli {
    /* global options */
    const char *repo;
    const char *as; /* --as PERSON: whom the command acts for */
    const char *note;
    int json;
    int help;
    int version; /* --version */
    /* the command */
    const char *noun, *verb;
    const regdef *reg;              /* for register commands */
    const char *args[CLI_MAX_ARGS]; /* positional arguments after noun/verb */
    int nargs;
    cli_opt opts[CLI_MAX_ARGS]; /* command options, in order */
    int nopts;
    const char *typed_opt; /* while parsing: the option at hand, as named */
    dom *d;                /* opened by cli_open() */
    int began;             /* a request of d is open (dom_begin) */
    FILE *out;
    int out_fd; /* the descriptor beneath `out` (-1: none), for its terminal */
    /* Command-scoped memory: the request arena of the repository once it
     * is open (cli_open), before that and without one the CLI's own. */
    arena *a;
    arena own;
    /* what the derived values of the records shown share, made on first use */
    derive_cache *derived;
    /* people's names by key, for the tables that show owners (render.c) */
    struct strmap *names;
} cli;

typedef int (*cli_handler)(cli *c, isms_err *e);

/* Opens the repository named by --repo / ISMS_REPO (once), and begins the
 * command's request as the principal: the person --as (or ISMS_ACTOR)
 * names, else the operating-system account. */
int cli_open(cli *c, isms_err *e);
/* A register's noun as typed: `key` for signing_key. */
const char *cli_noun_typed(const char *noun);
/* Refuses --as for commands that act on no existing repository's behalf
 * (init, demo, import, migrate): the operating-system account does them. */
int cli_no_as(const cli *c, isms_err *e);
/* The value of option `name` (last one given), or NULL. */
const char *cli_opt_value(const cli *c, const char *name);
int cli_opt_given(const cli *c, const char *name);
/* *value = option `name`, which the command requires: E_USAGE with `msg`
 * when it was not given. An error in rc (how the command went so far)
 * passes through. */
int cli_opt_required(const cli *c, int rc, const char *name, const char *msg, const char **value,
                     isms_err *e);
/* cli_need_args, then cli_open: how most commands begin. */
int cli_start(cli *c, int n, const char *what, isms_err *e);
/* Requires exactly `n` positional arguments, naming them in the error. */
int cli_need_args(const cli *c, int n, const char *what, isms_err *e);
/* cli_need_args, then cli_no_as: how the commands begin that act as the
 * operating-system account, on no repository's behalf (demo, import, serve). */
int cli_start_as_process(const cli *c, int n, const char *what, isms_err *e);

/* Runs one command line in-process (the demo uses it with an open dom:
 * each line is then one request of that dom, its arena reset after). */
int cli_run(int argc, char **argv, dom *shared, FILE *out, isms_err *e);

/* term.c: a stream writing to `to` with every control character but
 * newline and tab escaped (NULL when none can be made); and the same done
 * in place to a message, replacing them with '?'. */
FILE *term_filter_open(FILE *to);
void term_clean(char *s);

/* Writes a file through fn: FILE "-" is standard output; any other is
 * written beside its path and put in place once complete (never
 * replacing what is there unless force), so a failure leaves nothing. */
typedef int (*cli_writer)(FILE *f, void *ctx, isms_err *e);
int cli_write_file(cli *c, const char *path, int force, cli_writer fn, void *ctx, isms_err *e);

/* `oscal import` of a system security plan, assessment results or POA&M
 * (cmd_oscal_plan.c): counted and reported, nothing stored. */
struct oscal_doc;
int cli_oscal_plan(cli *c, const struct oscal_doc *doc, isms_err *e);

/* ---- rendering (render.c) ---- */
void render_record_json(cli *c, const record *r);
void render_record(cli *c, const record *r);
/* `show`: the record, and what points at it (domain/views/links.h), as
 * text or JSON. */
int render_show(cli *c, const record *r, isms_err *e);
/* Frees what rendering kept for the command (names looked up). */
void render_reset(cli *c);
/* Tables: begin with the register, add records, end prints them. */
typedef struct table table;
table *table_begin(cli *c, const regdef *reg);
void table_add(table *t, const record *r);
void table_end(table *t);
/* Text tables of any rows: columns as wide as their cells, cells past a
 * column's limit (44 unless set) cut with an ellipsis, fitted to the
 * terminal. heads NULL-terminated; align "lrr": left or right, per column. */
typedef struct ttab ttab;
ttab *ttab_new(cli *c, const char *const *heads, const char *align);
void ttab_limit(ttab *t, int col, size_t cols);
/* Streams the table: the first `sample` rows set the widths, then every
 * row prints as it comes (a later text cell too wide is cut; the first
 * column and right-aligned ones widen instead); `indent` as ttab_print's. */
void ttab_stream(ttab *t, size_t sample, const char *indent);
void ttab_row(ttab *t, const char *const *cells); /* NULL cells show "-" */
size_t ttab_rows(const ttab *t);
void ttab_print(ttab *t, const char *indent);
/* A store_record_fn adding each record to the table in ctx. */
int cli_table_row(const record *r, void *ctx);
/* "EUR 25,000,000.00" */
const char *render_money(cli *c, int64_t minor);

/* ---- handlers ---- */
#define CMD(noun, verb, handler, usage, summary) int handler(cli *c, isms_err *e);
#include "cli/commands.def"
#undef CMD
int cmd_register(cli *c, isms_err *e);        /* add/list/show/update/retire and lifecycle verbs */
int cmd_register_import(cli *c, isms_err *e); /* cmd_csv.c: <register> import FILE.csv */
/* cmd_csv.c: `list --csv`, the records of q (in states) with every field. */
int cli_list_csv(cli *c, const store_query *q, const int *states, int nstates, isms_err *e);

#endif
