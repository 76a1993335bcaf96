/* dom.h: the domain services, the one door to an ISMS repository.
 *
 * Front ends (CLI, HTTP) parse their input into records with
 * dom_set_text(), call one function here, and render what comes back.
 * Every rule lives below this header, once, so the CLI and the web obey the
 * same rules. Every mutation runs in one transaction that also appends its
 * ledger entry; validation failures change nothing.
 *
 * Every call acts for a principal (who, with which roles, and why), set per
 * command or request between dom_begin() and dom_end(). Records returned to
 * the caller, and the domain's scratch, come from the request's arena
 * (dom_arena), which dom_end() resets: one arena per command or request. */
#ifndef ISMS_DOMAIN_DOM_H
#define ISMS_DOMAIN_DOM_H

#include "core/arena.h"
#include "core/err.h"
#include "core/record.h"
#include "store/store.h"

typedef struct dom dom;

/* Who acts: a person of the repository (with their roles), or the process
 * itself: the operating-system account that runs it, who holds no role. */
typedef struct principal {
    const char *actor;      /* recorded in the ledger: the person's e-mail, or "os:<login>" */
    int64_t person;         /* the person's id; 0 when not a person */
    const char *person_key; /* "PER-3"; NULL when not a person */
    unsigned roles;         /* bit i set: holds role_names[i] (domain/registers/registers.h) */
    const char *note;       /* the reason given for this request's changes, or NULL */
} principal;

/* Opens an existing repository (upgrading its schema if it is older: the
 * process does that, and the ledger records it as the operating-system
 * account). */
int dom_open(const char *target, dom **out, isms_err *e);
/* Creates a repository: schema, identity, the genesis ledger entry and the
 * built-in threat catalogue, in one transaction, made by `creator` (NULL:
 * the operating-system account), who is then what dom_principal(d, NULL)
 * gives. DOM_CREATE_BARE makes the schema only (an import fills in the
 * rest, ledger included). */
enum { DOM_CREATE_BARE = 1 };
int dom_create(const char *target, const principal *creator, int flags, dom **out, isms_err *e);
void dom_close(dom *d);

store *dom_store(dom *d);
arena *dom_arena(dom *d);
/* The request's memory traded for `scratch` between these two calls: what
 * the domain allocates meanwhile (dom_arena(d) keeps its address) lands in
 * scratch, for a view that reads one row at a time to free with the row
 * (arena_reset of scratch), so a list of a million rows runs in the memory
 * of one. Values kept for the repository (dom_cached) still go to the
 * cache's memory. *saved holds the request's memory meanwhile. */
void dom_scratch_begin(dom *d, arena *scratch, arena *saved);
void dom_scratch_end(dom *d, arena *scratch, const arena *saved);
/* a's memory handed to the request: freed when it ends (dom_end), a left
 * empty. For what a scratch arena's owner gave out and may still be read. */
void dom_arena_until_end(dom *d, arena *a);
int dom_upgraded_from(const dom *d); /* schema version before this open's upgrade, or 0 */

/* ---- values kept while the repository stays as it is (cache.c) ----
 * What is costly to compute from the whole repository (the latest
 * analyses and their freshness, the dashboard's counts, a list's total)
 * is kept per connection, named, for as long as the ledger's head is the
 * same entry: every change is a ledger entry, so a new head (made by this
 * connection or any other, in this process or another) drops them all.
 * Checking costs one indexed read of the ledger's last entry. */
typedef int (*dom_cache_fn)(dom *d, void *ctx, void **out, isms_err *e);
/* The value named `name` for the repository as it now stands: the kept
 * one, or fn's, computed with dom_arena(d) being the cache's memory (so
 * that what it allocates there lasts as long as the value) and kept. */
int dom_cached(dom *d, const char *name, dom_cache_fn fn, void *ctx, void **out, isms_err *e);
/* Bytes kept the same way (a response: a page of a list as JSON): fn
 * writes them into `out` in the request's memory and only the bytes are
 * kept. out->head is the ledger head they belong to (an ETag for them),
 * NULL when they were made while the head moved (handed out, not kept).
 * The bytes stay readable until the request ends. */
struct buf;
typedef int (*dom_cache_text_fn)(dom *d, void *ctx, struct buf *out, isms_err *e);
typedef struct dom_text {
    const char *bytes;
    size_t len;
    const char *head;
} dom_text;
int dom_cached_text(dom *d, const char *name, dom_cache_text_fn fn, void *ctx, dom_text *out,
                    isms_err *e);

