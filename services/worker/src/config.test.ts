import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

// The variables every service shares (NATS_URL, LOG_LEVEL, METRICS_*, …) are tested in
// libs/config; these tests cover the worker's own.

describe('loadConfig', () => {
  it("falls back to the worker's own defaults when nothing is set", () => {
    expect(loadConfig({})).toMatchObject({
      models: [],
      ackWaitMs: 10_000,
      maxAttempts: 3,
      heartbeatIntervalMs: 2_000,
      drainGraceMs: 10_000,
      onnxThreads: 1,
      metricsPort: 9403,
    });
  });

  it('reads the models to serve and the worker id', () => {
    expect(
      loadConfig({ WORKER_MODELS: 'classifier-small, ,classifier-large', WORKER_ID: 'worker-a' }),
    ).toMatchObject({ models: ['classifier-small', 'classifier-large'], workerId: 'worker-a' });
    expect(loadConfig({}).workerId).toMatch(/-[0-9a-f]{6}$/);
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () => loadConfig({ WORKER_MAX_ATTEMPTS: '0', WORKER_DRAIN_GRACE: 'forever' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/WORKER_MAX_ATTEMPTS="0".*example: WORKER_MAX_ATTEMPTS=3/s);
    expect(load).toThrow(/WORKER_DRAIN_GRACE="forever".*example: WORKER_DRAIN_GRACE=10s/s);
  });
});
