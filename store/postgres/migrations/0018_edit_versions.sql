-- 0018: optimistic versions on profiles and plans (as
-- store/migrations/0018_edit_versions.sql): each save adds one, and an
-- edit made on an older version is refused.
ALTER TABLE people ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN version bigint NOT NULL DEFAULT 1;
