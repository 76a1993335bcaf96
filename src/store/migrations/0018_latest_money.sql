-- 0018_latest_money: each risk's latest P95 annual loss beside its latest
-- analysis (0017), so that the dashboard's "top risks in money" reads the
-- front of one index (issue 16, point 1).
--
-- That section read every subject's latest analysis and judged each one's
-- freshness by its whole model, to show the ten largest: 41 s for the
-- first view after a change at 100k analysed risks, 1.5 s at 10k. The
-- figure is the analysis's own and never changes after it is saved; it is
-- set with the row (store/latest.c) and read from this partial index, whose
-- entries are the risks' analyses that have one.
ALTER TABLE analysis_latest ADD COLUMN p95 BIGINT;
UPDATE analysis_latest SET p95 = (SELECT a.p95_loss FROM analysis a WHERE a.id = analysis_latest.analysis);
CREATE INDEX analysis_latest_by_p95 ON analysis_latest (p95 DESC, risk)
    WHERE kind = 'risk' AND p95 IS NOT NULL;

-- How many latest analyses were written since they ran, kept as a tally
-- (store/latest.c) so that the dashboard's count is one read, not a pass
-- over the marks (after an appetite is approved, every analysis is
-- marked). A retired or no longer quantified risk's analysis is no longer
-- marked: the dashboard never listed it, and the count needs no join.
UPDATE analysis_latest SET changed_at = NULL
    WHERE kind = 'risk' AND (risk IS NULL OR risk NOT IN (
        SELECT r.id FROM risk r WHERE r.retired_at IS NULL AND NOT (
            r.lef IS NULL AND r.tef IS NULL AND r.vulnerability IS NULL
            AND r.threat_capability IS NULL AND r.resistance_strength IS NULL
            AND r.primary_loss IS NULL AND r.secondary_probability IS NULL
            AND r.secondary_loss IS NULL)));
INSERT INTO tally (name, n)
    SELECT 'analysis.stale', COUNT(*) FROM analysis_latest WHERE changed_at IS NOT NULL;
