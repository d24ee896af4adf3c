-- Up Migration

-- Models and routes: the registry's source of truth. The `registry` KV bucket in NATS is a copy
-- derived from these tables and is rebuilt from them whenever the registry starts.

-- The name check repeats the registry's validation: a model name becomes a NATS subject token.
CREATE TABLE models (
  name                 text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  task                 text NOT NULL DEFAULT '',
  -- Lowercase Modality name without its prefix: text, image, audio, structured, unspecified.
  modality             text NOT NULL DEFAULT 'unspecified',
  runtime              text NOT NULL,
  artifact             text NOT NULL DEFAULT '',
  -- [{ "name", "datatype", "shape": [int...] }] in declaration order.
  inputs               jsonb NOT NULL DEFAULT '[]',
  outputs              jsonb NOT NULL DEFAULT '[]',
  cost_per_call_micros bigint NOT NULL DEFAULT 0 CHECK (cost_per_call_micros >= 0),
  cost_per_unit_micros double precision NOT NULL DEFAULT 0 CHECK (cost_per_unit_micros >= 0),
  quality_score        double precision NOT NULL DEFAULT 0 CHECK (quality_score BETWEEN 0 AND 1),
  memory_bytes         bigint NOT NULL DEFAULT 0 CHECK (memory_bytes >= 0),
  -- { "mode": "none|static|dynamic|unspecified", "maxBatchSize": int, "maxQueueDelayUs": int } or null.
  batching             jsonb,
  -- Flat string → string map.
  runtime_options      jsonb NOT NULL DEFAULT '{}',
  current_version      text NOT NULL CHECK (current_version <> ''),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Every version a model ever had. Rollouts will reference (model_name, version).
CREATE TABLE model_versions (
  model_name text NOT NULL REFERENCES models (name) ON DELETE CASCADE,
  version    text NOT NULL CHECK (version <> ''),
  -- The artifact this version was registered with; a version never changes meaning.
  artifact   text NOT NULL DEFAULT '',
  -- Registration order: created_at alone can tie, and ModelSpec.versions lists oldest first.
  ordinal    bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_name, version)
);

CREATE TABLE routes (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A route's candidate models in order of preference. RESTRICT: a model in use cannot vanish from
-- under a route; the registry answers FAILED_PRECONDITION naming the routes instead.
CREATE TABLE route_models (
  route_name text NOT NULL REFERENCES routes (name) ON DELETE CASCADE,
  position   integer NOT NULL CHECK (position >= 0),
  model_name text NOT NULL REFERENCES models (name) ON DELETE RESTRICT,
  PRIMARY KEY (route_name, position),
  UNIQUE (route_name, model_name)
);

-- Serves "which routes use this model" on delete and the RESTRICT check.
CREATE INDEX route_models_model_name_idx ON route_models (model_name);

-- Down Migration

DROP TABLE route_models;
DROP TABLE routes;
DROP TABLE model_versions;
DROP TABLE models;
