-- 0001: base. Key/value facts about this database (as SQLite's 0001).
-- The schema version itself is the koers_schema table, which the migrator
-- creates before it applies any migration.
CREATE TABLE meta (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

-- Append-only tables refuse UPDATE, DELETE and TRUNCATE. The one sanctioned
-- deletion is erasing a person: the erase transaction names the person in
-- the transaction-local setting koers.erasing, and rows of that person of a
-- table whose trigger says 'erasable' may go (by the ON DELETE CASCADE from
-- people). SQLSTATE KO001 is koers's "append-only" code.
CREATE FUNCTION koers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'erasable' THEN
        IF current_setting('koers.erasing', true) = OLD.person_id::text THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: add a new row instead', TG_TABLE_NAME USING ERRCODE = 'KO001';
END
$$;
