/** Encodes FP32 values as Open Inference Protocol raw contents (`raw_input_contents`): little-endian bytes. */
export function toRawFloat32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/**
 * Decodes FP32 raw contents (`raw_output_contents`) into numbers.
 * @throws RangeError when the byte count is not a multiple of 4.
 */
export function fromRawFloat32(bytes: Uint8Array): number[] {
  // A copy: decoded bytes may be a Node Buffer, a view into a larger shared pool.
  return Array.from(new Float32Array(new Uint8Array(bytes).buffer));
}
