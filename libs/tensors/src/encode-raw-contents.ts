import { LENGTH_PREFIX_BYTES } from './datatype.js';
import type { Tensor } from './tensor.js';
import { bytesOfTensorData } from './tensor-data.js';

/**
 * Encodes a tensor's elements the way `raw_input_contents` / `raw_output_contents` carry them: fixed-size
 * datatypes as little-endian elements (sharing the tensor's memory, no copy), BYTES as a 4-byte
 * little-endian length before each element, as Triton does.
 */
export function encodeRawContents(tensor: Tensor): Uint8Array {
  const data = tensor.data;
  if (!Array.isArray(data)) return bytesOfTensorData(data);
  let totalBytes = data.length * LENGTH_PREFIX_BYTES;
  for (const item of data) totalBytes += item.length;
  const bytes = new Uint8Array(totalBytes);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const item of data) {
    view.setUint32(offset, item.length, true);
    bytes.set(item, offset + LENGTH_PREFIX_BYTES);
    offset += LENGTH_PREFIX_BYTES + item.length;
  }
  return bytes;
}
