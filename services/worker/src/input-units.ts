import type { ModelInferRequest } from '@switchboard/protocol';
import { LENGTH_PREFIX_BYTES } from '@switchboard/tensors';

/** Bytes of text counted as one unit: about one token. */
const BYTES_PER_UNIT = 4;

/** The elements of a shape; non-positive or absurd dimensions count as they make the product small. */
function elementsOf(shape: readonly bigint[]): number {
  let elements = 1;
  for (const dimension of shape) elements *= Math.max(0, Number(dimension));
  return Math.min(elements, Number.MAX_SAFE_INTEGER);
}

/** Bytes of a BYTES input's elements, without the length prefixes of its raw encoding. */
function textBytesOf(request: ModelInferRequest, index: number): number {
  const raw = request.rawInputContents[index];
  const input = request.inputs[index];
  if (raw !== undefined)
    return Math.max(0, raw.byteLength - LENGTH_PREFIX_BYTES * elementsOf(input?.shape ?? []));
  return (input?.contents?.bytesContents ?? []).reduce((sum, element) => sum + element.byteLength, 0);
}

/**
 * What a request costs a batch, in input units (see BatchingSpec.max_batch_units): the elements of its
 * numeric inputs (pixels x channels, audio samples, features) plus about one unit per 4 bytes of its
 * BYTES inputs (roughly a token each). Read from the request's shapes and sizes without decoding
 * its tensors, so it is cheap enough to count for every job on arrival; at least 1.
 */
export function countInputUnits(request: ModelInferRequest): number {
  let units = 0;
  request.inputs.forEach((input, index) => {
    units +=
      input.datatype === 'BYTES'
        ? Math.ceil(textBytesOf(request, index) / BYTES_PER_UNIT)
        : elementsOf(input.shape);
  });
  return Math.max(1, Math.min(units, Number.MAX_SAFE_INTEGER));
}
