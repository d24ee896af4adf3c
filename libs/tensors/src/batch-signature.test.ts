import { describe, expect, it } from 'vitest';
import { batchSignature } from './batch-signature.js';
import type { Tensor } from './tensor.js';

function tensor(name: string, datatype: Tensor['datatype'], shape: number[]): Tensor {
  return { name, datatype, shape, data: new Float32Array(0) };
}

describe('batchSignature', () => {
  it('ignores the batch dimension, so requests of different sizes can share a batch', () => {
    expect(batchSignature([tensor('pixels', 'FP32', [1, 3, 4])])).toBe(
      batchSignature([tensor('pixels', 'FP32', [8, 3, 4])]),
    );
  });

  it('writes name, datatype and the other dimensions of every input', () => {
    const signature = batchSignature([tensor('pixels', 'FP32', [2, 3, 4]), tensor('mask', 'BOOL', [2])]);
    expect(signature).toBe('pixels:FP32[*,3,4];mask:BOOL[*]');
  });

  it('differs when a non-batch dimension, datatype or rank differs', () => {
    const base = batchSignature([tensor('x', 'FP32', [1, 3])]);
    expect(batchSignature([tensor('x', 'FP32', [1, 4])])).not.toBe(base);
    expect(batchSignature([tensor('x', 'FP16', [1, 3])])).not.toBe(base);
    expect(batchSignature([tensor('x', 'FP32', [1, 3, 1])])).not.toBe(base);
    expect(batchSignature([tensor('x', 'FP32', [])])).not.toBe(batchSignature([tensor('x', 'FP32', [1])]));
  });
});
