-- Up Migration

-- Per route, when a canary (a rollout arm) is promoted or rolled back against its stable arm; see
-- CanarySettings in proto/switchboard/v1/policy.proto. The defaults equal the optimizer's.
ALTER TABLE optimizer_route_settings
  ADD COLUMN canary_alpha double precision NOT NULL DEFAULT 0.05
    CHECK (canary_alpha > 0 AND canary_alpha <= 0.5),
  ADD COLUMN canary_latency_margin double precision NOT NULL DEFAULT 0.1
    CHECK (canary_latency_margin > 0 AND canary_latency_margin <= 10),
  ADD COLUMN canary_error_margin double precision NOT NULL DEFAULT 0.01
    CHECK (canary_error_margin > 0 AND canary_error_margin <= 1),
  ADD COLUMN canary_quality_margin double precision NOT NULL DEFAULT 0.05
    CHECK (canary_quality_margin > 0 AND canary_quality_margin <= 1),
  ADD COLUMN canary_min_requests integer NOT NULL DEFAULT 200 CHECK (canary_min_requests >= 1),
  ADD COLUMN canary_min_feedback integer NOT NULL DEFAULT 50 CHECK (canary_min_feedback >= 1),
  ADD COLUMN canary_promote_without_feedback boolean NOT NULL DEFAULT false;

-- Every canary watched: its arms, the running moments of each metric on each arm, and its verdict.
-- Names come from the registry's routes; the 50 newest finished canaries per route are kept.
CREATE TABLE optimizer_canaries (
  id             bigserial PRIMARY KEY,
  route          text NOT NULL,
  candidate      text NOT NULL,
  stable_version text NOT NULL,
  arm_model      text NOT NULL,
  arm_version    text NOT NULL,
  percent        double precision NOT NULL,
  status         text NOT NULL CHECK (status IN ('watching', 'promoted', 'rolled_back', 'withdrawn')),
  reason         text NOT NULL DEFAULT '',
  -- { "<metric>": { "canary": { count, mean, variance }, "stable": { ... } }, ... }
  evidence       jsonb NOT NULL,
  -- At the verdict: CanaryMetric fields per metric (metric, samples, means, worse_by, interval,
  -- margin, conclusion).
  metrics        jsonb NOT NULL DEFAULT '[]',
  started_at     timestamptz NOT NULL DEFAULT now(),
  decided_at     timestamptz,
  -- When the registry was changed as the verdict says; null until then (retried every round).
  applied_at     timestamptz
);
CREATE UNIQUE INDEX optimizer_canaries_watching_idx
  ON optimizer_canaries (route, candidate, stable_version, arm_model, arm_version)
  WHERE status = 'watching';
CREATE INDEX optimizer_canaries_route_idx ON optimizer_canaries (route, id);

-- Down Migration

DROP TABLE optimizer_canaries;
ALTER TABLE optimizer_route_settings
  DROP COLUMN canary_alpha,
  DROP COLUMN canary_latency_margin,
  DROP COLUMN canary_error_margin,
  DROP COLUMN canary_quality_margin,
  DROP COLUMN canary_min_requests,
  DROP COLUMN canary_min_feedback,
  DROP COLUMN canary_promote_without_feedback;
