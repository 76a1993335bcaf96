-- 0009_oscal: what an OSCAL import keeps beyond the catalogue's fields
-- (issue 18, point 5).
--
-- framework.uuid is the OSCAL document's uuid: importing the document
-- again updates the framework it made. framework.oscal and
-- requirement.oscal hold, as JSON, the members isms has no field for (the
-- catalog's metadata and back-matter; a control's class, params, props,
-- links and parts, of every namespace: NIST's, FedRAMP's, BSI's), so that
-- an export writes them back. Both are empty for the built-in catalogues.

ALTER TABLE framework ADD COLUMN uuid TEXT;
ALTER TABLE framework ADD COLUMN oscal TEXT;
ALTER TABLE requirement ADD COLUMN oscal TEXT;
CREATE INDEX framework_by_uuid ON framework (uuid);
