/* controls.h: the internal control set. */
#ifndef ISMS_DOMAIN_CONTROLS_H
#define ISMS_DOMAIN_CONTROLS_H

#include "core/record.h"

struct dom;

extern const regdef reg_control;

int rules_control(struct dom *d, record *r, const record *old, isms_err *e);

extern const char *const control_statuses[];  /* planned, implemented, operating, retired */

#endif
