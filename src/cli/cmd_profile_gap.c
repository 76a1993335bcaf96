/* cmd_profile_gap.c: `isms soa gap --framework csf-2.0`: the CSF current
 * profile against the target profile, per subcategory and by tier
 * (domain/views/profile_gap.h). */
#include "cli/cli_internal.h"
#include "domain/views/profile_gap.h"
#include "formats/json.h"

#include <jansson.h>
#include <stdio.h>

static json_t *tier_json(int tier) { return tier ? json_integer(tier) : json_null(); }

static void gap_json(cli *c, const gap_report *r)
{
    json_t *rows = json_array();
    for (int i = 0; i < r->n; i++) {
        const gap_row *g = &r->rows[i];
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s?, s:s?, s:b}", "requirement", g->ref,
                                              "title", g->title, "current", g->current, "target",
                                              g->target, "gap", g->short_of));
    }
    json_t *o = json_pack("{s:s, s:{s:s, s:o}, s:{s:s, s:o}, s:i, s:o}", "framework", r->framework,
                          "current", "soa", r->current_soa, "tier", tier_json(r->current_tier),
                          "target", "soa", r->target_soa, "tier", tier_json(r->target_tier), "gaps",
                          r->gaps, "requirements", rows);
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
    const char *fw = NULL;
    gap_report r;
    int rc = cli_opt_required(c, cli_start(c, 0, "no arguments (--framework NAME)", e), "framework",
                              "--framework is required: whose current and target "
                              "profiles",
                              &fw, e);
    if (!rc)
        rc = dom_profile_gap(c->d, fw, &r, e);
    if (!rc)
        (c->json ? gap_json : gap_text)(c, &r);
    return rc;
}
