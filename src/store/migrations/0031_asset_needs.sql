-- 0031_asset_needs: each asset's inherited protection needs, kept as
-- assets are written. After the maximum principle an asset needs at least
-- the protection of every asset that depends on it; showing one asset,
-- listing a page of them or drawing the dashboard read every asset and
-- every dependency to work that out (50,000 assets: 834 million
-- instructions for one asset's page). Now each asset keeps what it
-- inherits, moved by the writes of the assets above it
-- (domain/registers/asset_needs.c):
--
--   inherited_c, _i, _a       the highest need (0 normal, 1 high, 2 very
--                             high) among the active assets depending on
--                             it directly, each of those at its own stated
--                             or inherited need, whichever is higher; NULL:
--                             none depends on it (or it is retired);
--   inherited_from_c, _i, _a  the asset that need comes from;
--   critical_inherited        1 when an asset depending on it supports a
--                             critical or important function.
--
-- and the tally 'asset.raised' counts the active assets whose inherited
-- need is above the stated one. The upgrade fills them from the
-- dependencies (domain/engine/dom.c); `isms verify --full` works them out
-- again and compares.
ALTER TABLE asset ADD COLUMN inherited_c INTEGER;
ALTER TABLE asset ADD COLUMN inherited_i INTEGER;
ALTER TABLE asset ADD COLUMN inherited_a INTEGER;
ALTER TABLE asset ADD COLUMN inherited_from_c BIGINT;
ALTER TABLE asset ADD COLUMN inherited_from_i BIGINT;
ALTER TABLE asset ADD COLUMN inherited_from_a BIGINT;
ALTER TABLE asset ADD COLUMN critical_inherited INTEGER NOT NULL DEFAULT 0;
