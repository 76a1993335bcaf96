-- 0043_appetite_changes: "since when" an analysis is stale is the latest
-- change to what it rests on, among them every version of the appetites
-- its threshold is chosen from (the organisation's, its objectives'). They
-- were read one by one, every version ever approved, drafted or retired:
-- a risk's page or an analysis list read 33,000 versions of the
-- organisation's appetite in the 100k bench repository (116 to 122 ms),
-- the web dashboard's five costliest risks 400 million instructions. The
-- latest change of one appetite's versions is now the last entry of an
-- index (MAX(updated_at) of those of one objective, or of none).
CREATE INDEX appetite_by_objective_updated ON appetite (objective, updated_at);
