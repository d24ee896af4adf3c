import { create, toBinary } from '@bufbuild/protobuf';
import { StringValueSchema } from '@bufbuild/protobuf/wkt';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { createTestNamespace, testInfrastructure, waitFor } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscribeDecoded } from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const encoded = (value: string) => toBinary(StringValueSchema, create(StringValueSchema, { value }));
/** Not a protobuf message: field 1 claims 200 bytes of a string that is not there. */
const UNDECODABLE = new Uint8Array([0x0a, 0xc8, 0x01, 0x41]);

describe('subscribeDecoded', () => {
  let connection: NatsConnection;
  let subject: string;

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    subject = `${createTestNamespace('decoded')}.messages`;
  });

  afterEach(async () => {
    await connection.close();
  });

  it('hands on every message that decodes and skips one that does not, without unsubscribing', async () => {
    const received: string[] = [];
    const subscription = subscribeDecoded(
      connection,
      subject,
      StringValueSchema,
      (message) => received.push(message.value),
      logger,
      'greeting',
    );

    connection.publish(subject, encoded('first'));
    connection.publish(subject, UNDECODABLE);
    connection.publish(subject, encoded('second'));

    await waitFor(() => received.length === 2, { message: 'both good messages handled' });
    expect(received).toEqual(['first', 'second']);
    expect(subscription.isClosed()).toBe(false);
    subscription.unsubscribe();
  });

  it('keeps delivering after the handler throws', async () => {
    const received: string[] = [];
    const subscription = subscribeDecoded(
      connection,
      subject,
      StringValueSchema,
      (message) => {
        if (message.value === 'poison') throw new Error('cannot apply');
        received.push(message.value);
      },
      logger,
      'greeting',
    );

    connection.publish(subject, encoded('poison'));
    connection.publish(subject, encoded('after'));

    await waitFor(() => received.length === 1, { message: 'the message after the poison handled' });
    expect(received).toEqual(['after']);
    subscription.unsubscribe();
  });
});
