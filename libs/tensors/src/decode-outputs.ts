import { InvalidArgumentError } from '@switchboard/errors';
import type { ModelInferResponse } from '@switchboard/protocol';
import { DATATYPES, isDatatype } from './datatype.js';
import { decodeRawContents } from './decode-raw-contents.js';
import { decodeTypedContents } from './decode-typed-contents.js';
import { shapeFromProto } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * Decodes the outputs of a ModelInferResponse, whether they arrived raw (`raw_output_contents`, one entry
 * per output) or typed (`contents`). The inverse of `encodeOutputs`, for clients and tests.
 *
 * @throws InvalidArgumentError when the response is malformed: an unknown datatype, a negative dimension,
 *   a raw entry count that differs from the output count, or contents that do not fit the shape.
 */
export function decodeOutputs(response: ModelInferResponse): Tensor[] {
  const rawCount = response.rawOutputContents.length;
  const raw = rawCount > 0;
  if (raw && rawCount !== response.outputs.length) {
    throw new InvalidArgumentError(
      `response has ${rawCount} raw_output_contents entries for ${response.outputs.length} outputs; ` +
        `raw outputs need exactly one entry per output`,
    );
  }
  return response.outputs.map((output, index) => {
    const label = `output "${output.name}"`;
    if (!isDatatype(output.datatype)) {
      throw new InvalidArgumentError(
        `${label} has datatype "${output.datatype}", which is not one of ${DATATYPES.join(', ')}`,
      );
    }
    const shape = shapeFromProto(output.shape, label);
    const data = raw
      ? decodeRawContents(
          response.rawOutputContents[index] as Uint8Array,
          output.datatype,
          shape,
          `${label} (raw_output_contents[${index}])`,
        )
      : decodeTypedContents(output.contents, output.datatype, shape, label);
    return { name: output.name, datatype: output.datatype, shape, data };
  });
}
