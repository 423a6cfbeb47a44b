-- 0011: follow-up outcomes and what reports group people by, as SQLite's
-- 0011 with PostgreSQL's types (uuid ids, date for civil dates,
-- timestamptz). The PostgreSQL store does not read or write these yet
-- (`koers outcome` and `koers report` run on SQLite); the tables exist so
-- both engines keep one logical schema.
ALTER TABLE people ADD COLUMN gender text NOT NULL DEFAULT ''
    CHECK (gender IN ('', 'female', 'male', 'other'));
ALTER TABLE people ADD COLUMN region text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN centre text NOT NULL DEFAULT '';
CREATE INDEX people_centre ON people (centre, region);

CREATE TABLE step_outcomes (
    id            uuid PRIMARY KEY,
    person_id     uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    plan_id       uuid NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    step_id       uuid NOT NULL REFERENCES plan_steps(id) ON DELETE CASCADE,
    status        text NOT NULL CHECK (status IN ('enrolled', 'completed', 'dropped')),
    on_date       date NOT NULL,
    reason        text NOT NULL DEFAULT '',
    credential_id uuid REFERENCES credentials(id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    UNIQUE (step_id, status)
);
CREATE INDEX step_outcomes_person ON step_outcomes (person_id);

CREATE TABLE employment_outcomes (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    plan_id    uuid NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    months     integer NOT NULL CHECK (months IN (6, 12)),
    situation  text NOT NULL CHECK (situation IN ('employed', 'self-employed', 'unemployed', 'student', 'inactive')),
    source     text NOT NULL CHECK (source IN ('self-reported', 'administrative')),
    on_date    date NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    UNIQUE (plan_id, months)
);
CREATE INDEX employment_outcomes_person ON employment_outcomes (person_id);
