-- 0020_due: what of a person's is due, by index (issue 16: a page costs
-- the same at a million records as at a thousand).
--
-- My work lists what names a person and falls due within 30 days (a
-- review, a target date, an acceptance's expiry). It read every record
-- naming the person and looked at each one's dates: for an owner of
-- 100,000 risks, 3 s and a page of 13 MB. Each index here is one person
-- field and one due date of a register (domain/views/links.c, dom_due_of):
-- the first rows of a person's dates up to a day are the front of it. The
-- id ends it so that equal dates keep one order on both backends.
CREATE INDEX context_due ON context (owner, review_date, id);
CREATE INDEX objective_due ON objective (owner, target_date, id);
CREATE INDEX risk_due ON risk (owner, review_date, id);
CREATE INDEX control_due ON control (owner, review_date, id);
CREATE INDEX acceptance_due ON acceptance (accepted_by, expires_on, id);
