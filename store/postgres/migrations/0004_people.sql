-- 0004: people, learning accounts (append-only ledger), earned
-- credentials, guidance sessions, drafts and the audit log, as SQLite's
-- 0004 with PostgreSQL's types: uuid ids (UUIDv7, made by koers),
-- timestamptz, date for civil dates (NULL when unknown), bigint minor units.
--
-- Every table that holds a person's data references people(id) ON DELETE
-- CASCADE, so erasing the person removes every trace; append-only tables
-- let that cascade through only for the person the erase names (0001).

CREATE TABLE people (
    id                 uuid PRIMARY KEY,
    name               text NOT NULL CHECK (name <> ''),
    email              text NOT NULL DEFAULT '',
    phone              text NOT NULL DEFAULT '',
    language           text NOT NULL DEFAULT '',
    birth_year         integer NOT NULL DEFAULT 0,
    eqf                integer NOT NULL DEFAULT 0,
    employment         text NOT NULL DEFAULT '',
    current_occupation text NOT NULL DEFAULT '',
    target_occupation  text NOT NULL DEFAULT '',
    availability       text NOT NULL DEFAULT '',
    mobility           text NOT NULL DEFAULT '',
    modes              jsonb NOT NULL DEFAULT '[]', -- array of catalog.Mode
    lawful_basis       text NOT NULL DEFAULT '',
    notice_version     text NOT NULL DEFAULT '',
    notice_shown       date,
    retain_until       date,
    created_at         timestamptz NOT NULL,
    created_by         text NOT NULL,
    updated_at         timestamptz NOT NULL,
    updated_by         text NOT NULL
);

CREATE TABLE person_skills (
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    uri        text NOT NULL,
    label      text NOT NULL DEFAULT '',
    evidence   text NOT NULL CHECK (evidence IN ('self-declared', 'counsellor', 'assessment', 'credential')),
    source_id  text NOT NULL DEFAULT '', -- the credential id for evidence 'credential'
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    PRIMARY KEY (person_id, uri, evidence, source_id)
);

CREATE TABLE consents (
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('store', 'share', 'research')),
    given      date,
    withdrawn  date,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (person_id, purpose)
);

CREATE TABLE schemes (
    code          text PRIMARY KEY,
    unit          text NOT NULL CHECK (unit IN ('EUR', 'hours', 'days')),
    annual        bigint NOT NULL DEFAULT 0,
    share_percent integer NOT NULL DEFAULT 100 CHECK (share_percent BETWEEN 1 AND 100),
    cap           bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL
);

INSERT INTO schemes (code, unit, annual, share_percent, cap, created_at, created_by) VALUES
    ('ila', 'EUR', 0, 100, 0, '2026-01-01T00:00:00Z', 'migration'),
    ('leave', 'hours', 7500, 100, 0, '2026-01-01T00:00:00Z', 'migration'),
    ('voucher', 'EUR', 0, 50, 12500, '2026-01-01T00:00:00Z', 'migration');

-- An account row is what concurrent posts lock (SELECT … FOR UPDATE), so
-- entries of one account are appended one at a time.
CREATE TABLE accounts (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    scheme     text NOT NULL REFERENCES schemes(code),
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    UNIQUE (person_id, scheme)
);

CREATE TABLE ledger_entries (
    id             uuid PRIMARY KEY,
    account_id     uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    person_id      uuid NOT NULL,
    seq            bigint NOT NULL CHECK (seq >= 1),
    kind           text NOT NULL CHECK (kind IN ('accrual', 'top-up', 'reserve', 'spend', 'release', 'expire', 'correct')),
    amount         bigint NOT NULL CHECK (amount > 0),
    d_balance      bigint NOT NULL,
    d_reserved     bigint NOT NULL,
    balance_after  bigint NOT NULL,
    reserved_after bigint NOT NULL,
    idem_key       text NOT NULL CHECK (idem_key <> ''),
    ref            text NOT NULL DEFAULT '',
    corrects       uuid REFERENCES ledger_entries(id) ON DELETE CASCADE,
    funder         text NOT NULL DEFAULT '',
    reason         text NOT NULL DEFAULT '',
    effective      timestamptz NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     text NOT NULL,
    CONSTRAINT insufficient_balance CHECK (balance_after >= 0),
    CONSTRAINT insufficient_reserved CHECK (reserved_after >= 0),
    CONSTRAINT insufficient_available CHECK (balance_after - reserved_after >= 0),
    UNIQUE (account_id, seq),
    UNIQUE (account_id, idem_key)
);
CREATE UNIQUE INDEX ledger_corrects ON ledger_entries (corrects) WHERE corrects IS NOT NULL;
CREATE INDEX ledger_ref ON ledger_entries (account_id, ref) WHERE ref <> '';
CREATE INDEX ledger_person ON ledger_entries (person_id);

