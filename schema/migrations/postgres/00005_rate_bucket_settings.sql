-- The settings of a shared rate limit, kept with it: every worker moves the bucket by the stored
-- interval and lets bursts through by the stored tolerance, whatever its own --rate and --burst,
-- so workers started with other values cannot together go over the limit. settings says in the
-- command line's words (--rate 5 --burst 1) what set them, for the refusal of a worker that
-- disagrees. NULL in a bucket made before: the next worker to start sets them.

-- +goose Up
ALTER TABLE rate_buckets ADD COLUMN interval_s double precision, ADD COLUMN tolerance_s double precision, ADD COLUMN settings text;

-- +goose Down
ALTER TABLE rate_buckets DROP COLUMN settings, DROP COLUMN tolerance_s, DROP COLUMN interval_s;
