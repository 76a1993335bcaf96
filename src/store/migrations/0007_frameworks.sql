-- 0007_frameworks: frameworks over the one control set (issue 18).
--
-- framework and requirement hold the catalogues (built in: ISO/IEC 27001,
-- NIST CSF 2.0 and SP 800-53, NIS2 and its implementing regulation, DORA
-- and its RTS, SOC 2, ISO/IEC 42001, the ISMS pattern's key control areas;
-- and the organisation's own); mapping maps a control or a requirement
-- onto a requirement with a NIST IR 8477 relationship; soa and
-- applicability are the Statement of Applicability per framework.
--
-- Records carry ledger entries, which SQL cannot write: isms adds the
-- built-in frameworks and their requirements when it creates a repository
-- or upgrades one to this version, in the same transaction, each with its
-- entry (src/domain/registers/framework_seed.c). The built-in crosswalks
-- between frameworks are compiled into isms (framework_data.c), not rows.
--
-- The RECORD and LINK placeholders are shorthand that isms writes out as
-- this file once spelt them (src/store/store.c; tests/store/test_migrations.c
-- holds a new repository's schema to the old text).

CREATE TABLE framework (
    @RECORD@,
    name TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    edition TEXT,
    publisher TEXT,
    licence TEXT,
    source TEXT,
    builtin INTEGER
);

CREATE TABLE requirement (
    @RECORD@,
    framework BIGINT NOT NULL REFERENCES framework (id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    parent TEXT,
    level TEXT,
    statement TEXT,
    assessable INTEGER,
    withdrawn INTEGER,
    builtin INTEGER,
    UNIQUE (framework, code)
);

CREATE TABLE requirement_baseline (
    requirement BIGINT NOT NULL REFERENCES requirement (id),
    baseline    TEXT NOT NULL,
    PRIMARY KEY (requirement, baseline)
);
CREATE INDEX requirement_baseline_reverse ON requirement_baseline (baseline, requirement);

CREATE TABLE mapping (
    @RECORD@,
    control BIGINT REFERENCES control (id),
    source BIGINT REFERENCES requirement (id),
    target BIGINT NOT NULL REFERENCES requirement (id),
    relationship TEXT NOT NULL,
    strength INTEGER,
    rationale TEXT
);
CREATE INDEX mapping_by_control ON mapping (control);
CREATE INDEX mapping_by_source ON mapping (source);
CREATE INDEX mapping_by_target ON mapping (target);

CREATE TABLE soa (
    @RECORD@,
    framework BIGINT NOT NULL REFERENCES framework (id),
    title TEXT,
    profile TEXT,
    tier INTEGER,
    series TEXT,
    notes TEXT,
    status TEXT,
    approved_by BIGINT REFERENCES person (id),
    approved_at TEXT
);
CREATE INDEX soa_by_framework ON soa (framework);
CREATE INDEX soa_by_series ON soa (series);

CREATE TABLE applicability (
    @RECORD@,
    soa BIGINT NOT NULL REFERENCES soa (id),
    requirement BIGINT NOT NULL REFERENCES requirement (id),
    applicable INTEGER,
    justification TEXT,
    implementation TEXT
);
CREATE INDEX applicability_by_soa ON applicability (soa);
CREATE INDEX applicability_by_requirement ON applicability (requirement);

@LINK applicability control@;

@LINK applicability risk@;
