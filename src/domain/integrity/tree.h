/* checkpoints.h: the ledger's Merkle tree over a repository, and
 * checkpoints held against it (docs/LEDGER.md).
 *
 * A checkpoint is good for a repository when
 *  - its origin is the repository's (isms/<repository id>);
 *  - the ledger has at least its size entries (else the tail was removed,
 *    or an older backup restored);
 *  - the ledger's tree at its size has its root (else history before that
 *    size was rewritten, even if the chain was recomputed after);
 *  - a signature verifies with a trusted key: a checkpoint key recorded in
 *    the repository and valid at that size, or, when the verifier gives
 *    keys of their own (--public-key), one of those only. A signature by a
 *    known key that does not verify means the checkpoint was altered. */
#ifndef ISMS_DOMAIN_CHECKPOINTS_H
#define ISMS_DOMAIN_CHECKPOINTS_H

#include "core/buf.h"
#include "store/store.h"
#include "domain/engine/dom.h"
#include "domain/registers/signing_keys.h"
#include "ledger/note.h"
#include "ledger/proof.h"

/* The ledger as its Merkle tree sees it, and the keys that sign for it.
 * The tree is read from the nodes the repository keeps (ledger/nodes.h):
 * a head or a proof is O(log n) reads. */
typedef struct ledger_view {
    char origin[CKPT_ORIGIN_MAX + 1]; /* isms/<repository id> */
    int64_t entries;
    store *s;        /* where the tree is read; NULL: no ledger */
    known_key *keys; /* recorded keys, then the verifier's own */
    int nkeys, npinned;
} ledger_view;

/* Reads the repository's origin, the number of its entries and its keys;
 * E_NOT_FOUND when it has fewer than `size` entries (0: any number). The
 * view reads the tree through the dom's store while it is open. */
int ledger_view_load(dom *d, int64_t size, ledger_view *v, isms_err *e);
/* A view of no ledger at all, for checks made without a repository. */
void ledger_view_empty(ledger_view *v, const char *origin);
/* Trusts a public key the verifier gives; once one is given, only such
 * keys make a checkpoint valid. */
int ledger_view_pin(ledger_view *v, const char *public_key, isms_err *e);
void ledger_view_free(ledger_view *v);

/* The schema version a repository entry (init, migrate) leaves the
 * repository at; 0 for any other entry. */
int ledger_entry_schema(const ledger_row *r);
/* The schema version the ledger's first `size` entries end at. */
int ledger_schema_at(dom *d, int64_t size, int *version, isms_err *e);
/* c's schema line: `version` and the SHA-256 of the schema isms's
 * migrations make at it (store_schema_expected_text). */
int ckpt_put_schema(int version, checkpoint *c, isms_err *e);

/* The tree head at `size` (<= entries). */
int ledger_view_root(const ledger_view *v, int64_t size, merkle_hash out, isms_err *e);
/* Proofs from the view, in their text form's struct (ledger/proof.h). */
int ledger_view_inclusion(const ledger_view *v, int64_t seq, int64_t size, ledger_proof *out,
                          isms_err *e);
/* Loads the view of the repository's first `size` entries (0: all of
 * them) and proves entry seq is among them: load, prove, free in one. */
int ledger_prove_inclusion(dom *d, int64_t seq, int64_t size, ledger_proof *out, isms_err *e);
int ledger_view_consistency(const ledger_view *v, int64_t old_size, int64_t size, ledger_proof *out,
                            isms_err *e);
/* The consistency path alone (size1 <= size2 <= entries). */
int ledger_view_path(const ledger_view *v, int64_t size1, int64_t size2, merkle_proof *out,
                     isms_err *e);

/* A problem found: `msg` is a sentence naming the checkpoint and what is
 * wrong with it. */
typedef void (*ckpt_problem_fn)(void *ctx, const char *field, const char *msg);
/* A ckpt_problem_fn keeping the first problem in the isms_err *ctx, as
 * E_TAMPERED. */
void ckpt_problem_to_err(void *ctx, const char *field, const char *msg);

/* Checks checkpoint c (called `label` in messages) against the view:
 * origin, size, root (root_at_size: the view's root at c->size, NULL when
 * the ledger is shorter) and signatures. Problems go to fn; one line on
 * what was checked goes to notes (may be NULL). Returns the number of
 * problems. */
int ckpt_judge(const ledger_view *v, const checkpoint *c, const unsigned char *root_at_size,
               const char *label, ckpt_problem_fn fn, void *ctx, buf *notes);
/* The signatures alone (checks made without the ledger). */
int ckpt_judge_signatures(const ledger_view *v, const checkpoint *c, const char *label,
                          ckpt_problem_fn fn, void *ctx, buf *notes);

/* ---- `isms verify` ---- */

/* A checkpoint read from a file, and how to name it in a problem. */
typedef struct ckpt_file {
    checkpoint c;
    const char *label; /* "checkpoint FILE" */
} ckpt_file;

/* What the verifier brings: checkpoint files, and keys of their own. */
typedef struct ckpt_inputs {
    const ckpt_file *files;
    int nfiles;
    const char *const *public_keys;
    int npublic_keys;
} ckpt_inputs;

/* Holds the ledger to every checkpoint the repository issued (table
 * checkpoint) and to every file given (in may be NULL). Called by
 * dom_verify once the chain verifies, inside its read transaction. */
int dom_verify_checkpoints(dom *d, const ckpt_inputs *in, ckpt_problem_fn fn, void *ctx, buf *notes,
                           isms_err *e);

/* ---- `isms checkpoint` ---- */

/* Verifies the repository, then signs its tree head with k (an active
 * checkpoint key of the repository) and records the checkpoint, in one
 * write transaction. */
int dom_checkpoint_issue(dom *d, const signer_key *k, checkpoint *out, isms_err *e);

/* What a witness checks before countersigning c: that it is good for the
 * repository (pinned keys as for verification), and when `prev` (the last
 * checkpoint the witness signed, carrying its signature) is given, that
 * the ledger at c's size extends it. E_TAMPERED naming what is wrong. */
int dom_cosign_check(dom *d, const checkpoint *c, const checkpoint *prev,
                     const verifier_key *witness, const char *const *public_keys, int npublic_keys,
                     buf *notes, isms_err *e);
/* The same without the repository: c's signatures against the given keys
 * (at least one), consistency with prev from a proof (`isms ledger proof
 * --from --to`). */
int ckpt_cosign_check_offline(const checkpoint *c, const checkpoint *prev, const ledger_proof *p,
                              const verifier_key *witness, const char *const *public_keys,
                              int npublic_keys, buf *notes, isms_err *e);

#endif
