-- 0013: no change on PostgreSQL. SQLite's migration of this number
-- concerns the register, its search index or the planner's index of it
-- (store/migrations/0013_plan_facts_currency_length.sql), which stay in each process's local SQLite;
-- PostgreSQL holds the people side only. The number is kept so that both
-- engines share one list of versions.
SELECT 1;
