import { status as GrpcStatus } from '@grpc/grpc-js';
import { InvalidArgumentError } from '@switchboard/errors';
import { createLogger } from '@switchboard/logging';
import { GRPCInferenceService } from '@switchboard/protocol';
import type { ModelStreamInferResponse } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcClient } from './create-client.js';
import type { GrpcClient } from './create-client.js';
import { serve, startGrpcServer } from './start-grpc-server.js';
import type { RunningGrpcServer } from './start-grpc-server.js';

describe('the protobuf-es adapter', () => {
  let server: RunningGrpcServer;
  let client: GrpcClient<typeof GRPCInferenceService>;

  beforeAll(async () => {
    server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ service: 'test', level: 'silent' }),
      services: [
        serve(GRPCInferenceService, {
          serverLive: async () => ({ live: true }),
          // Echoes each request's id; a request without one ends the stream with INVALID_ARGUMENT.
          modelStreamInfer: async (call) => {
            for await (const request of call.iterator({ destroyOnReturn: false })) {
              if (request.id === '') throw new InvalidArgumentError('every streamed request needs an id');
              call.write({ inferResponse: { id: request.id } });
            }
          },
        }),
      ],
    });
    client = createGrpcClient(GRPCInferenceService, `127.0.0.1:${server.port}`);
  });

  afterAll(async () => {
    client.close();
    await server.stop(0);
  });

  it('answers a method registered without a handler UNIMPLEMENTED, naming it', async () => {
    await expect(client.modelConfig({ name: 'm' })).rejects.toMatchObject({
      code: GrpcStatus.UNIMPLEMENTED,
      details: 'inference.GRPCInferenceService/ModelConfig is not served by this server',
    });
    expect(await client.serverLive({})).toMatchObject({ live: true });
  });

  it('streams both ways, ending with OK or with the status of the error the handler threw', async () => {
    const stream = client.modelStreamInfer();
    const ids: string[] = [];
    stream.on('data', (response: ModelStreamInferResponse) => ids.push(response.inferResponse?.id ?? ''));
    const ended = new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
    stream.write({ id: 'a' });
    stream.write({ id: 'b' });
    stream.end();
    await ended;
    expect(ids).toEqual(['a', 'b']);

    const failing = client.modelStreamInfer();
    failing.on('data', () => undefined);
    const failed = new Promise((resolve) => failing.on('error', resolve));
    failing.write({ id: '' });
    await expect(failed).resolves.toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: 'every streamed request needs an id',
    });
  });
});
