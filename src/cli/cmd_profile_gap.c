/* cmd_profile_gap.c: `isms soa gap --framework csf-2.0 [--current SOA-n]
 * [--target SOA-n]`: the CSF current profile against the target profile
 * (or any two SoAs of one framework), per subcategory and by tier
 * (domain/views/profile_gap.h; the JSON is the API's, web/views_json.h). */
#include "cli/cli_internal.h"
#include "domain/views/profile_gap.h"
#include "formats/json.h"
#include "web/views_json.h"

#include <jansson.h>
#include <stdio.h>

static void gap_json(cli *c, const gap_report *r)
{
    json_t *o = gap_report_json(r);
    js_write(c->out, o, 1);
    json_decref(o);
}

static void gap_text(cli *c, const gap_report *r)
{
    fprintf(c->out, "%s: current profile %s (tier %d), target profile %s (tier %d)%s\n",
            r->framework, r->current_soa, r->current_tier, r->target_soa, r->target_tier,
            r->target_tier > r->current_tier ? ": the tier falls short" : "");
    fprintf(c->out, "%d of %d requirements short of the target\n", r->gaps, r->n);
    for (int i = 0; i < r->n; i++)
        if (r->rows[i].short_of)
            fprintf(c->out, "  %-12s %-11s -> %-11s %s\n", r->rows[i].code,
                    r->rows[i].current ? r->rows[i].current : "(none)", r->rows[i].target,
                    r->rows[i].title);
}

int cmd_soa_gap(cli *c, isms_err *e)
{
    gap_pick pick = { .current = cli_opt_value(c, "current"),
                      .target = cli_opt_value(c, "target") };
    gap_report r;
    int rc = cli_start(c, 0, "no arguments (--framework NAME)", e);
    if (!rc && !pick.current && !pick.target)
        rc = cli_opt_required(c, rc, "framework",
                              "--framework is required: whose current and target profiles",
                              &pick.framework, e);
    else
        pick.framework = cli_opt_value(c, "framework");
    if (!rc)
        rc = dom_profile_gap(c->d, &pick, &r, e);
    if (!rc)
        (c->json ? gap_json : gap_text)(c, &r);
    return rc;
}
