/* access.h: who may sign in to the web application, and as whom.
 *
 * A user is an active person of the repository with a password (an
 * Argon2id hash, libsodium's crypto_pwhash_str) or named API tokens; a
 * browser that signed in holds a session. Each gives a principal with
 * the person's roles (dom_principal), so that every rule the CLI obeys
 * holds on the web too. Tokens and session ids are 256 random bits,
 * shown once and stored as SHA-256 hashes. A retired person can no
 * longer sign in, whatever they hold. */
#ifndef ISMS_DOMAIN_ACCESS_H
#define ISMS_DOMAIN_ACCESS_H

#include "domain/engine/dom.h"

enum {
    DOM_PASSWORD_MIN = 12,  /* bytes */
    DOM_PASSWORD_MAX = 256, /* bytes: the hash's input is bounded */
    DOM_TOKEN_NAME_MAX = 100,
};

/* Gives person `who` (key or e-mail) a password: `password`, or, when it
 * is NULL, a new random one returned in *generated (in the arena). */
int dom_user_set_password(dom *d, const char *who, const char *password, const char **generated,
                          isms_err *e);

/* Gives every active person who has no password yet `password` (hashed
 * once for all of them: the demo's known password); *n: how many. */
int dom_user_set_password_everyone(dom *d, const char *password, int *n, isms_err *e);

/* The principal for `who` if `password` is theirs; E_DENIED otherwise,
 * with the same message whether the person, the user or the password
 * was wrong. Hashing is slow on purpose: callers bound how many run at once. */
int dom_user_sign_in(dom *d, const char *who, const char *password, principal *p, isms_err *e);

/* Takes the web away from `who`: their password and every session (their
 * tokens stay until revoked: `isms token revoke`). */
int dom_user_remove(dom *d, const char *who, isms_err *e);

typedef struct dom_user {
    const char *person_key, *email, *name;
    const char *created_at, *updated_at;
    int retired; /* the person is retired: the user can no longer sign in */
} dom_user;
typedef int (*dom_user_fn)(const dom_user *u, void *ctx);
int dom_user_list(dom *d, dom_user_fn fn, void *ctx, isms_err *e);

/* A new API token called `name` acting for `who`, returned once in *token
 * (in the arena). */
int dom_token_add(dom *d, const char *name, const char *who, const char **token, isms_err *e);
int dom_token_revoke(dom *d, const char *name, isms_err *e);
/* The principal a token acts for: E_DENIED when it is unknown or revoked. */
int dom_token_principal(dom *d, const char *token, principal *p, isms_err *e);

/* A new session for `p` (a person), lasting ttl seconds: the session id
 * (for the cookie) and its CSRF token, in the arena. */
int dom_session_open(dom *d, const principal *p, int ttl, const char **sid, const char **csrf,
                     isms_err *e);
/* The principal of a live session, and its CSRF token: E_DENIED when it is
 * unknown or expired. */
int dom_session_principal(dom *d, const char *sid, principal *p, const char **csrf, isms_err *e);
/* Ends session sid; everywhere: every session of its person. */
int dom_session_close(dom *d, const char *sid, int everywhere, isms_err *e);

/* Back-off after failed sign-ins, kept in the repository so that every
 * process serving it counts alike. `who` names an account ("u:PER-4") or
 * an address ("a:192.0.2.1"); after `free_failures` failures in a row
 * each further one makes the next attempt wait 1, 2, 4, ... seconds (at
 * most DOM_BACKOFF_MAX_S). Failures a day old are forgotten, and only
 * the DOM_BACKOFF_ROWS most recent of all are kept. */
enum { DOM_BACKOFF_MAX_S = 900, DOM_BACKOFF_ROWS = 10000, DOM_BACKOFF_FORGET_S = 86400 };
typedef struct dom_backoff {
    const char *who;
    int free_failures;
} dom_backoff;
/* Seconds before any of the n may try again: 0 when all may now. */
int dom_signin_wait(dom *d, const dom_backoff *b, int n, long *seconds, isms_err *e);
/* One more failure of each of the n, in one transaction. */
int dom_signin_failed(dom *d, const dom_backoff *b, int n, isms_err *e);
/* who signed in: its failures are forgotten. */
int dom_signin_succeeded(dom *d, const char *who, isms_err *e);

#endif
