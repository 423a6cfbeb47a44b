-- 0011: what a suggestion needs to fit the person: the home region (a NUTS
-- code, from a name or a postcode), the languages they can learn in, and
-- the hours a week they can give. mobility (0004) now holds one of
-- online, province, neighbours, anywhere (older free text reads as not
-- stated).
ALTER TABLE people ADD COLUMN home_region TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE people ADD COLUMN hours_per_week REAL NOT NULL DEFAULT 0;
