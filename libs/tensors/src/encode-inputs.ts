import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError } from '@switchboard/errors';
import { InferTensorContentsSchema, ModelInferRequest_InferInputTensorSchema } from '@switchboard/protocol';
import type { InferTensorContents, ModelInferRequest_InferInputTensor } from '@switchboard/protocol';
import { encodeRawContents } from './encode-raw-contents.js';
import { shapeToProto } from './shape.js';
import type { Tensor } from './tensor.js';
import { findTensorProblem } from './tensor-data.js';
import { typedContentsField } from './typed-contents-field.js';

/** How a request carries its input elements: in each input's `contents`, or in `raw_input_contents`. */
export type InputEncoding = 'typed' | 'raw';

/** The `inputs` and `raw_input_contents` of a ModelInferRequest. */
export interface EncodedInputs {
  inputs: ModelInferRequest_InferInputTensor[];
  rawInputContents: Uint8Array[];
}

/**
 * Encodes tensors as the inputs of a ModelInferRequest, for clients, benchmarks and tests. `raw` puts
 * the elements in `rawInputContents` (one entry per input, no copy for fixed-size data); `typed` puts
 * them in the contents field of each input's datatype and leaves `rawInputContents` empty.
 *
 * @throws InvalidArgumentError when a tensor's data does not match its datatype or shape, or when
 *   `typed` is asked for an FP16 or BF16 tensor, which the protocol can carry only raw.
 */
export function encodeInputs(tensors: readonly Tensor[], encoding: InputEncoding): EncodedInputs {
  const inputs: ModelInferRequest_InferInputTensor[] = [];
  const rawInputContents: Uint8Array[] = [];
  for (const tensor of tensors) {
    const problem = findTensorProblem(tensor);
    if (problem !== undefined) throw new InvalidArgumentError(problem);
    const input = create(ModelInferRequest_InferInputTensorSchema, {
      name: tensor.name,
      datatype: tensor.datatype,
      shape: shapeToProto(tensor.shape),
    });
    if (encoding === 'raw') {
      rawInputContents.push(encodeRawContents(tensor));
    } else {
      input.contents = toTypedContents(tensor);
    }
    inputs.push(input);
  }
  return { inputs, rawInputContents };
}

function toTypedContents(tensor: Tensor): InferTensorContents {
  const field = typedContentsField(tensor.datatype);
  if (field === undefined) {
    throw new InvalidArgumentError(
      `tensor "${tensor.name}" is ${tensor.datatype}, which has no typed contents field; encode it raw`,
    );
  }
  const contents = create(InferTensorContentsSchema);
  const data = tensor.data;
  if (Array.isArray(data)) {
    contents.bytesContents = data.slice();
  } else if (field === 'boolContents') {
    contents.boolContents = Array.from(data as Uint8Array, (value) => value !== 0);
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    contents[field as 'int64Contents' | 'uint64Contents'] = Array.from(data);
  } else {
    contents[field as 'intContents' | 'uintContents' | 'fp32Contents' | 'fp64Contents'] = Array.from(data);
  }
  return contents;
}
