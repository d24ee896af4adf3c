import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { startLocalNats } from '@switchboard/local-infra';
import type { LocalNats } from '@switchboard/local-infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckedPublisher } from '../src/acked-publisher.js';

const STREAM = 'ACKS';
const INBOX = 'replies.router-1';

describe('AckedPublisher', () => {
  let server: LocalNats;
  let connection: NatsConnection;
  let manager: JetStreamManager;
  let publisher: AckedPublisher;

  beforeAll(async () => {
    server = await startLocalNats();
    connection = await connect({ servers: server.url });
    manager = await jetstreamManager(connection);
    await manager.streams.add({ name: STREAM, subjects: ['jobs.>'], max_msgs: 3, discard: 'new' as never });
    publisher = new AckedPublisher(connection, INBOX);
    publisher.start();
  });

  afterAll(async () => {
    publisher?.stop();
    await connection?.close();
    await server?.stop();
  });

  const publish = (subject: string, msgId: string, timeoutMs = 2_000) =>
    publisher.publish(subject, new TextEncoder().encode(msgId), { msgId, headers: headers(), timeoutMs });

  it('resolves once the stream stored the message, and says duplicate for a second message with the same id', async () => {
    const first = await publish('jobs.a', 'one');
    expect(first).toMatchObject({ stream: STREAM, duplicate: false });
    const again = await publish('jobs.a', 'one');
    expect(again).toEqual({ stream: STREAM, seq: first.seq, duplicate: true });
    const stored = await manager.streams.getMessage(STREAM, { seq: first.seq });
    expect(stored?.header.get('Nats-Msg-Id')).toBe('one');
    expect((await manager.streams.info(STREAM)).state.messages).toBe(1);
  });

  it('rejects, naming the cause, when no stream takes the subject', async () => {
    await expect(publish('nowhere.a', 'two')).rejects.toThrow(/no JetStream stream takes the subject/);
  });

  it("rejects with JetStream's reason when the stream refuses the message", async () => {
    await publish('jobs.b', 'three');
    await publish('jobs.b', 'four');
    await expect(publish('jobs.b', 'five')).rejects.toThrow(
      /JetStream refused the message: maximum messages/,
    );
  });

  it('rejects when no acknowledgement arrives in time, and ignores the late one', async () => {
    process.kill(server.pid, 'SIGSTOP');
    try {
      await expect(publish('jobs.c', 'six', 200)).rejects.toThrow(/did not acknowledge jobs.c within 200 ms/);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    // The late acknowledgement finds no waiter; the next publish is answered normally.
    await expect(publish('jobs.c', 'seven')).rejects.toThrow(/maximum messages/);
  });

  it('fails the publishes still waiting when stopped', async () => {
    const other = new AckedPublisher(connection, 'replies.router-2');
    other.start();
    process.kill(server.pid, 'SIGSTOP');
    try {
      const waiting = other.publish('jobs.d', new Uint8Array(1), {
        msgId: 'eight',
        headers: headers(),
        timeoutMs: 5_000,
      });
      other.stop();
      await expect(waiting).rejects.toThrow(/stopped before JetStream acknowledged/);
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
  });
});
