import type { Datatype } from './tensor.js';

/** Bytes per element of each fixed-size datatype; BYTES has no fixed size and is absent. */
const BYTE_SIZES: Readonly<Record<Datatype, number | undefined>> = {
  BOOL: 1,
  UINT8: 1,
  UINT16: 2,
  UINT32: 4,
  UINT64: 8,
  INT8: 1,
  INT16: 2,
  INT32: 4,
  INT64: 8,
  FP16: 2,
  FP32: 4,
  FP64: 8,
  BF16: 2,
  BYTES: undefined,
};

/** Every datatype the Open Inference Protocol defines, in the order the spec lists them. */
export const DATATYPES: readonly Datatype[] = Object.freeze(Object.keys(BYTE_SIZES) as Datatype[]);

/** Whether a wire string (e.g. a request's `datatype`) names an Open Inference Protocol datatype. */
export function isDatatype(value: string): value is Datatype {
  return Object.hasOwn(BYTE_SIZES, value);
}

/**
 * Bytes one element of `datatype` occupies in raw (little-endian) encoding, e.g. 4 for FP32.
 * `undefined` for BYTES, whose elements are length-prefixed strings of any size.
 */
export function datatypeByteSize(datatype: Datatype): number | undefined {
  return BYTE_SIZES[datatype];
}

/** Bytes of the little-endian uint32 length that precedes each BYTES element in raw encoding. */
export const LENGTH_PREFIX_BYTES = 4;
