/* people.h: the people of the ISMS and their roles. */
#ifndef ISMS_DOMAIN_PEOPLE_H
#define ISMS_DOMAIN_PEOPLE_H

#include "domain/registers/fields.h"

struct dom;

/* clang-format off: one line per field */
#define PERSON_FIELDS(X)                                                                       \
    X(F_PERSON_NAME, TEXT("name", FF_REQUIRED | FF_LIST, "full name", 200))                    \
    X(F_PERSON_EMAIL,                                                                          \
      TEXT("email", FF_REQUIRED | FF_LIST | FF_UNIQUE | FF_FOLD,                               \
           "e-mail address, unique; identifies the person on the command line", 254))          \
    X(F_PERSON_ROLES, ENUMSET("roles", FF_LIST, "role", role_names, "person_role", "person",   \
                              "role", "ISMS roles (repeat the flag or separate with commas)")) \
    X(F_PERSON_JOB_TITLE, TEXT("job_title", 0, "job title", 200))                              \
    X(F_PERSON_DEPARTMENT, TEXT("department", 0, "department or business unit", 200))          \
    X(F_PERSON_BUDGET_AUTHORITY,                                                               \
      MONEY("budget_authority", 0, "amount the person may commit without further approval"))
FIELD_IDS(RN_PERSON, PERSON_FIELDS);
/* clang-format on */

extern const regdef reg_person;

int rules_person(struct dom *d, record *r, const record *old, isms_err *e);

extern const char *const role_names[]; /* management-body, isms-lead, ... */

/* Does a person with `role` approve something (a lifecycle's transition
 * needs the role, or it accepts risks beyond one's own)? */
int role_approves(const char *role);

#endif