/* ---- the principal and the request ---- */

/* A note (the reason given for a request's changes) is one line of UTF-8
 * text of at most this many bytes. */
enum { DOM_NOTE_MAX = 1000 };

/* The principal for `who`, a person's key or e-mail: an active person,
 * with the roles they hold (E_DENIED for anyone else). `who` NULL: the
 * process itself (the operating-system account, or the creator given to
 * dom_create). Strings in the request arena. */
int dom_principal(dom *d, const char *who, principal *p, isms_err *e);
/* Starts a command or request acting for `p` (copied; NULL: the process
 * itself). Until dom_end() every change is made by p and carries p's note. */
int dom_begin(dom *d, const principal *p, isms_err *e);
/* Ends it: the dom acts for the process again, and the request arena is
 * reset (nothing the request returned may be used after). */
void dom_end(dom *d);
/* Starts a command acting for the process itself (what dom_principal(d,
 * NULL) gives) with `note` (or none). The operating-system account's name
 * is looked up only when something needs it (a ledger entry, a message):
 * a command that only reads never asks for it. */
int dom_begin_as_process(dom *d, const char *note, isms_err *e);
/* Who acts now (the process's name looked up if it was not yet). */
const principal *dom_who(dom *d);
const char *dom_actor(dom *d); /* dom_who(d)->actor */
/* Does p hold the role called `role` (one of role_names)? */
int principal_has_role(const principal *p, const char *role);
/* May p add a record of reg (old NULL), change or retire record old, into
 * r? The process itself (the CLI's administrator: whoever can open the
 * repository) may; a person with the role isms-lead may change anything;
 * a person holding a role that is not read-only (the internal auditor and
 * the reader only read) may change a record whose owner they are, before
 * and after the change, and nothing else. r NULL asks before the change
 * is made (roles, and who owns old; old NULL too: may p add or change
 * records of reg at all), so that a refusal comes before any other
 * finding; r given asks about the result too (its owner). E_DENIED
 * saying why. dom_add, dom_update, dom_retire and dom_org_set ask it; the
 * workflows (approvals, acceptances, analyses) have authority rules of
 * their own. */
int principal_may_write(const principal *p, const regdef *reg, const record *old, const record *r,
                        isms_err *e);

/* A write transaction: dom_txn_begin, then dom_txn_end with the work's
 * result, which commits when rc is 0 and rolls back (returning rc)
 * otherwise. Every mutation runs in one (a savepoint when nested); a
 * caller's own groups many mutations into one (import, demo, bulk loads),
 * each staying atomic on its own inside it. */
int dom_txn_begin(dom *d, isms_err *e);
int dom_txn_end(dom *d, int rc, isms_err *e);
/* A read transaction, ended by dom_txn_end: what a command reads between
 * them is one state of the repository, and SQLite takes and checks its read
 * lock once instead of at every statement (a `risk show` runs about twenty).
 * For a command's reads only: nothing may write inside it. */
int dom_read_begin(dom *d, isms_err *e);

/* ---- confirmations and warnings ----
 *
 * Some changes are refused as probably unintended unless the request
 * confirms them (the CLI's --force): taking a person's last approving
 * role. Others are made, with a word for whoever asked: a review date set
 * in the past. Both last for the request (dom_end forgets them). */
/* ---- every field's error at once ----
 * A form shows every field's error of a refused add or change, not only
 * the first: after dom_errors_collect, until dom_end, the checks of each
 * field (validation, required, references, unique values) note a field's
 * error and go on to the next field; the call still fails, with the first
 * error in its isms_err, and dom_errors lists them all. The checks of the
 * whole record (the register's rules, the lifecycle) run only once every
 * field has passed. */
typedef struct dom_field_error {
    int code;
    const char *field, *msg;
} dom_field_error;
void dom_errors_collect(dom *d);
/* The errors noted since dom_errors_collect: how many, *out the first. */
int dom_errors(const dom *d, const dom_field_error **out);
/* For the checks' loops over fields: field error fe (code rc) into e (the
 * first wins) and, collecting, onto the list. 1: stop here (not
 * collecting); 0: go on to the next field. */
int dom_field_failed(dom *d, int rc, const isms_err *fe, isms_err *e);
/* After such a loop: the code of the first field error noted, or 0. */
int dom_fields_failed(const dom *d);

