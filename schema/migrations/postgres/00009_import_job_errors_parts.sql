-- A job's errors file, in parts of at most 1 MiB in import_job_errors, with its size and number
-- of parts in import_jobs: a worker saves it, and `jobs show --errors-csv` and the support page
-- send it on, a part at a time and a short query each, so that none of them holds it whole (it
-- can be as large as the job's file, 100 MiB) or keeps a connection for a slow download.
-- import_jobs.errors_name still says there is one. Errors files kept before move to the new
-- shape, cut into parts as a worker cuts them.

-- +goose Up
CREATE TABLE import_job_errors (
    import_id bigint  NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    part      bytea   NOT NULL,
    PRIMARY KEY (import_id, seq)
);
ALTER TABLE import_jobs ADD COLUMN errors_size bigint, ADD COLUMN errors_parts integer;
INSERT INTO import_job_errors (import_id, seq, part)
SELECT id, g + 1, substring(errors_file FROM g * 1048576 + 1 FOR 1048576)
FROM import_jobs, generate_series(0, (octet_length(errors_file) - 1) / 1048576) AS g
WHERE octet_length(errors_file) > 0;
UPDATE import_jobs SET errors_size = octet_length(errors_file), errors_parts = (octet_length(errors_file) + 1048575) / 1048576
WHERE errors_file IS NOT NULL;
ALTER TABLE import_jobs DROP COLUMN errors_file;

-- +goose Down
ALTER TABLE import_jobs ADD COLUMN errors_file bytea;
UPDATE import_jobs j SET errors_file = coalesce(
    (SELECT string_agg(e.part, ''::bytea ORDER BY e.seq) FROM import_job_errors e WHERE e.import_id = j.id), ''::bytea)
WHERE j.errors_name IS NOT NULL;
ALTER TABLE import_jobs DROP COLUMN errors_size, DROP COLUMN errors_parts;
DROP TABLE import_job_errors;
