import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

// The variables every service shares (NATS_URL, DATABASE_URL, LOG_LEVEL, METRICS_*, …) are tested
// in libs/config; these tests cover the registry's own.

describe('loadConfig', () => {
  it("falls back to the registry's own defaults when nothing is set", () => {
    expect(loadConfig({})).toMatchObject({ host: '0.0.0.0', port: 8010, metricsPort: 9402 });
  });

  it('reads the admin API listener', () => {
    expect(loadConfig({ REGISTRY_HOST: '127.0.0.1', REGISTRY_PORT: '0' })).toMatchObject({
      host: '127.0.0.1',
      port: 0,
    });
  });

  it('names a malformed port with an example of a valid value', () => {
    const load = () => loadConfig({ REGISTRY_PORT: '80000' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/REGISTRY_PORT="80000".*example: REGISTRY_PORT=8010/s);
  });
});
