import { create, toBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames } from '@switchboard/nats';
import { WorkerHeartbeatSchema, WorkerState } from '@switchboard/protocol';
import { createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscribeHeartbeats, WorkerPresence } from '../src/index.js';

function encodeHeartbeat(workerId: string, state: WorkerState): Uint8Array {
  return toBinary(
    WorkerHeartbeatSchema,
    create(WorkerHeartbeatSchema, {
      workerId,
      state,
      models: [{ name: 'classifier', version: '1' }],
      atUnixMs: BigInt(Date.now()),
      intervalMs: 60_000n,
    }),
  );
}

describe('subscribeHeartbeats', () => {
  let connection: NatsConnection;
  let subject: string;
  let subscription: Subscription;
  let presence: WorkerPresence;
  let logLines: Record<string, unknown>[];

  /** Resolves once `connection` has received one more message on `subject` after everything sent so far. */
  async function afterDelivery(): Promise<void> {
    const probe = connection.subscribe(subject, { max: 1 });
    connection.publish(subject, new Uint8Array());
    for await (const message of probe) void message;
  }

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    subject = createSubjectNames(createTestNamespace('presence')).workerHeartbeatSubject;
    logLines = [];
    const logger = createLogger({
      service: 'test',
      level: 'warn',
      destination: {
        write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    presence = new WorkerPresence();
    subscription = subscribeHeartbeats(connection, subject, presence, logger);
  });

  afterEach(async () => {
    subscription.unsubscribe();
    await connection.close();
    expect(subscription.isClosed()).toBe(true);
  });

  it('records the heartbeats workers publish on the subject', async () => {
    connection.publish(subject, encodeHeartbeat('a', WorkerState.READY));
    await waitFor(() => presence.isServed('classifier', '1'), { message: 'worker a to serve classifier' });

    connection.publish(subject, encodeHeartbeat('a', WorkerState.DRAINING));
    await waitFor(() => presence.countByState().draining === 1, { message: 'worker a to drain' });
    expect(presence.isServed('classifier')).toBe(false);
  });

  it('logs and skips a message that is not a heartbeat, and keeps recording', async () => {
    connection.publish(subject, new Uint8Array([0xff, 0xff, 0xff]));
    connection.publish(subject, encodeHeartbeat('b', WorkerState.READY));

    await waitFor(() => presence.liveWorkers('classifier') === 1, { message: 'worker b' });
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'ignoring undecodable heartbeat' }));
  });

  it('records nothing once unsubscribed', async () => {
    subscription.unsubscribe();
    connection.publish(subject, encodeHeartbeat('c', WorkerState.READY));
    await afterDelivery();

    expect(presence.countByState()).toEqual({ ready: 0, draining: 0 });
  });
});
