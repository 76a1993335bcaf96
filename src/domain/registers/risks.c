/* risks.c: threats, risks, acceptances and analyses: their vocabularies,
 * fields and rules, and the scores derived from a risk's levels. */
#include "domain/engine/dom_internal.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"
#include "core/text.h"
#include "risk/qual.h"

#include <string.h>

static const char *const threat_categories[] = {
    "governance", "compliance", "detection",    "operations", "response",      "vulnerability",
    "personnel",  "knowledge",  "supply-chain", "physical",   "concentration", "ai",
    "insurance",  "frameworks", "competence",   "cyber",      "other",         NULL
};
static const char *const treatments[] = { "undecided", "mitigate", "accept",
                                          "transfer",  "avoid",    NULL };
static const char *const loss_models[] = { "compound", "product", NULL };
static const char *const analysis_kinds[] = { "risk", "portfolio", "control-return", NULL };
static const char *const analysis_verdicts[] = { "within-appetite", "above-appetite",
                                                 "above-tolerance", "no-appetite", NULL };

REGISTER(threat, THREAT, "threats", "THR", F_THREAT_NAME,
         "threat catalogue: the ISMS's T-IS-001..015 and BSI's elementary threats G-0.1..47 "
         "built in, and your own",
         .check = rules_threat);
REGISTER(risk, RISK, "risks", "RISK", F_RISK_TITLE,
         "risks to objectives and assets: likelihood × impact, inherent and residual, treatment",
         .check = rules_risk);
/* Acceptances and analyses are written by the workflows, not by hand. */
REGISTER(acceptance, ACCEPTANCE, "acceptances", "ACC", F_ACCEPTANCE_RATIONALE,
         "risk acceptances: who accepted what, on which basis, until when",
         .check = rules_acceptance, .flags = REG_SYSTEM);
REGISTER(analysis, ANALYSIS, "analyses", "QNT", F_ANALYSIS_SUBJECT,
         "quantified results with their inputs, seed and engine, so every figure can be "
         "reproduced",
         .flags = REG_SYSTEM);

/* ---- rules ---- */

/* The built-in catalogue is isms's: its threats keep their names and
 * meaning in every repository, so that T-IS-004 or G-0.39 means the same
 * thing to every auditor. Only the steward, who owns the detail here, may
 * be set. A variant is a threat of one's own. */
int rules_threat(dom *d, record *r, const record *old, isms_err *e)
{
    (void)d;
    if (!old || !record_int(old, F_THREAT_BUILTIN))
        return 0;
    if (rules_is_retiring(r, old))
        return err_set(e, E_CONFLICT, "threat",
                       "%s is a built-in threat of isms's catalogue and cannot be "
                       "retired; unlink it from your risks instead",
                       old->key);
    static const int fixed[] = { F_THREAT_NAME, F_THREAT_DESCRIPTION, F_THREAT_CATEGORY };
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++) {
        const char *was = record_text(old, fixed[k]), *now = record_text(r, fixed[k]);
        if ((was == NULL) != (now == NULL) || (was && strcmp(was, now))) {
            const char *name = field_def(&reg_threat, fixed[k])->name;
            return err_set(
                e, E_CONFLICT, name,
                "%s: %s is a built-in threat of isms's catalogue: its name, "
                "description and category cannot change (its steward can); add a threat of your "
                "own for a variant (isms threat add)",
                name, old->key);
        }
    }
    return 0;
}

static int check_residual(const record *r, int residual_id, int inherent_id, isms_err *e)
{
    const char *residual = field_def(r->reg, residual_id)->name;
    const char *inherent = field_def(r->reg, inherent_id)->name;
    const value *res = record_cval(r, residual_id);
    int64_t inh = record_int(r, inherent_id);
    if (!res->null && res->i > inh)
        return err_set(
            e, E_INVALID, residual,
            "%s: %lld is above the inherent %s (%lld); controls cannot make a risk worse", residual,
            (long long)res->i, inherent, (long long)inh);
    return 0;
}

/* FAIR inputs, when any are given, must make a complete model: one way to
 * the loss event frequency, a primary loss, and a secondary loss only with
 * its probability. The engine checks the rest (ranges, shapes). */
