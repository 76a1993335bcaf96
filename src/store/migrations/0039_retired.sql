-- 0039_retired: each register's retired records, by an index of their own.
--
-- A list of retired records (`isms risk list --retired`, /risks?retired=only:
-- what an auditor reads of risks closed or merged) and its count read the
-- register's rows in id order, testing each for retired_at: at a million
-- risks of which five were retired, 1,816 M instructions and 0.4 s for a
-- page that holds five. Each index holds the retired records alone (few:
-- records are retired, never deleted, but most stay active), so such a page
-- and its count cost what the retired records number; a search among them
-- is tested on those records' rows. The organisation profile (org) is never
-- retired. A register added later makes its own (store_create_table).
CREATE INDEX person_retired ON person (id) WHERE retired_at IS NOT NULL;
CREATE INDEX scope_retired ON scope (id) WHERE retired_at IS NOT NULL;
CREATE INDEX context_retired ON context (id) WHERE retired_at IS NOT NULL;
CREATE INDEX stakeholder_retired ON stakeholder (id) WHERE retired_at IS NOT NULL;
CREATE INDEX objective_retired ON objective (id) WHERE retired_at IS NOT NULL;
CREATE INDEX asset_retired ON asset (id) WHERE retired_at IS NOT NULL;
CREATE INDEX threat_retired ON threat (id) WHERE retired_at IS NOT NULL;
CREATE INDEX risk_retired ON risk (id) WHERE retired_at IS NOT NULL;
CREATE INDEX control_retired ON control (id) WHERE retired_at IS NOT NULL;
CREATE INDEX signing_key_retired ON signing_key (id) WHERE retired_at IS NOT NULL;
CREATE INDEX appetite_retired ON appetite (id) WHERE retired_at IS NOT NULL;
CREATE INDEX acceptance_retired ON acceptance (id) WHERE retired_at IS NOT NULL;
CREATE INDEX analysis_retired ON analysis (id) WHERE retired_at IS NOT NULL;
CREATE INDEX framework_retired ON framework (id) WHERE retired_at IS NOT NULL;
CREATE INDEX requirement_retired ON requirement (id) WHERE retired_at IS NOT NULL;
CREATE INDEX mapping_retired ON mapping (id) WHERE retired_at IS NOT NULL;
CREATE INDEX soa_retired ON soa (id) WHERE retired_at IS NOT NULL;
CREATE INDEX applicability_retired ON applicability (id) WHERE retired_at IS NOT NULL;
CREATE INDEX review_retired ON review (id) WHERE retired_at IS NOT NULL;
CREATE INDEX decision_retired ON decision (id) WHERE retired_at IS NOT NULL;
CREATE INDEX incident_retired ON incident (id) WHERE retired_at IS NOT NULL;
CREATE INDEX metric_retired ON metric (id) WHERE retired_at IS NOT NULL;
CREATE INDEX measurement_retired ON measurement (id) WHERE retired_at IS NOT NULL;
