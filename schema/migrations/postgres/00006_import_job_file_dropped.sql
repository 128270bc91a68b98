-- A job's file is kept only until the job ends (finished, failed or cancelled): then it is set
-- to NULL, and only the report and the errors file, which support sends back, stay until River
-- forgets the job.

-- +goose Up
ALTER TABLE import_jobs ALTER COLUMN file_content DROP NOT NULL;

-- +goose Down
UPDATE import_jobs SET file_content = '' WHERE file_content IS NULL;
ALTER TABLE import_jobs ALTER COLUMN file_content SET NOT NULL;
