-- 0021: indexes for the report (issue 18), as SQLite's 0021: the
-- ledger's rows of a period as one range of (effective) with the columns
-- the report reads (INCLUDE: an index-only scan where the visibility map
-- allows), sessions by person with their actions, when plans were made, a step's
-- outcomes and funding.
CREATE INDEX IF NOT EXISTS ledger_entries_report ON ledger_entries (effective) INCLUDE (kind, account_id, amount, funder, ref);
CREATE INDEX IF NOT EXISTS guidance_sessions_report ON guidance_sessions (person_id, at) INCLUDE (attended, id);
CREATE INDEX IF NOT EXISTS actions_session_report ON actions (session_id) INCLUDE (status);
CREATE INDEX IF NOT EXISTS step_outcomes_report ON step_outcomes (step_id) INCLUDE (status, on_date);
CREATE INDEX IF NOT EXISTS plan_funding_report ON plan_funding (step_id) INCLUDE (scheme, amount);
CREATE INDEX IF NOT EXISTS plans_report ON plans (person_id) INCLUDE (created_at, id);
CREATE INDEX IF NOT EXISTS plan_steps_report ON plan_steps (id) INCLUDE (person_id, offer_id);
