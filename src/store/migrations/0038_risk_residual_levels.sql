-- 0038_risk_residual_levels: the risks by residual likelihood and by
-- residual impact as the heat map places them (a level not assessed is the
-- inherent one), each in an index of its own.
--
-- The dashboard's heat map links each cell to its risks
-- (/risks?residual_likelihood=3&residual_impact=4). Neither expression had
-- an index, so PostgreSQL had no statistics for them: it took a fifth of
-- the risks times a fifth for a two-hundredth of that and read the whole
-- table, then sorted what passed, 292 ms a page at 1,000,000 risks. Each
-- level's index gives the planner its statistics and a list by key its
-- risks in order (the other level tested on each); the cell's total is the
-- kept figure risk.cell.L.I (0010). Not partial: PostgreSQL takes no
-- statistics of an expression from a partial index; and gathered now, not
-- when autovacuum next analyzes the table (after a tenth of it changes).
CREATE INDEX risk_residual_likelihood_level ON risk (COALESCE(residual_likelihood, likelihood), id);
CREATE INDEX risk_residual_impact_level ON risk (COALESCE(residual_impact, impact), id);
@STATISTICS@ risk;
