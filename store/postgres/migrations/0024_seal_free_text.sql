-- 0024: sealing on PostgreSQL (issue 14, item 3; as SQLite's 0017 and
-- 0024). The append-only tables whose rows hold sealed free text — the
-- ledger's reason, a note's body, an audit row's break-glass reason, the
-- reason and funder of a held ledger entry, a decision's reason — may have
-- those columns, and only those, rewritten by the transaction of `koers
-- key init` or `koers key rotate`, which names itself in the
-- transaction-local setting koers.resealing. The trigger's arguments after
-- the first are the sealed columns: every other column must stay as it
-- was. Any other UPDATE is refused as before (SQLSTATE KO001).
CREATE OR REPLACE FUNCTION koers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'erasable' THEN
        IF current_setting('koers.erasing', true) = OLD.person_id::text THEN
            RETURN OLD;
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND TG_NARGS > 1 AND current_setting('koers.resealing', true) = 'on' THEN
        IF (to_jsonb(NEW) - TG_ARGV[1:TG_NARGS-1]) = (to_jsonb(OLD) - TG_ARGV[1:TG_NARGS-1]) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: add a new row instead', TG_TABLE_NAME USING ERRCODE = 'KO001';
END
$$;

DROP TRIGGER ledger_append_only ON ledger_entries;
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable', 'reason');
DROP TRIGGER notes_append_only ON session_notes;
CREATE TRIGGER notes_append_only BEFORE UPDATE OR DELETE ON session_notes
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable', 'body');
DROP TRIGGER audit_append_only ON audit_log;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('never', 'reason');
DROP TRIGGER ledger_requests_append_only ON ledger_requests;
CREATE TRIGGER ledger_requests_append_only BEFORE UPDATE OR DELETE ON ledger_requests
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable', 'reason', 'funder');
DROP TRIGGER ledger_decisions_append_only ON ledger_decisions;
CREATE TRIGGER ledger_decisions_append_only BEFORE UPDATE OR DELETE ON ledger_decisions
    FOR EACH ROW EXECUTE FUNCTION koers_append_only('erasable', 'reason');

-- A credential's document is sealed whole, as on SQLite: its column holds
-- text (the JSON in clear, or its sealed form), no longer jsonb.
ALTER TABLE credentials ALTER COLUMN doc TYPE text USING doc::text;
