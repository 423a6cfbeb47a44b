-- 0023: a laptop that works offline on people checked out from the
-- centre's PostgreSQL (koers sync; README, "Off the network and back").
-- The pattern is the transactional outbox: every change made offline to a
-- checked-out person's file is written, by the triggers below and in the
-- same transaction as the change, as one row of sync_outbox. A change is
-- sealed (given its UUIDv7 id and a frozen copy of the row) before it is
-- first sent, and from then on never changes, so a push repeated after a
-- lost answer is the same change and the server applies it once.
-- The server's side of the same migration (PostgreSQL's 0023) keeps the
-- ids it applied and the change cursor; these tables exist on the laptop only.

-- The checkout this file holds: one row at most.
CREATE TABLE IF NOT EXISTS sync_state (
    one            INTEGER PRIMARY KEY CHECK (one = 1),
    checkout_id    TEXT NOT NULL,
    server         TEXT NOT NULL, -- the URL without its password
    checked_out_at TEXT NOT NULL,
    synced_at      TEXT NOT NULL DEFAULT '',
    cursor         TEXT NOT NULL, -- the server's snapshot xmin (xid8) of the last pull
    created_by     TEXT NOT NULL
) STRICT;

-- The people checked out, and when their copy was last taken.
CREATE TABLE IF NOT EXISTS sync_people (
    person_id TEXT PRIMARY KEY,
    copied_at TEXT NOT NULL
) STRICT;

-- One row while a pull rewrites a person's copy: the outbox triggers stay
-- quiet for what comes from the server.
CREATE TABLE IF NOT EXISTS sync_pulling (
    one INTEGER PRIMARY KEY CHECK (one = 1)
) STRICT;

-- The outbox. An append-only row is one 'insert'; a profile or a plan is
-- an 'update' carrying the version it was edited on (base_version), a
-- plan travelling whole (its row, steps and funding lines); a goal's or
-- action's status carries the status it was changed from (base).
-- seq is the order the changes were made in; change_id and
-- payload are set once, when the change is sealed before its first push.
-- Until then, further edits of the same row fold into the one unsealed
-- change (the partial unique index), keeping the base version of the first.
CREATE TABLE IF NOT EXISTS sync_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id    TEXT UNIQUE,
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    person_id    TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('insert', 'update')),
    base_version INTEGER NOT NULL DEFAULT 0,
    base         TEXT NOT NULL DEFAULT '', -- JSON of the compared fields of a row without a version (a goal's status)
    payload      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS sync_outbox_unsealed ON sync_outbox(tbl, row_id, op) WHERE change_id IS NULL;

-- Changes the server acknowledged, with what it did (check-in verifies
-- every one of them is on the server before the copies are removed).
CREATE TABLE IF NOT EXISTS sync_pushed (
    change_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('applied', 'refused', 'conflict')),
    at        TEXT NOT NULL
) STRICT;

-- An edit made offline to a row that was also changed on the server: both
-- versions, until the counsellor chooses (koers sync resolve).
CREATE TABLE IF NOT EXISTS sync_conflicts (
    id             TEXT PRIMARY KEY, -- the change id
    person_id      TEXT NOT NULL,
    tbl            TEXT NOT NULL,
    row_id         TEXT NOT NULL,
    base_version   INTEGER NOT NULL,
    server_version INTEGER NOT NULL,
    local          TEXT NOT NULL, -- JSON of the laptop's row
    server         TEXT NOT NULL, -- JSON of the server's row
    at             TEXT NOT NULL,
    resolved       TEXT NOT NULL DEFAULT '' CHECK (resolved IN ('', 'mine', 'theirs')),
    resolved_at    TEXT NOT NULL DEFAULT '',
    resolved_by    TEXT NOT NULL DEFAULT ''
) STRICT;

-- A proposed ledger entry the server refused (it would now overdraw), with
-- the reason, shown at the next sync and on the person's sync status.
CREATE TABLE IF NOT EXISTS sync_refusals (
    id        TEXT PRIMARY KEY, -- the change id
    person_id TEXT NOT NULL,
    entry_id  TEXT NOT NULL,
    scheme    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;

CREATE TRIGGER IF NOT EXISTS sync_out_people AFTER UPDATE ON people
WHEN NEW.id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op, base_version) VALUES ('people', NEW.id, NEW.id, 'update', OLD.version)
    ON CONFLICT (tbl, row_id, op) WHERE change_id IS NULL DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS sync_out_ledger AFTER INSERT ON ledger_entries
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('ledger_entries', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_sessions AFTER INSERT ON guidance_sessions
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('guidance_sessions', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_notes AFTER INSERT ON session_notes
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('session_notes', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_goals AFTER INSERT ON goals
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('goals', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_actions AFTER INSERT ON actions
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('actions', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_credentials AFTER INSERT ON credentials
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('credentials', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_audit AFTER INSERT ON audit_log
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('audit_log', NEW.id, NEW.person_id, 'insert');
END;

-- A plan travels whole (its row, steps and funding lines, read when the
-- change is sealed): every save of a plan updates its row first (version+1).
-- An edit of a plan not yet sent folds into that change.
CREATE TRIGGER IF NOT EXISTS sync_out_plans_new AFTER INSERT ON plans
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op) VALUES ('plans', NEW.id, NEW.person_id, 'insert');
END;
CREATE TRIGGER IF NOT EXISTS sync_out_plans AFTER UPDATE ON plans
WHEN NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
    AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = 'plans' AND row_id = NEW.id AND op = 'insert' AND change_id IS NULL)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op, base_version) VALUES ('plans', NEW.id, NEW.person_id, 'update', OLD.version)
    ON CONFLICT (tbl, row_id, op) WHERE change_id IS NULL DO NOTHING;
END;
CREATE TRIGGER IF NOT EXISTS sync_out_goal_status AFTER UPDATE OF status ON goals
WHEN OLD.status <> NEW.status AND NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
    AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = 'goals' AND row_id = NEW.id AND change_id IS NULL)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op, base) VALUES ('goals', NEW.id, NEW.person_id, 'update', json_object('status', OLD.status));
END;
CREATE TRIGGER IF NOT EXISTS sync_out_action_status AFTER UPDATE OF status ON actions
WHEN OLD.status <> NEW.status AND NEW.person_id IN (SELECT person_id FROM sync_people) AND NOT EXISTS (SELECT 1 FROM sync_pulling)
    AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE tbl = 'actions' AND row_id = NEW.id AND change_id IS NULL)
BEGIN
    INSERT INTO sync_outbox (tbl, row_id, person_id, op, base) VALUES ('actions', NEW.id, NEW.person_id, 'update', json_object('status', OLD.status));
END;
