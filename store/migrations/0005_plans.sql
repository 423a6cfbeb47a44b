-- 0005: learning plans. A person may keep several plans (alternatives); at
-- most one is the agreed plan. Steps keep their order in position; each has
-- funding lines per scheme (what the scheme is asked to pay, minor units).
-- What is reserved is not stored here: it is derived from the ledger
-- (entries with ref 'plan-step:STEP-ID'), the one source of truth.
--
-- Every table references people(id) ON DELETE CASCADE, so erasing the
-- person removes their plans.
CREATE TABLE plans (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name             TEXT NOT NULL DEFAULT '',
    occupation_uri   TEXT NOT NULL DEFAULT '',
    occupation_label TEXT NOT NULL DEFAULT '',
    stack_target     TEXT NOT NULL DEFAULT '',
    agreed           INTEGER NOT NULL DEFAULT 0 CHECK (agreed IN (0, 1)),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL
) STRICT;
CREATE INDEX plans_person ON plans (person_id);
CREATE UNIQUE INDEX plans_one_agreed ON plans (person_id) WHERE agreed = 1;

CREATE TABLE plan_steps (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    person_id  TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 0),
    kind       TEXT NOT NULL CHECK (kind IN ('offer', 'validation', 'guidance')),
    offer_id   TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('planned', 'applied', 'enrolled', 'in_progress', 'completed', 'dropped')),
    start      TEXT NOT NULL DEFAULT '',
    end_date   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (plan_id, position)
) STRICT;
CREATE INDEX plan_steps_person ON plan_steps (person_id);

CREATE TABLE plan_funding (
    step_id   TEXT NOT NULL REFERENCES plan_steps(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    scheme    TEXT NOT NULL REFERENCES schemes(code),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (step_id, scheme)
) STRICT;
CREATE INDEX plan_funding_person ON plan_funding (person_id);

-- The planner's narrow view of an offer, derived from the register's
-- compressed documents and kept by rid with the document hash it was read
-- from: suggestion at 1M offers reads these few fields, never the
-- documents. A row whose id or hash no longer matches is stale and re-read.
CREATE TABLE plan_offer_facts (
    rid      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL,
    hash     INTEGER NOT NULL,
    source   TEXT NOT NULL,
    title    TEXT NOT NULL,
    ects     REAL NOT NULL DEFAULT 0,
    hours    REAL NOT NULL DEFAULT 0,
    end_date TEXT NOT NULL DEFAULT '',
    apply_by TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX plan_offer_facts_title ON plan_offer_facts (source, title);

-- Links between offers, resolved from their documents: 'requires' (from
-- needs to, from the prerequisites text or a prerequisite_of relation) and
-- 'part_of' (from is a part of the larger credential to). via is the offer
-- whose document said so, so a changed offer replaces its own links.
CREATE TABLE plan_offer_links (
    from_rid INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('requires', 'part_of')),
    to_rid   INTEGER NOT NULL,
    via_rid  INTEGER NOT NULL,
    PRIMARY KEY (from_rid, kind, to_rid, via_rid)
) STRICT, WITHOUT ROWID;
CREATE INDEX plan_offer_links_to ON plan_offer_links (to_rid, kind);
CREATE INDEX plan_offer_links_via ON plan_offer_links (via_rid);
