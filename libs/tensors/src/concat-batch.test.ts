import { InvalidArgumentError } from '@switchboard/errors';
import { describe, expect, it } from 'vitest';
import { concatBatch, countBatchRows } from './concat-batch.js';
import type { Tensor } from './tensor.js';

function pixels(rows: number[][]): Tensor {
  return { name: 'pixels', datatype: 'FP32', shape: [rows.length, 2], data: new Float32Array(rows.flat()) };
}

function text(...items: string[]): Tensor {
  const encoder = new TextEncoder();
  return {
    name: 'text',
    datatype: 'BYTES',
    shape: [items.length],
    data: items.map((item) => encoder.encode(item)),
  };
}

describe('concatBatch', () => {
  it('joins each input along dimension 0 in request order', () => {
    const batch = concatBatch([
      [pixels([[1, 2]])],
      [
        pixels([
          [3, 4],
          [5, 6],
        ]),
      ],
    ]);
    expect(batch).toEqual([
      pixels([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    ]);
  });

  it('joins BYTES inputs element by element', () => {
    expect(concatBatch([[text('a')], [text('b', 'c')]])).toEqual([text('a', 'b', 'c')]);
  });

  it('joins 64-bit integers without losing precision', () => {
    const big = (value: bigint): Tensor => ({
      name: 'id',
      datatype: 'INT64',
      shape: [1],
      data: new BigInt64Array([value]),
    });
    const [joined] = concatBatch([[big(2n ** 62n + 1n)], [big(-3n)]]);
    expect(joined?.data).toEqual(new BigInt64Array([2n ** 62n + 1n, -3n]));
  });

  it('copies from typed arrays that are views into larger buffers', () => {
    const view: Tensor = {
      name: 'pixels',
      datatype: 'FP32',
      shape: [1, 2],
      data: new Float32Array([9, 1, 2, 9]).subarray(1, 3),
    };
    expect(concatBatch([[view], [pixels([[3, 4]])]])).toEqual([
      pixels([
        [1, 2],
        [3, 4],
      ]),
    ]);
  });

  it('returns a single request unchanged, even a scalar input of a model that does not batch', () => {
    const scalar: Tensor = { name: 'temperature', datatype: 'FP32', shape: [], data: new Float32Array(1) };
    const only = [pixels([[1, 2]]), scalar];
    const batch = concatBatch([only]);
    expect(batch[0]).toBe(only[0]);
    expect(batch[1]).toBe(scalar);
  });

  it('returns no inputs for no requests', () => {
    expect(concatBatch([])).toEqual([]);
  });

  it('rejects a request whose inputs disagree on batch size', () => {
    expect(() => concatBatch([[pixels([[1, 2]])], [pixels([[1, 2]]), text('a', 'b')]])).toThrow(
      'input "text" has 2 rows but the request\'s other inputs have 1',
    );
  });

  it('rejects requests whose inputs differ beyond dimension 0', () => {
    const wide: Tensor = { name: 'pixels', datatype: 'FP32', shape: [1, 3], data: new Float32Array(3) };
    const join = () => concatBatch([[pixels([[1, 2]])], [wide]]);
    expect(join).toThrow(InvalidArgumentError);
    expect(join).toThrow('request 1 has input "pixels" FP32 [1, 3] where request 0 has "pixels" FP32 [1, 2]');
  });

  it('rejects requests whose inputs differ in datatype', () => {
    const ints: Tensor = { name: 'pixels', datatype: 'INT32', shape: [1, 2], data: new Int32Array(2) };
    expect(() => concatBatch([[pixels([[1, 2]])], [ints]])).toThrow(
      'request 1 has input "pixels" INT32 [1, 2]',
    );
  });

  it('rejects requests with different numbers of inputs', () => {
    expect(() => concatBatch([[pixels([[1, 2]])], [pixels([[1, 2]]), text('a')]])).toThrow(
      'request 1 has 2 inputs but request 0 has 1',
    );
  });
});

describe('countBatchRows', () => {
  it('gives the size of dimension 0 shared by every input', () => {
    expect(
      countBatchRows([
        pixels([
          [1, 2],
          [3, 4],
        ]),
        text('a', 'b'),
      ]),
    ).toBe(2);
  });

  it('rejects inputs that disagree on dimension 0', () => {
    expect(() =>
      countBatchRows([
        pixels([
          [1, 2],
          [3, 4],
        ]),
        text('a'),
      ]),
    ).toThrow('input "text" has 1 rows but the request\'s other inputs have 2');
  });

  it('rejects a scalar input, which has no batch dimension', () => {
    const scalar: Tensor = { name: 'temperature', datatype: 'FP32', shape: [], data: new Float32Array(1) };
    expect(() => countBatchRows([scalar])).toThrow(
      'input "temperature" has shape [] and so no batch dimension',
    );
  });
});
