import { InvalidArgumentError, ResourceExhaustedError, previewText } from '@switchboard/errors';
import { MAX_VERSION_LENGTH, NAME_RULE, isValidName, isValidVersion } from '@switchboard/protocol';
import type { InferParameter, ModelInferRequest } from '@switchboard/protocol';
import type { CallMetadata } from './call-metadata.js';

/**
 * The sizes a client controls, bounded before a request is looked at any further. Every string a
 * client sends ends up somewhere — a log line, a telemetry record, a job on JetStream, an error
 * message — so each gets a limit and a refusal that names it.
 */
export interface RequestLimits {
  /** Longest OIP request `id`, in UTF-8 bytes (`ROUTER_MAX_ID_BYTES`). */
  readonly maxIdBytes: number;
  /** Most parameters on the request, and on each input or output (`ROUTER_MAX_PARAMETERS`). */
  readonly maxParameters: number;
  /** Largest parameter, key plus value, in bytes (`ROUTER_MAX_PARAMETER_BYTES`). */
  readonly maxParameterBytes: number;
  /** Most inputs, requested outputs and raw input contents (`ROUTER_MAX_TENSORS`). */
  readonly maxTensors: number;
  /** Largest gRPC metadata, counted as HPACK does (`ROUTER_MAX_METADATA_BYTES`). */
  readonly maxMetadataBytes: number;
}

/** Longest input or output name or datatype; the registry's tensor names are far shorter. */
export const MAX_TENSOR_NAME_BYTES = 256;
/** Most dimensions of an input shape; no model the runtimes serve has more. */
export const MAX_SHAPE_RANK = 32;
/** HPACK's per-entry overhead (RFC 7541 §4.1), so many tiny entries cannot slip under the byte limit. */
const METADATA_ENTRY_OVERHEAD_BYTES = 32;

/**
 * Checks the name (and version) a ModelInfer, ModelReady or ModelMetadata call asks for. A
 * malformed name cannot be registered, so it is refused as such rather than looked up.
 * @throws InvalidArgumentError naming the rule the name or version breaks.
 */
export function checkRequestedName(name: string, version: string): void {
  if (name === '') throw new InvalidArgumentError('model_name is required: name a model or a route');
  if (!isValidName(name))
    throw new InvalidArgumentError(
      `model_name ${previewText(name)} is not a valid model or route name: names are ${NAME_RULE}`,
    );
  if (version !== '' && !isValidVersion(version))
    throw new InvalidArgumentError(
      `model_version ${previewText(version)} is invalid: at most ${MAX_VERSION_LENGTH} characters, no whitespace or control characters (leave it empty for the served version)`,
    );
}

/**
 * Checks every client-controlled size of a ModelInfer call against `limits`.
 * @throws InvalidArgumentError for a malformed name or version, an oversized id, tensor name or shape.
 * @throws ResourceExhaustedError for too much metadata, too many parameters or tensors, or an oversized parameter.
 */
export function checkRequestLimits(
  request: ModelInferRequest,
  metadata: CallMetadata,
  limits: RequestLimits,
): void {
  checkMetadata(metadata, limits.maxMetadataBytes);
  checkRequestedName(request.modelName, request.modelVersion);
  const idBytes = Buffer.byteLength(request.id);
  if (idBytes > limits.maxIdBytes)
    throw new InvalidArgumentError(
      `id is ${idBytes} bytes; the limit is ${limits.maxIdBytes} (ROUTER_MAX_ID_BYTES)`,
    );
  checkParameters('the request', request.parameters, limits);
  checkCount('inputs', request.inputs.length, limits.maxTensors);
  checkCount('outputs', request.outputs.length, limits.maxTensors);
  checkCount('raw_input_contents', request.rawInputContents.length, limits.maxTensors);
  for (const input of request.inputs) {
    checkTensorName('input', input.name);
    checkTensorName('datatype of an input', input.datatype);
    if (input.shape.length > MAX_SHAPE_RANK)
      throw new InvalidArgumentError(
        `input ${previewText(input.name)} has ${input.shape.length} dimensions; at most ${MAX_SHAPE_RANK}`,
      );
    checkParameters(`input ${previewText(input.name)}`, input.parameters, limits);
  }
  for (const output of request.outputs) {
    checkTensorName('output', output.name);
    checkParameters(`output ${previewText(output.name)}`, output.parameters, limits);
  }
}

function checkMetadata(metadata: CallMetadata, maxBytes: number): void {
  let bytes = 0;
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) {
      bytes += key.length + METADATA_ENTRY_OVERHEAD_BYTES;
      bytes += typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    }
  }
  if (bytes > maxBytes)
    throw new ResourceExhaustedError(
      `request metadata is ${bytes} bytes; the limit is ${maxBytes} (ROUTER_MAX_METADATA_BYTES)`,
    );
}

function checkCount(what: string, count: number, max: number): void {
  if (count > max)
    throw new ResourceExhaustedError(`${count} ${what}; the limit is ${max} (ROUTER_MAX_TENSORS)`);
}

function checkTensorName(what: string, name: string): void {
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_TENSOR_NAME_BYTES)
    throw new InvalidArgumentError(
      `${what} name ${previewText(name)} is ${bytes} bytes; at most ${MAX_TENSOR_NAME_BYTES}`,
    );
}

function checkParameters(
  owner: string,
  parameters: Readonly<Record<string, InferParameter>>,
  limits: RequestLimits,
): void {
  const keys = Object.keys(parameters);
  if (keys.length > limits.maxParameters)
    throw new ResourceExhaustedError(
      `${owner} has ${keys.length} parameters; the limit is ${limits.maxParameters} (ROUTER_MAX_PARAMETERS)`,
    );
  for (const key of keys) {
    const bytes = Buffer.byteLength(key) + parameterValueBytes(parameters[key] as InferParameter);
    if (bytes > limits.maxParameterBytes)
      throw new ResourceExhaustedError(
        `parameter ${previewText(key)} of ${owner} is ${bytes} bytes; the limit is ${limits.maxParameterBytes} (ROUTER_MAX_PARAMETER_BYTES)`,
      );
  }
}

/** A parameter value's size: a string's bytes, else the 8 bytes of any number or boolean. */
function parameterValueBytes(parameter: InferParameter): number {
  const choice = parameter.parameterChoice;
  return choice.case === 'stringParam' ? Buffer.byteLength(choice.value) : 8;
}
