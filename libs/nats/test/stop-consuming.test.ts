import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { AckPolicy, RetentionPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopConsuming } from '../src/index.js';

const ROUNDS = 5;

describe('stopConsuming', () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    manager = await jetstreamManager(connection);
  });

  afterEach(async () => {
    await connection.close();
  });

  /**
   * Consumes a work queue that is being published to as fast as the connection allows, stops
   * mid-stream, acks everything the reader saw, and returns how many messages the server still
   * counts as delivered and unacknowledged: messages nobody will see until AckWait passes.
   */
  const strandedAfterStoppingMidStream = async (): Promise<number> => {
    const stream = createTestNamespace('stopconsuming').toUpperCase();
    await manager.streams.add({
      name: stream,
      subjects: [`${stream}.>`],
      retention: RetentionPolicy.Workqueue,
    });
    await manager.consumers.add(stream, {
      durable_name: 'reader',
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(60_000),
    });
    const messages = await jetstream(connection)
      .consumers.get(stream, 'reader')
      .then((consumer) => consumer.consume({ max_messages: 8 }));
    const reading = (async () => {
      for await (const message of messages) message.ack();
    })();
    let publishing = true;
    const publisher = (async () => {
      const js = jetstream(connection);
      for (let index = 0; publishing; index += 1) {
        void js.publish(`${stream}.job`, String(index)).catch(() => undefined);
        await nextTurn();
      }
    })();
    try {
      await delay(200);
      await stopConsuming(messages);
      await reading;
      // Jobs keep arriving after the stop: none may be handed to the stopped reader.
      await delay(100);
      publishing = false;
      await publisher;
      await connection.flush();
      return (await manager.consumers.info(stream, 'reader')).num_ack_pending;
    } finally {
      publishing = false;
      await manager.streams.delete(stream);
    }
  };

  it('leaves no message delivered to a stopped reader that it never saw, however busy the queue', async () => {
    const stranded: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) stranded.push(await strandedAfterStoppingMidStream());
    expect(stranded).toEqual(Array(ROUNDS).fill(0));
  });
});
