import { InvalidArgumentError } from '@switchboard/errors';
import type { ModelInferRequest, TensorSpec } from '@switchboard/protocol';
import { describeModel, listNames } from './describe-model.js';

/**
 * Pairs each declared input with the request input of the same name.
 *
 * @returns for each spec, in spec order, the index of its input in `request.inputs` (which is also the
 *   index of its `raw_input_contents` entry).
 * @throws InvalidArgumentError when an input name is unknown, appears twice, or a declared input is missing.
 */
export function matchInputsToSpecs(request: ModelInferRequest, inputSpecs: readonly TensorSpec[]): number[] {
  const specIndexByName = new Map(inputSpecs.map((spec, index) => [spec.name, index]));
  const inputIndexBySpec = new Array<number>(inputSpecs.length).fill(-1);
  request.inputs.forEach((input, inputIndex) => {
    const specIndex = specIndexByName.get(input.name);
    if (specIndex === undefined) {
      throw new InvalidArgumentError(
        `${describeModel(request)} has no input named "${input.name}"; its inputs are ${listNames(inputSpecs)}`,
      );
    }
    if (inputIndexBySpec[specIndex] !== -1) {
      throw new InvalidArgumentError(
        `input "${input.name}" appears more than once in the request; send each input exactly once`,
      );
    }
    inputIndexBySpec[specIndex] = inputIndex;
  });
  const missing = inputSpecs.filter((_, specIndex) => inputIndexBySpec[specIndex] === -1);
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `request is missing ${missing.length === 1 ? 'input' : 'inputs'} ${listNames(missing)}; ` +
        `${describeModel(request)} needs all of ${listNames(inputSpecs)}`,
    );
  }
  return inputIndexBySpec;
}
