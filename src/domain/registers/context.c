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

/* The organisation has one scope: each approved version supersedes the last. */
APPROVAL_LIFECYCLE(scope_lifecycle, F_SCOPE, 0);
REGISTER(scope, SCOPE, "scopes", "SCOPE", F_SCOPE_STATEMENT,
         "ISMS scope statement, versioned, approved by the management body",
         .lifecycle = &scope_lifecycle);

static int rules_context(struct dom *d, record *r, const record *old, isms_err *e)
{
    (void)old;
    (void)e;
    rules_warn_past_date(d, r, F_CONTEXT_REVIEW_DATE, "due for review");
    return 0;
}

REGISTER(context, CONTEXT, "context_issues", "CTX", F_CONTEXT_TITLE,
         "internal and external issues (context of the organisation)", .check = rules_context);

REGISTER(stakeholder, STAKEHOLDER, "stakeholders", "STK", F_STAKEHOLDER_NAME,
         "interested parties and their requirements");
