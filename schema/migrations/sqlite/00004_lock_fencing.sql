-- A lock's holder counts its refreshes, so that a run on another host judges the lock stale by its
-- own clock (the count did not move for 60 s, as it saw) rather than by comparing the holder's
-- clock with its own. Each host that found the lock held keeps its last sighting of the count.

-- +goose Up
ALTER TABLE organization_locks ADD COLUMN refresh_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE lock_sightings (
    platform_org_id TEXT    NOT NULL,
    seen_by         TEXT    NOT NULL, -- the host that found the lock held
    holder          TEXT    NOT NULL,
    refresh_seq     INTEGER NOT NULL,
    seen_at         TEXT    NOT NULL, -- by seen_by's clock, when it first saw this holder at this count
    PRIMARY KEY (platform_org_id, seen_by)
);

-- +goose Down
DROP TABLE lock_sightings;
ALTER TABLE organization_locks DROP COLUMN refresh_seq;
