-- The reservation service's side of the ERD: an organization and its stores, each store linked to
-- exactly one platform shop, and caches of what the platform said about them. The same tables and
-- columns as migrations/sqlite, in PostgreSQL's own types.

-- +goose Up
CREATE TABLE organizations (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform_org_id text        NOT NULL UNIQUE,
    name            text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE organization_caches (
    organization_id bigint      PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    shop_limit      integer     NOT NULL,
    fetched_at      timestamptz NOT NULL
);

CREATE TABLE stores (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint      NOT NULL REFERENCES organizations (id),
    public_id        text        NOT NULL UNIQUE,
    platform_shop_id text        NOT NULL UNIQUE,
    name             text        NOT NULL,
    location         text        NOT NULL,
    industry         text        NOT NULL,
    phone            text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX stores_organization_id ON stores (organization_id);

CREATE TABLE store_caches (
    store_id         bigint      PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    platform_shop_id text        NOT NULL,
    name             text        NOT NULL,
    location         text        NOT NULL,
    services         jsonb       NOT NULL, -- array of the platform's ServiceKind values
    -- The platform's createdAt as it said it: its schema types it String, and a value PostgreSQL
    -- could not read as a time must not make the store's save fail after its shop was made.
    shop_created_at  text        NOT NULL,
    fetched_at       timestamptz NOT NULL
);

-- +goose Down
DROP TABLE store_caches;
DROP TABLE stores;
DROP TABLE organization_caches;
DROP TABLE organizations;
