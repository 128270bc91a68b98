-- The import journal: a write-ahead record of every row's intent and outcome, so that a run killed
-- at any point can be settled by the next one, and the per-organization lock that keeps two runs
-- from sending mutations for the same organization at once.

-- +goose Up
CREATE TABLE import_runs (
    id              INTEGER PRIMARY KEY,
    platform_org_id TEXT    NOT NULL,
    file            TEXT    NOT NULL,
    pid             INTEGER NOT NULL,
    host            TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    finished_at     TEXT
);

-- One row per attempt to import one store. key is the Idempotency-Key stem of the attempt's
-- mutations: a restarted step sends the same key, a new attempt gets a new one. The values are the
-- ones sent, so that a replay sends the very same request body.
CREATE TABLE import_rows (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES import_runs (id),
    platform_org_id TEXT    NOT NULL,
    public_id       TEXT    NOT NULL,
    line            INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    location        TEXT    NOT NULL,
    industry        TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    state           TEXT    NOT NULL,
    shop_id         TEXT,
    error           TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE INDEX import_rows_open ON import_rows (platform_org_id, state);
CREATE INDEX import_rows_public_id ON import_rows (platform_org_id, public_id);
CREATE INDEX import_rows_shop_id ON import_rows (shop_id);

CREATE TABLE organization_locks (
    platform_org_id TEXT    PRIMARY KEY,
    holder          TEXT    NOT NULL, -- random, so that only the holder refreshes or releases it
    pid             INTEGER NOT NULL,
    host            TEXT    NOT NULL,
    command         TEXT    NOT NULL,
    started_at      TEXT    NOT NULL,
    refreshed_at    TEXT    NOT NULL
);

-- +goose Down
DROP TABLE organization_locks;
DROP TABLE import_rows;
DROP TABLE import_runs;
