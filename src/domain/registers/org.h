/* org.h: the organisation profile (one record): sector, NIS2 and DORA
 * classes, currency, the risk matrix and the limits of who may accept what. */
#ifndef ISMS_DOMAIN_ORG_H
#define ISMS_DOMAIN_ORG_H

#include "core/record.h"

struct dom;

extern const regdef reg_org;

int rules_org(struct dom *d, record *r, const record *old, isms_err *e);

typedef struct currency {
    const char *code;   /* ISO 4217 */
    int exponent;       /* minor-unit decimals */
} currency;
extern const currency currencies[];
const currency *currency_find(const char *code);

#endif
