-- 0004_board_figures: figures a board can act on (issue 15).
--
-- An analysis keeps a hash of the register inputs it ran on (so a figure
-- whose inputs changed since is shown as stale), its verdict against the
-- appetite with the margin in money, and the matrix cell its figures
-- imply (to compare with the risk's qualitative cell). A control says how
-- much of its stated reduction it achieves while partially effective.
-- New columns are nullable: existing records keep their canonical bytes.

ALTER TABLE analysis ADD COLUMN inputs_hash TEXT;
ALTER TABLE analysis ADD COLUMN verdict TEXT;
ALTER TABLE analysis ADD COLUMN margin BIGINT;
ALTER TABLE analysis ADD COLUMN likelihood INTEGER;
ALTER TABLE analysis ADD COLUMN impact INTEGER;

ALTER TABLE control ADD COLUMN partial_effect INTEGER;

ALTER TABLE org ADD COLUMN matrix_from_fair INTEGER;
