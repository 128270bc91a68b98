-- A worker reads a job's file a slice at a time (substring), so that a file of up to 100 MiB is
-- never held whole in its memory. Kept uncompressed, a slice is read from its own TOAST chunks;
-- compressed, each would decompress the file from its start. The file is kept only until the job
-- ends. A file queued before this migration stays compressed, read more slowly but the same.

-- +goose Up
ALTER TABLE import_jobs ALTER COLUMN file_content SET STORAGE EXTERNAL;

-- +goose Down
ALTER TABLE import_jobs ALTER COLUMN file_content SET STORAGE EXTENDED;
