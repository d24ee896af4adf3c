import { InvalidArgumentError } from '@switchboard/errors';
import type { InferParameter } from '@switchboard/protocol';

type Parameters = Readonly<Record<string, InferParameter>>;

/**
 * A numeric request parameter sent as int64, uint64 or double; undefined when absent.
 * @throws InvalidArgumentError when it has another type, is not finite or is negative.
 */
export function readNumberParameter(parameters: Parameters, name: string): number | undefined {
  const choice = parameters[name]?.parameterChoice;
  if (choice === undefined || choice.case === undefined) return undefined;
  if (choice.case === 'int64Param' || choice.case === 'uint64Param' || choice.case === 'doubleParam') {
    const value = Number(choice.value);
    if (!Number.isFinite(value) || value < 0)
      throw new InvalidArgumentError(`parameter "${name}" must be a finite number >= 0, got ${value}`);
    return value;
  }
  throw new InvalidArgumentError(`parameter "${name}" must be a number parameter, got ${choice.case}`);
}

/**
 * A whole-number request parameter sent as int64 or uint64 (as Triton's `priority` and `timeout`
 * are); undefined when absent.
 * @throws InvalidArgumentError when it has another type or is negative.
 */
export function readWholeNumberParameter(parameters: Parameters, name: string): bigint | undefined {
  const choice = parameters[name]?.parameterChoice;
  if (choice === undefined || choice.case === undefined) return undefined;
  if (choice.case === 'int64Param' || choice.case === 'uint64Param') {
    if (choice.value < 0n)
      throw new InvalidArgumentError(`parameter "${name}" must be >= 0, got ${choice.value}`);
    return choice.value;
  }
  throw new InvalidArgumentError(
    `parameter "${name}" must be an int64 or uint64 parameter, got ${choice.case}`,
  );
}
