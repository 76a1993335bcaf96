-- 0021_governance: management reviews and the decision register
-- (domain/registers/governance.h).
--
-- A management review (ISO/IEC 27001 Cl. 9.3): the inputs isms assembles
-- for it from the data (isms review inputs), its minutes, who attended, its
-- approval by the management body. A decision: what the management body
-- and its committees decide, or are asked to: the risks, objectives and
-- quantified analysis it rests on, the controls it funds or directs, the
-- money it allocates, who carries it out and by when, the review that
-- takes it. Proposed, then decided by a member of the management body
-- (four eyes) and frozen, then carried out by its owner.
--
-- The upgrade to this version counts the dashboard's kept figures again
-- from the records (domain/engine/dom.c): it brings figures they did not
-- keep (each risk owner's risks, the controls tied to no risk, the
-- decisions), so that the dashboard can say whether risk information
-- drives decisions.
CREATE TABLE review (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    title TEXT NOT NULL,
    body TEXT,
    held_on TEXT NOT NULL,
    owner BIGINT NOT NULL REFERENCES person (id),
    minutes TEXT,
    inputs TEXT,
    inputs_at TEXT,
    status TEXT,
    approved_by BIGINT REFERENCES person (id),
    approved_at TEXT
);

CREATE TABLE review_attendee (
    review BIGINT NOT NULL REFERENCES review (id),
    person BIGINT NOT NULL REFERENCES person (id),
    PRIMARY KEY (review, person)
);
CREATE INDEX review_attendee_reverse ON review_attendee (person, review);

CREATE TABLE decision (
    id @ID@, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, retired_at TEXT,
    title TEXT NOT NULL,
    body TEXT,
    kind TEXT,
    proposal TEXT NOT NULL,
    outcome TEXT,
    meeting TEXT,
    review BIGINT REFERENCES review (id),
    analysis BIGINT REFERENCES analysis (id),
    amount BIGINT,
    owner BIGINT NOT NULL REFERENCES person (id),
    due_date TEXT,
    status TEXT,
    decided_by BIGINT REFERENCES person (id),
    decided_at TEXT,
    carried_out_at TEXT
);

CREATE TABLE decision_risk (
    decision BIGINT NOT NULL REFERENCES decision (id),
    risk     BIGINT NOT NULL REFERENCES risk (id),
    PRIMARY KEY (decision, risk)
);
CREATE INDEX decision_risk_reverse ON decision_risk (risk, decision);

CREATE TABLE decision_objective (
    decision  BIGINT NOT NULL REFERENCES decision (id),
    objective BIGINT NOT NULL REFERENCES objective (id),
    PRIMARY KEY (decision, objective)
);
CREATE INDEX decision_objective_reverse ON decision_objective (objective, decision);

CREATE TABLE decision_control (
    decision BIGINT NOT NULL REFERENCES decision (id),
    control  BIGINT NOT NULL REFERENCES control (id),
    PRIMARY KEY (decision, control)
);
CREATE INDEX decision_control_reverse ON decision_control (control, decision);

-- A decision's owner sees it on their work when it falls due (0020).
CREATE INDEX decision_due ON decision (owner, due_date, id);
@LISTS review@;
@LISTS decision@;
