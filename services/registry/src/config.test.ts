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
      port: 8010,
      metricsHost: '0.0.0.0',
      metricsPort: 9402,
      logLevel: 'info',
      otelEnvironment: {},
    });
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () => loadConfig({ REGISTRY_PORT: '80000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/REGISTRY_PORT="80000".*example: REGISTRY_PORT=8010/s);
    expect(load).toThrow(/DATABASE_URL="mysql:\/\/x".*postgres:\/\//s);
    expect(load).toThrow(/LOG_LEVEL="loud"/);
  });

  it('rejects a namespace that cannot prefix NATS subjects', () => {
    expect(() => loadConfig({ SWITCHBOARD_NAMESPACE: 'Has.Dots' })).toThrow(
      /SWITCHBOARD_NAMESPACE="Has.Dots"/,
    );
  });
});
