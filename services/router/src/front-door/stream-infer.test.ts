import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { ModelInferRequestSchema } from '@switchboard/protocol';
import type { ModelInferRequest } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { serveInferStream } from './stream-infer.js';
import type { InferStream } from './stream-infer.js';

/** A stream whose infer calls wait until the test releases them, recording how far the requests were read. */
function heldStream(count: number) {
  const pending: Array<() => void> = [];
  const sent: Array<{ errorMessage?: string; inferResponse?: { id?: string } }> = [];
  const state = { read: 0, inFlight: 0, maxInFlight: 0, unexpected: [] as unknown[] };
  async function* requests(): AsyncGenerator<ModelInferRequest> {
    for (let index = 0; index < count; index++) {
      state.read += 1;
      yield create(ModelInferRequestSchema, { id: `r-${index}`, modelName: 'm' });
    }
  }
  const stream: InferStream = {
    requests: requests(),
    infer: async (request) => {
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      await new Promise<void>((resolve) => pending.push(resolve));
      state.inFlight -= 1;
      if (request.id.endsWith('3')) throw new InvalidArgumentError(`request ${request.id} is malformed`);
      if (request.id.endsWith('5')) throw new Error('a bug');
      return { id: request.id };
    },
    send: async (response) => {
      sent.push(response as (typeof sent)[number]);
    },
    onUnexpectedError: (error) => state.unexpected.push(error),
    isCancelled: () => false,
  };
  const releaseAll = async () => {
    while (sent.length < count) {
      pending.splice(0).forEach((resolve) => resolve());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { stream, state, sent, pending, releaseAll };
}

describe('serveInferStream', () => {
  it('reads no further than its in-flight bound until an answer frees a slot', async () => {
    const held = heldStream(50);
    const serving = serveInferStream(held.stream, 4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.state.inFlight).toBe(4);
    expect(held.state.read).toBe(4);
    held.pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.state.read).toBe(5);
    await held.releaseAll();
    await serving;
    expect(held.state.maxInFlight).toBe(4);
  });

  it('answers every request once, failures in error_message with the request id, and goes on after them', async () => {
    const held = heldStream(20);
    const serving = serveInferStream(held.stream, 8);
    await held.releaseAll();
    await serving;
    expect(held.sent).toHaveLength(20);
    const byId = new Map(held.sent.map((response) => [response.inferResponse?.id, response]));
    expect(byId.size).toBe(20);
    expect(byId.get('r-3')?.errorMessage).toBe('INVALID_ARGUMENT: request r-3 is malformed');
    expect(byId.get('r-5')?.errorMessage).toBe('INTERNAL: internal error');
    expect(byId.get('r-19')?.errorMessage).toBeUndefined();
    expect(held.state.unexpected).toHaveLength(2);
  });
});
