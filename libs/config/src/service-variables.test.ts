import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse-config.js';
import {
  databaseUrlVariable,
  logLevelVariable,
  metricsVariables,
  namespaceVariable,
  natsUrlVariable,
  readServiceConfig,
  serviceVariables,
  telemetryMaxBytesVariable,
} from './service-variables.js';

const shape = {
  ...natsUrlVariable,
  ...databaseUrlVariable,
  ...namespaceVariable,
  ...metricsVariables(9400),
  ...logLevelVariable,
  ...telemetryMaxBytesVariable,
};

describe('service variables', () => {
  it('fall back to the documented defaults when unset or empty', () => {
    const expected = {
      NATS_URL: 'nats://127.0.0.1:4222',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      SWITCHBOARD_NAMESPACE: '',
      METRICS_HOST: '0.0.0.0',
      METRICS_PORT: 9400,
      LOG_LEVEL: 'info',
      TELEMETRY_MAX_BYTES: 1024 ** 3,
    };

    expect(parseConfig(shape, {})).toEqual(expected);
    expect(parseConfig(shape, Object.fromEntries(Object.keys(expected).map((name) => [name, ''])))).toEqual(
      expected,
    );
  });

  it('read the values that are set', () => {
    expect(
      parseConfig(shape, {
        NATS_URL: 'tls://nats.internal:4222',
        DATABASE_URL: 'postgresql://switchboard@db:5432/switchboard',
        SWITCHBOARD_NAMESPACE: 'demo',
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: '0',
        LOG_LEVEL: 'silent',
        TELEMETRY_MAX_BYTES: '16777216',
      }),
    ).toEqual({
      NATS_URL: 'tls://nats.internal:4222',
      DATABASE_URL: 'postgresql://switchboard@db:5432/switchboard',
      SWITCHBOARD_NAMESPACE: 'demo',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: 0,
      LOG_LEVEL: 'silent',
      TELEMETRY_MAX_BYTES: 16 * 1024 ** 2,
    });
  });

  it('name every malformed variable with an example of a valid value', () => {
    const parse = () =>
      parseConfig(shape, {
        NATS_URL: 'http://127.0.0.1:4222',
        DATABASE_URL: 'mysql://x',
        METRICS_PORT: '70000',
        LOG_LEVEL: 'loud',
        SWITCHBOARD_NAMESPACE: 'Has.Dots',
        TELEMETRY_MAX_BYTES: '4096',
      });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/NATS_URL="http:\/\/127.0.0.1:4222".*example: NATS_URL=nats:\/\/127.0.0.1:4222/);
    expect(parse).toThrow(/DATABASE_URL="mysql:\/\/x".*example: DATABASE_URL=postgres:\/\//);
    expect(parse).toThrow(/METRICS_PORT="70000".*example: METRICS_PORT=9400/);
    expect(parse).toThrow(/LOG_LEVEL="loud".*example: LOG_LEVEL=debug/);
    expect(parse).toThrow(/TELEMETRY_MAX_BYTES="4096".*example: TELEMETRY_MAX_BYTES=268435456/);
    expect(parse).toThrow(
      /SWITCHBOARD_NAMESPACE="Has.Dots".*lowercase letters or digits.*example: SWITCHBOARD_NAMESPACE=demo/,
    );
  });

  it('give every service the same common settings under their config names', () => {
    const environment = {
      NATS_URL: 'nats://nats:4222',
      SWITCHBOARD_NAMESPACE: 'prod',
      NATS_STREAM_REPLICAS: '3',
      OTEL_TRACES_EXPORTER: 'otlp',
      HOME: '/root',
    };
    const values = parseConfig(serviceVariables(9403), environment);
    expect(readServiceConfig(values, environment)).toEqual({
      natsUrl: 'nats://nats:4222',
      nats: { url: 'nats://nats:4222' },
      natsStreamReplicas: 3,
      grpcTls: {},
      namespace: 'prod',
      metricsHost: '0.0.0.0',
      metricsPort: 9403,
      logLevel: 'info',
      otelEnvironment: { OTEL_TRACES_EXPORTER: 'otlp' },
    });
  });

  it('keep one replica of each stream unless told an odd number of up to five', () => {
    expect(parseConfig(serviceVariables(9401), {}).NATS_STREAM_REPLICAS).toBe(1);
    expect(() => parseConfig(serviceVariables(9401), { NATS_STREAM_REPLICAS: '2' })).toThrow(
      /NATS_STREAM_REPLICAS="2".*odd number.*example: NATS_STREAM_REPLICAS=3/,
    );
    expect(() => parseConfig(serviceVariables(9401), { NATS_STREAM_REPLICAS: '7' })).toThrow(
      /NATS_STREAM_REPLICAS="7"/,
    );
  });

  it('give each service its own default metrics port', () => {
    expect(parseConfig(metricsVariables(9401), {}).METRICS_PORT).toBe(9401);
    expect(parseConfig(metricsVariables(9404), {}).METRICS_PORT).toBe(9404);
    expect(() => parseConfig(metricsVariables(9404), { METRICS_PORT: '-1' })).toThrow(
      /METRICS_PORT="-1".*example: METRICS_PORT=9404/,
    );
  });
});
