/* signkey.c: key pairs, their two text forms, and the key file. */
#include "ledger/signkey.h"
#include "core/text.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ALG_ED25519 = 0x01, KEYDATA_SIZE = 1 + 32, KEYDATA_B64 = 45 /* with NUL */ };

static const char signer_prefix[] = "PRIVATE+KEY+";

int signkey_name_check(const char *name, isms_err *e)
{
    size_t n = strlen(name);
    if (!n || n > SIGNKEY_NAME_MAX)
        return err_set(e, E_INVALID, "name", "key name \"%.*s\": it must be 1 to %d characters",
                       SIGNKEY_NAME_MAX, name, SIGNKEY_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        if (name[i] <= ' ' || name[i] > '~' || name[i] == '+')
            return err_set(e, E_INVALID, "name",
                           "key name \"%s\": printable ASCII only, without "
                           "spaces or '+'",
                           name);
    return 0;
}

uint32_t signkey_id(const char *name, const unsigned char pub[SIGNKEY_PUBLIC_SIZE])
{
    crypto_hash_sha256_state st;
    unsigned char alg = ALG_ED25519, h[32];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
    crypto_hash_sha256_update(&st, &alg, 1);
    crypto_hash_sha256_update(&st, pub, SIGNKEY_PUBLIC_SIZE);
    crypto_hash_sha256_final(&st, h);
    return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static void set_public(verifier_key *v, const char *name, const unsigned char *pub)
{
    snprintf(v->name, sizeof v->name, "%s", name);
    memcpy(v->pub, pub, SIGNKEY_PUBLIC_SIZE);
    v->id = signkey_id(name, pub);
}

int signkey_generate(const char *name, signer_key *out, isms_err *e)
{
    int rc = signkey_name_check(name, e);
    if (rc)
        return rc;
    unsigned char pub[SIGNKEY_PUBLIC_SIZE];
    crypto_sign_keypair(pub, out->sk);
    set_public(&out->pub, name, pub);
    return 0;
}

void signkey_wipe(signer_key *k) { sodium_memzero(k, sizeof *k); }

/* "<name>+<id>+<base64(0x01 || bytes)>" */
static void format_key(const char *prefix, const verifier_key *k, const unsigned char *bytes,
                       char *out)
{
    unsigned char data[KEYDATA_SIZE];
    char b64[KEYDATA_B64];
    data[0] = ALG_ED25519;
    memcpy(data + 1, bytes, 32);
    sodium_bin2base64(b64, sizeof b64, data, sizeof data, sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, SIGNKEY_TEXT_MAX, "%s%s+%08x+%s", prefix, k->name, (unsigned)k->id, b64);
    sodium_memzero(data, sizeof data);
    sodium_memzero(b64, sizeof b64);
}

void signkey_format_verifier(const verifier_key *k, char *out) { format_key("", k, k->pub, out); }
void signkey_format_signer(const signer_key *k, char *out)
{
    format_key(signer_prefix, &k->pub, k->sk, out);
}

/* Splits "<name>+<id>+<base64>" and decodes the key bytes; *id_out gets
 * the id the text claims. */
static int parse_key(const char *what, const char *text, char *name, uint32_t *id_out,
                     unsigned char bytes[32], isms_err *e)
{
    const char *plus1 = strchr(text, '+');
    const char *plus2 = plus1 ? strchr(plus1 + 1, '+') : NULL;
    if (!plus1 || !plus2 || plus2 - plus1 != 9 || (size_t)(plus1 - text) > SIGNKEY_NAME_MAX)
        return err_set(e, E_INVALID, what,
                       "not a %s (expected NAME+ID+KEY, as `isms key "
                       "generate` writes)",
                       what);
    memcpy(name, text, (size_t)(plus1 - text));
    name[plus1 - text] = 0;
    int rc = signkey_name_check(name, e);
    if (rc)
        return rc;
    char hex[9];
    memcpy(hex, plus1 + 1, 8);
    hex[8] = 0;
    unsigned long id = strtoul(hex, NULL, 16);
    unsigned char data[KEYDATA_SIZE + 8];
    size_t n = 0;
    if (strspn(hex, "0123456789abcdefABCDEF") != 8 ||
        base64_decode(plus2 + 1, strlen(plus2 + 1), data, sizeof data, &n) || n != KEYDATA_SIZE ||
        data[0] != ALG_ED25519) {
        sodium_memzero(data, sizeof data);
        return err_set(e, E_INVALID, what,
                       "not an Ed25519 %s of the signed-note format (NAME+ID+"
                       "base64 of 0x01 and 32 bytes)",
                       what);
    }
    memcpy(bytes, data + 1, 32);
    sodium_memzero(data, sizeof data);
    *id_out = (uint32_t)id;
    return 0;
}

static int id_mismatch(const char *what, isms_err *e)
{
    return err_set(e, E_INVALID, what,
                   "the %s's id does not match its name and key: it was "
                   "altered or mistyped",
                   what);
}

int signkey_parse_verifier(const char *text, verifier_key *out, isms_err *e)
{
    char name[SIGNKEY_NAME_MAX + 1];
    unsigned char pub[32];
    uint32_t id = 0; /* set by parse_key; -O3 cannot see it (maybe-uninitialized) */
    int rc = parse_key("public key", text, name, &id, pub, e);
    if (rc)
        return rc;
    set_public(out, name, pub);
    return out->id == id ? 0 : id_mismatch("public key", e);
}

int signkey_parse_signer(const char *text, signer_key *out, isms_err *e)
{
    if (strncmp(text, signer_prefix, sizeof signer_prefix - 1))
        return err_set(e, E_INVALID, "key",
                       "not a private key (expected PRIVATE+KEY+NAME+ID+KEY, "
                       "as `isms key generate` writes)");
    char name[SIGNKEY_NAME_MAX + 1];
    unsigned char seed[32], pub[32];
    uint32_t id = 0; /* set by parse_key; -O3 cannot see it (maybe-uninitialized) */
    int rc = parse_key("private key", text + sizeof signer_prefix - 1, name, &id, seed, e);
    if (rc)
        return rc;
    crypto_sign_seed_keypair(pub, out->sk, seed);
    sodium_memzero(seed, sizeof seed);
    set_public(&out->pub, name, pub);
    if (out->pub.id != id) {
        signkey_wipe(out);
        return id_mismatch("private key", e);
    }
    return 0;
}

int signkey_write_file(const char *path, const signer_key *k, isms_err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST)
        return err_set(e, E_CONFLICT, "out", "%s exists: isms never overwrites a key file", path);
    if (fd < 0)
        return err_set(e, E_IO, "out", "cannot create %s: %s", path, strerror(errno));
    char text[SIGNKEY_TEXT_MAX + 1];
    signkey_format_signer(k, text);
    size_t n = strlen(text);
    text[n++] = '\n';
    /* fchmod: the mode must not depend on the caller's umask being sane. */
    int ok = fchmod(fd, 0600) == 0 && write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    int saved = errno;
    sodium_memzero(text, sizeof text);
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        unlink(path);
        return err_set(e, E_IO, "out", "cannot write %s: %s", path, strerror(saved));
    }
    return 0;
}

