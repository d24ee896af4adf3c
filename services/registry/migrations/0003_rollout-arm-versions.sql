-- Up Migration

-- A rollout arm may serve a registered version of its model other than the current one: an A/B
-- test or canary of a new version of the candidate's own model, or a pinned version of another
-- model. NULL means the model's current version, whatever it is when a request arrives (every arm
-- stored before this migration). The foreign key keeps an arm from naming a version its model
-- never had; MATCH SIMPLE skips it for NULL.
ALTER TABLE route_rollout_arms
  ADD COLUMN version text CHECK (version <> ''),
  ADD CONSTRAINT route_rollout_arms_model_version_fkey
    FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version) ON DELETE RESTRICT,
  -- An arm may now name its candidate's model (with another version), or one model twice with
  -- different versions: uniqueness moves to (model, version) below.
  DROP CONSTRAINT route_rollout_arms_route_name_candidate_position_model_name_key;

-- One arm per model and version of a candidate; the current version (NULL) counts as one value.
CREATE UNIQUE INDEX route_rollout_arms_model_version_key
  ON route_rollout_arms (route_name, candidate_position, model_name, COALESCE(version, ''));

-- Down Migration

DROP INDEX route_rollout_arms_model_version_key;
-- The old shape cannot say which version an arm serves: such arms are dropped, not silently
-- turned into arms of the current version (which may be the candidate's own model).
DELETE FROM route_rollout_arms WHERE version IS NOT NULL;
ALTER TABLE route_rollout_arms
  DROP CONSTRAINT route_rollout_arms_model_version_fkey,
  DROP COLUMN version,
  ADD CONSTRAINT route_rollout_arms_route_name_candidate_position_model_name_key
    UNIQUE (route_name, candidate_position, model_name);
