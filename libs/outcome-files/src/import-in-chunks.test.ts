import { create } from '@bufbuild/protobuf';
import { ImportOutcomesResponseSchema, OutcomeRowSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { importInChunks } from './import-in-chunks.js';
import type { ImportChunk } from './import-in-chunks.js';

const rows = Array.from({ length: 5 }, (_, index) => create(OutcomeRowSchema, { prompt: `prompt ${index}` }));

/** Records each call and answers as an optimizer that skips one outcome per row would. */
function recordingSend(calls: ImportChunk[], last: { version: bigint; refusal: string }) {
  return async (chunk: ImportChunk) => {
    calls.push(chunk);
    return create(ImportOutcomesResponseSchema, {
      rowsStored: BigInt(chunk.rows.length),
      outcomesSkipped: BigInt(chunk.rows.length),
      policyVersion: chunk.train ? last.version : 0n,
      refusal: chunk.train ? last.refusal : '',
    });
  };
}

describe('importInChunks', () => {
  it('sends the rows in order in chunks, asks for training on the last one only and adds up the answers', async () => {
    const calls: ImportChunk[] = [];
    const progress: string[] = [];

    const summary = await importInChunks(rows, {
      route: 'llm',
      chunkRows: 2,
      train: true,
      send: recordingSend(calls, { version: 7n, refusal: '' }),
      progress: (line) => progress.push(line),
    });

    expect(calls.map((call) => [call.route, call.rows.map((row) => row.prompt), call.train])).toEqual([
      ['llm', ['prompt 0', 'prompt 1'], false],
      ['llm', ['prompt 2', 'prompt 3'], false],
      ['llm', ['prompt 4'], true],
    ]);
    expect(summary).toEqual({ rowsStored: 5n, outcomesSkipped: 5n, policyVersion: 7n, refusal: '' });
    expect(progress).toEqual([
      'stored 2/5 rows',
      'stored 4/5 rows',
      'sending rows 5–5 of 5 and training…',
      'stored 5/5 rows',
    ]);
  });

  it('never asks for training with --no-train, and passes a refusal on', async () => {
    const calls: ImportChunk[] = [];
    await importInChunks(rows, {
      route: 'llm',
      chunkRows: 200,
      train: false,
      send: recordingSend(calls, { version: 0n, refusal: '' }),
      progress: () => undefined,
    });
    expect(calls.map((call) => [call.rows.length, call.train])).toEqual([[5, false]]);

    const refused = await importInChunks(rows, {
      route: 'llm',
      chunkRows: 3,
      train: true,
      send: recordingSend([], { version: 0n, refusal: 'worse than live' }),
      progress: () => undefined,
    });
    expect(refused).toMatchObject({ policyVersion: 0n, refusal: 'worse than live' });
  });
});
