import { credentials, makeGenericClientConstructor, status } from '@grpc/grpc-js';
import type { Client, ServiceError } from '@grpc/grpc-js';
import { createLogger } from '@switchboard/logging';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { startGrpcServer } from '../src/index.js';
import type { RunningGrpcServer } from '../src/index.js';

const HealthClient = makeGenericClientConstructor(healthService, 'Health');

type HealthCheck = (
  request: { service: string },
  callback: (error: ServiceError | null, response?: { status: string | number }) => void,
) => void;

/** Asks `address` for the health of `service` over plaintext; resolves with the status name. */
function checkHealth(address: string, service = ''): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure()) as unknown as Client & {
    check: HealthCheck;
  };
  return new Promise<string>((resolve, reject) => {
    client.check({ service }, (error, response) => {
      client.close();
      if (error !== null) reject(error);
      else resolve(String(response?.status));
    });
  });
}

describe('startGrpcServer with a health port', () => {
  let server: RunningGrpcServer | undefined;

  afterEach(async () => {
    await server?.stop(0);
    server = undefined;
  });

  it('answers health checks on a plaintext port of its own, following setServing, until stop', async () => {
    server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      services: [],
      logger: createLogger({ service: 'health-port-test', level: 'silent' }),
      healthPort: 0,
    });
    const healthAddress = `127.0.0.1:${server.healthPort}`;
    expect(server.healthPort).toBeGreaterThan(0);
    expect(server.healthPort).not.toBe(server.port);

    expect(await checkHealth(healthAddress)).toBe('NOT_SERVING');
    server.setServing(true);
    expect(await checkHealth(healthAddress)).toBe('SERVING');
    await expect(checkHealth(healthAddress, 'no.such.Service')).rejects.toMatchObject({
      code: status.NOT_FOUND,
    });

    await server.stop(0);
    await expect(checkHealth(healthAddress)).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });

  it('opens no second port unless asked', async () => {
    server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      services: [],
      logger: createLogger({ service: 'health-port-test', level: 'silent' }),
    });
    expect(server.healthPort).toBeUndefined();
    server.setServing(true);
    expect(await checkHealth(`127.0.0.1:${server.port}`)).toBe('SERVING');
  });
});
