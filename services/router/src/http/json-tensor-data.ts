import { InvalidArgumentError } from '@switchboard/errors';
import { elementCount } from '@switchboard/tensors';
import type { Datatype, TensorData } from '@switchboard/tensors';

type IntegerArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

const INTEGER_ARRAYS: Partial<Record<Datatype, new (length: number) => IntegerArray>> = {
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
};

const INTEGER_RANGES: Partial<Record<Datatype, readonly [number, number]>> = {
  INT8: [-(2 ** 7), 2 ** 7 - 1],
  INT16: [-(2 ** 15), 2 ** 15 - 1],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  UINT8: [0, 2 ** 8 - 1],
  UINT16: [0, 2 ** 16 - 1],
  UINT32: [0, 2 ** 32 - 1],
  INT64: [-(2 ** 63), 2 ** 63 - 1],
  UINT64: [0, 2 ** 64 - 1],
};

/**
 * A JSON input's `data` — flat in row-major order, or nested by the shape (at most one array level
 * per dimension) — as the typed elements of its datatype: booleans for BOOL, whole numbers in range
 * for the integer types, numbers for FP32/FP64, strings (UTF-8) for BYTES.
 * @throws InvalidArgumentError when the element count differs from the shape's, an element does not
 *   fit the datatype, or the datatype is FP16/BF16 (no JSON form: send it as binary data).
 */
export function toTensorData(
  data: readonly unknown[],
  datatype: Datatype,
  shape: readonly number[],
  label: string,
): TensorData {
  if (datatype === 'FP16' || datatype === 'BF16') {
    throw new InvalidArgumentError(
      `${label} is ${datatype}, which JSON cannot carry: send it as binary data (binary_data_size)`,
    );
  }
  const elements = flatten(data, Math.max(1, shape.length), label);
  const expected = elementCount(shape);
  if (elements.length !== expected) {
    throw new InvalidArgumentError(
      `${label} has ${elements.length} elements in "data" but its shape [${shape.join(', ')}] holds ${expected}`,
    );
  }
  const wrongElement = (index: number, what: string) =>
    new InvalidArgumentError(
      `${label} is ${datatype}: element ${index} of "data" is ${JSON.stringify(elements[index])?.slice(0, 32)}, not ${what}`,
    );
  switch (datatype) {
    case 'BOOL':
      return Uint8Array.from(elements, (value, index) => {
        if (typeof value !== 'boolean') throw wrongElement(index, 'true or false');
        return value ? 1 : 0;
      });
    case 'BYTES':
      return elements.map((value, index) => {
        if (typeof value !== 'string') throw wrongElement(index, 'a string');
        return Buffer.from(value, 'utf8');
      });
    case 'FP32':
    case 'FP64': {
      const values = datatype === 'FP32' ? new Float32Array(expected) : new Float64Array(expected);
      elements.forEach((value, index) => {
        if (typeof value !== 'number') throw wrongElement(index, 'a number');
        values[index] = value;
      });
      return values;
    }
    default:
      return toIntegers(elements, datatype, (index) => wrongElement(index, integerRule(datatype)));
  }
}

function integerRule(datatype: Datatype): string {
  const [min, max] = INTEGER_RANGES[datatype] ?? [0, 0];
  return `a whole number from ${min} to ${max}`;
}

function toIntegers(
  elements: readonly unknown[],
  datatype: Datatype,
  wrong: (index: number) => InvalidArgumentError,
): TensorData {
  const [min, max] = INTEGER_RANGES[datatype] ?? [0, 0];
  const check = (value: unknown, index: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw wrong(index);
    return value;
  };
  if (datatype === 'INT64')
    return BigInt64Array.from(elements, (value, index) => BigInt(check(value, index)));
  if (datatype === 'UINT64')
    return BigUint64Array.from(elements, (value, index) => BigInt(check(value, index)));
  const Constructor = INTEGER_ARRAYS[datatype] as new (length: number) => IntegerArray;
  const values = new Constructor(elements.length);
  elements.forEach((value, index) => (values[index] = check(value, index)));
  return values;
}

/**
 * The leaves of nested arrays in row-major order, at most `maxDepth` levels deep: the shape bounds
 * the nesting, so a body of thousands of brackets is refused rather than recursed into.
 */
function flatten(data: readonly unknown[], maxDepth: number, label: string): unknown[] {
  if (!data.some(Array.isArray)) return data as unknown[];
  const elements: unknown[] = [];
  const visit = (items: readonly unknown[], depth: number) => {
    for (const item of items) {
      if (!Array.isArray(item)) {
        elements.push(item);
      } else if (depth >= maxDepth) {
        throw new InvalidArgumentError(
          `${label}: "data" is nested deeper than its shape has dimensions (${maxDepth})`,
        );
      } else {
        visit(item, depth + 1);
      }
    }
  };
  visit(data, 1);
  return elements;
}
