-- Which attempt of its River job an import_jobs row belongs to. River rescues a job whose worker
-- stopped beating while that worker may still be alive (paused, cut off from the database), and
-- a later attempt runs it meanwhile: the report and the progress are written only by the attempt
-- the row names (WHERE id AND attempt), so a stale worker's late writes change nothing.

-- +goose Up
ALTER TABLE import_jobs ADD COLUMN attempt integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE import_jobs DROP COLUMN attempt;
