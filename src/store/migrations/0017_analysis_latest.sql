-- 0017_analysis_latest: the latest analysis of each subject, kept as
-- analyses are saved and their inputs written (issue 16, point 1).
--
-- The dashboard read every analysis to find each subject's latest, then
-- hashed the whole model when anything changed after a portfolio ran:
-- quadratic in the analyses, 4.3 G instructions at 100k risks. This table
-- holds one row per subject (store/latest.c): the latest analysis's id,
-- for a risk's analysis the risk's id (the dashboard's lists come in the
-- risks' order), whether its figures are outside appetite, whether its
-- cell and the risk's residual cell are more than one band apart (set
-- again when the risk or the matrix size changes), and when a record its
-- inputs come from (the risk, a control treating it, any appetite,
-- objective or the organisation; every risk and control for a portfolio)
-- was last written after it ran (NULL: none since). Each list the
-- dashboard shows reads the front of a partial index. Filled from the
-- records by the upgrade and by an import (dom_latest_rebuild).
CREATE TABLE analysis_latest (
    subject TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    analysis BIGINT NOT NULL,
    risk BIGINT,
    outside INTEGER NOT NULL,
    disagrees INTEGER NOT NULL,
    changed_at TEXT
);
CREATE INDEX analysis_latest_by_risk ON analysis_latest (risk);
CREATE INDEX analysis_latest_outside ON analysis_latest (risk) WHERE outside = 1;
CREATE INDEX analysis_latest_disagrees ON analysis_latest (risk) WHERE disagrees = 1;
CREATE INDEX analysis_latest_changed ON analysis_latest (analysis) WHERE changed_at IS NOT NULL;
CREATE INDEX analysis_latest_portfolios ON analysis_latest (analysis) WHERE kind <> 'risk';
