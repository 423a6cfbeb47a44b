-- 0012: no change on PostgreSQL. SQLite's migration of this number
-- (store/migrations/0012_erase_pending.sql) adds the marker that makes an
-- erase atomic across a crash there: SQLite's erase ends outside its
-- transaction (VACUUM, WAL truncate). PostgreSQL's erase is one
-- transaction, so a crash leaves it done or not begun. The number is kept
-- so that both engines share one list of versions.
SELECT 1;
