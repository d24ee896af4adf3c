import { ExecutionError } from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { concatBatch } from './concat-batch.js';
import { splitBatch } from './split-batch.js';
import type { Tensor } from './tensor.js';

const LOGITS: Tensor = {
  name: 'logits',
  datatype: 'FP32',
  shape: [3, 2],
  data: new Float32Array([1, 2, 3, 4, 5, 6]),
};
const LABELS: Tensor = {
  name: 'label',
  datatype: 'BYTES',
  shape: [3],
  data: [new Uint8Array([97]), new Uint8Array([98]), new Uint8Array([99])],
};

describe('splitBatch', () => {
  it('gives each request its rows of every output, in order', () => {
    const [first, second] = splitBatch([LOGITS, LABELS], [1, 2]);
    expect(first).toEqual([
      { name: 'logits', datatype: 'FP32', shape: [1, 2], data: new Float32Array([1, 2]) },
      { name: 'label', datatype: 'BYTES', shape: [1], data: [new Uint8Array([97])] },
    ]);
    expect(second).toEqual([
      { name: 'logits', datatype: 'FP32', shape: [2, 2], data: new Float32Array([3, 4, 5, 6]) },
      { name: 'label', datatype: 'BYTES', shape: [2], data: [new Uint8Array([98]), new Uint8Array([99])] },
    ]);
  });

  it('undoes concatBatch', () => {
    const requests: Tensor[][] = [
      [{ name: 'x', datatype: 'UINT16', shape: [2, 1], data: new Uint16Array([7, 8]) }],
      [{ name: 'x', datatype: 'UINT16', shape: [1, 1], data: new Uint16Array([9]) }],
    ];
    expect(splitBatch(concatBatch(requests), [2, 1])).toEqual(requests);
  });

  it('hands a single request the outputs as they are, whatever their shape', () => {
    const scalar: Tensor = { name: 'score', datatype: 'FP64', shape: [], data: new Float64Array([0.5]) };
    const [only] = splitBatch([scalar], [1]);
    expect(only?.[0]).toBe(scalar);
  });

  it('rejects an output whose dimension 0 is not the batch size as a non-retryable ExecutionError', () => {
    const split = () => splitBatch([LOGITS], [1, 1]);
    expect(split).toThrow(ExecutionError);
    expect(split).toThrow('output "logits" with shape [3, 2] for a batch of 2 rows (1 + 1)');
  });

  it('rejects an output whose data does not fill its shape', () => {
    const short: Tensor = { ...LOGITS, data: new Float32Array(5) };
    expect(() => splitBatch([short], [1, 2])).toThrow(
      'tensor "logits" has 5 elements but its shape [3, 2] needs 6',
    );
  });
});
