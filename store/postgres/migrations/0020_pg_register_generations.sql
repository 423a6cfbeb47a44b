-- 0020: the counsellor accounts of the network (as SQLite's 0014 and 0019) and the
-- register's source of truth with its generations (issue 16).

CREATE TABLE counsellors (
    id         uuid PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name <> ''),
    role       text NOT NULL CHECK (role IN ('counsellor', 'supervisor', 'regional', 'admin', 'auditor')),
    disabled   boolean NOT NULL DEFAULT false,
    language   text NOT NULL DEFAULT '', -- interface language of the profile; '' = the client's LANG
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    centres    jsonb NOT NULL DEFAULT '[]' -- centre codes; the first is the home centre (as SQLite's 0019)
);

CREATE TABLE counsellor_keys (
    id            uuid PRIMARY KEY,
    counsellor_id uuid NOT NULL REFERENCES counsellors(id),
    fingerprint   text NOT NULL UNIQUE, -- SHA256:… as ssh-keygen -l prints it
    public_key    text NOT NULL,        -- type and base64, as in authorized_keys, without the comment
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL
);

CREATE INDEX counsellor_keys_by_account ON counsellor_keys (counsellor_id);

-- One row per import that changed the register. Imports take an advisory
-- lock and number their generation max+1 inside it, so generations commit
-- in order: a reader that has seen generation N has seen every change up
-- to N, and "changes after N" is a range scan.
CREATE TABLE register_generations (
    generation bigint PRIMARY KEY CHECK (generation > 0),
    added      bigint NOT NULL,
    changed    bigint NOT NULL,
    withdrawn  bigint NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);

-- The register: one row per offer, keyed as SQLite's offers (source,
-- source_id), with the public UUIDv7 every plan step refers to. doc is the
-- offer as JSON, zstd-compressed; hash (FNV-64a of the JSON) tells a
-- changed offer from an unchanged one. A withdrawn offer stays as a
-- tombstone (withdrawn, with the generation that withdrew it), so that
-- every local index hears of it.
CREATE TABLE register_offers (
    id         uuid PRIMARY KEY,
    source     text NOT NULL,
    source_id  text NOT NULL,
    generation bigint NOT NULL REFERENCES register_generations (generation),
    withdrawn  boolean NOT NULL DEFAULT false,
    hash       bigint NOT NULL,
    doc        bytea NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    UNIQUE (source, source_id)
);

CREATE INDEX register_offers_by_generation ON register_offers (generation);
