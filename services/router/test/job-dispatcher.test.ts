import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadlineExceededError } from '@switchboard/errors';
import { startLocalNats } from '@switchboard/local-infra';
import type { LocalNats } from '@switchboard/local-infra';
import { createLogger } from '@switchboard/logging';
import { createSubjectNames, ensureStreams } from '@switchboard/nats';
import { create } from '@bufbuild/protobuf';
import { JobSchema, ModelInferRequestSchema } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobDispatcher } from '../src/job-dispatcher.js';
import type { JobToDispatch } from '../src/job-dispatcher.js';

const names = createSubjectNames('');

describe('JobDispatcher', () => {
  let server: LocalNats;
  let connection: NatsConnection;
  const unhandled: unknown[] = [];
  const recordUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    // Its own server, so the test can freeze it without touching anyone else's.
    server = await startLocalNats();
    connection = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    await ensureStreams(await jetstreamManager(connection), names, { kinds: ['infer'] });
    process.on('unhandledRejection', recordUnhandled);
  });

  afterAll(async () => {
    process.off('unhandledRejection', recordUnhandled);
    process.kill(server.pid, 'SIGCONT');
    await connection?.close();
    await server?.stop();
  });

  it('fails a job with DEADLINE_EXCEEDED, and nothing unhandled, when the deadline passes while JetStream has not acknowledged it', async () => {
    const dispatcher = new JobDispatcher(
      connection,
      names,
      'router-a',
      createLogger({ service: 'test', level: 'silent' }),
    );
    dispatcher.start();
    await connection.flush();
    // A frozen server takes the publish but never acknowledges it, as during a reconnect.
    process.kill(server.pid, 'SIGSTOP');
    try {
      const job: JobToDispatch = {
        ...create(JobSchema, { requestId: 'request-1', model: 'frozen', version: '1', priority: 2 }),
        request: create(ModelInferRequestSchema, { modelName: 'frozen' }),
      };
      const dispatched = dispatcher.dispatch(job, Date.now() + 200);
      await expect(dispatched).rejects.toBeInstanceOf(DeadlineExceededError);
      // Give a rejection nobody awaited the turn it needs to be reported.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.kill(server.pid, 'SIGCONT');
      dispatcher.stop();
    }
  });
});
