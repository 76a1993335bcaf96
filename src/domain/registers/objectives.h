/* objectives.h: the business objectives the ISMS protects, and the risk
 * appetite set for them. */
#ifndef ISMS_DOMAIN_OBJECTIVES_H
#define ISMS_DOMAIN_OBJECTIVES_H

#include "core/record.h"

struct dom;

extern const regdef reg_objective, reg_appetite;

int rules_appetite(struct dom *d, record *r, const record *old, isms_err *e);

#endif
