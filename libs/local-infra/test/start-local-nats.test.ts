import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalProcessStartError } from '../src/local-process-start-error.js';
import { startLocalNats } from '../src/start-local-nats.js';
import type { LocalNats } from '../src/start-local-nats.js';
import { isProcessAlive, listDescendants } from './process-table.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

describe('startLocalNats', () => {
  const started: LocalNats[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((nats) => nats.stop()));
  });

  it('starts a throwaway nats-server whose JetStream accepts streams and messages', async () => {
    const nats = await startLocalNats();
    started.push(nats);
    expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);

    const connection = await connect({ servers: nats.url });
    try {
      const manager = await jetstreamManager(connection);
      await manager.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      const ack = await jetstream(connection).publish('orders.created', 'first');
      expect(ack).toMatchObject({ stream: 'ORDERS', seq: 1 });
    } finally {
      await connection.close();
    }
  });

  it('leaves no process and no store directory behind after stop', async () => {
    const nats = await startLocalNats();
    started.push(nats);
    expect(isProcessAlive(nats.pid)).toBe(true);
    expect(existsSync(nats.directory)).toBe(true);

    await Promise.all([nats.stop(), nats.stop()]);

    expect(isProcessAlive(nats.pid)).toBe(false);
    expect(existsSync(nats.directory)).toBe(false);
    expect(listDescendants().filter((entry) => entry.command === 'nats-server')).toEqual([]);
  });

  it('keeps its streams and messages across stopServer and restartServer, on the same url', async () => {
    const nats = await startLocalNats();
    started.push(nats);
    const first = await connect({ servers: nats.url });
    try {
      await (await jetstreamManager(first)).streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
      await jetstream(first).publish('orders.created', 'kept');
    } finally {
      await first.close();
    }
    const firstPid = nats.pid;

    await nats.stopServer();
    expect(isProcessAlive(firstPid)).toBe(false);
    await nats.restartServer();

    const second = await connect({ servers: nats.url });
    try {
      const stored = await (await jetstreamManager(second)).streams.getMessage('ORDERS', { seq: 1 });
      expect(stored?.string()).toBe('kept');
      expect(nats.pid).not.toBe(firstPid);
    } finally {
      await second.close();
    }
  });

  it('fails with the server output when the requested port is taken', async () => {
    const blocker = createServer();
    const port = await listen(blocker);
    try {
      const failure = await startLocalNats({ port }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LocalProcessStartError);
      expect(failure).toMatchObject({ portInUse: true });
      expect((failure as Error).message).toMatch(/address already in use/i);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
