-- Up Migration

-- Per-minute request figures per (model, version, route, tenant): the history demand forecasting
-- and the optimizer read. Written by the monitor once a minute is finished, in the same transaction
-- as the checkpoint that stops holding it, so a row is never lost nor counted twice.
CREATE TABLE metric_rollups (
  -- Start of the minute, on the records' own clock (at_unix_ms).
  minute            timestamptz NOT NULL,
  model             text NOT NULL,
  version           text NOT NULL,
  -- '' when the client named a model rather than a route.
  route             text NOT NULL,
  tenant            text NOT NULL,
  count             bigint NOT NULL CHECK (count >= 0),
  -- Requests answered with a non-OK status.
  errors            bigint NOT NULL CHECK (errors >= 0),
  -- { "OK": n, "DEADLINE_EXCEEDED": n, ... }: count by gRPC status name.
  status_counts     jsonb NOT NULL DEFAULT '{}',
  -- End-to-end latency percentiles, to HDR's 3 significant digits; max_ms is exact.
  p50_ms            double precision NOT NULL,
  p95_ms            double precision NOT NULL,
  p99_ms            double precision NOT NULL,
  max_ms            double precision NOT NULL,
  -- Total cost of the minute's requests, millionths of a US dollar.
  cost_micros       double precision NOT NULL,
  -- The latency histogram (microseconds, HdrHistogram V2 compressed base64), so percentiles over
  -- several minutes or groups can be computed exactly by merging, and late records merged in.
  latency_histogram text NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (minute, model, version, route, tenant)
);

-- Serves "the history of one model" for forecasting.
CREATE INDEX metric_rollups_model_minute_idx ON metric_rollups (model, minute);

-- One row per telemetry stream (the stream name carries the namespace): the last stream sequence
-- the monitor counted and everything it had counted by then.
CREATE TABLE monitor_checkpoints (
  stream        text PRIMARY KEY,
  last_sequence bigint NOT NULL CHECK (last_sequence >= 0),
  -- AggregatorState (services/monitor/src/aggregator-state.ts).
  state         jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE monitor_checkpoints;
DROP TABLE metric_rollups;
