-- 0025: erasure requests (issue 15), as SQLite's 0025 with PostgreSQL's
-- types: a counsellor's request that a supervisor erase a person, and the
-- supervisor's decision (at most one per request: the unique key decides
-- a race). Append-only; rows go only with their person's erase.
CREATE TABLE erase_requests (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reason     text NOT NULL CHECK (reason <> ''),
    centre     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);
CREATE INDEX erase_requests_person ON erase_requests (person_id);

CREATE TABLE erase_decisions (
    id         uuid PRIMARY KEY,
    request_id uuid NOT NULL UNIQUE REFERENCES erase_requests(id) ON DELETE CASCADE,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    decision   text NOT NULL CHECK (decision IN ('approved', 'declined')),
    reason     text NOT NULL DEFAULT '',
    decided_at timestamptz NOT NULL,
    decided_by text NOT NULL
);

CREATE TRIGGER erase_requests_append_only BEFORE UPDATE OR DELETE ON erase_requests
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable', 'reason');
CREATE TRIGGER erase_requests_no_truncate BEFORE TRUNCATE ON erase_requests
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');
CREATE TRIGGER erase_decisions_append_only BEFORE UPDATE OR DELETE ON erase_decisions
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable', 'reason');
CREATE TRIGGER erase_decisions_no_truncate BEFORE TRUNCATE ON erase_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');
