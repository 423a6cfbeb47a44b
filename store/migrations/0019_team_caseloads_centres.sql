-- 0019: a centre's team (issue 15.4, 16.4, 15.5): the counsellor responsible
-- for each person (the caseload), the centres people, accounts and audit
-- rows belong to, the approval threshold each centre sets per scheme,
-- ledger entries held for a supervisor's approval, and the audit log's
-- session and break-glass reason.
--
-- people.counsellor is the account name of the responsible counsellor (''
-- on a single laptop, where the local user is the counsellor of everyone).
ALTER TABLE people ADD COLUMN counsellor TEXT NOT NULL DEFAULT '';
CREATE INDEX people_counsellor ON people (counsellor);

-- Who looked from which centre and server session, and why when the person
-- was not on their caseload (the break-glass reason, free text).
ALTER TABLE audit_log ADD COLUMN centre TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN session TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_actor ON audit_log (actor, at);

CREATE TABLE centres (
    code       TEXT PRIMARY KEY CHECK (code <> '' AND length(code) <= 100),
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

-- A top-up or correction above amount (the scheme's minor units) posted by
-- a counsellor waits for a supervisor of the centre.
CREATE TABLE centre_thresholds (
    centre     TEXT NOT NULL REFERENCES centres(code),
    scheme     TEXT NOT NULL REFERENCES schemes(code),
    amount     INTEGER NOT NULL CHECK (amount >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (centre, scheme)
) STRICT;

-- Entries held for approval: visible, not in the ledger (so not counted)
-- until a decision approves them; the approval posts the entry with the
-- request's idempotency key. Requests and decisions are append-only: a
-- decision is a new row, at most one per request.
CREATE TABLE ledger_requests (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    scheme     TEXT NOT NULL REFERENCES schemes(code),
    kind       TEXT NOT NULL CHECK (kind IN ('top-up', 'correct')),
    amount     INTEGER NOT NULL CHECK (amount > 0),
    idem_key   TEXT NOT NULL CHECK (idem_key <> ''),
    funder     TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    corrects   TEXT NOT NULL DEFAULT '',
    threshold  INTEGER NOT NULL,
    centre     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (person_id, scheme, idem_key)
) STRICT;
CREATE INDEX ledger_requests_person ON ledger_requests (person_id);

CREATE TABLE ledger_decisions (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE REFERENCES ledger_requests(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    decision   TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    reason     TEXT NOT NULL DEFAULT '',
    entry_id   TEXT NOT NULL DEFAULT '', -- the ledger entry an approval posted
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL
) STRICT;

CREATE TRIGGER ledger_requests_no_update BEFORE UPDATE ON ledger_requests
BEGIN
    SELECT RAISE(ABORT, 'ledger requests are append-only: record a decision instead');
END;
CREATE TRIGGER ledger_requests_no_delete BEFORE DELETE ON ledger_requests
WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger requests are append-only: record a decision instead');
END;
CREATE TRIGGER ledger_decisions_no_update BEFORE UPDATE ON ledger_decisions
BEGIN
    SELECT RAISE(ABORT, 'ledger decisions are append-only');
END;
CREATE TRIGGER ledger_decisions_no_delete BEFORE DELETE ON ledger_decisions
WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger decisions are append-only');
END;

-- Accounts: the regional role (several centres) and the centres an account
-- belongs to (a JSON array of codes; the first is its home centre). SQLite
-- cannot change a CHECK in place, so the two account tables are rebuilt,
-- keys first (they reference the accounts), and renamed back.
CREATE TABLE counsellors_new (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    role       TEXT NOT NULL CHECK (role IN ('counsellor', 'supervisor', 'regional', 'admin', 'auditor')),
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    language   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    centres    TEXT NOT NULL DEFAULT '[]'
) STRICT;
INSERT INTO counsellors_new (id, name, role, disabled, language, created_at, created_by, updated_at, updated_by)
    SELECT id, name, role, disabled, language, created_at, created_by, updated_at, updated_by FROM counsellors;
CREATE TABLE counsellor_keys_new (
    id            TEXT PRIMARY KEY,
    counsellor_id TEXT NOT NULL REFERENCES counsellors_new(id),
    fingerprint   TEXT NOT NULL UNIQUE,
    public_key    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;
INSERT INTO counsellor_keys_new SELECT id, counsellor_id, fingerprint, public_key, created_at, created_by FROM counsellor_keys;
DROP TABLE counsellor_keys;
DROP TABLE counsellors;
ALTER TABLE counsellors_new RENAME TO counsellors;
ALTER TABLE counsellor_keys_new RENAME TO counsellor_keys;
CREATE INDEX counsellor_keys_by_account ON counsellor_keys (counsellor_id);
