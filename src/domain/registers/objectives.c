/* objectives.c: business objectives, and the risk appetite for them. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

static const char *const objective_statuses[] = {"active", "achieved", "abandoned", NULL};

static const fielddef objective_fields[] = {
    TEXT("title", FF_REQUIRED | FF_LIST, "the business objective", 300),
    LONGTEXT("description", "what achieving it means"),
    OWNER(FF_REQUIRED | FF_LIST, "accountable owner, who can allocate resources to it"),
    {.name = "value_at_stake", .type = FT_MONEY, .flags = FF_LIST,
     .help = "money at stake if the objective fails (per year)"},
    TEXT("target", 0, "measurable target", 300),
    DATE("target_date", "when the target is due"),
    BOOL("mission_critical", "no", "is it mission-critical (reported to the board)"),
    ENUM("status", FF_LIST, objective_statuses, "active", "active, achieved or abandoned"),
};

static const fielddef appetite_fields[] = {
    {.name = "objective", .type = FT_REF, .flags = FF_LIST, .target = "objective",
     .help = "the objective it applies to (none: the whole organisation)"},
    {.name = "statement", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MULTILINE, .max = 65536,
     .help = "the appetite in words: what will and will not be accepted"},
    {.name = "appetite", .type = FT_MONEY, .flags = FF_REQUIRED | FF_LIST,
     .help = "annual loss the organisation is willing to accept"},
    {.name = "tolerance", .type = FT_MONEY, .flags = FF_LIST,
     .help = "annual loss beyond which it must act (at least the appetite)"},
    {.name = "confidence", .type = FT_INT, .flags = FF_LIST, .min = 50, .max = 99, .deflt = "95",
     .help = "percentile of annual loss compared with appetite and tolerance"},
    ENUM("status", FF_LIST | FF_SYSTEM, approval_statuses, "draft", "draft, approved or superseded"),
    {.name = "approved_by", .type = FT_REF, .flags = FF_LIST | FF_SYSTEM, .target = "person",
     .help = "member of the management body who approved it"},
    {.name = "approved_at", .type = FT_TIME, .flags = FF_SYSTEM, .help = "when it was approved"},
};

const regdef reg_objective = {
    .name = "objective", .plural = "objectives", .key_prefix = "OBJ", .label = "title",
    .summary = "business objectives the ISMS protects, with their owners and value at stake",
    .fields = objective_fields, .nfields = NFIELDS(objective_fields),
};
const regdef reg_appetite = {
    .name = "appetite", .plural = "appetites", .key_prefix = "APP", .label = "statement",
    .summary = "risk appetite and tolerance, per objective or organisation-wide, approved by the management body",
    .fields = appetite_fields, .nfields = NFIELDS(appetite_fields), .check = rules_appetite,
    .flags = REG_APPROVAL, .approval_group = "objective",
};

/* ---- rules ---- */

int rules_appetite(struct dom *d, record *r, const record *old, isms_err *e)
{
    const value *app = record_cval(r, "appetite"), *tol = record_cval(r, "tolerance");
    if (!app->null && !tol->null && tol->i < app->i)
        return err_set(e, E_INVALID, "tolerance",
                       "tolerance: it is below the appetite; tolerance is the variance around "
                       "appetite that is still acceptable, so it must be at least the appetite");
    return rules_approval(d, r, old, e);
}
