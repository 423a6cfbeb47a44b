-- 0014: counsellor accounts of a centre served by `koers serve`, and the SSH
-- public keys they log in with. An account is never deleted (its name stays
-- on every change it stamped); it is disabled instead.

CREATE TABLE counsellors (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
    role       TEXT NOT NULL CHECK (role IN ('counsellor', 'supervisor', 'admin', 'auditor')),
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    language   TEXT NOT NULL DEFAULT '', -- interface language of the profile; '' = the client's LANG
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) STRICT;

CREATE TABLE counsellor_keys (
    id            TEXT PRIMARY KEY,
    counsellor_id TEXT NOT NULL REFERENCES counsellors(id),
    fingerprint   TEXT NOT NULL UNIQUE, -- SHA256:… as ssh-keygen -l prints it
    public_key    TEXT NOT NULL,        -- type and base64, as in authorized_keys, without the comment
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;

CREATE INDEX counsellor_keys_by_account ON counsellor_keys (counsellor_id);
