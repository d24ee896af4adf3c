-- Up Migration

-- Routes grow from an ordered list of models into candidates with conditions and rollout arms, a
-- selection policy, a cascade and shadow targets; models get latency priors; tenants arrive.
-- Enum values are stored as lowercase names without their prefix, as models.modality is.

ALTER TABLE models
  -- The router's service-time prior until it has measured enough answers (ModelSpec fields 17, 18).
  ADD COLUMN latency_prior_ms double precision NOT NULL DEFAULT 0
    CHECK (latency_prior_ms >= 0 AND latency_prior_ms < 'Infinity'),
  ADD COLUMN latency_prior_per_unit_us double precision NOT NULL DEFAULT 0
    CHECK (latency_prior_per_unit_us >= 0 AND latency_prior_per_unit_us < 'Infinity');

ALTER TABLE routes
  -- RoutePolicy. max_attempts 0 means the router's default (3).
  ADD COLUMN objective text NOT NULL DEFAULT 'unspecified'
    CHECK (objective IN ('unspecified', 'cheapest', 'fastest', 'best_quality')),
  ADD COLUMN when_infeasible text NOT NULL DEFAULT 'unspecified'
    CHECK (when_infeasible IN ('unspecified', 'degrade', 'refuse')),
  ADD COLUMN min_quality double precision NOT NULL DEFAULT 0 CHECK (min_quality BETWEEN 0 AND 1),
  ADD COLUMN max_attempts integer NOT NULL DEFAULT 0 CHECK (max_attempts BETWEEN 0 AND 10),
  -- CascadeSpec. A threshold of 0 turns the cascade off; max_steps 0 means every feasible candidate.
  ADD COLUMN cascade_confidence_threshold double precision NOT NULL DEFAULT 0
    CHECK (cascade_confidence_threshold BETWEEN 0 AND 1),
  ADD COLUMN cascade_max_steps integer NOT NULL DEFAULT 0 CHECK (cascade_max_steps >= 0);

-- The candidates are the old route_models rows, which keep their order and their RESTRICT on the
-- model; existing routes become candidates without conditions.
ALTER TABLE route_models RENAME TO route_candidates;
ALTER INDEX route_models_model_name_idx RENAME TO route_candidates_model_name_idx;
ALTER TABLE route_candidates
  -- CandidateConditions; empty arrays and zero bounds restrict nothing. max_complexity 0 is unbounded.
  ADD COLUMN modalities text[] NOT NULL DEFAULT '{}'
    CHECK (modalities <@ ARRAY['text', 'image', 'audio', 'structured']),
  ADD COLUMN min_complexity double precision NOT NULL DEFAULT 0
    CHECK (min_complexity >= 0 AND min_complexity < 'Infinity'),
  ADD COLUMN max_complexity double precision NOT NULL DEFAULT 0
    CHECK (max_complexity >= 0 AND max_complexity < 'Infinity'),
  ADD COLUMN tiers text[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT route_candidates_complexity_bounds
    CHECK (max_complexity = 0 OR max_complexity >= min_complexity);

-- Rollout arms of one candidate, in order (the router hashes request ids into consecutive shares).
-- RESTRICT on the model, like candidates: the registry names the routes instead of deleting.
CREATE TABLE route_rollout_arms (
  route_name         text NOT NULL,
  candidate_position integer NOT NULL,
  position           integer NOT NULL CHECK (position >= 0),
  model_name         text NOT NULL REFERENCES models (name) ON DELETE RESTRICT,
  percent            double precision NOT NULL CHECK (percent > 0 AND percent <= 100),
  PRIMARY KEY (route_name, candidate_position, position),
  UNIQUE (route_name, candidate_position, model_name),
  FOREIGN KEY (route_name, candidate_position)
    REFERENCES route_candidates (route_name, position) ON DELETE CASCADE
);

CREATE INDEX route_rollout_arms_model_name_idx ON route_rollout_arms (model_name);

-- Models that get a copy of a share of the route's requests.
CREATE TABLE route_shadows (
  route_name text NOT NULL REFERENCES routes (name) ON DELETE CASCADE,
  position   integer NOT NULL CHECK (position >= 0),
  model_name text NOT NULL REFERENCES models (name) ON DELETE RESTRICT,
  percent    double precision NOT NULL CHECK (percent > 0 AND percent <= 100),
  PRIMARY KEY (route_name, position),
  UNIQUE (route_name, model_name)
);

CREATE INDEX route_shadows_model_name_idx ON route_shadows (model_name);

-- Tenants and their tiers. The API key itself is never stored: only its SHA-256 (lowercase hex),
-- which is also the tenant's key in the `registry` KV bucket.
CREATE TABLE tenants (
  name           text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  tier           text NOT NULL CHECK (tier ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  api_key_sha256 text NOT NULL UNIQUE CHECK (api_key_sha256 ~ '^[0-9a-f]{64}$'),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE tenants;
DROP TABLE route_shadows;
DROP TABLE route_rollout_arms;
ALTER TABLE route_candidates
  DROP CONSTRAINT route_candidates_complexity_bounds,
  DROP COLUMN tiers,
  DROP COLUMN max_complexity,
  DROP COLUMN min_complexity,
  DROP COLUMN modalities;
ALTER INDEX route_candidates_model_name_idx RENAME TO route_models_model_name_idx;
ALTER TABLE route_candidates RENAME TO route_models;
ALTER TABLE routes
  DROP COLUMN cascade_max_steps,
  DROP COLUMN cascade_confidence_threshold,
  DROP COLUMN max_attempts,
  DROP COLUMN min_quality,
  DROP COLUMN when_infeasible,
  DROP COLUMN objective;
ALTER TABLE models
  DROP COLUMN latency_prior_per_unit_us,
  DROP COLUMN latency_prior_ms;
