-- 0012_signin_backoff: failed sign-ins to the web application, kept in the
-- repository so that every `isms serve` process serving it (several on
-- one PostgreSQL repository) counts the same failures and makes the same
-- attempt wait (issue 17).
--
-- One row per account ('u:PER-4', or 'u:<name>' for a name that is
-- nobody's) and per client address ('a:203.0.113.7'): how many sign-ins
-- failed in a row, when the latest failed, and the time before which the
-- next attempt is refused (NULL while the free attempts last). A sign-in
-- that succeeds deletes its account's row; rows whose latest failure is a
-- day old are deleted, and only the newest rows are kept beyond a bound,
-- so the table stays small whatever is tried. Like 0008's sessions this
-- is not a register and not in the ledger: a failed sign-in is no record
-- of the ISMS, and an export leaves it out.
--
-- Same conventions as 0001_core: portable SQL, times as ISO 8601 UTC text.

CREATE TABLE web_signin_failure (
    who TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at TEXT NOT NULL,
    until_at TEXT
);
CREATE INDEX web_signin_failure_by_last ON web_signin_failure (last_at);
