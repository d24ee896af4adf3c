import { create } from '@bufbuild/protobuf';
import { ExecutionError } from '@switchboard/errors';
import { ModelInferResponse_InferOutputTensorSchema } from '@switchboard/protocol';
import type { ModelInferResponse_InferOutputTensor } from '@switchboard/protocol';
import { encodeRawContents } from './encode-raw-contents.js';
import { shapeToProto } from './shape.js';
import type { Tensor } from './tensor.js';
import { findTensorProblem } from './tensor-data.js';

/** The `outputs` and `raw_output_contents` of a ModelInferResponse. */
export interface EncodedOutputs {
  outputs: ModelInferResponse_InferOutputTensor[];
  rawOutputContents: Uint8Array[];
}

/**
 * Encodes a model's output tensors for a ModelInferResponse as Triton's gRPC server does: each output
 * carries name, datatype and shape and no typed contents; its elements go raw, in the same position of
 * `rawOutputContents` (little-endian, BYTES length-prefixed). Fixed-size data is not copied.
 *
 * @throws ExecutionError (not retryable) when a tensor's data does not match its datatype or shape,
 *   which means the runtime produced a malformed output.
 */
export function encodeOutputs(tensors: readonly Tensor[]): EncodedOutputs {
  const outputs: ModelInferResponse_InferOutputTensor[] = [];
  const rawOutputContents: Uint8Array[] = [];
  for (const tensor of tensors) {
    const problem = findTensorProblem(tensor);
    if (problem !== undefined) {
      throw new ExecutionError(`the model produced a malformed output: ${problem}`, { retryable: false });
    }
    outputs.push(
      create(ModelInferResponse_InferOutputTensorSchema, {
        name: tensor.name,
        datatype: tensor.datatype,
        shape: shapeToProto(tensor.shape),
      }),
    );
    rawOutputContents.push(encodeRawContents(tensor));
  }
  return { outputs, rawOutputContents };
}
