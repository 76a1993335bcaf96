-- 0028_risk_in_place: the risks no control in place treats, from the
-- front of an index. The dashboard names the first risks to treat that no
-- implemented or operating control treats, and `isms attention untreated`
-- lists them all; found by walking the risks in id order and looking each
-- up among the controls' links, that cost grew with every treated risk
-- walked past: in a mature register, where nearly every risk is treated,
-- most of the register (526 million instructions for the dashboard at 100k
-- risks against 47 million).
--
-- in_place counts, for each risk, the active controls in place (not
-- planned) that treat it. isms moves it as controls are written
-- (domain/registers/tallies_links.c), sets it again from the links after
-- an import or a copy (dom_tallies_rebuild), and `isms verify --full`
-- checks it against the links. The partial index holds the active risks to
-- treat (treatment neither accept nor avoid) with none in place; its
-- condition is the query's, term by term (store/tally.c). Only the risks
-- a control in place treats are written: an UPDATE of every row of a
-- million-risk register was refused by SQLite inside isms as "database or
-- disk is full" with space to spare (not explained yet; docs/PERFORMANCE.md).
ALTER TABLE risk ADD COLUMN in_place BIGINT NOT NULL DEFAULT 0;
UPDATE risk SET in_place = (SELECT COUNT(*) FROM control_risk cr JOIN control c ON c.id = cr.control
    WHERE cr.risk = risk.id AND c.retired_at IS NULL AND c.status <> 'planned')
  WHERE id IN (SELECT cr.risk FROM control_risk cr JOIN control c ON c.id = cr.control
    WHERE c.retired_at IS NULL AND c.status <> 'planned');
CREATE INDEX risk_untreated ON risk (id)
    WHERE retired_at IS NULL AND COALESCE(treatment, '') <> 'accept'
      AND COALESCE(treatment, '') <> 'avoid' AND in_place = 0;
