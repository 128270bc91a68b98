-- A job's errors file, in parts of at most 1 MiB in import_job_errors: a worker saves it, and
-- `jobs show --errors-csv` and the support page send it on, a part at a time, so that none of
-- them holds it whole (it can be as large as the job's file, 100 MiB). import_jobs.errors_name
-- still says there is one. Errors files kept before move to the new shape, as one part.

-- +goose Up
CREATE TABLE import_job_errors (
    import_id bigint  NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    part      bytea   NOT NULL,
    PRIMARY KEY (import_id, seq)
);
INSERT INTO import_job_errors (import_id, seq, part)
SELECT id, 1, errors_file FROM import_jobs WHERE errors_file IS NOT NULL;
ALTER TABLE import_jobs DROP COLUMN errors_file;

-- +goose Down
ALTER TABLE import_jobs ADD COLUMN errors_file bytea;
UPDATE import_jobs j SET errors_file = coalesce(
    (SELECT string_agg(e.part, ''::bytea ORDER BY e.seq) FROM import_job_errors e WHERE e.import_id = j.id), ''::bytea)
WHERE j.errors_name IS NOT NULL;
DROP TABLE import_job_errors;
