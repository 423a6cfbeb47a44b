-- 0003: ESCO taxonomy. Concepts keep their ESCO URI as id: it is stable and
-- global, so records move between centres without renumbering.
CREATE TABLE esco_concepts (
    uri         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('occupation', 'skill', 'isco_group', 'skill_group')),
    code        TEXT NOT NULL DEFAULT '', -- ISCO code, occupation code or skill group code
    isco        TEXT NOT NULL DEFAULT '', -- an occupation's ISCO group code
    skill_type  TEXT NOT NULL DEFAULT '', -- skill/competence, knowledge, or '' (as in the download)
    reuse_level TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
) STRICT;
CREATE INDEX esco_concepts_kind ON esco_concepts (kind, isco);

-- One row per concept and language: the preferred label and description,
-- and a hash of everything that language's row said (re-imports skip
-- unchanged rows).
CREATE TABLE esco_texts (
    uri         TEXT NOT NULL REFERENCES esco_concepts (uri) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    preferred   TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    hash        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (uri, lang)
) STRICT, WITHOUT ROWID;

-- Every label as written, per language and kind (preferred, alt, hidden).
CREATE TABLE esco_labels (
    uri   TEXT NOT NULL REFERENCES esco_concepts (uri) ON DELETE CASCADE,
    lang  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('pref', 'alt', 'hidden')),
    label TEXT NOT NULL,
    PRIMARY KEY (uri, lang, kind, label)
) STRICT, WITHOUT ROWID;

-- The folded-label index concept matching reads: one row per folded
-- variant of a label (a gender pair "coiffeur/coiffeuse" has three).
CREATE TABLE esco_label_folds (
    folded TEXT NOT NULL,
    uri    TEXT NOT NULL REFERENCES esco_concepts (uri) ON DELETE CASCADE,
    ckind  TEXT NOT NULL, -- the concept's kind, so matching reads one table
    lang   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    label  TEXT NOT NULL
) STRICT;
CREATE INDEX esco_label_folds_folded ON esco_label_folds (ckind, folded);
CREATE INDEX esco_label_folds_uri ON esco_label_folds (uri, lang);

-- Occupation–skill relations. No foreign keys: the download has relations
-- to concepts it lacks; they are kept and counted as dangling.
CREATE TABLE esco_occupation_skills (
    occupation_uri TEXT NOT NULL,
    skill_uri      TEXT NOT NULL,
    relation       TEXT NOT NULL CHECK (relation IN ('essential', 'optional')),
    skill_type     TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (occupation_uri, skill_uri)
) STRICT, WITHOUT ROWID;
CREATE INDEX esco_occupation_skills_skill ON esco_occupation_skills (skill_uri);

-- Hierarchy: occupations under ISCO groups, skills under skill groups.
CREATE TABLE esco_broader (
    uri         TEXT NOT NULL,
    broader_uri TEXT NOT NULL,
    PRIMARY KEY (uri, broader_uri)
) STRICT, WITHOUT ROWID;
CREATE INDEX esco_broader_broader ON esco_broader (broader_uri);
