-- 0040_references: an index on each reference that had none, and on the
-- time of the last change of the inputs a figure's freshness is judged by.
--
-- A record's page lists the records that name it (store_referrers: the
-- first 20 of each field, then a link to the rest), and a list filtered by a
-- reference (/decisions?review=REV-1) reads the records that hold it. The
-- references a list is sorted by have their index (field, id) since 0013;
-- these did not: the approvals a workflow writes (approved_by, decided_by,
-- closed_by) and a decision's review and analysis. Each such query read
-- the whole register in id order and tested every row: a person's page at
-- 10,000 records a register read every scope, appetite, SoA, review,
-- decision and incident (bench/sweep). Now it reads the rows that name it.
-- A register added later indexes its references itself (store_create_table).
--
-- Whether a quantified figure is current asks when its inputs last changed
-- (store_last_change: MAX(updated_at) of the risks, controls, appetites,
-- objectives); risks and controls have had that index since 0010, the
-- appetites and objectives were read whole, for every analysis a list shows.
CREATE INDEX scope_approved_by_ref ON scope (approved_by, id);
CREATE INDEX appetite_approved_by_ref ON appetite (approved_by, id);
CREATE INDEX soa_approved_by_ref ON soa (approved_by, id);
CREATE INDEX review_approved_by_ref ON review (approved_by, id);
CREATE INDEX decision_decided_by_ref ON decision (decided_by, id);
CREATE INDEX decision_analysis_ref ON decision (analysis, id);
CREATE INDEX decision_review_ref ON decision (review, id);
CREATE INDEX incident_closed_by_ref ON incident (closed_by, id);
CREATE INDEX appetite_by_updated ON appetite (updated_at);
CREATE INDEX objective_by_updated ON objective (updated_at);
