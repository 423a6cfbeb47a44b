-- 0002: the register of training offers and micro-credentials.
--
-- offers keeps the columns that filters, facets and import keys need; the
-- rest of the offer (every other Annex I element) is in doc, deflate-
-- compressed JSON without the fields that are columns here. rid is the integer rowid the
-- FTS index and offer_skills refer to; id is the public UUIDv7.

-- Providers and awarding bodies, interned (thousands of names, 1M offers).
CREATE TABLE offer_orgs (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE offers (
    rid        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    source     TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('active', 'withdrawn')),
    eqf        INTEGER NOT NULL CHECK (eqf BETWEEN -1 AND 8), -- 0 unknown, -1 not applicable
    mode       TEXT NOT NULL,                                 -- '' unknown
    languages  TEXT NOT NULL,                                 -- ISO 639-1 codes, space separated
    country    TEXT NOT NULL,
    region     TEXT NOT NULL,                                 -- NUTS code, '' unknown
    price      INTEGER,                                       -- cents; NULL unknown
    currency   TEXT NOT NULL,
    start      TEXT,                                          -- YYYY-MM-DD; NULL unknown
    schemes    TEXT NOT NULL,                                 -- scheme codes, space separated
    provider   INTEGER REFERENCES offer_orgs (id),            -- NULL unknown
    awarding   INTEGER REFERENCES offer_orgs (id),            -- NULL unknown
    initials   INTEGER NOT NULL,                              -- catalog.Initials(title)
    hash       INTEGER NOT NULL,                              -- of doc's JSON, to tell changed from unchanged
    doc        BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (source, source_id)
) STRICT;

-- Register sources and their last import.
CREATE TABLE sources (
    name           TEXT PRIMARY KEY,
    last_import_at TEXT NOT NULL,
    added          INTEGER NOT NULL,
    changed        INTEGER NOT NULL,
    unchanged      INTEGER NOT NULL,
    withdrawn      INTEGER NOT NULL,
    active         INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
) STRICT;

-- Skill URIs of learning outcomes, interned, and which offers teach them
-- (the planner's "offers teaching skill X" is a range scan of the key).
-- offer_skills has no foreign keys: the importer writes it from offers it
-- just wrote, and the checks were a third of a bulk import's SQL time.
CREATE TABLE offer_skill_uris (
    id  INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE offer_skills (
    skill INTEGER NOT NULL, -- offer_skill_uris.id
    offer INTEGER NOT NULL, -- offers.rid
    PRIMARY KEY (skill, offer)
) STRICT, WITHOUT ROWID;

-- Full-text index, contentless (the text lives compressed in offers.doc;
-- a changed offer is unindexed with the 'delete' command and its old text):
-- case and diacritics folded, a two-letter prefix index for search as you
-- type (longer prefixes expand over few terms; measured) (one-letter prefixes never reach FTS), rowid = offers.rid.
-- No contentless_delete, so that SQLite 3.40's sqlite3 shell can read it.
CREATE VIRTUAL TABLE offers_fts USING fts5 (
    title, description, outcomes, skills, provider,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2'
);
