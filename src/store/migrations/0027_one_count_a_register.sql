-- 0027_one_count_a_register: one kept figure for each register's active
-- records. The risks' and objectives' counts of 0010 ("risk",
-- "objective") said what "records.risk" and "records.objective" (0026)
-- say, kept twice by every write of those registers; the dashboard and a
-- list's total now read the one that every register keeps.
--
-- No table changes; nothing to count again.
DELETE FROM tally WHERE name IN ('risk', 'objective');
