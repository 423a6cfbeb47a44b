-- 0014: no change on PostgreSQL yet. SQLite's migration of this number adds
-- the counsellor accounts and SSH keys of `koers serve`
-- (store/migrations/0014_counsellor_accounts.sql), which for now live in the
-- serving process's SQLite database (koers serve refuses a PostgreSQL
-- database). The number is kept so that both engines share one list of
-- versions; the accounts move here with the network of centres.
SELECT 1;
