-- 0019: a centre's team (as store/migrations/0019_team_caseloads_centres.sql):
-- the responsible counsellor, centres and their approval thresholds, ledger
-- entries held for approval, and the audit log's centre, session and
-- break-glass reason. The counsellor accounts still live in the serving
-- process's SQLite database (0014), so their regional role and centres are
-- SQLite's part of this migration only.
ALTER TABLE people ADD COLUMN counsellor text NOT NULL DEFAULT '';
CREATE INDEX people_counsellor ON people (counsellor);

ALTER TABLE audit_log ADD COLUMN centre text NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN session text NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN reason text NOT NULL DEFAULT '';
CREATE INDEX audit_actor ON audit_log (actor, at);

CREATE TABLE centres (
    code       text PRIMARY KEY CHECK (code <> '' AND length(code) <= 100),
    name       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

CREATE TABLE centre_thresholds (
    centre     text NOT NULL REFERENCES centres(code),
    scheme     text NOT NULL REFERENCES schemes(code),
    amount     bigint NOT NULL CHECK (amount >= 0),
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (centre, scheme)
);

CREATE TABLE ledger_requests (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    scheme     text NOT NULL REFERENCES schemes(code),
    kind       text NOT NULL CHECK (kind IN ('top-up', 'correct')),
    amount     bigint NOT NULL CHECK (amount > 0),
    idem_key   text NOT NULL CHECK (idem_key <> ''),
    funder     text NOT NULL DEFAULT '',
    reason     text NOT NULL DEFAULT '',
    corrects   text NOT NULL DEFAULT '',
    threshold  bigint NOT NULL,
    centre     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    UNIQUE (person_id, scheme, idem_key)
);
CREATE INDEX ledger_requests_person ON ledger_requests (person_id);

CREATE TABLE ledger_decisions (
    id         uuid PRIMARY KEY,
    request_id uuid NOT NULL UNIQUE REFERENCES ledger_requests(id) ON DELETE CASCADE,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    decision   text NOT NULL CHECK (decision IN ('approved', 'rejected')),
    reason     text NOT NULL DEFAULT '',
    entry_id   text NOT NULL DEFAULT '',
    decided_at timestamptz NOT NULL,
    decided_by text NOT NULL
);

CREATE TRIGGER ledger_requests_append_only BEFORE UPDATE OR DELETE ON ledger_requests
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable');
CREATE TRIGGER ledger_requests_no_truncate BEFORE TRUNCATE ON ledger_requests
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');
CREATE TRIGGER ledger_decisions_append_only BEFORE UPDATE OR DELETE ON ledger_decisions
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable');
CREATE TRIGGER ledger_decisions_no_truncate BEFORE TRUNCATE ON ledger_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');
