-- Up Migration

-- A tenant's access list (TenantSpec.routes and .models): the routes and the models it may call by
-- name. Both empty (every tenant stored before this migration) means it may call everything.
ALTER TABLE tenants
  ADD COLUMN routes text[] NOT NULL DEFAULT '{}',
  ADD COLUMN models text[] NOT NULL DEFAULT '{}';

-- Down Migration

ALTER TABLE tenants DROP COLUMN routes, DROP COLUMN models;
