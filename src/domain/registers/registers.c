/* registers.c: the fields of every register. Read this file to know what
 * isms stores; docs/REGISTERS.md explains the why of each field. */
#include "domain/registers/registers.h"
#include "domain/registers/rules.h"
#include "domain/registers/signing_keys.h"

#include <string.h>

#define NFIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- vocabularies ---- */

const char *const role_names[] = {
    "management-body", "isms-lead", "risk-owner", "control-owner", "asset-owner",
    "internal-auditor", "reader", NULL};

const char *const protection_levels[] = {"normal", "high", "very-high", NULL};

const char *const control_statuses[] = {"planned", "implemented", "operating", "retired", NULL};

/* NIS2 Annex I and II sectors, and sectors outside NIS2 that run an ISMS. */
static const char *const sectors[] = {
    "energy", "transport", "banking", "financial-market-infrastructure", "health",
    "drinking-water", "waste-water", "digital-infrastructure", "ict-service-management",
    "public-administration", "space", "postal-and-courier", "waste-management", "chemicals",
    "food", "manufacturing", "digital-providers", "research", "insurance", "investment",
    "payments", "software", "telecommunications", "education", "retail", "other", NULL};

static const char *const org_sizes[] = {"micro", "small", "medium", "large", NULL};
static const char *const nis2_classes[] = {"essential", "important", "out-of-scope", NULL};

/* DORA Art. 2(1) financial entities, and "none". */
static const char *const dora_entities[] = {
    "none", "credit-institution", "payment-institution", "account-information-service-provider",
    "e-money-institution", "investment-firm", "crypto-asset-service-provider",
    "central-securities-depository", "central-counterparty", "trading-venue", "trade-repository",
    "aifm", "ucits-management-company", "data-reporting-service-provider",
    "insurance-undertaking", "reinsurance-undertaking", "insurance-intermediary", "iorp",
    "credit-rating-agency", "critical-benchmark-administrator", "crowdfunding-service-provider",
    "securitisation-repository", "ict-third-party-service-provider", NULL};

const currency currencies[] = {
    {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2},
    {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"RON", 2}, {"BGN", 2}, {"ISK", 0}, {"JPY", 0},
    {"CAD", 2}, {"AUD", 2}, {"NZD", 2}, {"SGD", 2}, {"HKD", 2}, {"CNY", 2}, {"INR", 2},
    {"BRL", 2}, {"ZAR", 2}, {"KRW", 0}, {"AED", 2}, {"SAR", 2}, {"KWD", 3}, {"BHD", 3},
    {NULL, 0}};

static const char *const currency_codes[] = {
    "EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "ISK",
    "JPY", "CAD", "AUD", "NZD", "SGD", "HKD", "CNY", "INR", "BRL", "ZAR", "KRW", "AED", "SAR",
    "KWD", "BHD", NULL};

const currency *currency_find(const char *code)
{
    for (const currency *c = currencies; c->code; c++)
        if (!strcmp(c->code, code))
            return c;
    return NULL;
}

static const char *const asset_types[] = {
    "information", "process", "system", "application", "service", "site", "person",
    "ai-system", NULL};
static const char *const issue_kinds[] = {"internal", "external", NULL};
static const char *const issue_categories[] = {
    "political", "economic", "social", "technological", "legal", "environmental",
    "organisational", "cultural", "resources", "processes", "other", NULL};
static const char *const stakeholder_types[] = {
    "regulator", "supervisor", "customer", "employee", "shareholder", "supplier", "partner",
    "auditor", "insurer", "authority", "public", "other", NULL};
static const char *const relevance_levels[] = {"low", "medium", "high", NULL};
static const char *const objective_statuses[] = {"active", "achieved", "abandoned", NULL};
static const char *const threat_categories[] = {
    "governance", "compliance", "detection", "operations", "response", "vulnerability",
    "personnel", "knowledge", "supply-chain", "physical", "concentration", "ai", "insurance",
    "frameworks", "competence", "cyber", "other", NULL};
static const char *const treatments[] = {"undecided", "mitigate", "accept", "transfer", "avoid", NULL};
static const char *const control_types[] = {
    "preventive", "detective", "corrective", "deterrent", "recovery", "compensating", NULL};
static const char *const automation_kinds[] = {"manual", "automated", "hybrid", NULL};
static const char *const loss_models[] = {"compound", "product", NULL};
static const char *const fair_targets[] = {
    "tef", "vulnerability", "lef", "primary-loss", "secondary-loss", "loss-magnitude", "transfer", NULL};
