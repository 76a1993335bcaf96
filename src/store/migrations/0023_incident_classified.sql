-- 0023_incident_classified: when an incident was classified as major
-- (DORA) or significant (NIS2). DORA's initial notification is due 4
-- hours after the classification, and 24 hours after detection at the
-- latest (Commission Delegated Regulation (EU) 2025/301): the deadline
-- isms works out (report_due) uses it when it is given.
ALTER TABLE incident ADD COLUMN classified_at TEXT;