static int read_key_text(const char *path, char *text, size_t cap, isms_err *e)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, errno == ENOENT ? E_NOT_FOUND : E_IO, "key",
                       "cannot open the key file "
                       "%s: %s",
                       path, strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0)
        rc = err_set(e, E_IO, "key", "cannot stat %s: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = err_set(e, E_INVALID, "key", "%s is not a regular file", path);
    else if (st.st_mode & 077)
        rc = err_set(e, E_DENIED, "key",
                     "the key file %s may be read or written by others (mode "
                     "%04o): a private key must be the owner's alone; chmod 600 %s, and generate a "
                     "new key if others could have copied it",
                     path, (unsigned)(st.st_mode & 07777), path);
    ssize_t got = rc ? 0 : read(fd, text, cap - 1);
    if (!rc && got < 0)
        rc = err_set(e, E_IO, "key", "cannot read %s: %s", path, strerror(errno));
    close(fd);
    if (rc)
        return rc;
    size_t n = (size_t)got < cap ? (size_t)got : cap - 1;
    text[n] = 0;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        text[--n] = 0;
    return 0;
}

int signkey_read_file(const char *path, signer_key *out, isms_err *e)
{
    char text[SIGNKEY_TEXT_MAX * 2];
    int rc = read_key_text(path, text, sizeof text, e);
    if (!rc) {
        isms_err parse = { 0 };
        rc = signkey_parse_signer(text, out, &parse);
        if (rc)
            err_set(e, rc, "key", "the key file %s: %s", path, parse.msg);
    }
    sodium_memzero(text, sizeof text);
    return rc;
}

void signkey_sign(const signer_key *k, const void *msg, size_t n,
                  unsigned char sig[SIGNKEY_SIG_SIZE])
{
    crypto_sign_detached(sig, NULL, msg, n, k->sk);
}

int signkey_verify(const verifier_key *k, const void *msg, size_t n,
                   const unsigned char sig[SIGNKEY_SIG_SIZE])
{
    return crypto_sign_verify_detached(sig, msg, n, k->pub) == 0;
}
