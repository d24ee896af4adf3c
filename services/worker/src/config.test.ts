import { availableParallelism, totalmem } from 'node:os';
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
      heartbeatIntervalMs: 1_000,
      memoryBytes: Math.floor(totalmem() / 2),
      slots: availableParallelism(),
      drainGraceMs: 10_000,
      onnxThreads: 1,
      metricsPort: 9403,
    });
  });

  it('reads the models to serve and the worker id', () => {
    expect(
      loadConfig({ WORKER_MODELS: 'classifier-small, ,classifier-large', WORKER_ID: 'worker-a' }),
    ).toMatchObject({ models: ['classifier-small', 'classifier-large'], workerId: 'worker-a' });
    expect(loadConfig({}).workerId).toMatch(/^[A-Za-z0-9_-]+-[0-9a-f]{6}$/);
  });

  it('reads an upstream credential from the environment it was loaded from, and none when unset or empty', () => {
    const config = loadConfig({ UPSTREAM_KEY: 'sk-test', EMPTY_KEY: '' });
    expect(config.credential('UPSTREAM_KEY')).toBe('sk-test');
    expect(config.credential('EMPTY_KEY')).toBeUndefined();
    expect(config.credential('MISSING_KEY')).toBeUndefined();
  });

  it('reads the memory bound and the slots', () => {
    expect(loadConfig({ WORKER_MEMORY_BYTES: '2147483648', WORKER_SLOTS: '8' })).toMatchObject({
      memoryBytes: 2_147_483_648,
      slots: 8,
    });
  });

  it('refuses a worker id that is no safe subject token', () => {
    for (const workerId of ['worker.a', 'worker a', 'w*', 'w>', 'x'.repeat(101)]) {
      expect(() => loadConfig({ WORKER_ID: workerId })).toThrow(/WORKER_ID=.*example: WORKER_ID=worker-a/s);
    }
    expect(loadConfig({ WORKER_ID: 'Worker_7-b' }).workerId).toBe('Worker_7-b');
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () =>
      loadConfig({ WORKER_MAX_ATTEMPTS: '0', WORKER_DRAIN_GRACE: 'forever', WORKER_MEMORY_BYTES: '0' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/WORKER_MAX_ATTEMPTS="0".*example: WORKER_MAX_ATTEMPTS=3/s);
    expect(load).toThrow(/WORKER_DRAIN_GRACE="forever".*example: WORKER_DRAIN_GRACE=10s/s);
    expect(load).toThrow(/WORKER_MEMORY_BYTES="0".*example: WORKER_MEMORY_BYTES=2147483648/s);
  });
});
