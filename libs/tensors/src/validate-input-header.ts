import { InvalidArgumentError } from '@switchboard/errors';
import type { ModelInferRequest_InferInputTensor, TensorSpec } from '@switchboard/protocol';
import { DATATYPES, isDatatype } from './datatype.js';
import { formatShape, shapeFromProto } from './shape.js';
import type { Datatype } from './tensor.js';

/** The datatype and shape of a request input, checked against the model's declaration. */
export interface InputHeader {
  datatype: Datatype;
  shape: number[];
}

/**
 * Checks an input's datatype and shape against its spec. A negative declared dimension (-1) accepts any
 * size ≥ 0, which is how batchable models declare the batch dimension.
 *
 * @param model names the model in messages, e.g. `model "resnet"`.
 * @throws InvalidArgumentError when the datatype is unknown or differs from the spec, the rank differs,
 *   a fixed dimension differs, or a dimension is negative.
 */
export function validateInputHeader(
  input: ModelInferRequest_InferInputTensor,
  spec: TensorSpec,
  model: string,
): InputHeader {
  const label = `input "${input.name}"`;
  if (!isDatatype(input.datatype)) {
    throw new InvalidArgumentError(
      `${label} has datatype "${input.datatype}", which is not an Open Inference Protocol datatype; ` +
        `use ${spec.datatype} (the datatypes are ${DATATYPES.join(', ')})`,
    );
  }
  if (input.datatype !== spec.datatype) {
    throw new InvalidArgumentError(
      `${label} has datatype ${input.datatype} but ${model} expects ${spec.datatype}`,
    );
  }
  const shape = shapeFromProto(input.shape, label);
  checkShape(shape, spec.shape, `${label} has shape ${formatShape(shape)} but ${model} expects`);
  return { datatype: input.datatype, shape };
}

function checkShape(shape: readonly number[], declared: readonly bigint[], mismatch: string): void {
  const expected = `${formatShape(declared)} (-1 = any size)`;
  if (shape.length !== declared.length) {
    throw new InvalidArgumentError(`${mismatch} rank ${declared.length}: ${expected}`);
  }
  for (let index = 0; index < declared.length; index++) {
    const want = declared[index] as bigint;
    if (want >= 0n && shape[index] !== Number(want)) {
      throw new InvalidArgumentError(
        `${mismatch} ${expected}: dimension ${index} is ${shape[index]}, expected ${want}`,
      );
    }
  }
}
