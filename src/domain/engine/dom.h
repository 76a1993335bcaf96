/* dom.h: the domain services, the one door to an ISMS repository.
 *
 * Front ends (CLI, HTTP) parse their input into records with
 * dom_set_text(), call one function here, and render what comes back.
 * Every rule lives below this header, once, so the CLI and the web obey the
 * same rules. Every mutation runs in one transaction that also appends its
 * ledger entry; validation failures change nothing.
 *
 * Records returned to the caller are allocated from the dom's scratch arena
 * (dom_arena), which the caller may reset between commands. */
#ifndef ISMS_DOMAIN_DOM_H
#define ISMS_DOMAIN_DOM_H

#include "core/arena.h"
#include "core/err.h"
#include "core/record.h"
#include "store/store.h"

typedef struct dom dom;

/* Opens an existing repository (upgrading its schema if it is older). */
int dom_open(const char *target, const char *actor, dom **out, isms_err *e);
/* Creates a repository: schema, identity, the genesis ledger entry and the
 * built-in threat catalogue, in one transaction. DOM_CREATE_BARE makes the
 * schema only (an import fills in the rest, ledger included). */
enum { DOM_CREATE_BARE = 1 };
int dom_create(const char *target, const char *actor, int flags, dom **out, isms_err *e);
void dom_close(dom *d);

store *dom_store(dom *d);
arena *dom_arena(dom *d);
const char *dom_actor(const dom *d);
int dom_upgraded_from(const dom *d);      /* schema version before this open's upgrade, or 0 */

/* The reason recorded with the next mutations (a --note), or NULL: one
 * line of UTF-8 text of at most DOM_NOTE_MAX bytes, else E_INVALID and the
 * note in force is kept. */
enum { DOM_NOTE_MAX = 1000 };
int dom_set_note(dom *d, const char *note, isms_err *e);

/* Batches group many mutations into one transaction (import, demo, bulk
 * loads); each mutation stays atomic on its own inside it. */
int dom_batch_begin(dom *d, isms_err *e);
int dom_batch_commit(dom *d, isms_err *e);
void dom_batch_rollback(dom *d);

/* ---- organisation settings the rules need ---- */
int dom_matrix_size(dom *d);              /* 3..5, default 5 */
int dom_currency_exponent(dom *d);        /* minor-unit decimals */
const char *dom_currency(dom *d);         /* "EUR" */
/* Label of likelihood (axis 'L') or impact ('I') level n, "" if none set. */
const char *dom_level_label(dom *d, char axis, int level);

/* ---- input ---- */

/* Sets field `f` of r from user text (a CLI flag, a form field): checks the
 * text (UTF-8, length, single line), parses numbers, money (major units),
 * dates, booleans, enum values; references and links keep their keys (or
 * e-mail addresses) until the mutation resolves them. An empty text clears
 * an optional field. The error names the field and the value. */
int dom_set_text(dom *d, record *r, int f, const char *text, isms_err *e);

/* Parses a filter value for field `f` like dom_set_text() does, but also
 * for fields that only isms's workflow sets (they can be searched on). */
int dom_parse_filter(dom *d, record *r, int f, const char *text, isms_err *e);

/* Normalises a key as typed ("risk-1" -> "RISK-1"); result in the arena. */
const char *dom_key(dom *d, const char *typed);

/* ---- mutations: each returns the stored record in *out ---- */

int dom_add(dom *d, record *in, record *out, isms_err *e);
/* Applies the given values of `changes` to record `key`. if_version > 0
 * refuses the change (E_RETRY) unless the record is at that version. A
 * change that changes nothing writes nothing and returns 0. */
int dom_update(dom *d, const regdef *reg, const char *key, const record *changes,
               int64_t if_version, record *out, isms_err *e);
/* Retires a record: it stays, with retired_at set; nothing is deleted. */
int dom_retire(dom *d, const regdef *reg, const char *key, record *out, isms_err *e);

/* The organisation profile: creates it on first use, updates it after. */
int dom_org_set(dom *d, const record *changes, record *out, isms_err *e);
/* Approves record `key` of a REG_APPROVAL register (a scope version, an
 * appetite statement) by `approver` (key or e-mail), who must be an active
 * member of the management body; the record approved before it in the same
 * group (the scope; the appetite of the same objective) becomes superseded. */
int dom_approve(dom *d, const regdef *reg, const char *key, const char *approver, record *out,
                isms_err *e);

/* Accepts a risk: an acceptance record (who, why, until when, on what
 * basis) and the risk's treatment set to accept, in one transaction. The
 * acceptor needs the authority the risk's size requires (acceptance.c).
 * expires_on NULL: a year from today. */
int dom_risk_accept(dom *d, const char *risk_key, const char *by, const char *rationale,
                    const char *expires_on, record *out, isms_err *e);

/* ---- reads ---- */

int dom_get(dom *d, const regdef *reg, const char *key, record *out, isms_err *e);
/* Calls fn for each record matching q, in key order (see store_scan). */
int dom_list(dom *d, const regdef *reg, const store_query *q, store_record_fn fn, void *ctx,
             isms_err *e);
/* The ledger entries of one record (or all, key NULL), oldest first. */
int dom_history(dom *d, const char *key, store_ledger_fn fn, void *ctx, isms_err *e);

/* Resolves a person given as key or e-mail; *id = 0 if none. */
int dom_find_person(dom *d, const char *who, int64_t *id, const char **key, isms_err *e);

#endif
