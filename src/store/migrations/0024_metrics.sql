-- 0024_metrics: what the ISMS measures of itself (ISO/IEC 27001 Cl. 9.1;
-- domain/registers/metrics.h).
--
-- A metric names a measure isms computes from the data, its target and
-- threshold, its owner, how often it is measured and for which audience;
-- isms keeps its latest value and state, and when it is next due. Each
-- measurement is a record of its own: the value, what it counted, its
-- state against the target of that moment. No records exist before this
-- version, so the upgrade has nothing to count.
CREATE TABLE metric (
    @RECORD@,
    title TEXT NOT NULL,
    description TEXT,
    owner BIGINT NOT NULL REFERENCES person (id),
    measure TEXT NOT NULL,
    audience TEXT,
    target BIGINT NOT NULL,
    threshold BIGINT,
    frequency TEXT,
    measure_due TEXT,
    last_value BIGINT,
    last_status TEXT,
    last_measured_at TEXT
);

@LINK metric objective@;

-- Its owner sees a measurement falling due on their work (0020).
CREATE INDEX metric_due ON metric (owner, measure_due, id);
@LISTS metric@;

CREATE TABLE measurement (
    @RECORD@,
    metric BIGINT NOT NULL REFERENCES metric (id),
    measured_at TEXT NOT NULL,
    value BIGINT,
    status TEXT,
    target BIGINT,
    threshold BIGINT,
    basis TEXT
);

-- A metric's measurements, newest last: its trend reads the end.
CREATE INDEX measurement_metric ON measurement (metric, id);
@LISTS measurement@;