static const char *const cover_bases[] = {"per-event", "annual", NULL};
static const char *const approval_statuses[] = {"draft", "approved", "superseded", NULL};
static const char *const analysis_kinds[] = {"risk", "portfolio", "control-return", NULL};
static const char *const effectiveness_levels[] = {
    "not-assessed", "effective", "partially-effective", "ineffective", NULL};

/* ---- lifecycles ---- */

/* What the management body signs off: scope versions and risk appetite
 * statements (NIS2 Art. 20, DORA Art. 5, ISO/IEC 27001 Cl. 5.1 and 6.1.3).
 * Approving a draft supersedes the version approved before it in its group
 * (the scope; the appetite of the same objective); approved versions are
 * frozen: a change is a new version. */
static const transition approval_transitions[] = {
    {.verb = "approve", .from = "draft", .to = "approved", .role = "management-body",
     .flags = LC_SUPERSEDES | LC_FREEZES, .stamp_by = "approved_by", .stamp_at = "approved_at",
     .help = "approve this version: the management body signs it off (NIS2 Art. 20, DORA Art. 5, "
             "ISO/IEC 27001 Cl. 5.1); the version approved before it is superseded"},
};
static const lifecycle scope_lifecycle = {
    .field = "status", .states = approval_statuses, .transitions = approval_transitions,
    .ntransitions = 1, .superseded = "superseded"};
static const lifecycle appetite_lifecycle = {
    .field = "status", .states = approval_statuses, .transitions = approval_transitions,
    .ntransitions = 1, .group = "objective", .superseded = "superseded"};

/* ---- field helpers: keep each register's table one line per field ---- */

#define TEXT(n, fl, h, cap) {.name = n, .type = FT_TEXT, .flags = fl, .help = h, .max = cap}
#define LONGTEXT(n, h) {.name = n, .type = FT_TEXT, .flags = FF_MULTILINE, .help = h, .max = 65536}
#define ENUM(n, fl, c, d, h) {.name = n, .type = FT_ENUM, .flags = fl, .choices = c, .deflt = d, .help = h}
#define OWNER(fl, h) {.name = "owner", .type = FT_REF, .flags = fl, .target = "person", .help = h}
#define MONEY(n, h) {.name = n, .type = FT_MONEY, .help = h}
#define DATE(n, h) {.name = n, .type = FT_DATE, .help = h}
#define BOOL(n, d, h) {.name = n, .type = FT_BOOL, .deflt = d, .help = h}
#define DIST(n, h) {.name = n, .type = FT_DIST, .help = h, .max = 2000}
#define LEVEL(n, fl, h) {.name = n, .type = FT_INT, .flags = (fl) | FF_DYNMAX, .min = 1, .max = 5, .help = h}
#define LINKS(n, f, tgt, tbl, src, dst, h) \
    {.name = n, .type = FT_LINKS, .flag = f, .target = tgt, .link_table = tbl, \
     .link_src = src, .link_dst = dst, .help = h}

/* ---- the registers ---- */

static const fielddef org_fields[] = {
    TEXT("name", FF_REQUIRED | FF_LIST, "the organisation's name", 200),
    TEXT("legal_name", 0, "registered legal name", 300),
    ENUM("sector", FF_LIST, sectors, NULL, "sector (NIS2 Annex I/II where it applies)"),
    ENUM("size", 0, org_sizes, NULL, "enterprise size (EU SME definition)"),
    {.name = "employees", .type = FT_INT, .min = 0, .max = 10000000, .help = "number of employees"},
    TEXT("country", 0, "country of establishment (ISO 3166-1 alpha-2)", 2),
    ENUM("nis2_class", FF_LIST, nis2_classes, "out-of-scope", "NIS2 entity class"),
    ENUM("dora_entity", FF_LIST, dora_entities, "none", "DORA financial-entity type (Art. 2(1))"),
    ENUM("currency", FF_LIST, currency_codes, "EUR", "currency of every amount of money (ISO 4217)"),
    {.name = "risk_matrix", .type = FT_INT, .flags = FF_LIST, .min = 3, .max = 5, .deflt = "5",
     .help = "size n of the n×n likelihood × impact matrix"},
    TEXT("likelihood_labels", 0, "comma-separated labels of likelihood levels 1..n", 400),
    TEXT("impact_labels", 0, "comma-separated labels of impact levels 1..n", 400),
    MONEY("owner_accept_limit", "risks up to this P95 annual loss may be accepted by their owner"),
    MONEY("lead_accept_limit", "up to this, by the ISMS lead; above, only by the management body"),
    TEXT("frequency_bands", 0, "upper edges of likelihood levels 1..n-1 in events per year, e.g. 0.05,0.2,1,4", 200),
    TEXT("magnitude_bands", 0, "upper edges of impact levels 1..n-1 in major units per event", 400),
};

