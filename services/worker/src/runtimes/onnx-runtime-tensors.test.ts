import type { Datatype, Tensor, TensorData } from '@switchboard/tensors';
import { describe, expect, it } from 'vitest';
import { tensorFromOnnx, tensorToOnnx } from './onnx-runtime-tensors.js';

const SAMPLES: [Datatype, string, TensorData][] = [
  ['BOOL', 'bool', Uint8Array.from([1, 0, 1, 1])],
  ['UINT8', 'uint8', Uint8Array.from([0, 1, 254, 255])],
  ['UINT16', 'uint16', Uint16Array.from([0, 1, 2, 65_535])],
  ['UINT32', 'uint32', Uint32Array.from([0, 1, 2, 4_294_967_295])],
  ['UINT64', 'uint64', BigUint64Array.from([0n, 1n, 2n, 18_446_744_073_709_551_615n])],
  ['INT8', 'int8', Int8Array.from([-128, -1, 0, 127])],
  ['INT16', 'int16', Int16Array.from([-32_768, -1, 0, 32_767])],
  ['INT32', 'int32', Int32Array.from([-2_147_483_648, -1, 0, 2_147_483_647])],
  ['INT64', 'int64', BigInt64Array.from([-9_223_372_036_854_775_808n, -1n, 0n, 9_223_372_036_854_775_807n])],
  ['FP16', 'float16', Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001])],
  ['FP32', 'float32', Float32Array.from([-1.5, 0, 0.25, 3.4e38])],
  ['FP64', 'float64', Float64Array.from([-1.5, 0, Number.MIN_VALUE, Number.MAX_VALUE])],
];

describe('tensorToOnnx and tensorFromOnnx', () => {
  it.each(SAMPLES)('carry %s through onnxruntime type %s and back unchanged', (datatype, type, data) => {
    const tensor: Tensor = { name: 'x', datatype, shape: [2, 2], data };
    const onnx = tensorToOnnx(tensor);
    expect(onnx.type).toBe(type);
    expect(onnx.dims).toEqual([2, 2]);
    expect(tensorFromOnnx('y', onnx)).toEqual({ ...tensor, name: 'y' });
  });

  it('turns BYTES elements into onnxruntime strings and back into UTF-8 bytes', () => {
    const encoder = new TextEncoder();
    const data = ['plain', 'naïve café', ''].map((text) => encoder.encode(text));
    const onnx = tensorToOnnx({ name: 'text', datatype: 'BYTES', shape: [3], data });
    expect(onnx.type).toBe('string');
    expect(onnx.data).toEqual(['plain', 'naïve café', '']);
    expect(tensorFromOnnx('text', onnx)).toEqual({ name: 'text', datatype: 'BYTES', shape: [3], data });
  });

  it('refuses BF16, which onnxruntime tensors cannot hold', () => {
    const tensor: Tensor = { name: 'x', datatype: 'BF16', shape: [1], data: Uint16Array.from([0x3f80]) };
    expect(() => tensorToOnnx(tensor)).toThrow(/no BF16 tensors/);
  });

  it('refuses data whose element count disagrees with the shape', () => {
    const tensor: Tensor = { name: 'x', datatype: 'FP32', shape: [2, 3], data: new Float32Array(4) };
    expect(() => tensorToOnnx(tensor)).toThrow();
  });
});
