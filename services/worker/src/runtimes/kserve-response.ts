import { ExecutionError } from '@switchboard/errors';
import type { ModelInferResponse, TensorSpec } from '@switchboard/protocol';
import { decodeOutputs } from '@switchboard/tensors';
import type { Tensor } from '@switchboard/tensors';

/** What the outputs of one batch's response are checked against. */
export interface ExpectedOutputs {
  /** The outputs the registry declares, in its order. */
  declared: readonly TensorSpec[];
  /** Rows of the batch: every output's first dimension. */
  rows: number;
  /** Names the model and address in messages, e.g. `model "iris" at triton:8001`. */
  upstream: string;
}

function malformed(expected: ExpectedOutputs, problem: string, cause?: unknown): ExecutionError {
  // The same batch would get the same answer again: the upstream's model does not match the registry.
  return new ExecutionError(
    `kserve upstream ${expected.upstream} answered a malformed response: ${problem}`,
    {
      cause,
      retryable: false,
    },
  );
}

/** The shape a declared output must have for a batch of `rows`: the batch dimension filled in. */
function fitsShape(declared: TensorSpec, shape: readonly number[], rows: number): boolean {
  return (
    shape.length === declared.shape.length &&
    shape[0] === rows &&
    declared.shape.every(
      (dimension, index) => index === 0 || dimension < 0n || Number(dimension) === shape[index],
    )
  );
}

/**
 * Decodes a ModelInferResponse into the declared outputs, in the registry's order, each checked
 * for its datatype and shape (first dimension the batch's rows). Outputs nobody declared are dropped.
 * @throws ExecutionError (not retryable) naming the output when the response cannot be decoded,
 *   lacks a declared output or has one of another datatype or shape.
 */
export function outputsFromResponse(response: ModelInferResponse, expected: ExpectedOutputs): Tensor[] {
  let received: Tensor[];
  try {
    received = decodeOutputs(response);
  } catch (error) {
    throw malformed(expected, error instanceof Error ? error.message : String(error), error);
  }
  return expected.declared.map((declared) => {
    const output = received.find((tensor) => tensor.name === declared.name);
    if (output === undefined) {
      const names = received.map((tensor) => `"${tensor.name}"`).join(', ') || 'none';
      throw malformed(expected, `output "${declared.name}" is missing (it sent: ${names})`);
    }
    if (output.datatype !== declared.datatype) {
      throw malformed(
        expected,
        `output "${declared.name}" is ${output.datatype}; the registry declares ${declared.datatype}`,
      );
    }
    if (!fitsShape(declared, output.shape, expected.rows)) {
      throw malformed(
        expected,
        `output "${declared.name}" has shape [${output.shape.join(', ')}]; a batch of ` +
          `${expected.rows} needs [${[expected.rows, ...declared.shape.slice(1)].join(', ')}]`,
      );
    }
    return output;
  });
}
