-- 0030_flagged_figures: the dashboard's counts of the risks whose latest
-- analysis speaks against them, among its kept figures (0010):
--
--   analysis.outside     active risks with a FAIR input whose latest
--                        analysis is outside appetite;
--   analysis.disagrees   those whose latest analysis's cell lies more than
--                        one band from the risk's residual cell.
--
-- Both were counted over their partial index (0017) at every read, a cost
-- of the flagged risks: 30,000 outside appetite and 10,000 disagreeing in
-- a register of 100,000 risks made the dashboard 134 million instructions
-- instead of 47 million. Now moved by the writes that change a latest
-- analysis, its cell or its risk's standing (store/latest.c); `isms
-- verify --full` counts them again. No table changes; counted here.
DELETE FROM tally WHERE name IN ('analysis.outside', 'analysis.disagrees');
INSERT INTO tally (name, n)
SELECT name, c FROM (
    SELECT 'analysis.outside' AS name, SUM(l.outside) AS c
    FROM analysis_latest l JOIN risk r ON r.id = l.risk
    WHERE l.outside = 1 AND r.retired_at IS NULL AND NOT (r.lef IS NULL AND r.tef IS NULL
        AND r.vulnerability IS NULL AND r.threat_capability IS NULL
        AND r.resistance_strength IS NULL AND r.primary_loss IS NULL
        AND r.secondary_probability IS NULL AND r.secondary_loss IS NULL)
    UNION ALL
    SELECT 'analysis.disagrees', SUM(l.disagrees) FROM analysis_latest l JOIN risk r ON r.id = l.risk
    WHERE l.disagrees = 1 AND r.retired_at IS NULL AND NOT (r.lef IS NULL AND r.tef IS NULL
        AND r.vulnerability IS NULL AND r.threat_capability IS NULL
        AND r.resistance_strength IS NULL AND r.primary_loss IS NULL
        AND r.secondary_probability IS NULL AND r.secondary_loss IS NULL)
) counted WHERE c > 0;
