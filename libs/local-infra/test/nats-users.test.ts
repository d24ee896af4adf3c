import { setTimeout as delay } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNatsUsers } from '../src/nats-users.js';
import type { NatsUserName } from '../src/nats-users.js';
import { startLocalNats } from '../src/start-local-nats.js';
import { waitFor } from '../src/wait-for.js';
import type { LocalNats } from '../src/start-local-nats.js';

/** Both forms a subject takes: plain, and under a SWITCHBOARD_NAMESPACE. */
const STREAMS = [
  { name: 'INFER', subjects: ['infer.>'] },
  { name: 'DEMO_INFER', subjects: ['demo.infer.>'] },
];

describe('infra/nats/users.conf', () => {
  const users = generateNatsUsers('demo');
  let nats: LocalNats;
  const connections: NatsConnection[] = [];

  const connectAs = async (user: NatsUserName, password = users.passwords[user]) => {
    const connection = await connect({ servers: nats.url, user, pass: password, maxReconnectAttempts: 0 });
    connections.push(connection);
    return connection;
  };

  /** The error of a JetStream call, or undefined when it succeeds. */
  const failureOf = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (error: unknown) => error as Error,
    );

  beforeAll(async () => {
    nats = await startLocalNats({ users });
    const manager = await jetstreamManager(await connectAs('admin'));
    for (const stream of STREAMS) await manager.streams.add(stream);
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await nats?.stop();
  });

  it('refuses a connection without a password or with a wrong one', async () => {
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization/i);
    await expect(connectAs('worker', 'not-the-password')).rejects.toThrow(/Authorization/i);
  });

  it('refuses a worker publishing a job, plain or namespaced', async () => {
    const worker = jetstream(await connectAs('worker'), { timeout: 2_000 });

    for (const subject of ['infer.any-model.1', 'demo.infer.any-model.1']) {
      const failure = await failureOf(worker.publish(subject, 'run me'));
      expect(failure?.message).toMatch(/Permissions Violation for Publish to "(demo\.)?infer\.any-model\.1"/);
    }
  });

  it('refuses a worker and a router deleting or purging a stream, and lets the admin', async () => {
    for (const user of ['worker', 'router'] as const) {
      const manager = await jetstreamManager(await connectAs(user), { timeout: 2_000 });
      expect((await failureOf(manager.streams.delete('INFER')))?.message).toMatch(/Permissions Violation/);
      expect((await failureOf(manager.streams.purge('DEMO_INFER')))?.message).toMatch(
        /Permissions Violation/,
      );
    }
    const admin = await jetstreamManager(await connectAs('admin'));
    expect(await admin.streams.delete('DEMO_INFER')).toBe(true);
  });

  it("lets only workers write the namespace's results bucket and only routers its rate-limit counters", async () => {
    const admin = await jetstreamManager(await connectAs('admin'));
    await admin.streams.add({ name: 'KV_demo_results', subjects: ['$KV.demo_results.>'] });
    await admin.streams.add({ name: 'KV_demo_ratelimits', subjects: ['$KV.demo_ratelimits.>'] });
    const writers = { results: 'worker', ratelimits: 'router' } as const;
    const others = ['router', 'worker', 'registry', 'monitor', 'optimizer', 'resource-manager'] as const;
    for (const [bucket, writer] of Object.entries(writers)) {
      for (const user of others) {
        const client = jetstream(await connectAs(user), { timeout: 2_000 });
        const failure = await failureOf(client.publish(`$KV.demo_${bucket}.key`, 'planted'));
        if (user === writer) expect(failure).toBeUndefined();
        else expect(failure?.message, `${user} writing ${bucket}`).toMatch(/Permissions Violation/);
      }
    }
  });

  it("lets a worker answer on a router's reply subject and refuses every service but routers its JetStream acknowledgements", async () => {
    const router = await connectAs('router');
    const heard: string[] = [];
    for (const prefix of ['reply.r1', 'demo.reply.r1']) {
      router.subscribe(prefix, { callback: (_error, message) => void heard.push(message.subject) });
      router.subscribe(`${prefix}.ack.*`, {
        callback: (_error, message) => void heard.push(message.subject),
      });
    }
    await router.flush();
    const services = ['worker', 'registry', 'monitor', 'optimizer', 'resource-manager'] as const;
    for (const user of services) {
      const service = await connectAs(user);
      for (const prefix of ['reply.r1', 'demo.reply.r1']) {
        service.publish(prefix, user);
        service.publish(`${prefix}.ack.0`, '{"stream":"INFER","seq":1}');
      }
      await service.flush();
    }
    await router.flush();
    await waitFor(() => heard.length >= services.length * 2, { message: 'the answers on reply subjects' });
    // Give a permitted acknowledgement time to arrive, had the server let one through.
    await delay(200);
    expect(heard.filter((subject) => subject.includes('.ack.'))).toEqual([]);
    expect(heard).toHaveLength(services.length * 2);
  });

  it('lets the router publish jobs and a worker consume them', async () => {
    const ack = await jetstream(await connectAs('router')).publish('infer.any-model.1', 'job');
    expect(ack.stream).toBe('INFER');

    const manager = await jetstreamManager(await connectAs('worker'));
    const info = await manager.streams.info('INFER');
    expect(info.state.messages).toBe(1);
  });
});
