-- 0008_web_access: who may sign in to the web application (issue 17).
--
-- A user is a person of the person register with a password, or with API
-- tokens; a signed-in browser holds a session. Only hashes are stored: a
-- password's Argon2id string (libsodium's crypto_pwhash_str), a token's
-- and a session id's SHA-256 (both are 256 random bits, so a fast hash
-- is enough). None of this is a register or in the ledger: credentials
-- are not records of the ISMS, and an export leaves them out.
--
-- Same conventions as 0001_core: portable SQL, times as ISO 8601 UTC text.

CREATE TABLE web_user (
    person BIGINT PRIMARY KEY REFERENCES person (id),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A token is named (`isms token add --name ci-bot`); revoking keeps the row
-- (revoked_at), so that a name is never reused for another token.
CREATE TABLE web_token (
    name TEXT PRIMARY KEY,
    person BIGINT NOT NULL REFERENCES person (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE web_session (
    id_hash TEXT PRIMARY KEY,
    person BIGINT NOT NULL REFERENCES person (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_session_by_person ON web_session (person);
