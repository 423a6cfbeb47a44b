-- 0021: covering indexes for the report (issue 18). Each lets one of the
-- report's passes read a narrow index instead of the table's rows: the
-- ledger's rows of the period as one range of (effective), sessions
-- grouped by person in index order (no sort), with the actions of the
-- period's sessions, when plans were made, a step's outcomes, funding and offer.
-- Measured over 100,000 people and 1,031,358 ledger entries:
-- bench/results/reports.md. Every statement may run twice (IF NOT EXISTS):
-- a file whose user_version was set back re-applies it unharmed.
CREATE INDEX IF NOT EXISTS ledger_entries_report ON ledger_entries (effective, kind, account_id, amount, funder, ref);
CREATE INDEX IF NOT EXISTS guidance_sessions_report ON guidance_sessions (person_id, at, attended, id);
CREATE INDEX IF NOT EXISTS actions_session_report ON actions (session_id, status);
CREATE INDEX IF NOT EXISTS step_outcomes_report ON step_outcomes (step_id, status, on_date);
CREATE INDEX IF NOT EXISTS plan_funding_report ON plan_funding (step_id, scheme, amount);
CREATE INDEX IF NOT EXISTS plans_report ON plans (person_id, created_at, id);
CREATE INDEX IF NOT EXISTS plan_steps_report ON plan_steps (id, person_id, offer_id);
