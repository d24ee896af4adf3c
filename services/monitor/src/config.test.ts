import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('falls back to the local defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      namespace: '',
      host: '0.0.0.0',
      port: 8020,
      loadIntervalMs: 250,
      checkpointIntervalMs: 2_000,
      metricsHost: '0.0.0.0',
      metricsPort: 9404,
      logLevel: 'info',
      otelEnvironment: {},
    });
  });

  it('reads the metrics listener and passes the OTEL_* variables through', () => {
    expect(
      loadConfig({
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: '0',
        OTEL_TRACES_EXPORTER: 'otlp',
        MONITOR_PORT: '8021',
      }),
    ).toMatchObject({
      metricsHost: '127.0.0.1',
      metricsPort: 0,
      port: 8021,
      otelEnvironment: { OTEL_TRACES_EXPORTER: 'otlp' },
    });
  });

  it('reads durations in any unit', () => {
    expect(loadConfig({ MONITOR_LOAD_INTERVAL: '1s', MONITOR_CHECKPOINT_INTERVAL: '500ms' })).toMatchObject({
      loadIntervalMs: 1_000,
      checkpointIntervalMs: 500,
    });
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () =>
      loadConfig({
        MONITOR_PORT: '-1',
        MONITOR_LOAD_INTERVAL: 'often',
        DATABASE_URL: 'mysql://x',
        METRICS_PORT: '70000',
      });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/MONITOR_PORT="-1".*example: MONITOR_PORT=8020/s);
    expect(load).toThrow(/MONITOR_LOAD_INTERVAL="often".*example: MONITOR_LOAD_INTERVAL=250ms/s);
    expect(load).toThrow(/DATABASE_URL="mysql:\/\/x"/);
    expect(load).toThrow(/METRICS_PORT="70000".*example: METRICS_PORT=9404/s);
  });

  it('rejects intervals too short to finish one run before the next', () => {
    expect(() => loadConfig({ MONITOR_LOAD_INTERVAL: '10ms', MONITOR_CHECKPOINT_INTERVAL: '5ms' })).toThrow(
      /MONITOR_LOAD_INTERVAL=10ms: must be at least 50ms.*MONITOR_CHECKPOINT_INTERVAL=5ms: must be at least 100ms/s,
    );
  });

  it('rejects a namespace that cannot prefix NATS subjects', () => {
    expect(() => loadConfig({ SWITCHBOARD_NAMESPACE: 'Has.Dots' })).toThrow(
      /SWITCHBOARD_NAMESPACE="Has.Dots"/,
    );
  });
});
