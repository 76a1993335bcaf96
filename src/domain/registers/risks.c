/* risks.c: threats, risks, acceptances and analyses: their vocabularies,
 * fields and rules, and the scores derived from a risk's levels. */
#include "domain/engine/dom_internal.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/text.h"

#include <string.h>

static const char *const threat_categories[] = {
    "governance", "compliance", "detection", "operations", "response", "vulnerability",
    "personnel", "knowledge", "supply-chain", "physical", "concentration", "ai", "insurance",
    "frameworks", "competence", "cyber", "other", NULL};
static const char *const treatments[] = {"undecided", "mitigate", "accept", "transfer", "avoid", NULL};
static const char *const loss_models[] = {"compound", "product", NULL};
static const char *const analysis_kinds[] = {"risk", "portfolio", "control-return", NULL};

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

const regdef reg_threat = {
    .name = "threat", .plural = "threats", .key_prefix = "THR", .label = "name",
    .summary = "threat catalogue: T-IS-001..015 built in, and your own",
    .fields = threat_fields, .nfields = NFIELDS(threat_fields),
};
const regdef reg_risk = {
    .name = "risk", .plural = "risks", .key_prefix = "RISK", .label = "title",
    .summary = "risks to objectives and assets: likelihood × impact, inherent and residual, treatment",
    .fields = risk_fields, .nfields = NFIELDS(risk_fields), .check = rules_risk,
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
    .fields = analysis_fields, .nfields = NFIELDS(analysis_fields),
    .flags = REG_SYSTEM,
};

/* ---- rules ---- */

static int check_residual(const record *r, const char *residual, const char *inherent, isms_err *e)
{
    const value *res = record_cval(r, residual);
    int64_t inh = record_int(r, inherent);
    if (!res->null && res->i > inh)
        return err_set(e, E_INVALID, residual,
                       "%s: %lld is above the inherent %s (%lld); controls cannot make a risk worse",
                       residual, (long long)res->i, inherent, (long long)inh);
    return 0;
}

/* FAIR inputs, when any are given, must make a complete model: one way to
 * the loss event frequency, a primary loss, and a secondary loss only with
 * its probability. The engine checks the rest (ranges, shapes). */
static int check_fair_inputs(const record *r, isms_err *e)
{
    int lef = !!record_text(r, "lef"), tef = !!record_text(r, "tef"),
        vuln = !!record_text(r, "vulnerability"), tcap = !!record_text(r, "threat_capability"),
        rs = !!record_text(r, "resistance_strength"), plm = !!record_text(r, "primary_loss"),
        slep = !!record_text(r, "secondary_probability"), slm = !!record_text(r, "secondary_loss");
    if (!(lef | tef | vuln | tcap | rs | plm | slep | slm))
        return 0;
    if (lef && (tef || vuln || tcap || rs))
        return err_set(e, E_INVALID, "lef", "lef: give the loss event frequency directly, or derive "
                       "it from tef and vulnerability, not both");
    if (!lef && !tef)
        return err_set(e, E_INVALID, "lef", "lef: a FAIR model needs a loss event frequency "
                       "(--lef, or --tef with --vulnerability)");
    if (tef && !vuln && !(tcap && rs))
        return err_set(e, E_INVALID, "vulnerability", "vulnerability: tef needs a vulnerability "
                       "(--vulnerability, or --threat-capability with --resistance-strength)");
    if (vuln && (tcap || rs))
        return err_set(e, E_INVALID, "vulnerability", "vulnerability: give it directly or as threat "
                       "capability against resistance strength, not both");
    if (tcap != rs)
        return err_set(e, E_INVALID, tcap ? "resistance_strength" : "threat_capability",
                       "%s: threat capability and resistance strength go together",
                       tcap ? "resistance_strength" : "threat_capability");
    if (!plm)
        return err_set(e, E_INVALID, "primary_loss", "primary_loss: a FAIR model needs the primary "
                       "loss per event (--primary-loss)");
    if (slep != slm)
        return err_set(e, E_INVALID, slep ? "secondary_loss" : "secondary_probability",
                       "%s: secondary probability and secondary loss go together",
                       slep ? "secondary_loss" : "secondary_probability");
    return dom_fair_validate(r, e);
}

int rules_risk(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = check_fair_inputs(r, e);
    if (!rc)
        rc = check_residual(r, "residual_likelihood", "likelihood", e);
    if (!rc)
        rc = check_residual(r, "residual_impact", "impact", e);
    if (!rc && !old && record_cval(r, "review_date")->null) {
        /* Risk assessments are reviewed at least yearly (DORA Art. 6(5), ISO Cl. 8.2). */
        char today[11], next[11];
        now_date(today);
        date_add_days(next, today, 365);
        record_set_text(r, "review_date", next, dom_arena(d));
    }
    return rc;
}

/* ---- derived values ---- */

int risk_score(const record *risk)
{
    return (int)(record_int(risk, "likelihood") * record_int(risk, "impact"));
}

int risk_residual_score(const record *risk)
{
    const value *rl = record_cval(risk, "residual_likelihood"), *ri = record_cval(risk, "residual_impact");
    int64_t l = rl->null ? record_int(risk, "likelihood") : rl->i;
    int64_t i = ri->null ? record_int(risk, "impact") : ri->i;
    return (int)(l * i);
}

const char *risk_band(int score, int n)
{
    /* Band edges at 16%, 36% and 64% of the largest score: on a 5x5 matrix
     * 1-4 low, 5-9 medium, 10-16 high, 20-25 critical. */
    double f = (double)score / (double)(n * n);
    return f <= 0.16 ? "low" : f <= 0.36 ? "medium" : f <= 0.64 ? "high" : "critical";
}
