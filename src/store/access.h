/* access.h: the rows behind sign-in to the web application
 * (migrations/0008_web_access.sql): a person's password hash, named API
 * tokens and browser sessions, all stored as hashes only. The domain
 * (domain/engine/access.c) makes and checks them. */
#ifndef ISMS_STORE_ACCESS_H
#define ISMS_STORE_ACCESS_H

#include "store/store.h"

/* Sets person's password hash (adds the user, or replaces the hash). */
int store_user_put(store *s, int64_t person, const char *hash, const char *now, isms_err *e);
/* person's password hash in *hash (in a), NULL when the person is no user. */
int store_user_get(store *s, int64_t person, char **hash, arena *a, isms_err *e);
/* Takes person's password away (E_NOT_FOUND when they had none). */
int store_user_delete(store *s, int64_t person, isms_err *e);
/* Every user, by person id: fn(person, created_at, updated_at, ctx). */
typedef int (*store_user_fn)(int64_t person, const char *created_at, const char *updated_at,
                             void *ctx);
int store_user_scan(store *s, store_user_fn fn, void *ctx, isms_err *e);

typedef struct store_token {
    const char *name;
    int64_t person;
    const char *hash; /* SHA-256 hex of the token */
    const char *created_at;
    const char *revoked_at; /* NULL while valid */
} store_token;

/* E_CONFLICT when a token of that name exists (revoked ones included). */
int store_token_insert(store *s, const store_token *t, isms_err *e);
/* The token whose hash is `hash`, E_NOT_FOUND if none. */
int store_token_find(store *s, const char *hash, store_token *out, arena *a, isms_err *e);
/* Revokes the valid token `name`: E_NOT_FOUND if there is none. */
int store_token_revoke(store *s, const char *name, const char *now, isms_err *e);
typedef int (*store_token_fn)(const store_token *t, void *ctx);
int store_token_scan(store *s, store_token_fn fn, void *ctx, isms_err *e);

typedef struct store_session {
    const char *id_hash; /* SHA-256 hex of the session id the cookie holds */
    int64_t person;
    const char *csrf; /* the token state-changing requests must repeat */
    const char *created_at, *expires_at;
} store_session;

int store_session_insert(store *s, const store_session *ss, isms_err *e);
/* E_NOT_FOUND if there is no such session. */
int store_session_get(store *s, const char *id_hash, store_session *out, arena *a, isms_err *e);
int store_session_delete(store *s, const char *id_hash, isms_err *e);
/* Ends every session of `person` ("sign out everywhere"). */
int store_session_delete_person(store *s, int64_t person, isms_err *e);
/* Forgets sessions that expired before `now`. */
int store_session_purge(store *s, const char *now, isms_err *e);

/* Failed sign-ins in a row of one account or address `who`
 * (migrations/0012_signin_backoff.sql): how many, when the latest
 * failed, and no attempt before until_at (NULL: none refused yet). */
typedef struct store_backoff {
    int failures; /* 0 when `who` has no row */
    const char *last_at, *until_at;
} store_backoff;

int store_backoff_get(store *s, const char *who, store_backoff *out, arena *a, isms_err *e);
/* Adds or replaces who's row. */
int store_backoff_put(store *s, const char *who, const store_backoff *b, isms_err *e);
/* Forgets who's failures (a sign-in that succeeded). */
int store_backoff_clear(store *s, const char *who, isms_err *e);
/* Forgets rows whose latest failure is before `before`, and all but the
 * `keep` newest (rows failing at the same second as the last kept stay). */
int store_backoff_prune(store *s, const char *before, int keep, isms_err *e);

#endif