-- The running totals must follow from the previous entry and stay at or
-- above zero, whoever writes: KO002 insufficient, KO003 out of sequence,
-- KO004 forged totals. Two writers that went around the account lock
-- collide on UNIQUE (account_id, seq).
CREATE FUNCTION ledger_running_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev_seq bigint;
    prev_balance bigint;
    prev_reserved bigint;
BEGIN
    SELECT seq, balance_after, reserved_after INTO prev_seq, prev_balance, prev_reserved
      FROM ledger_entries WHERE account_id = NEW.account_id ORDER BY seq DESC LIMIT 1;
    IF NEW.seq <> coalesce(prev_seq, 0) + 1 THEN
        RAISE EXCEPTION 'ledger: entry out of sequence' USING ERRCODE = 'KO003';
    END IF;
    IF NEW.balance_after < 0 OR NEW.reserved_after < 0 OR NEW.balance_after - NEW.reserved_after < 0 THEN
        RAISE EXCEPTION 'ledger: insufficient balance for this entry' USING ERRCODE = 'KO002';
    END IF;
    IF NEW.balance_after <> NEW.d_balance + coalesce(prev_balance, 0)
       OR NEW.reserved_after <> NEW.d_reserved + coalesce(prev_reserved, 0) THEN
        RAISE EXCEPTION 'ledger: running totals do not follow from the previous entry' USING ERRCODE = 'KO004';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER ledger_running_totals BEFORE INSERT ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_running_totals();
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable');
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');

CREATE TABLE credentials (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    title      text NOT NULL,
    issued     date,
    source     text NOT NULL DEFAULT 'manual',
    doc        jsonb NOT NULL, -- sessions.Credential
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);
CREATE INDEX credentials_person ON credentials (person_id);

CREATE TABLE guidance_sessions (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    at         timestamptz NOT NULL,
    minutes    integer NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    channel    text NOT NULL DEFAULT '',
    venue      text NOT NULL DEFAULT '',
    attended   boolean NOT NULL DEFAULT true,
    reason     text NOT NULL DEFAULT '',
    counsellor text NOT NULL,
    summary    text NOT NULL DEFAULT '',
    next_at    timestamptz,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);
CREATE INDEX guidance_sessions_person ON guidance_sessions (person_id, at);

CREATE TABLE session_notes (
    id         uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    person_id  uuid NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);
CREATE INDEX session_notes_session ON session_notes (session_id);
CREATE TRIGGER notes_append_only BEFORE UPDATE OR DELETE ON session_notes
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable');
CREATE TRIGGER notes_no_truncate BEFORE TRUNCATE ON session_notes
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');

CREATE TABLE goals (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    type       text NOT NULL DEFAULT '',
    summary    text NOT NULL,
    target     date,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'achieved', 'dropped')),
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);
CREATE INDEX goals_person ON goals (person_id);

CREATE TABLE actions (
    id         uuid PRIMARY KEY,
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES guidance_sessions(id) ON DELETE CASCADE,
    type       text NOT NULL DEFAULT '',
    summary    text NOT NULL,
    owner      text NOT NULL DEFAULT '',
    due        date,
    status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    offer_id   text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);
CREATE INDEX actions_person ON actions (person_id);

CREATE TABLE drafts (
    person_id  uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind       text NOT NULL,
    body       text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (person_id, kind)
);

-- Ids only, never personal data; kept after an erase, never deleted.
CREATE TABLE audit_log (
    id        uuid PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    person_id uuid NOT NULL,
    action    text NOT NULL,
    detail    text NOT NULL DEFAULT ''
);
CREATE INDEX audit_person ON audit_log (person_id, at);
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('never');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION koers_append_only('never');
