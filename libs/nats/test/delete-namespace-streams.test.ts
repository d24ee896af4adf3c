import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubjectNames, deleteNamespaceStreams, ensureStreams } from '../src/index.js';

describe('deleteNamespaceStreams', () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;

  const streamsOf = async (namespace: string) => {
    const found: string[] = [];
    for await (const stream of manager.streams.names()) {
      if (stream.startsWith(`${namespace.toUpperCase()}_`) || stream.startsWith(`KV_${namespace}_`)) {
        found.push(stream);
      }
    }
    return found.sort();
  };

  /** A namespace with the four service streams and its registry bucket, as a running system leaves it. */
  const populate = async (namespace: string) => {
    const names = createSubjectNames(namespace);
    await ensureStreams(manager, names);
    await new Kvm(connection).create(names.registryBucket);
  };

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    manager = await jetstreamManager(connection);
  });

  afterEach(async () => {
    await connection.close();
  });

  it("deletes a namespace's streams and its KV bucket and leaves a namespace whose name extends it alone", async () => {
    const doomed = createTestNamespace('doomed');
    const neighbour = `${doomed}x`;
    await populate(doomed);
    await populate(neighbour);

    const deleted = await deleteNamespaceStreams(connection, doomed);

    const names = createSubjectNames(doomed);
    expect(deleted.sort()).toEqual(
      [
        names.deadLetterStream,
        names.feedbackStream,
        names.inferStream,
        names.telemetryStream,
        `KV_${names.registryBucket}`,
      ].sort(),
    );
    expect(await streamsOf(doomed)).toEqual([]);
    expect(await streamsOf(neighbour)).toHaveLength(5);
    await deleteNamespaceStreams(connection, neighbour);
  });

  it('refuses the empty namespace, whose plain stream names a deployment uses', async () => {
    await expect(deleteNamespaceStreams(connection, '')).rejects.toThrow(/empty namespace/);
  });
});
