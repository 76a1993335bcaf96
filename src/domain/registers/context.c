/* context.c: the context of the organisation (ISO/IEC 27001 Cl. 4): the
 * scope statement, internal and external issues, interested parties. */
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

static const char *const issue_kinds[] = {"internal", "external", NULL};
static const char *const issue_categories[] = {
    "political", "economic", "social", "technological", "legal", "environmental",
    "organisational", "cultural", "resources", "processes", "other", NULL};
static const char *const stakeholder_types[] = {
    "regulator", "supervisor", "customer", "employee", "shareholder", "supplier", "partner",
    "auditor", "insurer", "authority", "public", "other", NULL};
static const char *const relevance_levels[] = {"low", "medium", "high", NULL};

static const fielddef scope_fields[] = {
    {.name = "statement", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MULTILINE, .max = 65536,
     .help = "the scope statement (ISO/IEC 27001 Cl. 4.3)"},
    LONGTEXT("boundaries", "organisational, physical and technical boundaries and interfaces"),
    LONGTEXT("exclusions", "what is excluded, and why"),
    ENUM("status", FF_LIST | FF_SYSTEM, approval_statuses, "draft", "draft, approved or superseded"),
    {.name = "approved_by", .type = FT_REF, .flags = FF_LIST | FF_SYSTEM, .target = "person",
     .help = "member of the management body who approved this version"},
    {.name = "approved_at", .type = FT_TIME, .flags = FF_LIST | FF_SYSTEM, .help = "when it was approved"},
};

static const fielddef context_fields[] = {
    TEXT("title", FF_REQUIRED | FF_LIST, "the issue in a line", 300),
    ENUM("kind", FF_REQUIRED | FF_LIST, issue_kinds, NULL, "internal or external issue (Cl. 4.1)"),
    ENUM("category", FF_LIST, issue_categories, NULL, "PESTLE category, or an internal one"),
    LONGTEXT("description", "what the issue is"),
    LONGTEXT("effect", "how it affects the ISMS and its intended outcomes"),
    OWNER(FF_LIST, "who watches this issue"),
    DATE("review_date", "next review"),
};

static const fielddef stakeholder_fields[] = {
    TEXT("name", FF_REQUIRED | FF_LIST, "the interested party", 200),
    ENUM("type", FF_REQUIRED | FF_LIST, stakeholder_types, NULL, "kind of interested party"),
    LONGTEXT("requirements", "their requirements relevant to information security (Cl. 4.2)"),
    LONGTEXT("addressed_by", "how the ISMS addresses those requirements"),
    ENUM("relevance", FF_LIST, relevance_levels, "medium", "how much they matter to the ISMS"),
    TEXT("contact", 0, "contact point", 300),
    OWNER(FF_LIST, "who manages the relationship"),
};

const regdef reg_scope = {
    .name = "scope", .plural = "scopes", .key_prefix = "SCOPE", .label = "statement",
    .summary = "ISMS scope statement, versioned, approved by the management body",
    .fields = scope_fields, .nfields = NFIELDS(scope_fields), .check = rules_approval,
    .flags = REG_APPROVAL,
};
const regdef reg_context = {
    .name = "context", .plural = "context_issues", .key_prefix = "CTX", .label = "title",
    .summary = "internal and external issues (context of the organisation)",
    .fields = context_fields, .nfields = NFIELDS(context_fields),
};
const regdef reg_stakeholder = {
    .name = "stakeholder", .plural = "stakeholders", .key_prefix = "STK", .label = "name",
    .summary = "interested parties and their requirements",
    .fields = stakeholder_fields, .nfields = NFIELDS(stakeholder_fields),
};
