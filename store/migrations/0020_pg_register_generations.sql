-- 0020: no change on SQLite. PostgreSQL's migration of this number
-- (store/postgres/migrations/0020_pg_register_generations.sql) adds the
-- counsellor accounts there (SQLite has them since 0014) and the network's
-- register with its generations. A local SQLite index of a PostgreSQL
-- register keeps the generation it is synced to in meta
-- (register.upstream.*), which needs no new table.
SELECT 1;
