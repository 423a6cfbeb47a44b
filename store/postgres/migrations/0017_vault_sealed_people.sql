-- 0017: the tables of encryption at rest (as
-- store/migrations/0017_vault_sealed_people.sql): the wraps of the data
-- key and the blind index of people search. The PostgreSQL store does not
-- seal yet (README, Encryption at rest): both stay empty here, and the
-- tables exist so that both engines keep one schema.
CREATE TABLE vault_wraps (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('passphrase', 'keyfile', 'recovery')),
    key_id     text NOT NULL,
    wrap       text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL
);

CREATE TABLE person_tokens (
    token     text NOT NULL,
    person_id uuid NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (token, person_id)
);
CREATE INDEX person_tokens_person ON person_tokens (person_id);
