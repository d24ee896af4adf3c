import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

// The variables every service shares (NATS_URL, DATABASE_URL, LOG_LEVEL, METRICS_*, …) are tested
// in libs/config; these tests cover the monitor's own.

describe('loadConfig', () => {
  it("falls back to the monitor's own defaults when nothing is set", () => {
    expect(loadConfig({})).toMatchObject({
      host: '0.0.0.0',
      port: 8020,
      loadIntervalMs: 250,
      checkpointIntervalMs: 2_000,
      maxGroups: 1_000,
      metricsPort: 9404,
    });
  });

  it('reads the listener and durations in any unit', () => {
    expect(
      loadConfig({
        MONITOR_HOST: '127.0.0.1',
        MONITOR_PORT: '8021',
        MONITOR_LOAD_INTERVAL: '1s',
        MONITOR_CHECKPOINT_INTERVAL: '500ms',
      }),
    ).toMatchObject({ host: '127.0.0.1', port: 8021, loadIntervalMs: 1_000, checkpointIntervalMs: 500 });
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () => loadConfig({ MONITOR_PORT: '-1', MONITOR_LOAD_INTERVAL: 'often' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/MONITOR_PORT="-1".*example: MONITOR_PORT=8020/s);
    expect(load).toThrow(/MONITOR_LOAD_INTERVAL="often".*example: MONITOR_LOAD_INTERVAL=250ms/s);
  });

  it('rejects intervals too short to finish one run before the next', () => {
    expect(() => loadConfig({ MONITOR_LOAD_INTERVAL: '10ms', MONITOR_CHECKPOINT_INTERVAL: '5ms' })).toThrow(
      /MONITOR_LOAD_INTERVAL=10ms: must be at least 50ms.*MONITOR_CHECKPOINT_INTERVAL=5ms: must be at least 100ms/s,
    );
  });
});
