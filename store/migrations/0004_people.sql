-- 0004: people, learning accounts (append-only ledger), earned credentials,
-- guidance sessions, drafts and the audit log.
--
-- Every table that holds a person's data references people(id) ON DELETE
-- CASCADE, so erasing the person (store.ErasePerson) removes every trace.
-- Append-only tables refuse UPDATE and DELETE with triggers whose message
-- contains "append-only"; the only sanctioned deletion is the erase, which
-- names the person in the one-row erasing guard table inside its transaction.

CREATE TABLE people (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL CHECK (name <> ''),
    email              TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL DEFAULT '',
    birth_year         INTEGER NOT NULL DEFAULT 0,
    eqf                INTEGER NOT NULL DEFAULT 0,
    employment         TEXT NOT NULL DEFAULT '',
    current_occupation TEXT NOT NULL DEFAULT '',
    target_occupation  TEXT NOT NULL DEFAULT '',
    availability       TEXT NOT NULL DEFAULT '',
    mobility           TEXT NOT NULL DEFAULT '',
    modes              TEXT NOT NULL DEFAULT '[]', -- JSON array of catalog.Mode
    lawful_basis       TEXT NOT NULL DEFAULT '',
    notice_version     TEXT NOT NULL DEFAULT '',
    notice_shown       TEXT NOT NULL DEFAULT '',
    retain_until       TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL
) STRICT;

CREATE TABLE person_skills (
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    uri        TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    evidence   TEXT NOT NULL CHECK (evidence IN ('self-declared', 'counsellor', 'assessment', 'credential')),
    source_id  TEXT NOT NULL DEFAULT '', -- the credential id for evidence 'credential'
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (person_id, uri, evidence, source_id)
) STRICT;

CREATE TABLE consents (
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('store', 'share', 'research')),
    given      TEXT NOT NULL DEFAULT '',
    withdrawn  TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (person_id, purpose)
) STRICT;

-- Scheme definitions are data; codes are stable (CLI.md).
CREATE TABLE schemes (
    code          TEXT PRIMARY KEY,
    unit          TEXT NOT NULL CHECK (unit IN ('EUR', 'hours', 'days')),
    annual        INTEGER NOT NULL DEFAULT 0, -- yearly accrual, minor units
    share_percent INTEGER NOT NULL DEFAULT 100 CHECK (share_percent BETWEEN 1 AND 100),
    cap           INTEGER NOT NULL DEFAULT 0, -- most paid towards one course, minor units; 0 none
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;

INSERT INTO schemes (code, unit, annual, share_percent, cap, created_at, created_by) VALUES
    ('ila', 'EUR', 0, 100, 0, '2026-01-01T00:00:00.000Z', 'migration'),
    ('leave', 'hours', 7500, 100, 0, '2026-01-01T00:00:00.000Z', 'migration'),
    ('voucher', 'EUR', 0, 50, 12500, '2026-01-01T00:00:00.000Z', 'migration');

CREATE TABLE accounts (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    scheme     TEXT NOT NULL REFERENCES schemes(code),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (person_id, scheme)
) STRICT;

-- The ledger. balance_after and reserved_after are the running totals; the
-- CHECKs keep every scheme at or above zero, the insert trigger verifies the
-- running totals against the previous entry, so no row can claim a balance
-- it does not have.
CREATE TABLE ledger_entries (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    person_id      TEXT NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    kind           TEXT NOT NULL CHECK (kind IN ('accrual', 'top-up', 'reserve', 'spend', 'release', 'expire', 'correct')),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    d_balance      INTEGER NOT NULL,
    d_reserved     INTEGER NOT NULL,
    balance_after  INTEGER NOT NULL,
    reserved_after INTEGER NOT NULL,
    idem_key       TEXT NOT NULL CHECK (idem_key <> ''),
    ref            TEXT NOT NULL DEFAULT '',
    corrects       TEXT REFERENCES ledger_entries(id) ON DELETE CASCADE,
    funder         TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    effective      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    CONSTRAINT insufficient_balance CHECK (balance_after >= 0),
    CONSTRAINT insufficient_reserved CHECK (reserved_after >= 0),
    CONSTRAINT insufficient_available CHECK (balance_after - reserved_after >= 0),
    UNIQUE (account_id, seq),
    UNIQUE (account_id, idem_key)
) STRICT;
CREATE UNIQUE INDEX ledger_corrects ON ledger_entries(corrects) WHERE corrects IS NOT NULL;
CREATE INDEX ledger_ref ON ledger_entries(account_id, ref) WHERE ref <> '';
CREATE INDEX ledger_person ON ledger_entries(person_id);

CREATE TRIGGER ledger_running_totals BEFORE INSERT ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger: entry out of sequence')
    WHERE NEW.seq <> 1 + coalesce((SELECT max(seq) FROM ledger_entries WHERE account_id = NEW.account_id), 0);
    SELECT RAISE(ABORT, 'ledger: insufficient balance for this entry')
    WHERE NEW.balance_after - NEW.reserved_after < 0 OR NEW.balance_after < 0 OR NEW.reserved_after < 0;
    SELECT RAISE(ABORT, 'ledger: running totals do not follow from the previous entry')
    WHERE NEW.balance_after <> NEW.d_balance + coalesce((SELECT balance_after FROM ledger_entries WHERE account_id = NEW.account_id AND seq = NEW.seq - 1), 0)
       OR NEW.reserved_after <> NEW.d_reserved + coalesce((SELECT reserved_after FROM ledger_entries WHERE account_id = NEW.account_id AND seq = NEW.seq - 1), 0);
END;

-- One row at most: the person being erased, inside the erase transaction.
CREATE TABLE erasing (
    one       INTEGER PRIMARY KEY CHECK (one = 1),
    person_id TEXT NOT NULL
) STRICT;

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry instead');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger_entries
WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry instead');
END;

CREATE TABLE credentials (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    issued     TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT 'manual',
    doc        TEXT NOT NULL, -- JSON of sessions.Credential
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX credentials_person ON credentials(person_id);

CREATE TABLE guidance_sessions (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    minutes    INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    channel    TEXT NOT NULL DEFAULT '',
    venue      TEXT NOT NULL DEFAULT '',
    attended   INTEGER NOT NULL DEFAULT 1 CHECK (attended IN (0, 1)),
    reason     TEXT NOT NULL DEFAULT '',
    counsellor TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    next_at    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX guidance_sessions_person ON guidance_sessions(person_id, at);

-- Notes are restricted and append-only: an addition is a new row.
CREATE TABLE session_notes (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX session_notes_session ON session_notes(session_id);
CREATE TRIGGER notes_no_update BEFORE UPDATE ON session_notes
BEGIN
    SELECT RAISE(ABORT, 'session notes are append-only: add a note instead');
END;
CREATE TRIGGER notes_no_delete BEFORE DELETE ON session_notes
WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'session notes are append-only: add a note instead');
END;

CREATE TABLE goals (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    type       TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'achieved', 'dropped')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX goals_person ON goals(person_id);

CREATE TABLE actions (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    type       TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL,
    owner      TEXT NOT NULL DEFAULT '',
    due        TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    offer_id   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;
CREATE INDEX actions_person ON actions(person_id);

-- Drafts of the session screen, saved as the counsellor types.
CREATE TABLE drafts (
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (person_id, kind)
) STRICT;

-- Who viewed, changed or exported which person's file: ids only, never
-- personal data. Kept after an erase (it names no one).
CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    person_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_person ON audit_log(person_id, at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
