/* rules.h: register-specific rules (the regdef `check` hooks) and the
 * derived values the front ends show. Generic checks (required fields,
 * references that exist, unique values) run before these. */
#ifndef ISMS_DOMAIN_RULES_H
#define ISMS_DOMAIN_RULES_H

#include "core/record.h"

struct dom;

int rules_org(struct dom *d, record *r, const record *old, isms_err *e);
int rules_person(struct dom *d, record *r, const record *old, isms_err *e);
int rules_appetite(struct dom *d, record *r, const record *old, isms_err *e);
int rules_acceptance(struct dom *d, record *r, const record *old, isms_err *e);
int rules_owned(struct dom *d, record *r, const record *old, isms_err *e);
int rules_asset(struct dom *d, record *r, const record *old, isms_err *e);
int rules_risk(struct dom *d, record *r, const record *old, isms_err *e);
int rules_control(struct dom *d, record *r, const record *old, isms_err *e);

/* Is this change a retirement (old active, r retired)? */
int rules_is_retiring(const record *r, const record *old);

/* ---- derived values ---- */

/* Risk scores on the matrix: likelihood x impact, inherent and residual
 * (residual falls back to inherent where not assessed). */
int risk_score(const record *risk);
int risk_residual_score(const record *risk);
/* Band of a score on an n x n matrix: "low", "medium", "high", "critical". */
const char *risk_band(int score, int n);

#endif
