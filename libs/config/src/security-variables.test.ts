import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './parse-config.js';
import { adminTokenVariable } from './security-variables.js';
import { readServiceConfig, serviceVariables } from './service-variables.js';

function read(environment: Record<string, string>) {
  return readServiceConfig(parseConfig(serviceVariables(0), environment), environment);
}

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('security variables', () => {
  it('connect to NATS anonymously and serve gRPC in plaintext when nothing is set', () => {
    const config = read({});

    expect(config.nats).toEqual({ url: 'nats://127.0.0.1:4222' });
    expect(config.grpcTls).toEqual({});
  });

  it('read NATS user and password, TLS files, and gRPC server and client TLS files', () => {
    const config = read({
      NATS_USER: 'worker',
      NATS_PASSWORD: 'worker-password',
      NATS_TLS_CA_FILE: '/ca.pem',
      GRPC_TLS_CERT_FILE: '/server.pem',
      GRPC_TLS_KEY_FILE: '/server-key.pem',
      GRPC_TLS_CLIENT_CA_FILE: '/clients.pem',
      GRPC_TLS_CA_FILE: '/ca.pem',
    });

    expect(config.nats).toEqual({
      url: 'nats://127.0.0.1:4222',
      user: 'worker',
      password: 'worker-password',
      tls: { caFile: '/ca.pem' },
    });
    expect(config.grpcTls).toEqual({
      server: { certFile: '/server.pem', keyFile: '/server-key.pem', clientCaFile: '/clients.pem' },
      client: { caFile: '/ca.pem' },
    });
  });

  it('refuse a NATS user without a password, a certificate without its key, and a client CA without TLS', () => {
    const message = problemsOf(() =>
      read({ NATS_USER: 'worker', GRPC_TLS_CERT_FILE: '/server.pem', GRPC_TLS_CLIENT_CA_FILE: '/ca.pem' }),
    );

    expect(message).toContain('NATS_USER and NATS_PASSWORD go together');
    expect(message).toContain('GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE go together');
    expect(message).toContain('GRPC_TLS_CLIENT_CA_FILE needs GRPC_TLS_CERT_FILE');
  });

  it('never repeat a rejected admin token or the password of a rejected URL in the error', () => {
    const shape = { ...adminTokenVariable, ...serviceVariables(0) };
    const message = problemsOf(() =>
      parseConfig(shape, {
        SWITCHBOARD_ADMIN_TOKEN: 'short-secret',
        NATS_URL: 'http://user:hunter2@nats:4222',
      }),
    );

    expect(message).toContain('SWITCHBOARD_ADMIN_TOKEN="<hidden>": use at least 16 characters');
    expect(message).toContain('NATS_URL="http://user:hidden@nats:4222/"');
    expect(message).not.toContain('short-secret');
    expect(message).not.toContain('hunter2');
  });
});
