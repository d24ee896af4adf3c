-- Up Migration

-- How the resource manager scales a model (ScalingSpec): min and max replicas, the queue-wait SLO and
-- the idle period before unloading, in camelCase jsonb like `batching`. NULL means the model has no
-- scaling spec and the manager's defaults apply (every model stored before this migration).
ALTER TABLE models ADD COLUMN scaling jsonb;

-- Down Migration

ALTER TABLE models DROP COLUMN scaling;
