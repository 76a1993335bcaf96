/* signkey.h: Ed25519 signing keys in the formats of C2SP signed-note
 * (the ones golang.org/x/mod/sumdb/note reads and writes), so a checkpoint
 * signed by isms can be checked by any signed-note tool and an auditor's
 * key can come from one.
 *
 *   signer key (the private key file, one line, mode 0600):
 *       PRIVATE+KEY+<name>+<id>+<base64(0x01 || 32-byte seed)>
 *   verifier key (public, goes into the repository and to auditors):
 *       <name>+<id>+<base64(0x01 || 32-byte public key)>
 *
 * <name> is printable ASCII without spaces or '+'; <id> is 8 hex digits,
 * the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key), so a
 * signature line can say which key made it. 0x01 is the note format's
 * algorithm byte for Ed25519. */
#ifndef ISMS_LEDGER_SIGNKEY_H
#define ISMS_LEDGER_SIGNKEY_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

enum {
    SIGNKEY_NAME_MAX = 128,
    SIGNKEY_TEXT_MAX = 256, /* either format, with its NUL */
    SIGNKEY_PUBLIC_SIZE = 32,
    SIGNKEY_SIG_SIZE = 64,
};

typedef struct verifier_key {
    char name[SIGNKEY_NAME_MAX + 1];
    uint32_t id;
    unsigned char pub[SIGNKEY_PUBLIC_SIZE];
} verifier_key;

/* The private half lives only in memory that signkey_wipe() clears. */
typedef struct signer_key {
    verifier_key pub;
    unsigned char sk[64]; /* libsodium's secret key: seed || public key */
} signer_key;

/* Is `name` usable as a key name? E_INVALID naming it otherwise. */
int signkey_name_check(const char *name, isms_err *e);
/* The 4-byte key id of an Ed25519 public key under `name`. */
uint32_t signkey_id(const char *name, const unsigned char pub[SIGNKEY_PUBLIC_SIZE]);

/* A new key pair from libsodium's CSPRNG. */
int signkey_generate(const char *name, signer_key *out, isms_err *e);
void signkey_wipe(signer_key *k);

/* The two text forms, into out[SIGNKEY_TEXT_MAX]. */
void signkey_format_verifier(const verifier_key *k, char *out);
void signkey_format_signer(const signer_key *k, char *out);
int signkey_parse_verifier(const char *text, verifier_key *out, isms_err *e);
int signkey_parse_signer(const char *text, signer_key *out, isms_err *e);

/* Writes a new key file with mode 0600; an existing file is never
 * overwritten (E_CONFLICT). */
int signkey_write_file(const char *path, const signer_key *k, isms_err *e);
/* Reads a key file. A file that group or others may read or write is
 * refused (E_DENIED): a key anyone else could have copied proves nothing. */
int signkey_read_file(const char *path, signer_key *out, isms_err *e);

/* Sign `msg` / check a signature of it. signkey_verify returns 1 when the
 * signature is good. */
void signkey_sign(const signer_key *k, const void *msg, size_t n,
                  unsigned char sig[SIGNKEY_SIG_SIZE]);
int signkey_verify(const verifier_key *k, const void *msg, size_t n,
                   const unsigned char sig[SIGNKEY_SIG_SIZE]);

#endif
