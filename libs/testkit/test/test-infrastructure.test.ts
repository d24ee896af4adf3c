import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { testInfrastructure } from '../src/test-infrastructure.js';

function readGreeting(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    // 4222 is the NATS default when the URL names no port.
    const socket = connect({ host: hostname, port: port === '' ? 4222 : Number(port) });
    socket.setEncoding('utf8');
    socket.once('data', (chunk: string) => {
      socket.destroy();
      resolve(chunk);
    });
    socket.once('error', reject);
  });
}

describe('testInfrastructure', () => {
  it('returns the URLs the global setup provided, with JetStream enabled on the NATS server', async () => {
    const { natsUrl, databaseUrl } = testInfrastructure();

    expect(natsUrl).toMatch(/^nats:\/\//);
    expect(databaseUrl).toMatch(/^postgres(ql)?:\/\//);
    expect(await readGreeting(natsUrl)).toMatch(/^INFO .*"jetstream":true/);
  });
});
