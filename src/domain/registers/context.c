/* context.c: the context of the organisation (ISO/IEC 27001 Cl. 4): the
 * scope statement, internal and external issues, interested parties. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

static const char *const issue_kinds[] = { "internal", "external", NULL };
static const char *const issue_categories[] = { "political",      "economic", "social",
                                                "technological",  "legal",    "environmental",
                                                "organisational", "cultural", "resources",
                                                "processes",      "other",    NULL };
static const char *const stakeholder_types[] = {
    "regulator", "supervisor", "customer",  "employee", "shareholder", "supplier", "partner",
    "auditor",   "insurer",    "authority", "public",   "other",       NULL
};
static const char *const relevance_levels[] = { "low", "medium", "high", NULL };

static const fielddef scope_fields[] = FIELD_TABLE(SCOPE_FIELDS);

static const fielddef context_fields[] = FIELD_TABLE(CONTEXT_FIELDS);

static const fielddef stakeholder_fields[] = FIELD_TABLE(STAKEHOLDER_FIELDS);

static const transition scope_transitions[] = {
    APPROVAL_TRANSITION(F_SCOPE_APPROVED_BY, F_SCOPE_APPROVED_AT),
};
static const lifecycle scope_lifecycle = { .field = F_SCOPE_STATUS,
                                           .states = approval_statuses,
                                           .transitions = scope_transitions,
                                           .ntransitions = NFIELDS(scope_transitions),
                                           .superseded = "superseded" };

const regdef reg_scope = {
    REG_NAMES(RN_SCOPE, "scope", "scopes", "SCOPE"),
    .label = F_SCOPE_STATEMENT,
    .summary = "ISMS scope statement, versioned, approved by the management body",
    REG_FIELDS(scope_fields),
    .lifecycle = &scope_lifecycle,
};
static int rules_context(struct dom *d, record *r, const record *old, isms_err *e)
{
    (void)old;
    (void)e;
    rules_warn_past_date(d, r, F_CONTEXT_REVIEW_DATE);
    return 0;
}

const regdef reg_context = {
    REG_NAMES(RN_CONTEXT, "context", "context_issues", "CTX"),
    .label = F_CONTEXT_TITLE,
    .summary = "internal and external issues (context of the organisation)",
    REG_FIELDS(context_fields),
    .check = rules_context,
};
const regdef reg_stakeholder = {
    REG_NAMES(RN_STAKEHOLDER, "stakeholder", "stakeholders", "STK"),
    .label = F_STAKEHOLDER_NAME,
    .summary = "interested parties and their requirements",
    REG_FIELDS(stakeholder_fields),
};
