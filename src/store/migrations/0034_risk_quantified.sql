-- 0034_risk_quantified: the risks with FAIR inputs, by their own index.
-- The portfolio (isms quantify) and the return on controls read the
-- quantified risks and count the others; they read every risk to find the
-- first: 1.1 s at a million risks of which 50 are quantified. The other
-- risks are counted by the kept figures; this partial index holds the
-- active risks with an input, in id order. Its condition is the query's
-- (store_query.any_set), term for term.
CREATE INDEX risk_quantified ON risk (id)
    WHERE retired_at IS NULL AND (lef IS NOT NULL OR tef IS NOT NULL OR vulnerability IS NOT NULL
      OR threat_capability IS NOT NULL OR resistance_strength IS NOT NULL
      OR primary_loss IS NOT NULL OR secondary_probability IS NOT NULL
      OR secondary_loss IS NOT NULL);
