-- 0011: what a suggestion needs to fit the person: the home region (a NUTS
-- code), the languages they can learn in, and the hours a week they can
-- give (as store/migrations/0011_people_reach.sql).
ALTER TABLE people ADD COLUMN home_region text NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN languages jsonb NOT NULL DEFAULT '[]'; -- array of ISO 639-1 codes
ALTER TABLE people ADD COLUMN hours_per_week double precision NOT NULL DEFAULT 0;
