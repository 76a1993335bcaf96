/* signing_keys.h: the register of public keys that sign checkpoints.
 *
 * A register like any other (registers[] holds it), so every change to a
 * key is a ledger entry: the ledger itself says from which entry to which
 * a key was valid, `isms verify` checks the table against the ledger, and
 * export/import carry it. Only public halves are recorded; private keys
 * stay in 0600 files outside the repository (ledger/signkey.h).
 *
 *   purpose "checkpoint": the repository's own key; `isms checkpoint` signs
 *                         with it, and its signature makes a checkpoint
 *                         valid for `isms verify --checkpoint`;
 *   purpose "witness":    an auditor's key; its countersignatures are
 *                         checked and reported. */
#ifndef ISMS_DOMAIN_SIGNING_KEYS_H
#define ISMS_DOMAIN_SIGNING_KEYS_H

#include "core/record.h"
#include "domain/engine/dom.h"
#include "domain/registers/fields.h"
#include "ledger/signkey.h"

/* clang-format off: one line per field */
#define SIGNING_KEY_FIELDS(X)                                                                      \
    X(F_SIGNING_KEY_NAME,                                                                          \
      TEXT("name", FF_LIST | FF_SYSTEM,                                                            \
           "the key's name, as in the signature lines of checkpoints", SIGNKEY_NAME_MAX))          \
    X(F_SIGNING_KEY_PURPOSE, ENUM("purpose", FF_LIST | FF_SYSTEM, key_purposes, NULL,              \
                                  "checkpoint (this repository's key) or witness (an auditor's)")) \
    X(F_SIGNING_KEY_PUBLIC_KEY,                                                                    \
      TEXT("public_key", FF_UNIQUE | FF_SYSTEM,                                                    \
           "the public key, NAME+ID+KEY (C2SP signed-note verifier key)", SIGNKEY_TEXT_MAX))       \
    X(F_SIGNING_KEY_ALGORITHM,                                                                     \
      ENUM("algorithm", FF_SYSTEM, key_algorithms, "ed25519", "signature algorithm"))              \
    X(F_SIGNING_KEY_HOLDER, TEXT("holder", FF_LIST, "who keeps the private key", 200))
FIELD_IDS(RN_SIGNING_KEY, SIGNING_KEY_FIELDS);
/* clang-format on */

extern const regdef reg_signing_key;

int rules_signing_key(struct dom *d, record *r, const record *old, isms_err *e);

/* Records the public half of a key ("checkpoint" or "witness"); holder
 * (may be NULL) says who keeps the private half. */
int dom_key_add(dom *d, const verifier_key *k, const char *purpose, const char *holder, record *out,
                isms_err *e);

/* A key as checkpoint verification sees it: when it was valid, in ledger
 * entries (a checkpoint of size n is valid under a key added at entry
 * <= n and not retired at entry <= n). */
typedef struct known_key {
    verifier_key vk;
    char key[32]; /* "KEY-1"; "" for a key given on the command line */
    int witness;
    int64_t added;   /* seq of its add entry */
    int64_t retired; /* seq of its retire entry, 0 while active */
} known_key;

/* All recorded keys, in key order; *out is malloc'd (free it). A record
 * whose public key does not parse is left out: `isms verify` reports the
 * record itself when it differs from its ledger entry. */
int dom_keys_load(dom *d, known_key **out, int *n, isms_err *e);

/* Is k valid for a checkpoint of `size` entries? */
int known_key_valid_at(const known_key *k, int64_t size);

#endif
