-- 0003_quantification: risks in money (issue 4).
--
-- FAIR inputs on risks and control effects on controls are distributions
-- kept as text in the engine's canonical syntax ("pert(0.5,2,6)"; see
-- src/risk/dist.h), in major units of the organisation's currency. New
-- columns are nullable: existing records keep their canonical bytes (empty
-- members are left out of the ledger's data), so nothing needs re-hashing.

ALTER TABLE org ADD COLUMN owner_accept_limit BIGINT;
ALTER TABLE org ADD COLUMN lead_accept_limit BIGINT;
ALTER TABLE org ADD COLUMN frequency_bands TEXT;
ALTER TABLE org ADD COLUMN magnitude_bands TEXT;

ALTER TABLE risk ADD COLUMN loss_model TEXT;
ALTER TABLE risk ADD COLUMN lef TEXT;
ALTER TABLE risk ADD COLUMN tef TEXT;
ALTER TABLE risk ADD COLUMN vulnerability TEXT;
ALTER TABLE risk ADD COLUMN threat_capability TEXT;
ALTER TABLE risk ADD COLUMN resistance_strength TEXT;
ALTER TABLE risk ADD COLUMN primary_loss TEXT;
ALTER TABLE risk ADD COLUMN secondary_probability TEXT;
ALTER TABLE risk ADD COLUMN secondary_loss TEXT;

ALTER TABLE control ADD COLUMN acts_on TEXT;
ALTER TABLE control ADD COLUMN reduction TEXT;
ALTER TABLE control ADD COLUMN deductible BIGINT;
ALTER TABLE control ADD COLUMN cover_limit BIGINT;
ALTER TABLE control ADD COLUMN cover_basis TEXT;

-- Appetite statements: per objective, or organisation-wide (objective
-- NULL); approved by the management body like scope versions.
CREATE TABLE appetite (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    objective BIGINT REFERENCES objective (id),
    statement TEXT NOT NULL,
    appetite BIGINT NOT NULL,
    tolerance BIGINT,
    confidence INTEGER,
    status TEXT,
    approved_by BIGINT REFERENCES person (id),
    approved_at TEXT
);

-- Who accepted which risk, on which basis, until when.
CREATE TABLE acceptance (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    risk BIGINT NOT NULL REFERENCES risk (id),
    accepted_by BIGINT NOT NULL REFERENCES person (id),
    rationale TEXT NOT NULL,
    expires_on TEXT,
    basis TEXT
);
CREATE INDEX acceptance_by_risk ON acceptance (risk);

-- Quantified results with everything needed to reproduce them.
CREATE TABLE analysis (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    subject TEXT,
    kind TEXT,
    iterations BIGINT,
    seed TEXT,
    engine TEXT,
    mean_loss BIGINT,
    p95_loss BIGINT,
    outside_appetite INTEGER,
    inputs TEXT,
    results TEXT
);
CREATE INDEX analysis_by_subject ON analysis (subject, id);
