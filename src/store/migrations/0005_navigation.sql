-- 0004_navigation: finding records by what links to them (issue 15).
--
-- Lists filter on any reference or link (`person list --role
-- management-body`, `appetite list --objective OBJ-2`), and `show` lists
-- the records that refer to the one shown; these indexes serve the
-- lookups from the referred-to side that 0001 and 0003 had not indexed.
--
-- This version also brings the BSI elementary threats (G-0.1 .. G-0.47)
-- into the built-in threat catalogue. Records carry ledger entries, which
-- SQL cannot write: isms adds the threats when it upgrades a repository to
-- this version, in the same transaction, each with its entry
-- (src/domain/registers/builtin.c).

CREATE INDEX person_role_reverse ON person_role (role, person);
CREATE INDEX appetite_by_objective ON appetite (objective);
CREATE INDEX acceptance_by_person ON acceptance (accepted_by);
CREATE INDEX context_by_owner ON context (owner);
CREATE INDEX stakeholder_by_owner ON stakeholder (owner);
