-- 0002_checkpoints: what closes the gap a hash chain inside the database
-- cannot see (docs/LEDGER.md): the public keys that sign checkpoints of the
-- ledger's Merkle tree, and the checkpoints issued.
--
-- Same conventions as 0001_core: portable SQL, @ID@ for the id column, ids
-- assigned by isms, times as ISO 8601 UTC text.

-- A register (domain/signing_keys.c): every change is a ledger entry, so
-- the ledger itself says which key was valid from which entry to which.
-- Only the public half is here; the private key stays in a 0600 file.
CREATE TABLE signing_key (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL UNIQUE,
    algorithm TEXT NOT NULL,
    purpose TEXT NOT NULL,
    holder TEXT
);

-- Checkpoints this repository signed: {origin, size, root} and the
-- signature line. Not ledger entries (a checkpoint is a statement about the
-- ledger, and entering it would move the tree it signs); each row checks
-- itself instead: its signature against the key, its root against the
-- ledger's tree at its size, on every `isms verify`.
CREATE TABLE checkpoint (
    id @ID@,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    size BIGINT NOT NULL,
    root TEXT NOT NULL,
    signed_by BIGINT NOT NULL REFERENCES signing_key (id),
    signature TEXT NOT NULL
);
