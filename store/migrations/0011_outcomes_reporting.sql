-- 0011: follow-up outcomes and what reports group people by.
--
-- people gains the groups the Council Recommendation on learning accounts
-- asks monitoring by and the person record lacked: gender (only where the
-- person chose to state it), region (NUTS code of residence) and centre
-- (the guidance centre whose caseload the person is on). Education level
-- (eqf) and employment status were already there.
ALTER TABLE people ADD COLUMN gender TEXT NOT NULL DEFAULT ''
    CHECK (gender IN ('', 'female', 'male', 'other'));
ALTER TABLE people ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN centre TEXT NOT NULL DEFAULT '';
CREATE INDEX people_centre ON people (centre, region);

-- What happened to a plan step, dated: enrolled, completed or dropped out
-- (with a reason), and the earned credential a completion led to. The
-- step's current status stays in plan_steps.status (moved by the same
-- transaction); this table keeps when and why, one row per event.
CREATE TABLE step_outcomes (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    plan_id       TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    step_id       TEXT NOT NULL REFERENCES plan_steps(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('enrolled', 'completed', 'dropped')),
    on_date       TEXT NOT NULL CHECK (on_date <> ''),
    reason        TEXT NOT NULL DEFAULT '',
    credential_id TEXT REFERENCES credentials(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (step_id, status)
) STRICT;
CREATE INDEX step_outcomes_person ON step_outcomes (person_id);

-- The employment situation 6 or 12 months after a plan, recorded in a
-- follow-up guidance session, with where the answer came from.
CREATE TABLE employment_outcomes (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    plan_id    TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    months     INTEGER NOT NULL CHECK (months IN (6, 12)),
    situation  TEXT NOT NULL CHECK (situation IN ('employed', 'self-employed', 'unemployed', 'student', 'inactive')),
    source     TEXT NOT NULL CHECK (source IN ('self-reported', 'administrative')),
    on_date    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (plan_id, months)
) STRICT;
CREATE INDEX employment_outcomes_person ON employment_outcomes (person_id);

-- Report runs are audited in audit_log (person_id '', action 'report'):
-- the parameters only, never a figure.
