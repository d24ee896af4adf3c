-- Up Migration

-- What the optimizer learns from and what it decided, per route. Route and model names come from
-- the registry (the optimizer drops records naming anything else); every table is bounded per route
-- by the optimizer (OPTIMIZER_MAX_*), oldest rows deleted first.

-- How a route trades quality against cost and missed budgets, and how much it explores. A route
-- without a row uses the defaults (cost 10 per USD, SLO miss 1, exploration 0.1, premium 0).
CREATE TABLE optimizer_route_settings (
  route               text PRIMARY KEY,
  cost_weight_per_usd double precision NOT NULL CHECK (cost_weight_per_usd >= 0),
  slo_miss_weight     double precision NOT NULL CHECK (slo_miss_weight >= 0),
  exploration         double precision NOT NULL CHECK (exploration >= 0 AND exploration <= 0.5),
  -- { "<tier>": share, ... }: replaces `exploration` for the tenants of a tier.
  exploration_by_tier jsonb NOT NULL DEFAULT '{}',
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Full-information rows from outcome files: one prompt and every candidate model's quality and cost.
CREATE TABLE optimizer_imported_rows (
  id            bigserial PRIMARY KEY,
  route         text NOT NULL,
  -- SHA-256 of the whole prompt, base64url: importing a file again replaces its rows.
  prompt_key    text NOT NULL,
  -- The prompt clipped as the featuriser reads it (head + ' ' + tail, 2,048 characters at most),
  -- and the whole prompt's length, so features can be recomputed by a later featuriser.
  prompt        text NOT NULL,
  prompt_length integer NOT NULL CHECK (prompt_length >= 0),
  -- { "<model>": [quality, cost_usd], ... }
  outcomes      jsonb NOT NULL,
  -- Picked by a seeded hash of the prompt (about 1 in 10): never trained on, used to compare
  -- policies when no feedback has been logged.
  held_out      boolean NOT NULL,
  imported_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (route, prompt_key)
);

-- Signals about how well a model answered one request: a client's feedback score, the answer's
-- confidence, or a cascade escalating past it. One row per (route, source, request).
CREATE TABLE optimizer_observations (
  id              bigserial PRIMARY KEY,
  route           text NOT NULL,
  source          text NOT NULL CHECK (source IN ('feedback', 'confidence', 'escalated')),
  -- The decision key: SHA-256 of the request id, base64url (never the client's id itself).
  request_key     text NOT NULL,
  model           text NOT NULL,
  quality         double precision NOT NULL CHECK (quality >= 0 AND quality <= 1),
  weight          double precision NOT NULL CHECK (weight > 0),
  -- The prompt's hashed feature indices as the router logged them, uint32 little-endian.
  feature_indices bytea NOT NULL,
  tier            text NOT NULL,
  -- The policy that chose the model (0: the route's rules) and the probability it chose it.
  policy_version  bigint NOT NULL,
  propensity      double precision NOT NULL CHECK (propensity > 0 AND propensity <= 1),
  cost_usd        double precision NOT NULL,
  slo_missed      boolean NOT NULL,
  observed_at     timestamptz NOT NULL,
  UNIQUE (route, source, request_key)
);
CREATE INDEX optimizer_observations_route_source_idx ON optimizer_observations (route, source, id);

-- The router's decisions: which model served, at what cost, whether it missed its budget.
CREATE TABLE optimizer_decisions (
  id             bigserial PRIMARY KEY,
  route          text NOT NULL,
  request_key    text NOT NULL,
  model          text NOT NULL,
  policy_version bigint NOT NULL,
  cost_usd       double precision NOT NULL,
  slo_missed     boolean NOT NULL,
  answered_at    timestamptz NOT NULL,
  UNIQUE (route, request_key)
);
CREATE INDEX optimizer_decisions_route_idx ON optimizer_decisions (route, id);

-- Every published policy (the newest few per route): a restart continues from the newest.
CREATE TABLE optimizer_policies (
  route          text NOT NULL,
  version        bigint NOT NULL CHECK (version > 0),
  -- LearnedPolicy, protobuf binary: exactly what was published to the object store.
  policy         bytea NOT NULL,
  -- The newest observation whose signal the policy's predictors hold; a restart replays the rest.
  observation_id bigint NOT NULL,
  published_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (route, version)
);

-- Candidates the off-policy check refused, with both estimates.
CREATE TABLE optimizer_refusals (
  id                bigserial PRIMARY KEY,
  route             text NOT NULL,
  candidate_version bigint NOT NULL,
  reason            text NOT NULL,
  -- PolicyEstimate as JSON: { method, value, lower, upper, samples }.
  candidate         jsonb NOT NULL,
  live              jsonb NOT NULL,
  refused_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX optimizer_refusals_route_idx ON optimizer_refusals (route, id);

-- Down Migration

DROP TABLE optimizer_refusals;
DROP TABLE optimizer_policies;
DROP TABLE optimizer_decisions;
DROP TABLE optimizer_observations;
DROP TABLE optimizer_imported_rows;
DROP TABLE optimizer_route_settings;
