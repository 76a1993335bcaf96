/* people.h: the people of the ISMS and their roles. */
#ifndef ISMS_DOMAIN_PEOPLE_H
#define ISMS_DOMAIN_PEOPLE_H

#include "core/record.h"

struct dom;

extern const regdef reg_person;

int rules_person(struct dom *d, record *r, const record *old, isms_err *e);

extern const char *const role_names[];   /* management-body, isms-lead, ... */

#endif
