-- The reservation service's side of the ERD: an organization and its stores, each store linked to
-- exactly one platform shop, and caches of what the platform said about them.

-- +goose Up
CREATE TABLE organizations (
    id              INTEGER PRIMARY KEY,
    platform_org_id TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE TABLE organization_caches (
    organization_id INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    shop_limit      INTEGER NOT NULL,
    fetched_at      TEXT    NOT NULL
);

CREATE TABLE stores (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    public_id        TEXT    NOT NULL UNIQUE,
    platform_shop_id TEXT    NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    location         TEXT    NOT NULL,
    industry         TEXT    NOT NULL,
    phone            TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);

CREATE INDEX stores_organization_id ON stores (organization_id);

CREATE TABLE store_caches (
    store_id         INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    platform_shop_id TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    location         TEXT    NOT NULL,
    services         TEXT    NOT NULL, -- JSON array of the platform's ServiceKind values
    shop_created_at  TEXT    NOT NULL,
    fetched_at       TEXT    NOT NULL
);

-- +goose Down
DROP TABLE store_caches;
DROP TABLE stores;
DROP TABLE organization_caches;
DROP TABLE organizations;
