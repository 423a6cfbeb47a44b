-- 0007: the planner's index of the register, narrow enough that suggestion
-- at 1M offers never reads the offers' rows (their compressed documents
-- make those rows wide). Replaces 0005's first version of it.
DROP TABLE IF EXISTS plan_offer_links;
DROP TABLE IF EXISTS plan_offer_facts;
DELETE FROM meta WHERE key = 'plan.facts_generation';

-- Every field suggestion and the plan checks read, one row per offer, kept
-- with the document hash it was read from (a row whose id or hash no
-- longer matches the offer is stale and re-read).
CREATE TABLE plan_offer_facts (
    rid       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL,
    hash      INTEGER NOT NULL,
    source    TEXT NOT NULL,
    source_id TEXT NOT NULL,
    title     TEXT NOT NULL,
    status    TEXT NOT NULL,
    eqf       INTEGER NOT NULL,
    mode      TEXT NOT NULL,
    languages TEXT NOT NULL, -- space separated, with a space before and after
    region    TEXT NOT NULL,
    price     INTEGER NOT NULL, -- cents, 0 unknown
    minutes   INTEGER NOT NULL,
    ects      REAL NOT NULL,
    start     TEXT NOT NULL,
    end_date  TEXT NOT NULL,
    apply_by  TEXT NOT NULL,
    schemes   TEXT NOT NULL
) STRICT;
CREATE INDEX plan_offer_facts_title ON plan_offer_facts (source, title);

-- Active offers by skill, cheapest and shortest first: "the best offers
-- teaching skill X" is the head of one range of this key.
CREATE TABLE plan_skill_offers (
    skill   INTEGER NOT NULL,
    price   INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    rid     INTEGER NOT NULL,
    PRIMARY KEY (skill, price, minutes, rid)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_skill_offers_rid ON plan_skill_offers (rid);

-- What an offer's document says about other offers, unresolved: its
-- prerequisites text ('prereq': another offer's source id or title, or
-- free text), and its prerequisite_of and part_of/stacks_towards relations
-- (target: a source id of the same source).
CREATE TABLE plan_offer_refs (
    rid    INTEGER NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('prereq', 'prerequisite_of', 'part_of')),
    target TEXT NOT NULL,
    PRIMARY KEY (rid, kind, target)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_offer_refs_target ON plan_offer_refs (kind, target);
