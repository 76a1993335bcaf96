/* cmd_csv.c: a register as CSV, both ways: `isms <register> list --csv`
 * writes the records with every field, and `isms <register> import
 * FILE.csv|-` adds and changes records from such a file or a
 * spreadsheet's (domain/workflows/csv_import.h has the rules). Refused
 * rows are listed on stderr as they are found; the summary says what
 * was, or with --dry-run would be, written. */
#include "cli/cli_internal.h"
#include "cli/longjob.h"
#include "core/buf.h"
#include "domain/views/states.h"
#include "domain/workflows/csv_import.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* ---- list --csv ---- */

typedef struct csv_out {
    cli *c;
    buf line;
} csv_out;

static void line_out(csv_out *o)
{
    buf_putc(&o->line, '\n'); /* (the CLI's output escapes a CR: LF, which readers take) */
    fwrite(o->line.data, 1, o->line.len, o->c->out);
    buf_clear(&o->line);
}

/* One record: its key, then every field as `import` reads it back. */
static int csv_record(const record *r, void *ctx)
{
    csv_out *o = ctx;
    dom_csv_row(o->c->d, &o->line, r, NULL, 0);
    line_out(o);
    return 0;
}

int cli_list_csv(cli *c, const store_query *q, const int *states, int nstates, isms_err *e)
{
    csv_out o = { .c = c };
    buf_init(&o.line);
    dom_csv_header(&o.line, c->reg, NULL, 0);
    line_out(&o);
    int rc = dom_list_in_states(c->d, c->reg, q, states, nstates, csv_record, &o, e);
    buf_reset(&o.line);
    return rc;
}

/* ---- import ---- */

static void say_refused(void *ctx, long line, const isms_err *why)
{
    (void)ctx;
    fprintf(stderr, "isms: line %ld: %s\n", line, why->msg);
}

static int delimiter_option(const cli *c, int *delimiter, isms_err *e)
{
    const char *v = cli_opt_value(c, "delimiter");
    *delimiter = 0;
    if (!v)
        return 0;
    if (!strcmp(v, ",") || !strcmp(v, ";"))
        *delimiter = v[0];
    else if (!strcmp(v, "tab") || !strcmp(v, "\t"))
        *delimiter = '\t';
    else
        return err_set(e, E_USAGE, "delimiter",
                       "delimiter: \"%s\" is not one of , ; tab (default: found from the header)",
                       v);
    return 0;
}

/* The input and its size (0 for a pipe), for the progress. */
static int open_input(const char *path, FILE **f, uint64_t *size, isms_err *e)
{
    *size = 0;
    *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
    if (!*f)
        return err_set(e, errno == ENOENT ? E_NOT_FOUND : E_IO, path, "%s: %s", path,
                       strerror(errno));
    struct stat st;
    if (!fstat(fileno(*f), &st) && S_ISREG(st.st_mode))
        *size = (uint64_t)st.st_size;
    return 0;
}

static void report(cli *c, const char *path, const dom_import_result *r, int dry_run)
{
    if (c->json) {
        fprintf(c->out,
                "{\"register\": \"%s\", \"rows\": %ld, \"added\": %ld, \"updated\": %ld, "
                "\"unchanged\": %ld, \"dry_run\": %s, \"warnings\": %d}\n",
                c->reg->name, r->rows, r->added, r->updated, r->unchanged,
                dry_run ? "true" : "false", r->warnings);
        return;
    }
    fprintf(c->out, "%s %s: %ld rows; %s %ld, %s %ld, %ld unchanged\n",
            dry_run ? "checked" : "imported", path, r->rows, dry_run ? "would add" : "added",
            r->added, dry_run ? "would change" : "changed", r->updated, r->unchanged);
    if (dry_run)
        fprintf(c->out, "nothing was written (--dry-run)\n");
    if (r->ignored)
        fprintf(stderr, "isms: columns read past (set by isms's workflows, not by an import): %s\n",
                r->ignored);
}

int cmd_register_import(cli *c, isms_err *e)
{
    int delimiter;
    int rc = cli_need_args(c, 1, "the CSV file (- for standard input)", e);
    if (!rc)
        rc = delimiter_option(c, &delimiter, e);
    if (rc)
        return rc;
    const char *path = c->args[0];
    if (!c->note) /* each entry says where its record came from */
        c->note =
            arena_printf(c->a, "imported from %s", !strcmp(path, "-") ? "standard input" : path);
    FILE *f;
    dom_import_opts o = { .dry_run = cli_opt_given(c, "dry-run"), .refused = say_refused };
    rc = open_input(path, &f, &o.total, e);
    if (!rc)
        rc = cli_open(c, e);
    if (rc) {
        if (f && f != stdin)
            fclose(f);
        return rc;
    }
    longjob j; /* before the reader, which reads the first line to find the delimiter */
    longjob_start(&j, o.dry_run ? "checking" : "importing");
    csv_reader *in = csv_open_file(f, delimiter);
    o.progress = o.total ? longjob_fraction : NULL; /* a pipe's size is not known */
    o.progress_ctx = &j;
    o.cancel = longjob_cancel();
    dom_import_result r;
    rc = longjob_end(&j, dom_import_csv(c->d, c->reg, in, &o, &r, e), e);
    csv_close(in);
    if (f != stdin)
        fclose(f);
    if (!rc)
        report(c, path, &r, o.dry_run);
    return rc;
}
