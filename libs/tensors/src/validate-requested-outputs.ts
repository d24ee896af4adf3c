import { InvalidArgumentError } from '@switchboard/errors';
import type { ModelInferRequest, TensorSpec } from '@switchboard/protocol';
import { describeModel, listNames } from './describe-model.js';

/**
 * Checks the outputs a request asks for (`outputs`; none means all) against the model's declared outputs.
 *
 * @throws InvalidArgumentError when a requested output is not declared (the message lists the declared
 *   ones) or is requested more than once.
 */
export function validateRequestedOutputs(
  request: ModelInferRequest,
  outputSpecs: readonly TensorSpec[],
): void {
  const seen = new Set<string>();
  for (const { name } of request.outputs) {
    if (!outputSpecs.some((spec) => spec.name === name)) {
      throw new InvalidArgumentError(
        `${describeModel(request)} has no output named "${name}"; its outputs are ${listNames(outputSpecs)}`,
      );
    }
    if (seen.has(name)) {
      throw new InvalidArgumentError(
        `output "${name}" is requested more than once; request each output at most once`,
      );
    }
    seen.add(name);
  }
}
