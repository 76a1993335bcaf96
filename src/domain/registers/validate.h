/* validate.h: the checks every value passes on its way into a repository,
 * whatever brought it: text typed on the command line or in a form (parsed
 * first by dom_set_text), a JSON body, a record read from an export.
 *
 * Parsing turns text into a typed value and knows nothing of the field's
 * limits; validation takes typed values and checks them against the field
 * table: ranges (the risk matrix's for levels), text length, control
 * characters, single lines, blanks, enumerations, distributions that parse
 * and fit their field, money not negative, real dates. Messages name the
 * field and the value, never a front end's spelling of the field (the CLI
 * adds its option as a hint). References are checked against the store by
 * the mutation (they must exist; newly set ones must not be retired). */
#ifndef ISMS_DOMAIN_VALIDATE_H
#define ISMS_DOMAIN_VALIDATE_H

#include "domain/engine/dom.h"

enum {
    /* From a person (a command line, a form, an API body): fields that only
     * isms's workflows set are refused, and so is emptying a field that
     * always holds a value (it has a default). */
    DOM_VALIDATE_USER = 1 << 0,
    /* A whole record (an import): required fields must hold a value. */
    DOM_VALIDATE_WHOLE = 1 << 1,
};

/* Checks the given values of r (all of them with DOM_VALIDATE_WHOLE). */
int dom_validate(dom *d, const record *r, unsigned how, isms_err *e);
/* Checks one value v of field `fi` of `reg` (a list filter's value, say). */
int dom_validate_value(dom *d, const regdef *reg, int fi, const value *v, unsigned how,
                       isms_err *e);

#endif
