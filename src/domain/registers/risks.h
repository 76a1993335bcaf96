/* risks.h: threats, risks, their acceptances and their quantified
 * analyses; the scores and bands derived from a risk's levels. */
#ifndef ISMS_DOMAIN_RISKS_H
#define ISMS_DOMAIN_RISKS_H

#include "domain/registers/fields.h"

struct dom;

extern const regdef reg_threat, reg_risk, reg_acceptance, reg_analysis;

int rules_threat(struct dom *d, record *r, const record *old, isms_err *e);
int rules_risk(struct dom *d, record *r, const record *old, isms_err *e);
/* The acceptance workflow's rules (domain/workflows/acceptance.c). */
int rules_acceptance(struct dom *d, record *r, const record *old, isms_err *e);
/* The roles that give authority to accept risks beyond one's own
 * (NULL-terminated; acceptance.c). */
extern const char *const acceptance_roles[];

/* Risk scores on the matrix: likelihood x impact, inherent and residual
 * (residual falls back to inherent where not assessed). */
int risk_score(const record *risk);
int risk_residual_score(const record *risk);
/* Band of a score on an n x n matrix: "low", "medium", "high", "critical". */
const char *risk_band(int score, int n);

/* clang-format off: one line per field */
#define THREAT_FIELDS(X)                                                                          \
    X(F_THREAT_NAME, TEXT("name", FF_REQUIRED | FF_LIST, "the threat", 300))                      \
    X(F_THREAT_DESCRIPTION, LONGTEXT("description", 0, "how it materialises"))                    \
    X(F_THREAT_CATEGORY, ENUM("category", FF_LIST, threat_categories, "other", "kind of threat")) \
    X(F_THREAT_STEWARD,                                                                           \
      TEXT("steward", 0, "programme or pattern that owns the operational detail", 200))           \
    X(F_THREAT_BUILTIN,                                                                           \
      BOOL("builtin", FF_SYSTEM | FF_LIST, "no", "part of isms's built-in catalogue"))
FIELD_IDS(RN_THREAT, THREAT_FIELDS);
/* clang-format on */

