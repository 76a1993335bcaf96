-- 0036_risk_no_objective: the risks tied to no business objective, by
-- their own index. `isms risk list --no-objective` (the dashboard's count
-- of them, listed) looked each risk up among the objectives' links, in id
-- order, until its page was full: at a million risks of which nine at the
-- end have no objective, a page of five read the whole register (2.0 s and
-- 73 MB on SQLite, 1.7 s on PostgreSQL).
--
-- no_objective is 1 for a risk with no objective link. isms sets it as
-- risks are written (domain/registers/tallies.c: only when a risk is
-- written without an objective, or gains or loses its last: an add with
-- objectives writes nothing more), again from the links after an import or
-- a copy (dom_tallies_rebuild), and `isms verify --full` checks it against
-- the links. The partial index holds the active ones; its condition is the
-- query's (store/tally.c, STORE_RISK_NO_OBJECTIVE), term by term.
ALTER TABLE risk ADD COLUMN no_objective INTEGER NOT NULL DEFAULT 0;
UPDATE risk SET no_objective = 1
  WHERE NOT EXISTS (SELECT 1 FROM risk_objective o WHERE o.risk = risk.id);
CREATE INDEX risk_no_objective ON risk (id) WHERE retired_at IS NULL AND no_objective = 1;
