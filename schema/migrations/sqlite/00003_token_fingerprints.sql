-- Idempotency keys belong to the token that sent them, so the journal records which token sent each
-- attempt: a fingerprint, never the token. It is an HMAC keyed with this database's own random key,
-- so a fingerprint printed in a report cannot be used to test guesses of the token elsewhere.

-- +goose Up
ALTER TABLE import_rows ADD COLUMN token_fingerprint TEXT NOT NULL DEFAULT ''; -- '' before this migration

CREATE TABLE fingerprint_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1), -- one key per database
    key TEXT    NOT NULL                    -- random; never leaves the database but as fingerprints
);

-- +goose Down
DROP TABLE fingerprint_key;
ALTER TABLE import_rows DROP COLUMN token_fingerprint;
