/* checkpoint.h: a signed statement of the ledger's tree head.
 *
 * Text format: a C2SP tlog-checkpoint body in a C2SP signed note.
 *
 *     isms/<repository id>                    origin: which ledger
 *     <size>                                  entries covered, decimal
 *     <root>                                  tree head, base64 (merkle.h)
 *     schema <version> <hash>                 optional: the schema vouched for
 *     issued <time> <actor>                   optional: when and by whom
 *                                             blank line
 *     — <key name> <base64(key id || sig)>    one line per signature
 *
 * The note's text is those lines, each ending in a newline; every
 * signature is Ed25519 over exactly those bytes. The two extension lines
 * (C2SP allows lines after the root) bind what the ledger alone does not:
 * the schema the repository had (its migration version and the base64
 * SHA-256 of the schema isms's migrations make at that version, so a
 * trigger planted before signing cannot be vouched for) and the time and
 * actor the checkpoint's row records. Notes without them, as isms wrote
 * before, still read and verify. A signature line starts
 * with an em dash (U+2014) and a space, then the signer's key name, a
 * space, and the base64 of the 4-byte key id (signkey.h, big-endian)
 * followed by the 64-byte signature. The repository's key signs first;
 * auditors (witnesses) append their lines after checking the checkpoint
 * extends the last one they signed. Signatures of key types isms does not
 * know are kept, and reported as not checked. */
#ifndef ISMS_LEDGER_CHECKPOINT_H
#define ISMS_LEDGER_CHECKPOINT_H

#include "core/buf.h"
#include "core/err.h"
#include "ledger/merkle.h"
#include "ledger/signkey.h"

#include <stdint.h>

enum {
    CKPT_ORIGIN_MAX = 256,
    CKPT_MAX_SIGS = 32,
    CKPT_SIG_MAX = 128,
    CKPT_TEXT_MAX = 16384,
    CKPT_TIME_MAX = 40,
    CKPT_ACTOR_MAX = 320
};

#define CKPT_ORIGIN_PREFIX "isms/"

typedef struct ckpt_sig {
    char name[SIGNKEY_NAME_MAX + 1];
    uint32_t id;
    size_t len;                      /* SIGNKEY_SIG_SIZE for Ed25519; others are kept */
    unsigned char sig[CKPT_SIG_MAX]; /* as they came, and reported as not checked */
} ckpt_sig;

typedef struct checkpoint {
    char origin[CKPT_ORIGIN_MAX + 1];
    uint64_t size;
    merkle_hash root;
    int schema_version; /* 0: the note has no schema line */
    merkle_hash schema_hash;
    char issued_at[CKPT_TIME_MAX + 1]; /* "": the note has no issued line */
    char issued_by[CKPT_ACTOR_MAX + 1];
    int nsigs;
    ckpt_sig sigs[CKPT_MAX_SIGS];
} checkpoint;

/* The signed text (three to five lines) / the whole note with its signatures. */
void ckpt_body(const checkpoint *c, buf *out);
void ckpt_format(const checkpoint *c, buf *out);
/* A hash (a root, a proof element) as base64 into out[45], and back. */
void ckpt_hash_b64(const merkle_hash root, char out[45]);
int ckpt_hash_parse(const char *b64, merkle_hash out, isms_err *e);

/* Reads a checkpoint note; E_INVALID naming the line that is wrong. */
int ckpt_parse(const char *text, size_t len, checkpoint *out, isms_err *e);

/* Appends k's signature. E_CONFLICT when k has signed it already. */
int ckpt_sign(checkpoint *c, const signer_key *k, isms_err *e);
/* Is signature s by key k (same name and id)? Does it verify? */
int ckpt_sig_by(const ckpt_sig *s, const verifier_key *k);
int ckpt_sig_verify(const checkpoint *c, const ckpt_sig *s, const verifier_key *k);
/* The signature line of s, without its newline, into a buf. */
void ckpt_sig_line(const ckpt_sig *s, buf *out);
/* Parses one signature line (without its newline). */
int ckpt_sig_parse(const char *line, size_t n, ckpt_sig *out, isms_err *e);

#endif
