-- 0006_ledger_tree: the ledger's Merkle tree, kept as it grows (issue 16).
--
-- A proof or the tree head built from the entries costs a pass over the
-- whole ledger; from the heads of its complete subtrees it costs O(log n)
-- rows. Row (seq, level) is the head of the perfect subtree of the 2^level
-- entries ending with entry #seq (RFC 6962 node hash, 64 hex characters);
-- level >= 1, as the leaves (level 0) follow from ledger.hash. isms writes
-- the nodes an entry completes in the transaction that appends it (on
-- average one per entry), fills them for an existing ledger when it
-- upgrades a repository to this schema, and `isms verify` rebuilds them
-- all from the entries and compares (docs/LEDGER.md).
CREATE TABLE ledger_node (
    seq   BIGINT NOT NULL,
    level INTEGER NOT NULL,
    hash  TEXT NOT NULL,
    PRIMARY KEY (seq, level)
);
