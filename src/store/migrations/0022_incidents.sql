-- 0022_incidents: the incident register (domain/registers/incidents.h).
--
-- An information security incident (ISO/IEC 27001 A.5.24 to A.5.28): when
-- it was detected, the risks of the register it realised, the assets it
-- affected, the controls that failed, the loss it caused, its reports to
-- the authorities under NIS2 Art. 23, DORA Art. 19 and GDPR Art. 33, and
-- the deadline of the next one owed (report_due, which isms works out),
-- the lessons learnt. Open, contained, resolved by its owner, closed by
-- the ISMS lead once no report is owed.
--
-- The upgrade to this version counts the dashboard's kept figures again
-- from the records (domain/engine/dom.c), as the one to 0021 did.
CREATE TABLE incident (
    @RECORD@,
    title TEXT NOT NULL,
    description TEXT,
    severity TEXT,
    detected_at TEXT NOT NULL,
    occurred_at TEXT,
    owner BIGINT NOT NULL REFERENCES person (id),
    initial_report_at TEXT,
    intermediate_report_at TEXT,
    final_report_at TEXT,
    report_due TEXT,
    loss BIGINT,
    lessons TEXT,
    status TEXT,
    contained_at TEXT,
    resolved_at TEXT,
    closed_by BIGINT REFERENCES person (id),
    closed_at TEXT
);

CREATE TABLE incident_regime (
    incident BIGINT NOT NULL REFERENCES incident (id),
    regime   TEXT NOT NULL,
    PRIMARY KEY (incident, regime)
);
CREATE INDEX incident_regime_reverse ON incident_regime (regime, incident);

@LINK incident risk@;
@LINK incident asset@;
@LINK incident control@;

-- Its owner sees a report falling due on their work (0020); the dashboard
-- finds the reports late and due soon from the front of the second.
CREATE INDEX incident_due ON incident (owner, report_due, id);
CREATE INDEX incident_report_due ON incident (report_due, id);
@LISTS incident@;
