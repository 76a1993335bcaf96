/* access.c: passwords, API tokens and sessions (access.h). */
#include "domain/engine/access.h"
#include "core/text.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "store/access.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

static const char denied_msg[] = "sign-in failed: unknown user or wrong password";

/* 32 random bytes as URL-safe base64 without padding (43 characters). */
static const char *random_secret(dom *d)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char *s = arena_alloc(&d->a, 64);
    sodium_bin2base64(s, 64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return s;
}

/* SHA-256 of a secret, hex, in the arena. */
static const char *secret_hash(dom *d, const char *secret)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    char *hex = arena_alloc(&d->a, sizeof h * 2 + 1);
    sodium_bin2hex(hex, sizeof h * 2 + 1, h, sizeof h);
    return hex;
}

static void timestamp_in(char dst[21], int seconds)
{
    time_t t = time(NULL) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(dst, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* An active person, by key or e-mail. */
static int active_person(dom *d, const char *who, record *person, isms_err *e)
{
    int64_t id;
    int rc = dom_person_id(d, who, &id, e);
    if (rc)
        return rc;
    rc = store_get_id(d->st, &reg_person, id, person, &d->a, e);
    if (!rc && person->retired_at)
        rc = err_set(e, E_CONFLICT, "person", "person: %s is retired", person->key);
    return rc;
}

static int write_txn(dom *d, int rc, isms_err *e) { return dom_txn_end(d, rc, e); }

/* Opens a write transaction for a change to the active person `who`, made
 * `now`; on an error the transaction is over. */
static int begin_for(dom *d, const char *who, record *person, char now[21], isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    now_timestamp(now);
    rc = active_person(d, who, person, e);
    if (rc)
        return write_txn(d, rc, e);
    return 0;
}

/* Checks a password and hashes it (Argon2id, libsodium's interactive
 * limits: 64 MiB, about a tenth of a second). */
static int hash_password(const char *password, char hash[crypto_pwhash_STRBYTES], isms_err *e)
{
    size_t n = strlen(password);
    if (n < DOM_PASSWORD_MIN || n > DOM_PASSWORD_MAX)
        return err_set(e, E_INVALID, "password", "password: give %d to %d bytes, not %zu",
                       DOM_PASSWORD_MIN, DOM_PASSWORD_MAX, n);
    int rc = text_check("password", password, 0, DOM_PASSWORD_MAX, e);
    if (rc)
        return rc;
    if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE))
        return err_set(e, E_NOMEM, "password", "password: hashing ran out of memory");
    return 0;
}

typedef struct everyone {
    dom *d;
    const char *hash, *now;
    int n;
    isms_err *e;
} everyone;

static int give_password(const record *person, void *ctx)
{
    everyone *ev = ctx;
    char *hash;
    int rc = store_user_get(ev->d->st, person->id, &hash, &ev->d->a, ev->e);
    if (rc || hash)
        return rc;
    ev->n++;
    return store_user_put(ev->d->st, person->id, ev->hash, ev->now, ev->e);
}

