/* risks.h: threats, risks, their acceptances and their quantified
 * analyses; the scores and bands derived from a risk's levels. */
#ifndef ISMS_DOMAIN_RISKS_H
#define ISMS_DOMAIN_RISKS_H

#include "core/record.h"

struct dom;

extern const regdef reg_threat, reg_risk, reg_acceptance, reg_analysis;

int rules_risk(struct dom *d, record *r, const record *old, isms_err *e);
/* The acceptance workflow's rules (domain/workflows/acceptance.c). */
int rules_acceptance(struct dom *d, record *r, const record *old, isms_err *e);

/* Risk scores on the matrix: likelihood x impact, inherent and residual
 * (residual falls back to inherent where not assessed). */
int risk_score(const record *risk);
int risk_residual_score(const record *risk);
/* Band of a score on an n x n matrix: "low", "medium", "high", "critical". */
const char *risk_band(int score, int n);

#endif
