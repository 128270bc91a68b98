-- Imports queued for workers (storeimport import --enqueue, storeimport worker). The queue itself
-- is River's (its river_* tables, migrated beside these by rivermigrate); a job's arguments name
-- its row here, which keeps what is too big or too late for the arguments: the merchant's file as
-- it was validated, the progress a worker records, and the report and errors file of its end.
-- PostgreSQL only: an SQLite file is one operator's, and has no workers on other hosts.

-- +goose Up
CREATE TABLE import_jobs (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    river_job_id    bigint      UNIQUE,
    platform_org_id text        NOT NULL,
    file_name       text        NOT NULL,
    file_content    bytea       NOT NULL,
    enqueued_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    rows_total      integer,
    rows_done       integer     NOT NULL DEFAULT 0,
    counts          jsonb       NOT NULL DEFAULT '{}',
    progress_at     timestamptz,
    -- The last attempt's report (importer results as JSON lines, then the summary) and errors
    -- file, kept for `storeimport jobs show` and the support page.
    report          bytea,
    errors_file     bytea,
    errors_name     text
);
CREATE INDEX import_jobs_org ON import_jobs (platform_org_id);

-- One rate limit shared by every worker that sends with one platform token: a GCRA bucket, the
-- theoretical arrival time of the next request, named after the token's fingerprint.
CREATE TABLE rate_buckets (
    name text        PRIMARY KEY,
    tat  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets;
DROP TABLE import_jobs;
