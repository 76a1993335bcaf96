/* cmd_migrate.c: `isms migrate --from REPOSITORY --to NEW-REPOSITORY`
 * copies a whole repository, ledger included, from one backend to another
 * (a SQLite file into an empty PostgreSQL database, and back). The copy
 * must verify before it is committed; on any failure nothing is left at
 * the target and the source is untouched. */
#include "cli/cli_internal.h"
#include "cli/longjob.h"
#include "backup/backup.h"

#include <stdlib.h>

int cmd_migrate(cli *c, isms_err *e)
{
    const char *from = cli_opt_value(c, "from");
    const char *to = cli_opt_value(c, "to");
    if (!from)
        from = c->repo;
    if (c->nargs || !from || !*from || !to || !*to)
        return err_set(e, E_USAGE, from && *from ? "to" : "from",
                       "usage: isms migrate --from REPOSITORY --to NEW-REPOSITORY");
    int rc = cli_no_as(c, e);
    if (rc)
        return rc;
    longjob j;
    longjob_start(&j, "copying");
    backup_watch w = { longjob_count, &j, longjob_cancel() };
    rc = longjob_end(&j, backup_copy(from, to, &w, e), e);
    if (rc)
        return rc;
    /* Connection strings may hold passwords: show them without. */
    char *src = store_label(from), *dst = store_label(to);
    if (c->json)
        fprintf(c->out, "{\"from\": \"%s\", \"to\": \"%s\", \"verified\": true}\n", src, dst);
    else
        fprintf(c->out, "copied %s to %s, ledger included; the copy verifies\n", src, dst);
    free(src);
    free(dst);
    return 0;
}
