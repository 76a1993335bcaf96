/* controls.c: the internal control set: vocabularies, fields, rules. */
#include "domain/engine/dom_internal.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/text.h"

#include <string.h>

const char *const control_statuses[] = { "planned", "implemented", "operating", "retired", NULL };

static const char *const control_types[] = { "preventive", "detective", "corrective",
                                             "deterrent",  "recovery",  "compensating",
                                             NULL };
static const char *const automation_kinds[] = { "manual", "automated", "hybrid", NULL };
static const char *const fair_targets[] = {
    "tef", "vulnerability", "lef", "primary-loss", "secondary-loss", "loss-magnitude", "transfer",
    NULL
};
static const char *const cover_bases[] = { "per-event", "annual", NULL };
static const char *const effectiveness_levels[] = { "not-assessed", "effective",
                                                    "partially-effective", "ineffective", NULL };

REGISTER(control, CONTROL, "controls", "CTL", F_CONTROL_TITLE,
         "the internal control set: owner, type, lifecycle, cost, risks treated",
         .check = rules_control);

/* ---- rules ---- */

/* A control's effect in the FAIR model: a factor and the share of it
 * removed, or insurance (transfer) with a deductible or a limit. */
static int check_control_effect(const record *r, isms_err *e)
{
    const char *acts_on = record_text(r, F_CONTROL_ACTS_ON),
               *reduction = record_text(r, F_CONTROL_REDUCTION);
    int insurance = acts_on && !strcmp(acts_on, "transfer");
    int terms = !record_cval(r, F_CONTROL_DEDUCTIBLE)->null ||
                !record_cval(r, F_CONTROL_COVER_LIMIT)->null ||
                record_text(r, F_CONTROL_COVER_BASIS);
    if (reduction && !acts_on)
        return err_set(e, E_INVALID, "acts_on",
                       "acts_on: a reduction needs the factor it acts on "
                       "(tef, vulnerability, lef, primary-loss, secondary-loss, loss-magnitude)");
    if (acts_on && !insurance && !reduction)
        return err_set(e, E_INVALID, "reduction",
                       "reduction: say how much of %s the control "
                       "removes, e.g. pert(0.3,0.5,0.7)",
                       acts_on);
    if (insurance && reduction)
        return err_set(e, E_INVALID, "reduction",
                       "reduction: insurance transfers loss through "
                       "its deductible and limit, not a reduction");
    if (terms && !insurance)
        return err_set(e, E_INVALID, "deductible",
                       "deductible: deductible, cover limit and cover "
                       "basis belong to insurance (acts_on transfer)");
    return reduction ? dom_fair_check_share(reduction, e) : 0;
}

/* The date a planned control is to be in place by belongs to its plan:
 * given for one in place it is refused; met when the control goes in, it
 * is cleared (the ledger keeps when it was due and when it went in). */
static int check_implementation_due(dom *d, record *r, const record *old, int in_place, isms_err *e)
{
    const value *due = record_cval(r, F_CONTROL_IMPLEMENTATION_DUE);
    if (due->null || !in_place) {
        rules_warn_past_date(d, r, F_CONTROL_IMPLEMENTATION_DUE, "late to be in place");
        return 0;
    }
    const char *was = old ? record_text(old, F_CONTROL_STATUS) : NULL;
    if (due->given && (!was || strcmp(was, "planned") || !record_cval(r, F_CONTROL_STATUS)->given))
        return err_set(e, E_INVALID, "implementation_due",
                       "implementation_due: %s is %s: a date to be in place by belongs to a "
                       "planned control",
                       r->key ? r->key : "the control", record_text(r, F_CONTROL_STATUS));
    record_set_text(r, F_CONTROL_IMPLEMENTATION_DUE, NULL, dom_arena(d));
    return 0;
}

int rules_control(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = check_control_effect(r, e);
    if (rc)
        return rc;
    const char *status = record_text(r, F_CONTROL_STATUS);
    if (!rules_is_retiring(r, old) && !strcmp(status, "retired"))
        return err_set(
            e, E_INVALID, "status",
            "status: a control is retired with `isms control retire`, which keeps its history");
    int in_place = !strcmp(status, "implemented") || !strcmp(status, "operating");
    if (in_place && record_cval(r, F_CONTROL_IMPLEMENTED_ON)->null) {
        char today[11];
        now_date(today);
        record_set_text(r, F_CONTROL_IMPLEMENTED_ON, today, dom_arena(d));
    }
    rc = check_implementation_due(d, r, old, in_place, e);
    if (rc)
        return rc;
    rules_warn_past_date(d, r, F_CONTROL_REVIEW_DATE, "due for review");
    return 0;
}
