import { ConfigError } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

// The variables every service shares (NATS_URL, LOG_LEVEL, METRICS_*, …) are tested in
// libs/config; these tests cover the router's own.

describe('loadConfig', () => {
  it("falls back to the router's own defaults when nothing is set", () => {
    expect(loadConfig({})).toMatchObject({
      host: '0.0.0.0',
      port: 8001,
      defaultTimeoutMs: 30_000,
      maxRequestBytes: 983_040,
      metricsPort: 9401,
      limits: {
        maxIdBytes: 256,
        maxParameters: 64,
        maxParameterBytes: 4_096,
        maxTensors: 64,
        maxMetadataBytes: 16_384,
      },
      decisionsMaxBytes: 1024 ** 3,
    });
  });

  it('serves HTTP/REST on 8000 by default, on the port asked for, or not at all with off', () => {
    expect(loadConfig({})).toMatchObject({ httpHost: '0.0.0.0', httpPort: 8000 });
    expect(loadConfig({ ROUTER_HTTP_HOST: '127.0.0.1', ROUTER_HTTP_PORT: '0' })).toMatchObject({
      httpHost: '127.0.0.1',
      httpPort: 0,
    });
    expect(loadConfig({ ROUTER_HTTP_PORT: 'off' }).httpPort).toBeUndefined();
    expect(() => loadConfig({ ROUTER_HTTP_PORT: 'eighty' })).toThrow(/ROUTER_HTTP_PORT="eighty"/);
  });

  it('reads the decisions bucket limit and refuses one below 1 MiB', () => {
    expect(loadConfig({ ROUTER_DECISIONS_MAX_BYTES: '16777216' }).decisionsMaxBytes).toBe(16 * 1024 ** 2);
    expect(() => loadConfig({ ROUTER_DECISIONS_MAX_BYTES: '1000' })).toThrow(
      /ROUTER_DECISIONS_MAX_BYTES="1000"/,
    );
  });

  it('reads the request limits and refuses ones too small for a normal request', () => {
    expect(loadConfig({ ROUTER_MAX_ID_BYTES: '64', ROUTER_MAX_TENSORS: '8' }).limits).toMatchObject({
      maxIdBytes: 64,
      maxTensors: 8,
    });
    // A UUID request id is 36 bytes; a smaller limit would refuse every stock client.
    expect(() => loadConfig({ ROUTER_MAX_ID_BYTES: '16' })).toThrow(/ROUTER_MAX_ID_BYTES="16"/);
  });

  it('gives each router a random id unless ROUTER_ID names one', () => {
    const first = loadConfig({}).routerId;

    expect(first).toMatch(/^[0-9a-f]{8}$/);
    expect(loadConfig({}).routerId).not.toBe(first);
    expect(loadConfig({ ROUTER_ID: 'router-a' }).routerId).toBe('router-a');
  });

  it('names every malformed variable with an example of a valid value', () => {
    const load = () => loadConfig({ ROUTER_DEFAULT_TIMEOUT: 'soon', ROUTER_MAX_REQUEST_BYTES: '512' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/ROUTER_DEFAULT_TIMEOUT="soon".*example: ROUTER_DEFAULT_TIMEOUT=30s/s);
    expect(load).toThrow(/ROUTER_MAX_REQUEST_BYTES="512".*example: ROUTER_MAX_REQUEST_BYTES=983040/s);
  });

  it('reads tier settings as JSON and fills in a missing quality floor', () => {
    const config = loadConfig({
      ROUTER_TIERS: '{"gold":{"slaMs":200,"minQuality":0.95},"basic":{"slaMs":2000}}',
      ROUTER_DEFAULT_TIER: 'basic',
      ROUTER_AUTH: 'required',
    });
    expect(config).toMatchObject({
      auth: 'required',
      defaultTier: 'basic',
      tiers: { gold: { slaMs: 200, minQuality: 0.95 }, basic: { slaMs: 2000, minQuality: 0 } },
    });
  });

  it('gives each default tier a share weight, and a tier configured without one a weight of 1', () => {
    expect(loadConfig({}).tiers).toMatchObject({
      free: { shareWeight: 1 },
      standard: { shareWeight: 2 },
      premium: { shareWeight: 4 },
    });
    const config = loadConfig({
      ROUTER_TIERS: '{"gold":{"slaMs":200,"shareWeight":8},"standard":{"slaMs":2000}}',
    });
    expect(config.tiers).toMatchObject({ gold: { shareWeight: 8 }, standard: { shareWeight: 1 } });
  });

  it('refuses a share weight that is not a whole number from 1 to 64', () => {
    for (const shareWeight of ['0', '1.5', '65', '"2"']) {
      expect(() =>
        loadConfig({ ROUTER_TIERS: `{"standard":{"slaMs":100,"shareWeight":${shareWeight}}}` }),
      ).toThrow(/ROUTER_TIERS=/);
    }
  });

  it('gives tiers rate, burst and concurrency limits, and a tier configured without them none', () => {
    expect(loadConfig({}).tiers).toMatchObject({
      free: { ratePerSecond: 10, burst: 20, maxConcurrent: 8 },
      standard: { ratePerSecond: 0, maxConcurrent: 1024 },
    });
    const config = loadConfig({
      ROUTER_TIERS: '{"gold":{"slaMs":200,"ratePerSecond":50,"burst":5},"standard":{"slaMs":2000}}',
    });
    expect(config.tiers).toMatchObject({
      gold: { ratePerSecond: 50, burst: 5, maxConcurrent: 0 },
      standard: { ratePerSecond: 0, burst: 0, maxConcurrent: 0 },
    });
  });

  it('refuses a deadline cap below the default timeout or above the 120 s duplicate window', () => {
    expect(loadConfig({}).maxDeadlineMs).toBe(60_000);
    expect(() => loadConfig({ ROUTER_MAX_DEADLINE: '10s' })).toThrow(/ROUTER_MAX_DEADLINE=10000ms/);
    expect(() => loadConfig({ ROUTER_MAX_DEADLINE: '5m' })).toThrow(/at most 120s/);
  });

  it('refuses tier settings that are not JSON, lack a budget, or miss the default tier', () => {
    expect(() => loadConfig({ ROUTER_TIERS: '{gold' })).toThrow(/ROUTER_TIERS=.*expected JSON/s);
    expect(() => loadConfig({ ROUTER_TIERS: '{"gold":{"minQuality":1}}' })).toThrow(/ROUTER_TIERS=/);
    expect(() => loadConfig({ ROUTER_TIERS: '{"gold":{"slaMs":100}}' })).toThrow(
      /ROUTER_DEFAULT_TIER="standard" has no settings in ROUTER_TIERS \(tiers: gold\)/,
    );
  });
});