static int check_fair_inputs(const record *r, isms_err *e)
{
    int lef = !!record_text(r, F_RISK_LEF), tef = !!record_text(r, F_RISK_TEF),
        vuln = !!record_text(r, F_RISK_VULNERABILITY),
        tcap = !!record_text(r, F_RISK_THREAT_CAPABILITY),
        rs = !!record_text(r, F_RISK_RESISTANCE_STRENGTH),
        plm = !!record_text(r, F_RISK_PRIMARY_LOSS),
        slep = !!record_text(r, F_RISK_SECONDARY_PROBABILITY),
        slm = !!record_text(r, F_RISK_SECONDARY_LOSS);
    if (!(lef | tef | vuln | tcap | rs | plm | slep | slm))
        return 0;
    /* The first broken rule is said, naming its field. */
    const struct {
        int broken;
        const char *field, *why;
    } rules[] = {
        { lef && (tef || vuln || tcap || rs), "lef",
          "give the loss event frequency directly, or derive it from tef and vulnerability, "
          "not both" },
        { !lef && !tef, "lef",
          "a FAIR model needs a loss event frequency (lef, or tef with vulnerability)" },
        { tef && !vuln && !(tcap && rs), "vulnerability",
          "tef needs a vulnerability (vulnerability, or threat_capability with "
          "resistance_strength)" },
        { vuln && (tcap || rs), "vulnerability",
          "give it directly or as threat capability against resistance strength, not both" },
        { tcap != rs, tcap ? "resistance_strength" : "threat_capability",
          "threat capability and resistance strength go together" },
        { !plm, "primary_loss", "a FAIR model needs the primary loss per event (primary_loss)" },
        { slep != slm, slep ? "secondary_loss" : "secondary_probability",
          "secondary probability and secondary loss go together" },
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (rules[i].broken)
            return err_set(e, E_INVALID, rules[i].field, "%s: %s", rules[i].field, rules[i].why);
    return dom_fair_validate(r, e);
}

int rules_risk(dom *d, record *r, const record *old, isms_err *e)
{
    int rc = check_fair_inputs(r, e);
    if (!rc)
        rc = check_residual(r, F_RISK_RESIDUAL_LIKELIHOOD, F_RISK_LIKELIHOOD, e);
    if (!rc)
        rc = check_residual(r, F_RISK_RESIDUAL_IMPACT, F_RISK_IMPACT, e);
    const value *review = record_cval(r, F_RISK_REVIEW_DATE);
    if (!rc && review->given && review->null)
        rc = err_set(e, E_INVALID, "review_date",
                     "review_date: \"\" would leave the risk without a review date; risks are "
                     "reviewed at least yearly, so give a date (left out when the risk is added, "
                     "it is a year from today)");
    if (!rc)
        rules_warn_past_date(d, r, F_RISK_REVIEW_DATE, "due for review");
    if (!rc && !old && review->null) {
        /* Risk assessments are reviewed at least yearly (DORA Art. 6(5), ISO Cl. 8.2). */
        char today[11], next[11];
        now_date(today);
        date_add_days(next, today, 365);
        record_set_text(r, F_RISK_REVIEW_DATE, next, dom_arena(d));
    }
    return rc;
}

/* ---- derived values ---- */

int risk_score(const record *risk)
{
    return (int)(record_int(risk, F_RISK_LIKELIHOOD) * record_int(risk, F_RISK_IMPACT));
}

int risk_residual_score(const record *risk)
{
    const value *rl = record_cval(risk, F_RISK_RESIDUAL_LIKELIHOOD),
                *ri = record_cval(risk, F_RISK_RESIDUAL_IMPACT);
    int64_t l = rl->null ? record_int(risk, F_RISK_LIKELIHOOD) : rl->i;
    int64_t i = ri->null ? record_int(risk, F_RISK_IMPACT) : ri->i;
    return (int)(l * i);
}

const char *risk_band(int score, int n)
{
    /* Band edges at 16%, 36% and 64% of the largest score: on a 5x5 matrix
     * 1-4 low, 5-9 medium, 10-16 high, 20-25 critical. */
    double f = (double)score / (double)(n * n);
    return f <= 0.16 ? "low" : f <= 0.36 ? "medium" : f <= 0.64 ? "high" : "critical";
}
