import type { Datatype, Tensor } from '../tensor.js';

const encoder = new TextEncoder();

/**
 * One 2×2 tensor per datatype, with values at the edges of each range (where encodings go wrong:
 * sign bits, 64-bit values beyond 2^53, empty strings), so round trips exercise every path.
 */
export const SAMPLE_TENSORS: Readonly<Record<Datatype, Tensor>> = {
  BOOL: { name: 'bool', datatype: 'BOOL', shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
  UINT8: { name: 'uint8', datatype: 'UINT8', shape: [2, 2], data: new Uint8Array([0, 1, 128, 255]) },
  UINT16: { name: 'uint16', datatype: 'UINT16', shape: [2, 2], data: new Uint16Array([0, 1, 256, 65535]) },
  UINT32: {
    name: 'uint32',
    datatype: 'UINT32',
    shape: [2, 2],
    data: new Uint32Array([0, 1, 65536, 4294967295]),
  },
  UINT64: {
    name: 'uint64',
    datatype: 'UINT64',
    shape: [2, 2],
    data: new BigUint64Array([0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n]),
  },
  INT8: { name: 'int8', datatype: 'INT8', shape: [2, 2], data: new Int8Array([-128, -1, 0, 127]) },
  INT16: { name: 'int16', datatype: 'INT16', shape: [2, 2], data: new Int16Array([-32768, -1, 0, 32767]) },
  INT32: {
    name: 'int32',
    datatype: 'INT32',
    shape: [2, 2],
    data: new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]),
  },
  INT64: {
    name: 'int64',
    datatype: 'INT64',
    shape: [2, 2],
    data: new BigInt64Array([-(2n ** 63n), -1n, 2n ** 53n + 1n, 2n ** 63n - 1n]),
  },
  // 1.0, -2.0, +Inf and NaN as IEEE half-precision bit patterns.
  FP16: {
    name: 'fp16',
    datatype: 'FP16',
    shape: [2, 2],
    data: new Uint16Array([0x3c00, 0xc000, 0x7c00, 0x7e00]),
  },
  FP32: { name: 'fp32', datatype: 'FP32', shape: [2, 2], data: new Float32Array([0.5, -1.25, 3.4e38, -0]) },
  FP64: {
    name: 'fp64',
    datatype: 'FP64',
    shape: [2, 2],
    data: new Float64Array([0.1, -1e308, 5e-324, Math.PI]),
  },
  // 1.0, -2.0, +Inf and NaN as bfloat16 bit patterns.
  BF16: {
    name: 'bf16',
    datatype: 'BF16',
    shape: [2, 2],
    data: new Uint16Array([0x3f80, 0xc000, 0x7f80, 0x7fc0]),
  },
  BYTES: {
    name: 'bytes',
    datatype: 'BYTES',
    shape: [2, 2],
    data: [encoder.encode('héllo'), new Uint8Array(0), new Uint8Array([0, 255]), encoder.encode('x')],
  },
};
