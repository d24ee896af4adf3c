import { jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createTestNamespace, testInfrastructure } from '@switchboard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubjectNames, ensureStreams, isStreamNotFound } from '../src/index.js';
import type { SubjectNames } from '../src/index.js';

describe('ensureStreams', () => {
  let connection: NatsConnection;
  let manager: JetStreamManager;
  let names: SubjectNames;

  const streamNames = () => [names.inferStream, names.deadLetterStream, names.telemetryStream];
  const exists = (stream: string) =>
    manager.streams.info(stream).then(
      () => true,
      (error: unknown) => {
        if (isStreamNotFound(error)) return false;
        throw error;
      },
    );

  beforeEach(async () => {
    connection = await connect({ servers: testInfrastructure().natsUrl });
    manager = await jetstreamManager(connection);
    names = createSubjectNames(createTestNamespace('streams'));
  });

  afterEach(async () => {
    for (const stream of streamNames()) if (await exists(stream)) await manager.streams.delete(stream);
    await connection.close();
  });

  it('creates the job, dead-letter and telemetry streams on their namespaced subjects', async () => {
    await ensureStreams(manager, names);

    const [infer, deadLetter, telemetry] = await Promise.all(
      streamNames().map((stream) => manager.streams.info(stream)),
    );
    expect(infer?.config).toMatchObject({
      subjects: [names.inferWildcard],
      retention: RetentionPolicy.Workqueue,
    });
    expect(deadLetter?.config).toMatchObject({
      subjects: [names.deadLetterWildcard],
      retention: RetentionPolicy.Limits,
    });
    expect(telemetry?.config).toMatchObject({
      subjects: [names.telemetryWildcard],
      retention: RetentionPolicy.Limits,
      max_bytes: 1024 * 1024 * 1024,
    });
    expect(deadLetter?.config.max_age).toBeGreaterThan(telemetry?.config.max_age ?? Infinity);
  });

  it('creates only the streams it is asked for', async () => {
    await ensureStreams(manager, names, { kinds: ['telemetry'] });

    expect(await Promise.all(streamNames().map(exists))).toEqual([false, false, true]);
  });

  it('keeps an existing stream and its messages when called again, as every service does at start', async () => {
    await ensureStreams(manager, names);
    await jetstream(connection).publish(names.telemetryRequestSubject('m'));

    await ensureStreams(manager, names);

    expect((await manager.streams.info(names.telemetryStream)).state.messages).toBe(1);
  });

  it('applies the telemetry byte limit it is given, also to a stream that already exists', async () => {
    await ensureStreams(manager, names, { kinds: ['telemetry'] });

    await ensureStreams(manager, names, { kinds: ['telemetry'], telemetryMaxBytes: 8 * 1024 * 1024 });

    expect((await manager.streams.info(names.telemetryStream)).config.max_bytes).toBe(8 * 1024 * 1024);
  });

  it('names TELEMETRY_MAX_BYTES when JetStream cannot reserve the telemetry limit', async () => {
    const moreThanAnyDisk = 2 ** 52;

    await expect(
      ensureStreams(manager, names, { kinds: ['telemetry'], telemetryMaxBytes: moreThanAnyDisk }),
    ).rejects.toThrow(/no room to reserve 4503599627370496 bytes .* lower TELEMETRY_MAX_BYTES/);
    expect(await exists(names.telemetryStream)).toBe(false);
  });

  it('creates each stream with the replicas it is given, and names NATS_STREAM_REPLICAS when the server cannot hold them', async () => {
    await ensureStreams(manager, names, { kinds: ['infer'], replicas: 1 });
    expect((await manager.streams.info(names.inferStream)).config.num_replicas).toBe(1);

    // The suite's NATS is a single server: three replicas need a cluster.
    await expect(ensureStreams(manager, names, { kinds: ['dead-letter'], replicas: 3 })).rejects.toThrow(
      /refused 3 replicas for stream .* set NATS_STREAM_REPLICAS=1 for a single server/,
    );
    expect(await exists(names.deadLetterStream)).toBe(false);
  });
});