static const fielddef person_fields[] = {
    TEXT("name", FF_REQUIRED | FF_LIST, "full name", 200),
    {.name = "email", .type = FT_TEXT, .flags = FF_REQUIRED | FF_LIST | FF_UNIQUE | FF_FOLD,
     .max = 254, .help = "e-mail address, unique; identifies the person on the command line"},
    {.name = "roles", .type = FT_ENUMSET, .flags = FF_LIST, .flag = "role", .choices = role_names,
     .link_table = "person_role", .link_src = "person", .link_dst = "role",
     .help = "ISMS roles (repeat the flag or separate with commas)"},
    TEXT("job_title", 0, "job title", 200),
    TEXT("department", 0, "department or business unit", 200),
    MONEY("budget_authority", "amount the person may commit without further approval"),
};

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

static const fielddef asset_fields[] = {
    TEXT("name", FF_REQUIRED | FF_LIST, "the asset", 200),
    ENUM("type", FF_REQUIRED | FF_LIST, asset_types, NULL, "kind of asset"),
    LONGTEXT("description", "what it is and does"),
    OWNER(FF_REQUIRED | FF_LIST, "accountable asset owner"),
    ENUM("confidentiality", FF_LIST, protection_levels, "normal", "stated protection need: confidentiality"),
    ENUM("integrity", FF_LIST, protection_levels, "normal", "stated protection need: integrity"),
    ENUM("availability", FF_LIST, protection_levels, "normal", "stated protection need: availability"),
    LINKS("depends_on", "depends-on", "asset", "asset_dependency", "asset", "depends_on",
          "assets this one relies on (they inherit its protection needs)"),
    BOOL("critical_function", "no", "supports a critical or important function (DORA)"),
    TEXT("location", 0, "where it is (site, region, provider)", 200),
};

static const fielddef threat_fields[] = {
    TEXT("name", FF_REQUIRED | FF_LIST, "the threat", 300),
    LONGTEXT("description", "how it materialises"),
    ENUM("category", FF_LIST, threat_categories, "other", "kind of threat"),
    TEXT("steward", 0, "programme or pattern that owns the operational detail", 200),
    {.name = "builtin", .type = FT_BOOL, .flags = FF_SYSTEM | FF_LIST, .deflt = "no",
     .help = "part of isms's built-in catalogue"},
};

static const fielddef risk_fields[] = {
    TEXT("title", FF_REQUIRED | FF_LIST, "the risk in a line", 300),
    LONGTEXT("description", "cause, event and consequence"),
    OWNER(FF_REQUIRED | FF_LIST, "risk owner (ideally the owner of the objective at stake)"),
    LINKS("objectives", "objective", "objective", "risk_objective", "risk", "objective",
          "business objectives this risk threatens"),
    LINKS("assets", "asset", "asset", "risk_asset", "risk", "asset", "assets concerned"),
    LINKS("threats", "threat", "threat", "risk_threat", "risk", "threat", "threats behind it"),
    LEVEL("likelihood", FF_REQUIRED | FF_LIST, "inherent likelihood, 1..n on the organisation's matrix"),
    LEVEL("impact", FF_REQUIRED | FF_LIST, "inherent impact, 1..n"),
    LEVEL("residual_likelihood", FF_LIST, "likelihood with current controls (default: inherent)"),
    LEVEL("residual_impact", FF_LIST, "impact with current controls (default: inherent)"),
    ENUM("treatment", FF_LIST, treatments, "undecided", "treatment option"),
    LONGTEXT("treatment_plan", "what will be done, by whom, by when"),
    DATE("review_date", "next review (default: one year from today)"),
    ENUM("loss_model", 0, loss_models, NULL,
         "FAIR annual loss: compound (events per year, each its own loss) or product (LEF x LM)"),
    DIST("lef", "loss event frequency per year, e.g. pert(0.5,2,6) (or tef with vulnerability)"),
    DIST("tef", "threat event frequency per year"),
    DIST("vulnerability", "probability that a threat event becomes a loss event, e.g. beta(2,8)"),
    DIST("threat_capability", "threat capability (0..100), drawn against resistance strength"),
    DIST("resistance_strength", "resistance strength (0..100)"),
    DIST("primary_loss", "primary loss per event, in major units, e.g. lognormal90(100000,5000000)"),
    DIST("secondary_probability", "probability of secondary loss per event"),
    DIST("secondary_loss", "secondary loss per event (fines, claims), in major units"),
};