void dom_confirm(dom *d, int yes);
int dom_confirmed(const dom *d);
/* The warnings of this request, oldest first: *n of them, in its arena. */
const char *const *dom_warnings(const dom *d, int *n);

/* ---- organisation settings the rules need ---- */
int dom_matrix_size(dom *d);       /* 3..5, default 5 */
int dom_currency_exponent(dom *d); /* minor-unit decimals */
const char *dom_currency(dom *d);  /* "EUR" */
/* An amount of minor units as people read it, in the organisation's
 * currency: "EUR 1,250,000.00", `between` the two (" ", or a no-break
 * space where a page must not wrap it). In the dom's arena. */
const char *dom_money_text(dom *d, int64_t minor, const char *between);
/* Label of likelihood (axis 'L') or impact ('I') level n, "" if none set. */
const char *dom_level_label(dom *d, char axis, int level);
/* A level of the matrix (likelihood, impact, inherent or residual: an INT
 * up to the matrix's size), and the label of its value (as above; "" for
 * any other field). */
int dom_field_is_level(const fielddef *f);
const char *dom_field_level_label(dom *d, const fielddef *f, int64_t level);

/* ---- input ---- */

/* Sets field `f` of r from user text (a CLI flag, a form field): parses
 * numbers, money (major units), dates, booleans and distributions;
 * references and links keep their keys (or e-mail addresses) until the
 * mutation resolves them. An empty text clears the field. Only the text
 * is checked here (UTF-8, single line, that it reads as the field's type);
 * whether the value suits the field is validation's question
 * (domain/registers/validate.h), which dom_add and dom_update ask. The
 * error names the field and the value. */
int dom_set_text(dom *d, record *r, int f, const char *text, isms_err *e);

/* On an update, a set field (links, roles) may change by members rather
 * than be replaced: dom_add_members() adds the members in `text` (keys
 * separated by commas), dom_remove_members() removes them; both may be
 * given, and repeated. The update applies them to the set as it stands:
 * adding a member already there changes nothing, removing one that is not
 * there is refused (E_INVALID, naming the members it has). */
int dom_add_members(dom *d, record *changes, int f, const char *text, isms_err *e);
int dom_remove_members(dom *d, record *changes, int f, const char *text, isms_err *e);

/* The text of a value, as dom_set_text() reads it back (money in major
 * units, set members comma-separated, yes/no; "" for none): what a form
 * shows for editing and a CSV export holds. In the dom's arena. */
const char *dom_value_text(dom *d, const fielddef *f, const value *v);

/* Parses a filter value for field `f` like dom_set_text() does (fields
 * that only isms's workflow sets may be searched on too). */
int dom_parse_filter(dom *d, record *r, int f, const char *text, isms_err *e);

/* Normalises a key as typed ("risk-1" -> "RISK-1"); result in the arena. */
const char *dom_key(dom *d, const char *typed);

/* ---- mutations: each returns the stored record in *out ---- */

/* Adds `in`, after validating its values as a person's input (fields only
 * the workflows set are refused). */
int dom_add(dom *d, record *in, record *out, isms_err *e);

/* What an update changed: the indexes of the fields whose values differ
 * from before, in the register's order, in the dom's arena. n = 0: the
 * update changed nothing, and nothing was written. */
typedef struct dom_changes {
    int n;
    const int *fields;
    const record *before; /* the record as it was (in the dom's arena) */
} dom_changes;

/* Applies the given values of `changes` to record `key`. if_version > 0
 * refuses the change (E_RETRY) unless the record is at that version. A
 * change that changes nothing writes nothing and returns 0. *changed (may
 * be NULL) says which fields changed. */
int dom_update(dom *d, const regdef *reg, const char *key, const record *changes,
               int64_t if_version, record *out, dom_changes *changed, isms_err *e);
/* Do a and b, values of field f, say the same (a set in any order)? */
int dom_same_value(const fielddef *f, const value *a, const value *b);
/* Retires a record: it stays, with retired_at set; nothing is deleted. */
int dom_retire(dom *d, const regdef *reg, const char *key, record *out, isms_err *e);

/* The organisation profile: creates it on first use, updates it after. */
int dom_org_set(dom *d, const record *changes, record *out, isms_err *e);
/* Moves record `key` of `reg` along its lifecycle by `verb` (approve a
 * scope version, publish a document), as the principal: the transition
 * that leaves the record's state by that verb, if the principal holds the
 * role it needs (E_DENIED otherwise) and, for four-eyes transitions, did
 * not make the record. Stamps who and when; supersedes the record of the
 * same group it replaces (lifecycle.c). */
