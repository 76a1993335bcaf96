-- 0025_control_implementation_due: the date a planned control is to be in
-- place by (the risk treatment plan, ISO/IEC 27001 Cl. 6.1.3 e, 8.3;
-- domain/registers/controls.h). Met, and cleared, once the control is in
-- place. No control has one before this version: the upgrade counts
-- nothing.
ALTER TABLE control ADD COLUMN implementation_due TEXT;

-- Its owner sees it falling due on their work (0020).
CREATE INDEX control_implementation_due ON control (owner, implementation_due, id);
