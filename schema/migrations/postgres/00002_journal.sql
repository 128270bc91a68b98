-- The import journal: a write-ahead record of every row's intent and outcome, so that a run killed
-- at any point can be settled by the next one; the holder rows of the per-organization locks; and
-- the database's key for naming platform tokens. This is the SQLite history (its migrations 00002
-- to 00004) in one step, as no PostgreSQL database predates it. SQLite's lock_sightings is not
-- here: a PostgreSQL lock is a session advisory lock, freed when its holder's connection drops,
-- so no run has to judge from afar whether a holder is gone.

-- +goose Up
CREATE TABLE import_runs (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform_org_id text        NOT NULL,
    file            text        NOT NULL,
    pid             integer     NOT NULL,
    host            text        NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz
);

-- One row per attempt to import one store. idempotency_key is the Idempotency-Key stem of the
-- attempt's mutations: a restarted step sends the same key, a new attempt gets a new one. The
-- values are the ones sent, so that a replay sends the very same request body. The states are the
-- journaled ones of importer/rowstate.go, from creating on.
CREATE TABLE import_rows (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id            bigint      NOT NULL REFERENCES import_runs (id),
    platform_org_id   text        NOT NULL,
    public_id         text        NOT NULL,
    line              integer     NOT NULL,
    name              text        NOT NULL,
    location          text        NOT NULL,
    industry          text        NOT NULL,
    phone             text        NOT NULL,
    idempotency_key   text        NOT NULL UNIQUE,
    state             text        NOT NULL CHECK (state IN ('creating', 'created', 'assigned', 'done',
                                      'compensating', 'compensated', 'failed', 'needs_attention')),
    shop_id           text,
    error             text        NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    -- Names the platform token the attempt was sent with: an HMAC under fingerprint_key, never the
    -- token; '' for none.
    token_fingerprint text        NOT NULL DEFAULT ''
);

CREATE INDEX import_rows_open ON import_rows (platform_org_id, state);
CREATE INDEX import_rows_public_id ON import_rows (platform_org_id, public_id);
CREATE INDEX import_rows_shop_id ON import_rows (shop_id);

-- Who holds an organization's lock, for the refusal message and as the fence of the holder's
-- journal writes; the lock itself is the holder's session advisory lock.
CREATE TABLE organization_locks (
    platform_org_id text        PRIMARY KEY,
    holder          text        NOT NULL, -- random, so that only the holder refreshes or releases it
    pid             integer     NOT NULL,
    host            text        NOT NULL,
    command         text        NOT NULL,
    started_at      timestamptz NOT NULL, -- by the database's clock, the one all hosts share
    refreshed_at    timestamptz NOT NULL,
    refresh_seq     bigint      NOT NULL DEFAULT 0
);

CREATE TABLE fingerprint_key (
    id  integer PRIMARY KEY CHECK (id = 1), -- one key per database
    key bytea   NOT NULL                    -- random; never leaves the database but as fingerprints
);

-- +goose Down
DROP TABLE fingerprint_key;
DROP TABLE organization_locks;
DROP TABLE import_rows;
DROP TABLE import_runs;
