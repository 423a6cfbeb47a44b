-- 0013: the planner index keeps each offer's currency (totals and funding
-- never add unlike currencies, issue 12) and its calendar length in weeks
-- where the offer states one (0: not stated), so a plan's weeks come from
-- the stated length rather than an estimate from hours. The index is
-- derived from the offers' documents: it is emptied here and rebuilt by the
-- next plan read (SyncPlanFacts).
DELETE FROM plan_skill_offers;
DELETE FROM plan_offer_refs;
DELETE FROM plan_offer_facts;
ALTER TABLE plan_offer_facts ADD COLUMN currency TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_offer_facts ADD COLUMN weeks INTEGER NOT NULL DEFAULT 0;

-- Offers priced in a currency, for `search --max-price N --currency C`:
-- the filter excludes the (few) offers priced in another currency, found
-- by range scans of this index rather than a pass over every offer.
CREATE INDEX offers_priced_currency ON offers (currency) WHERE price IS NOT NULL AND currency <> '';
