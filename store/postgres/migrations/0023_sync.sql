-- 0023: the server's side of koers sync (README, "Off the network and
-- back"; the laptop's side is SQLite's 0023).
--
-- person_changes is the change cursor: every insert, update or delete of a
-- row of a person's file stamps the person with the id of the writing
-- transaction (xid8, which only grows). A laptop pulls, in one
-- REPEATABLE READ snapshot, the people stamped at or after its cursor and
-- then keeps that snapshot's xmin as its next cursor: every transaction
-- below xmin had ended when the snapshot was taken, so no change that
-- commits later can carry a smaller stamp than the cursor.
CREATE TABLE person_changes (
    person_id uuid PRIMARY KEY,
    xid       xid8 NOT NULL
);

CREATE FUNCTION sync_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pid uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        pid := (to_jsonb(OLD) ->> TG_ARGV[0])::uuid;
    ELSE
        pid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
    END IF;
    INSERT INTO person_changes (person_id, xid) VALUES (pid, pg_current_xact_id())
    ON CONFLICT (person_id) DO UPDATE SET xid = excluded.xid WHERE person_changes.xid <> excluded.xid;
    RETURN NULL;
END $$;

CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION sync_touch('id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON person_skills FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON consents FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON credentials FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON guidance_sessions FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT ON session_notes FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON goals FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON actions FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON plans FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON plan_steps FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');
CREATE TRIGGER sync_touch AFTER INSERT OR UPDATE OR DELETE ON plan_funding FOR EACH ROW EXECUTE FUNCTION sync_touch('person_id');

-- A laptop's checkout: who took it, when, and when it came back.
CREATE TABLE sync_checkouts (
    id            uuid PRIMARY KEY,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    checked_in_at timestamptz
);

CREATE TABLE sync_checkout_people (
    checkout_id uuid NOT NULL REFERENCES sync_checkouts(id) ON DELETE CASCADE,
    person_id   uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (checkout_id, person_id)
);

-- Every change a laptop pushed, by its UUIDv7 id: the primary key makes a
-- second push of the same change find the first one's outcome instead of
-- applying it again.
CREATE TABLE sync_applied (
    change_id   uuid PRIMARY KEY,
    checkout_id uuid NOT NULL,
    person_id   uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE, -- an erase takes the conflict copies too
    tbl         text NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('applied', 'refused', 'conflict')),
    reason      text NOT NULL DEFAULT '',
    server_row  text NOT NULL DEFAULT '', -- JSON of the server's row, for a conflict
    server_version bigint NOT NULL DEFAULT 0,
    applied_at  timestamptz NOT NULL
);
