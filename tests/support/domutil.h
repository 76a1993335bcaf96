/* domutil.h: building records in tests that call the domain directly. */
#ifndef ISMS_TEST_DOMUTIL_H
#define ISMS_TEST_DOMUTIL_H

#include "domain/engine/dom.h"

/* A record of `reg` from "field=value" pairs (user text, as the CLI would
 * pass it), NULL-terminated; fails the test on a bad pair. Memory from the
 * dom's arena. */
record *tu_make(dom *d, const regdef *reg, ...) __attribute__((sentinel));
/* dom_add, failing the test (with the message) unless it succeeds;
 * returns the new key. */
const char *tu_add(dom *d, record *r);
/* Acts as person `who` (key or e-mail; NULL: the process itself) in the
 * calls that follow, failing the test if they cannot. The request is not
 * ended, so the arena keeps what the test holds. */
void tu_as(dom *d, const char *who);

#endif
