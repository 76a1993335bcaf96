-- 0001_core: the repository's bookkeeping, the ledger, and the core registers.
--
-- Portable SQL for SQLite and PostgreSQL. @ID@ is the driver's integer
-- primary key (SQLite: INTEGER PRIMARY KEY, the rowid; PostgreSQL: BIGINT
-- PRIMARY KEY). Ids are assigned by isms, never by the database, so both
-- backends number records identically. Times are ISO 8601 UTC text, money
-- integer minor units, booleans 0/1 integers.
--
-- Every register table starts with the same six columns:
--   id, key (human key, e.g. RISK-12), version (optimistic concurrency),
--   created_at, updated_at, retired_at (NULL while active).

CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE schema_migration (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

-- The tamper-evident ledger: one row per mutation, hash-chained.
-- `data` is the canonical JSON of the record after the change; `note` is
-- the optional reason the actor gave for it.
CREATE TABLE ledger (
    seq       @ID@,
    ts        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    key       TEXT NOT NULL,
    op        TEXT NOT NULL,
    data      TEXT NOT NULL,
    note      TEXT,
    prev_hash TEXT NOT NULL UNIQUE,
    hash      TEXT NOT NULL UNIQUE
);
CREATE INDEX ledger_by_key ON ledger (key, seq);

CREATE TABLE org (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    name TEXT NOT NULL,
    legal_name TEXT,
    sector TEXT,
    size TEXT,
    employees BIGINT,
    country TEXT,
    nis2_class TEXT,
    dora_entity TEXT,
    currency TEXT,
    risk_matrix INTEGER,
    likelihood_labels TEXT,
    impact_labels TEXT
);

CREATE TABLE person (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    job_title TEXT,
    department TEXT,
    budget_authority BIGINT
);

CREATE TABLE person_role (
    person BIGINT NOT NULL REFERENCES person (id),
    role   TEXT NOT NULL,
    PRIMARY KEY (person, role)
);

CREATE TABLE scope (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    statement TEXT NOT NULL,
    boundaries TEXT,
    exclusions TEXT,
    status TEXT,
    approved_by BIGINT REFERENCES person (id),
    approved_at TEXT
);

CREATE TABLE context (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT,
    description TEXT,
    effect TEXT,
    owner BIGINT REFERENCES person (id),
    review_date TEXT
);

CREATE TABLE stakeholder (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    requirements TEXT,
    addressed_by TEXT,
    relevance TEXT,
    contact TEXT,
    owner BIGINT REFERENCES person (id)
);

CREATE TABLE objective (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    title TEXT NOT NULL,
    description TEXT,
    owner BIGINT NOT NULL REFERENCES person (id),
    value_at_stake BIGINT,
    target TEXT,
    target_date TEXT,
    mission_critical INTEGER,
    status TEXT
);
CREATE INDEX objective_by_owner ON objective (owner);

CREATE TABLE asset (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT,
    owner BIGINT NOT NULL REFERENCES person (id),
    confidentiality TEXT,
    integrity TEXT,
    availability TEXT,
    critical_function INTEGER,
    location TEXT
);
CREATE INDEX asset_by_owner ON asset (owner);

CREATE TABLE asset_dependency (
    asset      BIGINT NOT NULL REFERENCES asset (id),
    depends_on BIGINT NOT NULL REFERENCES asset (id),
    PRIMARY KEY (asset, depends_on)
);
CREATE INDEX asset_dependency_reverse ON asset_dependency (depends_on, asset);

CREATE TABLE threat (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    name TEXT NOT NULL,
    description TEXT,
    category TEXT,
    steward TEXT,
    builtin INTEGER
);

CREATE TABLE risk (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    title TEXT NOT NULL,
    description TEXT,
    owner BIGINT NOT NULL REFERENCES person (id),
    likelihood INTEGER NOT NULL,
    impact INTEGER NOT NULL,
    residual_likelihood INTEGER,
    residual_impact INTEGER,
    treatment TEXT,
    treatment_plan TEXT,
    review_date TEXT
);
CREATE INDEX risk_by_owner ON risk (owner);

CREATE TABLE risk_objective (
    risk      BIGINT NOT NULL REFERENCES risk (id),
    objective BIGINT NOT NULL REFERENCES objective (id),
    PRIMARY KEY (risk, objective)
);
CREATE INDEX risk_objective_reverse ON risk_objective (objective, risk);

CREATE TABLE risk_asset (
    risk  BIGINT NOT NULL REFERENCES risk (id),
    asset BIGINT NOT NULL REFERENCES asset (id),
    PRIMARY KEY (risk, asset)
);
CREATE INDEX risk_asset_reverse ON risk_asset (asset, risk);

CREATE TABLE risk_threat (
    risk   BIGINT NOT NULL REFERENCES risk (id),
    threat BIGINT NOT NULL REFERENCES threat (id),
    PRIMARY KEY (risk, threat)
);
CREATE INDEX risk_threat_reverse ON risk_threat (threat, risk);

CREATE TABLE control (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    title TEXT NOT NULL,
    description TEXT,
    owner BIGINT NOT NULL REFERENCES person (id),
    type TEXT,
    automation TEXT,
    status TEXT NOT NULL,
    cost BIGINT,
    effectiveness TEXT,
    implemented_on TEXT,
    review_date TEXT
);
CREATE INDEX control_by_owner ON control (owner);

CREATE TABLE control_risk (
    control BIGINT NOT NULL REFERENCES control (id),
    risk    BIGINT NOT NULL REFERENCES risk (id),
    PRIMARY KEY (control, risk)
);
CREATE INDEX control_risk_reverse ON control_risk (risk, control);
