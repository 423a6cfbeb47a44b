-- 0025: erasure requests (issue 15). A counsellor may not erase a person
-- (erase-person is pending for them): they file a request with a reason,
-- which a supervisor of the person's centre approves (the person is then
-- erased, the request with them; the audit log keeps who asked, who
-- approved and when) or declines with a reason (kept on the file).
-- Append-only as the ledger's requests: a decision is a new row, at most
-- one per request (the unique key decides a race between two supervisors);
-- rows go only with their person's erase. The reasons are free text,
-- sealed at rest once encryption is on (store/vault_keys.go).
CREATE TABLE erase_requests (
    id         TEXT PRIMARY KEY,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL CHECK (reason <> ''),
    centre     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE INDEX erase_requests_person ON erase_requests (person_id);

CREATE TABLE erase_decisions (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE REFERENCES erase_requests(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    decision   TEXT NOT NULL CHECK (decision IN ('approved', 'declined')),
    reason     TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL
) STRICT;

-- As the ledger's requests (0024), the transaction of `koers key init` or
-- `koers key rotate` (a row in resealing) may rewrite the sealed reason,
-- and nothing else, ever.
CREATE TRIGGER erase_requests_no_update BEFORE UPDATE ON erase_requests
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.person_id IS NOT OLD.person_id OR NEW.centre IS NOT OLD.centre
    OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN
    SELECT RAISE(ABORT, 'erasure requests are append-only: record a decision instead');
END;
CREATE TRIGGER erase_requests_no_delete BEFORE DELETE ON erase_requests
WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'erasure requests are append-only: record a decision instead');
END;
CREATE TRIGGER erase_decisions_no_update BEFORE UPDATE ON erase_decisions
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.person_id IS NOT OLD.person_id
    OR NEW.decision IS NOT OLD.decision OR NEW.decided_at IS NOT OLD.decided_at OR NEW.decided_by IS NOT OLD.decided_by
BEGIN
    SELECT RAISE(ABORT, 'erasure decisions are append-only');
END;
CREATE TRIGGER erase_decisions_no_delete BEFORE DELETE ON erase_decisions
WHEN NOT EXISTS (SELECT 1 FROM erasing WHERE person_id = OLD.person_id)
BEGIN
    SELECT RAISE(ABORT, 'erasure decisions are append-only');
END;
