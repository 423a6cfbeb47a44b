-- 0017: encryption at rest of personal data (issue 14, item 3).
--
-- Personal columns hold values sealed by package vault (XChaCha20-Poly1305
-- under a data key, bound to table, column and row id) once `koers key
-- init` has run; the register stays in clear. The data key itself is only
-- here wrapped: by a passphrase (Argon2id), a key file or a recovery key,
-- one row a wrap. A database with no wrap is in clear (the demo database).
-- Every statement may run twice (IF NOT EXISTS, triggers dropped first):
-- a file whose user_version was set back re-applies it unharmed.
CREATE TABLE IF NOT EXISTS vault_wraps (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('passphrase', 'keyfile', 'recovery')),
    key_id     TEXT NOT NULL, -- names the data key inside (vault.Box.ID), never the key
    wrap       TEXT NOT NULL, -- vault.Wrap's stored form
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- The blind index of people search: keyed hashes (HMAC-SHA256 under a key
-- derived from the data key) of the prefixes of the folded words of a
-- person's name and e-mail. Empty while the database is in clear.
CREATE TABLE IF NOT EXISTS person_tokens (
    token     TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (token, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_tokens_person ON person_tokens (person_id);

-- One row at most, inside the transaction of `koers key init` or `koers
-- key rotate`: the only time an append-only row may change, and then only
-- its sealed column (the ledger's reason, a note's body).
CREATE TABLE IF NOT EXISTS resealing (
    one INTEGER PRIMARY KEY CHECK (one = 1)
) STRICT;

DROP TRIGGER IF EXISTS ledger_no_update;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entries
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id OR NEW.person_id IS NOT OLD.person_id
    OR NEW.seq IS NOT OLD.seq OR NEW.kind IS NOT OLD.kind OR NEW.amount IS NOT OLD.amount
    OR NEW.d_balance IS NOT OLD.d_balance OR NEW.d_reserved IS NOT OLD.d_reserved
    OR NEW.balance_after IS NOT OLD.balance_after OR NEW.reserved_after IS NOT OLD.reserved_after
    OR NEW.idem_key IS NOT OLD.idem_key OR NEW.ref IS NOT OLD.ref OR NEW.corrects IS NOT OLD.corrects
    OR NEW.funder IS NOT OLD.funder OR NEW.effective IS NOT OLD.effective
    OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry instead');
END;

DROP TRIGGER IF EXISTS notes_no_update;
CREATE TRIGGER notes_no_update BEFORE UPDATE ON session_notes
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id OR NEW.person_id IS NOT OLD.person_id
    OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN
    SELECT RAISE(ABORT, 'session notes are append-only: add a note instead');
END;
