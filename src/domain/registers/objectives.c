/* objectives.c: business objectives, and the risk appetite for them. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

static const char *const objective_statuses[] = { "active", "achieved", "abandoned", NULL };

static const fielddef objective_fields[] = FIELD_TABLE(OBJECTIVE_FIELDS);

static const fielddef appetite_fields[] = FIELD_TABLE(APPETITE_FIELDS);

const regdef reg_objective = {
    REG_NAMES(RN_OBJECTIVE, "objective", "objectives", "OBJ"),
    .label = F_OBJECTIVE_TITLE,
    .summary = "business objectives the ISMS protects, with their owners and value at stake",
    REG_FIELDS(objective_fields),
};
static const transition appetite_transitions[] = {
    APPROVAL_TRANSITION(F_APPETITE_APPROVED_BY, F_APPETITE_APPROVED_AT),
};
static const lifecycle appetite_lifecycle = { .field = F_APPETITE_STATUS,
                                              .states = approval_statuses,
                                              .transitions = appetite_transitions,
                                              .ntransitions = NFIELDS(appetite_transitions),
                                              .group = F_APPETITE_OBJECTIVE,
                                              .superseded = "superseded" };

const regdef reg_appetite = {
    REG_NAMES(RN_APPETITE, "appetite", "appetites", "APP"),
    .label = F_APPETITE_STATEMENT,
    .summary = "risk appetite and tolerance, per objective or organisation-wide, approved by the "
               "management body",
    REG_FIELDS(appetite_fields),
    .check = rules_appetite,
    .lifecycle = &appetite_lifecycle,
};

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