/* one line per field (the FAIR inputs too, however long) */
/* clang-format off */
#define RISK_FIELDS(X)                                                                                                       \
    X(F_RISK_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the risk in a line", 300))                                         \
    X(F_RISK_DESCRIPTION, LONGTEXT("description", 0, "cause, event and consequence"))                                        \
    X(F_RISK_OWNER,                                                                                                          \
      OWNER(FF_REQUIRED | FF_LIST, "risk owner (ideally the owner of the objective at stake)"))                              \
    X(F_RISK_OBJECTIVES, LINKS("objectives", "objective", "objective", "risk_objective", "risk",                             \
                               "objective", "business objectives this risk threatens"))                                      \
    X(F_RISK_ASSETS,                                                                                                         \
      LINKS("assets", "asset", "asset", "risk_asset", "risk", "asset", "assets concerned"))                                  \
    X(F_RISK_THREATS,                                                                                                        \
      LINKS("threats", "threat", "threat", "risk_threat", "risk", "threat", "threats behind it"))                            \
    X(F_RISK_LIKELIHOOD, LEVEL("likelihood", FF_REQUIRED | FF_LIST | FF_SORTED,                                                          \
                               "inherent likelihood, 1..n on the organisation's matrix"))                                    \
    X(F_RISK_IMPACT, LEVEL("impact", FF_REQUIRED | FF_LIST | FF_SORTED, "inherent impact, 1..n"))                                        \
    X(F_RISK_RESIDUAL_LIKELIHOOD, LEVEL("residual_likelihood", FF_LIST | FF_SORTED,                                                      \
                                        "likelihood with current controls (default: inherent)"))                             \
    X(F_RISK_RESIDUAL_IMPACT,                                                                                                \
      LEVEL("residual_impact", FF_LIST | FF_SORTED, "impact with current controls (default: inherent)"))                                 \
    X(F_RISK_TREATMENT, ENUM("treatment", FF_LIST | FF_SORTED, treatments, "undecided", "treatment option"))                             \
    X(F_RISK_TREATMENT_PLAN, LONGTEXT("treatment_plan", 0, "what will be done, by whom, by when"))                           \
    X(F_RISK_REVIEW_DATE, DATE("review_date", "next review (default: one year from today)"))                                 \
    X(F_RISK_LOSS_MODEL, ENUM("loss_model", 0, loss_models, NULL,                                                            \
                              "FAIR annual loss: compound (events per year, each its own loss) "                             \
                              "or product (LEF x LM)"))                                                                      \
    X(F_RISK_LEF, DIST("lef", "loss event frequency per year, e.g. pert(0.5,2,6) (or tef with vulnerability)"))              \
    X(F_RISK_TEF, DIST("tef", "threat event frequency per year"))                                                            \
    X(F_RISK_VULNERABILITY, DIST("vulnerability", "probability that a threat event becomes a loss event, e.g. beta(2,8)"))   \
    X(F_RISK_THREAT_CAPABILITY, DIST("threat_capability", "threat capability (0..100), drawn against resistance strength"))  \
    X(F_RISK_RESISTANCE_STRENGTH, DIST("resistance_strength", "resistance strength (0..100)"))                               \
    X(F_RISK_PRIMARY_LOSS, DIST("primary_loss", "primary loss per event, in major units, e.g. lognormal90(100000,5000000)")) \
    X(F_RISK_SECONDARY_PROBABILITY, DIST("secondary_probability", "probability of secondary loss per event"))                \
    X(F_RISK_SECONDARY_LOSS, DIST("secondary_loss", "secondary loss per event (fines, claims), in major units"))
FIELD_IDS(RN_RISK, RISK_FIELDS);
/* clang-format on */

/* clang-format off: one line per field */
#define ACCEPTANCE_FIELDS(X)                                                                   \
    X(F_ACCEPTANCE_RISK, REF("risk", FF_REQUIRED | FF_LIST, "risk", "the risk accepted"))      \
    X(F_ACCEPTANCE_ACCEPTED_BY,                                                                \
      REF("accepted_by", FF_REQUIRED | FF_LIST, "person",                                      \
          "who accepts it (their authority must match the risk's size)"))                      \
    X(F_ACCEPTANCE_RATIONALE, LONGTEXT("rationale", FF_REQUIRED, "why the risk is accepted"))  \
    X(F_ACCEPTANCE_EXPIRES_ON,                                                                 \
      DATE("expires_on",                                                                       \
           "when the acceptance lapses and the risk comes back for review (default: a year)")) \
    X(F_ACCEPTANCE_BASIS,                                                                      \
      TEXT("basis", FF_LIST | FF_SYSTEM,                                                       \
           "the risk's size when it was accepted, and the authority that required", 400))
FIELD_IDS(RN_ACCEPTANCE, ACCEPTANCE_FIELDS);
/* clang-format on */

/* clang-format off: one line per field */
#define ANALYSIS_FIELDS(X)                                                                        \
    X(F_ANALYSIS_SUBJECT,                                                                         \
      TEXT("subject", FF_LIST | FF_SYSTEM, "what was quantified: a risk key, or portfolio", 100)) \
    X(F_ANALYSIS_KIND, ENUM("kind", FF_LIST | FF_SYSTEM, analysis_kinds, NULL,                    \
                            "risk, portfolio or control return"))                                 \
    X(F_ANALYSIS_ITERATIONS, INT("iterations", FF_LIST | FF_SYSTEM, 1, 100000000, NULL,           \
                                 "Monte Carlo iterations (simulated years)"))                     \
    X(F_ANALYSIS_SEED,                                                                            \
      TEXT("seed", FF_LIST | FF_SYSTEM, "random seed (reproduces the figures)", 32))              \
    X(F_ANALYSIS_ENGINE, TEXT("engine", FF_SYSTEM, "engine version that computed it", 64))        \
    X(F_ANALYSIS_MEAN_LOSS,                                                                       \
      MONEY("mean_loss", FF_LIST | FF_SYSTEM, "mean annual loss (current residual)"))             \
    X(F_ANALYSIS_P95_LOSS, MONEY("p95_loss", FF_LIST | FF_SYSTEM | FF_SORTED,                     \
                                 "95th percentile of annual loss (current residual)"))            \
    X(F_ANALYSIS_OUTSIDE_APPETITE,                                                                \
      BOOL("outside_appetite", FF_LIST | FF_SYSTEM, NULL,                                         \
           "the loss at the appetite's confidence exceeds the appetite"))                         \
    X(F_ANALYSIS_INPUTS, TEXT("inputs", FF_SYSTEM | FF_MULTILINE,                                 \
                              "everything that went into the run, as JSON", 16777216))            \
    X(F_ANALYSIS_RESULTS,                                                                         \
      TEXT("results", FF_SYSTEM | FF_MULTILINE, "the figures, as JSON", 16777216))                \
    X(F_ANALYSIS_INPUTS_HASH,                                                                     \
      TEXT("inputs_hash", FF_SYSTEM,                                                              \
           "SHA-256 of the register inputs it ran on (risk factors, control effects and status, " \
           "appetite, insurance): a different hash today means the figures are stale",            \
           64))                                                                                   \
    X(F_ANALYSIS_VERDICT,                                                                         \
      ENUM("verdict", FF_LIST | FF_SYSTEM, analysis_verdicts, NULL,                               \
           "against the appetite, on its measure: within-appetite, above-appetite (within "       \
           "tolerance), above-tolerance, or no-appetite"))                                        \
    X(F_ANALYSIS_MARGIN,                                                                          \
      MONEY("margin", FF_SYSTEM,                                                                  \
            "the loss at the appetite's percentile against it: the headroom below appetite, or "  \
            "the excess above appetite (or above tolerance), as the verdict says"))               \
    X(F_ANALYSIS_LIKELIHOOD,                                                                      \
      INT("likelihood", FF_SYSTEM, 1, RISK_MATRIX_MAX, NULL,                                      \
          "likelihood level the figures imply on the organisation's bands"))                      \
    X(F_ANALYSIS_IMPACT, INT("impact", FF_SYSTEM, 1, RISK_MATRIX_MAX, NULL,                       \
                             "impact level the figures imply on the organisation's bands"))
FIELD_IDS(RN_ANALYSIS, ANALYSIS_FIELDS);
/* clang-format on */

#endif
