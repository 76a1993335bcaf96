/* cmd_oscal_export.c: the repository as NIST OSCAL on the command line:
 *
 *   isms oscal export catalog [--framework NAME] FILE
 *   isms oscal export profile --framework NAME FILE
 *   isms oscal export ssp --framework NAME FILE
 *   isms oscal export mapping [--framework NAME] [--source NAME] FILE
 *
 * FILE - is standard output. The document is the domain's
 * (domain/views/oscal_export.h); this file only names it and the file. */
#include "cli/cli_internal.h"
#include "domain/views/oscal_export.h"

#include <stdio.h>
#include <string.h>

typedef struct oscal_out {
    dom *d;
    oscal_export_spec spec;
} oscal_out;

static int write_oscal(FILE *f, void *ctx, isms_err *e)
{
    oscal_out *o = ctx;
    return dom_oscal_export(o->d, &o->spec, f, e);
}

int cmd_oscal_export(cli *c, isms_err *e)
{
    int rc = cli_start(c, 2,
                       "the model (catalog, profile, ssp or mapping) and FILE (- for "
                       "standard output)",
                       e);
    if (rc)
        return rc;
    oscal_out o = { c->d,
                    { c->args[0], cli_opt_value(c, "framework"), cli_opt_value(c, "source") } };
    const char *path = c->args[1];
    rc = cli_write_file(c, path, cli_opt_given(c, "force"), write_oscal, &o, e);
    if (!rc && strcmp(path, "-"))
        fprintf(stderr, "exported the OSCAL %s to %s\n", o.spec.model, path);
    return rc;
}