int dom_transition(dom *d, const regdef *reg, const char *key, const char *verb, record *out,
                   isms_err *e);

/* Accepts a risk, as the principal (a person): an acceptance record (who,
 * why, until when, on what basis) and the risk's treatment set to accept,
 * in one transaction. The principal needs the authority the risk's size
 * requires (acceptance.c). expires_on NULL: a year from today. */
int dom_risk_accept(dom *d, const char *risk_key, const char *rationale, const char *expires_on,
                    record *out, isms_err *e);
/* What accepting risk `risk_key` needs, by the organisation's rules, and
 * whether the principal holds it (the same test dom_risk_accept makes):
 * texts in the dom's arena. */
typedef struct dom_accept_need {
    const char *needed;  /* "the ISMS lead" */
    const char *basis;   /* why: "P95 annual loss EUR 7,089,693.81 (QNT-3), outside appetite" */
    const char *holding; /* the principal's authority over this risk: "the risk's owner" */
    int may;             /* holding suffices */
} dom_accept_need;
int dom_risk_accept_need(dom *d, const char *risk_key, dom_accept_need *out, isms_err *e);

/* ---- reads ---- */

/* Reads record `key` of reg (a person also by e-mail). */
int dom_get(dom *d, const regdef *reg, const char *key, record *out, isms_err *e);
/* The records of reg with the ids in `ids` (ascending, no repeats; retired
 * ones too with retired_too), each to fn in id order: read by id, a chunk
 * at a time, where they are at most a quarter of the register's kept count
 * (a report of one framework's mappings, not every mapping) or that count
 * cannot be read now; else every record of the register, which costs less
 * a row: fn then sees the others too and keeps what it needs. */
int dom_scan_ids(dom *d, const regdef *reg, const int64_t *ids, size_t n, int retired_too,
                 store_record_fn fn, void *ctx, isms_err *e);
/* Calls fn for each record matching q, in key order (see store_scan). */
int dom_list(dom *d, const regdef *reg, const store_query *q, store_record_fn fn, void *ctx,
             isms_err *e);
/* The ledger entries of one record (or all, key NULL), oldest first. */
int dom_history(dom *d, const char *key, store_ledger_fn fn, void *ctx, isms_err *e);
/* The log people read: the last `last` entries (all when 0) of one key, or
 * of everything when key is NULL, before entry #before (0: to the end), in
 * order, each with the data of its key's entry before it
 * (ledger_row.prev_data): at the cost of the entries given, whatever the
 * ledger's length and wherever they lie in it. *older (may be NULL): there
 * are entries before those given (the page before: before = the first's
 * seq). */
int dom_log(dom *d, const char *key, int64_t last, int64_t before, int *older, store_ledger_fn fn,
            void *ctx, isms_err *e);

/* Finds a record of reg by what people type: its key, a person's e-mail,
 * a framework's name, a requirement as FRAMEWORK:ID (regdef.find). *id = 0
 * when there is none; *key is its key (in the arena), *retired whether it
 * is retired. */
int dom_find(dom *d, const regdef *reg, const char *typed, int64_t *id, const char **key,
             int *retired, isms_err *e);

/* What people call record `key` of reg where its key says too little
 * (regdef.known_as: "iso27001-2022:A.8.13" for REQ-117), or NULL. */
const char *dom_known_as(dom *d, const regdef *reg, const char *key);
/* The record's label in one line for a reference to it: the name above,
 * if any, before its label ("iso27001-2022:A.8.13 Information backup"),
 * or NULL when it has neither (or there is no such record). In the
 * dom's arena. */
const char *dom_label(dom *d, const regdef *reg, const char *key);
/* The name before the label, as dom_label joins them: "name label", the
 * one that is there, or the label alone where both say the same. */
const char *dom_named(dom *d, const char *name, const char *label);

/* Resolves a person given as key or e-mail; *id = 0 if none. */
int dom_find_person(dom *d, const char *who, int64_t *id, const char **key, isms_err *e);
/* The id of the person `who` (key or e-mail) names; E_NOT_FOUND naming
 * them when there is none. */
int dom_person_id(dom *d, const char *who, int64_t *id, isms_err *e);

#endif
