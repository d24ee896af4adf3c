import { InvalidArgumentError } from '@switchboard/errors';
import { LENGTH_PREFIX_BYTES, datatypeByteSize } from './datatype.js';
import { elementCount, formatShape } from './shape.js';
import type { Datatype, TensorData } from './tensor.js';
import { viewTensorData } from './tensor-data.js';

/**
 * Decodes one tensor's raw contents (`raw_input_contents[i]` or `raw_output_contents[i]`): little-endian
 * elements for fixed-size datatypes, and for BYTES a 4-byte little-endian length before each element.
 * Fixed-size results share memory with `bytes` when aligned (see {@link viewTensorData}).
 *
 * @param label names the tensor and its source in messages, e.g. `input "x" (raw_input_contents[0])`.
 * @throws InvalidArgumentError when the byte count does not fit the shape, a BOOL byte is not 0 or 1,
 *   or BYTES framing is malformed; the message says where it broke.
 */
export function decodeRawContents(
  bytes: Uint8Array,
  datatype: Datatype,
  shape: readonly number[],
  label: string,
): TensorData {
  const elements = elementCount(shape);
  const elementBytes = datatypeByteSize(datatype);
  if (elementBytes === undefined) return decodeRawStrings(bytes, elements, shape, label);
  const expectedBytes = elements * elementBytes;
  if (bytes.length !== expectedBytes) {
    throw new InvalidArgumentError(
      `${label} has ${bytes.length} bytes but ${datatype} with shape ${formatShape(shape)} needs ` +
        `${elements} × ${elementBytes} = ${expectedBytes} bytes`,
    );
  }
  if (datatype === 'BOOL') checkBoolBytes(bytes, label);
  return viewTensorData(datatype, bytes, elements);
}

function checkBoolBytes(bytes: Uint8Array, label: string): void {
  for (let index = 0; index < bytes.length; index++) {
    const value = bytes[index] as number;
    if (value > 1) {
      throw new InvalidArgumentError(
        `${label} is BOOL but byte ${index} is ${value}; BOOL elements are one byte each, 0 or 1`,
      );
    }
  }
}

function decodeRawStrings(
  bytes: Uint8Array,
  elements: number,
  shape: readonly number[],
  label: string,
): Uint8Array[] {
  // Checked before allocating the result, so a huge declared shape cannot allocate a huge array.
  if (bytes.length < elements * LENGTH_PREFIX_BYTES) {
    throw new InvalidArgumentError(
      `${label} has ${bytes.length} bytes, too few for the ${elements} BYTES elements of shape ` +
        `${formatShape(shape)}: each element needs at least its 4-byte little-endian length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items = new Array<Uint8Array>(elements);
  let offset = 0;
  for (let index = 0; index < elements; index++) {
    if (bytes.length - offset < LENGTH_PREFIX_BYTES) {
      throw new InvalidArgumentError(
        `${label} ends at byte ${bytes.length} after ${index} of ${elements} BYTES elements; ` +
          `element ${index} needs a 4-byte little-endian length at byte ${offset}`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += LENGTH_PREFIX_BYTES;
    if (length > bytes.length - offset) {
      throw new InvalidArgumentError(
        `${label}: BYTES element ${index} declares ${length} bytes at byte ${offset - LENGTH_PREFIX_BYTES} ` +
          `but only ${bytes.length - offset} bytes remain`,
      );
    }
    items[index] = bytes.subarray(offset, offset + length);
    offset += length;
  }
  if (offset !== bytes.length) {
    throw new InvalidArgumentError(
      `${label} has ${bytes.length - offset} bytes left over after the ${elements} BYTES elements of ` +
        `shape ${formatShape(shape)} (which end at byte ${offset}); send exactly one length-prefixed item per element`,
    );
  }
  return items;
}
