-- 0014_unquantified: the dashboard names the first risks that have no FAIR
-- inputs (domain/views/dashboard.c, unquantified_keys). A mature register
-- has few of them, often the newest: found by reading the risks in id order,
-- that cost grew with every quantified risk read past (a million rows at a
-- million risks). This partial index holds only the active risks with every
-- input empty, so the first of them are read from its front; a risk leaves
-- it when it gets an input. Its condition is the query's, term by term.
CREATE INDEX risk_unquantified ON risk (id)
    WHERE retired_at IS NULL AND lef IS NULL AND tef IS NULL AND vulnerability IS NULL
      AND threat_capability IS NULL AND resistance_strength IS NULL AND primary_loss IS NULL
      AND secondary_probability IS NULL AND secondary_loss IS NULL;
