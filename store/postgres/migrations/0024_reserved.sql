-- 0024: reserved for another branch's migration (merge note: this placeholder goes
-- when that branch's 0024 is merged; the seal branch's own migration is 0027).
SELECT 1;
