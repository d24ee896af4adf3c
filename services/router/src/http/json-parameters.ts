import { create } from '@bufbuild/protobuf';
import { InvalidArgumentError, previewText } from '@switchboard/errors';
import { InferParameterSchema } from '@switchboard/protocol';
import type { InferParameter } from '@switchboard/protocol';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

const INT64_LIMIT = 2 ** 63;

/**
 * KServe v2 `parameters` (a JSON object of booleans, numbers and strings) as OIP parameters: a
 * whole number becomes `int64_param` (Triton's `priority` and `timeout` are read as such), any other
 * number `double_param`, a boolean `bool_param`, a string `string_param`. Absent → none.
 * @throws InvalidArgumentError when it is not an object or a value is of another JSON type.
 */
export function toInferParameters(value: unknown, owner: string): Record<string, InferParameter> {
  // No prototype: a parameter named __proto__ is just a parameter.
  const parameters = Object.create(null) as Record<string, InferParameter>;
  if (value === undefined) return parameters;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`"parameters" of ${owner} must be a JSON object`);
  }
  for (const [key, item] of Object.entries(value)) {
    parameters[key] = create(InferParameterSchema, { parameterChoice: toParameterChoice(item, key, owner) });
  }
  return parameters;
}

function toParameterChoice(item: unknown, key: string, owner: string): InferParameter['parameterChoice'] {
  switch (typeof item) {
    case 'boolean':
      return { case: 'boolParam', value: item };
    case 'string':
      return { case: 'stringParam', value: item };
    case 'number':
      return Number.isInteger(item) && Math.abs(item) < INT64_LIMIT
        ? { case: 'int64Param', value: BigInt(item) }
        : { case: 'doubleParam', value: item };
    default:
      throw new InvalidArgumentError(
        `parameter ${previewText(key)} of ${owner} must be a boolean, number or string`,
      );
  }
}

/** An OIP parameter as the JSON value KServe v2 answers with; 64-bit integers keep every digit. */
export function parameterJson(parameter: InferParameter): string {
  const choice = parameter.parameterChoice;
  switch (choice.case) {
    case 'int64Param':
    case 'uint64Param':
      return choice.value.toString();
    case 'doubleParam':
      return Number.isFinite(choice.value) ? String(choice.value) : 'null';
    case 'boolParam':
    case 'stringParam':
      return JSON.stringify(choice.value);
    default:
      return 'null';
  }
}

/** An OIP parameter map as a JSON object's text. */
export function parametersJson(parameters: Readonly<Record<string, InferParameter>>): string {
  let text = '';
  for (const key in parameters) {
    text += `${text === '' ? '' : ','}${JSON.stringify(key)}:${parameterJson(parameters[key] as InferParameter)}`;
  }
  return `{${text}}`;
}
