-- 0015: what a suggestion needs to fit the person besides their region
-- (people.region, 0011): the languages they can learn in and the hours a
-- week they can give. mobility (0004) now holds one of online, province,
-- neighbours, anywhere (older free text reads as not stated).
ALTER TABLE people ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE people ADD COLUMN hours_per_week REAL NOT NULL DEFAULT 0;
