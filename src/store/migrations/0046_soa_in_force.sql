-- 0046_soa_in_force: the SoA in force of a framework (the newest approved
-- statement or profile, else the newest draft) found by one index entry
-- each, not by reading its versions newest first until an approved one
-- comes: a framework with no current profile read every version of its
-- statement to say so (100,000 of them at the sweep's largest size: `/soa-gap`
-- 0.4 to 1.1 s, a 404 among them).
CREATE INDEX soa_in_force ON soa (framework, profile, status, id) WHERE retired_at IS NULL;
