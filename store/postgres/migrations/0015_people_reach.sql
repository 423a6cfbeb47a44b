-- 0015: the languages a person can learn in and the hours a week they
-- can give (as store/migrations/0015_people_reach.sql).
ALTER TABLE people ADD COLUMN languages jsonb NOT NULL DEFAULT '[]'; -- array of ISO 639-1 codes
ALTER TABLE people ADD COLUMN hours_per_week double precision NOT NULL DEFAULT 0;
