-- 0010_tallies: what the dashboard counts, kept as records are written
-- (issue 16, point 1).
--
-- Each row is one figure that follows from what records say of
-- themselves (active risks, their residual cells, review dates, the
-- objectives they threaten; controls by status and effectiveness, their
-- cost; objectives and their value), named by what it counts
-- ('risk.cell.3.4', 'control.status.operating', 'risk.review.2027-01-31').
-- isms adds to them in the transaction that writes the record, so a
-- rolled-back write leaves them as they were; the upgrade to this version
-- counts them from the records; `isms verify --full` counts again and
-- reports any difference (a figure edited outside isms is tampering).
CREATE TABLE tally (
    name TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);

-- The dashboard's worst risks: the highest residual scores first, the
-- older risk first among equals, read from the front of the index.
CREATE INDEX risk_by_residual ON risk (
    (COALESCE(residual_likelihood, likelihood) * COALESCE(residual_impact, impact)) DESC, id
) WHERE retired_at IS NULL;

-- The latest change to the registers an analysis's inputs come from
-- (MAX(updated_at), a retirement included): when none came after an
-- analysis ran, it is current without hashing the whole model again.
CREATE INDEX risk_by_updated ON risk (updated_at);
CREATE INDEX control_by_updated ON control (updated_at);
