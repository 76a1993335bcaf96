/* context.h: the context of the organisation (ISO/IEC 27001 Cl. 4): the
 * ISMS scope, internal and external issues, interested parties. */
#ifndef ISMS_DOMAIN_CONTEXT_H
#define ISMS_DOMAIN_CONTEXT_H

#include "core/record.h"

extern const regdef reg_scope, reg_context, reg_stakeholder;

#endif