int dom_user_set_password_everyone(dom *d, const char *password, int *n, isms_err *e)
{
    char hash[crypto_pwhash_STRBYTES], now[21];
    int rc = hash_password(password, hash, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    now_timestamp(now);
    everyone ev = { d, hash, now, 0, e };
    store_query q = { 0 };
    rc = store_scan(d->st, &reg_person, &q, give_password, &ev, e);
    *n = ev.n;
    return write_txn(d, rc, e);
}

int dom_user_set_password(dom *d, const char *who, const char *password, const char **generated,
                          isms_err *e)
{
    if (!password) {
        password = random_secret(d);
        *generated = password;
    }
    char hash[crypto_pwhash_STRBYTES], now[21];
    record person;
    int rc = hash_password(password, hash, e);
    if (!rc)
        rc = begin_for(d, who, &person, now, e);
    if (rc)
        return rc;
    return write_txn(d, store_user_put(d->st, person.id, hash, now, e), e);
}

int dom_user_sign_in(dom *d, const char *who, const char *password, principal *p, isms_err *e)
{
    isms_err quiet = { 0 };
    record person;
    char *hash = NULL;
    int rc = store_begin(d->st, 0, e);
    if (rc)
        return rc;
    rc = active_person(d, who, &person, &quiet);
    if (!rc)
        rc = store_user_get(d->st, person.id, &hash, &d->a, e);
    store_rollback(d->st);
    if (rc && rc != E_NOT_FOUND && rc != E_CONFLICT)
        return rc;
    if (rc || !hash || crypto_pwhash_str_verify(hash, password, strlen(password))) {
        /* The same work whoever asked, so that timing does not say who exists. */
        if (rc || !hash) {
            char dummy[crypto_pwhash_STRBYTES];
            if (crypto_pwhash_str(dummy, "x", 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                  crypto_pwhash_MEMLIMIT_INTERACTIVE))
                return err_set(e, E_NOMEM, "password", "password: hashing ran out of memory");
        }
        return err_set(e, E_DENIED, "password", "%s", denied_msg);
    }
    return dom_principal(d, person.key, p, e);
}

int dom_user_remove(dom *d, const char *who, isms_err *e)
{
    int64_t id;
    int rc = dom_person_id(d, who, &id, e);
    if (!rc)
        rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = store_user_delete(d->st, id, e);
    if (!rc)
        rc = store_session_delete_person(d->st, id, e);
    return write_txn(d, rc, e);
}

typedef struct user_walk {
    dom *d;
    dom_user_fn fn;
    void *ctx;
    isms_err *e;
} user_walk;

static int one_user(int64_t person, const char *created_at, const char *updated_at, void *ctx)
{
    user_walk *w = ctx;
    record r;
    int rc = store_get_id(w->d->st, &reg_person, person, &r, &w->d->a, w->e);
    if (rc)
        return rc;
    dom_user u = { .person_key = r.key,
                   .email = record_text(&r, F_PERSON_EMAIL),
                   .name = record_text(&r, F_PERSON_NAME),
                   .created_at = created_at,
                   .updated_at = updated_at,
                   .retired = r.retired_at != NULL };
    return w->fn(&u, w->ctx);
}

int dom_user_list(dom *d, dom_user_fn fn, void *ctx, isms_err *e)
{
    int rc = store_begin(d->st, 0, e);
    if (rc)
        return rc;
    user_walk w = { d, fn, ctx, e };
    rc = store_user_scan(d->st, one_user, &w, e);
    store_rollback(d->st);
    return rc;
}

int dom_token_add(dom *d, const char *name, const char *who, const char **token, isms_err *e)
{
    int rc = name && *name ? text_check("name", name, 0, DOM_TOKEN_NAME_MAX, e)
                           : err_set(e, E_INVALID, "name", "name: give the token a name");
    if (rc)
        return rc;
    record person;
    char now[21];
    rc = begin_for(d, who, &person, now, e);
    if (rc)
        return rc;
    const char *secret = random_secret(d);
    rc = store_token_insert(
        d->st,
        &(store_token){
            .name = name, .person = person.id, .hash = secret_hash(d, secret), .created_at = now },
        e);
    rc = write_txn(d, rc, e);
    if (!rc)
        *token = secret;
    return rc;
}

int dom_token_revoke(dom *d, const char *name, isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    char now[21];
    now_timestamp(now);
    return write_txn(d, store_token_revoke(d->st, name, now, e), e);
}

/* The principal of person `id`: E_DENIED once they are retired. */
static int person_principal(dom *d, int64_t id, principal *p, isms_err *e)
{
    record person;
    int rc = store_get_id(d->st, &reg_person, id, &person, &d->a, e);
    if (rc == E_NOT_FOUND) {
        err_clear(e);
        return err_set(e, E_DENIED, "authorization", "the credential's person is gone");
    }
    if (!rc)
        rc = dom_principal(d, person.key, p, e);
    return rc;
}

/* The principal of a credential's person, given how looking the credential
 * up went (rc, in *quiet; `stale` when it was found but no longer holds):
 * E_DENIED with `denied` when it is unknown or stale. */
static int credential_principal(dom *d, int rc, const isms_err *quiet, int stale, int64_t person,
                                const char *field, const char *denied, principal *p, isms_err *e)
{
    if (!rc && stale)
        rc = E_NOT_FOUND;
    if (rc == E_NOT_FOUND)
        return err_set(e, E_DENIED, field, "%s", denied);
    if (rc) {
        *e = *quiet;
        return rc;
    }
    return person_principal(d, person, p, e);
}

int dom_token_principal(dom *d, const char *token, principal *p, isms_err *e)
{
    int rc = store_begin(d->st, 0, e);
    if (rc)
        return rc;
    store_token t = { 0 };
    isms_err quiet = { 0 };
    rc = store_token_find(d->st, secret_hash(d, token), &t, &d->a, &quiet);
    rc = credential_principal(d, rc, &quiet, t.revoked_at != NULL, t.person, "authorization",
                              "the token is unknown or revoked", p, e);
    store_rollback(d->st);
    return rc;
}

int dom_session_open(dom *d, const principal *p, int ttl, const char **sid, const char **csrf,
                     isms_err *e)
{
    if (!p->person)
        return err_set(e, E_DENIED, "session", "only a person can sign in");
    char now[21], until[21];
    timestamp_in(now, 0);
    timestamp_in(until, ttl);
    const char *id = random_secret(d), *token = random_secret(d);
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = store_session_purge(d->st, now, e);
    if (!rc)
        rc = store_session_insert(d->st,
                                  &(store_session){ .id_hash = secret_hash(d, id),
                                                    .person = p->person,
                                                    .csrf = token,
                                                    .created_at = now,
                                                    .expires_at = until },
                                  e);
    rc = write_txn(d, rc, e);
    if (!rc) {
        *sid = id;
        *csrf = token;
    }
    return rc;
}

int dom_session_principal(dom *d, const char *sid, principal *p, const char **csrf, isms_err *e)
{
    int rc = store_begin(d->st, 0, e);
    if (rc)
        return rc;
    store_session s = { 0 };
    isms_err quiet = { 0 };
    char now[21];
    timestamp_in(now, 0);
    rc = store_session_get(d->st, secret_hash(d, sid), &s, &d->a, &quiet);
    rc = credential_principal(d, rc, &quiet, !rc && strcmp(s.expires_at, now) < 0, s.person,
                              "session", "the session is unknown or has expired: sign in", p, e);
    if (!rc)
        *csrf = s.csrf;
    store_rollback(d->st);
    return rc;
}

int dom_session_close(dom *d, const char *sid, int everywhere, isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    const char *h = secret_hash(d, sid);
    store_session s;
    isms_err quiet = { 0 };
    if (everywhere && !store_session_get(d->st, h, &s, &d->a, &quiet))
        rc = store_session_delete_person(d->st, s.person, e);
    if (!rc)
        rc = store_session_delete(d->st, h, e);
    return write_txn(d, rc, e);
}

/* ---- back-off after failed sign-ins ---- */

int dom_signin_wait(dom *d, const dom_backoff *b, int n, long *seconds, isms_err *e)
{
    *seconds = 0;
    int rc = store_begin(d->st, 0, e);
    int64_t now = (int64_t)time(NULL);
    for (int i = 0; !rc && i < n; i++) {
        store_backoff got;
        rc = store_backoff_get(d->st, b[i].who, &got, &d->a, e);
        long left = !rc && got.until_at ? (long)(timestamp_epoch(got.until_at) - now) : 0;
        if (left > *seconds)
            *seconds = left;
    }
    store_rollback(d->st);
    return rc;
}

/* The delay after `failures` in a row, free_failures of them free. */
static long backoff_delay(int failures, int free_failures)
{
    int n = failures - free_failures - 1;
    if (n < 0)
        return 0;
    long delay = n >= 10 ? DOM_BACKOFF_MAX_S : 1L << n;
    return delay < DOM_BACKOFF_MAX_S ? delay : DOM_BACKOFF_MAX_S;
}

static int one_more_failure(dom *d, const dom_backoff *b, const char *now, isms_err *e)
{
    store_backoff got;
    int rc = store_backoff_get(d->st, b->who, &got, &d->a, e);
    if (rc)
        return rc;
    char until[21];
    long delay = backoff_delay(got.failures + 1, b->free_failures);
    /* times are whole seconds: one more, so no wait is shorter than the delay */
    timestamp_in(until, (int)delay + 1);
    store_backoff next = { .failures = got.failures + 1,
                           .last_at = now,
                           .until_at = delay ? until : NULL };
    return store_backoff_put(d->st, b->who, &next, e);
}

int dom_signin_failed(dom *d, const dom_backoff *b, int n, isms_err *e)
{
    char now[21], forget[21];
    timestamp_in(now, 0);
    timestamp_in(forget, -DOM_BACKOFF_FORGET_S);
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = store_backoff_prune(d->st, forget, DOM_BACKOFF_ROWS, e);
    for (int i = 0; !rc && i < n; i++)
        rc = one_more_failure(d, &b[i], now, e);
    return write_txn(d, rc, e);
}

int dom_signin_succeeded(dom *d, const char *who, isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (!rc)
        rc = store_backoff_clear(d->st, who, e);
    return write_txn(d, rc, e);
}
