/* objectives.c: business objectives, and the risk appetite for them. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

static const char *const objective_statuses[] = { "active", "achieved", "abandoned", NULL };

REGISTER(objective, OBJECTIVE, "objectives", "OBJ", F_OBJECTIVE_TITLE,
         "business objectives the ISMS protects, with their owners and value at stake");

/* An appetite supersedes the one approved before it for the same objective. */
APPROVAL_LIFECYCLE(appetite_lifecycle, F_APPETITE, F_APPETITE_OBJECTIVE);
REGISTER(appetite, APPETITE, "appetites", "APP", F_APPETITE_STATEMENT,
         "risk appetite and tolerance, per objective or organisation-wide, approved by the "
         "management body",
         .check = rules_appetite, .lifecycle = &appetite_lifecycle);

/* ---- rules ---- */

int rules_appetite(struct dom *d, record *r, const record *old, isms_err *e)
{
    const value *app = record_cval(r, F_APPETITE_APPETITE),
                *tol = record_cval(r, F_APPETITE_TOLERANCE);
    if (!app->null && !tol->null && tol->i < app->i)
        return err_set(e, E_INVALID, "tolerance",
                       "tolerance: it is below the appetite; tolerance is the variance around "
                       "appetite that is still acceptable, so it must be at least the appetite");
    (void)d;
    (void)old;
    return 0;
}
