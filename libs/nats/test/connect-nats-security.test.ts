import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createLogger } from '@switchboard/logging';
import { UnavailableError } from '@switchboard/errors';
import { createTestCertificates, findFreePort, waitFor } from '@switchboard/testkit';
import type { TestCertificates } from '@switchboard/testkit';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../src/connect-nats.js';

const USER = 'worker';
const PASSWORD = 'sb-worker-password-4f1e9c';
const logger = createLogger({ service: 'test', level: 'silent' });

/** Resolves true once something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket.destroy() !== undefined));
    socket.once('error', () => resolve(false));
  });
}

describe('connectNats to a server that requires TLS, a client certificate and a password', () => {
  let certificates: TestCertificates;
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    certificates = createTestCertificates();
    const port = await findFreePort();
    url = `tls://localhost:${port}`;
    server = spawn(
      'nats-server',
      ['-a', '127.0.0.1', '-p', String(port), '--user', USER, '--pass', PASSWORD]
        .concat([
          '--tlsverify',
          '--tlscert',
          certificates.serverCertFile,
          '--tlskey',
          certificates.serverKeyFile,
        ])
        .concat(['--tlscacert', certificates.caFile]),
      { stdio: 'ignore' },
    );
    await waitFor(() => accepts(port), { timeoutMs: 10_000, message: 'nats-server with TLS never listened' });
  });

  afterAll(() => {
    server?.kill();
    certificates?.remove();
  });

  const tls = () => ({
    caFile: certificates.caFile,
    certFile: certificates.clientCertFile,
    keyFile: certificates.clientKeyFile,
  });

  it('connects with the CA, a client certificate and the password from its settings', async () => {
    const connection = await connectNats({
      url,
      user: USER,
      password: PASSWORD,
      tls: tls(),
      name: 'test',
      logger,
    });
    try {
      const subscription = connection.subscribe('greeting', { max: 1 });
      connection.publish('greeting', 'hello');
      for await (const message of subscription) expect(message.string()).toBe('hello');
    } finally {
      await connection.close();
    }
  });

  it('is refused without a client certificate', async () => {
    const attempt = connectNats({
      url,
      user: USER,
      password: PASSWORD,
      tls: { caFile: certificates.caFile },
      name: 'test',
      logger,
      connectTimeoutMs: 2_000,
    });

    await expect(attempt).rejects.toBeInstanceOf(UnavailableError);
  });

  it('says the credentials were refused, without repeating the password', async () => {
    const error = await connectNats({
      url,
      user: USER,
      password: `${PASSWORD}-wrong`,
      tls: tls(),
      name: 'test',
      logger,
    }).catch((rejection: unknown) => rejection as Error);

    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/refused the credentials; check NATS_USER\/NATS_PASSWORD/);
    expect((error as Error).message).not.toContain(PASSWORD);
  });
});
