-- 0011_ledger_chain_keys: the ledger without UNIQUE on hash and prev_hash
-- (issue 16, point 8).
--
-- Each of the two constraints kept an index keyed on a SHA-256 in hex: a
-- random key, so every append wrote a leaf page at a random place in two
-- indexes that, at a million entries, are 75 MB each and outgrow the page
-- cache. Loading 20,000 risks into a repository of a million wrote 180 KB
-- per risk (those pages to the WAL, then again at each checkpoint) and ran
-- at half the rate it had at 10,000 entries. Neither index was read by any
-- query, and what they guarded is the chain's own rule, checked where it
-- matters: isms appends after the head it read in the same write
-- transaction (seq is the primary key, so two appends cannot both take
-- the same place), and `isms verify` walks every entry, checking that its
-- prev_hash is the hash of the entry before and that its hash is that of
-- its own bytes, which two equal hashes or links would fail.
--
-- The table is made again without them (portable: SQLite cannot drop a
-- constraint): the columns 0001 made, less the two UNIQUEs, then its rows
-- and its index by key.
CREATE TABLE ledger_next (seq @ID@, ts TEXT NOT NULL, actor TEXT NOT NULL, entity TEXT NOT NULL,
    key TEXT NOT NULL, op TEXT NOT NULL, data TEXT NOT NULL, note TEXT, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL);
INSERT INTO ledger_next (seq, ts, actor, entity, key, op, data, note, prev_hash, hash)
    SELECT seq, ts, actor, entity, key, op, data, note, prev_hash, hash FROM ledger ORDER BY seq;
DROP TABLE ledger;
ALTER TABLE ledger_next RENAME TO ledger;
CREATE INDEX ledger_by_key ON ledger (key, seq);
