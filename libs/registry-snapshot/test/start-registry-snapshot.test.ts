import { create, toBinary } from '@bufbuild/protobuf';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames } from '@switchboard/nats';
import { ModelSpecSchema } from '@switchboard/protocol';
import { createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelKey, openRegistryBucket, startRegistrySnapshot } from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('startRegistrySnapshot', () => {
  let connection: NatsConnection;
  const names = createSubjectNames(createTestNamespace('snapshot'));

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
  });

  afterEach(async () => {
    await (await openRegistryBucket(connection, names)).destroy();
    await connection.close();
  });

  it('resolves with a snapshot that already holds every model the bucket had', async () => {
    const bucket = await openRegistryBucket(connection, names);
    const spec = create(ModelSpecSchema, { name: 'classifier', runtime: 'synthetic', version: '1' });
    await bucket.put(modelKey('classifier'), toBinary(ModelSpecSchema, spec));

    const snapshot = await startRegistrySnapshot(connection, names, logger);

    expect(snapshot.getModel('classifier')?.version).toBe('1');
    await snapshot.stop();
  });

  it('creates the bucket when the registry has not yet', async () => {
    const snapshot = await startRegistrySnapshot(connection, names, logger);

    expect(snapshot.listModels()).toEqual([]);
    await snapshot.stop();
  });
});
