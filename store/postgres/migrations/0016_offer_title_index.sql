-- 0016: no change on PostgreSQL. SQLite's migration of this number
-- concerns the register's search index (store/migrations/0016_offer_title_index.sql),
-- which stays in each process's local SQLite; PostgreSQL holds the people
-- side only. The number is kept so that both engines share one list of
-- versions.
SELECT 1;
