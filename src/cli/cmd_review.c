/* cmd_review.c: isms review inputs: a management review's inputs,
 * assembled from the data (domain/views/review.h). */
#include "cli/cli_internal.h"
#include "domain/registers/registers.h"
#include "domain/views/review.h"

#include <stdio.h>

int cmd_review_inputs(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one review key", e);
    if (rc)
        return rc;
    record out;
    rc = dom_review_inputs(c->d, c->args[0], &out, e);
    if (rc)
        return rc;
    if (c->json) {
        render_record_json(c, &out);
        return 0;
    }
    fprintf(c->out, "%s\n", record_text(&out, F_REVIEW_INPUTS));
    return 0;
}
