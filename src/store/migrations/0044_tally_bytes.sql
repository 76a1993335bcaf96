-- 0044_tally_bytes: the kept figures' names in the order of their bytes
-- on every backend. Their ranges ("owner.", the days after one, the first
-- objectives not quantified) are compared by bytes, which on PostgreSQL
-- is the collation "C": a primary key in the database's own collation
-- could not answer them, and every read of a range was a read of the
-- whole table (560,000 rows at 100,000 records a register). On SQLite
-- text compares by bytes already (@C@ is empty there).
CREATE TABLE tally_by_bytes (
    name TEXT@C@ PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO tally_by_bytes (name, n) SELECT name, n FROM tally WHERE n <> 0;
DROP TABLE tally;
ALTER TABLE tally_by_bytes RENAME TO tally;
