-- 0005: learning plans (as SQLite's 0005). What is reserved is derived from
-- the ledger (entries with ref 'plan-step:STEP-ID'). The planner's index of
-- the register (plan_offer_facts and friends in SQLite) is local to each
-- process and not kept here.
CREATE TABLE plans (
    id               uuid PRIMARY KEY,
    person_id        uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name             text NOT NULL DEFAULT '',
    occupation_uri   text NOT NULL DEFAULT '',
    occupation_label text NOT NULL DEFAULT '',
    stack_target     text NOT NULL DEFAULT '',
    agreed           boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL,
    created_by       text NOT NULL,
    updated_at       timestamptz NOT NULL,
    updated_by       text NOT NULL
);
CREATE INDEX plans_person ON plans (person_id);
CREATE UNIQUE INDEX plans_one_agreed ON plans (person_id) WHERE agreed;

CREATE TABLE plan_steps (
    id         uuid PRIMARY KEY,
    plan_id    uuid NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    kind       text NOT NULL CHECK (kind IN ('offer', 'validation', 'guidance')),
    offer_id   text NOT NULL DEFAULT '',
    title      text NOT NULL,
    status     text NOT NULL CHECK (status IN ('planned', 'applied', 'enrolled', 'in_progress', 'completed', 'dropped')),
    start      date,
    end_date   date,
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    -- Deferred: a reorder writes every position in one transaction.
    UNIQUE (plan_id, position) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX plan_steps_person ON plan_steps (person_id);

CREATE TABLE plan_funding (
    step_id   uuid NOT NULL REFERENCES plan_steps(id) ON DELETE CASCADE,
    person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    scheme    text NOT NULL REFERENCES schemes(code),
    amount    bigint NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (step_id, scheme)
);
CREATE INDEX plan_funding_person ON plan_funding (person_id);
