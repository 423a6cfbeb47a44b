-- 0024: the free text of the team's records is sealed like notes (issue
-- 14, item 3): the break-glass reason of an audit row, the reason and
-- funder of a ledger entry held for approval, the reason of its decision.
-- These rows are append-only; as for the ledger and notes (0017), the
-- transaction of `koers key init` or `koers key rotate` (a row in
-- resealing) may change the sealed columns, and nothing else, ever.
-- Every statement may run twice (triggers dropped first).
DROP TRIGGER IF EXISTS audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
    OR NEW.person_id IS NOT OLD.person_id OR NEW.action IS NOT OLD.action OR NEW.detail IS NOT OLD.detail
    OR NEW.centre IS NOT OLD.centre OR NEW.session IS NOT OLD.session
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

DROP TRIGGER IF EXISTS ledger_requests_no_update;
CREATE TRIGGER ledger_requests_no_update BEFORE UPDATE ON ledger_requests
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.person_id IS NOT OLD.person_id OR NEW.scheme IS NOT OLD.scheme
    OR NEW.kind IS NOT OLD.kind OR NEW.amount IS NOT OLD.amount OR NEW.idem_key IS NOT OLD.idem_key
    OR NEW.corrects IS NOT OLD.corrects OR NEW.threshold IS NOT OLD.threshold OR NEW.centre IS NOT OLD.centre
    OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN
    SELECT RAISE(ABORT, 'ledger requests are append-only: record a decision instead');
END;

DROP TRIGGER IF EXISTS ledger_decisions_no_update;
CREATE TRIGGER ledger_decisions_no_update BEFORE UPDATE ON ledger_decisions
WHEN NOT EXISTS (SELECT 1 FROM resealing)
    OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.person_id IS NOT OLD.person_id
    OR NEW.decision IS NOT OLD.decision OR NEW.entry_id IS NOT OLD.entry_id
    OR NEW.decided_at IS NOT OLD.decided_at OR NEW.decided_by IS NOT OLD.decided_by
BEGIN
    SELECT RAISE(ABORT, 'ledger decisions are append-only');
END;
