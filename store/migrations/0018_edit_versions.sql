-- 0018: optimistic versions on the records two counsellors may edit at
-- the same time (koers serve): a profile and a plan count their saves, and
-- an edit made on an older version is refused instead of undoing the other
-- counsellor's change. Existing rows start at version 1.
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
