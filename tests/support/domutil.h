/* domutil.h: building records in tests that call the domain directly. */
#ifndef ISMS_TEST_DOMUTIL_H
#define ISMS_TEST_DOMUTIL_H

#include "domain/engine/dom.h"
#include "domain/workflows/quantify.h"

/* A record of `reg` from "field=value" pairs (user text, as the CLI would
 * pass it), NULL-terminated; fails the test on a bad pair. Memory from the
 * dom's arena. */
record *tu_make(dom *d, const regdef *reg, ...) __attribute__((sentinel));
/* dom_add, failing the test (with the message) unless it succeeds;
 * returns the new key. */
const char *tu_add(dom *d, record *r);
/* dom_add of r, which must be refused with `code`, naming `field` and
 * saying `says`; and nothing written (the register holds as many records,
 * retired ones included, as before). */
void tu_add_refused(dom *d, record *r, int code, const char *field, const char *says);
/* What is due of person `who` (key) up to `upto` (dom_due_of): exactly the
 * record `key` at `date`, or nothing when key is NULL. */
void tu_due_is(dom *d, const char *who, const char *upto, const char *key, const char *date);
/* Acts as person `who` (key or e-mail; NULL: the process itself) in the
 * calls that follow, failing the test if they cannot. The request is not
 * ended, so the arena keeps what the test holds. */
void tu_as(dom *d, const char *who);
/* A new repository `name` in the test's directory, acting as `actor`;
 * fails the test if it cannot be made. */
dom *tu_create(const char *name, const char *actor);
/* The two people most tests need: PER-1 Dana of the management body and
 * PER-2 Omar, a risk owner. */
void tu_add_people(dom *d);
/* Fixes the clock (ISMS_NOW) at 2026-11-23T12:00:00Z for what follows. */
void tu_clock(void);
/* Closes a test's repository and lets the clock run again: a set-up's
 * undoing, returning 0 as a cmocka teardown does. */
int tu_close(dom *d);
/* dom_risk_quantify of `key` with `o`, and dom_portfolio_quantify by objective: each fails
 * the test (with the message) unless it succeeds. */
void tu_quantify(dom *d, const char *key, quant_opts o, risk_quant *q);
void tu_quantify_all(dom *d, quant_opts o, portfolio_quant *p);
/* A full verification (dom_verify), failing the test with its details
 * unless it finds no problem. */
void tu_verified(dom *d);
/* Every kept figure (tallies_read) equals its count from the records
 * (dom_tallies_recount); fails the test naming each that does not. */
void tu_figures_as_counted(dom *d);
/* Sets the organisation from "field=value" pairs, NULL-terminated. */
void tu_org(dom *d, ...) __attribute__((sentinel));

#endif