static const fielddef control_fields[] = {
    TEXT("title", FF_REQUIRED | FF_LIST, "the control in a line", 300),
    LONGTEXT("description", "what the control does and how"),
    OWNER(FF_REQUIRED | FF_LIST, "control owner"),
    ENUM("type", FF_LIST, control_types, "preventive", "what the control does to a risk"),
    ENUM("automation", 0, automation_kinds, "manual", "manual, automated or hybrid"),
    ENUM("status", FF_LIST, control_statuses, "planned",
         "lifecycle: planned, implemented, operating (retired through retire)"),
    LINKS("treats", "treats", "risk", "control_risk", "control", "risk", "risks this control treats"),
    {.name = "cost", .type = FT_MONEY, .flags = FF_LIST, .help = "annual cost of running it"},
    ENUM("effectiveness", 0, effectiveness_levels, "not-assessed", "latest assessment of effectiveness"),
    DATE("implemented_on", "date it went into operation"),
    DATE("review_date", "next review"),
    ENUM("acts_on", 0, fair_targets, NULL,
         "FAIR factor it reduces on the risks it treats (transfer: insurance)"),
    DIST("reduction", "share of that factor removed, e.g. pert(0.3,0.5,0.7) or const(0.4)"),
    MONEY("deductible", "insurance: deductible"),
    MONEY("cover_limit", "insurance: limit of cover"),
    ENUM("cover_basis", 0, cover_bases, NULL, "insurance: per event or per year"),
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

static const fielddef acceptance_fields[] = {
    {.name = "risk", .type = FT_REF, .flags = FF_REQUIRED | FF_LIST, .target = "risk",
     .help = "the risk accepted"},
    {.name = "accepted_by", .type = FT_REF, .flags = FF_REQUIRED | FF_LIST, .target = "person",
     .help = "who accepts it (their authority must match the risk's size)"},
    {.name = "rationale", .type = FT_TEXT, .flags = FF_REQUIRED | FF_MULTILINE, .max = 65536,
     .help = "why the risk is accepted"},
    DATE("expires_on", "when the acceptance lapses and the risk comes back for review (default: a year)"),
    {.name = "basis", .type = FT_TEXT, .flags = FF_LIST | FF_SYSTEM, .max = 400,
     .help = "the risk's size when it was accepted, and the authority that required"},
};

static const fielddef analysis_fields[] = {
    TEXT("subject", FF_LIST | FF_SYSTEM, "what was quantified: a risk key, or portfolio", 100),
    ENUM("kind", FF_LIST | FF_SYSTEM, analysis_kinds, NULL, "risk, portfolio or control return"),
    {.name = "iterations", .type = FT_INT, .flags = FF_LIST | FF_SYSTEM, .min = 1, .max = 100000000,
     .help = "Monte Carlo iterations (simulated years)"},
    TEXT("seed", FF_LIST | FF_SYSTEM, "random seed (reproduces the figures)", 32),
    TEXT("engine", FF_SYSTEM, "engine version that computed it", 64),
    {.name = "mean_loss", .type = FT_MONEY, .flags = FF_LIST | FF_SYSTEM,
     .help = "mean annual loss (current residual)"},
    {.name = "p95_loss", .type = FT_MONEY, .flags = FF_LIST | FF_SYSTEM,
     .help = "95th percentile of annual loss (current residual)"},
    {.name = "outside_appetite", .type = FT_BOOL, .flags = FF_LIST | FF_SYSTEM,
     .help = "the loss at the appetite's confidence exceeds the appetite"},
    {.name = "inputs", .type = FT_TEXT, .flags = FF_SYSTEM | FF_MULTILINE, .max = 16777216,
     .help = "everything that went into the run, as JSON"},
    {.name = "results", .type = FT_TEXT, .flags = FF_SYSTEM | FF_MULTILINE, .max = 16777216,
     .help = "the figures, as JSON"},
};

const regdef reg_org = {
    .name = "org", .plural = "org", .key_prefix = "ORG", .label = "name",
    .summary = "organisation profile: sector, NIS2 and DORA classes, currency, risk matrix",
    .fields = org_fields, .nfields = NFIELDS(org_fields),
    .flags = REG_SINGLETON | REG_NO_RETIRE, .check = rules_org,
};
const regdef reg_person = {
    .name = "person", .plural = "people", .key_prefix = "PER", .label = "name",
    .summary = "people and their ISMS roles",
    .fields = person_fields, .nfields = NFIELDS(person_fields), .check = rules_person,
};
const regdef reg_scope = {
    .name = "scope", .plural = "scopes", .key_prefix = "SCOPE", .label = "statement",
    .summary = "ISMS scope statement, versioned, approved by the management body",
    .fields = scope_fields, .nfields = NFIELDS(scope_fields), .lifecycle = &scope_lifecycle,
};
const regdef reg_context = {
    .name = "context", .plural = "context_issues", .key_prefix = "CTX", .label = "title",
    .summary = "internal and external issues (context of the organisation)",
    .fields = context_fields, .nfields = NFIELDS(context_fields), .check = rules_owned,
};
const regdef reg_stakeholder = {
    .name = "stakeholder", .plural = "stakeholders", .key_prefix = "STK", .label = "name",
    .summary = "interested parties and their requirements",
    .fields = stakeholder_fields, .nfields = NFIELDS(stakeholder_fields), .check = rules_owned,
};
const regdef reg_objective = {
    .name = "objective", .plural = "objectives", .key_prefix = "OBJ", .label = "title",
    .summary = "business objectives the ISMS protects, with their owners and value at stake",
    .fields = objective_fields, .nfields = NFIELDS(objective_fields), .check = rules_owned,
};
const regdef reg_asset = {
    .name = "asset", .plural = "assets", .key_prefix = "AST", .label = "name",
    .summary = "assets with protection needs and dependencies (maximum principle)",
    .fields = asset_fields, .nfields = NFIELDS(asset_fields), .check = rules_asset,
};
const regdef reg_threat = {
    .name = "threat", .plural = "threats", .key_prefix = "THR", .label = "name",
    .summary = "threat catalogue: T-IS-001..015 built in, and your own",
    .fields = threat_fields, .nfields = NFIELDS(threat_fields), .check = rules_owned,
};
const regdef reg_risk = {
    .name = "risk", .plural = "risks", .key_prefix = "RISK", .label = "title",
    .summary = "risks to objectives and assets: likelihood × impact, inherent and residual, treatment",
    .fields = risk_fields, .nfields = NFIELDS(risk_fields), .check = rules_risk,
};
const regdef reg_control = {
    .name = "control", .plural = "controls", .key_prefix = "CTL", .label = "title",
    .summary = "the internal control set: owner, type, lifecycle, cost, risks treated",
    .fields = control_fields, .nfields = NFIELDS(control_fields), .check = rules_control,
};

const regdef reg_appetite = {
    .name = "appetite", .plural = "appetites", .key_prefix = "APP", .label = "statement",
    .summary = "risk appetite and tolerance, per objective or organisation-wide, approved by the management body",
    .fields = appetite_fields, .nfields = NFIELDS(appetite_fields), .check = rules_appetite,
    .lifecycle = &appetite_lifecycle,
};
const regdef reg_acceptance = {
    .name = "acceptance", .plural = "acceptances", .key_prefix = "ACC", .label = "rationale",
    .summary = "risk acceptances: who accepted what, on which basis, until when",
    .fields = acceptance_fields, .nfields = NFIELDS(acceptance_fields), .check = rules_acceptance,
    .flags = REG_SYSTEM,
};
const regdef reg_analysis = {
    .name = "analysis", .plural = "analyses", .key_prefix = "QNT", .label = "subject",
    .summary = "quantified results with their inputs, seed and engine, so every figure can be reproduced",
    .fields = analysis_fields, .nfields = NFIELDS(analysis_fields), .check = rules_owned,
    .flags = REG_SYSTEM,
};

static const regdef *const builtin_registers[] = {
    &reg_org, &reg_person, &reg_scope, &reg_context, &reg_stakeholder, &reg_objective,
    &reg_asset, &reg_threat, &reg_risk, &reg_control, &reg_appetite, &reg_acceptance,
    &reg_analysis, &reg_signing_key, NULL};

const regdef *const *registers = builtin_registers;

void registers_use(const regdef *const *set)
{
    registers = set ? set : builtin_registers;
}

const regdef *register_find(const char *name)
{
    for (int i = 0; registers[i]; i++)
        if (!strcmp(registers[i]->name, name) || !strcmp(registers[i]->plural, name))
            return registers[i];
    return NULL;
}

const regdef *register_for_key(const char *key)
{
    if (!strncmp(key, "T-IS-", 5))
        return &reg_threat;
    if (!strcmp(key, "ORG"))
        return &reg_org;
    const char *dash = strrchr(key, '-');
    if (!dash)
        return NULL;
    size_t n = (size_t)(dash - key);
    for (int i = 0; registers[i]; i++)
        if (strlen(registers[i]->key_prefix) == n && !strncmp(registers[i]->key_prefix, key, n))
            return registers[i];
    return NULL;
}
