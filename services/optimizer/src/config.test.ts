import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

// The variables every service shares (NATS_URL, DATABASE_URL, LOG_LEVEL, METRICS_*, …) are tested
// in libs/config; these tests cover the optimizer's own.

describe('loadConfig', () => {
  it("falls back to the optimizer's own defaults when nothing is set", () => {
    expect(loadConfig({})).toMatchObject({
      host: '0.0.0.0',
      port: 8030,
      metricsPort: 9405,
      publishIntervalMs: 2_000,
      maxObservations: 10_000,
      maxImportedRows: 50_000,
      maxDecisions: 100_000,
      refitAfterObservations: 500,
      batchingIntervalMs: 10_000,
    });
  });

  it('reads durations in any unit and the row limits', () => {
    expect(
      loadConfig({
        OPTIMIZER_PORT: '8031',
        OPTIMIZER_PUBLISH_INTERVAL: '1s',
        OPTIMIZER_MAX_OBSERVATIONS: '500',
        OPTIMIZER_MAX_IMPORTED_ROWS: '1000',
        OPTIMIZER_MAX_DECISIONS: '2000',
      }),
    ).toMatchObject({
      port: 8031,
      publishIntervalMs: 1_000,
      maxObservations: 500,
      maxImportedRows: 1_000,
      maxDecisions: 2_000,
    });
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () => loadConfig({ OPTIMIZER_PORT: 'x', OPTIMIZER_MAX_OBSERVATIONS: '10' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/OPTIMIZER_PORT="x".*example: OPTIMIZER_PORT=8030/s);
    expect(load).toThrow(/OPTIMIZER_MAX_OBSERVATIONS="10".*example: OPTIMIZER_MAX_OBSERVATIONS=10000/s);
  });

  it('rejects a batching interval under 100ms', () => {
    expect(() => loadConfig({ OPTIMIZER_BATCHING_INTERVAL: '50ms' })).toThrow(
      /OPTIMIZER_BATCHING_INTERVAL=50ms: must be at least 100ms \(example: OPTIMIZER_BATCHING_INTERVAL=10s\)/,
    );
  });

  it('rejects a publish interval too short to finish one publication before the next', () => {
    expect(() => loadConfig({ OPTIMIZER_PUBLISH_INTERVAL: '20ms' })).toThrow(
      /OPTIMIZER_PUBLISH_INTERVAL=20ms: must be at least 100ms \(example: OPTIMIZER_PUBLISH_INTERVAL=2s\)/,
    );
  });
});
